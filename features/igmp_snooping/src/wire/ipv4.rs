//! The IPv4 header, as much of it as IGMP needs (RFC 791): a checked view
//! of a packet, and `Ipv4Repr` to read one and to write the header of the
//! IGMP packets the switch sends (TTL 1, Router Alert, RFC 2113).

use super::{checksum, WireError};
use std::net::Ipv4Addr;

/// Length of an IPv4 header without options.
pub const HEADER_LEN: usize = 20;
/// The IP protocol number of IGMP.
pub const PROTOCOL_IGMP: u8 = 2;
/// The Router Alert option (RFC 2113): type 0x94, length 4, value 0.
pub const ROUTER_ALERT: [u8; 4] = [0x94, 0x04, 0x00, 0x00];
/// The type octet of the Router Alert option.
const OPTION_ROUTER_ALERT: u8 = 0x94;
/// Option "end of option list".
const OPTION_END: u8 = 0;
/// Option "no operation".
const OPTION_NOP: u8 = 1;

/// Field offsets.
mod field {
    use std::ops::Range;
    pub const VER_IHL: usize = 0;
    pub const TOS: usize = 1;
    pub const LENGTH: Range<usize> = 2..4;
    pub const IDENT: Range<usize> = 4..6;
    pub const FLG_OFF: Range<usize> = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Range<usize> = 10..12;
    pub const SRC: Range<usize> = 12..16;
    pub const DST: Range<usize> = 16..20;
}

/// Flag "more fragments".
const FLAG_MF: u16 = 0x2000;
/// Flag "don't fragment".
const FLAG_DF: u16 = 0x4000;
/// The fragment offset's bits.
const FRAG_OFFSET: u16 = 0x1fff;

/// A view of an IPv4 packet in a buffer. The accessors panic on a buffer
/// shorter than its header: use `new_checked` (or `check_len`) first on
/// received bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Ipv4Packet<T> {
    /// The view, with no check.
    pub const fn new_unchecked(buffer: T) -> Ipv4Packet<T> {
        Ipv4Packet { buffer }
    }

    /// The view, once `check_len` has passed.
    pub fn new_checked(buffer: T) -> Result<Ipv4Packet<T>, WireError> {
        let p = Ipv4Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks that the accessors cannot panic: the buffer holds the whole
    /// header (options included) and the total length, which is no
    /// shorter than the header. Bytes after the total length (Ethernet
    /// padding) are allowed. Neither the version nor the checksum is
    /// checked here.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        let header_len = self.header_len();
        if header_len < HEADER_LEN {
            return Err(WireError::BadHeaderLen(header_len));
        }
        if header_len > len {
            return Err(WireError::Truncated);
        }
        let total_len = usize::from(self.total_len());
        if total_len < header_len {
            return Err(WireError::BadTotalLen(total_len));
        }
        if total_len > len {
            return Err(WireError::Truncated);
        }
        Ok(())
    }

    /// The buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    fn u16_at(&self, r: std::ops::Range<usize>) -> u16 {
        let b = &self.b()[r];
        u16::from_be_bytes([b[0], b[1]])
    }

    /// The version (4 for IPv4).
    pub fn version(&self) -> u8 {
        self.b()[field::VER_IHL] >> 4
    }

    /// The header's length in bytes (IHL × 4), options included.
    pub fn header_len(&self) -> usize {
        usize::from(self.b()[field::VER_IHL] & 0x0f) * 4
    }

    /// Type of service (DSCP and ECN).
    pub fn tos(&self) -> u8 {
        self.b()[field::TOS]
    }

    /// Total length: header and payload.
    pub fn total_len(&self) -> u16 {
        self.u16_at(field::LENGTH)
    }

    /// Identification.
    pub fn ident(&self) -> u16 {
        self.u16_at(field::IDENT)
    }

    /// Flag "don't fragment".
    pub fn dont_frag(&self) -> bool {
        self.u16_at(field::FLG_OFF) & FLAG_DF != 0
    }

    /// Flag "more fragments".
    pub fn more_frags(&self) -> bool {
        self.u16_at(field::FLG_OFF) & FLAG_MF != 0
    }

    /// Fragment offset, in units of 8 bytes.
    pub fn frag_offset(&self) -> u16 {
        self.u16_at(field::FLG_OFF) & FRAG_OFFSET
    }

    /// Time to live.
    pub fn ttl(&self) -> u8 {
        self.b()[field::TTL]
    }

    /// Protocol (2 for IGMP).
    pub fn protocol(&self) -> u8 {
        self.b()[field::PROTOCOL]
    }

    /// The header checksum as written.
    pub fn checksum(&self) -> u16 {
        self.u16_at(field::CHECKSUM)
    }

    /// Source address.
    pub fn src_addr(&self) -> Ipv4Addr {
        let b = &self.b()[field::SRC];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }

    /// Destination address.
    pub fn dst_addr(&self) -> Ipv4Addr {
        let b = &self.b()[field::DST];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }

    /// The options (the header after its first 20 bytes).
    pub fn options(&self) -> &[u8] {
        &self.b()[HEADER_LEN..self.header_len()]
    }

    /// True if the options hold a Router Alert option. Options are walked
    /// by their lengths; a malformed list ends the walk.
    pub fn router_alert(&self) -> bool {
        let mut o = self.options();
        loop {
            match *o {
                [] | [OPTION_END, ..] => return false,
                [OPTION_NOP, ref rest @ ..] => o = rest,
                [OPTION_ROUTER_ALERT, 4, ..] => return true,
                [_, len, ..] if len >= 2 && usize::from(len) <= o.len() => {
                    o = &o[usize::from(len)..];
                }
                _ => return false,
            }
        }
    }

    /// True if the header checksum is right.
    pub fn verify_checksum(&self) -> bool {
        checksum(&self.b()[..self.header_len()]) == 0
    }

    /// The payload: from the end of the header to the total length
    /// (Ethernet padding excluded).
    pub fn payload(&self) -> &[u8] {
        &self.b()[self.header_len()..usize::from(self.total_len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Ipv4Packet<T> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    fn set_u16(&mut self, r: std::ops::Range<usize>, v: u16) {
        self.bm()[r].copy_from_slice(&v.to_be_bytes());
    }

    /// Sets version 4 and the header length (a multiple of 4, 20 to 60).
    pub fn set_version_and_header_len(&mut self, header_len: usize) {
        self.bm()[field::VER_IHL] = 0x40 | ((header_len / 4) as u8 & 0x0f);
    }

    /// Sets the type of service.
    pub fn set_tos(&mut self, tos: u8) {
        self.bm()[field::TOS] = tos;
    }

    /// Sets the total length.
    pub fn set_total_len(&mut self, len: u16) {
        self.set_u16(field::LENGTH, len);
    }

    /// Sets the identification.
    pub fn set_ident(&mut self, ident: u16) {
        self.set_u16(field::IDENT, ident);
    }

    /// Clears the flags and the fragment offset (an unfragmented packet
    /// that may be fragmented).
    pub fn clear_flags(&mut self) {
        self.set_u16(field::FLG_OFF, 0);
    }

    /// Sets the time to live.
    pub fn set_ttl(&mut self, ttl: u8) {
        self.bm()[field::TTL] = ttl;
    }

    /// Sets the protocol.
    pub fn set_protocol(&mut self, protocol: u8) {
        self.bm()[field::PROTOCOL] = protocol;
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, a: Ipv4Addr) {
        self.bm()[field::SRC].copy_from_slice(&a.octets());
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, a: Ipv4Addr) {
        self.bm()[field::DST].copy_from_slice(&a.octets());
    }

    /// The options, to write them (the header length must be set).
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        &mut self.bm()[HEADER_LEN..end]
    }

    /// The payload, to write it (header length and total length must be
    /// set).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let (start, end) = (self.header_len(), usize::from(self.total_len()));
        &mut self.bm()[start..end]
    }

    /// Computes the header checksum and writes it (the header length must
    /// be set and every other header field written).
    pub fn fill_checksum(&mut self) {
        self.set_u16(field::CHECKSUM, 0);
        let end = self.header_len();
        let c = checksum(&self.b()[..end]);
        self.set_u16(field::CHECKSUM, c);
    }
}

/// What the switch reads from, and writes in, an IPv4 header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Repr {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Protocol.
    pub protocol: u8,
    /// Type of service.
    pub tos: u8,
    /// Time to live.
    pub ttl: u8,
    /// A Router Alert option is present (written as the only option).
    pub router_alert: bool,
    /// Length of the payload.
    pub payload_len: usize,
}

impl Ipv4Repr {
    /// Reads a packet: lengths, version 4, the header checksum, and no
    /// fragment (IGMP messages are never fragmented).
    pub fn parse<T: AsRef<[u8]>>(packet: &Ipv4Packet<T>) -> Result<Ipv4Repr, WireError> {
        packet.check_len()?;
        if packet.version() != 4 {
            return Err(WireError::BadIpVersion(packet.version()));
        }
        if !packet.verify_checksum() {
            return Err(WireError::BadIpChecksum);
        }
        if packet.more_frags() || packet.frag_offset() != 0 {
            return Err(WireError::Fragment);
        }
        Ok(Ipv4Repr {
            src: packet.src_addr(),
            dst: packet.dst_addr(),
            protocol: packet.protocol(),
            tos: packet.tos(),
            ttl: packet.ttl(),
            router_alert: packet.router_alert(),
            payload_len: packet.payload().len(),
        })
    }

    /// Length of the header this writes: 20, or 24 with Router Alert.
    pub fn header_len(&self) -> usize {
        if self.router_alert {
            HEADER_LEN + ROUTER_ALERT.len()
        } else {
            HEADER_LEN
        }
    }

    /// Length of the whole packet.
    pub fn buffer_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// Writes the header (identification 0, no flags) with its checksum
    /// into a buffer of at least `buffer_len` bytes; the payload is the
    /// caller's to write.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Ipv4Packet<T>) {
        let header_len = self.header_len();
        packet.set_version_and_header_len(header_len);
        packet.set_tos(self.tos);
        packet.set_total_len((header_len + self.payload_len) as u16);
        packet.set_ident(0);
        packet.clear_flags();
        packet.set_ttl(self.ttl);
        packet.set_protocol(self.protocol);
        packet.set_src_addr(self.src);
        packet.set_dst_addr(self.dst);
        if self.router_alert {
            packet.options_mut().copy_from_slice(&ROUTER_ALERT);
        }
        packet.fill_checksum();
    }
}
