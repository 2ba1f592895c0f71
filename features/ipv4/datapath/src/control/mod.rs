//! The L3 control thread and the routing state it keeps: SVIs, static
//! routes, the ARP table; the LPM and next-hop slots the workers read are
//! written only from here.
//!
//! Workers punt what they cannot finish: ARP in an SVI's VLAN, IPv4 for the
//! switch itself, packets to a next hop not yet resolved, and packets that
//! need an ICMP error. This thread answers ARP and pings, resolves
//! neighbors (holding a few packets per neighbor meanwhile), ages the ARP
//! table, sends ICMP errors (rate-limited), and injects what it sends back
//! into the workers, which switch it like any frame of its VLAN. The
//! switch's own pings (`ping`) are sent by their caller under the same
//! lock, and this thread hands it their answers.
//!
//! Which entry the LPM holds for a prefix follows one precedence: the
//! switch's own address (/32, local) > a connected subnet > a static route
//! that is active (its gateway in a connected subnet, its exit SVI routing,
//! or to Null0) > a resolved or resolving neighbor (/32).
//!
//! A route out of an SVI without a gateway points at the SVI's glean slot,
//! as the subnet does: each destination is asked by ARP in that VLAN (the
//! next router answers by proxy ARP) and gets a neighbor of its own.

use super::lpm::LpmChange;
use super::nexthop::{NextHop, DISCARD, LOCAL, NEXT_HOPS};
use super::{L3Tables, Punt, PuntReason};
use dataplane::mbuf::Mbuf;
use dataplane::shared::Inject;
use dataplane::shared::Shared;
use dataplane::timer::Timers;
use dataplane::vlan::tag;
use dataplane::wire::arp::ArpPacket;
use dataplane::wire::icmp;
use dataplane::wire::ipv4::{decrement_ttl, IpProtocol};
use dataplane::wire::{
    set_addresses, ArpOperation, ArpRepr, EtherType, EthernetFrame, EthernetRepr, Ipv4Packet,
    Ipv4Repr, MacAddr, ETHERNET_HEADER_LEN,
};
use lisa_types::RouteNextHop;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

mod config;
mod neighbor;
mod packets;
mod ping;
mod svi_index;
#[cfg(test)]
mod tests;

use config::{connected_vlan, desired, exit_vlan};
use ping::Pingers;
pub use ping::{
    EchoAnswer, EchoAnswerKind, EchoRequest, EchoSent, EchoSink, PingError, Pinger, MAX_PINGERS,
    MAX_PING_SIZE, MIN_PING_SIZE,
};
use svi_index::SviIndex;

/// How long a learned ARP entry lives without being refreshed (IOS: 4 h).
pub const DEFAULT_ARP_TIMEOUT: Duration = Duration::from_secs(4 * 3600);
/// ARP requests sent for an unresolved neighbor before giving up.
const ARP_TRIES: u8 = 3;
/// Time between ARP requests for one neighbor.
const ARP_RETRY: Duration = Duration::from_secs(1);
/// How long an unanswered neighbor stays unreachable before a new try.
const FAILED_HOLD: Duration = Duration::from_secs(3);
/// Longest sleep of the control thread with nothing queued: its timers
/// (ARP retries and aging, each a second or more) run this late at most.
const IDLE_WAIT: Duration = Duration::from_millis(50);
/// Packets held per unresolved neighbor.
const HELD_MAX: usize = 8;
/// Packets held for all neighbors together: a scan of a large subnet must
/// not drain the packet pool (at least 16K buffers) that receiving needs.
const HELD_TOTAL: usize = 1024;
/// New neighbors resolved (asked by ARP for a packet): bucket size and
/// refill per second. A packet for a new neighbor past it is dropped.
const RESOLVE_BURST: u32 = 200;
const RESOLVE_PER_SEC: u32 = 100;
/// ICMP errors: bucket size and refill per second.
const ICMP_BURST: u32 = 100;
const ICMP_PER_SEC: u32 = 1000;
/// Punted frames handled per lock of the state.
const BATCH: usize = 64;

/// An SVI as configured: its address and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SviAddr {
    /// The switch's address in the VLAN.
    pub addr: Ipv4Addr,
    /// Prefix length of the connected subnet.
    pub len: u8,
}

impl SviAddr {
    /// The subnet's network address.
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & mask(self.len))
    }

    /// True if `ip` is in the connected subnet.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.len) == u32::from(self.addr) & mask(self.len)
    }
}

/// The prefix length of the classful network `net` is in (A /8, B /16,
/// C /24; D and E /32).
pub fn classful_len(net: u32) -> u8 {
    match net >> 28 {
        0..=7 => 8,
        8..=11 => 16,
        12..=13 => 24,
        _ => 32,
    }
}

/// Two route lists, each in prefix order, as one in prefix order.
fn merge_by_prefix(
    a: impl Iterator<Item = RouteEntry>,
    b: impl Iterator<Item = RouteEntry>,
) -> impl Iterator<Item = RouteEntry> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if (x.net, x.len) <= (y.net, y.len) => a.next(),
        (Some(_), Some(_)) => b.next(),
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

/// The netmask of a prefix length.
pub fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    }
}

/// A static route: `net/len` via `next_hop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StaticRoute {
    /// Network (host bits zero).
    pub net: Ipv4Addr,
    /// Prefix length.
    pub len: u8,
    /// Where it goes.
    pub next_hop: RouteNextHop,
}

/// State of an ARP entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeighborState {
    /// Asked, no answer yet.
    Incomplete,
    /// Answered; ages out.
    Reachable,
    /// Configured (`arp A.B.C.D H.H.H arpa`); never ages.
    Static,
    /// No answer to the last requests.
    Failed,
}

/// One ARP table entry, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArpEntry {
    /// Address.
    pub ip: Ipv4Addr,
    /// Hardware address, once known.
    pub mac: Option<MacAddr>,
    /// VLAN (its SVI).
    pub vlan: u16,
    /// Seconds since it was last confirmed.
    pub age_secs: u64,
    /// State.
    pub state: NeighborState,
}

/// What a route entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// A connected subnet (an SVI's).
    Connected {
        /// The SVI's VLAN.
        vlan: u16,
    },
    /// The switch's own address on an SVI.
    Local {
        /// The SVI's VLAN.
        vlan: u16,
    },
    /// A static route.
    Static {
        /// Its next hop.
        next_hop: RouteNextHop,
        /// The route is in use: its gateway is in a connected subnet (of
        /// its exit SVI, if it names one), its exit SVI routes, or it goes
        /// to Null0.
        active: bool,
        /// VLAN it leaves by, when active (0 for Null0).
        vlan: u16,
    },
}

/// One route, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteEntry {
    /// Network.
    pub net: Ipv4Addr,
    /// Prefix length.
    pub len: u8,
    /// What it is.
    pub kind: RouteKind,
}

/// Counts of what the control thread did.
#[derive(Debug, Default)]
pub struct L3Counters {
    /// ARP requests sent.
    pub arp_requests: AtomicU64,
    /// ARP replies sent.
    pub arp_replies: AtomicU64,
    /// ICMP messages sent (echo replies, errors, and the switch's own
    /// echo requests).
    pub icmp_sent: AtomicU64,
    /// ICMP errors not sent (rate limit).
    pub icmp_limited: AtomicU64,
    /// Held packets dropped (queue full, or the neighbor never answered).
    pub held_dropped: AtomicU64,
    /// Of those, dropped because all neighbors together held the most.
    pub held_cap: AtomicU64,
    /// Packets for a new neighbor dropped without asking it: new
    /// resolutions came faster than their rate limit.
    pub resolve_limited: AtomicU64,
    /// Frames not injected: the queue to the workers was full.
    pub inject_full: AtomicU64,
    /// Punted frames ignored as malformed or bogus: a truncated or
    /// unsupported ARP or IPv4 header, an ARP that is neither request nor
    /// reply, an ARP sender with a group address or the SVI's own, a
    /// fragmented ping to the switch (not reassembled).
    pub ignored: AtomicU64,
}

/// Errors changing the routing state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum L3Error {
    /// The LPM refused a route.
    #[error("route {net}/{len}: {why}")]
    Route {
        /// Network.
        net: Ipv4Addr,
        /// Length.
        len: u8,
        /// Why.
        why: String,
    },
    /// No next-hop slot left.
    #[error("no room for another neighbor (at most {NEXT_HOPS})")]
    NoSlots,
}

struct Svi {
    addr: SviAddr,
    glean: u32,
}

struct Neighbor {
    vlan: u16,
    mac: Option<MacAddr>,
    slot: u32,
    state: NeighborState,
    updated: Instant,
    probes: u8,
    last_probe: Option<Instant>,
    held: Vec<Mbuf>,
}

/// Next-hop slot allocation: freed slots cool down before reuse (workers
/// may still be reading what the LPM said a moment ago).
#[derive(Default)]
struct Slots {
    next: u32,
    free: Vec<u32>,
    cooling: VecDeque<(u32, Instant)>,
}

impl Slots {
    fn alloc(&mut self) -> Option<u32> {
        if let Some(s) = self.free.pop() {
            return Some(s);
        }
        // 0 is never used; 1 is LOCAL, 2 DISCARD.
        if self.next <= DISCARD {
            self.next = DISCARD + 1;
        }
        if (self.next as usize) < NEXT_HOPS {
            self.next += 1;
            return Some(self.next - 1);
        }
        None
    }

    fn release(&mut self, s: u32, now: Instant) {
        self.cooling.push_back((s, now));
    }

    fn tick(&mut self, now: Instant) {
        while let Some(&(s, t)) = self.cooling.front() {
            if now.duration_since(t) < Duration::from_secs(1) {
                break;
            }
            self.free.push(s);
            self.cooling.pop_front();
        }
    }
}

struct State {
    router_mac: MacAddr,
    svis: BTreeMap<u16, Svi>,
    /// The SVI addresses, indexed (kept with `svis`).
    svi_index: SviIndex,
    /// Static routes: (network, length) -> next hop, in prefix order.
    routes: BTreeMap<(u32, u8), RouteNextHop>,
    /// Static routes per gateway.
    gateways: HashMap<Ipv4Addr, usize>,
    neighbors: HashMap<Ipv4Addr, Neighbor>,
    static_arps: HashMap<Ipv4Addr, MacAddr>,
    slots: Slots,
    /// Glean slots (a connected subnet's "resolve the destination").
    gleans: HashMap<u32, u16>,
    /// Neighbor slots -> the neighbor's address.
    owners: HashMap<u32, Ipv4Addr>,
    icmp_tokens: u32,
    icmp_refill: Instant,
    /// Packets held for every neighbor, and the most there may be.
    held_total: usize,
    held_cap: usize,
    /// New resolutions allowed now, and when the bucket was refilled.
    resolve_tokens: u32,
    resolve_refill: Instant,
    arp_timeout: Duration,
    /// Each neighbor's next event (`neighbor::arm_neighbor`).
    timers: Timers<Ipv4Addr>,
}

/// The L3 control: routing state, and the thread that handles punted frames.
pub struct L3Control {
    shared: Arc<Shared>,
    tables: Arc<L3Tables>,
    st: Mutex<State>,
    /// Callers of `ping` waiting for answers (outside `st`).
    pingers: Pingers,
    /// What it did.
    pub counters: L3Counters,
}

impl L3Control {
    /// Control over `tables` (the LPM, next hops and punt queue the
    /// workers use), sending through `shared`'s inject channel, answering
    /// as `router_mac`.
    pub fn new(shared: Arc<Shared>, tables: Arc<L3Tables>, router_mac: MacAddr) -> L3Control {
        L3Control {
            shared,
            tables,
            st: Mutex::new(State {
                router_mac,
                svis: BTreeMap::new(),
                svi_index: SviIndex::default(),
                routes: BTreeMap::new(),
                gateways: HashMap::new(),
                neighbors: HashMap::new(),
                static_arps: HashMap::new(),
                slots: Slots::default(),
                gleans: HashMap::new(),
                owners: HashMap::new(),
                icmp_tokens: ICMP_BURST,
                icmp_refill: Instant::now(),
                held_total: 0,
                held_cap: HELD_TOTAL,
                resolve_tokens: RESOLVE_BURST,
                resolve_refill: Instant::now(),
                arp_timeout: DEFAULT_ARP_TIMEOUT,
                timers: Timers::new(),
            }),
            pingers: Pingers::default(),
            counters: L3Counters::default(),
        }
    }

    fn st(&self) -> MutexGuard<'_, State> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The switch's router MAC (every SVI answers at it).
    pub fn router_mac(&self) -> MacAddr {
        self.st().router_mac
    }

    /// Handles punted frames until `shared.running` turns false.
    pub fn run(&self) {
        tracing::info!("L3 control thread started");
        let mut last_tick = Instant::now();
        while self.shared.running.load(Ordering::Relaxed) {
            let mut n = 0;
            {
                let mut st = self.st();
                while n < BATCH {
                    let Some(p) = self.tables.punt.pop() else {
                        break;
                    };
                    self.handle(&mut st, p);
                    n += 1;
                }
                let now = Instant::now();
                self.expire_neighbors(&mut st, now);
                if now.duration_since(last_tick) >= Duration::from_secs(1) {
                    last_tick = now;
                    self.tick(&mut st, now);
                }
            }
            if n == 0 {
                // Until a worker queues a frame, or the next timer.
                let punt = &self.tables.punt;
                self.tables.wake.wait(IDLE_WAIT, || !punt.is_empty());
            }
        }
        // Held frames go back to their pool before the pools are freed.
        self.st().neighbors.clear();
        while self.tables.punt.pop().is_some() {}
        tracing::info!("L3 control thread stopped");
    }

    /// The ARP table, by address.
    pub fn arp_table(&self) -> Vec<ArpEntry> {
        let st = self.st();
        let mut v: Vec<ArpEntry> = st
            .neighbors
            .iter()
            .map(|(ip, n)| ArpEntry {
                ip: *ip,
                mac: n.mac,
                vlan: n.vlan,
                age_secs: n.updated.elapsed().as_secs(),
                state: n.state,
            })
            .collect();
        v.sort_by_key(|e| e.ip);
        v
    }

    /// Connected, local and static routes, by network then length.
    pub fn routes(&self) -> Vec<RouteEntry> {
        self.routes_page(None, None, usize::MAX).0
    }

    /// Up to `size` routes inside `within` (none: all), after `after`
    /// (none: from the start), by network then length; and whether more
    /// follow. Costs the page and a range lookup, not the table.
    pub fn routes_page(
        &self,
        within: Option<(Ipv4Addr, u8)>,
        after: Option<(Ipv4Addr, u8)>,
        size: usize,
    ) -> (Vec<RouteEntry>, bool) {
        use std::ops::Bound;
        let st = self.st();
        let (lo, hi) = match within {
            Some((net, len)) => {
                let net = u32::from(net) & mask(len);
                ((net, len), (net | !mask(len), 32))
            }
            None => ((0, 0), (u32::MAX, 32)),
        };
        let inside = |net: u32, len: u8| (lo..=hi).contains(&(net, len)) && len >= lo.1;
        let after = after.map(|(net, len)| (u32::from(net), len));
        let start = match after {
            Some(a) if a >= lo => Bound::Excluded(a),
            _ => Bound::Included(lo),
        };
        let later = |k: (u32, u8)| after.is_none_or(|a| k > a);
        let mut svi_routes: Vec<RouteEntry> = Vec::new();
        for (vlan, s) in &st.svis {
            let connected = (u32::from(s.addr.network()), s.addr.len);
            if inside(connected.0, connected.1) && later(connected) {
                svi_routes.push(RouteEntry {
                    net: s.addr.network(),
                    len: s.addr.len,
                    kind: RouteKind::Connected { vlan: *vlan },
                });
            }
            let local = (u32::from(s.addr.addr), 32);
            if inside(local.0, local.1) && later(local) {
                svi_routes.push(RouteEntry {
                    net: s.addr.addr,
                    len: 32,
                    kind: RouteKind::Local { vlan: *vlan },
                });
            }
        }
        svi_routes.sort_by_key(|r| (r.net, r.len));
        let statics = st
            .routes
            .range((start, Bound::Included(hi)))
            .filter(|(&(net, len), _)| inside(net, len))
            .map(|(&(net, len), nh)| {
                let vlan = exit_vlan(&st, nh);
                RouteEntry {
                    net: Ipv4Addr::from(net),
                    len,
                    kind: RouteKind::Static {
                        next_hop: *nh,
                        active: vlan.is_some(),
                        vlan: vlan.unwrap_or(0),
                    },
                }
            });
        let mut merged = merge_by_prefix(svi_routes.into_iter(), statics);
        let page: Vec<RouteEntry> = merged.by_ref().take(size).collect();
        let more = merged.next().is_some();
        (page, more)
    }

    /// Routes by kind, split as IOS counts them: (connected, local,
    /// static), each as (networks, subnets), where a route no longer than
    /// its classful network is a network and a longer one a subnet.
    pub fn route_counts(&self) -> [(u64, u64); 3] {
        let st = self.st();
        let mut out = [(0u64, 0u64); 3];
        let mut add = |i: usize, net: u32, len: u8| {
            if len > classful_len(net) {
                out[i].1 += 1;
            } else {
                out[i].0 += 1;
            }
        };
        for s in st.svis.values() {
            add(0, u32::from(s.addr.network()), s.addr.len);
            add(1, u32::from(s.addr.addr), 32);
        }
        for &(net, len) in st.routes.keys() {
            add(2, net, len);
        }
        out
    }

    /// The forwarding table's size: (bytes, tbl8 groups in use, groups).
    pub fn lpm_usage(&self) -> (usize, usize, usize) {
        self.tables.lpm.usage()
    }

    /// Packets held for neighbors now, and the most that may be.
    pub fn held(&self) -> (usize, usize) {
        let st = self.st();
        (st.held_total, st.held_cap)
    }

    /// Number of static routes.
    pub fn static_route_count(&self) -> usize {
        self.st().routes.len()
    }

    /// What the dataplane does with a packet to `dst` right now: the
    /// next-hop slot's meaning, as the workers read it.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<NextHop> {
        self.tables
            .lpm
            .lookup(dst)
            .map(|id| self.tables.nexthops.get(id))
    }
}
