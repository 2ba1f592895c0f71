//! Where a port plugged over the API may keep its vhost-user socket:
//! directly in the configured directory (`control.vhost_dir`), compared as
//! real paths, so that an API caller cannot make lisad bind or connect
//! anywhere else (a root-owned file, another VM's socket elsewhere). File
//! ports (pcap) read and write any file: they are for the command line only.

use dataplane::PortKind;
use std::path::Path;

/// Checks that a port of `kind` may be plugged over the API, given the
/// socket directory `dir` (None: anywhere). The error says why not.
pub fn check_api_port(kind: &PortKind, dir: Option<&Path>) -> Result<(), String> {
    let path =
        match kind {
            PortKind::VhostServer(p) | PortKind::VhostClient(p) => Path::new(p),
            PortKind::Pcap { .. } => return Err(
                "pcap ports read and write files: plug them with lisad --port, not over the API"
                    .into(),
            ),
            _ => return Ok(()),
        };
    let Some(dir) = dir else {
        return Ok(());
    };
    let outside = || {
        format!(
            "vhost-user socket {}: ports plugged over the API keep their sockets directly in {} (control.vhost_dir)",
            path.display(),
            dir.display()
        )
    };
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(outside());
    };
    if !path.is_absolute() || name == ".." || name == "." {
        return Err(outside());
    }
    let real_dir = dir
        .canonicalize()
        .map_err(|e| format!("the vhost-user socket directory {}: {e}", dir.display()))?;
    match parent.canonicalize() {
        Ok(p) if p == real_dir => {}
        _ => return Err(outside()),
    }
    if path.is_symlink() {
        return Err(format!(
            "vhost-user socket {}: a symbolic link, not a socket",
            path.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_only_directly_in_the_directory() {
        let dir = std::env::temp_dir().join(format!("lisa-vhost-dir-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let d = Some(dir.as_path());
        let at = |p: &str| format!("vhost-server:{}", dir.join(p).display());
        let ok = |k: &str| check_api_port(&k.parse().unwrap(), d);
        assert!(ok(&at("vm1.sock")).is_ok());
        assert!(ok(&at("vm1.sock").replace("server", "client")).is_ok());
        assert!(ok(&at("sub/vm1.sock")).is_err(), "a subdirectory");
        assert!(ok(&at("sub/../vm1.sock")).is_ok(), "compared as real paths");
        assert!(ok(&at("../vm1.sock"))
            .unwrap_err()
            .contains("control.vhost_dir"));
        assert!(ok("vhost-server:/etc/passwd").is_err());
        assert!(ok("vhost-server:vm1.sock").is_err(), "relative");
        std::os::unix::fs::symlink("/etc/passwd", dir.join("link.sock")).unwrap();
        assert!(ok(&at("link.sock")).unwrap_err().contains("symbolic link"));
        assert!(ok("pcap:/tmp/a.pcap,/etc/shadow").is_err());
        assert!(ok("tap:lisa9").is_ok() && ok("null").is_ok());
        let anywhere = check_api_port(&"vhost-server:/tmp/x.sock".parse().unwrap(), None);
        assert!(anywhere.is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
