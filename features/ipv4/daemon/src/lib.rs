//! Feature `ipv4` in `lisad`: the routed SVIs, static routes and static
//! ARP entries, pushed to the L3 dataplane as one change per commit; the
//! `Routing` service.
#![forbid(unsafe_code)]

mod api;
mod applier;

use controlplane::features::DaemonFeature;
use controlplane::grpc::SwitchContext;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_ipv4::Ipv4Config;
use lisa_proto::v1::routing_server::RoutingServer;
use std::sync::Arc;
use tonic::service::RoutesBuilder;

/// The feature.
pub struct Ipv4;

impl DaemonFeature for Ipv4 {
    fn register(&self, reg: &mut Registry) {
        lisa_ipv4::register(reg);
        reg.typed_view(api::typed_view);
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(RoutingServer::new(api::RoutingService(ctx.clone())));
    }

    fn veto_port_removal(&self, ctx: &SwitchContext, name: &str) -> Option<String> {
        api::last_port_of_an_svi(ctx, name)
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
