//! Feature `vlan`: the VLAN database. VLAN 1 always exists; a VLAN has a
//! name (`VLAN0010` unless set); frames of VLANs not in the database are
//! dropped.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;

pub use model::{VlanConfig, VlanDb, VLAN_MODE};

/// Registers the feature's section, mode, commands, rules and rendering.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("vlan");
    reg.section::<VlanDb>();
    reg.mode(VLAN_MODE, "(config-vlan)");
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_engine::mode::GLOBAL, cli::compat::global_commands());
    reg.commands(VLAN_MODE, cli::vlan_commands());
    reg.validator("vlan", model::validate);
    reg.renderer(cli::render);
    reg.exec_commands(cli::show::exec_commands());
}
