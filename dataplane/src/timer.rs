//! The timer service of feature control threads: one deadline per key
//! (a neighbor, a port's protocol timer), armed, re-armed and cancelled in
//! O(log n), and only the expired ones visited. A control loop asks
//! `next_deadline` how long it may sleep and drains `pop_expired`.
//!
//! Re-arming leaves the old heap entry behind (lazy deletion, as in
//! tokio's and holo's timer queues); the heap is rebuilt once stale
//! entries outnumber live ones, so memory stays linear in the keys.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;
use std::time::Instant;

/// One heap entry: a deadline, the arming it belongs to, and its key.
struct Entry<K> {
    at: Instant,
    seq: u64,
    key: K,
}

impl<K> PartialEq for Entry<K> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl<K> Eq for Entry<K> {}

impl<K> PartialOrd for Entry<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Entry<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Deadlines by key: at most one armed per key.
pub struct Timers<K> {
    heap: BinaryHeap<Reverse<Entry<K>>>,
    /// The live arming of each key: its deadline and sequence number.
    armed: HashMap<K, (Instant, u64)>,
    seq: u64,
}

impl<K> Default for Timers<K> {
    fn default() -> Self {
        Timers {
            heap: BinaryHeap::new(),
            armed: HashMap::new(),
            seq: 0,
        }
    }
}

impl<K: Eq + Hash + Clone> Timers<K> {
    /// No timers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key`'s deadline to `at`, replacing the one it had.
    pub fn arm(&mut self, key: K, at: Instant) {
        self.seq += 1;
        self.armed.insert(key.clone(), (at, self.seq));
        self.heap.push(Reverse(Entry {
            at,
            seq: self.seq,
            key,
        }));
        if self.heap.len() > 2 * self.armed.len() + 64 {
            self.compact();
        }
    }

    /// Forgets `key`'s deadline; true if it had one.
    pub fn cancel(&mut self, key: &K) -> bool {
        self.armed.remove(key).is_some()
    }

    /// `key`'s deadline, if armed.
    pub fn deadline(&self, key: &K) -> Option<Instant> {
        self.armed.get(key).map(|&(at, _)| at)
    }

    /// Number of armed keys.
    pub fn len(&self) -> usize {
        self.armed.len()
    }

    /// True if no key is armed.
    pub fn is_empty(&self) -> bool {
        self.armed.is_empty()
    }

    /// The earliest deadline, if any key is armed.
    pub fn next_deadline(&mut self) -> Option<Instant> {
        self.drop_stale_top();
        self.heap.peek().map(|Reverse(e)| e.at)
    }

    /// A key whose deadline is at or before `now`, disarmed; the earliest
    /// first. None when none has expired.
    pub fn pop_expired(&mut self, now: Instant) -> Option<K> {
        self.drop_stale_top();
        if self.heap.peek()?.0.at > now {
            return None;
        }
        let Reverse(e) = self.heap.pop()?;
        self.armed.remove(&e.key);
        Some(e.key)
    }

    /// Pops heap entries whose arming was replaced or cancelled.
    fn drop_stale_top(&mut self) {
        while let Some(Reverse(e)) = self.heap.peek() {
            if self.armed.get(&e.key).is_some_and(|&(_, s)| s == e.seq) {
                return;
            }
            self.heap.pop();
        }
    }

    /// Rebuilds the heap from the live armings.
    fn compact(&mut self) {
        self.heap = self
            .armed
            .iter()
            .map(|(k, &(at, seq))| {
                Reverse(Entry {
                    at,
                    seq,
                    key: k.clone(),
                })
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn secs(t0: Instant, s: u64) -> Instant {
        t0 + Duration::from_secs(s)
    }

    #[test]
    fn expire_in_deadline_order() {
        let t0 = Instant::now();
        let mut t = Timers::new();
        t.arm("c", secs(t0, 3));
        t.arm("a", secs(t0, 1));
        t.arm("b", secs(t0, 2));
        assert_eq!(t.next_deadline(), Some(secs(t0, 1)));
        assert_eq!(t.pop_expired(secs(t0, 0)), None);
        assert_eq!(t.pop_expired(secs(t0, 2)), Some("a"));
        assert_eq!(t.pop_expired(secs(t0, 2)), Some("b"));
        assert_eq!(t.pop_expired(secs(t0, 2)), None);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn rearm_replaces_and_cancel_forgets() {
        let t0 = Instant::now();
        let mut t = Timers::new();
        t.arm(1, secs(t0, 1));
        t.arm(1, secs(t0, 5));
        t.arm(2, secs(t0, 2));
        assert!(t.cancel(&2));
        assert!(!t.cancel(&2));
        assert_eq!(t.deadline(&1), Some(secs(t0, 5)));
        assert_eq!(t.next_deadline(), Some(secs(t0, 5)));
        assert_eq!(t.pop_expired(secs(t0, 4)), None);
        assert_eq!(t.pop_expired(secs(t0, 5)), Some(1));
        assert!(t.is_empty());
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn rearming_often_keeps_the_heap_small() {
        let t0 = Instant::now();
        let mut t = Timers::new();
        for i in 0..10_000u64 {
            t.arm(i % 10, secs(t0, i));
        }
        assert_eq!(t.len(), 10);
        assert!(t.heap.len() <= 2 * 10 + 65);
        let mut got = Vec::new();
        while let Some(k) = t.pop_expired(secs(t0, 20_000)) {
            got.push(k);
        }
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    }
}
