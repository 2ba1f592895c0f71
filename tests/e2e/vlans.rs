//! End-to-end VLAN behaviour with real kernel hosts: access ports, a trunk
//! (whose host speaks tagged frames through a raw socket: this kernel has no
//! 802.1Q module), the native VLAN, isolation between VLANs, station moves,
//! aging and drop counters, all configured through swcli.

use crate::common;

use common::{serial, unique, wait_until, Host, Lisad};
use std::time::Duration;

fn tap(i: u32) -> String {
    unique("lv", &format!("p{i}"))
}

/// Five hosts: A, B on access VLAN 10; C on access VLAN 20 (but in A's IP
/// subnet, so only the VLAN keeps them apart); D on access VLAN 30; T on a
/// trunk carrying 10 and 20 tagged and 30 as its native VLAN.
struct Lab {
    sw: Lisad,
    hosts: Vec<Host>,
}

fn lab() -> Lab {
    let sw = Lisad::start_with_taps(6, tap);
    sw.configure(&[
        "vlan 10",
        " name users",
        "vlan 20,30",
        "interface Ethernet1",
        " switchport access vlan 10",
        "int e2",
        " sw acc vl 10",
        "interface Ethernet3",
        " switchport access vlan 20",
        "interface Ethernet4",
        " switchport access vlan 30",
        "interface Ethernet5",
        " switchport mode trunk",
        " switchport trunk allowed vlan 10,20,30",
        " switchport trunk native vlan 30",
        "interface Ethernet6",
        " switchport access vlan 10",
    ]);
    let names = ["a", "b", "c", "d", "t"];
    let hosts: Vec<Host> = names
        .iter()
        .map(|n| Host::new(&unique("lisa-v", n)))
        .collect();
    hosts[0].take_interface(&tap(1), "10.10.0.1/24");
    hosts[1].take_interface(&tap(2), "10.10.0.2/24");
    hosts[2].take_interface(&tap(3), "10.10.0.3/24");
    hosts[3].take_interface(&tap(4), "10.30.0.4/24");
    hosts[4].take_interface(&tap(5), "10.30.0.9/24");
    hosts[2].exec(&["ip", "addr", "add", "10.20.0.3/24", "dev", &tap(3)]);
    Lab { sw, hosts }
}

/// A reaches B in its access VLAN, not C in VLAN 20 (same IP subnet).
fn check_access_ports_isolate_vlans(lab: &Lab) {
    let a = &lab.hosts[0];
    assert!(a.ping("10.10.0.2", 2), "same access VLAN: A must reach B");
    assert!(
        !a.ping("10.10.0.3", 2),
        "C is in VLAN 20: A must not reach it"
    );
}

/// ARP probes from the trunk host T, tagged or not, are answered in the
/// right VLAN or not at all; T's kernel reaches D over the native VLAN, and
/// D has no path to A.
fn check_trunk_tags_and_native_vlan(lab: &Lab) {
    let (d, t) = (&lab.hosts[3], &lab.hosts[4]);
    // (source, target, tag sent, reply's VLAN, why)
    let probes = [
        (
            "10.10.0.9",
            "10.10.0.1",
            Some(10),
            Some("10"),
            "trunk, VLAN 10 tagged: A answers, tagged 10",
        ),
        (
            "10.20.0.9",
            "10.20.0.3",
            Some(20),
            Some("20"),
            "trunk, VLAN 20 tagged: C answers, tagged 20",
        ),
        (
            "10.10.0.9",
            "10.10.0.3",
            Some(10),
            None,
            "C is not in VLAN 10",
        ),
        (
            "10.30.0.9",
            "10.30.0.4",
            None,
            Some("untagged"),
            "native VLAN 30: D answers untagged",
        ),
        (
            "10.30.0.9",
            "10.30.0.4",
            Some(30),
            Some("untagged"),
            "tagged native VLAN is accepted, replies untagged",
        ),
        (
            "10.40.0.9",
            "10.40.0.4",
            Some(40),
            None,
            "VLAN 40 is not allowed on the trunk",
        ),
    ];
    for (src, target, vlan, want, why) in probes {
        assert_eq!(
            t.arp_probe(&tap(5), src, target, vlan).as_deref(),
            want,
            "{why}"
        );
    }
    assert!(
        t.ping("10.30.0.4", 2),
        "the trunk host's kernel reaches D over the native VLAN"
    );
    assert!(!d.ping("10.10.0.1", 1), "D (VLAN 30) has no path to A");
}

/// The MAC table has A in VLAN 10 on Ethernet1, and T in both VLAN 10 and
/// its native VLAN 30.
fn check_mac_table_learns_per_vlan(lab: &Lab) {
    let (a, t) = (&lab.hosts[0], &lab.hosts[4]);
    let table = lab.sw.show("show mac address-table");
    let row = |mac: &str| {
        table
            .lines()
            .find(|l| l.contains(mac))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
    };
    assert_eq!(
        row(&a.mac(&tap(1))).map(|r| (r[0].to_string(), r[3].to_string())),
        Some(("10".into(), "Ethernet1".into())),
        "{table}"
    );
    let t_mac = t.mac(&tap(5));
    let t_rows: Vec<&str> = table.lines().filter(|l| l.contains(&t_mac)).collect();
    assert!(
        t_rows.iter().any(|l| l.trim_start().starts_with("10 ")),
        "T learned in VLAN 10: {table}"
    );
    assert!(
        t_rows.iter().any(|l| l.trim_start().starts_with("30 ")),
        "T learned in native VLAN 30: {table}"
    );
}

/// A tagged frame on an access port is dropped and counted.
fn check_tagged_frame_on_access_port_is_dropped(lab: &Lab) {
    let a = &lab.hosts[0];
    assert_eq!(
        a.arp_probe(&tap(1), "10.20.0.1", "10.20.0.3", Some(20)),
        None
    );
    let ifs = lab.sw.show("show interfaces");
    let vlan_filter = lab.sw.drops("vlan-filter");
    assert!(vlan_filter > 0, "no vlan-filter drops counted:\n{ifs}");
}

/// Shutting a port down stops its traffic; no shutdown brings it back.
fn check_shutdown_stops_a_port(lab: &Lab) {
    let (sw, a) = (&lab.sw, &lab.hosts[0]);
    sw.configure(&["interface Ethernet2", " shutdown"]);
    assert!(!a.ping("10.10.0.2", 1), "B's port is shut down");
    sw.configure(&["interface Ethernet2", " no shutdown"]);
    assert!(
        wait_until(Duration::from_secs(5), || a.ping("10.10.0.2", 1)),
        "B's port is up again"
    );
}

/// A static entry wins over learning: pin B's address to the wrong port
/// and A's frames for B go there; remove it and B is reachable again.
fn check_static_entry_wins_over_learning(lab: &Lab) {
    let (sw, a) = (&lab.sw, &lab.hosts[0]);
    let b_mac = lab.hosts[1].mac(&tap(2));
    let pin = format!("mac address-table static {b_mac} vlan 10 interface Ethernet6");
    sw.configure(&[&pin]);
    let table = sw.show("show mac address-table");
    assert!(
        table
            .lines()
            .any(|l| l.contains(&b_mac) && l.contains("STATIC") && l.ends_with("Ethernet6")),
        "{table}"
    );
    assert!(
        !a.ping("10.10.0.2", 1),
        "frames for B must follow the static entry"
    );
    sw.configure(&[&format!("no {pin}")]);
    assert!(
        wait_until(Duration::from_secs(5), || a.ping("10.10.0.2", 1)),
        "B reachable once the static entry is gone"
    );
}

#[test]
fn access_trunk_native_and_isolation() {
    let _serial = serial();
    let lab = lab();
    check_access_ports_isolate_vlans(&lab);
    check_trunk_tags_and_native_vlan(&lab);
    check_mac_table_learns_per_vlan(&lab);
    check_tagged_frame_on_access_port_is_dropped(&lab);
    check_shutdown_stops_a_port(&lab);
    check_static_entry_wins_over_learning(&lab);

    // The running config shows what was configured.
    let run = lab.sw.show("show running-config");
    for want in ["vlan 10\n name users", "interface Ethernet5\n switchport trunk native vlan 30\n switchport trunk allowed vlan 10,20,30\n switchport mode trunk"] {
        assert!(run.contains(want), "missing {want:?} in\n{run}");
    }
}

#[test]
fn station_move_is_relearned_and_aging_removes_entries() {
    let _serial = serial();
    let Lab { sw, hosts } = lab();
    let (a, b) = (&hosts[0], &hosts[1]);
    assert!(a.ping("10.10.0.2", 1));
    let b_mac = b.mac(&tap(2));
    let port_of = |mac: &str| {
        sw.show("show mac address-table")
            .lines()
            .find(|l| l.contains(mac))
            .and_then(|l| l.split_whitespace().nth(3).map(str::to_string))
    };
    assert_eq!(port_of(&b_mac).as_deref(), Some("Ethernet2"));

    // B moves: same MAC and address, now behind Ethernet6.
    let moved = Host::new(&unique("lisa-v", "m"));
    moved.take_interface(&tap(6), "10.10.0.2/24");
    let colon_mac: String = b_mac
        .replace('.', "")
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(":");
    moved.exec(&["ip", "link", "set", &tap(6), "down"]);
    moved.exec(&["ip", "link", "set", &tap(6), "address", &colon_mac]);
    moved.exec(&["ip", "link", "set", &tap(6), "up"]);
    b.exec(&["ip", "link", "set", &tap(2), "down"]);
    assert!(
        wait_until(Duration::from_secs(10), || moved.ping("10.10.0.1", 1)),
        "moved host cannot reach A"
    );
    assert_eq!(
        port_of(&b_mac).as_deref(),
        Some("Ethernet6"),
        "station move not relearned"
    );

    // Aging: with a 10 s aging time and no traffic, learned entries go.
    sw.configure(&["mac address-table aging-time 10"]);
    let gone = wait_until(Duration::from_secs(25), || port_of(&b_mac).is_none());
    assert!(
        gone,
        "entry did not age out:\n{}",
        sw.show("show mac address-table")
    );
}
