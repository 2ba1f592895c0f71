//! `lisa.v1.Interfaces`: interface settings, typed. A change goes through
//! the same model, validation and dataplane push as IOS text.

use controlplane::grpc::config::status;
use controlplane::running::{ConfigError, Running};
use lisa_engine::{Config, Registry};
use lisa_l2::{L2Config, Switchport, SwitchportMode as Mode};
use lisa_ports::model::{MAX_DESCRIPTION, MAX_MTU, MIN_MTU};
use lisa_ports::{resolve_interface, InterfaceConfig, PortsConfig};
use lisa_proto::v1::{
    interfaces_server, GetInterfaceRequest, InterfaceSettings, SetInterfaceRequest, SwitchportMode,
};
use lisa_types::{valid_vlan, VlanSet};
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The Interfaces service.
pub struct InterfacesService(pub Arc<Running>);

/// Interface `name`'s settings as the API shows them (it must exist).
pub fn settings(reg: &Registry, cfg: &Config, name: &str) -> InterfaceSettings {
    let i = cfg.get::<PortsConfig>().interface(name);
    let sp = cfg.get::<L2Config>().switchport(name);
    InterfaceSettings {
        name: name.to_string(),
        description: i.description.clone(),
        shutdown: i.shutdown,
        mode: match sp.mode {
            Mode::Access => SwitchportMode::Access,
            Mode::Trunk => SwitchportMode::Trunk,
        } as i32,
        access_vlan: u32::from(sp.access_vlan),
        native_vlan: u32::from(sp.native_vlan),
        allowed_vlans: sp.allowed.to_string(),
        mtu: u32::from(i.mtu),
        text: reg
            .render_interface(cfg, name)
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

/// Applies the set fields of `req` to `i` and `sp`.
fn apply(
    i: &mut InterfaceConfig,
    sp: &mut Switchport,
    req: &SetInterfaceRequest,
) -> Result<(), String> {
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
        sp.mode = match SwitchportMode::try_from(m) {
            Ok(SwitchportMode::Access) => Mode::Access,
            Ok(SwitchportMode::Trunk) => Mode::Trunk,
            _ => return Err(format!("mode: {m} is not ACCESS (1) or TRUNK (2)")),
        };
    }
    if let Some(v) = req.access_vlan {
        sp.access_vlan = vlan_field("access_vlan", v)?;
    }
    if let Some(v) = req.native_vlan {
        sp.native_vlan = vlan_field("native_vlan", v)?;
    }
    if let Some(list) = &req.allowed_vlans {
        sp.allowed = match list.as_str() {
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
        let typed = req.into_inner().name;
        let reg = self.0.registry();
        self.0
            .read(|cfg| {
                let name = resolve_interface(cfg, &typed).map_err(Status::invalid_argument)?;
                if !cfg.get::<PortsConfig>().is_port(&name) {
                    return Err(Status::not_found(format!("no interface {name}")));
                }
                Ok(settings(reg, cfg, &name))
            })
            .map(Response::new)
    }

    async fn set_interface(
        &self,
        req: Request<SetInterfaceRequest>,
    ) -> Result<Response<InterfaceSettings>, Status> {
        let req = req.into_inner();
        let running = self.0.clone();
        controlplane::grpc::blocking(move || {
            let name = running.edit(|cfg| {
                let name = resolve_interface(cfg, &req.name)?;
                if !cfg.get::<PortsConfig>().is_port(&name) {
                    return Err(format!("no interface {name}"));
                }
                let mut i = cfg.get::<PortsConfig>().interfaces[&name].clone();
                let mut sp = cfg.get::<L2Config>().switchport(&name);
                apply(&mut i, &mut sp, &req)?;
                cfg.get_mut::<PortsConfig>()
                    .interfaces
                    .insert(name.clone(), i);
                cfg.get_mut::<L2Config>().edit(&name, |s| *s = sp);
                Ok(name)
            })?;
            Ok(running.read(|cfg| settings(running.registry(), cfg, &name)))
        })
        .await?
        .map(Response::new)
        .map_err(|e| match e {
            ConfigError::Invalid(m) if m.starts_with("no interface") => Status::not_found(m),
            other => status(other),
        })
    }
}
