//! What a node works with: the forwarding table of this loop, the shared
//! state, the clock, and what its worker keeps for itself (tx buffers,
//! hook instances, drop counts).

use super::hooks::PortHook;
use super::{Pkt, NO_PORT};
use crate::counters::{bump, WorkerCounters};
use crate::drops::DropReason;
use crate::mbuf::Mbuf;
use crate::shared::{ForwardingTable, Shared};
use crate::tx::TxBuffers;

/// What a worker keeps across runs of its graph.
pub struct WorkerLocal {
    /// Frames waiting to be sent, per egress port.
    pub tx: TxBuffers,
    /// This worker's instances of the pipeline's hooks, by hook bit.
    pub hooks: Vec<Box<dyn PortHook>>,
    /// Drops by reason slot in this run, published once at its end.
    pub drops: Vec<u64>,
}

impl WorkerLocal {
    /// Empty buffers, `hooks`, and room for `drop_slots` reasons.
    pub fn new(hooks: Vec<Box<dyn PortHook>>, drop_slots: usize) -> WorkerLocal {
        WorkerLocal {
            tx: TxBuffers::default(),
            hooks,
            drops: vec![0; drop_slots],
        }
    }
}

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
    local: &'a mut WorkerLocal,
    tx_hooks_on: bool,
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
        local: &'a mut WorkerLocal,
    ) -> Cx<'a> {
        Cx {
            table,
            shared,
            worker,
            now,
            local,
            tx_hooks_on: table.tx_hooks_on,
            routed: 0,
            punted: 0,
        }
    }

    /// This worker's counters.
    #[inline]
    pub fn counters(&self) -> &'a WorkerCounters {
        &self.shared.counters[self.worker]
    }

    /// Drops `p`, counting `why` (and the ingress port's rx drops). Kept
    /// out of line: drops are the rare path, and the stages' loops stay
    /// small.
    #[cold]
    #[inline(never)]
    pub fn drop(&mut self, p: Pkt, why: &DropReason) {
        self.count_rx_drop(p.meta.in_port, why);
    }

    /// Counts `why` for a frame received on `in_port` that goes no further
    /// (it may still be handed on, as a punted one is).
    #[inline]
    pub fn count_rx_drop(&mut self, in_port: u16, why: &DropReason) {
        self.count_drop(why);
        if in_port != NO_PORT {
            let c = self.counters();
            bump(&c.ports[usize::from(in_port)].rx_dropped, 1);
            if let Some(n) = c.port_drop(in_port, why.slot()) {
                bump(n, 1);
            }
        }
    }

    /// Counts a drop that belongs to no received frame (a flooded copy).
    #[cold]
    #[inline(never)]
    pub fn count_drop(&mut self, why: &DropReason) {
        if let Some(n) = self.local.drops.get_mut(why.slot()) {
            *n += 1;
        }
    }

    /// Queues `m` for port `out`, after the tx hooks enabled on `out`.
    #[inline(always)]
    pub fn send(&mut self, out: u16, m: Mbuf) {
        if self.tx_hooks_on {
            let hooks = self
                .table
                .ports
                .get(usize::from(out))
                .map_or(0, |p| p.tx_hooks);
            if hooks != 0 {
                self.run_tx_hooks(hooks, out, &m);
            }
        }
        self.send_unhooked(out, m);
    }

    /// Queues the frames of `frames`, all for port `out`, without tx
    /// hooks, in order.
    #[inline(always)]
    pub fn send_run_unhooked(&mut self, out: u16, frames: impl ExactSizeIterator<Item = Mbuf>) {
        self.local
            .tx
            .enqueue_run(self.table, self.shared, self.worker, out, frames);
    }

    /// Queues `m` for port `out` without running its tx hooks (a hook's
    /// own copies).
    #[inline(always)]
    pub fn send_unhooked(&mut self, out: u16, m: Mbuf) {
        self.local
            .tx
            .enqueue(self.table, self.shared, self.worker, out, m);
    }

    /// Runs the rx hooks of `mask` on `p`, in hook order; `None` if one
    /// took it.
    pub fn run_rx_hooks(&mut self, mask: u32, p: Pkt) -> Option<Pkt> {
        let mut hooks = std::mem::take(&mut self.local.hooks);
        let mut p = Some(p);
        for (i, h) in hooks.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                p = p.and_then(|p| h.rx(self, p));
            }
        }
        self.local.hooks = hooks;
        p
    }

    /// Runs the tx hooks of `mask` on `m`, about to leave by `out`.
    fn run_tx_hooks(&mut self, mask: u32, out: u16, m: &Mbuf) {
        let mut hooks = std::mem::take(&mut self.local.hooks);
        for (i, h) in hooks.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                h.tx(self, out, m);
            }
        }
        self.local.hooks = hooks;
    }

    /// Adds this run's counts to the worker's counters.
    pub fn publish(&mut self) {
        let c = self.counters();
        for (slot, n) in self.local.drops.iter_mut().enumerate() {
            if *n != 0 {
                if let Some(total) = c.drops.get(slot) {
                    bump(total, *n);
                }
                *n = 0;
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
