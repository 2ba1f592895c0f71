//! `lisa.v1.Ports`: the switch's ports.

use super::SwitchContext;
use lisa_proto::v1::{
    ports_server::Ports, ListPortsRequest, ListPortsResponse, Port, PortCounters,
};
use tonic::{Request, Response, Status};

/// The Ports service.
pub struct PortsService(pub SwitchContext);

#[tonic::async_trait]
impl Ports for PortsService {
    async fn list_ports(
        &self,
        _: Request<ListPortsRequest>,
    ) -> Result<Response<ListPortsResponse>, Status> {
        let ports = self
            .0
            .dp
            .ports()
            .into_iter()
            .map(|p| Port {
                name: p.name,
                kind: p.kind.to_string(),
                driver: p.driver,
                link_up: p.link_up,
                admin_up: p.l2.admin_up,
                speed_mbps: p.speed_mbps,
                mac: p.mac.to_string(),
                rx_queues: u32::from(p.queues.0),
                tx_queues: u32::from(p.queues.1),
                counters: Some(PortCounters {
                    rx_packets: p.counts.rx_packets,
                    rx_bytes: p.counts.rx_bytes,
                    tx_packets: p.counts.tx_packets,
                    tx_bytes: p.counts.tx_bytes,
                    rx_dropped: p.counts.rx_dropped,
                    tx_dropped: p.counts.tx_dropped,
                }),
                rx_missed: p.driver_stats.rx_missed,
                port_id: u32::from(p.port_id),
            })
            .collect();
        Ok(Response::new(ListPortsResponse { ports }))
    }
}
