//! What the hook reads from a libvirt domain XML: the domain's name, its
//! vhost-user interfaces (socket, mode, MAC, alias), and the switching
//! intent for new ports from a `<lisa:port>` element of our namespace in
//! `<metadata>` (libvirt refuses `<vlan>` on vhostuser interfaces).

use lisa_types::MacAddr;
use std::path::PathBuf;

/// The XML namespace of LiSA-DP's domain metadata.
pub const LISA_NS: &str = "http://lisa-dp.org/xmlns/libvirt/1";

/// Who owns the socket, as libvirt says it (`<source mode=...>`): QEMU's
/// side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QemuMode {
    /// QEMU listens; the switch connects (and reconnects after its own
    /// restart). The recommended mode.
    Server,
    /// The switch listens; QEMU connects.
    Client,
}

/// One `<interface type='vhostuser'>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VhostInterface {
    /// `<mac address=...>`, if given.
    pub mac: Option<MacAddr>,
    /// `<source path=...>`.
    pub socket: PathBuf,
    /// `<source mode=...>`.
    pub qemu_mode: QemuMode,
    /// `<alias name=...>` (a running domain's device name, `net0`).
    pub alias: Option<String>,
}

/// Switching intent for a port the switch has no saved settings for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// An access port in this VLAN.
    Access {
        /// The VLAN.
        vlan: u16,
    },
    /// A trunk.
    Trunk {
        /// Allowed VLANs (IOS list syntax), if given.
        allowed: Option<String>,
        /// Native VLAN, if given.
        native: Option<u16>,
    },
}

impl std::fmt::Display for Intent {
    /// As swcli would say it: `access vlan 10`, `trunk allowed 10,20 native 20`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Intent::Access { vlan } => write!(f, "access vlan {vlan}"),
            Intent::Trunk { allowed, native } => {
                write!(f, "trunk")?;
                if let Some(a) = allowed {
                    write!(f, " allowed {a}")?;
                }
                if let Some(n) = native {
                    write!(f, " native {n}")?;
                }
                Ok(())
            }
        }
    }
}

/// What the hook needs of a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// `<name>`.
    pub name: String,
    /// Its vhost-user interfaces, in document order.
    pub interfaces: Vec<VhostInterface>,
    /// `<lisa:port>` intents: for one MAC, or (no `mac`) for every interface.
    pub intents: Vec<(Option<MacAddr>, Intent)>,
    /// `<lisa:port mac=... name=...>`: the switch port name for the
    /// interface with that MAC, instead of its socket's file name.
    pub port_names: Vec<(MacAddr, String)>,
}

impl Domain {
    /// The intent for an interface with `mac`.
    pub fn intent_for(&self, mac: Option<MacAddr>) -> Option<&Intent> {
        self.intents
            .iter()
            .find(|(m, _)| m.is_some() && *m == mac)
            .or_else(|| self.intents.iter().find(|(m, _)| m.is_none()))
            .map(|(_, i)| i)
    }

    /// The port name `<lisa:port>` gives the interface with `mac`, if any.
    pub fn port_name_for(&self, mac: Option<MacAddr>) -> Option<&str> {
        let mac = mac?;
        self.port_names
            .iter()
            .find(|(m, _)| *m == mac)
            .map(|(_, n)| n.as_str())
    }
}

/// Why a domain XML cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Not well-formed XML.
    #[error("the domain XML is malformed: {0}")]
    Xml(String),
    /// Well-formed, but not a `<domain>`.
    #[error("the XML is not a libvirt domain (its root is <{0}>)")]
    NotADomain(String),
    /// A vhostuser interface lacks what we need.
    #[error("interface {index} (vhostuser): {why}")]
    Interface {
        /// Its position among the domain's interfaces (0-based).
        index: usize,
        /// What is wrong.
        why: String,
    },
    /// A `<lisa:port>` element is wrong.
    #[error("<lisa:port> in <metadata>: {0}")]
    Intent(String),
}

fn vlan(attr: &str, v: &str) -> Result<u16, DomainError> {
    v.parse::<u32>()
        .ok()
        .filter(|v| lisa_types::valid_vlan(*v))
        .map(|v| v as u16)
        .ok_or_else(|| DomainError::Intent(format!("{attr}='{v}' is not a VLAN id (1-4094)")))
}

/// What one `<lisa:port>` says: the MAC it is for (None: every
/// interface), its switching intent, its port name.
type PortElement = (Option<MacAddr>, Option<Intent>, Option<String>);

fn port_element(node: roxmltree::Node) -> Result<PortElement, DomainError> {
    let mac = match node.attribute("mac") {
        Some(m) => Some(
            m.parse::<MacAddr>()
                .map_err(|_| DomainError::Intent(format!("mac='{m}' is not a MAC address")))?,
        ),
        None => None,
    };
    let name = match node.attribute("name") {
        Some(n) => {
            if mac.is_none() {
                return Err(DomainError::Intent(format!(
                    "name='{n}' needs the mac='...' of the interface it names"
                )));
            }
            lisa_types::check_port_name(n).map_err(|e| DomainError::Intent(format!("name={e}")))?;
            Some(n.to_string())
        }
        None => None,
    };
    if name.is_some() && node.attribute("mode").is_none() && node.attribute("access-vlan").is_none()
    {
        return Ok((mac, None, name));
    }
    Ok((mac, Some(intent(node)?), name))
}

fn intent(node: roxmltree::Node) -> Result<Intent, DomainError> {
    let access = node.attribute("access-vlan");
    let mode = node
        .attribute("mode")
        .unwrap_or(if access.is_some() { "access" } else { "" });
    let i = match mode {
        "access" => Intent::Access {
            vlan: vlan(
                "access-vlan",
                access
                    .ok_or_else(|| DomainError::Intent("mode='access' needs access-vlan".into()))?,
            )?,
        },
        "trunk" => {
            let allowed = node.attribute("allowed-vlans").map(str::to_string);
            if let Some(a) = &allowed {
                a.parse::<lisa_types::VlanSet>().map_err(|_| {
                    DomainError::Intent(format!(
                        "allowed-vlans='{a}' is not a VLAN list (10,20-30)"
                    ))
                })?;
            }
            let native = node
                .attribute("native-vlan")
                .map(|v| vlan("native-vlan", v))
                .transpose()?;
            Intent::Trunk { allowed, native }
        }
        "" => {
            return Err(DomainError::Intent(
                "give access-vlan='N', or mode='trunk'".into(),
            ))
        }
        other => {
            return Err(DomainError::Intent(format!(
                "mode='{other}': use 'access' or 'trunk'"
            )))
        }
    };
    Ok(i)
}

/// The first child element of `n` called `name` (no namespace).
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace().is_none()
    })
}

/// Reads a domain XML.
pub fn parse(xml: &str) -> Result<Domain, DomainError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| DomainError::Xml(e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().name() != "domain" {
        return Err(DomainError::NotADomain(root.tag_name().name().to_string()));
    }
    let name = child(root, "name")
        .and_then(|n| n.text())
        .unwrap_or("")
        .trim()
        .to_string();
    let mut interfaces = Vec::new();
    if let Some(devices) = child(root, "devices") {
        let all = devices
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "interface");
        for (index, iface) in all.enumerate() {
            if iface.attribute("type") != Some("vhostuser") {
                continue;
            }
            let bad = |why: String| DomainError::Interface { index, why };
            let source = child(iface, "source").ok_or_else(|| bad("no <source>".into()))?;
            if source.attribute("type").is_some_and(|t| t != "unix") {
                return Err(bad("<source type=...> must be 'unix'".into()));
            }
            let path = source
                .attribute("path")
                .ok_or_else(|| bad("<source> has no path".into()))?;
            let qemu_mode = match source.attribute("mode") {
                Some("server") => QemuMode::Server,
                Some("client") => QemuMode::Client,
                other => {
                    return Err(bad(format!(
                        "<source mode=...> must be 'server' or 'client', not {other:?}"
                    )))
                }
            };
            let mac = match child(iface, "mac").and_then(|m| m.attribute("address")) {
                Some(m) => Some(
                    m.parse::<MacAddr>()
                        .map_err(|_| bad(format!("mac '{m}'")))?,
                ),
                None => None,
            };
            let alias = child(iface, "alias")
                .and_then(|a| a.attribute("name"))
                .map(str::to_string);
            interfaces.push(VhostInterface {
                mac,
                socket: PathBuf::from(path),
                qemu_mode,
                alias,
            });
        }
    }
    let mut intents = Vec::new();
    let mut port_names = Vec::new();
    if let Some(meta) = child(root, "metadata") {
        for n in meta.descendants().filter(|n| {
            n.is_element()
                && n.tag_name().name() == "port"
                && n.tag_name().namespace() == Some(LISA_NS)
        }) {
            let (mac, intent, port) = port_element(n)?;
            if let Some(i) = intent {
                intents.push((mac, i));
            }
            if let (Some(m), Some(p)) = (mac, port) {
                port_names.push((m, p));
            }
        }
    }
    Ok(Domain {
        name,
        interfaces,
        intents,
        port_names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VM: &str = r#"<domain type='kvm'>
  <name>vm1</name>
  <metadata>
    <lisa:ports xmlns:lisa="http://lisa-dp.org/xmlns/libvirt/1">
      <lisa:port mac="52:54:00:00:00:01" access-vlan="10"/>
      <lisa:port mac="52:54:00:00:00:02" mode="trunk" allowed-vlans="10,20" native-vlan="20" name="vm1-uplink"/>
    </lisa:ports>
  </metadata>
  <devices>
    <interface type='network'><source network='default'/></interface>
    <interface type='vhostuser'>
      <mac address='52:54:00:00:00:01'/>
      <source type='unix' path='/run/lisa/vhost/vm1.sock' mode='server'/>
      <model type='virtio'/>
      <alias name='net1'/>
    </interface>
    <interface type='vhostuser'>
      <mac address='52:54:00:00:00:02'/>
      <source type='unix' path='/run/lisa/vhost/vm2.sock' mode='client'/>
    </interface>
  </devices>
</domain>"#;

    #[test]
    fn reads_interfaces_and_intents() {
        let d = parse(VM).unwrap();
        assert_eq!(d.port_name_for(d.interfaces[0].mac), None);
        assert_eq!(d.port_name_for(d.interfaces[1].mac), Some("vm1-uplink"));
        let named_only = VM.replace(r#"access-vlan="10"/>"#, r#"name="web-frontend"/>"#);
        let d2 = parse(&named_only).unwrap();
        assert_eq!(d2.port_name_for(d2.interfaces[0].mac), Some("web-frontend"));
        assert_eq!(d2.intent_for(d2.interfaces[0].mac), None);
        for (bad, why) in [
            (r#"mac="52:54:00:00:00:01" name="a b"/>"#, "not a port name"),
            (r#"name="x" access-vlan="10"/>"#, "needs the mac"),
        ] {
            let xml = VM.replacen(r#"mac="52:54:00:00:00:01" access-vlan="10"/>"#, bad, 1);
            let e = parse(&xml).unwrap_err().to_string();
            assert!(e.contains(why), "{e}");
        }
        assert_eq!(d.name, "vm1");
        assert_eq!(d.interfaces.len(), 2);
        assert_eq!(d.interfaces[0].qemu_mode, QemuMode::Server);
        assert_eq!(d.interfaces[0].alias.as_deref(), Some("net1"));
        assert_eq!(d.interfaces[1].qemu_mode, QemuMode::Client);
        assert_eq!(
            d.intent_for(d.interfaces[0].mac),
            Some(&Intent::Access { vlan: 10 })
        );
        assert_eq!(
            d.intent_for(d.interfaces[1].mac),
            Some(&Intent::Trunk {
                allowed: Some("10,20".into()),
                native: Some(20)
            })
        );
    }

    #[test]
    fn bad_documents_are_named() {
        assert!(matches!(
            parse("<domain><name>x</name>"),
            Err(DomainError::Xml(_))
        ));
        assert!(matches!(
            parse("<network/>"),
            Err(DomainError::NotADomain(_))
        ));
        let bad_vlan = VM.replace("access-vlan=\"10\"", "access-vlan=\"4095\"");
        let e = parse(&bad_vlan).unwrap_err();
        assert!(e.to_string().contains("4095"), "{e}");
        let no_path = VM.replace("path='/run/lisa/vhost/vm1.sock' ", "");
        let e = parse(&no_path).unwrap_err();
        assert!(e.to_string().contains("interface 1"), "{e}");
    }
}
