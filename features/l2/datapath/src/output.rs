//! Node `l2-output`: a frame to one egress port. The port must be up and
//! carry the VLAN; the frame must fit the port's MTU (a routed packet with
//! DF set that does not goes to the control thread for an ICMP "frag
//! needed"); its tag is added or removed to suit the port; then it is
//! queued for the port.

use crate::input::{PORT_DOWN, VLAN_FILTER};
use dataplane::graph::PuntReason;
use dataplane::graph::{Cx, Next, Node, NodeId, NodeIds, Pkt};
use dataplane::shared::PortFwd;
use dataplane::vlan::tag;
use dataplane::wire::l2_header_len;

pub use dataplane::drops::common::{MTU_EXCEEDED, NO_BUFFER};

/// The node and its edge to the punt path.
pub struct Output {
    punt: NodeId,
}

impl Output {
    /// The node in the graph `ids` names.
    pub fn new(ids: &NodeIds) -> Output {
        Output {
            punt: ids.get("punt"),
        }
    }
}

/// True if frame `p` can leave by `pout` as it is, with nothing to check
/// or change: untagged, in the VLAN the port sends untagged with no tx hook
/// (`PortFwd::plain_out`), within the port's MTU (a routed packet that
/// fits no further: its IPv4 length is at most the frame's less the
/// header).
#[inline(always)]
pub fn plain(pout: &PortFwd, p: &Pkt) -> bool {
    !p.meta.tagged
        && pout.plain_out == p.meta.vlan
        && p.m.pkt_len() <= u32::from(pout.mtu) + l2_header_len(false) as u32
}

impl Node for Output {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        for mut p in pkts.drain(..) {
            let out = p.meta.out;
            let pout = &cx.table.ports[usize::from(out)];
            let vlan = p.meta.vlan;
            if !pout.egress_ok {
                cx.drop(p, &PORT_DOWN);
                continue;
            }
            if !pout.mode.carries(vlan) {
                cx.drop(p, &VLAN_FILTER);
                continue;
            }
            let l2 = l2_header_len(p.meta.tagged) as u32;
            let too_big = if p.meta.ip_len != 0 {
                p.meta.ip_len > pout.mtu
            } else {
                p.m.pkt_len().saturating_sub(l2) > u32::from(pout.mtu)
            };
            if too_big {
                if p.meta.ip_len != 0 && p.meta.df {
                    p.meta.why = PuntReason::FragNeeded(pout.mtu);
                    p.meta.vlan = p.meta.in_vlan;
                    next.send(self.punt, p);
                } else {
                    cx.drop(p, &MTU_EXCEEDED);
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
                cx.drop(p, &NO_BUFFER);
                continue;
            }
            cx.send(out, p.m);
        }
    }
}
