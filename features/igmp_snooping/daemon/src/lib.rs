//! Feature `igmp_snooping` in `lisad`: IGMP snooping. `l2-bridge` hands
//! IGMP frames to its node (`datapath`), which queues them for its task;
//! the task runs the snooper (`snooper`: reports, leaves, queries, the
//! querier, timers), forwards the IGMP messages as RFC 4541 says (reports
//! to the multicast routers' ports, queries flooded) and publishes the
//! multicast group table `l2-flood` filters group frames by. The applier
//! hands the task each commit's settings; the `IgmpSnooping` service
//! shows the groups, routers and queriers. lisad lists it in one line of
//! `src/features.rs`, swcli in one of `cli/src/features.rs`.
#![forbid(unsafe_code)]

mod api;
pub mod applier;
pub mod datapath;
pub mod settings;
pub mod snooper;
mod task;

use controlplane::events::Events;
use controlplane::features::{DaemonFeature, Task};
use controlplane::grpc::SwitchContext;
use datapath::IgmpQueue;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_igmp_snooping::IgmpSnoopingConfig;
use lisa_proto::v1::igmp_snooping_server::IgmpSnoopingServer;
use settings::Inputs;
use std::sync::{Arc, Mutex};
use tonic::service::RoutesBuilder;

/// What the task, the applier and the service share.
pub struct IgmpState {
    /// Time zero of the snooper's clock.
    pub epoch: std::time::Instant,
    /// The last commit's settings.
    pub inputs: Inputs,
    /// The inputs changed since the task last took them.
    pub dirty: bool,
    /// The snooper.
    pub snooper: snooper::Snooper,
    /// The forwarding table generation the task last took the VLANs'
    /// ports from.
    pub table_generation: u64,
}

impl IgmpState {
    /// The snooper's time now, ms.
    pub fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }
}

impl Default for IgmpState {
    fn default() -> Self {
        IgmpState {
            epoch: std::time::Instant::now(),
            inputs: Inputs::default(),
            // The first run takes the (default) settings.
            dirty: true,
            snooper: snooper::Snooper::new(),
            table_generation: 0,
        }
    }
}

/// The feature.
pub struct IgmpSnooping {
    state: Arc<Mutex<IgmpState>>,
    queue: Arc<IgmpQueue>,
}

impl Default for IgmpSnooping {
    fn default() -> Self {
        IgmpSnooping {
            state: Arc::default(),
            queue: Arc::new(IgmpQueue::new(datapath::QUEUE_LEN)),
        }
    }
}

impl DaemonFeature for IgmpSnooping {
    fn register(&self, reg: &mut Registry) {
        lisa_igmp_snooping::register(reg);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        datapath::register(p, &self.queue);
    }

    fn applier(&self, _dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::IgmpApplier {
            state: self.state.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<IgmpSnoopingConfig>(new) {
            vec!["igmp snooping".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(IgmpSnoopingServer::new(api::IgmpSnoopingService {
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
