//! The L2 control protocols against real peers in namespaces: LLDP with
//! Debian's lldpd, RSTP with a cable between two ports and with OVS's
//! RSTP (ovs-vswitchd, netdev datapath). LACP comes here too.

use crate::common;

use common::peers::{Ovs, Veth};
use common::{ntc_parse, serial, unique, wait_until, Host, Lisad};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// lldpd running in a host on one interface, with its own control socket;
/// stopped (SIGTERM: it sends its shutdown PDU) when dropped.
struct Lldpd {
    child: Option<Child>,
    sock: PathBuf,
}

impl Lldpd {
    /// Starts lldpd in `host` on `ifname`, advertising `mgmt`, named
    /// `name`, sending every second.
    fn start(host: &Host, ifname: &str, name: &str, mgmt: &str) -> Lldpd {
        Lldpd::start_with(host, ifname, name, mgmt, &[])
    }

    /// `start`, with more lldpd options (`-cccc`: CDPv2).
    fn start_with(host: &Host, ifname: &str, name: &str, mgmt: &str, extra: &[&str]) -> Lldpd {
        let sock = std::env::temp_dir().join(format!("{}-lldpd.sock", host.ns));
        let _ = std::fs::remove_file(&sock);
        let s = sock.to_str().unwrap();
        let child = Command::new("ip")
            .args([
                "netns", "exec", &host.ns, "lldpd", "-d", "-u", s, "-I", ifname,
            ])
            .args(["-m", mgmt])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("lldpd (apt-get install lldpd)");
        let l = Lldpd {
            child: Some(child),
            sock,
        };
        assert!(
            wait_until(Duration::from_secs(10), || l
                .try_cli(&["show", "configuration"])
                .is_some()),
            "lldpd never answered on its socket"
        );
        l.cli(&["configure", "system", "hostname", name]);
        l.cli(&["configure", "lldp", "tx-interval", "1"]);
        l
    }

    fn try_cli(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("lldpcli")
            .arg("-u")
            .arg(&self.sock)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn cli(&self, args: &[&str]) -> String {
        self.try_cli(args)
            .unwrap_or_else(|| panic!("lldpcli {args:?} failed"))
    }

    /// What lldpd knows of its neighbours, as JSON.
    fn neighbors(&self) -> serde_json::Value {
        let text = self.cli(&["show", "neighbors", "-f", "json"]);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    /// Stops it (it sends a shutdown PDU first).
    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }
}

impl Drop for Lldpd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The chassis lldpd shows on its one interface, if any.
fn lldpd_chassis(n: &serde_json::Value) -> Option<(String, serde_json::Value, serde_json::Value)> {
    let ifs = n["lldp"]["interface"].as_object()?;
    let (_, i) = ifs.iter().next()?;
    let (name, chassis) = i["chassis"].as_object()?.iter().next()?;
    Some((name.clone(), chassis.clone(), i["port"].clone()))
}

#[test]
fn lldp_neighbours_with_lldpd_both_ways() {
    let _g = serial();
    let tap = unique("llp", "");
    let sw = Lisad::start(
        &[("Ethernet1", &format!("tap:{tap}")), ("Ethernet2", "null")],
        &[],
    );
    let host = Host::new(&unique("lisa-llp", ""));
    host.take_interface(&tap, "192.168.78.1/24");
    sw.configure(&[
        "hostname sw-lldp",
        "interface Ethernet1",
        " description to-host-a",
        "interface Vlan1",
        " ip address 192.168.78.254 255.255.255.0",
        "lldp run",
    ]);
    let mut lldpd = Lldpd::start(&host, &tap, "host-a", "192.168.78.1");

    // We see lldpd, as IOS shows a neighbour, and TextFSM reads it.
    assert!(
        wait_until(Duration::from_secs(10), || sw
            .show("show lldp neighbors")
            .contains("host-a")),
        "no LLDP neighbour: {}",
        sw.show("show lldp neighbors")
    );
    let brief = sw.show("show lldp neighbors");
    let rows = ntc_parse("show lldp neighbors", &brief);
    assert!(
        rows.contains("local_interface=Et1") && rows.contains("neighbor_name=host-a"),
        "{rows}\n{brief}"
    );
    let detail = sw.show("show lldp neighbors Ethernet1 detail");
    let rows = ntc_parse("show lldp neighbors detail", &detail);
    let mac = host.mac(&tap);
    for want in [
        "local_interface=Et1".to_string(),
        "mgmt_address=192.168.78.1".into(),
        format!("chassis_id={mac}"),
        "neighbor_name=host-a".into(),
    ] {
        assert!(rows.contains(&want), "{want} not in {rows}\n{detail}");
    }

    // lldpd sees us: our name, port, description, address and capabilities.
    let mut seen = None;
    wait_until(Duration::from_secs(10), || {
        seen = lldpd_chassis(&lldpd.neighbors());
        seen.is_some()
    });
    let (name, chassis, port) = seen.expect("lldpd never saw the switch");
    assert_eq!(name, "sw-lldp");
    assert_eq!(port["id"]["value"], "Et1", "{port}");
    assert_eq!(port["descr"], "to-host-a", "{port}");
    assert_eq!(chassis["mgmt-ip"], "192.168.78.254", "{chassis}");
    let caps = chassis["capability"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        caps.iter()
            .any(|c| c["type"] == "Bridge" && c["enabled"] == true),
        "{chassis}"
    );

    // `no lldp transmit`: a shutdown PDU, lldpd forgets us at once.
    sw.configure(&["interface Ethernet1", " no lldp transmit"]);
    assert!(
        wait_until(Duration::from_secs(3), || lldpd_chassis(&lldpd.neighbors())
            .is_none()),
        "lldpd still shows the switch after no lldp transmit"
    );

    // lldpd stopping sends its shutdown PDU: we forget it at once.
    lldpd.stop();
    assert!(
        wait_until(Duration::from_secs(3), || !sw
            .show("show lldp neighbors")
            .contains("host-a")),
        "{}",
        sw.show("show lldp neighbors")
    );
    let traffic = sw.show("show lldp traffic");
    let count = |label: &str| -> u64 {
        traffic
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{label} not in {traffic}"))
    };
    assert!(count("Total frames in:") >= 1, "{traffic}");
    assert!(count("Total frames out:") >= 1, "{traffic}");
    assert_eq!(count("Total frames received in error:"), 0, "{traffic}");

    // One port's status, named as IOS abbreviates it.
    let one = sw.show("show lldp interface e1");
    assert!(
        one.contains("Ethernet1:\n    Tx: disabled\n    Rx: enabled") && !one.contains("Ethernet2"),
        "{one}"
    );

    // Off: IOS's answer.
    sw.configure(&["no lldp run"]);
    let out = sw.swcli(&["show lldp neighbors"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("% LLDP is not enabled"), "{text}");
}

#[test]
fn cdp_neighbours_with_lldpd_both_ways() {
    let _g = serial();
    let tap = unique("lcd", "");
    let sw = Lisad::start(&[("Ethernet1", &format!("tap:{tap}"))], &[]);
    let host = Host::new(&unique("lisa-lcd", ""));
    host.take_interface(&tap, "192.168.84.1/24");
    sw.configure(&[
        "hostname sw-cdp",
        "interface Vlan1",
        " ip address 192.168.84.254 255.255.255.0",
        "cdp run",
        "cdp timer 5",
    ]);
    // lldpd speaking CDPv2 (and LLDP, which the switch ignores: lldp run is off).
    let lldpd = Lldpd::start_with(&host, &tap, "host-c", "192.168.84.1", &["-cccc"]);

    // We see lldpd, as IOS shows a CDP neighbour, and TextFSM reads it.
    assert!(
        wait_until(Duration::from_secs(10), || sw
            .show("show cdp neighbors")
            .contains("host-c")),
        "no CDP neighbour: {}\n{}",
        sw.show("show cdp neighbors"),
        sw.show("show cdp traffic")
    );
    let brief = sw.show("show cdp neighbors");
    let rows = ntc_parse("show cdp neighbors", &brief);
    assert!(
        rows.contains("neighbor_name=host-c") && rows.contains("local_interface=Eth 1"),
        "{rows}\n{brief}"
    );
    let detail = sw.show("show cdp neighbors detail");
    let rows = ntc_parse("show cdp neighbors detail", &detail);
    assert!(rows.contains("192.168.84.1"), "{rows}\n{detail}");
    let traffic = sw.show("show cdp traffic");
    assert!(!traffic.contains("Chksum error: 1"), "{traffic}");

    // lldpd sees us over CDP: our name, our port.
    let mut seen = None;
    wait_until(Duration::from_secs(10), || {
        seen = lldpd_chassis(&lldpd.neighbors());
        seen.is_some()
    });
    let (name, chassis, port) = seen.expect("lldpd never saw the switch over CDP");
    assert_eq!(name, "sw-cdp", "{chassis}");
    assert_eq!(port["id"]["value"], "Ethernet1", "{port}");

    // Off: IOS's answer, and lldpd's frames are dropped as link-local.
    sw.configure(&["no cdp run"]);
    let out = sw.swcli(&["show cdp neighbors"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("% CDP is not enabled"), "{text}");
}

/// `show spanning-tree` as ntc-templates reads it: (interface, role,
/// status) per port.
/// (None before the tree's task has started it.)
fn stp_rows(sw: &Lisad) -> Vec<(String, String, String)> {
    let out = sw.swcli(&["show spanning-tree"]);
    if !out.status.success() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let rows = ntc_parse("show spanning-tree", &text);
    rows.lines()
        .map(|r| {
            let field = |k: &str| {
                r.split('|')
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                    .unwrap_or_default()
                    .to_string()
            };
            (field("interface"), field("role"), field("status"))
        })
        .collect()
}

#[test]
fn rstp_blocks_a_cable_between_two_ports() {
    let _g = serial();
    let cable = Veth::new("lsc");
    let tap = unique("lst", "");
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("afpacket:{}", cable.0)),
            ("Ethernet2", &format!("afpacket:{}", cable.1)),
            ("Ethernet3", &format!("tap:{tap}")),
        ],
        &[],
    );
    let host = Host::new(&unique("lisa-lst", ""));
    host.take_interface(&tap, "192.168.79.1/24");
    let start = std::time::Instant::now();
    sw.configure(&[
        "spanning-tree mode rapid-pvst",
        "interface Ethernet3",
        " spanning-tree portfast",
        "interface Vlan1",
        " ip address 192.168.79.254 255.255.255.0",
    ]);
    // Our own BPDUs come back on the other end: one end is a backup port,
    // blocked, and the other forwards at once (the backup agrees).
    let want = |rows: &[(String, String, String)]| {
        rows.contains(&("Et1".into(), "Desg".into(), "FWD".into()))
            && rows.contains(&("Et2".into(), "Back".into(), "BLK".into()))
            && rows.contains(&("Et3".into(), "Desg".into(), "FWD".into()))
    };
    assert!(
        wait_until(Duration::from_secs(2), || want(&stp_rows(&sw))),
        "not converged in 2 s: {:?}\n{}",
        stp_rows(&sw),
        sw.show("show spanning-tree")
    );
    eprintln!("converged in {:?}", start.elapsed());
    // Traffic flows, and the host's broadcasts do not loop.
    assert!(host.ping("192.168.79.254", 3), "{}", sw.log_text());
    let before = sw.rx_packets("Ethernet2");
    assert!(host.exec(&["ip", "neigh", "flush", "all"]).status.success());
    assert!(host.ping("192.168.79.254", 3));
    std::thread::sleep(Duration::from_millis(500));
    let looped = sw.rx_packets("Ethernet2") - before;
    assert!(looped < 50, "{looped} frames came back around the cable");
    assert!(
        sw.drops("stp-discarding") > 0,
        "the blocked end dropped nothing"
    );

    // BPDU guard on the blocked end: our own BPDUs err-disable it.
    sw.configure(&["interface Ethernet2", " spanning-tree bpduguard enable"]);
    assert!(
        wait_until(Duration::from_secs(3), || sw.show("show logging").contains(
            "%SPANTREE-2-BLOCK_BPDUGUARD: Received BPDU on port Ethernet2"
        )),
        "{}",
        sw.show("show logging")
    );
    assert!(
        sw.port_becomes("Ethernet2", "down, line protocol is down (err-disabled)", 3),
        "{}",
        sw.show("show interfaces Ethernet2")
    );
    assert!(host.ping("192.168.79.254", 2));
}

#[test]
fn rstp_with_ovs_blocks_the_loop_through_it_and_heals() {
    let _g = serial();
    let (c1, c2) = (Veth::new("lo1"), Veth::new("lo2"));
    let tap = unique("lot", "");
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("afpacket:{}", c1.0)),
            ("Ethernet2", &format!("afpacket:{}", c2.0)),
            ("Ethernet3", &format!("tap:{tap}")),
        ],
        &[],
    );
    let host = Host::new(&unique("lisa-lot", ""));
    host.take_interface(&tap, "192.168.80.1/24");
    sw.configure(&[
        "spanning-tree mode rapid-pvst",
        "interface Ethernet3",
        " spanning-tree portfast",
        "interface Vlan1",
        " ip address 192.168.80.254 255.255.255.0",
    ]);
    // OVS, the root (priority 4096), bridging the two cables' far ends.
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
    for end in [&c1.1, &c2.1] {
        ovs.vsctl(&["add-port", "br0", end]);
        ovs.vsctl(&["set", "port", end, "other_config:rstp-admin-p2p-mac=true"]);
    }
    let start = std::time::Instant::now();
    ovs.vsctl(&[
        "set",
        "bridge",
        "br0",
        "rstp_enable=true",
        "other_config:rstp-priority=4096",
    ]);
    // One cable's end is the root port, the other's an alternate, blocked
    // (which one: OVS's port numbers decide).
    let row = |p: &str, role: &str, sts: &str| (p.to_string(), role.to_string(), sts.to_string());
    let root_end = |rows: &[(String, String, String)]| {
        [("Et1", "Et2"), ("Et2", "Et1")].into_iter().find(|(r, a)| {
            rows.contains(&row(r, "Root", "FWD")) && rows.contains(&row(a, "Altn", "BLK"))
        })
    };
    assert!(
        wait_until(Duration::from_secs(2), || root_end(&stp_rows(&sw))
            .is_some()),
        "not converged in 2 s: {:?}\n{}\n{}",
        stp_rows(&sw),
        sw.show("show spanning-tree"),
        ovs.appctl(&["rstp/show", "br0"])
    );
    eprintln!("converged with OVS in {:?}", start.elapsed());
    let tree = sw.show("show spanning-tree");
    assert!(tree.contains("Root ID    Priority    4096"), "{tree}");
    let ovs_view = ovs.appctl(&["rstp/show", "br0"]);
    assert!(ovs_view.contains("This bridge is the root"), "{ovs_view}");
    assert!(host.ping("192.168.80.254", 3));

    // The root port's cable is pulled (af_packet reports no link state:
    // what came over it ages out after three hellos, 6 s); the alternate
    // takes over and the host still reaches the switch.
    let (root, alternate) = root_end(&stp_rows(&sw)).unwrap();
    let cable = if root == "Et1" { &c1.0 } else { &c2.0 };
    common::sh("ip", &["link", "set", cable, "down"]);
    let cut = std::time::Instant::now();
    assert!(
        wait_until(Duration::from_secs(10), || stp_rows(&sw)
            .contains(&row(alternate, "Root", "FWD"))),
        "{}",
        sw.show("show spanning-tree")
    );
    eprintln!("healed in {:?}", cut.elapsed());
    assert!(host.ping("192.168.80.254", 3));
}
