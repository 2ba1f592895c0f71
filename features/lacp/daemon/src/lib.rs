//! Feature `lacp` in `lisad`: EtherChannel. Its applier makes the
//! port-channels in the dataplane and enrols their members
//! (`Dataplane::add_bundle`, `set_bundle_members`); its node takes LACPDUs
//! off the wire (`datapath`); its task runs the LACP machines (`agent`)
//! and bundles members (`Dataplane::set_member_bundled`); the `Lacp`
//! service shows the port-channels and partners. lisad lists it in one
//! line of `src/features.rs`, swcli in one of `cli/src/features.rs`.
#![forbid(unsafe_code)]

pub mod agent;
mod api;
pub mod applier;
pub mod datapath;
pub mod settings;
mod task;

use controlplane::events::Events;
use controlplane::features::{DaemonFeature, Task};
use controlplane::grpc::SwitchContext;
use dataplane::graph::link_local::PuntQueue;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_lacp::LacpConfig;
use lisa_proto::v1::lacp_server::LacpServer;
use settings::{LacpSettings, Member};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use tonic::service::RoutesBuilder;

/// What the task, the applier and the service share.
#[derive(Default)]
pub struct LacpState {
    /// The settings of the last commit.
    pub settings: LacpSettings,
    /// The LACP machines (made at the task's first run).
    pub lacp: Option<agent::Lacp>,
    /// The member settings the task has taken in, by port id.
    pub taken: BTreeMap<u16, Member>,
}

/// The feature.
pub struct LacpFeature {
    state: Arc<Mutex<LacpState>>,
    queue: Arc<PuntQueue>,
    /// Some member negotiates: the node takes LACPDUs.
    on: Arc<AtomicBool>,
}

impl Default for LacpFeature {
    fn default() -> Self {
        LacpFeature {
            state: Arc::default(),
            queue: Arc::new(PuntQueue::new(datapath::QUEUE_LEN)),
            on: Arc::default(),
        }
    }
}

impl DaemonFeature for LacpFeature {
    fn register(&self, reg: &mut Registry) {
        lisa_lacp::register(reg);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        datapath::register(p, &self.queue, &self.on);
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::LacpApplier {
            dp: dp.clone(),
            state: self.state.clone(),
            on: self.on.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<LacpConfig>(new) {
            vec!["etherchannel".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(LacpServer::new(api::LacpService {
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

    fn port_added(&self, dp: &Dataplane, cfg: &Config, _name: &str) -> Result<(), String> {
        applier::enrol_members(dp, &LacpSettings::of(cfg))
    }
}
