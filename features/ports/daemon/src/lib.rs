//! Feature `ports` in `lisad`: each plugged port's admin state
//! (`shutdown`) and MTU, checked against its driver before any change, and
//! the `Ports` service (list, plug, unplug).
#![forbid(unsafe_code)]

mod api;

use controlplane::features::DaemonFeature;
use controlplane::grpc::SwitchContext;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Prepared, Registry};
use lisa_ports::{InterfaceConfig, PortsConfig};
use lisa_proto::v1::ports_server::PortsServer;
use std::sync::Arc;
use tonic::service::RoutesBuilder;

/// The feature.
pub struct Ports;

impl DaemonFeature for Ports {
    fn register(&self, reg: &mut Registry) {
        lisa_ports::register(reg);
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(PortsApplier(dp.clone())))
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(PortsServer::new(api::PortsService(ctx.clone())));
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        let (a, b) = (old.get::<PortsConfig>(), new.get::<PortsConfig>());
        let changed = b
            .interfaces
            .iter()
            .filter(|(n, i)| a.interfaces.get(*n) != Some(*i));
        let gone = a
            .interfaces
            .keys()
            .filter(|n| !b.interfaces.contains_key(*n));
        changed.map(|(n, _)| n).chain(gone).cloned().collect()
    }

    fn port_added(&self, dp: &Dataplane, cfg: &Config, name: &str) -> Result<(), String> {
        let i = cfg.get::<PortsConfig>().interface(name);
        set(dp, name, &InterfaceConfig::default(), &i)
    }
}

/// Moves port `name` from settings `a` to `b`.
fn set(dp: &Dataplane, name: &str, a: &InterfaceConfig, b: &InterfaceConfig) -> Result<(), String> {
    let err = |e: dataplane::DataplaneError| format!("interface {name}: {e}");
    if a.mtu != b.mtu {
        dp.set_port_mtu(name, b.mtu).map_err(err)?;
    }
    if a.shutdown != b.shutdown {
        dp.set_port_admin(name, !b.shutdown).map_err(err)?;
    }
    Ok(())
}

struct PortsApplier(Arc<Dataplane>);

/// The plugged ports whose settings change: (name, old, new).
struct PortChanges {
    dp: Arc<Dataplane>,
    changes: Vec<(String, InterfaceConfig, InterfaceConfig)>,
}

impl Prepared for PortChanges {
    fn apply(self: Box<Self>) -> Result<(), String> {
        for (k, (name, a, b)) in self.changes.iter().enumerate() {
            if let Err(e) = set(&self.dp, name, a, b) {
                // Put back the ports changed before this one.
                let lost: Vec<String> = self.changes[..=k]
                    .iter()
                    .rev()
                    .filter_map(|(n, a, b)| set(&self.dp, n, b, a).err())
                    .collect();
                return Err(if lost.is_empty() {
                    e
                } else {
                    format!("{e}; undo: {}", lost.join("; "))
                });
            }
        }
        Ok(())
    }
}

impl Applier for PortsApplier {
    fn name(&self) -> &'static str {
        "ports"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let (a, b) = (old.get::<PortsConfig>(), new.get::<PortsConfig>());
        if a == b {
            return Ok(None);
        }
        let mut changes = Vec::new();
        for (_, name) in self.0.port_names() {
            let (Some(x), Some(y)) = (a.interfaces.get(&name), b.interfaces.get(&name)) else {
                continue;
            };
            if x.mtu == y.mtu && x.shutdown == y.shutdown {
                continue;
            }
            if x.mtu != y.mtu {
                self.0
                    .check_mtu(&name, y.mtu)
                    .map_err(|e| format!("interface {name}: {e}"))?;
            }
            changes.push((name, x.clone(), y.clone()));
        }
        Ok(Some(Box::new(PortChanges {
            dp: self.0.clone(),
            changes,
        })))
    }
}
