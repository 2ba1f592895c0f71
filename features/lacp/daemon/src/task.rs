//! The LACP task: ten times a second it brings the LACP machines up to
//! date with the member ports (settings, link state), reads the PDUs the
//! node queued, runs the machines, and carries out what they decide:
//! LACPDUs sent, members bundled into their port-channel or taken out.
//! Members in `mode on` need no PDU: they are bundled while their link is
//! up. A member whose link goes down leaves its bundle at the next run
//! (within 100 ms), whatever the LACP timers say.

use crate::settings::Member;
use crate::LacpState;
use dataplane::graph::link_local::PuntQueue;
use dataplane::graph::NO_PORT;
use dataplane::{Dataplane, PortLink};
use lisa_lacp::model::ChannelMode;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::agent::{Action, Lacp, PortSettings};

/// How often the task runs: the longest a link loss or a PDU waits.
const TICK: Duration = Duration::from_millis(100);

/// Runs LACP over the dataplane until the task is dropped.
pub async fn run(dp: Arc<Dataplane>, state: Arc<Mutex<LacpState>>, queue: Arc<PuntQueue>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        step(&dp, &mut st, &queue, Instant::now());
    }
}

/// The LACP machines' settings of member `l`.
fn port_settings(l: &PortLink, m: &Member) -> PortSettings {
    PortSettings {
        group: m.group,
        active: m.mode == ChannelMode::Active,
        fast: m.fast,
        port_priority: m.port_priority,
        port_number: l.id + 1,
        mac: l.mac,
    }
}

/// One run of the task.
fn step(dp: &Dataplane, st: &mut LacpState, queue: &PuntQueue, now: Instant) {
    let links = dp.port_links();
    let settings = st.settings.clone();
    let LacpState { lacp, taken, .. } = st;
    let lacp = lacp.get_or_insert_with(|| Lacp::new(settings.system_priority, dp.router_mac()));
    lacp.set_system_priority(settings.system_priority);
    let mut members = BTreeSet::new();
    for l in links.iter().filter(|l| l.member_of != NO_PORT) {
        let Some(m) = settings.members.get(&l.name) else {
            continue;
        };
        members.insert(l.id);
        if taken.get(&l.id) != Some(m) {
            // New, or changed: it starts over, out of the bundle.
            bundle(dp, &links, l.id, false);
            if m.mode.is_lacp() {
                lacp.set_port(l.id, port_settings(l, m), now);
            } else {
                lacp.remove_port(l.id);
            }
            taken.insert(l.id, *m);
        }
        if m.mode.is_lacp() {
            lacp.set_link(l.id, l.up, now);
        } else {
            bundle(dp, &links, l.id, l.up);
        }
    }
    let gone: Vec<u16> = taken
        .keys()
        .copied()
        .filter(|id| !members.contains(id))
        .collect();
    for id in gone {
        lacp.remove_port(id);
        taken.remove(&id);
    }
    while let Some(r) = queue.pop() {
        if taken.get(&r.port).is_some_and(|m| m.mode.is_lacp()) {
            lacp.receive(r.port, r.m.data(), now);
        }
    }
    for a in lacp.tick(now) {
        match a {
            Action::Send { port, frame } => {
                if let Err(e) = dp.send_to_port(port, &frame) {
                    tracing::debug!(port, error = %e, "LACPDU not sent");
                }
            }
            Action::Bundle { port, on } => bundle(dp, &links, port, on),
        }
    }
}

/// Bundles member `id` or takes it out, saying so as IOS does.
fn bundle(dp: &Dataplane, links: &[PortLink], id: u16, on: bool) {
    match dp.set_member_bundled(id, on) {
        Ok(true) => {
            let name = links.iter().find(|l| l.id == id).map_or("?", |l| &l.name);
            let po = links
                .iter()
                .find(|l| l.id == id)
                .and_then(|l| dp.bundles().into_iter().find(|b| b.id == l.member_of))
                .map_or_else(|| "?".to_string(), |b| b.name);
            let (name, po) = (
                lisa_types::short_interface_name(name),
                lisa_types::short_interface_name(&po),
            );
            if on {
                tracing::info!("%EC-5-BUNDLE: Interface {name} joined port-channel {po}");
            } else {
                tracing::info!("%EC-5-UNBUNDLE: Interface {name} left the port-channel {po}");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::debug!(port = id, error = %e, "member not (un)bundled"),
    }
}
