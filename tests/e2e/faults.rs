//! The fault suite: what an unlucky operator meets. lisad killed with
//! SIGKILL under traffic and started again (its vhost-user server socket
//! and control socket left behind, the VM side's socket staying), a peer
//! dying, huge pages running out while ports are plugged, the disk full or
//! read-only at `write memory`, and a client that never reads.

use crate::common;

use common::{rss_kb, serial, unique, wait_until, Host, Lisad, TwoHosts, VirtioPeer};
use lisa_proto::v1::{
    config_client::ConfigClient, ports_client::PortsClient, AddPortRequest,
    GetRunningConfigRequest, ListPortsRequest,
};
use std::process::Command;
use std::time::Duration;
use tonic::Code;

/// Pings from `from` to `ip` succeed again within `secs` seconds.
fn reaches(from: &Host, ip: &str, secs: u64) -> bool {
    wait_until(Duration::from_secs(secs), || from.ping(ip, 1))
}

/// SIGKILL while a ping stream crosses a vhost-user client port (the VM's
/// QEMU-side socket stays) and a tap: the restart comes up at once on the
/// same control socket and vhost-user server path (both left behind), the
/// VM is reached again without restarting it, and the new server socket
/// takes a new peer.
#[test]
fn sigkill_under_traffic_then_restart() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (vm_sock, srv_sock) = (dir.join("vm.sock"), dir.join("srv.sock"));
    let (tap_a, tap_vm, tap_srv) = (unique("lfa", ""), unique("lfv", ""), unique("lfs", ""));
    // The VM's side is the server, as with QEMU's source mode='server'.
    let vm_peer = VirtioPeer::spawn(&vm_sock, true, &tap_vm);
    vm_peer.wait_listening(&vm_sock);
    let ports_owned = [
        ("Ethernet1".to_string(), format!("tap:{tap_a}")),
        (
            "Vhost1".to_string(),
            format!("vhost-client:{}", vm_sock.display()),
        ),
        (
            "Vhost2".to_string(),
            format!("vhost-server:{}", srv_sock.display()),
        ),
    ];
    let ports: Vec<(&str, &str)> = ports_owned
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut sw = Lisad::start(&ports, &[]);
    // The peer configures its tap once lisad has connected: only then may
    // the tap move into the VM's namespace (moved earlier, testpmd's
    // set-up of it by name fails now and then, and nothing crosses).
    vm_peer.wait_forwarding();
    let a = Host::new(&unique("lisa-fa", ""));
    let vm = Host::new(&unique("lisa-fv", ""));
    a.take_interface(&tap_a, "192.168.93.1/24");
    vm.take_interface(&tap_vm, "192.168.93.2/24");
    assert!(
        reaches(&a, "192.168.93.2", 20),
        "{}",
        sw.show("show interfaces")
    );

    // Under traffic: a ping flood in flight when the switch dies.
    let mut flood = Command::new("ip")
        .args([
            "netns",
            "exec",
            &a.ns,
            "ping",
            "-f",
            "-c",
            "5000",
            "192.168.93.2",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    sw.sigkill();
    let _ = flood.kill();
    let _ = flood.wait();
    assert!(srv_sock.exists(), "SIGKILL leaves the server socket behind");
    assert!(sw.socket.exists(), "and the control socket");

    let started = std::time::Instant::now();
    sw.start_again(&ports, &[]);
    let up_in = started.elapsed();
    // The tap went with the dead process: the new one goes to A again.
    a.take_interface(&tap_a, "192.168.93.1/24");
    assert!(
        reaches(&a, "192.168.93.2", 30),
        "the VM is not reached after the restart:\n{}",
        sw.show("show interfaces")
    );
    assert!(up_in < Duration::from_secs(20), "restart took {up_in:?}");
    let log = sw.log_text();
    assert!(!log.contains("Operation not permitted"), "{log}");

    // The server path left behind was taken again and answers a new peer.
    let tap_new = tap_srv;
    let _new_peer = VirtioPeer::start(&srv_sock, false, &tap_new);
    assert!(
        sw.port_becomes("Vhost2", "up", 15),
        "{}",
        sw.show("show interfaces")
    );
    drop((a, vm, vm_peer));
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A VM's peer dies (SIGKILL of its testpmd) while two hosts talk across
/// other ports: their stream loses nothing, the dead peer's port goes down
/// and lisad carries on.
#[test]
fn a_dying_peer_takes_down_only_its_port() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-faults-peer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("vm.sock");
    let TwoHosts { sw, a, b: _b, .. } = TwoHosts::start(
        "fp",
        "192.168.94",
        &["--port", &format!("Vhost1=vhost-server:{}", sock.display())],
    );
    let tap_vm = unique("lfp", "");
    let peer = VirtioPeer::start(&sock, false, &tap_vm);
    assert!(sw.port_becomes("Vhost1", "up", 15));
    let pinger = Command::new("ip")
        .args([
            "netns", "exec", &a.ns, "ping", "-q", "-i", "0.01", "-c", "300",
        ])
        .arg("192.168.94.2")
        .output();
    let pinger = std::thread::spawn(move || pinger);
    std::thread::sleep(Duration::from_millis(500));
    drop(peer); // SIGKILL
    let out = pinger.join().unwrap().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains(" 0% packet loss"), "{summary}");
    assert!(
        sw.port_becomes("Vhost1", "down", 10),
        "{}",
        sw.show("show interfaces")
    );
    assert!(a.ping("192.168.94.2", 2), "lisad carries on");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Huge pages run out as ports are plugged (lisad given little memory):
/// the port that finds no memory for its buffers is refused with a clear
/// FAILED_PRECONDITION and leaves no trace; the ports already there keep
/// forwarding.
#[test]
fn running_out_of_huge_pages_refuses_a_port_and_harms_none() {
    let _serial = serial();
    // `-m` only reserves at start; `--socket-limit` caps what DPDK may take.
    let boot = std::env::temp_dir().join(format!("lisa-faults-{}.ron", std::process::id()));
    std::fs::write(&boot, r#"(eal: (extra_args: ["--socket-limit", "150"]))"#).unwrap();
    let boot_arg = boot.display().to_string();
    let TwoHosts { sw, a, b: _b, .. } = TwoHosts::start(
        "fh",
        "192.168.95",
        &["--memory", "100", "--config", &boot_arg],
    );
    let (rt, ch) = sw.grpc();
    let mut ports = PortsClient::new(ch);
    let mut refused = None;
    let mut plugged = 0;
    for i in 0..40 {
        let req = AddPortRequest {
            name: format!("Ethernet{}", i + 10),
            kind: format!("tap:{}", unique("lfh", &format!("t{i}"))),
            description: String::new(),
            ..Default::default()
        };
        match rt.block_on(ports.add_port(req)) {
            Ok(_) => plugged += 1,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let e =
        refused.unwrap_or_else(|| panic!("40 ports fit in 150 MB?\n{}", sw.show("show buffers")));
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    assert!(
        e.message().contains("rte_pktmbuf_pool_create"),
        "the error names what ran out: {e:?}"
    );
    let listed = rt
        .block_on(ports.list_ports(ListPortsRequest {}))
        .unwrap()
        .into_inner()
        .ports
        .len();
    assert_eq!(listed, 2 + plugged, "the refused port left no trace");
    assert!(a.ping("192.168.95.2", 3), "the others keep forwarding");
    let _ = std::fs::remove_file(&boot);
}

/// Runs `mount` with `args`, asserting it worked.
fn mount(args: &[&str]) {
    let out = Command::new("mount").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "mount {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `write memory` to a full disk, then to a read-only one: each time a
/// clear error, and the startup-config as it was.
#[test]
fn write_memory_to_a_full_or_read_only_disk_keeps_the_old_file() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-faults-disk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    mount(&[
        "-t",
        "tmpfs",
        "-o",
        "size=256k",
        "lisa-faults",
        dir.to_str().unwrap(),
    ]);
    let startup = dir.join("startup-config");
    let startup_arg = startup.display().to_string();
    let sw = Lisad::start(
        &[("Ethernet1", "null")],
        &["--startup-config", &startup_arg],
    );
    sw.configure(&["hostname before"]);
    assert!(sw.swcli(&["write memory"]).status.success());
    let saved = std::fs::read_to_string(&startup).unwrap();
    // Fill the disk, then make the configuration bigger than what is left.
    let _ = Command::new("dd")
        .args([
            "if=/dev/zero",
            &format!("of={}", dir.join("fill").display()),
            "bs=4k",
        ])
        .output();
    let vlans: Vec<String> = (2..400)
        .flat_map(|v| [format!("vlan {v}"), format!(" name full-disk-{v}")])
        .collect();
    let mut lines = vec!["hostname after"];
    lines.extend(vlans.iter().map(String::as_str));
    sw.configure(&lines);
    let check = |what: &str| {
        let out = sw.swcli(&["write memory"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{what}: write memory should fail:\n{text}"
        );
        assert!(text.contains('%'), "{what}: an IOS-style error:\n{text}");
        assert_eq!(
            std::fs::read_to_string(&startup).unwrap(),
            saved,
            "{what}: the old file is intact"
        );
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{what}: temporary files left: {leftovers:?}"
        );
    };
    check("full disk");
    let _ = std::fs::remove_file(dir.join("fill"));
    mount(&["-o", "remount,ro", dir.to_str().unwrap()]);
    check("read-only disk");
    assert!(
        sw.show("show running-config").contains("hostname after"),
        "the running config stays"
    );
    drop(sw);
    let _ = Command::new("umount").arg(&dir).output();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Clients that ask for a big answer and never read it: lisad's memory
/// stays bounded (HTTP/2 flow control holds the rest back), and other
/// clients are served meanwhile.
#[test]
fn clients_that_never_read_do_not_grow_lisad() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-faults-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let startup = dir.join("startup-config");
    let mut text = String::from("vlan 10\ninterface Vlan10\n ip address 10.0.0.1 255.255.0.0\n");
    for i in 0..100_000u32 {
        text.push_str(&format!(
            "ip route {}.{}.{}.0 255.255.255.0 10.0.0.2\n",
            11 + (i >> 16),
            (i >> 8) & 255,
            i & 255
        ));
    }
    std::fs::write(&startup, &text).unwrap();
    let startup_arg = startup.display().to_string();
    let sw = Lisad::start(
        &[("Ethernet1", "null")],
        &["--startup-config", &startup_arg],
    );
    let before = rss_kb(sw.pid());
    let (rt, ch) = sw.grpc();
    let mut held = Vec::new();
    for _ in 0..20 {
        let mut c = ConfigClient::new(ch.clone());
        let stream = rt
            .block_on(c.stream_running_config(GetRunningConfigRequest::default()))
            .unwrap()
            .into_inner();
        held.push(stream); // never read
    }
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        sw.show("show version").contains("uptime"),
        "others are served"
    );
    let grown = rss_kb(sw.pid()).saturating_sub(before);
    assert!(
        grown < 200 * 1024,
        "20 unread streams of a 4 MB configuration grew lisad by {grown} KB"
    );
    drop(held);
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}
