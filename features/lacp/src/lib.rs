//! Feature `lacp`: EtherChannel. `interface Port-channelN` and `channel-group
//! N mode active|passive|on` bundle ports into one switch port, negotiated
//! by IEEE 802.1AX LACP (active, passive) or static (on). This crate holds
//! what needs no DPDK (model, commands, LACPDU wire format); lisad's side,
//! with the LACP machines and the port-channels in the dataplane, is
//! `daemon/`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;
pub mod wire;

pub use model::{ChannelGroup, ChannelMode, LacpConfig, LacpPortConfig, LoadBalance};

/// Registers the feature's section, commands, rules, rendering, cascade
/// and EXEC commands.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("lacp");
    reg.section::<LacpConfig>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.validator("lacp", model::validate);
    reg.renderer(cli::render);
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
