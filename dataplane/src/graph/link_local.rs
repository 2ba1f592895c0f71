//! The punt of one IEEE 802.1 link-local group to a control loop (LLDP,
//! LACP, STP): a node that `eth-input` hands the group's frames to
//! (`Pipeline::add_link_local`) and that queues each, with its port, on a
//! lock-free queue the protocol's task reads. When the queue is full the
//! frame is dropped and counted under the protocol's own reason; while the
//! protocol is off (`lldp run` not set, no `spanning-tree mode`) its frames
//! are dropped as `link-local`, as when no protocol takes the group.

use super::pipeline::{rank, NodeSpec, Pipeline};
use super::{Cx, Next, Node, Pkt};
use crate::drops::common::LINK_LOCAL;
use crate::drops::DropReason;
use crate::mbuf::Mbuf;
use crossbeam_queue::ArrayQueue;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A frame for a protocol's task, with the port it came in on.
pub struct Received {
    /// The frame, as received.
    pub m: Mbuf,
    /// The port that received it (a port-channel's member itself: LLDP
    /// and LACP speak per link).
    pub port: u16,
    /// The switch port it came in on: the port-channel for a bundled
    /// member (the spanning tree sees the bundle as one port).
    pub switch_port: u16,
}

/// The queue between the node and the task.
pub type PuntQueue = ArrayQueue<Received>;

/// The node: pushes every frame onto the queue.
struct QueueNode {
    queue: Arc<PuntQueue>,
    full: &'static DropReason,
    on: Arc<AtomicBool>,
}

impl Node for QueueNode {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, _: &mut Next<'_>) {
        if !self.on.load(Ordering::Relaxed) {
            for p in pkts.drain(..) {
                cx.drop(p, &LINK_LOCAL);
            }
            return;
        }
        for p in pkts.drain(..) {
            cx.punted += 1;
            let r = Received {
                m: p.m,
                port: p.meta.rx_port,
                switch_port: p.meta.in_port,
            };
            if self.queue.push(r).is_err() {
                cx.count_drop(self.full);
            }
        }
    }
}

/// Declares node `name` taking link-local group `01:80:c2:00:00:0G` (`group`)
/// to `queue` while `on` is true, dropping as `full` when the queue is
/// full, and empties the queue when the dataplane stops (its buffers go
/// back before the pools do).
pub fn punt_link_local(
    p: &mut Pipeline,
    group: u8,
    name: &'static str,
    full: &'static DropReason,
    queue: &Arc<PuntQueue>,
    on: &Arc<AtomicBool>,
) {
    let q = queue.clone();
    let on = on.clone();
    p.add_node(NodeSpec {
        name,
        // After eth-input, before bridging (it hands nothing on).
        rank: rank::ETH_INPUT + 50,
        drops: vec![full, &LINK_LOCAL],
        build: Box::new(move |_| {
            Box::new(QueueNode {
                queue: q.clone(),
                full,
                on: on.clone(),
            })
        }),
    });
    p.add_link_local(group, name);
    let q = queue.clone();
    p.add_stop_hook(Box::new(move || while q.pop().is_some() {}));
}
