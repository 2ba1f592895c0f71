//! CDP's side of a commit: the settings and what the switch advertises
//! (hostname, SVI address, routing, the ports' native VLANs) go to the
//! agent whenever any of them changes.

use crate::agent::{Agent, Local, Settings};
use lisa_cdp::wire::caps;
use lisa_cdp::CdpConfig;
use lisa_engine::{Applier, Config, Prepared};
use lisa_ipv4::Ipv4Config;
use lisa_l2::{L2Config, SwitchportMode};
use lisa_lacp::LacpConfig;
use lisa_ports::PortsConfig;
use lisa_system::SystemConfig;
use lisa_types::DEFAULT_VLAN;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The platform advertised.
pub const PLATFORM: &str = "LiSA-DP";

/// The software version advertised, in IOS's form (tools that read CDP
/// look for "Cisco IOS Software" and "Version").
pub fn software_version() -> String {
    format!(
        "Cisco IOS Software, LiSA-DP Software (LISA-DP), Version {}, RELEASE SOFTWARE\nLiSA-DP: a DPDK software switch (L2 switching, IPv4 routing)",
        env!("CARGO_PKG_VERSION")
    )
}

/// The native VLAN of switch port `name`: an access port's VLAN, a
/// trunk's native VLAN; a port-channel's member's are its port-channel's.
fn native_vlan(cfg: &Config, name: &str) -> u16 {
    let owner = cfg
        .get::<LacpConfig>()
        .channel_of(name)
        .map(|g| lisa_lacp::model::port_channel_name(g.group));
    let sp = cfg
        .get::<L2Config>()
        .switchport(owner.as_deref().unwrap_or(name));
    match sp.mode {
        SwitchportMode::Access => sp.access_vlan,
        SwitchportMode::Trunk => sp.native_vlan,
    }
}

/// The agent's settings under `cfg`.
pub fn settings(cfg: &Config) -> Settings {
    let ipv4 = cfg.get::<Ipv4Config>();
    let address = ipv4.addresses.values().next().map(|p| p.addr);
    let routing = address.is_some();
    Settings {
        cfg: cfg.get::<CdpConfig>().clone(),
        local: Local {
            device_id: cfg.get::<SystemConfig>().hostname.clone(),
            address,
            capabilities: caps::SWITCH | if routing { caps::ROUTER } else { 0 },
            software_version: software_version(),
            platform: PLATFORM.into(),
            native_vlans: cfg
                .get::<PortsConfig>()
                .interfaces
                .keys()
                .filter(|n| !lisa_types::is_svi(n))
                .map(|n| (n.clone(), native_vlan(cfg, n)))
                .filter(|(_, v)| *v != DEFAULT_VLAN)
                .collect(),
        },
    }
}

/// The applier.
pub struct CdpApplier {
    /// The agent.
    pub agent: Arc<Mutex<Agent>>,
    /// CDP runs: the node takes Cisco's group.
    pub on: Arc<AtomicBool>,
}

struct Push {
    agent: Arc<Mutex<Agent>>,
    settings: Settings,
    on: Arc<AtomicBool>,
}

impl Prepared for Push {
    fn apply(self: Box<Self>) -> Result<(), String> {
        self.on.store(self.settings.cfg.runs(), Ordering::Relaxed);
        let mut a = self.agent.lock().unwrap_or_else(|e| e.into_inner());
        a.configure(self.settings, Instant::now());
        Ok(())
    }
}

impl Applier for CdpApplier {
    fn name(&self) -> &'static str {
        "cdp"
    }

    fn prepare(&self, _old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let settings = settings(new);
        let same = {
            let a = self.agent.lock().unwrap_or_else(|e| e.into_inner());
            *a.settings() == settings
        };
        if same {
            return Ok(None);
        }
        Ok(Some(Box::new(Push {
            agent: self.agent.clone(),
            settings,
            on: self.on.clone(),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lisa_engine::Registry;
    use lisa_ports::model::with_ports;

    #[test]
    fn what_is_advertised_follows_the_configuration() {
        let mut reg = Registry::new();
        lisa_system::register(&mut reg);
        lisa_vlan::register(&mut reg);
        lisa_ports::register(&mut reg);
        lisa_l2::register(&mut reg);
        lisa_ipv4::register(&mut reg);
        lisa_lacp::register(&mut reg);
        lisa_cdp::register(&mut reg);
        let base = with_ports(
            reg.default_config(),
            ["Ethernet1", "Ethernet2", "Ethernet3"],
        );
        let s = settings(&base);
        assert!(!s.cfg.runs());
        assert_eq!(s.local.capabilities, caps::SWITCH);
        assert_eq!(s.local.address, None);
        assert!(s.local.native_vlans.is_empty());
        let c = reg
            .apply_text(
                &base,
                "hostname core1\ncdp run\nvlan 10,20\ninterface e1\n switchport access vlan 10\ninterface e2\n switchport mode trunk\n switchport trunk native vlan 20\ninterface Vlan10\n ip address 10.0.0.1 255.255.255.0\n",
            )
            .unwrap();
        let s = settings(&c);
        assert!(s.cfg.runs());
        assert_eq!(s.local.device_id, "core1");
        assert_eq!(s.local.capabilities, caps::SWITCH | caps::ROUTER);
        assert_eq!(s.local.address, Some("10.0.0.1".parse().unwrap()));
        assert_eq!(
            (
                s.local.native_vlan("Ethernet1"),
                s.local.native_vlan("Ethernet2"),
                s.local.native_vlan("Ethernet3")
            ),
            (10, 20, 1)
        );
        assert!(s
            .local
            .software_version
            .starts_with("Cisco IOS Software, LiSA-DP"));
    }
}
