//! Storm control's datapath: one rx hook (`storm-control`), enabled only on
//! the ports with a level, so that other ports pay nothing. IOS's
//! algorithm, per port and traffic class (broadcast, multicast, unicast by
//! the destination address), over 1-second intervals of the worker's
//! clock: frames pass until the interval's traffic reaches the rising
//! level, the rest of the interval's are dropped (`storm-control`); an
//! interval that ended over the level keeps the class blocked through the
//! next one while that one's traffic stays at or above the falling level.
//! Each worker keeps its own intervals (a port's rx queue is polled by one
//! worker) and publishes its counts once per interval, not per frame.

use dataplane::drops::DropReason;
use dataplane::graph::{Cx, HookSpec, Pkt, PortHook};
use dataplane::port::MAX_SWITCH_PORTS;
use dataplane::snapshot::{Snapshot, SnapshotReader};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// The hook's name (`Dataplane::set_hook_on_ports`).
pub const HOOK: &str = "storm-control";

/// Traffic classes, in the order of `Limits`.
pub const CLASSES: usize = 3;

/// Over the port's storm-control level for its class in this interval.
pub static STORM_CONTROL: DropReason = DropReason::new(
    "storm-control",
    "over the port's storm-control level for its traffic class (1-second intervals)",
);

/// One class's level on one port, in what the hook counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Counted in frames (`pps`), else in bytes.
    pub packets: bool,
    /// Frames or bytes an interval lets through.
    pub rising: u64,
    /// A blocked class opens again after an interval below this.
    pub falling: u64,
}

/// Per port: the levels of broadcast, multicast and unicast traffic.
pub type Limits = [Option<Limit>; CLASSES];

/// What the hooks read: each port's levels, by port id.
#[derive(Debug, Clone)]
pub struct StormTable {
    /// By port id.
    pub ports: Vec<Limits>,
}

impl Default for StormTable {
    fn default() -> Self {
        StormTable {
            ports: vec![[None; CLASSES]; MAX_SWITCH_PORTS],
        }
    }
}

/// What the workers publish per port and class, once per interval.
#[derive(Debug, Default)]
pub struct ClassStats {
    /// Frames dropped, in all.
    pub dropped: AtomicU64,
    /// The last whole interval's traffic (frames or bytes).
    pub last: AtomicU64,
    /// The interval `last` was (worker clock, seconds).
    pub last_second: AtomicU64,
    /// Blocking now (this interval went over the level, or is held).
    pub blocking: AtomicBool,
    /// Storms begun (an interval over the level, not held from the one
    /// before), counted as they begin.
    pub storms: AtomicU64,
}

/// The feature's state shared by the control plane and the hooks.
#[derive(Default)]
pub struct StormState {
    /// The table the hooks read.
    pub table: Arc<Snapshot<StormTable>>,
    /// Per port id and class.
    pub stats: Arc<Vec<[ClassStats; CLASSES]>>,
}

impl StormState {
    /// Fresh state with a stats slot for every port id.
    pub fn new() -> StormState {
        StormState {
            table: Arc::default(),
            stats: Arc::new((0..MAX_SWITCH_PORTS).map(|_| Default::default()).collect()),
        }
    }

    /// The hook's declaration, for the pipeline.
    pub fn hook_spec(&self) -> HookSpec {
        let (table, stats) = (self.table.clone(), self.stats.clone());
        HookSpec {
            name: HOOK,
            drops: vec![&STORM_CONTROL],
            build: Box::new(move || {
                Box::new(StormHook {
                    table: table.reader(),
                    stats: stats.clone(),
                    windows: vec![[Window::default(); CLASSES]; MAX_SWITCH_PORTS],
                })
            }),
        }
    }
}

/// One class's current interval on one port, in one worker.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    /// Its second (worker clock).
    second: u32,
    /// Traffic offered in it.
    offered: u64,
    /// Traffic let through.
    passed: u64,
    /// Frames dropped (not yet published).
    dropped: u64,
    /// It went over the rising level.
    over: bool,
    /// Blocked from its start (the last interval was over, and this one's
    /// traffic has not fallen below the falling level yet).
    held: bool,
}

/// The class of a frame by its destination: 0 broadcast, 1 multicast, 2
/// unicast.
#[inline]
fn class_of(frame: &[u8]) -> usize {
    match frame.first() {
        Some(b) if b & 1 == 0 => 2,
        _ if frame.get(..6) == Some(&[0xff; 6]) => 0,
        _ => 1,
    }
}

impl Window {
    /// Starts the interval `second`, publishing the one that ends.
    fn roll(&mut self, second: u32, limit: &Limit, stats: &ClassStats) {
        let consecutive = second == self.second.wrapping_add(1);
        if self.dropped > 0 {
            stats.dropped.fetch_add(self.dropped, Ordering::Relaxed);
        }
        stats.last.store(self.offered, Ordering::Relaxed);
        stats
            .last_second
            .store(u64::from(self.second), Ordering::Relaxed);
        // Over in the last interval: held from the start of this one while
        // that one's traffic was at or above the falling level.
        let held = self.over && consecutive && self.offered >= limit.falling;
        stats.blocking.store(held, Ordering::Relaxed);
        *self = Window {
            second,
            held,
            ..Window::default()
        };
    }

    /// The interval goes over the level: a storm begins, unless the class
    /// was held already.
    fn go_over(&mut self, stats: &ClassStats) {
        if !self.over {
            self.over = true;
            if !self.held {
                stats.storms.fetch_add(1, Ordering::Relaxed);
                stats.blocking.store(true, Ordering::Relaxed);
            }
        }
    }
}

/// One worker's storm-control hook.
struct StormHook {
    table: SnapshotReader<StormTable>,
    stats: Arc<Vec<[ClassStats; CLASSES]>>,
    windows: Vec<[Window; CLASSES]>,
}

impl PortHook for StormHook {
    fn rx(&mut self, cx: &mut Cx<'_>, p: Pkt) -> Option<Pkt> {
        let port = usize::from(p.meta.in_port);
        let class = class_of(p.m.data());
        let Some(limit) = self.table.get().ports.get(port).and_then(|l| l[class]) else {
            return Some(p);
        };
        let (Some(w), Some(stats)) = (
            self.windows.get_mut(port).map(|w| &mut w[class]),
            self.stats.get(port).map(|s| &s[class]),
        ) else {
            return Some(p);
        };
        if w.second != cx.now {
            w.roll(cx.now, &limit, stats);
        }
        let amount = if limit.packets {
            1
        } else {
            u64::from(p.m.pkt_len())
        };
        w.offered += amount;
        if w.held || w.passed + amount > limit.rising {
            w.go_over(stats);
            w.dropped += 1;
            cx.drop(p, &STORM_CONTROL);
            return None;
        }
        w.passed += amount;
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_destination() {
        assert_eq!(class_of(&[0xff; 14]), 0);
        assert_eq!(class_of(&[0x01, 0, 0x5e, 0, 0, 1]), 1);
        assert_eq!(class_of(&[0x02, 0, 0, 0, 0, 1]), 2);
        assert_eq!(class_of(&[]), 1);
    }

    #[test]
    fn an_interval_over_the_level_holds_the_next_while_traffic_stays_high() {
        let limit = Limit {
            packets: true,
            rising: 10,
            falling: 5,
        };
        let stats = ClassStats::default();
        let mut w = Window {
            second: 1,
            offered: 30,
            passed: 10,
            dropped: 20,
            ..Window::default()
        };
        w.go_over(&stats);
        w.go_over(&stats);
        assert_eq!(stats.storms.load(Ordering::Relaxed), 1, "one storm");
        w.roll(2, &limit, &stats);
        assert!(w.held);
        assert!(stats.blocking.load(Ordering::Relaxed));
        assert_eq!(stats.dropped.load(Ordering::Relaxed), 20);
        w.go_over(&stats);
        assert_eq!(
            stats.storms.load(Ordering::Relaxed),
            1,
            "held: the same storm"
        );
        // A quiet interval (below falling) ends the hold.
        w.offered = 3;
        w.over = false;
        w.roll(3, &limit, &stats);
        assert!(!w.held);
        assert!(!stats.blocking.load(Ordering::Relaxed));
        // After a gap (no traffic for a second), nothing is held.
        w.offered = 50;
        w.over = true;
        w.roll(9, &limit, &stats);
        assert!(!w.held);
    }
}
