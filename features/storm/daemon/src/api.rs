//! `lisa.v1.StormControl`: each port's storm control as it runs.

use crate::datapath::{ClassStats, StormState};
use crate::settings::{speed_bps, CLASS_ORDER};
use controlplane::grpc::SwitchContext;
use lisa_proto::v1::{
    storm_control_server, GetStormControlRequest, GetStormControlResponse, StormControlEntry,
};
use lisa_storm::model::{Level, StormAction, Unit};
use lisa_storm::StormConfig;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use tonic::{Request, Response, Status};

/// The StormControl service.
pub struct StormService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The hook's counts.
    pub state: Arc<StormState>,
    /// The last commit's section.
    pub config: Arc<Mutex<StormConfig>>,
}

/// The class index asked for (broadcast when empty).
fn class_asked(class: &str) -> Result<usize, Status> {
    let class = if class.is_empty() { "broadcast" } else { class };
    CLASS_ORDER
        .iter()
        .position(|c| c.keyword() == class)
        .ok_or_else(|| {
            Status::invalid_argument(format!(
                "no traffic class {class} (broadcast, multicast, unicast)"
            ))
        })
}

/// The unit's word in the API.
fn unit_word(u: Unit) -> &'static str {
    match u {
        Unit::Percent => "percent",
        Unit::Bps => "bps",
        Unit::Pps => "pps",
    }
}

/// The last whole interval's traffic in the level's unit (0 when that
/// interval is not the last second's: no traffic since).
fn current(s: &ClassStats, level: &Level, speed_bps: u64, now: u64) -> u64 {
    if s.last_second.load(Ordering::Relaxed) + 2 < now {
        return 0;
    }
    let last = s.last.load(Ordering::Relaxed);
    match level.unit {
        Unit::Percent => last * 8 * 10_000 / speed_bps.max(1),
        Unit::Bps => last * 8,
        Unit::Pps => last,
    }
}

#[tonic::async_trait]
impl storm_control_server::StormControl for StormService {
    async fn get_storm_control(
        &self,
        req: Request<GetStormControlRequest>,
    ) -> Result<Response<GetStormControlResponse>, Status> {
        let r = req.into_inner();
        let k = class_asked(&r.class)?;
        let only = if r.interface.is_empty() {
            None
        } else {
            let name = self
                .ctx
                .running
                .read(|cfg| lisa_ports::resolve_interface(cfg, &r.interface))
                .map_err(Status::invalid_argument)?;
            Some(name)
        };
        let cfg = self
            .config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let now = u64::from(self.ctx.dp.shared().now_secs());
        let mut entries = Vec::new();
        for p in self.ctx.dp.ports() {
            if only.as_ref().is_some_and(|o| *o != p.name) {
                continue;
            }
            let ps = cfg.ports.get(&p.name);
            let level = ps.and_then(|ps| ps.level(CLASS_ORDER[k]));
            if level.is_none() && only.is_none() {
                continue;
            }
            let stats = self.state.stats.get(usize::from(p.port_id)).map(|s| &s[k]);
            let speed = speed_bps(p.speed_mbps);
            let up = p.l2.admin_up && p.link_up;
            let blocking = stats.is_some_and(|s| {
                s.blocking.load(Ordering::Relaxed)
                    && s.last_second.load(Ordering::Relaxed) + 2 >= now
            });
            let state = match (level, up, blocking) {
                (None, _, _) => "inactive",
                (_, false, _) => "link-down",
                (_, true, true) => "blocking",
                _ => "forwarding",
            };
            let action = match ps.and_then(|ps| ps.action) {
                Some(StormAction::Shutdown) => "shutdown",
                Some(StormAction::Trap) => "trap",
                None => "none",
            };
            entries.push(StormControlEntry {
                interface: p.name.clone(),
                class: CLASS_ORDER[k].keyword().into(),
                state: state.into(),
                unit: level.map_or("percent", |l| unit_word(l.unit)).into(),
                upper: level.map_or(10_000, |l| l.rising),
                lower: level.map_or(10_000, |l| l.falling.unwrap_or(l.rising)),
                current: level
                    .zip(stats)
                    .map_or(0, |(l, s)| current(s, &l, speed, now)),
                dropped: stats.map_or(0, |s| s.dropped.load(Ordering::Relaxed)),
                action: action.into(),
            });
        }
        Ok(Response::new(GetStormControlResponse { entries }))
    }
}
