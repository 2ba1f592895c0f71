//! A descriptor chain walked into the guest buffers it names: through
//! `DESC_F_NEXT` links and at most one indirect table, each buffer
//! translated to host addresses (split where it crosses a memory region).
//! A chain that loops, points past its table, names memory the guest does
//! not have, or mixes buffer directions is refused, never followed.

use super::memory::GuestMemory;
use super::ring::{Desc, SplitQueue, DESC_F_INDIRECT, DESC_F_NEXT, DESC_F_WRITE};
use arrayvec::ArrayVec;
use std::ptr::NonNull;

/// Most host segments a chain may have (an Ethernet frame from a guest is
/// a few: header, linear part, page fragments).
pub const MAX_SEGS: usize = 32;

/// One piece of a chain's buffers, in host memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    /// Its first byte.
    pub ptr: NonNull<u8>,
    /// Its length.
    pub len: u32,
}

/// A walked chain: its head (to return it used) and its buffers in order.
#[derive(Debug, Default)]
pub struct Chain {
    /// The head descriptor's index.
    pub head: u16,
    /// The buffers, in host memory.
    pub segs: ArrayVec<Seg, MAX_SEGS>,
    /// Their total length.
    pub len: u32,
}

/// Why a chain is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// A descriptor index past the table.
    #[error("descriptor {0} is past the table")]
    BadIndex(u16),
    /// More links than the table has entries: a loop.
    #[error("the chain is longer than its table (a loop)")]
    Loop,
    /// A buffer outside the guest's memory.
    #[error("buffer at guest address {0:#x} is not in guest memory")]
    Unmapped(u64),
    /// An indirect table that is empty, misaligned in size, not in one
    /// region, nested, or chained.
    #[error("bad indirect descriptor table")]
    BadIndirect,
    /// A buffer the device should write in a chain it reads, or the
    /// reverse.
    #[error("buffer direction does not match the queue")]
    Direction,
    /// More pieces than `MAX_SEGS`.
    #[error("more than {MAX_SEGS} buffer pieces")]
    TooManySegs,
}

/// The descriptors a walk follows: the ring's own table or an indirect one.
enum Table {
    Ring,
    Indirect { base: NonNull<Desc>, len: u16 },
}

impl Table {
    fn get(&self, q: &SplitQueue, i: u16) -> Result<Desc, ChainError> {
        match *self {
            Table::Ring => q.desc(i).ok_or(ChainError::BadIndex(i)),
            Table::Indirect { base, len } => {
                if i >= len {
                    return Err(ChainError::BadIndex(i));
                }
                // SAFETY: i < len entries of a table `walk` translated as
                // one mapped range; read unaligned into a local copy (the
                // guest may place it anywhere and change it any time).
                Ok(unsafe { std::ptr::read_unaligned(base.as_ptr().add(usize::from(i))) })
            }
        }
    }

    fn len(&self, q: &SplitQueue) -> u16 {
        match *self {
            Table::Ring => q.size(),
            Table::Indirect { len, .. } => len,
        }
    }
}

/// Walks the chain at `head` of `q`: buffers the device reads (`writable`
/// false: a tx queue) or writes (true: an rx queue).
pub fn walk(
    q: &SplitQueue,
    mem: &GuestMemory,
    head: u16,
    writable: bool,
) -> Result<Chain, ChainError> {
    let mut chain = Chain::default();
    walk_into(q, mem, head, writable, &mut chain)?;
    Ok(chain)
}

/// `walk` into a chain the caller keeps (emptied first): a `Chain` is
/// half a kilobyte, too much to move once a packet.
#[inline]
pub fn walk_into(
    q: &SplitQueue,
    mem: &GuestMemory,
    head: u16,
    writable: bool,
    chain: &mut Chain,
) -> Result<(), ChainError> {
    chain.head = head;
    chain.segs.clear();
    chain.len = 0;
    if let Some(seg) = one_buffer(q, mem, head, writable) {
        chain.segs.push(seg);
        chain.len = seg.len;
        return Ok(());
    }
    let mut table = Table::Ring;
    let mut i = head;
    let mut links = 0u32;
    loop {
        let d = table.get(q, i)?;
        links += 1;
        if links > u32::from(table.len(q)) {
            return Err(ChainError::Loop);
        }
        if d.flags & DESC_F_INDIRECT != 0 {
            if !matches!(table, Table::Ring) || d.flags & DESC_F_NEXT != 0 {
                return Err(ChainError::BadIndirect);
            }
            let entries = d.len / std::mem::size_of::<Desc>() as u32;
            if entries == 0 || d.len % std::mem::size_of::<Desc>() as u32 != 0 || entries > 65535 {
                return Err(ChainError::BadIndirect);
            }
            let (base, got) = mem
                .translate(d.addr, d.len)
                .ok_or(ChainError::BadIndirect)?;
            if got != d.len {
                return Err(ChainError::BadIndirect);
            }
            table = Table::Indirect {
                base: base.cast(),
                len: entries as u16,
            };
            links = 0;
            i = 0;
            continue;
        }
        if (d.flags & DESC_F_WRITE != 0) != writable {
            return Err(ChainError::Direction);
        }
        add_buffer(chain, mem, d.addr, d.len)?;
        if d.flags & DESC_F_NEXT == 0 {
            return Ok(());
        }
        i = d.next;
    }
}

/// The common chain, taken straight: one descriptor, no link or indirect
/// table, the direction asked, in one memory region. `None` for any other
/// (the full walk then looks at it again and refuses what is broken).
#[inline(always)]
fn one_buffer(q: &SplitQueue, mem: &GuestMemory, head: u16, writable: bool) -> Option<Seg> {
    let d = q.desc(head)?;
    let want = if writable { DESC_F_WRITE } else { 0 };
    if d.flags & (DESC_F_NEXT | DESC_F_INDIRECT | DESC_F_WRITE) != want || d.len == 0 {
        return None;
    }
    let (ptr, got) = mem.translate(d.addr, d.len)?;
    (got == d.len).then_some(Seg { ptr, len: got })
}

/// Most lines `prefetch_chains` fetches in one buffer.
const MAX_PREFETCH_LINES: usize = 4;

/// Starts loading, for the next `n` pending heads of `q`, their
/// descriptors and then, in each one-buffer chain's buffer (`one_buffer`:
/// what the walk takes straight), the lines from byte `from` to byte `to`
/// (the header's bytes the caller touches and the frame's first ones), at
/// most `MAX_PREFETCH_LINES`: hints, so that a burst's cache misses (the
/// guest's core wrote all of these) overlap instead of coming one after
/// another.
/// `write`: the caller will write those lines (a receive queue).
pub fn prefetch_chains(q: &SplitQueue, mem: &GuestMemory, n: u16, from: u32, to: u32, write: bool) {
    let fetch = |p: usize| {
        if write {
            crate::mbuf::prefetch_write(p as *const u8)
        } else {
            crate::mbuf::prefetch(p as *const u8)
        }
    };
    for i in 0..n {
        q.prefetch_desc(q.head(i));
    }
    for i in 0..n {
        if let Some(seg) = one_buffer(q, mem, q.head(i), write) {
            let p = seg.ptr.as_ptr() as usize;
            let first = p + from.min(seg.len - 1) as usize;
            let last = p + to.min(seg.len - 1) as usize;
            for line in (first / 64..=last / 64).take(MAX_PREFETCH_LINES) {
                fetch(line * 64);
            }
        }
    }
}

/// Appends the guest buffer (`addr`, `len`) to `chain`, a piece per
/// memory region it spans.
fn add_buffer(chain: &mut Chain, mem: &GuestMemory, addr: u64, len: u32) -> Result<(), ChainError> {
    let (mut at, mut left) = (addr, len);
    while left > 0 {
        let (ptr, got) = mem.translate(at, left).ok_or(ChainError::Unmapped(at))?;
        chain
            .segs
            .try_push(Seg { ptr, len: got })
            .map_err(|_| ChainError::TooManySegs)?;
        chain.len = chain.len.checked_add(got).ok_or(ChainError::TooManySegs)?;
        at = at.wrapping_add(u64::from(got));
        left -= got;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vhost::memory::Region;
    use crate::vhost::testing::{memory, TestRing};

    fn desc(addr: u64, len: u32, flags: u16, next: u16) -> Desc {
        Desc {
            addr,
            len,
            flags,
            next,
        }
    }

    #[test]
    fn walks_a_linked_chain_into_host_pieces() {
        let mut buf = vec![0u8; 4096];
        let mem = memory(&mut buf);
        let mut r = TestRing::new(8);
        r.desc[2] = desc(0x10000, 12, DESC_F_NEXT, 5);
        r.desc[5] = desc(0x10100, 60, 0, 0);
        // SAFETY: the test ring outlives the queue.
        let q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        let c = walk(&q, &mem, 2, false).unwrap();
        assert_eq!((c.head, c.len, c.segs.len()), (2, 72, 2));
        assert_eq!(
            c.segs[1].ptr.as_ptr() as usize,
            buf.as_ptr() as usize + 0x100
        );
        assert_eq!(walk(&q, &mem, 2, true).unwrap_err(), ChainError::Direction);
    }

    #[test]
    fn refuses_loops_bad_indices_and_foreign_memory() {
        let mut buf = vec![0u8; 4096];
        let mem = memory(&mut buf);
        let mut r = TestRing::new(4);
        r.desc[0] = desc(0x10000, 10, DESC_F_NEXT, 1);
        r.desc[1] = desc(0x10000, 10, DESC_F_NEXT, 0);
        r.desc[2] = desc(0x10000, 10, DESC_F_NEXT, 9);
        r.desc[3] = desc(0x900000, 10, 0, 0);
        // SAFETY: the test ring outlives the queue.
        let q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        assert_eq!(walk(&q, &mem, 0, false).unwrap_err(), ChainError::Loop);
        assert_eq!(
            walk(&q, &mem, 2, false).unwrap_err(),
            ChainError::BadIndex(9)
        );
        assert_eq!(
            walk(&q, &mem, 3, false).unwrap_err(),
            ChainError::Unmapped(0x900000)
        );
        assert_eq!(
            walk(&q, &mem, 7, false).unwrap_err(),
            ChainError::BadIndex(7)
        );
    }

    #[test]
    fn follows_one_indirect_table_and_no_more() {
        let mut buf = vec![0u8; 4096];
        let table = [desc(0x10200, 12, DESC_F_NEXT, 1), desc(0x10300, 1500, 0, 0)];
        // SAFETY: the table's bytes go into the test buffer at offset 0x100.
        unsafe {
            std::ptr::copy_nonoverlapping(
                table.as_ptr() as *const u8,
                buf.as_mut_ptr().add(0x100),
                std::mem::size_of_val(&table),
            )
        };
        let mem = memory(&mut buf);
        let mut r = TestRing::new(4);
        r.desc[1] = desc(0x10100, 32, DESC_F_INDIRECT, 0);
        r.desc[2] = desc(0x10100, 31, DESC_F_INDIRECT, 0);
        r.desc[3] = desc(0x10100, 32, DESC_F_INDIRECT | DESC_F_NEXT, 0);
        // SAFETY: the test ring outlives the queue.
        let q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        let c = walk(&q, &mem, 1, false).unwrap();
        assert_eq!((c.len, c.segs.len()), (1512, 2));
        assert_eq!(
            walk(&q, &mem, 2, false).unwrap_err(),
            ChainError::BadIndirect
        );
        assert_eq!(
            walk(&q, &mem, 3, false).unwrap_err(),
            ChainError::BadIndirect
        );
    }

    #[test]
    fn splits_a_buffer_across_regions() {
        let mut a = vec![0u8; 256];
        let mut b = vec![0u8; 256];
        let mem = GuestMemory::new(vec![
            Region {
                guest: 0x1000,
                size: 256,
                host: a.as_mut_ptr() as usize,
            },
            Region {
                guest: 0x1100,
                size: 256,
                host: b.as_mut_ptr() as usize,
            },
        ]);
        let mut r = TestRing::new(2);
        r.desc[0] = desc(0x10f0, 64, 0, 0);
        // SAFETY: the test ring outlives the queue.
        let q = unsafe { SplitQueue::new(r.addrs(), 0, 0, false) }.unwrap();
        let c = walk(&q, &mem, 0, false).unwrap();
        assert_eq!(c.segs.len(), 2);
        assert_eq!((c.segs[0].len, c.segs[1].len), (16, 48));
        assert_eq!(c.segs[1].ptr.as_ptr() as usize, b.as_ptr() as usize);
    }
}
