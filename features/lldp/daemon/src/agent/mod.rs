//! The LLDP agent, with no DPDK in it: what the switch advertises on each
//! port and when, what it keeps of what it receives, and for how long.
//! The task (`task.rs`) feeds it frames and the ports' states and sends
//! the frames it returns; everything here takes the time as an argument,
//! so the unit tests drive it without waiting.

use dataplane::PortLink;
use lisa_lldp::wire::{
    Id, Lldpdu, ManagementAddress, CHASSIS_MAC, ETHERTYPE, GROUP, PORT_INTERFACE_NAME,
};
use lisa_lldp::LldpConfig;
use lisa_types::MacAddr;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

/// Most neighbours kept per port; more are discarded (a flood of made-up
/// chassis cannot grow the table).
pub const MAX_PER_PORT: usize = 32;
/// Most neighbours kept in all.
pub const MAX_NEIGHBORS: usize = 2048;
/// Shortest Ethernet frame, without its FCS.
const MIN_FRAME: usize = 60;
/// Shortest gap between two PDUs on a port when a new neighbour makes the
/// agent answer before its timer (802.1AB-2009's `msgFastTx`).
pub const FAST_TX: Duration = Duration::from_secs(1);

/// What the switch says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Local {
    /// Chassis ID: the switch's MAC address.
    pub chassis: MacAddr,
    /// System name: the hostname.
    pub system_name: String,
    /// System description.
    pub system_description: String,
    /// Capabilities, and those enabled (802.1AB bits).
    pub capabilities: (u16, u16),
    /// Management address: the first SVI address.
    pub management: Option<Ipv4Addr>,
    /// Port descriptions by port name (the configured ones).
    pub descriptions: BTreeMap<String, String>,
}

/// The agent's settings: the configuration and what it advertises.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// `lldp ...` settings.
    pub cfg: LldpConfig,
    /// What is advertised.
    pub local: Local,
}

/// The counts `show lldp traffic` shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// PDUs sent.
    pub frames_out: u64,
    /// PDUs not sent (no buffer, channel full).
    pub frames_out_failed: u64,
    /// PDUs received and read.
    pub frames_in: u64,
    /// Frames to the LLDP group that were no valid PDU.
    pub errors: u64,
    /// PDUs not kept: LLDP off on the port, or too many neighbours.
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
    pub pdu: Lldpdu,
    /// When it is forgotten unless it speaks again.
    pub expires: Instant,
}

/// A neighbour's key: our port, its chassis, its port.
type Key = (String, Id, Id);

/// The agent.
#[derive(Debug, Default)]
pub struct Agent {
    settings: Settings,
    neighbors: BTreeMap<Key, Neighbor>,
    /// When each transmitting port sends next (absent: as soon as it may).
    next_tx: HashMap<String, Instant>,
    /// When each port last sent a PDU (bounds the answers to new
    /// neighbours to one per [`FAST_TX`]).
    last_tx: HashMap<String, Instant>,
    /// Ports that must send a shutdown PDU (TTL 0): LLDP was turned off
    /// on them.
    shutdown_due: BTreeSet<String>,
    /// When LLDP was turned off on a port: it starts again no sooner than
    /// `reinit` seconds after.
    disabled_at: HashMap<String, Instant>,
    /// The counts.
    pub counts: Counts,
}

impl Agent {
    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Takes new settings: ports where transmission stops send a shutdown
    /// PDU, ports where reception stops forget their neighbours, and a
    /// change in what is advertised is sent at once.
    pub fn configure(&mut self, new: Settings, now: Instant) {
        let old = std::mem::replace(&mut self.settings, new);
        let new = &self.settings;
        let mut ports: BTreeSet<String> = self.next_tx.keys().cloned().collect();
        ports.extend(old.cfg.no_transmit.iter().cloned());
        ports.extend(new.cfg.no_transmit.iter().cloned());
        for p in ports {
            if old.cfg.transmits(&p) && !new.cfg.transmits(&p) {
                self.next_tx.remove(&p);
                self.shutdown_due.insert(p.clone());
                self.disabled_at.insert(p, now);
            }
        }
        if old.cfg.run && !new.cfg.run {
            self.neighbors.clear();
        }
        let cfg = &new.cfg;
        self.neighbors.retain(|(port, _, _), _| cfg.receives(port));
        if old.local != new.local || old.cfg.holdtime != new.cfg.holdtime {
            self.next_tx.clear();
        }
    }

    /// Reads a frame received on `port` (to the LLDP group).
    pub fn receive(&mut self, port: &str, frame: &[u8], now: Instant) {
        if !self.settings.cfg.receives(port) {
            self.counts.discarded += 1;
            return;
        }
        let pdu = match frame {
            [d0, d1, d2, d3, d4, d5, _, _, _, _, _, _, t0, t1, pdu @ ..]
                if [*d0, *d1, *d2, *d3, *d4, *d5] == GROUP.0
                    && u16::from_be_bytes([*t0, *t1]) == ETHERTYPE =>
            {
                pdu
            }
            _ => {
                self.counts.errors += 1;
                return;
            }
        };
        let pdu = match Lldpdu::parse(pdu) {
            Ok(p) => p,
            Err(e) => {
                tracing::debug!(port, error = %e, "LLDP frame refused");
                self.counts.errors += 1;
                return;
            }
        };
        self.counts.frames_in += 1;
        self.counts.tlvs_unrecognized += u64::from(pdu.unrecognized);
        let (Some(chassis), Some(their_port)) = (pdu.chassis.clone(), pdu.port.clone()) else {
            self.counts.errors += 1;
            return;
        };
        let key = (port.to_string(), chassis, their_port);
        if pdu.ttl == 0 {
            self.neighbors.remove(&key);
            return;
        }
        if !self.neighbors.contains_key(&key) {
            let on_port = self.neighbors.keys().filter(|k| k.0 == port).count();
            if on_port >= MAX_PER_PORT || self.neighbors.len() >= MAX_NEIGHBORS {
                self.counts.discarded += 1;
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

    /// A new neighbour hears from us soon rather than a whole timer later
    /// (802.1AB-2009's fast start on `newNeighbor`): the port's next PDU
    /// is brought forward to now, or to [`FAST_TX`] after its last one.
    fn answer_new_neighbor(&mut self, port: &str, now: Instant) {
        if !self.settings.cfg.transmits(port) {
            return;
        }
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
        for p in ports.iter().filter(|p| p.up) {
            if self.shutdown_due.remove(&p.name) {
                out.push((p.id, self.frame(p, 0)));
            }
            if !self.settings.cfg.transmits(&p.name) {
                continue;
            }
            let reinit = Duration::from_secs(u64::from(self.settings.cfg.reinit));
            if self
                .disabled_at
                .get(&p.name)
                .is_some_and(|t| now < *t + reinit)
            {
                continue;
            }
            self.disabled_at.remove(&p.name);
            let due = self.next_tx.get(&p.name).is_none_or(|t| *t <= now);
            if due {
                out.push((p.id, self.frame(p, self.settings.cfg.holdtime)));
                let timer = Duration::from_secs(u64::from(self.settings.cfg.timer));
                self.next_tx.insert(p.name.clone(), now + timer);
                self.last_tx.insert(p.name.clone(), now);
            }
        }
        self.shutdown_due
            .retain(|name| ports.iter().any(|p| p.name == *name));
        out
    }

    /// The PDU port `p` sends, in its Ethernet frame: with `ttl` 0, a
    /// shutdown PDU (the mandatory TLVs only).
    pub fn frame(&self, p: &PortLink, ttl: u16) -> Vec<u8> {
        let l = &self.settings.local;
        let mut pdu = Lldpdu {
            chassis: Some(Id::mac(CHASSIS_MAC, l.chassis)),
            port: Some(Id::name(
                PORT_INTERFACE_NAME,
                &lisa_types::short_interface_name(&p.name),
            )),
            ttl,
            ..Lldpdu::default()
        };
        if ttl != 0 {
            let description = l
                .descriptions
                .get(&p.name)
                .filter(|d| !d.is_empty())
                .unwrap_or(&p.name);
            pdu.port_description = Some(description.clone());
            pdu.system_name = Some(l.system_name.clone());
            pdu.system_description = Some(l.system_description.clone());
            pdu.capabilities = Some(l.capabilities);
            pdu.management = l
                .management
                .iter()
                .map(|&ip| ManagementAddress { ip, if_index: 0 })
                .collect();
        }
        let mut f = Vec::with_capacity(MIN_FRAME.max(14 + 128));
        f.extend_from_slice(&GROUP.0);
        f.extend_from_slice(&p.mac.0);
        f.extend_from_slice(&ETHERTYPE.to_be_bytes());
        f.extend_from_slice(&pdu.emit());
        if f.len() < MIN_FRAME {
            f.resize(MIN_FRAME, 0);
        }
        f
    }

    /// The neighbours, by our port, then chassis and port.
    pub fn neighbors(&self) -> impl Iterator<Item = &Neighbor> {
        self.neighbors.values()
    }

    /// Forgets every neighbour (`clear lldp table`).
    pub fn clear_table(&mut self) {
        self.neighbors.clear();
    }
}

#[cfg(test)]
mod tests;
