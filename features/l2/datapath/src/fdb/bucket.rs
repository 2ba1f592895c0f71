//! A bucket of the FDB: four slots in one cache line, and the compare of
//! a key against all four at once.
//!
//! The fast path loads a bucket's four keys as two 16-byte vectors and
//! compares them with SSE4.1 (x86-64-v2, which DPDK's own `-march=corei7`
//! requires anyway; `.cargo/config.toml` sets it): two 64-bit compares, a
//! pack and a mask, where four scalar compares and the bit-assembly of
//! their results took three times the instructions. The control path
//! compares one key at a time.

use super::EMPTY;
#[cfg(test)]
use super::OCCUPIED;
use dataplane::bigmem::Zeroable;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Slots in a bucket.
pub(super) const WAYS: usize = 4;

/// Four slots in one cache line: their keys first, so a lookup reads them
/// together, then their meta words and ages.
#[derive(Default)]
#[repr(C, align(64))]
pub(super) struct Bucket {
    /// `EMPTY`, `TOMB` or `OCCUPIED | vlan << 48 | mac`.
    pub(super) keys: [AtomicU64; WAYS],
    /// Port in the low 16 bits, flags above.
    pub(super) meta: [AtomicU32; WAYS],
    /// Last time (seconds, caller's clock) a frame from this source was seen.
    pub(super) seen: [AtomicU32; WAYS],
}

// SAFETY: a Bucket is atomics only; all zeroes is four empty slots.
unsafe impl Zeroable for Bucket {}

impl Bucket {
    /// The four keys, each read with acquire ordering.
    #[inline(always)]
    pub(super) fn keys(&self) -> [u64; WAYS] {
        [
            self.keys[0].load(Ordering::Acquire),
            self.keys[1].load(Ordering::Acquire),
            self.keys[2].load(Ordering::Acquire),
            self.keys[3].load(Ordering::Acquire),
        ]
    }
}

/// Bit `s` set for each slot `s` of `keys` that holds `want`.
#[inline(always)]
pub(super) fn ways_holding(keys: &[u64; WAYS], want: u64) -> u32 {
    u32::from(keys[0] == want)
        | u32::from(keys[1] == want) << 1
        | u32::from(keys[2] == want) << 2
        | u32::from(keys[3] == want) << 3
}

/// A bucket's four keys as a reader loaded them, for compares.
#[derive(Clone, Copy)]
pub(super) struct KeyLine(
    #[cfg(all(target_arch = "x86_64", target_feature = "sse4.1"))] [std::arch::x86_64::__m128i; 2],
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse4.1")))] [u64; WAYS],
);

#[cfg(all(target_arch = "x86_64", target_feature = "sse4.1"))]
impl KeyLine {
    /// Loads the keys of `bucket`: two aligned 16-byte loads.
    #[inline(always)]
    pub(super) fn load(bucket: &Bucket) -> KeyLine {
        use std::arch::x86_64::__m128i;
        let (lo, hi): (__m128i, __m128i);
        // SAFETY: the keys are the bucket's first 32 bytes, 64-byte aligned
        // (`repr(align(64))`), valid for reads as long as `bucket`. The
        // load is in assembly, so that the compiler sees an opaque read of
        // memory other threads write with atomic stores, not a racy plain
        // load: on x86-64 each aligned 8-byte half of a 16-byte load reads
        // one whole key, never a torn one, and a reader checks a match
        // again with an atomic load before it trusts it.
        unsafe {
            std::arch::asm!(
                "movdqa {lo}, xmmword ptr [{p}]",
                "movdqa {hi}, xmmword ptr [{p} + 16]",
                p = in(reg) bucket.keys.as_ptr(),
                lo = out(xmm_reg) lo,
                hi = out(xmm_reg) hi,
                options(nostack, preserves_flags, readonly),
            );
        }
        KeyLine([lo, hi])
    }

    /// Bit `s` set for each slot `s` that holds `want`: two 64-bit
    /// compares (SSE4.1), their four results packed to one 32-bit lane
    /// each, and the lanes' sign bits.
    #[inline(always)]
    pub(super) fn holding(&self, want: u64) -> u32 {
        use std::arch::x86_64::{
            _mm_castsi128_ps, _mm_cmpeq_epi64, _mm_movemask_ps, _mm_packs_epi32, _mm_set1_epi64x,
        };
        // SAFETY: SSE4.1 is enabled at compile time (this impl's cfg);
        // these only compute on registers.
        unsafe {
            let w = _mm_set1_epi64x(want as i64);
            let lo = _mm_cmpeq_epi64(self.0[0], w);
            let hi = _mm_cmpeq_epi64(self.0[1], w);
            _mm_movemask_ps(_mm_castsi128_ps(_mm_packs_epi32(lo, hi))) as u32
        }
    }
}

/// Without SSE4.1 (another target, or a build without `.cargo/config.toml`'s
/// `x86-64-v2`): four scalar compares.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse4.1")))]
impl KeyLine {
    /// Loads the keys of `bucket`.
    #[inline(always)]
    pub(super) fn load(bucket: &Bucket) -> KeyLine {
        KeyLine(bucket.keys())
    }

    /// Bit `s` set for each slot `s` that holds `want`.
    #[inline(always)]
    pub(super) fn holding(&self, want: u64) -> u32 {
        ways_holding(&self.0, want)
    }
}

impl KeyLine {
    /// True if a slot is empty (every probe ends in this bucket).
    #[inline(always)]
    pub(super) fn has_empty(&self) -> bool {
        self.holding(EMPTY) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_line_finds_each_slot_and_only_whole_keys() {
        let b = Bucket::default();
        let keys = [OCCUPIED | 7, OCCUPIED | 7 << 32, 1, OCCUPIED | 9];
        for (s, k) in keys.iter().enumerate() {
            b.keys[s].store(*k, Ordering::Relaxed);
        }
        let line = KeyLine::load(&b);
        for (s, k) in keys.iter().enumerate() {
            assert_eq!(line.holding(*k), 1 << s, "slot {s}");
        }
        assert_eq!(
            line.holding(OCCUPIED | 7 << 32 | 7),
            0,
            "halves of two keys"
        );
        assert_eq!(line.holding(OCCUPIED), 0);
        assert!(!line.has_empty());
        b.keys[2].store(EMPTY, Ordering::Relaxed);
        assert!(KeyLine::load(&b).has_empty());
        assert_eq!(KeyLine::load(&b).holding(EMPTY), 1 << 2);
    }
}
