//! The L2 control protocols against real peers in namespaces: LLDP with
//! Debian's lldpd. (One test binary for all of them: RSTP and LACP with
//! OVS come here too.)

use crate::common;

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
        let sock = std::env::temp_dir().join(format!("{}-lldpd.sock", host.ns));
        let _ = std::fs::remove_file(&sock);
        let s = sock.to_str().unwrap();
        let child = Command::new("ip")
            .args([
                "netns", "exec", &host.ns, "lldpd", "-d", "-u", s, "-I", ifname,
            ])
            .args(["-m", mgmt])
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

    // Off: IOS's answer.
    sw.configure(&["no lldp run"]);
    let out = sw.swcli(&["show lldp neighbors"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("% LLDP is not enabled"), "{text}");
}
