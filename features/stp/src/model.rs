//! The spanning tree's settings, as IOS keeps them. LiSA-DP runs one
//! rapid spanning tree (802.1D-2004 RSTP) for every VLAN: `spanning-tree
//! mode rapid-pvst` or `pvst` starts it; its bridge priority is VLAN 1's
//! (`spanning-tree vlan 1 priority N`), a port's cost VLAN 1's if set
//! (`spanning-tree vlan 1 cost N`), else its own (`spanning-tree cost N`).

use lisa_engine::{Config, Removed};
use std::collections::BTreeMap;

/// IOS's default bridge priority.
pub const DEFAULT_PRIORITY: u16 = 32768;
/// IOS's default port priority.
pub const DEFAULT_PORT_PRIORITY: u8 = 128;
/// IOS's default err-disable recovery interval, seconds.
pub const DEFAULT_RECOVERY_INTERVAL: u32 = 300;

/// `spanning-tree mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `pvst` (runs RSTP too: it falls back to 802.1D with 802.1D peers).
    Pvst,
    /// `rapid-pvst`.
    RapidPvst,
}

impl Mode {
    /// The IOS keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Mode::Pvst => "pvst",
            Mode::RapidPvst => "rapid-pvst",
        }
    }
}

/// `spanning-tree link-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkType {
    /// `point-to-point`: proposals and agreements (rapid transitions).
    PointToPoint,
    /// `shared`: timers only.
    Shared,
}

/// A port's spanning-tree settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StpPort {
    /// `spanning-tree portfast [edge]` (Some(true)), `spanning-tree
    /// portfast disable` (Some(false)); the `edge` keyword written.
    pub portfast: Option<bool>,
    /// `edge` was written.
    pub edge_keyword: bool,
    /// `trunk` was written: portfast applies on a trunk too.
    pub portfast_trunk: bool,
    /// `spanning-tree bpduguard enable` (Some(true)) / `disable`.
    pub bpduguard: Option<bool>,
    /// `spanning-tree cost N`.
    pub cost: Option<u32>,
    /// `spanning-tree port-priority N`.
    pub priority: Option<u8>,
    /// `spanning-tree vlan N cost C`.
    pub vlan_cost: BTreeMap<u16, u32>,
    /// `spanning-tree vlan N port-priority P`.
    pub vlan_priority: BTreeMap<u16, u8>,
    /// `spanning-tree link-type`.
    pub link_type: Option<LinkType>,
}

impl StpPort {
    /// Nothing set.
    pub fn is_default(&self) -> bool {
        *self == StpPort::default()
    }
}

/// The section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StpConfig {
    /// `spanning-tree mode`: None, the tree does not run.
    pub mode: Option<Mode>,
    /// `spanning-tree extend system-id` (IOS's default, shown).
    pub extend_system_id: bool,
    /// `spanning-tree pathcost method long`.
    pub pathcost_long: bool,
    /// `spanning-tree portfast [edge] default`: access ports are edge ports.
    pub portfast_default: bool,
    /// `spanning-tree portfast [edge] bpduguard default`: edge ports have
    /// BPDU guard.
    pub bpduguard_default: bool,
    /// `spanning-tree vlan N priority P`.
    pub vlan_priority: BTreeMap<u16, u16>,
    /// `errdisable recovery cause bpduguard`.
    pub recovery_bpduguard: bool,
    /// `errdisable recovery interval N`.
    pub recovery_interval: u32,
    /// Per-port settings.
    pub ports: BTreeMap<String, StpPort>,
}

impl Default for StpConfig {
    fn default() -> Self {
        StpConfig {
            mode: None,
            extend_system_id: true,
            pathcost_long: false,
            portfast_default: false,
            bpduguard_default: false,
            vlan_priority: BTreeMap::new(),
            recovery_bpduguard: false,
            recovery_interval: DEFAULT_RECOVERY_INTERVAL,
            ports: BTreeMap::new(),
        }
    }
}

impl StpConfig {
    /// The bridge priority of the one instance: VLAN 1's, with IOS's
    /// system ID extension (VLAN 1).
    pub fn bridge_priority(&self) -> u16 {
        let p = self
            .vlan_priority
            .get(&1)
            .copied()
            .unwrap_or(DEFAULT_PRIORITY);
        if self.extend_system_id {
            p + 1
        } else {
            p
        }
    }

    /// Port `name`'s settings (the defaults if none).
    pub fn port(&self, name: &str) -> StpPort {
        self.ports.get(name).cloned().unwrap_or_default()
    }

    /// True if port `name`, in trunk mode or not, is an edge port.
    pub fn edge(&self, name: &str, trunk: bool) -> bool {
        let p = self.port(name);
        match p.portfast {
            Some(false) => false,
            Some(true) => !trunk || p.portfast_trunk,
            None => self.portfast_default && !trunk,
        }
    }

    /// True if port `name` has BPDU guard.
    pub fn bpdu_guard(&self, name: &str, edge: bool) -> bool {
        match self.port(name).bpduguard {
            Some(on) => on,
            None => self.bpduguard_default && edge,
        }
    }

    /// Port `name`'s path cost for a link of `speed_mbps`: its VLAN 1
    /// cost, its own, or IOS's default for the speed (short or long
    /// method).
    pub fn cost(&self, name: &str, speed_mbps: u32) -> u32 {
        let p = self.port(name);
        if let Some(c) = p.vlan_cost.get(&1).copied().or(p.cost) {
            return c;
        }
        let speed = u64::from(speed_mbps.max(1));
        if self.pathcost_long {
            (20_000_000 / speed).clamp(1, 200_000_000) as u32
        } else {
            match speed {
                s if s >= 10_000 => 2,
                s if s >= 1_000 => 4,
                s if s >= 100 => 19,
                _ => 100,
            }
        }
    }

    /// Port `name`'s priority: its VLAN 1 priority, its own, or 128.
    pub fn port_priority(&self, name: &str) -> u8 {
        let p = self.port(name);
        p.vlan_priority
            .get(&1)
            .copied()
            .or(p.priority)
            .unwrap_or(DEFAULT_PORT_PRIORITY)
    }
}

/// The rules: priorities in steps of 4096 (bridge) and 16 (port), as IOS.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let s = cfg.get::<StpConfig>();
    for (v, p) in &s.vlan_priority {
        if p % 4096 != 0 {
            return Err(format!(
                "spanning-tree vlan {v} priority {p}: a multiple of 4096 (0-61440)"
            ));
        }
    }
    for (name, p) in &s.ports {
        for prio in p.priority.iter().chain(p.vlan_priority.values()) {
            if prio % 16 != 0 {
                return Err(format!(
                    "{name}: spanning-tree port-priority {prio}: a multiple of 16 (0-240)"
                ));
            }
        }
    }
    Ok(())
}

/// An interface removed, or set back to its defaults, loses its settings.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    let (Removed::Interface(name) | Removed::InterfaceSettings(name)) = what else {
        return;
    };
    cfg.get_mut::<StpConfig>().ports.remove(name);
}
