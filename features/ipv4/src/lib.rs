//! Feature `ipv4`: IPv4 routing between SVIs. An SVI (`interface Vlan10`)
//! with `ip address` routes for its VLAN; static routes (`ip route`) and
//! static ARP entries (`arp`) complete the table.
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;

pub use model::{routed_svis, IpRoute, Ipv4Config};

/// Registers the feature's section, commands, rules, rendering and cascades.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("ipv4");
    reg.section::<Ipv4Config>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_engine::mode::GLOBAL, cli::compat::global_commands());
    reg.commands(lisa_ports::IF_MODE, cli::interface_commands());
    reg.commands(lisa_ports::IF_MODE, cli::compat::interface_commands());
    reg.validator("ipv4", model::validate);
    reg.change_validator("ipv4", model::validate_change);
    reg.renderer(cli::render);
    reg.exec_commands(cli::show::exec_commands());
    reg.exec_commands(cli::ping::exec_commands());
    reg.interface_renderer(cli::render_interface);
    reg.on_removed(model::cascade);
    reg.deferred(|cfg| {
        let ip = cfg.get_mut::<Ipv4Config>();
        ip.routes = Default::default();
        ip.route_details = Default::default();
    });
}
