//! The routing decision for one IPv4 packet, made by a worker: validate the
//! header, look the destination up, and (for a packet to forward) decrement
//! its TTL in place. Pure: the worker rewrites the L2 header and sends.

use super::lpm::LpmView;
use super::nexthop::{NextHop, NextHopTable};
use dataplane::drops::DropReason;
use dataplane::graph::PuntReason;
use dataplane::wire::ipv4::decrement_ttl;
use dataplane::wire::Ipv4Packet;

/// Routed, and no route matches the destination (an ICMP unreachable goes
/// back).
pub static NO_ROUTE: DropReason =
    DropReason::new("no-route", "routed, and no route matches the destination");
/// Routed with a TTL of 1 or less (an ICMP time exceeded goes back).
pub static TTL_EXCEEDED: DropReason =
    DropReason::new("ttl-exceeded", "routed with a TTL of 1 or less");
/// Routed to a neighbor that does not answer ARP.
pub static ARP_UNRESOLVED: DropReason = DropReason::new(
    "arp-unresolved",
    "routed to a neighbor that does not answer ARP",
);
/// Routed by a route to `Null0`.
pub static NULL_ROUTE: DropReason =
    DropReason::new("null-route", "routed by a route to Null0 (discarded)");
pub use dataplane::drops::common::NOT_ROUTABLE;
/// A martian: an address no router forwards (RFC 1812 5.3.7).
pub static MARTIAN: DropReason = DropReason::new(
    "martian",
    "routed with a martian address: 0/8, 127/8, multicast or class E as source or destination",
);

/// Why a routed packet is dropped: a small code on the fast path, named as
/// a drop reason only on the drop path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteDrop {
    /// A bad IPv4 header.
    NotRoutable,
    /// The next hop does not answer ARP.
    ArpUnresolved,
    /// No route (a route being removed).
    NoRoute,
    /// A martian source or destination.
    Martian,
    /// A route to `Null0`.
    NullRoute,
}

impl RouteDrop {
    /// The drop reason counted.
    #[cold]
    pub fn reason(self) -> &'static DropReason {
        match self {
            RouteDrop::NotRoutable => &NOT_ROUTABLE,
            RouteDrop::ArpUnresolved => &ARP_UNRESOLVED,
            RouteDrop::NoRoute => &NO_ROUTE,
            RouteDrop::Martian => &MARTIAN,
            RouteDrop::NullRoute => &NULL_ROUTE,
        }
    }
}

/// What happens to a routed packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteVerdict {
    /// Send it to `mac` in `vlan` (its TTL is decremented already).
    Forward {
        /// The next hop's MAC, in the low 48 bits (`MacAddr::to_u64`).
        mac: u64,
        /// The VLAN it lives in.
        vlan: u16,
        /// The packet's total length (for the egress MTU).
        len: u16,
        /// The packet may not be fragmented.
        df: bool,
    },
    /// Hand it to the control thread.
    Punt(PuntReason),
    /// Drop it, counting why.
    Drop(RouteDrop),
}

/// Decides the fate of the IPv4 packet `ip` (from its header to the end of
/// the frame).
#[inline(always)]
pub fn route(
    ip: &mut [u8],
    packet_len: usize,
    lpm: LpmView<'_>,
    nexthops: &NextHopTable,
) -> RouteVerdict {
    let (dst, ttl, len, df) = match Ipv4Packet::new_checked_within(&*ip, packet_len) {
        Ok(p) => (p.dst(), p.ttl(), p.total_len() as u16, p.dont_fragment()),
        Err(_) => return RouteVerdict::Drop(RouteDrop::NotRoutable),
    };
    // The header is checked: the source's first byte is at 12.
    if martian(ip[12]) || martian(dst.octets()[0]) {
        return RouteVerdict::Drop(RouteDrop::Martian);
    }
    let Some(id) = lpm.lookup(dst) else {
        return RouteVerdict::Punt(PuntReason::NoRoute);
    };
    if let Some((mac, vlan)) = nexthops.resolved(id) {
        if ttl <= 1 {
            return RouteVerdict::Punt(PuntReason::TtlExceeded);
        }
        decrement_ttl(ip);
        return RouteVerdict::Forward { mac, vlan, len, df };
    }
    let nh = nexthops.get(id);
    if nh == NextHop::Local {
        return RouteVerdict::Punt(PuntReason::ForUs);
    }
    if ttl <= 1 {
        return RouteVerdict::Punt(PuntReason::TtlExceeded);
    }
    match nh {
        NextHop::Resolved { mac, vlan } => {
            decrement_ttl(ip);
            RouteVerdict::Forward {
                mac: mac.to_u64(),
                vlan,
                len,
                df,
            }
        }
        NextHop::Resolve { .. } => RouteVerdict::Punt(PuntReason::Resolve(id)),
        NextHop::Unreachable => RouteVerdict::Drop(RouteDrop::ArpUnresolved),
        NextHop::Discard => RouteVerdict::Drop(RouteDrop::NullRoute),
        NextHop::Free | NextHop::Local => RouteVerdict::Drop(RouteDrop::NoRoute),
    }
}

/// True if an address whose first byte is `first` is one no router
/// forwards, as source or destination: 0/8 ("this network"), 127/8
/// (loopback), 224/4 (multicast: not routed here) and 240/4 (class E, with
/// the limited broadcast).
#[inline(always)]
fn martian(first: u8) -> bool {
    first == 0 || first == 127 || first >= 224
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lpm::Lpm;
    use crate::nexthop::LOCAL;
    use dataplane::wire::ipv4::{checksum, write_header, IpProtocol};
    use dataplane::wire::MacAddr;
    use std::net::Ipv4Addr;
    use std::sync::OnceLock;

    fn packet(dst: [u8; 4], ttl: u8) -> Vec<u8> {
        let mut p = vec![0u8; 28];
        write_header(
            &mut p,
            Ipv4Addr::new(10, 0, 10, 2),
            Ipv4Addr::from(dst),
            IpProtocol::Icmp.raw(),
            ttl,
            8,
        );
        p
    }

    fn tables() -> &'static (Lpm, NextHopTable) {
        static T: OnceLock<(Lpm, NextHopTable)> = OnceLock::new();
        T.get_or_init(|| {
            let lpm = Lpm::new(4);
            let nh = NextHopTable::default();
            lpm.insert(Ipv4Addr::new(10, 0, 20, 1), 32, LOCAL).unwrap();
            lpm.insert(Ipv4Addr::new(10, 0, 20, 0), 24, 2).unwrap();
            nh.set(2, NextHop::Resolve { vlan: 20 });
            lpm.insert(Ipv4Addr::new(10, 0, 20, 2), 32, 3).unwrap();
            nh.set(
                3,
                NextHop::Resolved {
                    mac: MacAddr([2, 0, 0, 0, 0, 0x20]),
                    vlan: 20,
                },
            );
            lpm.insert(Ipv4Addr::new(10, 0, 20, 3), 32, 4).unwrap();
            nh.set(4, NextHop::Unreachable);
            (lpm, nh)
        })
    }

    #[test]
    fn forwards_and_decrements_ttl() {
        let (lpm, nh) = tables();
        let mut p = packet([10, 0, 20, 2], 64);
        let len = p.len();
        let v = route(&mut p, len, lpm.view(), nh);
        assert_eq!(
            v,
            RouteVerdict::Forward {
                mac: MacAddr([2, 0, 0, 0, 0, 0x20]).to_u64(),
                vlan: 20,
                len: 28,
                df: false
            }
        );
        assert_eq!(p[8], 63);
        assert_eq!(checksum(&p[..20]), 0);
    }

    #[test]
    fn punts_and_drops_with_reasons() {
        let (lpm, nh) = tables();
        let r = |dst, ttl| {
            let mut p = packet(dst, ttl);
            let len = p.len();
            route(&mut p, len, lpm.view(), nh)
        };
        assert_eq!(r([10, 0, 20, 1], 1), RouteVerdict::Punt(PuntReason::ForUs));
        assert_eq!(
            r([10, 0, 20, 9], 64),
            RouteVerdict::Punt(PuntReason::Resolve(2))
        );
        assert_eq!(
            r([10, 0, 20, 2], 1),
            RouteVerdict::Punt(PuntReason::TtlExceeded)
        );
        assert_eq!(r([8, 8, 8, 8], 64), RouteVerdict::Punt(PuntReason::NoRoute));
        for martian in [
            [127, 0, 0, 1],
            [0, 1, 2, 3],
            [224, 0, 0, 5],
            [255, 255, 255, 255],
        ] {
            assert_eq!(
                r(martian, 64),
                RouteVerdict::Drop(RouteDrop::Martian),
                "{martian:?}"
            );
        }
        let mut p = packet([10, 0, 20, 2], 64);
        p[12] = 127; // a loopback source, with its header checksum
        p[10..12].copy_from_slice(&[0, 0]);
        let sum = checksum(&p[..20]);
        p[10..12].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(checksum(&p[..20]), 0);
        let len = p.len();
        assert_eq!(
            route(&mut p, len, lpm.view(), nh),
            RouteVerdict::Drop(RouteDrop::Martian)
        );
        assert_eq!(
            r([10, 0, 20, 3], 64),
            RouteVerdict::Drop(RouteDrop::ArpUnresolved)
        );
        let mut bad = packet([10, 0, 20, 2], 64);
        bad[10] ^= 0xff;
        assert_eq!(
            route(&mut bad, 28, lpm.view(), nh),
            RouteVerdict::Drop(RouteDrop::NotRoutable)
        );
        // A chained jumbo packet: the header is in the first segment, the
        // rest is not; its total length is checked against the whole.
        let mut head = vec![0u8; 28];
        write_header(
            &mut head,
            Ipv4Addr::new(10, 0, 10, 2),
            Ipv4Addr::new(10, 0, 20, 2),
            IpProtocol::Icmp.raw(),
            64,
            7980,
        );
        assert!(matches!(
            route(&mut head.clone(), 8000, lpm.view(), nh),
            RouteVerdict::Forward { len: 8000, .. }
        ));
        assert_eq!(
            route(&mut head.clone(), 7999, lpm.view(), nh),
            RouteVerdict::Drop(RouteDrop::NotRoutable)
        );
    }
}
