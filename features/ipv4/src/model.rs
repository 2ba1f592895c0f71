//! SVI addresses, static routes and static ARP entries, with their rules.

use imbl::ordmap::DiffItem;
use imbl::OrdMap;
use lisa_engine::{Config, Removed};
use lisa_ports::PortsConfig;
use lisa_types::{Ipv4Prefix, MacAddr, RouteNextHop};
use lisa_vlan::VlanDb;
use std::collections::{BTreeMap, HashSet};
use std::net::Ipv4Addr;

/// A static route (`ip route NET MASK {GATEWAY | VlanN [GATEWAY] | Null0}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpRoute {
    /// The destination network (host bits zero).
    pub net: Ipv4Addr,
    /// Its prefix length.
    pub len: u8,
    /// The next hop.
    pub next_hop: RouteNextHop,
}

/// The section. Routes and ARP entries are persistent maps: a copy of
/// the section shares them, and comparing or diffing two copies costs
/// what differs, so a one-line change costs the same with 10 routes or
/// 1M.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ipv4Config {
    /// SVI addresses, by VLAN id (the SVI itself is an interface of `ports`).
    pub addresses: BTreeMap<u16, Ipv4Prefix>,
    /// Static routes: (network, length) -> next hop; one per prefix.
    pub routes: OrdMap<(Ipv4Addr, u8), RouteNextHop>,
    /// Static ARP entries.
    pub arps: OrdMap<Ipv4Addr, MacAddr>,
    /// What IOS also writes on a static route line, for the routes that
    /// have it: the administrative distance and the name. Only routes in
    /// `routes` have an entry (a route removed or replaced loses it).
    pub route_details: OrdMap<(Ipv4Addr, u8), RouteDetails>,
}

/// `ip route NET MASK GW [DISTANCE] [name NAME]`: what follows the next hop.
/// There is one static route per prefix and no other routing protocol, so
/// the distance decides nothing yet; it is kept and shown as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteDetails {
    /// 1-255; None is IOS's default (1).
    pub distance: Option<u8>,
    /// `name` (a word).
    pub name: Option<String>,
}

impl RouteDetails {
    /// What the route line carries after the gateway: " 200 name backup".
    pub fn suffix(&self) -> String {
        let mut s = String::new();
        if let Some(d) = self.distance {
            s.push_str(&format!(" {d}"));
        }
        if let Some(n) = &self.name {
            s.push_str(&format!(" name {n}"));
        }
        s
    }
}

impl Ipv4Config {
    /// The static routes, in prefix order.
    pub fn route_list(&self) -> impl Iterator<Item = IpRoute> + '_ {
        self.routes.iter().map(|((net, len), nh)| IpRoute {
            net: *net,
            len: *len,
            next_hop: *nh,
        })
    }

    /// Removes the static route to `key` and its details.
    pub fn remove_route(&mut self, key: &(Ipv4Addr, u8)) {
        self.routes.remove(key);
        self.route_details.remove(key);
    }

    /// Adds or replaces the static route to `key`; `details` (None: plain).
    pub fn set_route(
        &mut self,
        key: (Ipv4Addr, u8),
        next_hop: RouteNextHop,
        details: Option<RouteDetails>,
    ) {
        self.routes.insert(key, next_hop);
        match details.filter(|d| *d != RouteDetails::default()) {
            Some(d) => self.route_details.insert(key, d),
            None => self.route_details.remove(&key),
        };
    }
}

/// The SVIs that route: an address, not shut down, and their VLAN exists.
pub fn routed_svis(cfg: &Config) -> BTreeMap<u16, Ipv4Prefix> {
    let ports = cfg.get::<PortsConfig>();
    let vlans = cfg.get::<VlanDb>();
    let svis = ports.svis();
    cfg.get::<Ipv4Config>()
        .addresses
        .iter()
        .filter(|(v, _)| vlans.exists(**v) && svis.get(v).is_some_and(|i| !i.shutdown))
        .map(|(v, a)| (*v, *a))
        .collect()
}

/// One rule for an SVI address: a host address of a /1-/31 subnet.
pub fn check_address(vlan: u16, a: &Ipv4Prefix) -> Result<(), String> {
    let host = u32::from(a.addr) & !a.mask_bits();
    if a.len == 0 || a.len > 31 || (a.len < 31 && (host == 0 || host == !a.mask_bits())) {
        return Err(format!(
            "interface Vlan{vlan}: Bad mask /{} for address {}",
            a.len, a.addr
        ));
    }
    if a.addr.is_multicast()
        || a.addr.is_loopback()
        || a.addr.is_unspecified()
        || a.addr.is_broadcast()
    {
        return Err(format!(
            "interface Vlan{vlan}: {} is not a host address",
            a.addr
        ));
    }
    Ok(())
}

/// One rule for a static route's prefix and next hop.
pub fn check_route(r: &IpRoute) -> Result<(), String> {
    let p = Ipv4Prefix {
        addr: r.net,
        len: r.len,
    };
    if r.len > 32 || p.network() != r.net {
        return Err(format!(
            "ip route {} {}: Inconsistent address and mask",
            r.net,
            p.netmask()
        ));
    }
    if let Some(g) = r.next_hop.gateway() {
        if g.is_unspecified() || g.is_multicast() || g.is_broadcast() {
            return Err(format!(
                "ip route {} {} {}: bad next hop",
                r.net,
                p.netmask(),
                r.next_hop
            ));
        }
    }
    Ok(())
}

/// One rule for a static ARP entry.
pub fn check_arp(ip: Ipv4Addr, mac: MacAddr) -> Result<(), String> {
    if !mac.is_unicast() {
        return Err(format!(
            "arp {ip} {}: not a unicast address",
            mac.to_cisco()
        ));
    }
    if ip.is_unspecified() || ip.is_multicast() || ip.is_broadcast() {
        return Err(format!("arp {ip}: not a host address"));
    }
    Ok(())
}

/// The rules on SVI addresses: on existing SVIs, valid and not
/// overlapping. n log n in the number of SVIs.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let ip = cfg.get::<Ipv4Config>();
    let svis = cfg.get::<PortsConfig>().svis();
    for (v, a) in &ip.addresses {
        if !svis.contains_key(v) {
            return Err(format!(
                "ip address {} on Vlan{v}: no such interface",
                a.addr
            ));
        }
        check_address(*v, a)?;
    }
    let mut nets: Vec<(u32, u32, u16)> = ip
        .addresses
        .iter()
        .map(|(v, a)| {
            (
                u32::from(a.network()),
                u32::from(a.network()) | !a.mask_bits(),
                *v,
            )
        })
        .collect();
    nets.sort_unstable();
    for w in nets.windows(2) {
        let ((_, end, first), (start, _, v)) = (w[0], w[1]);
        if start <= end {
            return Err(format!(
                "interface Vlan{v}: {} overlaps with Vlan{first}",
                Ipv4Addr::from(start)
            ));
        }
    }
    Ok(())
}

/// The rules on routes and ARP entries, for what changed from `before`
/// (valid): each route clean, with a gateway that is not the switch; each
/// ARP entry valid. Every route is checked again only when the switch's
/// own addresses changed; otherwise this costs the changed entries.
pub fn validate_change(before: &Config, after: &Config) -> Result<(), String> {
    let (old, ip) = (before.get::<Ipv4Config>(), after.get::<Ipv4Config>());
    let own =
        |c: &Ipv4Config| -> HashSet<Ipv4Addr> { c.addresses.values().map(|a| a.addr).collect() };
    let own_now = own(ip);
    let check = |(net, len): &(Ipv4Addr, u8), next_hop: &RouteNextHop| -> Result<(), String> {
        let r = IpRoute {
            net: *net,
            len: *len,
            next_hop: *next_hop,
        };
        check_route(&r)?;
        if r.next_hop.gateway().is_some_and(|g| own_now.contains(&g)) {
            let mask = Ipv4Prefix {
                addr: r.net,
                len: r.len,
            }
            .netmask();
            return Err(format!(
                "ip route {} {mask} {}: Invalid next hop address (it's this router)",
                r.net, r.next_hop
            ));
        }
        Ok(())
    };
    if own(old) == own_now {
        for d in old.routes.diff(&ip.routes) {
            match d {
                DiffItem::Add(k, v) | DiffItem::Update { new: (k, v), .. } => check(k, v)?,
                DiffItem::Remove(..) => {}
            }
        }
    } else {
        for (k, v) in &ip.routes {
            check(k, v)?;
        }
    }
    for d in old.arps.diff(&ip.arps) {
        match d {
            DiffItem::Add(a, m) | DiffItem::Update { new: (a, m), .. } => check_arp(*a, *m)?,
            DiffItem::Remove(..) => {}
        }
    }
    Ok(())
}

/// Drops the address of a removed or defaulted SVI.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    if let Removed::Interface(name) | Removed::InterfaceSettings(name) = what {
        if let Some(Ok(v)) = lisa_types::svi_vlan(name) {
            cfg.get_mut::<Ipv4Config>().addresses.remove(&v);
        }
    }
}
