//! State the workers read and the control plane writes.
//!
//! The forwarding table (ports, VLAN membership, poll lists) is an immutable
//! snapshot behind an `Arc`. The control plane builds a new one and
//! publishes it by bumping `generation`; each worker picks it up at the top
//! of its loop and reports the generation it has seen. Once every worker
//! has seen a generation, nothing polls or sends on what that generation
//! removed (the grace period), and the old snapshot is freed with the last
//! `Arc`. The FDB and the counters are lock-free and shared directly.

use crate::counters::WorkerCounters;
use crate::graph::{NodeCounters, Pipeline};
use crate::idle::Doorbell;
use crate::mempool::PktPool;
use crate::port::MAX_SWITCH_PORTS;
use crate::vlan::{PortMode, VlanSet};
use crate::wire::MacAddr;
use crate::worker::RxQueue;
use crossbeam_queue::ArrayQueue;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One port as the workers see it. The fields every frame reads come
/// first and `mode` last (`repr(C)`), so the scalars and the mode's kind
/// and access VLAN share the entry's first cache line; only a trunk's
/// allowed-VLAN bitmap lies beyond it.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct PortFwd {
    /// The rx hooks enabled on it, one bit per hook (see `graph::hooks`).
    pub rx_hooks: u32,
    /// The rx hooks enabled on it for frames to group addresses only
    /// (broadcast, multicast): they leave its unicast frames on the plain
    /// path.
    pub rx_group_hooks: u32,
    /// The tx hooks enabled on it.
    pub tx_hooks: u32,
    /// Largest L3 payload sent (the frame minus its L2 header).
    pub mtu: u16,
    /// Tx queues the port has.
    pub tx_queues: u16,
    /// A vhost-user port (`PortKind::is_vhost`: its bursts go through
    /// `vhost::burst`).
    pub vhost: bool,
    /// A port is plugged in this slot.
    pub present: bool,
    /// Forwarding: administratively up.
    pub up: bool,
    /// A feature has taken it out of switching (a SPAN destination): it is
    /// in no VLAN's flood list and what it receives goes no further than
    /// its rx hooks.
    pub detached: bool,
    /// The spanning tree holds it discarding: it neither forwards nor
    /// learns, and is in no flood list (its BPDUs still reach the control
    /// plane: link-local groups are taken before ingress).
    pub discarding: bool,
    /// Frames may leave by it: up, not detached and not discarding (one
    /// test for `l2-output`).
    pub egress_ok: bool,
    /// The VLAN whose untagged frames arriving here need nothing but their
    /// VLAN: the port is up, switches, has no rx hook, and the VLAN (access,
    /// or an allowed native) exists. 0 (no VLAN) otherwise.
    pub plain_in: u16,
    /// The VLAN whose frames leave here untagged with nothing to do but be
    /// queued: the port may send, has no tx hook, and carries the VLAN
    /// untagged (access, or an allowed native). 0 otherwise.
    pub plain_out: u16,
    /// The switch port what it receives comes in on: itself, or the
    /// port-channel it is bundled in (set at table build; the worker
    /// reads it once per burst).
    pub ingress_as: u16,
    /// The port-channel this port is a member of (`NO_PORT`: none). A
    /// member is no switch port of its own: out of every flood list, no
    /// egress of its own, and what it receives while not bundled goes no
    /// further than the link-local protocols (LACP).
    pub bundle: u16,
    /// Access or trunk.
    pub mode: PortMode,
    /// For a port-channel: its members collecting and distributing (the
    /// frames sent to it leave by one of them, chosen by `lag_hash`).
    pub lag_members: Box<[u16]>,
    /// For a port-channel: what the member choice hashes.
    pub lag_hash: crate::lag::LagHash,
}

impl Default for PortFwd {
    fn default() -> Self {
        PortFwd {
            rx_hooks: 0,
            rx_group_hooks: 0,
            tx_hooks: 0,
            mtu: 0,
            tx_queues: 0,
            vhost: false,
            present: false,
            up: false,
            detached: false,
            discarding: false,
            egress_ok: false,
            plain_in: 0,
            plain_out: 0,
            ingress_as: crate::graph::NO_PORT,
            bundle: crate::graph::NO_PORT,
            mode: PortMode::default(),
            lag_members: Box::default(),
            lag_hash: crate::lag::LagHash::default(),
        }
    }
}

impl PortFwd {
    /// Fills in what is derived from the other fields (`egress_ok`,
    /// `plain_in`, `plain_out`), given the VLANs that exist.
    pub fn derive(mut self, active: &VlanSet) -> PortFwd {
        self.egress_ok =
            self.up && !self.detached && !self.discarding && self.bundle == crate::graph::NO_PORT;
        let untagged = match &self.mode {
            PortMode::Access { vlan } => *vlan,
            PortMode::Trunk { native, allowed } if allowed.contains(*native) => *native,
            PortMode::Trunk { .. } => 0,
        };
        let plain_in = self.egress_ok && self.rx_hooks == 0 && active.contains(untagged);
        self.plain_in = if plain_in { untagged } else { 0 };
        let plain_out = self.egress_ok && self.tx_hooks == 0;
        self.plain_out = if plain_out { untagged } else { 0 };
        self
    }
}

/// A port in a VLAN's flood list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// DPDK port id.
    pub port: u16,
    /// Frames of this VLAN leave the port tagged.
    pub tagged: bool,
}

/// An immutable snapshot of what the workers need to forward.
#[derive(Debug, Clone)]
pub struct ForwardingTable {
    /// Ports by DPDK port id.
    pub ports: Vec<PortFwd>,
    /// VLANs that exist (frames of others are dropped).
    pub active_vlans: VlanSet,
    /// Per VLAN id, the up ports that carry it.
    pub members: Vec<Box<[Member]>>,
    /// Per worker, the (port, queue) pairs it polls.
    pub polls: Vec<Vec<RxQueue>>,
    /// The MAC address every SVI answers at.
    pub router_mac: MacAddr,
    /// VLANs with an SVI: frames to the router MAC in them are routed.
    pub l3_vlans: VlanSet,
    /// Some port has a tx hook: sending looks at each frame's port for
    /// them only then.
    pub tx_hooks_on: bool,
}

impl ForwardingTable {
    /// A table with no port, VLAN 1 active, for `workers` workers.
    pub fn empty(workers: usize) -> ForwardingTable {
        ForwardingTable {
            ports: vec![PortFwd::default(); MAX_SWITCH_PORTS],
            active_vlans: [crate::vlan::DEFAULT_VLAN].into_iter().collect(),
            members: vec![Box::default(); 4096],
            polls: vec![Vec::new(); workers],
            router_mac: MacAddr([0; 6]),
            l3_vlans: VlanSet::none(),
            tx_hooks_on: false,
        }
    }

    /// Recomputes the per-VLAN member lists from the ports and active VLANs.
    pub fn rebuild_members(&mut self) {
        for v in 0..4096u16 {
            let list: Vec<Member> = if self.active_vlans.contains(v) {
                self.ports
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.present && p.egress_ok && p.mode.carries(v))
                    .map(|(id, p)| Member {
                        port: id as u16,
                        tagged: p.mode.tags(v),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            self.members[v as usize] = list.into_boxed_slice();
        }
    }
}

/// Power save's default bound on an idle worker's sleep, µs.
pub const DEFAULT_IDLE_SLEEP_MAX_US: u64 = 100;

/// Room in the inject channel.
pub const INJECT_LEN: usize = 4096;

/// A frame a control thread sends, with its Ethernet header filled in:
/// either switched in a VLAN like any frame of it (untagged, `port` is
/// `NO_PORT`; to its destination, or out of one switch port of the VLAN,
/// or flooded but for one port), or sent as it is out of one port,
/// switching bypassed (a link-local protocol's frame: LLDP, LACP, STP).
pub struct Inject {
    /// The frame.
    pub m: crate::mbuf::Mbuf,
    /// Its VLAN (when switched).
    pub vlan: u16,
    /// The port it leaves by as it is, or `NO_PORT` to switch it in `vlan`.
    pub port: u16,
    /// Switched: the switch port it leaves by (tagged as that port carries
    /// `vlan`), or `NO_PORT` to look its destination up.
    pub out: u16,
    /// Switched and flooded: the port it does not leave by (`NO_PORT`:
    /// none).
    pub exclude: u16,
}

impl Inject {
    /// `m`, switched in `vlan`.
    pub fn switched(m: crate::mbuf::Mbuf, vlan: u16) -> Inject {
        Inject {
            m,
            vlan,
            port: crate::graph::NO_PORT,
            out: crate::graph::NO_PORT,
            exclude: crate::graph::NO_PORT,
        }
    }

    /// `m`, switched in `vlan` out of switch port `out` only (if it
    /// carries `vlan` and forwards).
    pub fn switched_to(m: crate::mbuf::Mbuf, vlan: u16, out: u16) -> Inject {
        Inject {
            out,
            ..Inject::switched(m, vlan)
        }
    }

    /// `m`, switched in `vlan`, and if it floods (a group address, an
    /// unknown destination), not out of `exclude` (where it came from).
    pub fn flooded_except(m: crate::mbuf::Mbuf, vlan: u16, exclude: u16) -> Inject {
        Inject {
            exclude,
            ..Inject::switched(m, vlan)
        }
    }

    /// `m`, sent as it is out of `port` (if it is plugged and up).
    pub fn to_port(m: crate::mbuf::Mbuf, port: u16) -> Inject {
        Inject {
            port,
            ..Inject::switched(m, 0)
        }
    }
}

/// Per-worker generation seen, one cache line each.
#[derive(Debug, Default)]
#[repr(align(64))]
pub struct Seen(pub AtomicU64);

/// The state shared by all workers and the control plane.
pub struct Shared {
    table: Mutex<Arc<ForwardingTable>>,
    /// Bumped when a new table is published.
    pub generation: AtomicU64,
    /// Per worker, the last generation it picked up.
    pub seen: Box<[Seen]>,
    /// One set of counters per worker.
    pub counters: Box<[WorkerCounters]>,
    /// Serialises a tx queue that several workers share, per port.
    pub tx_locks: Box<[AtomicBool]>,
    /// Small buffers for flooded frames' second L2 header and payload clones.
    pub hdr_pool: PktPool,
    /// Workers run while this is true.
    pub running: AtomicBool,
    /// The inject channel: frames the control threads send (ARP, ICMP),
    /// for the workers to switch.
    pub inject: ArrayQueue<Inject>,
    /// Buffers for what the control thread sends (ARP, ICMP).
    pub ctl_pool: PktPool,
    /// Buffers for copies of frames a feature sends elsewhere too
    /// (mirroring); when they run out, copies are dropped, never frames.
    pub copy_pool: PktPool,
    /// TSC ticks per second, for the workers' clock.
    pub tsc_hz: u64,
    /// Per worker, per graph node: calls, packets, cycles.
    pub nodes: Box<[Box<[NodeCounters]>]>,
    /// The graph's node names, in order.
    pub node_names: Vec<&'static str>,
    /// The nodes and hooks every worker builds its graph from.
    pub pipeline: Pipeline,
    /// Power save: the longest sleep of an idle worker, µs (0 = never sleep).
    pub idle_sleep_max_us: AtomicU64,
    /// Per worker, what wakes it from waiting for an rx interrupt.
    pub doorbells: Box<[Doorbell]>,
    /// The multicast group table `l2-flood` filters group frames by
    /// (IGMP snooping publishes it).
    pub mcast: Arc<crate::snapshot::Snapshot<crate::switch::McastTable>>,
}

impl Shared {
    /// Fresh state for `workers` workers running `pipeline`.
    pub fn new(
        workers: usize,
        tsc_hz: u64,
        pools: (PktPool, PktPool, PktPool),
        pipeline: Pipeline,
    ) -> Shared {
        let workers = workers.max(1);
        let (hdr_pool, ctl_pool, copy_pool) = pools;
        pipeline.register_drops();
        let drop_slots = crate::drops::registered().len();
        let node_names = pipeline.node_names();
        Shared {
            table: Mutex::new(Arc::new(ForwardingTable::empty(workers))),
            generation: AtomicU64::new(1),
            seen: (0..workers).map(|_| Seen::default()).collect(),
            counters: (0..workers)
                .map(|_| WorkerCounters::new(drop_slots))
                .collect(),
            tx_locks: (0..MAX_SWITCH_PORTS)
                .map(|_| AtomicBool::new(false))
                .collect(),
            hdr_pool,
            running: AtomicBool::new(true),
            inject: ArrayQueue::new(INJECT_LEN),
            ctl_pool,
            copy_pool,
            tsc_hz: tsc_hz.max(1),
            nodes: (0..workers)
                .map(|_| node_names.iter().map(|_| NodeCounters::default()).collect())
                .collect(),
            node_names,
            pipeline,
            idle_sleep_max_us: AtomicU64::new(DEFAULT_IDLE_SLEEP_MAX_US),
            doorbells: (0..workers).map(|_| Doorbell::default()).collect(),
            mcast: Arc::default(),
        }
    }

    /// The current forwarding table.
    pub fn table(&self) -> Arc<ForwardingTable> {
        self.table.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Publishes `table`; returns its generation.
    pub fn publish(&self, table: ForwardingTable) -> u64 {
        let mut cur = self.table.lock().unwrap_or_else(|e| e.into_inner());
        *cur = Arc::new(table);
        let gen = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        self.wake_all();
        gen
    }

    /// Wakes every worker that waits for an rx interrupt (to see a new
    /// table, or the stop).
    pub fn wake_all(&self) {
        for bell in self.doorbells.iter() {
            bell.ring();
        }
    }

    /// Queues `i` on the inject channel for worker 0, which takes it; gives
    /// it back if the channel is full.
    pub fn inject(&self, i: Inject) -> Result<(), Inject> {
        self.inject.push(i)?;
        if let Some(bell) = self.doorbells.first() {
            bell.ring();
        }
        Ok(())
    }

    /// Waits until every worker has picked up generation `gen` (or `timeout`
    /// passes); after that no worker uses anything older. True if they did.
    pub fn synchronize(&self, gen: u64, timeout: Duration) -> bool {
        let start = Instant::now();
        loop {
            if self.seen.iter().all(|s| s.0.load(Ordering::Acquire) >= gen) {
                return true;
            }
            if !self.running.load(Ordering::Relaxed) || start.elapsed() > timeout {
                return false;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
    }

    /// The switch clock in seconds (the FDB's time base).
    #[inline]
    pub fn now_secs(&self) -> u32 {
        (crate::eal::rdtsc() / self.tsc_hz) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_vlans_only_where_nothing_else_applies() {
        let active: VlanSet = "1,10".parse().unwrap();
        let base = PortFwd {
            present: true,
            up: true,
            mode: PortMode::Access { vlan: 10 },
            mtu: 1500,
            ..Default::default()
        };
        let d = |p: PortFwd| {
            let p = p.derive(&active);
            (p.egress_ok, p.plain_in, p.plain_out)
        };
        assert_eq!(d(base.clone()), (true, 10, 10));
        let rx_hook = PortFwd {
            rx_hooks: 1,
            ..base.clone()
        };
        assert_eq!(d(rx_hook), (true, 0, 10));
        let tx_hook = PortFwd {
            tx_hooks: 2,
            ..base.clone()
        };
        assert_eq!(d(tx_hook), (true, 10, 0));
        let detached = PortFwd {
            detached: true,
            ..base.clone()
        };
        assert_eq!(d(detached), (false, 0, 0));
        let down = PortFwd {
            up: false,
            ..base.clone()
        };
        assert_eq!(d(down), (false, 0, 0));
        let absent_vlan = PortFwd {
            mode: PortMode::Access { vlan: 20 },
            ..base.clone()
        };
        assert_eq!(
            d(absent_vlan),
            (true, 0, 20),
            "no VLAN 20: nothing arrives in it"
        );
        let trunk = |native| PortFwd {
            mode: PortMode::Trunk {
                native,
                allowed: "1,10".parse().unwrap(),
            },
            ..base.clone()
        };
        assert_eq!(d(trunk(1)), (true, 1, 1));
        assert_eq!(d(trunk(5)), (true, 0, 0), "native VLAN not allowed");
    }
}
