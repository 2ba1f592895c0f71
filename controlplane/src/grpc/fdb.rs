//! `lisa.v1.Fdb`: the MAC address table.

use super::config::status;
use super::SwitchContext;
use crate::running::ConfigError;
use dataplane::l2::fdb::FdbFilter;
use lisa_config::{resolve_interface, StaticMac};
use lisa_proto::v1::{fdb_server::Fdb, FdbEntry, ListFdbRequest, ListFdbResponse};
use lisa_proto::v1::{
    FdbCounters, FdbStaticRequest, FdbStaticResponse, FlushFdbRequest, FlushFdbResponse,
};
use lisa_types::MacAddr;
use std::sync::atomic::Ordering;
use tonic::{Request, Response, Status};

/// The Fdb service.
pub struct FdbService(pub SwitchContext);

#[tonic::async_trait]
impl Fdb for FdbService {
    async fn list_entries(
        &self,
        req: Request<ListFdbRequest>,
    ) -> Result<Response<ListFdbResponse>, Status> {
        let req = req.into_inner();
        if req.vlan > 4094 {
            return Err(Status::invalid_argument(format!(
                "vlan {} is out of range (1-4094, or 0 for all)",
                req.vlan
            )));
        }
        let dp = &self.0.dp;
        let port_filter = if req.port.is_empty() {
            None
        } else {
            let info = dp.ports();
            let p = info
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(&req.port))
                .ok_or_else(|| Status::invalid_argument(format!("no port named '{}'", req.port)))?;
            Some(p.port_id)
        };
        let fdb = &dp.shared().fdb;
        let now = dp.shared().now_secs();
        let mut entries: Vec<FdbEntry> = fdb
            .entries()
            .into_iter()
            .filter(|e| req.vlan == 0 || u32::from(e.vlan) == req.vlan)
            .filter(|e| port_filter.is_none_or(|p| p == e.port))
            .map(|e| FdbEntry {
                vlan: u32::from(e.vlan),
                mac: e.mac.to_string(),
                port: dp.port_name(e.port).unwrap_or_else(|| "?".into()),
                r#type: if e.is_static { "static" } else { "dynamic" }.to_string(),
                age_seconds: if e.is_static {
                    0
                } else {
                    now.wrapping_sub(e.seen)
                },
            })
            .collect();
        entries.sort_by(|a, b| (a.vlan, &a.mac).cmp(&(b.vlan, &b.mac)));
        Ok(Response::new(ListFdbResponse {
            entries,
            total: fdb.len() as u64,
            limit: fdb.limit() as u64,
            counters: Some(FdbCounters {
                learned: fdb.counters.learned.load(Ordering::Relaxed),
                moves: fdb.counters.moves.load(Ordering::Relaxed),
                full: fdb.counters.full.load(Ordering::Relaxed),
                busy: fdb.counters.busy.load(Ordering::Relaxed),
                aged: fdb.counters.aged.load(Ordering::Relaxed),
            }),
        }))
    }

    async fn add_static(
        &self,
        req: Request<FdbStaticRequest>,
    ) -> Result<Response<FdbStaticResponse>, Status> {
        let req = req.into_inner();
        let (vlan, mac) = static_key(&req)?;
        let running = self.0.running.clone();
        tokio::task::spawn_blocking(move || {
            running.edit(|cfg| {
                let interface = resolve_interface(cfg, &req.port)?;
                if !cfg.interfaces.contains_key(&interface) {
                    return Err(format!("port: no interface {interface}"));
                }
                if !cfg.vlans.contains_key(&vlan) {
                    return Err(format!("vlan: VLAN {vlan} does not exist"));
                }
                cfg.static_macs
                    .retain(|s| !(s.mac == mac && s.vlan == vlan));
                cfg.static_macs.insert(StaticMac {
                    vlan,
                    mac,
                    interface,
                });
                Ok(())
            })
        })
        .await
        .map_err(|e| Status::internal(e.to_string()))?
        .map(|_| Response::new(FdbStaticResponse {}))
        .map_err(status)
    }

    async fn remove_static(
        &self,
        req: Request<FdbStaticRequest>,
    ) -> Result<Response<FdbStaticResponse>, Status> {
        let req = req.into_inner();
        let (vlan, mac) = static_key(&req)?;
        let running = self.0.running.clone();
        tokio::task::spawn_blocking(move || {
            running.edit(|cfg| {
                let before = cfg.static_macs.len();
                cfg.static_macs
                    .retain(|s| !(s.mac == mac && s.vlan == vlan));
                if cfg.static_macs.len() == before {
                    return Err(format!(
                        "no static entry for {} in VLAN {vlan}",
                        mac.to_cisco()
                    ));
                }
                Ok(())
            })
        })
        .await
        .map_err(|e| Status::internal(e.to_string()))?
        .map(|_| Response::new(FdbStaticResponse {}))
        .map_err(|e| match e {
            ConfigError::Invalid(m) => Status::not_found(m),
            other => status(other),
        })
    }

    async fn flush(
        &self,
        req: Request<FlushFdbRequest>,
    ) -> Result<Response<FlushFdbResponse>, Status> {
        let req = req.into_inner();
        if req.vlan > 4094 {
            return Err(Status::invalid_argument(format!(
                "vlan {} is out of range (1-4094, or 0 for all)",
                req.vlan
            )));
        }
        let dp = &self.0.dp;
        let port =
            if req.port.is_empty() {
                None
            } else {
                Some(dp.port_id(&req.port).ok_or_else(|| {
                    Status::invalid_argument(format!("no port named '{}'", req.port))
                })?)
            };
        let removed = dp.shared().fdb.flush(FdbFilter {
            vlan: (req.vlan != 0).then_some(req.vlan as u16),
            port,
            include_static: false,
        });
        Ok(Response::new(FlushFdbResponse {
            removed: removed as u64,
        }))
    }
}

/// The (VLAN, MAC) of a static-entry request, checked.
fn static_key(req: &FdbStaticRequest) -> Result<(u16, MacAddr), Status> {
    if !lisa_types::valid_vlan(req.vlan) {
        return Err(Status::invalid_argument(format!(
            "vlan {} is out of range (1-4094)",
            req.vlan
        )));
    }
    let mac: MacAddr = req
        .mac
        .parse()
        .map_err(|e: lisa_types::MacParseError| Status::invalid_argument(e.to_string()))?;
    if !mac.is_unicast() {
        return Err(Status::invalid_argument(format!(
            "mac {}: only unicast addresses can be static",
            mac.to_cisco()
        )));
    }
    Ok((req.vlan as u16, mac))
}
