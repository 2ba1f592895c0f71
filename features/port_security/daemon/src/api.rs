//! `lisa.v1.PortSecurity`: each secured port's state and its secure
//! addresses.

use crate::datapath::{split_key, PORT_SECURITY};
use crate::secure::Secure;
use controlplane::grpc::SwitchContext;
use lisa_port_security::model::{AddressKind, Violation, MAX_MAXIMUM};
use lisa_proto::v1::{
    port_security_server, GetPortSecurityRequest, GetPortSecurityResponse,
    ListSecureAddressesRequest, ListSecureAddressesResponse, PortSecurityStatus, SecureAddress,
};
use lisa_types::MacAddr;
use std::sync::{Arc, Mutex};
use tonic::{Request, Response, Status};

/// The PortSecurity service.
pub struct PortSecurityService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The secure addresses.
    pub secure: Arc<Mutex<Secure>>,
}

/// `vlan:mac` keys as IOS's `Last Source Address:Vlan` (`0000.0000.0000:0`).
fn source_text(key: Option<u64>) -> String {
    let (vlan, mac) = key.map_or((0, [0; 6]), split_key);
    format!("{}:{vlan}", MacAddr(mac).to_cisco())
}

impl PortSecurityService {
    /// The port a request names, resolved as the CLI does.
    fn asked(&self, interface: &str) -> Result<Option<String>, Status> {
        if interface.is_empty() {
            return Ok(None);
        }
        self.ctx
            .running
            .read(|cfg| lisa_ports::resolve_interface(cfg, interface))
            .map(Some)
            .map_err(Status::invalid_argument)
    }
}

#[tonic::async_trait]
impl port_security_server::PortSecurity for PortSecurityService {
    async fn get_port_security(
        &self,
        req: Request<GetPortSecurityRequest>,
    ) -> Result<Response<GetPortSecurityResponse>, Status> {
        let only = self.asked(&req.into_inner().interface)?;
        let ports = self.ctx.dp.ports();
        let s = self.secure.lock().unwrap_or_else(|e| e.into_inner());
        let section = s.section();
        let mut out = Vec::new();
        let mut total_all = 0u32;
        for (name, p) in &section.ports {
            if only.as_ref().is_some_and(|o| o != name) || (only.is_none() && !p.enabled) {
                continue;
            }
            let info = ports.iter().find(|i| i.name == *name);
            let up = info.is_some_and(|i| i.l2.admin_up && i.link_up);
            let status = if s.err_disabled.contains_key(name) {
                "secure-shutdown"
            } else if up && p.enabled {
                "secure-up"
            } else {
                "secure-down"
            };
            let configured = s.configured(name);
            let count = |k: AddressKind| configured.iter().filter(|(_, c)| *c == k).count() as u32;
            let total = if p.enabled {
                s.known(name).len() as u32
            } else {
                0
            };
            total_all += total;
            let violations = if p.violation == Violation::Protect {
                0
            } else {
                info.and_then(|i| i.drops.iter().find(|(r, _)| *r == PORT_SECURITY.name()))
                    .map_or(0, |(_, n)| *n)
            };
            out.push(PortSecurityStatus {
                interface: name.clone(),
                enabled: p.enabled,
                status: status.into(),
                violation_mode: p.violation.keyword().into(),
                maximum: p.maximum,
                total,
                configured: count(AddressKind::Configured),
                sticky: count(AddressKind::Sticky),
                violations,
                last_source: source_text(s.last_source.get(name).copied()),
                sticky_learning: p.sticky,
            });
        }
        Ok(Response::new(GetPortSecurityResponse {
            ports: out,
            total_addresses: total_all,
            max_addresses: MAX_MAXIMUM,
        }))
    }

    async fn list_secure_addresses(
        &self,
        _: Request<ListSecureAddressesRequest>,
    ) -> Result<Response<ListSecureAddressesResponse>, Status> {
        let s = self.secure.lock().unwrap_or_else(|e| e.into_inner());
        let mut addresses = Vec::new();
        for (name, _) in s.section().secured_ports() {
            let configured = s.configured(name);
            let dynamic = s
                .dynamic
                .get(name)
                .into_iter()
                .flatten()
                .filter(|k| !configured.iter().any(|(c, _)| c == *k))
                .map(|k| (*k, "SecureDynamic"));
            let kinds = configured.iter().map(|(k, kind)| {
                let t = match kind {
                    AddressKind::Configured => "SecureConfigured",
                    AddressKind::Sticky => "SecureSticky",
                };
                (*k, t)
            });
            for (key, t) in kinds.chain(dynamic) {
                let (vlan, mac) = split_key(key);
                addresses.push(SecureAddress {
                    vlan: u32::from(vlan),
                    mac: MacAddr(mac).to_cisco(),
                    r#type: t.into(),
                    interface: name.to_string(),
                });
            }
        }
        let total = addresses.len() as u32;
        Ok(Response::new(ListSecureAddressesResponse {
            addresses,
            total_addresses: total,
            max_addresses: MAX_MAXIMUM,
        }))
    }
}
