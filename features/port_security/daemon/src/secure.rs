//! The secure addresses of every port as the task keeps them: configured
//! and sticky ones from the configuration, dynamic ones learned at run
//! time (forgotten when the port goes down or its settings change), and
//! the table the hooks read, built from them.

use crate::datapath::{address_key, KeySet, SecurePort, SecureState, SecureTable, HOOK};
use dataplane::{Dataplane, HookUse};
use lisa_engine::Config;
use lisa_port_security::model::{secure_addresses, AddressKind};
use lisa_port_security::PortSecurityConfig;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

/// What the task, the applier and the service share.
#[derive(Default)]
pub struct Secure {
    /// The last commit's configuration.
    pub config: Option<Config>,
    /// Dynamic secure addresses by port name (`address_key`).
    pub dynamic: BTreeMap<String, BTreeSet<u64>>,
    /// Ports a violation err-disabled: name -> when.
    pub err_disabled: BTreeMap<String, Instant>,
    /// The last address that was not secure, by port name.
    pub last_source: BTreeMap<String, u64>,
    /// Tables published so far.
    generation: u64,
}

impl Secure {
    /// The configured and sticky addresses of port `name`, as keys, with
    /// their kind.
    pub fn configured(&self, name: &str) -> Vec<(u64, AddressKind)> {
        let Some(cfg) = &self.config else {
            return Vec::new();
        };
        secure_addresses(cfg, name)
            .into_iter()
            .map(|(vlan, mac, kind)| (address_key(vlan, mac.0), kind))
            .collect()
    }

    /// Every secure address of port `name`.
    pub fn known(&self, name: &str) -> KeySet {
        let mut known: KeySet = self.configured(name).into_iter().map(|(k, _)| k).collect();
        known.extend(self.dynamic.get(name).into_iter().flatten().copied());
        known
    }

    /// The port-security section of the last commit.
    pub fn section(&self) -> PortSecurityConfig {
        self.config
            .as_ref()
            .map(|c| c.get::<PortSecurityConfig>().clone())
            .unwrap_or_default()
    }

    /// Publishes the hooks' table over the dataplane's ports, and enables
    /// the hook on the secured ones.
    pub fn publish(&mut self, dp: &Dataplane, state: &SecureState) -> Result<(), String> {
        let section = self.section();
        let mut t = SecureTable::default();
        for (id, name) in dp.port_names() {
            let Some(p) = section.ports.get(&name).filter(|p| p.enabled) else {
                continue;
            };
            let known = self.known(&name);
            let full = known.len() >= p.maximum as usize;
            if let Some(slot) = t.ports.get_mut(usize::from(id)) {
                *slot = Some(Arc::new(SecurePort { known, full }));
            }
        }
        self.generation += 1;
        t.generation = self.generation;
        state.table.publish(t);
        dp.set_hook_on_ports(HOOK, |name| HookUse {
            rx: section.ports.get(name).is_some_and(|p| p.enabled),
            ..Default::default()
        })
        .map_err(|e| e.to_string())
    }
}
