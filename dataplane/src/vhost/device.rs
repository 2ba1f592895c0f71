//! What lisad reads of a vhost-user device from the vhost library, which
//! keeps the protocol: the negotiated features, the guest's memory table,
//! a vring's addresses and where to resume it, and the indices handed back
//! when lisad stops working a vring.

use super::memory::{GuestMemory, Region};
use super::ring::{Desc, RingAddrs};
use std::ptr::NonNull;

/// `VIRTIO_NET_F_CSUM`: the guest may leave TCP/UDP checksums partial.
const CSUM: u32 = 0;
/// `VIRTIO_NET_F_HOST_TSO4`: the guest may send TCPv4 segmentation jobs.
const HOST_TSO4: u32 = 11;
/// `VIRTIO_NET_F_HOST_TSO6`.
const HOST_TSO6: u32 = 12;
/// `VIRTIO_NET_F_HOST_ECN`: TSO with ECN.
const HOST_ECN: u32 = 13;
/// `VIRTIO_NET_F_HOST_UFO`.
const HOST_UFO: u32 = 14;
/// `VIRTIO_NET_F_MRG_RXBUF`: a received frame may span several chains.
const MRG_RXBUF: u32 = 15;
/// `VHOST_F_LOG_ALL`: the front end logs dirty pages (a live migration).
const LOG_ALL: u32 = 26;
/// `VIRTIO_RING_F_EVENT_IDX`.
const EVENT_IDX: u32 = 29;
/// `VIRTIO_F_VERSION_1`.
const VERSION_1: u32 = 32;
/// `VIRTIO_F_IOMMU_PLATFORM`: ring and buffer addresses go through a vIOMMU.
const IOMMU_PLATFORM: u32 = 33;
/// `VIRTIO_F_RING_PACKED`.
const RING_PACKED: u32 = 34;

/// Features that keep a device on the vhost library's datapath: packed
/// rings, a vIOMMU, a dirty-page log, segmentation jobs from the guest.
const UNSERVED: [u32; 6] = [
    RING_PACKED,
    IOMMU_PLATFORM,
    LOG_ALL,
    HOST_TSO4,
    HOST_TSO6,
    HOST_UFO,
];

/// A device's negotiated feature bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features(pub u64);

impl Features {
    fn has(self, bit: u32) -> bool {
        self.0 & (1 << bit) != 0
    }

    /// True if lisad's own datapath can work the device: split rings,
    /// guest-physical addresses, no dirty-page log, no segmentation jobs
    /// from the guest. Anything else stays on the vhost library's datapath.
    pub fn served(self) -> bool {
        !UNSERVED.iter().any(|&b| self.has(b))
    }

    /// The guest may send frames whose header asks for something (a
    /// checksum to complete): only then is a sent frame's header read
    /// (it is a cache line the guest's core just wrote, a miss a frame).
    pub fn sent_headers_matter(self) -> bool {
        self.has(CSUM)
    }

    /// Received frames may span several chains.
    pub fn mergeable(self) -> bool {
        self.has(MRG_RXBUF)
    }

    /// Notifications follow `used_event` / `avail_event`.
    pub fn event_idx(self) -> bool {
        self.has(EVENT_IDX)
    }

    /// Bytes of the virtio-net header in front of every frame.
    pub fn header_len(self) -> u32 {
        super::frame::header_len(self.mergeable(), self.has(VERSION_1))
    }
}

/// Stops the vhost library offering, on the socket at `path`, the
/// segmentation features `net_vhost`'s `tso=0` leaves on (UFO and ECN, as
/// OVS does): a guest (Linux negotiates UFO, though its stack no longer
/// makes such frames) could send 64 KB datagrams a switch port cannot
/// carry, and with them lisad's datapath could not serve the device.
/// Called once the port is configured (the PMD registers and starts the
/// socket in `rte_eth_dev_configure`) and before the guest asks for the
/// features; a guest quicker than that gets the library's datapath.
pub fn disable_unserved_features(path: &str) {
    let Ok(c_path) = std::ffi::CString::new(path) else {
        return;
    };
    let bits = (1u64 << HOST_UFO) | (1u64 << HOST_ECN);
    // SAFETY: a valid C string; the library looks the socket up by path.
    let rc = unsafe { dpdk_sys::rte_vhost_driver_disable_features(c_path.as_ptr(), bits) };
    if rc != 0 {
        tracing::debug!(path, rc, "vhost-user features not disabled");
    }
}

/// What could not be read of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    /// The library has no such device (any more).
    #[error("vhost device {0} is gone")]
    Gone(i32),
    /// The vring is not set up (no addresses yet).
    #[error("vring {0} is not set up")]
    NoRing(u16),
    /// The vring is not one lisad can work.
    #[error("vring {0}: {1}")]
    BadRing(u16, super::ring::RingError),
}

/// The negotiated features of device `vid`.
pub fn features(vid: i32) -> Result<Features, DeviceError> {
    let mut f = 0u64;
    // SAFETY: a plain query of the library with a valid out pointer.
    let rc = unsafe { dpdk_sys::rte_vhost_get_negotiated_features(vid, &mut f) };
    if rc != 0 {
        return Err(DeviceError::Gone(vid));
    }
    Ok(Features(f))
}

/// Device `vid`'s memory table (mapped while the device stands and until
/// the next SET_MEM_TABLE, both of which pause lisad's datapath first).
pub fn memory(vid: i32) -> Result<GuestMemory, DeviceError> {
    let mut mem: *mut dpdk_sys::rte_vhost_memory = std::ptr::null_mut();
    // SAFETY: on success the library mallocs a copy of the table for us.
    let rc = unsafe { dpdk_sys::rte_vhost_get_mem_table(vid, &mut mem) };
    if rc != 0 || mem.is_null() {
        return Err(DeviceError::Gone(vid));
    }
    // SAFETY: `mem` holds `nregions` regions after its header (the
    // library sized the allocation so); it is ours, freed with free().
    let regions = unsafe {
        let n = (*mem).nregions as usize;
        let all = (*mem).regions.as_slice(n);
        let regions = all
            .iter()
            .map(|r| Region {
                guest: r.guest_phys_addr,
                size: r.size,
                host: r.host_user_addr as usize,
            })
            .collect();
        libc::free(mem as *mut libc::c_void);
        regions
    };
    Ok(GuestMemory::new(regions))
}

/// A vring as lisad works it.
#[derive(Clone, Copy, Debug)]
pub struct Vring {
    /// Where its parts are mapped.
    pub addrs: RingAddrs,
    /// The eventfd to write when the guest wants a notification.
    pub callfd: i32,
    /// Next available and next used index, where the library left them.
    pub indices: (u16, u16),
}

/// Vring `index` of device `vid`.
pub fn vring(vid: i32, index: u16) -> Result<Vring, DeviceError> {
    let mut v = dpdk_sys::rte_vhost_vring::default();
    // SAFETY: a query with a valid out pointer.
    if unsafe { dpdk_sys::rte_vhost_get_vhost_vring(vid, index, &mut v) } != 0 {
        return Err(DeviceError::NoRing(index));
    }
    // SAFETY: a split ring's members of the unions (the caller checked
    // the device is not packed).
    let (desc, avail, used) = unsafe {
        (
            v.__bindgen_anon_1.desc as *mut Desc,
            v.__bindgen_anon_2.avail as *mut u16,
            v.__bindgen_anon_3.used as *mut u16,
        )
    };
    let (Some(desc), Some(avail), Some(used)) =
        (NonNull::new(desc), NonNull::new(avail), NonNull::new(used))
    else {
        return Err(DeviceError::NoRing(index));
    };
    let (mut last_avail, mut last_used) = (0u16, 0u16);
    // SAFETY: a query with valid out pointers.
    if unsafe { dpdk_sys::rte_vhost_get_vring_base(vid, index, &mut last_avail, &mut last_used) }
        != 0
    {
        return Err(DeviceError::NoRing(index));
    }
    Ok(Vring {
        addrs: RingAddrs {
            desc,
            avail,
            used,
            size: v.size,
        },
        callfd: v.callfd,
        indices: (last_avail, last_used),
    })
}

/// Hands the indices of vring `index` back to the library (it answers
/// GET_VRING_BASE with them, and arms notifications from them).
pub fn save_indices(vid: i32, index: u16, (last_avail, last_used): (u16, u16)) {
    // SAFETY: a plain store into the library's vring state; the library
    // reads it only in messages that pause lisad's datapath first, or from
    // the worker that calls this.
    unsafe { dpdk_sys::rte_vhost_set_vring_base(vid, index, last_avail, last_used) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_split_unlogged_untranslated_devices_without_tso_are_served() {
        let base = (1 << VERSION_1) | (1 << MRG_RXBUF) | (1 << EVENT_IDX) | 1;
        assert!(Features(base).served());
        for bit in UNSERVED {
            assert!(!Features(base | 1 << bit).served(), "bit {bit}");
        }
        assert_eq!(Features(base).header_len(), 12);
        assert_eq!(Features(0).header_len(), 10);
        assert!(Features(base).mergeable() && Features(base).event_idx());
    }
}
