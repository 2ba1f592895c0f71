//! End-to-end: ports plugged in and out over gRPC while traffic flows on
//! other ports, as libvirt does for VMs.

use crate::common;

use common::{serial, unique, wait_until, Host, Lisad, TwoHosts, VirtioPeer};
use lisa_proto::v1::{
    config_client::ConfigClient, ports_client::PortsClient, AddPortRequest, GetConfigStateRequest,
    ListPortsRequest, RemovePortRequest,
};
use std::path::Path;
use std::process::Output;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::runtime::Runtime;
use tonic::transport::Channel;
use tonic::Code;

/// The Ports service client on one lisad, and the runtime that drives it.
struct Ports {
    rt: Runtime,
    ports: PortsClient<Channel>,
}

impl Ports {
    /// A client of `sw`'s Ports service.
    fn on(sw: &Lisad) -> Ports {
        let (rt, ch) = sw.grpc();
        Ports {
            rt,
            ports: PortsClient::new(ch),
        }
    }

    fn add(&mut self, name: &str, kind: &str, description: &str) -> Result<String, tonic::Status> {
        let req = AddPortRequest {
            name: name.into(),
            kind: kind.into(),
            description: description.into(),
            ..Default::default()
        };
        let port = self.rt.block_on(self.ports.add_port(req))?;
        Ok(port.into_inner().name)
    }

    fn remove(&mut self, name: &str) -> Result<(), tonic::Status> {
        let req = RemovePortRequest {
            name: name.into(),
            force: false,
        };
        self.rt.block_on(self.ports.remove_port(req)).map(drop)
    }
}

/// A steady stream of pings from host namespace `ns` to 192.168.80.2 (100 a
/// second, 600 in all), in a thread; its output when it ends.
fn start_pinging(ns: &str) -> JoinHandle<Output> {
    let ns = ns.to_string();
    std::thread::spawn(move || {
        std::process::Command::new("ip")
            .args([
                "netns",
                "exec",
                &ns,
                "ping",
                "-q",
                "-i",
                "0.01",
                "-c",
                "600",
                "-W",
                "1",
                "192.168.80.2",
            ])
            .output()
            .unwrap()
    })
}

/// Adds and removes Vhost7 eight times, alternately a vhost-user server on
/// `sock` and a null port; the removed vhost-user port leaves no socket.
fn churn_a_port_and_check_its_socket_goes(p: &mut Ports, sock: &Path) {
    for round in 0..8 {
        let kind = if round % 2 == 0 {
            format!("vhost-server:{}", sock.display())
        } else {
            "null".to_string()
        };
        let added = p
            .add("Vhost7", &kind, "vm1 52:54:00:00:00:07")
            .expect("add port");
        assert_eq!(added, "Vhost7");
        std::thread::sleep(Duration::from_millis(150));
        p.remove("Vhost7").expect("remove port");
    }
    assert!(
        !sock.exists(),
        "the removed vhost-user port left its socket behind"
    );
}

/// Plugs Vhost7 as a vhost-user server on `sock` with a virtio_user peer
/// behind it, and checks host `a` reaches the VM and the running config
/// has the port's description. Returns the peer and the VM's host, to keep.
fn check_a_plugged_vhost_port_reaches_its_vm(
    sw: &Lisad,
    p: &mut Ports,
    sock: &Path,
    a: &Host,
) -> (VirtioPeer, Host) {
    let tap_vm = unique("lhv", "");
    p.add("Vhost7", &format!("vhost-server:{}", sock.display()), "vm1")
        .expect("add port");
    let peer = VirtioPeer::start(sock, false, &tap_vm);
    let vm = Host::new(&unique("lisa-hv", ""));
    vm.take_interface(&tap_vm, "192.168.80.3/24");
    assert!(
        wait_until(Duration::from_secs(15), || a.ping("192.168.80.3", 1)),
        "no traffic to the plugged VM port"
    );
    let run = sw.show("show running-config");
    assert!(run.contains("interface Vhost7\n description vm1"), "{run}");
    (peer, vm)
}

/// Adding an existing port, a bad name or a bad kind, and removing an
/// unknown port are refused with a reason; the three ports remain.
fn check_bad_port_requests_are_refused(p: &mut Ports) {
    let e = p.add("Vhost7", "null", "").unwrap_err();
    assert_eq!(e.code(), Code::AlreadyExists, "{e:?}");
    let e = p.add("7up", "null", "").unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    let e = p.add("Vhost8", "floppy:a", "").unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(e.message().contains("bad port kind"), "{e:?}");
    let e = p.add("Veth9", "afpacket:doesnotexist", "").unwrap_err();
    assert!(
        e.message()
            .contains("there is no kernel interface doesnotexist"),
        "{e:?}"
    );
    let e = p.remove("Vhost9").unwrap_err();
    assert_eq!(e.code(), Code::NotFound, "{e:?}");
    let list =
        p.rt.block_on(p.ports.list_ports(ListPortsRequest {}))
            .unwrap()
            .into_inner()
            .ports;
    assert_eq!(list.len(), 3);
}

#[test]
fn ports_come_and_go_while_traffic_flows() {
    let _serial = serial();
    let TwoHosts { sw, a, b: _b, .. } = TwoHosts::start("h", "192.168.80", &[]);
    assert!(a.ping("192.168.80.2", 1));
    let mut p = Ports::on(&sw);

    // A steady stream A -> B while ports churn.
    let pinger = start_pinging(&a.ns);
    let dir = std::env::temp_dir().join(format!("lisa-hotplug-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("vm.sock");
    churn_a_port_and_check_its_socket_goes(&mut p, &sock);
    let out = pinger.join().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(" 0% packet loss"),
        "traffic on untouched ports was disturbed by hot-plug:\n{summary}\n{}",
        sw.show("show interfaces")
    );

    let _vm = check_a_plugged_vhost_port_reaches_its_vm(&sw, &mut p, &sock, &a);
    check_bad_port_requests_are_refused(&mut p);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `vhost-server` port takes its path only if nothing is there or a
/// stale socket is: a file, a live socket (lisad's own control socket)
/// are refused and left as they were; `--socket` on a file refuses to
/// start and leaves the file.
#[test]
fn socket_paths_that_are_not_ours_are_never_deleted() {
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    let dir = sw.socket.parent().unwrap().to_path_buf();
    let file = dir.join("precious.txt");
    std::fs::write(&file, "keep me").unwrap();
    let (rt, ch) = sw.grpc();
    let mut ports = PortsClient::new(ch);
    let mut add = |name: &str, path: &Path| {
        rt.block_on(ports.add_port(AddPortRequest {
            name: name.into(),
            kind: format!("vhost-server:{}", path.display()),
            description: String::new(),
            ..Default::default()
        }))
    };
    let e = add("Vhost1", &file).unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    assert!(e.message().contains("is not a socket"), "{}", e.message());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let e = add("Vhost2", &sw.socket).unwrap_err();
    assert!(e.message().contains("is in use"), "{}", e.message());
    assert!(
        sw.show("show version").contains("LiSA"),
        "the control socket still answers"
    );
    // A socket left by a process that died is stale: taken.
    let stale = dir.join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    add("Vhost3", &stale).expect("a stale socket is replaced");

    // The control socket on a regular file: lisad stops with a reason.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lisad"))
        .args([
            "--socket",
            file.to_str().unwrap(),
            "--port",
            "Ethernet1=null",
        ])
        .args([
            "--memory",
            "256",
            "--workers",
            "1",
            "--file-prefix",
            "lisa-sockfile",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a socket"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    drop(sw);

    // Killed with its vhost-server socket in place, lisad restarts at once.
    let vms = std::env::temp_dir().join(format!("lisa-kill-{}", std::process::id()));
    std::fs::create_dir_all(&vms).unwrap();
    let vm = vms.join("vm9.sock");
    let port = format!("vhost-server:{}", vm.display());
    let mut killed = Lisad::start(&[("Vhost9", &port)], &[]);
    // SAFETY: kill has no memory preconditions; the pid is our child's.
    unsafe { libc::kill(killed.pid() as i32, libc::SIGKILL) };
    killed.stop();
    assert!(vm.exists(), "the killed switch left its socket");
    let again = Lisad::start(&[("Vhost9", &port)], &[]);
    assert!(again.show("show interfaces status").contains("Vhost9"));
    drop(again);
    let _ = std::fs::remove_dir_all(&vms);
}

/// Ports plugged one after another each get buffers for their rings: past
/// what the boot pool holds, a new pool is added (`show buffers`), and a
/// host behind the last port plugged reaches a host on a boot port. Taking
/// them out gives their share back: plugging as many again adds no pool.
#[test]
fn plugged_ports_get_buffers_past_the_boot_pool() {
    let _serial = serial();
    let TwoHosts { sw, a, b: _b, .. } = TwoHosts::start("hb", "192.168.81", &[]);
    let mut p = Ports::on(&sw);
    let taps: Vec<String> = (0..20).map(|i| unique("lhb", &format!("t{i}"))).collect();
    let plug_all = |p: &mut Ports| {
        for (i, tap) in taps.iter().enumerate() {
            let name = format!("Ethernet{}", i + 10);
            p.add(&name, &format!("tap:{tap}"), "")
                .unwrap_or_else(|e| panic!("plugging port {} ({tap}): {e}", i + 1));
        }
    };
    plug_all(&mut p);
    let buffers = sw.show("show buffers");
    assert!(
        buffers.contains("lisa_pkts_2"),
        "20 plugged ports outgrow the boot pool:\n{buffers}"
    );
    let last = Host::new(&unique("lisa-hbl", ""));
    last.take_interface(taps.last().unwrap(), "192.168.81.9/24");
    assert!(
        last.ping("192.168.81.1", 3),
        "a host on the 20th plugged port reaches a boot port's host\n{buffers}"
    );
    for i in 0..taps.len() {
        p.remove(&format!("Ethernet{}", i + 10)).unwrap();
    }
    plug_all(&mut p);
    let again = sw.show("show buffers");
    let pools = |t: &str| t.lines().filter(|l| l.starts_with("lisa_pkts")).count();
    assert_eq!(
        pools(&again),
        pools(&buffers),
        "removed ports gave their buffers back:\n{buffers}\n{again}"
    );
    drop((last, a));
}

/// With `--vhost-dir`, a port plugged over the API keeps its vhost-user
/// socket directly in that directory: elsewhere (a subdirectory, `..`, a
/// symbolic link, another VM's directory) it is refused with
/// INVALID_ARGUMENT and nothing is created or deleted; pcap ports, which
/// read and write files, are refused over the API.
#[test]
fn api_vhost_sockets_stay_in_the_socket_directory() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-vhostdir-{}", std::process::id()));
    let vhost = dir.join("vhost");
    std::fs::create_dir_all(vhost.join("sub")).unwrap();
    let vhost_arg = vhost.display().to_string();
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--vhost-dir", &vhost_arg]);
    let mut p = Ports::on(&sw);
    let victim = dir.join("precious");
    std::fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, vhost.join("link.sock")).unwrap();
    for path in [
        victim.clone(),
        vhost.join("sub/vm.sock"),
        vhost.join("../vm.sock"),
        vhost.join("link.sock"),
    ] {
        let e = p
            .add("Vhost5", &format!("vhost-server:{}", path.display()), "")
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{}: {e:?}", path.display());
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let pcap = format!("pcap:{0},{0}", victim.display());
    assert_eq!(
        p.add("Vhost5", &pcap, "").unwrap_err().code(),
        Code::InvalidArgument
    );
    let inside = vhost.join("vm.sock");
    p.add(
        "Vhost5",
        &format!("vhost-server:{}", inside.display()),
        "vm",
    )
    .expect("a socket directly in the directory");
    assert!(inside.exists());
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}

/// On a fresh host the vhost-user socket directory does not exist yet:
/// lisad makes it, and a boot port's socket goes in it (the README's quick
/// start failed with DPDK's "Operation not permitted" before).
#[test]
fn a_fresh_host_gets_its_vhost_directory() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-freshvhost-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let vhost = dir.join("run/vhost");
    let sock = vhost.join("vm1.sock");
    let kind = format!("vhost-server:{}", sock.display());
    let sw = Lisad::start(
        &[("Vhost1", &kind)],
        &["--vhost-dir", &vhost.display().to_string()],
    );
    assert!(
        vhost.is_dir() && sock.exists(),
        "{}",
        sw.show("show interfaces")
    );
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The names of the ports plugged now, by ListPorts.
fn port_names(p: &mut Ports) -> Vec<String> {
    p.rt.block_on(p.ports.list_ports(ListPortsRequest {}))
        .unwrap()
        .into_inner()
        .ports
        .into_iter()
        .map(|x| x.name)
        .collect()
}

/// The line of VLAN `id` in `show vlan brief`, with its member ports.
fn vlan_line(sw: &Lisad, id: &str) -> String {
    sw.show("show vlan brief")
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_default()
        .to_string()
}

/// Ports plugged over the API are kept and plugged again after a restart
/// (as OVS keeps add-port's), unless added `transient` (the libvirt hook's,
/// whose VMs plug them again); the unplugged port's settings stay but make
/// no VLAN member, and `no interface` removes them; a plugged port's go back
/// to the defaults with `default interface`. Ports take the names VMs'
/// sockets give, and IOS abbreviations keep meaning IOS names beside them.
#[test]
fn api_ports_are_kept_across_restarts_and_unplugged_settings_can_go() {
    let _serial = serial();
    let mut sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    let mut p = Ports::on(&sw);
    p.add("web01-eth0", "null", "web01 52:54:00:00:00:01")
        .expect("a VM's socket name");
    p.add("eth0", "null", "").expect("a kernel name");
    let vm = "vhu3f2a1b8c-4e";
    let transient = AddPortRequest {
        name: vm.into(),
        kind: "null".into(),
        description: "openstack".into(),
        transient: true,
    };
    p.rt.block_on(p.ports.add_port(transient)).unwrap();
    sw.configure(&[
        "vlan 10",
        "interface range web01-eth0, vhu3f2a1b8c-4e",
        " switchport access vlan 10",
    ]);
    let members = vlan_line(&sw, "10");
    assert!(
        members.contains("web01-eth0") && members.contains(vm),
        "{members}"
    );
    assert!(sw.show("show interfaces e1").starts_with("Ethernet1 is"));
    assert!(sw.show("show interfaces eth0").starts_with("eth0 is"));
    let out = sw.swcli(&["write memory"]);
    assert!(out.status.success());
    let kept = std::fs::read_to_string(sw.startup_path().with_file_name("ports.ron")).unwrap();
    assert!(kept.contains("web01-eth0") && !kept.contains(vm), "{kept}");
    drop(p);

    sw.restart(&[("Ethernet1", "null")], &[]);
    let mut p = Ports::on(&sw);
    let names = port_names(&mut p);
    assert!(
        names.contains(&"web01-eth0".to_string()) && names.contains(&"eth0".to_string()),
        "{names:?}"
    );
    assert!(!names.contains(&vm.to_string()), "{names:?}");
    let run = sw.show("show running-config");
    assert!(
        run.contains("interface web01-eth0\n description web01 52:54:00:00:00:01\n switchport access vlan 10"),
        "{run}"
    );
    assert!(run.contains(&format!("interface {vm}\n")), "{run}");
    let members = vlan_line(&sw, "10");
    assert!(
        members.contains("web01-eth0") && !members.contains(vm),
        "absent ports are no members: {members}"
    );
    // Plugging a port with no settings of its own changes no configuration.
    let (rt, ch) = sw.grpc();
    let modified = || {
        rt.block_on(ConfigClient::new(ch.clone()).get_config_state(GetConfigStateRequest {}))
            .unwrap()
            .into_inner()
            .modified
    };
    assert!(!modified(), "just loaded");
    p.add("vm9", "null", "").unwrap();
    assert!(!modified(), "a bare port plugged");

    // The unplugged port's settings go; a plugged port's only to defaults.
    sw.configure(&[&format!("no interface {vm}")]);
    assert!(!sw
        .show("show running-config")
        .contains(&format!("interface {vm}")));
    let out = sw.swcli(&["configure terminal", "no interface web01-eth0", "end"]);
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("default interface web01-eth0"), "{said}");
    let out = sw.swcli(&["configure terminal", "default interface web01-eth0", "end"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Interface web01-eth0 set to default configuration"),
        "{said}"
    );
    assert!(!vlan_line(&sw, "10").contains("web01-eth0"));

    // RemovePort forgets it for good.
    p.remove("web01-eth0").unwrap();
    drop(p);
    sw.restart(&[("Ethernet1", "null")], &[]);
    let mut p = Ports::on(&sw);
    let names = port_names(&mut p);
    assert!(!names.contains(&"web01-eth0".to_string()), "{names:?}");
    assert!(names.contains(&"eth0".to_string()), "{names:?}");
}
