//! State the workers read and the control plane writes: the port table, the
//! FDB and the counters. Everything here is atomics or lock-free.

use crate::counters::WorkerCounters;
use crate::l2::fdb::Fdb;
use crate::port::MAX_PORTS;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};

/// One port as the workers see it.
#[derive(Debug, Default)]
pub struct PortSlot {
    /// A port is plugged in this slot.
    pub present: AtomicBool,
    /// Administratively up (`no shutdown`).
    pub admin_up: AtomicBool,
    /// How many tx queues the port has.
    pub tx_queues: AtomicU16,
    /// Serialises a tx queue that several workers share.
    pub(crate) tx_lock: AtomicBool,
}

impl PortSlot {
    /// True when frames may be sent out of and taken in on this port.
    #[inline]
    pub fn forwarding(&self) -> bool {
        self.present.load(Ordering::Relaxed) && self.admin_up.load(Ordering::Relaxed)
    }
}

/// The state shared by all workers and the control plane.
pub struct Shared {
    /// Ports by DPDK port id.
    pub ports: Box<[PortSlot]>,
    /// The forwarding database.
    pub fdb: Fdb,
    /// One set of counters per worker.
    pub counters: Box<[WorkerCounters]>,
    /// Bumped whenever the port table changes; workers rebuild their
    /// cached lists when they see a new value.
    pub generation: AtomicU64,
    /// Workers run while this is true.
    pub running: AtomicBool,
    /// TSC ticks per second, for the workers' clock.
    pub tsc_hz: u64,
}

impl Shared {
    /// Fresh state for `workers` workers and an FDB of `fdb_limit` entries.
    pub fn new(workers: usize, fdb_limit: usize, tsc_hz: u64) -> Shared {
        Shared {
            ports: (0..MAX_PORTS).map(|_| PortSlot::default()).collect(),
            fdb: Fdb::new(fdb_limit),
            counters: (0..workers.max(1))
                .map(|_| WorkerCounters::default())
                .collect(),
            generation: AtomicU64::new(0),
            running: AtomicBool::new(true),
            tsc_hz: tsc_hz.max(1),
        }
    }

    /// Tells workers the port table changed.
    pub fn bump_generation(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// The switch clock in seconds (the FDB's time base).
    pub fn now_secs(&self) -> u32 {
        (crate::eal::rdtsc() / self.tsc_hz) as u32
    }
}
