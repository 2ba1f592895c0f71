//! Port-channels: bundles of ports that switch as one port. A port-channel
//! is a switch port with a logical id after DPDK's (`MAX_PORTS + slot`):
//! it has VLANs, a state, hooks and FDB entries like any port, and no
//! queues. Its members are ports enrolled in it: no switch ports of their
//! own (out of the flood lists, no egress, nothing received goes further
//! than the link-local protocols) until they are *bundled* (LACP agreed,
//! or `mode on` with the link up): then what they receive comes in on the
//! port-channel (`PortFwd::ingress_as`, read once per burst), and what is
//! sent to the port-channel leaves by one of them (`tx`, `lag::pick`).

use super::port_hooks::PortHooks;
use super::{Dataplane, DataplaneError, PortL2, State};
use crate::counters::WorkerCounters;
use crate::graph::NO_PORT;
use crate::lag::LagHash;
use crate::port::{MAX_BUNDLES, MAX_PORTS};
use crate::shared::{ForwardingTable, PortFwd};

/// A port-channel of the running switch.
pub(super) struct BundleEntry {
    pub name: String,
    /// Its logical port id.
    pub id: u16,
    pub l2: PortL2,
    pub hooks: PortHooks,
    /// Ports enrolled, by DPDK id.
    pub members: Vec<u16>,
    /// The members bundled now (collecting and distributing).
    pub bundled: Vec<u16>,
}

/// What the control plane reads about a port-channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleInfo {
    /// Its name (`Port-channel1`).
    pub name: String,
    /// Its logical port id.
    pub id: u16,
    /// Its members, by DPDK id.
    pub members: Vec<u16>,
    /// The members bundled now.
    pub bundled: Vec<u16>,
}

impl BundleEntry {
    /// The members that carry its frames: bundled and not shut down.
    fn carriers(&self, t: &ForwardingTable) -> Box<[u16]> {
        self.bundled
            .iter()
            .copied()
            .filter(|&m| {
                t.ports
                    .get(usize::from(m))
                    .is_some_and(|f| f.present && f.up)
            })
            .collect()
    }

    /// Its ports in the counters: itself (drops) and its members (rx, tx).
    pub fn counted_ports(&self) -> Vec<u16> {
        std::iter::once(self.id)
            .chain(self.members.iter().copied())
            .collect()
    }
}

/// Writes the port-channels of `st` into `t` (whose ports are in):
/// their own entries, and their members'.
pub(super) fn publish_bundles(st: &State, t: &mut ForwardingTable, hash: LagHash) {
    for b in &st.bundles {
        let carriers = b.carriers(t);
        t.ports[usize::from(b.id)] = PortFwd {
            present: true,
            up: b.l2.admin_up && !carriers.is_empty(),
            mode: b.l2.mode.clone(),
            mtu: b.l2.mtu,
            tx_queues: 1,
            rx_hooks: b.hooks.rx,
            rx_group_hooks: b.hooks.rx_group,
            tx_hooks: b.hooks.tx,
            detached: b.hooks.detached(),
            discarding: b.l2.discarding,
            ingress_as: b.id,
            lag_members: carriers,
            lag_hash: hash,
            ..Default::default()
        }
        .derive(&t.active_vlans);
        for &m in &b.members {
            let Some(f) = t.ports.get_mut(usize::from(m)).filter(|f| f.present) else {
                continue;
            };
            let f = std::mem::take(f);
            let bundled = b.bundled.contains(&m);
            t.ports[usize::from(m)] = PortFwd {
                bundle: b.id,
                ingress_as: if bundled { b.id } else { m },
                ..f
            }
            .derive(&t.active_vlans);
        }
    }
}

impl Dataplane {
    /// Creates port-channel `name` (up, access VLAN 1, no members: down
    /// until one is bundled); returns its logical port id.
    pub fn add_bundle(&self, name: &str) -> Result<u16, DataplaneError> {
        let mut st = self.state();
        if super::find(&st, name).is_ok() {
            return Err(DataplaneError::DuplicatePort(name.to_string()));
        }
        let id = (0..MAX_BUNDLES)
            .map(|slot| (MAX_PORTS + slot) as u16)
            .find(|id| st.bundles.iter().all(|b| b.id != *id))
            .ok_or(DataplaneError::TooManyBundles)?;
        for w in self.shared.counters.iter() {
            w.clear_port(id);
        }
        st.bundles.push(BundleEntry {
            name: name.to_string(),
            id,
            l2: PortL2::default(),
            hooks: PortHooks::default(),
            members: Vec::new(),
            bundled: Vec::new(),
        });
        self.publish(&st);
        tracing::info!(port = %name, id, "port-channel added");
        Ok(id)
    }

    /// Removes port-channel `name`: its members go back to being ports of
    /// their own, and what was learned on it is forgotten.
    pub fn remove_bundle(&self, name: &str) -> Result<(), DataplaneError> {
        let mut st = self.state();
        let i = bundle_position(&st, name)?;
        let b = st.bundles.remove(i);
        let gen = self.publish(&st);
        drop(st);
        if !self.shared.synchronize(gen, super::GRACE_TIMEOUT) {
            tracing::warn!(port = %b.name, "workers did not confirm the port-channel removal in time");
        }
        for l in self.shared.pipeline.listeners() {
            l.port_removed(b.id);
            for &m in &b.members {
                l.port_changed(m);
            }
        }
        tracing::info!(port = %b.name, id = b.id, "port-channel removed");
        Ok(())
    }

    /// Enrols `members` (DPDK ids) in port-channel `name`, and releases
    /// its other members; a member taken from another port-channel leaves
    /// it. Members enter unbundled.
    pub fn set_bundle_members(&self, name: &str, members: &[u16]) -> Result<(), DataplaneError> {
        let mut st = self.state();
        let i = bundle_position(&st, name)?;
        for &m in members {
            if !st.ports.iter().any(|p| p.eth.port_id() == m) {
                return Err(DataplaneError::NoSuchPort(format!("with id {m}")));
            }
        }
        let mut changed = Vec::new();
        for (k, b) in st.bundles.iter_mut().enumerate() {
            let keep = |m: &u16| {
                if k == i {
                    members.contains(m)
                } else {
                    !members.contains(m)
                }
            };
            changed.extend(b.members.iter().copied().filter(|m| !keep(m)));
            b.members.retain(keep);
            b.bundled.retain(keep);
        }
        let b = &mut st.bundles[i];
        for &m in members {
            if !b.members.contains(&m) {
                b.members.push(m);
                changed.push(m);
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        self.publish(&st);
        drop(st);
        for m in changed {
            self.flush_port(m);
        }
        Ok(())
    }

    /// Bundles member `port` into its port-channel (collecting and
    /// distributing), or takes it out; true if that changed anything.
    pub fn set_member_bundled(&self, port: u16, bundled: bool) -> Result<bool, DataplaneError> {
        let mut st = self.state();
        let b = st
            .bundles
            .iter_mut()
            .find(|b| b.members.contains(&port))
            .ok_or_else(|| DataplaneError::NoSuchPort(format!("member with id {port}")))?;
        if b.bundled.contains(&port) == bundled {
            return Ok(false);
        }
        if bundled {
            b.bundled.push(port);
            b.bundled.sort_unstable();
        } else {
            b.bundled.retain(|m| *m != port);
        }
        self.publish(&st);
        Ok(true)
    }

    /// Sets what every port-channel's member choice hashes
    /// (`port-channel load-balance`).
    pub fn set_bundle_hash(&self, hash: LagHash) {
        let mut st = self.state();
        if st.lag_hash != hash {
            st.lag_hash = hash;
            self.publish(&st);
        }
    }

    /// Every port-channel, with its members.
    pub fn bundles(&self) -> Vec<BundleInfo> {
        self.state()
            .bundles
            .iter()
            .map(|b| BundleInfo {
                name: b.name.clone(),
                id: b.id,
                members: b.members.clone(),
                bundled: b.bundled.clone(),
            })
            .collect()
    }

    /// A port-channel as the control plane shows it: its members' counts
    /// and speeds summed.
    pub(super) fn bundle_info(&self, st: &State, b: &BundleEntry) -> super::PortInfo {
        let members = st
            .ports
            .iter()
            .filter(|p| b.bundled.contains(&p.eth.port_id()));
        let (mut speed, mut mac) = (0u32, self.router_mac);
        for (k, p) in members.enumerate() {
            speed = speed.saturating_add(p.eth.link_speed());
            if k == 0 {
                mac = p.eth.mac();
            }
        }
        super::PortInfo {
            name: b.name.clone(),
            kind: crate::PortKind::PortChannel,
            port_id: b.id,
            driver: "port-channel".into(),
            link_up: !b.bundled.is_empty(),
            l2: b.l2.clone(),
            speed_mbps: speed,
            mac,
            queues: (0, 0),
            counts: WorkerCounters::sum_ports(&self.shared.counters, &b.counted_ports()),
            driver_stats: Default::default(),
            drops: WorkerCounters::sum_port_drops(&self.shared.counters, b.id)
                .into_iter()
                .map(|(r, n)| (r.name(), n))
                .collect(),
        }
    }
}

fn bundle_position(st: &State, name: &str) -> Result<usize, DataplaneError> {
    st.bundles
        .iter()
        .position(|b| b.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| DataplaneError::NoSuchPort(name.to_string()))
}

/// The port-channel a member belongs to, if any.
pub(super) fn bundle_of(st: &State, port: u16) -> Option<u16> {
    st.bundles
        .iter()
        .find(|b| b.members.contains(&port))
        .map(|b| b.id)
}

// Logical ids never reach NO_PORT.
const _: () = assert!(MAX_PORTS + MAX_BUNDLES < NO_PORT as usize);
