//! EtherChannel against a real partner: Open vSwitch (ovs-vswitchd, netdev
//! datapath) with a two-link LACP bond (`bond_mode=balance-tcp
//! lacp=active`), cabled to two lisad ports by veth pairs. The bundle
//! negotiates, carries traffic over both links, and survives a link pulled
//! under a ping stream.

use crate::common;

use common::peers::{Ovs, Veth};
use common::{ntc_parse, serial, unique, wait_until, Host, Lisad};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `show etherchannel summary` as ntc-templates reads it: (bundle name,
/// bundle status, member interfaces, member statuses) per port-channel.
fn summary_rows(sw: &Lisad) -> Vec<(String, String, String, String)> {
    let out = sw.swcli(&["show etherchannel summary"]);
    if !out.status.success() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&out.stdout);
    ntc_parse("show etherchannel summary", &text)
        .lines()
        .map(|r| {
            let field = |k: &str| {
                r.split('|')
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                    .unwrap_or_default()
                    .to_string()
            };
            (
                field("bundle_name"),
                field("bundle_status"),
                field("member_interface"),
                field("member_interface_status"),
            )
        })
        .collect()
}

/// True if Po1 is in use with exactly these member statuses.
fn po1_is(sw: &Lisad, members: &str, statuses: &str) -> bool {
    summary_rows(sw)
        .iter()
        .any(|r| r.0 == "Po1" && r.1 == "SU" && r.2 == members && r.3 == statuses)
}

#[test]
fn lacp_bundle_with_ovs_balances_and_survives_a_member_loss() {
    let _g = serial();
    let (c1, c2, c3) = (Veth::new("lb1"), Veth::new("lb2"), Veth::new("lb3"));
    let tap = unique("lbt", "");
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("afpacket:{}", c1.0)),
            ("Ethernet2", &format!("afpacket:{}", c2.0)),
            ("Ethernet3", &format!("tap:{tap}")),
        ],
        &[],
    );
    let a_ns = unique("lisa-lba", "");
    let a = Host::new(&a_ns);
    a.take_interface(&tap, "192.168.81.1/24");
    // OVS: a LACP bond over the two cables' far ends, and host b.
    let ovs = Ovs::start();
    ovs.vsctl(&[
        "add-br",
        "br0",
        "--",
        "set",
        "bridge",
        "br0",
        "datapath_type=netdev",
    ]);
    ovs.vsctl(&[
        "add-bond",
        "br0",
        "bond0",
        &c1.1,
        &c2.1,
        "bond_mode=balance-tcp",
        "lacp=active",
        "other_config:lacp-time=fast",
    ]);
    ovs.vsctl(&["add-port", "br0", &c3.1]);
    let b = Host::new(&unique("lisa-lbb", ""));
    b.take_interface(&c3.0, "192.168.81.2/24");
    for i in 10..26 {
        let ip = format!("192.168.81.{i}/24");
        assert!(b
            .exec(&["ip", "addr", "add", &ip, "dev", &c3.0])
            .status
            .success());
    }

    let start = Instant::now();
    sw.configure(&[
        "interface range Ethernet1 - 2",
        " channel-group 1 mode active",
        " lacp rate fast",
    ]);
    assert!(
        wait_until(Duration::from_secs(6), || po1_is(&sw, "Et1,Et2", "P,P")),
        "not bundled in 6 s: {:?}\n{}\n{}",
        summary_rows(&sw),
        sw.show("show lacp neighbor"),
        ovs.appctl(&["lacp/show", "bond0"])
    );
    eprintln!("bundled in {:?}", start.elapsed());
    let ovs_view = ovs.appctl(&["lacp/show", "bond0"]);
    assert!(ovs_view.contains("negotiated"), "{ovs_view}");
    let neighbors = sw.show("show lacp neighbor");
    assert!(
        neighbors.contains("Channel group 1 neighbors"),
        "{neighbors}"
    );
    let running = sw.show("show running-config");
    assert!(running.contains("interface Port-channel1"), "{running}");
    assert!(
        running.contains(" channel-group 1 mode active"),
        "{running}"
    );

    // Sixteen conversations spread over both links (src-dst-ip).
    assert!(a.ping("192.168.81.2", 2), "{}", sw.log_text());
    let before = (sw.tx_packets("Ethernet1"), sw.tx_packets("Ethernet2"));
    for i in 10..26 {
        assert!(a.ping(&format!("192.168.81.{i}"), 1));
    }
    let sent = (
        sw.tx_packets("Ethernet1") - before.0,
        sw.tx_packets("Ethernet2") - before.1,
    );
    assert!(sent.0 >= 3 && sent.1 >= 3, "links used: {sent:?}");
    let po = sw.show("show interfaces Port-channel1");
    assert!(po.contains("Port-channel1 is up"), "{po}");

    // A ping stream (100 a second) while the link carrying it is pulled.
    let carrier = |sw: &Lisad| (sw.tx_packets("Ethernet1"), sw.tx_packets("Ethernet2"));
    let stream = Command::new("ip")
        .args(["netns", "exec", &a_ns])
        .args([
            "ping",
            "-i",
            "0.01",
            "-w",
            "6",
            "-W",
            "1",
            "-q",
            "192.168.81.2",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("ping");
    std::thread::sleep(Duration::from_millis(1500));
    let (x, y) = carrier(&sw);
    std::thread::sleep(Duration::from_millis(500));
    let (x2, y2) = carrier(&sw);
    let (pulled, kept, kept_name) = if x2 - x >= y2 - y {
        (&c1.1, "Et2", "Ethernet2")
    } else {
        (&c2.1, "Et1", "Ethernet1")
    };
    common::sh("ip", &["link", "set", pulled, "down"]);
    let out = stream.wait_with_output().expect("ping ends");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let stats = text
        .lines()
        .find(|l| l.contains("packets transmitted"))
        .unwrap_or_default();
    let count = |what: &str| -> u64 {
        stats
            .split(',')
            .find(|p| p.contains(what))
            .and_then(|p| p.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let (sent, received) = (count("transmitted"), count("received"));
    let lost = sent - received;
    eprintln!("ping stream: {sent} sent, {received} received over the member loss");
    assert!(sent > 300, "{text}");
    assert!(
        lost < 100,
        "{lost} of {sent} lost (10 ms apart): over 1 s\n{text}"
    );
    let rows = summary_rows(&sw);
    let one_left = rows
        .iter()
        .any(|r| r.0 == "Po1" && r.1 == "SU" && r.2.contains(kept));
    assert!(one_left, "{rows:?}");
    assert!(sw.tx_packets(kept_name) > 0);

    // The link comes back and rejoins.
    common::sh("ip", &["link", "set", pulled, "up"]);
    assert!(
        wait_until(Duration::from_secs(6), || po1_is(&sw, "Et1,Et2", "P,P")),
        "not back in 6 s: {:?}",
        summary_rows(&sw)
    );
    assert!(sw.show("show logging").contains("%EC-5-BUNDLE"));

    // The bundle as a trunk: VLAN 10 tagged over it, host b on an OVS
    // access port of VLAN 10.
    ovs.vsctl(&["set", "port", &c3.1, "tag=10"]);
    sw.configure(&[
        "vlan 10",
        "interface Port-channel1",
        " switchport mode trunk",
        "interface Ethernet3",
        " switchport access vlan 10",
    ]);
    assert!(
        wait_until(Duration::from_secs(5), || a.ping("192.168.81.2", 1)),
        "no ping in VLAN 10 over the trunk bundle\n{}",
        sw.show("show interfaces trunk")
    );

    // Saved and booted again: the bundle comes back from the startup-config
    // (made, its trunk pushed, its members bundled, in one commit).
    assert!(sw.swcli(&["write memory"]).status.success());
    let ports = [
        ("Ethernet1", format!("afpacket:{}", c1.0)),
        ("Ethernet2", format!("afpacket:{}", c2.0)),
        ("Ethernet3", format!("tap:{tap}")),
    ];
    let ports: Vec<(&str, &str)> = ports.iter().map(|(n, k)| (*n, k.as_str())).collect();
    let mut sw = sw;
    sw.restart(&ports, &[]);
    a.take_interface(&tap, "192.168.81.1/24");
    assert!(
        wait_until(Duration::from_secs(6), || po1_is(&sw, "Et1,Et2", "P,P")),
        "not bundled after the restart: {:?}",
        summary_rows(&sw)
    );
    assert!(
        wait_until(Duration::from_secs(5), || a.ping("192.168.81.2", 1)),
        "no ping over the bundle after the restart\n{}",
        sw.show("show running-config")
    );
}
