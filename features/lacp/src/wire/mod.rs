//! LACPDUs on the wire (IEEE 802.1AX-2008 clause 5.4.2, formerly 802.3ad
//! clause 43): slow-protocols frames (ethertype 0x8809) to
//! 01:80:c2:00:00:02, subtype 1 (LACP) and subtype 2 (marker).
//! `Lacpdu::parse` reads a whole received frame without panicking on any
//! input; `Lacpdu::frame` builds the whole frame a port sends (124 bytes,
//! as Linux bonding and Open vSwitch send them). `Marker` does the same
//! for marker PDUs, so that a marker request can be answered.

use lisa_types::MacAddr;

/// The slow protocols group address LACPDUs go to.
pub const GROUP: MacAddr = MacAddr([0x01, 0x80, 0xc2, 0x00, 0x00, 0x02]);
/// Its link-local group number (`Pipeline::add_link_local`).
pub const LINK_LOCAL_GROUP: u8 = 0x02;
/// The slow protocols ethertype.
pub const ETHERTYPE: u16 = 0x8809;
/// Slow protocols subtype of LACP.
pub const SUBTYPE_LACP: u8 = 1;
/// Slow protocols subtype of the marker protocol.
pub const SUBTYPE_MARKER: u8 = 2;
/// The LACP and marker version this switch sends.
pub const VERSION: u8 = 1;
/// Length of a LACPDU or marker PDU, Ethernet header excluded.
pub const PDU_LEN: usize = 110;
/// Length of the Ethernet header (untagged).
const ETH_HEADER: usize = 14;
/// Shortest Ethernet frame, without its FCS.
const MIN_FRAME: usize = 60;

/// TLV types and lengths of a LACPDU and a marker PDU.
mod tlv {
    pub const ACTOR: u8 = 1;
    pub const PARTNER: u8 = 2;
    pub const COLLECTOR: u8 = 3;
    pub const INFO_LEN: u8 = 20;
    pub const COLLECTOR_LEN: u8 = 16;
    pub const MARKER_INFO: u8 = 1;
    pub const MARKER_RESPONSE: u8 = 2;
    pub const MARKER_LEN: u8 = 16;
}

/// Offsets in a LACPDU (from the subtype, after the Ethernet header).
mod at {
    pub const ACTOR: usize = 2;
    pub const PARTNER: usize = 22;
    pub const COLLECTOR: usize = 42;
}

/// Actor and partner state bits (802.1AX-2008 5.4.2.2).
pub mod state {
    /// LACP activity: active (else passive).
    pub const ACTIVITY: u8 = 0x01;
    /// LACP timeout: short timeout (the sender wants a PDU every second).
    pub const TIMEOUT: u8 = 0x02;
    /// Aggregation: the link may be aggregated (else individual).
    pub const AGGREGATION: u8 = 0x04;
    /// Synchronization: the link is in the right aggregation.
    pub const SYNCHRONIZATION: u8 = 0x08;
    /// Collecting: frames are received on the link.
    pub const COLLECTING: u8 = 0x10;
    /// Distributing: frames are sent on the link.
    pub const DISTRIBUTING: u8 = 0x20;
    /// Defaulted: the sender has no partner information (defaults used).
    pub const DEFAULTED: u8 = 0x40;
    /// Expired: the sender's partner information has expired.
    pub const EXPIRED: u8 = 0x80;
}

/// What a LACPDU says of one end of a link: the actor or the partner
/// information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LacpInfo {
    /// System priority (lower is better).
    pub system_priority: u16,
    /// System identifier (a MAC address).
    pub system: MacAddr,
    /// Key: ports with the same key may aggregate.
    pub key: u16,
    /// Port priority (lower is better).
    pub port_priority: u16,
    /// Port number.
    pub port: u16,
    /// State bits (`state`).
    pub state: u8,
}

impl LacpInfo {
    /// True if state bit `bit` is set.
    pub fn has(&self, bit: u8) -> bool {
        self.state & bit != 0
    }

    /// Reads the 18 bytes of an actor or partner TLV's value.
    fn read(b: &[u8]) -> LacpInfo {
        LacpInfo {
            system_priority: u16_at(b, 0),
            system: MacAddr::from_bytes(&b[2..8]),
            key: u16_at(b, 8),
            port_priority: u16_at(b, 10),
            port: u16_at(b, 12),
            state: b[14],
        }
    }

    /// Appends the TLV of type `kind` that carries this information.
    fn write(&self, kind: u8, out: &mut Vec<u8>) {
        out.extend_from_slice(&[kind, tlv::INFO_LEN]);
        out.extend_from_slice(&self.system_priority.to_be_bytes());
        out.extend_from_slice(&self.system.0);
        out.extend_from_slice(&self.key.to_be_bytes());
        out.extend_from_slice(&self.port_priority.to_be_bytes());
        out.extend_from_slice(&self.port.to_be_bytes());
        out.push(self.state);
        out.extend_from_slice(&[0; 3]);
    }
}

/// A LACPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lacpdu {
    /// The sender's information.
    pub actor: LacpInfo,
    /// What the sender knows of its partner (us, when received).
    pub partner: LacpInfo,
    /// Collector max delay, tens of microseconds.
    pub collector_max_delay: u16,
}

/// A marker PDU (802.1AX-2008 5.5.3): a request, or the response to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    /// True for a marker response, false for a request.
    pub response: bool,
    /// The requester's port.
    pub port: u16,
    /// The requester's system.
    pub system: MacAddr,
    /// The requester's transaction identifier.
    pub transaction: u32,
}

/// Why a frame is no LACPDU (or no marker PDU).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Not an untagged slow-protocols frame (ethertype 0x8809).
    #[error("not a slow-protocols frame")]
    NotSlowProtocols,
    /// A marker PDU (not an error for the port: answered or ignored).
    #[error("a marker PDU, not a LACPDU")]
    Marker,
    /// A slow-protocols subtype that is neither LACP nor marker (OAM...).
    #[error("slow-protocols subtype {0} is not LACP")]
    Subtype(u8),
    /// Version 0, which no LACP has.
    #[error("LACP version {0} is not supported")]
    Version(u8),
    /// Shorter than its TLVs.
    #[error("too short for its TLVs")]
    Truncated,
    /// A TLV of the wrong type or length where one was expected.
    #[error("TLV type {kind} length {len} where type {expected} was expected")]
    BadTlv {
        /// The type expected.
        expected: u8,
        /// The type found.
        kind: u8,
        /// The length found.
        len: u8,
    },
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([b[i], b[i + 1]])
}

/// The slow-protocols PDU of a whole frame: the bytes after an Ethernet
/// header with ethertype 0x8809.
fn slow_protocols_pdu(frame: &[u8]) -> Result<&[u8], WireError> {
    match frame.get(12..ETH_HEADER) {
        Some(t) if u16_at(t, 0) == ETHERTYPE => Ok(&frame[ETH_HEADER..]),
        _ => Err(WireError::NotSlowProtocols),
    }
}

/// The subtype and version of a slow-protocols PDU, version 0 refused.
fn subtype_and_version(pdu: &[u8]) -> Result<(u8, u8), WireError> {
    match *pdu {
        [subtype, 0, ..] if subtype == SUBTYPE_LACP || subtype == SUBTYPE_MARKER => {
            Err(WireError::Version(0))
        }
        [subtype, version, ..] => Ok((subtype, version)),
        [SUBTYPE_LACP | SUBTYPE_MARKER] | [] => Err(WireError::Truncated),
        [subtype] => Err(WireError::Subtype(subtype)),
    }
}

/// The value of the TLV at `at`, which must be of type `expected` and
/// length `len` (type and length octets included).
fn tlv_value(pdu: &[u8], at: usize, expected: u8, len: u8) -> Result<&[u8], WireError> {
    let end = at + usize::from(len);
    let t = pdu.get(at..end).ok_or(WireError::Truncated)?;
    if t[0] != expected || t[1] != len {
        return Err(WireError::BadTlv {
            expected,
            kind: t[0],
            len: t[1],
        });
    }
    Ok(&t[2..])
}

/// Starts a frame from `src` to the slow protocols group.
fn header(src: MacAddr) -> Vec<u8> {
    let mut f = Vec::with_capacity(ETH_HEADER + PDU_LEN);
    f.extend_from_slice(&GROUP.0);
    f.extend_from_slice(&src.0);
    f.extend_from_slice(&ETHERTYPE.to_be_bytes());
    f
}

/// Pads a PDU being built to its full length (reserved octets, zero).
fn finish(mut f: Vec<u8>) -> Vec<u8> {
    f.resize((ETH_HEADER + PDU_LEN).max(MIN_FRAME), 0);
    f
}

impl Lacpdu {
    /// Reads the LACPDU of a whole untagged frame (Ethernet header
    /// included). Any version from 1 is read as version 1; the octets
    /// after the collector TLV (terminator, reserved, or a later
    /// version's TLVs) are not read.
    pub fn parse(frame: &[u8]) -> Result<Lacpdu, WireError> {
        let pdu = slow_protocols_pdu(frame)?;
        match subtype_and_version(pdu)? {
            (SUBTYPE_LACP, _) => {}
            (SUBTYPE_MARKER, _) => return Err(WireError::Marker),
            (other, _) => return Err(WireError::Subtype(other)),
        }
        let actor = tlv_value(pdu, at::ACTOR, tlv::ACTOR, tlv::INFO_LEN)?;
        let partner = tlv_value(pdu, at::PARTNER, tlv::PARTNER, tlv::INFO_LEN)?;
        let collector = tlv_value(pdu, at::COLLECTOR, tlv::COLLECTOR, tlv::COLLECTOR_LEN)?;
        Ok(Lacpdu {
            actor: LacpInfo::read(actor),
            partner: LacpInfo::read(partner),
            collector_max_delay: u16_at(collector, 0),
        })
    }

    /// The whole frame that sends this LACPDU from `src`: 124 bytes.
    pub fn frame(&self, src: MacAddr) -> Vec<u8> {
        let mut f = header(src);
        f.extend_from_slice(&[SUBTYPE_LACP, VERSION]);
        self.actor.write(tlv::ACTOR, &mut f);
        self.partner.write(tlv::PARTNER, &mut f);
        f.extend_from_slice(&[tlv::COLLECTOR, tlv::COLLECTOR_LEN]);
        f.extend_from_slice(&self.collector_max_delay.to_be_bytes());
        // Reserved (12), then the terminator (0, 0) and reserved (50):
        // zeros up to the PDU's length.
        finish(f)
    }
}

impl Marker {
    /// Reads the marker PDU of a whole untagged frame (Ethernet header
    /// included).
    pub fn parse(frame: &[u8]) -> Result<Marker, WireError> {
        let pdu = slow_protocols_pdu(frame)?;
        match subtype_and_version(pdu)? {
            (SUBTYPE_MARKER, _) => {}
            (other, _) => return Err(WireError::Subtype(other)),
        }
        let kind = *pdu.get(2).ok_or(WireError::Truncated)?;
        let response = kind == tlv::MARKER_RESPONSE;
        let expected = if response {
            tlv::MARKER_RESPONSE
        } else {
            tlv::MARKER_INFO
        };
        let v = tlv_value(pdu, 2, expected, tlv::MARKER_LEN)?;
        Ok(Marker {
            response,
            port: u16_at(v, 0),
            system: MacAddr::from_bytes(&v[2..8]),
            transaction: u32::from_be_bytes([v[8], v[9], v[10], v[11]]),
        })
    }

    /// The response to this request: the same fields, as a response.
    pub fn response(&self) -> Marker {
        Marker {
            response: true,
            ..*self
        }
    }

    /// The whole frame that sends this marker PDU from `src`: 124 bytes.
    pub fn frame(&self, src: MacAddr) -> Vec<u8> {
        let kind = if self.response {
            tlv::MARKER_RESPONSE
        } else {
            tlv::MARKER_INFO
        };
        let mut f = header(src);
        f.extend_from_slice(&[SUBTYPE_MARKER, VERSION, kind, tlv::MARKER_LEN]);
        f.extend_from_slice(&self.port.to_be_bytes());
        f.extend_from_slice(&self.system.0);
        f.extend_from_slice(&self.transaction.to_be_bytes());
        // Pad (2), terminator (0, 0), reserved (90).
        finish(f)
    }
}

#[cfg(test)]
mod tests;
