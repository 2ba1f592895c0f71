//! Node `l2-bridge`: learning and forwarding for the whole vector. Every
//! source and destination key is hashed and its FDB slot prefetched first;
//! only then does each frame learn its source and look up its destination,
//! so the table's cache misses overlap instead of adding up.
//!
//! A frame from the router MAC (spoofed) is dropped, never learned. A
//! frame for the router MAC in a VLAN with an SVI goes to the node its
//! ethertype is registered for (IPv4 to `ipv4-route`, ARP to `punt`); ARP
//! broadcast in such a VLAN is flooded and a copy punted. An IPv4 frame
//! to a multicast group whose IP protocol a node registered
//! (`Pipeline::add_ip_group_protocol`: IGMP) goes to that node instead of
//! `l2-flood`.
//!
//! A known unicast frame whose egress port needs nothing done to it (it
//! leaves untagged in the frame's VLAN, no tx hook, within the MTU:
//! `l2-output`'s `plain`) is queued for that port here, without a pass
//! through `l2-output`; once a frame of the vector has gone to `l2-flood`
//! or `l2-output`, the later ones follow it there, so that no frame
//! overtakes an earlier one of its flow.

use crate::fdb::{Fdb, FdbKey, FdbView};
use crate::output::plain;
use dataplane::drops::DropReason;
use dataplane::graph::PuntReason;
use dataplane::graph::{Cx, Next, Nexts, Node, NodeId, NodeIds, Pkt, VECTOR};
use dataplane::wire::ethernet::{addresses, ethertype_after_tag, is_group, is_ipv4_multicast};
use dataplane::wire::EtherType;
use std::sync::Arc;

/// The destination is behind the port the frame came in on.
pub static SAME_INTERFACE: DropReason = DropReason::new(
    "same-interface",
    "the destination is behind the port the frame came in on",
);

/// A frame whose source is the switch's own router MAC: spoofed (learned,
/// it would pull the VLAN's routed traffic to the sender's port).
pub static OWN_SOURCE: DropReason = DropReason::new(
    "own-source",
    "the source address is the switch's own router MAC (spoofed); never learned",
);

/// A frame to the router MAC in a VLAN with no SVI: nothing in the switch
/// takes it (a switch's own MAC is never flooded or forwarded to a port).
pub static NO_SVI: DropReason =
    DropReason::new("no-svi", "sent to the router MAC in a VLAN that has no SVI");

/// The node, with the ethertypes of frames for the router MAC and its
/// edges.
pub struct Bridge {
    fdb: Arc<Fdb>,
    ethertypes: Vec<(u16, NodeId)>,
    ip_group_protocols: Vec<(u8, NodeId)>,
    punt: NodeId,
    flood: NodeId,
    output: NodeId,
    /// Per packet of a chunk of the vector: source key, destination key
    /// (hashed for every destination, group and router MAC included:
    /// cheaper than a branch to skip them, and never looked up).
    keys: [(FdbKey, FdbKey); VECTOR],
    nexts: Nexts,
}

impl Bridge {
    /// The node over `fdb`, in the graph `ids` names.
    pub fn new(fdb: Arc<Fdb>, ids: &NodeIds) -> Bridge {
        Bridge {
            fdb,
            ethertypes: ids.ethertypes().to_vec(),
            ip_group_protocols: ids.ip_group_protocols().to_vec(),
            punt: ids.get("punt"),
            flood: ids.get("l2-flood"),
            output: ids.get("l2-output"),
            keys: [(FdbKey::default(), FdbKey::default()); VECTOR],
            nexts: Nexts::default(),
        }
    }
}

/// Where a unicast frame goes once its source is learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Out of this port.
    Forward(u16),
    /// Out of every other port of its VLAN.
    Flood,
    /// Nowhere: the destination is behind the ingress port.
    SameInterface,
}

/// Learns `src` on `in_port` and decides where a frame to the unicast
/// `dst` goes (group frames never come here: the caller floods them).
#[inline]
pub fn learn_and_look_up(
    fdb: FdbView<'_>,
    src: &FdbKey,
    dst: &FdbKey,
    in_port: u16,
    now: u32,
) -> Verdict {
    fdb.learn_key(src, in_port, now);
    debug_assert!(*dst != FdbKey::default(), "a unicast key, hashed");
    match fdb.lookup_key(dst) {
        Some(hit) if hit.port == in_port => Verdict::SameInterface,
        Some(hit) => Verdict::Forward(hit.port),
        None => Verdict::Flood,
    }
}

/// Sends a frame for the router MAC to the node of its ethertype.
fn to_router(ethertypes: &[(u16, NodeId)], nexts: &mut Nexts, p: &mut Pkt) {
    let et = ethertype_after_tag(p.m.data(), p.meta.tagged);
    match ethertypes.iter().find(|(t, _)| *t == et) {
        Some(&(_, to)) => {
            p.meta.why = PuntReason::ForUs;
            nexts.to(to)
        }
        None => nexts.drop(&dataplane::drops::common::NOT_ROUTABLE),
    }
}

/// The node a group frame goes to instead of `l2-flood`, if it is IPv4 to
/// an IPv4 multicast MAC (01:00:5e:00:00:00/25) with a registered IP
/// protocol.
#[inline]
fn ip_group_node(protocols: &[(u8, NodeId)], dst: u64, p: &Pkt) -> Option<NodeId> {
    if protocols.is_empty() || !is_ipv4_multicast(dst) {
        return None;
    }
    let tagged = p.meta.tagged;
    if ethertype_after_tag(p.m.data(), tagged) != EtherType::Ipv4.raw() {
        return None;
    }
    let at = dataplane::wire::l2_header_len(tagged) + 9;
    let proto = *p.m.data().get(at)?;
    protocols
        .iter()
        .find(|(pr, _)| *pr == proto)
        .map(|&(_, node)| node)
}

/// Hashes every key of `pkts` (at most `VECTOR`) and prefetches its slot,
/// into `keys`.
#[inline(always)]
fn hash_all(fdb: FdbView<'_>, keys: &mut [(FdbKey, FdbKey)], pkts: &[Pkt]) {
    for (p, k) in pkts.iter().zip(keys.iter_mut()) {
        let (dst, src) = addresses(p.m.data());
        let vlan = p.meta.vlan;
        let src = fdb.key_bits(vlan, src);
        let dst = fdb.key_bits(vlan, dst);
        fdb.prefetch(&src);
        fdb.prefetch(&dst);
        *k = (src, dst);
    }
}

impl Node for Bridge {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        let fdb = self.fdb.view();
        let table = cx.table;
        let now = cx.now;
        let router = table.router_mac.to_u64();
        // A frame went to l2-flood or l2-output: the later ones follow.
        let mut diverted = false;
        for chunk in pkts.chunks_mut(VECTOR) {
            hash_all(fdb, &mut self.keys, chunk);
            for (p, &(src, dst_key)) in chunk.iter_mut().zip(self.keys.iter()) {
                let dst = dst_key.mac_bits();
                if src.mac_bits() == router {
                    self.nexts.drop(&OWN_SOURCE);
                    continue;
                }
                if dst == router {
                    fdb.learn_key(&src, p.meta.in_port, now);
                    if table.l3_vlans.contains(p.meta.vlan) {
                        to_router(&self.ethertypes, &mut self.nexts, p);
                    } else {
                        self.nexts.drop(&NO_SVI);
                    }
                    continue;
                }
                if is_group(dst) {
                    fdb.learn_key(&src, p.meta.in_port, now);
                    if table.l3_vlans.contains(p.meta.vlan)
                        && ethertype_after_tag(p.m.data(), p.meta.tagged) == EtherType::Arp.raw()
                    {
                        // The SVI hears ARP too.
                        let copy = Pkt {
                            m: p.m.share(),
                            meta: p.meta,
                        };
                        next.send(self.punt, copy);
                    }
                    diverted = true;
                    let to = ip_group_node(&self.ip_group_protocols, dst, p);
                    self.nexts.to(to.unwrap_or(self.flood));
                    continue;
                }
                match learn_and_look_up(fdb, &src, &dst_key, p.meta.in_port, now) {
                    Verdict::SameInterface => self.nexts.drop(&SAME_INTERFACE),
                    Verdict::Forward(port) => {
                        let pout = &table.ports[usize::from(port)];
                        if !diverted && plain(pout, p) {
                            self.nexts.tx(port);
                        } else {
                            diverted = true;
                            p.meta.out = port;
                            self.nexts.to(self.output);
                        }
                    }
                    Verdict::Flood => {
                        diverted = true;
                        self.nexts.to(self.flood);
                    }
                }
            }
        }
        self.nexts.dispatch(cx, pkts, next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fdb::Fdb;
    use dataplane::wire::MacAddr;

    const A: MacAddr = MacAddr([2, 0, 0, 0, 0, 0xa]);
    const B: MacAddr = MacAddr([2, 0, 0, 0, 0, 0xb]);

    #[test]
    fn learns_then_forwards_within_a_vlan() {
        let fdb = Fdb::new(64);
        let d = |src: MacAddr, dst: MacAddr, port| {
            let (s, t) = (fdb.key(10, src), fdb.key(10, dst));
            learn_and_look_up(fdb.view(), &s, &t, port, 0)
        };
        assert_eq!(d(A, B, 1), Verdict::Flood);
        assert_eq!(d(B, A, 2), Verdict::Forward(1));
        assert_eq!(d(A, B, 1), Verdict::Forward(2));
        assert_eq!(d(B, A, 1), Verdict::SameInterface, "B moved to 1");
        assert!(fdb.lookup(1, A).is_none(), "learned in VLAN 10 only");
    }

    #[test]
    fn addresses_from_two_loads() {
        let mut f = [0u8; 14];
        f[..6].copy_from_slice(&B.0);
        f[6..12].copy_from_slice(&A.0);
        assert_eq!(addresses(&f), (B.to_u64(), A.to_u64()));
        assert!(is_group(MacAddr([0xff; 6]).to_u64()));
        assert!(is_group(MacAddr([1, 0, 0x5e, 0, 0, 1]).to_u64()));
        assert!(!is_group(A.to_u64()));
        let (d, _) = addresses(&f[..5]);
        assert!(is_group(d), "short frames flood, never panic");
    }
}
