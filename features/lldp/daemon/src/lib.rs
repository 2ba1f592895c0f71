//! Feature `lldp` in `lisad`: its node in the pipeline (frames to the LLDP
//! group), the agent that advertises and keeps neighbours, the task that
//! runs it, its applier and the `Lldp` service. lisad lists it in one line
//! of `src/features.rs`, swcli in one of `cli/src/features.rs`.
#![forbid(unsafe_code)]

pub mod agent;
mod api;
pub mod applier;
pub mod datapath;
mod task;

use agent::Agent;
use controlplane::events::Events;
use controlplane::features::{DaemonFeature, Task};
use controlplane::grpc::SwitchContext;
use dataplane::graph::link_local::PuntQueue;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_lldp::LldpConfig;
use lisa_proto::v1::lldp_server::LldpServer;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use tonic::service::RoutesBuilder;

/// The feature.
pub struct Lldp {
    agent: Arc<Mutex<Agent>>,
    queue: Arc<PuntQueue>,
    /// LLDP runs: its node takes the group.
    on: Arc<AtomicBool>,
}

impl Default for Lldp {
    fn default() -> Self {
        Lldp {
            agent: Arc::default(),
            queue: Arc::new(PuntQueue::new(datapath::QUEUE_LEN)),
            on: Arc::default(),
        }
    }
}

impl DaemonFeature for Lldp {
    fn register(&self, reg: &mut Registry) {
        lisa_lldp::register(reg);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        datapath::register(p, &self.queue, &self.on);
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::LldpApplier {
            agent: self.agent.clone(),
            chassis: dp.router_mac(),
            on: self.on.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<LldpConfig>(new) {
            vec!["LLDP".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(LldpServer::new(api::LldpService {
            ctx: ctx.clone(),
            agent: self.agent.clone(),
        }));
    }

    fn tasks(&self, dp: &Arc<Dataplane>, _events: &Events) -> Vec<Task> {
        vec![Box::pin(task::run(
            dp.clone(),
            self.agent.clone(),
            self.queue.clone(),
        ))]
    }
}
