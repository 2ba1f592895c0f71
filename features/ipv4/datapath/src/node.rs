//! Node `ipv4-route`: IPv4 packets sent to the router MAC, routed as a
//! vector. Every destination's tbl24 entry is prefetched first; then each
//! packet is checked (header, checksum, TTL), looked up, and rewritten for
//! its next hop (MACs, TTL, checksum, no tag), leaving for `l2-forward` in
//! the next hop's VLAN. A chained (jumbo) packet routes like any other: the
//! headers are in its first segment. What the workers cannot finish goes
//! to `punt` with its reason.

use crate::route::{route, RouteVerdict};
use crate::L3Tables;
use dataplane::drops::common::{MALFORMED, NO_BUFFER};
use dataplane::graph::{Cx, Next, Nexts, Node, NodeId, NodeIds, Pkt};
use dataplane::vlan::tag;
use dataplane::wire::ipv4::peek_dst;
use dataplane::wire::{l2_header_len, EthernetFrame};
use std::sync::Arc;

/// The node and its edges.
pub struct Ipv4Route {
    tables: Arc<L3Tables>,
    forward: NodeId,
    punt: NodeId,
    nexts: Nexts,
}

impl Ipv4Route {
    /// The node in the graph `ids` names.
    pub fn new(tables: Arc<L3Tables>, ids: &NodeIds) -> Ipv4Route {
        Ipv4Route {
            tables,
            forward: ids.get("l2-forward"),
            punt: ids.get("punt"),
            nexts: Nexts::default(),
        }
    }
}

impl Node for Ipv4Route {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        let (lpm, nexthops) = (&self.tables.lpm, &self.tables.nexthops);
        let (forward, punt) = (self.forward, self.punt);
        let router_mac = cx.table.router_mac;
        for p in pkts.iter() {
            let l3 = p.m.data().get(l2_header_len(p.meta.tagged)..);
            if let Some(dst) = l3.and_then(peek_dst) {
                lpm.prefetch(dst);
            }
        }
        let nexts = &mut self.nexts;
        for p in pkts.iter_mut() {
            let l2 = l2_header_len(p.meta.tagged);
            let packet_len = (p.m.pkt_len() as usize).saturating_sub(l2);
            let Some(d) = p.m.data_mut() else {
                nexts.drop(&NO_BUFFER);
                continue;
            };
            if d.len() < l2 {
                nexts.drop(&MALFORMED);
                continue;
            }
            match route(&mut d[l2..], packet_len, lpm, nexthops) {
                RouteVerdict::Forward { mac, vlan, len, df } => {
                    let mut eth = EthernetFrame::new_unchecked(&mut d[..]);
                    eth.set_dst(mac);
                    eth.set_src(router_mac);
                    if p.meta.tagged && !tag::pop_tag(&mut p.m) {
                        nexts.drop(&NO_BUFFER);
                        continue;
                    }
                    cx.routed += 1;
                    p.meta.tagged = false;
                    p.meta.vlan = vlan;
                    p.meta.ip_len = len;
                    p.meta.df = df;
                    nexts.to(forward);
                }
                RouteVerdict::Punt(why) => {
                    p.meta.why = why;
                    nexts.to(punt);
                }
                RouteVerdict::Drop(why) => nexts.drop(why.reason()),
            }
        }
        nexts.dispatch(cx, pkts, next);
    }
}
