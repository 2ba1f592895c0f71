//! Feature `cdp` in `lisad`: its node in the pipeline (frames to Cisco's
//! group 01:00:0c:cc:cc:cc), the agent that advertises and keeps
//! neighbours, the task that runs it, its applier and the `Cdp` service.
//! lisad lists it in one line of `src/features.rs`, swcli in one of
//! `cli/src/features.rs`.
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
use lisa_cdp::CdpConfig;
use lisa_engine::{Applier, Config, Registry};
use lisa_proto::v1::cdp_server::CdpServer;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use tonic::service::RoutesBuilder;

/// The feature.
pub struct Cdp {
    agent: Arc<Mutex<Agent>>,
    queue: Arc<PuntQueue>,
    /// CDP runs: its node takes Cisco's group.
    on: Arc<AtomicBool>,
}

impl Default for Cdp {
    fn default() -> Self {
        Cdp {
            agent: Arc::default(),
            queue: Arc::new(PuntQueue::new(datapath::QUEUE_LEN)),
            on: Arc::default(),
        }
    }
}

impl DaemonFeature for Cdp {
    fn register(&self, reg: &mut Registry) {
        lisa_cdp::register(reg);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        datapath::register(p, &self.queue, &self.on);
    }

    fn applier(&self, _dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::CdpApplier {
            agent: self.agent.clone(),
            on: self.on.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<CdpConfig>(new) {
            vec!["CDP".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(CdpServer::new(api::CdpService {
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
