//! Route programming benchmark (not a test): starts a real `lisad`, gives it
//! an SVI, then streams a million static routes shaped like an Internet
//! table over `lisa.v1.Routing/ProgramRoutes` (a gRPC client stream of
//! batches) and times it until the switch answers: by then the routes are
//! in the dataplane's LPM, which `Lookup` checks on sampled prefixes.
//!
//! `cargo build --release --workspace && sudo target/release/examples/route_program [ROUTES]`

use lisa_proto::v1::routing_client::RoutingClient;
use lisa_proto::v1::{
    config_client::ConfigClient, ApplyConfigRequest, LookupRequest, Route, RouteBatch,
};
use std::collections::HashSet;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tonic::transport::Endpoint;

const BATCH: usize = 10_000;

/// `n` distinct prefixes in today's BGP mix (60 % /24, 22 % /22-/23, 17 %
/// /16-/21, under 1 % shorter or longer), host bits zero.
fn prefixes(n: usize) -> Vec<(Ipv4Addr, u8)> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = match x % 1000 {
            0..=599 => 24,
            600..=819 => 22 + (x >> 8) as u8 % 2,
            820..=989 => 16 + (x >> 8) as u8 % 6,
            990..=994 => 8 + (x >> 8) as u8 % 8,
            _ => 25 + (x >> 8) as u8 % 8,
        };
        let net = ((x >> 32) as u32) & (u32::MAX << (32 - u32::from(len)));
        // Leave the SVI's own subnet alone.
        if net >> 16 == 0x0aff {
            continue;
        }
        if seen.insert((net, len)) {
            out.push((Ipv4Addr::from(net), len));
        }
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("lisa-route-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let sock = work.join("lisa.sock");
    let mut lisad = Command::new(root.join("target/release/lisad"))
        .args(["--socket", sock.to_str().unwrap_or_default()])
        .args([
            "--startup-config",
            work.join("startup-config").to_str().unwrap_or_default(),
        ])
        .args([
            "--memory",
            "256",
            "--workers",
            "1",
            "--port",
            "Ethernet1=null",
            "--log",
            "warn",
        ])
        .stdout(Stdio::null())
        .spawn()?;
    let result = run(&sock, n);
    // SAFETY: kill(2) with a pid we spawned and a valid signal number.
    unsafe { libc::kill(lisad.id() as i32, libc::SIGTERM) };
    let _ = lisad.wait();
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run(sock: &std::path::Path, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    while !sock.exists() {
        if start.elapsed() > Duration::from_secs(30) {
            return Err("lisad did not start".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let prefixes = prefixes(n);
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let channel =
            lisa_proto::connect_unix(Endpoint::try_from("http://lisad.local")?, sock).await?;
        ConfigClient::new(channel.clone())
            .apply_config(ApplyConfigRequest {
                text: "vlan 10\ninterface Ethernet1\n switchport access vlan 10\ninterface Vlan10\n ip address 10.255.0.1 255.255.0.0\narp 10.255.0.2 0200.0000.0002 arpa\n".into(),
            })
            .await?;
        let mut routing = RoutingClient::new(channel)
            .max_decoding_message_size(64 << 20)
            .max_encoding_message_size(64 << 20);
        let batches: Vec<RouteBatch> = prefixes
            .chunks(BATCH)
            .map(|c| RouteBatch {
                add: c
                    .iter()
                    .map(|(net, len)| Route {
                        prefix: format!("{net}/{len}"),
                        gateway: "10.255.0.2".into(),
                        ..Default::default()
                    })
                    .collect(),
                remove: vec![],
            })
            .collect();
        let t0 = Instant::now();
        let resp = routing
            .program_routes(tokio_stream::iter(batches))
            .await?
            .into_inner();
        let took = t0.elapsed();
        // Visible in the dataplane: a sample of the routes forwards to the gateway.
        let mut ok = 0;
        let sample: Vec<&(Ipv4Addr, u8)> = prefixes.iter().step_by((n / 1000).max(1)).collect();
        for (net, _) in &sample {
            let l = routing
                .lookup(LookupRequest { address: net.to_string() })
                .await?
                .into_inner();
            if l.action() == lisa_proto::v1::LookupAction::Forward && l.vlan == 10 {
                ok += 1;
            }
        }
        println!(
            "{} routes programmed over one ProgramRoutes stream ({} batches of {BATCH}) in {:.2} s ({:.2} M routes/s); {} static routes in the switch; {ok}/{} sampled prefixes forward in the dataplane",
            n,
            n.div_ceil(BATCH),
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64() / 1e6,
            resp.static_total,
            sample.len()
        );
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
