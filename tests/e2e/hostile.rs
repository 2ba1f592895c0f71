//! The hostile-frame suite: an attacker host (scapy, `tests/tools/hostile.py`)
//! on an access port sends every class of bad frame through a real lisad;
//! for each class the switch counts the expected drop reason (or ignores it
//! as a real switch would), a ping stream between two other hosts goes on,
//! the VLAN hop through a trunk's native VLAN never happens, and afterwards
//! the packet pools are back at their baseline.

use crate::common;

use common::{serial, spawn_ready, unique, wait_until, Host, Lisad};
use lisa_proto::v1::{routing_client::RoutingClient, ListSvisRequest};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const TOOL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/hostile.py");

fn tap(i: u32) -> String {
    unique("lx", &format!("p{i}"))
}

/// The attacker on Ethernet1, victim V on Ethernet2 and peer P on
/// Ethernet3 (all access VLAN 10, with SVI 10.66.10.1/24), a trunk host T
/// on Ethernet4 (native VLAN 10, VLAN 20 tagged), and SVI 10.67.0.1/16 in
/// VLAN 20, where no one answers ARP.
struct Lab {
    sw: Lisad,
    attacker: Host,
    victim: Host,
    peer: Host,
    trunk: Host,
    router_mac: String,
    victim_mac: String,
}

fn lab() -> Lab {
    let sw = Lisad::start_with_taps(4, tap);
    sw.configure(&[
        "vlan 10,20",
        "interface Ethernet1",
        " switchport access vlan 10",
        "interface Ethernet2",
        " switchport access vlan 10",
        "interface Ethernet3",
        " switchport access vlan 10",
        "interface Ethernet4",
        " switchport mode trunk",
        " switchport trunk native vlan 10",
        " switchport trunk allowed vlan 10,20",
        "interface Vlan10",
        " ip address 10.66.10.1 255.255.255.0",
        "interface Vlan20",
        " ip address 10.67.0.1 255.255.0.0",
    ]);
    let host = |n: &str, i: u32, ip: &str| {
        let h = Host::new(&unique("lisa-x", n));
        h.take_interface(&tap(i), ip);
        h
    };
    let attacker = host("a", 1, "10.66.10.66/24");
    let victim = host("v", 2, "10.66.10.2/24");
    let peer = host("p", 3, "10.66.10.3/24");
    let trunk = host("t", 4, "10.66.10.9/24");
    let (rt, ch) = sw.grpc();
    let router_mac = rt
        .block_on(RoutingClient::new(ch).list_svis(ListSvisRequest {}))
        .unwrap()
        .into_inner()
        .router_mac;
    let victim_mac = victim
        .mac(&tap(2))
        .replace('.', "")
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap().to_string())
        .collect::<Vec<_>>()
        .join(":");
    Lab {
        sw,
        attacker,
        victim,
        peer,
        trunk,
        router_mac,
        victim_mac,
    }
}

impl Lab {
    /// Sends `count` frames of `class` from the attacker.
    fn send(&self, class: &str, count: u32) {
        let n = count.to_string();
        let out = self.attacker.exec(&[
            "python3",
            TOOL,
            "send",
            &tap(1),
            class,
            &n,
            "--router-mac",
            &self.router_mac,
            "--svi",
            "10.66.10.1",
            "--victim-mac",
            &self.victim_mac,
            "--victim-ip",
            "10.66.10.2",
        ]);
        assert!(
            out.status.success(),
            "sending {class}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Buffers out of the pools ports receive into (`show buffers`).
    fn buffers_in_use(&self) -> u64 {
        self.sw
            .show("show buffers")
            .lines()
            .filter(|l| l.starts_with("lisa_pkts"))
            .filter_map(|l| l.split_whitespace().nth(2)?.parse::<u64>().ok())
            .sum()
    }

    /// The number after `label` in `show ip traffic`.
    fn ip_traffic(&self, label: &str) -> u64 {
        let text = self.sw.show("show ip traffic");
        let at = text
            .find(label)
            .unwrap_or_else(|| panic!("{label}:\n{text}"));
        text[at + label.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| !w.is_empty())
            .and_then(|w| w.parse().ok())
            .unwrap()
    }

    /// Starts the trunk host's watcher for `seconds`.
    fn sniff_trunk(&self, seconds: u32) -> Child {
        spawn_ready(
            Command::new("ip")
                .args(["netns", "exec", &self.trunk.ns, "python3", TOOL, "sniff"])
                .arg(tap(4))
                .arg(seconds.to_string()),
        )
    }
}

/// Counts for `reason` once they stop moving.
fn settled(sw: &Lisad, reason: &str, at_least: u64) -> u64 {
    wait_until(Duration::from_secs(5), || sw.drops(reason) >= at_least);
    std::thread::sleep(Duration::from_millis(300));
    sw.drops(reason)
}

/// A ping stream from V to P (20 a second) until stopped (or dropped);
/// its summary.
struct Pinger(Option<Child>);

impl Pinger {
    fn start(from: &Host) -> Pinger {
        let child = Command::new("ip")
            .args(["netns", "exec", &from.ns, "ping", "-i", "0.05", "-W", "1"])
            .arg("10.66.10.3")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        Pinger(Some(child))
    }

    /// Stops it; (sent, received).
    fn stop(mut self) -> (u64, u64) {
        let child = self.0.take().unwrap();
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let line = text
            .lines()
            .find(|l| l.contains("packets transmitted"))
            .unwrap_or_else(|| panic!("ping summary:\n{text}"));
        let nums: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse().ok())
            .collect();
        (nums[0], nums[1])
    }
}

impl Drop for Pinger {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Frames dropped at ingress, each class with its reason.
fn check_dropped_classes(lab: &Lab) {
    let classes: [(&str, u32, &str, u64); 10] = [
        ("runt", 200, "malformed", 200),
        ("group-source", 200, "malformed", 200),
        ("zero-source", 200, "malformed", 200),
        ("foreign-tag", 200, "vlan-filter", 200),
        ("qinq", 200, "stacked-tags", 200),
        ("router-source", 200, "own-source", 200),
        ("bad-ipv4", 200, "not-routable", 200),
        ("not-ip", 200, "not-routable", 200),
        ("martian", 400, "martian", 400),
        ("stacked-tags", 200, "stacked-tags", 200),
    ];
    for (class, count, reason, want) in classes {
        let before = lab.sw.drops(reason);
        lab.send(class, count);
        let got = settled(&lab.sw, reason, before + want) - before;
        assert_eq!(
            got, want,
            "{class}: {count} frames sent, {reason} counted {got}"
        );
    }
}

/// The VLAN hop: a frame tagged 10 then 20 from an access port of VLAN
/// 10, the trunk's native VLAN, must not reach the trunk with tag 20.
fn check_no_vlan_hop(lab: &Lab) {
    let watcher = lab.sniff_trunk(3);
    lab.send("stacked-tags", 100);
    let seen = String::from_utf8_lossy(&watcher.wait_with_output().unwrap().stdout).to_string();
    assert!(
        !seen.contains("vlan 20") && !seen.contains("inner-tag") && !seen.contains("qinq"),
        "a double-tagged frame hopped to VLAN 20 on the trunk:\n{seen}"
    );
}

/// Frames punted to the control thread: TTL expiry is answered within the
/// ICMP rate limit; bogus ARP and fragmented pings are ignored and
/// counted; no bogus sender is learned; the SVI still answers.
fn check_punted_classes(lab: &Lab) {
    let (sent, limited) = (lab.ip_traffic("Sent: "), lab.ip_traffic("messages; "));
    lab.send("ttl", 1000);
    wait_until(Duration::from_secs(5), || {
        lab.ip_traffic("messages; ") > limited
    });
    let answered = lab.ip_traffic("Sent: ") - sent;
    assert!(
        lab.ip_traffic("messages; ") > limited && answered < 1000,
        "1000 TTL-expired packets: {answered} ICMP errors sent, the rest rate-limited"
    );
    let ignored = lab.ip_traffic("ARP or IPv4): ");
    lab.send("arp-oddities", 300);
    lab.send("fragments", 300);
    wait_until(Duration::from_secs(5), || {
        lab.ip_traffic("ARP or IPv4): ") >= ignored + 300
    });
    let arp = lab.sw.show("show ip arp");
    for bogus in ["10.66.10.77", "10.66.10.78", "10.66.10.79", "192.0.2.9"] {
        assert!(
            !arp.contains(bogus),
            "{bogus} learned from a bogus ARP:\n{arp}"
        );
    }
    assert!(
        lab.ip_traffic("ARP or IPv4): ") >= ignored + 300,
        "bogus ARP and ping fragments are counted as ignored:\n{}",
        lab.sw.show("show ip traffic")
    );
    assert!(lab.victim.ping("10.66.10.1", 2), "the SVI still answers");
}

/// A scan of the /16 behind Vlan20 (no one answers ARP) holds packets up
/// to the cap and rate-limits ARP; a broadcast storm and a MAC flood are
/// switched and learned within bounds.
fn check_floods(lab: &Lab) {
    let limited = lab.ip_traffic("New neighbors not asked (rate limit): ");
    lab.send("scan", 4095);
    assert!(
        lab.ip_traffic("New neighbors not asked (rate limit): ") > limited,
        "a scan is rate-limited:\n{}",
        lab.sw.show("show ip traffic")
    );
    lab.send("storm", 20_000);
    lab.send("mac-flood", 4096);
    let count = lab.sw.show("show mac address-table count");
    assert!(count.contains("Total Mac Addresses"), "{count}");
}

#[test]
fn hostile_frames_are_dropped_and_counted_and_harm_no_one() {
    let _serial = serial();
    let lab = lab();
    assert!(lab.victim.ping("10.66.10.3", 3), "V reaches P");
    assert!(
        lab.attacker.ping("10.66.10.1", 1),
        "the attacker reaches the SVI"
    );
    let baseline = lab.buffers_in_use();
    let pinger = Pinger::start(&lab.victim);

    check_dropped_classes(&lab);
    check_no_vlan_hop(&lab);
    check_punted_classes(&lab);
    check_floods(&lab);

    let (sent, received) = pinger.stop();
    assert!(
        received * 100 >= sent * 99,
        "V to P lost {} of {sent} pings under attack",
        sent - received
    );
    // Held packets expire within about 3 s; then the pools are back.
    let back = wait_until(Duration::from_secs(15), || {
        lab.buffers_in_use() <= baseline + 64
    });
    assert!(
        back,
        "buffers in use: {} after, {baseline} before\n{}",
        lab.buffers_in_use(),
        lab.sw.show("show buffers")
    );
    assert!(lab.victim.ping("10.66.10.3", 2) && lab.peer.ping("10.66.10.2", 1));
    check_router_mac_without_svi(&lab);
    drop(lab.trunk);
}

/// A frame to the router MAC in a VLAN with no SVI is dropped and
/// counted (`no-svi`), as a switch's own MAC is never forwarded to a port.
fn check_router_mac_without_svi(lab: &Lab) {
    lab.sw.configure(&[
        "vlan 30",
        "interface Ethernet1",
        " switchport access vlan 30",
    ]);
    let before = lab.sw.drops("no-svi");
    lab.send("to-router", 200);
    let got = settled(&lab.sw, "no-svi", before + 200) - before;
    assert_eq!(
        got, 200,
        "200 frames to the router MAC in VLAN 30: no-svi {got}"
    );
}

/// `vlan dot1q tag native`: the trunk's native VLAN leaves tagged, and
/// untagged frames from the trunk are dropped by the VLAN filter.
#[test]
fn tagging_the_native_vlan_closes_the_untagged_path() {
    let _serial = serial();
    let lab = lab();
    lab.sw.configure(&["vlan dot1q tag native"]);
    let watcher = lab.sniff_trunk(3);
    // V asks for an address no one has: a broadcast in VLAN 10.
    let _ = lab
        .victim
        .exec(&["ping", "-c", "2", "-W", "1", "10.66.10.200"]);
    let seen = String::from_utf8_lossy(&watcher.wait_with_output().unwrap().stdout).to_string();
    assert!(
        seen.contains("vlan 10") && !seen.contains("untagged"),
        "VLAN 10 leaves the trunk tagged:\n{seen}"
    );
    let before = lab.sw.drops("vlan-filter");
    let out = lab.trunk.exec(&[
        "python3",
        TOOL,
        "send",
        &tap(4),
        "storm",
        "50",
        "--router-mac",
        &lab.router_mac,
        "--svi",
        "10.66.10.1",
        "--victim-mac",
        &lab.victim_mac,
        "--victim-ip",
        "10.66.10.2",
    ]);
    assert!(out.status.success());
    let got = settled(&lab.sw, "vlan-filter", before + 50) - before;
    assert!(
        got >= 50,
        "untagged frames on the trunk: {got} dropped of 50"
    );
    lab.sw.configure(&["no vlan dot1q tag native"]);
    assert!(lab.trunk.ping("10.66.10.2", 2), "untagged native again");
}
