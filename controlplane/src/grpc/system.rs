//! `lisa.v1.System`: versions and switch-wide counters.

use super::SwitchContext;
use dataplane::eal::Eal;
use lisa_proto::v1::{
    system_server::System, ClearCountersRequest, ClearCountersResponse, DropCounter, DropCounters,
    Event, GetDropCountersRequest, GetVersionRequest, GetWorkerCountersRequest, PortCounters,
    Version, WatchRequest, WorkerCounters, WorkerCountersList, WorkerPortCounters,
};
use std::sync::atomic::Ordering;
use tonic::{Request, Response, Status};

/// The System service.
pub struct SystemService(pub SwitchContext);

/// This host's name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "lisa".into())
}

#[tonic::async_trait]
impl System for SystemService {
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
        }))
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
                    flow_cache_hits: r(&w.cache_hits),
                    flow_cache_misses: r(&w.cache_misses),
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

    async fn watch(&self, _: Request<WatchRequest>) -> Result<Response<Self::WatchStream>, Status> {
        use tokio_stream::StreamExt;
        let rx = self.0.running.events().subscribe();
        // A watcher that lags loses events; the sequence numbers show the gap.
        let stream =
            tokio_stream::wrappers::BroadcastStream::new(rx).filter_map(|e| e.ok().map(Ok));
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
