//! `lisa.v1.Lldp`: the neighbours, the counts and their reset.

use crate::agent::{Agent, Neighbor};
use controlplane::grpc::SwitchContext;
use lisa_lldp::wire::{CHASSIS_MAC, CHASSIS_NETWORK_ADDRESS, PORT_MAC, PORT_NETWORK_ADDRESS};
use lisa_proto::v1::{
    lldp_server, ClearLldpRequest, ClearLldpResponse, GetLldpStatusRequest,
    ListLldpNeighborsRequest, ListLldpNeighborsResponse, LldpInterfaceStatus, LldpNeighbor,
    LldpStatus,
};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tonic::{Request, Response, Status};

/// The Lldp service.
pub struct LldpService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The agent.
    pub agent: Arc<Mutex<Agent>>,
}

impl LldpService {
    fn agent(&self) -> MutexGuard<'_, Agent> {
        self.agent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The plugged port `typed` names (IOS abbreviations taken), None for
    /// all when empty; INVALID_ARGUMENT for anything else.
    fn only_port(&self, typed: &str) -> Result<Option<String>, Status> {
        if typed.is_empty() {
            return Ok(None);
        }
        let name = self
            .ctx
            .running
            .read(|cfg| lisa_ports::resolve_interface(cfg, typed))
            .map_err(Status::invalid_argument)?;
        if self.ctx.dp.port_id(&name).is_none() {
            return Err(Status::invalid_argument(format!(
                "{name} is not a switch port plugged now"
            )));
        }
        Ok(Some(name))
    }
}

/// A neighbour as the API gives it.
fn to_proto(n: &Neighbor, now: Instant) -> LldpNeighbor {
    let p = &n.pdu;
    let (chassis_id, chassis_id_subtype) = p.chassis.as_ref().map_or((String::new(), 0), |c| {
        (
            c.text(CHASSIS_MAC, CHASSIS_NETWORK_ADDRESS),
            u32::from(c.subtype),
        )
    });
    let (port_id, port_id_subtype) = p.port.as_ref().map_or((String::new(), 0), |c| {
        (c.text(PORT_MAC, PORT_NETWORK_ADDRESS), u32::from(c.subtype))
    });
    let (all, on) = p.capabilities.unwrap_or_default();
    LldpNeighbor {
        local_interface: n.local_port.clone(),
        chassis_id,
        chassis_id_subtype,
        port_id,
        port_id_subtype,
        port_description: p.port_description.clone().unwrap_or_default(),
        system_name: p.system_name.clone().unwrap_or_default(),
        system_description: p.system_description.clone().unwrap_or_default(),
        capabilities: u32::from(all),
        enabled_capabilities: u32::from(on),
        capabilities_advertised: p.capabilities.is_some(),
        management_addresses: p.management.iter().map(|m| m.ip.to_string()).collect(),
        ttl: u32::from(p.ttl),
        expires_in: n.expires.saturating_duration_since(now).as_secs() as u32,
        source_mac: n.source.to_cisco(),
    }
}

#[tonic::async_trait]
impl lldp_server::Lldp for LldpService {
    async fn list_lldp_neighbors(
        &self,
        req: Request<ListLldpNeighborsRequest>,
    ) -> Result<Response<ListLldpNeighborsResponse>, Status> {
        let only = self.only_port(&req.into_inner().interface)?;
        let now = Instant::now();
        let neighbors = self
            .agent()
            .neighbors()
            .filter(|n| only.as_ref().is_none_or(|o| *o == n.local_port))
            .map(|n| to_proto(n, now))
            .collect();
        Ok(Response::new(ListLldpNeighborsResponse { neighbors }))
    }

    async fn get_lldp_status(
        &self,
        req: Request<GetLldpStatusRequest>,
    ) -> Result<Response<LldpStatus>, Status> {
        let only = self.only_port(&req.into_inner().interface)?;
        let links = self.ctx.dp.port_links();
        let a = self.agent();
        let cfg = &a.settings().cfg;
        let c = a.counts;
        let interfaces = links
            .iter()
            .filter(|p| only.as_ref().is_none_or(|o| *o == p.name))
            .map(|p| LldpInterfaceStatus {
                interface: p.name.clone(),
                transmit: !cfg.no_transmit.contains(&p.name),
                receive: !cfg.no_receive.contains(&p.name),
                up: p.up,
            })
            .collect();
        Ok(Response::new(LldpStatus {
            enabled: cfg.run,
            timer: u32::from(cfg.timer),
            holdtime: u32::from(cfg.holdtime),
            reinit: u32::from(cfg.reinit),
            frames_out: c.frames_out,
            frames_in: c.frames_in,
            frames_in_errors: c.errors,
            frames_discarded: c.discarded,
            tlvs_unrecognized: c.tlvs_unrecognized,
            entries_aged: c.aged,
            interfaces,
            frames_out_failed: c.frames_out_failed,
        }))
    }

    async fn clear_lldp(
        &self,
        req: Request<ClearLldpRequest>,
    ) -> Result<Response<ClearLldpResponse>, Status> {
        let r = req.into_inner();
        if !r.table && !r.counters {
            return Err(Status::invalid_argument(
                "say what to clear: table, counters or both",
            ));
        }
        let mut a = self.agent();
        if r.table {
            a.clear_table();
        }
        if r.counters {
            a.counts = Default::default();
        }
        Ok(Response::new(ClearLldpResponse {}))
    }
}
