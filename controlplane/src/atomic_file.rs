//! Files lisad replaces whole (the startup-config, the port database):
//! written to a temp file in the same directory, fsynced, renamed over the
//! old one, and the directory fsynced, so a crash leaves the old file or
//! the new one, never half of either.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Writing `path` failed: what was being done, and why.
#[derive(Debug, thiserror::Error)]
#[error("{what} {path}: {source}")]
pub struct AtomicWriteError {
    /// The step that failed.
    pub what: &'static str,
    /// The file.
    pub path: String,
    /// The error.
    #[source]
    pub source: std::io::Error,
}

/// Replaces `path` with `content`, mode `mode`, atomically (the directory
/// is made if missing).
pub fn write(path: &Path, content: &[u8], mode: u32) -> Result<(), AtomicWriteError> {
    let fail = |what, source| AtomicWriteError {
        what,
        path: path.display().to_string(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| fail("creating the directory of", e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&tmp)?;
        // The umask may have taken bits off; the mode is the mode.
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        f.write_all(content)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail("saving", e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn replaces_the_file_whole_with_its_mode() {
        let dir = std::env::temp_dir().join(format!("lisa-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub").join("startup-config");
        write(&path, b"one", 0o600).unwrap();
        write(&path, b"two", 0o600).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temp file left");
        let e = write(&dir.join("sub/startup-config/x"), b"", 0o600).unwrap_err();
        assert!(e.to_string().contains("startup-config/x"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
