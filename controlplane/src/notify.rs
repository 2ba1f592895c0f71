//! Tells a service manager how the switch is doing (systemd's
//! `sd_notify` protocol: one datagram of `KEY=VALUE` lines to the unix
//! socket named by `NOTIFY_SOCKET`). With `Type=notify`, a unit is started
//! when lisad says `READY=1`: its dataplane forwards and its control socket
//! answers, not merely when a socket file (maybe a stale one) exists.

use std::os::unix::net::UnixDatagram;

/// Sends `state` (`READY=1\nSTATUS=...`) to the service manager, if there
/// is one (`NOTIFY_SOCKET` set). Failures are logged, never fatal.
pub fn notify(state: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    if let Err(e) = send(&path, state) {
        tracing::warn!("telling the service manager ({path:?}): {e}");
    }
}

fn send(path: &std::ffi::OsStr, state: &str) -> std::io::Result<()> {
    let sock = UnixDatagram::unbound()?;
    let bytes = path.as_encoded_bytes();
    if let Some(name) = bytes.strip_prefix(b"@") {
        // An abstract socket (systemd's default).
        use std::os::linux::net::SocketAddrExt;
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
        sock.send_to_addr(state.as_bytes(), &addr)?;
    } else {
        sock.send_to(state.as_bytes(), path)?;
    }
    Ok(())
}
