//! `lisa.v1.Stp`: the spanning tree as it runs.

use crate::rstp::Role;
use crate::StpState;
use controlplane::grpc::SwitchContext;
use lisa_proto::v1::{stp_server, GetSpanningTreeRequest, SpanningTree, StpPort};
use lisa_stp::wire::BridgeId;
use std::sync::{Arc, Mutex};
use tonic::{Request, Response, Status};

/// The Stp service.
pub struct StpService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The tree's state.
    pub state: Arc<Mutex<StpState>>,
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Root => "root",
        Role::Designated => "designated",
        Role::Alternate => "alternate",
        Role::Backup => "backup",
        Role::Disabled => "disabled",
    }
}

fn bridge_text(b: BridgeId) -> String {
    format!("{} {}", b.priority(), b.mac().to_cisco())
}

#[tonic::async_trait]
impl stp_server::Stp for StpService {
    async fn get_spanning_tree(
        &self,
        req: Request<GetSpanningTreeRequest>,
    ) -> Result<Response<SpanningTree>, Status> {
        let r = req.into_inner();
        let vlan = u16::try_from(r.vlan)
            .ok()
            .filter(|v| *v == 0 || lisa_types::valid_vlan(u32::from(*v)))
            .ok_or_else(|| Status::invalid_argument(format!("no such VLAN {} (1-4094)", r.vlan)))?;
        let only = if r.interface.is_empty() {
            None
        } else {
            let name = self
                .ctx
                .running
                .read(|cfg| lisa_ports::resolve_interface(cfg, &r.interface))
                .map_err(Status::invalid_argument)?;
            Some(name)
        };
        let ports = self.ctx.dp.ports();
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (Some(settings), Some(rstp)) = (st.settings.as_ref(), st.rstp.as_ref()) else {
            return Ok(Response::new(SpanningTree::default()));
        };
        let name_of = |id: u16| {
            ports
                .iter()
                .find(|p| p.port_id == id)
                .map(|p| p.name.clone())
                .unwrap_or_default()
        };
        let (root, root_port, root_times) = rstp.root();
        let b = rstp.bridge();
        let mut out = SpanningTree {
            enabled: settings.enabled,
            protocol: "rstp".into(),
            root_priority: u32::from(root.root.priority()),
            root_mac: root.root.mac().to_cisco(),
            root_cost: root.cost,
            root_port: root_port.map(name_of).unwrap_or_default(),
            root_port_number: root_port.map_or(0, |k| u32::from(k) + 1),
            root_hello: u32::from(root_times.hello),
            root_max_age: u32::from(root_times.max_age),
            root_forward_delay: u32::from(root_times.forward_delay),
            bridge_priority: u32::from(b.priority),
            bridge_mac: b.mac.to_cisco(),
            hello: u32::from(b.times.hello),
            max_age: u32::from(b.times.max_age),
            forward_delay: u32::from(b.times.forward_delay),
            topology_changes: rstp.topology_changes.0,
            last_change_seconds: rstp
                .topology_changes
                .1
                .map_or(0, |t| t.elapsed().as_secs() as u32),
            extend_system_id: settings.extend_system_id,
            ports: Vec::new(),
        };
        for v in rstp.ports() {
            let Some(p) = ports.iter().find(|p| p.port_id == v.key) else {
                continue;
            };
            if vlan != 0 && !p.l2.mode.carries(vlan) {
                continue;
            }
            if only.as_ref().is_some_and(|o| *o != p.name) {
                continue;
            }
            if v.role == Role::Disabled && !st.err_disabled.contains_key(&v.key) {
                continue;
            }
            out.ports.push(StpPort {
                interface: p.name.clone(),
                role: role_name(v.role).into(),
                state: if v.forwarding {
                    "forwarding"
                } else if v.learning {
                    "learning"
                } else {
                    "discarding"
                }
                .into(),
                cost: v.settings.cost,
                priority: u32::from(v.settings.priority),
                number: u32::from(v.settings.number),
                edge: v.edge,
                p2p: v.settings.p2p,
                stp_peer: !v.rstp,
                err_disabled: st.err_disabled.contains_key(&v.key),
                designated_bridge: bridge_text(v.designated.bridge),
                designated_port: u32::from(v.designated.port),
            });
        }
        Ok(Response::new(out))
    }
}
