//! Ethernet II frames, with an optional 802.1Q tag.

use super::vlan::{l2_header_len, VlanTag};
use super::{MacAddr, WireError};
use std::ops::Range;

/// Length of an untagged Ethernet header (dst, src, ethertype).
pub const ETHERNET_HEADER_LEN: usize = 14;
/// Length of one 802.1Q tag (TPID + TCI).
pub const VLAN_TAG_LEN: usize = 4;

/// Where the fields lie (shared with `wire::vlan`'s tag moves).
pub(super) mod field {
    use std::ops::Range;
    pub const DST: Range<usize> = 0..6;
    pub const SRC: Range<usize> = 6..12;
    /// Both addresses, moved together when a tag comes or goes.
    pub const ADDRESSES: Range<usize> = 0..12;
    pub const ETHERTYPE: Range<usize> = 12..14;
    pub const VLAN_TCI: Range<usize> = 14..16;
    pub const INNER_ETHERTYPE: Range<usize> = 16..18;
}

/// An ethertype: the ones the switch knows, and any other kept as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EtherType {
    /// IPv4.
    Ipv4,
    /// ARP.
    Arp,
    /// IEEE 802.1Q VLAN tag.
    Vlan,
    /// IEEE 802.1ad service tag (QinQ).
    QinQ,
    /// IPv6.
    Ipv6,
    /// Any other.
    Unknown(u16),
}

impl EtherType {
    /// Its value on the wire.
    #[inline]
    pub const fn raw(self) -> u16 {
        match self {
            EtherType::Ipv4 => 0x0800,
            EtherType::Arp => 0x0806,
            EtherType::Vlan => 0x8100,
            EtherType::QinQ => 0x88a8,
            EtherType::Ipv6 => 0x86dd,
            EtherType::Unknown(v) => v,
        }
    }
}

impl From<u16> for EtherType {
    #[inline]
    fn from(v: u16) -> EtherType {
        match v {
            0x0800 => EtherType::Ipv4,
            0x0806 => EtherType::Arp,
            0x8100 => EtherType::Vlan,
            0x88a8 => EtherType::QinQ,
            0x86dd => EtherType::Ipv6,
            other => EtherType::Unknown(other),
        }
    }
}

/// 802.1Q's TPID, for the fast path.
const TPID: u16 = EtherType::Vlan.raw();

/// A read view of an Ethernet frame whose header length has been checked.
#[derive(Debug, Clone, Copy)]
pub struct EthernetFrame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> EthernetFrame<T> {
    /// Wraps `buffer` after checking it holds a full Ethernet header, and the
    /// whole 802.1Q tag when the ethertype says there is one.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let len = buffer.as_ref().len();
        if len < ETHERNET_HEADER_LEN {
            return Err(WireError::Truncated {
                len,
                need: ETHERNET_HEADER_LEN,
            });
        }
        let frame = EthernetFrame { buffer };
        if frame.raw_ethertype() == TPID && len < ETHERNET_HEADER_LEN + VLAN_TAG_LEN {
            return Err(WireError::Truncated {
                len,
                need: ETHERNET_HEADER_LEN + VLAN_TAG_LEN,
            });
        }
        Ok(frame)
    }

    /// Wraps `buffer` that the caller knows holds a full untagged header
    /// (14 bytes): the accessors panic otherwise.
    #[inline]
    pub fn new_unchecked(buffer: T) -> Self {
        EthernetFrame { buffer }
    }

    fn get_u16(&self, r: Range<usize>) -> u16 {
        let b = &self.buffer.as_ref()[r];
        u16::from_be_bytes([b[0], b[1]])
    }

    /// Destination MAC address.
    pub fn dst(&self) -> MacAddr {
        MacAddr::from_bytes(&self.buffer.as_ref()[field::DST])
    }

    /// Source MAC address.
    pub fn src(&self) -> MacAddr {
        MacAddr::from_bytes(&self.buffer.as_ref()[field::SRC])
    }

    /// The ethertype right after the addresses (0x8100 for a tagged frame).
    pub fn raw_ethertype(&self) -> u16 {
        self.get_u16(field::ETHERTYPE)
    }

    /// The 802.1Q tag's VLAN id and priority, if the frame is tagged.
    pub fn vlan_tag(&self) -> Option<VlanTag> {
        if self.raw_ethertype() != TPID {
            return None;
        }
        Some(VlanTag::from_tci(self.get_u16(field::VLAN_TCI)))
    }

    /// The ethertype of the payload, past any 802.1Q tag.
    pub fn ethertype(&self) -> EtherType {
        if self.raw_ethertype() == TPID {
            self.get_u16(field::INNER_ETHERTYPE).into()
        } else {
            self.raw_ethertype().into()
        }
    }

    /// Length of the L2 header: 14, or 18 with an 802.1Q tag.
    pub fn header_len(&self) -> usize {
        l2_header_len(self.raw_ethertype() == TPID)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> EthernetFrame<T> {
    /// Sets the destination address.
    #[inline]
    pub fn set_dst(&mut self, mac: MacAddr) {
        self.buffer.as_mut()[field::DST].copy_from_slice(&mac.0);
    }

    /// Sets the source address.
    #[inline]
    pub fn set_src(&mut self, mac: MacAddr) {
        self.buffer.as_mut()[field::SRC].copy_from_slice(&mac.0);
    }

    /// Sets the ethertype right after the addresses.
    #[inline]
    pub fn set_raw_ethertype(&mut self, ethertype: u16) {
        self.buffer.as_mut()[field::ETHERTYPE].copy_from_slice(&ethertype.to_be_bytes());
    }
}

/// An untagged Ethernet header, parsed or to emit (smoltcp's `Repr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthernetRepr {
    /// Destination.
    pub dst: MacAddr,
    /// Source.
    pub src: MacAddr,
    /// The payload's ethertype (past any tag, when parsed).
    pub ethertype: EtherType,
}

impl EthernetRepr {
    /// The header of `frame`.
    pub fn parse<T: AsRef<[u8]>>(frame: &EthernetFrame<T>) -> EthernetRepr {
        EthernetRepr {
            dst: frame.dst(),
            src: frame.src(),
            ethertype: frame.ethertype(),
        }
    }

    /// Bytes `emit` writes.
    pub const fn header_len(&self) -> usize {
        ETHERNET_HEADER_LEN
    }

    /// Writes the untagged header at the start of `buf` (at least 14
    /// bytes).
    pub fn emit(&self, buf: &mut [u8]) {
        let mut f = EthernetFrame {
            buffer: &mut buf[..ETHERNET_HEADER_LEN],
        };
        f.set_dst(self.dst);
        f.set_src(self.src);
        f.set_raw_ethertype(self.ethertype.raw());
    }
}

/// Rewrites the addresses of the frame at the start of `buf` (a routed
/// packet's next hop and the router); false if `buf` is too short.
#[inline]
pub fn set_addresses(buf: &mut [u8], dst: MacAddr, src: MacAddr) -> bool {
    match EthernetFrame::new_checked(buf) {
        Ok(mut f) => {
            f.set_dst(dst);
            f.set_src(src);
            true
        }
        Err(_) => false,
    }
}

/// The destination and source MAC addresses of a frame, as the low 48
/// bits of two words: two loads, no byte shuffling. A frame too short to
/// hold them (never past `eth-input`) reads as from and to broadcast.
#[inline(always)]
pub fn addresses(frame: &[u8]) -> (u64, u64) {
    let Some(h) = frame.get(..12) else {
        return ((1 << 48) - 1, (1 << 48) - 1);
    };
    let w = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&h[at..at + 8]);
        u64::from_be_bytes(b)
    };
    (w(0) >> 16, w(4) & ((1 << 48) - 1))
}

/// True for a group (multicast or broadcast) address.
#[inline(always)]
pub fn is_group(mac: u64) -> bool {
    mac & (1 << 40) != 0
}

/// True for an IPv4 multicast address (01:00:5e:00:00:00/25, RFC 1112
/// 6.4), given as `addresses` reads it.
#[inline]
pub fn is_ipv4_multicast(mac: u64) -> bool {
    mac >> 23 == 0x0100_5e00 >> 7
}

/// The ethertype after the frame's tag, if any.
#[inline]
pub fn ethertype_after_tag(frame: &[u8], tagged: bool) -> u16 {
    let at = if tagged {
        field::INNER_ETHERTYPE.start
    } else {
        field::ETHERTYPE.start
    };
    frame
        .get(at..at + 2)
        .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(tagged: bool) -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend([0x02, 0, 0, 0, 0, 1]);
        if tagged {
            f.extend([0x81, 0x00, 0x20, 0x0a]);
        }
        f.extend([0x08, 0x06]);
        f.extend([0u8; 28]);
        f
    }

    #[test]
    fn untagged_fields() {
        let f = frame(false);
        let e = EthernetFrame::new_checked(&f[..]).unwrap();
        assert_eq!(e.dst(), MacAddr::BROADCAST);
        assert_eq!(e.src().to_string(), "02:00:00:00:00:01");
        assert_eq!(e.ethertype(), EtherType::Arp);
        assert_eq!(e.vlan_tag(), None);
        assert_eq!(e.header_len(), 14);
    }

    #[test]
    fn tagged_fields() {
        let f = frame(true);
        let e = EthernetFrame::new_checked(&f[..]).unwrap();
        assert_eq!(e.vlan_tag(), Some(VlanTag { vid: 10, pcp: 1 }));
        assert_eq!(e.ethertype(), EtherType::Arp);
        assert_eq!(e.header_len(), 18);
    }

    #[test]
    fn truncated_is_an_error_not_a_panic() {
        let f = frame(true);
        for len in 0..18 {
            assert!(EthernetFrame::new_checked(&f[..len]).is_err(), "len {len}");
        }
        assert!(EthernetFrame::new_checked(&f[..18]).is_ok());
    }
}
