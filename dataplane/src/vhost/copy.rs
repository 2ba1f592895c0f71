//! Byte copies between guest buffers and mbufs. The short ones a small
//! frame makes (a 12-byte virtio-net header, a 60-byte frame, the 2-byte
//! `num_buffers`) are done inline with overlapping 16-, 8-, 4-byte moves,
//! as DPDK's `rte_memcpy` does: a call into libc's `memcpy` for each of
//! them cost a 64-byte frame more than the copy itself. Longer ones go to
//! `memcpy`.

/// Longest copy done inline.
const INLINE_MAX: usize = 64;

/// Copies `n` bytes from `src` to `dst`.
///
/// # Safety
/// `src` is readable and `dst` writable for `n` bytes, and they do not
/// overlap.
#[inline(always)]
pub unsafe fn copy_bytes(src: *const u8, dst: *mut u8, n: usize) {
    // SAFETY: every move below stays inside [0, n) of both (the caller's
    // contract); moves that overlap each other write the same bytes.
    unsafe {
        if n > INLINE_MAX {
            std::ptr::copy_nonoverlapping(src, dst, n);
        } else if n >= 16 {
            move_chunk::<16>(src, dst, 0);
            if n > 32 {
                move_chunk::<16>(src, dst, 16);
                move_chunk::<16>(src, dst, n - 32);
            }
            move_chunk::<16>(src, dst, n - 16);
        } else if n >= 8 {
            move_chunk::<8>(src, dst, 0);
            move_chunk::<8>(src, dst, n - 8);
        } else if n >= 4 {
            move_chunk::<4>(src, dst, 0);
            move_chunk::<4>(src, dst, n - 4);
        } else {
            if n >= 2 {
                move_chunk::<2>(src, dst, 0);
                move_chunk::<2>(src, dst, n - 2);
            } else if n == 1 {
                *dst = *src;
            }
        }
    }
}

/// Moves the `N` bytes at offset `at` of `src` to the same offset of `dst`
/// (one unaligned load and store).
///
/// # Safety
/// `at + N` bytes are readable at `src` and writable at `dst`.
#[inline(always)]
unsafe fn move_chunk<const N: usize>(src: *const u8, dst: *mut u8, at: usize) {
    // SAFETY: the caller's contract; unaligned accesses of a byte array.
    unsafe {
        let v = std::ptr::read_unaligned(src.add(at).cast::<[u8; N]>());
        std::ptr::write_unaligned(dst.add(at).cast::<[u8; N]>(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_every_length_exactly() {
        let src: Vec<u8> = (0..200u32).map(|i| (i * 7 + 1) as u8).collect();
        for n in 0..=150usize {
            let mut dst = vec![0xeeu8; 160];
            // SAFETY: both hold at least n + 1 bytes; distinct vectors.
            unsafe { copy_bytes(src.as_ptr(), dst.as_mut_ptr().add(1), n) };
            assert_eq!(dst[0], 0xee, "nothing before, n={n}");
            assert_eq!(&dst[1..=n], &src[..n], "n={n}");
            assert_eq!(dst[n + 1], 0xee, "nothing after, n={n}");
        }
    }
}
