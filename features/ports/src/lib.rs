//! Feature `ports`: the interfaces the switch knows, switch ports and SVIs
//! alike (`interface X` blocks), with the settings every interface has:
//! description, shutdown, MTU. Settings of a port that is not plugged are
//! kept and applied when it is.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;

pub use model::{resolve_interface, InterfaceConfig, PortsConfig, IF_MODE};

/// Registers the feature's section, mode, commands, rules and rendering.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("ports");
    reg.section::<PortsConfig>();
    reg.mode(IF_MODE, "(config-if)");
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(IF_MODE, cli::interface_commands());
    reg.commands(IF_MODE, cli::compat::interface_commands());
    reg.validator("ports", model::validate);
    reg.renderer(cli::render);
    reg.exec_commands(cli::show::exec_commands());
    reg.interface_renderer(cli::render_interface);
}
