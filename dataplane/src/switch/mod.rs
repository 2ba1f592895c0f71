//! The running dataplane: owns the EAL, the packet pools, the ports and the
//! worker lcores; adds and removes ports and changes their switching
//! settings while traffic flows (see `shared` for how workers pick changes
//! up); tears everything down in the right order.

use crate::counters::{PortCounts, WorkerCounters};
use crate::drops::DropReason;
use crate::eal::Eal;
use crate::error::DpdkError;
use crate::graph::Pipeline;
use crate::lcore;
use crate::mempool::{PktPool, PoolUsage, DEFAULT_DATA_ROOM, JUMBO_DATA_ROOM};
use crate::pool_set::{PoolSet, PoolShare};
use crate::port::{EthPort, PortKind, PortStats, MAX_PORTS, RING_SIZE};
use crate::shared::{ForwardingTable, PortFwd, Shared};
use crate::vlan::{PortMode, VlanSet};
use crate::wire::MacAddr;
use crate::worker::{RxQueue, Worker};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

mod bundle;
mod link_local;
mod mcast;
mod port_hooks;

pub use bundle::BundleInfo;
pub use link_local::{PortLink, SendError};
pub use mcast::{port_bit, McastTable, PortMask};
pub use port_hooks::HookUse;

/// Default MTU of a port.
pub const DEFAULT_MTU: u16 = 1500;
/// Largest MTU a port takes (jumbo frames; one buffer holds 9216 bytes).
pub const MAX_MTU: u16 = 9198;
/// Buffers of each pool added for ports (and the first pool's room beyond
/// the boot ports).
const POOL_CHUNK: u32 = 16 * 1024;
/// Buffers of a pool kept out of ports' shares: frames in flight, held
/// for ARP, or cached per lcore.
const POOL_RESERVE: u32 = 4 * 1024;
/// The same for the 9 KB pools of af_packet ports.
const JUMBO_CHUNK: u32 = 8 * 1024;
/// As `POOL_RESERVE`, for the 9 KB pools.
const JUMBO_RESERVE: u32 = 2 * 1024;

/// Buffers a port with `queues` rx and tx queues can hold in its rings.
fn port_buffers(queues: u16) -> u32 {
    u32::from(queues) * 2 * u32::from(RING_SIZE)
}

/// How long a port removal waits for the workers to let go of it.
const GRACE_TIMEOUT: Duration = Duration::from_secs(5);

/// A port to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec {
    /// The IOS-style name (`Ethernet1`, `Vhost1`).
    pub name: String,
    /// What it is plugged into.
    pub kind: PortKind,
}

/// How a port switches: the part of its configuration the workers use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortL2 {
    /// Not shut down.
    pub admin_up: bool,
    /// Access or trunk.
    pub mode: PortMode,
    /// Largest L3 payload, bytes.
    pub mtu: u16,
    /// Held discarding by the spanning tree.
    pub discarding: bool,
    /// Err-disabled (down) by a feature, and why (`bpduguard`,
    /// `psecure-violation`, `storm-control`), until `set_port_admin`.
    pub err_disabled: Option<&'static str>,
}

impl Default for PortL2 {
    fn default() -> Self {
        PortL2 {
            admin_up: true,
            mode: PortMode::default(),
            mtu: DEFAULT_MTU,
            discarding: false,
            err_disabled: None,
        }
    }
}

/// How to start the dataplane.
#[derive(Debug, Clone)]
pub struct DataplaneConfig {
    /// EAL arguments (lcores, memory, file prefix, ...).
    pub eal_args: Vec<String>,
    /// Ports to create.
    pub ports: Vec<PortSpec>,
    /// The MAC address the SVIs answer at.
    pub router_mac: MacAddr,
}

/// Errors starting or changing the dataplane.
#[derive(Debug, thiserror::Error)]
pub enum DataplaneError {
    /// A DPDK call failed.
    #[error(transparent)]
    Dpdk(#[from] DpdkError),
    /// The EAL gave no worker lcore.
    #[error("no worker lcore: give the EAL at least two lcores (a main one and a worker)")]
    NoWorkers,
    /// A port could not be created.
    #[error("port {name} ({kind}): {source}")]
    Port {
        /// Port name.
        name: String,
        /// Its kind, as `KIND:ARG` text.
        kind: String,
        /// The DPDK error.
        source: Box<DpdkError>,
    },
    /// No port has that name.
    #[error("no port named {0}")]
    NoSuchPort(String),
    /// No hook has that name.
    #[error("no pipeline hook named {0}")]
    NoSuchHook(String),
    /// A port of that name exists already.
    #[error("a port named {0} exists already")]
    DuplicatePort(String),
    /// DPDK has no room for another port.
    #[error("no room for another port (at most {MAX_PORTS})")]
    TooManyPorts,
    /// No room for another port-channel.
    #[error(
        "no room for another port-channel (at most {})",
        crate::port::MAX_BUNDLES
    )]
    TooManyBundles,
    /// The port is a port-channel, which has no driver of its own.
    #[error("{0} is a port-channel: unplug or configure its members")]
    IsPortChannel(String),
    /// The MTU is out of range.
    #[error("MTU {0} is out of range (68-{MAX_MTU})")]
    BadMtu(u16),
    /// A `vhost-server` port's socket path is taken or is not a socket.
    #[error("port {name}: {source}")]
    SocketPath {
        /// Port name.
        name: String,
        /// What stands at the path.
        source: crate::socket_path::SocketPathError,
    },
}

/// A port of the running switch.
struct PortEntry {
    name: String,
    eth: EthPort,
    /// The buffers its rings take (given back when it goes).
    share: PoolShare,
    l2: PortL2,
    /// Features' hooks and detachment (see `port_hooks`).
    hooks: port_hooks::PortHooks,
}

/// What the control plane changes, under one lock.
struct State {
    ports: Vec<PortEntry>,
    /// The port-channels (see `bundle`).
    bundles: Vec<bundle::BundleEntry>,
    /// What their member choice hashes.
    lag_hash: crate::lag::LagHash,
    active_vlans: VlanSet,
    l3_vlans: VlanSet,
    next_seq: u32,
}

/// What the control plane reads about a port.
#[derive(Debug, Clone)]
pub struct PortInfo {
    /// IOS-style name.
    pub name: String,
    /// What it is plugged into.
    pub kind: PortKind,
    /// DPDK port id.
    pub port_id: u16,
    /// DPDK driver name.
    pub driver: String,
    /// Link state.
    pub link_up: bool,
    /// Switching settings.
    pub l2: PortL2,
    /// Link speed, Mbit/s (0 when unknown).
    pub speed_mbps: u32,
    /// MAC address.
    pub mac: MacAddr,
    /// rx/tx queues.
    pub queues: (u16, u16),
    /// The switch's counts.
    pub counts: PortCounts,
    /// The driver's counts.
    pub driver_stats: PortStats,
    /// Frames received on the port and dropped, by reason (those with any).
    pub drops: Vec<(&'static str, u64)>,
}

/// The running dataplane. Drop it (or call `stop`) to stop the workers,
/// close the ports and release DPDK's memory.
pub struct Dataplane {
    workers: Mutex<Vec<u32>>,
    control: Mutex<Vec<std::thread::JoinHandle<()>>>,
    router_mac: MacAddr,
    // Dropped in this order: ports, shared state (header pool), packet pools, EAL.
    state: Mutex<State>,
    shared: Arc<Shared>,
    /// 2 KB buffers: every port's rx queues, except af_packet's. Jumbo
    /// frames from vhost-user arrive as chains of them.
    pool: PoolSet,
    /// 9 KB buffers for af_packet ports, whose driver cannot chain a frame
    /// over several buffers; made when the first such port is added.
    jumbo_pool: PoolSet,
    eal: Eal,
}

impl Dataplane {
    /// Initialises DPDK and creates the ports; the workers will run
    /// `pipeline` (`Pipeline::builtin` plus the features' nodes and hooks);
    /// `start_workers` starts forwarding.
    pub fn start(cfg: &DataplaneConfig, pipeline: Pipeline) -> Result<Dataplane, DataplaneError> {
        let eal = Eal::init(&cfg.eal_args)?;
        let lcores = eal.worker_lcores();
        if lcores.is_empty() {
            return Err(DataplaneError::NoWorkers);
        }
        // Enough buffers to fill the boot ports' rx and tx rings, plus room
        // for a few more ports; ports plugged later add pools as needed.
        let mbufs = (POOL_CHUNK + cfg.ports.len() as u32 * port_buffers(lcores.len() as u16))
            .min(256 * 1024);
        let pool = PoolSet::new(
            "lisa_pkts",
            mbufs - 1,
            POOL_CHUNK - 1,
            POOL_RESERVE,
            DEFAULT_DATA_ROOM,
        )?;
        let hdr_pool = PktPool::new(
            "lisa_hdrs",
            8 * 1024 - 1,
            dpdk_sys::RTE_PKTMBUF_HEADROOM as u16 + 64,
        )?;
        let ctl_pool = PktPool::new("lisa_ctl", 2 * 1024 - 1, DEFAULT_DATA_ROOM)?;
        let copy_pool = PktPool::new("lisa_copy", 4 * 1024 - 1, DEFAULT_DATA_ROOM)?;
        let shared = Arc::new(Shared::new(
            lcores.len(),
            eal.tsc_hz(),
            (hdr_pool, ctl_pool, copy_pool),
            pipeline,
        ));
        let dp = Dataplane {
            workers: Mutex::new(Vec::new()),
            control: Mutex::new(Vec::new()),
            router_mac: cfg.router_mac,
            state: Mutex::new(State {
                ports: Vec::new(),
                bundles: Vec::new(),
                lag_hash: Default::default(),
                active_vlans: [crate::vlan::DEFAULT_VLAN].into_iter().collect(),
                l3_vlans: VlanSet::none(),
                next_seq: 0,
            }),
            shared,
            pool,
            jumbo_pool: PoolSet::lazy(
                "lisa_jumbo",
                JUMBO_CHUNK - 1,
                JUMBO_RESERVE,
                JUMBO_DATA_ROOM,
            ),
            eal,
        };
        for spec in &cfg.ports {
            dp.add_port(spec)?;
        }
        Ok(dp)
    }

    /// Starts one worker per worker lcore. Until then nothing is forwarded,
    /// so the startup configuration can be in place before the first frame.
    pub fn start_workers(&self) -> Result<(), DataplaneError> {
        let mut workers = self.workers.lock().unwrap_or_else(|e| e.into_inner());
        let lcores = self.eal.worker_lcores();
        for (id, &lcore) in lcores.iter().enumerate().skip(workers.len()) {
            let worker = Worker::new(id, self.shared.clone());
            lcore::launch(lcore, move || worker.run())?;
            workers.push(lcore);
        }
        Ok(())
    }

    /// Starts a feature's control thread called `name` (on the main core,
    /// as every control-plane thread). It must return once
    /// `shared().running` turns false; the dataplane joins it when it
    /// stops, before the packet pools are freed.
    pub fn spawn_control(
        &self,
        name: &str,
        run: impl FnOnce() + Send + 'static,
    ) -> Result<(), DataplaneError> {
        let t = std::thread::Builder::new()
            .name(name.into())
            .spawn(run)
            .map_err(|e| DpdkError::other("spawning a control thread", e.to_string()))?;
        self.control
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(t);
        Ok(())
    }

    /// The MAC address the SVIs answer at.
    pub fn router_mac(&self) -> MacAddr {
        self.router_mac
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds and publishes the forwarding table for `st`; returns its generation.
    fn publish(&self, st: &State) -> u64 {
        let nworkers = self.shared.seen.len();
        let mut t = ForwardingTable::empty(nworkers);
        t.active_vlans = st.active_vlans.clone();
        t.l3_vlans = st.l3_vlans.clone();
        t.router_mac = self.router_mac;
        for p in &st.ports {
            t.ports[p.eth.port_id() as usize] = PortFwd {
                present: true,
                up: p.l2.admin_up,
                mode: p.l2.mode.clone(),
                mtu: p.l2.mtu,
                tx_queues: p.eth.tx_queues(),
                vhost: p.eth.kind().is_vhost(),
                rx_hooks: p.hooks.rx,
                rx_group_hooks: p.hooks.rx_group,
                tx_hooks: p.hooks.tx,
                detached: p.hooks.detached(),
                discarding: p.l2.discarding,
                ingress_as: p.eth.port_id(),
                ..Default::default()
            }
            .derive(&t.active_vlans);
        }
        bundle::publish_bundles(st, &mut t, st.lag_hash);
        t.rebuild_members();
        t.tx_hooks_on = t.ports.iter().any(|p| p.tx_hooks != 0);
        t.polls = poll_plan(&st.ports, nworkers);
        self.shared.publish(t)
    }

    /// Creates a port (with default switching settings: up, access VLAN 1,
    /// MTU 1500) and starts forwarding on it.
    pub fn add_port(&self, spec: &PortSpec) -> Result<u16, DataplaneError> {
        let mut st = self.state();
        if st
            .ports
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&spec.name))
        {
            return Err(DataplaneError::DuplicatePort(spec.name.clone()));
        }
        if st.ports.len() >= MAX_PORTS {
            return Err(DataplaneError::TooManyPorts);
        }
        if let PortKind::VhostServer(path) = &spec.kind {
            // DPDK would delete whatever stands there if it cannot bind.
            crate::socket_path::claim(std::path::Path::new(path)).map_err(|source| {
                DataplaneError::SocketPath {
                    name: spec.name.clone(),
                    source,
                }
            })?;
        }
        let queues = self.shared.seen.len() as u16;
        let seq = st.next_seq;
        st.next_seq += 1;
        let pools = self.pools_for(&spec.kind);
        let port_error = |source| DataplaneError::Port {
            name: spec.name.clone(),
            kind: spec.kind.to_string(),
            source: Box::new(source),
        };
        let share = pools.take(port_buffers(queues)).map_err(port_error)?;
        let eth = match EthPort::create(&spec.kind, seq, queues, &share.pool) {
            Ok(eth) => eth,
            Err(e) => {
                pools.give_back(&share);
                return Err(port_error(e));
            }
        };
        let id = eth.port_id();
        tracing::info!(
            port = %spec.name, kind = %spec.kind, id, driver = %eth.driver(),
            rxq = eth.rx_queues(), txq = eth.tx_queues(), "port added"
        );
        // A recycled port id starts with clean counters.
        for w in self.shared.counters.iter() {
            w.clear_port(id);
        }
        st.ports.push(PortEntry {
            name: spec.name.clone(),
            eth,
            share,
            l2: PortL2::default(),
            hooks: Default::default(),
        });
        self.publish(&st);
        Ok(id)
    }

    /// Stops forwarding on a port, waits until no worker uses it, forgets
    /// the addresses learned on it and closes it.
    pub fn remove_port(&self, name: &str) -> Result<(), DataplaneError> {
        let mut st = self.state();
        let i = position(&st, name).map_err(|e| port_channel_error(&st, name, e))?;
        let entry = st.ports.remove(i);
        let id = entry.eth.port_id();
        for b in &mut st.bundles {
            b.members.retain(|m| *m != id);
            b.bundled.retain(|m| *m != id);
        }
        let gen = self.publish(&st);
        drop(st);
        if !self.shared.synchronize(gen, GRACE_TIMEOUT) {
            tracing::warn!(port = %entry.name, "workers did not confirm the port removal in time");
        }
        for l in self.shared.pipeline.listeners() {
            l.port_removed(id);
        }
        tracing::info!(port = %entry.name, id, "port removed");
        self.pools_for(entry.eth.kind()).give_back(&entry.share);
        drop(entry);
        Ok(())
    }

    /// Checks, changing nothing, that port `name` would take `mtu`.
    pub fn check_mtu(&self, name: &str, mtu: u16) -> Result<(), DataplaneError> {
        if !(68..=MAX_MTU).contains(&mtu) {
            return Err(DataplaneError::BadMtu(mtu));
        }
        let st = self.state();
        if let At::Port(i) = find(&st, name)? {
            st.ports[i].eth.check_mtu(mtu)?;
        }
        Ok(())
    }

    /// Sets port `name`'s MTU (largest L3 payload).
    pub fn set_port_mtu(&self, name: &str, mtu: u16) -> Result<(), DataplaneError> {
        if !(68..=MAX_MTU).contains(&mtu) {
            return Err(DataplaneError::BadMtu(mtu));
        }
        let mut st = self.state();
        let at = find(&st, name)?;
        let (l2, eth) = settings_of(&mut st, at);
        if l2.mtu != mtu {
            if let Some(eth) = eth {
                eth.set_mtu(mtu)?;
            }
            l2.mtu = mtu;
            self.publish(&st);
        }
        Ok(())
    }

    /// Brings port `name` up or down (`shutdown`); either ends an
    /// err-disabled state.
    pub fn set_port_admin(&self, name: &str, up: bool) -> Result<(), DataplaneError> {
        self.set_admin(name, up, None)
    }

    /// Takes port `name` down for `cause` (a feature's protection: BPDU
    /// guard, port security, storm control), as IOS's err-disabled state,
    /// until `set_port_admin` (`shutdown` / `no shutdown`, or the
    /// feature's recovery).
    pub fn err_disable(&self, name: &str, cause: &'static str) -> Result<(), DataplaneError> {
        self.set_admin(name, false, Some(cause))
    }

    fn set_admin(
        &self,
        name: &str,
        up: bool,
        err: Option<&'static str>,
    ) -> Result<(), DataplaneError> {
        let mut st = self.state();
        let at = find(&st, name)?;
        let (l2, eth) = settings_of(&mut st, at);
        l2.err_disabled = err;
        if l2.admin_up != up {
            if let Some(eth) = eth {
                eth.set_link(up);
            }
            l2.admin_up = up;
            self.publish(&st);
        }
        Ok(())
    }

    /// Sets port `name`'s VLAN membership (access or trunk). Addresses
    /// learned under the old membership are forgotten.
    pub fn set_port_mode(&self, name: &str, mode: PortMode) -> Result<(), DataplaneError> {
        let mut st = self.state();
        let at = find(&st, name)?;
        let id = id_of(&st, at);
        let (l2, _) = settings_of(&mut st, at);
        if l2.mode == mode {
            return Ok(());
        }
        l2.mode = mode;
        self.publish(&st);
        drop(st);
        self.flush_port(id);
        Ok(())
    }

    /// Sets which VLANs exist; frames of any other VLAN are dropped.
    pub fn set_active_vlans(&self, vlans: VlanSet) {
        let mut st = self.state();
        let removed: VlanSet = st
            .active_vlans
            .iter()
            .filter(|v| !vlans.contains(*v))
            .collect();
        st.active_vlans = vlans;
        self.publish(&st);
        if !removed.is_empty() {
            for l in self.shared.pipeline.listeners() {
                l.vlans_removed(&removed);
            }
        }
    }

    /// Sets the VLANs whose frames to the router MAC are routed (those
    /// with an SVI up).
    pub fn set_routed_vlans(&self, vlans: VlanSet) {
        let mut st = self.state();
        if st.l3_vlans != vlans {
            st.l3_vlans = vlans;
            self.publish(&st);
        }
    }

    /// The shared state (FDB, counters, forwarding table).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Number of worker lcores.
    pub fn worker_count(&self) -> usize {
        self.shared.seen.len()
    }

    /// Every port, as the control plane shows it.
    pub fn ports(&self) -> Vec<PortInfo> {
        let st = self.state();
        st.ports
            .iter()
            .map(|p| {
                let id = p.eth.port_id();
                PortInfo {
                    name: p.name.clone(),
                    kind: p.eth.kind().clone(),
                    port_id: id,
                    driver: p.eth.driver(),
                    link_up: p.eth.link_up(),
                    l2: p.l2.clone(),
                    speed_mbps: p.eth.link_speed(),
                    mac: p.eth.mac(),
                    queues: (p.eth.rx_queues(), p.eth.tx_queues()),
                    counts: WorkerCounters::sum_port(&self.shared.counters, id),
                    driver_stats: p.eth.stats(),
                    drops: WorkerCounters::sum_port_drops(&self.shared.counters, id)
                        .into_iter()
                        .map(|(r, n)| (r.name(), n))
                        .collect(),
                }
            })
            .chain(st.bundles.iter().map(|b| self.bundle_info(&st, b)))
            .collect()
    }

    /// The switch's counts of port `id` (summed over the workers), without
    /// asking the driver anything.
    pub fn port_counts(&self, id: u16) -> PortCounts {
        WorkerCounters::sum_port(&self.shared.counters, id)
    }

    /// (port id, name) of every switch port, port-channels included,
    /// without asking the drivers anything.
    pub fn port_names(&self) -> Vec<(u16, String)> {
        let st = self.state();
        st.ports
            .iter()
            .map(|p| (p.eth.port_id(), p.name.clone()))
            .chain(st.bundles.iter().map(|b| (b.id, b.name.clone())))
            .collect()
    }

    /// The port id of the port (or port-channel) called `name` (any case).
    pub fn port_id(&self, name: &str) -> Option<u16> {
        let st = self.state();
        find(&st, name).ok().map(|at| id_of(&st, at))
    }

    /// Per worker, power save's counts.
    pub fn idle_stats(&self) -> Vec<crate::idle::IdleStats> {
        self.shared
            .counters
            .iter()
            .map(|c| crate::idle::IdleStats {
                sleeps: c.idle_sleeps.load(Ordering::Relaxed),
                waits: c.interrupt_waits.load(Ordering::Relaxed),
                rx_interrupts: c.rx_interrupts.load(Ordering::Relaxed),
            })
            .collect()
    }

    /// Per worker, per graph node (named): calls, packets, cycles.
    pub fn node_stats(&self) -> Vec<Vec<(&'static str, crate::graph::NodeStats)>> {
        self.shared
            .nodes
            .iter()
            .map(|w| {
                self.shared
                    .node_names
                    .iter()
                    .zip(w.iter())
                    .map(|(n, c)| (*n, c.load()))
                    .collect()
            })
            .collect()
    }

    /// TSC ticks per second.
    pub fn tsc_hz(&self) -> u64 {
        self.shared.tsc_hz
    }

    /// Sets power save's bound on an idle worker's sleep (0: never sleep).
    pub fn set_idle_sleep_max(&self, us: u64) {
        self.shared
            .idle_sleep_max_us
            .store(us, std::sync::atomic::Ordering::Relaxed);
    }

    /// Power save's bound on an idle worker's sleep, µs.
    pub fn idle_sleep_max(&self) -> u64 {
        self.shared
            .idle_sleep_max_us
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Frames dropped, per reason, summed over workers.
    pub fn drops(&self) -> Vec<(&'static DropReason, u64)> {
        WorkerCounters::sum_drops(&self.shared.counters)
    }

    /// Every packet buffer pool: what it holds and how much is out.
    pub fn buffer_pools(&self) -> Vec<PoolUsage> {
        let mut pools = self.pool.usage();
        pools.extend(self.jumbo_pool.usage());
        let sh = &self.shared;
        pools.extend([&sh.hdr_pool, &sh.ctl_pool, &sh.copy_pool].map(|p| p.usage()));
        pools
    }

    /// The pools a port of `kind` receives into: 9 KB buffers for
    /// af_packet (its driver cannot chain a frame over buffers), 2 KB for
    /// the others.
    fn pools_for(&self, kind: &PortKind) -> &PoolSet {
        match kind {
            PortKind::AfPacket(_) => &self.jumbo_pool,
            _ => &self.pool,
        }
    }

    /// Stops the workers, closes the ports and releases DPDK.
    pub fn stop(self) {
        drop(self)
    }
}

/// A switch port of the state: a plugged port or a port-channel, by index.
#[derive(Debug, Clone, Copy)]
enum At {
    Port(usize),
    Bundle(usize),
}

/// The port or port-channel called `name` (any case).
fn find(st: &State, name: &str) -> Result<At, DataplaneError> {
    if let Ok(i) = position(st, name) {
        return Ok(At::Port(i));
    }
    st.bundles
        .iter()
        .position(|b| b.name.eq_ignore_ascii_case(name))
        .map(At::Bundle)
        .ok_or_else(|| DataplaneError::NoSuchPort(name.to_string()))
}

/// The port id of `at`.
fn id_of(st: &State, at: At) -> u16 {
    match at {
        At::Port(i) => st.ports[i].eth.port_id(),
        At::Bundle(b) => st.bundles[b].id,
    }
}

/// The switching settings of `at`, with its driver if it has one.
fn settings_of(st: &mut State, at: At) -> (&mut PortL2, Option<&mut EthPort>) {
    match at {
        At::Port(i) => {
            let p = &mut st.ports[i];
            (&mut p.l2, Some(&mut p.eth))
        }
        At::Bundle(b) => (&mut st.bundles[b].l2, None),
    }
}

/// `e`, or the reason a port-channel cannot be taken as a plugged port.
fn port_channel_error(st: &State, name: &str, e: DataplaneError) -> DataplaneError {
    match find(st, name) {
        Ok(At::Bundle(_)) => DataplaneError::IsPortChannel(name.to_string()),
        _ => e,
    }
}

fn position(st: &State, name: &str) -> Result<usize, DataplaneError> {
    st.ports
        .iter()
        .position(|p| p.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| DataplaneError::NoSuchPort(name.to_string()))
}

/// Spreads every (port, rx queue) over the workers: queue q of a port with
/// several goes to worker q; single-queue ports go round-robin.
fn poll_plan(ports: &[PortEntry], nworkers: usize) -> Vec<Vec<RxQueue>> {
    let mut plan = vec![Vec::new(); nworkers];
    let mut next = 0;
    // A null port receives nothing (DPDK's net_null would make up frames).
    for p in ports.iter().filter(|p| p.eth.kind() != &PortKind::Null) {
        let nrx = p.eth.rx_queues();
        for q in 0..nrx {
            let w = if nrx > 1 { q as usize % nworkers } else { next };
            plan[w].push(RxQueue {
                port: p.eth.port_id(),
                queue: q,
            });
        }
        if nrx == 1 {
            next = (next + 1) % nworkers;
        }
    }
    plan
}

impl Drop for Dataplane {
    fn drop(&mut self) {
        self.shared.running.store(false, Ordering::SeqCst);
        self.shared.wake_all();
        for &lcore in self
            .workers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            lcore::wait(lcore);
        }
        let threads = std::mem::take(&mut *self.control.lock().unwrap_or_else(|e| e.into_inner()));
        for t in threads {
            let _ = t.join();
        }
        // Frames still queued go back to their pools now.
        while self.shared.inject.pop().is_some() {}
        self.shared.pipeline.run_stop_hooks();
        tracing::info!(
            "workers stopped; closing {} ports",
            self.state().ports.len()
        );
        // Fields drop next: ports, shared state, pool, EAL.
    }
}
