//! swcli against a running lisad: IOS errors with the `^` marker, `?` help,
//! output modifiers, configuration lines checked as they are typed.

use crate::common;

use common::{serial, Lisad};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A mistyped command gets the `^` marker; an incomplete one and an
/// ambiguous abbreviation say so.
fn check_exec_errors_show_the_marker(sw: &Lisad) {
    let out = sw.swcli(&["sh vresion"]);
    assert!(!out.status.success());
    assert_eq!(
        stdout(&out),
        "sh vresion\n   ^\n% Invalid input detected at '^' marker.\n"
    );

    let out = sw.swcli(&["copy"]);
    assert_eq!(stdout(&out), "% Incomplete command.\n");
    let out = sw.swcli(&["co"]);
    assert!(
        stdout(&out).starts_with("% Ambiguous command:"),
        "{}",
        stdout(&out)
    );
}

/// `show ?` lists the show commands; `| include` and `| count` filter output.
fn check_help_and_output_modifiers(sw: &Lisad) {
    let help = sw.show("show ?");
    for word in ["interfaces", "mac", "running-config", "version"] {
        assert!(help.contains(word), "{help}");
    }

    assert_eq!(sw.show("sh run | include hostname"), "hostname lisa\n");
    assert_eq!(
        sw.show("show running-config | count interface"),
        "Number of lines which match regexp = 2\n"
    );
    // A reader that stops early (`| head`) ends swcli quietly, with more
    // output left than a pipe holds.
    let piped = format!(
        "{} --socket {} {} | head -1",
        common::swcli_path().display(),
        sw.socket.display(),
        "-c 'show version' ".repeat(400)
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &piped])
        .output()
        .unwrap();
    assert!(stdout(&out).lines().count() == 1, "{out:?}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{out:?}"
    );
}

/// A bad configuration line is refused where it is typed, with the
/// marker (the good lines around it still go in, as on IOS); `?` works in
/// configuration mode; abbreviated lines are applied.
fn check_config_lines_are_checked_as_typed(sw: &Lisad) {
    let out = sw.swcli(&[
        "conf t",
        "vlan 30",
        "int e1",
        "switchport mode trunkk",
        "end",
    ]);
    assert!(!out.status.success());
    assert!(
        stdout(&out)
            .contains("switchport mode trunkk\n                ^\n% Invalid input detected"),
        "{}",
        stdout(&out)
    );
    // A script applies as IOS does, line by line: the line before the bad
    // one went in (the lines that pass go to lisad as one change at `end`).
    let brief = sw.show("show vlan brief");
    assert!(brief.lines().any(|l| l.starts_with("30 ")), "{brief}");
    let out = sw.swcli(&["conf t", "int e1", "sw mode ?"]);
    assert!(
        stdout(&out).contains("access") && stdout(&out).contains("trunk"),
        "{}",
        stdout(&out)
    );
    sw.configure(&["vlan 30", "int e2", "sw acc vl 30"]);
    let run = sw.show("show running-config");
    assert!(
        run.contains("interface Ethernet2\n switchport access vlan 30"),
        "{run}"
    );
}

/// A static entry in VLAN 30 on Ethernet1 shows under exactly the
/// `show mac address-table` filters that match it, and is counted.
fn check_mac_table_filters(sw: &Lisad) {
    sw.configure(&["mac address-table static 0200.0000.0005 vlan 30 interface e1"]);
    for (cmd, shown) in [
        ("show mac address-table static", true),
        ("show mac address-table dynamic", false),
        ("show mac address-table vlan 30", true),
        ("show mac address-table vlan 1", false),
        ("show mac address-table interface e1", true),
        ("sh mac a add 02:00:00:00:00:05", true),
        ("show mac address-table static interface e1 vlan 30", true),
        ("show mac address-table static interface e1 vlan 1", false),
        ("show mac address-table dynamic vlan 30", false),
    ] {
        assert_eq!(sw.show(cmd).contains("0200.0000.0005"), shown, "{cmd}");
    }
    let count = sw.show("show mac address-table count");
    assert!(count.contains("Static  Address Count  : 1"), "{count}");
}

/// `clear` commands print nothing; `show vlan brief` lists VLAN 30 with
/// its port; clearing an unknown port's entries is refused.
fn check_vlan_brief_and_clear_commands(sw: &Lisad) {
    assert!(sw.show("clear counters").is_empty());
    let brief = sw.show("show vlan brief");
    let row = brief.lines().find(|l| l.starts_with("30 ")).unwrap_or("");
    assert!(
        row.contains("VLAN0030") && row.ends_with("Ethernet2"),
        "{brief}"
    );
    assert!(sw
        .show("clear mac address-table dynamic vlan 30")
        .is_empty());
    assert!(sw.show("clear mac add dyn int e1").is_empty());
    let out = sw.swcli(&["clear mac address-table dynamic interface Nope7"]);
    assert!(
        !out.status.success() && stdout(&out).contains("no port named"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn ios_errors_help_and_modifiers() {
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null"), ("Ethernet2", "null")], &[]);
    check_exec_errors_show_the_marker(&sw);
    check_help_and_output_modifiers(&sw);
    check_config_lines_are_checked_as_typed(&sw);
    check_mac_table_filters(&sw);
    check_vlan_brief_and_clear_commands(&sw);
    check_ios_lines_with_no_effect_here(&sw);

    // A static entry in a VLAN that does not exist is refused.
    let out = sw.swcli(&[
        "conf t",
        "mac address-table static 0200.0000.0001 vlan 99 interface e1",
        "end",
    ]);
    assert!(
        stdout(&out).contains("VLAN 99 does not exist"),
        "{}",
        stdout(&out)
    );
}

/// Lines real IOS configs carry that change nothing here are taken as IOS
/// takes them (no error, the rest of the paste applies), names may have a
/// space before their number, automation's `terminal length 0` works; lines
/// asking for what LiSA-DP lacks get a message saying what to do instead.
fn check_ios_lines_with_no_effect_here(sw: &Lisad) {
    let out = sw.swcli(&[
        "terminal length 0",
        "terminal width 511",
        "conf t",
        "service timestamps debug datetime msec",
        "no service pad",
        "version 15.2",
        "boot-start-marker",
        "boot system flash:c2960-lanbasek9-mz.150-2.SE11.bin",
        "boot-end-marker",
        "no aaa new-model",
        "ip cef",
        "no ipv6 cef",
        "ip routing",
        "no ip domain-lookup",
        "ip domain-name lab.example",
        "ip forward-protocol nd",
        "no ip http server",
        "vtp mode transparent",
        "vtp domain LAB",
        "vlan internal allocation policy ascending",
        "control-plane",
        "vlan 10",
        "interface Ethernet 1",
        " switchport",
        " switchport trunk encapsulation dot1q",
        " switchport mode trunk",
        " switchport nonegotiate",
        " negotiation auto",
        " duplex full",
        " speed 1000",
        "interface vlan 10",
        " no ip route-cache",
        " no ip directed-broadcast",
        "mac-address-table aging-time 600",
        "end",
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(!stdout(&out).contains('%'), "{}", stdout(&out));
    let run = sw.show("show running-config");
    assert!(
        run.contains("interface Ethernet1\n switchport mode trunk")
            && run.contains("interface Vlan10")
            && run.contains("mac address-table aging-time 600"),
        "{run}"
    );
    let out = sw.swcli(&[
        "conf t",
        "interface e2",
        " switchport trunk encapsulation isl",
        " switchport mode dynamic desirable",
        " no switchport",
        "ip http server",
        "vtp mode server",
        "no ip routing",
        "end",
    ]);
    assert!(!out.status.success());
    for want in [
        "Only 802.1Q trunks",
        "DTP is not supported",
        "Routed ports are not supported",
        "no HTTP server",
        "VTP is not supported",
        "always routes between SVIs",
    ] {
        assert!(stdout(&out).contains(want), "{want}: {}", stdout(&out));
    }
    sw.configure(&[
        "no interface Vlan10",
        "no vlan 10",
        "mac address-table aging-time 300",
    ]);
}

/// Drives swcli on a pseudo-terminal (`tests/tools/pty_session.py`): steps
/// of keystrokes and expected output. Returns the transcript with the
/// terminal's escape sequences removed.
fn pty_session(sw: &Lisad, steps: &[(&str, &str)]) -> String {
    use std::io::Write;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/pty_session.py");
    let json: Vec<String> = steps
        .iter()
        .map(|(k, t)| {
            let t = t
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\r', "\\r")
                .replace('\t', "\\t")
                .replace('\u{1a}', "\\u001a");
            format!("[\"{k}\",\"{t}\"]")
        })
        .collect();
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .arg(common::swcli_path())
        .arg("--socket")
        .arg(&sw.socket)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("[{}]", json.join(",")).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let raw = String::from_utf8_lossy(&out.stdout).to_string();
    // Drop ANSI escape sequences and carriage returns.
    let mut clean = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for n in chars.by_ref() {
                        if n.is_ascii_alphabetic() || n == '~' {
                            break;
                        }
                    }
                }
            }
            '\r' => {}
            other => clean.push(other),
        }
    }
    assert!(out.status.success(), "pty session failed:\n{clean}");
    clean
}

#[test]
fn interactive_shell_on_a_terminal() {
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null"), ("Ethernet2", "null")], &[]);
    sw.configure(&["enable secret s3cr3t", "hostname edge1"]);
    let t = pty_session(
        &sw,
        &[
            // User EXEC: no configuration commands.
            ("expect", "edge1>"),
            ("send", "conf t\r"),
            ("expect", "% Invalid input"),
            // `?` the moment it is typed, then the line comes back.
            ("send", "show ver?"),
            ("expect", "System hardware and software status"),
            ("send", "\r"),
            ("expect", "uptime is"),
            // enable asks for the secret.
            ("send", "enable\r"),
            ("expect", "Password:"),
            ("send", "wrong\r"),
            ("expect", "% Bad secrets"),
            ("send", "enable\r"),
            ("expect", "Password:"),
            ("send", "s3cr3t\r"),
            ("expect", "edge1#"),
            ("send", "conf t\r"),
            ("expect", "edge1(config)#"),
            ("send", "vlan 30\r"),
            ("expect", "edge1(config-vlan)#"),
            ("send", "name servers\r"),
            ("send", "int e2\r"),
            ("expect", "edge1(config-if)#"),
            // Tab completes keywords: "sw" -> "switchport ", "ac" -> "access ".
            ("send", "sw\t"),
            ("expect", "switchport "),
            ("send", "ac\t"),
            ("expect", "access "),
            ("send", "vlan 30\r"),
            ("expect", "edge1(config-if)#"),
            // Applied at once: `do` sees it.
            ("send", "do show vlan brief\r"),
            ("expect", "servers"),
            ("send", "interface range e1 - 2\r"),
            ("expect", "edge1(config-if)#"),
            ("send", "description pair\r"),
            // Ctrl-Z: back to privileged EXEC.
            ("send", "\u{1a}"),
            ("expect", "edge1#"),
            ("send", "show history\r"),
            ("expect", "interface range e1 - 2"),
            ("send", "disable\r"),
            ("expect", "edge1>"),
            ("send", "exit\r"),
        ],
    );
    assert!(
        t.contains("edge1>show ver"),
        "the line came back after ?:\n{t}"
    );
    let brief = sw.show("show vlan brief");
    assert!(
        brief
            .lines()
            .any(|l| l.starts_with("30") && l.contains("servers") && l.contains("Ethernet2")),
        "{brief}"
    );
    let run = sw.show("show running-config interface e1");
    assert!(run.contains("description pair"), "{run}");
    assert!(
        !sw.show("show running-config").contains("s3cr3t"),
        "the secret is stored hashed"
    );
}

/// A banner pasted as real configs carry it (its text holds `end` and a
/// blank line) and one typed at a terminal (no prompt while it is typed,
/// `?` is text); both written back with `^C`, and the message of the day
/// and the EXEC banner shown as a terminal session starts. `copy
/// running-config startup-config` at a terminal asks for the destination.
#[test]
fn banners_pasted_typed_and_shown() {
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    let out = sw.swcli(&[
        "conf t",
        "banner motd ^C",
        "Authorized use only.",
        "",
        "end",
        "^C",
        "hostname bannered",
        "end",
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    let run = sw.show("show running-config");
    assert!(run.contains("hostname bannered"), "{run}");
    assert!(
        run.contains("banner motd ^C\nAuthorized use only.\n\nend\n^C\n"),
        "{run}"
    );
    let t = pty_session(
        &sw,
        &[
            ("expect", "Authorized use only."),
            ("expect", "bannered>"),
            ("send", "enable\r"),
            ("expect", "bannered#"),
            ("send", "conf t\r"),
            ("send", "banner exec #\r"),
            ("expect", "Enter TEXT message.  End with the character '#'."),
            ("send", "Questions? Call the NOC\r"),
            ("send", "#\r"),
            ("expect", "bannered(config)#"),
            ("send", "end\r"),
            ("expect", "bannered#"),
            // IOS asks where to; Enter takes startup-config.
            ("send", "copy running-config startup-config\r"),
            ("expect", "Destination filename [startup-config]? "),
            ("send", "\r"),
            ("expect", "[OK]"),
            ("send", "copy running-config startup-config\r"),
            ("expect", "Destination filename [startup-config]? "),
            ("send", "flash:backup.cfg\r"),
            ("expect", "% Error opening flash:backup.cfg"),
            ("send", "exit\r"),
        ],
    );
    assert_eq!(t.matches("% ").count(), 1, "{t}");
    assert!(
        sw.show("show startup-config").contains("banner exec ^C"),
        "saved"
    );
    let run = sw.show("show running-config");
    assert!(
        run.contains("banner exec ^C\nQuestions? Call the NOC\n^C\n"),
        "{run}"
    );
    let t = pty_session(&sw, &[("expect", "Call the NOC"), ("send", "exit\r")]);
    let (motd, exec) = (t.find("Authorized").unwrap(), t.find("Questions").unwrap());
    assert!(motd < exec, "the motd comes first:\n{t}");
}

/// `reload` at a terminal asks as IOS does: unsaved changes offered for
/// saving, then `[confirm]`; `n` stops it. The saved file is readable by
/// root only (it holds the enable secret's hash).
#[test]
fn reload_asks_before_it_discards() {
    use std::os::unix::fs::PermissionsExt;
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    sw.configure(&["hostname saved1"]);
    let out = sw.swcli(&["write memory"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let mode = std::fs::metadata(sw.startup_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "startup-config mode {mode:o}");
    sw.configure(&["hostname unsaved2"]);
    pty_session(
        &sw,
        &[
            ("expect", "unsaved2>"),
            ("send", "enable\r"),
            ("expect", "unsaved2#"),
            ("send", "reload\r"),
            (
                "expect",
                "System configuration has been modified. Save? [yes/no]: ",
            ),
            ("send", "no\r"),
            ("expect", "Proceed with reload? [confirm]"),
            ("send", "n\r"),
            ("expect", "unsaved2#"),
            ("send", "reload\r"),
            ("expect", "Save? [yes/no]: "),
            ("send", "no\r"),
            ("expect", "[confirm]"),
            ("send", "\r"),
            ("expect", "Configuration reloaded from startup-config"),
            ("send", "exit\r"),
        ],
    );
    let run = sw.show("show running-config");
    assert!(run.contains("hostname saved1"), "{run}");
    // Nothing to save now: only the confirmation.
    let t = pty_session(
        &sw,
        &[
            ("expect", "saved1>"),
            ("send", "enable\r"),
            ("send", "reload\r"),
            ("expect", "Proceed with reload? [confirm]"),
            ("send", "\r"),
            ("expect", "Configuration reloaded"),
            ("send", "exit\r"),
        ],
    );
    assert!(!t.contains("modified"), "{t}");
}
