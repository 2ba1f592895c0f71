//! Feature `storm`: IOS storm control. Per switch port and traffic class
//! (broadcast, multicast, unicast), traffic above a level in a 1-second
//! interval is dropped (`storm-control broadcast level 20.00 10.00`, `...
//! level bps 10m`, `... level pps 1k`), and the port may be shut down or a
//! trap sent (`storm-control action shutdown | trap`). This crate holds
//! what needs no DPDK (model, commands, `show storm-control`); lisad's
//! side is `daemon/`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;

pub use model::{Class, Level, PortStorm, StormAction, StormConfig, Unit};

/// Registers the feature's section, commands, rules, rendering, cascade
/// and EXEC commands.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("storm");
    reg.section::<StormConfig>();
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.validator("storm", model::validate);
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
