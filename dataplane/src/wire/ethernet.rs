//! Ethernet II frames, with an optional 802.1Q tag.

use super::{MacAddr, WireError};
use std::ops::Range;

/// Length of an untagged Ethernet header (dst, src, ethertype).
pub const ETHERNET_HEADER_LEN: usize = 14;
/// Length of one 802.1Q tag (TPID + TCI).
pub const VLAN_TAG_LEN: usize = 4;

mod field {
    use std::ops::Range;
    pub const DST: Range<usize> = 0..6;
    pub const SRC: Range<usize> = 6..12;
    pub const ETHERTYPE: Range<usize> = 12..14;
    pub const VLAN_TCI: Range<usize> = 14..16;
    pub const INNER_ETHERTYPE: Range<usize> = 16..18;
}

/// EtherType values the switch looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EtherType;

impl EtherType {
    /// IPv4.
    pub const IPV4: u16 = 0x0800;
    /// ARP.
    pub const ARP: u16 = 0x0806;
    /// IEEE 802.1Q VLAN tag.
    pub const VLAN: u16 = 0x8100;
    /// IEEE 802.1ad service tag (QinQ).
    pub const QINQ: u16 = 0x88a8;
    /// IPv6.
    pub const IPV6: u16 = 0x86dd;
}

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
        if frame.raw_ethertype() == EtherType::VLAN && len < ETHERNET_HEADER_LEN + VLAN_TAG_LEN {
            return Err(WireError::Truncated {
                len,
                need: ETHERNET_HEADER_LEN + VLAN_TAG_LEN,
            });
        }
        Ok(frame)
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
        if self.raw_ethertype() != EtherType::VLAN {
            return None;
        }
        let tci = self.get_u16(field::VLAN_TCI);
        Some(VlanTag {
            vid: tci & 0x0fff,
            pcp: (tci >> 13) as u8,
        })
    }

    /// The ethertype of the payload, past any 802.1Q tag.
    pub fn ethertype(&self) -> u16 {
        if self.raw_ethertype() == EtherType::VLAN {
            self.get_u16(field::INNER_ETHERTYPE)
        } else {
            self.raw_ethertype()
        }
    }

    /// Length of the L2 header: 14, or 18 with an 802.1Q tag.
    pub fn header_len(&self) -> usize {
        if self.raw_ethertype() == EtherType::VLAN {
            ETHERNET_HEADER_LEN + VLAN_TAG_LEN
        } else {
            ETHERNET_HEADER_LEN
        }
    }
}

/// The meaning of an 802.1Q tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag {
    /// VLAN identifier (0 = priority tag only).
    pub vid: u16,
    /// Priority code point.
    pub pcp: u8,
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
        assert_eq!(e.ethertype(), EtherType::ARP);
        assert_eq!(e.vlan_tag(), None);
        assert_eq!(e.header_len(), 14);
    }

    #[test]
    fn tagged_fields() {
        let f = frame(true);
        let e = EthernetFrame::new_checked(&f[..]).unwrap();
        assert_eq!(e.vlan_tag(), Some(VlanTag { vid: 10, pcp: 1 }));
        assert_eq!(e.ethertype(), EtherType::ARP);
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
