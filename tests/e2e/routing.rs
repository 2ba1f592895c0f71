//! End-to-end: IPv4 routing between SVIs, with kernel hosts in network
//! namespaces behind DPDK tap ports: ARP for the gateway, ping across
//! VLANs, ping of the SVI itself, TTL exceeded, no route, static routes;
//! `ping` and `traceroute` from the switch.

use crate::common;

use common::{serial, unique, Host, Lisad};
use dataplane::wire::{icmp, ipv4};
use std::net::Ipv4Addr;

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

/// `output` of IOS command `command` read by ntc-templates' TextFSM
/// template, one record a line (`tests/tools/ntc_parse.py`).
fn ntc_parsed(command: &str, output: &str) -> String {
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/ntc_parse.py");
    let out = common::run_with_input(
        std::process::Command::new("python3").args([tool, command]),
        output.as_bytes(),
    );
    assert!(
        out.status.success(),
        "TextFSM on {command}: {}\n{output}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `ping` from the switch, as IOS prints it: a host in VLAN 10 answers all
/// five, an absent address none; from Vlan20's address (the host answers
/// through its gateway); the switch's own address; the output read by
/// ntc-templates' template as IOS's is.
#[test]
fn the_switch_pings_from_its_svis() {
    let _serial = serial();
    let t = two_subnets();
    let out = t.sw.show("ping 10.0.10.2");
    assert!(
        out.starts_with(
            "Type escape sequence to abort.\n\
             Sending 5, 100-byte ICMP Echos to 10.0.10.2, timeout is 2 seconds:\n\
             !!!!!\n\
             Success rate is 100 percent (5/5), round-trip min/avg/max = "
        ) && out.ends_with(" ms\n"),
        "{out}"
    );
    let parsed = ntc_parsed("ping", &out);
    for field in [
        "destination=10.0.10.2",
        "response_stream=!!!!!",
        "sent_qty=5",
        "success_pct=100",
        "success_qty=5",
        "timeout=2",
    ] {
        assert!(parsed.contains(field), "{field} in {parsed}");
    }
    let out = t.sw.show("ping 10.0.10.99 repeat 3 timeout 1");
    assert!(
        out.ends_with("\n...\nSuccess rate is 0 percent (0/3)\n"),
        "{out}"
    );
    let out = t.sw.show("ping 10.0.10.2 source Vlan20 repeat 3 size 1400");
    assert!(
        out.contains(
            "Sending 3, 1400-byte ICMP Echos to 10.0.10.2, timeout is 2 seconds:\n\
             Packet sent with a source address of 10.0.20.1 \n\
             !!!\n\
             Success rate is 100 percent (3/3)"
        ),
        "{out}"
    );
    let parsed = ntc_parsed("ping", &out);
    assert!(parsed.contains("source=10.0.20.1"), "{parsed}");
    let out = t.sw.show("ping 10.0.20.2 source 10.0.10.1 repeat 2");
    assert!(
        out.contains("!!\nSuccess rate is 100 percent (2/2)"),
        "{out}"
    );
    let out = t.sw.show("ping 10.0.20.1 repeat 2");
    assert!(
        out.contains("!!\nSuccess rate is 100 percent (2/2)"),
        "{out}"
    );
    // IOS's words for a source that is not the switch's.
    let out = t.sw.swcli(&["ping 10.0.10.2 source 10.0.10.9"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("% Invalid source address- IP address not on any of our up interfaces"),
        "{text}"
    );
}

/// `traceroute` from the switch through a host acting as a router (host
/// b forwards to a third namespace holding 10.99.0.2, reached by a static
/// route through b): hop 1 is b, hop 2 the destination, and the trace
/// stops there; the output read by ntc-templates' template.
#[test]
fn the_switch_traces_the_route_through_a_host_router() {
    let _serial = serial();
    let t = two_subnets();
    let c = Host::new(&unique("lisa-rc", ""));
    let (b_end, c_end) = (unique("lrtb", ""), unique("lrtc", ""));
    for args in [
        vec!["sysctl", "-qw", "net.ipv4.ip_forward=1"],
        vec![
            "ip", "link", "add", &b_end, "type", "veth", "peer", "name", &c_end, "netns", &c.ns,
        ],
        vec!["ip", "addr", "add", "10.99.0.1/24", "dev", &b_end],
        vec!["ip", "link", "set", &b_end, "up"],
    ] {
        let out = t.b.exec(&args);
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    for args in [
        vec!["ip", "addr", "add", "10.99.0.2/24", "dev", &c_end],
        vec!["ip", "link", "set", &c_end, "up"],
        vec!["ip", "route", "add", "default", "via", "10.99.0.1"],
    ] {
        let out = c.exec(&args);
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    t.sw.configure(&["ip route 10.99.0.0 255.255.255.0 10.0.20.2"]);
    assert!(t.a.ping("10.99.0.2", 2), "routed through host b");
    let out = t.sw.show("traceroute 10.99.0.2 timeout 1");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        &lines[..3],
        [
            "Type escape sequence to abort.",
            "Tracing the route to 10.99.0.2",
            "VRF info: (vrf in name/id, vrf out name/id)"
        ],
        "{out}"
    );
    assert_eq!(lines.len(), 5, "two hops, then the end:\n{out}");
    assert!(lines[3].starts_with("  1 10.0.20.2 "), "{out}");
    assert!(lines[4].starts_with("  2 10.99.0.2 "), "{out}");
    for hop in &lines[3..] {
        assert_eq!(hop.matches("msec").count(), 3, "three answers:\n{out}");
    }
    let parsed = ntc_parsed("traceroute", &out);
    let hops: Vec<&str> = parsed.lines().collect();
    assert_eq!(hops.len(), 2, "{parsed}");
    assert!(
        hops[0].contains("hop_num=1") && hops[0].contains("ip_address=10.0.20.2"),
        "{parsed}"
    );
    assert!(
        hops[1].contains("hop_num=2") && hops[1].contains("ip_address=10.99.0.2"),
        "{parsed}"
    );
    // From Vlan10's address, with one probe a hop and TTLs 2 to 5: hop 2
    // only.
    let out =
        t.sw.show("traceroute 10.99.0.2 source Vlan10 probe 1 ttl 2 5");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.len() == 4 && lines[3].starts_with("  2 10.99.0.2 ") && lines[3].ends_with(" msec"),
        "{out}"
    );
}

/// Eight ports each deliver a full burst of routed frames at once (a
/// whole vector for `ipv4-route` and `l2-forward`) while the switch's own
/// echo replies join the vector: the switch routes every frame, answers
/// every ping and keeps running. (A node's room was once one vector, and
/// the first reply that joined a full one aborted lisad.)
#[test]
fn a_full_vector_of_routed_frames_with_replies_joining_it() {
    let _serial = serial();
    const PORTS: u8 = 8;
    const FRAMES: u32 = 40_000;
    const ECHO_EVERY: u32 = 64;
    let dir = std::env::temp_dir().join(format!("lisa-vector-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = unique("lisa-vec", "");
    let mut boot = controlplane::boot::BootConfig::default_config();
    boot.eal.file_prefix = prefix.clone();
    let router = boot.router_mac().0;
    for p in 1..=PORTS {
        let mac = [2, 0, 0, 0, 1, p];
        let src = [10, 0, 10, 10 + p];
        let frames: Vec<Vec<u8>> = (0..FRAMES)
            .map(|n| {
                let (dst, proto, payload) = if p == 1 && n % ECHO_EVERY == 0 {
                    let seq = (n / ECHO_EVERY) as u16;
                    ([10, 0, 10, 1], 1, icmp::echo_request(1, seq, 18))
                } else {
                    ([10, 0, 20, 2], 17, vec![0; 26])
                };
                let mut f = router.to_vec();
                f.extend(mac);
                f.extend([0x08, 0x00]);
                let mut header = [0u8; ipv4::IPV4_HEADER_LEN];
                let (src, dst) = (Ipv4Addr::from(src), Ipv4Addr::from(dst));
                ipv4::write_header(&mut header, src, dst, proto, 64, payload.len());
                f.extend(header);
                f.extend(payload);
                f
            })
            .collect();
        common::write_pcap(&dir.join(format!("rx{p}.pcap")), &frames);
    }
    common::write_pcap(&dir.join("empty.pcap"), &[]);
    let config = dir.join("startup-config");
    std::fs::write(
        &config,
        "vlan 10,20\ninterface range P1 - 8\n switchport access vlan 10\n\
         interface P9\n switchport access vlan 20\n\
         interface Vlan10\n ip address 10.0.10.1 255.255.255.0\n\
         interface Vlan20\n ip address 10.0.20.1 255.255.255.0\n\
         arp 10.0.20.2 0200.0000.0209 arpa\narp 10.0.10.11 0200.0000.0101 arpa\nend\n",
    )
    .unwrap();
    let kinds: Vec<(String, String)> = (1..=PORTS)
        .map(|p| format!("rx{p}.pcap"))
        .chain(["empty.pcap".to_string()])
        .enumerate()
        .map(|(i, rx)| {
            let rx = dir.join(rx);
            (
                format!("P{}", i + 1),
                format!("pcap:{},/dev/null", rx.display()),
            )
        })
        .collect();
    let ports: Vec<(&str, &str)> = kinds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let config_arg = config.display().to_string();
    let mut sw = Lisad::start(
        &ports,
        &["--file-prefix", &prefix, "--startup-config", &config_arg],
    );
    let echoes = u64::from(FRAMES.div_ceil(ECHO_EVERY));
    let routed = u64::from(PORTS) * u64::from(FRAMES) - echoes;
    let done = common::wait_until(std::time::Duration::from_secs(30), || {
        sw.tx_packets("P9") >= routed && sw.tx_packets("P1") >= echoes
    });
    let (out9, out1) = (sw.tx_packets("P9"), sw.tx_packets("P1"));
    assert!(
        done,
        "routed {out9} of {routed}, replied {out1} of {echoes}"
    );
    assert_eq!((out9, out1), (routed, echoes));
    let perf = sw.show("show dataplane performance");
    let full = perf
        .lines()
        .find(|l| l.starts_with("ipv4-route"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|avg| avg.parse::<f64>().ok());
    assert!(
        full.is_some_and(|avg| avg > 200.0),
        "vectors not full:\n{perf}"
    );
    assert!(sw.stop().is_some_and(|s| s.success()), "{}", sw.log_text());
    let _ = std::fs::remove_dir_all(&dir);
}
