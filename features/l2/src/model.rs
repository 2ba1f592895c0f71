//! Switchport settings and the MAC address table's, with their rules.

use lisa_engine::{Config, Removed};
use lisa_ports::PortsConfig;
use lisa_types::{MacAddr, VlanSet, DEFAULT_VLAN};
use lisa_vlan::VlanDb;
use std::collections::{BTreeMap, BTreeSet};

/// Default MAC address aging time, seconds.
pub const DEFAULT_AGING: u32 = 300;

/// Access or trunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SwitchportMode {
    /// One untagged VLAN.
    #[default]
    Access,
    /// 802.1Q tagged VLANs plus an untagged native one.
    Trunk,
}

/// One switch port's bridging settings. Access and trunk settings are both
/// kept, as IOS does; the mode picks which apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switchport {
    /// Access or trunk.
    pub mode: SwitchportMode,
    /// VLAN of an access port.
    pub access_vlan: u16,
    /// Untagged VLAN of a trunk.
    pub native_vlan: u16,
    /// VLANs a trunk carries.
    pub allowed: VlanSet,
    /// `switchport mode` was written (IOS then shows it, access too).
    pub mode_written: bool,
}

impl Default for Switchport {
    fn default() -> Self {
        Switchport {
            mode: SwitchportMode::Access,
            access_vlan: DEFAULT_VLAN,
            native_vlan: DEFAULT_VLAN,
            allowed: VlanSet::all(),
            mode_written: false,
        }
    }
}

/// A static MAC address table entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StaticMac {
    /// VLAN.
    pub vlan: u16,
    /// Address.
    pub mac: MacAddr,
    /// Interface it lives behind.
    pub interface: String,
}

/// The section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L2Config {
    /// Switchport settings that differ from the defaults, by port name.
    pub switchports: BTreeMap<String, Switchport>,
    /// MAC address aging time, seconds (0 = never).
    pub aging: u32,
    /// Static entries, by (VLAN, MAC).
    pub static_macs: BTreeMap<(u16, MacAddr), String>,
    /// `vlan dot1q tag native`: trunks tag their native VLAN too and drop
    /// untagged frames (no double-tagged frame can hop into another VLAN
    /// through a native VLAN).
    pub tag_native: bool,
}

impl Default for L2Config {
    fn default() -> Self {
        L2Config {
            switchports: BTreeMap::new(),
            aging: DEFAULT_AGING,
            static_macs: BTreeMap::new(),
            tag_native: false,
        }
    }
}

impl L2Config {
    /// Port `name`'s settings (the defaults if none were set).
    pub fn switchport(&self, name: &str) -> Switchport {
        self.switchports.get(name).cloned().unwrap_or_default()
    }

    /// Changes port `name`'s settings; settings back at the defaults are
    /// not kept, so a configuration has one form.
    pub fn edit<T>(&mut self, name: &str, f: impl FnOnce(&mut Switchport) -> T) -> T {
        let mut sp = self.switchport(name);
        let out = f(&mut sp);
        if sp == Switchport::default() {
            self.switchports.remove(name);
        } else {
            self.switchports.insert(name.to_string(), sp);
        }
        out
    }

    /// The static entries, in (VLAN, MAC) order.
    pub fn statics(&self) -> impl Iterator<Item = StaticMac> + '_ {
        self.static_macs.iter().map(|((vlan, mac), i)| StaticMac {
            vlan: *vlan,
            mac: *mac,
            interface: i.clone(),
        })
    }

    /// The static entries, as a set.
    pub fn static_set(&self) -> BTreeSet<StaticMac> {
        self.statics().collect()
    }
}

/// Adds (or moves) a static MAC entry, checking that the address is
/// unicast and that the VLAN and the switch port exist: one rule for the
/// IOS text and the typed API.
pub fn set_static_mac(
    cfg: &mut Config,
    vlan: u16,
    mac: MacAddr,
    interface: &str,
) -> Result<(), String> {
    check_static(cfg, vlan, mac, interface)?;
    cfg.get_mut::<L2Config>()
        .static_macs
        .insert((vlan, mac), interface.to_string());
    Ok(())
}

fn check_static(cfg: &Config, vlan: u16, mac: MacAddr, interface: &str) -> Result<(), String> {
    if !mac.is_unicast() {
        return Err(format!(
            "{} is a multicast address; only unicast addresses can be static",
            mac.to_cisco()
        ));
    }
    if !cfg.get::<VlanDb>().exists(vlan) {
        return Err(format!(
            "VLAN {vlan} does not exist; create it first with 'vlan {vlan}'"
        ));
    }
    if !cfg.get::<PortsConfig>().is_port(interface) {
        return Err(format!("Interface {interface} does not exist"));
    }
    Ok(())
}

/// The rules: aging in range, switchports only on switch ports, static
/// entries valid.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let l2 = cfg.get::<L2Config>();
    if l2.aging != 0 && !(10..=1_000_000).contains(&l2.aging) {
        return Err(format!(
            "mac address-table aging-time {}: use 0 or 10-1000000",
            l2.aging
        ));
    }
    let ports = cfg.get::<PortsConfig>();
    for name in l2.switchports.keys() {
        if !ports.is_port(name) {
            return Err(format!(
                "interface {name}: switchport settings need a switch port"
            ));
        }
    }
    for s in l2.statics() {
        check_static(cfg, s.vlan, s.mac, &s.interface)
            .map_err(|e| format!("mac address-table static {}: {e}", s.mac.to_cisco()))?;
    }
    Ok(())
}

/// Drops static entries of deleted VLANs, and the settings and entries of
/// removed interfaces.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    let l2 = cfg.get_mut::<L2Config>();
    match what {
        Removed::Vlans(set) => l2.static_macs.retain(|(v, _), _| !set.contains(*v)),
        Removed::Interface(name) => {
            l2.switchports.remove(name);
            l2.static_macs.retain(|_, i| i != name);
        }
        Removed::InterfaceSettings(name) => {
            l2.switchports.remove(name);
        }
    }
}
