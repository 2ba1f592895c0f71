//! Node `rx-hooks`: the per-port rx hooks (`graph::hooks`), for the frames
//! `eth-input` classified on a port that has some (or that a feature took
//! out of switching). Each frame's hooks run in bit order; one may take
//! it. A frame from a detached port goes no further (`not-switching`);
//! the others go on to bridging, as do the frames that only follow a
//! hooked one of their vector (so that none is overtaken).

use crate::input::{rx_hooks_for, NOT_SWITCHING};
use dataplane::graph::{Cx, Next, Node, NodeId, NodeIds, Pkt};

/// The node's name.
pub const NODE: &str = "rx-hooks";

/// The node and its edge to bridging.
pub struct RxHooks {
    bridge: NodeId,
}

impl RxHooks {
    /// The node in the graph `ids` names.
    pub fn new(ids: &NodeIds) -> RxHooks {
        RxHooks {
            bridge: ids.get("l2-bridge"),
        }
    }
}

impl Node for RxHooks {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        for mut p in pkts.drain(..) {
            let pin = &cx.table.ports[usize::from(p.meta.in_port)];
            let (hooks, detached) = (rx_hooks_for(p.m.data(), pin), pin.detached);
            if hooks != 0 {
                match cx.run_rx_hooks(hooks, p) {
                    Some(q) => p = q,
                    None => continue,
                }
            }
            if detached {
                cx.drop(p, &NOT_SWITCHING);
                continue;
            }
            next.send(self.bridge, p);
        }
    }
}
