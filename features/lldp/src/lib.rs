//! Feature `lldp`: IEEE 802.1AB link layer discovery as IOS runs it. The
//! switch advertises its name, each port's name and description, its
//! capabilities and management address out of every port, and keeps what
//! its neighbours advertise (`show lldp neighbors`). Off until `lldp run`;
//! `no lldp transmit` / `no lldp receive` per port. This crate holds the
//! model, the CLI and the wire format (no DPDK); lisad's side is
//! `daemon/`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;
pub mod wire;

pub use model::LldpConfig;

/// Registers the feature's section, commands, rules, rendering and
/// cascade.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("lldp");
    reg.section::<LldpConfig>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.validator("lldp", model::validate);
    reg.renderer(cli::render);
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
