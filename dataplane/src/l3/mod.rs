//! Layer 3: IPv4 routing between SVIs (switch virtual interfaces, one per
//! VLAN, answering at the switch's router MAC).
//!
//! - `lpm`: the longest-prefix-match table (DIR-24-8).
//! - `nexthop`: what a route points at, one atomic word per next hop.
//! - `route`: the per-packet decision (TTL, checksum, next hop), and
//!   `node`: the graph node that routes a vector with it; `punt`: the node
//!   that hands the control thread what the workers cannot finish.
//! - `control`: the control thread: ARP (answering, resolving, aging), ICMP
//!   (echo, errors), SVIs, static routes, held packets.
//!
//! Workers hand the control thread what they cannot finish (`Punt`) and
//! take back what it sends (`Inject`) through two lock-free queues.

pub mod control;
pub mod lpm;
pub mod nexthop;
pub mod node;
pub mod punt;
pub mod route;

use crate::graph::{rank, NodeSpec, Pipeline};
use crate::mbuf::Mbuf;
use crate::wire::EtherType;

/// Declares the IPv4 stages (`ipv4-route`, `punt`) and the ethertypes of
/// frames for the router MAC: IPv4 to `ipv4-route`, ARP to `punt`.
pub fn nodes(p: &mut Pipeline) {
    p.add_node(NodeSpec {
        name: "ipv4-route",
        rank: rank::IPV4_ROUTE,
        drops: vec![
            &route::NOT_ROUTABLE,
            &route::ARP_UNRESOLVED,
            &route::NO_ROUTE,
            &route::TTL_EXCEEDED,
        ],
        build: Box::new(|ids| Box::new(node::Ipv4Route::new(ids))),
    });
    p.add_node(NodeSpec {
        name: "punt",
        rank: rank::PUNT,
        drops: vec![&punt::PUNT_QUEUE_FULL],
        build: Box::new(|_| Box::new(punt::PuntNode)),
    });
    p.add_ethertype(EtherType::IPV4, "ipv4-route");
    p.add_ethertype(EtherType::ARP, "punt");
}

/// Why a worker handed a frame to the control thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PuntReason {
    /// ARP in an SVI's VLAN, or IPv4 for one of the switch's addresses.
    ForUs,
    /// IPv4 to route through a next hop whose MAC is not known yet.
    Resolve(u32),
    /// IPv4 whose TTL ran out here.
    TtlExceeded,
    /// IPv4 that no route matches.
    NoRoute,
    /// IPv4 with DF set, larger than the egress MTU (the MTU).
    FragNeeded(u16),
}

/// A frame for the control thread: as received (with its 802.1Q tag, if
/// any), with where it came from.
pub struct Punt {
    /// The frame.
    pub m: Mbuf,
    /// Ingress port.
    pub port: u16,
    /// Its VLAN.
    pub vlan: u16,
    /// Why.
    pub why: PuntReason,
}

/// A frame from the control thread for a worker to switch: untagged, with
/// its Ethernet header filled in, sent in `vlan` like any frame of it.
pub struct Inject {
    /// The frame.
    pub m: Mbuf,
    /// Its VLAN.
    pub vlan: u16,
}

/// Room in each queue.
pub const QUEUE_LEN: usize = 4096;
