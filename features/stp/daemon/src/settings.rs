//! What the spanning tree runs with, from the configuration: whether it
//! runs, the bridge's settings, and each port's (edge, BPDU guard, cost,
//! priority, link type), computed once per commit.

use crate::rstp::{BridgeSettings, PortSettings};
use lisa_engine::Config;
use lisa_l2::{L2Config, SwitchportMode};
use lisa_ports::PortsConfig;
use lisa_stp::model::{LinkType, StpConfig};
use lisa_stp::wire::Times;
use lisa_types::MacAddr;
use std::collections::BTreeMap;

/// The speed assumed for a port's default path cost (virtual ports report
/// none that means anything): 10 Gbit/s.
const ASSUMED_SPEED_MBPS: u32 = 10_000;
/// BPDUs a port may send a second (802.1D-2004's TxHoldCount).
const TX_HOLD: u32 = 6;

/// A port's settings but its number (the task numbers ports by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortCfg {
    /// Port priority.
    pub priority: u8,
    /// Path cost.
    pub cost: u32,
    /// Edge port.
    pub edge: bool,
    /// BPDU guard.
    pub bpdu_guard: bool,
    /// Point-to-point.
    pub p2p: bool,
}

impl PortCfg {
    /// With port number `number`.
    pub fn numbered(self, number: u16) -> PortSettings {
        PortSettings {
            number,
            priority: self.priority,
            cost: self.cost,
            edge: self.edge,
            bpdu_guard: self.bpdu_guard,
            p2p: self.p2p,
        }
    }
}

/// Everything the task needs of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StpSettings {
    /// The tree runs (`spanning-tree mode`).
    pub enabled: bool,
    /// The bridge.
    pub bridge: BridgeSettings,
    /// `spanning-tree extend system-id`.
    pub extend_system_id: bool,
    /// Ports by name.
    pub ports: BTreeMap<String, PortCfg>,
    /// A port the configuration does not name yet.
    pub default_port: PortCfg,
    /// `errdisable recovery cause bpduguard`: after how many seconds.
    pub recovery: Option<u32>,
}

impl StpSettings {
    /// Port `name`'s settings.
    pub fn port(&self, name: &str) -> PortCfg {
        self.ports.get(name).copied().unwrap_or(self.default_port)
    }
}

/// The settings under `cfg` for a switch whose MAC is `mac`.
pub fn settings(cfg: &Config, mac: MacAddr) -> StpSettings {
    let s = cfg.get::<StpConfig>();
    let l2 = cfg.get::<L2Config>();
    let port = |name: &str| {
        let trunk = l2
            .switchports
            .get(name)
            .is_some_and(|sp| sp.mode == SwitchportMode::Trunk);
        let edge = s.edge(name, trunk);
        PortCfg {
            priority: s.port_priority(name),
            cost: s.cost(name, ASSUMED_SPEED_MBPS),
            edge,
            bpdu_guard: s.bpdu_guard(name, edge),
            p2p: s.port(name).link_type != Some(LinkType::Shared),
        }
    };
    StpSettings {
        enabled: s.mode.is_some(),
        bridge: BridgeSettings {
            priority: s.bridge_priority(),
            mac,
            times: Times::default(),
            tx_hold: TX_HOLD,
        },
        extend_system_id: s.extend_system_id,
        ports: cfg
            .get::<PortsConfig>()
            .interfaces
            .keys()
            .filter(|n| !lisa_types::is_svi(n))
            .map(|n| (n.clone(), port(n)))
            .collect(),
        default_port: port(""),
        recovery: s.recovery_bpduguard.then_some(s.recovery_interval),
    }
}
