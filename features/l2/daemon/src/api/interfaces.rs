//! `lisa.v1.Interfaces`: interface settings, typed. A change goes through
//! the same model, validation and dataplane push as IOS text.

use crate::edits;
use controlplane::grpc::edit;
use controlplane::running::Running;
use lisa_engine::{Config, Registry};
use lisa_l2::{L2Config, SwitchportMode as Mode};
use lisa_ports::{resolve_interface, PortsConfig};
use lisa_proto::v1::{
    interfaces_server, GetInterfaceRequest, InterfaceSettings, SetInterfaceRequest, SwitchportMode,
};
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
        let name = edit(running.clone(), move |cfg| edits::set_interface(cfg, &req)).await?;
        Ok(Response::new(
            running.read(|cfg| settings(running.registry(), cfg, &name)),
        ))
    }
}
