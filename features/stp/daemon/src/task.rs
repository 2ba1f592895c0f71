//! The spanning-tree task: twenty times a second it brings the bridge up
//! to date with the ports (plugged, up, settings), reads the BPDUs the node
//! queued, runs the machines, and carries out what they decide: BPDUs
//! sent, ports held discarding or let forward (the dataplane flushes a port
//! it starts holding discarding), addresses flushed, ports
//! err-disabled by BPDU guard and brought back by `errdisable recovery`.

use crate::rstp::{Action, Rstp};
use crate::StpState;
use dataplane::graph::link_local::PuntQueue;
use dataplane::Dataplane;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the task runs: the longest a BPDU waits to be read.
const TICK: Duration = Duration::from_millis(50);

/// Runs the tree over the dataplane until the task is dropped.
pub async fn run(dp: Arc<Dataplane>, state: Arc<Mutex<StpState>>, queue: Arc<PuntQueue>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        step(&dp, &mut st, &queue, Instant::now());
    }
}

/// One run of the task.
fn step(dp: &Dataplane, st: &mut StpState, queue: &PuntQueue, now: Instant) {
    let Some(settings) = st.settings.clone().filter(|s| s.enabled) else {
        while queue.pop().is_some() {}
        if st.rstp.take().is_some() {
            // Off: every port forwards again.
            for l in dp.switch_port_links() {
                let _ = dp.set_port_discarding(l.id, false);
            }
            tracing::info!("spanning tree stopped: every port forwards");
        }
        return;
    };
    let links = dp.switch_port_links();
    let StpState {
        rstp, err_disabled, ..
    } = st;
    let rstp = rstp.get_or_insert_with(|| {
        tracing::info!("spanning tree started (rstp)");
        Rstp::new(settings.bridge)
    });
    rstp.set_bridge(settings.bridge, now);
    let present: BTreeSet<u16> = links.iter().map(|l| l.id).collect();
    for v in rstp.ports() {
        if !present.contains(&v.key) {
            rstp.set_port(v.key, None, now);
        }
    }
    err_disabled.retain(|id, _| present.contains(id));
    for l in &links {
        let cfg = settings.port(&l.name).numbered(l.id + 1);
        let enabled = l.up && !err_disabled.contains_key(&l.id);
        rstp.set_port(l.id, Some((cfg, l.mac, enabled)), now);
    }
    while let Some(r) = queue.pop() {
        if !rstp.receive(r.switch_port, r.m.data(), now) {
            tracing::debug!(
                port = r.switch_port,
                "frame to the bridge group that is no BPDU"
            );
        }
    }
    for a in rstp.tick(now) {
        match a {
            Action::Send(id, frame) => {
                if let Err(e) = dp.send_to_port(id, &frame) {
                    tracing::debug!(port = id, error = %e, "BPDU not sent");
                }
            }
            Action::Flush(id) => dp.flush_port(id),
            Action::ErrDisable(id) => {
                let Some(l) = links.iter().find(|l| l.id == id) else {
                    continue;
                };
                tracing::warn!(
                    "%SPANTREE-2-BLOCK_BPDUGUARD: Received BPDU on port {} with BPDU Guard enabled. Disabling port.",
                    l.name
                );
                tracing::warn!(
                    "%PM-4-ERR_DISABLE: bpduguard error detected on {}, putting {} in err-disable state",
                    l.name,
                    l.name
                );
                if let Err(e) = dp.err_disable(&l.name, "bpduguard") {
                    tracing::warn!(port = %l.name, error = %e, "port not taken down");
                }
                err_disabled.insert(id, (l.name.clone(), now));
            }
        }
    }
    // The dataplane follows the ports' states (a no-op where it does
    // already; it flushes a port it starts holding discarding).
    for v in rstp.ports() {
        if let Err(e) = dp.set_port_discarding(v.key, !v.forwarding) {
            tracing::debug!(port = v.key, error = %e, "port state not set");
        }
    }
    if let Some(secs) = settings.recovery {
        let due: Vec<u16> = err_disabled
            .iter()
            .filter(|(_, (_, t))| now.duration_since(*t) >= Duration::from_secs(u64::from(secs)))
            .map(|(&id, _)| id)
            .collect();
        for id in due {
            if let Some((name, _)) = err_disabled.remove(&id) {
                tracing::warn!(
                    "%PM-4-ERR_RECOVER: Attempting to recover from bpduguard err-disable state on {name}"
                );
                let _ = dp.set_port_admin(&name, true);
            }
        }
    }
}
