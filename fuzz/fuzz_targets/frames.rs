//! Received frames: the parsers of `dataplane::wire` (Ethernet, 802.1Q,
//! IPv4, ARP, ICMP), the L2 ingress decision of `eth-input`
//! (`lisa_l2_datapath::input::{ingress, plain_vlan}`) on a port whose
//! mode comes from the input, and the IPv4 route decision
//! (`lisa_ipv4_datapath::route::route`) over a small routing table, the
//! LLDP agent reading the frame as an LLDPDU and the spanning tree reading
//! it as a BPDU. No
//! DPDK EAL: these are the pure functions the workers call on each frame.
//!
//! Input: 8 bytes of port settings (see `Port::from`), then the frame.
//!
//! Properties: nothing panics; the fast path (`plain_vlan`) agrees with
//! the full ingress decision; an admitted frame's VLAN is active and
//! carried by its port; parsed headers emit back to what parses the same;
//! checksums the switch writes verify; a forwarded packet's TTL drops by
//! one and its header checksum stays right.
#![no_main]

use dataplane::shared::PortFwd;
use dataplane::vlan::{PortMode, VlanSet};
use dataplane::wire::arp::ArpPacket;
use dataplane::wire::ethernet::{addresses, ethertype_after_tag, is_group, ETHERNET_HEADER_LEN};
use dataplane::wire::ipv4::{checksum, peek_dst};
use dataplane::wire::vlan::{insert_tag, other_form_header, remove_tag, set_tag_vid};
use dataplane::wire::{
    icmp, l2_header_len, ArpRepr, EthernetFrame, EthernetRepr, Ipv4Packet, Ipv4Repr, MacAddr,
    TAGGED_HEADER_LEN,
};
use libfuzzer_sys::fuzz_target;
use lisa_ipv4_datapath::lpm::Lpm;
use lisa_ipv4_datapath::nexthop::{NextHop, NextHopTable, LOCAL};
use lisa_ipv4_datapath::route::{route, RouteVerdict};
use lisa_l2_datapath::input::{ingress, plain_vlan, Ingress};
use std::net::Ipv4Addr;
use std::sync::OnceLock;

/// Bytes of port settings before the frame.
const SETTINGS: usize = 8;

/// The port a frame arrives on, and the VLANs that exist.
struct Port {
    pin: PortFwd,
    active: VlanSet,
}

impl Port {
    /// Settings from 8 bytes: flags (up, rx hook, detached, trunk), the
    /// access or native VLAN, two more VLANs (one allowed on a trunk, one
    /// active), and whether all VLANs are allowed, and active. VLAN ids
    /// are 12 bits, as the configuration makes them (0 is a trunk's "no
    /// native VLAN").
    fn from(s: &[u8; SETTINGS]) -> Port {
        let vid = |i: usize| u16::from_be_bytes([s[i], s[i + 1]]) & 0x0fff;
        let (vlan, allowed_too, active_too) = (vid(1), vid(3), vid(5));
        let allowed: VlanSet = if s[7] & 1 != 0 {
            VlanSet::all()
        } else {
            [vlan, allowed_too].into_iter().collect()
        };
        let active: VlanSet = if s[7] & 2 != 0 {
            VlanSet::all()
        } else {
            [1, vlan, active_too].into_iter().collect()
        };
        let mode = if s[0] & 8 != 0 {
            PortMode::Trunk {
                native: vlan,
                allowed,
            }
        } else {
            PortMode::Access { vlan }
        };
        let pin = PortFwd {
            up: s[0] & 1 != 0,
            rx_hooks: u32::from(s[0] & 2 != 0),
            detached: s[0] & 4 != 0,
            present: true,
            mtu: 1500,
            tx_queues: 1,
            mode,
            ..Default::default()
        }
        .derive(&active);
        Port { pin, active }
    }
}

/// A routing table: a connected /24 with a resolved neighbour, one
/// waiting for ARP, an unreachable /25, and the switch's own address.
struct Routes {
    lpm: Lpm,
    nexthops: NextHopTable,
}

fn routes() -> &'static Routes {
    static ROUTES: OnceLock<Routes> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let lpm = Lpm::new(16);
        let nexthops = NextHopTable::default();
        let mac = MacAddr([2, 0, 0, 0, 0, 9]);
        nexthops.set(10, NextHop::Resolved { mac, vlan: 10 });
        nexthops.set(11, NextHop::Resolve { vlan: 20 });
        nexthops.set(12, NextHop::Unreachable);
        let add = |net: [u8; 4], len: u8, nh: u32| {
            lpm.insert(Ipv4Addr::from(net), len, nh)
                .expect("the harness's routes fit");
        };
        add([10, 0, 0, 0], 8, 10);
        add([172, 16, 0, 0], 12, 11);
        add([10, 1, 2, 128], 25, 12);
        add([10, 0, 0, 1], 32, LOCAL);
        add([0, 0, 0, 0], 0, 10);
        Routes { lpm, nexthops }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((settings, frame)) = data.split_first_chunk::<SETTINGS>() else {
        return;
    };
    let port = Port::from(settings);
    l2_ingress(&port, frame);
    ethernet(frame);
    vlan_edits(frame, u16::from_be_bytes([settings[1], settings[2]]));
    lldp(frame);
    bpdu(frame);
    lacp(frame);
    cdp(frame);
    igmp(frame);
});

/// IGMP snooping reads any frame's IPv4 packet without panicking (in a
/// VLAN with its querier on, three ports, one a static mrouter), and an
/// IGMP message it reads is written back as it was read.
fn igmp(frame: &[u8]) {
    use lisa_igmp_snooping::wire;
    use lisa_igmp_snooping_daemon::snooper::{QuerierSettings, Settings, Snooper, VlanSettings};
    let ip = frame.get(14..).unwrap_or_default();
    if let Ok(m) = wire::parse(ip) {
        let again = wire::parse(&wire::ip_packet(m.ip.src, m.ip.dst, &m.igmp));
        assert_eq!(again.map(|a| a.igmp), Ok(m.igmp));
    }
    let vlan = VlanSettings {
        querier: Some(QuerierSettings {
            address: Ipv4Addr::new(10, 0, 0, 254),
            ..Default::default()
        }),
        static_mrouters: [2].into_iter().collect(),
        members: [0, 1, 2].into_iter().collect(),
        ..Default::default()
    };
    let mut snooper = Snooper::new();
    let _ = snooper.configure(
        Settings {
            vlans: [(1, vlan)].into_iter().collect(),
        },
        0,
    );
    let _ = snooper.receive(10, 1, 0, ip);
    let _ = snooper.tick(5_000);
    assert!(snooper.forwarding().len() <= lisa_igmp_snooping_daemon::snooper::MAX_GROUPS);
}

/// The LACP machines read any frame without panicking, and a LACPDU they
/// take frames back as it was read.
fn lacp(frame: &[u8]) {
    use lisa_lacp::wire::Lacpdu;
    use lisa_lacp_daemon::agent::{Lacp, PortSettings};
    if let Ok(p) = Lacpdu::parse(frame) {
        let again = Lacpdu::parse(&p.frame(MacAddr([2, 0, 0, 0, 0, 1])));
        assert_eq!(again.map(|q| (q.actor, q.partner)), Ok((p.actor, p.partner)));
    }
    let now = std::time::Instant::now();
    let mut lacp = Lacp::new(32768, MacAddr([2, 0, 0, 0, 0, 1]));
    let port = PortSettings {
        group: 1,
        active: true,
        fast: true,
        port_priority: 32768,
        port_number: 1,
        mac: MacAddr([2, 0, 0, 0, 1, 1]),
    };
    lacp.set_port(0, port, now);
    lacp.set_link(0, true, now);
    lacp.receive(0, frame, now);
    let _ = lacp.tick(now + std::time::Duration::from_secs(1));
}

/// The CDP agent reads any frame without panicking, and keeps at most one
/// neighbour from it.
fn cdp(frame: &[u8]) {
    let now = std::time::Instant::now();
    let mut agent = lisa_cdp_daemon::agent::Agent::default();
    let mut settings = lisa_cdp_daemon::agent::Settings::default();
    settings.cfg.run = Some(true);
    agent.configure(settings, now);
    agent.receive("Ethernet1", frame, now);
    assert!(agent.neighbors().count() <= 1);
}

/// The spanning tree reads any frame without panicking; a BPDU it takes
/// frames back as it was read.
fn bpdu(frame: &[u8]) {
    use lisa_stp::wire::{Bpdu, Times};
    use lisa_stp_daemon::rstp::{BridgeSettings, PortSettings, Rstp};
    if let Ok(b) = Bpdu::parse(frame) {
        let again = Bpdu::parse(&b.frame(MacAddr([2, 0, 0, 0, 0, 1])));
        if let (Bpdu::Config(c), Ok(Bpdu::Config(d))) = (b, again) {
            assert_eq!((c.root, c.bridge, c.cost, c.port, c.flags), (d.root, d.bridge, d.cost, d.port, d.flags));
        }
    }
    let now = std::time::Instant::now();
    let mut bridge = Rstp::new(BridgeSettings {
        priority: 32769,
        mac: MacAddr([2, 0, 0, 0, 0, 1]),
        times: Times::default(),
        tx_hold: 6,
    });
    let port = PortSettings {
        number: 1,
        priority: 128,
        cost: 2,
        edge: false,
        bpdu_guard: false,
        p2p: true,
    };
    bridge.set_port(0, Some((port, MacAddr([2, 0, 0, 0, 1, 1]), true)), now);
    bridge.receive(0, frame, now);
    let _ = bridge.tick(now + std::time::Duration::from_secs(1));
}

/// The LLDP agent reads any frame without panicking, and keeps at most
/// one neighbour from it.
fn lldp(frame: &[u8]) {
    let now = std::time::Instant::now();
    let mut agent = lisa_lldp_daemon::agent::Agent::default();
    let mut settings = lisa_lldp_daemon::agent::Settings::default();
    settings.cfg.run = true;
    agent.configure(settings, now);
    agent.receive("Ethernet1", frame, now);
    assert!(agent.neighbors().count() <= 1);
    if let Some(pdu) = frame.get(14..) {
        if let Ok(p) = lisa_lldp::wire::Lldpdu::parse(pdu) {
            assert!(p.chassis.is_some() && p.port.is_some());
        }
    }
}

/// The ingress decision, and the fast path's agreement with it.
fn l2_ingress(port: &Port, frame: &[u8]) {
    let decision = ingress(frame, &port.pin, &port.active);
    if let Some(v) = plain_vlan(frame, &port.pin) {
        assert_eq!(
            decision,
            Ok(Ingress {
                vlan: v,
                tagged: false,
                strip: false
            }),
            "plain_vlan says VLAN {v}, ingress disagrees; port {:?}, frame {frame:02x?}",
            port.pin
        );
    }
    if let Ok(i) = decision {
        assert!(
            port.active.contains(i.vlan) && port.pin.mode.carries(i.vlan),
            "admitted into VLAN {} that is inactive or not carried: {i:?}, port {:?}",
            i.vlan,
            port.pin
        );
        assert!(
            !i.tagged || port.pin.mode.tags(i.vlan),
            "keeps a tag its port does not: {i:?}, port {:?}",
            port.pin
        );
        assert!(!(i.tagged && i.strip), "tagged and stripped: {i:?}");
    }
}

/// Ethernet, then what it carries.
fn ethernet(frame: &[u8]) {
    let _ = addresses(frame);
    let Ok(eth) = EthernetFrame::new_checked(frame) else {
        return;
    };
    let repr = EthernetRepr::parse(&eth);
    let tagged = eth.vlan_tag().is_some();
    let hl = eth.header_len();
    assert_eq!(hl, l2_header_len(tagged));
    assert_eq!(ethertype_after_tag(frame, tagged), repr.ethertype.raw());
    let (dst, _src) = addresses(frame);
    assert_eq!(is_group(dst), repr.dst.is_multicast());
    let mut out = [0u8; ETHERNET_HEADER_LEN];
    repr.emit(&mut out);
    match EthernetFrame::new_checked(&out[..]) {
        Ok(back) if !matches!(repr.ethertype.raw(), 0x8100) => {
            assert_eq!(EthernetRepr::parse(&back), repr, "emit/parse");
        }
        Ok(_) => {}
        Err(e) => assert_eq!(repr.ethertype.raw(), 0x8100, "emitted header: {e}"),
    }
    let payload = frame.get(hl..).unwrap_or_default();
    ipv4(payload);
    arp(payload);
}

/// An IPv4 packet: parsed, answered (echo, errors) and routed.
fn ipv4(payload: &[u8]) {
    let _ = peek_dst(payload);
    let Ok(ip) = Ipv4Packet::new_checked(payload) else {
        return;
    };
    let repr = Ipv4Repr::parse(&ip);
    assert_eq!(repr.payload_len, ip.payload().len());
    assert_eq!(ip.header().len(), ip.header_len());
    let _ = (ip.dont_fragment(), ip.is_later_fragment(), ip.protocol());
    let mut emitted = vec![0u8; repr.header_len()];
    repr.emit(&mut emitted);
    assert_eq!(checksum(&emitted), 0, "emitted IPv4 header checksum");
    if let Some(reply) = icmp::echo_reply(ip.payload()) {
        assert_eq!(checksum(&reply), 0, "echo reply checksum");
    }
    let err = icmp::error(
        icmp::TIME_EXCEEDED,
        0,
        0,
        &payload[..ip.total_len()],
        ip.header_len(),
    );
    assert_eq!(checksum(&err), 0, "ICMP error checksum");

    let (ttl, total) = (ip.ttl(), ip.total_len());
    let hl = ip.header_len();
    let mut pkt = payload.to_vec();
    let r = routes();
    let len = pkt.len();
    if let RouteVerdict::Forward { len: l, .. } = route(&mut pkt, len, r.lpm.view(), &r.nexthops) {
        assert_eq!(usize::from(l), total);
        assert_eq!(pkt[8], ttl.wrapping_sub(1), "TTL decremented");
        assert_eq!(checksum(&pkt[..hl]), 0, "forwarded header checksum");
    }
}

/// An ARP packet: parsed, emitted, parsed again.
fn arp(payload: &[u8]) {
    let Ok(p) = ArpPacket::new_checked(payload) else {
        return;
    };
    let repr = ArpRepr::parse(&p);
    let bytes = repr.emit();
    match ArpPacket::new_checked(&bytes[..]) {
        Ok(back) => assert_eq!(ArpRepr::parse(&back), repr, "ARP emit/parse"),
        Err(e) => panic!("an emitted ARP packet does not parse: {e:?}"),
    }
}

/// Tag insertion, removal and rewriting, as egress does them.
fn vlan_edits(frame: &[u8], vid: u16) {
    let vid = vid & 0x0fff;
    let tagged = EthernetFrame::new_checked(frame).is_ok_and(|f| f.vlan_tag().is_some());
    let mut hdr = [0u8; TAGGED_HEADER_LEN];
    let _ = other_form_header(frame, tagged, vid, &mut hdr);

    // Inserting a tag then removing it gives the frame back.
    let mut buf = vec![0u8; 4];
    buf.extend_from_slice(frame);
    if insert_tag(&mut buf, vid) {
        let mut f = buf.clone();
        assert!(set_tag_vid(&mut f, vid));
        assert_eq!(f, buf, "setting the VID a tag has changes nothing");
        assert!(remove_tag(&mut buf));
        assert_eq!(&buf[4..], frame, "insert_tag then remove_tag");
    }
    let mut f = frame.to_vec();
    let _ = set_tag_vid(&mut f, vid);
    let _ = remove_tag(&mut f);
}
