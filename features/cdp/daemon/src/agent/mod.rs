//! The CDP agent, with no DPDK in it: what the switch advertises on each
//! port and when, what it keeps of what it receives, and for how long.
//! The task (`task.rs`) feeds it frames and the ports' states and sends
//! the frames it returns; everything here takes the time as an argument,
//! so the unit tests drive it without waiting.

use dataplane::PortLink;
use lisa_cdp::wire::{self, CdpError, Cdpdu, Duplex, VERSION_OFFSET};
use lisa_cdp::CdpConfig;
use lisa_types::{MacAddr, DEFAULT_VLAN};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

/// Most neighbours kept per port; more are refused ("No memory"): a flood
/// of made-up devices cannot grow the table.
pub const MAX_PER_PORT: usize = 32;
/// Most neighbours kept in all.
pub const MAX_NEIGHBORS: usize = 2048;
/// Shortest gap between two packets on a port when a new neighbour makes
/// the agent answer before its timer.
pub const FAST_TX: Duration = Duration::from_secs(1);

/// What the switch says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Local {
    /// Device ID: the hostname.
    pub device_id: String,
    /// Address: the first SVI address.
    pub address: Option<Ipv4Addr>,
    /// Capabilities (CDP bits).
    pub capabilities: u32,
    /// Software version.
    pub software_version: String,
    /// Platform.
    pub platform: String,
    /// Native VLAN of the ports whose native VLAN is not VLAN 1 (an
    /// access port's VLAN, a trunk's native VLAN).
    pub native_vlans: BTreeMap<String, u16>,
}

impl Local {
    /// The native VLAN of port `name`.
    pub fn native_vlan(&self, name: &str) -> u16 {
        self.native_vlans.get(name).copied().unwrap_or(DEFAULT_VLAN)
    }
}

/// The agent's settings: the configuration and what it advertises.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// `cdp ...` settings.
    pub cfg: CdpConfig,
    /// What is advertised.
    pub local: Local,
}

/// The counts `show cdp traffic` shows, and a few more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Packets sent.
    pub packets_out: u64,
    /// Packets not sent, no buffer or the channel full ("Encaps failed").
    pub packets_out_failed: u64,
    /// CDP packets received on ports where CDP runs.
    pub packets_in: u64,
    /// "Hdr syntax": an 802.3 length past the frame, a version not 1 or 2.
    pub header_errors: u64,
    /// "Chksum error".
    pub checksum_errors: u64,
    /// "No memory": a new neighbour refused, the table full.
    pub no_memory: u64,
    /// "Invalid packet": a TLV past the end or of a bad length, no Device
    /// ID.
    pub invalid: u64,
    /// Version 1 advertisements sent.
    pub v1_out: u64,
    /// Version 1 advertisements received and read.
    pub v1_in: u64,
    /// Version 2 advertisements sent.
    pub v2_out: u64,
    /// Version 2 advertisements received and read.
    pub v2_in: u64,
    /// Frames to Cisco's group that are not CDP (VTP, DTP, PAgP, UDLD).
    pub not_cdp: u64,
    /// CDP packets received on a port with `no cdp enable`.
    pub discarded: u64,
    /// TLVs of types not read.
    pub tlvs_unrecognized: u64,
    /// Neighbours forgotten because their time ran out.
    pub aged: u64,
}

/// What a neighbour advertised on one of our ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbor {
    /// Our port.
    pub local_port: String,
    /// The frame's source address.
    pub source: MacAddr,
    /// What it said.
    pub pdu: Cdpdu,
    /// When it is forgotten unless it speaks again.
    pub expires: Instant,
}

/// A neighbour's key: our port, its device ID, its port ID.
type Key = (String, String, String);

/// The agent.
#[derive(Debug, Default)]
pub struct Agent {
    settings: Settings,
    neighbors: BTreeMap<Key, Neighbor>,
    /// When each port where CDP runs sends next (absent: as soon as it
    /// may).
    next_tx: HashMap<String, Instant>,
    /// When each port last sent (bounds the answers to new neighbours to
    /// one per [`FAST_TX`]).
    last_tx: HashMap<String, Instant>,
    /// The counts.
    pub counts: Counts,
}

impl Agent {
    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Takes new settings: `no cdp run` forgets every neighbour, `no cdp
    /// enable` a port's, and any change is sent at once.
    pub fn configure(&mut self, new: Settings, _now: Instant) {
        let old = std::mem::replace(&mut self.settings, new);
        let cfg = &self.settings.cfg;
        self.neighbors
            .retain(|(port, _, _), _| cfg.enabled_on(port));
        if old != self.settings {
            self.next_tx.clear();
        }
    }

    /// Reads a frame received on `port` (to Cisco's group).
    pub fn receive(&mut self, port: &str, frame: &[u8], now: Instant) {
        let c = &mut self.counts;
        let pdu = match wire::payload(frame) {
            Ok(pdu) => pdu,
            Err(CdpError::NotCdp) => {
                c.not_cdp += 1;
                return;
            }
            Err(_) if !self.settings.cfg.enabled_on(port) => {
                c.discarded += 1;
                return;
            }
            Err(_) => {
                c.packets_in += 1;
                c.header_errors += 1;
                return;
            }
        };
        if !self.settings.cfg.enabled_on(port) {
            c.discarded += 1;
            return;
        }
        c.packets_in += 1;
        let pdu = match Cdpdu::parse(pdu) {
            Ok(p) => p,
            Err(e) => {
                tracing::debug!(port, error = %e, "CDP packet refused");
                match e {
                    CdpError::Header => c.header_errors += 1,
                    CdpError::Checksum => c.checksum_errors += 1,
                    _ => c.invalid += 1,
                }
                return;
            }
        };
        if pdu.version == 1 {
            c.v1_in += 1;
        } else {
            c.v2_in += 1;
        }
        c.tlvs_unrecognized += u64::from(pdu.unrecognized);
        let key = (
            port.to_string(),
            pdu.device_id.clone().unwrap_or_default(),
            pdu.port_id.clone().unwrap_or_default(),
        );
        if pdu.ttl == 0 {
            self.neighbors.remove(&key);
            return;
        }
        if !self.neighbors.contains_key(&key) {
            let on_port = self.neighbors.keys().filter(|k| k.0 == port).count();
            if on_port >= MAX_PER_PORT || self.neighbors.len() >= MAX_NEIGHBORS {
                self.counts.no_memory += 1;
                return;
            }
            self.answer_new_neighbor(port, now);
        }
        let mut source = [0u8; 6];
        source.copy_from_slice(&frame[6..12]);
        let expires = now + Duration::from_secs(u64::from(pdu.ttl));
        self.neighbors.insert(
            key,
            Neighbor {
                local_port: port.to_string(),
                source: MacAddr(source),
                pdu,
                expires,
            },
        );
    }

    /// A new neighbour hears from us soon rather than a whole timer later:
    /// the port's next packet is brought forward to now, or to [`FAST_TX`]
    /// after its last one.
    fn answer_new_neighbor(&mut self, port: &str, now: Instant) {
        let soonest = self
            .last_tx
            .get(port)
            .map_or(now, |t| (*t + FAST_TX).max(now));
        if let Some(next) = self.next_tx.get_mut(port) {
            *next = (*next).min(soonest);
        }
    }

    /// Ages the neighbours, forgets those of ports gone or down, and
    /// returns the frames due now, as (port id, frame).
    pub fn tick(&mut self, ports: &[PortLink], now: Instant) -> Vec<(u16, Vec<u8>)> {
        let before = self.neighbors.len();
        self.neighbors.retain(|_, n| n.expires > now);
        self.counts.aged += (before - self.neighbors.len()) as u64;
        let up: BTreeSet<&str> = ports
            .iter()
            .filter(|p| p.up)
            .map(|p| p.name.as_str())
            .collect();
        self.neighbors
            .retain(|(port, _, _), _| up.contains(port.as_str()));
        self.next_tx.retain(|p, _| up.contains(p.as_str()));
        self.last_tx.retain(|p, _| up.contains(p.as_str()));
        let mut out = Vec::new();
        let cfg = &self.settings.cfg;
        for p in ports.iter().filter(|p| p.up && cfg.enabled_on(&p.name)) {
            if self.next_tx.get(&p.name).is_none_or(|t| *t <= now) {
                out.push((p.id, self.frame(p)));
                let timer = Duration::from_secs(u64::from(cfg.timer));
                self.next_tx.insert(p.name.clone(), now + timer);
                self.last_tx.insert(p.name.clone(), now);
            }
        }
        out
    }

    /// The PDU port `p` sends, in its frame: version 2 with the native
    /// VLAN, duplex and management address; version 1 without them.
    pub fn frame(&self, p: &PortLink) -> Vec<u8> {
        let l = &self.settings.local;
        let cfg = &self.settings.cfg;
        let v2 = cfg.advertise_v2;
        let addresses: Vec<Ipv4Addr> = l.address.into_iter().collect();
        let pdu = Cdpdu {
            version: cfg.version(),
            ttl: u8::try_from(cfg.holdtime).unwrap_or(u8::MAX),
            device_id: Some(l.device_id.clone()),
            addresses: addresses.clone(),
            port_id: Some(p.name.clone()),
            capabilities: Some(l.capabilities),
            software_version: Some(l.software_version.clone()),
            platform: Some(l.platform.clone()),
            vtp_domain: None,
            native_vlan: v2.then(|| l.native_vlan(&p.name)),
            duplex: v2.then_some(Duplex::Full),
            management: if v2 { addresses } else { Vec::new() },
            unrecognized: 0,
        };
        wire::frame(p.mac, &pdu.emit())
    }

    /// Counts a frame `tick` returned, sent (`ok`) or not.
    pub fn count_sent(&mut self, frame: &[u8], ok: bool) {
        let c = &mut self.counts;
        if !ok {
            c.packets_out_failed += 1;
            return;
        }
        c.packets_out += 1;
        if frame.get(VERSION_OFFSET) == Some(&1) {
            c.v1_out += 1;
        } else {
            c.v2_out += 1;
        }
    }

    /// The neighbours, by our port, then device ID and port ID.
    pub fn neighbors(&self) -> impl Iterator<Item = &Neighbor> {
        self.neighbors.values()
    }

    /// Forgets every neighbour (`clear cdp table`).
    pub fn clear_table(&mut self) {
        self.neighbors.clear();
    }
}

#[cfg(test)]
mod tests;
