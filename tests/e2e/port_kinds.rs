//! End-to-end: every kind of kernel- and VM-facing port carries real
//! traffic. A kernel host on a tap port pings another host that sits behind
//! an af_packet port (veth), or behind a vhost-user port whose far end is a
//! `virtio_user` peer (testpmd) bridged to a tap.

use crate::common;

use common::{serial, sh, unique, Host, Lisad, VirtioPeer};
use std::time::Duration;

#[test]
fn af_packet_port_on_a_veth() {
    let _serial = serial();
    let tap = unique("lta", "");
    let (veth_sw, veth_host) = (unique("lvs", ""), unique("lvh", ""));
    let _ = std::process::Command::new("ip")
        .args(["link", "del", &veth_sw])
        .output();
    sh(
        "ip",
        &[
            "link", "add", &veth_sw, "type", "veth", "peer", "name", &veth_host,
        ],
    );
    sh("ip", &["link", "set", &veth_sw, "up"]);
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("tap:{tap}")),
            ("Ethernet2", &format!("afpacket:{veth_sw}")),
        ],
        &[],
    );
    let a = Host::new(&unique("lisa-a", ""));
    let b = Host::new(&unique("lisa-b", ""));
    a.take_interface(&tap, "192.168.78.1/24");
    b.take_interface(&veth_host, "192.168.78.2/24");
    assert!(
        a.ping("192.168.78.2", 3),
        "no ping through the af_packet port:\n{}",
        sw.log_text()
    );
    drop(sw);
    let _ = std::process::Command::new("ip")
        .args(["link", "del", &veth_sw])
        .output();
}

/// Who works a vring of a `net_virtio_user` peer's device, as lisad logs it.
enum Datapath {
    /// lisad's own datapath (split rings), with or without mergeable buffers.
    Own { mergeable: bool },
    /// The vhost library's (packed rings).
    Library,
}

impl Datapath {
    /// The peer's device arguments that make the device so.
    fn devargs(&self) -> &'static str {
        match self {
            Datapath::Own { mergeable: true } => "",
            Datapath::Own { mergeable: false } => ",mrg_rxbuf=0",
            Datapath::Library => ",packed_vq=1",
        }
    }

    /// What lisad's log says of every vring of the device.
    fn logged(&self) -> &'static str {
        match self {
            Datapath::Own { mergeable: true } => {
                "is worked by lisad's datapath (split ring, mergeable buffers)"
            }
            Datapath::Own { mergeable: false } => "is worked by lisad's datapath (split ring)",
            Datapath::Library => "is worked by the vhost library",
        }
    }
}

fn ping_through_vhost(switch_is_server: bool) {
    ping_through_vhost_with(switch_is_server, Datapath::Own { mergeable: true });
}

fn ping_through_vhost_with(switch_is_server: bool, datapath: Datapath) {
    let _serial = serial();
    let (tap_a, tap_vm) = (unique("lta", ""), unique("ltv", ""));
    let dir = std::env::temp_dir().join(format!("lisa-vhost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("vm1.sock");
    let kind = if switch_is_server {
        "vhost-server"
    } else {
        "vhost-client"
    };
    let vhost = format!("{kind}:{}", sock.display());
    // As a client the switch starts first and keeps reconnecting until the
    // peer's server socket appears.
    let sw = Lisad::start(
        &[("Ethernet1", &format!("tap:{tap_a}")), ("Vhost1", &vhost)],
        &[],
    );
    let _peer = VirtioPeer::start_with(&sock, !switch_is_server, &tap_vm, datapath.devargs());
    let a = Host::new(&unique("lisa-a", ""));
    let vm = Host::new(&unique("lisa-vm", ""));
    a.take_interface(&tap_a, "192.168.79.1/24");
    vm.take_interface(&tap_vm, "192.168.79.2/24");
    let reached = common::wait_until(Duration::from_secs(20), || a.ping("192.168.79.2", 1));
    if !reached {
        let neigh = a.exec(&["ip", "neigh"]);
        let vm_neigh = vm.exec(&["ip", "neigh"]);
        panic!(
            "no ping through the {kind} port:\n{}\n{}\na: {}\nvm: {}",
            sw.show("show interfaces"),
            sw.show("show mac address-table"),
            String::from_utf8_lossy(&neigh.stdout),
            String::from_utf8_lossy(&vm_neigh.stdout)
        );
    }
    assert!(a.ping("192.168.79.2", 3));
    let ifs = sw.show("show interfaces");
    assert!(ifs.contains("Vhost1 is up"), "{ifs}");
    let log = sw.log_text();
    for vring in ["vring 0 ", "vring 1 "] {
        assert!(
            log.lines()
                .any(|l| l.contains(vring) && l.contains(datapath.logged())),
            "{vring}not worked as expected ({}):\n{log}",
            datapath.logged()
        );
    }
    check_an_idle_worker_waits_for_rx_interrupts(&sw, &a);
    drop(sw);
    if switch_is_server {
        assert!(
            !sock.exists(),
            "lisad left its vhost-user server socket behind"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Power save: with a tap and a vhost-user port (both have rx
/// interrupts), an idle worker waits for an interrupt rather than polling
/// or only sleeping, and a frame wakes it.
fn check_an_idle_worker_waits_for_rx_interrupts(sw: &Lisad, a: &Host) {
    let waits = |out: &str| -> u64 {
        out.lines()
            .find_map(|l| l.strip_prefix("Power save: "))
            .and_then(|l| l.split(", ").nth(1))
            .and_then(|w| w.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let mut perf = String::new();
    let waited = common::wait_until(Duration::from_secs(10), || {
        perf = sw.show("show dataplane performance");
        waits(&perf) > 0
    });
    assert!(waited, "the idle worker never waited:\n{perf}");
    assert!(perf.contains("rx interrupts on every queue"), "{perf}");
    assert!(a.ping("192.168.79.2", 2), "a frame did not wake the worker");
}

#[test]
fn vhost_user_server_port_with_virtio_user_peer() {
    ping_through_vhost(true);
}

#[test]
fn vhost_user_client_port_reconnects_to_peer_server() {
    ping_through_vhost(false);
}

#[test]
fn vhost_user_peer_without_mergeable_buffers_is_served_by_lisad() {
    ping_through_vhost_with(true, Datapath::Own { mergeable: false });
}

#[test]
fn vhost_user_peer_with_packed_rings_falls_back_to_the_vhost_library() {
    ping_through_vhost_with(true, Datapath::Library);
}

/// A switch with a tap port `Ethernet1` (its tap's name returned) and a
/// vhost-user server port `Vhost1` at `vm1.sock` in a fresh directory of
/// this test run's (returned, for the test to remove).
fn switch_with_a_vhost_server(tag: &str) -> (Lisad, String, std::path::PathBuf) {
    let tap_a = unique("lta", "");
    let dir = std::env::temp_dir().join(format!("lisa-vhost-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("vm1.sock");
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("tap:{tap_a}")),
            ("Vhost1", &format!("vhost-server:{}", sock.display())),
        ],
        &[],
    );
    (sw, tap_a, dir)
}

/// A guest killed mid-traffic (SIGKILL: nobody asks for its ring
/// indices) and a new one on the same socket, which gets the same vid and
/// starts its rings at 0: the switch must work the new rings from 0, not
/// from where the dead guest's were. (It passes with the shim's
/// forget-on-device-change undone too: testpmd's message order does not
/// force the old indices into the new device; it guards the crash and
/// replace a user does.)
#[test]
fn a_vhost_peer_killed_mid_traffic_and_replaced_is_switched_afresh() {
    let _serial = serial();
    let tap_vm = unique("ltv", "");
    let (sw, tap_a, dir) = switch_with_a_vhost_server("kill");
    let sock = dir.join("vm1.sock");
    let a = Host::new(&unique("lisa-a", ""));
    let vm = Host::new(&unique("lisa-vm", ""));
    a.take_interface(&tap_a, "192.168.82.1/24");
    let first = VirtioPeer::start(&sock, false, &tap_vm);
    vm.take_interface(&tap_vm, "192.168.82.2/24");
    assert!(
        common::wait_until(Duration::from_secs(20), || a.ping("192.168.82.2", 1)),
        "no ping through the first guest:\n{}",
        sw.show("show interfaces")
    );
    // Some hundreds of frames each way: the rings' indices move on.
    let out = a.exec(&["ping", "-q", "-c", "300", "-i", "0.005", "192.168.82.2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    first.sigkill();
    assert!(
        sw.port_becomes("Vhost1", "down", 10),
        "the killed guest's port stays up"
    );
    let _second = VirtioPeer::start(&sock, false, &tap_vm);
    vm.take_interface(&tap_vm, "192.168.82.2/24");
    // The new guest's interface has a new MAC address.
    a.exec(&["ip", "neigh", "flush", "all"]);
    let reached = common::wait_until(Duration::from_secs(20), || a.ping("192.168.82.2", 1));
    assert!(
        reached,
        "no ping through the guest that replaced a killed one:\n{}\n{}",
        sw.show("show interfaces"),
        sw.log_text()
    );
    assert!(a.ping("192.168.82.2", 5));
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A hostile guest (`tests/tools/vhost_guest.py`, a vhost-user front end
/// of its own) puts broken descriptor chains on its tx ring (a link past
/// the table, a loop, memory it does not have, a receive buffer, a runt)
/// and a read-only buffer on its rx ring, among good ones: the switch
/// returns every chain, counts each broken one, and still answers the
/// guest's ARP through a kernel host.
#[test]
fn a_guests_broken_descriptor_chains_are_counted_and_dropped() {
    let _serial = serial();
    let (sw, tap_a, dir) = switch_with_a_vhost_server("bad");
    let sock = dir.join("vm1.sock");
    let a = Host::new(&unique("lisa-a", ""));
    a.take_interface(&tap_a, "192.168.81.1/24");
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/vhost_guest.py");
    // Twice: the second guest, which starts its rings at 0, gets the vid
    // the first one left without GET_VRING_BASE (as a crashed QEMU does),
    // and must not be given the first one's ring indices. The second one
    // also has the switch refuse a message (with REPLY_ACK the connection
    // stays: the datapath must not stay paused) and disables its tx ring
    // for a while (a frame posted on it must be left there).
    for extra in [None, Some("--reply-ack")] {
        run_the_hostile_guest(&sw, tool, &sock, extra);
        assert!(sw.port_becomes("Vhost1", "down", 10), "the guest left");
    }
    // Five broken tx chains, and at least one frame lost to the read-only
    // receive buffer, each time.
    let bad = common::wait_until(Duration::from_secs(5), || sw.drops("guest-bad-chain") >= 12);
    assert!(
        bad,
        "broken chains not counted ({}):\n{}",
        sw.drops("guest-bad-chain"),
        sw.show("show interfaces")
    );
    assert!(sw.log_text().contains("is worked by lisad's datapath"));
    // The switch goes on: the guest's port went down when it left, the
    // kernel host's port still up.
    let ifs = sw.show("show interfaces");
    assert!(ifs.contains("Ethernet1 is up"), "{ifs}");
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `tests/tools/vhost_guest.py` against the switch's socket; asserts
/// it got its ARP reply and every chain back.
fn run_the_hostile_guest(sw: &Lisad, tool: &str, sock: &std::path::Path, extra: Option<&str>) {
    let out = std::process::Command::new("python3")
        .args([
            tool,
            &sock.display().to_string(),
            "52:54:00:81:00:02",
            "192.168.81.2",
            "192.168.81.1",
        ])
        .args(extra)
        .output()
        .expect("python3");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the hostile guest:\n{said}\n{}",
        sw.show("show interfaces")
    );
}
