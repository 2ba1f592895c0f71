//! Feature `cdp`: the Cisco Discovery Protocol (version 2) as IOS runs it.
//! The switch advertises its name, each port's name, its capabilities,
//! its first SVI address, software and platform, and the port's native
//! VLAN out of every port, and keeps what its neighbours advertise (`show
//! cdp neighbors`). Unlike IOS, off until `cdp run` (a VM's port need not
//! hear it); `no cdp enable` per port. This crate holds the model, the CLI
//! and the wire format (no DPDK); lisad's side is `daemon/`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;
pub mod wire;

pub use model::CdpConfig;

/// Registers the feature's section, commands, rules, rendering and
/// cascade.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("cdp");
    reg.section::<CdpConfig>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.validator("cdp", model::validate);
    reg.renderer(cli::render);
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
