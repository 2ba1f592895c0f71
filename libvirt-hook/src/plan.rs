//! What to plug for a domain: one switch port per vhost-user interface
//! whose socket lies in the managed directory, named after the socket
//! file (`vm1.sock` -> port `vm1`, `Vhost12.sock` -> `Vhost12`), as libvirt
//! and OVS name a vhost-user port after its socket's basename.

use crate::domain::{Domain, Intent, QemuMode};
use std::path::{Component, Path, PathBuf};

/// One port to plug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plug {
    /// The switch port name.
    pub port: String,
    /// `vhost-client:PATH` (QEMU is the server) or `vhost-server:PATH`.
    pub kind: String,
    /// "DOMAIN MAC": the interface description for a new port.
    pub description: String,
    /// Settings for the port if the switch has none saved for it.
    pub intent: Option<Intent>,
    /// The socket.
    pub socket: PathBuf,
    /// The switch listens on the socket (QEMU's mode is client).
    pub switch_listens: bool,
}

/// A domain's plan: ports to plug, and interfaces left alone (with why).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Ports to plug.
    pub plugs: Vec<Plug>,
    /// Interfaces not for this switch.
    pub ignored: Vec<String>,
}

/// The port name for a socket: its file name without the extension, which
/// must be letters then a number (`vm1`, `Vhost12`, `web3`).
pub fn port_name(socket: &Path) -> Result<String, String> {
    let stem = socket
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("socket {}: no file name", socket.display()))?;
    if lisa_types::is_svi(stem) {
        Err(format!(
            "socket {}: {stem} names an SVI (interface VlanN), not a switch port; name the socket otherwise",
            socket.display()
        ))
    } else if lisa_types::valid_port_name(stem) {
        Ok(stem.to_string())
    } else {
        Err(format!(
            "socket {}: its file name must be letters then a number, so that it names a switch \
             port (vm1.sock -> port vm1, Vhost12.sock -> port Vhost12)",
            socket.display()
        ))
    }
}

/// True if `path` is absolute, has no `..`, and sits directly in `dir`
/// (not in a subdirectory), both compared as real paths where they exist,
/// so a symbolic link cannot lead elsewhere.
fn under(path: &Path, dir: &Path) -> bool {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    path.is_absolute()
        && !path.components().any(|c| matches!(c, Component::ParentDir))
        && path.parent().is_some_and(|p| real(p) == real(dir))
}

/// The plan for `domain`, managing only sockets in `dir`.
pub fn plan(domain: &Domain, dir: &Path) -> Result<Plan, String> {
    let mut p = Plan::default();
    for i in &domain.interfaces {
        if !under(&i.socket, dir) {
            p.ignored
                .push(format!("{}: not in {}", i.socket.display(), dir.display()));
            continue;
        }
        let port = port_name(&i.socket)?;
        if p.plugs
            .iter()
            .any(|q: &Plug| q.port.eq_ignore_ascii_case(&port))
        {
            return Err(format!("two interfaces use the port name {port}"));
        }
        let path = i.socket.display();
        let (kind, switch_listens) = match i.qemu_mode {
            QemuMode::Server => (format!("vhost-client:{path}"), false),
            QemuMode::Client => (format!("vhost-server:{path}"), true),
        };
        // A domain's name is free text: no line of it may become config.
        let name = lisa_types::printable(&domain.name);
        let description = match i.mac {
            Some(m) => format!("{name} {m}"),
            None => name,
        };
        p.plugs.push(Plug {
            port,
            kind,
            description,
            intent: domain.intent_for(i.mac).cloned(),
            socket: i.socket.clone(),
            switch_listens,
        });
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::VhostInterface;

    fn dom(paths: &[(&str, QemuMode)]) -> Domain {
        Domain {
            name: "vm1".into(),
            interfaces: paths
                .iter()
                .map(|(p, m)| VhostInterface {
                    mac: "52:54:00:00:00:01".parse().ok(),
                    socket: PathBuf::from(p),
                    qemu_mode: *m,
                    alias: None,
                })
                .collect(),
            intents: vec![(None, Intent::Access { vlan: 10 })],
        }
    }

    #[test]
    fn only_sockets_under_the_directory() {
        let d = dom(&[
            ("/run/lisa/vhost/vm1.sock", QemuMode::Server),
            ("/run/lisa/vhost/../elsewhere/vm2.sock", QemuMode::Server),
            ("/var/run/openvswitch/vhu1.sock", QemuMode::Client),
            ("/run/lisa/vhost/Vhost3", QemuMode::Client),
            ("/run/lisa/vhost/sub/vm4.sock", QemuMode::Server),
        ]);
        let p = plan(&d, Path::new("/run/lisa/vhost")).unwrap();
        let names: Vec<&str> = p.plugs.iter().map(|q| q.port.as_str()).collect();
        assert_eq!(names, vec!["vm1", "Vhost3"]);
        assert_eq!(p.plugs[0].kind, "vhost-client:/run/lisa/vhost/vm1.sock");
        assert_eq!(p.plugs[1].kind, "vhost-server:/run/lisa/vhost/Vhost3");
        assert_eq!(p.plugs[0].description, "vm1 52:54:00:00:00:01");
        assert_eq!(p.ignored.len(), 3);
    }

    #[test]
    fn a_line_break_in_the_domain_name_stays_text() {
        let mut d = dom(&[("/run/lisa/vhost/vm1.sock", QemuMode::Server)]);
        d.name = "web\nno vlan 10".into();
        let p = plan(&d, Path::new("/run/lisa/vhost")).unwrap();
        assert_eq!(p.plugs[0].description, "web no vlan 10 52:54:00:00:00:01");
    }

    #[test]
    fn a_socket_named_like_an_svi_is_refused() {
        let e = port_name(Path::new("/run/lisa/vhost/Vlan10.sock")).unwrap_err();
        assert!(e.contains("names an SVI"), "{e}");
        assert_eq!(
            port_name(Path::new("/run/lisa/vhost/vlanx1.sock")).unwrap(),
            "vlanx1"
        );
    }

    #[test]
    fn a_socket_name_that_names_no_port_is_an_error() {
        let d = dom(&[("/run/lisa/vhost/web-eth0.sock", QemuMode::Server)]);
        let e = plan(&d, Path::new("/run/lisa/vhost")).unwrap_err();
        assert!(e.contains("letters then a number"), "{e}");
    }
}
