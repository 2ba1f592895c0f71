//! Where each packet of a vector goes, decided in place, then handed on
//! in one step (VPP's `vlib_buffer_enqueue_to_next`): when every packet
//! goes to the same node, and that node's queue is empty, the whole vector
//! changes hands by swapping two `Vec`s and no packet moves. Only a mixed
//! vector is split packet by packet.

use super::{Cx, Next, NodeId, Pkt};
use crate::drops::DropReason;

/// The `to` of a dropped packet.
const DROPPED: u16 = u16::MAX;

/// A node's per-packet decisions for one vector, in packet order.
pub struct Nexts {
    to: Vec<u16>,
    /// The reasons of the dropped packets, in packet order.
    why: Vec<&'static DropReason>,
    /// Every packet so far goes to `to[0]`.
    same: bool,
}

impl Default for Nexts {
    fn default() -> Self {
        Nexts {
            to: Vec::with_capacity(super::VECTOR + 64),
            why: Vec::new(),
            same: true,
        }
    }
}

impl Nexts {
    /// The next packet goes to node `to`.
    #[inline(always)]
    pub fn to(&mut self, to: NodeId) {
        let to = to as u16;
        if let Some(&first) = self.to.first() {
            self.same &= first == to;
        }
        self.to.push(to);
    }

    /// The next packet is dropped, for `why`.
    #[inline]
    pub fn drop(&mut self, why: &'static DropReason) {
        self.same = false;
        self.to.push(DROPPED);
        self.why.push(why);
    }

    /// Hands every packet of `pkts` to the node decided for it (or drops
    /// it), leaving `pkts` empty and `self` ready for the next vector.
    pub fn dispatch(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        debug_assert_eq!(self.to.len(), pkts.len(), "one decision per packet");
        match self.to.first() {
            Some(&to) if self.same && self.to.len() == pkts.len() => {
                next.send_all(usize::from(to), pkts)
            }
            _ => self.split(cx, pkts, next),
        }
        self.to.clear();
        self.why.clear();
        self.same = true;
    }

    /// The mixed case: packet by packet.
    fn split(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        let mut why = self.why.iter();
        for (p, &to) in pkts.drain(..).zip(self.to.iter()) {
            if to == DROPPED {
                if let Some(w) = why.next() {
                    cx.drop(p, w);
                }
            } else {
                next.send(usize::from(to), p);
            }
        }
    }
}
