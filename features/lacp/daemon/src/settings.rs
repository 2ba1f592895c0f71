//! What the LACP task and the dataplane need of the configuration: the
//! port-channels (every `Port-channelN` interface, and every group a port
//! is in), their members with their modes, the system priority and the
//! member choice's hash.

use dataplane::lag::LagHash;
use lisa_engine::Config;
use lisa_lacp::model::{group_of_port_channel, port_channel_name, ChannelMode, LoadBalance};
use lisa_lacp::LacpConfig;
use lisa_ports::PortsConfig;
use std::collections::BTreeMap;

/// A member port's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// Its channel group.
    pub group: u16,
    /// `active`, `passive` or `on`.
    pub mode: ChannelMode,
    /// `lacp port-priority`.
    pub port_priority: u16,
    /// `lacp rate fast`.
    pub fast: bool,
}

/// The feature's settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LacpSettings {
    /// `lacp system-priority`.
    pub system_priority: u16,
    /// `port-channel load-balance`.
    pub hash: LagHash,
    /// The port-channels: group -> interface name.
    pub channels: BTreeMap<u16, String>,
    /// The member ports by name.
    pub members: BTreeMap<String, Member>,
}

impl LacpSettings {
    /// The settings `cfg` says.
    pub fn of(cfg: &Config) -> LacpSettings {
        let lacp = cfg.get::<LacpConfig>();
        let mut channels: BTreeMap<u16, String> = cfg
            .get::<PortsConfig>()
            .interfaces
            .keys()
            .filter_map(|n| Some((group_of_port_channel(n)?, n.clone())))
            .collect();
        let mut members = BTreeMap::new();
        for (name, p) in &lacp.ports {
            let Some(c) = p.channel else { continue };
            channels
                .entry(c.group)
                .or_insert_with(|| port_channel_name(c.group));
            members.insert(
                name.clone(),
                Member {
                    group: c.group,
                    mode: c.mode,
                    port_priority: lacp.port_priority(name),
                    fast: p.rate_fast,
                },
            );
        }
        LacpSettings {
            system_priority: lacp.system_priority,
            hash: lag_hash(lacp.load_balance),
            channels,
            members,
        }
    }

    /// The members of group `group`, by name.
    pub fn members_of(&self, group: u16) -> impl Iterator<Item = (&String, &Member)> {
        self.members.iter().filter(move |(_, m)| m.group == group)
    }

    /// True if some member negotiates with LACP.
    pub fn any_lacp(&self) -> bool {
        self.members.values().any(|m| m.mode.is_lacp())
    }
}

/// The dataplane's hash for `port-channel load-balance`.
pub fn lag_hash(lb: LoadBalance) -> LagHash {
    match lb {
        LoadBalance::SrcMac => LagHash::SrcMac,
        LoadBalance::DstMac => LagHash::DstMac,
        LoadBalance::SrcDstMac => LagHash::SrcDstMac,
        LoadBalance::SrcIp => LagHash::SrcIp,
        LoadBalance::DstIp => LagHash::DstIp,
        LoadBalance::SrcDstIp => LagHash::SrcDstIp,
        LoadBalance::SrcPort => LagHash::SrcPort,
        LoadBalance::DstPort => LagHash::DstPort,
        LoadBalance::SrcDstPort => LagHash::SrcDstPort,
    }
}
