//! `lisa.v1.Mirror`: monitor sessions, typed, with their counts. Changes go
//! through the running configuration's commit, under the same rules as the
//! IOS text.

use crate::datapath::MirrorState;
use crate::edits;
use controlplane::grpc::{edit, SwitchContext};
use dataplane::PortInfo;
use lisa_engine::Config;
use lisa_engine::{Fields, Registry};
use lisa_mirror::{Direction, MonitorConfig, Session};
use lisa_proto::prost_types::Any;
use lisa_proto::v1::{
    mirror_server, DeleteMonitorSessionRequest, DeleteMonitorSessionResponse,
    ListMonitorSessionsRequest, ListMonitorSessionsResponse, MirrorConfig, MirrorDirection,
    MirrorSource, MirrorVlanSource, MonitorSession, RunningConfig,
};
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The Mirror service.
pub struct MirrorService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The hook's state (its counts).
    pub state: Arc<MirrorState>,
}

fn to_proto_dir(d: Direction) -> i32 {
    match d {
        Direction::Rx => MirrorDirection::Rx,
        Direction::Tx => MirrorDirection::Tx,
        Direction::Both => MirrorDirection::Both,
    }
    .into()
}

/// Session `id` as configured (no state, no counts).
fn configured(id: u16, s: &Session) -> MonitorSession {
    MonitorSession {
        id: u32::from(id),
        sources: s
            .interfaces
            .iter()
            .map(|(n, d)| MirrorSource {
                interface: n.clone(),
                direction: to_proto_dir(*d),
            })
            .collect(),
        vlan_sources: s
            .vlans
            .iter()
            .map(|(v, d)| MirrorVlanSource {
                vlan: u32::from(*v),
                direction: to_proto_dir(*d),
            })
            .collect(),
        destination: s.destination.clone().unwrap_or_default(),
        ..Default::default()
    }
}

/// The feature's part of `GetRunningConfigTyped`: a `lisa.v1.MirrorConfig`
/// packed in `RunningConfig.features`.
pub fn typed_view(_: &Registry, cfg: &Config, wanted: &Fields, out: &mut RunningConfig) {
    if !wanted.wants("features") {
        return;
    }
    let sessions = cfg.get::<MonitorConfig>().sessions.iter();
    let msg = MirrorConfig {
        sessions: sessions.map(|(id, s)| configured(*id, s)).collect(),
    };
    match Any::from_msg(&msg) {
        Ok(any) => out.features.push(any),
        Err(e) => tracing::error!("typed running config of mirror: {e}"),
    }
}

impl MirrorService {
    /// Session `id` as the API shows it, with its state and counts.
    /// `ports`: the plugged ports (`Dataplane::ports`), read once per call.
    fn to_proto(&self, ports: &[PortInfo], id: u16, s: &Session) -> MonitorSession {
        let (copies, no_buffer) = self.state.counts(id);
        let dst = s
            .destination
            .as_deref()
            .and_then(|d| ports.iter().find(|p| p.name.eq_ignore_ascii_case(d)));
        MonitorSession {
            active: dst.as_ref().is_some_and(|p| p.l2.admin_up),
            copies,
            no_buffer,
            destination_drops: dst.map_or(0, |p| p.counts.tx_dropped),
            ..configured(id, s)
        }
    }

    fn sessions(&self) -> Vec<(u16, Session)> {
        self.ctx.running.read(|cfg| {
            cfg.get::<MonitorConfig>()
                .sessions
                .iter()
                .map(|(id, s)| (*id, s.clone()))
                .collect()
        })
    }
}

#[tonic::async_trait]
impl mirror_server::Mirror for MirrorService {
    async fn list_monitor_sessions(
        &self,
        _: Request<ListMonitorSessionsRequest>,
    ) -> Result<Response<ListMonitorSessionsResponse>, Status> {
        let ports = self.ctx.dp.ports();
        let sessions = self
            .sessions()
            .iter()
            .map(|(id, s)| self.to_proto(&ports, *id, s))
            .collect();
        Ok(Response::new(ListMonitorSessionsResponse { sessions }))
    }

    async fn set_monitor_session(
        &self,
        req: Request<MonitorSession>,
    ) -> Result<Response<MonitorSession>, Status> {
        let req = req.into_inner();
        let (id, session) = edit(self.ctx.running.clone(), move |cfg| {
            edits::set_monitor_session(cfg, &req)
        })
        .await?;
        Ok(Response::new(self.to_proto(
            &self.ctx.dp.ports(),
            id,
            &session,
        )))
    }

    async fn delete_monitor_session(
        &self,
        req: Request<DeleteMonitorSessionRequest>,
    ) -> Result<Response<DeleteMonitorSessionResponse>, Status> {
        let req = req.into_inner();
        edit(self.ctx.running.clone(), move |cfg| {
            edits::delete_monitor_session(cfg, &req)
        })
        .await?;
        Ok(Response::new(DeleteMonitorSessionResponse {}))
    }
}
