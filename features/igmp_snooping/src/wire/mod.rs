//! IGMP messages (RFC 1112, 2236, 3376) inside their IPv4 packet, smoltcp
//! style: checked views, `Repr` with parse and emit.
//!
//! `ipv4` reads the IPv4 header as far as IGMP needs it and writes the
//! header of the packets the switch sends; `igmp` reads and writes the
//! IGMP message. `parse` takes a whole received IPv4 packet (Ethernet
//! padding allowed after it) and never panics on any input; the length
//! checks (`check_len`) and the checksum checks (`verify_checksum`) are
//! separate steps, both done by the `Repr`s' `parse`. `query_packet`,
//! `leave_packet` and `ip_packet` build the packets the switch sends,
//! `ethernet_frame` wraps one in an untagged Ethernet II frame.
#![warn(missing_docs)]

pub mod igmp;
pub mod ipv4;

pub use igmp::{
    GroupRecord, GroupRecords, IgmpPacket, IgmpRepr, QueryV3, QueryVersion, RecordKind,
};
pub use ipv4::{Ipv4Packet, Ipv4Repr};

use std::net::Ipv4Addr;

/// All systems on this subnet: where general queries go.
pub const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);
/// All routers on this subnet: where IGMPv2 leaves go.
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// All IGMPv3-capable routers: where IGMPv3 reports go.
pub const ALL_V3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);
/// The TTL of every IGMP packet.
pub const TTL: u8 = 1;
/// The type of service of the packets the switch sends (precedence 6,
/// internetwork control, as Linux and IOS send IGMP).
pub const TOS: u8 = 0xc0;
/// The IPv4 ethertype.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// Shortest Ethernet frame, without its FCS.
pub const MIN_FRAME: usize = 60;
/// Length of an untagged Ethernet II header.
pub const ETH_HEADER_LEN: usize = 14;

/// Why bytes are no IGMP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Shorter than a header, or than a length it states.
    #[error("truncated")]
    Truncated,
    /// The IP version is not 4.
    #[error("IP version {0}, not 4")]
    BadIpVersion(u8),
    /// The IPv4 header length (IHL × 4) is below 20.
    #[error("IPv4 header length {0} is below 20")]
    BadHeaderLen(usize),
    /// The IPv4 total length is shorter than the header.
    #[error("IPv4 total length {0} is shorter than the header")]
    BadTotalLen(usize),
    /// A fragment (IGMP is never fragmented).
    #[error("an IPv4 fragment")]
    Fragment,
    /// Not IGMP: the IP protocol is another.
    #[error("IP protocol {0} is not IGMP")]
    NotIgmp(u8),
    /// The IPv4 header checksum is wrong.
    #[error("bad IPv4 header checksum")]
    BadIpChecksum,
    /// The IGMP checksum is wrong.
    #[error("bad IGMP checksum")]
    BadIgmpChecksum,
    /// A query of 9 to 11 bytes: neither v1/v2 (8) nor v3 (12 or more).
    #[error("a query of {0} bytes")]
    BadQueryLen(usize),
    /// An IGMP message type this switch does not read (DVMRP, PIMv1,
    /// mtrace...).
    #[error("IGMP type {0:#04x} is not understood")]
    UnknownType(u8),
}

/// The Internet checksum (RFC 1071) of `data`: the one's complement of
/// the one's complement sum of its 16-bit words, an odd last byte padded
/// with zero. Over data that holds its own right checksum, it is 0.
pub fn checksum(data: &[u8]) -> u16 {
    let mut chunks = data.chunks_exact(2);
    let mut sum: u64 = chunks
        .by_ref()
        .map(|c| u64::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    if let [last] = chunks.remainder() {
        sum += u64::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// True if `group` is in 224.0.0.0/24 (local network control: never
/// snooped, always flooded).
pub fn is_link_local(group: Ipv4Addr) -> bool {
    let [a, b, c, _] = group.octets();
    (a, b, c) == (224, 0, 0)
}

/// The Ethernet address of an IPv4 multicast group (RFC 1112 6.4):
/// 01:00:5e and the low 23 bits of the group.
pub fn multicast_mac(group: Ipv4Addr) -> [u8; 6] {
    let [_, b, c, d] = group.octets();
    [0x01, 0x00, 0x5e, b & 0x7f, c, d]
}

/// An IGMP packet as received: its IPv4 header and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgmpMessage {
    /// The IPv4 header.
    pub ip: Ipv4Repr,
    /// The IGMP message.
    pub igmp: IgmpRepr,
}

/// Reads a whole IPv4 packet carrying IGMP: the IPv4 header (lengths,
/// version, checksum, protocol 2), then the IGMP message (length,
/// checksum, type). Bytes after the IPv4 total length are ignored.
pub fn parse(ip_packet: &[u8]) -> Result<IgmpMessage, WireError> {
    let packet = Ipv4Packet::new_checked(ip_packet)?;
    let ip = Ipv4Repr::parse(&packet)?;
    if ip.protocol != ipv4::PROTOCOL_IGMP {
        return Err(WireError::NotIgmp(ip.protocol));
    }
    let igmp = IgmpRepr::parse(&IgmpPacket::new_checked(packet.payload())?)?;
    Ok(IgmpMessage { ip, igmp })
}

/// A whole IPv4 packet from `src` to `dst` carrying `igmp`, as the switch
/// sends them: TOS 0xc0, TTL 1, Router Alert (IHL 6), both checksums.
pub fn ip_packet(src: Ipv4Addr, dst: Ipv4Addr, igmp: &IgmpRepr) -> Vec<u8> {
    let ip = Ipv4Repr {
        src,
        dst,
        protocol: ipv4::PROTOCOL_IGMP,
        tos: TOS,
        ttl: TTL,
        router_alert: true,
        payload_len: igmp.buffer_len(),
    };
    let mut buf = vec![0u8; ip.buffer_len()];
    let mut packet = Ipv4Packet::new_unchecked(&mut buf[..]);
    ip.emit(&mut packet);
    igmp.emit(&mut IgmpPacket::new_unchecked(packet.payload_mut()));
    buf
}

/// A query from `src`: a general query (to 224.0.0.1) when `group` is
/// 0.0.0.0, else a group-specific query to the group itself.
/// `max_resp_ds` is in tenths of a second (ignored by v1, capped at 255
/// by v2); `version` 1 and 3 give v1 and v3 queries (v3: QRV 2, QQI 125
/// s, no sources), anything else v2.
pub fn query_packet(src: Ipv4Addr, group: Ipv4Addr, max_resp_ds: u16, version: u8) -> Vec<u8> {
    let version = match version {
        1 => QueryVersion::V1,
        3 => QueryVersion::V3(QueryV3::default()),
        _ => QueryVersion::V2,
    };
    let dst = if group.is_unspecified() {
        ALL_SYSTEMS
    } else {
        group
    };
    let max_resp_ds = if version == QueryVersion::V1 {
        0
    } else {
        max_resp_ds
    };
    let igmp = IgmpRepr::Query {
        max_resp_ds,
        group,
        version,
    };
    ip_packet(src, dst, &igmp)
}

/// An IGMPv2 leave for `group` from `src`, to 224.0.0.2.
pub fn leave_packet(src: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    ip_packet(src, ALL_ROUTERS, &IgmpRepr::Leave { group })
}

/// An untagged Ethernet II frame from `src_mac` carrying the IPv4 packet
/// `ip`, to the multicast address of the packet's destination (bytes 16
/// to 20; 0.0.0.0 if `ip` is shorter), padded with zeros to 60 bytes.
pub fn ethernet_frame(src_mac: [u8; 6], ip: &[u8]) -> Vec<u8> {
    let dst = match ip.get(16..20) {
        Some(&[a, b, c, d]) => Ipv4Addr::new(a, b, c, d),
        _ => Ipv4Addr::UNSPECIFIED,
    };
    let mut f = Vec::with_capacity((ETH_HEADER_LEN + ip.len()).max(MIN_FRAME));
    f.extend_from_slice(&multicast_mac(dst));
    f.extend_from_slice(&src_mac);
    f.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
    f.extend_from_slice(ip);
    if f.len() < MIN_FRAME {
        f.resize(MIN_FRAME, 0);
    }
    f
}

#[cfg(test)]
mod tests;
