//! Feature `vlan` in `lisad`: the dataplane forwards the VLANs of the
//! database and drops frames of any other; the `Vlans` service.
#![forbid(unsafe_code)]

mod api;
pub mod edits;

use controlplane::features::DaemonFeature;
use controlplane::grpc::SwitchContext;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Prepared, Registry};
use lisa_proto::v1::vlans_server::VlansServer;
use lisa_types::VlanSet;
use lisa_vlan::VlanDb;
use std::sync::Arc;
use tonic::service::RoutesBuilder;

/// The feature.
pub struct Vlan;

impl DaemonFeature for Vlan {
    fn register(&self, reg: &mut Registry) {
        lisa_vlan::register(reg);
        reg.typed_view(api::typed_view);
    }

    fn services(&self, ctx: &SwitchContext, routes: &mut RoutesBuilder) {
        routes.add_service(VlansServer::new(api::VlansService(ctx.running.clone())));
    }

    fn applier(&self, dp: &Arc<Dataplane>) -> Option<Box<dyn Applier>> {
        Some(Box::new(VlanApplier(dp.clone())))
    }

    fn describe(&self, old: &Config, new: &Config) -> Vec<String> {
        if old.changed::<VlanDb>(new) {
            vec!["vlans".into()]
        } else {
            Vec::new()
        }
    }
}

struct VlanApplier(Arc<Dataplane>);

struct SetActive(Arc<Dataplane>, VlanSet);

impl Prepared for SetActive {
    fn apply(self: Box<Self>) -> Result<(), String> {
        self.0.set_active_vlans(self.1);
        Ok(())
    }
}

impl Applier for VlanApplier {
    fn name(&self) -> &'static str {
        "vlan"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let (a, b) = (old.get::<VlanDb>(), new.get::<VlanDb>());
        if a.vlans.keys().eq(b.vlans.keys()) {
            return Ok(None);
        }
        Ok(Some(Box::new(SetActive(self.0.clone(), b.set()))))
    }
}
