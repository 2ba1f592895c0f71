//! Helpers for end-to-end tests: a real `lisad` process, network namespaces
//! as hosts, and `swcli`. Every helper stops what it started when dropped.
#![allow(dead_code)]

pub mod peers;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Poll-mode tests run one at a time, so one worker core stays free.
static SERIAL: Mutex<()> = Mutex::new(());

/// Takes the lock that serialises end-to-end tests, and checks the machine.
pub fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert!(
        euid == 0,
        "end-to-end tests start DPDK and create network namespaces: run them as root (see README)"
    );
    guard
}

/// A short name unique to this test process: `<prefix><pid><suffix>`, at most 15 chars.
pub fn unique(prefix: &str, suffix: &str) -> String {
    let name = format!("{prefix}{}{suffix}", std::process::id() % 100_000);
    assert!(name.len() <= 15, "{name} is too long for an interface name");
    name
}

/// The records the ntc-templates TextFSM template of `command` (platform
/// cisco_ios, as Netmiko's `use_textfsm` takes it) reads from `text`, one
/// a line (`tests/tools/ntc_parse.py`).
pub fn ntc_parse(command: &str, text: &str) -> String {
    use std::io::Write;
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/ntc_parse.py");
    let mut child = Command::new("python3")
        .args([tool, command])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{command}: {}\n--- output ---\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command, panicking with its output if it fails.
pub fn sh(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Spawns a capture tool (stdout piped) and returns once it has printed
/// its `ready` line, so its socket is open before the test sends what it
/// should see. The line is consumed; the rest of stdout stays for the caller.
pub fn spawn_ready(cmd: &mut Command) -> Child {
    use std::io::Read;
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn capture tool");
    let mut out = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte: nothing past the ready line is taken from the pipe.
    while out.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    assert_eq!(
        line,
        b"ready",
        "the capture tool did not start: {:?}",
        String::from_utf8_lossy(&line)
    );
    child.stdout = Some(out);
    child
}

/// Polls `f` every 50 ms until it returns true or `timeout` passes.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

/// A running lisad. Stopped with SIGTERM on drop.
pub struct Lisad {
    child: Option<Child>,
    /// Its control socket.
    pub socket: PathBuf,
    /// Its log file (stdout and stderr).
    pub log: PathBuf,
    dir: PathBuf,
}

impl Lisad {
    /// Starts lisad with `--port` for each of `ports` plus `extra` arguments,
    /// and waits until its control socket answers.
    pub fn start(ports: &[(&str, &str)], extra: &[&str]) -> Lisad {
        Lisad::start_with_env(ports, extra, &[])
    }

    /// As `start`, with `env` added to lisad's environment.
    pub fn start_with_env(ports: &[(&str, &str)], extra: &[&str], env: &[(&str, &str)]) -> Lisad {
        let dir =
            std::env::temp_dir().join(format!("lisa-e2e-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        Lisad::start_in(dir, ports, extra, env)
    }

    /// Starts lisad with ports `Ethernet1..=n`, port i on the tap interface
    /// `tap(i)`.
    pub fn start_with_taps(n: u32, tap: impl Fn(u32) -> String) -> Lisad {
        Lisad::start_with_taps_and(n, tap, &[])
    }

    /// As `start_with_taps`, with `extra` arguments as for `start`.
    pub fn start_with_taps_and(n: u32, tap: impl Fn(u32) -> String, extra: &[&str]) -> Lisad {
        let ports: Vec<(String, String)> = (1..=n)
            .map(|i| (format!("Ethernet{i}"), format!("tap:{}", tap(i))))
            .collect();
        let refs: Vec<(&str, &str)> = ports
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        Lisad::start(&refs, extra)
    }

    /// Its startup-config file (unless `--startup-config` was given).
    pub fn startup_path(&self) -> PathBuf {
        self.dir.join("startup-config")
    }

    /// Stops this lisad and starts a new one in its place: the same control
    /// socket and startup-config, `ports` and `extra` as for `start`.
    pub fn restart(&mut self, ports: &[(&str, &str)], extra: &[&str]) {
        assert!(
            self.stop().is_some_and(|s| s.success()),
            "lisad did not stop cleanly"
        );
        let dir = std::mem::take(&mut self.dir);
        let mut new = Lisad::start_in(dir, ports, extra, &[]);
        std::mem::swap(self, &mut new);
        // `new` now holds the stopped one, with no directory to remove.
        new.dir = PathBuf::new();
    }

    /// Kills this lisad with SIGKILL (no cleanup: its sockets stay behind)
    /// and waits for it to die.
    pub fn sigkill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts a new lisad in the place of this dead one (`sigkill`): the
    /// same control socket and startup-config.
    pub fn start_again(&mut self, ports: &[(&str, &str)], extra: &[&str]) {
        assert!(self.child.is_none(), "lisad is still running");
        let dir = std::mem::take(&mut self.dir);
        let mut new = Lisad::start_in(dir, ports, extra, &[]);
        std::mem::swap(self, &mut new);
        new.dir = PathBuf::new();
    }

    fn start_in(
        dir: PathBuf,
        ports: &[(&str, &str)],
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Lisad {
        let socket = dir.join("lisa.sock");
        let log = dir.join("lisad.log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lisad"));
        cmd.envs(env.iter().copied());
        cmd.arg("--socket").arg(&socket);
        if !extra.contains(&"--memory") {
            cmd.args(["--memory", "256"]);
        }
        // One worker unless the test asks for more: the other core stays free.
        if !extra.contains(&"--workers") {
            cmd.args(["--workers", "1"]);
        }
        for (name, kind) in ports {
            cmd.arg("--port").arg(format!("{name}={kind}"));
        }
        if !extra.contains(&"--startup-config") {
            cmd.arg("--startup-config").arg(dir.join("startup-config"));
        }
        // vhost-user sockets of ports plugged over the API anywhere, unless
        // the test confines them as a real switch does.
        if !extra.contains(&"--vhost-dir") {
            cmd.args(["--vhost-dir", ""]);
        }
        cmd.args(extra);
        let logf = std::fs::File::create(&log).unwrap();
        cmd.stdout(logf.try_clone().unwrap())
            .stderr(logf)
            .stdin(Stdio::null());
        let child = cmd.spawn().expect("start lisad");
        let mut l = Lisad {
            child: Some(child),
            socket,
            log,
            dir,
        };
        let up = wait_until(Duration::from_secs(60), || {
            std::os::unix::net::UnixStream::connect(&l.socket).is_ok() || l.exited()
        });
        assert!(
            up && !l.exited(),
            "lisad did not come up:\n{}",
            l.log_text()
        );
        l
    }

    fn exited(&mut self) -> bool {
        self.child
            .as_mut()
            .map(|c| c.try_wait().ok().flatten().is_some())
            .unwrap_or(true)
    }

    /// lisad's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Rx packets lisad counted on `port` (`show interfaces PORT`).
    pub fn rx_packets(&self, port: &str) -> u64 {
        self.interface_count(port, "packets input")
    }

    /// Tx packets lisad counted on `port` (`show interfaces PORT`).
    pub fn tx_packets(&self, port: &str) -> u64 {
        self.interface_count(port, "packets output")
    }

    /// The number that starts the line of `show interfaces PORT` with `what`.
    fn interface_count(&self, port: &str, what: &str) -> u64 {
        self.show(&format!("show interfaces {port}"))
            .lines()
            .find(|l| l.contains(what))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// What lisad logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Runs swcli against this lisad with one `-c` per command.
    pub fn swcli(&self, commands: &[&str]) -> Output {
        let mut cmd = Command::new(swcli_path());
        cmd.arg("--socket").arg(&self.socket);
        for c in commands {
            cmd.arg("-c").arg(c);
        }
        cmd.output().expect("run swcli")
    }

    /// A gRPC channel to this lisad, and a runtime to drive it.
    pub fn grpc(&self) -> (tokio::runtime::Runtime, tonic::transport::Channel) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let endpoint = tonic::transport::Endpoint::try_from("http://lisad.local").unwrap();
        let channel = rt
            .block_on(lisa_proto::connect_unix(endpoint, &self.socket))
            .expect("connect to lisad");
        (rt, channel)
    }

    /// Applies configuration lines through swcli (`configure terminal` ... `end`).
    pub fn configure(&self, lines: &[&str]) {
        let mut cmds = vec!["configure terminal"];
        cmds.extend_from_slice(lines);
        cmds.push("end");
        let out = self.swcli(&cmds);
        assert!(
            out.status.success(),
            "configuring {lines:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Puts Ethernet1 in VLAN 10 and Ethernet2 in VLAN 20, with SVIs
    /// `{net}.10.1/24` and `{net}.20.1/24` (`net` is two octets, "10.0").
    pub fn route_two_vlans(&self, net: &str) {
        let svi = |v: u16| format!(" ip address {net}.{v}.1 255.255.255.0");
        let (svi10, svi20) = (svi(10), svi(20));
        self.configure(&[
            "vlan 10,20",
            "interface Ethernet1",
            " switchport access vlan 10",
            "interface Ethernet2",
            " switchport access vlan 20",
            "interface Vlan10",
            &svi10,
            "interface Vlan20",
            &svi20,
        ]);
    }

    /// True once `show interfaces PORT` says `PORT is STATE` (`up`,
    /// `down`), within `secs` seconds.
    pub fn port_becomes(&self, port: &str, state: &str, secs: u64) -> bool {
        let want = format!("{port} is {state}");
        wait_until(Duration::from_secs(secs), || {
            self.show(&format!("show interfaces {port}"))
                .contains(&want)
        })
    }

    /// Frames dropped for `reason` (`vlan-filter`, `mtu-exceeded`, ...), as
    /// `show interfaces` reports them.
    pub fn drops(&self, reason: &str) -> u64 {
        self.show("show interfaces")
            .lines()
            .find(|l| l.split_whitespace().next() == Some(reason))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// swcli's stdout, asserting it succeeded.
    pub fn show(&self, command: &str) -> String {
        let out = self.swcli(&[command]);
        assert!(
            out.status.success(),
            "swcli -c '{command}' failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends SIGTERM and waits; returns the exit status (None if it had to be killed).
    pub fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }
}

impl Drop for Lisad {
    fn drop(&mut self) {
        self.stop();
        if std::thread::panicking() {
            eprintln!("--- lisad log ---\n{}", self.log_text());
        }
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        % 10_000
}

/// The swcli binary next to lisad (same cargo target directory).
pub fn swcli_path() -> PathBuf {
    let lisad = Path::new(env!("CARGO_BIN_EXE_lisad"));
    let swcli = lisad.with_file_name("swcli");
    assert!(
        swcli.exists(),
        "{} is missing: build the workspace (cargo build --workspace)",
        swcli.display()
    );
    swcli
}

/// The built `lisa-libvirt-hook`, next to `lisad`.
pub fn hook_path() -> PathBuf {
    let p = Path::new(env!("CARGO_BIN_EXE_lisad")).with_file_name("lisa-libvirt-hook");
    assert!(
        p.exists(),
        "{} is missing: build the workspace",
        p.display()
    );
    p
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Two hosts on a switch: lisad with Ethernet1 and Ethernet2 on taps, each
/// tap moved into its own host with `{net}.1/24` and `{net}.2/24`. Bound
/// as `let TwoHosts { sw, a, b, .. }`, the hosts go before lisad stops, as
/// when each is a local of its own.
pub struct TwoHosts {
    /// The host on Ethernet1.
    pub a: Host,
    /// The host on Ethernet2.
    pub b: Host,
    /// The switch.
    pub sw: Lisad,
    /// The taps of Ethernet1 and Ethernet2 (interfaces in `a` and `b`).
    pub taps: (String, String),
}

impl TwoHosts {
    /// Starts them; `tag` keeps this test's names apart from others',
    /// `net` is three octets ("192.168.77"), `extra` as for `Lisad::start`.
    pub fn start(tag: &str, net: &str, extra: &[&str]) -> TwoHosts {
        let tap_a = unique(&format!("l{tag}a"), "");
        let tap_b = unique(&format!("l{tag}b"), "");
        let sw = Lisad::start(
            &[
                ("Ethernet1", &format!("tap:{tap_a}")),
                ("Ethernet2", &format!("tap:{tap_b}")),
            ],
            extra,
        );
        let a = Host::new(&unique(&format!("lisa-{tag}a"), ""));
        let b = Host::new(&unique(&format!("lisa-{tag}b"), ""));
        a.take_interface(&tap_a, &format!("{net}.1/24"));
        b.take_interface(&tap_b, &format!("{net}.2/24"));
        TwoHosts {
            a,
            b,
            sw,
            taps: (tap_a, tap_b),
        }
    }
}

/// A network namespace standing for one host. Deleted on drop.
pub struct Host {
    /// The namespace name.
    pub ns: String,
}

impl Host {
    /// Creates namespace `ns` with loopback up.
    pub fn new(ns: &str) -> Host {
        let _ = Command::new("ip").args(["netns", "del", ns]).output();
        sh("ip", &["netns", "add", ns]);
        sh("ip", &["-n", ns, "link", "set", "lo", "up"]);
        // No IPv6 chatter (router solicitations, MLD): only the test's traffic.
        for key in ["all", "default"] {
            let setting = format!("net.ipv6.conf.{key}.disable_ipv6=1");
            sh("ip", &["netns", "exec", ns, "sysctl", "-qw", &setting]);
        }
        Host { ns: ns.to_string() }
    }

    /// Moves kernel interface `ifname` (e.g. a lisad tap port) into this
    /// host, waiting for it to exist, and gives it `cidr`.
    pub fn take_interface(&self, ifname: &str, cidr: &str) {
        let exists = wait_until(Duration::from_secs(10), || {
            Command::new("ip")
                .args(["link", "show", ifname])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        });
        assert!(exists, "interface {ifname} never appeared");
        sh("ip", &["link", "set", ifname, "netns", &self.ns]);
        sh("ip", &["-n", &self.ns, "addr", "add", cidr, "dev", ifname]);
        sh("ip", &["-n", &self.ns, "link", "set", ifname, "up"]);
    }

    /// ARPs for `target` out of `ifname`, tagged with `vlan` or untagged
    /// (`tests/tools/arp_probe.py`: the kernel here has no 802.1Q module, so
    /// a trunk-side host speaks raw frames). Returns the VLAN the reply came
    /// back in ("10", "untagged"), or None without a reply.
    pub fn arp_probe(
        &self,
        ifname: &str,
        src_ip: &str,
        target: &str,
        vlan: Option<u16>,
    ) -> Option<String> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/arp_probe.py");
        let mut args = vec!["python3", script, ifname, src_ip, target, "--timeout", "2"];
        let v = vlan.map(|v| v.to_string());
        if let Some(v) = &v {
            args.extend(["--vlan", v.as_str()]);
        }
        let out = self.exec(&args);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if !out.status.success() {
            return None;
        }
        text.trim().rsplit(' ').next().map(str::to_string)
    }

    /// The MAC address of `ifname` in this host, in Cisco form (aabb.ccdd.eeff).
    pub fn mac(&self, ifname: &str) -> String {
        let out = self.exec(&["cat", &format!("/sys/class/net/{ifname}/address")]);
        let mac = String::from_utf8_lossy(&out.stdout).trim().replace(':', "");
        format!("{}.{}.{}", &mac[0..4], &mac[4..8], &mac[8..12])
    }

    /// Runs a command inside the host.
    pub fn exec(&self, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.ns])
            .args(args)
            .output()
            .expect("ip netns exec")
    }

    /// True if `count` pings to `ip` get answers (1 s deadline each).
    pub fn ping(&self, ip: &str, count: u32) -> bool {
        let c = count.to_string();
        self.exec(&["ping", "-c", &c, "-i", "0.2", "-W", "1", ip])
            .status
            .success()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).output();
    }
}

/// dpdk-testpmd as the far end of a vhost-user port: a `virtio_user` port
/// on `socket` io-forwarded to and from a `net_tap` kernel interface
/// `tap` — a stand-in for a VM whose NIC is bridged to a host. Killed on drop.
pub struct VirtioPeer {
    child: Child,
    log: PathBuf,
    prefix: String,
}

impl VirtioPeer {
    /// Starts the peer. With `server`, the peer creates the socket
    /// (as QEMU does for a `vhost-client` switch port).
    pub fn start(socket: &Path, server: bool, tap: &str) -> VirtioPeer {
        VirtioPeer::start_with(socket, server, tap, "")
    }

    /// Starts the peer with more `net_virtio_user` device arguments
    /// (`extra`, e.g. ",mrg_rxbuf=0").
    pub fn start_with(socket: &Path, server: bool, tap: &str, extra: &str) -> VirtioPeer {
        let peer = VirtioPeer::spawn_with(socket, server, tap, extra);
        peer.wait_forwarding();
        peer
    }

    /// Starts the peer without waiting for it to forward.
    pub fn spawn(socket: &Path, server: bool, tap: &str) -> VirtioPeer {
        VirtioPeer::spawn_with(socket, server, tap, "")
    }

    fn spawn_with(socket: &Path, server: bool, tap: &str, extra: &str) -> VirtioPeer {
        let log =
            std::env::temp_dir().join(format!("lisa-testpmd-{}-{tap}.log", std::process::id()));
        let logf = std::fs::File::create(&log).unwrap();
        let virtio = format!(
            "net_virtio_user0,path={},queues=1{}{extra}",
            socket.display(),
            if server { ",server=1" } else { "" }
        );
        let prefix = format!("lisa-tp-{}-{tap}", std::process::id());
        // stdbuf: testpmd's stdout is a file, and the test reads it as it goes.
        let child = Command::new("stdbuf")
            .args(["-oL", "dpdk-testpmd"])
            .args([
                "--lcores",
                "0@0,1@0",
                "--main-lcore",
                "0",
                "--no-pci",
                "--in-memory",
                "--single-file-segments",
                "-m",
                "256",
            ])
            .args([
                "--file-prefix",
                &format!("lisa-tp-{}-{tap}", std::process::id()),
            ])
            .args([
                "--vdev",
                &virtio,
                "--vdev",
                &format!("net_tap0,iface={tap}"),
            ])
            .args([
                "--",
                "--forward-mode=io",
                "--auto-start",
                "--nb-cores=1",
                "--total-num-mbufs=8192",
            ])
            .args(["--stats-period", "3600"])
            .stdin(Stdio::null())
            .stdout(logf.try_clone().unwrap())
            .stderr(logf)
            .spawn()
            .expect("start dpdk-testpmd (apt-get install dpdk)");
        VirtioPeer { child, log, prefix }
    }

    /// Waits until the peer forwards. A server-mode peer gets there only
    /// once the switch has connected to its socket.
    pub fn wait_forwarding(&self) {
        // Its tap must be configured before a test moves it into a namespace.
        let ready = wait_until(Duration::from_secs(30), || {
            self.log_text().contains("packet forwarding - ports=")
        });
        assert!(
            ready,
            "testpmd did not start forwarding:\n{}",
            self.log_text()
        );
    }

    /// Waits until a server-mode peer has created its socket.
    pub fn wait_listening(&self, socket: &Path) {
        assert!(
            wait_until(Duration::from_secs(30), || socket.exists()),
            "testpmd did not create {}:\n{}",
            socket.display(),
            self.log_text()
        );
    }

    /// What testpmd printed.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills the peer with SIGKILL, as a crashed QEMU goes: its rings are
    /// left where they were, nobody asks for their indices.
    pub fn sigkill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for VirtioPeer {
    fn drop(&mut self) {
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        if !wait_until(Duration::from_secs(5), || {
            self.child.try_wait().ok().flatten().is_some()
        }) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- testpmd log ---\n{}", self.log_text());
        }
        let _ = std::fs::remove_file(&self.log);
        let _ = std::fs::remove_dir_all(Path::new("/var/run/dpdk").join(&self.prefix));
    }
}

/// Writes `frames` as a pcap file (Ethernet), for a `pcap:` port to replay.
pub fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let mut out = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0u8; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend((i as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(f);
    }
    std::fs::write(path, out).unwrap();
}

/// Runs `cmd` with `input` on its stdin; its output.
pub fn run_with_input(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// The resident memory of process `pid`, KB.
pub fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}
