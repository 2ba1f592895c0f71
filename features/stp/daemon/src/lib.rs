//! Feature `stp` in `lisad`: the rapid spanning tree. Its node takes BPDUs
//! off the wire (`datapath`), its task runs the protocol machines
//! (`rstp`) and holds ports discarding in the dataplane, its applier
//! gives the task its settings, and the `Stp` service shows the tree.
//! lisad lists it in one line of `src/features.rs`, swcli in one of
//! `cli/src/features.rs`.
#![forbid(unsafe_code)]

mod api;
pub mod applier;
pub mod datapath;
pub mod rstp;
pub mod settings;
mod task;

use controlplane::events::Events;
use controlplane::features::{DaemonFeature, Task};
use controlplane::grpc::SwitchContext;
use dataplane::graph::link_local::PuntQueue;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_proto::v1::stp_server::StpServer;
use lisa_stp::StpConfig;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tonic::service::RoutesBuilder;

/// What the task, the applier and the service share.
#[derive(Default)]
pub struct StpState {
    /// The settings of the last commit (None before the first).
    pub settings: Option<settings::StpSettings>,
    /// The bridge, while the tree runs.
    pub rstp: Option<rstp::Rstp>,
    /// Ports BPDU guard took down: id -> (name, when).
    pub err_disabled: BTreeMap<u16, (String, Instant)>,
}

/// The feature.
pub struct Stp {
    state: Arc<Mutex<StpState>>,
    queue: Arc<PuntQueue>,
    /// The tree runs: its node takes BPDUs.
    on: Arc<AtomicBool>,
}

impl Default for Stp {
    fn default() -> Self {
        Stp {
            state: Arc::default(),
            queue: Arc::new(PuntQueue::new(datapath::QUEUE_LEN)),
            on: Arc::default(),
        }
    }
}

impl DaemonFeature for Stp {
    fn register(&self, reg: &mut Registry) {
        lisa_stp::register(reg);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        datapath::register(p, &self.queue, &self.on);
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::StpApplier {
            state: self.state.clone(),
            mac: dp.router_mac(),
            on: self.on.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<StpConfig>(new) {
            vec!["spanning tree".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(StpServer::new(api::StpService {
            ctx: ctx.clone(),
            state: self.state.clone(),
        }));
    }

    fn tasks(&self, dp: &Arc<Dataplane>, _events: &Events) -> Vec<Task> {
        vec![Box::pin(task::run(
            dp.clone(),
            self.state.clone(),
            self.queue.clone(),
        ))]
    }
}
