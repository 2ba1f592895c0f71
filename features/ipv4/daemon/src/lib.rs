//! Feature `ipv4` in `lisad`: the routed SVIs, static routes and static
//! ARP entries, pushed to the L3 dataplane as one change per commit.
#![forbid(unsafe_code)]

mod applier;

use controlplane::features::DaemonFeature;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_ipv4::Ipv4Config;
use std::sync::Arc;

/// The feature.
pub struct Ipv4;

impl DaemonFeature for Ipv4 {
    fn register(&self, reg: &mut Registry) {
        lisa_ipv4::register(reg);
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::Ipv4Applier(dp.clone())))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        let (a, b) = (old.get::<Ipv4Config>(), new.get::<Ipv4Config>());
        let mut what: Vec<String> = b
            .addresses
            .iter()
            .filter(|(v, p)| a.addresses.get(*v) != Some(*p))
            .map(|(v, _)| format!("Vlan{v}"))
            .chain(
                a.addresses
                    .keys()
                    .filter(|v| !b.addresses.contains_key(*v))
                    .map(|v| format!("Vlan{v}")),
            )
            .collect();
        if a.routes != b.routes {
            what.push("routes".into());
        }
        if a.arps != b.arps {
            what.push("arp".into());
        }
        what
    }
}
