//! Big lookup tables (the FDB's slots, the LPM's tbl24) in memory the
//! kernel backs with 2 MB transparent huge pages where it can: a lookup
//! that lands anywhere in a 64 MB table then misses the TLB rarely, and a
//! burst's prefetches are not lost to page walks.

use std::ops::Deref;
use std::ptr::NonNull;

/// Huge page size.
const HUGE: usize = 2 << 20;

/// Types whose all-zero bytes are a valid value (atomics, and structs of
/// them).
///
/// # Safety
/// An all-zero bit pattern must be a valid, initialised `Self`.
pub unsafe trait Zeroable: Sized {}

// SAFETY: an atomic integer's bits are its value; zero is valid.
unsafe impl Zeroable for std::sync::atomic::AtomicU32 {}
// SAFETY: as above.
unsafe impl Zeroable for std::sync::atomic::AtomicU64 {}

/// A fixed-length, zero-initialised slice in anonymous memory (huge pages
/// advised), freed on drop.
pub struct BigSlice<T: Zeroable> {
    ptr: NonNull<T>,
    len: usize,
    /// The whole mapping (aligned start within it), for munmap.
    map: *mut libc::c_void,
    map_len: usize,
}

// SAFETY: BigSlice owns its elements like a Box<[T]>: sending or sharing it
// is sound when T may be sent or shared.
unsafe impl<T: Zeroable + Send> Send for BigSlice<T> {}
// SAFETY: as above; `&BigSlice` gives only `&[T]`.
unsafe impl<T: Zeroable + Sync> Sync for BigSlice<T> {}

impl<T: Zeroable> BigSlice<T> {
    /// `len` zeroed elements. Aborts, like any allocation, if memory is
    /// exhausted.
    pub fn zeroed(len: usize) -> BigSlice<T> {
        let bytes = (len * std::mem::size_of::<T>()).max(1);
        let map_len = bytes + HUGE;
        // SAFETY: an anonymous private mapping of map_len bytes, no fd; the
        // kernel returns zeroed pages or MAP_FAILED.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if map == libc::MAP_FAILED {
            std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(bytes, HUGE)
                    .unwrap_or(std::alloc::Layout::new::<T>()),
            );
        }
        let start = (map as usize).next_multiple_of(HUGE);
        // SAFETY: [start, start + bytes) lies inside the mapping (it has
        // HUGE bytes of slack for the alignment); MADV_HUGEPAGE is only
        // advice and leaves the contents alone (still untouched zeroes).
        unsafe { libc::madvise(start as *mut libc::c_void, bytes, libc::MADV_HUGEPAGE) };
        BigSlice {
            // SAFETY: start is inside a successful mapping, hence non-null.
            ptr: unsafe { NonNull::new_unchecked(start as *mut T) },
            len,
            map,
            map_len,
        }
    }
}

impl<T: Zeroable> Deref for BigSlice<T> {
    type Target = [T];

    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: ptr is aligned (to 2 MB, a multiple of T's alignment) and
        // points at len zero-initialised Ts (valid by `Zeroable`) that live
        // as long as self.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Zeroable> Drop for BigSlice<T> {
    fn drop(&mut self) {
        // SAFETY: drops every element in place (atomics: no-ops), then
        // unmaps the mapping made in `zeroed`, which nothing borrows now.
        unsafe {
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(
                self.ptr.as_ptr(),
                self.len,
            ));
            libc::munmap(self.map, self.map_len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn zeroed_aligned_and_writable() {
        let s: BigSlice<AtomicU64> = BigSlice::zeroed(1 << 20);
        assert_eq!(s.len(), 1 << 20);
        assert_eq!(s.as_ptr() as usize % HUGE, 0);
        assert!(s
            .iter()
            .step_by(4096)
            .all(|a| a.load(Ordering::Relaxed) == 0));
        s[12345].store(7, Ordering::Relaxed);
        assert_eq!(s[12345].load(Ordering::Relaxed), 7);
    }
}
