//! A guest's memory as its vhost-user front end described it: regions of
//! guest-physical addresses mapped into this process, and the translation
//! of a guest range to the host addresses that hold it.

use std::ptr::NonNull;

/// One region of guest memory mapped into this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// First guest-physical address of the region.
    pub guest: u64,
    /// Bytes in the region.
    pub size: u64,
    /// Host virtual address of the region's first byte.
    pub host: usize,
}

impl Region {
    /// True if `gpa` lies in the region.
    #[inline(always)]
    fn holds(&self, gpa: u64) -> bool {
        gpa.wrapping_sub(self.guest) < self.size
    }
}

/// The regions of one device's memory table, in the order the front end
/// gave them.
#[derive(Debug, Default)]
pub struct GuestMemory {
    regions: Vec<Region>,
}

impl GuestMemory {
    /// Memory made of `regions` (each must be mapped for as long as this
    /// value is used to translate: the caller's contract, see `translate`).
    pub fn new(regions: Vec<Region>) -> GuestMemory {
        GuestMemory { regions }
    }

    /// The regions.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The host address of guest address `gpa` and how many bytes from it,
    /// up to `len`, lie in the same region; `None` if no region holds
    /// `gpa`. A range that crosses into another region comes back short:
    /// the caller asks again from where it ended.
    #[inline]
    pub fn translate(&self, gpa: u64, len: u32) -> Option<(NonNull<u8>, u32)> {
        let r = self.regions.iter().find(|r| r.holds(gpa))?;
        let offset = gpa - r.guest;
        let room = r.size - offset;
        let take = u64::from(len).min(room) as u32;
        // The region is mapped at `host` for `size` bytes and offset < size.
        let host = r.host.checked_add(offset as usize)?;
        NonNull::new(host as *mut u8).map(|p| (p, take))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_within_and_stops_at_a_region_end() {
        let m = GuestMemory::new(vec![
            Region {
                guest: 0x1000,
                size: 0x1000,
                host: 0x7000_0000,
            },
            Region {
                guest: 0x2000,
                size: 0x100,
                host: 0x9000_0000,
            },
        ]);
        let (p, n) = m.translate(0x1010, 64).unwrap();
        assert_eq!((p.as_ptr() as usize, n), (0x7000_0010, 64));
        let (p, n) = m.translate(0x1ff0, 64).unwrap();
        assert_eq!(
            (p.as_ptr() as usize, n),
            (0x7000_0ff0, 16),
            "short at the end"
        );
        let (p, n) = m.translate(0x2000, 48).unwrap();
        assert_eq!(
            (p.as_ptr() as usize, n),
            (0x9000_0000, 48),
            "the next region"
        );
        assert!(m.translate(0x2100, 1).is_none(), "past the last byte");
        assert!(m.translate(0xfff, 1).is_none(), "before the first");
        assert!(m.translate(u64::MAX, 1).is_none());
    }
}
