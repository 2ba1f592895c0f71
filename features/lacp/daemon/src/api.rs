//! `lisa.v1.Lacp`: the port-channels and the LACP partners as they run.

use crate::agent::{NotBundled, PortStatus, RxState};
use crate::LacpState;
use controlplane::grpc::SwitchContext;
use dataplane::graph::NO_PORT;
use lisa_lacp::model::MAX_GROUP;
use lisa_proto::v1::{
    lacp_server, GetLacpStatusRequest, LacpPort, LacpStatus, ListPortChannelsRequest,
    ListPortChannelsResponse, PortChannel, PortChannelMember,
};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tonic::{Request, Response, Status};

/// The Lacp service.
pub struct LacpService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The task's state.
    pub state: Arc<Mutex<LacpState>>,
}

/// The group a request asks for (0: every one).
fn group_asked(group: u32) -> Result<u16, Status> {
    u16::try_from(group)
        .ok()
        .filter(|g| *g <= MAX_GROUP)
        .ok_or_else(|| {
            Status::invalid_argument(format!("no such channel group {group} (1-{MAX_GROUP})"))
        })
}

/// A member's state word in the API (see lacp.proto).
fn member_state(link_up: bool, bundled: bool, lacp: Option<&PortStatus>) -> &'static str {
    if !link_up {
        return "down";
    }
    if bundled {
        return "bundled";
    }
    match lacp.and_then(|s| s.why_not) {
        Some(NotBundled::Suspended | NotBundled::Looped) => "suspended",
        Some(NotBundled::NoPartner | NotBundled::Individual) => "individual",
        Some(NotBundled::Down) => "down",
        _ => "waiting",
    }
}

#[tonic::async_trait]
impl lacp_server::Lacp for LacpService {
    async fn list_port_channels(
        &self,
        req: Request<ListPortChannelsRequest>,
    ) -> Result<Response<ListPortChannelsResponse>, Status> {
        let only = group_asked(req.into_inner().group)?;
        let dp = &self.ctx.dp;
        let (links, bundles) = (dp.port_links(), dp.bundles());
        // Admin state of the port-channels, read once (not per channel).
        let admin: Vec<(String, bool)> = dp
            .ports()
            .into_iter()
            .map(|p| (p.name, p.l2.admin_up))
            .collect();
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let s = &st.settings;
        let mut port_channels = Vec::new();
        for (&group, name) in s.channels.iter().filter(|(g, _)| only == 0 || **g == only) {
            let b = bundles.iter().find(|b| b.name == *name);
            let mut lacp_any = false;
            let members =
                s.members_of(group)
                    .map(|(member, m)| {
                        lacp_any |= m.mode.is_lacp();
                        let link = links
                            .iter()
                            .find(|l| l.name == *member && l.member_of != NO_PORT);
                        let id = link.map(|l| l.id);
                        let bundled = b.zip(id).is_some_and(|(b, id)| b.bundled.contains(&id));
                        let status =
                            st.lacp.as_ref().zip(id).and_then(|(a, id)| {
                                a.ports().find(|(p, _)| *p == id).map(|(_, s)| s)
                            });
                        let link_up = link.is_some_and(|l| l.up);
                        PortChannelMember {
                            interface: member.clone(),
                            mode: m.mode.keyword().into(),
                            state: member_state(link_up, bundled, status).into(),
                            link_up,
                        }
                    })
                    .collect();
            let admin_up = admin.iter().any(|(n, up)| n == name && *up);
            port_channels.push(PortChannel {
                group: u32::from(group),
                interface: name.clone(),
                protocol: if lacp_any {
                    "lacp".into()
                } else {
                    String::new()
                },
                up: admin_up && b.is_some_and(|b| !b.bundled.is_empty()),
                members,
            });
        }
        let load_balance = self.ctx.running.read(|cfg| {
            cfg.get::<lisa_lacp::LacpConfig>()
                .load_balance
                .keyword()
                .to_string()
        });
        Ok(Response::new(ListPortChannelsResponse {
            port_channels,
            load_balance,
        }))
    }

    async fn get_lacp_status(
        &self,
        req: Request<GetLacpStatusRequest>,
    ) -> Result<Response<LacpStatus>, Status> {
        let only = group_asked(req.into_inner().group)?;
        let names = self.ctx.dp.port_names();
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let ports = st
            .lacp
            .iter()
            .flat_map(|a| a.ports())
            .filter(|(_, s)| only == 0 || s.settings.group == only)
            .map(|(id, s)| lacp_port(id, s, &names, now))
            .collect();
        Ok(Response::new(LacpStatus {
            system_priority: u32::from(st.settings.system_priority),
            system_mac: self.ctx.dp.router_mac().to_cisco(),
            ports,
        }))
    }
}

/// One LACP member as the API shows it.
fn lacp_port(id: u16, s: &PortStatus, names: &[(u16, String)], now: Instant) -> LacpPort {
    let interface = names
        .iter()
        .find(|(i, _)| *i == id)
        .map_or_else(String::new, |(_, n)| n.clone());
    let partner = s.partner.filter(|_| s.rx != RxState::Defaulted);
    LacpPort {
        interface,
        group: u32::from(s.settings.group),
        mode: if s.settings.active {
            "active"
        } else {
            "passive"
        }
        .into(),
        fast: s.settings.fast,
        actor_port_priority: u32::from(s.settings.port_priority),
        actor_port_number: u32::from(s.settings.port_number),
        actor_key: u32::from(s.settings.group),
        actor_state: u32::from(s.actor_state),
        partner_known: s.rx == RxState::Current,
        partner_system_priority: partner.map_or(0, |p| u32::from(p.system_priority)),
        partner_system: partner.map_or_else(String::new, |p| p.system.to_cisco()),
        partner_port_priority: partner.map_or(0, |p| u32::from(p.port_priority)),
        partner_port_number: partner.map_or(0, |p| u32::from(p.port)),
        partner_key: partner.map_or(0, |p| u32::from(p.key)),
        partner_state: partner.map_or(0, |p| u32::from(p.state)),
        partner_age_seconds: s
            .last_received
            .map_or(0, |t| now.duration_since(t).as_secs() as u32),
        pdus_sent: s.pdus_sent,
        pdus_received: s.pdus_received,
        pdus_bad: s.pdus_bad,
    }
}
