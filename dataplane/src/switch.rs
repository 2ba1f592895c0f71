//! The running dataplane: owns the EAL, the packet pool, the ports and the
//! worker lcores, and tears them down in the right order.

use crate::counters::{DropReason, PortCounts, WorkerCounters};
use crate::eal::Eal;
use crate::error::DpdkError;
use crate::lcore;
use crate::mempool::{PktPool, JUMBO_DATA_ROOM};
use crate::port::{EthPort, PortKind, PortStats};
use crate::shared::Shared;
use crate::wire::MacAddr;
use crate::worker::{RxQueue, Worker};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// A port to create at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec {
    /// The IOS-style name (`Ethernet1`, `Vhost1`).
    pub name: String,
    /// What it is plugged into.
    pub kind: PortKind,
}

/// How to start the dataplane.
#[derive(Debug, Clone)]
pub struct DataplaneConfig {
    /// EAL arguments (lcores, memory, file prefix, ...).
    pub eal_args: Vec<String>,
    /// Ports to create.
    pub ports: Vec<PortSpec>,
    /// Maximum FDB entries.
    pub fdb_limit: usize,
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
}

/// A port of the running switch.
pub struct Port {
    /// IOS-style name.
    pub name: String,
    /// The DPDK port.
    pub eth: EthPort,
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
    /// Administratively up.
    pub admin_up: bool,
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
}

/// The running dataplane. Drop it (or call `stop`) to stop the workers,
/// close the ports and release DPDK's memory.
pub struct Dataplane {
    shared: Arc<Shared>,
    workers: Vec<u32>,
    // Dropped in this order: ports, then the pool they use, then the EAL.
    ports: Vec<Port>,
    pool: PktPool,
    _eal: Eal,
}

impl Dataplane {
    /// Initialises DPDK, creates the ports and starts one worker per worker lcore.
    pub fn start(cfg: &DataplaneConfig) -> Result<Dataplane, DataplaneError> {
        let eal = Eal::init(&cfg.eal_args)?;
        let lcores = eal.worker_lcores();
        if lcores.is_empty() {
            return Err(DataplaneError::NoWorkers);
        }
        let nworkers = lcores.len();
        let queues = nworkers as u16;
        // Enough buffers to fill every rx and tx ring, plus per-lcore caches.
        let mbufs = (cfg.ports.len() as u32 * u32::from(queues) * 2 * 1024 + 8192).max(16 * 1024);
        let pool = PktPool::new("lisa_pkts", mbufs - 1, JUMBO_DATA_ROOM)?;
        let shared = Arc::new(Shared::new(nworkers, cfg.fdb_limit, eal.tsc_hz()));
        let mut dp = Dataplane {
            shared,
            workers: Vec::new(),
            ports: Vec::new(),
            pool,
            _eal: eal,
        };
        for (seq, spec) in cfg.ports.iter().enumerate() {
            let eth =
                EthPort::create(&spec.kind, seq as u32, queues, &dp.pool).map_err(|source| {
                    DataplaneError::Port {
                        name: spec.name.clone(),
                        kind: spec.kind.to_string(),
                        source: Box::new(source),
                    }
                })?;
            tracing::info!(
                port = %spec.name, kind = %spec.kind, id = eth.port_id(), driver = %eth.driver(),
                rxq = eth.rx_queues(), txq = eth.tx_queues(), "port up"
            );
            let slot = &dp.shared.ports[eth.port_id() as usize];
            slot.tx_queues.store(eth.tx_queues(), Ordering::Relaxed);
            slot.admin_up.store(true, Ordering::Relaxed);
            slot.present.store(true, Ordering::Release);
            dp.ports.push(Port {
                name: spec.name.clone(),
                eth,
            });
        }
        dp.shared.bump_generation();
        let plan = dp.poll_plan(nworkers);
        for (id, (&lcore, polls)) in lcores.iter().zip(plan).enumerate() {
            let worker = Worker::new(id, polls, dp.shared.clone());
            lcore::launch(lcore, move || worker.run())?;
            dp.workers.push(lcore);
        }
        Ok(dp)
    }

    /// Spreads every (port, rx queue) over the workers: queue q of a port
    /// with several goes to worker q; single-queue ports go round-robin.
    fn poll_plan(&self, nworkers: usize) -> Vec<Vec<RxQueue>> {
        let mut plan = vec![Vec::new(); nworkers];
        let mut next = 0;
        for p in &self.ports {
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

    /// The shared state (FDB, counters, port table).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Number of worker lcores.
    pub fn worker_count(&self) -> usize {
        self.workers.len()
    }

    /// Every port, as the control plane shows it.
    pub fn ports(&self) -> Vec<PortInfo> {
        self.ports
            .iter()
            .map(|p| {
                let id = p.eth.port_id();
                PortInfo {
                    name: p.name.clone(),
                    kind: p.eth.kind().clone(),
                    port_id: id,
                    driver: p.eth.driver(),
                    link_up: p.eth.link_up(),
                    admin_up: self.shared.ports[id as usize]
                        .admin_up
                        .load(Ordering::Relaxed),
                    speed_mbps: p.eth.link_speed(),
                    mac: p.eth.mac(),
                    queues: (p.eth.rx_queues(), p.eth.tx_queues()),
                    counts: WorkerCounters::sum_port(&self.shared.counters, id),
                    driver_stats: p.eth.stats(),
                }
            })
            .collect()
    }

    /// The name of the port with DPDK id `port_id`.
    pub fn port_name(&self, port_id: u16) -> Option<&str> {
        self.ports
            .iter()
            .find(|p| p.eth.port_id() == port_id)
            .map(|p| p.name.as_str())
    }

    /// Frames dropped, per reason, summed over workers.
    pub fn drops(&self) -> Vec<(DropReason, u64)> {
        WorkerCounters::sum_drops(&self.shared.counters)
    }

    /// Free buffers in the packet pool.
    pub fn free_buffers(&self) -> u32 {
        self.pool.available()
    }

    /// Stops the workers, closes the ports and releases DPDK.
    pub fn stop(self) {
        drop(self)
    }
}

impl Drop for Dataplane {
    fn drop(&mut self) {
        self.shared.running.store(false, Ordering::SeqCst);
        for &lcore in &self.workers {
            lcore::wait(lcore);
        }
        tracing::info!("workers stopped; closing {} ports", self.ports.len());
        // Fields drop next: ports, pool, EAL.
    }
}
