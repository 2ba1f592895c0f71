//! Frames sent to a guest: each mbuf's segments copied into the receive
//! buffers the guest offered on its rx vring (`frame::deliver`), the used
//! entries published once for the burst, the guest notified if it asked.

use super::chain::prefetch_chains;
use super::frame::{deliver, DeliverError};
use super::port_rings::OwnRing;
use arrayvec::ArrayVec;
use dpdk_sys::rte_mbuf;

/// Most segments of a frame sent (a 64 KB frame in 2 KB mbufs).
const MAX_PIECES: usize = 33;

/// What one send did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    /// Frames taken from the front of the caller's array (and freed):
    /// delivered or lost; the rest found no room.
    pub taken: u16,
    /// Of those, frames lost to a broken receive chain of the guest's (or
    /// with more segments than a chain can take).
    pub broken: u16,
}

/// Delivers the `n` frames at `pkts` to the guest on `r`, in order, until
/// it has no room; frees the ones taken.
///
/// # Safety
/// The caller is inside the port's gate and alone on this vring; `pkts`
/// holds `n` valid mbufs of the caller's.
pub unsafe fn send(r: &mut OwnRing, pkts: *mut *mut rte_mbuf, n: u16) -> Sent {
    let mut done = Sent::default();
    let ahead = r.q.pending().min(n);
    // The header and a short frame's bytes.
    prefetch_chains(&r.q, &r.mem, ahead, 0, r.hdr_len + 63, true);
    for i in 0..usize::from(n) {
        // SAFETY: i < n valid mbufs.
        let m = unsafe { *pkts.add(i) };
        let mut pieces: ArrayVec<&[u8], MAX_PIECES> = ArrayVec::new();
        let mut seg = m;
        let mut fits = true;
        while !seg.is_null() {
            // SAFETY: a segment of a valid mbuf: data_len bytes at
            // buf_addr + data_off, alive until the mbuf is freed below.
            let data = unsafe {
                std::slice::from_raw_parts(
                    ((*seg).buf_addr as *const u8).add(usize::from((*seg).data_off)),
                    usize::from((*seg).data_len),
                )
            };
            if pieces.try_push(data).is_err() {
                fits = false;
                break;
            }
            // SAFETY: as above.
            seg = unsafe { (*seg).next };
        }
        // SAFETY: a valid mbuf.
        let len = unsafe { (*m).pkt_len };
        let result = if fits {
            deliver(&mut r.q, &r.mem, &pieces, len, r.hdr_len, r.mergeable)
        } else {
            Err(DeliverError::NoRoom)
        };
        match result {
            Ok(_) => {}
            Err(DeliverError::NoRoom) if fits => break,
            Err(_) => done.broken += 1,
        }
        done.taken += 1;
    }
    if done.taken > 0 {
        r.publish();
    }
    // SAFETY: the first `taken` mbufs were copied out (or lost) and are
    // the caller's to give up: freed here.
    unsafe { dpdk_sys::lisa_mbuf_free_sent(pkts, done.taken) };
    done
}
