//! The gRPC services of feature `l2`, and its part of the typed running
//! configuration.

pub mod fdb;
mod fdb_page;
pub mod interfaces;

use lisa_engine::{Config, Fields, Registry};
use lisa_l2::L2Config;
use lisa_ports::PortsConfig;
use lisa_proto::v1::{FdbEntry, FdbEntryType, RunningConfig};

/// Interface settings, static MAC entries and aging in the typed running
/// configuration.
pub fn typed_view(reg: &Registry, cfg: &Config, wanted: &Fields, out: &mut RunningConfig) {
    let l2 = cfg.get::<L2Config>();
    if wanted.wants("interfaces") {
        out.interfaces = cfg
            .get::<PortsConfig>()
            .ports()
            .map(|(n, _)| interfaces::settings(reg, cfg, n))
            .collect();
    }
    if wanted.wants("static_macs") {
        out.static_macs = l2
            .statics()
            .map(|m| FdbEntry {
                vlan: u32::from(m.vlan),
                mac: m.mac.to_string(),
                port: m.interface,
                r#type: FdbEntryType::Static as i32,
                age_seconds: 0,
            })
            .collect();
    }
    if wanted.wants("mac_aging_seconds") {
        out.mac_aging_seconds = l2.aging;
    }
    if wanted.wants("vlan_dot1q_tag_native") {
        out.vlan_dot1q_tag_native = l2.tag_native;
    }
}
