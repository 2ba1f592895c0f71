//! End-to-end: the real lisad with DPDK tap ports, kernel hosts in network
//! namespaces on either side, real traffic through the switch.

use crate::common;

use common::{serial, unique, Host, Lisad, TwoHosts};

#[test]
fn ping_crosses_the_switch_and_macs_are_learned() {
    let _serial = serial();
    let TwoHosts {
        mut sw,
        a,
        b,
        taps: (tap_a, tap_b),
    } = TwoHosts::start("t", "192.168.77", &[]);

    assert!(
        a.ping("192.168.77.2", 3),
        "host a cannot reach host b through lisad"
    );
    assert!(
        b.ping("192.168.77.1", 2),
        "host b cannot reach host a through lisad"
    );

    // The switch learned each host's MAC on its own port.
    let mac_of = |h: &Host, ifname: &str| {
        let out = h.exec(&["cat", &format!("/sys/class/net/{ifname}/address")]);
        let mac = String::from_utf8_lossy(&out.stdout).trim().replace(':', "");
        format!("{}.{}.{}", &mac[0..4], &mac[4..8], &mac[8..12])
    };
    let table = sw.show("show mac address-table");
    let row = |mac: &str| {
        table
            .lines()
            .find(|l| l.contains(mac))
            .unwrap_or("")
            .to_string()
    };
    assert!(row(&mac_of(&a, &tap_a)).ends_with("Ethernet1"), "{table}");
    assert!(row(&mac_of(&b, &tap_b)).ends_with("Ethernet2"), "{table}");

    // Both ports counted the traffic.
    let ifs = sw.show("show interfaces");
    assert!(
        ifs.contains("Ethernet1 is") && ifs.contains("Ethernet2 is"),
        "{ifs}"
    );
    // One block per interface: its first line has no indent.
    let mut blocks: Vec<String> = Vec::new();
    for l in ifs.lines() {
        if !l.starts_with(' ') {
            blocks.push(String::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push_str(l);
            b.push('\n');
        }
    }
    for block in blocks.iter().filter(|b| b.starts_with("Ethernet")) {
        let input: u64 = block
            .lines()
            .find(|l| l.contains("packets input"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(input >= 5, "too few packets counted: {block}");
    }

    // SIGTERM stops it cleanly and it removes its socket.
    let status = sw
        .stop()
        .expect("lisad did not stop within 15 s of SIGTERM");
    assert!(
        status.success(),
        "lisad exited with {status}:\n{}",
        sw.log_text()
    );
    assert!(!sw.socket.exists(), "control socket left behind");
    let log = sw.log_text();
    let prefix = log
        .split("\"--file-prefix\", \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the EAL arguments are logged");
    let runtime_dir = std::path::Path::new("/var/run/dpdk").join(prefix);
    assert!(
        !runtime_dir.exists(),
        "{} left behind",
        runtime_dir.display()
    );
}

#[test]
fn two_instances_run_side_by_side() {
    let _serial = serial();
    let one = Lisad::start(&[("Ethernet1", "null")], &[]);
    let two = Lisad::start(&[("Ethernet1", "null")], &[]);
    assert!(one.show("show version").contains("DPDK"));
    assert!(two.show("show version").contains("DPDK"));
}

#[test]
fn bad_config_is_refused_with_line_and_field() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(unique("lisa-cfg", ""));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.ron");
    std::fs::write(&path, "(\n  eal: (\n    workers: 1,\n  ),\n  ports: [\n    (name: \"Ethernet1\", kind: \"floppy:a\"),\n  ],\n)\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lisad"))
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("bad.ron:6: ports[0].kind"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn swcli_says_when_lisad_is_not_running() {
    let out = std::process::Command::new(common::swcli_path())
        .args(["--socket", "/nonexistent/lisa.sock", "-c", "show version"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lisad is not running"), "{err}");
}

#[test]
fn two_workers_on_one_core_switch_together() {
    let _serial = serial();
    // Both workers on CPU 1: the other core stays free.
    let workers = ["--workers", "2", "--worker-cores", "1,1"];
    let TwoHosts { sw, a, b, .. } = TwoHosts::start("w", "192.168.82", &workers);
    assert!(sw.show("show version").contains("Forwarding workers: 2"));
    assert!(
        a.ping("192.168.82.2", 3),
        "no ping with two workers:\n{}",
        sw.log_text()
    );
    // A tap that is not up yet in its namespace refuses frames (counted as
    // no-tx-room); from here on, with both up, none may be refused.
    let refused = sw.drops("no-tx-room");
    // Several flows, spread by the kernel over the taps' two queues.
    for port in 0..8 {
        let _ = a.exec(&[
            "sh",
            "-c",
            &format!("echo x > /dev/udp/192.168.82.2/{}", 5000 + port),
        ]);
    }
    assert!(b.ping("192.168.82.1", 2));
    assert_eq!(
        sw.drops("no-tx-room"),
        refused,
        "{}",
        sw.show("show interfaces")
    );
}

#[test]
fn control_plane_threads_stay_off_the_worker_core() {
    let _serial = serial();
    let sw = Lisad::start(
        &[("Ethernet1", "null")],
        &["--main-core", "0", "--worker-cores", "1"],
    );
    // (name, CPUs) of every thread. A thread just started shows the
    // process's name until it sets its own: read again until the control
    // plane's threads show theirs.
    let threads = || {
        let mut seen = Vec::new();
        for task in std::fs::read_dir(format!("/proc/{}/task", sw.pid())).unwrap() {
            let dir = task.unwrap().path();
            let name = std::fs::read_to_string(dir.join("comm"))
                .unwrap_or_default()
                .trim()
                .to_string();
            let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
            let cpus = status
                .lines()
                .find(|l| l.starts_with("Cpus_allowed_list:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or_default()
                .to_string();
            seen.push((name, cpus));
        }
        seen
    };
    let mut seen = threads();
    let named = common::wait_until(std::time::Duration::from_secs(5), || {
        seen = threads();
        seen.iter().any(|(n, _)| n == "lisa-ctl")
    });
    assert!(named, "{seen:?}");
    for (name, cpus) in &seen {
        let want = if name.starts_with("rte-worker") {
            "1"
        } else {
            "0"
        };
        assert_eq!(cpus, want, "thread {name} may run on CPUs {cpus}: {seen:?}");
    }
}

/// Frames to the IEEE 802.1 link-local groups (STP BPDUs, LLDP) are never
/// flooded: with no protocol taking them they are dropped and counted, on
/// the port they came in by.
#[test]
fn link_local_frames_are_not_bridged() {
    let _serial = serial();
    let TwoHosts { a, b, sw, taps } = TwoHosts::start("ll", "192.168.79", &[]);
    assert!(a.ping("192.168.79.2", 1));
    let before = sw.drops("link-local");
    let b_rx = |b: &Host| -> u64 {
        let out = b.exec(&[
            "cat",
            &format!("/sys/class/net/{}/statistics/rx_packets", taps.1),
        ]);
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0)
    };
    let seen_by_b = b_rx(&b);
    // Three LLDP frames and three STP BPDUs (802.3 length, LLC 42 42 03).
    let send = format!(
        "import socket\n\
         s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n\
         s.bind(('{}', 0))\n\
         src = bytes.fromhex('02aabbccdd01')\n\
         lldp = bytes.fromhex('0180c200000e') + src + b'\\x88\\xcc' + bytes(46)\n\
         bpdu = bytes.fromhex('0180c2000000') + src + b'\\x00\\x26' + b'\\x42\\x42\\x03' + bytes(43)\n\
         for f in [lldp, bpdu] * 3:\n    s.send(f)\n",
        taps.0
    );
    let out = a.exec(&["python3", "-c", &send]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dropped = common::wait_until(std::time::Duration::from_secs(5), || {
        sw.drops("link-local") >= before + 6
    });
    assert!(dropped, "{}", sw.show("show interfaces"));
    assert!(
        sw.show("show interfaces Ethernet1")
            .contains("6 link-local"),
        "{}",
        sw.show("show interfaces Ethernet1")
    );
    assert_eq!(b_rx(&b), seen_by_b, "B received a link-local frame");
}
