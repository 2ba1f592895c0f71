//! `lisa.v1.Fdb`: the MAC address table.

use super::fdb_page;
use crate::edits;
use controlplane::grpc::{edit, SwitchContext};
use lisa_l2_datapath::fdb::FdbFilter;
use lisa_ports::resolve_interface;
use lisa_proto::v1::{fdb_server::Fdb, FdbEntry, FdbEntryType, ListFdbRequest, ListFdbResponse};
use lisa_proto::v1::{
    FdbCounters, FdbStaticRequest, FdbStaticResponse, FlushFdbRequest, FlushFdbResponse,
};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The Fdb service.
pub struct FdbService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The MAC address table.
    pub fdb: Arc<lisa_l2_datapath::fdb::Fdb>,
}

#[tonic::async_trait]
impl Fdb for FdbService {
    async fn list_entries(
        &self,
        req: Request<ListFdbRequest>,
    ) -> Result<Response<ListFdbResponse>, Status> {
        let req = req.into_inner();
        let filter = self.filter(req.vlan, &req.port)?;
        let filter = fdb_page::Filter {
            vlan: filter.vlan,
            port: filter.port,
        };
        let after = match req.page_token.as_str() {
            "" => None,
            t => Some(fdb_page::parse_token(t).map_err(Status::invalid_argument)?),
        };
        let size = controlplane::grpc::page_size(req.page_size);
        let fdb = self.fdb.clone();
        let count_only = req.count_only;
        let ((dynamic_count, static_count), page) = controlplane::grpc::blocking(move || {
            let counts = fdb_page::count(&fdb, filter);
            let page = (!count_only).then(|| fdb_page::page(&fdb, filter, after, size));
            (counts, page)
        })
        .await?;
        let (entries, more) = page.unwrap_or_default();
        let next_page_token = match entries.last() {
            Some(last) if more => fdb_page::token_after(last),
            _ => String::new(),
        };
        let now = self.ctx.dp.shared().now_secs();
        // One look at the port table, not one per entry.
        let names: std::collections::HashMap<u16, String> =
            self.ctx.dp.port_names().into_iter().collect();
        let entries = entries
            .into_iter()
            .map(|e| FdbEntry {
                vlan: u32::from(e.vlan),
                mac: e.mac.to_string(),
                port: names.get(&e.port).cloned().unwrap_or_else(|| "?".into()),
                r#type: if e.is_static {
                    FdbEntryType::Static
                } else {
                    FdbEntryType::Dynamic
                } as i32,
                age_seconds: if e.is_static {
                    0
                } else {
                    now.wrapping_sub(e.seen)
                },
            })
            .collect();
        let fdb = &self.fdb;
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
            next_page_token,
            dynamic_count,
            static_count,
        }))
    }

    async fn add_static(
        &self,
        req: Request<FdbStaticRequest>,
    ) -> Result<Response<FdbStaticResponse>, Status> {
        let req = req.into_inner();
        edit(self.ctx.running.clone(), move |cfg| {
            edits::add_static(cfg, &req)
        })
        .await?;
        Ok(Response::new(FdbStaticResponse {}))
    }

    async fn remove_static(
        &self,
        req: Request<FdbStaticRequest>,
    ) -> Result<Response<FdbStaticResponse>, Status> {
        let req = req.into_inner();
        edit(self.ctx.running.clone(), move |cfg| {
            edits::remove_static(cfg, &req)
        })
        .await?;
        Ok(Response::new(FdbStaticResponse {}))
    }

    async fn flush(
        &self,
        req: Request<FlushFdbRequest>,
    ) -> Result<Response<FlushFdbResponse>, Status> {
        let req = req.into_inner();
        let filter = self.filter(req.vlan, &req.port)?;
        let removed = self.fdb.flush(filter);
        Ok(Response::new(FlushFdbResponse {
            removed: removed as u64,
        }))
    }
}

impl FdbService {
    /// The learned entries a request's `vlan` (0 = all) and `port` ("" = all) select.
    fn filter(&self, vlan: u32, port: &str) -> Result<FdbFilter, Status> {
        if vlan > 4094 {
            return Err(Status::invalid_argument(format!(
                "vlan {vlan} is out of range (1-4094, or 0 for all)"
            )));
        }
        let port = if port.is_empty() {
            None
        } else {
            // Abbreviations resolve as in the configuration (`int e1`).
            let name = self
                .ctx
                .running
                .read(|cfg| resolve_interface(cfg, port))
                .map_err(Status::invalid_argument)?;
            Some(
                self.ctx
                    .dp
                    .port_id(&name)
                    .ok_or_else(|| Status::invalid_argument(format!("no port named '{port}'")))?,
            )
        };
        Ok(FdbFilter {
            vlan: (vlan != 0).then_some(vlan as u16),
            port,
            include_static: false,
        })
    }
}
