//! Feature `mirror` in `lisad`: its hook in the pipeline, its applier, the
//! `Mirror` service, and the sessions kept right as ports come and go.
//! Everything of the feature lives in `features/mirror/`; lisad lists it
//! in one line of `src/features.rs`, swcli in one of `cli/src/features.rs`.
#![forbid(unsafe_code)]

mod api;
mod applier;
pub mod datapath;
pub mod edits;

use controlplane::features::DaemonFeature;
use controlplane::grpc::SwitchContext;
use datapath::MirrorState;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_mirror::MonitorConfig;
use lisa_proto::v1::mirror_server::MirrorServer;
use std::sync::Arc;
use tonic::service::RoutesBuilder;

/// The feature.
#[derive(Default)]
pub struct Mirror {
    state: Arc<MirrorState>,
}

impl DaemonFeature for Mirror {
    fn register(&self, reg: &mut Registry) {
        lisa_mirror::register(reg);
        reg.typed_view(api::typed_view);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        p.add_hook(self.state.hook_spec());
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::MirrorApplier {
            dp: dp.clone(),
            state: self.state.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<MonitorConfig>(new) {
            vec!["monitor sessions".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(MirrorServer::new(api::MirrorService {
            ctx: ctx.clone(),
            state: self.state.clone(),
        }));
    }

    fn port_added(&self, dp: &Dataplane, cfg: &Config, _name: &str) -> Result<(), String> {
        applier::push(dp, &self.state, cfg.get::<MonitorConfig>());
        Ok(())
    }

    fn port_removed(&self, dp: &Dataplane, cfg: &Config, _name: &str) {
        applier::push(dp, &self.state, cfg.get::<MonitorConfig>());
    }
}
