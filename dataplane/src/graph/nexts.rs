//! Where each packet of a vector goes, decided in place, then handed on
//! in one step (VPP's `vlib_buffer_enqueue_to_next`): when every packet
//! goes to the same node, and that node's queue is empty, the whole vector
//! changes hands by swapping two `Vec`s and no packet moves. Only a mixed
//! vector is split packet by packet.

use super::{Cx, Next, NodeId, Pkt};
use crate::drops::DropReason;

/// The `to` of a dropped packet.
const DROPPED: u16 = u16::MAX;
/// The bit of a `to` that is a port to send by (the rest of it), not a node.
const TX: u16 = 0x8000;

/// Room for one vector's decisions: a node's queue holds at most
/// `MAX_INPUT` packets (a vector and a burst of injected frames). A
/// power of two, so that a decision's index is masked, never checked.
const ROOM: usize = 512;
const _: () = assert!(ROOM >= super::MAX_INPUT && ROOM.is_power_of_two());

/// A node's per-packet decisions for one vector, in packet order.
pub struct Nexts {
    /// The decisions: `len` of them. A fixed array, so that recording one
    /// is a store and an increment (no capacity check, no growth path).
    to: [u16; ROOM],
    len: usize,
    /// The reasons of the dropped packets, in packet order.
    why: Vec<&'static DropReason>,
}

impl Default for Nexts {
    fn default() -> Self {
        Nexts {
            to: [0; ROOM],
            len: 0,
            why: Vec::new(),
        }
    }
}

impl Nexts {
    /// Records the next packet's decision.
    #[inline(always)]
    fn push(&mut self, to: u16) {
        debug_assert!(self.len < ROOM, "more decisions than a vector holds");
        self.to[self.len & (ROOM - 1)] = to;
        self.len += 1;
    }

    /// The decisions recorded, in packet order.
    #[inline(always)]
    fn decided(&self) -> &[u16] {
        &self.to[..self.len.min(ROOM)]
    }

    /// The next packet goes to node `to`.
    #[inline(always)]
    pub fn to(&mut self, to: NodeId) {
        self.push(to as u16);
    }

    /// The next packet leaves by port `port` as it is (queued for the
    /// port's tx burst, without its tx hooks: the caller knows it has
    /// none).
    #[inline(always)]
    pub fn tx(&mut self, port: u16) {
        self.push(TX | port);
    }

    /// The next packet is dropped, for `why`.
    #[inline]
    pub fn drop(&mut self, why: &'static DropReason) {
        self.push(DROPPED);
        self.why.push(why);
    }

    /// Hands every packet of `pkts` to the node decided for it (or drops
    /// it), leaving `pkts` empty and `self` ready for the next vector.
    pub fn dispatch(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        debug_assert_eq!(self.len, pkts.len(), "one decision per packet");
        let (any, all) = self.or_and();
        match self.whole(pkts.len(), any, all) {
            Some(to) => next.send_all(usize::from(to), pkts),
            None => self.split(cx, pkts, next, all),
        }
        self.len = 0;
        self.why.clear();
    }

    /// The OR and the AND of every `to`: equal exactly when every packet
    /// goes to the same place. Two folds over the vector, which the
    /// compiler turns into SIMD: cheaper than keeping them per packet.
    #[inline]
    fn or_and(&self) -> (u16, u16) {
        let any = self.decided().iter().fold(0, |a, &t| a | t);
        let all = self.decided().iter().fold(u16::MAX, |a, &t| a & t);
        (any, all)
    }

    /// The node every one of `n` packets goes to, if it is one node (and
    /// none is dropped or sent), given the OR and the AND of the `to`s.
    #[inline]
    fn whole(&self, n: usize, any: u16, all: u16) -> Option<u16> {
        let same = any == all && any & TX == 0 && self.why.is_empty();
        (same && n > 0 && self.len == n).then_some(any)
    }

    /// The mixed case: packet by packet (`all`: the AND of the `to`s).
    fn split(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>, all: u16) {
        if all & TX != 0 && self.why.is_empty() && self.len == pkts.len() {
            // Every packet leaves by a port (switched traffic's usual case):
            // a walk over the vector's slots, not `drain`'s, handing each
            // run of packets to one port to its buffer at once.
            let base = pkts.as_ptr();
            // SAFETY: the length goes to 0 first; then each packet's mbuf
            // is moved out exactly once (each i < the old length, which the
            // decisions have too, falls in exactly one run), and the rest of
            // a packet is `Meta`, which is Copy. A panic midway would leak
            // the rest, never free one twice.
            unsafe { pkts.set_len(0) };
            let decided = self.decided();
            let mut start = 0;
            while let Some(&to) = decided.get(start) {
                let end = decided[start..]
                    .iter()
                    .position(|&t| t != to)
                    .map_or(decided.len(), |k| start + k);
                // SAFETY: see above.
                let run = (start..end).map(|i| unsafe { std::ptr::read(&(*base.add(i)).m) });
                cx.send_run_unhooked(to & !TX, run);
                start = end;
            }
            return;
        }
        let mut why = self.why.iter();
        for (p, &to) in pkts.drain(..).zip(self.decided().iter()) {
            if to == DROPPED {
                if let Some(w) = why.next() {
                    cx.drop(p, w);
                }
            } else if to & TX != 0 {
                cx.send_unhooked(to & !TX, p.m);
            } else {
                next.send(usize::from(to), p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static WHY: DropReason = DropReason::new("test", "a test drop");

    fn decide(tos: &[Option<NodeId>]) -> Option<u16> {
        let mut n = Nexts::default();
        for t in tos {
            match t {
                Some(to) => n.to(*to),
                None => n.drop(&WHY),
            }
        }
        let (any, all) = n.or_and();
        n.whole(tos.len(), any, all)
    }

    #[test]
    fn a_vector_goes_whole_only_when_every_packet_goes_to_one_node() {
        assert_eq!(decide(&[Some(3), Some(3), Some(3)]), Some(3));
        assert_eq!(decide(&[Some(0), Some(0)]), Some(0));
        assert_eq!(decide(&[Some(3), Some(1)]), None);
        assert_eq!(
            decide(&[Some(1), Some(2), Some(3)]),
            None,
            "1|2|3 = 3 but 1&2&3 = 0"
        );
        assert_eq!(decide(&[Some(2), None]), None, "a drop splits");
        assert_eq!(decide(&[None]), None);
        assert_eq!(decide(&[]), None);
        let mut n = Nexts::default();
        n.tx(3);
        n.tx(3);
        let (any, all) = n.or_and();
        assert_eq!(
            n.whole(2, any, all),
            None,
            "sent by a port, not handed to a node"
        );
    }
}
