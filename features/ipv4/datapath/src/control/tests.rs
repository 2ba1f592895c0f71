//! The control thread's logic with real DPDK buffers (an EAL without huge
//! pages or devices): frames are punted to it as the workers would, and
//! what it sends is read back from the inject channel and parsed.

use super::*;
use dataplane::eal::Eal;
use dataplane::graph::Pipeline;
use dataplane::mempool::{PktPool, DEFAULT_DATA_ROOM};
use dataplane::wire::icmp::{ECHO_REPLY, ECHO_REQUEST, TIME_EXCEEDED};
use dataplane::wire::ipv4::checksum;
use std::sync::atomic::AtomicUsize;
use std::sync::Once;

const ROUTER: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xfe]);
const HOST: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x05]);
const GW: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x54]);

fn ip(s: &str) -> Ipv4Addr {
    s.parse().expect("address")
}

/// One EAL for the test process: no huge pages, no devices.
fn eal() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let args: Vec<String> = [
            "--no-huge",
            "-m",
            "512",
            "--no-shconf",
            "--no-pci",
            "--lcores",
            "0",
            "--log-level",
            "error",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Kept for the life of the process.
        std::mem::forget(Eal::init(&args).expect("EAL without huge pages"));
    });
}

/// A control thread's state over fresh tables, driven by hand.
struct Rig {
    l3: Arc<L3Control>,
    shared: Arc<Shared>,
}

impl Rig {
    fn new() -> Rig {
        eal();
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let pool =
            |what: &str, room: u16| PktPool::new(&format!("t{what}{n}"), 511, room).expect("pool");
        let shared = Arc::new(Shared::new(
            1,
            1_000_000_000,
            (
                pool("h", DEFAULT_DATA_ROOM),
                pool("c", DEFAULT_DATA_ROOM),
                pool("p", DEFAULT_DATA_ROOM),
            ),
            Pipeline::new(),
        ));
        let tables = crate::Ipv4Datapath::default().tables;
        let l3 = Arc::new(L3Control::new(shared.clone(), tables, ROUTER));
        let svis = [(
            10,
            SviAddr {
                addr: ip("10.0.10.1"),
                len: 24,
            },
        )]
        .into();
        l3.set_svis(&svis).expect("svi");
        Rig { l3, shared }
    }

    /// Hands `frame` (received in `vlan`) to the control thread.
    fn punt(&self, vlan: u16, frame: &[u8], why: PuntReason) {
        let mut m = Mbuf::alloc(&self.shared.ctl_pool).expect("buffer");
        assert!(m.append(frame));
        let mut st = self.l3.st();
        self.l3.handle(
            &mut st,
            Punt {
                m,
                port: 0,
                vlan,
                why,
            },
        );
    }

    /// HOST (10.0.10.5) asks ARP for `target`, received in `vlan`.
    fn host_asks(&self, vlan: u16, target: &str) {
        let req = arp_frame(
            ArpOperation::Request,
            HOST,
            "10.0.10.5",
            MacAddr([0; 6]),
            target,
        );
        self.punt(vlan, &req, PuntReason::ForUs);
    }

    /// What the control thread sent since the last call: (VLAN, frame).
    fn sent(&self) -> Vec<(u16, Vec<u8>)> {
        std::iter::from_fn(|| self.shared.inject.pop())
            .map(|i| (i.vlan, i.m.data().to_vec()))
            .collect()
    }
}

fn ethernet(dst: MacAddr, src: MacAddr, ethertype: EtherType, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(dst.0);
    f.extend(src.0);
    f.extend(ethertype.raw().to_be_bytes());
    f.extend(body);
    f
}

fn arp_frame(op: ArpOperation, smac: MacAddr, sip: &str, tmac: MacAddr, tip: &str) -> Vec<u8> {
    let dst = if op == ArpOperation::Request {
        MacAddr::BROADCAST
    } else {
        tmac
    };
    let body = ArpRepr {
        operation: op,
        sender_mac: smac,
        sender_ip: ip(sip),
        target_mac: tmac,
        target_ip: ip(tip),
    }
    .emit();
    ethernet(dst, smac, EtherType::Arp, &body)
}

/// An IPv4 packet with an ICMP echo request of `ttl`.
fn ping(dst_mac: MacAddr, src: &str, dst: &str, ttl: u8) -> Vec<u8> {
    let mut icmp_msg = vec![ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1];
    icmp_msg.extend(b"lisa-dp!");
    let c = checksum(&icmp_msg);
    icmp_msg[2..4].copy_from_slice(&c.to_be_bytes());
    let repr = Ipv4Repr {
        src: ip(src),
        dst: ip(dst),
        protocol: IpProtocol::Icmp,
        ttl,
        payload_len: icmp_msg.len(),
    };
    let mut pkt = vec![0u8; repr.header_len()];
    repr.emit(&mut pkt);
    pkt.extend(icmp_msg);
    ethernet(dst_mac, HOST, EtherType::Ipv4, &pkt)
}

/// The sender IP, target IP and operation of an ARP frame.
fn arp_of(frame: &[u8]) -> (Ipv4Addr, Ipv4Addr, ArpOperation) {
    let a = ArpRepr::parse(&ArpPacket::new_checked(&frame[14..]).expect("an ARP frame"));
    (a.sender_ip, a.target_ip, a.operation)
}

#[test]
fn arp_for_the_svi_is_answered_and_teaches_the_neighbor() {
    let r = Rig::new();
    r.host_asks(10, "10.0.10.1");
    let sent = r.sent();
    assert_eq!(sent.len(), 1, "one reply");
    let (vlan, f) = &sent[0];
    assert_eq!(*vlan, 10);
    let eth = EthernetFrame::new_checked(&f[..]).unwrap();
    assert_eq!((eth.dst(), eth.src()), (HOST, ROUTER));
    assert_eq!(
        arp_of(f),
        (ip("10.0.10.1"), ip("10.0.10.5"), ArpOperation::Reply),
        "the SVI answers for itself"
    );
    let n = r.l3.arp_table();
    assert!(
        n.iter()
            .any(|e| e.ip == ip("10.0.10.5") && e.mac == Some(HOST)),
        "{n:?}"
    );
    assert_eq!(
        r.l3.lookup(ip("10.0.10.5")),
        Some(NextHop::Resolved {
            mac: HOST,
            vlan: 10
        }),
        "the neighbor is routed to directly"
    );
    // A request for another address, or from another subnet's VLAN, gets
    // no answer.
    r.host_asks(10, "10.0.10.9");
    r.host_asks(20, "10.0.10.1");
    assert!(r.sent().is_empty());
}

#[test]
fn the_lpm_follows_the_precedence_of_routes() {
    let r = Rig::new();
    assert_eq!(
        r.l3.lookup(ip("10.0.10.1")),
        Some(NextHop::Local),
        "own address"
    );
    assert!(
        matches!(
            r.l3.lookup(ip("10.0.10.77")),
            Some(NextHop::Resolve { vlan: 10 })
        ),
        "connected: resolve on demand"
    );
    let via = StaticRoute {
        net: ip("10.9.0.0"),
        len: 16,
        next_hop: RouteNextHop::Gateway(ip("10.0.10.254")),
    };
    r.l3.change_routes(&[via], &[]).unwrap();
    assert!(matches!(
        r.l3.lookup(ip("10.9.3.4")),
        Some(NextHop::Resolve { vlan: 10 })
    ));
    // The first packet through the route asks for the gateway, and waits.
    let slot = r.l3.tables.lpm.lookup(ip("10.9.3.4")).unwrap();
    r.punt(
        10,
        &ping(ROUTER, "10.0.10.5", "10.9.3.4", 64),
        PuntReason::Resolve(slot),
    );
    let asked = r.sent();
    assert!(
        asked.len() == 1
            && arp_of(&asked[0].1) == (ip("10.0.10.1"), ip("10.0.10.254"), ArpOperation::Request),
        "the gateway is asked for: {asked:?}"
    );
    r.punt(
        10,
        &arp_frame(ArpOperation::Reply, GW, "10.0.10.254", ROUTER, "10.0.10.1"),
        PuntReason::ForUs,
    );
    assert_eq!(
        r.l3.lookup(ip("10.9.3.4")),
        Some(NextHop::Resolved { mac: GW, vlan: 10 }),
        "the route follows its gateway"
    );
    let sent = r.sent();
    assert_eq!(sent.len(), 1, "the held packet leaves: {sent:?}");
    assert_eq!(
        EthernetFrame::new_checked(&sent[0].1[..]).unwrap().dst(),
        GW
    );
    let routes = r.l3.routes();
    assert!(routes.iter().any(
        |e| e.net == ip("10.9.0.0") && matches!(e.kind, RouteKind::Static { active: true, .. })
    ));
    // The SVI goes: its subnet, its neighbors and the route through it go.
    r.l3.set_svis(&BTreeMap::new()).unwrap();
    assert_eq!(r.l3.lookup(ip("10.0.10.1")), None);
    assert_eq!(r.l3.lookup(ip("10.9.3.4")), None, "no gateway, no route");
    assert!(r
        .l3
        .routes()
        .iter()
        .any(|e| matches!(e.kind, RouteKind::Static { active: false, .. })));
}

/// `ip route 10.8.0.0 255.255.0.0 Null0` drops; `ip route 172.16.6.0
/// 255.255.255.0 Vlan10` asks each destination by ARP in VLAN 10 (a
/// router there answers by proxy ARP) and forwards to what answered;
/// `... Vlan10 10.0.20.9` is inactive while the gateway is not in Vlan10.
#[test]
fn routes_out_of_an_svi_or_to_null0() {
    let r = Rig::new();
    let route = |net: &str, len: u8, next_hop: RouteNextHop| StaticRoute {
        net: ip(net),
        len,
        next_hop,
    };
    r.l3.change_routes(
        &[
            route("10.8.0.0", 16, RouteNextHop::Null0),
            route("172.16.6.0", 24, RouteNextHop::Interface(10)),
            route(
                "172.16.7.0",
                24,
                RouteNextHop::InterfaceGateway(10, ip("10.0.20.9")),
            ),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(r.l3.lookup(ip("10.8.1.1")), Some(NextHop::Discard));
    assert_eq!(r.l3.lookup(ip("172.16.7.1")), None, "gateway not in Vlan10");
    assert!(matches!(
        r.l3.lookup(ip("172.16.6.9")),
        Some(NextHop::Resolve { vlan: 10 })
    ));
    let slot = r.l3.tables.lpm.lookup(ip("172.16.6.9")).unwrap();
    r.punt(
        10,
        &ping(ROUTER, "10.0.10.5", "172.16.6.9", 64),
        PuntReason::Resolve(slot),
    );
    let asked = r.sent();
    assert!(
        asked.len() == 1
            && arp_of(&asked[0].1) == (ip("10.0.10.1"), ip("172.16.6.9"), ArpOperation::Request),
        "the destination itself is asked for in VLAN 10: {asked:?}"
    );
    r.punt(
        10,
        &arp_frame(ArpOperation::Reply, GW, "172.16.6.9", ROUTER, "10.0.10.1"),
        PuntReason::ForUs,
    );
    assert_eq!(
        r.l3.lookup(ip("172.16.6.9")),
        Some(NextHop::Resolved { mac: GW, vlan: 10 })
    );
    assert_eq!(r.sent().len(), 1, "the held packet leaves");
    // An answer from outside the subnet that was not asked for teaches
    // nothing.
    r.punt(
        10,
        &arp_frame(ArpOperation::Reply, GW, "172.16.6.10", ROUTER, "10.0.10.1"),
        PuntReason::ForUs,
    );
    assert!(!r.l3.arp_table().iter().any(|e| e.ip == ip("172.16.6.10")));
    let active: Vec<(Ipv4Addr, bool)> =
        r.l3.routes()
            .iter()
            .filter_map(|e| match e.kind {
                RouteKind::Static { active, .. } => Some((e.net, active)),
                _ => None,
            })
            .collect();
    assert_eq!(
        active,
        [
            (ip("10.8.0.0"), true),
            (ip("172.16.6.0"), true),
            (ip("172.16.7.0"), false)
        ]
    );
    // Without its SVI the route out of it goes, with what it resolved.
    r.l3.set_svis(&BTreeMap::new()).unwrap();
    assert_eq!(r.l3.lookup(ip("172.16.6.9")), None);
    assert_eq!(r.l3.lookup(ip("10.8.1.1")), Some(NextHop::Discard));
}

#[test]
fn pings_are_answered_and_expired_packets_get_an_error() {
    let r = Rig::new();
    r.host_asks(10, "10.0.10.1");
    r.sent();
    r.punt(
        10,
        &ping(ROUTER, "10.0.10.5", "10.0.10.1", 64),
        PuntReason::ForUs,
    );
    let sent = r.sent();
    assert_eq!(sent.len(), 1);
    let f = &sent[0].1;
    let p = Ipv4Packet::new_checked(&f[14..]).unwrap();
    assert_eq!((p.src(), p.dst()), (ip("10.0.10.1"), ip("10.0.10.5")));
    assert_eq!(p.payload()[0], ECHO_REPLY);
    assert_eq!(
        &p.payload()[8..],
        b"lisa-dp!",
        "the echo carries the data back"
    );
    r.punt(
        10,
        &ping(ROUTER, "10.0.10.5", "10.9.9.9", 1),
        PuntReason::TtlExceeded,
    );
    let sent = r.sent();
    assert_eq!(sent.len(), 1);
    let p = Ipv4Packet::new_checked(&sent[0].1[14..]).unwrap();
    assert_eq!(p.dst(), ip("10.0.10.5"));
    assert_eq!(p.payload()[0], TIME_EXCEEDED, "time exceeded goes back");
}

#[test]
fn a_packet_waits_for_its_neighbor_then_leaves_rewritten() {
    let r = Rig::new();
    let target = ip("10.0.10.9");
    let slot = r.l3.tables.lpm.lookup(target).expect("connected");
    r.punt(
        10,
        &ping(ROUTER, "10.0.20.5", "10.0.10.9", 64),
        PuntReason::Resolve(slot),
    );
    let asked = r.sent();
    assert_eq!(asked.len(), 1, "an ARP request, the packet held: {asked:?}");
    assert_eq!(
        arp_of(&asked[0].1),
        (ip("10.0.10.1"), target, ArpOperation::Request)
    );
    let nmac = MacAddr([0x02, 0, 0, 0, 0, 0x09]);
    r.punt(
        10,
        &arp_frame(ArpOperation::Reply, nmac, "10.0.10.9", ROUTER, "10.0.10.1"),
        PuntReason::ForUs,
    );
    let sent = r.sent();
    assert_eq!(sent.len(), 1, "the held packet: {sent:?}");
    let eth = EthernetFrame::new_checked(&sent[0].1[..]).unwrap();
    assert_eq!((eth.dst(), eth.src()), (nmac, ROUTER));
    let p = Ipv4Packet::new_checked(&sent[0].1[14..]).unwrap();
    assert_eq!((p.dst(), p.ttl()), (target, 63), "rewritten as routed");
    assert_eq!(checksum(p.header()), 0, "a valid header checksum");
}

impl Rig {
    /// Runs the neighbor timers as if `after` had passed since `t0`.
    fn expire_at(&self, t0: Instant, after: Duration) {
        let mut st = self.l3.st();
        self.l3.expire_neighbors(&mut st, t0 + after);
    }

    /// The state of `ip`'s ARP entry, if it has one.
    fn arp_state(&self, ip: Ipv4Addr) -> Option<NeighborState> {
        self.l3
            .arp_table()
            .into_iter()
            .find(|e| e.ip == ip)
            .map(|e| e.state)
    }
}

#[test]
fn a_silent_neighbor_is_asked_three_times_then_unreachable_then_forgotten() {
    let r = Rig::new();
    let target = ip("10.0.10.9");
    let slot = r.l3.tables.lpm.lookup(target).expect("connected");
    let t0 = Instant::now();
    r.punt(
        10,
        &ping(ROUTER, "10.0.20.5", "10.0.10.9", 64),
        PuntReason::Resolve(slot),
    );
    assert_eq!(r.sent().len(), 1, "first request");
    r.expire_at(t0, Duration::from_millis(500));
    assert!(r.sent().is_empty(), "no retry before a second");
    for try_no in 2..=3 {
        r.expire_at(t0, ARP_RETRY * (try_no - 1) + Duration::from_millis(10));
        let sent = r.sent();
        assert_eq!(sent.len(), 1, "request {try_no}: {sent:?}");
        assert_eq!(
            arp_of(&sent[0].1),
            (ip("10.0.10.1"), target, ArpOperation::Request)
        );
    }
    assert_eq!(r.arp_state(target), Some(NeighborState::Incomplete));
    let gave_up = ARP_RETRY * 3 + Duration::from_millis(20);
    r.expire_at(t0, gave_up);
    assert_eq!(r.arp_state(target), Some(NeighborState::Failed));
    assert_eq!(r.l3.counters.held_dropped.load(Ordering::Relaxed), 1);
    r.expire_at(t0, gave_up + FAILED_HOLD + Duration::from_millis(10));
    assert_eq!(r.arp_state(target), None, "forgotten after the hold");
    assert!(r.sent().is_empty());
}

#[test]
fn learned_entries_age_out_and_a_new_timeout_applies_to_them() {
    let r = Rig::new();
    r.l3.set_arp_timeout(Duration::from_secs(60));
    let t0 = Instant::now();
    r.host_asks(10, "10.0.10.1");
    r.sent();
    let host = ip("10.0.10.5");
    assert_eq!(r.arp_state(host), Some(NeighborState::Reachable));
    r.expire_at(t0, Duration::from_secs(59));
    assert_eq!(r.arp_state(host), Some(NeighborState::Reachable));
    r.l3.set_arp_timeout(Duration::from_secs(120));
    r.expire_at(t0, Duration::from_secs(61));
    assert_eq!(
        r.arp_state(host),
        Some(NeighborState::Reachable),
        "new timeout"
    );
    r.expire_at(t0, Duration::from_secs(121));
    assert_eq!(r.arp_state(host), None, "aged out");
    assert!(
        r.l3.tables.lpm.lookup(host).is_some(),
        "the subnet's glean stays"
    );
}

/// The slot of `target`'s glean (a connected address not yet a neighbor).
fn resolve_slot(r: &Rig, target: &str) -> PuntReason {
    PuntReason::Resolve(r.l3.tables.lpm.lookup(ip(target)).expect("connected"))
}

#[test]
fn a_scan_of_a_subnet_is_rate_limited_and_cannot_drain_the_pool() {
    let r = Rig::new();
    // Resolving new neighbors: a burst of RESOLVE_BURST, then dropped.
    let mut asked = 0;
    for host in 2..=254u32 {
        let target = format!("10.0.10.{host}");
        r.punt(
            10,
            &ping(ROUTER, "10.0.20.5", &target, 64),
            resolve_slot(&r, &target),
        );
        asked += r.sent().len();
    }
    assert_eq!(
        asked, RESOLVE_BURST as usize,
        "one ARP request per new neighbor, up to the burst"
    );
    assert_eq!(
        r.l3.counters.resolve_limited.load(Ordering::Relaxed),
        253 - u64::from(RESOLVE_BURST)
    );
    assert!(r.l3.st().held_total <= RESOLVE_BURST as usize);
}

#[test]
fn held_packets_stop_at_the_global_cap_and_are_released_with_their_neighbor() {
    let r = Rig::new();
    r.l3.st().held_cap = 12;
    for host in [7u32, 8] {
        let target = format!("10.0.10.{host}");
        for _ in 0..HELD_MAX {
            r.punt(
                10,
                &ping(ROUTER, "10.0.20.5", &target, 64),
                resolve_slot(&r, &target),
            );
        }
    }
    r.sent();
    assert_eq!(
        r.l3.st().held_total,
        12,
        "8 for the first, 4 for the second"
    );
    assert_eq!(r.l3.counters.held_cap.load(Ordering::Relaxed), 4);
    // The first answers: its 8 leave, and there is room again.
    let nmac = MacAddr([0x02, 0, 0, 0, 0, 0x07]);
    r.punt(
        10,
        &arp_frame(ArpOperation::Reply, nmac, "10.0.10.7", ROUTER, "10.0.10.1"),
        PuntReason::ForUs,
    );
    assert_eq!(r.sent().len(), 8);
    assert_eq!(r.l3.st().held_total, 4);
}

/// An Ethernet frame from HOST to the router with an IPv4 packet carrying
/// ICMP message `msg`.
fn icmp_frame(src: &str, dst: &str, msg: &[u8]) -> Vec<u8> {
    let repr = Ipv4Repr {
        src: ip(src),
        dst: ip(dst),
        protocol: IpProtocol::Icmp,
        ttl: 64,
        payload_len: msg.len(),
    };
    let mut pkt = vec![0u8; repr.header_len()];
    repr.emit(&mut pkt);
    pkt.extend(msg);
    ethernet(ROUTER, HOST, EtherType::Ipv4, &pkt)
}

/// A pinger whose answers are collected.
fn pinger(r: &Rig) -> (Pinger, Arc<Mutex<Vec<EchoAnswer>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let p =
        r.l3.open_pinger(Box::new(move |a| sink.lock().unwrap().push(a)))
            .expect("a pinger");
    (p, got)
}

fn echo(dst: &str, ttl: u8, size: usize, seq: u16) -> EchoRequest {
    EchoRequest {
        dst: ip(dst),
        src: None,
        ttl,
        size,
        seq,
    }
}

#[test]
fn the_switch_pings_a_neighbor_after_arp_and_hears_its_reply() {
    let r = Rig::new();
    let (p, got) = pinger(&r);
    let sent = p.send(&echo("10.0.10.5", 255, 100, 1)).expect("sent");
    assert_eq!(
        sent.source,
        Some(ip("10.0.10.1")),
        "the egress SVI's address"
    );
    let asked = r.sent();
    assert!(
        asked.len() == 1
            && arp_of(&asked[0].1) == (ip("10.0.10.1"), ip("10.0.10.5"), ArpOperation::Request),
        "the echo waits for ARP: {asked:?}"
    );
    r.punt(
        10,
        &arp_frame(ArpOperation::Reply, HOST, "10.0.10.5", ROUTER, "10.0.10.1"),
        PuntReason::ForUs,
    );
    let out = r.sent();
    assert_eq!(out.len(), 1, "the held echo request leaves: {out:?}");
    let (vlan, f) = &out[0];
    assert_eq!(*vlan, 10);
    assert_eq!(EthernetFrame::new_checked(&f[..]).unwrap().dst(), HOST);
    let req = Ipv4Packet::new_checked(&f[14..]).unwrap();
    assert_eq!(
        (req.src(), req.dst(), req.ttl(), req.total_len()),
        (ip("10.0.10.1"), ip("10.0.10.5"), 255, 100)
    );
    let msg = req.payload();
    assert_eq!((msg[0], checksum(msg)), (ECHO_REQUEST, 0));
    assert_eq!(
        dataplane::wire::icmp::echo_ident_seq(msg),
        Some((p.ident(), 1))
    );
    // The host answers: the pinger hears it, from the host.
    let reply = dataplane::wire::icmp::echo_reply(msg).unwrap();
    r.punt(
        10,
        &icmp_frame("10.0.10.5", "10.0.10.1", &reply),
        PuntReason::ForUs,
    );
    {
        let got = got.lock().unwrap();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            (got[0].seq, got[0].kind, got[0].from),
            (1, EchoAnswerKind::Reply, ip("10.0.10.5"))
        );
        assert!(got[0].at >= sent.at);
    }
    // A reply with another identifier is someone else's.
    let mut other = dataplane::wire::icmp::echo_request(p.ident().wrapping_add(7), 1, 8);
    other = dataplane::wire::icmp::echo_reply(&other).unwrap();
    r.punt(
        10,
        &icmp_frame("10.0.10.5", "10.0.10.1", &other),
        PuntReason::ForUs,
    );
    assert_eq!(got.lock().unwrap().len(), 1);
    // Pings to the switch are still answered while it pings.
    r.punt(
        10,
        &ping(ROUTER, "10.0.10.5", "10.0.10.1", 64),
        PuntReason::ForUs,
    );
    let out = r.sent();
    assert_eq!(out.len(), 1);
    let p2 = Ipv4Packet::new_checked(&out[0].1[14..]).unwrap();
    assert_eq!(p2.payload()[0], ECHO_REPLY);
    assert!(
        r.sent().is_empty(),
        "the reply to our own ping went nowhere"
    );
}

#[test]
fn icmp_errors_quoting_our_echo_requests_reach_the_pinger() {
    let r = Rig::new();
    r.host_asks(10, "10.0.10.1");
    r.sent();
    let (p, got) = pinger(&r);
    p.send(&echo("10.0.10.5", 1, 36, 9)).unwrap();
    let out = r.sent();
    assert_eq!(out.len(), 1, "the neighbor is known: sent at once");
    let probe = &out[0].1[14..];
    assert_eq!(Ipv4Packet::new_checked(probe).unwrap().ttl(), 1);
    // A router (10.0.10.5) says the TTL ran out; another, unreachable.
    let expired = dataplane::wire::icmp::error(TIME_EXCEEDED, 0, 0, probe, 20);
    r.punt(
        10,
        &icmp_frame("10.0.10.5", "10.0.10.1", &expired),
        PuntReason::ForUs,
    );
    let unreachable = dataplane::wire::icmp::error(3, 1, 0, probe, 20);
    r.punt(
        10,
        &icmp_frame("10.0.10.6", "10.0.10.1", &unreachable),
        PuntReason::ForUs,
    );
    // An error about someone else's echo request is not ours.
    let mut foreign = probe.to_vec();
    foreign[12..16].copy_from_slice(&[10, 0, 10, 9]);
    let foreign = dataplane::wire::icmp::error(TIME_EXCEEDED, 0, 0, &foreign, 20);
    r.punt(
        10,
        &icmp_frame("10.0.10.5", "10.0.10.1", &foreign),
        PuntReason::ForUs,
    );
    let got: Vec<(u16, EchoAnswerKind, Ipv4Addr)> = got
        .lock()
        .unwrap()
        .iter()
        .map(|a| (a.seq, a.kind, a.from))
        .collect();
    assert_eq!(
        got,
        [
            (9, EchoAnswerKind::TimeExceeded(0), ip("10.0.10.5")),
            (9, EchoAnswerKind::Unreachable(1), ip("10.0.10.6")),
        ]
    );
    assert!(r.sent().is_empty(), "no ICMP error about an ICMP error");
}

#[test]
fn ping_sources_sizes_own_addresses_and_closing() {
    let r = Rig::new();
    let (p, got) = pinger(&r);
    let mut req = echo("10.0.10.5", 255, 100, 1);
    req.src = Some(ip("10.0.10.77"));
    assert_eq!(
        p.send(&req),
        Err(PingError::NotOurAddress(ip("10.0.10.77")))
    );
    assert_eq!(
        p.send(&echo("10.0.10.5", 255, 35, 1)),
        Err(PingError::Size(35))
    );
    // No route: nothing goes, no source.
    let sent = p.send(&echo("192.0.2.1", 255, 100, 1)).unwrap();
    assert_eq!(sent.source, None);
    assert!(r.sent().is_empty());
    // The switch's own address answers at once.
    let sent = p.send(&echo("10.0.10.1", 255, 100, 2)).unwrap();
    assert_eq!(sent.source, Some(ip("10.0.10.1")));
    assert!(r.sent().is_empty());
    assert_eq!(
        got.lock().unwrap().as_slice(),
        [EchoAnswer {
            seq: 2,
            kind: EchoAnswerKind::Reply,
            from: ip("10.0.10.1"),
            at: sent.at
        }]
    );
    // A datagram larger than one buffer goes as a chain.
    r.host_asks(10, "10.0.10.1");
    r.sent();
    p.send(&echo("10.0.10.5", 255, 5000, 3)).unwrap();
    let big = r.shared.inject.pop().expect("the big echo request");
    assert_eq!(big.m.pkt_len(), 14 + 5000);
    assert!(big.m.len() < 5000, "chained");
    // Identifiers are per pinger; a closed one hears nothing more.
    let (q, _) = pinger(&r);
    assert_ne!(p.ident(), q.ident());
    let ident = p.ident();
    drop(p);
    drop(q);
    let reply = dataplane::wire::icmp::echo_request(ident, 4, 8);
    r.punt(
        10,
        &icmp_frame(
            "10.0.10.5",
            "10.0.10.1",
            &dataplane::wire::icmp::echo_reply(&reply).unwrap(),
        ),
        PuntReason::ForUs,
    );
    assert_eq!(got.lock().unwrap().len(), 1);
    assert_eq!(r.l3.pingers.open.load(Ordering::Relaxed), 0);
}
