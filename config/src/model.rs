//! The switch configuration: one validated model, the single source of
//! truth that the IOS text and the gRPC API are views of.

use lisa_types::{MacAddr, VlanSet, DEFAULT_VLAN};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// Default MAC address aging time, seconds.
pub const DEFAULT_AGING: u32 = 300;
/// Default interface MTU.
pub const DEFAULT_MTU: u16 = 1500;
/// Largest MTU (jumbo frames).
pub const MAX_MTU: u16 = 9198;
/// Smallest MTU.
pub const MIN_MTU: u16 = 68;
/// Longest interface description.
pub const MAX_DESCRIPTION: usize = 240;
/// Default host name.
pub const DEFAULT_HOSTNAME: &str = "lisa";

/// A VLAN of the VLAN database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanConfig {
    /// Its name (`VLAN0010` unless set).
    pub name: String,
}

impl VlanConfig {
    /// The name IOS gives a VLAN that has none: `default` for VLAN 1, else `VLAN0010`.
    pub fn default_name(id: u16) -> String {
        if id == DEFAULT_VLAN {
            "default".into()
        } else {
            format!("VLAN{id:04}")
        }
    }
}

/// Access or trunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SwitchportMode {
    /// One untagged VLAN.
    #[default]
    Access,
    /// 802.1Q tagged VLANs plus an untagged native one.
    Trunk,
}

/// One interface's settings. Access and trunk settings are both kept, as
/// IOS does; the mode picks which apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceConfig {
    /// Free text.
    pub description: String,
    /// Administratively down.
    pub shutdown: bool,
    /// Access or trunk.
    pub mode: SwitchportMode,
    /// VLAN of an access port.
    pub access_vlan: u16,
    /// Untagged VLAN of a trunk.
    pub native_vlan: u16,
    /// VLANs a trunk carries.
    pub allowed: VlanSet,
    /// Largest L3 payload.
    pub mtu: u16,
}

impl Default for InterfaceConfig {
    fn default() -> Self {
        InterfaceConfig {
            description: String::new(),
            shutdown: false,
            mode: SwitchportMode::Access,
            access_vlan: DEFAULT_VLAN,
            native_vlan: DEFAULT_VLAN,
            allowed: VlanSet::all(),
            mtu: DEFAULT_MTU,
        }
    }
}

/// A static MAC address table entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StaticMac {
    /// VLAN.
    pub vlan: u16,
    /// Address.
    pub mac: MacAddr,
    /// Interface it lives behind.
    pub interface: String,
}

/// An IPv4 address with its prefix length (`ip address A.B.C.D MASK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpPrefix {
    /// The address.
    pub addr: Ipv4Addr,
    /// Prefix length, 0-32.
    pub len: u8,
}

impl IpPrefix {
    /// The netmask, as a number.
    pub fn mask_bits(&self) -> u32 {
        if self.len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.len.min(32)))
        }
    }

    /// The netmask in dotted form.
    pub fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.mask_bits())
    }

    /// The network address (host bits zero).
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask_bits())
    }

    /// True if `ip` lies in this prefix.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask_bits() == u32::from(self.network())
    }

    /// True if the two prefixes share an address.
    pub fn overlaps(&self, other: &IpPrefix) -> bool {
        self.contains(other.network()) || other.contains(self.network())
    }
}

/// The prefix length of a dotted netmask; None if its ones are not contiguous.
pub fn mask_len(mask: Ipv4Addr) -> Option<u8> {
    let m = u32::from(mask);
    let len = m.leading_ones();
    (m.checked_shl(len).unwrap_or(0) == 0).then_some(len as u8)
}

/// An SVI (`interface Vlan10`): the switch's routed interface in a VLAN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SviConfig {
    /// Free text.
    pub description: String,
    /// Administratively down.
    pub shutdown: bool,
    /// Its address; without one it does not route.
    pub address: Option<IpPrefix>,
}

/// A static route (`ip route NET MASK GATEWAY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpRoute {
    /// The destination network (host bits zero).
    pub net: Ipv4Addr,
    /// Its prefix length.
    pub len: u8,
    /// The next hop.
    pub gateway: Ipv4Addr,
}

/// The whole switch configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Host name (prompt and `show version`).
    pub hostname: String,
    /// The VLAN database; VLAN 1 is always there.
    pub vlans: BTreeMap<u16, VlanConfig>,
    /// Interfaces by name (kept for absent ports too, and applied when a
    /// port of that name is plugged).
    pub interfaces: BTreeMap<String, InterfaceConfig>,
    /// MAC address aging time, seconds (0 = never).
    pub mac_aging: u32,
    /// Static MAC address table entries.
    pub static_macs: BTreeSet<StaticMac>,
    /// SVIs by VLAN id.
    pub svis: BTreeMap<u16, SviConfig>,
    /// Static routes.
    pub routes: BTreeSet<IpRoute>,
    /// Static ARP entries.
    pub arps: BTreeMap<Ipv4Addr, MacAddr>,
    /// The `enable secret`, hashed (see `secret`).
    pub enable_secret: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let mut vlans = BTreeMap::new();
        vlans.insert(
            DEFAULT_VLAN,
            VlanConfig {
                name: VlanConfig::default_name(DEFAULT_VLAN),
            },
        );
        Config {
            hostname: DEFAULT_HOSTNAME.into(),
            vlans,
            interfaces: BTreeMap::new(),
            mac_aging: DEFAULT_AGING,
            static_macs: BTreeSet::new(),
            svis: BTreeMap::new(),
            routes: BTreeSet::new(),
            arps: BTreeMap::new(),
            enable_secret: None,
        }
    }
}

/// A configuration that breaks a rule, naming what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValidationError(pub String);

impl Config {
    /// A config with these interfaces present at their defaults.
    pub fn with_interfaces<'a>(names: impl IntoIterator<Item = &'a str>) -> Config {
        let mut c = Config::default();
        for n in names {
            c.interfaces
                .insert(n.to_string(), InterfaceConfig::default());
        }
        c
    }

    /// Adds (or moves) a static MAC entry, checking that the address is
    /// unicast and the VLAN and interface exist.
    pub fn set_static_mac(
        &mut self,
        vlan: u16,
        mac: MacAddr,
        interface: &str,
    ) -> Result<(), String> {
        if !mac.is_unicast() {
            return Err(format!(
                "{} is a multicast address; only unicast addresses can be static",
                mac.to_cisco()
            ));
        }
        if !self.vlans.contains_key(&vlan) {
            return Err(format!(
                "VLAN {vlan} does not exist; create it first with 'vlan {vlan}'"
            ));
        }
        if !self.interfaces.contains_key(interface) {
            return Err(format!("Interface {interface} does not exist"));
        }
        self.remove_static_mac(vlan, mac);
        self.static_macs.insert(StaticMac {
            vlan,
            mac,
            interface: interface.to_string(),
        });
        Ok(())
    }

    /// Removes the static entry for `mac` in `vlan`; true if there was one.
    pub fn remove_static_mac(&mut self, vlan: u16, mac: MacAddr) -> bool {
        let before = self.static_macs.len();
        self.static_macs
            .retain(|s| !(s.mac == mac && s.vlan == vlan));
        self.static_macs.len() != before
    }

    /// The active VLAN set (the VLAN database).
    pub fn vlan_set(&self) -> VlanSet {
        self.vlans.keys().copied().collect()
    }

    /// Checks the rules that span settings.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !self.vlans.contains_key(&DEFAULT_VLAN) {
            return Err(ValidationError("VLAN 1 cannot be deleted".into()));
        }
        if self.hostname.is_empty()
            || self.hostname.len() > 63
            || !self
                .hostname
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.')
        {
            return Err(ValidationError(format!(
                "hostname '{}': use 1-63 letters, digits, '-', '_' or '.'",
                self.hostname
            )));
        }
        for (name, i) in &self.interfaces {
            if !(MIN_MTU..=MAX_MTU).contains(&i.mtu) {
                return Err(ValidationError(format!(
                    "interface {name}: mtu {} is out of range ({MIN_MTU}-{MAX_MTU})",
                    i.mtu
                )));
            }
        }
        for s in &self.static_macs {
            if !s.mac.is_unicast() {
                return Err(ValidationError(format!(
                    "mac address-table static {}: not a unicast address",
                    s.mac.to_cisco()
                )));
            }
            if !self.vlans.contains_key(&s.vlan) {
                return Err(ValidationError(format!(
                    "mac address-table static {}: VLAN {} does not exist",
                    s.mac.to_cisco(),
                    s.vlan
                )));
            }
            if !self.interfaces.contains_key(&s.interface) {
                return Err(ValidationError(format!(
                    "mac address-table static {}: no interface {}",
                    s.mac.to_cisco(),
                    s.interface
                )));
            }
        }
        self.validate_l3()?;
        if let Some(h) = &self.enable_secret {
            if !crate::secret::is_hash(h) {
                return Err(ValidationError("enable secret: not a scrypt hash".into()));
            }
        }
        if self.mac_aging != 0 && !(10..=1_000_000).contains(&self.mac_aging) {
            return Err(ValidationError(format!(
                "mac address-table aging-time {}: use 0 or 10-1000000",
                self.mac_aging
            )));
        }
        Ok(())
    }

    /// The SVIs that route: an address, not shut down, and their VLAN exists.
    pub fn routed_svis(&self) -> BTreeMap<u16, IpPrefix> {
        self.svis
            .iter()
            .filter(|(v, s)| !s.shutdown && self.vlans.contains_key(v))
            .filter_map(|(v, s)| s.address.map(|a| (*v, a)))
            .collect()
    }

    /// The SVI rules: valid host addresses, no two subnets overlapping,
    /// routes with clean networks and a gateway that is not the switch.
    fn validate_l3(&self) -> Result<(), ValidationError> {
        let err = |m: String| Err(ValidationError(m));
        let addrs: Vec<(u16, IpPrefix)> = self
            .svis
            .iter()
            .filter_map(|(v, s)| s.address.map(|a| (*v, a)))
            .collect();
        for (i, (v, a)) in addrs.iter().enumerate() {
            if !lisa_types::valid_vlan(u32::from(*v)) {
                return err(format!("interface Vlan{v}: no such VLAN id (1-4094)"));
            }
            let host = u32::from(a.addr) & !a.mask_bits();
            if a.len == 0 || a.len > 31 || (a.len < 31 && (host == 0 || host == !a.mask_bits())) {
                return err(format!(
                    "interface Vlan{v}: Bad mask /{} for address {}",
                    a.len, a.addr
                ));
            }
            if a.addr.is_multicast()
                || a.addr.is_loopback()
                || a.addr.is_unspecified()
                || a.addr.is_broadcast()
            {
                return err(format!(
                    "interface Vlan{v}: {} is not a host address",
                    a.addr
                ));
            }
            if let Some((w, _)) = addrs[..i].iter().find(|(_, b)| b.overlaps(a)) {
                return err(format!(
                    "interface Vlan{v}: {} overlaps with Vlan{w}",
                    a.network()
                ));
            }
        }
        let mut prev: Option<&IpRoute> = None;
        for r in &self.routes {
            let p = IpPrefix {
                addr: r.net,
                len: r.len,
            };
            if prev.is_some_and(|q| q.net == r.net && q.len == r.len) {
                return err(format!(
                    "ip route {} {}: one next hop per prefix",
                    r.net,
                    p.netmask()
                ));
            }
            prev = Some(r);
            if r.len > 32 || p.network() != r.net {
                return err(format!(
                    "ip route {} {}: Inconsistent address and mask",
                    r.net,
                    p.netmask()
                ));
            }
            if r.gateway.is_unspecified() || r.gateway.is_multicast() || r.gateway.is_broadcast() {
                return err(format!(
                    "ip route {} {} {}: bad next hop",
                    r.net,
                    p.netmask(),
                    r.gateway
                ));
            }
            if addrs.iter().any(|(_, a)| a.addr == r.gateway) {
                return err(format!(
                    "ip route {} {} {}: Invalid next hop address (it's this router)",
                    r.net,
                    p.netmask(),
                    r.gateway
                ));
            }
        }
        for (ip, mac) in &self.arps {
            if !mac.is_unicast() {
                return err(format!(
                    "arp {ip} {}: not a unicast address",
                    mac.to_cisco()
                ));
            }
            if ip.is_unspecified() || ip.is_multicast() || ip.is_broadcast() {
                return err(format!("arp {ip}: not a host address"));
            }
        }
        Ok(())
    }
}
