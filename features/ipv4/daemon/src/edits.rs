//! What the `Routing` requests do to the configuration model: their
//! fields checked, then applied to a candidate (the API handlers commit
//! it; the `grpc_edits` fuzz target runs these on a model alone).

use controlplane::grpc::Refusal;
use lisa_engine::{Config, Registry, Removed};
use lisa_ipv4::{IpRoute, Ipv4Config};
use lisa_ports::PortsConfig;
use lisa_proto::v1::{DeleteSviRequest, Route, RouteBatch, SetSviRequest, StaticArp};
use lisa_types::Ipv4Prefix as IpPrefix;
use lisa_types::{valid_vlan, MacAddr, RouteNextHop};
use std::net::Ipv4Addr;

fn bad(msg: String) -> Refusal {
    Refusal::Invalid(msg)
}

/// A VLAN id field, checked.
pub fn check_vlan(id: u32) -> Result<u16, Refusal> {
    valid_vlan(id)
        .then_some(id as u16)
        .ok_or_else(|| bad(format!("vlan {id} is out of range (1-4094)")))
}

/// An IPv4 address field.
pub fn parse_ip(field: &str, s: &str) -> Result<Ipv4Addr, Refusal> {
    s.trim()
        .parse()
        .map_err(|_| bad(format!("{field} '{s}' is not an IPv4 address (A.B.C.D)")))
}

/// "A.B.C.D/LEN" as an address and length (host bits allowed).
pub fn parse_prefix(field: &str, s: &str) -> Result<IpPrefix, Refusal> {
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
pub fn parse_net(s: &str) -> Result<IpPrefix, Refusal> {
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

/// A route's next hop from its fields: a gateway, an exit interface
/// (`VlanN`, `Null0`, any case) or both; None when neither is given.
fn next_hop_of(r: &Route) -> Result<Option<RouteNextHop>, Refusal> {
    let gateway = match r.gateway.trim() {
        "" => None,
        g => Some(parse_ip("gateway", g)?),
    };
    RouteNextHop::typed(Some(&r.interface), gateway, |i| {
        lisa_types::resolve_interface(std::iter::empty(), i)
    })
    .map_err(|e| bad(format!("route {}: {e}", r.prefix)))
}

/// A route to add: prefix and next hop.
pub fn route_of(r: &Route) -> Result<IpRoute, Refusal> {
    let p = parse_net(&r.prefix)?;
    let next_hop = next_hop_of(r)?.ok_or_else(|| {
        bad(format!(
            "route {}: a gateway or an exit interface is needed",
            r.prefix
        ))
    })?;
    Ok(IpRoute {
        net: p.addr,
        len: p.len,
        next_hop,
    })
}

/// A static route to remove: its prefix, and the next hop it must have
/// (None: whatever it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteToRemove {
    /// Network.
    pub net: Ipv4Addr,
    /// Prefix length.
    pub len: u8,
    /// The next hop it must have, if given.
    pub next_hop: Option<RouteNextHop>,
}

/// A route to remove: the prefix, and the next hop if given.
pub fn route_to_remove(r: &Route) -> Result<RouteToRemove, Refusal> {
    let p = parse_net(&r.prefix)?;
    Ok(RouteToRemove {
        net: p.addr,
        len: p.len,
        next_hop: next_hop_of(r)?,
    })
}

/// A `ProgramRoutes` batch as routes to add and prefixes to remove;
/// `n` counts the routes before it, for the error.
pub fn batch_routes(
    batch: &RouteBatch,
    n: &mut usize,
    add: &mut Vec<IpRoute>,
    remove: &mut Vec<RouteToRemove>,
) -> Result<(), Refusal> {
    for r in &batch.add {
        add.push(route_of(r).map_err(|e| bad(format!("route {n}: {e}")))?);
        *n += 1;
    }
    for r in &batch.remove {
        let p = parse_net(&r.prefix).map_err(|e| bad(format!("route {n}: {e}")))?;
        remove.push(RouteToRemove {
            net: p.addr,
            len: p.len,
            next_hop: None,
        });
        *n += 1;
    }
    Ok(())
}

/// Removes `remove` and adds `add` (a new next hop replaces the old). With
/// `exact`, a route to remove that names a next hop must have it. Returns
/// (added, removed).
pub fn change_routes(
    cfg: &mut Config,
    add: &[IpRoute],
    remove: &[RouteToRemove],
    exact: bool,
) -> Result<(u64, u64), Refusal> {
    let mut removed = 0u64;
    let ip = cfg.get_mut::<Ipv4Config>();
    for r in remove {
        let key = (r.net, r.len);
        match ip.routes.get(&key) {
            Some(had) if !exact || r.next_hop.is_none_or(|w| w == *had) => {
                ip.remove_route(&key);
                removed += 1;
            }
            _ => {
                return Err(Refusal::NotFound(format!(
                    "no static route {}/{} to remove",
                    r.net, r.len
                )))
            }
        }
    }
    // The API has no distance or name: a route it sets is plain.
    for r in add {
        ip.set_route((r.net, r.len), r.next_hop, None);
    }
    Ok((add.len() as u64, removed))
}

/// `SetSvi`: the SVI (made if new) with the fields that are set. Returns
/// its VLAN.
pub fn set_svi(cfg: &mut Config, req: &SetSviRequest) -> Result<u16, Refusal> {
    let vlan = check_vlan(req.vlan)?;
    let address = match req.address.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(a) => Some(Some(parse_prefix("address", a)?)),
    };
    let description = req
        .description
        .as_deref()
        .map(lisa_ports::model::description)
        .transpose()?;
    let s = cfg
        .get_mut::<PortsConfig>()
        .interfaces
        .entry(format!("Vlan{vlan}"))
        .or_default();
    if let Some(sh) = req.shutdown {
        s.shutdown = sh;
    }
    if let Some(d) = description {
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
    Ok(vlan)
}

/// `DeleteSvi`: the SVI and its address.
pub fn delete_svi(reg: &Registry, cfg: &mut Config, req: &DeleteSviRequest) -> Result<(), Refusal> {
    let vlan = check_vlan(req.vlan)?;
    let name = format!("Vlan{vlan}");
    cfg.get_mut::<PortsConfig>()
        .interfaces
        .remove(&name)
        .ok_or_else(|| Refusal::NotFound(format!("interface Vlan{vlan} does not exist")))?;
    reg.cascade(cfg, &Removed::Interface(name));
    Ok(())
}

/// `AddStaticArp`.
pub fn add_static_arp(cfg: &mut Config, req: &StaticArp) -> Result<(), Refusal> {
    let ip = parse_ip("address", &req.address)?;
    let mac: MacAddr = req
        .mac
        .parse()
        .map_err(|_| bad(format!("mac '{}' is not a MAC address (H.H.H)", req.mac)))?;
    lisa_ipv4::model::check_arp(ip, mac)?;
    cfg.get_mut::<Ipv4Config>().arps.insert(ip, mac);
    Ok(())
}

/// `RemoveStaticArp`.
pub fn remove_static_arp(cfg: &mut Config, req: &StaticArp) -> Result<(), Refusal> {
    let ip = parse_ip("address", &req.address)?;
    cfg.get_mut::<Ipv4Config>()
        .arps
        .remove(&ip)
        .map(|_| ())
        .ok_or_else(|| Refusal::NotFound(format!("no static ARP entry for {ip}")))
}
