//! A split ring and guest memory laid out in this process, as a driver
//! would lay them out, for the unit tests of the ring code.

use super::memory::{GuestMemory, Region};
use super::ring::{Desc, RingAddrs};
use std::ptr::NonNull;

/// Guest memory that is the test's own buffer, at guest address 0x10000.
pub(crate) fn memory(buf: &mut [u8]) -> GuestMemory {
    GuestMemory::new(vec![Region {
        guest: 0x10000,
        size: buf.len() as u64,
        host: buf.as_mut_ptr() as usize,
    }])
}

/// A split ring laid out in this process's memory, as a driver would.
pub(crate) struct TestRing {
    pub desc: Vec<Desc>,
    pub avail: Vec<u16>,
    pub used: Vec<u32>,
}

impl TestRing {
    pub(crate) fn new(size: u16) -> TestRing {
        let n = usize::from(size);
        TestRing {
            desc: vec![Desc::default(); n],
            avail: vec![0; n + 3],
            used: vec![0; 2 * n + 2],
        }
    }

    pub(crate) fn addrs(&mut self) -> RingAddrs {
        RingAddrs {
            desc: NonNull::new(self.desc.as_mut_ptr()).unwrap(),
            avail: NonNull::new(self.avail.as_mut_ptr()).unwrap(),
            used: NonNull::new(self.used.as_mut_ptr() as *mut u16).unwrap(),
            size: self.desc.len() as u16,
        }
    }

    /// Makes chain `head` available, as the driver does.
    pub(crate) fn offer(&mut self, head: u16) {
        let n = self.desc.len();
        let idx = self.avail[1];
        self.avail[2 + usize::from(idx) % n] = head;
        self.avail[1] = idx.wrapping_add(1);
    }

    pub(crate) fn used_idx(&self) -> u16 {
        (self.used[0] >> 16) as u16
    }

    pub(crate) fn used_elem(&self, slot: usize) -> (u32, u32) {
        (self.used[1 + 2 * slot], self.used[2 + 2 * slot])
    }
}
