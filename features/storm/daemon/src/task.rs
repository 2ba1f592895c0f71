//! The storm-control task: once a second it looks at each port's classes
//! for storms begun since its last look, logs them as IOS does, and takes
//! a port down where `storm-control action shutdown` says so
//! (err-disabled: `shutdown` / `no shutdown` brings it back).

use crate::datapath::{StormState, CLASSES};
use crate::settings::CLASS_ORDER;
use dataplane::Dataplane;
use lisa_storm::model::StormAction;
use lisa_storm::StormConfig;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs until the task is dropped; `config` is the last commit's storm
/// section.
pub async fn run(dp: Arc<Dataplane>, state: Arc<StormState>, config: Arc<Mutex<StormConfig>>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen: BTreeMap<(u16, usize), u64> = BTreeMap::new();
    loop {
        tick.tick().await;
        let cfg = config.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for (id, name) in dp.port_names() {
            let Some(stats) = state.stats.get(usize::from(id)) else {
                continue;
            };
            for (k, s) in stats.iter().enumerate().take(CLASSES) {
                let storms = s.storms.load(Ordering::Relaxed);
                let before = seen.insert((id, k), storms).unwrap_or(storms);
                if storms > before {
                    storm_begun(&dp, &cfg, &name, CLASS_ORDER[k].keyword());
                }
            }
        }
    }
}

/// Logs a storm on port `name` and carries out its action.
fn storm_begun(dp: &Dataplane, cfg: &StormConfig, name: &str, class: &str) {
    let short = lisa_types::short_interface_name(name);
    tracing::warn!(
        "%STORM_CONTROL-3-FILTERED: A packet storm was detected on {short}. A packet filter action has been applied on the interface."
    );
    tracing::debug!(port = name, class, "storm");
    let action = cfg.ports.get(name).and_then(|p| p.action);
    if action == Some(StormAction::Shutdown) {
        tracing::warn!(
            "%PM-4-ERR_DISABLE: storm-control error detected on {short}, putting {short} in err-disable state"
        );
        if let Err(e) = dp.err_disable(name, "storm-control") {
            tracing::warn!(port = name, error = %e, "port not taken down");
        }
    }
}
