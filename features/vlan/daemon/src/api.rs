//! `lisa.v1.Vlans`: the VLAN database, typed.

use controlplane::grpc::config::status;
use controlplane::running::Running;
use lisa_engine::{Config, Fields, Registry, Removed};
use lisa_l2::{L2Config, SwitchportMode};
use lisa_ports::PortsConfig;
use lisa_proto::v1::{
    vlans_server, CreateVlanRequest, DeleteVlanRequest, DeleteVlanResponse, ListVlansRequest,
    ListVlansResponse, RunningConfig, Vlan,
};
use lisa_types::{valid_vlan, DEFAULT_VLAN};
use lisa_vlan::{VlanConfig, VlanDb};
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The Vlans service.
pub struct VlansService(pub Arc<Running>);

fn check_id(id: u32) -> Result<u16, Status> {
    if valid_vlan(id) {
        Ok(id as u16)
    } else {
        Err(Status::invalid_argument(format!(
            "vlan id {id} is out of range (1-4094)"
        )))
    }
}

/// The VLAN name rule (the one the IOS text follows).
fn check_name(name: &str) -> Result<(), Status> {
    if name.is_empty() {
        return Ok(());
    }
    lisa_vlan::model::check_name(name).map_err(Status::invalid_argument)
}

/// VLAN `id` with its member ports.
fn vlan(cfg: &Config, id: u16) -> Vlan {
    let l2 = cfg.get::<L2Config>();
    let mut ports = Vec::new();
    let mut access_ports = Vec::new();
    for (name, _) in cfg.get::<PortsConfig>().ports() {
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
        let id = check_id(req.id)?;
        check_name(&req.name)?;
        let running = self.0.clone();
        controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                let name = if req.name.is_empty() {
                    VlanConfig::default_name(id)
                } else {
                    req.name.clone()
                };
                cfg.get_mut::<VlanDb>()
                    .vlans
                    .insert(id, VlanConfig { name });
                Ok(())
            })?;
            Ok(running.read(|cfg| vlan(cfg, id)))
        })
        .await?
        .map(Response::new)
        .map_err(status)
    }

    async fn delete_vlan(
        &self,
        req: Request<DeleteVlanRequest>,
    ) -> Result<Response<DeleteVlanResponse>, Status> {
        let id = check_id(req.into_inner().id)?;
        if id == DEFAULT_VLAN {
            return Err(Status::invalid_argument(
                "the default VLAN 1 may not be deleted",
            ));
        }
        let running = self.0.clone();
        controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                cfg.get_mut::<VlanDb>()
                    .vlans
                    .remove(&id)
                    .ok_or_else(|| format!("vlan {id} does not exist"))?;
                running
                    .registry()
                    .cascade(cfg, &Removed::Vlans(Box::new([id].into_iter().collect())));
                Ok(())
            })
        })
        .await?
        .map(|_| Response::new(DeleteVlanResponse {}))
        .map_err(|e| match e {
            controlplane::running::ConfigError::Invalid(m) if m.contains("does not exist") => {
                Status::not_found(m)
            }
            other => status(other),
        })
    }
}
