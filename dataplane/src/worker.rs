//! The poll loop of one worker lcore: receive a burst, switch each frame,
//! send what was queued per port, repeat.

use crate::counters::{bump, DropReason, WorkerCounters};
use crate::l2::bridge::{self, Verdict};
use crate::mbuf::Mbuf;
use crate::port::MAX_PORTS;
use crate::shared::Shared;
use arrayvec::ArrayVec;
use std::ptr::NonNull;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Frames received per poll.
pub const BURST: usize = 32;
/// Frames held per egress port before a forced send.
const TX_BUF: usize = 64;

/// One (port, rx queue) a worker polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RxQueue {
    /// DPDK port id.
    pub port: u16,
    /// Queue index.
    pub queue: u16,
}

/// A worker: its id (also its tx queue on every port), what it polls, and
/// the shared state.
pub struct Worker {
    id: usize,
    polls: Vec<RxQueue>,
    shared: Arc<Shared>,
    tx: Vec<ArrayVec<Mbuf, TX_BUF>>,
    pending: ArrayVec<u16, MAX_PORTS>,
    flood: ArrayVec<u16, MAX_PORTS>,
    seen_generation: u64,
}

impl Worker {
    /// A worker with id `id` polling `polls`.
    pub fn new(id: usize, polls: Vec<RxQueue>, shared: Arc<Shared>) -> Worker {
        Worker {
            id,
            polls,
            shared,
            tx: (0..MAX_PORTS).map(|_| ArrayVec::new()).collect(),
            pending: ArrayVec::new(),
            flood: ArrayVec::new(),
            seen_generation: u64::MAX,
        }
    }

    fn counters(&self) -> &WorkerCounters {
        &self.shared.counters[self.id]
    }

    /// Polls until `shared.running` turns false.
    pub fn run(mut self) {
        tracing::info!(worker = self.id, polls = ?self.polls, "worker started");
        let mut raw: [*mut dpdk_sys::rte_mbuf; BURST] = [std::ptr::null_mut(); BURST];
        let shared = self.shared.clone();
        while shared.running.load(Ordering::Relaxed) {
            let generation = shared.generation.load(Ordering::Acquire);
            if generation != self.seen_generation {
                self.refresh(generation);
            }
            let now = shared.now_secs();
            bump(&self.counters().loops, 1);
            for i in 0..self.polls.len() {
                let RxQueue { port, queue } = self.polls[i];
                // SAFETY: this worker alone polls (port, queue); `raw` has room for BURST.
                let n = unsafe {
                    dpdk_sys::lisa_eth_rx_burst(port, queue, raw.as_mut_ptr(), BURST as u16)
                } as usize;
                if n == 0 {
                    continue;
                }
                bump(&self.counters().busy_polls, 1);
                for &p in &raw[..n] {
                    // SAFETY: rx_burst returned n valid mbufs that we now own.
                    let m = unsafe { Mbuf::from_raw(NonNull::new_unchecked(p)) };
                    self.switch_frame(m, port, now);
                }
                self.flush_all();
            }
        }
        self.flush_all();
        tracing::info!(worker = self.id, "worker stopped");
    }

    /// Re-reads the port table after a change.
    fn refresh(&mut self, generation: u64) {
        self.flood.clear();
        for (id, slot) in self.shared.ports.iter().enumerate() {
            if slot.forwarding() {
                self.flood.push(id as u16);
            }
        }
        self.seen_generation = generation;
    }

    #[inline]
    fn switch_frame(&mut self, m: Mbuf, in_port: u16, now: u32) {
        let c = &self.shared.counters[self.id].ports[in_port as usize];
        bump(&c.rx_packets, 1);
        bump(&c.rx_bytes, u64::from(m.pkt_len()));
        if !self.shared.ports[in_port as usize].forwarding() {
            self.counters().drop_rx(in_port, DropReason::PortDown);
            return;
        }
        match bridge::decide(m.data(), in_port, &self.shared.fdb, now) {
            Verdict::Forward(out) => {
                if self.shared.ports[out as usize].forwarding() {
                    self.enqueue(out, m);
                } else {
                    self.counters().drop_rx(in_port, DropReason::PortDown);
                }
            }
            Verdict::Flood => self.flood(m, in_port),
            Verdict::Drop(why) => self.counters().drop_rx(in_port, why),
        }
    }

    /// Sends `m` out of every forwarding port but `in_port`, sharing the one buffer.
    #[inline]
    fn flood(&mut self, m: Mbuf, in_port: u16) {
        let n = self.flood.len();
        let mut last = None;
        for i in 0..n {
            let out = self.flood[i];
            if out == in_port {
                continue;
            }
            if let Some(prev) = last.replace(out) {
                self.enqueue(prev, m.share());
            }
        }
        match last {
            Some(out) => self.enqueue(out, m),
            None => drop(m),
        }
    }

    #[inline]
    fn enqueue(&mut self, out: u16, m: Mbuf) {
        let buf = &mut self.tx[out as usize];
        if buf.is_empty() {
            self.pending.push(out);
        }
        buf.push(m);
        if buf.is_full() {
            self.flush(out);
        }
    }

    fn flush_all(&mut self) {
        while let Some(out) = self.pending.pop() {
            self.flush(out);
        }
    }

    /// Sends what is queued for `out` on this worker's tx queue of that port.
    fn flush(&mut self, out: u16) {
        let buf = &mut self.tx[out as usize];
        let n = buf.len();
        if n == 0 {
            return;
        }
        let bytes: u64 = buf.iter().map(|m| u64::from(m.pkt_len())).sum();
        let slot = &self.shared.ports[out as usize];
        let queues = slot.tx_queues.load(Ordering::Relaxed).max(1) as usize;
        let shared_queue = self.shared.counters.len() > queues;
        let queue = (self.id % queues) as u16;
        let ptr = buf.as_mut_ptr() as *mut *mut dpdk_sys::rte_mbuf;
        if shared_queue {
            while slot
                .tx_lock
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                std::hint::spin_loop();
            }
            bump(&self.shared.counters[self.id].tx_lock_taken, 1);
        }
        // SAFETY: Mbuf is repr(transparent) over a non-null rte_mbuf
        // pointer, so `ptr` is an array of n valid mbufs; this worker owns
        // `queue` (or holds its lock). Sent mbufs now belong to the driver.
        let sent = unsafe { dpdk_sys::lisa_eth_tx_burst(out, queue, ptr, n as u16) } as usize;
        if shared_queue {
            slot.tx_lock.store(false, Ordering::Release);
        }
        // The first `sent` belong to the driver: forget them; free the rest.
        let unsent: ArrayVec<Mbuf, TX_BUF> = {
            let mut rest = ArrayVec::new();
            for (i, m) in buf.drain(..).enumerate() {
                if i < sent {
                    std::mem::forget(m);
                } else {
                    rest.push(m);
                }
            }
            rest
        };
        let unsent_bytes: u64 = unsent.iter().map(|m| u64::from(m.pkt_len())).sum();
        let c = &self.shared.counters[self.id];
        let pc = &c.ports[out as usize];
        bump(&pc.tx_packets, sent as u64);
        bump(&pc.tx_bytes, bytes - unsent_bytes);
        if !unsent.is_empty() {
            bump(&pc.tx_dropped, unsent.len() as u64);
            bump(&c.drops[DropReason::NoTxRoom as usize], unsent.len() as u64);
        }
    }
}
