//! `lisa.v1.Vlans`: the VLAN database, typed.

use crate::edits;
use controlplane::grpc::edit;
use controlplane::running::Running;
use lisa_engine::{Config, Fields, Registry};
use lisa_l2::{L2Config, SwitchportMode};
use lisa_ports::PortsConfig;
use lisa_proto::v1::{
    vlans_server, CreateVlanRequest, DeleteVlanRequest, DeleteVlanResponse, ListVlansRequest,
    ListVlansResponse, RunningConfig, Vlan,
};
use lisa_vlan::VlanDb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The Vlans service.
pub struct VlansService(pub Arc<Running>);

/// VLAN `id` with its member ports: those plugged now (settings of
/// unplugged ports make no member, as on a switch whose module is out).
fn vlan(cfg: &Config, id: u16) -> Vlan {
    let l2 = cfg.get::<L2Config>();
    let mut ports = Vec::new();
    let mut access_ports = Vec::new();
    let all = cfg.get::<PortsConfig>();
    for (name, _) in all.ports().filter(|(n, _)| all.is_present(n)) {
        let sp = l2.switchport(name);
        let access = sp.mode == SwitchportMode::Access;
        if access && sp.access_vlan == id {
            access_ports.push(name.clone());
        }
        if (access && sp.access_vlan == id) || (!access && sp.allowed.contains(id)) {
            ports.push(name.clone());
        }
    }
    Vlan {
        id: u32::from(id),
        name: cfg
            .get::<VlanDb>()
            .vlans
            .get(&id)
            .map(|v| v.name.clone())
            .unwrap_or_default(),
        ports,
        access_ports,
    }
}

/// The VLAN database in the typed running configuration.
pub fn typed_view(_: &Registry, cfg: &Config, wanted: &Fields, out: &mut RunningConfig) {
    if !wanted.wants("vlans") {
        return;
    }
    out.vlans = cfg
        .get::<VlanDb>()
        .vlans
        .keys()
        .map(|id| vlan(cfg, *id))
        .collect();
}

#[tonic::async_trait]
impl vlans_server::Vlans for VlansService {
    async fn list_vlans(
        &self,
        _: Request<ListVlansRequest>,
    ) -> Result<Response<ListVlansResponse>, Status> {
        let vlans = self.0.read(|cfg| {
            cfg.get::<VlanDb>()
                .vlans
                .keys()
                .map(|id| vlan(cfg, *id))
                .collect()
        });
        Ok(Response::new(ListVlansResponse { vlans }))
    }

    async fn create_vlan(&self, req: Request<CreateVlanRequest>) -> Result<Response<Vlan>, Status> {
        let req = req.into_inner();
        let running = self.0.clone();
        let id = edit(running.clone(), move |cfg| edits::create_vlan(cfg, &req)).await?;
        Ok(Response::new(running.read(|cfg| vlan(cfg, id))))
    }

    async fn delete_vlan(
        &self,
        req: Request<DeleteVlanRequest>,
    ) -> Result<Response<DeleteVlanResponse>, Status> {
        let req = req.into_inner();
        let running = self.0.clone();
        edit(running.clone(), move |cfg| {
            edits::delete_vlan(running.registry(), cfg, &req)
        })
        .await?;
        Ok(Response::new(DeleteVlanResponse {}))
    }
}
