//! `lisa.v1.Interfaces`: interface settings, typed. A change goes through
//! the same model, validation and dataplane push as IOS text.

use super::config::status;
use crate::running::{ConfigError, Running};
use lisa_config::model::{MAX_DESCRIPTION, MAX_MTU, MIN_MTU};
use lisa_config::{
    render::interface_lines, resolve_interface, InterfaceConfig, SwitchportMode as Mode,
};
use lisa_proto::v1::{
    interfaces_server, GetInterfaceRequest, InterfaceSettings, SetInterfaceRequest, SwitchportMode,
};
use lisa_types::{valid_vlan, VlanSet};
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The Interfaces service.
pub struct InterfacesService(pub Arc<Running>);

pub(crate) fn settings(name: &str, i: &InterfaceConfig) -> InterfaceSettings {
    InterfaceSettings {
        name: name.to_string(),
        description: i.description.clone(),
        shutdown: i.shutdown,
        mode: match i.mode {
            Mode::Access => SwitchportMode::Access,
            Mode::Trunk => SwitchportMode::Trunk,
        } as i32,
        access_vlan: u32::from(i.access_vlan),
        native_vlan: u32::from(i.native_vlan),
        allowed_vlans: i.allowed.to_string(),
        mtu: u32::from(i.mtu),
        text: interface_lines(i)
            .iter()
            .map(|l| format!(" {l}\n"))
            .collect(),
    }
}

fn vlan_field(field: &str, v: u32) -> Result<u16, String> {
    if valid_vlan(v) {
        Ok(v as u16)
    } else {
        Err(format!("{field}: {v} is out of range (1-4094)"))
    }
}

/// Applies the set fields of `req` to `i`.
fn apply(i: &mut InterfaceConfig, req: &SetInterfaceRequest) -> Result<(), String> {
    if let Some(d) = &req.description {
        if d.len() > MAX_DESCRIPTION {
            return Err(format!("description: at most {MAX_DESCRIPTION} characters"));
        }
        i.description = d.clone();
    }
    if let Some(s) = req.shutdown {
        i.shutdown = s;
    }
    if let Some(m) = req.mode {
        i.mode = match SwitchportMode::try_from(m) {
            Ok(SwitchportMode::Access) => Mode::Access,
            Ok(SwitchportMode::Trunk) => Mode::Trunk,
            _ => return Err(format!("mode: {m} is not ACCESS (1) or TRUNK (2)")),
        };
    }
    if let Some(v) = req.access_vlan {
        i.access_vlan = vlan_field("access_vlan", v)?;
    }
    if let Some(v) = req.native_vlan {
        i.native_vlan = vlan_field("native_vlan", v)?;
    }
    if let Some(list) = &req.allowed_vlans {
        i.allowed = match list.as_str() {
            "all" => VlanSet::all(),
            "none" => VlanSet::none(),
            text => text.parse().map_err(|e| format!("allowed_vlans: {e}"))?,
        };
    }
    if let Some(m) = req.mtu {
        if !(u32::from(MIN_MTU)..=u32::from(MAX_MTU)).contains(&m) {
            return Err(format!("mtu: {m} is out of range ({MIN_MTU}-{MAX_MTU})"));
        }
        i.mtu = m as u16;
    }
    Ok(())
}

#[tonic::async_trait]
impl interfaces_server::Interfaces for InterfacesService {
    async fn get_interface(
        &self,
        req: Request<GetInterfaceRequest>,
    ) -> Result<Response<InterfaceSettings>, Status> {
        let cfg = self.0.config();
        let name =
            resolve_interface(&cfg, &req.into_inner().name).map_err(Status::invalid_argument)?;
        let i = cfg
            .interfaces
            .get(&name)
            .ok_or_else(|| Status::not_found(format!("no interface {name}")))?;
        Ok(Response::new(settings(&name, i)))
    }

    async fn set_interface(
        &self,
        req: Request<SetInterfaceRequest>,
    ) -> Result<Response<InterfaceSettings>, Status> {
        let req = req.into_inner();
        let running = self.0.clone();
        super::blocking(move || {
            running.edit(|cfg| {
                let name = resolve_interface(cfg, &req.name)?;
                let i = cfg
                    .interfaces
                    .get_mut(&name)
                    .ok_or_else(|| format!("no interface {name}"))?;
                apply(i, &req)?;
                Ok(settings(&name, i))
            })
        })
        .await?
        .map(Response::new)
        .map_err(|e| match e {
            ConfigError::Invalid(m) if m.starts_with("no interface") => Status::not_found(m),
            other => status(other),
        })
    }
}
