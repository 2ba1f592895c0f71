//! End to end with the real thing: Debian's libvirt daemon, the hook
//! installed by `lisa-libvirt-hook install`, the listener (`watch`), and a
//! QEMU guest (TCG) booting Debian's kernel with a busybox initramfs
//! (`tests/tools/build-guest.sh`).
//!
//! - Starts that must fail do, with the hook's reason and nothing left
//!   plugged: a bad `<lisa:port>`, a NIC on a taken port name, and `<vlan>`
//!   on a vhostuser NIC (libvirt's own refusal).
//! - The guest's NIC is plugged by the hook into a port of a running lisad,
//!   in the VLAN its metadata asks for; the guest and a namespace host on
//!   another port ping each other.
//! - The guest resets: its port keeps its counters and its traffic resumes.
//! - A NIC hot-plugged with `virsh attach-device` is plugged by the listener
//!   and pings the switch's SVI; `detach-device` unplugs it. A `mode='client'`
//!   NIC hot-plugged with `lisa-libvirt-hook attach` does the same.
//! - lisad restarts under the running guest: the listener plugs the NIC
//!   again and traffic resumes with no reboot.
//! - The domain's end unplugs its port; its settings stay.
//! - The README's domain XML passes `virsh define`.
//!
//! Needs (scripts/install-deps.sh): libvirt-daemon-system, libvirt-clients,
//! qemu-system-x86, busybox-static. It starts its own libvirtd and virtlogd,
//! so none may be running.

use crate::common;

use common::{hook_path, serial, unique, wait_until, Host, Lisad};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const URI: &str = "qemu:///system";
/// How long the guest may take to show traffic. It runs under TCG
/// (domain type 'qemu' in `tests/domains/vm-e2e.xml`): the issue asks for it, and this host's nested KVM
/// hangs a Linux guest early in boot (QEMU's default CPU model; `-cpu max`
/// aborts).
const GUEST_WAIT: Duration = Duration::from_secs(240);
const HOOK_FILE: &str = "/etc/libvirt/hooks/qemu.d/lisa";

fn virsh(args: &[&str]) -> Output {
    Command::new("virsh")
        .arg("-c")
        .arg(URI)
        .args(args)
        .output()
        .expect("virsh (apt-get install libvirt-clients)")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A file with `@NAME@` placeholders filled in.
fn template(file: &str, subst: &[(&str, &str)]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let mut s = std::fs::read_to_string(path).unwrap();
    for (k, v) in subst {
        s = s.replace(&format!("@{k}@"), v);
    }
    s
}

/// libvirtd and virtlogd started by this test, with the hook installed;
/// everything is taken back on drop (domains destroyed first).
struct Libvirt {
    dir: PathBuf,
    backup: Option<Vec<u8>>,
}

impl Libvirt {
    fn start(dir: &Path, sw_socket: &Path, vhost_dir: &Path) -> Libvirt {
        for bin in ["libvirtd", "virtlogd", "virsh", "qemu-system-x86_64"] {
            assert!(
                Command::new("sh")
                    .args([
                        "-c",
                        &format!("command -v {bin} || test -x /usr/sbin/{bin}")
                    ])
                    .output()
                    .unwrap()
                    .status
                    .success(),
                "{bin} is missing: scripts/install-deps.sh installs libvirt and QEMU"
            );
        }
        assert!(
            !virsh(&["version"]).status.success(),
            "a libvirtd is running already: stop it, this test starts its own with the hook installed"
        );
        let backup = std::fs::read(HOOK_FILE).ok();
        let lv = Libvirt {
            dir: dir.to_path_buf(),
            backup,
        };
        // The installer, as a user runs it; the unit file goes to our dir.
        let out = Command::new(hook_path())
            .arg("--socket")
            .arg(sw_socket)
            .arg("--dir")
            .arg(vhost_dir)
            .arg("install")
            .arg("--systemd-dir")
            .arg(dir)
            // Not the system's AppArmor file (AppArmor is off here anyway).
            .arg("--apparmor-dir")
            .arg(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "install: {}", text(&out));
        assert!(Path::new(HOOK_FILE).exists());
        // libvirtd looks for hooks when it starts: start it after install.
        for (daemon, pid) in [("virtlogd", "virtlogd.pid"), ("libvirtd", "libvirtd.pid")] {
            let running = Command::new("pgrep")
                .args(["-x", daemon])
                .output()
                .is_ok_and(|o| o.status.success());
            if daemon == "virtlogd" && running {
                // The system's own serves us too; it is not ours to stop.
                continue;
            }
            let status = Command::new(daemon)
                .args(["--daemon", "--pid-file"])
                .arg(dir.join(pid))
                .status()
                .unwrap();
            assert!(status.success(), "{daemon} did not start");
        }
        assert!(
            wait_until(Duration::from_secs(30), || virsh(&["version"])
                .status
                .success()),
            "libvirtd does not answer"
        );
        lv
    }

    fn kill(&self, pidfile: &str) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.join(pidfile)) {
            if let Ok(pid) = pid.trim().parse::<i32>() {
                // SAFETY: signalling a daemon this test started, by its pid file.
                unsafe { libc::kill(pid, libc::SIGTERM) };
                wait_until(Duration::from_secs(10), || {
                    // SAFETY: signal 0 only probes whether the pid exists.
                    unsafe { libc::kill(pid, 0) != 0 }
                });
            }
        }
    }
}

impl Drop for Libvirt {
    fn drop(&mut self) {
        for d in ["lisa-e2e", "lisa-e2e-bad", "lisa-e2e-vlan", "lisa-readme"] {
            let _ = virsh(&["destroy", d]);
            let _ = virsh(&["undefine", d]);
        }
        self.kill("libvirtd.pid");
        self.kill("virtlogd.pid");
        match &self.backup {
            Some(b) => {
                let _ = std::fs::write(HOOK_FILE, b);
            }
            None => {
                let _ = std::fs::remove_file(HOOK_FILE);
            }
        }
    }
}

/// The hot-plug listener. Killed on drop.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The README's complete minimal domain XML (the block after the
/// `minimal-domain-xml` marker).
fn readme_domain() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let at = readme
        .find("<!-- minimal-domain-xml -->")
        .expect("README.md has the minimal domain XML");
    let rest = &readme[at..];
    let start = rest.find("```xml\n").unwrap() + 7;
    let end = start + rest[start..].find("```").unwrap();
    rest[start..end].to_string()
}

fn console(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Builds the guest's kernel and initramfs (`tests/tools/build-guest.sh`);
/// returns their directory.
fn build_guest() -> PathBuf {
    let guest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guest");
    let built = Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/tools/build-guest.sh"
    ))
    .arg(&guest)
    .output()
    .unwrap();
    assert!(
        built.status.success(),
        "building the guest: {}",
        text(&built)
    );
    guest
}

/// What the test's stages share: the namespace host on Ethernet1, the
/// switch, and where the sockets, console and listener's log live. The
/// host is dropped before the switch.
struct E2e {
    host: Host,
    sw: Lisad,
    /// Ethernet1's tap, in `host`.
    tap: String,
    /// The test's directory under /run.
    run: PathBuf,
    /// The managed vhost-user socket directory.
    vhost: PathBuf,
    console_log: PathBuf,
    kernel: String,
    initrd: String,
    t0: Instant,
}

impl E2e {
    /// Makes the directories (where QEMU, libvirt-qemu:kvm, can reach),
    /// starts lisad with Ethernet1 (access VLAN 10) and an SVI in VLAN 20,
    /// and gives the host Ethernet1's tap.
    fn setup(guest: &Path) -> E2e {
        let t0 = Instant::now();
        let run = PathBuf::from(format!("/run/lisa-e2e-{}", std::process::id()));
        let vhost = run.join("vhost");
        std::fs::create_dir_all(&vhost).unwrap();
        use std::os::unix::fs::PermissionsExt;
        for d in [&run, &vhost] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        let tap = unique("lve", "");
        // As in production: API-plugged sockets only in the hook's directory.
        let vhost_arg = vhost.display().to_string();
        let sw = Lisad::start(
            &[("Ethernet1", &format!("tap:{tap}"))],
            &["--vhost-dir", &vhost_arg],
        );
        sw.configure(&[
            "vlan 10,20",
            "interface Ethernet1",
            " switchport access vlan 10",
            "interface Vlan20",
            " ip address 192.168.78.1 255.255.255.0",
        ]);
        let host = Host::new(&unique("lisa-lve", ""));
        let e = E2e {
            host,
            sw,
            console_log: run.join("console.log"),
            tap,
            run,
            vhost,
            kernel: guest.join("vmlinuz").to_str().unwrap().to_string(),
            initrd: guest.join("initrd.gz").to_str().unwrap().to_string(),
            t0,
        };
        e.give_the_host_its_tap();
        e
    }

    /// Moves Ethernet1's tap (new with each lisad) into the host.
    fn give_the_host_its_tap(&self) {
        self.host.take_interface(&self.tap, "192.168.77.1/24");
        // One MAC for the host across lisad's restarts (each makes a new tap),
        // as a real host keeps its own; the guest's ARP entry stays right.
        let tap = &self.tap;
        self.host
            .exec(&["ip", "link", "set", tap, "address", "02:00:00:77:00:01"]);
    }

    /// Logs a stage's start time, for a failure's report.
    fn stage(&self, what: &str) {
        eprintln!("[{:6.1} s] {what}", self.t0.elapsed().as_secs_f64());
    }

    fn console(&self) -> String {
        console(&self.console_log)
    }

    /// How many times the guest's console reported `line`.
    fn console_count(&self, line: &str) -> usize {
        self.console().matches(line).count()
    }

    /// What the hot-plug listener logged.
    fn watch_log(&self) -> String {
        std::fs::read_to_string(self.run.join("watch.log")).unwrap_or_default()
    }

    /// A file from the repository with the guest's kernel, initrd, console
    /// and the vhost-user directory filled in.
    fn template(&self, file: &str) -> String {
        let subst = [
            ("KERNEL", self.kernel.as_str()),
            ("INITRD", self.initrd.as_str()),
            ("CONSOLE", self.console_log.to_str().unwrap()),
            ("DIR", self.vhost.to_str().unwrap()),
        ];
        template(file, &subst)
    }

    /// Writes `contents` to `name` in the run directory; returns its path.
    fn write(&self, name: &str, contents: &str) -> String {
        let path = self.run.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_string()
    }

    /// Waits up to `timeout` for `port` to be gone from `show interfaces`.
    fn wait_unplugged(&self, port: &str, timeout: Duration) -> bool {
        let shown = format!("{port} is");
        wait_until(timeout, || {
            !self.sw.show("show interfaces").contains(&shown)
        })
    }
}

/// The README's domain XML is one libvirt takes.
fn check_the_readme_domain_is_defined(e: &E2e) {
    let readme = e.write(
        "readme-domain.xml",
        &readme_domain().replace("<name>vm1</name>", "<name>lisa-readme</name>"),
    );
    let out = virsh(&["define", &readme]);
    assert!(
        out.status.success(),
        "virsh define of the README's XML: {}",
        text(&out)
    );
    let _ = virsh(&["undefine", "lisa-readme"]);
}

/// The hot-plug listener, as its systemd unit runs it, once it follows
/// libvirt's device events.
fn start_the_listener(e: &E2e) -> Watcher {
    let watcher = Watcher(
        Command::new(hook_path())
            .arg("--socket")
            .arg(&e.sw.socket)
            .arg("--dir")
            .arg(&e.vhost)
            .args(["watch", "--uri", URI])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(e.run.join("watch.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    assert!(
        wait_until(Duration::from_secs(30), || e
            .watch_log()
            .contains("following device events")),
        "{}",
        e.watch_log()
    );
    watcher
}

/// A start whose plug fails (a bad `<lisa:port>`) is refused, with the
/// hook's reason, and nothing is plugged.
fn check_a_bad_intent_stops_the_start(e: &E2e) {
    let bad_xml = e
        .template("tests/domains/vm-e2e.xml")
        .replace("<name>lisa-e2e</name>", "<name>lisa-e2e-bad</name>")
        .replace("access-vlan='10'", "access-vlan='4095'");
    let out = virsh(&["create", &e.write("bad.xml", &bad_xml)]);
    assert!(
        !out.status.success(),
        "a bad <lisa:port> must stop the start"
    );
    assert!(
        text(&out).contains("access-vlan='4095' is not a VLAN id"),
        "{}",
        text(&out)
    );
    assert!(
        !e.sw.show("show interfaces").contains("vmnet1 is"),
        "nothing plugged"
    );
}

/// A second NIC whose socket names a port that exists (Ethernet1): the
/// start is refused, the first NIC's port taken back, and libvirt's
/// stopped/release hooks leave Ethernet1 alone.
fn check_a_taken_port_name_stops_the_start(e: &E2e) {
    let clash_xml = e
        .template("tests/domains/vm-e2e.xml")
        .replace("<name>lisa-e2e</name>", "<name>lisa-e2e-bad</name>")
        .replace(
            "    <serial type='file'>",
            "    <interface type='vhostuser'>\n      <source type='unix' path='@DIR@/Ethernet1.sock' mode='server'/>\n      <model type='virtio'/>\n    </interface>\n    <serial type='file'>",
        )
        .replace("@DIR@", e.vhost.to_str().unwrap());
    let out = virsh(&["create", &e.write("bad.xml", &clash_xml)]);
    assert!(
        !out.status.success(),
        "a NIC on a taken port name must stop the start"
    );
    assert!(
        text(&out).contains("port Ethernet1 exists already"),
        "{}",
        text(&out)
    );
    let ports = e.sw.show("show interfaces");
    assert!(
        !ports.contains("vmnet1 is"),
        "the first NIC's port was taken back: {ports}"
    );
    assert!(
        e.sw.show("show interfaces Ethernet1").contains("tap:"),
        "{ports}"
    );
}

/// libvirt takes `<vlan>` on a vhostuser NIC at define time but refuses
/// to start it: why the intent lives in <metadata>. Nothing stays plugged.
fn check_libvirt_refuses_a_vlan_on_a_vhostuser_nic(e: &E2e) {
    let tagged_xml = e
        .template("tests/domains/vm-e2e.xml")
        .replace("<name>lisa-e2e</name>", "<name>lisa-e2e-vlan</name>")
        .replace(
            "<model type='virtio'/>",
            "<model type='virtio'/><vlan><tag id='10'/></vlan>",
        );
    let out = virsh(&["define", &e.write("vlan.xml", &tagged_xml)]);
    assert!(out.status.success(), "virsh define: {}", text(&out));
    let out = virsh(&["start", "lisa-e2e-vlan"]);
    assert!(
        !out.status.success(),
        "libvirt started a vhostuser NIC with <vlan>"
    );
    assert!(
        text(&out).contains("vlan tag not supported"),
        "{}",
        text(&out)
    );
    let _ = virsh(&["undefine", "lisa-e2e-vlan"]);
    assert!(
        e.wait_unplugged("vmnet1", Duration::from_secs(10)),
        "a refused start left a port: {}",
        e.sw.show("show interfaces")
    );
}

/// An HTTP server in the namespace host (python3's), stopped on drop.
struct HttpServer(Child);

impl HttpServer {
    /// Serves an empty directory at `ip`:8080 in `host`.
    fn start(host: &Host, ip: &str, dir: &Path) -> HttpServer {
        std::fs::create_dir_all(dir).unwrap();
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                &host.ns,
                "python3",
                "-m",
                "http.server",
                "8080",
            ])
            .args(["--bind", ip, "--directory"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        HttpServer(child)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The guest starts: the hook plugs its NIC, in VLAN 10 as its metadata
/// says, the port comes up, and its traffic crosses the switch to the
/// namespace host, both ways (ping, and TCP from the guest).
fn check_the_guest_starts_in_its_vlan_and_reaches_the_host(e: &E2e) {
    // The guest fetches a page over TCP (`lisa_tcp` in its command line),
    // its segments sent with checksum offload (VIRTIO_NET_F_CSUM): the
    // switch completes the checksum, or the host's TCP drops them.
    let _http = HttpServer::start(&e.host, "192.168.77.1", &e.run.join("www"));
    let out = virsh(&[
        "create",
        &e.write("vm.xml", &e.template("tests/domains/vm-e2e.xml")),
    ]);
    assert!(out.status.success(), "virsh create: {}", text(&out));
    let cfg = e.sw.show("show running-config interface vmnet1");
    assert!(cfg.contains("switchport access vlan 10"), "{cfg}");
    assert!(
        cfg.contains("description lisa-e2e 52:54:00:e2:e0:01"),
        "{cfg}"
    );
    assert!(
        e.sw.port_becomes("vmnet1", "up", 60),
        "{}\nconsole:\n{}",
        e.sw.show("show interfaces"),
        e.console()
    );
    e.stage("guest traffic");
    let pinged = wait_until(GUEST_WAIT, || {
        e.console().contains("eth0 ping 192.168.77.1 ok")
    });
    assert!(pinged, "the guest never reached the host:\n{}", e.console());
    let fetched = wait_until(GUEST_WAIT, || {
        e.console().contains("eth0 tcp 192.168.77.1 ok")
    });
    assert!(
        fetched,
        "the guest's TCP never reached the host (a partial checksum?):\n{}",
        e.console()
    );
    assert!(
        e.host.ping("192.168.77.2", 2),
        "the host cannot reach the guest"
    );
    assert!(e
        .sw
        .show("show mac address-table vlan 10")
        .contains("5254.00e2.e001"));
    // QEMU's split rings are worked by lisad's own vhost datapath.
    let log = e.sw.log_text();
    assert!(
        log.contains("is worked by lisad's datapath"),
        "the guest's rings went through the vhost library:\n{log}"
    );
}

/// The guest resets (its NIC's driver goes and comes back, QEMU stays):
/// the port keeps its counters, and the rebooted guest's traffic flows.
fn check_a_guest_reset_keeps_the_port_and_its_counters(e: &E2e) {
    let rx = e.sw.rx_packets("vmnet1");
    let out = virsh(&["reset", "lisa-e2e"]);
    assert!(out.status.success(), "virsh reset: {}", text(&out));
    assert!(
        wait_until(Duration::from_secs(120), || e
            .console_count("LISA-GUEST: booted")
            == 2),
        "the guest did not boot again:\n{}",
        e.console()
    );
    let after_boot = e.console().len();
    assert!(
        wait_until(Duration::from_secs(120), || e.console()[after_boot..]
            .contains("eth0 ping 192.168.77.1 ok")),
        "no traffic after the reset:\n{}",
        e.console()
    );
    assert!(e.sw.rx_packets("vmnet1") > rx, "counters kept and counting");
}

/// A NIC hot-plugged into the running guest: the listener plugs it (VLAN
/// 20 from the metadata, held down until a domain names it) and the guest
/// reaches the switch's SVI. Returns the NIC's XML file.
fn check_a_hot_plugged_nic_reaches_the_svi(e: &E2e) -> String {
    let nic = e.write("nic.xml", &e.template("tests/domains/nic-e2e-hotplug.xml"));
    let out = virsh(&["attach-device", "lisa-e2e", &nic, "--live"]);
    assert!(
        out.status.success(),
        "attach-device: {}\n{}",
        text(&out),
        e.watch_log()
    );
    assert!(
        wait_until(Duration::from_secs(30), || e
            .sw
            .show("show running-config interface vmnet2")
            .contains("switchport access vlan 20")),
        "{}\n{}",
        e.sw.show("show running-config"),
        e.watch_log()
    );
    let pinged = wait_until(GUEST_WAIT, || {
        e.console().contains("eth1 ping 192.168.78.1 ok")
    });
    assert!(
        pinged,
        "the hot-plugged NIC never reached the SVI:\n{}",
        e.console()
    );
    assert!(e.sw.rx_packets("vmnet2") > 0);
    let cfg = e.sw.show("show running-config interface vmnet2");
    assert!(
        cfg.contains("description lisa-e2e 52:54:00:e2:e0:02"),
        "{cfg}"
    );
    // Held down while unclaimed (see watch.log), up once its domain named it.
    assert!(!cfg.contains(" shutdown"), "{cfg}");
    assert!(
        e.watch_log().contains("shut down until a domain names it"),
        "{}",
        e.watch_log()
    );
    nic
}

/// `virsh detach-device` of the NIC in file `nic`: the listener unplugs `port`.
fn check_a_detached_nic_is_unplugged(e: &E2e, nic: &str, port: &str) {
    let out = virsh(&["detach-device", "lisa-e2e", nic, "--live"]);
    assert!(out.status.success(), "detach-device: {}", text(&out));
    assert!(
        e.wait_unplugged(port, Duration::from_secs(60)),
        "{}\n{}",
        e.sw.show("show interfaces"),
        e.watch_log()
    );
}

/// A NIC whose QEMU side is the client: QEMU connects during the attach,
/// so `lisa-libvirt-hook attach` makes the port (VLAN 20) first, then
/// attaches, and the guest reaches the SVI through it. Returns the NIC's
/// XML file.
fn check_a_client_mode_nic_attached_by_the_hook_reaches_the_svi(e: &E2e) -> String {
    let before = e.console_count("eth1 ping 192.168.78.1 ok");
    let nic3 = e.write("nic3.xml", &e.template("tests/domains/nic-e2e-client.xml"));
    let out = Command::new(hook_path())
        .arg("--socket")
        .arg(&e.sw.socket)
        .arg("--dir")
        .arg(&e.vhost)
        .args(["attach", "lisa-e2e", &nic3])
        .args(["--uri", URI])
        .output()
        .unwrap();
    assert!(out.status.success(), "attach: {}", text(&out));
    let cfg = e.sw.show("show running-config interface vmnet3");
    assert!(cfg.contains("switchport access vlan 20"), "{cfg}");
    assert!(
        wait_until(GUEST_WAIT, || e.console_count("eth1 ping 192.168.78.1 ok")
            > before),
        "the client-mode NIC never reached the SVI:\n{}",
        e.console()
    );
    nic3
}

/// lisad restarts under the running guest: the listener plugs its NIC
/// again, the switch reconnects to QEMU's socket, and the guest's traffic
/// flows again with no reboot.
fn check_a_lisad_restart_under_the_guest(e: &mut E2e) {
    e.sw.swcli(&["write memory"]);
    let before = e.console_count("eth0 ping 192.168.77.1 ok");
    let vhost_arg = e.vhost.display().to_string();
    e.sw.restart(
        &[("Ethernet1", &format!("tap:{}", e.tap))],
        &["--vhost-dir", &vhost_arg],
    );
    e.give_the_host_its_tap();
    e.stage("lisad restarted");
    assert!(
        wait_until(Duration::from_secs(60), || e
            .sw
            .show("show interfaces")
            .contains("vmnet1 is up")),
        "{}\n{}",
        e.sw.show("show interfaces"),
        e.watch_log()
    );
    e.stage("vmnet1 up again");
    assert!(
        wait_until(Duration::from_secs(120), || e
            .console_count("eth0 ping 192.168.77.1 ok")
            > before + 1),
        "the guest's traffic did not come back:\n{}",
        e.console()
    );
    assert!(
        e.host.ping("192.168.77.2", 2),
        "the host cannot reach the guest after the restart"
    );
}

/// The guest ends: the hook unplugs its port; its settings stay.
fn check_the_guests_end_unplugs_its_port(e: &E2e) {
    let out = virsh(&["destroy", "lisa-e2e"]);
    assert!(out.status.success(), "virsh destroy: {}", text(&out));
    assert!(
        e.wait_unplugged("vmnet1", Duration::from_secs(30)),
        "{}",
        e.sw.show("show interfaces")
    );
    assert!(e
        .sw
        .show("show running-config")
        .contains("interface vmnet1"));
}

#[test]
fn a_libvirt_guest_is_switched_through_its_vhost_user_port() {
    let _serial = serial();
    let guest = build_guest();
    let mut e = E2e::setup(&guest);
    let libvirt = Libvirt::start(&e.run, &e.sw.socket, &e.vhost);
    check_the_readme_domain_is_defined(&e);
    let watcher = start_the_listener(&e);

    e.stage("bad intent");
    check_a_bad_intent_stops_the_start(&e);
    e.stage("taken port name");
    check_a_taken_port_name_stops_the_start(&e);
    e.stage("vlan refused");
    check_libvirt_refuses_a_vlan_on_a_vhostuser_nic(&e);
    e.stage("guest start");
    check_the_guest_starts_in_its_vlan_and_reaches_the_host(&e);
    e.stage("guest reset");
    check_a_guest_reset_keeps_the_port_and_its_counters(&e);
    e.stage("hot-plug");
    let nic = check_a_hot_plugged_nic_reaches_the_svi(&e);
    e.stage("detach");
    check_a_detached_nic_is_unplugged(&e, &nic, "vmnet2");
    e.stage("client-mode hot-plug");
    let nic3 = check_a_client_mode_nic_attached_by_the_hook_reaches_the_svi(&e);
    check_a_detached_nic_is_unplugged(&e, &nic3, "vmnet3");
    e.stage("lisad restart");
    check_a_lisad_restart_under_the_guest(&mut e);
    drop(watcher);
    e.stage("destroy");
    check_the_guests_end_unplugs_its_port(&e);
    e.stage("done");
    drop(libvirt);
    let run = e.run.clone();
    drop(e);
    let _ = std::fs::remove_dir_all(&run);
}
