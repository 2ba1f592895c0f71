//! LLDPDUs (IEEE 802.1AB) on the wire, in the manner of smoltcp's `wire`:
//! `Tlvs` walks the TLVs of a received PDU without copying and never reads
//! past its end; `Lldpdu` is what the switch keeps of one and what it sends
//! (`parse`, `emit`). No unsafe code, no panics on any input.

use lisa_types::MacAddr;
use std::fmt;
use std::net::Ipv4Addr;

/// The LLDP ethertype.
pub const ETHERTYPE: u16 = 0x88cc;
/// The nearest-bridge group LLDPDUs are sent to: 01:80:c2:00:00:0e.
pub const GROUP: MacAddr = MacAddr([0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e]);
/// Its link-local group number (`Pipeline::add_link_local`).
pub const LINK_LOCAL_GROUP: u8 = 0x0e;

/// TLV types (7 bits).
mod tlv {
    pub const END: u8 = 0;
    pub const CHASSIS_ID: u8 = 1;
    pub const PORT_ID: u8 = 2;
    pub const TTL: u8 = 3;
    pub const PORT_DESCRIPTION: u8 = 4;
    pub const SYSTEM_NAME: u8 = 5;
    pub const SYSTEM_DESCRIPTION: u8 = 6;
    pub const SYSTEM_CAPABILITIES: u8 = 7;
    pub const MANAGEMENT_ADDRESS: u8 = 8;
}

/// Chassis ID subtype "MAC address".
pub const CHASSIS_MAC: u8 = 4;
/// Chassis ID subtype "network address".
pub const CHASSIS_NETWORK_ADDRESS: u8 = 5;
/// Port ID subtype "MAC address".
pub const PORT_MAC: u8 = 3;
/// Port ID subtype "network address".
pub const PORT_NETWORK_ADDRESS: u8 = 4;
/// Port ID subtype "interface name".
pub const PORT_INTERFACE_NAME: u8 = 5;

/// System capability bits (IEEE 802.1AB table 8-4).
pub mod caps {
    /// Other.
    pub const OTHER: u16 = 0x0001;
    /// Repeater.
    pub const REPEATER: u16 = 0x0002;
    /// MAC bridge.
    pub const BRIDGE: u16 = 0x0004;
    /// WLAN access point.
    pub const WLAN: u16 = 0x0008;
    /// Router.
    pub const ROUTER: u16 = 0x0010;
    /// Telephone.
    pub const TELEPHONE: u16 = 0x0020;
    /// DOCSIS cable device.
    pub const DOCSIS: u16 = 0x0040;
    /// Station only.
    pub const STATION: u16 = 0x0080;
}

/// Why a PDU was refused (counted as "received in error").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LldpError {
    /// A TLV runs past the end of the frame.
    #[error("a TLV runs past the end of the frame")]
    Truncated,
    /// The first three TLVs are not Chassis ID, Port ID and TTL.
    #[error("the PDU does not start with Chassis ID, Port ID and TTL")]
    MandatoryMissing,
    /// A mandatory TLV has a length it cannot have.
    #[error("TLV {0} has a bad length")]
    BadLength(u8),
}

/// One TLV: its type and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Type (0-127).
    pub kind: u8,
    /// Value.
    pub value: &'a [u8],
}

/// The TLVs of a PDU (the bytes after the Ethernet header), up to the End
/// TLV or the end of the bytes. Yields `Err(Truncated)` once, then stops,
/// if a TLV runs past the end.
pub struct Tlvs<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> Tlvs<'a> {
    /// The TLVs of `pdu`.
    pub fn new(pdu: &'a [u8]) -> Tlvs<'a> {
        Tlvs {
            rest: pdu,
            done: false,
        }
    }
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<Tlv<'a>, LldpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (head, rest) = match self.rest {
            [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
            // Padding shorter than a TLV header ends the PDU.
            _ => {
                self.done = true;
                return None;
            }
        };
        let kind = (head >> 9) as u8;
        let len = usize::from(head & 0x01ff);
        if kind == tlv::END {
            self.done = true;
            return None;
        }
        let Some((value, rest)) = rest.split_at_checked(len) else {
            self.done = true;
            return Some(Err(LldpError::Truncated));
        };
        self.rest = rest;
        Some(Ok(Tlv { kind, value }))
    }
}

/// A Chassis ID or Port ID: its subtype and value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    /// Subtype (what the value is).
    pub subtype: u8,
    /// The value.
    pub value: Vec<u8>,
}

impl Id {
    /// A MAC address (chassis subtype 4, port subtype 3: pass the subtype).
    pub fn mac(subtype: u8, mac: MacAddr) -> Id {
        Id {
            subtype,
            value: mac.0.to_vec(),
        }
    }

    /// A name (port subtype "interface name", chassis subtype "locally
    /// assigned").
    pub fn name(subtype: u8, name: &str) -> Id {
        Id {
            subtype,
            value: name.as_bytes().to_vec(),
        }
    }

    fn parse(value: &[u8], kind: u8) -> Result<Id, LldpError> {
        match value {
            [subtype, rest @ ..] if (1..=255).contains(&rest.len()) => Ok(Id {
                subtype: *subtype,
                value: rest.to_vec(),
            }),
            _ => Err(LldpError::BadLength(kind)),
        }
    }

    /// True if the value is a MAC address.
    fn is_mac(&self, mac_subtype: u8) -> bool {
        self.subtype == mac_subtype && self.value.len() == 6
    }

    /// The text IOS shows: a MAC address as `0026.0b5a.8a00`, an IPv4
    /// network address dotted, anything else as printable text.
    pub fn text(&self, mac_subtype: u8, address_subtype: u8) -> String {
        if self.is_mac(mac_subtype) {
            let mut mac = [0u8; 6];
            mac.copy_from_slice(&self.value);
            return MacAddr(mac).to_cisco();
        }
        if self.subtype == address_subtype {
            if let [1, a, b, c, d] = self.value[..] {
                return Ipv4Addr::new(a, b, c, d).to_string();
            }
        }
        lisa_types::printable(&String::from_utf8_lossy(&self.value))
    }
}

/// A management address (IPv4 only is kept; others are counted as seen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagementAddress {
    /// The address.
    pub ip: Ipv4Addr,
    /// The interface number it is on (ifIndex numbering).
    pub if_index: u32,
}

/// What an LLDPDU says, as kept from one received or sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lldpdu {
    /// Chassis ID.
    pub chassis: Option<Id>,
    /// Port ID.
    pub port: Option<Id>,
    /// Time to live, seconds (0: the sender is shutting LLDP down).
    pub ttl: u16,
    /// Port description.
    pub port_description: Option<String>,
    /// System name.
    pub system_name: Option<String>,
    /// System description.
    pub system_description: Option<String>,
    /// System capabilities and those enabled, if sent.
    pub capabilities: Option<(u16, u16)>,
    /// IPv4 management addresses.
    pub management: Vec<ManagementAddress>,
    /// TLVs of types this switch does not read (organisation-specific
    /// ones included).
    pub unrecognized: u32,
}

/// Longest text kept of a received string TLV (its TLV may hold 511 bytes).
const MAX_TEXT: usize = 255;

fn text(value: &[u8]) -> String {
    let v = &value[..value.len().min(MAX_TEXT)];
    lisa_types::printable(String::from_utf8_lossy(v).trim_end_matches('\0'))
}

impl Lldpdu {
    /// Reads the PDU that follows the Ethernet header: the first three
    /// TLVs must be Chassis ID, Port ID and TTL (802.1AB 9.2.7.7.1).
    pub fn parse(pdu: &[u8]) -> Result<Lldpdu, LldpError> {
        let mut out = Lldpdu::default();
        for (i, t) in Tlvs::new(pdu).enumerate() {
            let t = t?;
            let want = [tlv::CHASSIS_ID, tlv::PORT_ID, tlv::TTL];
            if let Some(&w) = want.get(i) {
                if t.kind != w {
                    return Err(LldpError::MandatoryMissing);
                }
            }
            match t.kind {
                tlv::CHASSIS_ID if i == 0 => out.chassis = Some(Id::parse(t.value, t.kind)?),
                tlv::PORT_ID if i == 1 => out.port = Some(Id::parse(t.value, t.kind)?),
                tlv::TTL if i == 2 => match t.value {
                    [a, b, ..] => out.ttl = u16::from_be_bytes([*a, *b]),
                    _ => return Err(LldpError::BadLength(t.kind)),
                },
                tlv::PORT_DESCRIPTION => out.port_description = Some(text(t.value)),
                tlv::SYSTEM_NAME => out.system_name = Some(text(t.value)),
                tlv::SYSTEM_DESCRIPTION => out.system_description = Some(text(t.value)),
                tlv::SYSTEM_CAPABILITIES => match t.value {
                    [a, b, c, d] => {
                        out.capabilities =
                            Some((u16::from_be_bytes([*a, *b]), u16::from_be_bytes([*c, *d])))
                    }
                    _ => out.unrecognized += 1,
                },
                tlv::MANAGEMENT_ADDRESS => match management(t.value) {
                    Some(m) => out.management.push(m),
                    None => out.unrecognized += 1,
                },
                _ => out.unrecognized += 1,
            }
        }
        if out.port.is_none() {
            return Err(LldpError::MandatoryMissing);
        }
        Ok(out)
    }

    /// The PDU's bytes (to follow an Ethernet header), ending with End.
    pub fn emit(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        let id = |out: &mut Vec<u8>, kind, id: &Option<Id>| {
            if let Some(id) = id {
                let mut v = vec![id.subtype];
                v.extend_from_slice(&id.value);
                put(out, kind, &v);
            }
        };
        id(&mut out, tlv::CHASSIS_ID, &self.chassis);
        id(&mut out, tlv::PORT_ID, &self.port);
        put(&mut out, tlv::TTL, &self.ttl.to_be_bytes());
        let strings = [
            (tlv::PORT_DESCRIPTION, &self.port_description),
            (tlv::SYSTEM_NAME, &self.system_name),
            (tlv::SYSTEM_DESCRIPTION, &self.system_description),
        ];
        for (kind, s) in strings {
            if let Some(s) = s {
                put(&mut out, kind, s.as_bytes());
            }
        }
        if let Some((all, on)) = self.capabilities {
            let mut v = all.to_be_bytes().to_vec();
            v.extend_from_slice(&on.to_be_bytes());
            put(&mut out, tlv::SYSTEM_CAPABILITIES, &v);
        }
        for m in &self.management {
            // Address string length (subtype + 4), subtype 1 (IPv4), the
            // address, interface numbering 2 (ifIndex), the number, no OID.
            let mut v = vec![5, 1];
            v.extend_from_slice(&m.ip.octets());
            v.push(2);
            v.extend_from_slice(&m.if_index.to_be_bytes());
            v.push(0);
            put(&mut out, tlv::MANAGEMENT_ADDRESS, &v);
        }
        put(&mut out, tlv::END, &[]);
        out
    }
}

/// Appends a TLV (values longer than 511 bytes are cut to fit).
fn put(out: &mut Vec<u8>, kind: u8, value: &[u8]) {
    let value = &value[..value.len().min(511)];
    let head = (u16::from(kind) << 9) | value.len() as u16;
    out.extend_from_slice(&head.to_be_bytes());
    out.extend_from_slice(value);
}

/// An IPv4 management address TLV's address and interface number.
fn management(v: &[u8]) -> Option<ManagementAddress> {
    let (&addr_len, rest) = v.split_first()?;
    let addr = rest.get(..usize::from(addr_len))?;
    let rest = rest.get(usize::from(addr_len)..)?;
    let [1, a, b, c, d] = *addr else {
        return None;
    };
    let if_index = match rest {
        [_, a, b, c, d, ..] => u32::from_be_bytes([*a, *b, *c, *d]),
        _ => 0,
    };
    Some(ManagementAddress {
        ip: Ipv4Addr::new(a, b, c, d),
        if_index,
    })
}

/// IOS's letters of a capability set, as `show lldp neighbors` prints them
/// (`B,R`).
pub struct CapabilityLetters(pub u16);

impl fmt::Display for CapabilityLetters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letters = [
            (caps::ROUTER, 'R'),
            (caps::BRIDGE, 'B'),
            (caps::TELEPHONE, 'T'),
            (caps::DOCSIS, 'C'),
            (caps::WLAN, 'W'),
            (caps::REPEATER, 'P'),
            (caps::STATION, 'S'),
            (caps::OTHER, 'O'),
        ];
        let mut first = true;
        for (bit, c) in letters {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str(",")?;
                }
                write!(f, "{c}")?;
                first = false;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
