//! Feature `ipv4` in `lisad`: the routed SVIs, static routes and static
//! ARP entries, pushed to the L3 dataplane as one change per commit; the
//! `Routing` service, pings from the switch included.
#![forbid(unsafe_code)]

mod api;
mod applier;
pub mod edits;
pub mod ping;

use controlplane::features::DaemonFeature;
use controlplane::grpc::SwitchContext;
use controlplane::metrics::{Kind, Metrics};
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_ipv4::Ipv4Config;
use lisa_ipv4_datapath::control::L3Control;
use lisa_ipv4_datapath::Ipv4Datapath;
use lisa_proto::v1::routing_server::RoutingServer;
use std::sync::{Arc, OnceLock};
use tonic::service::RoutesBuilder;

/// The feature: its datapath (tables and stages) and, once the dataplane
/// runs, its control thread.
#[derive(Default)]
pub struct Ipv4 {
    datapath: Ipv4Datapath,
    l3: OnceLock<Arc<L3Control>>,
}

impl Ipv4 {
    /// The L3 control (after `start`).
    fn l3(&self) -> Arc<L3Control> {
        self.l3
            .get()
            .expect("feature ipv4 used before it started")
            .clone()
    }
}

impl DaemonFeature for Ipv4 {
    fn pipeline(&self, p: &mut Pipeline) {
        self.datapath.register(p);
    }

    fn start(&self, dp: &Arc<Dataplane>) -> Result<(), String> {
        let l3 = self
            .datapath
            .start(dp, dp.router_mac())
            .map_err(|e| e.to_string())?;
        let _ = self.l3.set(l3);
        Ok(())
    }

    fn register(&self, reg: &mut Registry) {
        lisa_ipv4::register(reg);
        reg.typed_view(api::typed_view);
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(RoutingServer::new(api::RoutingService {
            ctx: ctx.clone(),
            l3: self.l3(),
        }));
    }

    fn metrics(&self, _: &SwitchContext, m: &mut Metrics) {
        let l3 = self.l3();
        m.single(
            "lisa_ipv4_static_routes",
            Kind::Gauge,
            "Static routes configured.",
            l3.static_route_count() as u64,
        );
        m.single(
            "lisa_ipv4_arp_entries",
            Kind::Gauge,
            "ARP table entries (learned, incomplete and static).",
            l3.arp_table().len() as u64,
        );
        m.single(
            "lisa_ipv4_lpm_bytes",
            Kind::Gauge,
            "Memory of the forwarding table (LPM).",
            l3.lpm_usage().0 as u64,
        );
    }

    fn veto_port_removal(&self, ctx: &SwitchContext, name: &str) -> Option<String> {
        api::last_port_of_an_svi(ctx, name)
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::Ipv4Applier {
            dp: dp.clone(),
            l3: self.l3(),
        }))
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
