//! The forwarding database: (VLAN, MAC) -> port.
//!
//! Reads are lock-free and wait-free in the common case: an open-addressing
//! table of buckets, four slots to a cache line, probed bucket by bucket,
//! where a reader validates the key again after reading the value (a
//! per-slot seqlock without a counter). A key lives in the first bucket
//! from its home with room; a lookup compares the four keys of a bucket
//! at once, without a branch per slot, and goes on to the next bucket only
//! when this one has no empty slot. Half full, 96 % of keys sit in their
//! home bucket (one cache line, one well-predicted branch), where linear
//! probing of single slots put 25 % past their home slot and the probe
//! loop's exit was a coin toss for the branch predictor.
//!
//! There is one writer at a time, chosen by a try-lock: a worker that finds
//! the lock taken skips learning that frame (counted) instead of waiting, so
//! learning never stalls forwarding. Refreshing the age of a known entry is a
//! relaxed store done outside the lock, and only when the second changes.
//!
//! A deleted slot becomes empty when its bucket has another empty slot (no
//! probe goes past that bucket anyway), else a tombstone. A bucket of
//! tombstones and keys that no probe needs to pass (no key after it, up to
//! the next bucket with an empty slot, has its home at or before it) gets
//! its tombstones emptied, and so on backwards, so probe chains do not
//! grow under churn.
//!
//! The slots grow with the table: 4096 at first (64 KB), twice as many
//! whenever they would be more than half full, up to twice the limit. A
//! switch with a few thousand stations then probes a table that stays in
//! the caches and the TLB, where one sized for a million spreads the same
//! stations over 32 MB (at 64K MAC pairs the small table forwarded 8-43 %
//! more). The writer copies the entries into the bigger slots and then
//! publishes them; the slots outgrown stay mapped, unchanged, for a reader
//! still probing them (a worker's view lasts a vector), until the table
//! goes: together they are smaller than the current ones.

use dataplane::bigmem::BigSlice;
use dataplane::wire::MacAddr;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Default maximum number of entries.
pub const DEFAULT_FDB_LIMIT: usize = 1 << 20;
/// Default aging time in seconds.
pub const DEFAULT_AGING_SECS: u32 = 300;

const EMPTY: u64 = 0;
const TOMB: u64 = 1;
const OCCUPIED: u64 = 1 << 63;
const MAC_BITS: u64 = (1 << 48) - 1;
const FLAG_STATIC: u32 = 1 << 16;

/// A (VLAN, MAC) key with its hash, computed once so a burst can hash
/// every key, prefetch every home slot, and only then compare. The hash
/// is unmasked: the key holds in slots of any size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FdbKey {
    key: u64,
    hash: usize,
}

impl FdbKey {
    /// The MAC address the key is for, as 48 bits.
    #[inline(always)]
    pub fn mac_bits(&self) -> u64 {
        self.key & MAC_BITS
    }
}

/// What an FDB lookup found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdbHit {
    /// The port the address lives behind.
    pub port: u16,
    /// True for a static (configured) entry.
    pub is_static: bool,
}

/// What `learn` did with a source address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnOutcome {
    /// Already known on this port; its age was refreshed.
    Refreshed,
    /// A new entry.
    Learned,
    /// The address moved from another port to this one.
    Moved,
    /// The table is at its size limit; not learned.
    Full,
    /// Another writer held the table; not learned this time.
    Busy,
    /// A static entry names another port; left as configured.
    StaticConflict,
}

/// One entry, as listed by `entries`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdbEntry {
    /// VLAN id.
    pub vlan: u16,
    /// MAC address.
    pub mac: MacAddr,
    /// Port index.
    pub port: u16,
    /// True for a static entry.
    pub is_static: bool,
    /// Last time it was seen (caller's clock, seconds).
    pub seen: u32,
}

/// Which entries a flush removes.
#[derive(Debug, Clone, Copy, Default)]
pub struct FdbFilter {
    /// Only this VLAN.
    pub vlan: Option<u16>,
    /// Only this port.
    pub port: Option<u16>,
    /// Static entries too (a flush of learned entries leaves them).
    pub include_static: bool,
}

impl FdbFilter {
    fn matches(&self, e: &FdbEntry) -> bool {
        self.vlan.is_none_or(|v| v == e.vlan)
            && self.port.is_none_or(|p| p == e.port)
            && (self.include_static || !e.is_static)
    }
}

/// Errors from configuring the FDB.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FdbError {
    /// The table holds `limit` entries already.
    #[error("the MAC address table is full ({0} entries)")]
    Full(usize),
}

/// Event counters of the table.
#[derive(Debug, Default)]
pub struct FdbCounters {
    /// Entries learned.
    pub learned: AtomicU64,
    /// Station moves (an address seen on a new port).
    pub moves: AtomicU64,
    /// Addresses not learned because the table was full.
    pub full: AtomicU64,
    /// Addresses not learned because another writer held the table.
    pub busy: AtomicU64,
    /// Entries removed by aging.
    pub aged: AtomicU64,
}

/// Slots the table starts with (64 KB).
const FIRST_SLOTS: usize = 4096;

/// One size of the table's slots.
struct Slots {
    buckets: BigSlice<Bucket>,
    /// `buckets.len() - 1` (a power of two less one).
    mask: usize,
}

impl Slots {
    /// `slots` slots (a power of two, at least `WAYS`).
    fn new(slots: usize) -> Slots {
        debug_assert!(slots.is_power_of_two() && slots >= WAYS);
        let buckets = slots / WAYS;
        Slots {
            buckets: BigSlice::zeroed(buckets),
            mask: buckets - 1,
        }
    }

    /// Number of slots.
    fn len(&self) -> usize {
        self.buckets.len() * WAYS
    }

    /// The entry in slot `i` (bucket `i / WAYS`), if there is one.
    fn entry(&self, i: usize) -> Option<FdbEntry> {
        let bucket = &self.buckets[i / WAYS];
        let s = i % WAYS;
        let key = bucket.keys[s].load(Ordering::Acquire);
        if key & OCCUPIED == 0 {
            return None;
        }
        let meta = bucket.meta[s].load(Ordering::Acquire);
        let seen = bucket.seen[s].load(Ordering::Relaxed);
        if bucket.keys[s].load(Ordering::Acquire) != key {
            return None;
        }
        let (vlan, mac) = decode(key);
        Some(FdbEntry {
            vlan,
            mac,
            port: meta as u16,
            is_static: meta & FLAG_STATIC != 0,
            seen,
        })
    }
}

/// The forwarding database. Share it as `Arc<Fdb>` between workers and the
/// control plane.
pub struct Fdb {
    /// The slots in use: the last of `sizes`.
    current: AtomicPtr<Slots>,
    /// Every size of slots the table has had, the current one last: boxed,
    /// so that `current` stays valid as this grows, and kept until the
    /// table goes, so that a reader of an older one never reads freed
    /// memory.
    #[allow(clippy::vec_box)] // `current` points into the boxes; a Vec moves its items.
    sizes: Mutex<Vec<Box<Slots>>>,
    /// The most slots it grows to: twice the limit, a power of two.
    max_slots: usize,
    /// The hash's per-table random seed: no fixed set of colliding keys.
    seed: u64,
    limit: usize,
    len: AtomicUsize,
    writer: AtomicBool,
    version: AtomicU64,
    /// Event counters.
    pub counters: FdbCounters,
    /// When the next aging scan can remove something: (the aging time it
    /// was computed for, the first second an entry can be too old).
    age_due: Mutex<Option<(u32, u32)>>,
}

/// Holds the writer lock; releases it on drop.
struct WriteGuard<'a>(&'a AtomicBool);

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

fn encode(vlan: u16, mac: MacAddr) -> u64 {
    OCCUPIED | (u64::from(vlan & 0x0fff) << 48) | mac.to_u64()
}

/// The bucket hash of a seeded key: a folded multiply (the 128-bit
/// product by a fixed odd constant, its halves XORed, as foldhash does),
/// byte-swapped so that the low bits the index takes are its top ones,
/// which every bit of the key reaches. Not linear in its input (unlike
/// CRC32, whose collisions hold whatever the seed), and as even as
/// splitmix64 for sequential MACs, VLAN sweeps and a half-full table of a
/// million keys, in a third of the instructions.
#[inline(always)]
fn mix(key: u64) -> u64 {
    let p = u128::from(key) * 0x9e37_79b9_7f4a_7c15;
    ((p as u64) ^ ((p >> 64) as u64)).swap_bytes()
}

/// The hash of `key` in a table seeded with `seed` (its home bucket,
/// masked): `mix` over the seeded key. The table and its fast-path view
/// both hash through here, so that they agree by construction.
#[inline(always)]
fn seeded_hash(key: u64, seed: u64) -> usize {
    mix(key ^ seed) as usize
}

/// splitmix64's finaliser: every input bit reaches every output bit.
#[inline(always)]
fn splitmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn decode(key: u64) -> (u16, MacAddr) {
    (((key >> 48) & 0x0fff) as u16, MacAddr::from_u64(key))
}

impl Fdb {
    /// A table for at most `limit` entries (at least 1).
    pub fn new(limit: usize) -> Fdb {
        let limit = limit.max(1);
        // At most half full, so probe chains stay short.
        let max_slots = (limit * 2).next_power_of_two().max(64);
        let first = Box::new(Slots::new(max_slots.min(FIRST_SLOTS)));
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5eed)
            ^ (first.buckets.as_ptr() as u64);
        Fdb {
            current: AtomicPtr::new(&*first as *const Slots as *mut Slots),
            sizes: Mutex::new(vec![first]),
            max_slots,
            seed: splitmix64(seed),
            limit,
            len: AtomicUsize::new(0),
            writer: AtomicBool::new(false),
            version: AtomicU64::new(0),
            counters: FdbCounters::default(),
            age_due: Mutex::new(None),
        }
    }

    /// Maximum number of entries.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The slots in use.
    #[inline(always)]
    fn slots(&self) -> &Slots {
        // SAFETY: `current` always points at a boxed `Slots` of `sizes`,
        // which are never dropped or moved before the table itself.
        unsafe { &*self.current.load(Ordering::Acquire) }
    }

    /// Slots the table has now (it grows up to twice the limit).
    pub fn capacity(&self) -> usize {
        self.slots().len()
    }

    /// Bytes of slots mapped for the table: the current ones and those it
    /// outgrew.
    pub fn memory_bytes(&self) -> usize {
        let sizes = self.sizes.lock().unwrap_or_else(|e| e.into_inner());
        sizes.iter().map(|t| t.buckets.len()).sum::<usize>() * std::mem::size_of::<Bucket>()
    }

    /// Changes whenever an entry is added, moved or removed (not when an
    /// age is refreshed): a decision made at one version holds until it changes.
    #[inline]
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// True when the table has no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The hash of `key` (its home bucket, masked): `seeded_hash`, as
    /// `FdbView::hash` computes it.
    #[inline]
    fn hash(&self, key: u64) -> usize {
        seeded_hash(key, self.seed)
    }

    /// The key of (`vlan`, `mac`), hashed.
    #[inline]
    pub fn key(&self, vlan: u16, mac: MacAddr) -> FdbKey {
        self.key_bits(vlan, mac.to_u64())
    }

    /// The key of (`vlan`, the MAC address in the low 48 bits of `mac`).
    #[inline]
    pub fn key_bits(&self, vlan: u16, mac: u64) -> FdbKey {
        self.view().key_bits(vlan, mac)
    }

    /// Starts loading the cache line of `k`'s home slot.
    #[inline]
    pub fn prefetch(&self, k: &FdbKey) {
        self.view().prefetch(k)
    }

    /// Looks up a hashed key (see `key`).
    #[inline]
    pub fn lookup_key(&self, k: &FdbKey) -> Option<FdbHit> {
        self.view().lookup_key(k)
    }

    /// Finds the slot holding `key` (its index: bucket times `WAYS` plus
    /// way) and its meta word: lock-free, for any thread.
    #[inline]
    fn find(&self, key: u64) -> Option<(usize, u32)> {
        self.view()
            .find_from(key, self.hash(key))
            .map(|f| (f.bucket * WAYS + f.way, f.meta))
    }

    /// Looks up where `mac` lives in `vlan`.
    #[inline]
    pub fn lookup(&self, vlan: u16, mac: MacAddr) -> Option<FdbHit> {
        self.find(encode(vlan, mac)).map(|(_, meta)| FdbHit {
            port: meta as u16,
            is_static: meta & FLAG_STATIC != 0,
        })
    }

    /// Learns that `mac` in `vlan` was seen on `port` at time `now` (seconds).
    #[inline]
    pub fn learn(&self, vlan: u16, mac: MacAddr, port: u16, now: u32) -> LearnOutcome {
        self.learn_key(&self.key(vlan, mac), port, now)
    }

    /// `learn` for a hashed key (see `key`).
    #[inline]
    pub fn learn_key(&self, k: &FdbKey, port: u16, now: u32) -> LearnOutcome {
        self.view().learn_key(k, port, now)
    }

    /// A station new or moved: learned under the writer lock (if it is
    /// free; a busy lock turns the learner away, counted).
    #[inline(never)]
    pub(super) fn learn_new(&self, key: u64, port: u16, now: u32) -> LearnOutcome {
        let Some(_guard) = self.try_write() else {
            self.counters.busy.fetch_add(1, Ordering::Relaxed);
            return LearnOutcome::Busy;
        };
        let out = self.insert_locked(key, u32::from(port), now, false);
        match out {
            LearnOutcome::Learned => self.counters.learned.fetch_add(1, Ordering::Relaxed),
            LearnOutcome::Moved => self.counters.moves.fetch_add(1, Ordering::Relaxed),
            LearnOutcome::Full => self.counters.full.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
        out
    }

    /// Adds or replaces a static entry; it never ages and learning never moves it.
    pub fn add_static(&self, vlan: u16, mac: MacAddr, port: u16) -> Result<(), FdbError> {
        let _guard = self.write();
        match self.insert_locked(encode(vlan, mac), u32::from(port) | FLAG_STATIC, 0, true) {
            LearnOutcome::Full => Err(FdbError::Full(self.limit)),
            _ => Ok(()),
        }
    }

    /// Removes the entry for `mac` in `vlan`; true if there was one.
    pub fn remove(&self, vlan: u16, mac: MacAddr) -> bool {
        let _guard = self.write();
        match self.find(encode(vlan, mac)) {
            Some((i, _)) => {
                self.remove_locked(self.slots(), i);
                true
            }
            None => false,
        }
    }

    /// Removes every entry `filter` matches; returns how many.
    pub fn flush(&self, filter: FdbFilter) -> usize {
        self.remove_where(|e| filter.matches(e))
    }

    /// Removes learned entries not seen for more than `max_age` seconds.
    /// The whole table is scanned only when something can be that old: a
    /// scan notes the oldest survivor, and until it can age (or the aging
    /// time changes) the next calls return at once. Entries learned or
    /// refreshed since are newer than that survivor, so none is missed.
    pub fn age(&self, now: u32, max_age: u32) -> usize {
        let mut due = self.age_due.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*due, Some((m, at)) if m == max_age && now < at) {
            return 0;
        }
        // A worker's clock may lag the caller's by a second: count its
        // learns as that much older.
        let oldest = Cell::new(now.saturating_sub(2));
        let n = self.remove_where(|e| {
            if e.is_static {
                return false;
            }
            let old = now.wrapping_sub(e.seen) > max_age;
            if !old && e.seen < oldest.get() {
                oldest.set(e.seen);
            }
            old
        });
        *due = Some((
            max_age,
            oldest.get().saturating_add(max_age).saturating_add(1),
        ));
        self.counters.aged.fetch_add(n as u64, Ordering::Relaxed);
        n
    }

    /// A snapshot of every entry.
    pub fn entries(&self) -> Vec<FdbEntry> {
        let t = self.slots();
        (0..t.len()).filter_map(|i| t.entry(i)).collect()
    }

    /// Calls `f` with every entry, in table order, without a copy of the
    /// table (one pass over the slots).
    pub fn for_each(&self, mut f: impl FnMut(FdbEntry)) {
        let t = self.slots();
        for i in 0..t.len() {
            if let Some(e) = t.entry(i) {
                f(e);
            }
        }
    }
    /// Scans in chunks, taking the writer lock per chunk so learners are
    /// turned away only briefly. If the table grew between two chunks, the
    /// scan starts again over the new slots (what it removed was not
    /// copied into them).
    fn remove_where(&self, pred: impl Fn(&FdbEntry) -> bool) -> usize {
        const CHUNK: usize = 4096;
        let mut removed = 0;
        let mut start = 0;
        let mut scanning: *const Slots = self.slots();
        loop {
            let _guard = self.write();
            let t = self.slots();
            if !std::ptr::eq(t, scanning) {
                (scanning, start) = (t, 0);
            }
            if start >= t.len() {
                break;
            }
            let end = (start + CHUNK).min(t.len());
            for i in start..end {
                if let Some(e) = t.entry(i) {
                    if pred(&e) {
                        self.remove_locked(t, i);
                        removed += 1;
                    }
                }
            }
            start = end;
        }
        removed
    }

    fn try_write(&self) -> Option<WriteGuard<'_>> {
        self.writer
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| WriteGuard(&self.writer))
    }

    fn write(&self) -> WriteGuard<'_> {
        loop {
            if let Some(g) = self.try_write() {
                return g;
            }
            std::hint::spin_loop();
        }
    }

    /// Inserts or updates `key`. Caller holds the writer lock.
    fn insert_locked(&self, key: u64, meta: u32, now: u32, force: bool) -> LearnOutcome {
        let t = self.slots();
        let mut b = self.hash(key) & t.mask;
        // The first free slot (empty or a tombstone) on the way.
        let mut free: Option<(usize, usize)> = None;
        for _ in 0..=t.mask {
            let bucket = &t.buckets[b];
            let keys = bucket.keys();
            let hit = ways_holding(&keys, key);
            if hit != 0 {
                let s = hit.trailing_zeros() as usize;
                let old = bucket.meta[s].load(Ordering::Relaxed);
                if old & FLAG_STATIC != 0 && !force {
                    return LearnOutcome::StaticConflict;
                }
                bucket.seen[s].store(now, Ordering::Relaxed);
                bucket.meta[s].store(meta, Ordering::Release);
                self.version.fetch_add(1, Ordering::Release);
                return if old as u16 == meta as u16 {
                    LearnOutcome::Refreshed
                } else {
                    LearnOutcome::Moved
                };
            }
            let empty = ways_holding(&keys, EMPTY);
            let open = empty | ways_holding(&keys, TOMB);
            if open != 0 && free.is_none() {
                free = Some((b, open.trailing_zeros() as usize));
            }
            if empty != 0 {
                break;
            }
            b = (b + 1) & t.mask;
        }
        let len = self.len.load(Ordering::Relaxed);
        if len >= self.limit {
            return LearnOutcome::Full;
        }
        if (len + 1) * 2 > t.len() && t.len() < self.max_slots {
            self.grow_locked(t);
            return self.insert_locked(key, meta, now, force);
        }
        let Some((b, s)) = free else {
            return LearnOutcome::Full;
        };
        let bucket = &t.buckets[b];
        bucket.seen[s].store(now, Ordering::Relaxed);
        bucket.meta[s].store(meta, Ordering::Release);
        bucket.keys[s].store(key, Ordering::Release);
        self.len.fetch_add(1, Ordering::Relaxed);
        self.version.fetch_add(1, Ordering::Release);
        LearnOutcome::Learned
    }

    /// Moves every entry of `old` (the current slots) into slots twice as
    /// many, then makes those current. Caller holds the writer lock, so
    /// nothing else writes an entry meanwhile; a worker refreshing an age
    /// in `old` during the copy may lose that second.
    #[cold]
    fn grow_locked(&self, old: &Slots) {
        let new = Box::new(Slots::new(old.len() * 2));
        for from in old.buckets.iter() {
            for s in 0..WAYS {
                let key = from.keys[s].load(Ordering::Relaxed);
                if key & OCCUPIED == 0 {
                    continue;
                }
                let mut b = self.hash(key) & new.mask;
                let (to, t) = loop {
                    let empty = ways_holding(&new.buckets[b].keys(), EMPTY);
                    if empty != 0 {
                        break (&new.buckets[b], empty.trailing_zeros() as usize);
                    }
                    b = (b + 1) & new.mask;
                };
                to.seen[t].store(from.seen[s].load(Ordering::Relaxed), Ordering::Relaxed);
                to.meta[t].store(from.meta[s].load(Ordering::Relaxed), Ordering::Relaxed);
                to.keys[t].store(key, Ordering::Relaxed);
            }
        }
        let ptr = &*new as *const Slots as *mut Slots;
        self.sizes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(new);
        // Release: a reader that sees the new slots sees their entries.
        self.current.store(ptr, Ordering::Release);
    }

    /// Deletes slot `i` of `t` (the current slots). Caller holds the
    /// writer lock.
    fn remove_locked(&self, t: &Slots, i: usize) {
        let (b, s) = (i / WAYS, i % WAYS);
        let bucket = &t.buckets[b];
        // Another empty slot ends every probe here already: this one can
        // be empty too. Else a probe may have to pass: a tombstone.
        let ends_probes = ways_holding(&bucket.keys(), EMPTY) != 0;
        let to = if ends_probes { EMPTY } else { TOMB };
        bucket.keys[s].store(to, Ordering::Release);
        self.len.fetch_sub(1, Ordering::Relaxed);
        self.version.fetch_add(1, Ordering::Release);
        self.empty_tombstones_locked(t, if ends_probes { b.wrapping_sub(1) } else { b });
    }

    /// Empties the tombstones of bucket `b` if no probe needs to pass it,
    /// then of the bucket before it, and so on: it stops at a bucket with
    /// an empty slot (nothing to do), one without tombstones, or one a
    /// probe needs. Caller holds the writer lock.
    fn empty_tombstones_locked(&self, t: &Slots, mut b: usize) {
        for _ in 0..=t.mask {
            b &= t.mask;
            let bucket = &t.buckets[b];
            let keys = bucket.keys();
            let tombs = ways_holding(&keys, TOMB);
            if ways_holding(&keys, EMPTY) != 0 || tombs == 0 || self.probes_pass_locked(t, b) {
                return;
            }
            for s in 0..WAYS {
                if tombs & (1 << s) != 0 {
                    bucket.keys[s].store(EMPTY, Ordering::Release);
                }
            }
            b = b.wrapping_sub(1);
        }
    }

    /// True if a key stored after bucket `b` (up to the first bucket with
    /// an empty slot, where every probe ends) has its home at or before
    /// `b`: its lookup passes `b`, which must then keep its tombstones.
    fn probes_pass_locked(&self, t: &Slots, b: usize) -> bool {
        let mut j = b;
        for _ in 0..t.mask {
            j = (j + 1) & t.mask;
            let keys = t.buckets[j].keys();
            let gap = j.wrapping_sub(b) & t.mask;
            let passes = keys.iter().any(|&k| {
                k & OCCUPIED != 0 && j.wrapping_sub(self.hash(k) & t.mask) & t.mask >= gap
            });
            if passes {
                return true;
            }
            if ways_holding(&keys, EMPTY) != 0 {
                return false;
            }
        }
        true
    }
}

mod bucket;
#[cfg(test)]
mod tests;
mod view;

use bucket::{ways_holding, Bucket, WAYS};

pub use view::FdbView;
