//! Per-node accounting: calls (= vectors), packets and TSC cycles, kept in
//! plain fields by the worker and published once per loop.

use std::sync::atomic::{AtomicU64, Ordering};

/// A node's counts on one worker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeStats {
    /// Times the node ran (one vector each).
    pub calls: u64,
    /// Packets it processed.
    pub packets: u64,
    /// TSC cycles it took.
    pub cycles: u64,
}

impl NodeStats {
    /// Average packets per vector.
    pub fn vector_size(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.packets as f64 / self.calls as f64
        }
    }

    /// Average cycles per packet.
    pub fn cycles_per_packet(&self) -> f64 {
        if self.packets == 0 {
            0.0
        } else {
            self.cycles as f64 / self.packets as f64
        }
    }

    /// `self` minus `base` (counts since a clear).
    pub fn since(&self, base: &NodeStats) -> NodeStats {
        NodeStats {
            calls: self.calls.wrapping_sub(base.calls),
            packets: self.packets.wrapping_sub(base.packets),
            cycles: self.cycles.wrapping_sub(base.cycles),
        }
    }
}

/// A node's published counts on one worker, read by the control plane.
#[derive(Debug, Default)]
#[repr(align(64))]
pub struct NodeCounters {
    calls: AtomicU64,
    packets: AtomicU64,
    cycles: AtomicU64,
}

impl NodeCounters {
    /// Publishes `s` (the worker's running totals).
    #[inline]
    pub fn store(&self, s: &NodeStats) {
        self.calls.store(s.calls, Ordering::Relaxed);
        self.packets.store(s.packets, Ordering::Relaxed);
        self.cycles.store(s.cycles, Ordering::Relaxed);
    }

    /// The totals published last.
    pub fn load(&self) -> NodeStats {
        NodeStats {
            calls: self.calls.load(Ordering::Relaxed),
            packets: self.packets.load(Ordering::Relaxed),
            cycles: self.cycles.load(Ordering::Relaxed),
        }
    }
}
