//! IGMP messages (RFC 1112, RFC 2236, RFC 3376): a checked view of the
//! IGMP message (the IPv4 payload) and `IgmpRepr` with parse and emit.

use super::{checksum, WireError};
use std::net::Ipv4Addr;

/// Message types.
pub mod kind {
    /// Membership query (every version).
    pub const QUERY: u8 = 0x11;
    /// IGMPv1 membership report.
    pub const REPORT_V1: u8 = 0x12;
    /// IGMPv2 membership report.
    pub const REPORT_V2: u8 = 0x16;
    /// IGMPv2 leave group.
    pub const LEAVE: u8 = 0x17;
    /// IGMPv3 membership report.
    pub const REPORT_V3: u8 = 0x22;
}

/// Length of an IGMPv1/v2 message, and of the IGMPv3 report header.
pub const HEADER_LEN: usize = 8;
/// Length of an IGMPv3 query without sources.
pub const V3_QUERY_LEN: usize = 12;
/// Length of an IGMPv3 group record without sources and auxiliary data.
pub const RECORD_HEADER_LEN: usize = 8;
/// The querier's query interval an IGMPv3 query states when none is given
/// (RFC 3376 8.2: 125 s).
pub const DEFAULT_QQI_S: u16 = 125;
/// The robustness variable an IGMPv3 query states when none is given.
pub const DEFAULT_QRV: u8 = 2;

/// Field offsets.
mod field {
    use std::ops::Range;
    pub const TYPE: usize = 0;
    pub const MAX_RESP: usize = 1;
    pub const CHECKSUM: Range<usize> = 2..4;
    pub const GROUP: Range<usize> = 4..8;
    /// v3 query: reserved (4 bits), S (1), QRV (3).
    pub const S_QRV: usize = 8;
    /// v3 query: querier's query interval code.
    pub const QQIC: usize = 9;
    /// v3 query: number of sources.
    pub const NUM_SOURCES: Range<usize> = 10..12;
    /// v3 report: number of group records.
    pub const NUM_RECORDS: Range<usize> = 6..8;
    /// v3 report: the first record.
    pub const RECORDS: usize = 8;
}

/// Decodes a max-resp code or a QQIC of IGMPv3 (RFC 3376 4.1.1, 4.1.7):
/// below 128 the value itself, else a floating-point value
/// `(mant | 0x10) << (exp + 3)`.
pub fn decode_code(code: u8) -> u16 {
    if code < 128 {
        u16::from(code)
    } else {
        let exp = (code >> 4) & 0x07;
        let mant = u16::from(code & 0x0f);
        (mant | 0x10) << (exp + 3)
    }
}

/// Encodes a value as an IGMPv3 max-resp code or QQIC: exact below 128,
/// else rounded down to the nearest value the code can carry (at most
/// 31744).
pub fn encode_code(value: u16) -> u8 {
    if value < 128 {
        return value as u8;
    }
    let value = value.min(0x1f << 10);
    let mut exp = 0u8;
    while (value >> (exp + 3)) > 0x1f {
        exp += 1;
    }
    let mant = ((value >> (exp + 3)) & 0x0f) as u8;
    0x80 | (exp << 4) | mant
}

/// A view of an IGMP message in a buffer (the IPv4 payload, cut at the
/// total length). The accessors panic on a buffer shorter than the fields
/// they read: use `new_checked` (or `check_len`) first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgmpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> IgmpPacket<T> {
    /// The view, with no check.
    pub const fn new_unchecked(buffer: T) -> IgmpPacket<T> {
        IgmpPacket { buffer }
    }

    /// The view, once `check_len` has passed.
    pub fn new_checked(buffer: T) -> Result<IgmpPacket<T>, WireError> {
        let p = IgmpPacket::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks the length: 8 bytes at least; a query longer than 8 bytes is
    /// a v3 query of 12 bytes at least and holds its sources. The group
    /// records of a v3 report are checked as they are read (`records`).
    /// The checksum is not checked here.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.b().len();
        if len < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        if self.msg_type() == kind::QUERY && len > HEADER_LEN {
            if len < V3_QUERY_LEN {
                return Err(WireError::BadQueryLen(len));
            }
            if V3_QUERY_LEN + 4 * usize::from(self.num_sources()) > len {
                return Err(WireError::Truncated);
            }
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

    /// The message's length.
    pub fn len(&self) -> usize {
        self.b().len()
    }

    /// True if the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.b().is_empty()
    }

    /// Message type (`kind`).
    pub fn msg_type(&self) -> u8 {
        self.b()[field::TYPE]
    }

    /// Max-resp code as written (v2: tenths of a second; v3: a code,
    /// see `decode_code`; v1 and reports: 0).
    pub fn max_resp_code(&self) -> u8 {
        self.b()[field::MAX_RESP]
    }

    /// The checksum as written.
    pub fn checksum(&self) -> u16 {
        self.u16_at(field::CHECKSUM)
    }

    /// The group address (queries, v1/v2 reports, leaves).
    pub fn group_addr(&self) -> Ipv4Addr {
        let b = &self.b()[field::GROUP];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }

    /// v3 query: flag S (suppress router-side processing).
    pub fn s_flag(&self) -> bool {
        self.b()[field::S_QRV] & 0x08 != 0
    }

    /// v3 query: the querier's robustness variable.
    pub fn qrv(&self) -> u8 {
        self.b()[field::S_QRV] & 0x07
    }

    /// v3 query: the querier's query interval code (see `decode_code`).
    pub fn qqic(&self) -> u8 {
        self.b()[field::QQIC]
    }

    /// v3 query: the number of sources.
    pub fn num_sources(&self) -> u16 {
        self.u16_at(field::NUM_SOURCES)
    }

    /// v3 report: the number of group records.
    pub fn num_records(&self) -> u16 {
        self.u16_at(field::NUM_RECORDS)
    }

    /// True if the checksum (RFC 1071, over the whole message) is right.
    pub fn verify_checksum(&self) -> bool {
        checksum(self.b()) == 0
    }

    /// v3 report: its group records.
    pub fn records(&self) -> GroupRecords<'_> {
        GroupRecords {
            rest: self.b().get(field::RECORDS..).unwrap_or(&[]),
            left: self.num_records(),
        }
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> IgmpPacket<T> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    fn set_u16(&mut self, r: std::ops::Range<usize>, v: u16) {
        self.bm()[r].copy_from_slice(&v.to_be_bytes());
    }

    /// Sets the message type.
    pub fn set_msg_type(&mut self, t: u8) {
        self.bm()[field::TYPE] = t;
    }

    /// Sets the max-resp code.
    pub fn set_max_resp_code(&mut self, code: u8) {
        self.bm()[field::MAX_RESP] = code;
    }

    /// Sets the group address (for a v3 report: the reserved field and
    /// the number of records are there instead).
    pub fn set_group_addr(&mut self, a: Ipv4Addr) {
        self.bm()[field::GROUP].copy_from_slice(&a.octets());
    }

    /// v3 query: sets S and QRV (reserved bits zero).
    pub fn set_s_qrv(&mut self, s: bool, qrv: u8) {
        self.bm()[field::S_QRV] = (u8::from(s) << 3) | (qrv & 0x07);
    }

    /// v3 query: sets the QQIC.
    pub fn set_qqic(&mut self, code: u8) {
        self.bm()[field::QQIC] = code;
    }

    /// v3 query: sets the number of sources.
    pub fn set_num_sources(&mut self, n: u16) {
        self.set_u16(field::NUM_SOURCES, n);
    }

    /// v3 report: sets the reserved field (zero) and the number of
    /// records.
    pub fn set_num_records(&mut self, n: u16) {
        self.set_u16(4..6, 0);
        self.set_u16(field::NUM_RECORDS, n);
    }

    /// Computes the checksum over the whole buffer and writes it (every
    /// other byte written first).
    pub fn fill_checksum(&mut self) {
        self.set_u16(field::CHECKSUM, 0);
        let c = checksum(self.b());
        self.set_u16(field::CHECKSUM, c);
    }
}

/// The type of an IGMPv3 group record (RFC 3376 4.2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    /// 1: MODE_IS_INCLUDE (current state).
    IsInclude,
    /// 2: MODE_IS_EXCLUDE (current state).
    IsExclude,
    /// 3: CHANGE_TO_INCLUDE_MODE (filter mode change).
    ToInclude,
    /// 4: CHANGE_TO_EXCLUDE_MODE (filter mode change).
    ToExclude,
    /// 5: ALLOW_NEW_SOURCES (source list change).
    Allow,
    /// 6: BLOCK_OLD_SOURCES (source list change).
    Block,
    /// Any other type, kept as read.
    Unknown(u8),
}

impl From<u8> for RecordKind {
    fn from(t: u8) -> RecordKind {
        match t {
            1 => RecordKind::IsInclude,
            2 => RecordKind::IsExclude,
            3 => RecordKind::ToInclude,
            4 => RecordKind::ToExclude,
            5 => RecordKind::Allow,
            6 => RecordKind::Block,
            n => RecordKind::Unknown(n),
        }
    }
}

impl From<RecordKind> for u8 {
    fn from(k: RecordKind) -> u8 {
        match k {
            RecordKind::IsInclude => 1,
            RecordKind::IsExclude => 2,
            RecordKind::ToInclude => 3,
            RecordKind::ToExclude => 4,
            RecordKind::Allow => 5,
            RecordKind::Block => 6,
            RecordKind::Unknown(n) => n,
        }
    }
}

/// What the switch reads of an IGMPv3 group record: its type, group, and
/// how many sources and words of auxiliary data it carries (the sources
/// themselves are not kept: snooping is by group only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupRecord {
    /// Record type.
    pub kind: RecordKind,
    /// Multicast address.
    pub group: Ipv4Addr,
    /// Number of sources.
    pub sources: usize,
    /// Length of the auxiliary data, in 32-bit words.
    pub aux_words: u8,
}

impl GroupRecord {
    /// The record's length on the wire.
    pub fn buffer_len(&self) -> usize {
        RECORD_HEADER_LEN + 4 * self.sources + 4 * usize::from(self.aux_words)
    }
}

/// The group records of a v3 report, read in place. Yields
/// `Err(Truncated)` once, then stops, if a record runs past the end.
/// Bytes after the last record are ignored.
#[derive(Debug, Clone)]
pub struct GroupRecords<'a> {
    rest: &'a [u8],
    left: u16,
}

impl Iterator for GroupRecords<'_> {
    type Item = Result<GroupRecord, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let record = match *self.rest {
            [kind, aux_words, n0, n1, a, b, c, d, ..] => GroupRecord {
                kind: RecordKind::from(kind),
                group: Ipv4Addr::new(a, b, c, d),
                sources: usize::from(u16::from_be_bytes([n0, n1])),
                aux_words,
            },
            _ => {
                self.left = 0;
                return Some(Err(WireError::Truncated));
            }
        };
        match self.rest.get(record.buffer_len()..) {
            Some(rest) => {
                self.rest = rest;
                Some(Ok(record))
            }
            None => {
                self.left = 0;
                Some(Err(WireError::Truncated))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(usize::from(self.left)))
    }
}

/// The fields only an IGMPv3 query has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueryV3 {
    /// S: suppress router-side processing.
    pub s_flag: bool,
    /// The querier's robustness variable (0-7).
    pub qrv: u8,
    /// The querier's query interval, seconds (QQIC decoded).
    pub qqi_s: u16,
    /// Number of sources (a group-and-source-specific query when not 0;
    /// the addresses are not kept).
    pub sources: usize,
}

impl Default for QueryV3 {
    fn default() -> QueryV3 {
        QueryV3 {
            s_flag: false,
            qrv: DEFAULT_QRV,
            qqi_s: DEFAULT_QQI_S,
            sources: 0,
        }
    }
}

/// The IGMP version of a query (RFC 3376 7.1: 8 bytes with max-resp 0 is
/// v1, 8 bytes otherwise v2, 12 bytes or more v3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryVersion {
    /// IGMPv1.
    V1,
    /// IGMPv2.
    V2,
    /// IGMPv3, with its own fields.
    V3(QueryV3),
}

impl QueryVersion {
    /// The version number: 1, 2 or 3.
    pub fn number(&self) -> u8 {
        match self {
            QueryVersion::V1 => 1,
            QueryVersion::V2 => 2,
            QueryVersion::V3(_) => 3,
        }
    }
}

/// An IGMP message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IgmpRepr {
    /// A membership query (0x11): general when `group` is 0.0.0.0, else
    /// group-specific.
    Query {
        /// Maximum response time, tenths of a second (0 for v1; decoded
        /// for v3).
        max_resp_ds: u16,
        /// The group asked about (0.0.0.0: every group).
        group: Ipv4Addr,
        /// Version, with the v3 fields.
        version: QueryVersion,
    },
    /// An IGMPv1 report (0x12).
    ReportV1 {
        /// The group joined.
        group: Ipv4Addr,
    },
    /// An IGMPv2 report (0x16).
    ReportV2 {
        /// The group joined.
        group: Ipv4Addr,
    },
    /// An IGMPv2 leave (0x17).
    Leave {
        /// The group left.
        group: Ipv4Addr,
    },
    /// An IGMPv3 report (0x22).
    ReportV3 {
        /// Its group records.
        records: Vec<GroupRecord>,
    },
}

impl IgmpRepr {
    /// Reads a message: its length, its checksum, then its fields.
    /// Bytes after an IGMPv1/v2 message are ignored (RFC 2236 2.5).
    pub fn parse<T: AsRef<[u8]>>(packet: &IgmpPacket<T>) -> Result<IgmpRepr, WireError> {
        packet.check_len()?;
        if !packet.verify_checksum() {
            return Err(WireError::BadIgmpChecksum);
        }
        let group = packet.group_addr();
        Ok(match packet.msg_type() {
            kind::QUERY if packet.len() == HEADER_LEN => match packet.max_resp_code() {
                0 => IgmpRepr::Query {
                    max_resp_ds: 0,
                    group,
                    version: QueryVersion::V1,
                },
                code => IgmpRepr::Query {
                    max_resp_ds: u16::from(code),
                    group,
                    version: QueryVersion::V2,
                },
            },
            kind::QUERY => IgmpRepr::Query {
                max_resp_ds: decode_code(packet.max_resp_code()),
                group,
                version: QueryVersion::V3(QueryV3 {
                    s_flag: packet.s_flag(),
                    qrv: packet.qrv(),
                    qqi_s: decode_code(packet.qqic()),
                    sources: usize::from(packet.num_sources()),
                }),
            },
            kind::REPORT_V1 => IgmpRepr::ReportV1 { group },
            kind::REPORT_V2 => IgmpRepr::ReportV2 { group },
            kind::LEAVE => IgmpRepr::Leave { group },
            kind::REPORT_V3 => {
                // Each record takes 8 bytes at least: the capacity is
                // bounded by the message, not by the count it claims.
                let most = (packet.len() - HEADER_LEN) / RECORD_HEADER_LEN;
                let mut records = Vec::with_capacity(usize::from(packet.num_records()).min(most));
                for r in packet.records() {
                    records.push(r?);
                }
                IgmpRepr::ReportV3 { records }
            }
            other => return Err(WireError::UnknownType(other)),
        })
    }

    /// The message's length on the wire.
    pub fn buffer_len(&self) -> usize {
        match self {
            IgmpRepr::Query {
                version: QueryVersion::V3(v3),
                ..
            } => V3_QUERY_LEN + 4 * v3.sources,
            IgmpRepr::ReportV3 { records } => {
                HEADER_LEN + records.iter().map(GroupRecord::buffer_len).sum::<usize>()
            }
            _ => HEADER_LEN,
        }
    }

    /// Writes the message with its checksum into a buffer of exactly
    /// `buffer_len` bytes. A v2 query's max-resp is capped at 255 (25.5
    /// s); a v3 one's is encoded (`encode_code`). Sources and auxiliary
    /// data, whose contents are not kept, are written as zeros.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut IgmpPacket<T>) {
        packet.bm().fill(0);
        match self {
            IgmpRepr::Query {
                max_resp_ds,
                group,
                version,
            } => {
                packet.set_msg_type(kind::QUERY);
                packet.set_group_addr(*group);
                match version {
                    QueryVersion::V1 => packet.set_max_resp_code(0),
                    QueryVersion::V2 => {
                        packet.set_max_resp_code((*max_resp_ds).min(255) as u8);
                    }
                    QueryVersion::V3(v3) => {
                        packet.set_max_resp_code(encode_code(*max_resp_ds));
                        packet.set_s_qrv(v3.s_flag, v3.qrv);
                        packet.set_qqic(encode_code(v3.qqi_s));
                        packet.set_num_sources(v3.sources as u16);
                    }
                }
            }
            IgmpRepr::ReportV1 { group } => {
                packet.set_msg_type(kind::REPORT_V1);
                packet.set_group_addr(*group);
            }
            IgmpRepr::ReportV2 { group } => {
                packet.set_msg_type(kind::REPORT_V2);
                packet.set_group_addr(*group);
            }
            IgmpRepr::Leave { group } => {
                packet.set_msg_type(kind::LEAVE);
                packet.set_group_addr(*group);
            }
            IgmpRepr::ReportV3 { records } => {
                packet.set_msg_type(kind::REPORT_V3);
                packet.set_num_records(records.len() as u16);
                let mut at = field::RECORDS;
                for r in records {
                    let b = &mut packet.bm()[at..at + RECORD_HEADER_LEN];
                    b[0] = u8::from(r.kind);
                    b[1] = r.aux_words;
                    b[2..4].copy_from_slice(&(r.sources as u16).to_be_bytes());
                    b[4..8].copy_from_slice(&r.group.octets());
                    at += r.buffer_len();
                }
            }
        }
        packet.fill_checksum();
    }
}
