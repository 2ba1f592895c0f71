//! Feature `stp`: rapid spanning tree (IEEE 802.1D-2004 RSTP), one
//! instance for every VLAN, configured as IOS's `spanning-tree` commands.
//! This crate holds what needs no DPDK (model, commands, BPDU wire
//! format); lisad's side, with the protocol machines, is `daemon/`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;
pub mod wire;

pub use model::StpConfig;

/// Registers the feature's section, commands, rules, rendering and
/// cascade.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("stp");
    reg.section::<StpConfig>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.validator("stp", model::validate);
    reg.renderer(cli::render);
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
