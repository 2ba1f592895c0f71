//! Feature `storm` in `lisad`: storm control. Its applier publishes each
//! port's levels for its rx hook (`datapath`) and enables the hook on the
//! ports that have some; its task logs storms and err-disables ports
//! whose action is `shutdown`; the `StormControl` service shows the state.
//! lisad lists it in one line of `src/features.rs`, swcli in one of
//! `cli/src/features.rs`.
#![forbid(unsafe_code)]

mod api;
pub mod applier;
pub mod datapath;
pub mod settings;
mod task;

use controlplane::events::Events;
use controlplane::features::{DaemonFeature, Task};
use controlplane::grpc::SwitchContext;
use datapath::StormState;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_proto::v1::storm_control_server::StormControlServer;
use lisa_storm::StormConfig;
use std::sync::{Arc, Mutex};
use tonic::service::RoutesBuilder;

/// The feature.
pub struct Storm {
    state: Arc<StormState>,
    config: Arc<Mutex<StormConfig>>,
}

impl Default for Storm {
    fn default() -> Self {
        Storm {
            state: Arc::new(StormState::new()),
            config: Arc::default(),
        }
    }
}

impl DaemonFeature for Storm {
    fn register(&self, reg: &mut Registry) {
        lisa_storm::register(reg);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        p.add_hook(self.state.hook_spec());
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::StormApplier {
            dp: dp.clone(),
            state: self.state.clone(),
            config: self.config.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<StormConfig>(new) {
            vec!["storm control".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(StormControlServer::new(api::StormService {
            ctx: ctx.clone(),
            state: self.state.clone(),
            config: self.config.clone(),
        }));
    }

    fn tasks(&self, dp: &Arc<Dataplane>, _events: &Events) -> Vec<Task> {
        vec![Box::pin(task::run(
            dp.clone(),
            self.state.clone(),
            self.config.clone(),
        ))]
    }

    fn port_added(&self, dp: &Dataplane, cfg: &Config, _name: &str) -> Result<(), String> {
        applier::push(dp, &self.state, cfg)
    }
}
