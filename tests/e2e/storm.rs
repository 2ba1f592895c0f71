//! Storm control with real traffic: a host floods broadcasts
//! (`tests/tools/hostile.py`, raw socket) into a port with a level; the
//! switch lets the level through and drops the rest (`storm-control`),
//! unicast goes on, the storm is logged as IOS does, and `storm-control
//! action shutdown` err-disables the port.

use crate::common;

use common::{serial, spawn_ready, unique, wait_until, Host, Lisad};
use std::process::Command;
use std::time::Duration;

const TOOL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/hostile.py");

/// Sends `count` broadcast frames from `host`'s `ifname` as fast as the
/// tool goes (bursts of 64).
fn broadcast_storm(host: &Host, ifname: &str, count: u32) {
    let n = count.to_string();
    let out = host.exec(&[
        "python3",
        TOOL,
        "send",
        ifname,
        "storm",
        &n,
        "--router-mac",
        "02:00:00:00:00:01",
        "--svi",
        "10.66.10.1",
        "--victim-mac",
        "02:00:00:00:00:02",
        "--victim-ip",
        "10.66.10.2",
        "--pause",
        "0.001",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_broadcast_storm_is_cut_at_the_configured_level() {
    let _g = serial();
    let (ta, tb) = (unique("lsa", ""), unique("lsb", ""));
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("tap:{ta}")),
            ("Ethernet2", &format!("tap:{tb}")),
        ],
        &[],
    );
    let a = Host::new(&unique("lisa-sa", ""));
    let b = Host::new(&unique("lisa-sb", ""));
    a.take_interface(&ta, "10.66.10.5/24");
    b.take_interface(&tb, "10.66.10.2/24");
    sw.configure(&[
        "interface Ethernet1",
        " storm-control broadcast level pps 1k",
    ]);
    assert!(a.ping("10.66.10.2", 2), "unicast before the storm");

    // b counts what reaches it while a floods 30000 broadcasts.
    let sniffer = spawn_ready(
        Command::new("ip").args(["netns", "exec", &b.ns, "python3", TOOL, "sniff", &tb, "5"]),
    );
    broadcast_storm(&a, &ta, 30_000);
    let out = sniffer.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let received: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("untagged: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let dropped = sw.drops("storm-control");
    eprintln!("storm: {received} broadcasts reached b, {dropped} dropped");
    // At most the level in each 1-second interval the storm touched (it
    // lasts a second or two: a held interval passes nothing).
    assert!(
        (500..=3_000).contains(&received),
        "{received} reached b\n{text}"
    );
    assert!(dropped >= 25_000, "{dropped} dropped");
    let shown = sw.show("show storm-control broadcast");
    assert!(shown.contains("Et1"), "{shown}");
    assert!(shown.contains("1k pps"), "{shown}");
    assert!(
        wait_until(Duration::from_secs(3), || sw.show("show logging").contains(
            "%STORM_CONTROL-3-FILTERED: A packet storm was detected on Et1"
        )),
        "{}",
        sw.show("show logging")
    );
    assert!(a.ping("10.66.10.2", 2), "unicast after the storm");

    // With `action shutdown` a storm err-disables the port.
    sw.configure(&["interface Ethernet1", " storm-control action shutdown"]);
    std::thread::sleep(Duration::from_millis(1200));
    broadcast_storm(&a, &ta, 10_000);
    assert!(
        sw.port_becomes("Ethernet1", "down, line protocol is down (err-disabled)", 4),
        "{}",
        sw.show("show interfaces Ethernet1")
    );
    assert!(sw
        .show("show logging")
        .contains("%PM-4-ERR_DISABLE: storm-control error detected on Et1"));
}
