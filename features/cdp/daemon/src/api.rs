//! `lisa.v1.Cdp`: the neighbours, the counts and their reset.

use crate::agent::{Agent, Neighbor};
use controlplane::grpc::SwitchContext;
use lisa_ports::PortsConfig;
use lisa_proto::v1::{
    cdp_server, CdpInterfaceStatus, CdpNeighbor, CdpStatus, ClearCdpRequest, ClearCdpResponse,
    GetCdpStatusRequest, ListCdpNeighborsRequest, ListCdpNeighborsResponse,
};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tonic::{Request, Response, Status};

/// The Cdp service.
pub struct CdpService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The agent.
    pub agent: Arc<Mutex<Agent>>,
}

impl CdpService {
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
fn to_proto(n: &Neighbor, now: Instant) -> CdpNeighbor {
    let p = &n.pdu;
    let ips = |v: &[std::net::Ipv4Addr]| v.iter().map(|a| a.to_string()).collect();
    CdpNeighbor {
        local_interface: n.local_port.clone(),
        device_id: p.device_id.clone().unwrap_or_default(),
        port_id: p.port_id.clone().unwrap_or_default(),
        addresses: ips(&p.addresses),
        capabilities: p.capabilities.unwrap_or_default(),
        capabilities_advertised: p.capabilities.is_some(),
        software_version: p.software_version.clone().unwrap_or_default(),
        platform: p.platform.clone().unwrap_or_default(),
        native_vlan: p.native_vlan.map_or(0, u32::from),
        duplex: p.duplex.map_or("", |d| d.word()).into(),
        vtp_domain: p.vtp_domain.clone().unwrap_or_default(),
        vtp_domain_advertised: p.vtp_domain.is_some(),
        management_addresses: ips(&p.management),
        version: u32::from(p.version),
        ttl: u32::from(p.ttl),
        expires_in: n.expires.saturating_duration_since(now).as_secs() as u32,
        source_mac: n.source.to_cisco(),
    }
}

#[tonic::async_trait]
impl cdp_server::Cdp for CdpService {
    async fn list_cdp_neighbors(
        &self,
        req: Request<ListCdpNeighborsRequest>,
    ) -> Result<Response<ListCdpNeighborsResponse>, Status> {
        let only = self.only_port(&req.into_inner().interface)?;
        let now = Instant::now();
        let neighbors = self
            .agent()
            .neighbors()
            .filter(|n| only.as_ref().is_none_or(|o| *o == n.local_port))
            .map(|n| to_proto(n, now))
            .collect();
        Ok(Response::new(ListCdpNeighborsResponse { neighbors }))
    }

    async fn get_cdp_status(
        &self,
        req: Request<GetCdpStatusRequest>,
    ) -> Result<Response<CdpStatus>, Status> {
        let only = self.only_port(&req.into_inner().interface)?;
        let links = self.ctx.dp.port_links();
        let shut: BTreeSet<String> = self.ctx.running.read(|cfg| {
            cfg.get::<PortsConfig>()
                .interfaces
                .iter()
                .filter(|(_, i)| i.shutdown)
                .map(|(n, _)| n.clone())
                .collect()
        });
        let a = self.agent();
        let cfg = &a.settings().cfg;
        let c = a.counts;
        let interfaces = links
            .iter()
            .filter(|p| only.as_ref().is_none_or(|o| *o == p.name))
            .map(|p| CdpInterfaceStatus {
                interface: p.name.clone(),
                enabled: !cfg.disabled.contains(&p.name),
                up: p.up,
                admin_down: shut.contains(&p.name),
            })
            .collect();
        Ok(Response::new(CdpStatus {
            enabled: cfg.runs(),
            timer: u32::from(cfg.timer),
            holdtime: u32::from(cfg.holdtime),
            advertise_v2: cfg.advertise_v2,
            packets_out: c.packets_out,
            packets_in: c.packets_in,
            header_errors: c.header_errors,
            checksum_errors: c.checksum_errors,
            packets_out_failed: c.packets_out_failed,
            no_memory: c.no_memory,
            invalid_packets: c.invalid,
            v1_out: c.v1_out,
            v1_in: c.v1_in,
            v2_out: c.v2_out,
            v2_in: c.v2_in,
            not_cdp: c.not_cdp,
            discarded: c.discarded,
            tlvs_unrecognized: c.tlvs_unrecognized,
            entries_aged: c.aged,
            interfaces,
        }))
    }

    async fn clear_cdp(
        &self,
        req: Request<ClearCdpRequest>,
    ) -> Result<Response<ClearCdpResponse>, Status> {
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
        Ok(Response::new(ClearCdpResponse {}))
    }
}
