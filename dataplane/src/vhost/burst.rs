//! A worker's bursts on a vhost-user port: inside the port's gate, on the
//! vring's slot, through lisad's own datapath or (a device it does not
//! serve) the vhost library's.

use super::port_rings::{self, OwnRing, Ring};
use super::receive::{receive, Received};
use super::send::{send, Sent};
use crate::drops::DropReason;
use dpdk_sys::rte_mbuf;

/// A guest sent a frame in a broken descriptor chain, with a bad
/// virtio-net header or length, or offered a broken receive chain.
pub static GUEST_BAD_CHAIN: DropReason = DropReason::new(
    "guest-bad-chain",
    "a guest's vhost-user descriptor chain or virtio-net header was malformed",
);

/// Who worked a burst.
enum Worked<T> {
    /// lisad's datapath, with this result (or nothing to work: the
    /// default).
    Own(T),
    /// Nobody yet: the device is one for the vhost library.
    Library,
}

/// Runs `own` on vring `index` of `port` inside the port's gate, if lisad
/// works it.
///
/// # Safety
/// `worker` alone uses the vring now.
unsafe fn on_vring<T: Default>(
    port: u16,
    index: u16,
    worker: u32,
    own: impl FnOnce(&mut OwnRing) -> T,
) -> Worked<T> {
    let mut vid = -1;
    // SAFETY: marks this worker inside the port's own datapath.
    let epoch = unsafe { dpdk_sys::lisa_vhost_own_enter(port, worker, &mut vid) };
    let mut worked = Worked::Own(T::default());
    if epoch != 0 {
        // SAFETY: inside the gate with `epoch`; this worker alone uses the
        // vring (the caller's contract).
        match unsafe { port_rings::ring(port, index, epoch, vid) } {
            Some(Ring::Own(r)) => worked = Worked::Own(own(r)),
            Some(Ring::Library) => worked = Worked::Library,
            _ => {}
        }
    }
    // SAFETY: leaves what `own_enter` entered.
    unsafe { dpdk_sys::lisa_vhost_own_leave(worker) };
    worked
}

/// Receives up to `n` frames from queue `queue` of vhost-user port `port`
/// into `out` (the guest's tx vring `2 * queue + 1`).
///
/// # Safety
/// `worker` alone polls (port, queue); `out` has room for `n` pointers.
pub unsafe fn rx_burst(
    port: u16,
    queue: u16,
    worker: u32,
    out: *mut *mut rte_mbuf,
    n: u16,
) -> Received {
    // SAFETY: this worker alone polls the queue, so alone uses its vring;
    // `out` has room for n.
    match unsafe { on_vring(port, 2 * queue + 1, worker, |r| receive(r, port, out, n)) } {
        Worked::Own(done) => done,
        Worked::Library => Received {
            // SAFETY: the library's burst, gated on its own in the shim.
            got: unsafe { dpdk_sys::lisa_vhost_rx(port, queue, worker, out, n) },
            ..Received::default()
        },
    }
}

/// Sends the `n` frames at `pkts` on queue `queue` of vhost-user port
/// `port` (the guest's rx vring `2 * queue`); frees the ones taken.
///
/// # Safety
/// `worker` alone sends on (port, queue) now (it owns the queue or holds
/// its lock); `pkts` holds `n` valid mbufs of the caller's.
pub unsafe fn tx_burst(
    port: u16,
    queue: u16,
    worker: u32,
    pkts: *mut *mut rte_mbuf,
    n: u16,
) -> Sent {
    // SAFETY: this worker alone sends on the queue now, so alone uses its
    // vring; `pkts` holds n mbufs of ours.
    match unsafe { on_vring(port, 2 * queue, worker, |r| send(r, pkts, n)) } {
        Worked::Own(done) => done,
        Worked::Library => Sent {
            // SAFETY: the library's burst, gated on its own in the shim.
            taken: unsafe { dpdk_sys::lisa_vhost_tx(port, queue, worker, pkts, n) },
            broken: 0,
        },
    }
}
