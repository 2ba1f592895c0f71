//! Spanning-tree BPDUs on the wire (IEEE 802.1D-2004 clause 9): RST
//! BPDUs, configuration BPDUs and TCNs, in 802.3 frames with an LLC
//! header, to 01:80:c2:00:00:00. `Bpdu::parse` reads any of them without
//! panicking; `Bpdu::frame` builds the whole frame a port sends.

use lisa_types::MacAddr;

/// The bridge group address BPDUs go to.
pub const GROUP: MacAddr = MacAddr([0x01, 0x80, 0xc2, 0x00, 0x00, 0x00]);
/// Its link-local group number (`Pipeline::add_link_local`).
pub const LINK_LOCAL_GROUP: u8 = 0x00;
/// The LLC header of a BPDU: DSAP, SSAP 0x42, UI.
const LLC: [u8; 3] = [0x42, 0x42, 0x03];
/// Shortest Ethernet frame, without its FCS.
const MIN_FRAME: usize = 60;

/// BPDU flag bits (802.1D-2004 9.3.3).
pub mod flags {
    /// Topology change.
    pub const TC: u8 = 0x01;
    /// Proposal.
    pub const PROPOSAL: u8 = 0x02;
    /// Port role (two bits).
    pub const ROLE_SHIFT: u8 = 2;
    /// Learning.
    pub const LEARNING: u8 = 0x10;
    /// Forwarding.
    pub const FORWARDING: u8 = 0x20;
    /// Agreement.
    pub const AGREEMENT: u8 = 0x40;
    /// Topology change acknowledgment (configuration BPDUs).
    pub const TC_ACK: u8 = 0x80;
}

/// A bridge identifier: priority (with the system ID extension) in the top
/// 16 bits, then the MAC address. Lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct BridgeId(pub u64);

impl BridgeId {
    /// The identifier of priority `priority` (with its extension) and `mac`.
    pub fn new(priority: u16, mac: MacAddr) -> BridgeId {
        let mut b = [0u8; 8];
        b[..2].copy_from_slice(&priority.to_be_bytes());
        b[2..].copy_from_slice(&mac.0);
        BridgeId(u64::from_be_bytes(b))
    }

    /// Its priority (with the extension).
    pub fn priority(self) -> u16 {
        (self.0 >> 48) as u16
    }

    /// Its MAC address.
    pub fn mac(self) -> MacAddr {
        let b = self.0.to_be_bytes();
        let mut m = [0u8; 6];
        m.copy_from_slice(&b[2..]);
        MacAddr(m)
    }

    fn read(b: &[u8]) -> BridgeId {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[..8]);
        BridgeId(u64::from_be_bytes(a))
    }
}

/// A port's role as a BPDU says it (two flag bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BpduRole {
    /// Unknown (0).
    Unknown,
    /// Alternate or backup (1).
    AlternateBackup,
    /// Root (2).
    Root,
    /// Designated (3).
    Designated,
}

impl BpduRole {
    fn from_bits(b: u8) -> BpduRole {
        match (b >> flags::ROLE_SHIFT) & 3 {
            1 => BpduRole::AlternateBackup,
            2 => BpduRole::Root,
            3 => BpduRole::Designated,
            _ => BpduRole::Unknown,
        }
    }

    fn bits(self) -> u8 {
        let v = match self {
            BpduRole::Unknown => 0,
            BpduRole::AlternateBackup => 1,
            BpduRole::Root => 2,
            BpduRole::Designated => 3,
        };
        v << flags::ROLE_SHIFT
    }
}

/// The timers a BPDU carries, in seconds (the wire has 1/256 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    /// Message age.
    pub message_age: u16,
    /// Max age.
    pub max_age: u16,
    /// Hello time.
    pub hello: u16,
    /// Forward delay.
    pub forward_delay: u16,
}

impl Default for Times {
    fn default() -> Self {
        Times {
            message_age: 0,
            max_age: 20,
            hello: 2,
            forward_delay: 15,
        }
    }
}

/// What a configuration or RST BPDU says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Protocol version (0 STP, 2 RSTP, 3 MSTP).
    pub version: u8,
    /// Flags (`flags`).
    pub flags: u8,
    /// Root bridge.
    pub root: BridgeId,
    /// Root path cost.
    pub cost: u32,
    /// The sending bridge.
    pub bridge: BridgeId,
    /// The sending port's identifier.
    pub port: u16,
    /// Timers.
    pub times: Times,
}

impl Config {
    /// The role the sender gives its port (a configuration BPDU comes from
    /// a designated port).
    pub fn role(&self) -> BpduRole {
        if self.version < 2 {
            BpduRole::Designated
        } else {
            BpduRole::from_bits(self.flags)
        }
    }

    /// True if flag `f` is set.
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// Sets the role bits to `r`.
    pub fn set_role(&mut self, r: BpduRole) {
        self.flags = (self.flags & !(3 << flags::ROLE_SHIFT)) | r.bits();
    }
}

/// A BPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bpdu {
    /// A configuration BPDU (version 0) or an RST/MST BPDU (version 2+;
    /// an MST BPDU is read as the CIST's RST BPDU).
    Config(Config),
    /// A topology change notification (802.1D STP).
    Tcn,
}

/// Why a frame is no BPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BpduError {
    /// Not an 802.3 frame with the BPDU LLC header.
    #[error("not an LLC frame with the spanning-tree SAP")]
    NotLlc,
    /// Protocol identifier not 0.
    #[error("protocol identifier is not 0")]
    Protocol,
    /// Shorter than its type needs.
    #[error("too short for its type")]
    Truncated,
    /// A type this switch does not know.
    #[error("unknown BPDU type {0:#04x}")]
    Type(u8),
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([b[i], b[i + 1]])
}

/// Seconds from the wire's 1/256 s, rounded down.
fn secs(b: &[u8], i: usize) -> u16 {
    u16_at(b, i) >> 8
}

impl Bpdu {
    /// Reads the BPDU of a whole frame (Ethernet header included).
    pub fn parse(frame: &[u8]) -> Result<Bpdu, BpduError> {
        let Some(len) = frame.get(12..14).map(|b| usize::from(u16_at(b, 0))) else {
            return Err(BpduError::NotLlc);
        };
        if len > 1500 || frame.get(14..17) != Some(&LLC[..]) {
            return Err(BpduError::NotLlc);
        }
        let end = (14 + len).min(frame.len());
        let b = frame.get(17..end).ok_or(BpduError::Truncated)?;
        if b.len() < 4 {
            return Err(BpduError::Truncated);
        }
        if u16_at(b, 0) != 0 {
            return Err(BpduError::Protocol);
        }
        let (version, kind) = (b[2], b[3]);
        match kind {
            0x80 => Ok(Bpdu::Tcn),
            0x00 | 0x02 => {
                if b.len() < 35 {
                    return Err(BpduError::Truncated);
                }
                Ok(Bpdu::Config(Config {
                    version: if kind == 0x00 { 0 } else { version.max(2) },
                    flags: b[4],
                    root: BridgeId::read(&b[5..13]),
                    cost: u32::from_be_bytes([b[13], b[14], b[15], b[16]]),
                    bridge: BridgeId::read(&b[17..25]),
                    port: u16_at(b, 25),
                    times: Times {
                        message_age: secs(b, 27),
                        max_age: secs(b, 29),
                        hello: secs(b, 31),
                        forward_delay: secs(b, 33),
                    },
                }))
            }
            k => Err(BpduError::Type(k)),
        }
    }

    /// The whole frame that sends this BPDU from `src`.
    pub fn frame(&self, src: MacAddr) -> Vec<u8> {
        let mut b = vec![0u8, 0];
        match self {
            Bpdu::Tcn => b.extend_from_slice(&[0, 0x80]),
            Bpdu::Config(c) => {
                let rst = c.version >= 2;
                b.push(if rst { 2 } else { 0 });
                b.push(if rst { 0x02 } else { 0x00 });
                b.push(c.flags);
                b.extend_from_slice(&c.root.0.to_be_bytes());
                b.extend_from_slice(&c.cost.to_be_bytes());
                b.extend_from_slice(&c.bridge.0.to_be_bytes());
                b.extend_from_slice(&c.port.to_be_bytes());
                for t in [
                    c.times.message_age,
                    c.times.max_age,
                    c.times.hello,
                    c.times.forward_delay,
                ] {
                    b.extend_from_slice(&(t << 8).to_be_bytes());
                }
                if rst {
                    b.push(0);
                }
            }
        }
        let mut f = Vec::with_capacity(MIN_FRAME);
        f.extend_from_slice(&GROUP.0);
        f.extend_from_slice(&src.0);
        f.extend_from_slice(&((LLC.len() + b.len()) as u16).to_be_bytes());
        f.extend_from_slice(&LLC);
        f.extend_from_slice(&b);
        if f.len() < MIN_FRAME {
            f.resize(MIN_FRAME, 0);
        }
        f
    }
}

#[cfg(test)]
mod tests;
