//! Feature `l2`: how switch ports bridge. Access and trunk ports (allowed
//! lists, native VLAN), and the MAC address table's settings: aging time
//! and static entries.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;

pub use model::{L2Config, StaticMac, Switchport, SwitchportMode, DEFAULT_AGING};

/// Registers the feature's section, commands, rules, rendering and cascades.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("l2");
    reg.section::<L2Config>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.commands(lisa_ports::IF_MODE, cli::compat::interface_commands());
    reg.validator("l2", model::validate);
    reg.renderer(cli::render);
    reg.exec_commands(cli::show::exec_commands());
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
}
