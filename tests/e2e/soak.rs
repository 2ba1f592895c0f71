//! The soak (not in the default run: `#[ignore]`): traffic on every port
//! for LISA_SOAK_SECONDS (default 600) while ports are plugged and
//! unplugged, VLANs and routes come and go, and a MAC flood keeps the FDB
//! over its limit. At the end: lisad alive and answering, no packet buffer,
//! file descriptor or memory leaked, and the counters consistent. Run:
//!
//! ```text
//! LISA_SOAK_SECONDS=600 cargo test --release --test e2e soak:: -- --ignored --nocapture
//! ```

use crate::common;

use common::{rss_kb, serial, unique, wait_until, Host, Lisad};
use lisa_proto::v1::{
    config_client::ConfigClient, ports_client::PortsClient, system_client::SystemClient,
    AddPortRequest, ApplyConfigRequest, GetBufferPoolsRequest, GetDropCountersRequest,
    ListPortsRequest, RemovePortRequest,
};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOOL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/hostile.py");

fn tap(i: u32) -> String {
    unique("ls", &format!("p{i}"))
}

/// A command in a host, running until the soak ends (killed on drop).
struct Load(Child);

impl Drop for Load {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn load(host: &Host, args: &[&str]) -> Load {
    Load(
        Command::new("ip")
            .args(["netns", "exec", &host.ns])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// Open file descriptors of `pid`.
fn fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

#[test]
#[ignore = "a 10-minute soak: LISA_SOAK_SECONDS=600 cargo test --release --test e2e soak:: -- --ignored --nocapture"]
fn soak_traffic_churn_and_overflow() {
    let _serial = serial();
    let secs: u64 = std::env::var("LISA_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let dir = std::env::temp_dir().join(format!("lisa-soak-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("vhost")).unwrap();
    // A small MAC table, so the flood keeps it full.
    let boot = dir.join("boot.ron");
    std::fs::write(&boot, "(switch: (fdb_limit: 2048))").unwrap();
    let (boot_arg, vhost_arg) = (
        boot.display().to_string(),
        dir.join("vhost").display().to_string(),
    );
    let sw =
        Lisad::start_with_taps_and(4, tap, &["--config", &boot_arg, "--vhost-dir", &vhost_arg]);
    sw.configure(&[
        "vlan 10,20",
        "interface Ethernet1",
        " switchport access vlan 10",
        "interface Ethernet2",
        " switchport access vlan 10",
        "interface Ethernet3",
        " switchport access vlan 20",
        "interface Ethernet4",
        " switchport access vlan 10",
        "interface Vlan10",
        " ip address 10.70.10.254 255.255.255.0",
        "interface Vlan20",
        " ip address 10.70.20.254 255.255.255.0",
    ]);
    let host = |n: &str, i: u32, ip: &str, gw: &str| {
        let h = Host::new(&unique("lisa-s", n));
        h.take_interface(&tap(i), ip);
        h.exec(&["ip", "route", "add", "default", "via", gw]);
        h
    };
    let a = host("a", 1, "10.70.10.1/24", "10.70.10.254");
    let b = host("b", 2, "10.70.10.2/24", "10.70.10.254");
    let c = host("c", 3, "10.70.20.1/24", "10.70.20.254");
    let f = host("f", 4, "10.70.10.66/24", "10.70.10.254");
    assert!(a.ping("10.70.10.2", 2) && a.ping("10.70.20.1", 2) && c.ping("10.70.10.2", 2));

    let (rt, ch) = sw.grpc();
    let mut system = SystemClient::new(ch.clone());
    let mut ports_api = PortsClient::new(ch.clone());
    let mut config = ConfigClient::new(ch);
    let in_use = |rt: &tokio::runtime::Runtime, s: &mut SystemClient<_>| -> u64 {
        rt.block_on(s.get_buffer_pools(GetBufferPoolsRequest {}))
            .unwrap()
            .into_inner()
            .pools
            .iter()
            .filter(|p| p.name.starts_with("lisa_pkts"))
            .map(|p| u64::from(p.in_use))
            .sum()
    };
    let (buffers0, fds0, rss0) = (in_use(&rt, &mut system), fds(sw.pid()), rss_kb(sw.pid()));

    // Traffic on every port: switched, routed both ways, a MAC flood over
    // the table's limit and broadcast bursts.
    let loads = vec![
        load(&a, &["ping", "-f", "-s", "200", "10.70.10.2"]),
        load(&a, &["ping", "-f", "-s", "600", "10.70.20.1"]),
        load(&c, &["ping", "-f", "-s", "1000", "10.70.10.2"]),
        load(
            &f,
            &[
                "sh",
                "-c",
                &format!(
                    "while true; do python3 {TOOL} send {t} mac-flood 8192 --router-mac 02:00:00:00:00:01 --svi 10.70.10.254 --victim-mac 02:00:00:00:00:02 --victim-ip 10.70.10.2 --burst 256 --pause 0.002; python3 {TOOL} send {t} storm 2000 --router-mac 02:00:00:00:00:01 --svi 10.70.10.254 --victim-mac 02:00:00:00:00:02 --victim-ip 10.70.10.2; done",
                    t = tap(4)
                ),
            ],
        ),
    ];

    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed() < Duration::from_secs(secs) {
        rounds += 1;
        // A tap and a vhost-user port plugged and unplugged.
        let name = "Ethernet9".to_string();
        let kind = if rounds.is_multiple_of(2) {
            format!("tap:{}", unique("lsx", &rounds.to_string()))
        } else {
            format!("vhost-server:{}/vm{}.sock", vhost_arg, rounds % 7)
        };
        let plugged = rt.block_on(ports_api.add_port(AddPortRequest {
            name: name.clone(),
            kind: kind.clone(),
            description: format!("soak {rounds}"),
            ..Default::default()
        }));
        assert!(
            plugged.is_ok(),
            "round {rounds}: plugging {kind}: {plugged:?}"
        );
        // VLANs and 1000 routes come, then go, in single changes.
        let vlan = 100 + rounds % 50;
        let routes: String = (0..1000)
            .map(|i| {
                format!(
                    "ip route 172.{}.{}.0 255.255.255.0 10.70.10.2\n",
                    16 + i / 256,
                    i % 256
                )
            })
            .collect();
        let add =
            format!("vlan {vlan}\ninterface Ethernet9\n switchport access vlan {vlan}\n{routes}");
        rt.block_on(config.apply_config(ApplyConfigRequest { text: add }))
            .unwrap_or_else(|e| panic!("round {rounds}: {e:?}"));
        std::thread::sleep(Duration::from_millis(300));
        let remove: String = routes.lines().map(|l| format!("no {l}\n")).collect();
        rt.block_on(config.apply_config(ApplyConfigRequest {
            text: format!("no vlan {vlan}\n{remove}"),
        }))
        .unwrap_or_else(|e| panic!("round {rounds}: {e:?}"));
        rt.block_on(ports_api.remove_port(RemovePortRequest { name, force: true }))
            .unwrap_or_else(|e| panic!("round {rounds}: unplugging: {e:?}"));
        if rounds.is_multiple_of(20) {
            eprintln!(
                "soak: {:>4} s, {rounds} rounds, {} buffers in use, {} fds, {} KB",
                start.elapsed().as_secs(),
                in_use(&rt, &mut system),
                fds(sw.pid()),
                rss_kb(sw.pid())
            );
        }
    }
    drop(loads);
    std::thread::sleep(Duration::from_secs(5));

    // Alive and forwarding.
    assert!(sw.show("show version").contains("uptime"));
    assert!(
        a.ping("10.70.10.2", 2) && a.ping("10.70.20.1", 2),
        "still forwarding"
    );
    // Nothing leaked: buffers (held packets expire in ~3 s), fds, memory.
    let back = wait_until(Duration::from_secs(15), || {
        in_use(&rt, &mut system) <= buffers0 + 64
    });
    let (buffers1, fds1, rss1) = (in_use(&rt, &mut system), fds(sw.pid()), rss_kb(sw.pid()));
    assert!(back, "buffers in use: {buffers0} before, {buffers1} after");
    assert!(
        fds1 <= fds0 + 2,
        "file descriptors: {fds0} before, {fds1} after"
    );
    // Counters: every frame a driver received the switch counted, and every
    // frame the switch sent a driver sent; drops by reason cover the
    // frames counted dropped on the ports.
    let list = rt
        .block_on(ports_api.list_ports(ListPortsRequest {}))
        .unwrap()
        .into_inner()
        .ports;
    let mut rx_dropped = 0;
    for p in &list {
        let c = p.counters.unwrap_or_default();
        eprintln!(
            "soak: {}: rx {} (dropped {}), tx {} (dropped {}); driver: rx {} tx {} missed {} errors {} nombuf {}",
            p.name,
            c.rx_packets,
            c.rx_dropped,
            c.tx_packets,
            c.tx_dropped,
            p.driver_rx_packets,
            p.driver_tx_packets,
            p.rx_missed,
            p.rx_errors,
            p.rx_nombuf
        );
        assert_eq!(c.rx_packets, p.driver_rx_packets, "{}: received", p.name);
        assert_eq!(c.tx_packets, p.driver_tx_packets, "{}: sent", p.name);
        rx_dropped += c.rx_dropped;
    }
    let by_reason: u64 = rt
        .block_on(system.get_drop_counters(GetDropCountersRequest {}))
        .unwrap()
        .into_inner()
        .drops
        .iter()
        .map(|d| d.packets)
        .sum();
    assert!(
        by_reason >= rx_dropped,
        "drops by reason {by_reason} < frames dropped on ports {rx_dropped}"
    );
    eprintln!(
        "soak: {secs} s, {rounds} rounds: buffers {buffers0} -> {buffers1}, fds {fds0} -> {fds1}, RSS {rss0} -> {rss1} KB, drops by reason {by_reason}"
    );
    println!("{}", sw.show("show interfaces"));
    println!("{}", sw.show("show mac address-table count"));
    drop((a, b, c, f));
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}
