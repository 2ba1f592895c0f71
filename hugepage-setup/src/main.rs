//! `hugepage-setup`: reserves hugepages, mounts hugetlbfs, removes stale DPDK
//! hugepage files and reports what DPDK will get. Safe to run again.

use anyhow::{bail, Result};
use clap::Parser;
use hugepage_setup::{clean_stale, ensure_mounted, pools, reserve};
use std::path::PathBuf;

/// Reserve hugepages for DPDK (LiSA-DP) and report what DPDK will get.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Make sure at least this many MB of hugepages are reserved (rounded up to whole pages).
    #[arg(long, default_value_t = 1024)]
    mb: u64,
    /// Page size: 2M or 1G.
    #[arg(long, default_value = "2M")]
    size: String,
    /// Where to mount hugetlbfs if it is not mounted anywhere.
    #[arg(long, default_value = "/dev/hugepages")]
    mount: PathBuf,
    /// Only report; change nothing.
    #[arg(long)]
    status: bool,
}

fn main() {
    // The Debian package's man page and completions (scripts/package.sh).
    if lisa_clidocs::generate_if_asked(<Args as clap::CommandFactory>::command()) {
        return;
    }
    if let Err(e) = run(Args::parse()) {
        eprintln!("hugepage-setup: {e:#}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<()> {
    let size_kb = match args.size.to_ascii_uppercase().as_str() {
        "2M" | "2MB" | "2048K" => 2048,
        "1G" | "1GB" | "1048576K" => 1024 * 1024,
        other => bail!("--size {other}: use 2M or 1G"),
    };
    if !args.status {
        let pages = (args.mb * 1024).div_ceil(size_kb);
        let pool = reserve(size_kb, pages)?;
        println!(
            "reserved: {} x {} kB pages ({} MB), {} free",
            pool.total,
            size_kb,
            pool.total * size_kb / 1024,
            pool.free
        );
        let mount = ensure_mounted(&args.mount)?;
        println!("hugetlbfs: mounted at {}", mount.display());
        for p in clean_stale(&mount)? {
            println!("removed stale DPDK file {}", p.display());
        }
    }
    let all = pools();
    if all.is_empty() {
        bail!("this kernel has no hugepage support (no /sys/kernel/mm/hugepages)");
    }
    for p in &all {
        println!(
            "pool {:>7} kB: {} reserved, {} free ({} MB free)",
            p.size_kb,
            p.total,
            p.free,
            p.free_mb()
        );
    }
    let mounts = hugepage_setup::hugetlbfs_mounts();
    let free: u64 = all.iter().map(|p| p.free_mb()).sum();
    if mounts.is_empty() {
        println!("DPDK will get: 0 MB (hugetlbfs is not mounted; run without --status)");
    } else {
        println!("DPDK will get: {free} MB of hugepage memory (lisad takes eal.memory_mb of it, 512 by default)");
    }
    Ok(())
}
