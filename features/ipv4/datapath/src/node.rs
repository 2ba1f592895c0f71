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
use dataplane::wire::l2_header_len;
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

/// How many packets ahead of the one being routed its tbl24 entry is
/// prefetched: enough to cover a miss to L3 or memory, few enough that the
/// prefetches in flight fit the core's miss buffers (a whole vector's at
/// once, 64 in the benchmark, did not: the lookups waited on them).
const PREFETCH_AHEAD: usize = 12;

/// Starts loading the tbl24 entry of `p`'s destination.
#[inline(always)]
fn prefetch_route(lpm: crate::lpm::LpmView<'_>, p: &Pkt) {
    let l3 = p.m.data().get(l2_header_len(p.meta.tagged)..);
    if let Some(dst) = l3.and_then(peek_dst) {
        lpm.prefetch(dst);
    }
}

/// Writes the next hop's MAC (the low 48 bits of `dst`) and `src` as a
/// frame's addresses (`frame` holds at least its Ethernet header): one
/// 8-byte store of the destination, whose last two bytes the source then
/// overwrites.
#[inline(always)]
fn set_addresses(frame: &mut [u8], dst: u64, src: &[u8; 6]) {
    if let Some(h) = frame.get_mut(..12) {
        h[..8].copy_from_slice(&(dst << 16).to_be_bytes());
        h[6..].copy_from_slice(src);
    }
}

impl Node for Ipv4Route {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        let (lpm, nexthops) = (self.tables.lpm.view(), &self.tables.nexthops);
        let (forward, punt) = (self.forward, self.punt);
        let router_mac = cx.table.router_mac;
        for p in pkts.iter().take(PREFETCH_AHEAD) {
            prefetch_route(lpm, p);
        }
        let nexts = &mut self.nexts;
        for i in 0..pkts.len() {
            if let Some(ahead) = pkts.get(i + PREFETCH_AHEAD) {
                prefetch_route(lpm, ahead);
            }
            let p = &mut pkts[i];
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
                    set_addresses(d, mac, &router_mac.0);
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

#[cfg(test)]
mod tests {
    use super::set_addresses;
    use dataplane::wire::MacAddr;

    #[test]
    fn the_addresses_are_written_and_nothing_else() {
        let mut f = [0xaau8; 16];
        let dst = MacAddr([2, 0, 0, 0, 0, 0x20]);
        set_addresses(&mut f, dst.to_u64(), &[2, 0, 0, 0, 0, 1]);
        assert_eq!(&f[..6], &dst.0);
        assert_eq!(&f[6..12], &[2, 0, 0, 0, 0, 1]);
        assert_eq!(&f[12..], &[0xaa; 4], "the ethertype is untouched");
        let mut short = [0u8; 11];
        set_addresses(&mut short, dst.to_u64(), &[2, 0, 0, 0, 0, 1]);
        assert_eq!(short, [0; 11], "too short: left alone");
    }
}
