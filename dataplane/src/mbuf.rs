//! A single-owner packet buffer.

use crate::mempool::PktPool;
use std::ptr::NonNull;

/// `RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL`: the data belongs to another buffer.
const NOT_OWN_DATA: u64 = (1 << 62) | (1 << 61);

/// One packet buffer. Owned by exactly one holder; dropping it frees it.
/// `#[repr(transparent)]` so a slice of `Mbuf` is an array of
/// `struct rte_mbuf *` for burst calls.
#[repr(transparent)]
pub struct Mbuf(NonNull<dpdk_sys::rte_mbuf>);

// SAFETY: an mbuf is owned by one holder at a time; freeing it from any
// lcore is allowed by DPDK.
unsafe impl Send for Mbuf {}

impl Mbuf {
    /// Takes ownership of a raw mbuf.
    ///
    /// # Safety
    /// `raw` must be a valid single-segment mbuf that nobody else will free.
    #[inline]
    pub unsafe fn from_raw(raw: NonNull<dpdk_sys::rte_mbuf>) -> Mbuf {
        Mbuf(raw)
    }

    /// Gives up ownership, returning the raw pointer.
    #[inline]
    pub fn into_raw(self) -> *mut dpdk_sys::rte_mbuf {
        let p = self.0.as_ptr();
        std::mem::forget(self);
        p
    }

    #[inline]
    fn raw(&self) -> &dpdk_sys::rte_mbuf {
        // SAFETY: we own a valid mbuf for as long as self lives.
        unsafe { self.0.as_ref() }
    }

    /// Bytes of packet data in this (first) segment.
    #[inline]
    pub fn len(&self) -> usize {
        self.raw().data_len as usize
    }

    /// True when the segment holds no data.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total packet length over all segments.
    #[inline]
    pub fn pkt_len(&self) -> u32 {
        self.raw().pkt_len
    }

    /// The port the packet arrived on.
    #[inline]
    pub fn port(&self) -> u16 {
        self.raw().port
    }

    /// The packet data of the first segment.
    #[inline]
    pub fn data(&self) -> &[u8] {
        let m = self.raw();
        // SAFETY: buf_addr + data_off .. + data_len lies inside the mbuf's
        // buffer, which lives as long as self; the borrow ties the slice to it.
        unsafe {
            std::slice::from_raw_parts(
                (m.buf_addr as *const u8).add(m.data_off as usize),
                m.data_len as usize,
            )
        }
    }

    /// True when no other holder can see this buffer's data: one reference,
    /// and the data is the mbuf's own (not attached from another mbuf).
    #[inline]
    fn exclusive(&self) -> bool {
        self.raw().ol_flags & NOT_OWN_DATA == 0 && self.refcnt() == 1
    }

    /// The packet data, writable; `None` while the data is shared with other
    /// holders (see `share` and `clone_indirect`).
    #[inline]
    pub fn data_mut(&mut self) -> Option<&mut [u8]> {
        if !self.exclusive() {
            return None;
        }
        let m = self.raw();
        // SAFETY: as in `data`, and refcnt == 1 means no other holder can
        // read or write these bytes while the &mut borrow lives.
        Some(unsafe {
            std::slice::from_raw_parts_mut(
                (m.buf_addr as *mut u8).add(m.data_off as usize),
                m.data_len as usize,
            )
        })
    }

    /// How many holders share this buffer.
    #[inline]
    pub fn refcnt(&self) -> u16 {
        // SAFETY: valid mbuf; DPDK updates `refcnt` with atomic operations,
        // so it is read as an atomic (relaxed, as rte_mbuf_refcnt_read does),
        // and AtomicU16 has u16's size and alignment.
        unsafe {
            let p = std::ptr::addr_of!((*self.0.as_ptr()).refcnt)
                as *const std::sync::atomic::AtomicU16;
            (*p).load(std::sync::atomic::Ordering::Relaxed)
        }
    }

    /// Another owner of the same buffer (the reference count goes up), for
    /// sending one frame out of several ports without copying it. Neither
    /// holder may then write the data (`data_mut` returns `None`).
    #[inline]
    pub fn share(&self) -> Mbuf {
        // SAFETY: valid mbuf; every segment's count goes up (a free walks
        // all segments), balanced by the new owner's free.
        unsafe { dpdk_sys::lisa_pktmbuf_refcnt_update(self.0.as_ptr(), 1) };
        Mbuf(self.0)
    }

    /// Starts the data `len` bytes earlier (into the headroom) and returns
    /// the new first bytes; `None` without enough headroom or when shared.
    pub fn prepend(&mut self, len: u16) -> Option<&mut [u8]> {
        if !self.exclusive() {
            return None;
        }
        // SAFETY: valid, unshared mbuf.
        let p = unsafe { dpdk_sys::lisa_pktmbuf_prepend(self.0.as_ptr(), len) };
        if p.is_null() {
            return None;
        }
        self.data_mut().map(|d| &mut d[..len as usize])
    }

    /// Drops `len` bytes from the start; false if the packet is shorter or shared.
    pub fn adj(&mut self, len: u16) -> bool {
        if self.refcnt() != 1 {
            return false;
        }
        // SAFETY: valid, unshared mbuf.
        !unsafe { dpdk_sys::lisa_pktmbuf_adj(self.0.as_ptr(), len) }.is_null()
    }
}

impl Mbuf {
    /// A new, empty buffer from `pool`.
    #[inline]
    pub fn alloc(pool: &PktPool) -> Option<Mbuf> {
        // SAFETY: the pool is alive; a non-null result is a fresh mbuf we own.
        NonNull::new(unsafe { dpdk_sys::lisa_pktmbuf_alloc(pool.as_ptr()) }).map(Mbuf)
    }

    /// Appends `bytes` to the end of the (last) segment; false without room.
    pub fn append(&mut self, bytes: &[u8]) -> bool {
        if !self.exclusive() {
            return false;
        }
        // SAFETY: valid, unshared mbuf; a non-null result points at
        // bytes.len() writable bytes inside its buffer.
        unsafe {
            let p = dpdk_sys::lisa_pktmbuf_append(self.0.as_ptr(), bytes.len() as u16);
            if p.is_null() {
                return false;
            }
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p as *mut u8, bytes.len());
        }
        true
    }

    /// A new mbuf from `pool` that points at this one's data without copying
    /// it (an indirect mbuf); the data is read-only for both from then on.
    #[inline]
    pub fn clone_indirect(&self, pool: &PktPool) -> Option<Mbuf> {
        // SAFETY: valid mbuf and pool; the clone holds a reference on our data.
        NonNull::new(unsafe { dpdk_sys::lisa_pktmbuf_clone(self.0.as_ptr(), pool.as_ptr()) })
            .map(Mbuf)
    }

    /// A copy of the whole packet (every segment) in new buffers from
    /// `pool`, chained as the pool's buffer size requires; the copy is
    /// ours to change.
    #[inline]
    pub fn copy(&self, pool: &PktPool) -> Option<Mbuf> {
        // SAFETY: valid mbuf and pool; rte_pktmbuf_copy only reads the
        // source, and a non-null result is a fresh packet we own.
        NonNull::new(unsafe {
            dpdk_sys::rte_pktmbuf_copy(self.0.as_ptr(), pool.as_ptr(), 0, u32::MAX)
        })
        .map(Mbuf)
    }

    /// Appends `tail` as the next segment(s) of this packet.
    pub fn chain(&mut self, tail: Mbuf) -> bool {
        let t = tail.into_raw();
        // SAFETY: both valid; on success the head owns the tail.
        let rc = unsafe { dpdk_sys::lisa_pktmbuf_chain(self.0.as_ptr(), t) };
        if rc != 0 {
            // SAFETY: the chain failed, so we still own the tail: free it.
            unsafe { dpdk_sys::lisa_pktmbuf_free(t) };
            return false;
        }
        true
    }
}

/// Starts loading the cache line at `p` (a hint; never faults).
#[inline(always)]
pub fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint to the cache: it reads nothing the
    // program sees and never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Starts loading the cache line at `p` for writing (`PREFETCHW`: the
/// line comes exclusive, so the store that follows needs no second trip to
/// the core that last wrote it; a hint, never faults; a no-op on CPUs
/// without it).
#[inline(always)]
pub fn prefetch_write(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it reads and writes nothing the
    // program sees and never faults, whatever the address.
    unsafe {
        std::arch::asm!("prefetchw [{0}]", in(reg) p, options(nostack, readonly, preserves_flags))
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl Drop for Mbuf {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: we own this reference to the mbuf; it is not used again.
        unsafe { dpdk_sys::lisa_pktmbuf_free(self.0.as_ptr()) }
    }
}
