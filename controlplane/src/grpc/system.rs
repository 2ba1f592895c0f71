//! `lisa.v1.System`: versions and switch-wide counters.

use super::SwitchContext;
use crate::lines::Line;
use dataplane::eal::Eal;
use lisa_proto::v1::{
    system_server::System, ClearCountersRequest, ClearCountersResponse, DropCounter, DropCounters,
    Event, GetDropCountersRequest, GetVersionRequest, GetWorkerCountersRequest, PortCounters,
    Version, WatchRequest, WorkerCounters, WorkerCountersList, WorkerPortCounters,
};
use lisa_proto::v1::{BufferPool, BufferPools, GetBufferPoolsRequest};
use lisa_proto::v1::{CheckEnableRequest, CheckEnableResponse};
use lisa_proto::v1::{
    ClearDataplanePerformanceRequest, ClearDataplanePerformanceResponse, DataplanePerformance,
    GetDataplanePerformanceRequest, NodePerformance, SetIdleSleepRequest, SetIdleSleepResponse,
    WorkerPerformance,
};
use lisa_proto::v1::{GetLogRequest, LogMessage, LogMessages};
use lisa_proto::v1::{ListUsersRequest, ListUsersResponse, LoginActivity, LoginLine, UserLine};
use lisa_system::SystemConfig;
use std::sync::atomic::Ordering;
use tonic::Streaming;
use tonic::{Request, Response, Status};

/// The System service.
pub struct SystemService(pub SwitchContext);

/// This host's name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "lisa".into())
}

/// The host's identity for `show version`: its machine-id, first 11
/// characters, upper case (empty if it has none).
pub fn serial() -> String {
    std::fs::read_to_string("/etc/machine-id")
        .map(|s| s.trim().chars().take(11).collect::<String>().to_uppercase())
        .unwrap_or_default()
}

/// The host's memory in KB (MemTotal), 0 if unknown.
pub fn memory_kb() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Largest power-save sleep the API takes, µs.
const MAX_IDLE_SLEEP_US: u64 = 10_000;

#[tonic::async_trait]
impl System for SystemService {
    type LoginStream = tokio_stream::wrappers::ReceiverStream<Result<LoginLine, Status>>;

    async fn login(
        &self,
        req: Request<Streaming<LoginActivity>>,
    ) -> Result<Response<Self::LoginStream>, Status> {
        let mut inbound = req.into_inner();
        let first = inbound
            .message()
            .await?
            .ok_or_else(|| Status::invalid_argument("Login: the stream ended before it opened"))?;
        if first.user.is_empty() {
            return Err(Status::invalid_argument("Login: user may not be empty"));
        }
        let lines = self.0.lines.clone();
        let n = lines.open(first.user, first.host, first.tty);
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let _ = tx
            .send(Ok(LoginLine {
                line: n,
                name: Line::name(n),
            }))
            .await;
        tokio::spawn(async move {
            // Open while the client keeps the stream; each message is activity.
            while let Ok(Some(_)) = inbound.message().await {
                lines.touch(n);
            }
            lines.close(n);
            drop(tx);
        });
        Ok(Response::new(tokio_stream::wrappers::ReceiverStream::new(
            rx,
        )))
    }

    async fn get_log(&self, _: Request<GetLogRequest>) -> Result<Response<LogMessages>, Status> {
        let (lines, logged) = self.0.log.lines();
        Ok(Response::new(LogMessages {
            messages: lines
                .into_iter()
                .map(|l| LogMessage {
                    unix_millis: l.unix_millis,
                    severity: l.severity,
                    text: l.text,
                })
                .collect(),
            logged,
        }))
    }

    async fn list_users(
        &self,
        _: Request<ListUsersRequest>,
    ) -> Result<Response<ListUsersResponse>, Status> {
        let lines = self
            .0
            .lines
            .list()
            .into_iter()
            .map(|(n, l)| UserLine {
                line: n,
                name: Line::name(n),
                user: l.user,
                host: l.host,
                tty: l.tty,
                idle_seconds: l.active.elapsed().as_secs(),
                connected_seconds: l.since.elapsed().as_secs(),
            })
            .collect();
        Ok(Response::new(ListUsersResponse { lines }))
    }

    async fn get_dataplane_performance(
        &self,
        _: Request<GetDataplanePerformanceRequest>,
    ) -> Result<Response<DataplanePerformance>, Status> {
        let dp = &self.0.dp;
        let base = self
            .0
            .perf_base
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let idle = dp.idle_stats();
        let workers = dp
            .node_stats()
            .into_iter()
            .enumerate()
            .map(|(w, nodes)| {
                let now = idle.get(w).copied().unwrap_or_default();
                let then = base.idle.get(w).copied().unwrap_or_default();
                WorkerPerformance {
                    worker: w as u32,
                    idle_sleeps: now.sleeps.wrapping_sub(then.sleeps),
                    interrupt_waits: now.waits.wrapping_sub(then.waits),
                    rx_interrupts: now.rx_interrupts,
                    nodes: nodes
                        .into_iter()
                        .enumerate()
                        .map(|(i, (name, s))| {
                            let s = match base.stats.get(w).and_then(|b| b.get(i)) {
                                Some(b) => s.since(b),
                                None => s,
                            };
                            NodePerformance {
                                node: name.to_string(),
                                vectors: s.calls,
                                packets: s.packets,
                                cycles: s.cycles,
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(Response::new(DataplanePerformance {
            workers,
            tsc_hz: dp.tsc_hz(),
            seconds: base.since.elapsed().as_secs_f64(),
            idle_sleep_max_us: dp.idle_sleep_max(),
        }))
    }

    async fn clear_dataplane_performance(
        &self,
        _: Request<ClearDataplanePerformanceRequest>,
    ) -> Result<Response<ClearDataplanePerformanceResponse>, Status> {
        let stats = self
            .0
            .dp
            .node_stats()
            .into_iter()
            .map(|w| w.into_iter().map(|(_, s)| s).collect())
            .collect();
        *self.0.perf_base.lock().unwrap_or_else(|e| e.into_inner()) = super::PerfBase {
            stats,
            idle: self.0.dp.idle_stats(),
            since: std::time::Instant::now(),
        };
        Ok(Response::new(ClearDataplanePerformanceResponse {}))
    }

    async fn set_idle_sleep(
        &self,
        req: Request<SetIdleSleepRequest>,
    ) -> Result<Response<SetIdleSleepResponse>, Status> {
        let us = req.into_inner().max_us;
        if us > MAX_IDLE_SLEEP_US {
            return Err(Status::invalid_argument(format!(
                "max_us {us}: use 0 (off) to {MAX_IDLE_SLEEP_US}"
            )));
        }
        self.0.dp.set_idle_sleep_max(us);
        Ok(Response::new(SetIdleSleepResponse {}))
    }

    async fn get_version(
        &self,
        _: Request<GetVersionRequest>,
    ) -> Result<Response<Version>, Status> {
        Ok(Response::new(Version {
            lisad: self.0.version.clone(),
            dpdk: Eal::version(),
            workers: self.0.dp.worker_count() as u32,
            uptime_seconds: self.0.started.elapsed().as_secs(),
            hostname: hostname(),
            serial: serial(),
            memory_kb: memory_kb(),
        }))
    }

    async fn check_enable(
        &self,
        req: Request<CheckEnableRequest>,
    ) -> Result<Response<CheckEnableResponse>, Status> {
        let secret = req.into_inner().secret;
        let hash = self
            .0
            .running
            .read(|c| c.get::<SystemConfig>().enable_secret.clone());
        let answer = match hash {
            None => CheckEnableResponse {
                required: false,
                granted: true,
            },
            // The check is slow on purpose (scrypt): off the async threads.
            Some(h) => CheckEnableResponse {
                required: true,
                granted: !secret.is_empty()
                    && super::blocking(move || lisa_system::secret::verify(&secret, &h)).await?,
            },
        };
        Ok(Response::new(answer))
    }

    async fn get_buffer_pools(
        &self,
        _: Request<GetBufferPoolsRequest>,
    ) -> Result<Response<BufferPools>, Status> {
        let pools = self
            .0
            .dp
            .buffer_pools()
            .into_iter()
            .map(|p| BufferPool {
                name: p.name,
                size: p.size,
                in_use: p.in_use,
                data_room: u32::from(p.data_room),
            })
            .collect();
        Ok(Response::new(BufferPools { pools }))
    }

    async fn get_drop_counters(
        &self,
        _: Request<GetDropCountersRequest>,
    ) -> Result<Response<DropCounters>, Status> {
        let drops = self
            .0
            .dp
            .drops()
            .into_iter()
            .map(|(reason, packets)| DropCounter {
                reason: reason.name().to_string(),
                packets,
            })
            .collect();
        Ok(Response::new(DropCounters { drops }))
    }

    async fn get_worker_counters(
        &self,
        _: Request<GetWorkerCountersRequest>,
    ) -> Result<Response<WorkerCountersList>, Status> {
        let dp = &self.0.dp;
        let ports = dp.ports();
        let workers = dp
            .shared()
            .counters
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let r = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
                WorkerCounters {
                    worker: i as u32,
                    loops: r(&w.loops),
                    busy_polls: r(&w.busy_polls),
                    tx_lock_taken: r(&w.tx_lock_taken),
                    ports: ports
                        .iter()
                        .map(|p| (p, w.ports[p.port_id as usize].read()))
                        .filter(|(_, c)| {
                            c.rx_packets + c.tx_packets + c.rx_dropped + c.tx_dropped > 0
                        })
                        .map(|(p, c)| WorkerPortCounters {
                            port: p.name.clone(),
                            counters: Some(PortCounters {
                                rx_packets: c.rx_packets,
                                rx_bytes: c.rx_bytes,
                                tx_packets: c.tx_packets,
                                tx_bytes: c.tx_bytes,
                                rx_dropped: c.rx_dropped,
                                tx_dropped: c.tx_dropped,
                            }),
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(Response::new(WorkerCountersList { workers }))
    }

    type WatchStream =
        std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<Event, Status>> + Send>>;

    async fn watch(
        &self,
        req: Request<WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        use tokio_stream::StreamExt;
        let events = self.0.running.events();
        let slot = events.watcher_slot().ok_or_else(|| {
            Status::resource_exhausted(format!(
                "{} watchers already: close one first",
                crate::events::MAX_WATCHERS
            ))
        })?;
        let (replay, rx) = events.subscribe_after(req.into_inner().after_sequence);
        // A watcher that lags loses events; the sequence numbers show the
        // gap. The stream holds its slot until the client goes.
        let live = tokio_stream::wrappers::BroadcastStream::new(rx).filter_map(move |e| {
            let _held = &slot;
            e.ok().map(Ok)
        });
        let stream = tokio_stream::iter(replay.into_iter().map(Ok)).chain(live);
        Ok(Response::new(Box::pin(stream)))
    }

    async fn clear_counters(
        &self,
        _: Request<ClearCountersRequest>,
    ) -> Result<Response<ClearCountersResponse>, Status> {
        for w in self.0.dp.shared().counters.iter() {
            w.clear();
        }
        Ok(Response::new(ClearCountersResponse {}))
    }
}
