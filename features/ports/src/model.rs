//! The interfaces and their common settings, with the rules they follow.

use lisa_engine::Config;
use std::collections::{BTreeMap, BTreeSet};

/// The interface configuration sub-mode (`(config-if)#`).
pub const IF_MODE: &str = "config-if";
/// Default interface MTU.
pub const DEFAULT_MTU: u16 = 1500;
/// Largest MTU (jumbo frames).
pub const MAX_MTU: u16 = 9198;
/// Smallest MTU.
pub const MIN_MTU: u16 = 68;
/// Longest interface description.
pub const MAX_DESCRIPTION: usize = 240;

/// A description as it will be kept: without the blanks around it (the
/// IOS text cannot carry them: `description  x ` reads back as `x`), at
/// most `MAX_DESCRIPTION` characters of printable text on one line.
pub fn description(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.len() > MAX_DESCRIPTION {
        return Err(format!(
            "the description is limited to {MAX_DESCRIPTION} characters"
        ));
    }
    lisa_types::check_text(text).map_err(|e| format!("the description {e}"))?;
    Ok(text.to_string())
}

/// One interface's common settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceConfig {
    /// Free text.
    pub description: String,
    /// Administratively down.
    pub shutdown: bool,
    /// Largest L3 payload (switch ports only; an SVI keeps the default).
    pub mtu: u16,
}

impl Default for InterfaceConfig {
    fn default() -> Self {
        InterfaceConfig {
            description: String::new(),
            shutdown: false,
            mtu: DEFAULT_MTU,
        }
    }
}

/// The section: every interface by name, switch ports and SVIs (`Vlan10`).
/// Settings stay for ports that are not plugged (a VM's port keeps its
/// VLAN while the VM is off); `present` says which ports are plugged now.
#[derive(Debug, Clone, Default)]
pub struct PortsConfig {
    /// Interfaces by name.
    pub interfaces: BTreeMap<String, InterfaceConfig>,
    /// The switch ports plugged now, each with an entry in `interfaces`
    /// (`plugged` makes one; a plugged port's entry is never removed, only
    /// reset). Not configuration: it is never rendered, and two configurations that differ only in it are equal
    /// (plugging a port changes no setting).
    pub present: BTreeSet<String>,
}

impl PartialEq for PortsConfig {
    fn eq(&self, other: &Self) -> bool {
        self.interfaces == other.interfaces
    }
}

impl Eq for PortsConfig {}

impl PortsConfig {
    /// The switch ports (not SVIs), by name.
    pub fn ports(&self) -> impl Iterator<Item = (&String, &InterfaceConfig)> {
        self.interfaces
            .iter()
            .filter(|(n, _)| !lisa_types::is_svi(n))
    }

    /// The SVIs, by VLAN id.
    pub fn svis(&self) -> BTreeMap<u16, &InterfaceConfig> {
        self.interfaces
            .iter()
            .filter_map(|(n, i)| Some((lisa_types::svi_vlan(n)?.ok()?, i)))
            .collect()
    }

    /// Interface `name`'s settings (the defaults if it has none).
    pub fn interface(&self, name: &str) -> InterfaceConfig {
        self.interfaces.get(name).cloned().unwrap_or_default()
    }

    /// True if `name` is a switch port this configuration knows.
    pub fn is_port(&self, name: &str) -> bool {
        !lisa_types::is_svi(name) && self.interfaces.contains_key(name)
    }

    /// True if switch port `name` is plugged now.
    pub fn is_present(&self, name: &str) -> bool {
        self.present.contains(name)
    }

    /// Port `name` was plugged: it is present, with settings (the defaults
    /// if it had none).
    pub fn plugged(&mut self, name: &str) -> &mut InterfaceConfig {
        self.present.insert(name.to_string());
        self.interfaces.entry(name.to_string()).or_default()
    }

    /// Port `name` was unplugged: its settings stay.
    pub fn unplugged(&mut self, name: &str) {
        self.present.remove(name);
    }
}

/// `cfg` with these switch ports present, at their defaults unless they
/// have settings (what a switch starts from).
pub fn with_ports<'a>(mut cfg: Config, names: impl IntoIterator<Item = &'a str>) -> Config {
    let ports = cfg.get_mut::<PortsConfig>();
    for n in names {
        ports.plugged(n);
    }
    cfg
}

/// Resolves an interface name as typed (`e1`, `ethernet1`, `Vhost3`,
/// `vlan10`) to its canonical name, matching the type prefix against the
/// interfaces the configuration knows; an unknown type is kept as typed
/// (pre-provisioning).
pub fn resolve_interface(cfg: &Config, typed: &str) -> Result<String, String> {
    let names = cfg.get::<PortsConfig>().interfaces.keys();
    lisa_types::resolve_interface(names.map(String::as_str), typed)
}

/// The rules: MTUs in range, descriptions printable and not too long,
/// SVI names valid.
pub fn validate(cfg: &Config) -> Result<(), String> {
    for (name, i) in &cfg.get::<PortsConfig>().interfaces {
        if let Some(Err(e)) = lisa_types::svi_vlan(name) {
            return Err(e);
        }
        if !(MIN_MTU..=MAX_MTU).contains(&i.mtu) {
            return Err(format!(
                "interface {name}: mtu {} is out of range ({MIN_MTU}-{MAX_MTU})",
                i.mtu
            ));
        }
        if i.description.len() > MAX_DESCRIPTION {
            return Err(format!(
                "interface {name}: the description is limited to {MAX_DESCRIPTION} characters"
            ));
        }
        lisa_types::check_text(&i.description)
            .map_err(|e| format!("interface {name}: the description {e}"))?;
    }
    Ok(())
}
