//! The features swcli knows the commands of: one line each (lisad lists
//! the same ones in `src/features.rs`).

use lisa_engine::Registry;
use std::sync::OnceLock;

/// Every feature's model and CLI, registered once.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut reg = Registry::new();
        lisa_system::register(&mut reg);
        lisa_vlan::register(&mut reg);
        lisa_ports::register(&mut reg);
        lisa_l2::register(&mut reg);
        lisa_ipv4::register(&mut reg);
        lisa_mirror::register(&mut reg);
        lisa_lldp::register(&mut reg);
        lisa_cdp::register(&mut reg);
        lisa_stp::register(&mut reg);
        lisa_lacp::register(&mut reg);
        lisa_storm::register(&mut reg);
        lisa_port_security::register(&mut reg);
        lisa_igmp_snooping::register(&mut reg);
        reg
    })
}
