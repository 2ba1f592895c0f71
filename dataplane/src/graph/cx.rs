//! What a node works with: the forwarding table of this loop, the shared
//! state, the clock, the worker's tx buffers and its drop counts.

use super::{Pkt, NO_PORT};
use crate::counters::{bump, DropReason, WorkerCounters};
use crate::mbuf::Mbuf;
use crate::shared::{ForwardingTable, Shared};
use crate::tx::TxBuffers;

/// A node's view of its worker for one run of the graph.
pub struct Cx<'a> {
    /// The forwarding table this loop uses.
    pub table: &'a ForwardingTable,
    /// The FDB, LPM, next hops, pools and queues.
    pub shared: &'a Shared,
    /// This worker's id (and tx queue on every port).
    pub worker: usize,
    /// The switch clock, seconds.
    pub now: u32,
    /// Frames waiting to be sent, per egress port.
    pub tx: &'a mut TxBuffers,
    /// Drops by reason in this run, published once at its end.
    pub drops: [u64; DropReason::ALL.len()],
    /// Packets routed in this run.
    pub routed: u64,
    /// Packets handed to the control thread in this run.
    pub punted: u64,
}

impl<'a> Cx<'a> {
    /// A context for one run of the graph.
    pub fn new(
        table: &'a ForwardingTable,
        shared: &'a Shared,
        worker: usize,
        now: u32,
        tx: &'a mut TxBuffers,
    ) -> Cx<'a> {
        Cx {
            table,
            shared,
            worker,
            now,
            tx,
            drops: [0; DropReason::ALL.len()],
            routed: 0,
            punted: 0,
        }
    }

    /// This worker's counters.
    #[inline]
    pub fn counters(&self) -> &'a WorkerCounters {
        &self.shared.counters[self.worker]
    }

    /// Drops `p`, counting `why` (and the ingress port's rx drops).
    #[inline]
    pub fn drop(&mut self, p: Pkt, why: DropReason) {
        self.count_rx_drop(p.meta.in_port, why);
    }

    /// Counts `why` for a frame received on `in_port` that goes no further
    /// (it may still be handed on, as a punted one is).
    #[inline]
    pub fn count_rx_drop(&mut self, in_port: u16, why: DropReason) {
        self.drops[why as usize] += 1;
        if in_port != NO_PORT {
            bump(&self.counters().ports[usize::from(in_port)].rx_dropped, 1);
        }
    }

    /// Counts a drop that belongs to no received frame (a flooded copy).
    #[inline]
    pub fn count_drop(&mut self, why: DropReason) {
        self.drops[why as usize] += 1;
    }

    /// Queues `m` for port `out`.
    #[inline(always)]
    pub fn send(&mut self, out: u16, m: Mbuf) {
        self.tx
            .enqueue(self.table, self.shared, self.worker, out, m);
    }

    /// Adds this run's counts to the worker's counters.
    pub fn publish(&self) {
        let c = self.counters();
        for (i, n) in self.drops.iter().enumerate() {
            if *n != 0 {
                bump(&c.drops[i], *n);
            }
        }
        if self.routed != 0 {
            bump(&c.routed, self.routed);
        }
        if self.punted != 0 {
            bump(&c.punted, self.punted);
        }
    }
}
