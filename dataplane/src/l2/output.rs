//! Node `l2-output`: a frame to one egress port. The port must be up and
//! carry the VLAN; the frame must fit the port's MTU (a routed packet with
//! DF set that does not goes to the control thread for an ICMP "frag
//! needed"); its tag is added or removed to suit the port; then it is
//! queued for the port.

use crate::counters::DropReason;
use crate::graph::{ids, Cx, Next, Node, Pkt};
use crate::l3::PuntReason;
use crate::vlan::tag;

/// The node.
#[derive(Default)]
pub struct Output;

impl Node for Output {
    fn name(&self) -> &'static str {
        "l2-output"
    }

    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        for mut p in pkts.drain(..) {
            let out = p.meta.out;
            let pout = &cx.table.ports[usize::from(out)];
            let vlan = p.meta.vlan;
            if !pout.up {
                cx.drop(p, DropReason::PortDown);
                continue;
            }
            if !pout.mode.carries(vlan) {
                cx.drop(p, DropReason::VlanFilter);
                continue;
            }
            let l2 = if p.meta.tagged { 18 } else { 14 };
            let too_big = if p.meta.ip_len != 0 {
                p.meta.ip_len > pout.mtu
            } else {
                p.m.pkt_len().saturating_sub(l2) > u32::from(pout.mtu)
            };
            if too_big {
                if p.meta.ip_len != 0 && p.meta.df {
                    p.meta.why = PuntReason::FragNeeded(pout.mtu);
                    p.meta.vlan = p.meta.in_vlan;
                    next.send(ids::PUNT, p);
                } else {
                    cx.drop(p, DropReason::MtuExceeded);
                }
                continue;
            }
            let want = pout.mode.tags(vlan);
            let ok = match (p.meta.tagged, want) {
                (false, true) => tag::push_tag(&mut p.m, vlan),
                (true, false) => tag::pop_tag(&mut p.m),
                _ => true,
            };
            if !ok {
                cx.drop(p, DropReason::NoBuffer);
                continue;
            }
            cx.send(out, p.m);
        }
    }
}
