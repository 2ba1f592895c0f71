//! A worker's transmit side: frames buffered per egress port and sent in
//! bursts on the worker's own tx queue of that port. Where a port has
//! fewer tx queues than there are workers (vhost-user has one), workers
//! share a queue under a per-port spin lock, as OVS does, and count it.
//! A port-channel's buffer is spread over its bundled members when it is
//! sent (`lag::pick`), so a frame costs the member choice only there.

use crate::counters::bump;
use crate::drops::DropReason;
use crate::mbuf::Mbuf;
use crate::port::{MAX_PORTS, MAX_SWITCH_PORTS};
use crate::shared::{ForwardingTable, Shared};
use arrayvec::ArrayVec;
use std::sync::atomic::Ordering;

/// A port's tx queue had no room (the peer does not keep up).
pub static NO_TX_ROOM: DropReason =
    DropReason::new("no-tx-room", "the egress port's tx queue had no room");

/// Sent to a port-channel with no member bundled (a race with its last
/// member going: the table had it up).
pub static NO_BUNDLED_MEMBER: DropReason = DropReason::new(
    "no-bundled-member",
    "sent to a port-channel none of whose members is bundled",
);

/// Frames held per egress port before a forced send.
const TX_BUF: usize = 64;

/// Per-port tx buffers of one worker: a fixed array, so that queueing a
/// frame costs one range check of the port; the bytes are counted when the
/// buffer is sent.
pub struct TxBuffers {
    /// Inline, not boxed: queueing a frame finds its buffer at a fixed
    /// offset from `self`, with no pointer to load again after each send.
    bufs: [ArrayVec<Mbuf, TX_BUF>; MAX_SWITCH_PORTS],
    pending: ArrayVec<u16, MAX_SWITCH_PORTS>,
}

impl Default for TxBuffers {
    fn default() -> Self {
        TxBuffers {
            bufs: std::array::from_fn(|_| ArrayVec::new()),
            pending: ArrayVec::new(),
        }
    }
}

impl TxBuffers {
    /// Queues `m` for port `out`, sending the port's buffer if it is full.
    #[inline(always)]
    pub fn enqueue(
        &mut self,
        table: &ForwardingTable,
        shared: &Shared,
        worker: usize,
        out: u16,
        m: Mbuf,
    ) {
        let Some(buf) = self.bufs.get_mut(usize::from(out)) else {
            return;
        };
        if buf.is_empty() {
            // At most one entry per port: a port is pending while its
            // buffer is not empty.
            let _ = self.pending.try_push(out);
        }
        // A buffer is sent as soon as it fills, so there is always room.
        if buf.try_push(m).is_ok() && buf.is_full() {
            self.flush(table, shared, worker, out);
        }
    }

    /// Queues the frames of `frames`, all for port `out`, in order: a run
    /// of a vector's frames to one port (the loop of a vector whose frames
    /// all leave by ports). The port is checked and the buffer found once
    /// for the run, which is copied in a buffer's room at a time, each
    /// full buffer sent before the next.
    #[inline(always)]
    pub fn enqueue_run(
        &mut self,
        table: &ForwardingTable,
        shared: &Shared,
        worker: usize,
        out: u16,
        mut frames: impl ExactSizeIterator<Item = Mbuf>,
    ) {
        let o = usize::from(out);
        if o >= MAX_SWITCH_PORTS {
            // No such port: freed, as `enqueue` does.
            frames.for_each(drop);
            return;
        }
        while frames.len() > 0 {
            let buf = &mut self.bufs[o];
            if buf.is_empty() {
                // At most one entry per port (see `enqueue`).
                let _ = self.pending.try_push(out);
            }
            let (len, room) = (buf.len(), buf.remaining_capacity().min(frames.len()));
            let mut taken = 0;
            // SAFETY: at most `room` frames are written, which fit after
            // the buffer's `len`; they are counted in before anything else
            // reads the buffer.
            unsafe {
                let slots = buf.as_mut_ptr().add(len);
                while taken < room {
                    let Some(m) = frames.next() else { break };
                    slots.add(taken).write(m);
                    taken += 1;
                }
                buf.set_len(len + taken);
            }
            if taken < room {
                // `frames` ended before its length said: nothing is left.
                break;
            }
            if buf.is_full() {
                self.flush(table, shared, worker, out);
            }
        }
    }

    /// Sends every port's buffer.
    pub fn flush_all(&mut self, table: &ForwardingTable, shared: &Shared, worker: usize) {
        while let Some(out) = self.pending.pop() {
            self.flush(table, shared, worker, out);
        }
    }

    /// Moves what is queued for port-channel `out` to the buffers of the
    /// members its frames leave by.
    #[cold]
    fn spread(&mut self, table: &ForwardingTable, shared: &Shared, worker: usize, out: u16) {
        let frames = std::mem::take(&mut self.bufs[usize::from(out)]);
        let f = &table.ports[usize::from(out)];
        if f.lag_members.is_empty() {
            let c = &shared.counters[worker];
            bump(&c.ports[usize::from(out)].tx_dropped, frames.len() as u64);
            if let Some(d) = c.drops.get(NO_BUNDLED_MEMBER.slot()) {
                bump(d, frames.len() as u64);
            }
            return;
        }
        for m in frames {
            let member = crate::lag::pick(m.data(), f.lag_hash, &f.lag_members);
            self.enqueue(table, shared, worker, member, m);
        }
    }

    /// Sends what is queued for `out` on this worker's tx queue of that port.
    fn flush(&mut self, table: &ForwardingTable, shared: &Shared, worker: usize, out: u16) {
        let o = usize::from(out);
        let n = self.bufs[o].len();
        if n == 0 {
            return;
        }
        if o >= MAX_PORTS {
            return self.spread(table, shared, worker, out);
        }
        let queues = usize::from(table.ports[o].tx_queues.max(1));
        let vhost = table.ports[o].vhost;
        let shared_queue = shared.counters.len() > queues;
        let queue = (worker % queues) as u16;
        let buf = &mut self.bufs[o];
        let bytes: u64 = buf.iter().map(|m| u64::from(m.pkt_len())).sum();
        let ptr = buf.as_mut_ptr() as *mut *mut dpdk_sys::rte_mbuf;
        let lock = &shared.tx_locks[o];
        let c = &shared.counters[worker];
        if shared_queue {
            while lock
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                std::hint::spin_loop();
            }
            bump(&c.tx_lock_taken, 1);
        }
        let mut broken = 0;
        // SAFETY: Mbuf is repr(transparent) over a non-null rte_mbuf
        // pointer, so `ptr` is an array of n valid mbufs; this worker owns
        // `queue` (or holds its lock). Sent mbufs now belong to the driver
        // (a vhost-user port's were copied to the guest and freed).
        let sent = unsafe {
            if vhost {
                let s = crate::vhost::burst::tx_burst(out, queue, worker as u32, ptr, n as u16);
                broken = s.broken;
                s.taken
            } else {
                dpdk_sys::lisa_eth_tx_burst(out, queue, ptr, n as u16)
            }
        } as usize;
        if shared_queue {
            lock.store(false, Ordering::Release);
        }
        let pc = &c.ports[o];
        let mut unsent_bytes = 0u64;
        if sent < n {
            unsent_bytes = buf[sent..].iter().map(|m| u64::from(m.pkt_len())).sum();
            bump(&pc.tx_dropped, (n - sent) as u64);
            if let Some(d) = c.drops.get(NO_TX_ROOM.slot()) {
                bump(d, (n - sent) as u64);
            }
            // Frees the ones the driver did not take.
            buf.drain(sent..);
        }
        if broken != 0 {
            // A guest's broken receive chains took these (and lost them).
            if let Some(d) = c.drops.get(crate::vhost::burst::GUEST_BAD_CHAIN.slot()) {
                bump(d, u64::from(broken));
            }
        }
        // SAFETY: the `sent` mbufs left belong to the driver now: forget
        // them without running their Drop.
        unsafe { buf.set_len(0) };
        // A guest's broken receive chains took `broken` of them and lost
        // them: dropped, not sent.
        bump(&pc.tx_packets, (sent - usize::from(broken)) as u64);
        bump(&pc.tx_dropped, u64::from(broken));
        bump(&pc.tx_bytes, bytes - unsent_bytes);
    }
}
