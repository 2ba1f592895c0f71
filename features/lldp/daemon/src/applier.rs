//! LLDP's side of a commit: the settings and what the switch advertises
//! (hostname, port descriptions, management address, routing) go to the
//! agent whenever any of them changes.

use crate::agent::{Agent, Local, Settings};
use lisa_engine::{Applier, Config, Prepared};
use lisa_ipv4::Ipv4Config;
use lisa_lldp::wire::caps;
use lisa_lldp::LldpConfig;
use lisa_ports::PortsConfig;
use lisa_system::SystemConfig;
use lisa_types::MacAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The system description advertised.
pub fn system_description() -> String {
    format!(
        "LiSA-DP {}, DPDK software switch (L2 switching, IPv4 routing)",
        env!("CARGO_PKG_VERSION")
    )
}

/// The agent's settings under `cfg`, for a switch whose MAC is `chassis`.
pub fn settings(cfg: &Config, chassis: MacAddr) -> Settings {
    let ipv4 = cfg.get::<Ipv4Config>();
    let routing = !ipv4.addresses.is_empty();
    let enabled = caps::BRIDGE | if routing { caps::ROUTER } else { 0 };
    Settings {
        cfg: cfg.get::<LldpConfig>().clone(),
        local: Local {
            chassis,
            system_name: cfg.get::<SystemConfig>().hostname.clone(),
            system_description: system_description(),
            capabilities: (caps::BRIDGE | caps::ROUTER, enabled),
            management: ipv4.addresses.values().next().map(|p| p.addr),
            descriptions: cfg
                .get::<PortsConfig>()
                .interfaces
                .iter()
                .filter(|(_, i)| !i.description.is_empty())
                .map(|(n, i)| (n.clone(), i.description.clone()))
                .collect(),
        },
    }
}

/// The applier.
pub struct LldpApplier {
    /// The agent.
    pub agent: Arc<Mutex<Agent>>,
    /// The switch's MAC (the chassis ID).
    pub chassis: MacAddr,
    /// LLDP runs: the node takes the group.
    pub on: Arc<AtomicBool>,
}

struct Push {
    agent: Arc<Mutex<Agent>>,
    settings: Settings,
    on: Arc<AtomicBool>,
}

impl Prepared for Push {
    fn apply(self: Box<Self>) -> Result<(), String> {
        self.on.store(self.settings.cfg.run, Ordering::Relaxed);
        let mut a = self.agent.lock().unwrap_or_else(|e| e.into_inner());
        a.configure(self.settings, Instant::now());
        Ok(())
    }
}

impl Applier for LldpApplier {
    fn name(&self) -> &'static str {
        "lldp"
    }

    fn prepare(&self, _old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let settings = settings(new, self.chassis);
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
