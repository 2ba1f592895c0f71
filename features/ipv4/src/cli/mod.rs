//! The commands of feature `ipv4`, with their handlers and rendering:
//! `ip route`, `arp` in global mode, `ip address` in interface mode; the
//! EXEC commands in `show` and `ping` (`ping`, `traceroute`).

pub mod compat;
pub mod ping;
pub mod show;

use crate::model::{Ipv4Config, RouteDetails};
use lisa_engine::render::{order, rank, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use lisa_ports::{resolve_interface, PortsConfig};
use lisa_types::{mask_len, Ipv4Prefix, MacAddr, RouteNextHop};
use std::fmt::Write;
use std::net::Ipv4Addr;

type Tree = Vec<Node<ConfigHandler>>;

fn ip_route(negated: bool) -> Node<ConfigHandler> {
    let name = || {
        kw(
            "name",
            "Specify name of the next hop",
            vec![
                arg("route-name", ArgKind::Word, "Name of the next hop", vec![])
                    .runs(route as ConfigHandler),
            ],
        )
    };
    // What may follow the next hop: a distance, a name, both.
    let tail = || {
        vec![
            arg(
                "distance",
                ArgKind::Number(1, 255),
                "Distance metric for this route",
                vec![name()],
            )
            .runs(route as ConfigHandler),
            name(),
        ]
    };
    let gw = || {
        arg(
            "gateway",
            ArgKind::Ipv4,
            "Forwarding router's address",
            tail(),
        )
        .runs(route as ConfigHandler)
    };
    let mut after_interface = vec![gw()];
    after_interface.extend(tail());
    let exit = arg(
        "interface",
        ArgKind::Interface,
        "Exit interface (VlanN or Null0)",
        after_interface,
    )
    .runs(route as ConfigHandler);
    let mask = arg(
        "mask",
        ArgKind::Ipv4,
        "Destination prefix mask",
        vec![gw(), exit],
    );
    let mask = if negated {
        mask.runs(route as ConfigHandler)
    } else {
        mask
    };
    kw(
        "route",
        "Establish static routes",
        vec![arg("net", ArgKind::Ipv4, "Destination prefix", vec![mask])],
    )
}

/// Global-mode commands: `ip route`, `arp` and their `no`.
pub fn global_commands() -> Tree {
    vec![
        kw(
            "arp",
            "Set a static ARP entry",
            vec![arg(
                "ip",
                ArgKind::Ipv4,
                "IP address of ARP entry",
                vec![arg(
                    "mac",
                    ArgKind::Mac,
                    "48-bit hardware address of ARP entry",
                    vec![kw("arpa", "ARPA-type ARP entry", vec![]).runs(arp as ConfigHandler)],
                )
                .runs(arp as ConfigHandler)],
            )],
        ),
        kw(
            "ip",
            "Global IP configuration subcommands",
            vec![ip_route(false)],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                kw(
                    "arp",
                    "Delete a static ARP entry",
                    vec![arg("ip", ArgKind::Ipv4, "IP address of ARP entry", vec![])
                        .runs(arp as ConfigHandler)],
                ),
                kw(
                    "ip",
                    "Global IP configuration subcommands",
                    vec![ip_route(true)],
                ),
            ],
        ),
    ]
}

/// Interface-mode commands: `ip address A.B.C.D MASK` and `no ip address`.
pub fn interface_commands() -> Tree {
    vec![
        kw(
            "ip",
            "Interface Internet Protocol config commands",
            vec![kw(
                "address",
                "Set the IP address of an interface",
                vec![arg(
                    "addr",
                    ArgKind::Ipv4,
                    "IP address",
                    vec![arg("mask", ArgKind::Ipv4, "IP subnet mask", vec![])
                        .runs(address as ConfigHandler)],
                )],
            )],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw(
                "ip",
                "Interface Internet Protocol config commands",
                vec![kw("address", "Set the IP address of an interface", vec![])
                    .runs(address as ConfigHandler)],
            )],
        ),
    ]
}

fn route(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let net: Ipv4Addr = a.get("net")?;
    let mask: Ipv4Addr = a.get("mask")?;
    let len = mask_len(mask).ok_or_else(|| reject(format!("Bad mask {mask} for route {net}")))?;
    if (Ipv4Prefix { addr: net, len }).network() != net {
        return Err(reject(format!(
            "Inconsistent address and mask: {net} {mask}"
        )));
    }
    let gateway: Option<Ipv4Addr> = a.opt("gateway")?;
    let next_hop = RouteNextHop::typed(a.text("interface"), gateway, |t| {
        resolve_interface(ctx.cfg, t)
    })
    .map_err(reject)?;
    let ip = ctx.cfg.get_mut::<Ipv4Config>();
    if a.negated() {
        match ip.routes.get(&(net, len)) {
            Some(had) if next_hop.is_none_or(|w| w == *had) => {
                ip.remove_route(&(net, len));
                Ok(())
            }
            _ => Err(reject(format!("No matching route to delete: {net} {mask}"))),
        }
    } else {
        // One next hop per prefix: a new one replaces the old.
        let next_hop = next_hop.ok_or_else(|| reject("a route needs a next hop"))?;
        let details = RouteDetails {
            distance: a.opt("distance")?,
            name: a.text("route-name").map(str::to_string),
        };
        ip.set_route((net, len), next_hop, Some(details));
        Ok(())
    }
}

fn arp(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let ip: Ipv4Addr = a.get("ip")?;
    let arps = &mut ctx.cfg.get_mut::<Ipv4Config>().arps;
    if a.negated() {
        return match arps.remove(&ip) {
            Some(_) => Ok(()),
            None => Err(reject(format!("No static ARP entry for {ip}"))),
        };
    }
    let mac: MacAddr = a.get("mac")?;
    if !mac.is_unicast() {
        return Err(reject(format!(
            "{} is a multicast address; an ARP entry needs a unicast one",
            mac.to_cisco()
        )));
    }
    arps.insert(ip, mac);
    Ok(())
}

fn address(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let prefix = if a.negated() {
        None
    } else {
        let addr: Ipv4Addr = a.get("addr")?;
        let mask: Ipv4Addr = a.get("mask")?;
        let len = mask_len(mask)
            .filter(|l| (1..=31).contains(l))
            .ok_or_else(|| reject(format!("Bad mask {mask} for address {addr}")))?;
        Some(Ipv4Prefix { addr, len })
    };
    for name in ctx.targets() {
        let Some(Ok(vlan)) = lisa_types::svi_vlan(&name) else {
            if prefix.is_some() {
                return Err(reject(
                    "IP addresses may not be configured on L2 links (use interface VlanN)",
                ));
            }
            continue;
        };
        let addrs = &mut ctx.cfg.get_mut::<Ipv4Config>().addresses;
        match prefix {
            Some(p) => addrs.insert(vlan, p),
            None => addrs.remove(&vlan),
        };
    }
    Ok(())
}

/// `ip address` (or `no ip address`) in an SVI's block.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    let Some(Ok(v)) = lisa_types::svi_vlan(name) else {
        return;
    };
    if !cfg.get::<PortsConfig>().interfaces.contains_key(name) {
        return;
    }
    let line = match cfg.get::<Ipv4Config>().addresses.get(&v) {
        Some(a) => format!("ip address {} {}", a.addr, a.netmask()),
        None => "no ip address".into(),
    };
    out.push((rank::IP, line));
}

/// The `ip route` and `arp` lines.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let ip = cfg.get::<Ipv4Config>();
    let mut s = String::new();
    for r in ip.route_list() {
        let mask = Ipv4Prefix {
            addr: r.net,
            len: r.len,
        }
        .netmask();
        let details = match ip.route_details.is_empty() {
            true => String::new(),
            false => ip
                .route_details
                .get(&(r.net, r.len))
                .map(RouteDetails::suffix)
                .unwrap_or_default(),
        };
        let _ = writeln!(s, "ip route {} {mask} {}{details}", r.net, r.next_hop);
    }
    for (ip, mac) in &ip.arps {
        let _ = writeln!(s, "arp {ip} {} arpa", mac.to_cisco());
    }
    out.block(order::IP, s);
}

#[cfg(test)]
mod tests;
