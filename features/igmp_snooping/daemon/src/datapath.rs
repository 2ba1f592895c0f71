//! IGMP snooping's stage in the workers' graph: node `igmp-input`, where
//! `l2-bridge` sends switched IPv4 frames to a multicast group whose IP
//! protocol is IGMP (`Pipeline::add_ip_group_protocol`). In a VLAN that is
//! snooped the frame is queued, with its ports, VLAN and tag, for the
//! IGMP task, which forwards it as RFC 4541 says (reports to the
//! multicast routers only, queries flooded); when the queue is full it is
//! dropped and counted (`igmp-queue-full`). In a VLAN that is not snooped
//! it goes on to `l2-flood` like any group frame.
//!
//! Data frames to groups are filtered by `l2-flood` with the multicast
//! group table the task publishes (`Dataplane::shared().mcast`).

use crossbeam_queue::ArrayQueue;
use dataplane::drops::DropReason;
use dataplane::graph::{rank, Cx, Next, Node, NodeId, NodeSpec, Pipeline, Pkt};
use dataplane::mbuf::Mbuf;
use dataplane::snapshot::SnapshotReader;
use dataplane::switch::McastTable;
use std::sync::Arc;

/// The node's name.
pub const NODE: &str = "igmp-input";
/// IGMP's IP protocol number.
pub const IP_PROTOCOL_IGMP: u8 = 2;
/// Room in the queue to the task.
pub const QUEUE_LEN: usize = 1024;

/// The queue to the IGMP task was full.
pub static IGMP_QUEUE_FULL: DropReason = DropReason::new(
    "igmp-queue-full",
    "the queue to the IGMP snooping task was full (more IGMP messages than it reads)",
);

/// An IGMP frame for the task.
pub struct IgmpFrame {
    /// The frame as received (tagged if `tagged`).
    pub m: Mbuf,
    /// The switch port it came in on (a port-channel for its members).
    pub port: u16,
    /// Its VLAN.
    pub vlan: u16,
    /// It carries an 802.1Q tag.
    pub tagged: bool,
}

/// The queue between the node and the task.
pub type IgmpQueue = ArrayQueue<IgmpFrame>;

/// The node.
struct IgmpInput {
    queue: Arc<IgmpQueue>,
    flood: NodeId,
    mcast: Option<SnapshotReader<McastTable>>,
}

impl Node for IgmpInput {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        let mcast = self
            .mcast
            .get_or_insert_with(|| cx.shared.mcast.reader())
            .get();
        if !pkts.iter().any(|p| mcast.snoops(p.meta.vlan)) {
            next.send_all(self.flood, pkts);
            return;
        }
        for p in pkts.drain(..) {
            if !mcast.snoops(p.meta.vlan) {
                next.send(self.flood, p);
                continue;
            }
            cx.punted += 1;
            let frame = IgmpFrame {
                m: p.m,
                port: p.meta.in_port,
                vlan: p.meta.vlan,
                tagged: p.meta.tagged,
            };
            if self.queue.push(frame).is_err() {
                cx.count_drop(&IGMP_QUEUE_FULL);
            }
        }
    }
}

/// Declares the node, takes IGMP frames to it, and empties the queue when
/// the dataplane stops (its buffers go back before the pools do).
pub fn register(p: &mut Pipeline, queue: &Arc<IgmpQueue>) {
    let q = queue.clone();
    p.add_node(NodeSpec {
        name: NODE,
        // After l2-bridge, before l2-flood.
        rank: rank::L2_BRIDGE + 50,
        drops: vec![&IGMP_QUEUE_FULL],
        build: Box::new(move |ids| {
            Box::new(IgmpInput {
                queue: q.clone(),
                flood: ids.get("l2-flood"),
                mcast: None,
            })
        }),
    });
    p.add_ip_group_protocol(IP_PROTOCOL_IGMP, NODE);
    let q = queue.clone();
    p.add_stop_hook(Box::new(move || while q.pop().is_some() {}));
}
