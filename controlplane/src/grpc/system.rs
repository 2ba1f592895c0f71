//! `lisa.v1.System`: versions and switch-wide counters.

use super::SwitchContext;
use dataplane::eal::Eal;
use lisa_proto::v1::{
    system_server::System, DropCounter, DropCounters, GetDropCountersRequest, GetVersionRequest,
    Version,
};
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
}
