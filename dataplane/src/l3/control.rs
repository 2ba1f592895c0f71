//! The L3 control thread and the routing state it keeps: SVIs, static
//! routes, the ARP table; the LPM and next-hop slots the workers read are
//! written only from here.
//!
//! Workers punt what they cannot finish: ARP in an SVI's VLAN, IPv4 for the
//! switch itself, packets to a next hop not yet resolved, and packets that
//! need an ICMP error. This thread answers ARP and pings, resolves
//! neighbors (holding a few packets per neighbor meanwhile), ages the ARP
//! table, sends ICMP errors (rate-limited), and injects what it sends back
//! into the workers, which switch it like any frame of its VLAN.
//!
//! Which entry the LPM holds for a prefix follows one precedence: the
//! switch's own address (/32, local) > a connected subnet > a static route
//! whose gateway is in a connected subnet > a resolved or resolving
//! neighbor (/32).

use super::lpm::LpmChange;
use super::nexthop::{NextHop, LOCAL, NEXT_HOPS};
use super::{Inject, Punt, PuntReason};
use crate::mbuf::Mbuf;
use crate::shared::Shared;
use crate::vlan::tag;
use crate::wire::arp::{self, ArpPacket, ARP_REPLY, ARP_REQUEST};
use crate::wire::icmp;
use crate::wire::ipv4::{decrement_ttl, write_header, IpProtocol};
use crate::wire::{EtherType, EthernetFrame, Ipv4Packet, MacAddr, IPV4_HEADER_LEN};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a learned ARP entry lives without being refreshed (IOS: 4 h).
pub const DEFAULT_ARP_TIMEOUT: Duration = Duration::from_secs(4 * 3600);
/// ARP requests sent for an unresolved neighbor before giving up.
const ARP_TRIES: u8 = 3;
/// Time between ARP requests for one neighbor.
const ARP_RETRY: Duration = Duration::from_secs(1);
/// How long an unanswered neighbor stays unreachable before a new try.
const FAILED_HOLD: Duration = Duration::from_secs(3);
/// Packets held per unresolved neighbor.
const HELD_MAX: usize = 8;
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

/// The netmask of a prefix length.
pub fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    }
}

/// A static route: `net/len` via `gateway`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StaticRoute {
    /// Network (host bits zero).
    pub net: Ipv4Addr,
    /// Prefix length.
    pub len: u8,
    /// Next hop address.
    pub gateway: Ipv4Addr,
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
        gateway: Ipv4Addr,
        /// The gateway is in a connected subnet (the route is in use).
        active: bool,
        /// VLAN of the gateway, when active.
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
    /// ICMP messages sent (echo replies and errors).
    pub icmp_sent: AtomicU64,
    /// ICMP errors not sent (rate limit).
    pub icmp_limited: AtomicU64,
    /// Held packets dropped (queue full, or the neighbor never answered).
    pub held_dropped: AtomicU64,
    /// Frames not injected: the queue to the workers was full.
    pub inject_full: AtomicU64,
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
        // 0 is never used; 1 is LOCAL.
        if self.next < 2 {
            self.next = 2;
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
    routes: HashMap<(u32, u8), Ipv4Addr>,
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
    arp_timeout: Duration,
}

/// The L3 control: routing state, and the thread that handles punted frames.
pub struct L3Control {
    shared: Arc<Shared>,
    st: Mutex<State>,
    /// What it did.
    pub counters: L3Counters,
}

impl L3Control {
    /// Control over `shared`'s LPM and next hops, answering as `router_mac`.
    pub fn new(shared: Arc<Shared>, router_mac: MacAddr) -> L3Control {
        L3Control {
            shared,
            st: Mutex::new(State {
                router_mac,
                svis: BTreeMap::new(),
                routes: HashMap::new(),
                gateways: HashMap::new(),
                neighbors: HashMap::new(),
                static_arps: HashMap::new(),
                slots: Slots::default(),
                gleans: HashMap::new(),
                owners: HashMap::new(),
                icmp_tokens: ICMP_BURST,
                icmp_refill: Instant::now(),
                arp_timeout: DEFAULT_ARP_TIMEOUT,
            }),
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
                    let Some(p) = self.shared.punt.pop() else {
                        break;
                    };
                    self.handle(&mut st, p);
                    n += 1;
                }
                if last_tick.elapsed() >= Duration::from_secs(1) {
                    last_tick = Instant::now();
                    self.tick(&mut st, last_tick);
                }
            }
            if n == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        // Held frames go back to their pool before the pools are freed.
        self.st().neighbors.clear();
        while self.shared.punt.pop().is_some() {}
        tracing::info!("L3 control thread stopped");
    }

    /// Sets the SVIs (VLAN -> address); only SVIs whose VLAN exists and is
    /// up should be given. Neighbors of a removed or renumbered SVI go.
    pub fn set_svis(&self, svis: &BTreeMap<u16, SviAddr>) -> Result<(), L3Error> {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let gone: Vec<u16> = st
            .svis
            .iter()
            .filter(|(v, s)| svis.get(v) != Some(&s.addr))
            .map(|(v, _)| *v)
            .collect();
        let mut touched: Vec<(Ipv4Addr, u8)> = Vec::new();
        for v in gone {
            let Some(s) = st.svis.remove(&v) else {
                continue;
            };
            st.gleans.remove(&s.glean);
            self.shared.nexthops.set(s.glean, NextHop::Free);
            st.slots.release(s.glean, now);
            touched.push((s.addr.addr, 32));
            touched.push((s.addr.network(), s.addr.len));
            let dead: Vec<Ipv4Addr> = st
                .neighbors
                .iter()
                .filter(|(_, n)| n.vlan == v)
                .map(|(ip, _)| *ip)
                .collect();
            for ip in dead {
                self.drop_neighbor(st, ip, now);
                touched.push((ip, 32));
            }
        }
        for (v, a) in svis {
            if st.svis.contains_key(v) {
                continue;
            }
            let glean = st.slots.alloc().ok_or(L3Error::NoSlots)?;
            self.shared
                .nexthops
                .set(glean, NextHop::Resolve { vlan: *v });
            st.gleans.insert(glean, *v);
            st.svis.insert(*v, Svi { addr: *a, glean });
            touched.push((a.addr, 32));
            touched.push((a.network(), a.len));
            tracing::info!(vlan = v, addr = %a.addr, len = a.len, "SVI up");
        }
        // Static ARP entries and gateways that an SVI change made
        // reachable (or not).
        let wanted: Vec<Ipv4Addr> = st
            .static_arps
            .keys()
            .chain(st.gateways.keys())
            .copied()
            .collect();
        for ip in wanted {
            if self.ensure_neighbor(st, ip, now).is_some() {
                touched.push((ip, 32));
            }
        }
        let mut changes: Vec<LpmChange> = touched
            .into_iter()
            .map(|(net, len)| (net, len, desired(st, u32::from(net) & mask(len), len)))
            .collect();
        // Every static route may have changed with its gateway.
        changes.extend(
            st.routes
                .keys()
                .map(|&(net, len)| (Ipv4Addr::from(net), len, desired(st, net, len))),
        );
        self.apply_lpm(&changes)
    }

    /// Adds and removes static routes in one step.
    pub fn change_routes(
        &self,
        add: &[StaticRoute],
        remove: &[StaticRoute],
    ) -> Result<(), L3Error> {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let mut changes: Vec<LpmChange> = Vec::with_capacity(add.len() + remove.len());
        for r in remove {
            let key = (u32::from(r.net) & mask(r.len), r.len);
            if let Some(gw) = st.routes.remove(&key) {
                unref_gateway(st, gw);
                changes.push((r.net, r.len, None));
            }
        }
        for r in add {
            let key = (u32::from(r.net) & mask(r.len), r.len);
            if let Some(old) = st.routes.insert(key, r.gateway) {
                unref_gateway(st, old);
            }
            let refs = st.gateways.entry(r.gateway).or_insert(0);
            *refs += 1;
            if *refs == 1 && self.ensure_neighbor(st, r.gateway, now).is_some() {
                changes.push((r.gateway, 32, None));
            }
            changes.push((r.net, r.len, None));
        }
        for c in changes.iter_mut() {
            c.2 = desired(st, u32::from(c.0) & mask(c.1), c.1);
        }
        self.apply_lpm(&changes)
    }

    /// Sets the static ARP entries.
    pub fn set_static_arps(&self, arps: &HashMap<Ipv4Addr, MacAddr>) -> Result<(), L3Error> {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let mut touched = Vec::new();
        let gone: Vec<Ipv4Addr> = st
            .static_arps
            .keys()
            .filter(|ip| !arps.contains_key(ip))
            .copied()
            .collect();
        for ip in gone {
            st.static_arps.remove(&ip);
            match st.neighbors.get_mut(&ip) {
                // A gateway stays, to be resolved by ARP now: the routes
                // through it keep their slot.
                Some(n) if st.gateways.contains_key(&ip) => {
                    n.mac = None;
                    n.state = NeighborState::Incomplete;
                    n.probes = 0;
                    n.last_probe = None;
                    self.shared
                        .nexthops
                        .set(n.slot, NextHop::Resolve { vlan: n.vlan });
                }
                _ => {
                    self.drop_neighbor(st, ip, now);
                    touched.push(ip);
                }
            }
        }
        for (ip, mac) in arps {
            if st.static_arps.get(ip) == Some(mac) {
                continue;
            }
            st.static_arps.insert(*ip, *mac);
            if st.neighbors.contains_key(ip) {
                // Resolve the entry in place (routes through it follow).
                self.learn(st, *ip, *mac, false, now);
                if let Some(n) = st.neighbors.get_mut(ip) {
                    n.state = NeighborState::Static;
                }
            } else if self.ensure_neighbor(st, *ip, now).is_some() {
                touched.push(*ip);
            }
        }
        let changes: Vec<LpmChange> = touched
            .into_iter()
            .map(|ip| (ip, 32, desired(st, u32::from(ip), 32)))
            .collect();
        self.apply_lpm(&changes)
    }

    /// Forgets every learned ARP entry (`clear arp-cache`); static ones
    /// and gateways are asked again.
    pub fn clear_arp(&self) {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let learned: Vec<Ipv4Addr> = st
            .neighbors
            .iter()
            .filter(|(_, n)| n.state != NeighborState::Static)
            .map(|(ip, _)| *ip)
            .collect();
        let mut changes = Vec::new();
        for ip in learned {
            self.drop_neighbor(st, ip, now);
            if st.gateways.contains_key(&ip) {
                self.ensure_neighbor(st, ip, now);
            }
            changes.push((ip, 32, desired(st, u32::from(ip), 32)));
        }
        for r in st.routes.keys() {
            changes.push((Ipv4Addr::from(r.0), r.1, desired(st, r.0, r.1)));
        }
        if let Err(e) = self.apply_lpm(&changes) {
            tracing::warn!("clear arp: {e}");
        }
    }

    /// Sets how long learned ARP entries live.
    pub fn set_arp_timeout(&self, t: Duration) {
        self.st().arp_timeout = t;
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
        let st = self.st();
        let mut v: Vec<RouteEntry> = Vec::with_capacity(st.routes.len() + 2 * st.svis.len());
        for (vlan, s) in &st.svis {
            v.push(RouteEntry {
                net: s.addr.network(),
                len: s.addr.len,
                kind: RouteKind::Connected { vlan: *vlan },
            });
            v.push(RouteEntry {
                net: s.addr.addr,
                len: 32,
                kind: RouteKind::Local { vlan: *vlan },
            });
        }
        for (&(net, len), gw) in &st.routes {
            let vlan = connected_vlan(&st, *gw);
            v.push(RouteEntry {
                net: Ipv4Addr::from(net),
                len,
                kind: RouteKind::Static {
                    gateway: *gw,
                    active: vlan.is_some(),
                    vlan: vlan.unwrap_or(0),
                },
            });
        }
        v.sort_by_key(|r| (r.net, r.len));
        v
    }

    /// Number of static routes.
    pub fn static_route_count(&self) -> usize {
        self.st().routes.len()
    }

    /// What the dataplane does with a packet to `dst` right now: the
    /// next-hop slot's meaning, as the workers read it.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<NextHop> {
        self.shared
            .lpm
            .lookup(dst)
            .map(|id| self.shared.nexthops.get(id))
    }

    fn apply_lpm(&self, changes: &[LpmChange]) -> Result<(), L3Error> {
        self.shared
            .lpm
            .apply(changes)
            .map_err(|(i, e)| L3Error::Route {
                net: changes[i].0,
                len: changes[i].1,
                why: e.to_string(),
            })
    }

    /// The neighbor entry for `ip` (made, incomplete or static, if `ip` is
    /// in a connected subnet and has none); its slot. The caller syncs the
    /// LPM's /32 for `ip`.
    fn ensure_neighbor(&self, st: &mut State, ip: Ipv4Addr, now: Instant) -> Option<u32> {
        if let Some(n) = st.neighbors.get(&ip) {
            return Some(n.slot);
        }
        let vlan = connected_vlan(st, ip)?;
        if st.svis.get(&vlan).is_some_and(|s| s.addr.addr == ip) {
            return None;
        }
        let slot = st.slots.alloc()?;
        let (mac, state) = match st.static_arps.get(&ip) {
            Some(m) => (Some(*m), NeighborState::Static),
            None => (None, NeighborState::Incomplete),
        };
        self.shared.nexthops.set(
            slot,
            match mac {
                Some(mac) => NextHop::Resolved { mac, vlan },
                None => NextHop::Resolve { vlan },
            },
        );
        st.owners.insert(slot, ip);
        st.neighbors.insert(
            ip,
            Neighbor {
                vlan,
                mac,
                slot,
                state,
                updated: now,
                probes: 0,
                last_probe: None,
                held: Vec::new(),
            },
        );
        Some(slot)
    }

    /// Forgets the neighbor `ip` (its held packets go too). The caller syncs
    /// the LPM for `ip`/32 and for routes through it.
    fn drop_neighbor(&self, st: &mut State, ip: Ipv4Addr, now: Instant) {
        if let Some(n) = st.neighbors.remove(&ip) {
            self.shared.nexthops.set(n.slot, NextHop::Free);
            st.owners.remove(&n.slot);
            st.slots.release(n.slot, now);
            self.counters
                .held_dropped
                .fetch_add(n.held.len() as u64, Ordering::Relaxed);
        }
    }

    /// Learns `ip` at `mac` (an ARP packet from it): resolves it and sends
    /// what was held for it.
    fn learn(&self, st: &mut State, ip: Ipv4Addr, mac: MacAddr, create: bool, now: Instant) {
        if !st.neighbors.contains_key(&ip) {
            if !create || self.ensure_neighbor(st, ip, now).is_none() {
                return;
            }
            let d = desired(st, u32::from(ip), 32);
            if let Err(e) = self.apply_lpm(&[(ip, 32, d)]) {
                tracing::warn!("ARP {ip}: {e}");
            }
        }
        let router_mac = st.router_mac;
        let Some(n) = st.neighbors.get_mut(&ip) else {
            return;
        };
        if n.state == NeighborState::Static {
            return;
        }
        n.mac = Some(mac);
        n.state = NeighborState::Reachable;
        n.updated = now;
        n.probes = 0;
        self.shared
            .nexthops
            .set(n.slot, NextHop::Resolved { mac, vlan: n.vlan });
        let vlan = n.vlan;
        for mut m in std::mem::take(&mut n.held) {
            if let Some(d) = m.data_mut() {
                d[0..6].copy_from_slice(&mac.0);
                d[6..12].copy_from_slice(&router_mac.0);
                self.inject(m, vlan);
            }
        }
    }

    fn handle(&self, st: &mut State, p: Punt) {
        let Ok(eth) = EthernetFrame::new_checked(p.m.data()) else {
            return;
        };
        let l2 = eth.header_len();
        match (eth.ethertype(), p.why) {
            (EtherType::ARP, _) => self.on_arp(st, &p, l2),
            (EtherType::IPV4, why) => self.on_ipv4(st, p, l2, why),
            _ => {}
        }
    }

    fn on_arp(&self, st: &mut State, p: &Punt, l2: usize) {
        let Ok(a) = ArpPacket::new_checked(&p.m.data()[l2..]) else {
            return;
        };
        let Some(svi) = st.svis.get(&p.vlan).map(|s| s.addr) else {
            return;
        };
        let (sip, smac, tip) = (a.sender_ip(), a.sender_mac(), a.target_ip());
        if !smac.is_unicast() || sip == svi.addr {
            return;
        }
        let now = Instant::now();
        if svi.contains(sip) && !sip.is_unspecified() {
            self.learn(st, sip, smac, tip == svi.addr, now);
        }
        if a.operation() == ARP_REQUEST && tip == svi.addr {
            let router_mac = st.router_mac;
            let body = arp::build(ARP_REPLY, router_mac, svi.addr, smac, sip);
            if let Some(m) = self.frame(smac, router_mac, EtherType::ARP, &body) {
                self.counters.arp_replies.fetch_add(1, Ordering::Relaxed);
                self.inject(m, p.vlan);
            }
        }
    }

    fn on_ipv4(&self, st: &mut State, mut p: Punt, l2: usize, why: PuntReason) {
        let (src, dst, hl, proto, later_fragment) = {
            let Ok(ip) = Ipv4Packet::new_checked(&p.m.data()[l2..]) else {
                return;
            };
            (
                ip.src(),
                ip.dst(),
                ip.header_len(),
                ip.protocol(),
                ip.is_later_fragment(),
            )
        };
        let _ = later_fragment;
        match why {
            PuntReason::ForUs => {
                if proto != IpProtocol::ICMP {
                    return;
                }
                let reply = {
                    let ip = Ipv4Packet::new_checked(&p.m.data()[l2..]).expect("checked above");
                    icmp::echo_reply(ip.payload())
                };
                if let Some(r) = reply {
                    self.send_ip(st, dst, src, &r);
                }
            }
            PuntReason::Resolve(slot) => {
                // Hold the packet, as it will leave: untagged, TTL down.
                if l2 > 14 && !tag::pop_tag(&mut p.m) {
                    return;
                }
                let Some(d) = p.m.data_mut() else {
                    return;
                };
                decrement_ttl(&mut d[14..]);
                let target = if st.gleans.contains_key(&slot) {
                    dst
                } else {
                    match st.owners.get(&slot) {
                        Some(ip) => *ip,
                        None => return,
                    }
                };
                self.hold(st, target, p.m);
            }
            PuntReason::TtlExceeded => {
                self.icmp_error(st, &p, l2, hl, icmp::TIME_EXCEEDED, 0, 0);
            }
            PuntReason::NoRoute => {
                self.icmp_error(
                    st,
                    &p,
                    l2,
                    hl,
                    icmp::DEST_UNREACHABLE,
                    icmp::unreachable::NET,
                    0,
                );
            }
            PuntReason::FragNeeded(mtu) => {
                self.icmp_error(
                    st,
                    &p,
                    l2,
                    hl,
                    icmp::DEST_UNREACHABLE,
                    icmp::unreachable::FRAG_NEEDED,
                    u32::from(mtu),
                );
            }
        }
    }

    /// Sends an ICMP error about the punted packet back to its source, from
    /// the SVI it came in on; never about an ICMP error, a later fragment,
    /// or a packet from no one in particular.
    #[allow(clippy::too_many_arguments)]
    fn icmp_error(
        &self,
        st: &mut State,
        p: &Punt,
        l2: usize,
        hl: usize,
        kind: u8,
        code: u8,
        extra: u32,
    ) {
        let Some(from) = st.svis.get(&p.vlan).map(|s| s.addr.addr) else {
            return;
        };
        let (src, quote) = {
            let Ok(ip) = Ipv4Packet::new_checked(&p.m.data()[l2..]) else {
                return;
            };
            if ip.is_later_fragment()
                || ip.src().is_unspecified()
                || ip.src().is_broadcast()
                || ip.src().is_multicast()
            {
                return;
            }
            if ip.protocol() == IpProtocol::ICMP
                && ip
                    .payload()
                    .first()
                    .is_some_and(|t| !matches!(*t, icmp::ECHO_REQUEST | icmp::ECHO_REPLY))
            {
                return;
            }
            (ip.src(), p.m.data()[l2..l2 + ip.total_len()].to_vec())
        };
        let now = Instant::now();
        let refill =
            now.duration_since(st.icmp_refill).as_millis() as u64 * u64::from(ICMP_PER_SEC) / 1000;
        if refill > 0 {
            st.icmp_tokens = (st.icmp_tokens as u64 + refill).min(u64::from(ICMP_BURST)) as u32;
            st.icmp_refill = now;
        }
        if st.icmp_tokens == 0 {
            self.counters.icmp_limited.fetch_add(1, Ordering::Relaxed);
            return;
        }
        st.icmp_tokens -= 1;
        let msg = icmp::error(kind, code, extra, &quote, hl);
        self.send_ip(st, from, src, &msg);
    }

    /// Sends an ICMP message from the switch: routed like any packet, held
    /// if the next hop needs ARP first.
    fn send_ip(&self, st: &mut State, src: Ipv4Addr, dst: Ipv4Addr, icmp_msg: &[u8]) {
        let mut buf = vec![0u8; 14 + IPV4_HEADER_LEN + icmp_msg.len()];
        buf[12..14].copy_from_slice(&EtherType::IPV4.to_be_bytes());
        write_header(
            &mut buf[14..],
            src,
            dst,
            IpProtocol::ICMP,
            64,
            icmp_msg.len(),
        );
        buf[14 + IPV4_HEADER_LEN..].copy_from_slice(icmp_msg);
        let Some(mut m) = Mbuf::alloc(&self.shared.ctl_pool) else {
            return;
        };
        if !m.append(&buf) {
            return;
        }
        self.counters.icmp_sent.fetch_add(1, Ordering::Relaxed);
        let Some(id) = self.shared.lpm.lookup(dst) else {
            return;
        };
        match self.shared.nexthops.get(id) {
            NextHop::Resolved { mac, vlan } => {
                if let Some(d) = m.data_mut() {
                    d[0..6].copy_from_slice(&mac.0);
                    d[6..12].copy_from_slice(&st.router_mac.0);
                }
                self.inject(m, vlan);
            }
            NextHop::Resolve { .. } => {
                let target = if st.gleans.contains_key(&id) {
                    Some(dst)
                } else {
                    st.owners.get(&id).copied()
                };
                if let Some(t) = target {
                    self.hold(st, t, m);
                }
            }
            _ => {}
        }
    }

    /// Holds `m` (untagged, L2 addresses to fill) until `target` answers
    /// ARP, asking it now if it was not asked lately.
    fn hold(&self, st: &mut State, target: Ipv4Addr, m: Mbuf) {
        let now = Instant::now();
        if !st.neighbors.contains_key(&target) {
            if self.ensure_neighbor(st, target, now).is_none() {
                return;
            }
            let d = desired(st, u32::from(target), 32);
            if let Err(e) = self.apply_lpm(&[(target, 32, d)]) {
                tracing::warn!("ARP {target}: {e}");
            }
        }
        let Some(n) = st.neighbors.get_mut(&target) else {
            return;
        };
        if n.held.len() < HELD_MAX {
            n.held.push(m);
        } else {
            self.counters.held_dropped.fetch_add(1, Ordering::Relaxed);
        }
        let due = n
            .last_probe
            .is_none_or(|t| now.duration_since(t) >= ARP_RETRY);
        if n.state == NeighborState::Incomplete && due {
            n.last_probe = Some(now);
            n.probes += 1;
            let vlan = n.vlan;
            self.arp_request(st, vlan, target);
        }
    }

    fn arp_request(&self, st: &State, vlan: u16, target: Ipv4Addr) {
        let Some(svi) = st.svis.get(&vlan) else {
            return;
        };
        let body = arp::build(
            ARP_REQUEST,
            st.router_mac,
            svi.addr.addr,
            MacAddr([0; 6]),
            target,
        );
        if let Some(m) = self.frame(MacAddr::BROADCAST, st.router_mac, EtherType::ARP, &body) {
            self.counters.arp_requests.fetch_add(1, Ordering::Relaxed);
            self.inject(m, vlan);
        }
    }

    /// An untagged frame with `body` after its Ethernet header.
    fn frame(&self, dst: MacAddr, src: MacAddr, ethertype: u16, body: &[u8]) -> Option<Mbuf> {
        let mut m = Mbuf::alloc(&self.shared.ctl_pool)?;
        let mut hdr = [0u8; 14];
        hdr[0..6].copy_from_slice(&dst.0);
        hdr[6..12].copy_from_slice(&src.0);
        hdr[12..14].copy_from_slice(&ethertype.to_be_bytes());
        (m.append(&hdr) && m.append(body)).then_some(m)
    }

    fn inject(&self, m: Mbuf, vlan: u16) {
        if self.shared.inject.push(Inject { m, vlan }).is_err() {
            self.counters.inject_full.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Once a second: retries ARP, gives up on silent neighbors, ages the
    /// table, and lets freed slots and LPM groups be reused.
    fn tick(&self, st: &mut State, now: Instant) {
        st.slots.tick(now);
        self.shared.lpm.reclaim_aged();
        let mut retry: Vec<(u16, Ipv4Addr)> = Vec::new();
        let mut failed: Vec<Ipv4Addr> = Vec::new();
        let mut expired: Vec<Ipv4Addr> = Vec::new();
        for (ip, n) in st.neighbors.iter_mut() {
            let since = now.duration_since(n.last_probe.unwrap_or(n.updated));
            match n.state {
                NeighborState::Incomplete if since >= ARP_RETRY => {
                    if n.probes < ARP_TRIES
                        && (n.probes > 0 || !n.held.is_empty() || st.gateways.contains_key(ip))
                    {
                        n.probes += 1;
                        n.last_probe = Some(now);
                        retry.push((n.vlan, *ip));
                    } else if n.probes >= ARP_TRIES {
                        failed.push(*ip);
                    }
                }
                NeighborState::Failed if now.duration_since(n.updated) >= FAILED_HOLD => {
                    expired.push(*ip);
                }
                NeighborState::Reachable if now.duration_since(n.updated) >= st.arp_timeout => {
                    expired.push(*ip);
                }
                _ => {}
            }
        }
        for (vlan, ip) in retry {
            self.arp_request(st, vlan, ip);
        }
        for ip in failed {
            if let Some(n) = st.neighbors.get_mut(&ip) {
                n.state = NeighborState::Failed;
                n.updated = now;
                self.shared.nexthops.set(n.slot, NextHop::Unreachable);
                self.counters
                    .held_dropped
                    .fetch_add(n.held.len() as u64, Ordering::Relaxed);
                n.held.clear();
                tracing::debug!(%ip, "ARP: no answer");
            }
        }
        for ip in expired {
            if st.gateways.contains_key(&ip) {
                // A gateway stays: ask again (a Reachable one keeps
                // forwarding while it is asked).
                if let Some(n) = st.neighbors.get_mut(&ip) {
                    if n.state == NeighborState::Failed {
                        n.state = NeighborState::Incomplete;
                        n.probes = 0;
                        self.shared
                            .nexthops
                            .set(n.slot, NextHop::Resolve { vlan: n.vlan });
                    } else {
                        n.updated = now;
                        let vlan = n.vlan;
                        self.arp_request(st, vlan, ip);
                    }
                }
                continue;
            }
            self.drop_neighbor(st, ip, now);
            let d = desired(st, u32::from(ip), 32);
            if let Err(e) = self.apply_lpm(&[(ip, 32, d)]) {
                tracing::warn!("ARP aging {ip}: {e}");
            }
        }
    }
}

fn unref_gateway(st: &mut State, gw: Ipv4Addr) {
    if let Some(r) = st.gateways.get_mut(&gw) {
        *r -= 1;
        if *r == 0 {
            st.gateways.remove(&gw);
        }
    }
}

/// The VLAN of the SVI whose subnet holds `ip`.
fn connected_vlan(st: &State, ip: Ipv4Addr) -> Option<u16> {
    st.svis
        .iter()
        .find(|(_, s)| s.addr.contains(ip))
        .map(|(v, _)| *v)
}

/// What the LPM should hold for `net/len` (see the module's precedence).
fn desired(st: &State, net: u32, len: u8) -> Option<u32> {
    for s in st.svis.values() {
        if len == 32 && u32::from(s.addr.addr) == net {
            return Some(LOCAL);
        }
    }
    for s in st.svis.values() {
        if s.addr.len == len && u32::from(s.addr.network()) == net {
            return Some(s.glean);
        }
    }
    if let Some(gw) = st.routes.get(&(net, len)) {
        if let Some(n) = st.neighbors.get(gw) {
            return Some(n.slot);
        }
    }
    if len == 32 {
        if let Some(n) = st.neighbors.get(&Ipv4Addr::from(net)) {
            return Some(n.slot);
        }
    }
    None
}
