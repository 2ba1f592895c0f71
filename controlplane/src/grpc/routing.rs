//! `lisa.v1.Routing`: SVIs, static routes and the ARP table, typed. Every
//! change goes through the running configuration, as the IOS lines would.

use super::config::status;
use super::SwitchContext;
use dataplane::l3::control::{NeighborState, RouteKind};
use dataplane::l3::nexthop::NextHop;
use lisa_engine::{Config, Removed};
use lisa_ipv4::{routed_svis, IpRoute, Ipv4Config};
use lisa_ports::model::MAX_DESCRIPTION;
use lisa_ports::PortsConfig;
use lisa_proto::v1::{
    routing_server, ArpEntry, ClearArpRequest, ClearArpResponse, DeleteSviRequest,
    DeleteSviResponse, ListArpRequest, ListArpResponse, ListRoutesRequest, ListRoutesResponse,
    ListSvisRequest, ListSvisResponse, LookupRequest, LookupResponse, Route, RouteBatch,
    RouteChangeResponse, RouteEntry, SetSviRequest, StaticArp, StaticArpResponse, Svi,
};
use lisa_types::Ipv4Prefix as IpPrefix;
use lisa_types::{valid_vlan, MacAddr};
use std::net::Ipv4Addr;
use tonic::{Request, Response, Status, Streaming};

/// The Routing service.
pub struct RoutingService(pub SwitchContext);

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
pub(crate) fn svi_of(cfg: &Config, vlan: u16) -> Svi {
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

impl RoutingService {
    fn static_total(&self) -> u64 {
        self.0.dp.l3().static_route_count() as u64
    }

    /// Removes `remove` and adds `add` as one change of the running config.
    async fn change(
        &self,
        add: Vec<IpRoute>,
        remove: Vec<IpRoute>,
        exact: bool,
    ) -> Result<RouteChangeResponse, Status> {
        let running = self.0.running.clone();
        let (added, removed) = super::blocking(move || {
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
            crate::running::ConfigError::Invalid(m) if m.starts_with("no static route") => {
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
        let svis = self.0.running.read(|cfg| {
            cfg.get::<PortsConfig>()
                .svis()
                .keys()
                .map(|v| svi_of(cfg, *v))
                .collect()
        });
        Ok(Response::new(ListSvisResponse {
            svis,
            router_mac: self.0.dp.l3().router_mac().to_cisco(),
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
        let running = self.0.running.clone();
        super::blocking(move || {
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
        let running = self.0.running.clone();
        super::blocking(move || {
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
            crate::running::ConfigError::Invalid(m) if m.contains("does not exist") => {
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
            Some(parse_prefix("prefix", &req.prefix)?)
        };
        let l3 = self.0.dp.l3();
        let limit = if req.limit == 0 {
            usize::MAX
        } else {
            req.limit as usize
        };
        let routes = l3
            .routes()
            .into_iter()
            .filter(|r| within.is_none_or(|w| r.len >= w.len && w.contains(r.net)))
            .take(limit)
            .map(|r| {
                let (kind, gateway, vlan, active) = match r.kind {
                    RouteKind::Connected { vlan } => ("connected", String::new(), vlan, true),
                    RouteKind::Local { vlan } => ("local", String::new(), vlan, true),
                    RouteKind::Static {
                        gateway,
                        active,
                        vlan,
                    } => ("static", gateway.to_string(), vlan, active),
                };
                RouteEntry {
                    prefix: format!("{}/{}", r.net, r.len),
                    r#type: kind.into(),
                    gateway,
                    vlan: u32::from(vlan),
                    active,
                }
            })
            .collect();
        Ok(Response::new(ListRoutesResponse {
            routes,
            static_total: self.static_total(),
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
        let (action, mac, vlan) = match self.0.dp.l3().lookup(ip) {
            None | Some(NextHop::Free) => ("no-route", String::new(), 0),
            Some(NextHop::Resolved { mac, vlan }) => ("forward", mac.to_cisco(), vlan),
            Some(NextHop::Resolve { vlan }) => ("resolve", String::new(), vlan),
            Some(NextHop::Unreachable) => ("unreachable", String::new(), 0),
            Some(NextHop::Local) => ("local", String::new(), 0),
        };
        Ok(Response::new(LookupResponse {
            action: action.into(),
            mac,
            vlan: u32::from(vlan),
        }))
    }

    async fn list_arp(
        &self,
        _: Request<ListArpRequest>,
    ) -> Result<Response<ListArpResponse>, Status> {
        let entries = self
            .0
            .dp
            .l3()
            .arp_table()
            .into_iter()
            .map(|e| ArpEntry {
                address: e.ip.to_string(),
                mac: e.mac.map(|m| m.to_cisco()).unwrap_or_default(),
                vlan: u32::from(e.vlan),
                age_seconds: e.age_secs,
                state: match e.state {
                    NeighborState::Reachable => "dynamic",
                    NeighborState::Static => "static",
                    NeighborState::Incomplete => "incomplete",
                    NeighborState::Failed => "failed",
                }
                .into(),
            })
            .collect();
        Ok(Response::new(ListArpResponse { entries }))
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
        let running = self.0.running.clone();
        super::blocking(move || {
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
        let running = self.0.running.clone();
        super::blocking(move || {
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
            crate::running::ConfigError::Invalid(m) if m.starts_with("no static") => {
                Status::not_found(m)
            }
            other => status(other),
        })
    }

    async fn clear_arp(
        &self,
        _: Request<ClearArpRequest>,
    ) -> Result<Response<ClearArpResponse>, Status> {
        let dp = self.0.dp.clone();
        super::blocking(move || dp.l3().clear_arp()).await?;
        Ok(Response::new(ClearArpResponse {}))
    }
}
