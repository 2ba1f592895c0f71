//! Feature `igmp_snooping`: IGMP snooping as IOS does it. On by default in
//! every VLAN: the switch listens to the IGMP reports, leaves and queries
//! of its hosts and routers, and sends multicast to a group only out of
//! the ports with members and the multicast routers' ports (unregistered
//! groups and 224.0.0.0/24 are flooded). This crate holds what needs no
//! DPDK (model, commands, show rendering, the IGMP wire format); lisad's
//! side is `daemon/`.
#![forbid(unsafe_code)]

pub mod model;
pub mod wire;

pub use model::{
    IgmpSnoopingConfig, IgmpSnoopingError, QuerierOverrides, QuerierSettings, VlanIgmp,
};

/// Registers the feature's section, rules and cascade.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("igmp_snooping");
    reg.section::<IgmpSnoopingConfig>();
    reg.validator("igmp_snooping", model::validate);
    reg.on_removed(model::cascade);
}
