//! `lisa.v1.Routing`: SVIs, static routes and the ARP table, typed. Every
//! change goes through the running configuration, as the IOS lines would.
//! `Ping` is `crate::ping`'s.

use crate::edits::{self, RouteToRemove};
use controlplane::grpc::{edit, SwitchContext};
use lisa_engine::{Config, Fields, Registry};
use lisa_ipv4::{routed_svis, IpRoute, Ipv4Config};
use lisa_ipv4_datapath::control::{L3Control, NeighborState, RouteKind};
use lisa_ipv4_datapath::nexthop::NextHop;
use lisa_l2::{L2Config, SwitchportMode};
use lisa_ports::PortsConfig;
use lisa_proto::v1::{
    routing_server, ArpEntry, ArpState, ClearArpRequest, ClearArpResponse, DeleteSviRequest,
    DeleteSviResponse, GetRouteSummaryRequest, L3Counters, ListArpRequest, ListArpResponse,
    ListRoutesRequest, ListRoutesResponse, ListSvisRequest, ListSvisResponse, LookupAction,
    LookupRequest, LookupResponse, PingRequest, Route, RouteBatch, RouteChangeResponse, RouteEntry,
    RouteSourceSummary, RouteSummary, RouteType, RunningConfig, SetSviRequest, StaticArp,
    StaticArpResponse, Svi,
};
use std::sync::Arc;
use tonic::{Request, Response, Status, Streaming};

/// The Routing service.
pub struct RoutingService {
    /// The switch.
    pub ctx: SwitchContext,
    /// The L3 control (routes, ARP).
    pub l3: Arc<L3Control>,
}

/// What one route takes in lisad, measured (README.md, "Scale"): its line
/// in the running configuration, the routing state's entry and the
/// forwarding table's rule.
pub const ROUTE_BYTES: u64 = 130;

/// SVI `vlan` as the API shows it (it must exist).
fn svi_of(cfg: &Config, vlan: u16) -> Svi {
    let name = format!("Vlan{vlan}");
    let i = cfg.get::<PortsConfig>().interface(&name);
    Svi {
        vlan: u32::from(vlan),
        address: cfg
            .get::<Ipv4Config>()
            .addresses
            .get(&vlan)
            .map(|a| format!("{}/{}", a.addr, a.len))
            .unwrap_or_default(),
        shutdown: i.shutdown,
        description: i.description,
        up: routed_svis(cfg).contains_key(&vlan),
    }
}

/// SVIs, static routes and static ARP entries in the typed running
/// configuration.
pub fn typed_view(_: &Registry, cfg: &Config, wanted: &Fields, out: &mut RunningConfig) {
    let ip = cfg.get::<Ipv4Config>();
    if wanted.wants("svis") {
        out.svis = cfg
            .get::<PortsConfig>()
            .svis()
            .keys()
            .map(|v| svi_of(cfg, *v))
            .collect();
    }
    if wanted.wants("routes") {
        out.routes = ip
            .route_list()
            .map(|r| Route {
                prefix: format!("{}/{}", r.net, r.len),
                gateway: r
                    .next_hop
                    .gateway()
                    .map(|g| g.to_string())
                    .unwrap_or_default(),
                interface: r.next_hop.interface().unwrap_or_default(),
            })
            .collect();
    }
    if wanted.wants("arps") {
        out.arps = ip
            .arps
            .iter()
            .map(|(ip, mac)| StaticArp {
                address: ip.to_string(),
                mac: mac.to_string(),
            })
            .collect();
    }
}

/// Why removing port `name` would cut an SVI off (it is the only up port
/// of a routed VLAN), or None.
pub(crate) fn last_port_of_an_svi(ctx: &SwitchContext, name: &str) -> Option<String> {
    ctx.running
        .read(|cfg| last_port_in(cfg, &ctx.dp.port_names(), name))
}

fn last_port_in(cfg: &Config, present: &[(u16, String)], name: &str) -> Option<String> {
    let carries = |port: &str, vlan: u16| {
        let sp = cfg.get::<L2Config>().switchport(port);
        cfg.get::<PortsConfig>()
            .interfaces
            .get(port)
            .is_some_and(|i| {
                !i.shutdown
                    && match sp.mode {
                        SwitchportMode::Access => sp.access_vlan == vlan,
                        SwitchportMode::Trunk => sp.allowed.contains(vlan),
                    }
            })
    };
    let name = present
        .iter()
        .map(|(_, n)| n)
        .find(|n| n.eq_ignore_ascii_case(name))?;
    for (vlan, a) in routed_svis(cfg) {
        let members: Vec<&String> = present
            .iter()
            .map(|(_, n)| n)
            .filter(|n| carries(n, vlan))
            .collect();
        if members.as_slice() == [name] {
            return Some(format!(
                "{name} is the only port in VLAN {vlan}, which interface Vlan{vlan} ({}/{}) routes; \
                 add another port to VLAN {vlan} or remove the SVI first, or remove with force",
                a.addr, a.len
            ));
        }
    }
    None
}

impl RoutingService {
    fn static_total(&self) -> u64 {
        self.l3.static_route_count() as u64
    }

    /// Removes `remove` and adds `add` as one change of the running config.
    async fn change(
        &self,
        add: Vec<IpRoute>,
        remove: Vec<RouteToRemove>,
        exact: bool,
    ) -> Result<RouteChangeResponse, Status> {
        let (added, removed) = edit(self.ctx.running.clone(), move |cfg| {
            edits::change_routes(cfg, &add, &remove, exact)
        })
        .await?;
        Ok(RouteChangeResponse {
            added,
            removed,
            static_total: self.static_total(),
        })
    }
}

#[tonic::async_trait]
impl routing_server::Routing for RoutingService {
    async fn list_svis(
        &self,
        _: Request<ListSvisRequest>,
    ) -> Result<Response<ListSvisResponse>, Status> {
        let svis = self.ctx.running.read(|cfg| {
            cfg.get::<PortsConfig>()
                .svis()
                .keys()
                .map(|v| svi_of(cfg, *v))
                .collect()
        });
        Ok(Response::new(ListSvisResponse {
            svis,
            router_mac: self.l3.router_mac().to_string(),
        }))
    }

    async fn set_svi(&self, req: Request<SetSviRequest>) -> Result<Response<Svi>, Status> {
        let req = req.into_inner();
        let running = self.ctx.running.clone();
        let vlan = edit(running.clone(), move |cfg| edits::set_svi(cfg, &req)).await?;
        Ok(Response::new(running.read(|cfg| svi_of(cfg, vlan))))
    }

    async fn delete_svi(
        &self,
        req: Request<DeleteSviRequest>,
    ) -> Result<Response<DeleteSviResponse>, Status> {
        let req = req.into_inner();
        let running = self.ctx.running.clone();
        edit(running.clone(), move |cfg| {
            edits::delete_svi(running.registry(), cfg, &req)
        })
        .await?;
        Ok(Response::new(DeleteSviResponse {}))
    }

    async fn list_routes(
        &self,
        req: Request<ListRoutesRequest>,
    ) -> Result<Response<ListRoutesResponse>, Status> {
        let req = req.into_inner();
        let within = if req.prefix.is_empty() {
            None
        } else {
            let p = edits::parse_prefix("prefix", &req.prefix)?;
            Some((p.addr, p.len))
        };
        let after = match req.page_token.as_str() {
            "" => None,
            t => {
                let p = edits::parse_prefix("page_token", t)?;
                Some((p.addr, p.len))
            }
        };
        // `limit` is page_size's older name.
        let asked = if req.page_size == 0 {
            req.limit
        } else {
            req.page_size
        };
        let size = controlplane::grpc::page_size(asked);
        let l3 = self.l3.clone();
        let (page, more) =
            controlplane::grpc::blocking(move || l3.routes_page(within, after, size)).await?;
        let next_page_token = match page.last() {
            Some(last) if more => format!("{}/{}", last.net, last.len),
            _ => String::new(),
        };
        let routes = page
            .into_iter()
            .map(|r| {
                let (kind, next_hop, vlan, active) = match r.kind {
                    RouteKind::Connected { vlan } => (RouteType::Connected, None, vlan, true),
                    RouteKind::Local { vlan } => (RouteType::Local, None, vlan, true),
                    RouteKind::Static {
                        next_hop,
                        active,
                        vlan,
                    } => (RouteType::Static, Some(next_hop), vlan, active),
                };
                RouteEntry {
                    prefix: format!("{}/{}", r.net, r.len),
                    r#type: kind as i32,
                    gateway: next_hop
                        .and_then(|n| n.gateway())
                        .map(|g| g.to_string())
                        .unwrap_or_default(),
                    vlan: u32::from(vlan),
                    active,
                    interface: next_hop.and_then(|n| n.interface()).unwrap_or_default(),
                }
            })
            .collect();
        Ok(Response::new(ListRoutesResponse {
            routes,
            static_total: self.static_total(),
            next_page_token,
        }))
    }

    async fn get_route_summary(
        &self,
        _: Request<GetRouteSummaryRequest>,
    ) -> Result<Response<RouteSummary>, Status> {
        let l3 = self.l3.clone();
        let (counts, (lpm_bytes, used, total)) =
            controlplane::grpc::blocking(move || (l3.route_counts(), l3.lpm_usage())).await?;
        let sources = ["connected", "local", "static"]
            .into_iter()
            .zip(counts)
            .map(|(source, (networks, subnets))| RouteSourceSummary {
                source: source.into(),
                networks,
                subnets,
                memory_bytes: (networks + subnets) * ROUTE_BYTES,
            })
            .collect();
        Ok(Response::new(RouteSummary {
            sources,
            lpm_bytes: lpm_bytes as u64,
            lpm_groups_used: used as u64,
            lpm_groups_total: total as u64,
        }))
    }

    async fn add_route(
        &self,
        req: Request<Route>,
    ) -> Result<Response<RouteChangeResponse>, Status> {
        let r = edits::route_of(&req.into_inner())?;
        self.change(vec![r], vec![], true).await.map(Response::new)
    }

    async fn remove_route(
        &self,
        req: Request<Route>,
    ) -> Result<Response<RouteChangeResponse>, Status> {
        let r = edits::route_to_remove(&req.into_inner())?;
        self.change(vec![], vec![r], true).await.map(Response::new)
    }

    async fn program_routes(
        &self,
        req: Request<Streaming<RouteBatch>>,
    ) -> Result<Response<RouteChangeResponse>, Status> {
        let mut stream = req.into_inner();
        let (mut add, mut remove) = (Vec::new(), Vec::new());
        let mut n = 0usize;
        while let Some(batch) = stream.message().await? {
            edits::batch_routes(&batch, &mut n, &mut add, &mut remove)?;
        }
        self.change(add, remove, false).await.map(Response::new)
    }

    async fn lookup(
        &self,
        req: Request<LookupRequest>,
    ) -> Result<Response<LookupResponse>, Status> {
        let ip = edits::parse_ip("address", &req.into_inner().address)?;
        let (action, mac, vlan) = match self.l3.lookup(ip) {
            None | Some(NextHop::Free) => (LookupAction::NoRoute, String::new(), 0),
            Some(NextHop::Resolved { mac, vlan }) => (LookupAction::Forward, mac.to_string(), vlan),
            Some(NextHop::Resolve { vlan }) => (LookupAction::Resolve, String::new(), vlan),
            Some(NextHop::Unreachable) => (LookupAction::Unreachable, String::new(), 0),
            Some(NextHop::Local) => (LookupAction::Local, String::new(), 0),
            Some(NextHop::Discard) => (LookupAction::Discard, String::new(), 0),
        };
        Ok(Response::new(LookupResponse {
            action: action as i32,
            mac,
            vlan: u32::from(vlan),
        }))
    }

    async fn list_arp(
        &self,
        _: Request<ListArpRequest>,
    ) -> Result<Response<ListArpResponse>, Status> {
        let entries = self
            .l3
            .arp_table()
            .into_iter()
            .map(|e| ArpEntry {
                address: e.ip.to_string(),
                mac: e.mac.map(|m| m.to_string()).unwrap_or_default(),
                vlan: u32::from(e.vlan),
                age_seconds: e.age_secs,
                state: match e.state {
                    NeighborState::Reachable => ArpState::Dynamic,
                    NeighborState::Static => ArpState::Static,
                    NeighborState::Incomplete => ArpState::Incomplete,
                    NeighborState::Failed => ArpState::Failed,
                } as i32,
            })
            .collect();
        let c = &self.l3.counters;
        let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
        let (held_now, held_limit) = self.l3.held();
        let counters = L3Counters {
            arp_requests_sent: load(&c.arp_requests),
            arp_replies_sent: load(&c.arp_replies),
            icmp_sent: load(&c.icmp_sent),
            icmp_rate_limited: load(&c.icmp_limited),
            held_now: held_now as u64,
            held_limit: held_limit as u64,
            held_dropped: load(&c.held_dropped),
            held_over_limit: load(&c.held_cap),
            resolve_rate_limited: load(&c.resolve_limited),
            inject_full: load(&c.inject_full),
            ignored: load(&c.ignored),
        };
        Ok(Response::new(ListArpResponse {
            entries,
            counters: Some(counters),
        }))
    }

    async fn add_static_arp(
        &self,
        req: Request<StaticArp>,
    ) -> Result<Response<StaticArpResponse>, Status> {
        let req = req.into_inner();
        edit(self.ctx.running.clone(), move |cfg| {
            edits::add_static_arp(cfg, &req)
        })
        .await?;
        Ok(Response::new(StaticArpResponse {}))
    }

    async fn remove_static_arp(
        &self,
        req: Request<StaticArp>,
    ) -> Result<Response<StaticArpResponse>, Status> {
        let req = req.into_inner();
        edit(self.ctx.running.clone(), move |cfg| {
            edits::remove_static_arp(cfg, &req)
        })
        .await?;
        Ok(Response::new(StaticArpResponse {}))
    }

    async fn clear_arp(
        &self,
        _: Request<ClearArpRequest>,
    ) -> Result<Response<ClearArpResponse>, Status> {
        let l3 = self.l3.clone();
        controlplane::grpc::blocking(move || l3.clear_arp()).await?;
        Ok(Response::new(ClearArpResponse {}))
    }

    type PingStream = crate::ping::PingStream;

    async fn ping(&self, req: Request<PingRequest>) -> Result<Response<Self::PingStream>, Status> {
        crate::ping::start(&self.l3, &req.into_inner()).map(Response::new)
    }
}
