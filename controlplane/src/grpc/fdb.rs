//! `lisa.v1.Fdb`: the MAC address table.

use super::SwitchContext;
use lisa_proto::v1::FdbCounters;
use lisa_proto::v1::{fdb_server::Fdb, FdbEntry, ListFdbRequest, ListFdbResponse};
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
}
