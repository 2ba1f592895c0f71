//! LPM micro-benchmark (not a test): inserting a million prefixes shaped
//! like an Internet table (today's BGP mix: mostly /22-/24), then looking up
//! random addresses.
//!
//! `cargo run --release -p dataplane --example lpm_bench`

use lisa_ipv4_datapath::lpm::Lpm;
use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::Instant;

fn main() {
    let n = 1_000_000u64;
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let prefixes: Vec<(Ipv4Addr, u8, u32)> = (0..n)
        .map(|i| {
            let r = next();
            // Shaped like today's BGP table: 60 % /24, 22 % /22-/23,
            // 17 % /16-/21, under 1 % shorter than /16, a few longer than /24.
            let len = match r % 1000 {
                0..=599 => 24,
                600..=819 => 22 + (r >> 8) as u8 % 2,
                820..=989 => 16 + (r >> 8) as u8 % 6,
                990..=994 => 8 + (r >> 8) as u8 % 8,
                _ => 25 + (r >> 8) as u8 % 8,
            };
            (Ipv4Addr::from((r >> 32) as u32), len, (i % 65536) as u32)
        })
        .collect();
    let start = Instant::now();
    let lpm = Lpm::new(64 * 1024);
    let made = start.elapsed();
    let start = Instant::now();
    let mut refused = 0;
    for (net, len, nh) in &prefixes {
        if lpm.insert(*net, *len, *nh).is_err() {
            refused += 1;
        }
    }
    let took = start.elapsed();
    println!(
        "table made in {:.0} ms; {} prefixes ({} distinct, {} refused for lack of /25+ groups) inserted in {:.2} s ({:.2} M/s)",
        made.as_secs_f64() * 1e3,
        n,
        lpm.len(),
        refused,
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64() / 1e6
    );
    let probes: Vec<Ipv4Addr> = (0..10_000_000)
        .map(|_| Ipv4Addr::from(next() as u32))
        .collect();
    let start = Instant::now();
    let mut hits = 0u64;
    for a in &probes {
        if black_box(lpm.lookup(*a)).is_some() {
            hits += 1;
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / probes.len() as f64;
    println!(
        "lookup, random addresses: {ns:.1} ns ({:.0} % matched a prefix)",
        100.0 * hits as f64 / probes.len() as f64
    );
}
