//! The FDB as a worker's fast path reads it for one vector: the current
//! slots' base and mask and the hash seed copied once into a small value,
//! so that the probes keep them in registers (or one stack load away)
//! instead of reading them through the table again after every atomic
//! load. A view made before the table grew reads the slots it outgrew,
//! which stay as they were: a vector's worth of staleness, as when an
//! entry changes under a probe.

use super::bucket::KeyLine;
use super::{
    seeded_hash, Bucket, Fdb, FdbHit, FdbKey, LearnOutcome, FLAG_STATIC, MAC_BITS, OCCUPIED,
};
use std::marker::PhantomData;
use std::sync::atomic::Ordering;

/// A read view of an `Fdb` for the fast path (learning goes through it
/// too: a new or moved station is learned by the table, under its lock).
#[derive(Clone, Copy)]
pub struct FdbView<'a> {
    fdb: &'a Fdb,
    base: *const Bucket,
    mask: usize,
    seed: u64,
    _slots: PhantomData<&'a [Bucket]>,
}

/// Where a lookup found its key.
#[derive(Clone, Copy)]
pub(super) struct Found {
    /// The bucket's index.
    pub(super) bucket: usize,
    /// The slot within it.
    pub(super) way: usize,
    /// The slot's meta word, read between two reads of its key.
    pub(super) meta: u32,
}

impl Fdb {
    /// The view the fast path reads the table through.
    #[inline(always)]
    pub fn view(&self) -> FdbView<'_> {
        let slots = self.slots();
        FdbView {
            fdb: self,
            base: slots.buckets.as_ptr(),
            mask: slots.mask,
            seed: self.seed,
            _slots: PhantomData,
        }
    }
}

impl<'a> FdbView<'a> {
    /// Bucket `b & mask`.
    #[inline(always)]
    fn bucket(&self, b: usize) -> &'a Bucket {
        // SAFETY: `base` is the start of the table's buckets, which number
        // mask + 1 (`Slots::new`) and live as long as the table ('a); `b &
        // mask` is at most mask.
        unsafe { &*self.base.add(b & self.mask) }
    }

    /// The hash of `key`, whose low bits are its home bucket in a table of
    /// any size: `seeded_hash`. A single multiply-shift by a
    /// random multiplier was cheaper still, but with linear probing some
    /// multipliers cluster the generator's sequential MACs (l2-bridge went
    /// from 180 to 430 instructions a packet at 64K stations on one run):
    /// the multiplier is fixed and the seed goes into the key.
    #[inline(always)]
    pub(super) fn hash(&self, key: u64) -> usize {
        seeded_hash(key, self.seed)
    }

    /// The key of (`vlan`, the MAC address in the low 48 bits of `mac`).
    #[inline(always)]
    pub fn key_bits(&self, vlan: u16, mac: u64) -> FdbKey {
        let key = OCCUPIED | (u64::from(vlan & 0x0fff) << 48) | (mac & MAC_BITS);
        FdbKey {
            key,
            hash: self.hash(key),
        }
    }

    /// Starts loading the cache line of `k`'s home bucket.
    #[inline(always)]
    pub fn prefetch(&self, k: &FdbKey) {
        dataplane::mbuf::prefetch(self.bucket(k.hash) as *const Bucket as *const u8);
    }

    /// Finds the slot holding `key`, probing buckets from its home (`hash`
    /// masked). Lock-free: a slot's key is read again after its meta
    /// word, and a key rewritten in between starts the probe again.
    #[inline(always)]
    pub(super) fn find_from(&self, key: u64, hash: usize) -> Option<Found> {
        'retry: loop {
            let mut b = hash & self.mask;
            // A probe ends at a bucket with an empty slot (the table is at
            // most half full); the bound is for one full of tombstones.
            let mut left = self.mask;
            loop {
                let bucket = self.bucket(b);
                let keys = KeyLine::load(bucket);
                let hit = keys.holding(key);
                if hit != 0 {
                    let way = hit.trailing_zeros() as usize;
                    let meta = bucket.meta[way].load(Ordering::Acquire);
                    if bucket.keys[way].load(Ordering::Acquire) == key {
                        return Some(Found {
                            bucket: b,
                            way,
                            meta,
                        });
                    }
                    // Rewritten under us: start again.
                    continue 'retry;
                }
                if keys.has_empty() || left == 0 {
                    return None;
                }
                left -= 1;
                b = (b + 1) & self.mask;
            }
        }
    }

    /// Looks up a hashed key.
    #[inline(always)]
    pub fn lookup_key(&self, k: &FdbKey) -> Option<FdbHit> {
        self.find_from(k.key, k.hash).map(|f| FdbHit {
            port: f.meta as u16,
            is_static: f.meta & FLAG_STATIC != 0,
        })
    }

    /// Learns that the station of `k` was seen on `port` at `now`
    /// (seconds): inline for the common case, a station already known on
    /// its port (its age refreshed with a relaxed store, only when the
    /// second changed).
    #[inline(always)]
    pub fn learn_key(&self, k: &FdbKey, port: u16, now: u32) -> LearnOutcome {
        if let Some(f) = self.find_from(k.key, k.hash) {
            if f.meta as u16 == port {
                let seen = &self.bucket(f.bucket).seen[f.way];
                if seen.load(Ordering::Relaxed) != now {
                    seen.store(now, Ordering::Relaxed);
                }
                return LearnOutcome::Refreshed;
            }
            if f.meta & FLAG_STATIC != 0 {
                return LearnOutcome::StaticConflict;
            }
        }
        self.fdb.learn_new(k.key, port, now)
    }
}
