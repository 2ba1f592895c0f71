//! `lisa.v1.Mirror`: monitor sessions, typed, with their counts. Changes go
//! through the running configuration's commit, under the same rules as the
//! IOS text.

use crate::datapath::MirrorState;
use controlplane::grpc::config::status;
use controlplane::grpc::SwitchContext;
use dataplane::PortInfo;
use lisa_engine::Config;
use lisa_engine::{Fields, Registry};
use lisa_mirror::{Direction, MonitorConfig, Session, MAX_SESSION};
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

fn from_proto_dir(d: i32) -> Result<Direction, Status> {
    match MirrorDirection::try_from(d) {
        Ok(MirrorDirection::Rx) => Ok(Direction::Rx),
        Ok(MirrorDirection::Tx) => Ok(Direction::Tx),
        Ok(MirrorDirection::Both | MirrorDirection::Unspecified) => Ok(Direction::Both),
        Err(_) => Err(Status::invalid_argument(format!(
            "direction {d}: no such direction"
        ))),
    }
}

fn check_id(id: u32) -> Result<u16, Status> {
    match u16::try_from(id) {
        Ok(n) if (1..=MAX_SESSION).contains(&n) => Ok(n),
        _ => Err(Status::invalid_argument(format!(
            "monitor session {id}: no such session (1-{MAX_SESSION})"
        ))),
    }
}

/// The request as a session, interface names resolved as IOS would.
fn from_proto(cfg: &Config, s: &MonitorSession) -> Result<Session, String> {
    let resolve = |n: &str| lisa_ports::resolve_interface(cfg, n);
    let mut out = Session::default();
    for src in &s.sources {
        let d = from_proto_dir(src.direction).map_err(|e| e.message().to_string())?;
        out.interfaces.insert(resolve(&src.interface)?, d);
    }
    for v in &s.vlan_sources {
        let d = from_proto_dir(v.direction).map_err(|e| e.message().to_string())?;
        let vlan = u16::try_from(v.vlan).map_err(|_| format!("no such VLAN {}", v.vlan))?;
        out.vlans.insert(vlan, d);
    }
    if !s.destination.is_empty() {
        out.destination = Some(resolve(&s.destination)?);
    }
    Ok(out)
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
        let id = check_id(req.id)?;
        let running = self.ctx.running.clone();
        let session = controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                let s = from_proto(cfg, &req)?;
                let m = cfg.get_mut::<MonitorConfig>();
                if s.is_empty() {
                    m.sessions.remove(&id);
                } else {
                    m.sessions.insert(id, s.clone());
                }
                Ok(s)
            })
        })
        .await?
        .map_err(status)?;
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
        let id = check_id(req.into_inner().id)?;
        let running = self.ctx.running.clone();
        controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                cfg.get_mut::<MonitorConfig>()
                    .sessions
                    .remove(&id)
                    .map(|_| ())
                    .ok_or_else(|| format!("monitor session {id} does not exist"))
            })
        })
        .await?
        .map_err(|e| match e {
            controlplane::running::ConfigError::Invalid(m) if m.contains("does not exist") => {
                Status::not_found(m)
            }
            other => status(other),
        })?;
        Ok(Response::new(DeleteMonitorSessionResponse {}))
    }
}
