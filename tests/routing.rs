//! End-to-end: IPv4 routing between SVIs, with kernel hosts in network
//! namespaces behind DPDK tap ports: ARP for the gateway, ping across
//! VLANs, ping of the SVI itself, TTL exceeded, no route, static routes.

mod common;

use common::{serial, unique, Host, Lisad};

/// Two hosts in VLANs 10 and 20, each behind an access port, with their
/// default route through the switch's SVI.
struct TwoSubnets {
    sw: Lisad,
    a: Host,
    b: Host,
    tap_a: String,
    tap_b: String,
}

fn two_subnets() -> TwoSubnets {
    let (tap_a, tap_b) = (unique("lra", ""), unique("lrb", ""));
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("tap:{tap_a}")),
            ("Ethernet2", &format!("tap:{tap_b}")),
        ],
        &[],
    );
    sw.route_two_vlans("10.0");
    let a = Host::new(&unique("lisa-ra", ""));
    let b = Host::new(&unique("lisa-rb", ""));
    a.take_interface(&tap_a, "10.0.10.2/24");
    b.take_interface(&tap_b, "10.0.20.2/24");
    for h in [&a, &b] {
        let gw = if h.ns == a.ns {
            "10.0.10.1"
        } else {
            "10.0.20.1"
        };
        let out = h.exec(&["ip", "route", "add", "default", "via", gw]);
        assert!(out.status.success(), "{out:?}");
    }
    TwoSubnets {
        sw,
        a,
        b,
        tap_a,
        tap_b,
    }
}

#[test]
fn hosts_in_two_vlans_ping_through_the_svis() {
    let _serial = serial();
    let t = two_subnets();
    assert!(
        t.a.ping("10.0.10.1", 2),
        "host a cannot ping its gateway (SVI)"
    );
    assert!(
        t.a.ping("10.0.20.2", 3),
        "host a cannot reach host b across VLANs"
    );
    assert!(t.b.ping("10.0.10.2", 2), "host b cannot reach host a");
    assert!(
        t.b.ping("10.0.10.1", 1),
        "an SVI answers on any of its addresses"
    );

    // The hosts' ARP entries name the router MAC; the switch's ARP table
    // names the hosts.
    let arp = t.sw.show("show ip arp");
    let mac_a = t.a.mac(&t.tap_a);
    let mac_b = t.b.mac(&t.tap_b);
    assert!(
        arp.lines()
            .any(|l| l.contains("10.0.10.2") && l.contains(&mac_a) && l.contains("Vlan10")),
        "{arp}"
    );
    assert!(
        arp.lines()
            .any(|l| l.contains("10.0.20.2") && l.contains(&mac_b) && l.contains("Vlan20")),
        "{arp}"
    );
    let brief = t.sw.show("show ip interface brief");
    assert!(
        brief
            .lines()
            .any(|l| l.starts_with("Vlan10") && l.contains("10.0.10.1") && l.contains("up")),
        "{brief}"
    );
    let routes = t.sw.show("show ip route");
    assert!(
        routes.contains("C        10.0.10.0/24 is directly connected, Vlan10"),
        "{routes}"
    );
    assert!(
        routes.contains("L        10.0.20.1/32 is directly connected, Vlan20"),
        "{routes}"
    );

    // Per-node accounting saw the routed pings go through the graph
    // (not through l2-output: an access port takes them as they are, and
    // l2-forward queues them for it).
    let perf = t.sw.show("show dataplane performance");
    let packets = |node: &str| -> u64 {
        perf.lines()
            .find(|l| l.starts_with(node))
            .and_then(|l| l.split_whitespace().nth(2))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {node} row:\n{perf}"))
    };
    for node in ["eth-input", "l2-bridge", "ipv4-route", "l2-forward", "punt"] {
        assert!(packets(node) > 0, "{node} counted nothing:\n{perf}");
    }
    t.sw.show("clear dataplane performance");
    let perf = t.sw.show("show dataplane performance");
    assert!(
        perf.lines()
            .find(|l| l.starts_with("ipv4-route"))
            .is_some_and(|l| l.split_whitespace().nth(2) == Some("0")),
        "cleared:\n{perf}"
    );
}

#[test]
fn ttl_exceeded_and_no_route_come_back_as_icmp() {
    let _serial = serial();
    let t = two_subnets();
    assert!(t.a.ping("10.0.20.2", 2));
    // TTL 1 to a routed destination: time exceeded, from the SVI.
    let out =
        t.a.exec(&["ping", "-c", "1", "-W", "1", "-t", "1", "10.0.20.2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("From 10.0.10.1") && text.contains("Time to live exceeded"),
        "{text}"
    );
    assert!(t.sw.drops("ttl-exceeded") >= 1);
    // Nowhere to go: network unreachable, from the SVI.
    let out = t.a.exec(&["ping", "-c", "1", "-W", "1", "192.0.2.9"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("From 10.0.10.1") && text.contains("Destination Net Unreachable"),
        "{text}"
    );
    assert!(t.sw.drops("no-route") >= 1);
    // An unanswered neighbor: the ping fails, the switch gives up on ARP.
    assert!(!t.a.ping("10.0.20.77", 1));
}

#[test]
fn a_static_route_through_a_host_gateway() {
    let _serial = serial();
    let t = two_subnets();
    // Host b routes 172.16.5.0/24 (a loopback address of its own).
    let out =
        t.b.exec(&["ip", "addr", "add", "172.16.5.1/32", "dev", "lo"]);
    assert!(out.status.success());
    assert!(!t.a.ping("172.16.5.1", 1), "no route yet");
    t.sw.configure(&["ip route 172.16.5.0 255.255.255.0 10.0.20.2"]);
    assert!(
        t.a.ping("172.16.5.1", 3),
        "the static route does not carry traffic"
    );
    let routes = t.sw.show("show ip route");
    assert!(
        routes.contains("S        172.16.5.0/24 [1/0] via 10.0.20.2"),
        "{routes}"
    );
    // Removing the SVI takes its subnet, and the route through it, away.
    t.sw.configure(&["no interface Vlan20"]);
    assert!(!t.a.ping("172.16.5.1", 1));
    let run = t.sw.show("show running-config");
    assert!(
        run.contains("ip route 172.16.5.0 255.255.255.0 10.0.20.2"),
        "{run}"
    );
    assert!(!run.contains("interface Vlan20"), "{run}");
}

/// `ip route NET MASK VlanN` asks each destination by ARP in that VLAN (the
/// host answers for its own address, as a router would by proxy ARP), and
/// `ip route NET MASK Null0` drops and counts: both shown as IOS does.
#[test]
fn routes_out_of_an_svi_and_to_null0() {
    let _serial = serial();
    let t = two_subnets();
    let out =
        t.b.exec(&["ip", "addr", "add", "172.16.6.1/32", "dev", "lo"]);
    assert!(out.status.success());
    t.sw.configure(&[
        "ip route 172.16.6.0 255.255.255.0 Vlan20",
        "ip route 172.16.8.0 255.255.255.0 Null0",
    ]);
    assert!(
        t.a.ping("172.16.6.1", 3),
        "the route out of Vlan20 does not carry traffic"
    );
    let before = t.sw.drops("null-route");
    assert!(!t.a.ping("172.16.8.1", 1), "Null0 forwards");
    assert!(t.sw.drops("null-route") > before, "Null0 drops are counted");
    let routes = t.sw.show("show ip route");
    for line in [
        "S        172.16.6.0/24 is directly connected, Vlan20",
        "S        172.16.8.0/24 is directly connected, Null0",
    ] {
        assert!(routes.contains(line), "{line} in:\n{routes}");
    }
    let arp = t.sw.show("show ip arp");
    assert!(arp.contains("172.16.6.1"), "{arp}");
}

/// A host that takes the router MAC as its own (one spoofed frame is
/// enough on a switch that learns it) gets nothing learned: its frames are
/// dropped and counted, and routed traffic between the others goes on.
#[test]
fn the_router_mac_is_never_learned_from_a_port() {
    let _serial = serial();
    let t = two_subnets();
    assert!(t.a.ping("10.0.20.2", 2), "routing works before");
    let router =
        t.sw.show("show ip arp")
            .lines()
            .find(|l| l.contains("10.0.20.1 "))
            .and_then(|l| l.split_whitespace().nth(3).map(str::to_string))
            .expect("the SVI's own row in show ip arp");
    // aabb.ccdd.eeff -> aa:bb:cc:dd:ee:ff
    let colons = |cisco: &str| -> String {
        let hex = cisco.replace('.', "");
        (0..6)
            .map(|i| &hex[2 * i..2 * i + 2])
            .collect::<Vec<_>>()
            .join(":")
    };
    let own = colons(&t.b.mac(&t.tap_b));
    let set_mac = |mac: &str| {
        let out =
            t.b.exec(&["ip", "link", "set", "dev", &t.tap_b, "address", mac]);
        assert!(out.status.success(), "{out:?}");
    };
    set_mac(&colons(&router));
    // Host b, now sending from the router MAC: ARP and pings go out.
    assert!(!t.b.ping("10.0.20.1", 2), "spoofed frames are dropped");
    let table =
        t.sw.show(&format!("show mac address-table address {router}"));
    assert!(
        table.contains("Total Mac Addresses for this criterion: 0"),
        "the router MAC was learned:\n{table}"
    );
    assert!(
        t.sw.drops("own-source") > 0,
        "{}",
        t.sw.show("show interfaces")
    );
    set_mac(&own);
    assert!(t.a.ping("10.0.20.2", 3), "routing goes on");
    assert!(t.b.ping("10.0.20.1", 1), "b is itself again");
}

/// A host scanning a subnet behind an SVI: new neighbors are asked at a
/// bounded rate, held packets stop at their limit, both counted in `show
/// ip traffic`, and the hosts that exist still reach each other.
#[test]
fn a_scan_behind_an_svi_is_bounded_and_counted() {
    let _serial = serial();
    let t = two_subnets();
    assert!(t.a.ping("10.0.20.2", 2), "routing works before");
    let scan = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor _ in range(10):\n    for i in range(3, 255):\n        s.sendto(b'scan', ('10.0.20.%d' % i, 9))\n";
    let out = t.a.exec(&["python3", "-c", scan]);
    assert!(out.status.success(), "{out:?}");
    let traffic = t.sw.show("show ip traffic");
    let count = |label: &str| -> u64 {
        traffic
            .lines()
            .find(|l| l.contains(label))
            .and_then(|l| l.rsplit([' ', ':']).next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no '{label}' in:\n{traffic}"))
    };
    assert!(
        count("New neighbors not asked (rate limit)") > 0,
        "{traffic}"
    );
    let held = traffic
        .lines()
        .find(|l| l.contains("Held for resolution"))
        .unwrap_or_default();
    assert!(held.contains("(at most 1024)"), "{traffic}");
    assert!(t.a.ping("10.0.20.2", 3), "the hosts that exist still talk");
    assert!(t.b.ping("10.0.10.2", 2));
}
