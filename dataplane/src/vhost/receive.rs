//! Frames a guest sent, taken from its tx vring into pool mbufs: each
//! chain walked (read-only buffers), its virtio-net header read, the frame
//! copied after it (into several chained mbufs if it is longer than one),
//! a partial TCP/UDP checksum completed, and the chain returned used.

use super::chain::{prefetch_chains, walk_into, Chain};
use super::checksum::OnesSum;
use super::copy::copy_bytes;
use super::frame::frame_pieces;
use super::port_rings::OwnRing;
use dpdk_sys::rte_mbuf;

/// `VIRTIO_NET_HDR_F_NEEDS_CSUM`: the guest left the L4 checksum partial.
const NEEDS_CSUM: u8 = 1;
/// `VIRTIO_NET_HDR_GSO_NONE`: one frame, not a segmentation job.
const GSO_NONE: u8 = 0;
/// The shortest frame taken: an Ethernet header.
const MIN_FRAME: u32 = 14;
/// The longest frame taken (a guest cannot send more without TSO, which
/// lisad does not offer).
const MAX_FRAME: u32 = 65535;

/// What one receive did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Frames put in the caller's array.
    pub got: u16,
    /// Chains refused: broken descriptors, a bad header or length.
    pub broken: u16,
    /// Frames lost for want of an mbuf for their tail.
    pub no_buffer: u16,
}

/// Why one frame was not taken.
enum Lost {
    Broken,
    NoBuffer,
}

/// Takes up to `n` frames the guest sent on `r` into `out`.
///
/// # Safety
/// The caller is inside the port's gate and alone on this vring; `out`
/// has room for `n` mbuf pointers.
pub unsafe fn receive(r: &mut OwnRing, port: u16, out: *mut *mut rte_mbuf, n: u16) -> Received {
    let mut done = Received::default();
    let pending = r.q.pending().min(n);
    if pending == 0 {
        return done;
    }
    // SAFETY: `out` has room for n >= pending pointers; the pool lives.
    if unsafe { dpdk_sys::lisa_pktmbuf_alloc_bulk(r.pool, out, u32::from(pending)) } != 0 {
        // No mbufs: the frames wait in the guest's ring.
        return done;
    }
    let from = if r.read_headers { 0 } else { r.hdr_len };
    // The header if read, a short frame's bytes.
    prefetch_chains(&r.q, &r.mem, pending, from, r.hdr_len + 63, false);
    let mut chain = Chain::default();
    for i in 0..pending {
        let head = r.q.head(i);
        // SAFETY: out[got] is one of the fresh mbufs (got <= i < pending).
        let m = unsafe { *out.add(usize::from(done.got)) };
        // SAFETY: m is fresh and ours; the chain's buffers are the guest's.
        match unsafe { take_frame(r, head, &mut chain, m, port) } {
            Ok(()) => done.got += 1,
            Err(lost) => {
                // SAFETY: m is ours; it goes back to holding nothing.
                unsafe { reset(m) };
                match lost {
                    Lost::Broken => done.broken += 1,
                    Lost::NoBuffer => done.no_buffer += 1,
                }
            }
        }
        r.q.push_used(head, 0);
    }
    r.q.take(pending);
    if done.got < pending {
        // SAFETY: the mbufs past `got` are fresh, unused and ours.
        unsafe {
            dpdk_sys::lisa_mbuf_free_sent(out.add(usize::from(done.got)), pending - done.got)
        };
    }
    r.publish();
    // The library arms the guest's notifications (an idle worker's rx
    // interrupt) from its own copy of the index.
    super::device::save_indices(r.vid, r.index, r.q.indices());
    done
}

/// Copies the frame of chain `head` into the fresh mbuf `m`.
///
/// # Safety
/// `m` is a fresh mbuf of this thread's.
unsafe fn take_frame(
    r: &OwnRing,
    head: u16,
    chain: &mut Chain,
    m: *mut rte_mbuf,
    port: u16,
) -> Result<(), Lost> {
    walk_into(&r.q, &r.mem, head, false, chain).map_err(|_| Lost::Broken)?;
    if chain.len < r.hdr_len + MIN_FRAME || chain.len - r.hdr_len > MAX_FRAME {
        return Err(Lost::Broken);
    }
    let mut hdr = [0u8; 12];
    let mut at = if r.read_headers {
        0
    } else {
        r.hdr_len as usize
    };
    for s in &chain.segs {
        if at == r.hdr_len as usize {
            break;
        }
        let n = (s.len as usize).min(r.hdr_len as usize - at);
        // SAFETY: n bytes of a piece the guest gave the device to read, into
        // a local array with room (at + n <= hdr_len <= 12).
        unsafe { copy_bytes(s.ptr.as_ptr(), hdr.as_mut_ptr().add(at), n) };
        at += n;
    }
    let (flags, gso) = (hdr[0], hdr[1]);
    if gso != GSO_NONE {
        return Err(Lost::Broken);
    }
    // SAFETY: m is a fresh mbuf of ours.
    unsafe {
        (*m).port = port;
        if !copy_whole(m, chain, r.hdr_len) {
            for piece in frame_pieces(chain, r.hdr_len) {
                append(m, r.pool, piece.ptr.as_ptr(), piece.len)?;
            }
        }
    }
    if flags & NEEDS_CSUM != 0 {
        let start = u32::from(u16::from_le_bytes([hdr[6], hdr[7]]));
        let offset = u32::from(u16::from_le_bytes([hdr[8], hdr[9]]));
        // SAFETY: m holds the frame now, ours.
        unsafe { complete_checksum(m, start, offset) }?;
    }
    Ok(())
}

/// The common case, done straight: a chain of one buffer (header and
/// frame) whose frame fits the fresh mbuf `m`: one copy. False (nothing
/// done) for any other.
///
/// # Safety
/// `m` is a fresh, empty mbuf of ours.
#[inline(always)]
unsafe fn copy_whole(m: *mut rte_mbuf, chain: &Chain, hdr_len: u32) -> bool {
    let [seg] = chain.segs.as_slice() else {
        return false;
    };
    let len = seg.len - hdr_len;
    // SAFETY: m is ours and empty; the frame's len bytes follow the
    // header in the guest's buffer, and go to the mbuf's room.
    unsafe {
        let room = u32::from((*m).buf_len).saturating_sub(u32::from((*m).data_off));
        if len > room {
            return false;
        }
        let dst = ((*m).buf_addr as *mut u8).add(usize::from((*m).data_off));
        copy_bytes(seg.ptr.as_ptr().add(hdr_len as usize), dst, len as usize);
        (*m).data_len = len as u16;
        (*m).pkt_len = len;
    }
    true
}

/// Appends `len` bytes at `src` to packet `m`, chaining mbufs from `pool`
/// when its last one is full.
///
/// # Safety
/// `m` is ours; `src` holds `len` readable bytes.
unsafe fn append(
    m: *mut rte_mbuf,
    pool: *mut dpdk_sys::rte_mempool,
    mut src: *const u8,
    mut len: u32,
) -> Result<(), Lost> {
    // SAFETY: m and its segments are ours (the caller's contract).
    unsafe {
        let mut last = m;
        while !(*last).next.is_null() {
            last = (*last).next;
        }
        while len > 0 {
            let used = u32::from((*last).data_off) + u32::from((*last).data_len);
            let room = u32::from((*last).buf_len).saturating_sub(used);
            if room == 0 {
                let next = dpdk_sys::lisa_pktmbuf_alloc(pool);
                if next.is_null() {
                    return Err(Lost::NoBuffer);
                }
                (*last).next = next;
                (*m).nb_segs += 1;
                last = next;
                continue;
            }
            let k = room.min(len);
            let dst = ((*last).buf_addr as *mut u8).add(used as usize);
            copy_bytes(src, dst, k as usize);
            (*last).data_len += k as u16;
            (*m).pkt_len += k;
            src = src.add(k as usize);
            len -= k;
        }
    }
    Ok(())
}

/// Sums packet `m` from byte `start` to its end and stores the checksum
/// at `start + offset` (the guest's `csum_start` and `csum_offset`).
///
/// # Safety
/// `m` is ours.
unsafe fn complete_checksum(m: *mut rte_mbuf, start: u32, offset: u32) -> Result<(), Lost> {
    // SAFETY: m is ours.
    let total = unsafe { (*m).pkt_len };
    if start + offset + 2 > total {
        return Err(Lost::Broken);
    }
    let mut sum = OnesSum::default();
    // SAFETY: each segment's data lies in its buffer.
    unsafe {
        for_each_segment(m, |at, bytes| {
            let from = start.saturating_sub(at).min(bytes.len() as u32) as usize;
            sum.add(&bytes[from..]);
        });
        let value = sum.checksum().to_be_bytes();
        for_each_segment(m, |at, bytes| {
            for (k, b) in value.iter().enumerate() {
                let pos = start + offset + k as u32;
                if pos >= at && pos - at < bytes.len() as u32 {
                    bytes[(pos - at) as usize] = *b;
                }
            }
        });
    }
    Ok(())
}

/// Calls `f` with each segment's offset in the packet and its data.
///
/// # Safety
/// `m` and its segments are ours, not otherwise borrowed.
unsafe fn for_each_segment(m: *mut rte_mbuf, mut f: impl FnMut(u32, &mut [u8])) {
    let mut at = 0u32;
    let mut seg = m;
    while !seg.is_null() {
        // SAFETY: a segment of ours: data_len bytes at buf_addr + data_off.
        unsafe {
            let data = std::slice::from_raw_parts_mut(
                ((*seg).buf_addr as *mut u8).add(usize::from((*seg).data_off)),
                usize::from((*seg).data_len),
            );
            f(at, data);
            at += u32::from((*seg).data_len);
            seg = (*seg).next;
        }
    }
}

/// Makes `m` empty again: its chained tail freed.
///
/// # Safety
/// `m` is ours.
unsafe fn reset(m: *mut rte_mbuf) {
    // SAFETY: m and its tail are ours; the tail goes back to its pool.
    unsafe {
        if !(*m).next.is_null() {
            dpdk_sys::lisa_pktmbuf_free((*m).next);
            (*m).next = std::ptr::null_mut();
        }
        (*m).nb_segs = 1;
        (*m).data_len = 0;
        (*m).pkt_len = 0;
    }
}
