//! The CDP task: five times a second it reads what the node queued, ages
//! the neighbours and sends what is due, through the agent. It runs on the
//! control-plane runtime until lisad stops.

use crate::agent::Agent;
use dataplane::graph::link_local::PuntQueue;
use dataplane::Dataplane;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the task runs: the longest a CDP frame waits to be read.
const TICK: Duration = Duration::from_millis(200);

/// Runs the agent over the dataplane until the task is dropped.
pub async fn run(dp: Arc<Dataplane>, agent: Arc<Mutex<Agent>>, queue: Arc<PuntQueue>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let ports = dp.port_links();
        let now = Instant::now();
        let mut a = agent.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(r) = queue.pop() {
            match ports.iter().find(|p| p.id == r.port) {
                Some(p) => a.receive(&p.name, r.m.data(), now),
                None => a.counts.discarded += 1,
            }
        }
        for (port, frame) in a.tick(&ports, now) {
            let sent = dp.send_to_port(port, &frame);
            if let Err(e) = &sent {
                tracing::debug!(port, error = %e, "CDP frame not sent");
            }
            a.count_sent(&frame, sent.is_ok());
        }
    }
}
