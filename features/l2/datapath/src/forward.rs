//! Node `l2-forward`: frames the switch itself sends in a VLAN (routed
//! packets, and what the control thread injects) are switched to their
//! destination's port, or flooded; no learning. Destination keys are
//! hashed and prefetched for the whole vector first. As in `l2-bridge`, a
//! frame that leaves its port as it is (`l2-output`'s `plain`) is queued
//! for it here, unless an earlier one of the vector went to `l2-flood` or
//! `l2-output`. A frame the control thread sends out of one port of its
//! VLAN (`Inject::switched_to`) goes to `l2-output` with no lookup; a
//! flooded one keeps the port it was injected to avoid
//! (`Inject::flooded_except`), while a routed packet may flood back out
//! of the port it came in by.

use crate::fdb::{Fdb, FdbHit, FdbKey};
use crate::output::plain;
use arrayvec::ArrayVec;
use dataplane::graph::{Cx, Next, Nexts, Node, NodeId, NodeIds, Pkt, MAX_INPUT, NO_PORT};
use dataplane::wire::ethernet::{addresses, is_group};
use std::sync::Arc;

/// The node and its edges.
pub struct Forward {
    fdb: Arc<Fdb>,
    output: NodeId,
    flood: NodeId,
    /// Each packet's destination key; none for a group address (flooded).
    keys: ArrayVec<Option<FdbKey>, MAX_INPUT>,
    nexts: Nexts,
}

impl Forward {
    /// The node over `fdb`, in the graph `ids` names.
    pub fn new(fdb: Arc<Fdb>, ids: &NodeIds) -> Forward {
        Forward {
            fdb,
            output: ids.get("l2-output"),
            flood: ids.get("l2-flood"),
            keys: ArrayVec::new(),
            nexts: Nexts::default(),
        }
    }
}

impl Node for Forward {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        let fdb = self.fdb.view();
        self.keys.clear();
        // Routed packets come in runs to the same next hop (a router has
        // few): a key equal to the previous one is not hashed or looked up
        // again within the vector.
        let mut last: Option<(u16, u64, FdbKey)> = None;
        for p in pkts.iter() {
            let (dst, _) = addresses(p.m.data());
            let vlan = p.meta.vlan;
            let k = (!is_group(dst) && p.meta.out == NO_PORT).then(|| match last {
                Some((v, d, k)) if v == vlan && d == dst => k,
                _ => {
                    let k = fdb.key_bits(vlan, dst);
                    fdb.prefetch(&k);
                    last = Some((vlan, dst, k));
                    k
                }
            });
            self.keys.push(k);
        }
        let mut diverted = false;
        let mut last: Option<(FdbKey, Option<FdbHit>)> = None;
        for (p, k) in pkts.iter_mut().zip(self.keys.iter()) {
            let hit = k.and_then(|k| match last {
                Some((l, hit)) if l == k => hit,
                _ => {
                    let hit = fdb.lookup_key(&k);
                    last = Some((k, hit));
                    hit
                }
            });
            match hit {
                Some(hit) if !diverted && plain(&cx.table.ports[usize::from(hit.port)], p) => {
                    self.nexts.tx(hit.port)
                }
                Some(hit) => {
                    diverted = true;
                    p.meta.out = hit.port;
                    self.nexts.to(self.output);
                }
                None if p.meta.out != NO_PORT => {
                    diverted = true;
                    self.nexts.to(self.output);
                }
                None => {
                    diverted = true;
                    if p.meta.in_port != NO_PORT {
                        p.meta.exclude = NO_PORT;
                    }
                    self.nexts.to(self.flood);
                }
            }
        }
        self.nexts.dispatch(cx, pkts, next);
    }
}
