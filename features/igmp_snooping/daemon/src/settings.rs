//! What the snooper runs with: the last commit's settings (IGMP
//! snooping's section and the SVIs' addresses, the querier's fallback
//! source) and the forwarding table's VLANs and their ports, made into
//! the snooper's per-VLAN settings with port ids.

use crate::snooper::{QuerierSettings, Settings, VlanSettings};
use dataplane::Dataplane;
use lisa_engine::Config;
use lisa_igmp_snooping::model::LAST_MEMBER_QUERY_COUNT;
use lisa_igmp_snooping::IgmpSnoopingConfig;
use lisa_ipv4::Ipv4Config;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;

/// The parts of a configuration IGMP snooping runs with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs {
    /// The feature's section.
    pub config: IgmpSnoopingConfig,
    /// Each SVI's address, by VLAN.
    pub svis: BTreeMap<u16, Ipv4Addr>,
}

impl Inputs {
    /// The inputs of `cfg`.
    pub fn of(cfg: &Config) -> Inputs {
        Inputs {
            config: cfg.get::<IgmpSnoopingConfig>().clone(),
            svis: cfg
                .get::<Ipv4Config>()
                .addresses
                .iter()
                .map(|(&v, p)| (v, p.addr))
                .collect(),
        }
    }
}

/// The snooper's settings: one entry per VLAN that exists and is
/// snooped, with the ports that carry it now (up and forwarding).
pub fn of(inputs: &Inputs, dp: &Dataplane) -> Settings {
    let cfg = &inputs.config;
    let table = dp.shared().table();
    let ids: HashMap<String, u16> = dp
        .port_names()
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    let id = |name: &str| ids.get(name).copied();
    let mut statics: BTreeMap<u16, BTreeMap<Ipv4Addr, BTreeSet<u16>>> = BTreeMap::new();
    for (vlan, group, port) in cfg.static_entries() {
        if let Some(p) = id(port) {
            statics
                .entry(vlan)
                .or_default()
                .entry(group)
                .or_default()
                .insert(p);
        }
    }
    let mut vlans = BTreeMap::new();
    if !cfg.enabled {
        return Settings { vlans };
    }
    for vlan in table.active_vlans.iter() {
        if !cfg.snooping_on(vlan) {
            continue;
        }
        let fallback = inputs.svis.get(&vlan).copied();
        let querier = cfg.querier_on(vlan).then(|| cfg.effective_querier(vlan));
        let querier = querier.and_then(|q| {
            Some(QuerierSettings {
                address: q.address.or(fallback)?,
                query_interval_s: q.query_interval_s,
                max_response_time_s: q.max_response_time_s,
                timer_expiry_s: q.timer_expiry_s,
                version: q.version,
            })
        });
        let members = table.members[usize::from(vlan)]
            .iter()
            .map(|m| m.port)
            .collect();
        vlans.insert(
            vlan,
            VlanSettings {
                immediate_leave: cfg.immediate_leave(vlan),
                lmqi_ms: cfg.lmqi_ms(vlan),
                lmqc: LAST_MEMBER_QUERY_COUNT as u8,
                report_suppression: cfg.report_suppression,
                querier,
                fallback_source: fallback.unwrap_or(Ipv4Addr::UNSPECIFIED),
                static_mrouters: cfg.static_mrouters(vlan).filter_map(id).collect(),
                static_groups: statics.remove(&vlan).unwrap_or_default(),
                members,
            },
        );
    }
    Settings { vlans }
}
