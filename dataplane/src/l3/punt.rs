//! Node `punt`: frames for the L3 control thread (ARP, the switch's own
//! addresses, next hops to resolve, ICMP errors to send), through its
//! lock-free queue. A packet that goes no further than an ICMP error counts
//! as dropped, with its reason.

use super::route::{NO_ROUTE, TTL_EXCEEDED};
use super::{Punt, PuntReason};
use crate::drops::common::MTU_EXCEEDED;
use crate::drops::DropReason;
use crate::graph::{Cx, Next, Node, Pkt};

/// The queue to the control thread (ARP, ICMP) was full.
pub static PUNT_QUEUE_FULL: DropReason = DropReason::new(
    "punt-queue-full",
    "the queue to the control thread (ARP, ICMP) was full",
);

/// The node.
#[derive(Default)]
pub struct PuntNode;

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
            if cx.shared.punt.push(punt).is_err() {
                cx.count_drop(&PUNT_QUEUE_FULL);
            }
        }
    }
}
