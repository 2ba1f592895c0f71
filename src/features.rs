//! The features of `lisad`, in commit order: one line each. A feature's
//! model and CLI come with it (swcli lists the same ones in
//! `cli/src/features.rs`).

use controlplane::features::DaemonFeature;

/// Feature `system` has no dataplane side.
struct System;

impl DaemonFeature for System {
    fn register(&self, reg: &mut lisa_engine::Registry) {
        lisa_system::register(reg);
        reg.typed_view(|_, cfg, wanted, out| {
            if wanted.wants("hostname") {
                out.hostname = cfg.get::<lisa_system::SystemConfig>().hostname.clone();
            }
        });
    }

    fn applier(
        &self,
        _: &std::sync::Arc<dataplane::Dataplane>,
    ) -> Option<Box<dyn lisa_engine::Applier>> {
        None
    }
}

/// Every feature, in the order their changes are committed.
pub fn daemon_features(fdb_limit: usize) -> Vec<Box<dyn DaemonFeature + Send + Sync>> {
    vec![
        Box::new(System),
        Box::new(lisa_vlan_daemon::Vlan),
        Box::new(lisa_l2_daemon::L2::new(fdb_limit)),
        Box::new(lisa_ports_daemon::Ports),
        Box::new(lisa_lacp_daemon::LacpFeature::default()),
        Box::new(lisa_storm_daemon::Storm::default()),
        Box::new(lisa_port_security_daemon::PortSecurity::default()),
        Box::new(lisa_igmp_snooping_daemon::IgmpSnooping::default()),
        Box::new(lisa_ipv4_daemon::Ipv4::default()),
        Box::new(lisa_mirror_daemon::Mirror::default()),
        Box::new(lisa_lldp_daemon::Lldp::default()),
        Box::new(lisa_cdp_daemon::Cdp::default()),
        Box::new(lisa_stp_daemon::Stp::default()),
    ]
}
