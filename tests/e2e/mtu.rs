//! End-to-end: jumbo frames cross ports with MTU 9000, switched and
//! routed; a frame larger than the egress port's MTU is dropped and
//! counted; a driver that cannot take an MTU says so. (af_packet ports on veth pairs: DPDK's tap driver stops
//! at MTU 1500.)

use crate::common;

use common::{serial, sh, unique, Host, Lisad};

struct Veth(String);

impl Drop for Veth {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["link", "del", &self.0])
            .output();
    }
}

/// A switch port: its name, its af_packet kind, and the host end of its veth.
struct VethPort {
    name: String,
    kind: String,
    host_end: String,
}

/// Three veth pairs, the switch ends up with MTU 9000, as Ethernet1..3.
/// The pairs are deleted when the returned `Veth`s drop.
fn veth_ports() -> (Vec<Veth>, Vec<VethPort>) {
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
        ports.push(VethPort {
            name: format!("Ethernet{i}"),
            kind: format!("afpacket:{sw_end}"),
            host_end,
        });
    }
    (veths, ports)
}

/// 8000-byte pings from A cross MTU-9000 ports to B but not to C (MTU
/// 1500), and the oversize frames are counted; the running config has the MTU.
fn check_jumbo_frames_cross_and_oversize_ones_drop(sw: &Lisad, hosts: &[Host]) {
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
}

/// Routed: with A in VLAN 10 and B in VLAN 20 behind SVIs, 8000-byte
/// pings (DF set) are routed both ways through MTU-9000 ports, with no
/// `not-routable` drop.
fn check_jumbo_packets_are_routed(sw: &Lisad, hosts: &[Host], ports: &[VethPort]) {
    sw.route_two_vlans("10.81");
    for (h, (p, net)) in hosts.iter().zip(ports.iter().zip([10, 20])) {
        h.exec(&["ip", "addr", "flush", "dev", &p.host_end]);
        let addr = format!("10.81.{net}.2/24");
        h.exec(&["ip", "addr", "add", &addr, "dev", &p.host_end]);
        let gw = format!("10.81.{net}.1");
        h.exec(&["ip", "route", "add", "default", "via", &gw]);
    }
    let routed = || {
        common::wait_until(std::time::Duration::from_secs(10), || {
            hosts[0].ping("10.81.20.2", 1)
        })
    };
    assert!(
        routed(),
        "small packets routed:\n{}",
        sw.show("show ip arp")
    );
    let big = hosts[0].exec(&[
        "ping",
        "-c",
        "3",
        "-i",
        "0.2",
        "-W",
        "1",
        "-M",
        "do",
        "-s",
        "8000",
        "10.81.20.2",
    ]);
    assert!(
        big.status.success(),
        "8000-byte packets routed from VLAN 10 to 20:\n{}\n{}",
        String::from_utf8_lossy(&big.stdout),
        sw.show("show interfaces")
    );
    assert_eq!(sw.drops("not-routable"), 0);
}

#[test]
fn jumbo_frames_and_mtu_drops() {
    let _serial = serial();
    let (_veths, ports) = veth_ports();
    let tap_kind = format!("tap:{}", unique("lmt", ""));
    let mut all: Vec<(&str, &str)> = ports
        .iter()
        .map(|p| (p.name.as_str(), p.kind.as_str()))
        .collect();
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
    for (i, (h, p)) in hosts.iter().zip(&ports).enumerate() {
        h.take_interface(&p.host_end, &format!("192.168.81.{}/24", i + 1));
        h.exec(&["ip", "link", "set", &p.host_end, "mtu", "9000"]);
    }
    check_jumbo_frames_cross_and_oversize_ones_drop(&sw, &hosts);
    check_jumbo_packets_are_routed(&sw, &hosts, &ports);

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
