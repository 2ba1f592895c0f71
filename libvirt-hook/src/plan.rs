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

/// The port name for a socket: its file name without the extension
/// (`web01-eth0.sock` -> `web01-eth0`, `vhu3f2a1b8c-4e` as it is), as OVS
/// names a vhost-user port. It must be a port name
/// (`lisa_types::check_port_name`) that reads back as itself: a name such
/// as `eth0` would read as the IOS name `Ethernet0` in a saved
/// configuration before the VM's port is plugged.
pub fn port_name(socket: &Path) -> Result<String, String> {
    let stem = socket
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("socket {}: no file name", socket.display()))?;
    name_checked(stem).map_err(|e| {
        format!(
            "socket {}: {e}; name the socket otherwise, or name the port with <lisa:port mac='...' name='...'>",
            socket.display()
        )
    })
}

/// `name` if it can name a VM's port: a port name that reads back as
/// itself.
pub fn name_checked(name: &str) -> Result<String, String> {
    lisa_types::check_port_name(name)?;
    match lisa_types::resolve_interface(std::iter::empty(), name) {
        Ok(read) if read == name => Ok(name.to_string()),
        Ok(read) => Err(format!(
            "the port name {name} reads as the IOS interface {read}"
        )),
        Err(e) => Err(e),
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
        let port = match domain.port_name_for(i.mac) {
            Some(n) => name_checked(n).map_err(|e| format!("<lisa:port name='{n}'>: {e}"))?,
            None => port_name(&i.socket)?,
        };
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
            port_names: Vec::new(),
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
        for svi in ["Vlan10", "vlanx1"] {
            let e = port_name(Path::new(&format!("/run/lisa/vhost/{svi}.sock"))).unwrap_err();
            assert!(e.contains("SVIs"), "{e}");
        }
    }

    /// The names VMs' sockets usually have (OVS takes any basename).
    #[test]
    fn any_usual_socket_name_names_a_port() {
        for (file, port) in [
            ("web01-eth0.sock", "web01-eth0"),
            ("vhost-user-1.sock", "vhost-user-1"),
            ("web01_0.sock", "web01_0"),
            ("web.sock", "web"),
            ("vhu3f2a1b8c-4e", "vhu3f2a1b8c-4e"),
        ] {
            let d = dom(&[(&format!("/run/lisa/vhost/{file}"), QemuMode::Server)]);
            let p = plan(&d, Path::new("/run/lisa/vhost")).unwrap();
            assert_eq!(p.plugs[0].port, port);
        }
    }

    #[test]
    fn a_socket_name_that_names_no_port_or_an_ios_one_is_an_error() {
        for (file, why) in [
            ("web eth0.sock", "not a port name"),
            ("eth0.sock", "reads as the IOS interface Ethernet0"),
            ("0web.sock", "not a port name"),
        ] {
            let d = dom(&[(&format!("/run/lisa/vhost/{file}"), QemuMode::Server)]);
            let e = plan(&d, Path::new("/run/lisa/vhost")).unwrap_err();
            assert!(e.contains(why) && e.contains("<lisa:port"), "{e}");
        }
    }

    #[test]
    fn lisa_port_names_the_port() {
        let mut d = dom(&[("/run/lisa/vhost/eth0.sock", QemuMode::Server)]);
        let mac = d.interfaces[0].mac.unwrap();
        d.port_names.push((mac, "web-frontend".into()));
        let p = plan(&d, Path::new("/run/lisa/vhost")).unwrap();
        assert_eq!(p.plugs[0].port, "web-frontend");
        d.port_names[0].1 = "Vlan3".into();
        assert!(plan(&d, Path::new("/run/lisa/vhost"))
            .unwrap_err()
            .contains("<lisa:port name='Vlan3'>"));
    }
}
