//! Feature `igmp_snooping`: IGMP snooping as IOS does it. On by default in
//! every VLAN: the switch listens to the IGMP reports, leaves and queries
//! of its hosts and routers, and sends multicast to a group only out of
//! the ports with members and the multicast routers' ports (unregistered
//! groups and 224.0.0.0/24 are flooded). This crate holds what needs no
//! DPDK (model, commands, show rendering, the IGMP wire format); lisad's
//! side is `daemon/`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;
pub mod wire;

pub use model::{
    IgmpSnoopingConfig, IgmpSnoopingError, QuerierOverrides, QuerierSettings, VlanIgmp,
};

/// Registers the feature's section, commands, rules, rendering, cascade
/// and EXEC commands.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("igmp_snooping");
    reg.section::<IgmpSnoopingConfig>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.validator("igmp_snooping", model::validate);
    reg.renderer(cli::render);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
