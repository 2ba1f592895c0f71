//! IPv4 headers: a checked view, the Internet checksum and the in-place
//! TTL decrement a router does.

use super::WireError;
use std::net::Ipv4Addr;

/// Length of an IPv4 header without options.
pub const IPV4_HEADER_LEN: usize = 20;

mod field {
    use std::ops::Range;
    pub const VER_IHL: usize = 0;
    pub const TOTAL_LEN: Range<usize> = 2..4;
    pub const FLAGS_FRAG: Range<usize> = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Range<usize> = 10..12;
    pub const SRC: Range<usize> = 12..16;
    pub const DST: Range<usize> = 16..20;
}

/// An IP protocol: the ones the switch knows, and any other kept as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpProtocol {
    /// ICMP.
    Icmp,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// Any other.
    Unknown(u8),
}

impl IpProtocol {
    /// Its number on the wire.
    #[inline]
    pub const fn raw(self) -> u8 {
        match self {
            IpProtocol::Icmp => 1,
            IpProtocol::Tcp => 6,
            IpProtocol::Udp => 17,
            IpProtocol::Unknown(v) => v,
        }
    }
}

impl From<u8> for IpProtocol {
    #[inline]
    fn from(v: u8) -> IpProtocol {
        match v {
            1 => IpProtocol::Icmp,
            6 => IpProtocol::Tcp,
            17 => IpProtocol::Udp,
            other => IpProtocol::Unknown(other),
        }
    }
}

/// An IPv4 header without options, parsed or to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Repr {
    /// Source.
    pub src: Ipv4Addr,
    /// Destination.
    pub dst: Ipv4Addr,
    /// The payload's protocol.
    pub protocol: IpProtocol,
    /// Time to live.
    pub ttl: u8,
    /// Bytes after the header.
    pub payload_len: usize,
}

impl Ipv4Repr {
    /// The header fields of `p`.
    pub fn parse<T: AsRef<[u8]>>(p: &Ipv4Packet<T>) -> Ipv4Repr {
        Ipv4Repr {
            src: p.src(),
            dst: p.dst(),
            protocol: p.protocol(),
            ttl: p.ttl(),
            payload_len: p.total_len() - p.header_len(),
        }
    }

    /// Bytes `emit` writes.
    pub const fn header_len(&self) -> usize {
        IPV4_HEADER_LEN
    }

    /// Writes the 20-byte header (DF clear, id 0) with its checksum at the
    /// start of `buf`.
    pub fn emit(&self, buf: &mut [u8]) {
        write_header(
            buf,
            self.src,
            self.dst,
            self.protocol.raw(),
            self.ttl,
            self.payload_len,
        );
    }
}

/// Why a buffer is not an IPv4 packet the switch routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Ipv4Error {
    /// Shorter than its header or its total length.
    #[error(transparent)]
    Truncated(#[from] WireError),
    /// Version is not 4, or the header length is under 20 bytes.
    #[error("not a valid IPv4 header")]
    BadHeader,
    /// The header checksum does not match.
    #[error("bad IPv4 header checksum")]
    BadChecksum,
}

/// A view of an IPv4 packet whose header (options included) and total length
/// have been checked against the buffer.
#[derive(Debug, Clone, Copy)]
pub struct Ipv4Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Ipv4Packet<T> {
    /// Wraps `buffer` after checking the version, header length, total
    /// length and header checksum. The buffer may be longer than the packet
    /// (Ethernet padding).
    pub fn new_checked(buffer: T) -> Result<Self, Ipv4Error> {
        let len = buffer.as_ref().len();
        Self::new_checked_within(buffer, len)
    }

    /// As `new_checked`, for a packet of `packet_len` bytes of which
    /// `buffer` holds the start (the first segment of a chained buffer):
    /// the header must be in `buffer`, the total length within `packet_len`.
    #[inline]
    pub fn new_checked_within(buffer: T, packet_len: usize) -> Result<Self, Ipv4Error> {
        let b = buffer.as_ref();
        if b.len() < IPV4_HEADER_LEN {
            return Err(WireError::Truncated {
                len: b.len(),
                need: IPV4_HEADER_LEN,
            }
            .into());
        }
        let hl = usize::from(b[field::VER_IHL] & 0x0f) * 4;
        if b[field::VER_IHL] >> 4 != 4 || hl < IPV4_HEADER_LEN {
            return Err(Ipv4Error::BadHeader);
        }
        let total = usize::from(u16::from_be_bytes([b[2], b[3]]));
        if total < hl {
            return Err(Ipv4Error::BadHeader);
        }
        if packet_len < total || b.len() < hl {
            return Err(WireError::Truncated {
                len: packet_len.min(b.len()),
                need: total.max(hl),
            }
            .into());
        }
        if checksum(&b[..hl]) != 0 {
            return Err(Ipv4Error::BadChecksum);
        }
        Ok(Ipv4Packet { buffer })
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Header length in bytes (options included).
    pub fn header_len(&self) -> usize {
        usize::from(self.b()[field::VER_IHL] & 0x0f) * 4
    }

    /// Total length: header plus payload.
    pub fn total_len(&self) -> usize {
        let b = &self.b()[field::TOTAL_LEN];
        usize::from(u16::from_be_bytes([b[0], b[1]]))
    }

    /// The Don't Fragment flag.
    pub fn dont_fragment(&self) -> bool {
        self.b()[field::FLAGS_FRAG.start] & 0x40 != 0
    }

    /// True for any fragment: more follow, or it is not the first.
    pub fn is_fragment(&self) -> bool {
        let b = &self.b()[field::FLAGS_FRAG];
        u16::from_be_bytes([b[0], b[1]]) & 0x3fff != 0
    }

    /// True for a fragment other than the first.
    pub fn is_later_fragment(&self) -> bool {
        let b = &self.b()[field::FLAGS_FRAG];
        u16::from_be_bytes([b[0], b[1]]) & 0x1fff != 0
    }

    /// Time to live.
    pub fn ttl(&self) -> u8 {
        self.b()[field::TTL]
    }

    /// Protocol of the payload.
    pub fn protocol(&self) -> IpProtocol {
        self.b()[field::PROTOCOL].into()
    }

    /// Source address.
    pub fn src(&self) -> Ipv4Addr {
        let b = &self.b()[field::SRC];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }

    /// Destination address.
    pub fn dst(&self) -> Ipv4Addr {
        let b = &self.b()[field::DST];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }

    /// The header, options included.
    pub fn header(&self) -> &[u8] {
        &self.b()[..self.header_len()]
    }

    /// The payload (up to the total length; padding excluded).
    pub fn payload(&self) -> &[u8] {
        &self.b()[self.header_len()..self.total_len()]
    }
}

/// Decrements the TTL of the IPv4 header at the start of `hdr` and updates
/// its checksum incrementally (RFC 1624), as a router does. The caller has
/// checked the header (`Ipv4Packet::new_checked`) and that the TTL is over 1.
#[inline]
pub fn decrement_ttl(hdr: &mut [u8]) {
    hdr[field::TTL] -= 1;
    // The TTL is the high byte of its 16-bit word: the sum drops by 0x0100,
    // so the one's complement checksum rises by 0x0100, end-around carry.
    let c = u32::from(u16::from_be_bytes([hdr[10], hdr[11]])) + 0x0100;
    let c = (c + (c >> 16)) as u16;
    hdr[field::CHECKSUM].copy_from_slice(&c.to_be_bytes());
}

/// The Internet checksum of `data` (0 over a header whose checksum is right).
#[inline]
pub fn checksum(data: &[u8]) -> u16 {
    if let Ok(h) = <&[u8; IPV4_HEADER_LEN]>::try_from(data) {
        return checksum20(h);
    }
    let mut sum: u32 = 0;
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The checksum of a 20-byte header (no options, the common case). A
/// one's-complement sum does not depend on byte order (RFC 1071, 2(B)):
/// the header is summed as two 64-bit words and a 32-bit one in the
/// machine's order, with end-around carries, folded to 16 bits and put
/// in network order once (no swap per word, no fold loop).
#[inline]
fn checksum20(h: &[u8; IPV4_HEADER_LEN]) -> u16 {
    let word = |at: usize| u64::from_ne_bytes(h[at..at + 8].try_into().unwrap_or_default());
    let (a, b) = (word(0), word(8));
    let c = u64::from(u32::from_ne_bytes(h[16..].try_into().unwrap_or_default()));
    let (s, c1) = a.overflowing_add(b);
    // c < 2^32, so c + 1 does not overflow; after a carry out here the
    // sum is below c + 1, so + 1 cannot either.
    let (s, c2) = s.overflowing_add(c + u64::from(c1));
    let s = s + u64::from(c2);
    let (s, c3) = (s as u32).overflowing_add((s >> 32) as u32);
    let s = s + u32::from(c3);
    let (s, c4) = (s as u16).overflowing_add((s >> 16) as u16);
    !u16::from_be(s + u16::from(c4))
}

/// The destination address of the IPv4 header at the start of `ip`,
/// unchecked (for a prefetch before the header is validated).
#[inline(always)]
pub fn peek_dst(ip: &[u8]) -> Option<Ipv4Addr> {
    let d = ip.get(field::DST)?;
    Some(Ipv4Addr::new(d[0], d[1], d[2], d[3]))
}

/// Writes a 20-byte IPv4 header (no options, DF clear, id 0) into `out`,
/// with its checksum.
pub fn write_header(
    out: &mut [u8],
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    ttl: u8,
    payload_len: usize,
) {
    let total = (IPV4_HEADER_LEN + payload_len) as u16;
    out[..IPV4_HEADER_LEN].fill(0);
    out[0] = 0x45;
    out[field::TOTAL_LEN].copy_from_slice(&total.to_be_bytes());
    out[field::TTL] = ttl;
    out[field::PROTOCOL] = protocol;
    out[field::SRC].copy_from_slice(&src.octets());
    out[field::DST].copy_from_slice(&dst.octets());
    let c = checksum(&out[..IPV4_HEADER_LEN]);
    out[field::CHECKSUM].copy_from_slice(&c.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_and_plain_checksums_agree() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..1000 {
            let mut h = [0u8; 20];
            for b in h.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            let mut v = h.to_vec();
            v.push(0);
            // The 21-byte buffer with a zero pad byte takes the plain path.
            assert_eq!(checksum(&h), checksum(&v));
        }
        // Carries out of every fold.
        for h in [[0xff; 20], [0; 20], {
            let mut h = [0xff; 20];
            h[19] = 0xfe;
            h
        }] {
            let mut v = h.to_vec();
            v.push(0);
            assert_eq!(checksum(&h), checksum(&v), "{h:x?}");
        }
    }

    fn header(ttl: u8) -> Vec<u8> {
        let mut h = vec![0u8; 28];
        write_header(
            &mut h,
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 1, 2),
            IpProtocol::Icmp.raw(),
            ttl,
            8,
        );
        h
    }

    #[test]
    fn checks_and_reads() {
        let h = header(64);
        let p = Ipv4Packet::new_checked(&h[..]).unwrap();
        assert_eq!(p.dst(), Ipv4Addr::new(10, 0, 1, 2));
        assert_eq!((p.ttl(), p.total_len(), p.payload().len()), (64, 28, 8));
        let mut bad = h.clone();
        bad[15] ^= 1;
        assert_eq!(
            Ipv4Packet::new_checked(&bad[..]).unwrap_err(),
            Ipv4Error::BadChecksum
        );
        assert!(
            Ipv4Packet::new_checked(&h[..27]).is_err(),
            "short of total length"
        );
        let mut v6 = h.clone();
        v6[0] = 0x65;
        assert_eq!(
            Ipv4Packet::new_checked(&v6[..]).unwrap_err(),
            Ipv4Error::BadHeader
        );
    }

    #[test]
    fn ttl_decrement_keeps_the_checksum_right() {
        for ttl in [2u8, 64, 128, 255] {
            let mut h = header(ttl);
            decrement_ttl(&mut h);
            assert_eq!(h[8], ttl - 1);
            assert_eq!(checksum(&h[..20]), 0, "ttl {ttl}");
            assert_eq!(h, header(ttl - 1), "same as a fresh header");
        }
    }
}
