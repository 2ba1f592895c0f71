//! What the link-local protocols' control loops (LLDP, LACP, STP) need of
//! the dataplane: every port with its MAC and whether it can send now, and
//! a way to send a frame out of one port as it is, switching bypassed.

use super::{Dataplane, DataplaneError};
use crate::graph::NO_PORT;
use crate::mbuf::Mbuf;
use crate::shared::Inject;
use crate::wire::MacAddr;

/// A port as a link-local protocol sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortLink {
    /// DPDK port id.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// Its MAC address (a protocol's frames come from it).
    pub mac: MacAddr,
    /// Administratively up with its link up: frames can leave by it.
    pub up: bool,
    /// The port-channel it is a member of (`NO_PORT`: none).
    pub member_of: u16,
}

/// Why a frame could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No buffer was left in the control pool.
    #[error("no buffer for the frame")]
    NoBuffer,
    /// The frame is larger than a buffer, or empty.
    #[error("the frame does not fit a buffer")]
    TooLarge,
    /// The inject channel to the workers is full.
    #[error("the inject channel is full")]
    QueueFull,
    /// No such port.
    #[error("no such port")]
    NoPort,
}

impl Dataplane {
    /// Every plugged port with its MAC and state (asks each driver for its
    /// link state: cheap, no wait).
    pub fn port_links(&self) -> Vec<PortLink> {
        let st = self.state();
        st.ports
            .iter()
            .map(|p| {
                let id = p.eth.port_id();
                PortLink {
                    id,
                    name: p.name.clone(),
                    mac: p.eth.mac(),
                    up: p.l2.admin_up && p.eth.link_up(),
                    member_of: super::bundle::bundle_of(&st, id).unwrap_or(NO_PORT),
                }
            })
            .collect()
    }

    /// Every switch port as the spanning tree sees them: the plugged
    /// ports that are no port-channel's members, and the port-channels
    /// (up while a member is bundled; their frames come from their first
    /// member's MAC).
    pub fn switch_port_links(&self) -> Vec<PortLink> {
        let links = self.port_links();
        let st = self.state();
        let bundles = st.bundles.iter().map(|b| {
            let first = links.iter().find(|l| b.bundled.contains(&l.id));
            PortLink {
                id: b.id,
                name: b.name.clone(),
                mac: first.map_or(self.router_mac, |l| l.mac),
                up: b.l2.admin_up
                    && b.bundled
                        .iter()
                        .any(|m| links.iter().any(|l| l.id == *m && l.up)),
                member_of: NO_PORT,
            }
        });
        let ports = links.iter().filter(|l| l.member_of == NO_PORT).cloned();
        ports.chain(bundles).collect()
    }

    /// Sends `frame` (a whole Ethernet frame) out of port `port` as it is:
    /// no VLAN, no switching, no hooks. Worker 0 sends it, if the port is
    /// still plugged and up when it does.
    pub fn send_to_port(&self, port: u16, frame: &[u8]) -> Result<(), SendError> {
        if port == NO_PORT {
            return Err(SendError::NoPort);
        }
        let m = self.ctl_frame(frame)?;
        self.shared
            .inject(Inject::to_port(m, port))
            .map_err(|_| SendError::QueueFull)
    }

    /// Sends `frame` (a whole untagged Ethernet frame) switched in `vlan`
    /// out of switch port `out` only, tagged as that port carries `vlan`
    /// (if it does, and forwards). A snooping protocol's relayed report
    /// or group-specific query.
    pub fn send_in_vlan_to(&self, vlan: u16, out: u16, frame: &[u8]) -> Result<(), SendError> {
        if out == NO_PORT {
            return Err(SendError::NoPort);
        }
        let m = self.ctl_frame(frame)?;
        self.shared
            .inject(Inject::switched_to(m, vlan, out))
            .map_err(|_| SendError::QueueFull)
    }

    /// Sends `frame` (a whole untagged Ethernet frame to a group address)
    /// flooded in `vlan`, but not out of `except` (`NO_PORT`: out of every
    /// port of the VLAN). A snooping protocol's flooded query.
    pub fn flood_in_vlan(&self, vlan: u16, except: u16, frame: &[u8]) -> Result<(), SendError> {
        let m = self.ctl_frame(frame)?;
        self.shared
            .inject(Inject::flooded_except(m, vlan, except))
            .map_err(|_| SendError::QueueFull)
    }

    /// `frame` in a buffer of the control pool.
    fn ctl_frame(&self, frame: &[u8]) -> Result<Mbuf, SendError> {
        if frame.is_empty() || frame.len() > usize::from(u16::MAX) {
            return Err(SendError::TooLarge);
        }
        let mut m = Mbuf::alloc(&self.shared.ctl_pool).ok_or(SendError::NoBuffer)?;
        if !m.append(frame) {
            return Err(SendError::TooLarge);
        }
        Ok(m)
    }

    /// Holds port `id` discarding (the spanning tree's blocking, listening
    /// and learning states) or lets it forward. A port that stops
    /// forwarding loses what was learned on it.
    pub fn set_port_discarding(&self, id: u16, discarding: bool) -> Result<(), DataplaneError> {
        let mut st = self.state();
        let st_ref = &mut *st;
        let l2 = st_ref
            .ports
            .iter_mut()
            .map(|p| (p.eth.port_id(), &mut p.l2))
            .chain(st_ref.bundles.iter_mut().map(|b| (b.id, &mut b.l2)))
            .find(|(pid, _)| *pid == id)
            .map(|(_, l2)| l2)
            .ok_or_else(|| DataplaneError::NoSuchPort(format!("with id {id}")))?;
        if l2.discarding == discarding {
            return Ok(());
        }
        l2.discarding = discarding;
        self.publish(&st);
        drop(st);
        if discarding {
            self.flush_port(id);
        }
        Ok(())
    }

    /// Forgets what was learned on port `id` (its VLANs changed, it stopped
    /// forwarding, a spanning-tree topology change).
    pub fn flush_port(&self, id: u16) {
        for l in self.shared.pipeline.listeners() {
            l.port_changed(id);
        }
    }
}
