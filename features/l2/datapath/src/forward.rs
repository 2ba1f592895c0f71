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
    /// What each packet's destination needs looked up.
    keys: ArrayVec<Dest, MAX_INPUT>,
    nexts: Nexts,
}

/// A packet's destination, as the first pass over the vector leaves it
/// for the second.
#[derive(Clone, Copy)]
enum Dest {
    /// A group address, or a packet with its port chosen: no look-up.
    None,
    /// The same VLAN and address as the packet before: its answer.
    Same,
    /// A key to look up (hashed, its slot prefetched).
    Key(FdbKey),
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
        // few): a destination equal to the previous packet's is neither
        // hashed nor looked up again within the vector.
        let mut last: Option<(u16, u64)> = None;
        for p in pkts.iter() {
            let (dst, _) = addresses(p.m.data());
            let vlan = p.meta.vlan;
            // A `Same` answer is the last looked-up key's, whatever
            // `None`s came between.
            let d = if is_group(dst) || p.meta.out != NO_PORT {
                Dest::None
            } else if last == Some((vlan, dst)) {
                Dest::Same
            } else {
                let k = fdb.key_bits(vlan, dst);
                fdb.prefetch(&k);
                last = Some((vlan, dst));
                Dest::Key(k)
            };
            self.keys.push(d);
        }
        let mut diverted = false;
        let mut last_hit: Option<FdbHit> = None;
        for (p, d) in pkts.iter_mut().zip(self.keys.iter()) {
            let hit = match *d {
                Dest::None => None,
                Dest::Same => last_hit,
                Dest::Key(k) => {
                    last_hit = fdb.lookup_key(&k);
                    last_hit
                }
            };
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
