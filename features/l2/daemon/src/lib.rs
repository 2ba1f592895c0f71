//! Feature `l2` in `lisad`: the VLAN membership of each plugged port, the
//! static entries of the MAC address table, and aging; the `Interfaces`
//! and `Fdb` services.
#![forbid(unsafe_code)]

mod api;
mod applier;
mod control;
pub mod edits;

use controlplane::events::Events;
use controlplane::features::{DaemonFeature, Task};
use controlplane::grpc::SwitchContext;
use controlplane::metrics::{Kind, Metrics};
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_l2::L2Config;
use lisa_l2_datapath::L2Datapath;
use lisa_proto::v1::{fdb_server::FdbServer, interfaces_server::InterfacesServer};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use tonic::service::RoutesBuilder;

/// The feature: its datapath (the FDB and the L2 stages), and the aging
/// time its ager reads.
pub struct L2 {
    datapath: L2Datapath,
    aging: Arc<AtomicU32>,
}

impl L2 {
    /// The feature with an FDB of at most `fdb_limit` entries (the boot
    /// config's `switch.fdb_limit`).
    pub fn new(fdb_limit: usize) -> L2 {
        L2 {
            datapath: L2Datapath::new(fdb_limit),
            aging: Arc::new(AtomicU32::new(lisa_l2::DEFAULT_AGING)),
        }
    }
}

impl DaemonFeature for L2 {
    fn metrics(&self, _: &SwitchContext, m: &mut Metrics) {
        let fdb = &self.datapath.fdb;
        m.single(
            "lisa_fdb_entries",
            Kind::Gauge,
            "MAC address table entries, learned and static.",
            fdb.len() as u64,
        );
        m.single(
            "lisa_fdb_limit",
            Kind::Gauge,
            "MAC address table size limit.",
            fdb.limit() as u64,
        );
        let c = &fdb.counters;
        for (name, help, counter) in [
            ("lisa_fdb_learned", "MAC addresses learned.", &c.learned),
            (
                "lisa_fdb_moves",
                "MAC addresses that moved to another port.",
                &c.moves,
            ),
            (
                "lisa_fdb_full",
                "MAC addresses not learned: the table was full.",
                &c.full,
            ),
            ("lisa_fdb_aged", "MAC addresses aged out.", &c.aged),
        ] {
            m.single(name, Kind::Counter, help, counter.load(Ordering::Relaxed));
        }
    }

    fn register(&self, reg: &mut Registry) {
        lisa_l2::register(reg);
        reg.typed_view(api::typed_view);
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(InterfacesServer::new(api::interfaces::InterfacesService(
            ctx.running.clone(),
        )));
        routes.add_service(FdbServer::new(api::fdb::FdbService {
            ctx: ctx.clone(),
            fdb: self.datapath.fdb.clone(),
        }));
    }

    fn pipeline(&self, p: &mut Pipeline) {
        self.datapath.register(p);
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::L2Applier {
            dp: dp.clone(),
            fdb: self.datapath.fdb.clone(),
            aging: self.aging.clone(),
        }))
    }

    fn tasks(&self, dp: &Arc<Dataplane>, events: &Events) -> Vec<Task> {
        let fdb = &self.datapath.fdb;
        vec![
            Box::pin(control::age_fdb(
                dp.clone(),
                fdb.clone(),
                self.aging.clone(),
            )),
            Box::pin(control::watch_full(fdb.clone(), events.clone())),
        ]
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        let (a, b) = (old.get::<L2Config>(), new.get::<L2Config>());
        let mut what: Vec<String> = b
            .switchports
            .iter()
            .filter(|(n, s)| a.switchports.get(*n) != Some(*s))
            .map(|(n, _)| n.clone())
            .chain(
                a.switchports
                    .keys()
                    .filter(|n| !b.switchports.contains_key(*n))
                    .cloned(),
            )
            .collect();
        if a.static_macs != b.static_macs || a.aging != b.aging {
            what.push("mac address-table".into());
        }
        what
    }

    fn port_added(&self, dp: &Dataplane, cfg: &Config, name: &str) -> Result<(), String> {
        applier::port_added(dp, &self.datapath.fdb, cfg, name)
    }
}
