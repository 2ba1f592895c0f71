//! Node `punt`: frames for the L3 control thread (ARP, the switch's own
//! addresses, next hops to resolve, ICMP errors to send), through its
//! lock-free queue. A packet that goes no further than an ICMP error counts
//! as dropped, with its reason.

use super::{Punt, PuntReason};
use crate::counters::DropReason;
use crate::graph::{Cx, Next, Node, Pkt};

/// The node.
#[derive(Default)]
pub struct PuntNode;

impl Node for PuntNode {
    fn name(&self) -> &'static str {
        "punt"
    }

    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, _: &mut Next<'_>) {
        for p in pkts.drain(..) {
            cx.punted += 1;
            let why = p.meta.why;
            let dropped = match why {
                PuntReason::TtlExceeded => Some(DropReason::TtlExceeded),
                PuntReason::NoRoute => Some(DropReason::NoRoute),
                PuntReason::FragNeeded(_) => Some(DropReason::MtuExceeded),
                PuntReason::ForUs | PuntReason::Resolve(_) => None,
            };
            if let Some(r) = dropped {
                cx.count_drop(r);
                if p.meta.in_port != crate::graph::NO_PORT {
                    crate::counters::bump(
                        &cx.counters().ports[usize::from(p.meta.in_port)].rx_dropped,
                        1,
                    );
                }
            }
            let punt = Punt {
                m: p.m,
                port: p.meta.in_port,
                vlan: p.meta.vlan,
                why,
            };
            if cx.shared.punt.push(punt).is_err() {
                cx.count_drop(DropReason::PuntQueueFull);
            }
        }
    }
}
