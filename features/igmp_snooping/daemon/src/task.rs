//! The IGMP snooping task: twenty times a second it takes the settings
//! of the last commit and the VLANs' ports of the forwarding table (when
//! either changed), reads the IGMP frames the node queued, runs the
//! snooper, carries out what it decides (relayed reports, flooded and
//! group-specific queries, the switch querier's queries), and publishes
//! the multicast group table when the groups changed.

use crate::datapath::{IgmpFrame, IgmpQueue};
use crate::settings;
use crate::snooper::Action;
use crate::IgmpState;
use dataplane::graph::NO_PORT;
use dataplane::switch::{port_bit, McastTable};
use dataplane::Dataplane;
use lisa_igmp_snooping::wire;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the task runs: the longest an IGMP message waits.
const TICK: Duration = Duration::from_millis(50);

/// Runs IGMP snooping over the dataplane until the task is dropped.
pub async fn run(dp: Arc<Dataplane>, state: Arc<Mutex<IgmpState>>, queue: Arc<IgmpQueue>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        let now_ms = st.now_ms();
        step(&dp, &mut st, &queue, now_ms);
    }
}

/// One run of the task.
fn step(dp: &Dataplane, st: &mut IgmpState, queue: &IgmpQueue, now_ms: u64) {
    take_settings(dp, st, now_ms);
    while let Some(f) = queue.pop() {
        let frame = untagged(&f);
        let ip = frame.get(ETHERNET_HEADER_LEN..).unwrap_or_default();
        let actions = st.snooper.receive(now_ms, f.vlan, f.port, ip);
        run_actions(dp, &actions, Some(&frame));
    }
    let actions = st.snooper.tick(now_ms);
    run_actions(dp, &actions, None);
    if st.snooper.take_changed() {
        publish(dp, st);
    }
}

/// Hands the snooper the last commit's settings and the VLANs' ports if
/// either changed since it last took them (and publishes the table); true
/// if it did. The service calls it too, so that a show right after a
/// commit shows the commit.
pub fn take_settings(dp: &Dataplane, st: &mut IgmpState, now_ms: u64) -> bool {
    let generation = dp.shared().generation.load(Ordering::Acquire);
    if !st.dirty && generation == st.table_generation {
        return false;
    }
    st.dirty = false;
    st.table_generation = generation;
    let s = settings::of(&st.inputs, dp);
    let actions = st.snooper.configure(s, now_ms);
    run_actions(dp, &actions, None);
    st.snooper.take_changed();
    publish(dp, st);
    true
}

/// The frame as it would leave an access port (the tag taken out).
fn untagged(f: &IgmpFrame) -> Vec<u8> {
    let data = f.m.data();
    if f.tagged && data.len() >= 18 {
        let mut v = Vec::with_capacity(data.len() - 4);
        v.extend_from_slice(&data[..12]);
        v.extend_from_slice(&data[16..]);
        v
    } else {
        data.to_vec()
    }
}

/// An untagged frame's Ethernet header: the IPv4 packet follows (the
/// snooper reads its length from it: the padding is left out).
const ETHERNET_HEADER_LEN: usize = 14;

/// Carries out the snooper's decisions; `received` is the frame they are
/// about (relayed or flooded as it is).
fn run_actions(dp: &Dataplane, actions: &[Action], received: Option<&[u8]>) {
    let mac = dp.router_mac().0;
    for a in actions {
        let r = match a {
            Action::Relay { vlan, ports } => {
                let Some(frame) = received else { continue };
                ports
                    .iter()
                    .try_for_each(|&p| dp.send_in_vlan_to(*vlan, p, frame))
            }
            Action::Flood { vlan, except } => {
                let Some(frame) = received else { continue };
                dp.flood_in_vlan(*vlan, *except, frame)
            }
            Action::Send { vlan, port, ip } => {
                let frame = wire::ethernet_frame(mac, ip);
                match port {
                    Some(p) => dp.send_in_vlan_to(*vlan, *p, &frame),
                    None => dp.flood_in_vlan(*vlan, NO_PORT, &frame),
                }
            }
        };
        if let Err(e) = r {
            tracing::debug!(error = %e, "IGMP message not sent");
        }
    }
}

/// Publishes the snooped VLANs and the registered groups for `l2-flood`.
fn publish(dp: &Dataplane, st: &IgmpState) {
    let snooped = st.snooper.settings().vlans.keys().copied().collect();
    let mut table = McastTable::new(snooped);
    for (vlan, group, ports) in st.snooper.forwarding() {
        let mask = ports.iter().fold(0, |m, &p| m | port_bit(p));
        table.set_group(vlan, group, mask);
    }
    dp.shared().mcast.publish(table);
}
