//! IPv4 longest-prefix match, DIR-24-8 (as DPDK's `rte_lpm`): one read of
//! a 16M-entry table for prefixes up to /24, a second read of a 256-entry
//! group for longer ones. Sized for a full Internet table (1M prefixes).
//!
//! Reads are lock-free (atomic entries) from any thread; changes take the
//! table's writer lock, so there is one writer at a time. A tbl8 group that
//! a change frees is not reused until `reclaim` is called, which the caller
//! does after a grace period (every worker has moved on), so a reader never
//! follows a group index into a group that now means something else.

use dataplane::bigmem::BigSlice;
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Largest next-hop id (24 bits).
pub const MAX_NEXT_HOP: u32 = (1 << 24) - 1;

// Entry layout: bit 31 valid, bit 30 "points to a tbl8 group", bits 24..30
// the depth of the rule that filled it, bits 0..24 next hop or group index.
const VALID: u32 = 1 << 31;
const GROUP: u32 = 1 << 30;
const DEPTH_SHIFT: u32 = 24;
const VALUE_MASK: u32 = (1 << 24) - 1;

fn entry(depth: u8, value: u32) -> u32 {
    VALID | (u32::from(depth) << DEPTH_SHIFT) | value
}

fn depth_of(e: u32) -> u8 {
    ((e >> DEPTH_SHIFT) & 0x3f) as u8
}

/// Errors changing the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LpmError {
    /// Prefix length over 32.
    #[error("prefix length {0} is over 32")]
    BadLength(u8),
    /// Next hop over 24 bits.
    #[error("next hop {0} is over {MAX_NEXT_HOP}")]
    BadNextHop(u32),
    /// No tbl8 group left for a prefix longer than /24.
    #[error("no room for more prefixes longer than /24 ({0} groups in use)")]
    NoGroups(usize),
}

/// The lookup tables: what readers see.
struct Tables {
    tbl24: BigSlice<AtomicU32>,
    tbl8: BigSlice<AtomicU32>,
}

/// The writer's bookkeeping, behind the writer lock.
struct Rules {
    /// Free tbl8 groups, ready for use.
    free_groups: Vec<u32>,
    /// Groups freed since the last `reclaim`: not reusable yet.
    retired_groups: Vec<u32>,
    /// Groups retired before the last `reclaim_aged`: reusable at the next.
    aging_groups: Vec<u32>,
    /// Every rule: (network, length) -> next hop.
    rules: HashMap<(u32, u8), u32>,
}

/// The table as the fast path reads it for one vector: tbl24 as an array
/// of exactly 1 << 24 entries (a destination's index, its top 24 bits,
/// needs no bounds check) and tbl8, both held in locals rather than read
/// through the table again after every atomic load.
#[derive(Clone, Copy)]
pub struct LpmView<'a> {
    tbl24: &'a [AtomicU32; 1 << 24],
    tbl8: &'a [AtomicU32],
}

impl LpmView<'_> {
    /// The next hop for `addr`.
    #[inline(always)]
    pub fn lookup(&self, addr: Ipv4Addr) -> Option<u32> {
        let a = u32::from(addr);
        let e = self.tbl24[(a >> 8) as usize].load(Ordering::Acquire);
        if e & VALID == 0 {
            return None;
        }
        if e & GROUP == 0 {
            return Some(e & VALUE_MASK);
        }
        let g = (e & VALUE_MASK) as usize;
        let e8 = self.tbl8.get(g * 256 + (a & 0xff) as usize)?;
        let e8 = e8.load(Ordering::Acquire);
        (e8 & VALID != 0).then_some(e8 & VALUE_MASK)
    }

    /// Starts loading the tbl24 entry of `addr`.
    #[inline(always)]
    pub fn prefetch(&self, addr: Ipv4Addr) {
        let a = u32::from(addr);
        dataplane::mbuf::prefetch(self.tbl24[(a >> 8) as usize].as_ptr() as *const u8);
    }
}

/// The table.
pub struct Lpm {
    t: Tables,
    w: Mutex<Rules>,
}

/// A change to make: `Some(next hop)` adds or replaces, `None` removes.
pub type LpmChange = (Ipv4Addr, u8, Option<u32>);

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

impl Lpm {
    /// An empty table with room for `groups` tbl8 groups (prefixes longer
    /// than /24 need one per distinct /24 they fall in).
    pub fn new(groups: usize) -> Lpm {
        let groups = groups.clamp(1, 1 << 24);
        Lpm {
            t: Tables {
                tbl24: BigSlice::zeroed(1 << 24),
                tbl8: BigSlice::zeroed(groups * 256),
            },
            w: Mutex::new(Rules {
                free_groups: (0..groups as u32).rev().collect(),
                retired_groups: Vec::new(),
                aging_groups: Vec::new(),
                rules: HashMap::new(),
            }),
        }
    }

    fn w(&self) -> MutexGuard<'_, Rules> {
        self.w.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.w().rules.len()
    }

    /// The forwarding table's size: (bytes of its arrays, tbl8 groups in
    /// use, groups in all).
    pub fn usage(&self) -> (usize, usize, usize) {
        let w = self.w();
        let total = self.t.tbl8.len() / 256;
        let bytes = (self.t.tbl24.len() + self.t.tbl8.len()) * std::mem::size_of::<u32>();
        (bytes, total - w.free_groups.len(), total)
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.w().rules.is_empty()
    }

    /// The next hop for `addr`: lock-free, for any thread.
    #[inline]
    pub fn lookup(&self, addr: Ipv4Addr) -> Option<u32> {
        self.view().lookup(addr)
    }

    /// Starts loading the tbl24 entry of `addr` (a burst prefetches every
    /// destination before looking any up).
    #[inline]
    pub fn prefetch(&self, addr: Ipv4Addr) {
        self.view().prefetch(addr)
    }

    /// The view a worker reads the table through for one vector.
    #[inline(always)]
    pub fn view(&self) -> LpmView<'_> {
        let tbl24 = &self.t.tbl24[..];
        LpmView {
            // `new` makes tbl24 exactly 1 << 24 entries long.
            tbl24: tbl24.try_into().unwrap_or_else(|_| unreachable!()),
            tbl8: &self.t.tbl8[..],
        }
    }

    /// Adds or replaces the route `net/len -> next_hop`.
    pub fn insert(&self, net: Ipv4Addr, len: u8, next_hop: u32) -> Result<(), LpmError> {
        self.t.insert(&mut self.w(), net, len, next_hop)
    }

    /// Removes the route `net/len`; true if it existed. Addresses it covered
    /// fall back to the next longest rule.
    pub fn remove(&self, net: Ipv4Addr, len: u8) -> bool {
        self.t.remove(&mut self.w(), net, len)
    }

    /// Makes several changes under one take of the writer lock. Stops at
    /// the first refused one and returns its index with the error; the
    /// changes before it stay made.
    pub fn apply(&self, changes: &[LpmChange]) -> Result<(), (usize, LpmError)> {
        let mut w = self.w();
        for (i, (net, len, nh)) in changes.iter().enumerate() {
            match nh {
                Some(nh) => self.t.insert(&mut w, *net, *len, *nh).map_err(|e| (i, e))?,
                None => {
                    self.t.remove(&mut w, *net, *len);
                }
            }
        }
        Ok(())
    }

    /// The next hop of the rule `net/len` exactly, if there is one.
    pub fn get(&self, net: Ipv4Addr, len: u8) -> Option<u32> {
        let net = u32::from(net) & mask(len.min(32));
        self.w().rules.get(&(net, len)).copied()
    }

    /// Makes freed groups reusable. Call it only after every reader that may
    /// have read the table before the last change has finished its lookup.
    pub fn reclaim(&self) {
        let mut w = self.w();
        let Rules {
            free_groups,
            retired_groups,
            ..
        } = &mut *w;
        free_groups.append(retired_groups);
    }

    /// Makes reusable the groups retired before the previous call, and
    /// sets aside those retired since. Called on a steady tick (every
    /// second, say), a group is reused only after a full tick: far longer
    /// than any worker holds on to what it read.
    pub fn reclaim_aged(&self) {
        let mut w = self.w();
        let Rules {
            free_groups,
            retired_groups,
            aging_groups,
            ..
        } = &mut *w;
        free_groups.append(aging_groups);
        std::mem::swap(aging_groups, retired_groups);
    }

    /// Every rule, sorted by network and length.
    pub fn rules(&self) -> BTreeMap<(u32, u8), u32> {
        self.w().rules.iter().map(|(k, v)| (*k, *v)).collect()
    }
}

impl Tables {
    fn insert(&self, w: &mut Rules, net: Ipv4Addr, len: u8, next_hop: u32) -> Result<(), LpmError> {
        if len > 32 {
            return Err(LpmError::BadLength(len));
        }
        if next_hop > MAX_NEXT_HOP {
            return Err(LpmError::BadNextHop(next_hop));
        }
        let net = u32::from(net) & mask(len);
        if w.rules.get(&(net, len)) == Some(&next_hop) {
            return Ok(());
        }
        if len > 24 {
            // Make sure the /24 has a group before recording the rule.
            self.group_for(w, net >> 8)?;
        }
        w.rules.insert((net, len), next_hop);
        self.paint(net, len, Some((len, next_hop)));
        Ok(())
    }

    fn remove(&self, w: &mut Rules, net: Ipv4Addr, len: u8) -> bool {
        if len > 32 {
            return false;
        }
        let net = u32::from(net) & mask(len);
        if w.rules.remove(&(net, len)).is_none() {
            return false;
        }
        let cover = covering(w, net, len);
        self.paint(net, len, cover);
        if len > 24 {
            self.maybe_collapse(w, net >> 8);
        }
        true
    }

    /// Rewrites the entries of `net/len` whose current rule is not longer
    /// than `len`: with `rule` (depth, next hop), or cleared if None.
    fn paint(&self, net: u32, len: u8, rule: Option<(u8, u32)>) {
        let value = rule.map_or(0, |(d, nh)| entry(d, nh));
        if len <= 24 {
            let first = (net >> 8) as usize;
            let count = 1usize << (24 - len);
            for slot in &self.tbl24[first..first + count] {
                let e = slot.load(Ordering::Relaxed);
                if e & GROUP != 0 {
                    // Longer prefixes live in the group: update its entries
                    // that this rule (or less) owns.
                    let g = (e & VALUE_MASK) as usize;
                    for s8 in &self.tbl8[g * 256..g * 256 + 256] {
                        let e8 = s8.load(Ordering::Relaxed);
                        if e8 & VALID == 0 || depth_of(e8) <= len {
                            s8.store(value, Ordering::Release);
                        }
                    }
                } else if e & VALID == 0 || depth_of(e) <= len {
                    slot.store(value, Ordering::Release);
                }
            }
        } else {
            let e = self.tbl24[(net >> 8) as usize].load(Ordering::Relaxed);
            debug_assert!(e & GROUP != 0, "a /25+ rule's /24 has a group");
            let g = (e & VALUE_MASK) as usize;
            let first = g * 256 + (net & 0xff) as usize;
            let count = 1usize << (32 - len);
            for s8 in &self.tbl8[first..first + count] {
                let e8 = s8.load(Ordering::Relaxed);
                if e8 & VALID == 0 || depth_of(e8) <= len {
                    s8.store(value, Ordering::Release);
                }
            }
        }
    }

    /// The group of tbl24 entry `i`, made (filled with what the entry
    /// meant) if it has none.
    fn group_for(&self, w: &mut Rules, i: u32) -> Result<usize, LpmError> {
        let e = self.tbl24[i as usize].load(Ordering::Relaxed);
        if e & GROUP != 0 {
            return Ok((e & VALUE_MASK) as usize);
        }
        let in_use = self.tbl8.len() / 256 - w.free_groups.len();
        let g = w.free_groups.pop().ok_or(LpmError::NoGroups(in_use))? as usize;
        for s8 in &self.tbl8[g * 256..g * 256 + 256] {
            s8.store(e, Ordering::Relaxed);
        }
        // The group is complete before the entry points at it.
        self.tbl24[i as usize].store(VALID | GROUP | g as u32, Ordering::Release);
        Ok(g)
    }

    /// Folds the group of tbl24 entry `i` back into the entry once no rule
    /// longer than /24 is left in it; the group is retired until `reclaim`.
    fn maybe_collapse(&self, w: &mut Rules, i: u32) {
        let net = i << 8;
        let longer_left = (25..=32u8).any(|l| {
            let count = 1u32 << (32 - l);
            (0..256 / count).any(|k| w.rules.contains_key(&((net | (k * count)), l)))
        });
        if longer_left {
            return;
        }
        let e = self.tbl24[i as usize].load(Ordering::Relaxed);
        if e & GROUP == 0 {
            return;
        }
        let cover = covering(w, net, 25);
        let value = cover.map_or(0, |(d, nh)| entry(d, nh));
        self.tbl24[i as usize].store(value, Ordering::Release);
        w.retired_groups.push(e & VALUE_MASK);
    }
}

/// The longest rule strictly shorter than `len` that covers `net`.
fn covering(w: &Rules, net: u32, len: u8) -> Option<(u8, u32)> {
    (0..len)
        .rev()
        .find_map(|l| w.rules.get(&(net & mask(l), l)).map(|nh| (l, *nh)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    /// One table for the tests that build it: 64 MB of tbl24 each time
    /// would be slow; each test starts by emptying it.
    fn table() -> std::sync::MutexGuard<'static, Lpm> {
        static T: OnceLock<std::sync::Mutex<Lpm>> = OnceLock::new();
        let t = T
            .get_or_init(|| std::sync::Mutex::new(Lpm::new(64)))
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for ((net, len), _) in t.rules() {
            t.remove(Ipv4Addr::from(net), len);
        }
        t.reclaim();
        t
    }

    #[test]
    fn longest_prefix_wins() {
        let t = table();
        t.insert(ip("0.0.0.0"), 0, 1).unwrap();
        t.insert(ip("10.0.0.0"), 8, 2).unwrap();
        t.insert(ip("10.1.0.0"), 16, 3).unwrap();
        t.insert(ip("10.1.2.0"), 24, 4).unwrap();
        t.insert(ip("10.1.2.128"), 25, 5).unwrap();
        t.insert(ip("10.1.2.130"), 32, 6).unwrap();
        for (a, want) in [
            ("8.8.8.8", 1),
            ("10.9.9.9", 2),
            ("10.1.9.9", 3),
            ("10.1.2.1", 4),
            ("10.1.2.129", 5),
            ("10.1.2.130", 6),
        ] {
            assert_eq!(t.lookup(ip(a)), Some(want), "{a}");
        }
        assert!(t.remove(ip("10.1.2.128"), 25));
        assert_eq!(t.lookup(ip("10.1.2.129")), Some(4), "falls back to the /24");
        assert_eq!(t.lookup(ip("10.1.2.130")), Some(6));
        assert!(t.remove(ip("10.1.2.130"), 32));
        assert_eq!(t.lookup(ip("10.1.2.130")), Some(4));
        assert!(t.remove(ip("0.0.0.0"), 0));
        assert_eq!(t.lookup(ip("8.8.8.8")), None);
        assert!(!t.remove(ip("0.0.0.0"), 0));
    }

    #[test]
    fn bad_input_is_refused() {
        let t = table();
        assert_eq!(t.insert(ip("1.0.0.0"), 33, 1), Err(LpmError::BadLength(33)));
        assert_eq!(
            t.insert(ip("1.0.0.0"), 8, 1 << 24),
            Err(LpmError::BadNextHop(1 << 24))
        );
        assert!(t.is_empty());
    }

    #[test]
    fn groups_are_retired_then_reused() {
        let t = table();
        for i in 0..64u32 {
            t.insert(Ipv4Addr::from((i << 8) | 0x0a00_0000 | 1), 32, i)
                .unwrap();
        }
        assert!(matches!(
            t.insert(ip("11.0.0.1"), 32, 1),
            Err(LpmError::NoGroups(64))
        ));
        for i in 0..64u32 {
            assert!(t.remove(Ipv4Addr::from((i << 8) | 0x0a00_0000 | 1), 32));
        }
        assert!(
            t.insert(ip("11.0.0.1"), 32, 1).is_err(),
            "not reusable before reclaim"
        );
        t.reclaim();
        t.insert(ip("11.0.0.1"), 32, 1).unwrap();
        assert_eq!(t.lookup(ip("11.0.0.1")), Some(1));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(u32, u8, u32),
        Del(u32, u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        // Prefixes clustered in a few /16s so that they nest and overlap.
        let net =
            (0u32..4, any::<u16>()).prop_map(|(hi, lo)| 0x0a00_0000 | (hi << 16) | u32::from(lo));
        prop_oneof![
            3 => (net.clone(), 0u8..=32, 0u32..1000).prop_map(|(n, l, h)| Op::Add(n, l, h)),
            1 => (net, 0u8..=32).prop_map(|(n, l)| Op::Del(n, l)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The table answers as a plain search over its rules does.
        #[test]
        fn matches_reference_model(ops in proptest::collection::vec(op(), 1..60), probes in proptest::collection::vec((0u32..4, any::<u16>()), 64)) {
            let t = table();
            let mut model: HashMap<(u32, u8), u32> = HashMap::new();
            for op in ops {
                match op {
                    Op::Add(n, l, h) => {
                        if t.insert(Ipv4Addr::from(n), l, h).is_ok() {
                            model.insert((n & mask(l), l), h);
                        }
                    }
                    Op::Del(n, l) => {
                        prop_assert_eq!(t.remove(Ipv4Addr::from(n), l), model.remove(&(n & mask(l), l)).is_some());
                        t.reclaim();
                    }
                }
            }
            for (hi, lo) in probes {
                let a = 0x0a00_0000 | (hi << 16) | u32::from(lo);
                let want = (0..=32u8).rev().find_map(|l| model.get(&(a & mask(l), l)).copied());
                prop_assert_eq!(t.lookup(Ipv4Addr::from(a)), want, "address {}", Ipv4Addr::from(a));
            }
        }
    }
}
