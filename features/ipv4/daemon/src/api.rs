//! `lisa.v1.Routing`: SVIs, static routes and the ARP table, typed. Every
//! change goes through the running configuration, as the IOS lines would.

use controlplane::grpc::config::status;
use controlplane::grpc::SwitchContext;
use lisa_engine::{Config, Fields, Registry, Removed};
use lisa_ipv4::{routed_svis, IpRoute, Ipv4Config};
use lisa_ipv4_datapath::control::{L3Control, NeighborState, RouteKind};
use lisa_ipv4_datapath::nexthop::NextHop;
use lisa_l2::{L2Config, SwitchportMode};
use lisa_ports::model::MAX_DESCRIPTION;
use lisa_ports::PortsConfig;
use lisa_proto::v1::{
    routing_server, ArpEntry, ArpState, ClearArpRequest, ClearArpResponse, DeleteSviRequest,
    DeleteSviResponse, GetRouteSummaryRequest, L3Counters, ListArpRequest, ListArpResponse,
    ListRoutesRequest, ListRoutesResponse, ListSvisRequest, ListSvisResponse, LookupAction,
    LookupRequest, LookupResponse, Route, RouteBatch, RouteChangeResponse, RouteEntry,
    RouteSourceSummary, RouteSummary, RouteType, RunningConfig, SetSviRequest, StaticArp,
    StaticArpResponse, Svi,
};
use lisa_types::Ipv4Prefix as IpPrefix;
use lisa_types::{valid_vlan, MacAddr};
use std::net::Ipv4Addr;
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
pub const ROUTE_BYTES: u64 = 85;

fn bad(msg: String) -> Status {
    Status::invalid_argument(msg)
}

fn check_vlan(id: u32) -> Result<u16, Status> {
    valid_vlan(id)
        .then_some(id as u16)
        .ok_or_else(|| bad(format!("vlan {id} is out of range (1-4094)")))
}

fn parse_ip(field: &str, s: &str) -> Result<Ipv4Addr, Status> {
    s.trim()
        .parse()
        .map_err(|_| bad(format!("{field} '{s}' is not an IPv4 address (A.B.C.D)")))
}

/// "A.B.C.D/LEN" as an address and length (host bits allowed).
fn parse_prefix(field: &str, s: &str) -> Result<IpPrefix, Status> {
    let (a, l) = s
        .split_once('/')
        .ok_or_else(|| bad(format!("{field} '{s}' is not a prefix (A.B.C.D/LEN)")))?;
    let addr = parse_ip(field, a)?;
    let len: u8 = l
        .parse()
        .ok()
        .filter(|l| *l <= 32)
        .ok_or_else(|| bad(format!("{field} '{s}': the length must be 0-32")))?;
    Ok(IpPrefix { addr, len })
}

/// A route's prefix, with host bits zero.
fn parse_net(s: &str) -> Result<IpPrefix, Status> {
    let p = parse_prefix("prefix", s)?;
    if p.network() != p.addr {
        return Err(bad(format!(
            "prefix '{s}': host bits are set (did you mean {}/{}?)",
            p.network(),
            p.len
        )));
    }
    Ok(p)
}

fn route_of(r: &Route) -> Result<IpRoute, Status> {
    let p = parse_net(&r.prefix)?;
    Ok(IpRoute {
        net: p.addr,
        len: p.len,
        gateway: parse_ip("gateway", &r.gateway)?,
    })
}

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
                gateway: r.gateway.to_string(),
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
        remove: Vec<IpRoute>,
        exact: bool,
    ) -> Result<RouteChangeResponse, Status> {
        let running = self.ctx.running.clone();
        let (added, removed) = controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                let mut removed = 0u64;
                let routes = &mut cfg.get_mut::<Ipv4Config>().routes;
                for r in &remove {
                    let key = (r.net, r.len);
                    match routes.get(&key) {
                        Some(gw) if !exact || r.gateway.is_unspecified() || *gw == r.gateway => {
                            routes.remove(&key);
                            removed += 1;
                        }
                        _ => return Err(format!("no static route {}/{} to remove", r.net, r.len)),
                    }
                }
                for r in &add {
                    // One next hop per prefix: a new one replaces the old.
                    routes.insert((r.net, r.len), r.gateway);
                }
                Ok((add.len() as u64, removed))
            })
        })
        .await?
        .map_err(|e| match e {
            controlplane::running::ConfigError::Invalid(m) if m.starts_with("no static route") => {
                Status::not_found(m)
            }
            other => status(other),
        })?;
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
        let vlan = check_vlan(req.vlan)?;
        let address = match req.address.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(a) => Some(Some(parse_prefix("address", a)?)),
        };
        if let Some(d) = &req.description {
            if d.len() > MAX_DESCRIPTION {
                return Err(bad(format!(
                    "description: at most {MAX_DESCRIPTION} characters"
                )));
            }
        }
        let running = self.ctx.running.clone();
        controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                let s = cfg
                    .get_mut::<PortsConfig>()
                    .interfaces
                    .entry(format!("Vlan{vlan}"))
                    .or_default();
                if let Some(sh) = req.shutdown {
                    s.shutdown = sh;
                }
                if let Some(d) = req.description {
                    s.description = d;
                }
                let addrs = &mut cfg.get_mut::<Ipv4Config>().addresses;
                match address {
                    Some(Some(a)) => {
                        addrs.insert(vlan, a);
                    }
                    Some(None) => {
                        addrs.remove(&vlan);
                    }
                    None => {}
                }
                Ok(())
            })?;
            Ok(running.read(|cfg| svi_of(cfg, vlan)))
        })
        .await?
        .map(Response::new)
        .map_err(status)
    }

    async fn delete_svi(
        &self,
        req: Request<DeleteSviRequest>,
    ) -> Result<Response<DeleteSviResponse>, Status> {
        let vlan = check_vlan(req.into_inner().vlan)?;
        let running = self.ctx.running.clone();
        controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                let name = format!("Vlan{vlan}");
                cfg.get_mut::<PortsConfig>()
                    .interfaces
                    .remove(&name)
                    .ok_or_else(|| format!("interface Vlan{vlan} does not exist"))?;
                running.registry().cascade(cfg, &Removed::Interface(name));
                Ok(())
            })
        })
        .await?
        .map(|_| Response::new(DeleteSviResponse {}))
        .map_err(|e| match e {
            controlplane::running::ConfigError::Invalid(m) if m.contains("does not exist") => {
                Status::not_found(m)
            }
            other => status(other),
        })
    }

    async fn list_routes(
        &self,
        req: Request<ListRoutesRequest>,
    ) -> Result<Response<ListRoutesResponse>, Status> {
        let req = req.into_inner();
        let within = if req.prefix.is_empty() {
            None
        } else {
            let p = parse_prefix("prefix", &req.prefix)?;
            Some((p.addr, p.len))
        };
        let after = match req.page_token.as_str() {
            "" => None,
            t => {
                let p = parse_prefix("page_token", t)?;
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
                let (kind, gateway, vlan, active) = match r.kind {
                    RouteKind::Connected { vlan } => {
                        (RouteType::Connected, String::new(), vlan, true)
                    }
                    RouteKind::Local { vlan } => (RouteType::Local, String::new(), vlan, true),
                    RouteKind::Static {
                        gateway,
                        active,
                        vlan,
                    } => (RouteType::Static, gateway.to_string(), vlan, active),
                };
                RouteEntry {
                    prefix: format!("{}/{}", r.net, r.len),
                    r#type: kind as i32,
                    gateway,
                    vlan: u32::from(vlan),
                    active,
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
        let r = route_of(&req.into_inner())?;
        self.change(vec![r], vec![], true).await.map(Response::new)
    }

    async fn remove_route(
        &self,
        req: Request<Route>,
    ) -> Result<Response<RouteChangeResponse>, Status> {
        let req = req.into_inner();
        let p = parse_net(&req.prefix)?;
        let gateway = if req.gateway.is_empty() {
            Ipv4Addr::UNSPECIFIED
        } else {
            parse_ip("gateway", &req.gateway)?
        };
        let r = IpRoute {
            net: p.addr,
            len: p.len,
            gateway,
        };
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
            for r in &batch.add {
                add.push(route_of(r).map_err(|e| bad(format!("route {n}: {}", e.message())))?);
                n += 1;
            }
            for r in &batch.remove {
                let p =
                    parse_net(&r.prefix).map_err(|e| bad(format!("route {n}: {}", e.message())))?;
                remove.push(IpRoute {
                    net: p.addr,
                    len: p.len,
                    gateway: Ipv4Addr::UNSPECIFIED,
                });
                n += 1;
            }
        }
        self.change(add, remove, false).await.map(Response::new)
    }

    async fn lookup(
        &self,
        req: Request<LookupRequest>,
    ) -> Result<Response<LookupResponse>, Status> {
        let ip = parse_ip("address", &req.into_inner().address)?;
        let (action, mac, vlan) = match self.l3.lookup(ip) {
            None | Some(NextHop::Free) => (LookupAction::NoRoute, String::new(), 0),
            Some(NextHop::Resolved { mac, vlan }) => (LookupAction::Forward, mac.to_string(), vlan),
            Some(NextHop::Resolve { vlan }) => (LookupAction::Resolve, String::new(), vlan),
            Some(NextHop::Unreachable) => (LookupAction::Unreachable, String::new(), 0),
            Some(NextHop::Local) => (LookupAction::Local, String::new(), 0),
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
        let ip = parse_ip("address", &req.address)?;
        let mac: MacAddr = req
            .mac
            .parse()
            .map_err(|_| bad(format!("mac '{}' is not a MAC address (H.H.H)", req.mac)))?;
        let running = self.ctx.running.clone();
        controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                lisa_ipv4::model::check_arp(ip, mac)?;
                cfg.get_mut::<Ipv4Config>().arps.insert(ip, mac);
                Ok(())
            })
        })
        .await?
        .map(|_| Response::new(StaticArpResponse {}))
        .map_err(status)
    }

    async fn remove_static_arp(
        &self,
        req: Request<StaticArp>,
    ) -> Result<Response<StaticArpResponse>, Status> {
        let ip = parse_ip("address", &req.into_inner().address)?;
        let running = self.ctx.running.clone();
        controlplane::grpc::blocking(move || {
            running.edit(|cfg| {
                cfg.get_mut::<Ipv4Config>()
                    .arps
                    .remove(&ip)
                    .map(|_| ())
                    .ok_or_else(|| format!("no static ARP entry for {ip}"))
            })
        })
        .await?
        .map(|_| Response::new(StaticArpResponse {}))
        .map_err(|e| match e {
            controlplane::running::ConfigError::Invalid(m) if m.starts_with("no static") => {
                Status::not_found(m)
            }
            other => status(other),
        })
    }

    async fn clear_arp(
        &self,
        _: Request<ClearArpRequest>,
    ) -> Result<Response<ClearArpResponse>, Status> {
        let l3 = self.l3.clone();
        controlplane::grpc::blocking(move || l3.clear_arp()).await?;
        Ok(Response::new(ClearArpResponse {}))
    }
}
