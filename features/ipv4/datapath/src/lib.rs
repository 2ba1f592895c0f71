//! Layer 3: IPv4 routing between SVIs (switch virtual interfaces, one per
//! VLAN, answering at the switch's router MAC).
//!
//! - `lpm`: the longest-prefix-match table (DIR-24-8).
//! - `nexthop`: what a route points at, one atomic word per next hop.
//! - `route`: the per-packet decision (TTL, checksum, next hop), and
//!   `node`: the graph node that routes a vector with it; `punt`: the node
//!   that hands the control thread what the workers cannot finish, and
//!   `wake`: how it wakes that thread.
//! - `control`: the control thread: ARP (answering, resolving, aging), ICMP
//!   (echo, errors), SVIs, static routes, held packets.
//!
//! Workers hand the control thread what they cannot finish (`Punt`)
//! through the feature's lock-free queue, and take back what it sends
//! through the dataplane's inject channel.

pub mod control;
pub mod lpm;
pub mod nexthop;
pub mod node;
pub mod punt;
pub mod route;
pub mod wake;

use crossbeam_queue::ArrayQueue;
use dataplane::graph::{rank, NodeSpec, Pipeline};
use dataplane::mbuf::Mbuf;
use dataplane::wire::{EtherType, MacAddr};
use dataplane::Dataplane;
use std::sync::Arc;

pub use dataplane::graph::PuntReason;

/// tbl8 groups of the LPM: one per /24 holding prefixes longer than /24.
const LPM_GROUPS: usize = 64 * 1024;
/// Room in the punt queue.
pub const QUEUE_LEN: usize = 4096;

/// What the workers' IPv4 stages and the control thread share: the LPM,
/// the next-hop slots (written by the control thread only) and the queue
/// of punted frames.
pub struct L3Tables {
    /// IPv4 routes: prefix -> next-hop slot.
    pub lpm: lpm::Lpm,
    /// Next-hop slots.
    pub nexthops: nexthop::NextHopTable,
    /// Frames for the control thread.
    pub punt: ArrayQueue<Punt>,
    /// The control thread's sleep while `punt` is empty, and its wake-up.
    pub wake: wake::PuntWake,
}

/// The feature's datapath: its tables, its stages, and (once the
/// dataplane runs) its control thread.
pub struct Ipv4Datapath {
    /// The tables the stages and the control thread share.
    pub tables: Arc<L3Tables>,
}

impl Default for Ipv4Datapath {
    fn default() -> Self {
        Ipv4Datapath {
            tables: Arc::new(L3Tables {
                lpm: lpm::Lpm::new(LPM_GROUPS),
                nexthops: nexthop::NextHopTable::default(),
                punt: ArrayQueue::new(QUEUE_LEN),
                wake: wake::PuntWake::default(),
            }),
        }
    }
}

impl Ipv4Datapath {
    /// Declares the IPv4 stages (`ipv4-route`, `punt`), the ethertypes of
    /// frames for the router MAC (IPv4 to `ipv4-route`, ARP to `punt`),
    /// and the drain of the punt queue when the dataplane stops.
    pub fn register(&self, p: &mut Pipeline) {
        let t = self.tables.clone();
        p.add_node(NodeSpec {
            name: "ipv4-route",
            rank: rank::IPV4_ROUTE,
            drops: vec![
                &route::ARP_UNRESOLVED,
                &route::MARTIAN,
                &route::NO_ROUTE,
                &route::NULL_ROUTE,
                &route::TTL_EXCEEDED,
            ],
            build: Box::new(move |ids| Box::new(node::Ipv4Route::new(t.clone(), ids))),
        });
        let t = self.tables.clone();
        p.add_node(NodeSpec {
            name: "punt",
            rank: rank::PUNT,
            drops: vec![&punt::PUNT_QUEUE_FULL],
            build: Box::new(move |_| Box::new(punt::PuntNode::new(t.clone()))),
        });
        p.add_ethertype(EtherType::Ipv4, "ipv4-route");
        p.add_ethertype(EtherType::Arp, "punt");
        let t = self.tables.clone();
        p.add_stop_hook(Box::new(move || while t.punt.pop().is_some() {}));
    }

    /// The control thread over these tables, answering as `router_mac`,
    /// started on the dataplane (it stops with it).
    pub fn start(
        &self,
        dp: &Dataplane,
        router_mac: MacAddr,
    ) -> Result<Arc<control::L3Control>, dataplane::DataplaneError> {
        let l3 = Arc::new(control::L3Control::new(
            dp.shared().clone(),
            self.tables.clone(),
            router_mac,
        ));
        let run = l3.clone();
        dp.spawn_control("lisa-l3", move || run.run())?;
        Ok(l3)
    }
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
