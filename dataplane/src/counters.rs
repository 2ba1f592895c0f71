//! Counters kept per worker lcore (each written by one thread only, so an
//! increment is a plain load and store) and summed when read.

use crate::port::MAX_PORTS;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why the switch dropped a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(usize)]
pub enum DropReason {
    /// Shorter than an Ethernet header, or a truncated 802.1Q tag.
    Malformed,
    /// Its VLAN is not allowed on the ingress port.
    VlanFilter,
    /// The destination is behind the port it came in on.
    SameInterface,
    /// The egress queue had no room.
    NoTxRoom,
    /// The egress or ingress port is administratively down.
    PortDown,
    /// Larger than the egress port's MTU.
    MtuExceeded,
    /// No buffer for a tag or a flooded copy's header.
    NoBuffer,
    /// Routed, and no route matches the destination (an ICMP unreachable
    /// goes back).
    NoRoute,
    /// Routed with a TTL of 1 or less (an ICMP time exceeded goes back).
    TtlExceeded,
    /// Routed to a neighbor that does not answer ARP.
    ArpUnresolved,
    /// Sent to the router MAC but neither IPv4 nor ARP (IPv6, say), or an
    /// IPv4 header that is not valid.
    NotRoutable,
    /// The queue to the control thread (ARP, ICMP) was full.
    PuntQueueFull,
}

impl DropReason {
    /// Every reason, in counter order.
    pub const ALL: [DropReason; 12] = [
        DropReason::Malformed,
        DropReason::VlanFilter,
        DropReason::SameInterface,
        DropReason::NoTxRoom,
        DropReason::PortDown,
        DropReason::MtuExceeded,
        DropReason::NoBuffer,
        DropReason::NoRoute,
        DropReason::TtlExceeded,
        DropReason::ArpUnresolved,
        DropReason::NotRoutable,
        DropReason::PuntQueueFull,
    ];

    /// The reason's name as shown to users.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Malformed => "malformed",
            DropReason::VlanFilter => "vlan-filter",
            DropReason::SameInterface => "same-interface",
            DropReason::NoTxRoom => "no-tx-room",
            DropReason::PortDown => "port-down",
            DropReason::MtuExceeded => "mtu-exceeded",
            DropReason::NoBuffer => "no-buffer",
            DropReason::NoRoute => "no-route",
            DropReason::TtlExceeded => "ttl-exceeded",
            DropReason::ArpUnresolved => "arp-unresolved",
            DropReason::NotRoutable => "not-routable",
            DropReason::PuntQueueFull => "punt-queue-full",
        }
    }
}

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
    /// Per drop reason, indexed by `DropReason as usize`.
    pub drops: [AtomicU64; DropReason::ALL.len()],
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
}

impl Default for WorkerCounters {
    fn default() -> Self {
        WorkerCounters {
            ports: (0..MAX_PORTS).map(|_| PortCounters::default()).collect(),
            drops: Default::default(),
            loops: AtomicU64::new(0),
            busy_polls: AtomicU64::new(0),
            tx_lock_taken: AtomicU64::new(0),
            routed: AtomicU64::new(0),
            punted: AtomicU64::new(0),
        }
    }
}

impl WorkerCounters {
    /// The sum over workers of port `port`'s counts.
    pub fn sum_port(all: &[WorkerCounters], port: u16) -> PortCounts {
        let mut s = PortCounts::default();
        for w in all {
            w.ports[port as usize].add_to(&mut s);
        }
        s
    }

    /// The sum over workers of each drop reason.
    pub fn sum_drops(all: &[WorkerCounters]) -> Vec<(DropReason, u64)> {
        DropReason::ALL
            .iter()
            .map(|&r| {
                (
                    r,
                    all.iter()
                        .map(|w| w.drops[r as usize].load(Ordering::Relaxed))
                        .sum(),
                )
            })
            .collect()
    }

    /// Sets port `port`'s counters to zero.
    pub fn clear_port(&self, port: u16) {
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
