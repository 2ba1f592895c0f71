//! How a feature plugs into `lisad`: its model and CLI into the registry
//! (shared with swcli), and its applier (the dataplane side of a commit).
//! `lisad` lists its features once, in `src/features.rs`.

use crate::events::Events;
use crate::grpc::SwitchContext;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tonic::service::RoutesBuilder;

/// A feature's background work (a timer, a control loop), run on the
/// control-plane runtime until lisad stops.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A feature's daemon side.
pub trait DaemonFeature {
    /// Registers the feature's model and CLI (its crate's `register`).
    fn register(&self, reg: &mut Registry);

    /// Adds the feature's datapath stages, hooks and drop reasons to the
    /// pipeline the workers will run (called once, before the dataplane
    /// starts).
    fn pipeline(&self, _p: &mut Pipeline) {}

    /// Starts what the feature runs beside the workers (a control
    /// thread), once the dataplane exists and before any commit.
    fn start(&self, _dp: &Arc<Dataplane>) -> Result<(), String> {
        Ok(())
    }

    /// The feature's side of a commit, if it drives the dataplane.
    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>>;

    /// Names what changed from `old` to `new`, for the event feed.
    fn describe(&self, _old: &Config, _new: &Config) -> Vec<String> {
        Vec::new()
    }

    /// Why port `name` may not be unplugged now (without `force`), if the
    /// feature objects.
    fn veto_port_removal(&self, _ctx: &SwitchContext, _name: &str) -> Option<String> {
        None
    }

    /// Adds the feature's gRPC services.
    fn services(&self, _ctx: &SwitchContext, _routes: &mut RoutesBuilder) {}

    /// Writes the feature's metrics (its table sizes) into a scrape.
    fn metrics(&self, _ctx: &SwitchContext, _out: &mut crate::metrics::Metrics) {}

    /// The feature's background work.
    fn tasks(&self, _dp: &Arc<Dataplane>, _events: &Events) -> Vec<Task> {
        Vec::new()
    }

    /// Forgets what the feature pushed for port `name`, just unplugged
    /// (its id may be reused by the next port plugged).
    fn port_removed(&self, _dp: &Dataplane, _cfg: &Config, _name: &str) {}

    /// Pushes the settings of a port that was just plugged.
    fn port_added(&self, _dp: &Dataplane, _cfg: &Config, _name: &str) -> Result<(), String> {
        Ok(())
    }
}

/// The built-in stages plus every feature's, for `Dataplane::start`.
pub fn pipeline(features: &[Box<dyn DaemonFeature + Send + Sync>]) -> Pipeline {
    let mut p = Pipeline::builtin();
    for f in features {
        f.pipeline(&mut p);
    }
    p
}

/// Every feature of a running `lisad`.
pub struct FeatureSet {
    /// What the features registered (commands, sections, rules, rendering).
    pub registry: Registry,
    /// Their commit appliers, in commit order.
    pub appliers: Vec<Box<dyn Applier>>,
    features: Vec<Box<dyn DaemonFeature + Send + Sync>>,
}

impl FeatureSet {
    /// Registers and starts `features` (in this order) over `dp`; the
    /// error names the feature that could not start.
    pub fn new(
        features: Vec<Box<dyn DaemonFeature + Send + Sync>>,
        dp: &Arc<Dataplane>,
    ) -> Result<FeatureSet, String> {
        let mut registry = Registry::new();
        let mut appliers = Vec::new();
        let mut names = Vec::new();
        for f in &features {
            let before = registry.features().len();
            f.register(&mut registry);
            names.push(registry.features().get(before).copied().unwrap_or("?"));
        }
        for (f, name) in features.iter().zip(names) {
            f.start(dp).map_err(|e| format!("feature {name}: {e}"))?;
            appliers.extend(f.applier(dp));
        }
        Ok(FeatureSet {
            registry,
            appliers,
            features,
        })
    }

    /// What changed, named by every feature.
    pub fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        self.features
            .iter()
            .flat_map(|f| f.describe(old, new))
            .collect()
    }

    /// The first feature's objection to unplugging port `name`, if any.
    pub fn veto_port_removal(&self, ctx: &SwitchContext, name: &str) -> Option<String> {
        self.features
            .iter()
            .find_map(|f| f.veto_port_removal(ctx, name))
    }

    /// Every feature's gRPC services.
    pub fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        for f in &self.features {
            f.services(ctx, routes);
        }
    }

    /// Every feature's metrics, into a scrape.
    pub fn metrics(&self, ctx: &SwitchContext, out: &mut crate::metrics::Metrics) {
        for f in &self.features {
            f.metrics(ctx, out);
        }
    }

    /// Every feature's background work.
    pub fn tasks(&self, dp: &Arc<Dataplane>, events: &Events) -> Vec<Task> {
        self.features
            .iter()
            .flat_map(|f| f.tasks(dp, events))
            .collect()
    }

    /// Tells every feature that port `name` was unplugged.
    pub fn port_removed(&self, dp: &Dataplane, cfg: &Config, name: &str) {
        for f in &self.features {
            f.port_removed(dp, cfg, name);
        }
    }

    /// Pushes a newly plugged port's settings, feature by feature.
    pub fn port_added(&self, dp: &Dataplane, cfg: &Config, name: &str) -> Result<(), String> {
        for f in &self.features {
            f.port_added(dp, cfg, name)?;
        }
        Ok(())
    }
}
