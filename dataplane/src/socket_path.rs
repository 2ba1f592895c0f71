//! A path a unix socket will listen on (a `vhost-server` port's, or the
//! control socket): only nothing, or a stale socket, may stand there.
//! DPDK's vhost library deletes the path when it cannot bind to it,
//! whatever the path holds (a file, another VM's live socket, the control
//! socket), so the path is checked before DPDK sees it: a live socket is
//! in use, anything else than a socket is not ours, and only a socket no
//! one answers on (left by a process that died) is removed.

use std::os::unix::fs::FileTypeExt;
use std::path::Path;

/// Why a socket path cannot be listened on.
#[derive(Debug, thiserror::Error)]
pub enum SocketPathError {
    /// Something listens there.
    #[error("{0} is in use: something listens on it (another VM's port, another switch)")]
    InUse(String),
    /// It is a file, a directory, a link: not a socket to replace.
    #[error(
        "{0} exists and is not a socket; it is left alone (remove it, or choose another path)"
    )]
    NotASocket(String),
    /// A system call failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// Readies `path` for a listening socket: nothing there, or a stale
/// socket (removed). Anything else is refused and left as it is.
pub fn claim(path: &Path) -> Result<(), SocketPathError> {
    let shown = path.display().to_string();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(SocketPathError::Io(format!("checking {shown}"), e)),
    };
    if !meta.file_type().is_socket() {
        return Err(SocketPathError::NotASocket(shown));
    }
    if std::os::unix::net::UnixStream::connect(path).is_ok() {
        return Err(SocketPathError::InUse(shown));
    }
    tracing::info!(path = %shown, "removing a stale socket");
    std::fs::remove_file(path)
        .map_err(|e| SocketPathError::Io(format!("removing stale {shown}"), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    #[test]
    fn only_nothing_or_a_stale_socket_is_taken() {
        let dir = std::env::temp_dir().join(format!("lisa-claim-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let free = dir.join("free.sock");
        assert!(claim(&free).is_ok());

        let file = dir.join("notes.txt");
        std::fs::write(&file, "keep me").unwrap();
        assert!(matches!(claim(&file), Err(SocketPathError::NotASocket(_))));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
        assert!(matches!(claim(&dir), Err(SocketPathError::NotASocket(_))));

        let live = dir.join("live.sock");
        let listener = UnixListener::bind(&live).unwrap();
        assert!(matches!(claim(&live), Err(SocketPathError::InUse(_))));
        assert!(live.exists(), "a live socket stays");
        drop(listener);
        // The listener is gone, its file stays: stale, so taken.
        assert!(live.exists());
        assert!(claim(&live).is_ok());
        assert!(!live.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
