//! The poll loop of one worker lcore: receive a burst from every (port,
//! queue) it polls into one vector, run the graph over it, send what was
//! queued per port, repeat. A worker whose queues stay empty backs off with
//! growing sleeps, up to a bound, then waits for an rx interrupt (power
//! save, `idle`).

use crate::counters::{bump, WorkerCounters};
use crate::graph::{Cx, Graph, Meta, NodeId, Pkt, WorkerLocal, INJECT_ROOM, NO_PORT, VECTOR};
use crate::idle::Idle;
use crate::mbuf::Mbuf;
use crate::shared::{ForwardingTable, Shared};
use std::mem::MaybeUninit;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Frames received per poll of one queue.
pub const BURST: usize = 32;
/// Frames taken from the inject queue per loop.
const INJECT_BURST: usize = 32;
const _: () = assert!(INJECT_BURST <= INJECT_ROOM);
/// Loop iterations between reads of the clock.
const CLOCK_EVERY: u32 = 1024;

/// One (port, rx queue) a worker polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RxQueue {
    /// DPDK port id.
    pub port: u16,
    /// Queue index.
    pub queue: u16,
}

/// A worker: its id (also its tx queue on every port), its graph, where
/// received and injected frames enter it, and what it keeps (tx buffers,
/// hooks, drop counts).
pub struct Worker {
    id: usize,
    shared: Arc<Shared>,
    generation: u64,
    graph: Graph,
    rx_entry: NodeId,
    inject_entry: NodeId,
    local: WorkerLocal,
    now: u32,
    idle: Idle,
}

impl Worker {
    /// Worker `id` over `shared`.
    pub fn new(id: usize, shared: Arc<Shared>) -> Worker {
        let (graph, hooks) = shared.pipeline.build();
        let local = WorkerLocal::new(hooks, shared.counters[id].drops.len());
        let (rx, inject) = shared.pipeline.entries();
        Worker {
            id,
            generation: 0,
            rx_entry: graph.id(rx),
            inject_entry: graph.id(inject),
            graph,
            local,
            shared,
            now: 0,
            idle: Idle::default(),
        }
    }

    fn counters(&self) -> &WorkerCounters {
        &self.shared.counters[self.id]
    }

    /// Polls until `shared.running` turns false.
    pub fn run(mut self) {
        tracing::info!(worker = self.id, nodes = ?self.graph.names(), "worker started");
        // Slack on timers would stretch every power-save sleep.
        // SAFETY: prctl(PR_SET_TIMERSLACK) takes an integer and changes only
        // this thread's timer slack.
        unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, 1u64, 0u64, 0u64, 0u64) };
        crate::idle::take_queue_signals();
        let shared = self.shared.clone();
        let (bell, counters) = (&shared.doorbells[self.id], &shared.counters[self.id]);
        let mut table = shared.table();
        let mut loops: u32 = 0;
        let mut start = 0usize;
        while shared.running.load(Ordering::Relaxed) {
            let generation = shared.generation.load(Ordering::Acquire);
            if generation != self.generation {
                table = shared.table();
                self.generation = generation;
                self.idle.watch(&table.polls[self.id], bell, counters);
                shared.seen[self.id].0.store(generation, Ordering::Release);
                tracing::debug!(worker = self.id, generation, polls = ?table.polls[self.id], "new forwarding table");
            }
            if loops.is_multiple_of(CLOCK_EVERY) {
                self.now = shared.now_secs();
                bump(&self.counters().loops, u64::from(CLOCK_EVERY));
            }
            loops = loops.wrapping_add(1);
            let polls = &table.polls[self.id];
            let received = self.receive(&table, polls, start);
            if !polls.is_empty() {
                start += 1;
                if start >= polls.len() {
                    start = 0;
                }
            }
            let injected = self.id == 0 && self.take_injected(&table);
            if received == 0 && !injected {
                let max = Duration::from_micros(shared.idle_sleep_max_us.load(Ordering::Relaxed));
                let (id, seen) = (self.id, self.generation);
                self.idle.empty(max, bell, counters, || {
                    !shared.running.load(Ordering::Relaxed)
                        || shared.generation.load(Ordering::Acquire) != seen
                        || (id == 0 && !shared.inject.is_empty())
                });
                continue;
            }
            self.idle.busy(bell);
            self.forward(&table, &shared);
        }
        self.local.tx.flush_all(&table, &shared, self.id);
        tracing::info!(worker = self.id, "worker stopped");
    }

    /// Takes what was received or injected through the graph, sends what
    /// it forwarded, and publishes the counts: all a busy loop does after
    /// its rx bursts. Kept out of line (one call per vector) so that
    /// `bench/callgrind.py` can count exactly this part.
    #[inline(never)]
    fn forward(&mut self, table: &ForwardingTable, shared: &Shared) {
        let mut cx = Cx::new(table, shared, self.id, self.now, &mut self.local);
        self.graph.run(&mut cx);
        cx.publish();
        self.local.tx.flush_all(table, shared, self.id);
        self.graph.publish(&shared.nodes[self.id]);
    }

    /// Receives a burst from each of `polls` (from `start` on, round the
    /// list) into the graph's input, up to one vector; counts them.
    #[inline]
    fn receive(&mut self, table: &ForwardingTable, polls: &[RxQueue], start: usize) -> usize {
        let mut total = 0;
        // From `start` to the end, then from the start of the list: no
        // division per poll.
        let (before, from_start) = polls.split_at(start.min(polls.len()));
        for &rxq in from_start.iter().chain(before) {
            if total + BURST > VECTOR {
                break;
            }
            let pin = &table.ports[usize::from(rxq.port)];
            let mut burst = [const { MaybeUninit::<Mbuf>::uninit() }; BURST];
            // SAFETY: this worker alone polls (port, queue) in this
            // generation; the array has room for BURST pointers, and Mbuf
            // is repr(transparent) over a non-null rte_mbuf pointer; a
            // vhost-user port's dequeue is gated on its device in the shim.
            // The `got` mbufs received are valid, and ours from here on.
            let got = usize::from(unsafe {
                let ptr = burst.as_mut_ptr() as *mut *mut dpdk_sys::rte_mbuf;
                if pin.vhost {
                    let w = self.id as u32;
                    let r =
                        crate::vhost::burst::rx_burst(rxq.port, rxq.queue, w, ptr, BURST as u16);
                    if r.broken != 0 || r.no_buffer != 0 {
                        self.count_vhost_losses(r);
                    }
                    r.got
                } else {
                    dpdk_sys::lisa_eth_rx_burst(rxq.port, rxq.queue, ptr, BURST as u16)
                }
            });
            if got == 0 {
                continue;
            }
            let count = got as u64;
            // A bundled member's frames come in on its port-channel.
            let port = pin.ingress_as;
            let meta = Meta::received_as(rxq.port, port);
            // SAFETY: the first `got` entries were written by the driver
            // (above); each is read out once, here.
            let received = burst[..got.min(BURST)]
                .iter()
                .map(|m| unsafe { m.assume_init_read() });
            let bytes = self.graph.enqueue_all(self.rx_entry, received, meta);
            let c = &self.shared.counters[self.id];
            let pc = &c.ports[usize::from(rxq.port)];
            bump(&pc.rx_packets, count);
            bump(&pc.rx_bytes, bytes);
            bump(&c.busy_polls, 1);
            total += count as usize;
        }
        total
    }

    /// Counts the frames a vhost-user receive lost.
    #[cold]
    fn count_vhost_losses(&self, r: crate::vhost::receive::Received) {
        let c = &self.shared.counters[self.id];
        let reasons = [
            (&crate::vhost::burst::GUEST_BAD_CHAIN, r.broken),
            (&crate::drops::common::NO_BUFFER, r.no_buffer),
        ];
        for (reason, n) in reasons {
            if let Some(d) = c.drops.get(reason.slot()) {
                bump(d, u64::from(n));
            }
        }
    }

    /// Takes what the control threads queued: frames to switch (ARP, ICMP,
    /// held packets) into the inject entry node, frames for one port
    /// (link-local protocols) into that port's tx buffer; true if there
    /// was any.
    fn take_injected(&mut self, table: &ForwardingTable) -> bool {
        let mut any = false;
        for _ in 0..INJECT_BURST {
            let Some(i) = self.shared.inject.pop() else {
                break;
            };
            any = true;
            if i.port != NO_PORT {
                let usable = table
                    .ports
                    .get(usize::from(i.port))
                    .is_some_and(|p| p.present && p.up);
                if usable {
                    self.local
                        .tx
                        .enqueue(table, &self.shared, self.id, i.port, i.m);
                }
                continue;
            }
            let mut meta = Meta::received(NO_PORT);
            meta.vlan = i.vlan;
            meta.in_vlan = i.vlan;
            meta.exclude = i.exclude;
            meta.out = i.out;
            self.graph.enqueue(self.inject_entry, Pkt { m: i.m, meta });
        }
        any
    }
}
