//! What the `Mirror` requests do to the configuration model: checked,
//! then applied to a candidate (the API handlers commit it; the
//! `grpc_edits` fuzz target runs these on a model alone).

use controlplane::grpc::Refusal;
use lisa_engine::Config;
use lisa_mirror::{Direction, MonitorConfig, Session, MAX_SESSION};
use lisa_proto::v1::{DeleteMonitorSessionRequest, MirrorDirection, MonitorSession};

/// A direction field.
fn from_proto_dir(d: i32) -> Result<Direction, Refusal> {
    match MirrorDirection::try_from(d) {
        Ok(MirrorDirection::Rx) => Ok(Direction::Rx),
        Ok(MirrorDirection::Tx) => Ok(Direction::Tx),
        Ok(MirrorDirection::Both | MirrorDirection::Unspecified) => Ok(Direction::Both),
        Err(_) => Err(Refusal::Invalid(format!(
            "direction {d}: no such direction"
        ))),
    }
}

/// A session number field.
pub fn check_id(id: u32) -> Result<u16, Refusal> {
    match u16::try_from(id) {
        Ok(n) if (1..=MAX_SESSION).contains(&n) => Ok(n),
        _ => Err(Refusal::Invalid(format!(
            "monitor session {id}: no such session (1-{MAX_SESSION})"
        ))),
    }
}

/// The request as a session, interface names resolved as IOS would.
fn from_proto(cfg: &Config, s: &MonitorSession) -> Result<Session, Refusal> {
    let resolve = |n: &str| lisa_ports::resolve_interface(cfg, n);
    let mut out = Session::default();
    for src in &s.sources {
        let d = from_proto_dir(src.direction)?;
        out.interfaces.insert(resolve(&src.interface)?, d);
    }
    for v in &s.vlan_sources {
        let d = from_proto_dir(v.direction)?;
        let vlan = u16::try_from(v.vlan).map_err(|_| format!("no such VLAN {}", v.vlan))?;
        out.vlans.insert(vlan, d);
    }
    if !s.destination.is_empty() {
        out.destination = Some(resolve(&s.destination)?);
    }
    Ok(out)
}

/// `SetMonitorSession`: the session as given, whole (an empty one is
/// removed). Returns its number and what it now is.
pub fn set_monitor_session(
    cfg: &mut Config,
    req: &MonitorSession,
) -> Result<(u16, Session), Refusal> {
    let id = check_id(req.id)?;
    let s = from_proto(cfg, req)?;
    let m = cfg.get_mut::<MonitorConfig>();
    if s.is_empty() {
        m.sessions.remove(&id);
    } else {
        m.sessions.insert(id, s.clone());
    }
    Ok((id, s))
}

/// `DeleteMonitorSession`.
pub fn delete_monitor_session(
    cfg: &mut Config,
    req: &DeleteMonitorSessionRequest,
) -> Result<(), Refusal> {
    let id = check_id(req.id)?;
    cfg.get_mut::<MonitorConfig>()
        .sessions
        .remove(&id)
        .map(|_| ())
        .ok_or_else(|| Refusal::NotFound(format!("monitor session {id} does not exist")))
}
