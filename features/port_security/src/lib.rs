//! Feature `port_security`: IOS's `switchport port-security`. A secured
//! switch port admits frames only from its secure MAC addresses
//! (configured, sticky, or learned while it runs), up to a maximum, and
//! handles a violation by its mode (shutdown, restrict, protect). This
//! crate holds what needs no DPDK (model, commands, `show port-security`);
//! lisad's side is `daemon/`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;

pub use model::{
    add_sticky, AddressKind, PortSecurity, PortSecurityConfig, Violation, DEFAULT_MAXIMUM,
    MAX_AGING, MAX_MAXIMUM, PORT_VLAN,
};

/// Registers the feature's section, commands, rules, rendering, cascade
/// and EXEC commands.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("port_security");
    reg.section::<PortSecurityConfig>();
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.validator("port_security", model::validate);
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
