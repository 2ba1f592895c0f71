//! End-to-end: jumbo frames cross ports with MTU 9000; a frame larger than
//! the egress port's MTU is dropped and counted; a driver that cannot take
//! an MTU says so. (af_packet ports on veth pairs: DPDK's tap driver stops
//! at MTU 1500.)

mod common;

use common::{serial, sh, unique, Host, Lisad};

struct Veth(String);

impl Drop for Veth {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["link", "del", &self.0])
            .output();
    }
}

#[test]
fn jumbo_frames_and_mtu_drops() {
    let _serial = serial();
    let mut veths = Vec::new();
    let mut ports = Vec::new();
    for i in 1..=3 {
        let (sw_end, host_end) = (
            unique("lms", &format!("p{i}")),
            unique("lmh", &format!("p{i}")),
        );
        let _ = std::process::Command::new("ip")
            .args(["link", "del", &sw_end])
            .output();
        sh(
            "ip",
            &[
                "link", "add", &sw_end, "type", "veth", "peer", "name", &host_end,
            ],
        );
        // The switch ends carry jumbo frames into the af_packet sockets.
        sh("ip", &["link", "set", &sw_end, "mtu", "9000", "up"]);
        veths.push(Veth(sw_end.clone()));
        ports.push((
            format!("Ethernet{i}"),
            format!("afpacket:{sw_end}"),
            host_end,
        ));
    }
    let refs: Vec<(&str, &str)> = ports
        .iter()
        .map(|(a, b, _)| (a.as_str(), b.as_str()))
        .collect();
    let tap = unique("lmt", "");
    let mut all = refs.clone();
    let tap_kind = format!("tap:{tap}");
    all.push(("Ethernet4", &tap_kind));
    let sw = Lisad::start(&all, &[]);
    sw.configure(&[
        "interface Ethernet1",
        " mtu 9000",
        "interface Ethernet2",
        " mtu 9000",
    ]);
    let hosts: Vec<Host> = ["a", "b", "c"]
        .iter()
        .map(|n| Host::new(&unique("lisa-m", n)))
        .collect();
    for (i, h) in hosts.iter().enumerate() {
        let ifname = &ports[i].2;
        h.take_interface(ifname, &format!("192.168.81.{}/24", i + 1));
        h.exec(&["ip", "link", "set", ifname, "mtu", "9000"]);
    }
    let ping_big = |h: &Host, to: &str| {
        h.exec(&[
            "ping", "-c", "2", "-i", "0.2", "-W", "1", "-M", "do", "-s", "8000", to,
        ])
        .status
        .success()
    };
    let reach =
        |to: &str| common::wait_until(std::time::Duration::from_secs(10), || hosts[0].ping(to, 1));
    assert!(reach("192.168.81.3"), "small frames reach C");
    assert!(reach("192.168.81.2"), "small frames reach B");
    assert!(
        ping_big(&hosts[0], "192.168.81.2"),
        "8000-byte pings cross MTU-9000 ports:\n{}",
        sw.show("show interfaces")
    );
    assert!(
        !ping_big(&hosts[0], "192.168.81.3"),
        "C's port has MTU 1500"
    );
    let ifs = sw.show("show interfaces");
    assert!(
        ifs.contains("mtu-exceeded"),
        "oversize frames not counted:\n{ifs}"
    );
    let run = sw.show("show running-config");
    assert!(run.contains("interface Ethernet1\n mtu 9000"), "{run}");

    // The tap driver cannot go past 1500: refused, with the reason, and
    // nothing changes.
    let out = sw.swcli(&[
        "configure terminal",
        "interface Ethernet4",
        "mtu 9000",
        "end",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(text.contains("supports MTU up to 1500"), "{text}");
    assert!(!sw
        .show("show running-config")
        .contains("interface Ethernet4\n mtu"));
}
