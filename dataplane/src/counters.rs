//! Counters kept per worker lcore (each written by one thread only, so an
//! increment is a plain load and store) and summed when read.

use crate::drops::{self, DropReason};
use crate::port::MAX_SWITCH_PORTS;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Adds `n` to a counter that only the calling thread writes.
#[inline(always)]
pub(crate) fn bump(c: &AtomicU64, n: u64) {
    c.store(c.load(Ordering::Relaxed).wrapping_add(n), Ordering::Relaxed);
}

/// Per-port counts of one worker.
#[derive(Debug, Default)]
#[repr(align(64))]
pub struct PortCounters {
    /// Frames received.
    pub rx_packets: AtomicU64,
    /// Bytes received.
    pub rx_bytes: AtomicU64,
    /// Frames sent.
    pub tx_packets: AtomicU64,
    /// Bytes sent.
    pub tx_bytes: AtomicU64,
    /// Frames received and dropped.
    pub rx_dropped: AtomicU64,
    /// Frames meant for this port and dropped.
    pub tx_dropped: AtomicU64,
}

/// A sum of `PortCounters`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortCounts {
    /// Frames received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Frames sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Frames received and dropped.
    pub rx_dropped: u64,
    /// Frames meant for this port and dropped.
    pub tx_dropped: u64,
}

impl PortCounters {
    /// This worker's counts for the port.
    pub fn read(&self) -> PortCounts {
        let mut s = PortCounts::default();
        self.add_to(&mut s);
        s
    }

    fn add_to(&self, s: &mut PortCounts) {
        let r = |c: &AtomicU64| c.load(Ordering::Relaxed);
        s.rx_packets += r(&self.rx_packets);
        s.rx_bytes += r(&self.rx_bytes);
        s.tx_packets += r(&self.tx_packets);
        s.tx_bytes += r(&self.tx_bytes);
        s.rx_dropped += r(&self.rx_dropped);
        s.tx_dropped += r(&self.tx_dropped);
    }
}

/// Everything one worker counts.
#[derive(Debug)]
pub struct WorkerCounters {
    /// Per port, indexed by port id.
    pub ports: Box<[PortCounters]>,
    /// Per drop reason, indexed by its slot (see `drops`).
    pub drops: Box<[AtomicU64]>,
    /// Received frames dropped, per port and reason: `port * slots + slot`.
    pub port_drops: Box<[AtomicU64]>,
    /// Poll loop iterations.
    pub loops: AtomicU64,
    /// Rx bursts that returned at least one frame.
    pub busy_polls: AtomicU64,
    /// Tx bursts that had to take a shared queue's lock.
    pub tx_lock_taken: AtomicU64,
    /// Frames routed (IPv4 through an SVI).
    pub routed: AtomicU64,
    /// Frames handed to the control thread (ARP, ICMP, unresolved next hops).
    pub punted: AtomicU64,
    /// Power save: sleeps of an idle worker.
    pub idle_sleeps: AtomicU64,
    /// Power save: waits for an rx interrupt.
    pub interrupt_waits: AtomicU64,
    /// Power save: every queue the worker polls can raise an interrupt (an
    /// idle worker waits for one rather than only sleeping).
    pub rx_interrupts: AtomicBool,
}

impl WorkerCounters {
    /// Zeroed counters with room for `drop_slots` drop reasons.
    pub fn new(drop_slots: usize) -> Self {
        WorkerCounters {
            ports: (0..MAX_SWITCH_PORTS)
                .map(|_| PortCounters::default())
                .collect(),
            drops: (0..drop_slots).map(|_| AtomicU64::new(0)).collect(),
            port_drops: (0..MAX_SWITCH_PORTS * drop_slots)
                .map(|_| AtomicU64::new(0))
                .collect(),
            loops: AtomicU64::new(0),
            busy_polls: AtomicU64::new(0),
            tx_lock_taken: AtomicU64::new(0),
            routed: AtomicU64::new(0),
            punted: AtomicU64::new(0),
            idle_sleeps: AtomicU64::new(0),
            interrupt_waits: AtomicU64::new(0),
            rx_interrupts: AtomicBool::new(false),
        }
    }
}

impl WorkerCounters {
    /// The sum over workers of port `port`'s counts.
    pub fn sum_port(all: &[WorkerCounters], port: u16) -> PortCounts {
        WorkerCounters::sum_ports(all, &[port])
    }

    /// The counts of `ports` together (a port-channel and its members),
    /// summed over every worker.
    pub fn sum_ports(all: &[WorkerCounters], ports: &[u16]) -> PortCounts {
        let mut s = PortCounts::default();
        for w in all {
            for &port in ports {
                w.ports[usize::from(port)].add_to(&mut s);
            }
        }
        s
    }

    /// The sum over workers of each registered drop reason, in slot order.
    pub fn sum_drops(all: &[WorkerCounters]) -> Vec<(&'static DropReason, u64)> {
        drops::registered()
            .into_iter()
            .map(|r| {
                let n = all
                    .iter()
                    .filter_map(|w| w.drops.get(r.slot()))
                    .map(|c| c.load(Ordering::Relaxed))
                    .sum();
                (r, n)
            })
            .collect()
    }

    /// This worker's counter of frames received on `port` and dropped for
    /// the reason in `slot`, if both are in range.
    #[inline]
    pub fn port_drop(&self, port: u16, slot: usize) -> Option<&AtomicU64> {
        let slots = self.drops.len();
        if slot >= slots {
            return None;
        }
        self.port_drops.get(usize::from(port) * slots + slot)
    }

    /// The sum over workers of the frames received on `port` and dropped,
    /// per reason that counted any, in slot order.
    pub fn sum_port_drops(all: &[WorkerCounters], port: u16) -> Vec<(&'static DropReason, u64)> {
        drops::registered()
            .into_iter()
            .filter_map(|r| {
                let n: u64 = all
                    .iter()
                    .filter_map(|w| w.port_drop(port, r.slot()))
                    .map(|c| c.load(Ordering::Relaxed))
                    .sum();
                (n != 0).then_some((r, n))
            })
            .collect()
    }

    /// Sets port `port`'s counters to zero.
    pub fn clear_port(&self, port: u16) {
        let slots = self.drops.len();
        let row = usize::from(port) * slots;
        if let Some(row) = self.port_drops.get(row..row + slots) {
            for c in row {
                c.store(0, Ordering::Relaxed);
            }
        }
        let p = &self.ports[port as usize];
        for c in [
            &p.rx_packets,
            &p.rx_bytes,
            &p.tx_packets,
            &p.tx_bytes,
            &p.rx_dropped,
            &p.tx_dropped,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }

    /// Sets every counter to zero (`clear counters`).
    pub fn clear(&self) {
        for port in 0..self.ports.len() {
            self.clear_port(port as u16);
        }
        for c in &self.drops {
            c.store(0, Ordering::Relaxed);
        }
    }
}
