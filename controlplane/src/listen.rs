//! The control socket: a unix socket with mode 0660, owned by a chosen group,
//! refusing to start over another live instance's socket.

use dataplane::socket_path::SocketPathError;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Errors preparing the control socket.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// Another process answers on the socket.
    #[error("another lisad is already listening on {0}; stop it or pass --socket PATH")]
    InUse(String),
    /// The path holds something that is not a socket, or cannot be read.
    #[error(transparent)]
    Path(SocketPathError),
    /// The group does not exist.
    #[error("control.socket_group: no group named '{0}'")]
    NoSuchGroup(String),
    /// A system call failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// Binds `path` (creating its directory), mode 0660, group `group` if not empty.
pub fn bind_unix(path: &Path, group: &str) -> Result<tokio::net::UnixListener, ListenError> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| ListenError::Io(format!("creating {}", dir.display()), e))?;
    }
    // Nothing there, or a stale socket left by a process that is gone;
    // a live socket or anything not a socket is left alone.
    dataplane::socket_path::claim(path).map_err(|e| match e {
        SocketPathError::InUse(_) => ListenError::InUse(shown.clone()),
        other => ListenError::Path(other),
    })?;
    let listener = tokio::net::UnixListener::bind(path)
        .map_err(|e| ListenError::Io(format!("binding {shown}"), e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
        .map_err(|e| ListenError::Io(format!("chmod {shown}"), e))?;
    if !group.is_empty() {
        let gid = group_id(group).ok_or_else(|| ListenError::NoSuchGroup(group.to_string()))?;
        std::os::unix::fs::chown(path, None, Some(gid))
            .map_err(|e| ListenError::Io(format!("chgrp {group} {shown}"), e))?;
    }
    Ok(listener)
}

/// Removes the socket file (at shutdown).
pub fn remove_socket(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("removing {}: {e}", path.display());
        }
    }
}

fn group_id(name: &str) -> Option<u32> {
    if let Ok(gid) = name.parse::<u32>() {
        return Some(gid);
    }
    let group_file = std::fs::read_to_string("/etc/group").ok()?;
    group_file.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next()? == name).then(|| f.nth(1)?.parse().ok())?
    })
}
