//! Port security's settings, as IOS keeps them (`switchport
//! port-security ...` in a switch port's block): a secured port admits
//! frames only from its secure MAC addresses (configured ones, sticky ones
//! written into the configuration, and ones learned while it runs), up to
//! a maximum; a frame from any other address is a violation, handled as
//! the port's violation mode says.

use lisa_engine::{Config, Removed};
use lisa_l2::{L2Config, SwitchportMode};
use lisa_ports::PortsConfig;
use lisa_types::MacAddr;
use std::collections::{BTreeMap, BTreeSet};

/// IOS's default maximum of secure addresses on a port.
pub const DEFAULT_MAXIMUM: u32 = 1;
/// The highest maximum a port takes (IOS goes to 8192; LiSA-DP to 4096).
pub const MAX_MAXIMUM: u32 = 4096;
/// The longest aging time, minutes (0: secure addresses never age).
pub const MAX_AGING: u32 = 1440;
/// The VLAN key of an address written without `vlan N`: the port's own
/// VLAN (an access port's access VLAN, a trunk's native VLAN).
pub const PORT_VLAN: u16 = 0;

/// What a port does with a frame from an address that is not secure once
/// it has its maximum (`switchport port-security violation X`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Violation {
    /// `shutdown` (the default): the port goes err-disabled.
    #[default]
    Shutdown,
    /// `restrict`: the frame is dropped, counted and logged.
    Restrict,
    /// `protect`: the frame is dropped silently.
    Protect,
}

impl Violation {
    /// Every mode, in IOS's order of keywords.
    pub const ALL: [Violation; 3] = [Violation::Protect, Violation::Restrict, Violation::Shutdown];

    /// The IOS keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Violation::Shutdown => "shutdown",
            Violation::Restrict => "restrict",
            Violation::Protect => "protect",
        }
    }

    /// The mode an IOS keyword names.
    pub fn from_keyword(word: &str) -> Option<Violation> {
        Violation::ALL.into_iter().find(|v| v.keyword() == word)
    }
}

/// How a secure address came into the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddressKind {
    /// `switchport port-security mac-address MAC`: written by hand.
    Configured,
    /// `switchport port-security mac-address sticky MAC`: learned with
    /// sticky learning on (or written as such).
    Sticky,
}

/// One port's port security settings. They stay when port security is
/// off (`no switchport port-security`), as IOS keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSecurity {
    /// `switchport port-security`: port security is on.
    pub enabled: bool,
    /// `switchport port-security maximum N` (1-4096; 1 unless set).
    pub maximum: u32,
    /// `switchport port-security violation X`.
    pub violation: Violation,
    /// `switchport port-security mac-address sticky`: addresses learned
    /// are written into the configuration.
    pub sticky: bool,
    /// The secure addresses of the configuration, by (VLAN, MAC); VLAN
    /// `PORT_VLAN` (0) is the port's own VLAN.
    pub addresses: BTreeMap<(u16, MacAddr), AddressKind>,
    /// `switchport port-security aging time N`, minutes (0: no aging).
    pub aging_time: u32,
}

impl Default for PortSecurity {
    fn default() -> Self {
        PortSecurity {
            enabled: false,
            maximum: DEFAULT_MAXIMUM,
            violation: Violation::default(),
            sticky: false,
            addresses: BTreeMap::new(),
            aging_time: 0,
        }
    }
}

impl PortSecurity {
    /// Nothing set.
    pub fn is_default(&self) -> bool {
        *self == PortSecurity::default()
    }

    /// How many secure addresses of kind `kind` the configuration holds.
    pub fn count(&self, kind: AddressKind) -> usize {
        self.addresses.values().filter(|k| **k == kind).count()
    }

    /// The addresses of kind `kind`, by (VLAN, MAC).
    pub fn addresses_of(&self, kind: AddressKind) -> impl Iterator<Item = (u16, MacAddr)> + '_ {
        self.addresses
            .iter()
            .filter(move |(_, k)| **k == kind)
            .map(|(key, _)| *key)
    }
}

/// The section: every port's settings, by interface name (ports with
/// none are absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortSecurityConfig {
    /// Per-port settings.
    pub ports: BTreeMap<String, PortSecurity>,
}

impl PortSecurityConfig {
    /// Port `name`'s settings (the defaults if none).
    pub fn port(&self, name: &str) -> PortSecurity {
        lisa_engine::per_port::port_or_default(&self.ports, name)
    }

    /// Changes port `name`'s settings; settings back at the defaults are
    /// not kept, so a configuration has one form.
    pub fn edit<T>(&mut self, name: &str, f: impl FnOnce(&mut PortSecurity) -> T) -> T {
        lisa_engine::per_port::edit_port(&mut self.ports, name, f)
    }

    /// The ports with port security on, with their settings.
    pub fn secured_ports(&self) -> impl Iterator<Item = (&str, &PortSecurity)> + '_ {
        self.ports
            .iter()
            .filter(|(_, p)| p.enabled)
            .map(|(n, p)| (n.as_str(), p))
    }

    /// Port `name`'s maximum of secure addresses (1 unless set).
    pub fn maximum_of(&self, name: &str) -> u32 {
        self.ports.get(name).map_or(DEFAULT_MAXIMUM, |p| p.maximum)
    }

    /// Port `name`'s violation mode (shutdown unless set).
    pub fn violation_of(&self, name: &str) -> Violation {
        self.ports
            .get(name)
            .map(|p| p.violation)
            .unwrap_or_default()
    }
}

/// The VLAN an address of port `interface` keyed `vlan` is secure in:
/// `vlan` itself, or for `PORT_VLAN` the port's access VLAN (an access
/// port) or native VLAN (a trunk).
pub fn resolve_vlan(cfg: &Config, interface: &str, vlan: u16) -> u16 {
    if vlan != PORT_VLAN {
        return vlan;
    }
    let sp = cfg.get::<L2Config>().switchport(interface);
    match sp.mode {
        SwitchportMode::Access => sp.access_vlan,
        SwitchportMode::Trunk => sp.native_vlan,
    }
}

/// Port `interface`'s secure addresses of the configuration, with their
/// VLANs resolved (`resolve_vlan`): (VLAN, MAC, kind).
pub fn secure_addresses(cfg: &Config, interface: &str) -> Vec<(u16, MacAddr, AddressKind)> {
    addresses_in(cfg, cfg.get::<PortSecurityConfig>(), interface)
}

/// `secure_addresses`, with the settings taken from `s` (a candidate
/// section) rather than from `cfg`.
fn addresses_in(
    cfg: &Config,
    s: &PortSecurityConfig,
    interface: &str,
) -> Vec<(u16, MacAddr, AddressKind)> {
    let Some(p) = s.ports.get(interface) else {
        return Vec::new();
    };
    p.addresses
        .iter()
        .map(|((vlan, mac), kind)| (resolve_vlan(cfg, interface, *vlan), *mac, *kind))
        .collect()
}

/// IOS's refusal of a secure address beyond the port's maximum.
pub fn limit_reached(interface: &str) -> String {
    format!("Total secure mac-addresses on interface {interface} has reached maximum limit.")
}

/// IOS's refusal of a maximum below the port's secure addresses.
pub const MAXIMUM_TOO_LOW: &str = "Maximum is less than number of currently secured mac-addresses.";

/// Why `name` cannot carry port security settings, if it cannot: it must
/// be a switch port, not a VLAN interface.
pub fn check_interface(name: &str) -> Result<(), String> {
    if lisa_types::is_svi(name) {
        return Err(format!("Command rejected: {name} is not a switch port."));
    }
    Ok(())
}

/// One port's own rules: values in range, unicast addresses, at most
/// `maximum` of them.
pub fn check_port(name: &str, p: &PortSecurity) -> Result<(), String> {
    check_interface(name)?;
    if !(1..=MAX_MAXIMUM).contains(&p.maximum) {
        return Err(format!(
            "interface {name}: switchport port-security maximum {}: use 1-{MAX_MAXIMUM}",
            p.maximum
        ));
    }
    if p.aging_time > MAX_AGING {
        return Err(format!(
            "interface {name}: switchport port-security aging time {}: use 0-{MAX_AGING}",
            p.aging_time
        ));
    }
    if let Some((_, mac)) = p.addresses.keys().find(|(_, m)| !m.is_unicast()) {
        return Err(format!(
            "interface {name}: {} is not a unicast address; only unicast addresses can be secure",
            mac.to_cisco()
        ));
    }
    if p.addresses.len() > p.maximum as usize {
        return Err(limit_reached(name));
    }
    Ok(())
}

/// No address is secure on two ports in one VLAN (IOS: "Found duplicate
/// mac-address"), with the settings of `s` and the switchports of `cfg`.
pub fn check_duplicates(cfg: &Config, s: &PortSecurityConfig) -> Result<(), String> {
    let mut seen: BTreeSet<(u16, MacAddr)> = BTreeSet::new();
    for name in s.ports.keys() {
        let mine: BTreeSet<(u16, MacAddr)> = addresses_in(cfg, s, name)
            .into_iter()
            .map(|(vlan, mac, _)| (vlan, mac))
            .collect();
        if let Some((_, mac)) = mine.iter().find(|k| seen.contains(k)) {
            return Err(format!("Found duplicate mac-address {}.", mac.to_cisco()));
        }
        seen.extend(mine);
    }
    Ok(())
}

/// The rules: settings only on switch ports the configuration knows (not
/// SVIs), values in range, unicast addresses, at most the maximum on each
/// port, and no address secure on two ports in one VLAN.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let ports = cfg.get::<PortsConfig>();
    for (name, p) in &cfg.get::<PortSecurityConfig>().ports {
        check_port(name, p)?;
        if !ports.is_port(name) {
            return Err(format!("Interface {name} does not exist"));
        }
    }
    check_duplicates(cfg, cfg.get::<PortSecurityConfig>())
}

/// The key an address learned on `interface` in `vlan` is written with:
/// no VLAN (`PORT_VLAN`) for an access port's access VLAN, as IOS writes
/// it; `vlan` otherwise.
fn sticky_key(cfg: &Config, interface: &str, vlan: u16) -> u16 {
    let sp = cfg.get::<L2Config>().switchport(interface);
    if sp.mode == SwitchportMode::Access && vlan == sp.access_vlan {
        PORT_VLAN
    } else {
        vlan
    }
}

/// Writes an address learned at run time on `interface` (sticky learning
/// on) into the configuration, as IOS writes learned sticky addresses
/// into the running-config (`switchport port-security mac-address sticky
/// MAC`). `vlan` is the VLAN it was learned in. Returns true if the
/// configuration changed (false if the address was secure there already);
/// refuses an address beyond the port's maximum, a group address, one
/// secure on another port in that VLAN, or a port without sticky
/// learning.
pub fn add_sticky(
    cfg: &mut Config,
    interface: &str,
    vlan: u16,
    mac: MacAddr,
) -> Result<bool, String> {
    let p = cfg.get::<PortSecurityConfig>().port(interface);
    if !p.sticky {
        return Err(format!(
            "interface {interface}: sticky learning is off (switchport port-security mac-address sticky)"
        ));
    }
    let known = secure_addresses(cfg, interface)
        .iter()
        .any(|(v, m, _)| (*v, *m) == (vlan, mac));
    if known {
        return Ok(false);
    }
    let key = (sticky_key(cfg, interface, vlan), mac);
    let mut next = p;
    next.addresses.insert(key, AddressKind::Sticky);
    check_port(interface, &next)?;
    let mut section = cfg.get::<PortSecurityConfig>().clone();
    section.ports.insert(interface.to_string(), next);
    check_duplicates(cfg, &section)?;
    *cfg.get_mut::<PortSecurityConfig>() = section;
    Ok(true)
}

/// A removed interface, or one set back to its defaults (`default
/// interface X`), loses its port security settings.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    match what {
        Removed::Interface(name) | Removed::InterfaceSettings(name) => {
            cfg.get_mut::<PortSecurityConfig>().ports.remove(name);
        }
        Removed::Vlans(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    #[test]
    fn violation_keywords_read_back() {
        for v in Violation::ALL {
            assert_eq!(Violation::from_keyword(v.keyword()), Some(v));
        }
        assert_eq!(Violation::from_keyword("shutdown-vlan"), None);
        assert_eq!(Violation::default(), Violation::Shutdown);
    }

    #[test]
    fn defaults_are_not_kept() {
        let mut s = PortSecurityConfig::default();
        s.edit("Ethernet1", |p| p.maximum = 5);
        assert_eq!(s.maximum_of("Ethernet1"), 5);
        s.edit("Ethernet1", |p| p.maximum = DEFAULT_MAXIMUM);
        assert!(s.ports.is_empty());
        assert_eq!(s.maximum_of("Ethernet1"), DEFAULT_MAXIMUM);
        assert_eq!(s.violation_of("Ethernet1"), Violation::Shutdown);
    }

    #[test]
    fn secured_ports_are_the_enabled_ones() {
        let mut s = PortSecurityConfig::default();
        s.edit("Ethernet1", |p| p.enabled = true);
        s.edit("Ethernet2", |p| p.violation = Violation::Protect);
        let names: Vec<&str> = s.secured_ports().map(|(n, _)| n).collect();
        assert_eq!(names, ["Ethernet1"]);
    }

    #[test]
    fn a_port_holds_at_most_its_maximum() {
        let mut p = PortSecurity {
            maximum: 2,
            ..PortSecurity::default()
        };
        for m in ["0200.0000.0001", "0200.0000.0002"] {
            p.addresses
                .insert((PORT_VLAN, mac(m)), AddressKind::Configured);
        }
        assert!(check_port("Ethernet1", &p).is_ok());
        assert_eq!(p.count(AddressKind::Configured), 2);
        p.addresses
            .insert((10, mac("0200.0000.0003")), AddressKind::Sticky);
        assert_eq!(
            check_port("Ethernet1", &p).unwrap_err(),
            "Total secure mac-addresses on interface Ethernet1 has reached maximum limit."
        );
        p.maximum = 3;
        assert!(check_port("Ethernet1", &p).is_ok());
        assert_eq!(
            p.addresses_of(AddressKind::Sticky).collect::<Vec<_>>(),
            [(10, mac("0200.0000.0003"))]
        );
        p.addresses
            .insert((PORT_VLAN, mac("0100.5e00.0001")), AddressKind::Sticky);
        p.maximum = 4;
        assert!(check_port("Ethernet1", &p)
            .unwrap_err()
            .contains("not a unicast address"));
    }

    #[test]
    fn not_on_svis() {
        assert_eq!(
            check_interface("Vlan10").unwrap_err(),
            "Command rejected: Vlan10 is not a switch port."
        );
        assert!(check_interface("Ethernet1").is_ok());
    }
}
