//! A split virtqueue (virtio 1.x, section 2.7) as the device side works
//! it: the driver's available ring read, descriptors copied out one at a
//! time, the used ring written and published, and the decision whether
//! the driver wants a notification (`VIRTIO_RING_F_EVENT_IDX` or the
//! avail ring's `NO_INTERRUPT` flag).
//!
//! The three parts live in guest memory, which the guest may write at any
//! time: every field is read once, with a volatile (or atomic) load, into
//! a local value that is checked before use; nothing here keeps a Rust
//! reference into the ring.

use std::ptr::NonNull;
use std::sync::atomic::{fence, AtomicU16, Ordering};

/// Descriptor flag: the chain goes on at `next`.
pub const DESC_F_NEXT: u16 = 1;
/// Descriptor flag: the device writes this buffer (an rx buffer).
pub const DESC_F_WRITE: u16 = 2;
/// Descriptor flag: the buffer is a table of descriptors.
pub const DESC_F_INDIRECT: u16 = 4;
/// Avail ring flag: the driver wants no notification (without event idx).
pub const AVAIL_F_NO_INTERRUPT: u16 = 1;

/// One descriptor as the ring holds it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Desc {
    /// Guest-physical address of the buffer.
    pub addr: u64,
    /// Bytes in the buffer.
    pub len: u32,
    /// `DESC_F_*`.
    pub flags: u16,
    /// The next descriptor of the chain, with `DESC_F_NEXT`.
    pub next: u16,
}

/// Used entries kept back until `publish` (a burst's; more are written
/// early, unpublished).
const SHADOW: usize = 64;

/// One used ring element as the ring holds it (virtio 1.x, 2.7.8).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct UsedElem {
    /// The head of the chain used.
    id: u32,
    /// Bytes written into it.
    len: u32,
}

/// Where a queue's three parts are mapped in this process, and its size.
#[derive(Clone, Copy, Debug)]
pub struct RingAddrs {
    /// The descriptor table (`size` entries).
    pub desc: NonNull<Desc>,
    /// The available ring: flags, idx, `size` heads, used_event.
    pub avail: NonNull<u16>,
    /// The used ring: flags, idx, `size` (id, len) pairs, avail_event.
    pub used: NonNull<u16>,
    /// Entries (a power of two).
    pub size: u16,
}

/// A ring lisad cannot work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RingError {
    /// Split rings have a power-of-two size (virtio 1.x, 2.7).
    #[error("virtqueue size {0} is not a power of two")]
    Size(u16),
}

/// A free-running 16-bit ring index kept in 32 bits. A frame's `take`
/// and `push_used` store the indices one at a time, and the compiler reads
/// a 16-bit field with a 32-bit load when it only needs the low bits: a
/// load wider than the pending store it depends on, which the core cannot
/// forward (`perf annotate`: a third of `frame::deliver`'s samples waited
/// on one). Stored as 32 bits, every load of it is within one store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
struct Index(u32);

impl Index {
    #[inline(always)]
    fn new(v: u16) -> Index {
        Index(u32::from(v))
    }

    #[inline(always)]
    fn get(self) -> u16 {
        self.0 as u16
    }
}

/// The device side of one split virtqueue.
pub struct SplitQueue {
    ring: RingAddrs,
    mask: u16,
    /// The next available entry to take.
    last_avail: Index,
    /// The next used entry to write.
    last_used: Index,
    /// `last_used` as of the last notification (event idx).
    signalled: Option<u16>,
    /// The driver's avail idx as last read (`pending`).
    avail_seen: Index,
    /// Used entries not written to the ring yet, from index `shadow_from`:
    /// written together at `publish` (as the vhost library's shadow used
    /// ring), so that the driver's core, reading the ring, loses its lines
    /// once a burst rather than once an entry.
    shadow: [UsedElem; SHADOW],
    shadow_from: Index,
    event_idx: bool,
}

// SAFETY: the ring's memory is shared with the guest by design; a
// SplitQueue is used by one worker at a time (the port's gate), and moving
// it between threads moves only pointers and indices.
unsafe impl Send for SplitQueue {}

impl SplitQueue {
    /// The queue at `ring`, resuming at the indices the vhost library kept
    /// (`rte_vhost_get_vring_base`).
    ///
    /// # Safety
    /// `ring`'s three parts must be mapped, with their sizes for
    /// `ring.size` entries, for as long as the queue is used.
    pub unsafe fn new(
        ring: RingAddrs,
        last_avail: u16,
        last_used: u16,
        event_idx: bool,
    ) -> Result<SplitQueue, RingError> {
        if ring.size == 0 || !ring.size.is_power_of_two() {
            return Err(RingError::Size(ring.size));
        }
        Ok(SplitQueue {
            ring,
            mask: ring.size - 1,
            last_avail: Index::new(last_avail),
            last_used: Index::new(last_used),
            signalled: None,
            avail_seen: Index::new(last_avail),
            shadow: [UsedElem::default(); SHADOW],
            shadow_from: Index::new(last_used),
            event_idx,
        })
    }

    /// Entries in the queue.
    pub fn size(&self) -> u16 {
        self.ring.size
    }

    /// The indices to hand back to the library when the queue stops
    /// (`rte_vhost_set_vring_base`): next available, next used.
    pub fn indices(&self) -> (u16, u16) {
        (self.last_avail.get(), self.last_used.get())
    }

    fn avail_word(&self, i: usize) -> *const u16 {
        // In bounds for i <= size + 2 (the avail ring's words).
        self.ring.avail.as_ptr().wrapping_add(i)
    }

    /// Heads the driver made available that are not taken yet; at most the
    /// ring's size (a driver that claims more is not believed).
    #[inline]
    pub fn pending(&mut self) -> u16 {
        // SAFETY: the avail ring's idx word is mapped (`new`'s contract),
        // 2-byte aligned; the driver writes it, so it is read atomically;
        // acquire orders the reads of the heads after it.
        let idx = unsafe { (*(self.avail_word(1) as *const AtomicU16)).load(Ordering::Acquire) };
        self.avail_seen = Index::new(idx);
        idx.wrapping_sub(self.last_avail.get()).min(self.ring.size)
    }

    /// Heads pending as of the last `pending` (no read of the driver's
    /// index, whose cache line the driver keeps writing): what a burst
    /// can take before it needs to look again.
    #[inline]
    pub fn pending_seen(&self) -> u16 {
        let n = self.avail_seen.get().wrapping_sub(self.last_avail.get());
        if n > self.ring.size {
            // A rewind or a driver's bad index: look again.
            0
        } else {
            n
        }
    }

    /// The head of the `i`-th pending entry (`i < pending()`), unchecked:
    /// `desc` checks it.
    #[inline]
    pub fn head(&self, i: u16) -> u16 {
        let slot = usize::from(self.last_avail.get().wrapping_add(i) & self.mask);
        // SAFETY: slot < size: a word of the avail ring's heads, mapped.
        unsafe { std::ptr::read_volatile(self.avail_word(2 + slot)) }
    }

    /// Goes back to `indices` (from `indices()`), undoing takes and used
    /// entries not yet published.
    #[inline]
    pub fn rewind(&mut self, indices: (u16, u16)) {
        self.last_avail = Index::new(indices.0);
        self.last_used = Index::new(indices.1);
        if indices.1.wrapping_sub(self.shadow_from.get()) > SHADOW as u16 {
            // Back past entries already written (not published): they are
            // written again from here.
            self.shadow_from = self.last_used;
        }
    }

    /// Marks `n` pending entries taken.
    #[inline]
    pub fn take(&mut self, n: u16) {
        self.last_avail = Index::new(self.last_avail.get().wrapping_add(n));
    }

    /// A copy of descriptor `id` of the table; `None` past its end.
    #[inline]
    pub fn desc(&self, id: u16) -> Option<Desc> {
        if id >= self.ring.size {
            return None;
        }
        // SAFETY: id < size: an entry of the mapped descriptor table.
        Some(unsafe { std::ptr::read_volatile(self.ring.desc.as_ptr().add(usize::from(id))) })
    }

    /// Starts loading descriptor `id` into the cache (a hint, for the
    /// heads a burst is about to walk).
    #[inline]
    pub fn prefetch_desc(&self, id: u16) {
        let p = self
            .ring
            .desc
            .as_ptr()
            .wrapping_add(usize::from(id & self.mask));
        crate::mbuf::prefetch(p as *const u8);
    }

    /// Writes the next used entry: chain `id`, `len` bytes written to it.
    /// Seen by the driver at the next `publish`.
    #[inline]
    pub fn push_used(&mut self, id: u16, len: u32) {
        let mut k = usize::from(self.last_used.get().wrapping_sub(self.shadow_from.get()));
        if k >= SHADOW {
            self.write_shadow();
            k = 0;
        }
        self.shadow[k] = UsedElem {
            id: u32::from(id),
            len,
        };
        self.last_used = Index::new(self.last_used.get().wrapping_add(1));
    }

    /// Element `slot` (< size) of the used ring.
    #[inline(always)]
    fn used_elem(&self, slot: usize) -> *mut UsedElem {
        // The elements follow the flags and idx words (4 bytes).
        (self.ring.used.as_ptr().wrapping_add(2) as *mut UsedElem).wrapping_add(slot)
    }

    /// Writes the shadowed used entries to the ring (not yet published):
    /// one copy, two where the ring wraps, as the vhost library's
    /// `do_flush_shadow_used_ring_split` (a few vector stores where an
    /// entry at a time took two stores each, and the store buffer filled
    /// behind the ring's lines).
    #[inline]
    fn write_shadow(&mut self) {
        // At most SHADOW (`push_used`, `rewind`); the bound keeps the copy in
        // the shadow whatever happens.
        let n = usize::from(self.last_used.get().wrapping_sub(self.shadow_from.get())).min(SHADOW);
        let mut done = 0;
        while done < n {
            let slot = usize::from(self.shadow_from.get().wrapping_add(done as u16) & self.mask);
            let count = (n - done).min(usize::from(self.ring.size) - slot);
            // SAFETY: done + count <= n <= SHADOW entries of the shadow;
            // slot + count <= size: elements of the mapped used ring, which
            // the driver does not read before `publish` stores the idx
            // (release).
            unsafe {
                std::ptr::copy_nonoverlapping(
                    self.shadow.as_ptr().add(done),
                    self.used_elem(slot),
                    count,
                )
            };
            done += count;
        }
        self.shadow_from = self.last_used;
    }

    /// Makes the used entries written so far visible to the driver.
    #[inline]
    pub fn publish(&mut self) {
        self.write_shadow();
        // SAFETY: the used ring's idx word, mapped and aligned; release
        // orders the elements' writes before it.
        unsafe {
            (*(self.ring.used.as_ptr().add(1) as *const AtomicU16))
                .store(self.last_used.get(), Ordering::Release)
        };
    }

    /// True if the driver wants to hear of the entries published since the
    /// last notification: with event idx, once `last_used` passed the
    /// driver's `used_event`; without, unless it set `NO_INTERRUPT`.
    /// Called after `publish`; a true answer counts as notified.
    #[inline]
    pub fn needs_call(&mut self) -> bool {
        // The used idx store must be visible before the driver's flag or
        // event is read, or a driver that just went to sleep is missed.
        fence(Ordering::SeqCst);
        let new = self.last_used.get();
        if !self.event_idx {
            // SAFETY: the avail ring's flags word, mapped, aligned.
            let flags =
                unsafe { (*(self.avail_word(0) as *const AtomicU16)).load(Ordering::Relaxed) };
            return flags & AVAIL_F_NO_INTERRUPT == 0;
        }
        // SAFETY: used_event follows the heads: word 2 + size, mapped.
        let event = unsafe {
            (*(self.avail_word(2 + usize::from(self.ring.size)) as *const AtomicU16))
                .load(Ordering::Relaxed)
        };
        let old = self.signalled.replace(new);
        match old {
            // Virtio's vring_need_event: did new pass event since old?
            Some(old) => new.wrapping_sub(event).wrapping_sub(1) < new.wrapping_sub(old),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vhost::testing::TestRing;

    #[test]
    fn takes_what_the_driver_offers_and_returns_it_used() {
        let mut r = TestRing::new(8);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        assert_eq!(q.pending(), 0);
        r.desc[3] = Desc {
            addr: 0x1000,
            len: 60,
            flags: 0,
            next: 0,
        };
        r.offer(3);
        assert_eq!(q.pending(), 1);
        assert_eq!(q.head(0), 3);
        assert_eq!(q.desc(3).unwrap().len, 60);
        assert!(q.desc(8).is_none(), "past the table");
        q.take(1);
        assert_eq!(q.pending(), 0);
        q.push_used(3, 0);
        assert_eq!(r.used_idx(), 0, "not before publish");
        q.publish();
        assert_eq!(r.used_idx(), 1);
        assert_eq!(r.used_elem(0), (3, 0));
        assert_eq!(q.indices(), (1, 1));
    }

    #[test]
    fn used_entries_past_the_shadow_are_written_and_a_rewind_rewrites_them() {
        let mut r = TestRing::new(256);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        for id in 0..100u16 {
            q.push_used(id, u32::from(id));
        }
        assert_eq!(r.used_idx(), 0, "not before publish");
        q.publish();
        assert_eq!(r.used_idx(), 100);
        assert_eq!((r.used_elem(0), r.used_elem(99)), ((0, 0), (99, 99)));
        // Past the shadow (written early), then back before it.
        let start = q.indices();
        for id in 0..(SHADOW as u16 + 3) {
            q.push_used(id, 7);
        }
        q.rewind(start);
        q.push_used(200, 1);
        q.publish();
        assert_eq!(r.used_idx(), 101);
        assert_eq!(r.used_elem(100), (200, 1));
    }

    #[test]
    fn used_entries_that_wrap_are_written_in_two_pieces() {
        let mut r = TestRing::new(8);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 6, 6, false) }.unwrap();
        for id in 0..4u16 {
            q.push_used(id, u32::from(id) + 100);
        }
        q.publish();
        assert_eq!(r.used_idx(), 10);
        assert_eq!((r.used_elem(6), r.used_elem(7)), ((0, 100), (1, 101)));
        assert_eq!((r.used_elem(0), r.used_elem(1)), ((2, 102), (3, 103)));
        assert_eq!(r.used_elem(2), (0, 0), "nothing past the last");
    }

    #[test]
    fn wraps_and_never_believes_more_than_the_ring_holds() {
        let mut r = TestRing::new(4);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 65534, 65534, false) }.unwrap();
        r.avail[1] = 65534;
        for h in 0..3 {
            r.offer(h);
        }
        assert_eq!(q.pending(), 3, "across the u16 wrap");
        assert_eq!((q.head(0), q.head(2)), (0, 2));
        q.take(3);
        assert_eq!(q.indices().0, 1);
        r.avail[1] = 1000;
        assert_eq!(q.pending(), 4, "a lying idx is capped at the size");
    }

    #[test]
    fn rejects_a_size_that_is_not_a_power_of_two() {
        let mut r = TestRing::new(6);
        // SAFETY: the test ring outlives the call.
        let q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) };
        assert_eq!(q.err(), Some(RingError::Size(6)));
    }

    #[test]
    fn notifies_as_the_driver_asked() {
        let mut r = TestRing::new(8);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        q.push_used(0, 0);
        q.publish();
        assert!(q.needs_call(), "no flag: every time");
        r.avail[0] = AVAIL_F_NO_INTERRUPT;
        assert!(!q.needs_call());

        let mut r = TestRing::new(8);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 0, 0, true) }.unwrap();
        q.push_used(0, 0);
        q.publish();
        assert!(q.needs_call(), "the first time, with nothing signalled yet");
        // The driver wants to hear when entry 3 is used (used_event = 3).
        r.avail[2 + 8] = 3;
        q.push_used(1, 0);
        q.publish();
        assert!(!q.needs_call(), "used idx 2: not past 3 yet");
        q.push_used(2, 0);
        q.push_used(3, 0);
        q.publish();
        assert!(q.needs_call(), "used idx 4 passed event 3");
        q.push_used(4, 0);
        q.publish();
        assert!(!q.needs_call(), "already told");
    }
}
