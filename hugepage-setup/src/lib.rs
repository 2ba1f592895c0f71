//! Hugepage reservation and the report of what DPDK will get: shared by the
//! `hugepage-setup` tool and by `lisad`'s start-up check.

use std::fs;
use std::path::{Path, PathBuf};

const SYSFS: &str = "/sys/kernel/mm/hugepages";

/// Errors reserving hugepages.
#[derive(Debug, thiserror::Error)]
pub enum HugepageError {
    /// Writing sysfs or mounting needs root.
    #[error("hugepage-setup must run as root (try: sudo hugepage-setup ...)")]
    NotRoot,
    /// The kernel has no pool of that page size.
    #[error("this kernel has no {0} kB hugepages (sizes here: {1})")]
    NoSuchSize(u64, String),
    /// A file operation failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// The kernel gave fewer pages than asked.
    #[error("asked for {asked} pages of {size_kb} kB but the kernel gave {got} (memory too fragmented or too small; try fewer, or reserve at boot with hugepages=N)")]
    Short {
        /// Page size.
        size_kb: u64,
        /// Pages asked for.
        asked: u64,
        /// Pages reserved.
        got: u64,
    },
}

/// One hugepage pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStatus {
    /// Page size in kB (2048 or 1048576).
    pub size_kb: u64,
    /// Pages reserved.
    pub total: u64,
    /// Pages free.
    pub free: u64,
}

impl PoolStatus {
    /// Free memory in MB.
    pub fn free_mb(&self) -> u64 {
        self.free * self.size_kb / 1024
    }
}

fn read_u64(p: &Path) -> Result<u64, HugepageError> {
    fs::read_to_string(p)
        .map_err(|e| HugepageError::Io(p.display().to_string(), e))?
        .trim()
        .parse()
        .map_err(|_| {
            HugepageError::Io(
                p.display().to_string(),
                std::io::ErrorKind::InvalidData.into(),
            )
        })
}

fn pool_dir(size_kb: u64) -> PathBuf {
    Path::new(SYSFS).join(format!("hugepages-{size_kb}kB"))
}

/// Every hugepage pool of the kernel.
pub fn pools() -> Vec<PoolStatus> {
    let mut out = Vec::new();
    let Ok(dir) = fs::read_dir(SYSFS) else {
        return out;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(size_kb) = name
            .strip_prefix("hugepages-")
            .and_then(|s| s.strip_suffix("kB"))
            .and_then(|s| s.parse().ok())
        else {
            continue;
        };
        let (Ok(total), Ok(free)) = (
            read_u64(&entry.path().join("nr_hugepages")),
            read_u64(&entry.path().join("free_hugepages")),
        ) else {
            continue;
        };
        out.push(PoolStatus {
            size_kb,
            total,
            free,
        });
    }
    out.sort_by_key(|p| p.size_kb);
    out
}

/// Where hugetlbfs is mounted, if anywhere.
pub fn hugetlbfs_mounts() -> Vec<PathBuf> {
    fs::read_to_string("/proc/mounts")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() > 2 && f[2] == "hugetlbfs").then(|| PathBuf::from(f[1]))
        })
        .collect()
}

/// Free hugepage memory over all pools, in MB.
pub fn free_mb() -> u64 {
    pools().iter().map(PoolStatus::free_mb).sum()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Makes sure at least `pages` pages of `size_kb` are reserved (never shrinks a pool).
pub fn reserve(size_kb: u64, pages: u64) -> Result<PoolStatus, HugepageError> {
    let dir = pool_dir(size_kb);
    if !dir.exists() {
        let sizes: Vec<String> = pools()
            .iter()
            .map(|p| format!("{} kB", p.size_kb))
            .collect();
        return Err(HugepageError::NoSuchSize(size_kb, sizes.join(", ")));
    }
    let nr = dir.join("nr_hugepages");
    let current = read_u64(&nr)?;
    if current < pages {
        if !is_root() {
            return Err(HugepageError::NotRoot);
        }
        fs::write(&nr, pages.to_string())
            .map_err(|e| HugepageError::Io(nr.display().to_string(), e))?;
        let got = read_u64(&nr)?;
        if got < pages {
            return Err(HugepageError::Short {
                size_kb,
                asked: pages,
                got,
            });
        }
    }
    Ok(PoolStatus {
        size_kb,
        total: read_u64(&nr)?,
        free: read_u64(&dir.join("free_hugepages"))?,
    })
}

/// Mounts hugetlbfs at `at` unless some hugetlbfs is mounted already; returns
/// the mount point in use.
pub fn ensure_mounted(at: &Path) -> Result<PathBuf, HugepageError> {
    if let Some(m) = hugetlbfs_mounts().into_iter().next() {
        return Ok(m);
    }
    if !is_root() {
        return Err(HugepageError::NotRoot);
    }
    fs::create_dir_all(at)
        .map_err(|e| HugepageError::Io(format!("creating {}", at.display()), e))?;
    let status = std::process::Command::new("mount")
        .args(["-t", "hugetlbfs", "nodev"])
        .arg(at)
        .status()
        .map_err(|e| HugepageError::Io("running mount".into(), e))?;
    if !status.success() {
        return Err(HugepageError::Io(
            format!("mount -t hugetlbfs nodev {}", at.display()),
            std::io::Error::other("mount failed"),
        ));
    }
    Ok(at.to_path_buf())
}

/// Removes DPDK hugepage files (`*map_*`) under `mount` that no running
/// process holds (DPDK keeps a lock on the files it uses). Returns the
/// removed paths.
pub fn clean_stale(mount: &Path) -> Result<Vec<PathBuf>, HugepageError> {
    let mut removed = Vec::new();
    let dir = fs::read_dir(mount).map_err(|e| HugepageError::Io(mount.display().to_string(), e))?;
    for entry in dir.flatten() {
        let path = entry.path();
        if !entry.file_name().to_string_lossy().contains("map_") {
            continue;
        }
        let Ok(file) = fs::File::open(&path) else {
            continue;
        };
        // A non-blocking exclusive lock (flock) only succeeds when no
        // process holds DPDK's shared lock on the file.
        let free = file.try_lock().is_ok();
        if free {
            fs::remove_file(&path)
                .map_err(|e| HugepageError::Io(format!("removing {}", path.display()), e))?;
            removed.push(path);
        }
    }
    Ok(removed)
}
