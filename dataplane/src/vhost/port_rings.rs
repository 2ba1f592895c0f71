//! The vrings of each vhost-user port as lisad's datapath works them: one
//! slot per vring, rebuilt from the library whenever the port's gate
//! (`lisa_vhost_own_enter` in the shim) opens with a new epoch, and handed
//! back to the library (`on_pause`) before any message that may change
//! the device.
//!
//! A slot is touched only by a worker inside the gate on its port (an rx
//! vring by the one worker that polls its queue, a tx vring by the workers
//! sending on its queue, one at a time under the port's tx lock), or by the
//! vhost-user thread in `on_pause` while the shim keeps every worker out.

use super::device::{self, Features};
use super::memory::GuestMemory;
use super::ring::SplitQueue;
use crate::port::MAX_PORTS;
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicPtr, Ordering};

/// A vring lisad works itself.
pub struct OwnRing {
    /// The queue.
    pub q: SplitQueue,
    /// The guest's memory.
    pub mem: GuestMemory,
    /// Header bytes in front of every frame.
    pub hdr_len: u32,
    /// Received frames may span several chains.
    pub mergeable: bool,
    /// Sent frames' headers may ask for something (`Features::sent_headers_matter`).
    pub read_headers: bool,
    /// The guest's call eventfd.
    pub callfd: i32,
    /// The device's id.
    pub vid: i32,
    /// The vring's index.
    pub index: u16,
    /// Where received frames' mbufs come from (the port's pool).
    pub pool: *mut dpdk_sys::rte_mempool,
}

impl OwnRing {
    /// Makes the used entries written so far visible to the guest, and
    /// notifies it if it asked.
    pub fn publish(&mut self) {
        self.q.publish();
        if self.q.needs_call() {
            // SAFETY: writes to an eventfd the library keeps open.
            unsafe { dpdk_sys::lisa_vhost_kick(self.callfd) };
        }
    }
}

/// What a worker does with a vring.
pub enum Ring {
    /// Nothing known yet: look at the device.
    Stale,
    /// The vring is not set up or not enabled: nothing to do.
    Absent,
    /// The device is one lisad does not serve: through the vhost library.
    Library,
    /// lisad works it.
    Own(Box<OwnRing>),
}

impl Ring {
    /// Who works the ring, for the log: `None` while nobody does.
    fn datapath(&self) -> Option<&'static str> {
        match self {
            Ring::Own(r) if r.mergeable => Some("lisad's datapath (split ring, mergeable buffers)"),
            Ring::Own(_) => Some("lisad's datapath (split ring)"),
            Ring::Library => Some("the vhost library (a device lisad does not serve)"),
            Ring::Stale | Ring::Absent => None,
        }
    }
}

/// One vring's slot.
struct Slot {
    /// The gate's epoch the ring was read in.
    epoch: u32,
    ring: Ring,
    /// The device and datapath last logged for the ring.
    logged: (i32, Option<&'static str>),
}

/// The slots of one port.
struct PortRings {
    pool: *mut dpdk_sys::rte_mempool,
    slots: Box<[UnsafeCell<Slot>]>,
}

// SAFETY: each slot is used by one thread at a time (the module's
// comment: the gate, the queue's owner, the tx lock).
unsafe impl Sync for PortRings {}

static PORTS: [AtomicPtr<PortRings>; MAX_PORTS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; MAX_PORTS];

/// Makes slots for `vrings` vrings of `port`, whose received frames go in
/// mbufs from `pool` (before the port's gate can open).
///
/// # Safety
/// `pool` outlives the slots (until `detach`).
pub unsafe fn attach(port: u16, vrings: u16, pool: *mut dpdk_sys::rte_mempool) {
    let slots = (0..vrings)
        .map(|_| {
            UnsafeCell::new(Slot {
                epoch: 0,
                ring: Ring::Stale,
                logged: (-1, None),
            })
        })
        .collect();
    let new = Box::into_raw(Box::new(PortRings { pool, slots }));
    let old = PORTS[usize::from(port)].swap(new, Ordering::AcqRel);
    if !old.is_null() {
        // SAFETY: made by Box::into_raw here; the port was detached, so no
        // worker holds it.
        drop(unsafe { Box::from_raw(old) });
    }
}

/// Drops `port`'s slots.
///
/// # Safety
/// The port's gate is closed for good (`lisa_vhost_detach`): no worker is
/// inside or will enter.
pub unsafe fn detach(port: u16) {
    let old = PORTS[usize::from(port)].swap(std::ptr::null_mut(), Ordering::AcqRel);
    if !old.is_null() {
        // SAFETY: made by Box::into_raw in `attach`; nobody uses it now.
        drop(unsafe { Box::from_raw(old) });
    }
}

/// Vring `index` of `port` as of gate epoch `epoch` (device `vid`),
/// rebuilt from the library if the epoch moved on; `None` if the port has
/// no such slot.
///
/// # Safety
/// The caller is inside the port's gate (`lisa_vhost_own_enter` returned
/// `epoch`, not 0), and is the one thread that may use this vring now.
pub unsafe fn ring<'a>(port: u16, index: u16, epoch: u32, vid: i32) -> Option<&'a mut Ring> {
    let rings = PORTS.get(usize::from(port))?.load(Ordering::Acquire);
    // SAFETY: attached slots stay until `detach`, which waits for the gate.
    let rings = unsafe { rings.as_ref() }?;
    let cell = rings.slots.get(usize::from(index))?;
    // SAFETY: this thread alone uses the slot now (the caller's contract).
    let slot = unsafe { &mut *cell.get() };
    if slot.epoch != epoch {
        if let Ring::Own(r) = &slot.ring {
            // Not paused since (a queue enabled or disabled): the library
            // learns where the ring is before it is read back.
            if r.vid == vid {
                device::save_indices(vid, index, r.q.indices());
            }
        }
        slot.ring = read(port, index, vid, rings.pool);
        slot.epoch = epoch;
        let datapath = slot.ring.datapath();
        if datapath.is_some() && slot.logged != (vid, datapath) {
            slot.logged = (vid, datapath);
            tracing::info!(
                port,
                vid,
                "vhost-user vring {index} is worked by {}",
                datapath.unwrap_or_default()
            );
        }
    }
    Some(&mut slot.ring)
}

/// `LISA_VHOST_DATAPATH=library` in lisad's environment: every vring
/// through the vhost library's bursts (a diagnostic switch, and the
/// baseline of the A/B benchmark of lisad's own datapath).
fn library_only() -> bool {
    static ONLY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ONLY.get_or_init(|| {
        std::env::var("LISA_VHOST_DATAPATH").is_ok_and(|v| v.eq_ignore_ascii_case("library"))
    })
}

/// Reads vring `index` of device `vid` on `port` from the library.
fn read(port: u16, index: u16, vid: i32, pool: *mut dpdk_sys::rte_mempool) -> Ring {
    let features = match device::features(vid) {
        Ok(f) => f,
        Err(_) => return Ring::Absent,
    };
    if !features.served() || library_only() {
        return Ring::Library;
    }
    // SAFETY: a plain query of the shim's table.
    if unsafe { dpdk_sys::lisa_vhost_vring_enabled(port, index) } == 0 {
        return Ring::Absent;
    }
    match own(features, index, vid, pool) {
        Ok(r) => Ring::Own(Box::new(r)),
        Err(e) => {
            tracing::debug!(port, vid, "{e}");
            Ring::Absent
        }
    }
}

fn own(
    features: Features,
    index: u16,
    vid: i32,
    pool: *mut dpdk_sys::rte_mempool,
) -> Result<OwnRing, device::DeviceError> {
    let v = device::vring(vid, index)?;
    let mem = device::memory(vid)?;
    // SAFETY: the library mapped the ring's parts for `size` entries, and
    // they stay mapped until a message that pauses the datapath (and
    // marks this slot stale) first.
    let q = unsafe { SplitQueue::new(v.addrs, v.indices.0, v.indices.1, features.event_idx()) }
        .map_err(|e| device::DeviceError::BadRing(index, e))?;
    Ok(OwnRing {
        q,
        mem,
        hdr_len: features.header_len(),
        mergeable: features.mergeable(),
        read_headers: features.sent_headers_matter(),
        callfd: v.callfd,
        vid,
        index,
        pool,
    })
}

/// Called by the shim (from the vhost-user thread, every worker out of
/// the port's own datapath) before a message that may change the device:
/// the indices of the rings lisad worked go back to the library, and every
/// slot is read afresh after the message. With `vid` -1 (the device came
/// or went) nothing is handed back: the slots are only forgotten.
pub extern "C" fn on_pause(port: u16, vid: i32, _request: u32, _payload: *const u8) {
    let Some(rings) = PORTS.get(usize::from(port)) else {
        return;
    };
    // SAFETY: attached slots stay until `detach`.
    let Some(rings) = (unsafe { rings.load(Ordering::Acquire).as_ref() }) else {
        return;
    };
    for cell in rings.slots.iter() {
        // SAFETY: no worker is inside the gate (the shim waited them out).
        let slot = unsafe { &mut *cell.get() };
        if let Ring::Own(r) = &slot.ring {
            if r.vid == vid {
                device::save_indices(vid, r.index, r.q.indices());
            }
        }
        slot.ring = Ring::Stale;
        slot.epoch = 0;
    }
}
