//! Feature `port_security` in `lisad`: `switchport port-security`. Its
//! hook (`datapath`) lets through the frames of each secured port's secure
//! addresses and reports others; its task (`task`) makes them secure up
//! to the port's maximum (sticky ones written into the running
//! configuration) and handles violations; its applier publishes the
//! hooks' table; the `PortSecurity` service shows the state. lisad lists
//! it in one line of `src/features.rs`, swcli in one of
//! `cli/src/features.rs`.
#![forbid(unsafe_code)]

mod api;
pub mod applier;
pub mod datapath;
pub mod secure;
mod task;

use controlplane::events::Events;
use controlplane::features::{DaemonFeature, Task};
use controlplane::grpc::SwitchContext;
use controlplane::running::Running;
use datapath::SecureState;
use dataplane::graph::Pipeline;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Registry};
use lisa_port_security::PortSecurityConfig;
use lisa_proto::v1::port_security_server::PortSecurityServer;
use secure::Secure;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use tonic::service::RoutesBuilder;

/// The feature.
#[derive(Default)]
pub struct PortSecurity {
    state: Arc<SecureState>,
    secure: Arc<Mutex<Secure>>,
    /// The running configuration, once the API exists: the task writes
    /// sticky addresses into it. Weak: the running configuration holds
    /// this feature (a strong reference would keep both, and the
    /// dataplane, alive past shutdown).
    running: Arc<OnceLock<Weak<Running>>>,
}

impl DaemonFeature for PortSecurity {
    fn register(&self, reg: &mut Registry) {
        lisa_port_security::register(reg);
    }

    fn pipeline(&self, p: &mut Pipeline) {
        p.add_hook(self.state.hook_spec());
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(applier::SecureApplier {
            dp: dp.clone(),
            state: self.state.clone(),
            secure: self.secure.clone(),
        }))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<PortSecurityConfig>(new) {
            vec!["port security".into()]
        } else {
            Vec::new()
        }
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        let _ = self.running.set(Arc::downgrade(&ctx.running));
        routes.add_service(PortSecurityServer::new(api::PortSecurityService {
            ctx: ctx.clone(),
            secure: self.secure.clone(),
        }));
    }

    fn tasks(&self, dp: &Arc<Dataplane>, _events: &Events) -> Vec<Task> {
        vec![Box::pin(task::run(
            dp.clone(),
            self.state.clone(),
            self.secure.clone(),
            self.running.clone(),
        ))]
    }

    fn port_added(&self, dp: &Dataplane, _cfg: &Config, _name: &str) -> Result<(), String> {
        let mut s = self.secure.lock().unwrap_or_else(|e| e.into_inner());
        s.publish(dp, &self.state)
    }
}
