//! IGMP snooping with real Linux hosts (`tests/tools/mcast.py` in network
//! namespaces on tap ports): the kernel's own IGMPv3 (or, forced, v2)
//! reports and leaves, UDP streams to groups, and raw queries and reports
//! from a querier or a host on a trunk. What reaches each host is counted
//! on a raw socket.

use crate::common;

use common::{serial, spawn_ready, unique, wait_until, Host, Lisad};
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const TOOL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/mcast.py");

/// A switch with `n` access ports in VLAN 1, each with a host
/// (10.66.1.{10+i}) on its tap.
struct Lab {
    sw: Lisad,
    hosts: Vec<(Host, String)>,
}

impl Lab {
    fn start(n: u32) -> Lab {
        let taps: Vec<String> = (1..=n).map(|i| unique("lig", &i.to_string())).collect();
        let sw = Lisad::start_with_taps(n, |i| taps[i as usize - 1].clone());
        let hosts = taps
            .iter()
            .enumerate()
            .map(|(i, tap)| {
                let h = Host::new(&unique("lisa-ig", &i.to_string()));
                h.take_interface(tap, &format!("10.66.1.{}/24", 11 + i));
                // The kernel has no multicast route in a namespace.
                h.exec(&["ip", "route", "add", "224.0.0.0/4", "dev", tap]);
                (h, tap.clone())
            })
            .collect();
        Lab { sw, hosts }
    }

    /// Host `i` (1-based, as Ethernet`i`) and its interface.
    fn host(&self, i: usize) -> (&Host, &str) {
        let (h, tap) = &self.hosts[i - 1];
        (h, tap.as_str())
    }

    /// Host `i` joins `groups` until the returned member is left or
    /// dropped (the kernel then sends the leave).
    fn join(&self, i: usize, groups: &[&str]) -> Member {
        let (h, tap) = self.host(i);
        let mut args = vec!["netns", "exec", &h.ns, "python3", TOOL, "join", tap];
        args.extend_from_slice(groups);
        let child = Command::new("ip")
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Member(child)
    }

    /// Starts counting what host `i` receives for `secs` seconds.
    fn watch(&self, i: usize, secs: f32) -> Child {
        let (h, tap) = self.host(i);
        let secs = secs.to_string();
        spawn_ready(
            Command::new("ip").args(["netns", "exec", &h.ns, "python3", TOOL, "watch", tap, &secs]),
        )
    }

    /// Host `i` sends `count` datagrams to `group`.
    fn send(&self, i: usize, group: &str, count: u32) {
        let (h, tap) = self.host(i);
        let n = count.to_string();
        let out = h.exec(&["python3", TOOL, "send", tap, group, &n, "--pause", "0.002"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs `mcast.py ARGS...` on host `i`'s interface.
    fn tool(&self, i: usize, cmd: &str, args: &[&str]) {
        let (h, tap) = self.host(i);
        let mut all = vec!["python3", TOOL, cmd, tap];
        all.extend_from_slice(args);
        let out = h.exec(&all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The groups table as `(vlan, group, type, version, ports)` rows.
    fn groups(&self) -> Vec<(String, String, String, String, String)> {
        let text = self.sw.show("show ip igmp snooping groups");
        text.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (
                    f[0].to_string(),
                    f[1].to_string(),
                    f[2].to_string(),
                    f[3].to_string(),
                    f[4..].join(" "),
                )
            })
            .collect()
    }

    /// The member ports of `group` in the groups table ("" if none).
    fn ports_of(&self, group: &str) -> String {
        self.groups()
            .into_iter()
            .find(|g| g.1 == group)
            .map(|g| g.4)
            .unwrap_or_default()
    }
}

/// A host's membership: the process holding the socket.
struct Member(Child);

impl Member {
    /// Leaves (the process ends; its kernel sends the leave).
    fn leave(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        self.leave();
    }
}

/// What a watch saw: datagrams per group, and the IGMP messages.
struct Seen {
    udp: Value,
    igmp: Vec<Value>,
}

impl Seen {
    fn of(child: Child) -> Seen {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().unwrap_or("{}");
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {text}"));
        Seen {
            udp: v["udp"].clone(),
            igmp: v["igmp"].as_array().cloned().unwrap_or_default(),
        }
    }

    fn udp(&self, group: &str) -> u64 {
        self.udp[group].as_u64().unwrap_or(0)
    }

    /// IGMP messages of `kind` (0x11 query, 0x16 v2 report, 0x17 leave,
    /// 0x22 v3 report).
    fn igmp(&self, kind: u64) -> Vec<&Value> {
        self.igmp.iter().filter(|m| m["type"] == kind).collect()
    }
}

/// Streams `count` datagrams to `group` from host `from` while hosts
/// `to` count them; returns what each received.
fn stream(lab: &Lab, from: usize, group: &str, count: u32, to: &[usize]) -> Vec<u64> {
    let watches: Vec<Child> = to.iter().map(|&i| lab.watch(i, 2.5)).collect();
    lab.send(from, group, count);
    watches
        .into_iter()
        .map(|w| Seen::of(w).udp(group))
        .collect()
}

#[test]
fn a_group_stream_reaches_only_its_members_and_floods_again_when_they_leave() {
    let _g = serial();
    let lab = Lab::start(3);
    // Snooping is on by default (IOS): nothing to configure.
    let show = lab.sw.show("show ip igmp snooping");
    assert!(
        show.contains("IGMP snooping                : Enabled"),
        "{show}"
    );

    // Host 3 watches while host 2 joins: the reports go to the mrouter
    // ports only (there is none), never to another host.
    let w3 = lab.watch(3, 3.0);
    let mut member = lab.join(2, &["239.1.1.1"]);
    assert!(
        wait_until(Duration::from_secs(5), || lab.ports_of("239.1.1.1")
            == "Et2"),
        "{:?}",
        lab.groups()
    );
    let g = lab.groups();
    assert_eq!(g[0].0, "1");
    assert_eq!((g[0].2.as_str(), g[0].3.as_str()), ("igmp", "v3"), "{g:?}");
    let seen3 = Seen::of(w3);
    assert!(seen3.igmp(0x22).is_empty(), "host 3 heard host 2's report");

    let got = stream(&lab, 1, "239.1.1.1", 200, &[2, 3]);
    assert!(got[0] >= 190, "the member got {} of 200", got[0]);
    assert_eq!(got[1], 0, "a host that did not join got the stream");

    // 225.1.1.1 has 239.1.1.1's MAC: unregistered, it floods to both.
    let got = stream(&lab, 1, "225.1.1.1", 100, &[2, 3]);
    assert!(got[0] >= 95 && got[1] >= 95, "unregistered group: {got:?}");
    // 224.0.0.0/24 always floods.
    let got = stream(&lab, 1, "224.0.0.100", 100, &[2, 3]);
    assert!(got[0] >= 95 && got[1] >= 95, "link-local group: {got:?}");

    // Host 2 leaves (its kernel sends TO_IN{}): after the group-specific
    // queries go unanswered the group is gone and the stream floods.
    let w2 = lab.watch(2, 3.5);
    member.leave();
    assert!(
        wait_until(Duration::from_secs(4), || lab
            .ports_of("239.1.1.1")
            .is_empty()),
        "{:?}",
        lab.groups()
    );
    let seen2 = Seen::of(w2);
    let gsq: Vec<_> = seen2
        .igmp(0x11)
        .into_iter()
        .filter(|q| q["group"] == "239.1.1.1")
        .collect();
    assert!(
        !gsq.is_empty(),
        "no group-specific query to the leaver: {:?}",
        seen2.igmp
    );
    let got = stream(&lab, 1, "239.1.1.1", 100, &[3]);
    assert!(
        got[0] >= 95,
        "after the leave the group floods again: {got:?}"
    );
}

#[test]
fn the_switch_querier_asks_and_v2_hosts_leave_at_once_with_immediate_leave() {
    let _g = serial();
    let lab = Lab::start(3);
    for i in 1..=3 {
        let (h, _) = lab.host(i);
        h.exec(&["sysctl", "-qw", "net.ipv4.conf.all.force_igmp_version=2"]);
    }
    let w3 = lab.watch(3, 3.0);
    lab.sw.configure(&[
        "ip igmp snooping querier address 10.66.1.254",
        "ip igmp snooping querier",
    ]);
    let seen3 = Seen::of(w3);
    let q = seen3.igmp(0x11);
    assert!(
        q.iter()
            .any(|q| q["src"] == "10.66.1.254" && q["dst"] == "224.0.0.1"),
        "no general query from the switch: {:?}",
        seen3.igmp
    );
    let querier = lab.sw.show("show ip igmp snooping querier");
    let row = querier
        .lines()
        .find(|l| l.starts_with('1'))
        .unwrap_or_else(|| panic!("{querier}"));
    let f: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(f, ["1", "10.66.1.254", "v2", "Switch"], "{querier}");

    let mut member = lab.join(2, &["239.2.2.2"]);
    assert!(
        wait_until(Duration::from_secs(5), || lab.ports_of("239.2.2.2")
            == "Et2"),
        "{:?}",
        lab.groups()
    );
    assert_eq!(lab.groups()[0].3, "v2");
    let got = stream(&lab, 1, "239.2.2.2", 100, &[2, 3]);
    assert!(got[0] >= 95 && got[1] == 0, "{got:?}");

    // With immediate-leave the v2 leave drops the port at once, unasked.
    lab.sw
        .configure(&["ip igmp snooping vlan 1 immediate-leave"]);
    let w2 = lab.watch(2, 2.0);
    // The snooping task takes a commit's settings at its next run (every
    // 50 ms): let immediate-leave reach it before the leave.
    std::thread::sleep(Duration::from_millis(500));
    member.leave();
    assert!(
        wait_until(Duration::from_millis(800), || lab
            .ports_of("239.2.2.2")
            .is_empty()),
        "{:?}",
        lab.groups()
    );
    let seen2 = Seen::of(w2);
    assert!(
        !seen2.igmp(0x11).iter().any(|q| q["group"] == "239.2.2.2"),
        "a group-specific query despite immediate-leave"
    );
}

#[test]
fn multicast_routers_get_the_reports_and_every_stream() {
    let _g = serial();
    let lab = Lab::start(4);
    lab.sw
        .configure(&["ip igmp snooping vlan 1 mrouter interface Ethernet4"]);
    let mrouter = lab.sw.show("show ip igmp snooping mrouter");
    assert!(mrouter.contains("Et4(static)"), "{mrouter}");

    // Host 2's reports reach the router's port, not host 3's.
    let (w3, w4) = (lab.watch(3, 3.0), lab.watch(4, 3.0));
    let _member = lab.join(2, &["239.3.3.3"]);
    let (seen3, seen4) = (Seen::of(w3), Seen::of(w4));
    assert!(!seen4.igmp(0x22).is_empty(), "no report relayed to Et4");
    assert!(seen3.igmp(0x22).is_empty(), "a report reached host 3");
    let got = stream(&lab, 1, "239.3.3.3", 100, &[2, 3, 4]);
    assert!(got[0] >= 95 && got[1] == 0 && got[2] >= 95, "{got:?}");

    // A querier heard on Ethernet3 makes it a dynamic mrouter port; its
    // query is flooded to the hosts.
    let w2 = lab.watch(2, 2.0);
    lab.tool(3, "query", &["--src", "10.66.1.1"]);
    let seen2 = Seen::of(w2);
    assert!(
        seen2.igmp(0x11).iter().any(|q| q["src"] == "10.66.1.1"),
        "the query was not flooded"
    );
    let mrouter = lab.sw.show("show ip igmp snooping mrouter");
    assert!(mrouter.contains("Et3(dynamic)"), "{mrouter}");
    let querier = lab.sw.show("show ip igmp snooping querier");
    assert!(
        querier
            .lines()
            .any(|l| l.contains("10.66.1.1") && l.contains("Et3")),
        "{querier}"
    );
}

#[test]
fn a_trunk_member_gets_its_vlan_tagged_and_snooping_can_be_turned_off() {
    let _g = serial();
    let mut lab = Lab::start(3);
    lab.sw.configure(&[
        "vlan 20",
        "interface Ethernet1",
        " switchport access vlan 20",
        "interface Ethernet2",
        " switchport mode trunk",
    ]);
    // A host behind the trunk reports for VLAN 20, tagged.
    lab.tool(
        2,
        "report",
        &["239.4.4.4", "--src", "10.66.20.9", "--vlan", "20"],
    );
    assert!(
        wait_until(Duration::from_secs(3), || lab.ports_of("239.4.4.4")
            == "Et2"),
        "{:?}",
        lab.groups()
    );
    assert_eq!(lab.groups()[0].0, "20");
    let w2 = lab.watch(2, 2.5);
    let w3 = lab.watch(3, 2.5);
    lab.send(1, "239.4.4.4", 50);
    let (seen2, seen3) = (Seen::of(w2), Seen::of(w3));
    assert!(
        seen2.udp("239.4.4.4") >= 45,
        "the trunk got {:?}",
        seen2.udp
    );
    assert_eq!(
        seen3.udp("239.4.4.4"),
        0,
        "VLAN 1's host got VLAN 20's stream"
    );

    // Off in VLAN 20: the stream floods (to the trunk, the only other
    // VLAN-20 port) and show says so; the setting survives a restart.
    lab.sw.configure(&["no ip igmp snooping vlan 20"]);
    let show = lab.sw.show("show ip igmp snooping vlan 20");
    assert!(show.contains("Disabled"), "{show}");
    assert!(lab.groups().is_empty(), "{:?}", lab.groups());
    lab.sw.configure(&["no ip igmp snooping"]);
    let run = lab.sw.show("show running-config");
    assert!(run.contains("no ip igmp snooping\n"), "{run}");
    lab.sw.show("write memory");
    let ports: Vec<(String, String)> = lab
        .hosts
        .iter()
        .enumerate()
        .map(|(i, (_, tap))| (format!("Ethernet{}", i + 1), format!("tap:{tap}")))
        .collect();
    let refs: Vec<(&str, &str)> = ports
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    lab.sw.restart(&refs, &[]);
    let run = lab.sw.show("show running-config");
    assert!(run.contains("no ip igmp snooping vlan 20"), "{run}");
    let show = lab.sw.show("show ip igmp snooping");
    assert!(
        show.contains("IGMP snooping                : Disabled"),
        "{show}"
    );
}
