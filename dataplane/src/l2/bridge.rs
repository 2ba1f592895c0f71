//! Node `l2-bridge`: learning and forwarding for the whole vector. Every
//! source and destination key is hashed and its FDB slot prefetched first;
//! only then does each frame learn its source and look up its destination,
//! so the table's cache misses overlap instead of adding up.
//!
//! A frame for the router MAC in a VLAN with an SVI goes to the node its
//! ethertype is registered for (IPv4 to `ipv4-route`, ARP to `punt`); ARP
//! broadcast in such a VLAN is flooded and a copy punted.

use crate::counters::DropReason;
use crate::graph::{ids, Cx, Next, Node, NodeId, Pkt, VECTOR};
use crate::l2::fdb::FdbKey;
use crate::l3::PuntReason;
use crate::wire::{EtherType, MacAddr};
use arrayvec::ArrayVec;

/// The node, with the ethertypes of frames for the router MAC.
pub struct Bridge {
    ethertypes: Vec<(u16, NodeId)>,
    keys: ArrayVec<(FdbKey, FdbKey), VECTOR>,
}

impl Default for Bridge {
    fn default() -> Self {
        Bridge {
            ethertypes: vec![
                (EtherType::IPV4, ids::IPV4_ROUTE),
                (EtherType::ARP, ids::PUNT),
            ],
            keys: ArrayVec::new(),
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
    /// Nowhere, for this reason.
    Drop(DropReason),
}

/// Learns `src` on `in_port` and decides where a frame to `dst` goes.
#[inline]
pub fn learn_and_look_up(
    fdb: &crate::l2::fdb::Fdb,
    src: &FdbKey,
    dst: &FdbKey,
    dst_mac: MacAddr,
    in_port: u16,
    now: u32,
) -> Verdict {
    fdb.learn_key(src, in_port, now);
    if dst_mac.is_multicast() {
        return Verdict::Flood;
    }
    match fdb.lookup_key(dst) {
        Some(hit) if hit.port == in_port => Verdict::Drop(DropReason::SameInterface),
        Some(hit) => Verdict::Forward(hit.port),
        None => Verdict::Flood,
    }
}

/// The ethertype after the frame's tag, if any.
#[inline]
fn ethertype(frame: &[u8], tagged: bool) -> u16 {
    let at = if tagged { 16 } else { 12 };
    frame
        .get(at..at + 2)
        .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]))
}

impl Bridge {
    /// Sends a frame for the router MAC to the node of its ethertype.
    fn to_router(&self, cx: &mut Cx<'_>, mut p: Pkt, next: &mut Next<'_>) {
        let et = ethertype(p.m.data(), p.meta.tagged);
        match self.ethertypes.iter().find(|(t, _)| *t == et) {
            Some((_, to)) => {
                p.meta.why = PuntReason::ForUs;
                next.send(*to, p)
            }
            None => cx.drop(p, DropReason::NotRoutable),
        }
    }
}

impl Node for Bridge {
    fn name(&self) -> &'static str {
        "l2-bridge"
    }

    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        let fdb = &cx.shared.fdb;
        self.keys.clear();
        let router = cx.table.router_mac;
        for p in pkts.iter() {
            let d = p.m.data();
            let src = fdb.key(p.meta.vlan, MacAddr::from_bytes(&d[6..12]));
            fdb.prefetch(&src);
            let dst_mac = MacAddr::from_bytes(&d[0..6]);
            // Multicast and the router MAC are never in the table.
            let dst = if dst_mac.is_multicast() || dst_mac == router {
                FdbKey::default()
            } else {
                let k = fdb.key(p.meta.vlan, dst_mac);
                fdb.prefetch(&k);
                k
            };
            self.keys.push((src, dst));
        }
        let table = cx.table;
        for (i, mut p) in pkts.drain(..).enumerate() {
            let (src, dst_key) = self.keys[i];
            let dst = MacAddr::from_bytes(&p.m.data()[0..6]);
            let routed_vlan = table.l3_vlans.contains(p.meta.vlan);
            if routed_vlan && dst == table.router_mac {
                fdb.learn_key(&src, p.meta.in_port, cx.now);
                self.to_router(cx, p, next);
                continue;
            }
            let verdict = learn_and_look_up(fdb, &src, &dst_key, dst, p.meta.in_port, cx.now);
            if dst.is_multicast() {
                if routed_vlan && ethertype(p.m.data(), p.meta.tagged) == EtherType::ARP {
                    // The SVI hears ARP too.
                    let copy = Pkt {
                        m: p.m.share(),
                        meta: p.meta,
                    };
                    next.send(ids::PUNT, copy);
                }
                next.send(ids::L2_FLOOD, p);
                continue;
            }
            match verdict {
                Verdict::Drop(why) => cx.drop(p, why),
                Verdict::Forward(port) => {
                    p.meta.out = port;
                    next.send(ids::L2_OUTPUT, p);
                }
                Verdict::Flood => next.send(ids::L2_FLOOD, p),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2::fdb::Fdb;

    const A: MacAddr = MacAddr([2, 0, 0, 0, 0, 0xa]);
    const B: MacAddr = MacAddr([2, 0, 0, 0, 0, 0xb]);

    #[test]
    fn learns_then_forwards_within_a_vlan() {
        let fdb = Fdb::new(64);
        let d = |src: MacAddr, dst: MacAddr, port| {
            let (s, t) = (fdb.key(10, src), fdb.key(10, dst));
            learn_and_look_up(&fdb, &s, &t, dst, port, 0)
        };
        assert_eq!(d(A, B, 1), Verdict::Flood);
        assert_eq!(d(B, A, 2), Verdict::Forward(1));
        assert_eq!(d(A, B, 1), Verdict::Forward(2));
        assert_eq!(d(A, MacAddr([0xff; 6]), 1), Verdict::Flood);
        assert_eq!(
            d(B, A, 1),
            Verdict::Drop(DropReason::SameInterface),
            "B moved to 1"
        );
        assert!(fdb.lookup(1, A).is_none(), "learned in VLAN 10 only");
    }
}
