//! `lisa.v1.IgmpSnooping`: the settings, the groups, the multicast
//! routers' ports and the queriers, as the snooper knows them now.

use crate::snooper::{GroupKind, MrouterKind, QuerierState, Stats};
use crate::IgmpState;
use controlplane::grpc::SwitchContext;
use lisa_proto::v1::{
    igmp_snooping_server, GetIgmpSnoopingRequest, GetIgmpSnoopingResponse, IgmpGroup,
    IgmpGroupPort, IgmpGroupType, IgmpMrouter, IgmpMrouterKind, IgmpQuerier, IgmpQuerierState,
    IgmpStats, ListIgmpGroupsRequest, ListIgmpGroupsResponse, ListIgmpMroutersRequest,
    ListIgmpMroutersResponse, ListIgmpQueriersRequest, ListIgmpQueriersResponse,
};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard};
use tonic::{Request, Response, Status};

/// The IgmpSnooping service.
pub struct IgmpSnoopingService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The snooper and its settings.
    pub state: Arc<Mutex<IgmpState>>,
}

/// The VLAN asked for: None for 0 (every VLAN).
fn vlan_asked(vlan: u32) -> Result<Option<u16>, Status> {
    match vlan {
        0 => Ok(None),
        v if lisa_types::valid_vlan(v) => Ok(Some(v as u16)),
        v => Err(Status::invalid_argument(format!(
            "no VLAN {v}: VLAN ids are 1 to 4094"
        ))),
    }
}

impl IgmpSnoopingService {
    /// The state, with the last commit's settings taken.
    fn state(&self) -> MutexGuard<'_, IgmpState> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = st.now_ms();
        crate::task::take_settings(&self.ctx.dp, &mut st, now);
        st
    }

    /// Port names by id.
    fn names(&self) -> HashMap<u16, String> {
        self.ctx.dp.port_names().into_iter().collect()
    }

    /// The IGMP frames the worker could not queue.
    fn queue_full(&self) -> u64 {
        self.ctx
            .dp
            .drops()
            .into_iter()
            .find(|(r, _)| std::ptr::eq(*r, &crate::datapath::IGMP_QUEUE_FULL))
            .map_or(0, |(_, n)| n)
    }
}

/// The API's counters.
fn stats(s: Stats, queue_full: u64) -> IgmpStats {
    IgmpStats {
        queries_received: s.queries_received,
        reports_v1: s.reports_v1,
        reports_v2: s.reports_v2,
        reports_v3: s.reports_v3,
        leaves: s.leaves,
        general_queries_sent: s.general_queries_sent,
        group_queries_sent: s.group_queries_sent,
        bad_frames: s.bad_frames,
        table_full: s.table_full,
        queue_full,
    }
}

/// The name of port `id` (its id if it is gone).
fn name_of(names: &HashMap<u16, String>, id: u16) -> String {
    names
        .get(&id)
        .cloned()
        .unwrap_or_else(|| format!("port{id}"))
}

#[tonic::async_trait]
impl igmp_snooping_server::IgmpSnooping for IgmpSnoopingService {
    async fn get_igmp_snooping(
        &self,
        req: Request<GetIgmpSnoopingRequest>,
    ) -> Result<Response<GetIgmpSnoopingResponse>, Status> {
        let only = vlan_asked(req.into_inner().vlan)?;
        let queue_full = self.queue_full();
        let active = self.ctx.dp.shared().table().active_vlans.clone();
        let st = self.state();
        let cfg = &st.inputs.config;
        let groups = st.snooper.groups(st.now_ms());
        let vlans = match only {
            Some(v) => vec![v],
            None => active.iter().collect(),
        };
        let vlans = vlans
            .into_iter()
            .map(|v| {
                let mut p = cfg.vlan_proto(v);
                p.groups = groups.iter().filter(|g| g.vlan == v).count() as u32;
                p
            })
            .collect();
        Ok(Response::new(GetIgmpSnoopingResponse {
            global: Some(cfg.global_proto()),
            vlans,
            stats: Some(stats(st.snooper.stats(), queue_full)),
        }))
    }

    async fn list_igmp_groups(
        &self,
        req: Request<ListIgmpGroupsRequest>,
    ) -> Result<Response<ListIgmpGroupsResponse>, Status> {
        let r = req.into_inner();
        let only = vlan_asked(r.vlan)?;
        let group: Option<Ipv4Addr> = if r.group.is_empty() {
            None
        } else {
            Some(r.group.parse().map_err(|_| {
                Status::invalid_argument(format!("{} is no IPv4 group address", r.group))
            })?)
        };
        let names = self.names();
        let st = self.state();
        let groups = st
            .snooper
            .groups(st.now_ms())
            .into_iter()
            .filter(|g| only.is_none_or(|v| v == g.vlan) && group.is_none_or(|a| a == g.group))
            .map(|g| IgmpGroup {
                vlan: u32::from(g.vlan),
                group: g.group.to_string(),
                r#type: match g.kind {
                    GroupKind::Igmp => IgmpGroupType::Igmp,
                    GroupKind::User => IgmpGroupType::User,
                } as i32,
                version: u32::from(g.version),
                ports: g
                    .ports
                    .iter()
                    .map(|p| IgmpGroupPort {
                        interface: name_of(&names, p.port),
                        expires_s: p.expires_in_s,
                        last_reporter: p.last_reporter.map(|a| a.to_string()).unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect();
        Ok(Response::new(ListIgmpGroupsResponse { groups }))
    }

    async fn list_igmp_mrouters(
        &self,
        req: Request<ListIgmpMroutersRequest>,
    ) -> Result<Response<ListIgmpMroutersResponse>, Status> {
        let only = vlan_asked(req.into_inner().vlan)?;
        let names = self.names();
        let st = self.state();
        let mrouters = st
            .snooper
            .mrouters(st.now_ms())
            .into_iter()
            .filter(|m| only.is_none_or(|v| v == m.vlan))
            .map(|m| IgmpMrouter {
                vlan: u32::from(m.vlan),
                interface: name_of(&names, m.port),
                kind: match m.kind {
                    MrouterKind::Static => IgmpMrouterKind::Static,
                    MrouterKind::Dynamic => IgmpMrouterKind::Dynamic,
                } as i32,
                expires_s: m.expires_in_s,
            })
            .collect();
        Ok(Response::new(ListIgmpMroutersResponse { mrouters }))
    }

    async fn list_igmp_queriers(
        &self,
        req: Request<ListIgmpQueriersRequest>,
    ) -> Result<Response<ListIgmpQueriersResponse>, Status> {
        let only = vlan_asked(req.into_inner().vlan)?;
        let names = self.names();
        let st = self.state();
        let cfg = &st.inputs.config;
        let queriers = st
            .snooper
            .queriers(st.now_ms())
            .into_iter()
            .filter(|q| only.is_none_or(|v| v == q.vlan))
            .map(|q| {
                let mut settings: lisa_proto::v1::IgmpQuerierSettings =
                    (&cfg.effective_querier(q.vlan)).into();
                if let Some(s) = q.settings {
                    settings.address = s.address.to_string();
                }
                IgmpQuerier {
                    vlan: u32::from(q.vlan),
                    address: q.address.map(|a| a.to_string()).unwrap_or_default(),
                    version: u32::from(q.version),
                    interface: q.port.map(|p| name_of(&names, p)).unwrap_or_default(),
                    this_switch: q.this_switch,
                    state: match q.state {
                        QuerierState::Disabled => IgmpQuerierState::Disabled,
                        QuerierState::Querier => IgmpQuerierState::Querier,
                        QuerierState::NonQuerier => IgmpQuerierState::NonQuerier,
                    } as i32,
                    settings: Some(settings),
                    expires_s: q.expires_in_s,
                }
            })
            .collect();
        Ok(Response::new(ListIgmpQueriersResponse { queriers }))
    }
}
