//! `lisa.v1.Ports`: the switch's ports, and plugging them in and out.

use controlplane::grpc::SwitchContext;
use controlplane::port_db::SavedPort;
use dataplane::port::PortKindError;
use dataplane::{DataplaneError, PortInfo, PortKind, PortSpec};
use lisa_proto::v1::{
    ports_server::Ports, AddPortRequest, EventType, ListPortsRequest, ListPortsResponse, Port,
    PortCounters, PortDrop, PortRates, PortType, RemovePortRequest, RemovePortResponse,
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
        let rates = &self.0.rates;
        let ports = self
            .0
            .dp
            .ports()
            .into_iter()
            .map(|p| {
                let r = rates.get(&p.name);
                let mut port = to_proto(p);
                port.rates = Some(PortRates {
                    input_bits_per_second: r.input_bps.round() as u64,
                    input_packets_per_second: r.input_pps.round() as u64,
                    output_bits_per_second: r.output_bps.round() as u64,
                    output_packets_per_second: r.output_pps.round() as u64,
                });
                port
            })
            .collect();
        Ok(Response::new(ListPortsResponse { ports }))
    }

    async fn add_port(&self, req: Request<AddPortRequest>) -> Result<Response<Port>, Status> {
        let req = req.into_inner();
        lisa_types::check_port_name(&req.name)
            .map_err(|e| Status::invalid_argument(format!("name {e}")))?;
        lisa_types::check_text(&req.description)
            .map_err(|e| Status::invalid_argument(format!("description {e}")))?;
        let kind: PortKind = req
            .kind
            .parse()
            .map_err(|e: PortKindError| Status::invalid_argument(e.to_string()))?;
        controlplane::vhost_dir::check_api_port(&kind, self.0.vhost_dir.as_deref())
            .map_err(Status::invalid_argument)?;
        let ctx = self.0.clone();
        controlplane::grpc::blocking(move || {
            let name = req.name;
            ctx.dp
                .add_port(&PortSpec { name: name.clone(), kind })
                .map_err(|e| match e {
                    DataplaneError::DuplicatePort(_) => Status::already_exists(e.to_string()),
                    DataplaneError::TooManyPorts => Status::resource_exhausted(e.to_string()),
                    other => Status::failed_precondition(other.to_string()),
                })?;
            if let Err(e) = ctx.running.port_added(&name, &req.description) {
                // Never leave a half-plugged port behind.
                let _ = ctx.dp.remove_port(&name);
                return Err(Status::failed_precondition(format!(
                    "port {name} could not take its configuration: {e}"
                )));
            }
            if !req.transient {
                let saved = SavedPort {
                    name: name.clone(),
                    kind: req.kind.clone(),
                    description: req.description.clone(),
                };
                if let Err(e) = ctx.port_db.add(saved) {
                    ctx.running.port_removed(&name);
                    let _ = ctx.dp.remove_port(&name);
                    return Err(Status::internal(format!(
                        "port {name} could not be kept for restarts, so it was not plugged: {e}"
                    )));
                }
            }
            let info = ctx
                .dp
                .ports()
                .into_iter()
                .find(|p| p.name == name)
                .ok_or_else(|| Status::internal("the port vanished while being added"))?;
            tracing::info!(port = %name, kind = %req.kind, owner = %req.description, "port plugged");
            ctx.running.events().emit(EventType::PortAdded, &name, format!("{} {}", req.kind, req.description));
            Ok(Response::new(to_proto(info)))
        })
        .await?
    }

    async fn remove_port(
        &self,
        req: Request<RemovePortRequest>,
    ) -> Result<Response<RemovePortResponse>, Status> {
        let req = req.into_inner();
        let name = req.name;
        let ctx = self.0.clone();
        if !req.force {
            if let Some(why) = ctx.running.features().veto_port_removal(&ctx, &name) {
                return Err(Status::failed_precondition(why));
            }
        }
        controlplane::grpc::blocking(move || {
            let forget = || {
                ctx.port_db
                    .remove(&name)
                    .map_err(|e| Status::internal(format!("port {name}: {e}")))
            };
            match ctx.dp.remove_port(&name) {
                Ok(()) => {}
                // A kept port that could not be plugged at start: forgotten.
                Err(DataplaneError::NoSuchPort(_)) if forget()? => {
                    tracing::info!(port = %name, "port forgotten (it was not plugged)");
                    return Ok(Response::new(RemovePortResponse {}));
                }
                Err(e @ DataplaneError::NoSuchPort(_)) => {
                    return Err(Status::not_found(e.to_string()))
                }
                Err(other) => return Err(Status::failed_precondition(other.to_string())),
            }
            forget()?;
            ctx.running.port_removed(&name);
            tracing::info!(port = %name, "port unplugged");
            ctx.running.events().emit(EventType::PortRemoved, &name, "");
            Ok(Response::new(RemovePortResponse {}))
        })
        .await?
    }
}

/// What a port is plugged into, as the API's enum.
fn port_type(k: &PortKind) -> PortType {
    match k {
        PortKind::Tap(_) => PortType::Tap,
        PortKind::AfPacket(_) => PortType::AfPacket,
        PortKind::VhostServer(_) => PortType::VhostServer,
        PortKind::VhostClient(_) => PortType::VhostClient,
        PortKind::Pci(_) => PortType::Pci,
        PortKind::Pcap { .. } => PortType::Pcap,
        PortKind::Null => PortType::Null,
        PortKind::PortChannel => PortType::PortChannel,
    }
}

/// A port as the API shows it.
fn to_proto(p: PortInfo) -> Port {
    Port {
        name: p.name,
        kind: p.kind.to_string(),
        r#type: port_type(&p.kind) as i32,
        driver: p.driver,
        link_up: p.link_up,
        admin_up: p.l2.admin_up,
        err_disabled: p.l2.err_disabled.unwrap_or_default().to_string(),
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
        rx_errors: p.driver_stats.rx_errors,
        rx_nombuf: p.driver_stats.rx_nombuf,
        tx_errors: p.driver_stats.tx_errors,
        driver_rx_packets: p.driver_stats.rx_packets,
        driver_tx_packets: p.driver_stats.tx_packets,
        port_id: u32::from(p.port_id),
        drops: p
            .drops
            .into_iter()
            .map(|(reason, packets)| PortDrop {
                reason: reason.to_string(),
                packets,
            })
            .collect(),
        rates: None,
    }
}
