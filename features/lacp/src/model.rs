//! EtherChannel's settings, as IOS keeps them. A port joins a
//! port-channel with `channel-group N mode active|passive|on`; the
//! port-channel itself is an interface like any other (`interface
//! Port-channelN`, in `lisa_ports::PortsConfig`), which carries the
//! bundle's switchport settings. `active` and `passive` members negotiate
//! with IEEE 802.1AX LACP, `on` members bundle without it.

use lisa_engine::{Config, Removed};
use lisa_ports::PortsConfig;
use std::collections::{BTreeMap, BTreeSet};

/// IOS's default LACP system priority.
pub const DEFAULT_SYSTEM_PRIORITY: u16 = 32768;
/// IOS's default LACP port priority.
pub const DEFAULT_PORT_PRIORITY: u16 = 32768;
/// The lowest channel-group (port-channel) number.
pub const MIN_GROUP: u16 = 1;
/// The highest channel-group (port-channel) number.
pub const MAX_GROUP: u16 = 64;
/// The most members a channel group takes.
pub const MAX_MEMBERS: usize = 8;
/// The most port-channels the dataplane takes.
pub const MAX_PORT_CHANNELS: usize = 32;
/// What a port-channel's interface name starts with (`Port-channel1`).
pub const PORT_CHANNEL_PREFIX: &str = "Port-channel";

/// How a member joins its channel group (`channel-group N mode X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChannelMode {
    /// `active`: LACP, sending LACPDUs unasked.
    Active,
    /// `passive`: LACP, answering an active partner only.
    Passive,
    /// `on`: bundled with no protocol (a static EtherChannel).
    On,
}

impl ChannelMode {
    /// Every mode, in IOS's order of keywords.
    pub const ALL: [ChannelMode; 3] = [ChannelMode::Active, ChannelMode::Passive, ChannelMode::On];

    /// The IOS keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            ChannelMode::Active => "active",
            ChannelMode::Passive => "passive",
            ChannelMode::On => "on",
        }
    }

    /// The mode an IOS keyword names.
    pub fn from_keyword(word: &str) -> Option<ChannelMode> {
        ChannelMode::ALL.into_iter().find(|m| m.keyword() == word)
    }

    /// True for the modes LACP negotiates (`active`, `passive`).
    pub fn is_lacp(self) -> bool {
        self != ChannelMode::On
    }
}

/// A member's channel group and mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelGroup {
    /// N of `Port-channelN` (1-64).
    pub group: u16,
    /// How the member joins it.
    pub mode: ChannelMode,
}

/// One port's EtherChannel settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LacpPortConfig {
    /// `channel-group N mode X`.
    pub channel: Option<ChannelGroup>,
    /// `lacp port-priority N` (None: the default, 32768).
    pub port_priority: Option<u16>,
    /// `lacp rate fast`: the partner is asked for a PDU every second
    /// instead of every 30.
    pub rate_fast: bool,
}

impl LacpPortConfig {
    /// Nothing set.
    pub fn is_default(&self) -> bool {
        *self == LacpPortConfig::default()
    }
}

/// The header fields a load-balancing method hashes to pick a member.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashFields {
    /// The source MAC address.
    pub src_mac: bool,
    /// The destination MAC address.
    pub dst_mac: bool,
    /// The source IPv4 address.
    pub src_ip: bool,
    /// The destination IPv4 address.
    pub dst_ip: bool,
    /// The source TCP/UDP port.
    pub src_port: bool,
    /// The destination TCP/UDP port.
    pub dst_port: bool,
}

/// `port-channel load-balance X`: what picks a frame's member. The IP
/// and port methods hash the MAC addresses of frames that have no such
/// header (IOS's "Non-IP: ... MAC address"), with the same sides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoadBalance {
    /// `src-mac`.
    SrcMac,
    /// `dst-mac`.
    DstMac,
    /// `src-dst-mac`.
    SrcDstMac,
    /// `src-ip`.
    SrcIp,
    /// `dst-ip`.
    DstIp,
    /// `src-dst-ip` (the default).
    #[default]
    SrcDstIp,
    /// `src-port`.
    SrcPort,
    /// `dst-port`.
    DstPort,
    /// `src-dst-port`.
    SrcDstPort,
}

impl LoadBalance {
    /// Every method.
    pub const ALL: [LoadBalance; 9] = [
        LoadBalance::SrcMac,
        LoadBalance::DstMac,
        LoadBalance::SrcDstMac,
        LoadBalance::SrcIp,
        LoadBalance::DstIp,
        LoadBalance::SrcDstIp,
        LoadBalance::SrcPort,
        LoadBalance::DstPort,
        LoadBalance::SrcDstPort,
    ];

    /// The IOS keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            LoadBalance::SrcMac => "src-mac",
            LoadBalance::DstMac => "dst-mac",
            LoadBalance::SrcDstMac => "src-dst-mac",
            LoadBalance::SrcIp => "src-ip",
            LoadBalance::DstIp => "dst-ip",
            LoadBalance::SrcDstIp => "src-dst-ip",
            LoadBalance::SrcPort => "src-port",
            LoadBalance::DstPort => "dst-port",
            LoadBalance::SrcDstPort => "src-dst-port",
        }
    }

    /// The method an IOS keyword names.
    pub fn from_keyword(word: &str) -> Option<LoadBalance> {
        LoadBalance::ALL.into_iter().find(|m| m.keyword() == word)
    }

    /// Hashes the source side.
    fn source(self) -> bool {
        self.keyword().starts_with("src")
    }

    /// Hashes the destination side.
    fn destination(self) -> bool {
        self.keyword().contains("dst")
    }

    /// The fields hashed for a frame that has the method's header (IPv4
    /// for the IP methods; TCP or UDP for the port methods).
    pub fn fields(self) -> HashFields {
        let (src, dst) = (self.source(), self.destination());
        match self {
            LoadBalance::SrcMac | LoadBalance::DstMac | LoadBalance::SrcDstMac => HashFields {
                src_mac: src,
                dst_mac: dst,
                ..HashFields::default()
            },
            LoadBalance::SrcIp | LoadBalance::DstIp | LoadBalance::SrcDstIp => HashFields {
                src_ip: src,
                dst_ip: dst,
                ..HashFields::default()
            },
            LoadBalance::SrcPort | LoadBalance::DstPort | LoadBalance::SrcDstPort => HashFields {
                src_port: src,
                dst_port: dst,
                ..HashFields::default()
            },
        }
    }

    /// The fields hashed for a frame without the method's header: the
    /// MAC addresses of the same sides.
    pub fn fallback_fields(self) -> HashFields {
        HashFields {
            src_mac: self.source(),
            dst_mac: self.destination(),
            ..HashFields::default()
        }
    }
}

/// The section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LacpConfig {
    /// `lacp system-priority N`.
    pub system_priority: u16,
    /// `port-channel load-balance X`.
    pub load_balance: LoadBalance,
    /// Per-port settings, by interface name (ports with none are absent).
    pub ports: BTreeMap<String, LacpPortConfig>,
}

impl Default for LacpConfig {
    fn default() -> Self {
        LacpConfig {
            system_priority: DEFAULT_SYSTEM_PRIORITY,
            load_balance: LoadBalance::default(),
            ports: BTreeMap::new(),
        }
    }
}

impl LacpConfig {
    /// Port `name`'s settings (the defaults if none).
    pub fn port(&self, name: &str) -> LacpPortConfig {
        lisa_engine::per_port::port_or_default(&self.ports, name)
    }

    /// Changes port `name`'s settings; settings back at the defaults are
    /// not kept, so a configuration has one form.
    pub fn edit<T>(&mut self, name: &str, f: impl FnOnce(&mut LacpPortConfig) -> T) -> T {
        lisa_engine::per_port::edit_port(&mut self.ports, name, f)
    }

    /// Port `name`'s channel group, if it is a member.
    pub fn channel_of(&self, name: &str) -> Option<ChannelGroup> {
        self.ports.get(name).and_then(|p| p.channel)
    }

    /// Port `name`'s LACP port priority (32768 unless set).
    pub fn port_priority(&self, name: &str) -> u16 {
        self.ports
            .get(name)
            .and_then(|p| p.port_priority)
            .unwrap_or(DEFAULT_PORT_PRIORITY)
    }

    /// Every channel group in use, with its members (by name) and their
    /// modes.
    pub fn groups(&self) -> BTreeMap<u16, Vec<(&str, ChannelMode)>> {
        let mut out: BTreeMap<u16, Vec<(&str, ChannelMode)>> = BTreeMap::new();
        for (name, p) in &self.ports {
            if let Some(c) = p.channel {
                out.entry(c.group).or_default().push((name, c.mode));
            }
        }
        out
    }

    /// The members of channel group `group` (by name) and their modes.
    pub fn members_of(&self, group: u16) -> Vec<(&str, ChannelMode)> {
        self.ports
            .iter()
            .filter_map(|(name, p)| {
                let c = p.channel?;
                (c.group == group).then_some((name.as_str(), c.mode))
            })
            .collect()
    }
}

/// The interface name of port-channel `group`: `Port-channel1`.
pub fn port_channel_name(group: u16) -> String {
    format!("{PORT_CHANNEL_PREFIX}{group}")
}

/// The number N of a canonical port-channel name (`Port-channelN`, N
/// written without leading zeros); None for any other name.
pub fn group_of_port_channel(name: &str) -> Option<u16> {
    let digits = name.strip_prefix(PORT_CHANNEL_PREFIX)?;
    let n: u16 = digits.parse().ok()?;
    (n.to_string() == digits).then_some(n)
}

/// True if `name` reads as a port-channel's (`Port-channel...`), canonical
/// or not.
pub fn is_port_channel(name: &str) -> bool {
    name.starts_with(PORT_CHANNEL_PREFIX)
}

/// Every port-channel of the configuration, by number: the
/// `Port-channelN` interfaces, and the groups members name.
pub fn port_channels(cfg: &Config) -> BTreeSet<u16> {
    let ports = cfg.get::<PortsConfig>();
    let declared = ports
        .interfaces
        .keys()
        .filter_map(|n| group_of_port_channel(n));
    let used = cfg.get::<LacpConfig>().groups().into_keys();
    declared.chain(used).collect()
}

/// IOS's refusal of a member: "Command rejected (Port-channel1,
/// Ethernet2): why".
pub fn rejected(group: u16, member: &str, why: &str) -> String {
    format!(
        "Command rejected ({}, {member}): {why}",
        port_channel_name(group)
    )
}

/// Why `name` cannot carry EtherChannel settings, if it cannot: it must be
/// a switch port, not an SVI nor a port-channel.
pub fn check_member(name: &str) -> Result<(), String> {
    if lisa_types::is_svi(name) || is_port_channel(name) {
        return Err(format!(
            "Command rejected ({name}): EtherChannel settings need a switch port, not a VLAN interface or a port-channel"
        ));
    }
    Ok(())
}

/// Whether `mode` goes with `other` in one group: all `on`, or all LACP.
fn same_kind(mode: ChannelMode, other: ChannelMode) -> bool {
    mode.is_lacp() == other.is_lacp()
}

/// The member of `members` whose mode does not go with the others', if
/// the group mixes `on` with LACP: the first of `blamed` (the ports just
/// configured) that differs from the other members, else the first that
/// differs from the first member.
fn misfit<'a>(members: &[(&'a str, ChannelMode)], blamed: &[String]) -> Option<&'a str> {
    let is_blamed = |n: &str| blamed.iter().any(|b| b == n);
    let reference = members
        .iter()
        .find(|(n, _)| !is_blamed(n))
        .or(members.first())?
        .1;
    let differs = |m: &&(&str, ChannelMode)| !same_kind(m.1, reference);
    members
        .iter()
        .filter(differs)
        .find(|(n, _)| is_blamed(n))
        .or_else(|| members.iter().find(differs))
        .map(|(n, _)| *n)
}

/// The rules of one channel group: at most `MAX_MEMBERS` members, all
/// `on` or all LACP. `blamed`: the ports just configured, named first in
/// the refusal.
pub fn check_group(lacp: &LacpConfig, group: u16, blamed: &[String]) -> Result<(), String> {
    let members = lacp.members_of(group);
    if let Some(name) = misfit(&members, blamed) {
        return Err(rejected(group, name, "Invalid etherchnl mode"));
    }
    if members.len() > MAX_MEMBERS {
        let extra = members
            .iter()
            .map(|(n, _)| *n)
            .find(|n| blamed.iter().any(|b| b == n))
            .unwrap_or(members[MAX_MEMBERS].0);
        return Err(rejected(
            group,
            extra,
            &format!("Channel group {group} already has {MAX_MEMBERS} ports, the maximum"),
        ));
    }
    Ok(())
}

/// The port-channel interfaces' names: canonical, numbered 1-64, at most
/// `MAX_PORT_CHANNELS` of them.
fn check_port_channels(cfg: &Config) -> Result<(), String> {
    for name in cfg.get::<PortsConfig>().interfaces.keys() {
        if !is_port_channel(name) {
            continue;
        }
        match group_of_port_channel(name) {
            Some(n) if (MIN_GROUP..=MAX_GROUP).contains(&n) => {}
            _ => {
                return Err(format!(
                "Invalid interface {name}: use Port-channel{MIN_GROUP} to Port-channel{MAX_GROUP}"
            ))
            }
        }
    }
    let all = port_channels(cfg);
    if let Some(n) = all.iter().nth(MAX_PORT_CHANNELS) {
        return Err(format!(
            "interface {}: at most {MAX_PORT_CHANNELS} port-channels (the dataplane's limit)",
            port_channel_name(*n)
        ));
    }
    Ok(())
}

/// One port's settings: on a switch port the configuration knows, its
/// group in range with its port-channel interface.
fn check_port(cfg: &Config, name: &str, p: &LacpPortConfig) -> Result<(), String> {
    check_member(name)?;
    let ports = cfg.get::<PortsConfig>();
    if !ports.is_port(name) {
        return Err(format!("Interface {name} does not exist"));
    }
    let Some(c) = p.channel else {
        return Ok(());
    };
    if !(MIN_GROUP..=MAX_GROUP).contains(&c.group) {
        return Err(format!(
            "interface {name}: channel-group {}: use {MIN_GROUP}-{MAX_GROUP}",
            c.group
        ));
    }
    let pc = port_channel_name(c.group);
    if !ports.interfaces.contains_key(&pc) {
        return Err(rejected(
            c.group,
            name,
            &format!("interface {pc} does not exist"),
        ));
    }
    Ok(())
}

/// The rules: members are switch ports; groups 1-64, each with its
/// `Port-channelN` interface, at most 8 members, all `on` or all LACP; at
/// most 32 port-channels.
pub fn validate(cfg: &Config) -> Result<(), String> {
    check_port_channels(cfg)?;
    let lacp = cfg.get::<LacpConfig>();
    for (name, p) in &lacp.ports {
        check_port(cfg, name, p)?;
    }
    for group in lacp.groups().into_keys() {
        check_group(lacp, group, &[])?;
    }
    Ok(())
}

/// Makes sure port-channel `group`'s interface exists (IOS creates it
/// with the first member); true if it was created.
pub fn ensure_port_channel(cfg: &mut Config, group: u16) -> bool {
    let interfaces = &mut cfg.get_mut::<PortsConfig>().interfaces;
    let name = port_channel_name(group);
    if interfaces.contains_key(&name) {
        return false;
    }
    interfaces.insert(name, Default::default());
    true
}

/// Every member of `group` leaves it.
fn disband(lacp: &mut LacpConfig, group: u16) {
    let members: Vec<String> = lacp
        .members_of(group)
        .into_iter()
        .map(|(n, _)| n.to_string())
        .collect();
    for m in members {
        lacp.edit(&m, |p| p.channel = None);
    }
}

/// A removed interface loses its settings; a removed `Port-channelN`
/// takes its members out of group N (IOS does). A port-channel set back
/// to its defaults (`default interface Port-channel1`) stays, with its
/// members, as IOS keeps it.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    match what {
        Removed::Interface(name) => {
            let lacp = cfg.get_mut::<LacpConfig>();
            lacp.ports.remove(name);
            if let Some(group) = group_of_port_channel(name) {
                disband(lacp, group);
            }
        }
        Removed::InterfaceSettings(name) => {
            cfg.get_mut::<LacpConfig>().ports.remove(name);
            if let Some(group) = group_of_port_channel(name) {
                ensure_port_channel(cfg, group);
            }
        }
        Removed::Vlans(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_channel_names() {
        assert_eq!(port_channel_name(1), "Port-channel1");
        assert_eq!(group_of_port_channel("Port-channel12"), Some(12));
        for other in [
            "Port-channel",
            "Port-channel01",
            "Port-channel1.5",
            "Ethernet1",
            "Po1",
        ] {
            assert_eq!(group_of_port_channel(other), None, "{other}");
        }
    }

    #[test]
    fn load_balance_fields() {
        let f = LoadBalance::SrcDstIp.fields();
        assert!(f.src_ip && f.dst_ip && !f.src_mac && !f.src_port);
        let f = LoadBalance::DstMac.fields();
        assert!(f.dst_mac && !f.src_mac && !f.dst_ip);
        let f = LoadBalance::SrcPort.fields();
        assert!(f.src_port && !f.dst_port);
        assert_eq!(
            LoadBalance::DstPort.fallback_fields(),
            HashFields {
                dst_mac: true,
                ..HashFields::default()
            }
        );
        for m in LoadBalance::ALL {
            assert_eq!(LoadBalance::from_keyword(m.keyword()), Some(m));
        }
    }

    #[test]
    fn the_misfit_is_the_port_just_configured() {
        let mut lacp = LacpConfig::default();
        for (n, mode) in [
            ("Ethernet1", ChannelMode::On),
            ("Ethernet2", ChannelMode::Active),
            ("Ethernet3", ChannelMode::Passive),
        ] {
            lacp.edit(n, |p| p.channel = Some(ChannelGroup { group: 1, mode }));
        }
        let blamed = ["Ethernet3".to_string()];
        assert_eq!(
            check_group(&lacp, 1, &blamed).unwrap_err(),
            "Command rejected (Port-channel1, Ethernet3): Invalid etherchnl mode"
        );
        assert_eq!(
            check_group(&lacp, 1, &[]).unwrap_err(),
            "Command rejected (Port-channel1, Ethernet2): Invalid etherchnl mode"
        );
    }
}
