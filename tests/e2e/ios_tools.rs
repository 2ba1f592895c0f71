//! LiSA-DP managed over SSH with the IOS automation tools from PyPI:
//! Debian's OpenSSH set up by `scripts/ssh-setup.sh` (swcli as the
//! ForceCommand of group `lisa`), then Netmiko, NAPALM's `ios` driver and
//! Ansible's `cisco.ios` collection against a real lisad with namespace
//! hosts (`tests/tools/ios_tools.py` runs the tools).

use crate::common;

use common::{free_port, serial, sh, Lisad, TwoHosts};
use std::path::PathBuf;
use std::process::Command;

/// The password of the test accounts.
const PASSWORD: &str = "Lisa-tools-1";
/// An account in `lisa-admin`: privileged EXEC at login.
const ADMIN: &str = "lisa-netops";
/// An account only in `lisa`: user EXEC, `enable` asks the secret.
const VIEWER: &str = "lisa-viewer";

/// Creates (once) the test accounts, with `PASSWORD`.
fn accounts() {
    for g in ["lisa", "lisa-admin"] {
        if !Command::new("getent")
            .args(["group", g])
            .status()
            .unwrap()
            .success()
        {
            sh("groupadd", &["--system", g]);
        }
    }
    for (user, groups) in [(ADMIN, "lisa,lisa-admin"), (VIEWER, "lisa")] {
        if !Command::new("id")
            .arg(user)
            .output()
            .unwrap()
            .status
            .success()
        {
            sh("useradd", &["-m", "-s", "/bin/sh", "-G", groups, user]);
        }
        let mut p = Command::new("chpasswd")
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(p.stdin.take().unwrap(), "{user}:{PASSWORD}").unwrap();
        assert!(p.wait().unwrap().success());
    }
}

/// An sshd of its own for this test, set up by `scripts/ssh-setup.sh
/// --standalone` for a lisad's socket. Stopped on drop.
struct Sshd {
    dir: PathBuf,
    port: u16,
}

impl Sshd {
    fn start(socket: &std::path::Path) -> Sshd {
        accounts();
        let dir = std::env::temp_dir().join(common::unique("lisa-sshd-", ""));
        let port = free_port();
        let root = env!("CARGO_MANIFEST_DIR");
        let out = Command::new("bash")
            .arg(format!("{root}/scripts/ssh-setup.sh"))
            .args(["--standalone", dir.to_str().unwrap()])
            .args(["--socket", socket.to_str().unwrap()])
            .args(["--port", &port.to_string()])
            .args(["--swcli", common::swcli_path().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ssh-setup.sh: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            common::wait_until(std::time::Duration::from_secs(10), || {
                std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            }),
            "sshd did not start"
        );
        Sshd { dir, port }
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.join("sshd.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `ios_tools.py` with `args`; returns its JSON.
fn tool(args: &[&str]) -> serde_json::Value {
    tool_with(args, &[])
}

/// Runs `ios_tools.py` with `args` and environment variables `env`;
/// returns its JSON.
fn tool_with(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/ios_tools.py");
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "ios_tools.py {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "ios_tools.py gave no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The records of a TextFSM result whose `key` is `value`.
fn records<'a>(v: &'a serde_json::Value, key: &str, value: &str) -> Vec<&'a serde_json::Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list of records: {v}"))
        .iter()
        .filter(|r| r[key] == value)
        .collect()
}

/// Two hosts on Ethernet1/Ethernet2 that have talked (so the MAC table and
/// the ARP table have entries), lisad's socket open to group `lisa`.
fn switch(tag: &str, net: &str) -> TwoHosts {
    let t = TwoHosts::start(tag, net, &["--socket-group", "lisa"]);
    t.sw.configure(&[
        "hostname edge1",
        "enable secret Lisa-enable-1",
        "vlan 10",
        " name users",
        "interface Ethernet1",
        " switchport access vlan 10",
        "interface Ethernet2",
        " switchport access vlan 10",
    ]);
    assert!(t.a.ping(&format!("{net}.2"), 2), "the hosts talk");
    t
}

#[test]
fn netmiko_over_ssh() {
    let _serial = serial();
    let t = switch("nm", "192.168.81");
    let sshd = Sshd::start(&t.sw.socket);
    let port = sshd.port.to_string();

    let admin = tool(&["netmiko", &port, ADMIN, PASSWORD]);
    assert_eq!(admin["prompt"], "edge1#", "lisa-admin: privileged at login");
    let mac_a = t.a.mac(&t.taps.0);
    let mac = &admin["mac"];
    assert!(
        records(mac, "destination_address", &mac_a)
            .iter()
            .any(
                |r| r["destination_port"] == serde_json::json!(["Ethernet1"])
                    && r["vlan_id"] == "10"
            ),
        "{mac}"
    );
    assert!(
        admin["config"]
            .as_str()
            .unwrap()
            .contains("edge1(config-if)#switchport access vlan 30"),
        "{}",
        admin["config"]
    );
    assert!(
        admin["bad_config"]
            .as_str()
            .unwrap()
            .contains("% Invalid input detected at '^' marker."),
        "{}",
        admin["bad_config"]
    );
    assert!(admin["save"].as_str().unwrap().contains("[OK]"));
    let web = records(&admin["vlans_after"], "vlan_id", "30");
    assert_eq!(web.len(), 1, "{}", admin["vlans_after"]);
    assert_eq!(web[0]["vlan_name"], "web");
    assert_eq!(web[0]["interfaces"], serde_json::json!(["Ethernet2"]));
    let status = records(&admin["interfaces_status"], "port", "Ethernet2");
    assert_eq!(status[0]["name"], "web server");
    assert_eq!(status[0]["vlan_id"], "30");
    let users = &admin["users"];
    let me = records(users, "user", ADMIN);
    assert_eq!(me.len(), 1, "{users}");
    assert!(me[0]["line"].as_str().unwrap().starts_with('*'), "{users}");
    assert_eq!(me[0]["location"], "127.0.0.1");
    assert_eq!(admin["version"][0]["hostname"], "edge1");
    // What Netmiko changed is in the running and the startup config.
    for file in ["running-config", "startup-config"] {
        let text = t.sw.show(&format!("show {file}"));
        assert!(
            text.contains("vlan 30\n name web")
                && text.contains(
                    "interface Ethernet2\n description web server\n switchport access vlan 30"
                ),
            "{file}:\n{text}"
        );
    }

    // Not in lisa-admin: user EXEC, then `enable` with the secret.
    let viewer = tool(&["netmiko", &port, VIEWER, PASSWORD, "Lisa-enable-1"]);
    assert_eq!(viewer["prompt"], "edge1>");
    assert_eq!(viewer["enabled_prompt"], "edge1#");

    // A command given to ssh runs as the login's own privilege; the session
    // is gone from `show users` once it ended.
    let users = t.sw.show("show users");
    assert!(!users.contains(ADMIN), "{users}");
}

#[test]
fn napalm_ios_getters() {
    let _serial = serial();
    let t = switch("np", "192.168.82");
    t.sw.configure(&[
        "interface Ethernet2",
        " description server port",
        "interface Vlan10",
        " ip address 192.168.82.254 255.255.255.0",
        "interface Ethernet1",
        " shutdown",
        " no shutdown",
    ]);
    assert!(t.a.ping("192.168.82.254", 2), "host a reaches the SVI");
    let sshd = Sshd::start(&t.sw.socket);
    let port = sshd.port.to_string();
    // Through user EXEC and `enable`, as NAPALM does with a secret; with
    // ping() and traceroute() from the SVI to host a and to no one.
    let got = tool_with(
        &["napalm", &port, VIEWER, PASSWORD, "Lisa-enable-1"],
        &[("LISA_PING_TARGETS", "192.168.82.1 192.168.82.77")],
    );

    let facts = &got["facts"];
    assert_eq!(facts["hostname"], "edge1", "{facts}");
    assert_eq!(facts["vendor"], "Cisco");
    assert_eq!(facts["model"], "LiSA-DP");
    assert!(
        facts["os_version"]
            .as_str()
            .unwrap()
            .starts_with("LiSA-DP Software (lisad), Version "),
        "{facts}"
    );
    assert!(!facts["serial_number"].as_str().unwrap().is_empty());
    assert!(facts["uptime"].as_f64().unwrap() >= 0.0);
    assert_eq!(
        facts["interface_list"],
        serde_json::json!(["Ethernet1", "Ethernet2", "Vlan10"])
    );

    let ifs = &got["interfaces"];
    let e2 = &ifs["Ethernet2"];
    assert_eq!(e2["is_up"], true, "{ifs}\n{}", t.sw.show("show interfaces"));
    assert_eq!(e2["is_enabled"], true);
    assert_eq!(e2["description"], "server port");
    assert_eq!(e2["mtu"], 1500);
    let mac_b = t.b.mac(&t.taps.1);
    assert!(ifs["Vlan10"]["is_up"] == true, "{ifs}");
    // NAPALM writes MACs as aa:bb:..; the switch's port MACs are its own.
    assert_eq!(ifs.as_object().unwrap().len(), 3, "{ifs}");

    let ip = &got["interfaces_ip"];
    assert_eq!(
        ip["Vlan10"]["ipv4"]["192.168.82.254"]["prefix_length"], 24,
        "{ip}"
    );
    assert_eq!(ip.as_object().unwrap().len(), 1, "{ip}");

    let vlans = &got["vlans"];
    assert_eq!(vlans["10"]["name"], "users", "{vlans}");
    assert_eq!(
        vlans["10"]["interfaces"],
        serde_json::json!(["Ethernet1", "Ethernet2"])
    );
    assert_eq!(vlans["1"]["interfaces"], serde_json::json!([]));

    let macs = got["mac_address_table"].as_array().unwrap();
    let dotted_to_colons = |m: &str| {
        let h = m.replace('.', "");
        (0..6)
            .map(|i| h[2 * i..2 * i + 2].to_uppercase())
            .collect::<Vec<_>>()
            .join(":")
    };
    let b = macs
        .iter()
        .find(|m| m["mac"] == dotted_to_colons(&mac_b).as_str())
        .unwrap_or_else(|| panic!("host b's MAC {mac_b} in {macs:?}"));
    assert_eq!(b["interface"], "Ethernet2");
    assert_eq!(b["vlan"], 10);
    assert_eq!(b["static"], false);

    let arp = got["arp_table"].as_array().unwrap();
    let mac_a = t.a.mac(&t.taps.0);
    assert!(
        arp.iter().any(|e| e["ip"] == "192.168.82.1"
            && e["mac"] == dotted_to_colons(&mac_a).as_str()
            && e["interface"] == "Vlan10"),
        "{arp:?}"
    );
    assert_eq!(got["alive"]["is_alive"], true);

    let ping = &got["ping"]["success"];
    assert_eq!(ping["probes_sent"], 3, "{}", got["ping"]);
    assert_eq!(ping["packet_loss"], 0, "{ping}");
    assert_eq!(ping["results"].as_array().map(Vec::len), Some(3), "{ping}");
    let absent = &got["ping_absent"]["success"];
    assert_eq!(absent["probes_sent"], 2, "{}", got["ping_absent"]);
    assert_eq!(absent["packet_loss"], 2, "{absent}");
    let trace = &got["traceroute"]["success"];
    let hop1 = &trace["1"]["probes"];
    assert_eq!(trace.as_object().map(|t| t.len()), Some(1), "{trace}");
    for probe in ["1", "2", "3"] {
        assert_eq!(hop1[probe]["ip_address"], "192.168.82.1", "{trace}");
    }
}

/// What Ansible reported for task `name`.
fn task<'a>(play: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let t = &play["tasks"][name];
    assert!(
        t["failed"] != true && !t.is_null(),
        "task '{name}' failed: {}",
        serde_json::to_string_pretty(t).unwrap()
    );
    t
}

#[test]
fn ansible_cisco_ios_modules() {
    let _serial = serial();
    let t = switch("an", "192.168.83");
    let sshd = Sshd::start(&t.sw.socket);
    let port = sshd.port.to_string();
    // user EXEC at login, `become: enable` with the secret.
    let play = tool(&["ansible", &port, VIEWER, PASSWORD, "Lisa-enable-1"]);
    let show = task(&play, "show commands");
    assert!(
        show["stdout"][0]
            .as_str()
            .unwrap()
            .contains("edge1 uptime is"),
        "{show}"
    );
    let gathered = &task(&play, "VLANs as they are")["gathered"];
    let users = gathered
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vlan_id"] == 10)
        .unwrap_or_else(|| panic!("{gathered}"));
    assert_eq!(users["name"], "users");
    assert_eq!(users["state"], "active");
    let merged = task(&play, "add VLAN 30");
    assert_eq!(merged["changed"], true);
    assert_eq!(
        merged["commands"],
        serde_json::json!(["vlan 30", "name web"])
    );
    assert_eq!(
        task(&play, "add VLAN 30 again (nothing to do)")["changed"],
        false
    );
    let l2 = task(&play, "Ethernet2 into VLAN 30");
    assert_eq!(l2["changed"], true, "{l2}");
    assert_eq!(
        task(&play, "Ethernet2 into VLAN 30 again (nothing to do)")["changed"],
        false
    );
    let config = task(&play, "describe Ethernet1 and save");
    assert_eq!(config["changed"], true, "{config}");
    assert_eq!(play["rc"], 0, "{play}");
    for file in ["running-config", "startup-config"] {
        let text = t.sw.show(&format!("show {file}"));
        assert!(
            text.contains("vlan 30\n name web")
                && text.contains("interface Ethernet1\n description managed by ansible")
                && text.contains(
                    "interface Ethernet2\n switchport access vlan 30\n switchport mode access"
                ),
            "{file}:\n{text}"
        );
    }
}

/// A local swcli script runs with its account's privilege, as a login
/// does: an account only in `lisa` starts in user EXEC and cannot
/// configure (its `enable` would need the secret, which a script cannot
/// answer); one in `lisa-admin` configures.
#[test]
fn a_local_script_runs_with_its_accounts_privilege() {
    let _serial = serial();
    accounts();
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--socket-group", "lisa"]);
    sw.configure(&["enable secret Lisa-enable-1"]);
    let as_user = |user: &str, lines: &[&str]| {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", user, "--"])
            .arg(common::swcli_path())
            .arg("--socket")
            .arg(&sw.socket);
        for l in lines {
            cmd.arg("-c").arg(l);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (ok, out) = as_user(
        VIEWER,
        &[
            "show privilege",
            "configure terminal",
            "hostname viewer-was-here",
        ],
    );
    assert!(!ok, "{out}");
    assert!(out.contains("Current privilege level is 1"), "{out}");
    assert!(out.contains("% Invalid input"), "{out}");
    let (ok, out) = as_user(VIEWER, &["enable"]);
    assert!(!ok && out.contains("needs the secret"), "{out}");
    let (ok, out) = as_user(
        ADMIN,
        &["configure terminal", "hostname admin-was-here", "end"],
    );
    assert!(ok, "{out}");
    let run = sw.show("show running-config");
    assert!(
        run.contains("hostname admin-was-here") && !run.contains("viewer-was-here"),
        "{run}"
    );
}
