//! The managed socket directory: there, QEMU (in the socket group)
//! creates its sockets (`mode='server'`) and connects to the switch's. It
//! usually lives in `/run`, a tmpfs, so it is made again at every boot: by
//! `install`, and by the hook and the listener whenever it is missing.

use crate::switch::chgrp;
use anyhow::{Context, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The directory's mode: setgid (sockets inherit the group) and sticky
/// (QEMU cannot replace the switch's sockets), the group's to write.
pub const MODE: u32 = 0o3770;

/// Makes `dir` exist, owned by `group`, mode [`MODE`]. Returns the parents
/// that others cannot search (QEMU could not reach the sockets).
pub fn prepare(dir: &Path, group: &str) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    chgrp(dir, group)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(MODE))
        .with_context(|| format!("chmod {MODE:o} {}", dir.display()))?;
    Ok(dir
        .ancestors()
        .skip(1)
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 == 0))
        .map(Path::to_path_buf)
        .collect())
}
