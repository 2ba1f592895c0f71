//! ARP for IPv4 over Ethernet (RFC 826).

use super::{MacAddr, WireError};
use std::net::Ipv4Addr;

/// Length of an Ethernet/IPv4 ARP packet.
pub const ARP_LEN: usize = 28;

/// ARP operation: request.
pub const ARP_REQUEST: u16 = 1;
/// ARP operation: reply.
pub const ARP_REPLY: u16 = 2;

/// An ARP operation, with the values the switch does not handle kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArpOperation {
    /// Who has this address?
    Request,
    /// This address is at this MAC.
    Reply,
    /// Anything else (RARP, InARP...).
    Unknown(u16),
}

impl From<u16> for ArpOperation {
    fn from(v: u16) -> ArpOperation {
        match v {
            ARP_REQUEST => ArpOperation::Request,
            ARP_REPLY => ArpOperation::Reply,
            other => ArpOperation::Unknown(other),
        }
    }
}

impl From<ArpOperation> for u16 {
    fn from(op: ArpOperation) -> u16 {
        match op {
            ArpOperation::Request => ARP_REQUEST,
            ArpOperation::Reply => ARP_REPLY,
            ArpOperation::Unknown(v) => v,
        }
    }
}

/// An Ethernet/IPv4 ARP packet, parsed or to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArpRepr {
    /// Request or reply.
    pub operation: ArpOperation,
    /// Sender hardware address.
    pub sender_mac: MacAddr,
    /// Sender protocol address.
    pub sender_ip: Ipv4Addr,
    /// Target hardware address.
    pub target_mac: MacAddr,
    /// Target protocol address.
    pub target_ip: Ipv4Addr,
}

impl ArpRepr {
    /// The fields of `p`.
    pub fn parse<T: AsRef<[u8]>>(p: &ArpPacket<T>) -> ArpRepr {
        ArpRepr {
            operation: p.operation().into(),
            sender_mac: p.sender_mac(),
            sender_ip: p.sender_ip(),
            target_mac: p.target_mac(),
            target_ip: p.target_ip(),
        }
    }

    /// The 28 bytes of the packet.
    pub fn emit(&self) -> [u8; ARP_LEN] {
        build(
            self.operation.into(),
            self.sender_mac,
            self.sender_ip,
            self.target_mac,
            self.target_ip,
        )
    }
}

/// A checked view of an Ethernet/IPv4 ARP packet.
#[derive(Debug, Clone, Copy)]
pub struct ArpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

/// Why a buffer is not an Ethernet/IPv4 ARP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArpError {
    /// Shorter than 28 bytes.
    #[error(transparent)]
    Truncated(#[from] WireError),
    /// Not Ethernet hardware / IPv4 protocol addresses.
    #[error("not an Ethernet/IPv4 ARP packet")]
    Unsupported,
}

impl<T: AsRef<[u8]>> ArpPacket<T> {
    /// Wraps `buffer` after checking its length and address types.
    pub fn new_checked(buffer: T) -> Result<Self, ArpError> {
        let b = buffer.as_ref();
        if b.len() < ARP_LEN {
            return Err(WireError::Truncated {
                len: b.len(),
                need: ARP_LEN,
            }
            .into());
        }
        if b[0..6] != [0, 1, 8, 0, 6, 4] {
            return Err(ArpError::Unsupported);
        }
        Ok(ArpPacket { buffer })
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Request or reply.
    pub fn operation(&self) -> u16 {
        u16::from_be_bytes([self.b()[6], self.b()[7]])
    }

    /// Sender hardware address.
    pub fn sender_mac(&self) -> MacAddr {
        MacAddr::from_bytes(&self.b()[8..14])
    }

    /// Sender protocol address.
    pub fn sender_ip(&self) -> Ipv4Addr {
        let b = &self.b()[14..18];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }

    /// Target hardware address.
    pub fn target_mac(&self) -> MacAddr {
        MacAddr::from_bytes(&self.b()[18..24])
    }

    /// Target protocol address.
    pub fn target_ip(&self) -> Ipv4Addr {
        let b = &self.b()[24..28];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }
}

/// The 28 bytes of an ARP packet.
pub fn build(
    op: u16,
    sender_mac: MacAddr,
    sender_ip: Ipv4Addr,
    target_mac: MacAddr,
    target_ip: Ipv4Addr,
) -> [u8; ARP_LEN] {
    let mut p = [0u8; ARP_LEN];
    p[0..6].copy_from_slice(&[0, 1, 8, 0, 6, 4]);
    p[6..8].copy_from_slice(&op.to_be_bytes());
    p[8..14].copy_from_slice(&sender_mac.0);
    p[14..18].copy_from_slice(&sender_ip.octets());
    p[18..24].copy_from_slice(&target_mac.0);
    p[24..28].copy_from_slice(&target_ip.octets());
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let me = MacAddr([2, 0, 0, 0, 0, 1]);
        let p = build(
            ARP_REQUEST,
            me,
            Ipv4Addr::new(10, 0, 0, 1),
            MacAddr([0; 6]),
            Ipv4Addr::new(10, 0, 0, 2),
        );
        let a = ArpPacket::new_checked(&p[..]).unwrap();
        assert_eq!(a.operation(), ARP_REQUEST);
        assert_eq!(a.sender_mac(), me);
        assert_eq!(a.target_ip(), Ipv4Addr::new(10, 0, 0, 2));
        assert!(ArpPacket::new_checked(&p[..27]).is_err());
        let mut v6 = p;
        v6[3] = 0xdd;
        assert_eq!(
            ArpPacket::new_checked(&v6[..]).unwrap_err(),
            ArpError::Unsupported
        );
    }
}
