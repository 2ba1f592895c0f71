//! IGMP snooping's settings, as IOS keeps them. Snooping is on globally
//! and in every VLAN unless turned off (`no ip igmp snooping`, `no ip igmp
//! snooping vlan N`); report suppression is on; a leave is answered by
//! group-specific queries `last-member-query-interval` apart (1000 ms);
//! the switch's own querier is off unless `ip igmp snooping querier` (then
//! 60 s between queries, 10 s response time, 120 s before another querier
//! is forgotten, IGMPv2). Per VLAN: immediate leave, its own
//! last-member-query interval and querier settings, static multicast
//! router ports (`mrouter interface X`) and static groups (`static G
//! interface X`).

use lisa_engine::{Config, Removed};
use lisa_ports::PortsConfig;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::ops::RangeInclusive;

/// IOS's last-member-query interval, ms.
pub const DEFAULT_LMQI_MS: u32 = 1000;
/// The last-member-query intervals IOS takes, ms.
pub const LMQI_MS: RangeInclusive<u32> = 100..=32767;
/// IOS's last-member-query count (not configurable on IOS 15 Catalyst).
pub const LAST_MEMBER_QUERY_COUNT: u32 = 2;
/// IOS's robustness variable (not configurable on IOS 15 Catalyst).
pub const ROBUSTNESS: u32 = 2;
/// IOS's querier query interval, seconds.
pub const DEFAULT_QUERY_INTERVAL_S: u32 = 60;
/// The query intervals IOS takes, seconds.
pub const QUERY_INTERVAL_S: RangeInclusive<u32> = 1..=18000;
/// IOS's querier maximum response time, seconds.
pub const DEFAULT_MAX_RESPONSE_TIME_S: u32 = 10;
/// The maximum response times IOS takes, seconds.
pub const MAX_RESPONSE_TIME_S: RangeInclusive<u32> = 1..=25;
/// IOS's querier timer expiry (other querier present), seconds.
pub const DEFAULT_TIMER_EXPIRY_S: u32 = 120;
/// The timer expiries IOS takes, seconds.
pub const TIMER_EXPIRY_S: RangeInclusive<u32> = 60..=300;
/// IOS's querier IGMP version.
pub const DEFAULT_QUERIER_VERSION: u8 = 2;
/// The querier versions IOS takes.
pub const QUERIER_VERSION: RangeInclusive<u8> = 1..=2;
/// The lowest group a static entry may name: 224.0.0.0/24 is link-local,
/// always flooded, never snooped.
pub const FIRST_STATIC_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 1, 0);
/// The highest group a static entry may name.
pub const LAST_STATIC_GROUP: Ipv4Addr = Ipv4Addr::new(239, 255, 255, 255);

/// Why a setting is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgmpSnoopingError {
    /// A static group outside 224.0.0.0/4.
    #[error("Invalid group address {0}: not a multicast address (224.0.1.0-239.255.255.255)")]
    NotMulticast(Ipv4Addr),
    /// A static group in 224.0.0.0/24, which is always flooded.
    #[error("Invalid group address {0}: 224.0.0.0/24 is link-local, always flooded (224.0.1.0-239.255.255.255)")]
    LinkLocal(Ipv4Addr),
    /// A querier source address that cannot source a query.
    #[error("Invalid querier address {0}: a unicast address is needed")]
    QuerierAddress(Ipv4Addr),
    /// A VLAN id outside 1-4094.
    #[error("Invalid VLAN {0}: use 1-4094")]
    Vlan(u16),
    /// A number outside IOS's range.
    #[error("{what} {value} is out of range ({min}-{max})")]
    Range {
        /// The setting, as its command names it.
        what: &'static str,
        /// The value given.
        value: u32,
        /// The lowest value taken.
        min: u32,
        /// The highest value taken.
        max: u32,
    },
    /// An interface the configuration does not know.
    #[error("Interface {0} does not exist")]
    NoInterface(String),
    /// An SVI where a switch port is needed.
    #[error("Command rejected ({0}): IGMP snooping needs a switch port, not a VLAN interface")]
    NotSwitchPort(String),
}

/// Checks that `value` is within `range`, naming the setting `what`.
fn check_range<T: Copy + Into<u32> + PartialOrd>(
    what: &'static str,
    value: T,
    range: &RangeInclusive<T>,
) -> Result<(), IgmpSnoopingError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(IgmpSnoopingError::Range {
        what,
        value: value.into(),
        min: (*range.start()).into(),
        max: (*range.end()).into(),
    })
}

/// Why `group` cannot be a static group, if it cannot: it must lie in
/// 224.0.1.0-239.255.255.255 (IOS refuses the link-local 224.0.0.x).
pub fn check_group(group: Ipv4Addr) -> Result<(), IgmpSnoopingError> {
    if !group.is_multicast() {
        return Err(IgmpSnoopingError::NotMulticast(group));
    }
    if group < FIRST_STATIC_GROUP {
        return Err(IgmpSnoopingError::LinkLocal(group));
    }
    Ok(())
}

/// Why `addr` cannot be a querier's source address, if it cannot: it
/// must be unicast (not 0.0.0.0, multicast or 255.255.255.255).
pub fn check_querier_address(addr: Ipv4Addr) -> Result<(), IgmpSnoopingError> {
    if addr.is_unspecified() || addr.is_multicast() || addr.is_broadcast() {
        return Err(IgmpSnoopingError::QuerierAddress(addr));
    }
    Ok(())
}

/// Why `name` cannot be a multicast router port or a static member, if
/// it cannot by its name alone: an SVI is no switch port.
pub fn check_port_name(name: &str) -> Result<(), IgmpSnoopingError> {
    if lisa_types::is_svi(name) {
        return Err(IgmpSnoopingError::NotSwitchPort(name.to_string()));
    }
    Ok(())
}

/// The snooping querier's settings: the global ones, or a VLAN's
/// effective ones (`IgmpSnoopingConfig::effective_querier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuerierSettings {
    /// `ip igmp snooping querier`: the switch sends queries.
    pub enabled: bool,
    /// `querier address A`: the queries' source (None: the VLAN's SVI
    /// address; without one the querier does not run in that VLAN).
    pub address: Option<Ipv4Addr>,
    /// `querier query-interval S`: seconds between general queries.
    pub query_interval_s: u32,
    /// `querier max-response-time S`: the queries' maximum response time.
    pub max_response_time_s: u32,
    /// `querier timer expiry S`: how long another querier heard keeps
    /// this one quiet.
    pub timer_expiry_s: u32,
    /// `querier version 1 | 2`: the IGMP version of the queries.
    pub version: u8,
}

impl Default for QuerierSettings {
    fn default() -> Self {
        QuerierSettings {
            enabled: false,
            address: None,
            query_interval_s: DEFAULT_QUERY_INTERVAL_S,
            max_response_time_s: DEFAULT_MAX_RESPONSE_TIME_S,
            timer_expiry_s: DEFAULT_TIMER_EXPIRY_S,
            version: DEFAULT_QUERIER_VERSION,
        }
    }
}

impl QuerierSettings {
    /// Whether every value is within IOS's ranges.
    pub fn check(&self) -> Result<(), IgmpSnoopingError> {
        if let Some(a) = self.address {
            check_querier_address(a)?;
        }
        check_range("query-interval", self.query_interval_s, &QUERY_INTERVAL_S)?;
        check_range(
            "max-response-time",
            self.max_response_time_s,
            &MAX_RESPONSE_TIME_S,
        )?;
        check_range("timer expiry", self.timer_expiry_s, &TIMER_EXPIRY_S)?;
        check_range("version", self.version, &QUERIER_VERSION)
    }
}

impl From<&QuerierSettings> for lisa_proto::v1::IgmpQuerierSettings {
    fn from(q: &QuerierSettings) -> Self {
        lisa_proto::v1::IgmpQuerierSettings {
            enabled: q.enabled,
            address: q.address.map(|a| a.to_string()).unwrap_or_default(),
            query_interval_s: q.query_interval_s,
            max_response_time_s: q.max_response_time_s,
            timer_expiry_s: q.timer_expiry_s,
            version: u32::from(q.version),
        }
    }
}

/// A VLAN's querier settings where they differ from the global ones
/// (`ip igmp snooping vlan N querier ...`); None takes the global value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuerierOverrides {
    /// `ip igmp snooping vlan N querier` (Some(true)), `no ip igmp
    /// snooping vlan N querier` (Some(false)).
    pub enabled: Option<bool>,
    /// `querier address A`.
    pub address: Option<Ipv4Addr>,
    /// `querier query-interval S`.
    pub query_interval_s: Option<u32>,
    /// `querier max-response-time S`.
    pub max_response_time_s: Option<u32>,
    /// `querier timer expiry S`.
    pub timer_expiry_s: Option<u32>,
    /// `querier version 1 | 2`.
    pub version: Option<u8>,
}

impl QuerierOverrides {
    /// These overrides over `global`.
    pub fn over(&self, global: &QuerierSettings) -> QuerierSettings {
        QuerierSettings {
            enabled: self.enabled.unwrap_or(global.enabled),
            address: self.address.or(global.address),
            query_interval_s: self.query_interval_s.unwrap_or(global.query_interval_s),
            max_response_time_s: self
                .max_response_time_s
                .unwrap_or(global.max_response_time_s),
            timer_expiry_s: self.timer_expiry_s.unwrap_or(global.timer_expiry_s),
            version: self.version.unwrap_or(global.version),
        }
    }

    /// Whether every value set is within IOS's ranges.
    pub fn check(&self) -> Result<(), IgmpSnoopingError> {
        // The defaults fill what is not set; they are in range.
        self.over(&QuerierSettings::default()).check()
    }
}

/// One VLAN's settings (VLANs with none are absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VlanIgmp {
    /// `ip igmp snooping vlan N immediate-leave`: an IGMPv2 leave drops
    /// the port at once, without group-specific queries.
    pub immediate_leave: bool,
    /// `ip igmp snooping vlan N last-member-query-interval MS` (None: the
    /// global interval).
    pub last_member_query_interval_ms: Option<u32>,
    /// `ip igmp snooping vlan N querier ...`.
    pub querier: QuerierOverrides,
    /// `ip igmp snooping vlan N mrouter interface X`: static multicast
    /// router ports, by canonical interface name.
    pub mrouters: BTreeSet<String>,
    /// `ip igmp snooping vlan N static G interface X`: each group's static
    /// member ports (never an empty set).
    pub static_groups: BTreeMap<Ipv4Addr, BTreeSet<String>>,
}

impl VlanIgmp {
    /// Nothing set.
    pub fn is_default(&self) -> bool {
        *self == VlanIgmp::default()
    }

    /// The interfaces this VLAN's settings name (mrouters, then static
    /// members), each once.
    pub fn interfaces(&self) -> BTreeSet<&str> {
        self.mrouters
            .iter()
            .chain(self.static_groups.values().flatten())
            .map(String::as_str)
            .collect()
    }

    /// Drops `name` from the mrouters and the static groups; a group
    /// left with no port goes.
    pub fn forget_interface(&mut self, name: &str) {
        self.mrouters.remove(name);
        for ports in self.static_groups.values_mut() {
            ports.remove(name);
        }
        self.static_groups.retain(|_, ports| !ports.is_empty());
    }
}

/// The section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgmpSnoopingConfig {
    /// `[no] ip igmp snooping` (on by default).
    pub enabled: bool,
    /// `no ip igmp snooping vlan N`: the VLANs snooping is off in.
    pub disabled_vlans: BTreeSet<u16>,
    /// `[no] ip igmp snooping report-suppression` (on by default): only
    /// the first v1/v2 report per group per query goes to the mrouters.
    pub report_suppression: bool,
    /// `ip igmp snooping last-member-query-interval MS` (1000).
    pub last_member_query_interval_ms: u32,
    /// `ip igmp snooping querier ...`: the global querier settings.
    pub querier: QuerierSettings,
    /// Per-VLAN settings, by VLAN id (VLANs with none are absent).
    pub vlans: BTreeMap<u16, VlanIgmp>,
}

impl Default for IgmpSnoopingConfig {
    fn default() -> Self {
        IgmpSnoopingConfig {
            enabled: true,
            disabled_vlans: BTreeSet::new(),
            report_suppression: true,
            last_member_query_interval_ms: DEFAULT_LMQI_MS,
            querier: QuerierSettings::default(),
            vlans: BTreeMap::new(),
        }
    }
}

impl IgmpSnoopingConfig {
    /// True if snooping runs in `vlan`: on globally and not turned off in
    /// the VLAN.
    pub fn snooping_on(&self, vlan: u16) -> bool {
        self.enabled && !self.disabled_vlans.contains(&vlan)
    }

    /// VLAN `vlan`'s settings (the defaults if it has none).
    pub fn vlan(&self, vlan: u16) -> VlanIgmp {
        self.vlans.get(&vlan).cloned().unwrap_or_default()
    }

    /// Changes VLAN `vlan`'s settings with `f`; settings left at their
    /// defaults are not kept, so a configuration has one form.
    pub fn edit_vlan<R>(&mut self, vlan: u16, f: impl FnOnce(&mut VlanIgmp) -> R) -> R {
        let mut v = self.vlan(vlan);
        let out = f(&mut v);
        if v.is_default() {
            self.vlans.remove(&vlan);
        } else {
            self.vlans.insert(vlan, v);
        }
        out
    }

    /// The querier settings in effect in `vlan`: the VLAN's overrides over
    /// the global settings. `enabled` is the configuration's; the querier
    /// runs only where snooping does (`querier_on`).
    pub fn effective_querier(&self, vlan: u16) -> QuerierSettings {
        match self.vlans.get(&vlan) {
            Some(v) => v.querier.over(&self.querier),
            None => self.querier,
        }
    }

    /// True if the switch's querier is configured to run in `vlan`:
    /// snooping on there and the querier enabled there.
    pub fn querier_on(&self, vlan: u16) -> bool {
        self.snooping_on(vlan) && self.effective_querier(vlan).enabled
    }

    /// The last-member-query interval in `vlan`, ms: the VLAN's, else the
    /// global one.
    pub fn lmqi_ms(&self, vlan: u16) -> u32 {
        self.vlans
            .get(&vlan)
            .and_then(|v| v.last_member_query_interval_ms)
            .unwrap_or(self.last_member_query_interval_ms)
    }

    /// True if a leave drops the port at once in `vlan`.
    pub fn immediate_leave(&self, vlan: u16) -> bool {
        self.vlans.get(&vlan).is_some_and(|v| v.immediate_leave)
    }

    /// The static multicast router ports of `vlan`.
    pub fn static_mrouters(&self, vlan: u16) -> impl Iterator<Item = &str> + '_ {
        self.vlans
            .get(&vlan)
            .into_iter()
            .flat_map(|v| v.mrouters.iter().map(String::as_str))
    }

    /// Every static group entry, as (VLAN, group, port), in that order.
    pub fn static_entries(&self) -> impl Iterator<Item = (u16, Ipv4Addr, &str)> + '_ {
        self.vlans.iter().flat_map(|(&vlan, v)| {
            v.static_groups
                .iter()
                .flat_map(move |(&g, ports)| ports.iter().map(move |p| (vlan, g, p.as_str())))
        })
    }

    /// The VLANs the configuration says something about (turned off or
    /// with settings), in order.
    pub fn configured_vlans(&self) -> BTreeSet<u16> {
        self.disabled_vlans
            .iter()
            .chain(self.vlans.keys())
            .copied()
            .collect()
    }

    /// The global settings as the API shows them.
    pub fn global_proto(&self) -> lisa_proto::v1::IgmpSnoopingGlobal {
        lisa_proto::v1::IgmpSnoopingGlobal {
            enabled: self.enabled,
            report_suppression: self.report_suppression,
            last_member_query_interval_ms: self.last_member_query_interval_ms,
            last_member_query_count: LAST_MEMBER_QUERY_COUNT,
            robustness: ROBUSTNESS,
            querier: Some((&self.querier).into()),
        }
    }

    /// VLAN `vlan`'s settings as the API shows them; `groups` is left
    /// at 0 for the caller, who knows the table.
    pub fn vlan_proto(&self, vlan: u16) -> lisa_proto::v1::IgmpSnoopingVlan {
        lisa_proto::v1::IgmpSnoopingVlan {
            vlan: u32::from(vlan),
            enabled: self.snooping_on(vlan),
            immediate_leave: self.immediate_leave(vlan),
            last_member_query_interval_ms: self.lmqi_ms(vlan),
            querier: Some((&self.effective_querier(vlan)).into()),
            groups: 0,
        }
    }
}

/// Checks a VLAN id.
fn check_vlan(vlan: u16) -> Result<(), IgmpSnoopingError> {
    if lisa_types::valid_vlan(u32::from(vlan)) {
        Ok(())
    } else {
        Err(IgmpSnoopingError::Vlan(vlan))
    }
}

/// Checks that `name` is a switch port the configuration knows.
fn check_port(ports: &PortsConfig, name: &str) -> Result<(), IgmpSnoopingError> {
    check_port_name(name)?;
    if !ports.is_port(name) {
        return Err(IgmpSnoopingError::NoInterface(name.to_string()));
    }
    Ok(())
}

/// One VLAN's settings, checked.
fn check_vlan_settings(
    ports: &PortsConfig,
    vlan: u16,
    v: &VlanIgmp,
) -> Result<(), IgmpSnoopingError> {
    check_vlan(vlan)?;
    if let Some(ms) = v.last_member_query_interval_ms {
        check_range("last-member-query-interval", ms, &LMQI_MS)?;
    }
    v.querier.check()?;
    for name in &v.mrouters {
        check_port(ports, name)?;
    }
    for (&group, members) in &v.static_groups {
        check_group(group)?;
        for name in members {
            check_port(ports, name)?;
        }
    }
    Ok(())
}

/// The rules: values within IOS's ranges, VLANs 1-4094, static groups in
/// 224.0.1.0-239.255.255.255, mrouter and static ports switch ports the
/// configuration knows. The error names the command.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let s = cfg.get::<IgmpSnoopingConfig>();
    let ports = cfg.get::<PortsConfig>();
    check_range(
        "last-member-query-interval",
        s.last_member_query_interval_ms,
        &LMQI_MS,
    )
    .and_then(|()| s.querier.check())
    .map_err(|e| format!("ip igmp snooping: {e}"))?;
    for &vlan in &s.disabled_vlans {
        check_vlan(vlan).map_err(|e| format!("no ip igmp snooping vlan {vlan}: {e}"))?;
    }
    for (&vlan, v) in &s.vlans {
        check_vlan_settings(ports, vlan, v)
            .map_err(|e| format!("ip igmp snooping vlan {vlan}: {e}"))?;
    }
    Ok(())
}

/// A removed interface leaves every VLAN's mrouters and static groups
/// (settings put back to their defaults, `default interface X`, keep
/// them: they are global settings that name it).
pub fn cascade(cfg: &mut Config, what: &Removed) {
    let Removed::Interface(name) = what else {
        return;
    };
    let s = cfg.get_mut::<IgmpSnoopingConfig>();
    for v in s.vlans.values_mut() {
        v.forget_interface(name);
    }
    s.vlans.retain(|_, v| !v.is_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn defaults_are_ios_defaults() {
        let s = IgmpSnoopingConfig::default();
        assert!(s.snooping_on(1) && s.snooping_on(4094));
        assert!(s.report_suppression);
        assert_eq!(s.lmqi_ms(10), 1000);
        assert!(!s.immediate_leave(10));
        let q = s.effective_querier(10);
        assert_eq!(
            (
                q.enabled,
                q.address,
                q.query_interval_s,
                q.max_response_time_s,
                q.timer_expiry_s,
                q.version
            ),
            (false, None, 60, 10, 120, 2)
        );
        assert!(!s.querier_on(10));
    }

    #[test]
    fn vlan_settings_override_the_global_ones() {
        let mut s = IgmpSnoopingConfig::default();
        s.querier.enabled = true;
        s.querier.query_interval_s = 30;
        s.last_member_query_interval_ms = 500;
        s.edit_vlan(10, |v| {
            v.querier.enabled = Some(false);
            v.querier.version = Some(1);
            v.last_member_query_interval_ms = Some(200);
            v.immediate_leave = true;
        });
        s.edit_vlan(20, |v| v.querier.address = Some(ip("10.0.20.1")));
        assert!(!s.effective_querier(10).enabled);
        assert_eq!(s.effective_querier(10).version, 1);
        assert_eq!(s.effective_querier(10).query_interval_s, 30);
        assert!(s.querier_on(20));
        assert_eq!(s.effective_querier(20).address, Some(ip("10.0.20.1")));
        assert_eq!((s.lmqi_ms(10), s.lmqi_ms(20)), (200, 500));
        assert!(s.immediate_leave(10) && !s.immediate_leave(20));
        s.disabled_vlans.insert(20);
        assert!(!s.snooping_on(20) && !s.querier_on(20));
        s.enabled = false;
        assert!(!s.snooping_on(1));
        assert_eq!(
            s.configured_vlans().into_iter().collect::<Vec<_>>(),
            [10, 20]
        );
    }

    #[test]
    fn defaults_are_not_kept() {
        let mut s = IgmpSnoopingConfig::default();
        s.edit_vlan(10, |v| v.immediate_leave = true);
        assert!(s.vlans.contains_key(&10));
        s.edit_vlan(10, |v| v.immediate_leave = false);
        assert!(s.vlans.is_empty());
    }

    #[test]
    fn groups_are_checked() {
        assert_eq!(check_group(ip("239.1.1.1")), Ok(()));
        assert_eq!(check_group(ip("224.0.1.0")), Ok(()));
        assert_eq!(check_group(ip("239.255.255.255")), Ok(()));
        assert_eq!(
            check_group(ip("224.0.0.5")),
            Err(IgmpSnoopingError::LinkLocal(ip("224.0.0.5")))
        );
        for bad in ["10.1.1.1", "240.0.0.1", "255.255.255.255", "0.0.0.0"] {
            assert_eq!(
                check_group(ip(bad)),
                Err(IgmpSnoopingError::NotMulticast(ip(bad))),
                "{bad}"
            );
        }
        assert!(check_querier_address(ip("10.0.0.1")).is_ok());
        for bad in ["0.0.0.0", "224.0.0.1", "255.255.255.255"] {
            assert!(check_querier_address(ip(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn static_entries_and_forgetting_a_port() {
        let mut s = IgmpSnoopingConfig::default();
        s.edit_vlan(10, |v| {
            v.mrouters.insert("Ethernet4".into());
            v.static_groups.insert(
                ip("239.1.1.1"),
                ["Ethernet1", "Ethernet2"].map(String::from).into(),
            );
            v.static_groups
                .insert(ip("239.1.1.2"), ["Ethernet1"].map(String::from).into());
        });
        let all: Vec<_> = s.static_entries().collect();
        assert_eq!(
            all,
            [
                (10, ip("239.1.1.1"), "Ethernet1"),
                (10, ip("239.1.1.1"), "Ethernet2"),
                (10, ip("239.1.1.2"), "Ethernet1"),
            ]
        );
        assert_eq!(s.static_mrouters(10).collect::<Vec<_>>(), ["Ethernet4"]);
        assert_eq!(
            s.vlan(10).interfaces().into_iter().collect::<Vec<_>>(),
            ["Ethernet1", "Ethernet2", "Ethernet4"]
        );
        s.edit_vlan(10, |v| v.forget_interface("Ethernet1"));
        assert_eq!(
            s.static_entries().collect::<Vec<_>>(),
            [(10, ip("239.1.1.1"), "Ethernet2")]
        );
    }

    #[test]
    fn the_api_view_of_the_settings() {
        let mut s = IgmpSnoopingConfig::default();
        s.edit_vlan(10, |v| v.querier.address = Some(ip("10.0.0.1")));
        s.disabled_vlans.insert(20);
        let g = s.global_proto();
        assert!(g.enabled && g.report_suppression);
        assert_eq!(
            (
                g.last_member_query_interval_ms,
                g.last_member_query_count,
                g.robustness
            ),
            (1000, 2, 2)
        );
        let v = s.vlan_proto(10);
        assert!(v.enabled);
        assert_eq!(v.querier.unwrap().address, "10.0.0.1");
        assert!(!s.vlan_proto(20).enabled);
        assert_eq!(s.vlan_proto(20).querier.unwrap().address, "");
    }
}
