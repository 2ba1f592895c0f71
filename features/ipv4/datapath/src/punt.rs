//! Node `punt`: frames for the L3 control thread (ARP, the switch's own
//! addresses, next hops to resolve, ICMP errors to send), through its
//! lock-free queue. A packet that goes no further than an ICMP error counts
//! as dropped, with its reason.

use super::route::{NO_ROUTE, TTL_EXCEEDED};
use super::{L3Tables, Punt, PuntReason};
use dataplane::drops::common::MTU_EXCEEDED;
use dataplane::drops::DropReason;
use dataplane::graph::{Cx, Next, Node, Pkt};
use std::sync::Arc;

/// The queue to the control thread (ARP, ICMP) was full.
pub static PUNT_QUEUE_FULL: DropReason = DropReason::new(
    "punt-queue-full",
    "the queue to the control thread (ARP, ICMP) was full",
);

/// The node, with the queue it fills.
pub struct PuntNode {
    tables: Arc<L3Tables>,
}

impl PuntNode {
    /// The node over `tables`' punt queue.
    pub fn new(tables: Arc<L3Tables>) -> PuntNode {
        PuntNode { tables }
    }
}

impl Node for PuntNode {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, _: &mut Next<'_>) {
        for p in pkts.drain(..) {
            cx.punted += 1;
            let why = p.meta.why;
            let dropped = match why {
                PuntReason::TtlExceeded => Some(&TTL_EXCEEDED),
                PuntReason::NoRoute => Some(&NO_ROUTE),
                PuntReason::FragNeeded(_) => Some(&MTU_EXCEEDED),
                PuntReason::ForUs | PuntReason::Resolve(_) => None,
            };
            if let Some(r) = dropped {
                cx.count_rx_drop(p.meta.in_port, r);
            }
            let punt = Punt {
                m: p.m,
                port: p.meta.in_port,
                vlan: p.meta.vlan,
                why,
            };
            if self.tables.punt.push(punt).is_err() {
                cx.count_drop(&PUNT_QUEUE_FULL);
            }
        }
        // The graph runs a node only with packets queued for it.
        self.tables.wake.notify();
    }
}
