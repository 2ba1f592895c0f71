//! The libvirt hook against a running lisad, with real domain XML files
//! (`tests/domains/`): both socket modes, VLAN intent from the metadata,
//! saved settings winning over it, domains without vhost-user NICs,
//! malformed XML, a half-failed plug taken back, libvirtd's reconnect, the
//! installer. And vhost-user reconnects with `virtio_user` peers: the
//! switch restarting, the peer restarting.

use crate::common;

use common::{hook_path, run_with_input, serial, unique, wait_until, Lisad, VirtioPeer};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// A domain XML from `tests/domains/`, its sockets under `dir`.
fn domain(file: &str, dir: &Path) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/domains")
        .join(file);
    std::fs::read_to_string(path)
        .unwrap()
        .replace("@DIR@", &dir.display().to_string())
}

/// Runs the hook as libvirt does: `hook DOMAIN OP SUBOP -`, XML on stdin.
fn hook(sw_socket: &Path, dir: &Path, xml: &str, op: &str, sub: &str) -> Output {
    let mut cmd = Command::new(hook_path());
    cmd.arg("--socket")
        .arg(sw_socket)
        .arg("--dir")
        .arg(dir)
        .args([
            "--socket-group",
            "nogroup",
            "hook",
            "some-domain",
            op,
            sub,
            "-",
        ]);
    run_with_input(&mut cmd, xml.as_bytes())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn vhost_dir() -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("lisa-hook-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Asserts a hook run succeeded, showing what it said if not.
#[track_caller]
fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

/// Asserts a hook run failed and said `why` on stderr.
#[track_caller]
fn assert_refused(out: &Output, why: &str) {
    assert!(!out.status.success());
    assert!(stderr(out).contains(why), "{}", stderr(out));
}

/// QEMU as client (`client` is its domain XML): the switch listens. The
/// directory is gone, as after a reboot (/run): the hook makes it for
/// QEMU's group; the socket goes to that group; the port has the access
/// VLAN and description from the metadata, and comes up once a virtio
/// peer (the VM's NIC) connects.
fn check_a_client_mode_nic_is_plugged_with_access_intent(sw: &Lisad, dir: &Path, client: &str) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    std::fs::remove_dir(dir).unwrap();
    let out = hook(&sw.socket, dir, client, "prepare", "begin");
    assert_ok(&out);
    let made = std::fs::metadata(dir).unwrap();
    assert_eq!(
        (made.gid(), made.permissions().mode() & 0o7777),
        (65534, 0o3770)
    );
    assert!(
        stderr(&out).contains("plugged port vm1"),
        "{}",
        stderr(&out)
    );
    let sock = dir.join("vm1.sock");
    let meta = std::fs::metadata(&sock).expect("the switch's socket exists");
    // Given to the QEMU group the hook was told (here nogroup, 65534).
    assert_eq!(
        (meta.gid(), meta.permissions().mode() & 0o777),
        (65534, 0o660)
    );
    let run = sw.show("show running-config interface vm1");
    assert!(run.contains("switchport access vlan 10"), "{run}");
    assert!(
        run.contains("description lisa-vm1 52:54:00:00:00:01"),
        "{run}"
    );
    let _peer = VirtioPeer::start(&sock, false, &unique("lhv", ""));
    assert!(
        sw.port_becomes("vm1", "up", 10),
        "{}",
        sw.show("show interfaces")
    );
}

/// QEMU as server (`server` is its domain XML): the switch connects to the
/// peer's socket; the port is a trunk as the metadata says, and comes up.
/// Returns the peer, to keep.
fn check_a_server_mode_nic_is_plugged_with_trunk_intent(
    sw: &Lisad,
    dir: &Path,
    server: &str,
) -> VirtioPeer {
    let sock2 = dir.join("vm2.sock");
    let peer2 = VirtioPeer::spawn(&sock2, true, &unique("lhw", ""));
    peer2.wait_listening(&sock2);
    assert_ok(&hook(&sw.socket, dir, server, "prepare", "begin"));
    peer2.wait_forwarding();
    let run = sw.show("show running-config interface vm2");
    assert!(run.contains("switchport mode trunk"), "{run}");
    assert!(run.contains("switchport trunk allowed vlan 10,20"), "{run}");
    assert!(run.contains("switchport trunk native vlan 20"), "{run}");
    assert!(
        sw.port_becomes("vm2", "up", 10),
        "{}",
        sw.show("show interfaces")
    );
    peer2
}

/// The VM stops: its ports go; what swcli configures then is kept and
/// wins over the metadata when it starts again.
fn check_saved_config_wins_over_metadata(sw: &Lisad, dir: &Path, client: &str) {
    for op in [("stopped", "end"), ("release", "end")] {
        assert_ok(&hook(&sw.socket, dir, client, op.0, op.1));
    }
    assert!(!sw.show("show interfaces").contains("vm1 is"));
    sw.configure(&["interface vm1", " switchport access vlan 20"]);
    assert_ok(&hook(&sw.socket, dir, client, "prepare", "begin"));
    let run = sw.show("show running-config interface vm1");
    assert!(
        run.contains("switchport access vlan 20"),
        "saved config wins: {run}"
    );
}

#[test]
fn hook_plugs_and_unplugs_with_vlan_intent() {
    let _serial = serial();
    let dir = vhost_dir();
    // As in production: API-plugged sockets only in the hook's directory.
    let dir_arg = dir.display().to_string();
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--vhost-dir", &dir_arg]);
    sw.configure(&["vlan 10,20"]);
    let client = domain("vm-client.xml", &dir);
    check_a_client_mode_nic_is_plugged_with_access_intent(&sw, &dir, &client);
    let server = domain("vm-server.xml", &dir);
    let peer2 = check_a_server_mode_nic_is_plugged_with_trunk_intent(&sw, &dir, &server);

    // libvirtd restarted: reconnect finds the ports there already.
    assert_ok(&hook(&sw.socket, &dir, &server, "reconnect", "begin"));
    assert_eq!(sw.show("show interfaces").matches("vm2 is").count(), 1);

    check_saved_config_wins_over_metadata(&sw, &dir, &client);
    drop(peer2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A control socket where no lisad listens.
fn no_lisad() -> &'static Path {
    Path::new("/nonexistent/lisa.sock")
}

/// A domain with no NIC of ours starts whatever else its XML holds; with no
/// vhost-user NIC there is nothing to do, even with no switch there.
fn check_domains_without_our_nics_pass_through(sw: &Lisad, dir: &Path) {
    let foreign = "<domain type='kvm'><name>other</name><metadata>\
        <lisa:port xmlns:lisa='http://lisa-dp.org/xmlns/libvirt/1' access-vlan='9999'/>\
        </metadata></domain>";
    assert_ok(&hook(&sw.socket, dir, foreign, "prepare", "begin"));
    let plain = domain("vm-plain.xml", dir);
    assert_ok(&hook(no_lisad(), dir, &plain, "prepare", "begin"));
}

/// Malformed XML is a clear error, exit status 1 (libvirt refuses the
/// start). When the second NIC cannot be made (a directory is in its
/// socket's way) the first is taken back: the ports are `ports_before`.
fn check_bad_xml_and_a_half_failed_plug_leave_nothing(sw: &Lisad, dir: &Path, ports_before: &str) {
    let malformed = domain("vm-malformed.xml", dir);
    assert_refused(
        &hook(&sw.socket, dir, &malformed, "prepare", "begin"),
        "malformed",
    );

    std::fs::create_dir_all(dir.join("vm9.sock")).unwrap();
    let half_bad = domain("vm-half-bad.xml", dir);
    assert_refused(&hook(&sw.socket, dir, &half_bad, "prepare", "begin"), "vm9");
    assert_eq!(
        sw.show("show interfaces status"),
        ports_before,
        "nothing half plugged"
    );
}

/// With lisad not running the start fails, saying so. At reconnect
/// (libvirtd restarted, the VM runs) a failing hook would make libvirt
/// kill the VM: no error there, lisad missing or bad XML, ends in a
/// failure, but the hook says why.
fn check_errors_fail_a_start_but_not_a_reconnect(sw: &Lisad, dir: &Path) {
    let client = domain("vm-client.xml", dir);
    assert_refused(
        &hook(no_lisad(), dir, &client, "prepare", "begin"),
        "lisad is not running",
    );
    for (sock, xml) in [
        (no_lisad(), client),
        (sw.socket.as_path(), domain("vm-malformed.xml", dir)),
    ] {
        let out = hook(sock, dir, &xml, "reconnect", "begin");
        assert_ok(&out);
        assert!(!stderr(&out).is_empty(), "but it says why");
    }
}

/// A port of that name that is another's is neither taken nor unplugged;
/// a socket outside the managed directory is not ours. The ports stay
/// `ports_before`.
fn check_others_ports_and_sockets_are_left_alone(sw: &Lisad, dir: &Path, ports_before: &str) {
    let taken = domain("vm-client.xml", dir).replace("vm1.sock", "Ethernet1.sock");
    assert_refused(
        &hook(&sw.socket, dir, &taken, "prepare", "begin"),
        "exists already",
    );
    assert_ok(&hook(&sw.socket, dir, &taken, "release", "end"));
    assert_eq!(sw.show("show interfaces status"), ports_before);

    let other = vhost_dir();
    let client = domain("vm-client.xml", dir);
    assert_ok(&hook(&sw.socket, &other, &client, "prepare", "begin"));
    assert_eq!(sw.show("show interfaces status"), ports_before);
    let _ = std::fs::remove_dir_all(&other);
}

#[test]
fn hook_refuses_bad_input_and_leaves_nothing_half_plugged() {
    let _serial = serial();
    let dir = vhost_dir();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    let ports_before = sw.show("show interfaces status");
    check_domains_without_our_nics_pass_through(&sw, &dir);
    check_bad_xml_and_a_half_failed_plug_leave_nothing(&sw, &dir, &ports_before);
    check_errors_fail_a_start_but_not_a_reconnect(&sw, &dir);
    check_others_ports_and_sockets_are_left_alone(&sw, &dir, &ports_before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn install_puts_the_hook_in_place() {
    let root = vhost_dir();
    let hooks = root.join("hooks");
    let systemd = root.join("systemd");
    std::fs::create_dir_all(&systemd).unwrap();
    let apparmor = root.join("apparmor");
    std::fs::create_dir_all(&apparmor).unwrap();
    let install = || {
        Command::new(hook_path())
            .arg("--socket")
            .arg(root.join("lisa.sock"))
            .arg("--dir")
            .arg(root.join("vhost"))
            .args(["--socket-group", "nogroup", "install", "--apparmor-dir"])
            .arg(&apparmor)
            .arg("--hooks-dir")
            .arg(&hooks)
            .arg("--systemd-dir")
            .arg(&systemd)
            .output()
            .unwrap()
    };
    let out = install();
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("installed the qemu hook"), "{said}");
    let script = std::fs::read_to_string(hooks.join("qemu.d/lisa")).unwrap();
    assert!(script.contains("hook \"$@\""), "{script}");
    assert!(
        script.contains(&root.join("lisa.sock").display().to_string()),
        "{script}"
    );
    let unit = std::fs::read_to_string(systemd.join("lisa-libvirt-watch.service")).unwrap();
    assert!(unit.contains(" watch"), "{unit}");
    // QEMU's AppArmor profile may reach the sockets.
    let rules = std::fs::read_to_string(apparmor.join("libvirt-qemu")).unwrap();
    let dir_rule = format!("\"{}/*\" rw,", root.join("vhost").display());
    assert!(rules.contains(&dir_rule), "{rules}");
    // Installing again changes nothing.
    let out = install();
    assert!(out.status.success(), "{}", stderr(&out));
    let again = std::fs::read_to_string(apparmor.join("libvirt-qemu")).unwrap();
    assert_eq!(again, rules);
    // QEMU's group may create sockets there, not replace the switch's.
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = std::fs::metadata(root.join("vhost")).unwrap();
    assert_eq!(
        (meta.gid(), meta.permissions().mode() & 0o7777),
        (65534, 0o3770)
    );
    // The installed script runs the hook: a plain domain passes through.
    let out = run_with_input(
        Command::new(hooks.join("qemu.d/lisa")).args(["x", "prepare", "begin", "-"]),
        domain("vm-plain.xml", &root).as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn vhost_user_survives_switch_and_peer_restarts() {
    let _serial = serial();
    let dir = vhost_dir();
    let sock = dir.join("vm3.sock");
    let tap = unique("lrv", "");
    // QEMU's side is the server (as with source mode='server').
    let mut peer = VirtioPeer::spawn(&sock, true, &tap);
    peer.wait_listening(&sock);
    let port = format!("vhost-client:{}", sock.display());
    let up = |sw: &Lisad| sw.port_becomes("Vhost1", "up", 15);
    let mut sw = Lisad::start(&[("Vhost1", &port)], &[]);
    assert!(up(&sw), "{}", sw.show("show interfaces"));
    peer.wait_forwarding();

    // The switch restarts: it connects again, no peer restart needed.
    assert!(sw.stop().is_some_and(|s| s.success()));
    let sw = Lisad::start(&[("Vhost1", &port)], &[]);
    assert!(
        up(&sw),
        "no reconnect after a switch restart:\n{}",
        sw.show("show interfaces")
    );
    // Frames from the peer's tap are counted.
    sh_up(&tap);
    assert!(wait_until(Duration::from_secs(10), || sw
        .rx_packets("Vhost1")
        > 0));
    let counted = sw.rx_packets("Vhost1");

    // The peer (the guest) goes away: the port goes down, counters stay.
    drop(peer);
    assert!(
        sw.port_becomes("Vhost1", "down", 10),
        "{}",
        sw.show("show interfaces")
    );
    assert!(sw.rx_packets("Vhost1") >= counted, "counters stay");
    // It comes back: so does the port.
    peer = VirtioPeer::spawn(&sock, true, &tap);
    assert!(
        up(&sw),
        "no reconnect after a peer restart:\n{}",
        sw.show("show interfaces")
    );
    peer.wait_forwarding();
    drop(peer);
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Brings a tap up with an address, so the kernel sends something
/// (IPv6 router solicitations, at least) through the peer.
fn sh_up(tap: &str) {
    let _ = Command::new("ip").args(["link", "set", tap, "up"]).output();
    let _ = Command::new("ip")
        .args(["addr", "add", "192.168.91.2/24", "dev", tap])
        .output();
    let _ = Command::new("ping")
        .args(["-c", "2", "-i", "0.2", "-W", "1", "-I", tap, "192.168.91.1"])
        .output();
}

#[test]
fn the_hook_works_beside_a_large_routing_table() {
    use lisa_proto::v1::{routing_client::RoutingClient, Route, RouteBatch};
    let _serial = serial();
    let dir = vhost_dir();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    sw.configure(&[
        "vlan 10,20",
        "interface Vlan20",
        " ip address 10.0.20.1 255.255.255.0",
    ]);
    // 300K routes: the running config as one message would pass gRPC's
    // usual 4 MB limit, so the hook must not ask for all of it.
    let (rt, ch) = sw.grpc();
    let mut routing = RoutingClient::new(ch);
    let batches: Vec<RouteBatch> = (0..30u32)
        .map(|b| RouteBatch {
            add: (b * 10_000..(b + 1) * 10_000)
                .map(|i| Route {
                    prefix: format!("{}.{}.{}.0/24", 11 + i / 65536, (i / 256) % 256, i % 256),
                    gateway: "10.0.20.9".into(),
                    ..Default::default()
                })
                .collect(),
            remove: vec![],
        })
        .collect();
    let r = rt
        .block_on(routing.program_routes(tokio_stream::iter(batches)))
        .unwrap()
        .into_inner();
    assert_eq!(r.added, 300_000);

    let out = hook(
        &sw.socket,
        &dir,
        &domain("vm-client.xml", &dir),
        "prepare",
        "begin",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let run = sw.show("show running-config interface vm1");
    assert!(run.contains("switchport access vlan 10"), "{run}");
    let out = hook(
        &sw.socket,
        &dir,
        &domain("vm-client.xml", &dir),
        "release",
        "end",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!sw.show("show interfaces").contains("vm1 is"));
    let _ = std::fs::remove_dir_all(&dir);
}
