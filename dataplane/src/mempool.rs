//! Packet buffer pools.

use crate::error::DpdkError;
use std::ffi::CString;
use std::ptr::NonNull;

/// A pool of packet buffers (`rte_pktmbuf_pool_create`).
pub struct PktPool {
    raw: NonNull<dpdk_sys::rte_mempool>,
    name: String,
    size: u32,
    data_room: u16,
}

/// What a pool holds and how much of it is out, for `show buffers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUsage {
    /// The pool's name (`lisa_pkts`, `lisa_hdrs`, ...).
    pub name: String,
    /// Buffers it has.
    pub size: u32,
    /// Buffers out of it: in rx rings, in flight, held, queued to send.
    pub in_use: u32,
    /// Bytes of data room per buffer (headroom included).
    pub data_room: u16,
}

// SAFETY: DPDK mempools are multi-producer/multi-consumer safe; the pointer
// is used only through DPDK's thread-safe API.
unsafe impl Send for PktPool {}
// SAFETY: as above.
unsafe impl Sync for PktPool {}

/// Bytes of packet data per buffer, plus headroom: room for a 9000-byte
/// jumbo frame in one segment.
pub const JUMBO_DATA_ROOM: u16 = 9216 + dpdk_sys::RTE_PKTMBUF_HEADROOM as u16;
/// The usual 2 KB data room.
pub const DEFAULT_DATA_ROOM: u16 = 2048 + dpdk_sys::RTE_PKTMBUF_HEADROOM as u16;

impl PktPool {
    /// Creates a pool of `count` buffers with `data_room` bytes each.
    pub fn new(name: &str, count: u32, data_room: u16) -> Result<PktPool, DpdkError> {
        let cname = CString::new(name).map_err(|_| DpdkError::other("mempool", "NUL in name"))?;
        // SAFETY: cname is a valid C string; the EAL is initialised (the
        // caller holds an Eal); SOCKET_ID_ANY is always valid.
        let raw = unsafe {
            dpdk_sys::rte_pktmbuf_pool_create(cname.as_ptr(), count, 256, 0, data_room, -1)
        };
        let pool = |raw| PktPool {
            raw,
            name: name.to_string(),
            size: count,
            data_room,
        };
        NonNull::new(raw).map(pool).ok_or_else(|| {
            DpdkError::last(format!(
                "rte_pktmbuf_pool_create({name}, {count} x {data_room} B)"
            ))
        })
    }

    /// The raw pool pointer, for DPDK calls.
    pub fn as_ptr(&self) -> *mut dpdk_sys::rte_mempool {
        self.raw.as_ptr()
    }

    /// Buffers free in the pool right now (per-lcore caches included).
    pub fn available(&self) -> u32 {
        // SAFETY: the pool is alive.
        unsafe { dpdk_sys::rte_mempool_avail_count(self.raw.as_ptr()) }
    }

    /// Buffers it was made with.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// Its name, its size and how much of it is out right now.
    pub fn usage(&self) -> PoolUsage {
        PoolUsage {
            name: self.name.clone(),
            size: self.size,
            in_use: self.size.saturating_sub(self.available()),
            data_room: self.data_room,
        }
    }
}

impl Drop for PktPool {
    fn drop(&mut self) {
        // SAFETY: every port using this pool was closed before (the switch
        // drops ports first); the pool is not used again.
        unsafe { dpdk_sys::rte_mempool_free(self.raw.as_ptr()) }
    }
}
