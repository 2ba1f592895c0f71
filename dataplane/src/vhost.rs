//! A worker's bursts on a vhost-user port, straight through the vhost
//! library (`rte_vhost_dequeue_burst` / `rte_vhost_enqueue_burst`, as OVS
//! does) instead of the `net_vhost` PMD's burst functions, which count
//! size and multicast statistics per packet and free sent buffers one by
//! one. The PMD still owns the device; the C shim (`dpdk-sys/csrc/shim.c`)
//! follows its arrival and departure through the PMD's link-state event
//! and gates every burst on it (`EthPort` attaches and detaches a port).

/// Receives up to `n` frames from rx queue `queue` of vhost-user port
/// `port` for worker `worker`: the vhost library's dequeue, gated on
/// the device being there (a burst never runs on a departing device).
///
/// # Safety
/// `port` is a started vhost-user port (`PortKind::is_vhost`) whose rx
/// queue `queue` this worker alone polls; `pkts` has room for `n` mbuf
/// pointers.
#[inline]
pub unsafe fn rx(
    port: u16,
    queue: u16,
    worker: usize,
    pkts: *mut *mut dpdk_sys::rte_mbuf,
    n: u16,
) -> u16 {
    // SAFETY: the caller's contract.
    unsafe { dpdk_sys::lisa_vhost_rx(port, queue, worker as u32, pkts, n) }
}

/// Sends `n` frames on tx queue `queue` of vhost-user port `port` for
/// worker `worker`: copied into the guest's buffers and freed; returns how
/// many were (the rest stay the caller's).
///
/// # Safety
/// As `rx`, for a tx queue this worker owns or holds the lock of;
/// `pkts` holds `n` valid mbufs.
#[inline]
pub unsafe fn tx(
    port: u16,
    queue: u16,
    worker: usize,
    pkts: *mut *mut dpdk_sys::rte_mbuf,
    n: u16,
) -> u16 {
    // SAFETY: the caller's contract.
    unsafe { dpdk_sys::lisa_vhost_tx(port, queue, worker as u32, pkts, n) }
}
