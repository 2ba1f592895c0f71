//! CDP frames on the wire, in the manner of smoltcp's `wire`: `payload`
//! finds the PDU in an 802.3 frame with its LLC/SNAP header and never reads
//! past its end; `Tlvs` walks the TLVs of a PDU without copying; `Cdpdu`
//! is what the switch keeps of one and what it sends (`parse`, `emit`).
//! No unsafe code, no panics on any input.
//!
//! A frame: destination 01:00:0c:cc:cc:cc, source, an 802.3 length (not
//! an ethertype), LLC/SNAP `AA AA 03 00 00 0C 20 00` (Cisco's OUI,
//! protocol 0x2000), then the PDU: version (1 or 2), TTL (the holdtime,
//! seconds), a checksum, and TLVs whose 16-bit length counts their 4-byte
//! header. VTP, DTP, PAgP and UDLD go to the same group under other SNAP
//! protocol ids: they are not CDP.

use lisa_types::MacAddr;
use std::fmt;
use std::net::Ipv4Addr;

/// Cisco's group CDP is sent to: 01:00:0c:cc:cc:cc.
pub const GROUP: MacAddr = MacAddr([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
/// The LLC/SNAP header of CDP: DSAP and SSAP 0xAA, UI, Cisco's OUI
/// 00-00-0C, protocol 0x2000.
pub const LLC_SNAP: [u8; 8] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00];
/// The Ethernet header: destination, source, 802.3 length.
pub const ETH_HEADER_LEN: usize = 14;
/// The CDP header: version, TTL, checksum.
pub const HEADER_LEN: usize = 4;
/// Where the CDP version is in a frame.
pub const VERSION_OFFSET: usize = ETH_HEADER_LEN + LLC_SNAP.len();
/// Shortest Ethernet frame, without its FCS.
pub const MIN_FRAME: usize = 60;

/// TLV types.
pub mod tlv {
    /// Device ID: the sender's name.
    pub const DEVICE_ID: u16 = 0x0001;
    /// Addresses: the sender's network addresses.
    pub const ADDRESSES: u16 = 0x0002;
    /// Port ID: the sending interface's name.
    pub const PORT_ID: u16 = 0x0003;
    /// Capabilities: 32 bits.
    pub const CAPABILITIES: u16 = 0x0004;
    /// Software version: text, with line breaks.
    pub const SOFTWARE_VERSION: u16 = 0x0005;
    /// Platform: text.
    pub const PLATFORM: u16 = 0x0006;
    /// VTP management domain (version 2): text.
    pub const VTP_DOMAIN: u16 = 0x0009;
    /// Native VLAN (version 2): 16 bits.
    pub const NATIVE_VLAN: u16 = 0x000a;
    /// Duplex (version 2): one byte, 1 full, 0 half.
    pub const DUPLEX: u16 = 0x000b;
    /// Management addresses (version 2): as Addresses.
    pub const MANAGEMENT_ADDRESSES: u16 = 0x0016;
}

/// Capability bits, with IOS's letters (`show cdp neighbors`) and names
/// (`show cdp neighbors detail`).
pub mod caps {
    /// Router.
    pub const ROUTER: u32 = 0x01;
    /// Transparent bridge.
    pub const TRANS_BRIDGE: u32 = 0x02;
    /// Source-route bridge.
    pub const SOURCE_ROUTE_BRIDGE: u32 = 0x04;
    /// Switch.
    pub const SWITCH: u32 = 0x08;
    /// Host.
    pub const HOST: u32 = 0x10;
    /// IGMP conditional filtering.
    pub const IGMP: u32 = 0x20;
    /// Repeater.
    pub const REPEATER: u32 = 0x40;
    /// Phone.
    pub const PHONE: u32 = 0x80;
    /// Remotely managed device.
    pub const REMOTE: u32 = 0x100;
    /// CVTA (Cisco VT Camera).
    pub const CVTA: u32 = 0x200;
    /// Two-port MAC relay.
    pub const MAC_RELAY: u32 = 0x400;

    /// Every bit with its letter and name, in IOS's order.
    pub const ALL: [(u32, char, &str); 11] = [
        (ROUTER, 'R', "Router"),
        (TRANS_BRIDGE, 'T', "Trans-Bridge"),
        (SOURCE_ROUTE_BRIDGE, 'B', "Source-Route-Bridge"),
        (SWITCH, 'S', "Switch"),
        (HOST, 'H', "Host"),
        (IGMP, 'I', "IGMP"),
        (REPEATER, 'r', "Repeater"),
        (PHONE, 'P', "Phone"),
        (REMOTE, 'D', "Remote"),
        (CVTA, 'C', "CVTA"),
        (MAC_RELAY, 'M', "Two-port Mac Relay"),
    ];
}

/// Why a frame or PDU was refused, as `show cdp traffic` counts it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CdpError {
    /// Not CDP: another destination, an ethertype instead of a length,
    /// or another LLC/SNAP header (VTP, DTP, PAgP, UDLD). Not counted as
    /// CDP at all.
    #[error("not a CDP frame")]
    NotCdp,
    /// The 802.3 length runs past the frame or leaves no room for the
    /// CDP header, or the version is neither 1 nor 2 ("Hdr syntax").
    #[error("bad CDP header")]
    Header,
    /// The checksum does not match ("Chksum error").
    #[error("bad checksum")]
    Checksum,
    /// A TLV runs past the end of the PDU ("Invalid packet").
    #[error("a TLV runs past the end of the PDU")]
    Truncated,
    /// A TLV has a length it cannot have ("Invalid packet").
    #[error("TLV {0:#06x} has a bad length")]
    BadLength(u16),
    /// No Device ID TLV ("Invalid packet").
    #[error("no Device ID")]
    NoDeviceId,
}

/// The checksum of a CDP PDU (header and TLVs), as Cisco computes it: the
/// IP checksum (RFC 1071) over 16-bit big-endian words, except for an odd
/// last byte. Cisco adds that byte as the low byte of a word (not the high
/// one, as RFC 1071 pads it), and as a signed char: a byte of 0x80 or more
/// is sign-extended in a 32-bit sum, which comes out one less once folded,
/// so it is added as the word 0xFF00 + byte - 1. This is lldpd's
/// `frame_checksum(..., cisco = 1)` (src/daemon/frame.c), which takes it
/// from Wireshark's `dissect_cdp`. Over a PDU holding its checksum, a
/// good one gives 0.
pub fn checksum(data: &[u8]) -> u16 {
    let mut words = data.chunks_exact(2);
    let mut sum: u32 = words
        .by_ref()
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    if let [last] = *words.remainder() {
        let v = u32::from(last);
        sum += if v & 0x80 != 0 { 0xff00 + v - 1 } else { v };
    }
    sum = (sum >> 16) + (sum & 0xffff);
    sum += sum >> 16;
    !(sum as u16)
}

/// The CDP PDU (header and TLVs) of a frame to the CDP group, without the
/// padding that may follow it; `Err(NotCdp)` for anything else sent to
/// that group.
pub fn payload(frame: &[u8]) -> Result<&[u8], CdpError> {
    let [d0, d1, d2, d3, d4, d5, _, _, _, _, _, _, l0, l1, rest @ ..] = frame else {
        return Err(CdpError::NotCdp);
    };
    if [*d0, *d1, *d2, *d3, *d4, *d5] != GROUP.0 {
        return Err(CdpError::NotCdp);
    }
    let len = usize::from(u16::from_be_bytes([*l0, *l1]));
    // 0x0600 and more is an ethertype (Ethernet II): not CDP.
    if len >= 0x0600 || rest.get(..LLC_SNAP.len()) != Some(&LLC_SNAP[..]) {
        return Err(CdpError::NotCdp);
    }
    if len < LLC_SNAP.len() + HEADER_LEN {
        return Err(CdpError::Header);
    }
    rest.get(LLC_SNAP.len()..len).ok_or(CdpError::Header)
}

/// The frame carrying `pdu` from `source`: 802.3 header, LLC/SNAP, the
/// PDU, padded to the shortest Ethernet frame.
pub fn frame(source: MacAddr, pdu: &[u8]) -> Vec<u8> {
    let len = (LLC_SNAP.len() + pdu.len()).min(usize::from(u16::MAX)) as u16;
    let mut f = Vec::with_capacity(MIN_FRAME.max(VERSION_OFFSET + pdu.len()));
    f.extend_from_slice(&GROUP.0);
    f.extend_from_slice(&source.0);
    f.extend_from_slice(&len.to_be_bytes());
    f.extend_from_slice(&LLC_SNAP);
    f.extend_from_slice(pdu);
    if f.len() < MIN_FRAME {
        f.resize(MIN_FRAME, 0);
    }
    f
}

/// One TLV: its type and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Type.
    pub kind: u16,
    /// Value (without the 4-byte header).
    pub value: &'a [u8],
}

/// The TLVs after a CDP header, to the end of the bytes. Yields an error
/// once, then stops, if a TLV runs past the end or has a length shorter
/// than its header.
pub struct Tlvs<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> Tlvs<'a> {
    /// The TLVs of `tlvs` (the bytes after the CDP header).
    pub fn new(tlvs: &'a [u8]) -> Tlvs<'a> {
        Tlvs {
            rest: tlvs,
            done: false,
        }
    }
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<Tlv<'a>, CdpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        self.done = true;
        let [t0, t1, l0, l1, rest @ ..] = self.rest else {
            return Some(Err(CdpError::Truncated));
        };
        let kind = u16::from_be_bytes([*t0, *t1]);
        let len = usize::from(u16::from_be_bytes([*l0, *l1]));
        let Some(len) = len.checked_sub(4) else {
            return Some(Err(CdpError::BadLength(kind)));
        };
        let Some((value, rest)) = rest.split_at_checked(len) else {
            return Some(Err(CdpError::Truncated));
        };
        self.rest = rest;
        self.done = false;
        Some(Ok(Tlv { kind, value }))
    }
}

/// Duplex, as the Duplex TLV says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplex {
    /// Half duplex (0).
    Half,
    /// Full duplex (1).
    Full,
}

impl Duplex {
    /// IOS's word: `full`, `half`.
    pub fn word(self) -> &'static str {
        match self {
            Duplex::Half => "half",
            Duplex::Full => "full",
        }
    }
}

/// What a CDP PDU says, as kept from one received or sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cdpdu {
    /// Version: 1 or 2.
    pub version: u8,
    /// Time to live (holdtime), seconds.
    pub ttl: u8,
    /// Device ID.
    pub device_id: Option<String>,
    /// IPv4 addresses of the Addresses TLV (others are skipped).
    pub addresses: Vec<Ipv4Addr>,
    /// Port ID.
    pub port_id: Option<String>,
    /// Capabilities.
    pub capabilities: Option<u32>,
    /// Software version (line breaks kept).
    pub software_version: Option<String>,
    /// Platform.
    pub platform: Option<String>,
    /// VTP management domain.
    pub vtp_domain: Option<String>,
    /// Native VLAN.
    pub native_vlan: Option<u16>,
    /// Duplex.
    pub duplex: Option<Duplex>,
    /// IPv4 addresses of the Management Addresses TLV.
    pub management: Vec<Ipv4Addr>,
    /// TLVs of types this switch does not read.
    pub unrecognized: u32,
}

impl Default for Cdpdu {
    fn default() -> Self {
        Cdpdu {
            version: 2,
            ttl: 0,
            device_id: None,
            addresses: Vec::new(),
            port_id: None,
            capabilities: None,
            software_version: None,
            platform: None,
            vtp_domain: None,
            native_vlan: None,
            duplex: None,
            management: Vec::new(),
            unrecognized: 0,
        }
    }
}

/// Longest text kept of a received one-line TLV.
const MAX_TEXT: usize = 255;
/// Longest software version kept (IOS's run to a few lines).
const MAX_SOFTWARE: usize = 1023;

/// A one-line text TLV: control characters become spaces.
fn text(value: &[u8]) -> String {
    let v = &value[..value.len().min(MAX_TEXT)];
    lisa_types::printable(String::from_utf8_lossy(v).trim_end_matches('\0'))
}

/// The software version: its line breaks kept, other control characters
/// spaces.
fn lines(value: &[u8]) -> String {
    let v = &value[..value.len().min(MAX_SOFTWARE)];
    String::from_utf8_lossy(v)
        .trim_end_matches('\0')
        .chars()
        .filter(|c| *c != '\r')
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// NLPID protocol type, and IP's NLPID.
const NLPID: u8 = 1;
const NLPID_IP: u8 = 0xcc;

/// The IPv4 addresses of an Addresses or Management Addresses TLV (a
/// count, then protocol type, protocol length, protocol, address length,
/// address); addresses of other protocols are skipped. None if an entry
/// runs past the end.
fn addresses(v: &[u8]) -> Option<Vec<Ipv4Addr>> {
    let (count, mut rest) = v.split_at_checked(4)?;
    let count = u32::from_be_bytes([count[0], count[1], count[2], count[3]]);
    let mut out = Vec::new();
    for _ in 0..count {
        let (&kind, r) = rest.split_first()?;
        let (&plen, r) = r.split_first()?;
        let (proto, r) = r.split_at_checked(usize::from(plen))?;
        let (alen, r) = r.split_at_checked(2)?;
        let (addr, r) = r.split_at_checked(usize::from(u16::from_be_bytes([alen[0], alen[1]])))?;
        rest = r;
        if let (NLPID, [NLPID_IP], [a, b, c, d]) = (kind, proto, addr) {
            out.push(Ipv4Addr::new(*a, *b, *c, *d));
        }
    }
    Some(out)
}

impl Cdpdu {
    /// Reads a PDU (as `payload` gives it): version 1 or 2, a good
    /// checksum, TLVs within the PDU, a Device ID.
    pub fn parse(pdu: &[u8]) -> Result<Cdpdu, CdpError> {
        let [version, ttl, _, _, tlvs @ ..] = pdu else {
            return Err(CdpError::Header);
        };
        if !matches!(version, 1 | 2) {
            return Err(CdpError::Header);
        }
        if checksum(pdu) != 0 {
            return Err(CdpError::Checksum);
        }
        let mut out = Cdpdu {
            version: *version,
            ttl: *ttl,
            ..Cdpdu::default()
        };
        for t in Tlvs::new(tlvs) {
            let t = t?;
            let bad = CdpError::BadLength(t.kind);
            match t.kind {
                tlv::DEVICE_ID => out.device_id = Some(text(t.value)),
                tlv::ADDRESSES => out.addresses = addresses(t.value).ok_or(bad)?,
                tlv::PORT_ID => out.port_id = Some(text(t.value)),
                tlv::CAPABILITIES => match t.value {
                    [a, b, c, d] => out.capabilities = Some(u32::from_be_bytes([*a, *b, *c, *d])),
                    _ => return Err(bad),
                },
                tlv::SOFTWARE_VERSION => out.software_version = Some(lines(t.value)),
                tlv::PLATFORM => out.platform = Some(text(t.value)),
                tlv::VTP_DOMAIN => out.vtp_domain = Some(text(t.value)),
                tlv::NATIVE_VLAN => match t.value {
                    [a, b] => out.native_vlan = Some(u16::from_be_bytes([*a, *b])),
                    _ => return Err(bad),
                },
                tlv::DUPLEX => match t.value {
                    [0] => out.duplex = Some(Duplex::Half),
                    [_] => out.duplex = Some(Duplex::Full),
                    _ => return Err(bad),
                },
                tlv::MANAGEMENT_ADDRESSES => out.management = addresses(t.value).ok_or(bad)?,
                _ => out.unrecognized += 1,
            }
        }
        if out.device_id.is_none() {
            return Err(CdpError::NoDeviceId);
        }
        Ok(out)
    }

    /// The PDU's bytes, checksum filled in, TLVs in the order IOS sends
    /// them: Device ID, Software Version, Platform, Addresses, Port ID,
    /// Capabilities, VTP Management Domain, Native VLAN, Duplex,
    /// Management Addresses.
    pub fn emit(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(&[self.version, self.ttl, 0, 0]);
        let text = |out: &mut Vec<u8>, kind, s: &Option<String>| {
            if let Some(s) = s {
                put(out, kind, s.as_bytes());
            }
        };
        text(&mut out, tlv::DEVICE_ID, &self.device_id);
        text(&mut out, tlv::SOFTWARE_VERSION, &self.software_version);
        text(&mut out, tlv::PLATFORM, &self.platform);
        if !self.addresses.is_empty() {
            put(&mut out, tlv::ADDRESSES, &address_value(&self.addresses));
        }
        text(&mut out, tlv::PORT_ID, &self.port_id);
        if let Some(c) = self.capabilities {
            put(&mut out, tlv::CAPABILITIES, &c.to_be_bytes());
        }
        text(&mut out, tlv::VTP_DOMAIN, &self.vtp_domain);
        if let Some(v) = self.native_vlan {
            put(&mut out, tlv::NATIVE_VLAN, &v.to_be_bytes());
        }
        if let Some(d) = self.duplex {
            put(&mut out, tlv::DUPLEX, &[u8::from(d == Duplex::Full)]);
        }
        if !self.management.is_empty() {
            put(
                &mut out,
                tlv::MANAGEMENT_ADDRESSES,
                &address_value(&self.management),
            );
        }
        let c = checksum(&out);
        out[2..4].copy_from_slice(&c.to_be_bytes());
        out
    }
}

/// The value of an Addresses TLV holding `ips`.
fn address_value(ips: &[Ipv4Addr]) -> Vec<u8> {
    let mut v = (ips.len() as u32).to_be_bytes().to_vec();
    for ip in ips {
        v.extend_from_slice(&[NLPID, 1, NLPID_IP, 0, 4]);
        v.extend_from_slice(&ip.octets());
    }
    v
}

/// Appends a TLV (values too long for the 16-bit length are cut to fit).
fn put(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    let value = &value[..value.len().min(usize::from(u16::MAX) - 4)];
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&(value.len() as u16 + 4).to_be_bytes());
    out.extend_from_slice(value);
}

/// IOS's letters of a capability set, as `show cdp neighbors` prints them
/// (`R S I`).
pub struct CapabilityLetters(pub u32);

impl fmt::Display for CapabilityLetters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (bit, c, _) in caps::ALL {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str(" ")?;
                }
                write!(f, "{c}")?;
                first = false;
            }
        }
        Ok(())
    }
}

/// IOS's names of a capability set, as `show cdp neighbors detail` prints
/// them: each followed by a space (`Router Switch IGMP `).
pub struct CapabilityNames(pub u32);

impl fmt::Display for CapabilityNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (bit, _, name) in caps::ALL {
            if self.0 & bit != 0 {
                write!(f, "{name} ")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
