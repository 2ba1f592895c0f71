//! `lisa.v1.Vlans`: the VLAN database, typed.

use super::config::status;
use crate::running::Running;
use lisa_config::{SwitchportMode, VlanConfig};
use lisa_proto::v1::{
    vlans_server, CreateVlanRequest, DeleteVlanRequest, DeleteVlanResponse, ListVlansRequest,
    ListVlansResponse, Vlan,
};
use lisa_types::{valid_vlan, DEFAULT_VLAN};
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

/// The VLAN name rule: 1-32 characters, no spaces.
fn check_name(name: &str) -> Result<(), Status> {
    if name.len() > 32 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Status::invalid_argument(format!(
            "vlan name '{name}': use at most 32 characters, no spaces"
        )));
    }
    Ok(())
}

pub(crate) fn vlan(cfg: &lisa_config::Config, id: u16) -> Vlan {
    let ports = cfg
        .interfaces
        .iter()
        .filter(|(_, i)| match i.mode {
            SwitchportMode::Access => i.access_vlan == id,
            SwitchportMode::Trunk => i.allowed.contains(id),
        })
        .map(|(n, _)| n.clone())
        .collect();
    let access_ports = cfg
        .interfaces
        .iter()
        .filter(|(_, i)| i.mode == SwitchportMode::Access && i.access_vlan == id)
        .map(|(n, _)| n.clone())
        .collect();
    Vlan {
        id: u32::from(id),
        name: cfg
            .vlans
            .get(&id)
            .map(|v| v.name.clone())
            .unwrap_or_default(),
        ports,
        access_ports,
    }
}

#[tonic::async_trait]
impl vlans_server::Vlans for VlansService {
    async fn list_vlans(
        &self,
        _: Request<ListVlansRequest>,
    ) -> Result<Response<ListVlansResponse>, Status> {
        let cfg = self.0.config();
        let vlans = cfg.vlans.keys().map(|id| vlan(&cfg, *id)).collect();
        Ok(Response::new(ListVlansResponse { vlans }))
    }

    async fn create_vlan(&self, req: Request<CreateVlanRequest>) -> Result<Response<Vlan>, Status> {
        let req = req.into_inner();
        let id = check_id(req.id)?;
        check_name(&req.name)?;
        let running = self.0.clone();
        super::blocking(move || {
            running.edit(|cfg| {
                let name = if req.name.is_empty() {
                    VlanConfig::default_name(id)
                } else {
                    req.name.clone()
                };
                cfg.vlans.insert(id, VlanConfig { name });
                Ok(())
            })?;
            Ok(vlan(&running.config(), id))
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
        super::blocking(move || {
            running.edit(|cfg| {
                cfg.vlans
                    .remove(&id)
                    .ok_or_else(|| format!("vlan {id} does not exist"))?;
                cfg.static_macs.retain(|s| s.vlan != id);
                Ok(())
            })
        })
        .await?
        .map(|_| Response::new(DeleteVlanResponse {}))
        .map_err(|e| match e {
            crate::running::ConfigError::Invalid(m) if m.contains("does not exist") => {
                Status::not_found(m)
            }
            other => status(other),
        })
    }
}
