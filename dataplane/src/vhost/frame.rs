//! Frames in and out of guest buffers: the virtio-net header (virtio 1.x,
//! 5.1.6) in front of every frame, the frame's pieces after it in a chain
//! the guest sent, and a frame written into the buffers a guest offered
//! for receiving (one chain, or with `VIRTIO_NET_F_MRG_RXBUF` as many as
//! it takes, `num_buffers` saying how many).

use super::chain::{walk_into, Chain, ChainError, Seg};
use super::copy::copy_bytes;
use super::memory::GuestMemory;
use super::ring::SplitQueue;

/// Header bytes with `VIRTIO_NET_F_MRG_RXBUF` or `VIRTIO_F_VERSION_1`.
pub const HDR_LEN_MRG: u32 = 12;
/// Header bytes of a legacy device without mergeable buffers.
pub const HDR_LEN_LEGACY: u32 = 10;

/// The header's length for the negotiated features.
pub fn header_len(mergeable: bool, version_1: bool) -> u32 {
    if mergeable || version_1 {
        HDR_LEN_MRG
    } else {
        HDR_LEN_LEGACY
    }
}

/// The pieces of a sent chain that hold the frame: everything after the
/// first `hdr_len` bytes (the header may share a buffer with the frame or
/// have its own).
pub fn frame_pieces(chain: &Chain, hdr_len: u32) -> impl Iterator<Item = Seg> + '_ {
    let mut skip = hdr_len;
    chain.segs.iter().filter_map(move |s| {
        let cut = skip.min(s.len);
        skip -= cut;
        (s.len > cut).then(|| Seg {
            // SAFETY: cut < s.len: still inside the piece.
            ptr: unsafe { s.ptr.add(cut as usize) },
            len: s.len - cut,
        })
    })
}

/// Why a frame could not be written to a guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeliverError {
    /// The guest offered too few buffers for it (now: nothing taken).
    #[error("the guest has no room for the frame")]
    NoRoom,
    /// A chain it offered is broken (taken and returned empty).
    #[error("broken receive chain: {0}")]
    Chain(#[from] ChainError),
}

/// Most receive chains one frame may take (a 9 KB frame in 1.5 KB guest
/// buffers takes 7; a 64 KB one in 2 KB buffers 33).
pub const MAX_CHAINS: u16 = 48;

/// Writes the frame made of `pieces` (`len` bytes in all) to the receive
/// queue `q` of a guest: a zeroed header with `num_buffers`, then the
/// frame, across one chain or (`mergeable`) as many as it needs. The used
/// entries are written, not published. Returns the chains used.
pub fn deliver(
    q: &mut SplitQueue,
    mem: &GuestMemory,
    pieces: &[&[u8]],
    len: u32,
    hdr_len: u32,
    mergeable: bool,
) -> Result<u16, DeliverError> {
    let header = [0u8; HDR_LEN_MRG as usize];
    let mut src = Source {
        pieces,
        cur: &header[..hdr_len as usize],
    };
    let start = q.indices();
    let mut pending = q.pending_seen();
    // The first chain is kept for its num_buffers; the others pass.
    let (mut first, mut next) = (Chain::default(), Chain::default());
    let mut used = 0u16;
    let mut left = len + hdr_len;
    while left > 0 {
        if used >= pending {
            // Past what the last look saw: look again (once a burst, when
            // the guest keeps up).
            pending = q.indices().0.wrapping_sub(start.0) + q.pending();
        }
        if used >= pending || used >= MAX_CHAINS || (used == 1 && !mergeable) {
            // Nothing was published: the chains taken go back untouched.
            q.rewind(start);
            return Err(DeliverError::NoRoom);
        }
        let head = q.head(0);
        let chain = if used == 0 { &mut first } else { &mut next };
        match walk_into(q, mem, head, true, chain) {
            Ok(()) => {}
            Err(e) => {
                // A broken chain comes back empty, and so do the ones this
                // frame took before it: the frame is lost, the ring goes on.
                q.rewind(start);
                for _ in 0..=used {
                    let h = q.head(0);
                    q.take(1);
                    q.push_used(h, 0);
                }
                return Err(e.into());
            }
        };
        if used == 0 {
            if let Some(wrote) = deliver_whole(chain, pieces, len, hdr_len) {
                q.take(1);
                q.push_used(head, wrote);
                return Ok(1);
            }
        }
        let mut wrote = 0u32;
        for s in &chain.segs {
            let n = src.copy_to(*s);
            wrote += n;
            if n < s.len {
                break;
            }
        }
        left -= wrote.min(left);
        q.take(1);
        q.push_used(head, wrote);
        used += 1;
    }
    if hdr_len >= HDR_LEN_MRG && used > 0 {
        write_at(&first, 10, &used.to_le_bytes());
    }
    Ok(used)
}

/// The common case, done straight: a frame in one piece that fits the
/// chain's first buffer with its header. Returns the bytes written, or
/// `None` (nothing written) for any other case.
#[inline(always)]
fn deliver_whole(chain: &Chain, pieces: &[&[u8]], len: u32, hdr_len: u32) -> Option<u32> {
    let ([frame], Some(dst)) = (pieces, chain.segs.first()) else {
        return None;
    };
    if dst.len < hdr_len + len || frame.len() != len as usize {
        return None;
    }
    // SAFETY: dst is a piece of a buffer the guest gave the device to
    // write, at least hdr_len + len bytes long (hdr_len is 10 or 12).
    unsafe {
        write_header(dst.ptr.as_ptr(), hdr_len);
        copy_bytes(
            frame.as_ptr(),
            dst.ptr.as_ptr().add(hdr_len as usize),
            len as usize,
        );
    }
    Some(hdr_len + len)
}

/// Writes a zeroed header of `hdr_len` bytes at `dst`, `num_buffers` 1 in
/// a 12-byte one, with stores of constants (a header built in a local
/// array and copied out made the copy's load wait for the array's stores).
///
/// # Safety
/// `dst` is writable for `hdr_len` bytes, 10 or 12.
#[inline(always)]
unsafe fn write_header(dst: *mut u8, hdr_len: u32) {
    // SAFETY: the caller's contract; unaligned stores.
    unsafe {
        std::ptr::write_unaligned(dst.cast::<u64>(), 0);
        if hdr_len >= HDR_LEN_MRG {
            // csum_offset 0, num_buffers 1 (little-endian).
            std::ptr::write_unaligned(dst.add(8).cast::<u32>(), (1u32 << 16).to_le());
        } else {
            std::ptr::write_unaligned(dst.add(8).cast::<u16>(), 0);
        }
    }
}

/// Writes `bytes` at offset `at` of a chain's buffers (the header's
/// `num_buffers`, known once the frame is written).
fn write_at(chain: &Chain, mut at: u32, bytes: &[u8]) {
    let mut bytes = bytes;
    for s in &chain.segs {
        if bytes.is_empty() {
            return;
        }
        if at >= s.len {
            at -= s.len;
            continue;
        }
        let n = bytes.len().min((s.len - at) as usize);
        // SAFETY: at + n <= s.len: inside a piece of a buffer the guest
        // gave the device to write.
        unsafe { copy_bytes(bytes.as_ptr(), s.ptr.as_ptr().add(at as usize), n) };
        bytes = &bytes[n..];
        at = 0;
    }
}

/// The bytes to write: the header, then the frame's pieces.
struct Source<'a> {
    pieces: &'a [&'a [u8]],
    cur: &'a [u8],
}

impl Source<'_> {
    /// Fills `dst` from the bytes left; returns how many it wrote.
    fn copy_to(&mut self, dst: Seg) -> u32 {
        let mut wrote = 0usize;
        let room = dst.len as usize;
        while wrote < room {
            if self.cur.is_empty() {
                match self.pieces.split_first() {
                    Some((first, rest)) => {
                        self.cur = first;
                        self.pieces = rest;
                        continue;
                    }
                    None => break,
                }
            }
            let n = self.cur.len().min(room - wrote);
            // SAFETY: dst is a piece of a guest buffer the guest gave the
            // device to write (walked with `writable`), `room` bytes long,
            // and n <= room - wrote; cur is the caller's frame.
            unsafe { copy_bytes(self.cur.as_ptr(), dst.ptr.as_ptr().add(wrote), n) };
            wrote += n;
            self.cur = &self.cur[n..];
        }
        wrote as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vhost::chain::walk;
    use crate::vhost::ring::{Desc, DESC_F_NEXT, DESC_F_WRITE};
    use crate::vhost::testing::{memory, TestRing};

    fn wdesc(addr: u64, len: u32) -> Desc {
        Desc {
            addr,
            len,
            flags: DESC_F_WRITE,
            next: 0,
        }
    }

    #[test]
    fn the_frame_follows_the_header_in_or_after_its_buffer() {
        let mut buf = vec![0u8; 4096];
        for (i, b) in buf.iter_mut().enumerate() {
            *b = i as u8;
        }
        let mem = memory(&mut buf);
        let mut r = TestRing::new(4);
        r.desc[0] = Desc {
            addr: 0x10000,
            len: 72,
            flags: 0,
            next: 0,
        };
        r.desc[1] = Desc {
            addr: 0x10100,
            len: 12,
            flags: DESC_F_NEXT,
            next: 2,
        };
        r.desc[2] = Desc {
            addr: 0x10200,
            len: 60,
            flags: 0,
            next: 0,
        };
        // SAFETY: the test ring outlives the queue.
        let q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        let one = walk(&q, &mem, 0, false).unwrap();
        let p: Vec<Seg> = frame_pieces(&one, 12).collect();
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].len, p[0].ptr.as_ptr() as usize - buf.as_ptr() as usize),
            (60, 12)
        );
        let two = walk(&q, &mem, 1, false).unwrap();
        let p: Vec<Seg> = frame_pieces(&two, 12).collect();
        assert_eq!(p.len(), 1, "the header's own buffer is skipped whole");
        assert_eq!(p[0].ptr.as_ptr() as usize - buf.as_ptr() as usize, 0x200);
    }

    #[test]
    fn delivers_into_one_buffer_with_its_header() {
        let frame: Vec<u8> = (1..=60u8).collect();
        // In pieces (the general walk) and whole (the straight case).
        for pieces in [vec![&frame[..20], &frame[20..]], vec![&frame[..]]] {
            let mut buf = vec![0xaau8; 4096];
            let base = buf.as_ptr() as usize;
            let mem = memory(&mut buf);
            let mut r = TestRing::new(4);
            r.desc[3] = wdesc(0x10000, 2048);
            r.offer(3);
            // SAFETY: the test ring outlives the queue.
            let mut q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
            let used = deliver(&mut q, &mem, &pieces, 60, 12, true).unwrap();
            assert_eq!(used, 1);
            q.publish();
            assert_eq!(r.used_elem(0), (3, 72));
            // SAFETY: reading back the test's own buffer.
            let out = unsafe { std::slice::from_raw_parts(base as *const u8, 80) };
            assert_eq!(&out[..10], &[0u8; 10], "a zeroed header");
            assert_eq!(u16::from_le_bytes([out[10], out[11]]), 1, "num_buffers");
            assert_eq!(&out[12..72], &frame[..]);
            assert_eq!(out[72], 0xaa, "nothing past the frame");
        }
    }

    #[test]
    fn merges_buffers_for_a_big_frame_and_takes_nothing_without_room() {
        let mut buf = vec![0u8; 8192];
        let base = buf.as_ptr() as usize;
        let mem = memory(&mut buf);
        let mut r = TestRing::new(4);
        r.desc[0] = wdesc(0x10000, 1024);
        r.desc[1] = wdesc(0x11000, 1024);
        r.offer(0);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        let frame: Vec<u8> = (0..1518u32).map(|i| i as u8).collect();
        assert_eq!(
            deliver(&mut q, &mem, &[&frame], 1518, 12, true),
            Err(DeliverError::NoRoom),
            "one buffer offered, two needed"
        );
        assert_eq!(q.pending(), 1, "nothing taken");
        r.offer(1);
        assert_eq!(
            deliver(&mut q, &mem, &[&frame], 1518, 12, false),
            Err(DeliverError::NoRoom),
            "without mergeable buffers one chain must hold it"
        );
        assert_eq!(deliver(&mut q, &mem, &[&frame], 1518, 12, true), Ok(2));
        q.publish();
        assert_eq!(r.used_elem(0), (0, 1024));
        assert_eq!(r.used_elem(1), (1, 1530 - 1024));
        // SAFETY: reading back the test's own buffer.
        let (a, b) = unsafe {
            (
                std::slice::from_raw_parts(base as *const u8, 1024),
                std::slice::from_raw_parts((base + 0x1000) as *const u8, 506),
            )
        };
        assert_eq!(u16::from_le_bytes([a[10], a[11]]), 2, "num_buffers");
        assert_eq!(&a[12..], &frame[..1012]);
        assert_eq!(b, &frame[1012..]);
    }

    #[test]
    fn a_broken_receive_chain_is_returned_empty() {
        let mut buf = vec![0u8; 4096];
        let mem = memory(&mut buf);
        let mut r = TestRing::new(4);
        r.desc[2] = Desc {
            addr: 0x10000,
            len: 2048,
            flags: 0,
            next: 0,
        };
        r.offer(2);
        // SAFETY: the test ring outlives the queue.
        let mut q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        let frame = [0u8; 60];
        assert_eq!(
            deliver(&mut q, &mem, &[&frame], 60, 12, true),
            Err(DeliverError::Chain(ChainError::Direction)),
            "a read-only buffer in the receive queue"
        );
        q.publish();
        assert_eq!(r.used_elem(0), (2, 0));
        assert_eq!(q.pending(), 0);
    }
}
