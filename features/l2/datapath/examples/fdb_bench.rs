//! FDB micro-benchmark (not a test): lookup cost at 1K, 64K and 1M entries,
//! and how many new MACs per second the table learns, alone and while two
//! other threads look up as fast as they can (as workers do).
//!
//! `cargo run --release -p dataplane --example fdb_bench`

use dataplane::wire::MacAddr;
use lisa_l2_datapath::fdb::Fdb;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn mac(n: u64) -> MacAddr {
    // Spread like real OUIs + NICs, unicast.
    MacAddr::from_u64((n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16) & 0xfeff_ffff_ffff)
}

fn lookup_ns(entries: usize) -> f64 {
    let fdb = Fdb::new(entries.max(1024));
    let keys: Vec<MacAddr> = (0..entries as u64).map(mac).collect();
    for (i, m) in keys.iter().enumerate() {
        fdb.learn(1 + (i % 100) as u16, *m, (i % 32) as u16, 0);
    }
    // Random order, so big tables miss the cache as they would in use.
    let order: Vec<usize> = (0..4_000_000u64)
        .map(|i| (i.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 20) as usize % entries)
        .collect();
    let start = Instant::now();
    let mut found = 0u64;
    for &i in &order {
        if black_box(fdb.lookup(1 + (i % 100) as u16, keys[i])).is_some() {
            found += 1;
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / order.len() as f64;
    assert_eq!(found, order.len() as u64);
    ns
}

fn learn_rate(readers: usize) -> f64 {
    let n = 1_000_000u64;
    let fdb = Arc::new(Fdb::new(n as usize));
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..readers)
        .map(|_| {
            let (fdb, stop) = (fdb.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    black_box(fdb.lookup(1, mac(i % n)));
                    i += 1;
                }
            })
        })
        .collect();
    let start = Instant::now();
    for i in 0..n {
        fdb.learn(1, mac(i), (i % 32) as u16, 0);
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    rate
}

fn main() {
    println!("FDB lookup (hit, random order):");
    for entries in [1 << 10, 1 << 16, 1 << 20] {
        println!("  {:>8} entries: {:6.1} ns", entries, lookup_ns(entries));
    }
    println!("FDB learning, 1M new MACs:");
    println!("  alone:                {:6.2} M/s", learn_rate(0) / 1e6);
    println!("  with 1 reader thread: {:6.2} M/s", learn_rate(1) / 1e6);
}
