use super::*;
use lisa_lldp::wire::caps;

fn port(id: u16, name: &str, up: bool) -> PortLink {
    PortLink {
        id,
        name: name.into(),
        mac: MacAddr([0x02, 0, 0, 0, 1, id as u8]),
        up,
        member_of: dataplane::graph::NO_PORT,
    }
}

fn settings(run: bool) -> Settings {
    let cfg = LldpConfig {
        run,
        ..LldpConfig::default()
    };
    Settings {
        cfg,
        local: Local {
            chassis: MacAddr([0x02, 0, 0, 0, 0, 1]),
            system_name: "sw1".into(),
            system_description: "LiSA-DP".into(),
            capabilities: (caps::BRIDGE | caps::ROUTER, caps::BRIDGE),
            management: Some(Ipv4Addr::new(10, 0, 0, 1)),
            descriptions: BTreeMap::from([("Ethernet2".into(), "uplink".into())]),
        },
    }
}

fn pdu_of(frame: &[u8]) -> Lldpdu {
    assert_eq!(&frame[..6], &GROUP.0);
    assert_eq!(&frame[12..14], &ETHERTYPE.to_be_bytes());
    Lldpdu::parse(&frame[14..]).unwrap()
}

/// A neighbour's PDU, as another switch would send it.
fn their_frame(chassis: u8, ttl: u16) -> Vec<u8> {
    let pdu = Lldpdu {
        chassis: Some(Id::mac(CHASSIS_MAC, MacAddr([0x0a, 0, 0, 0, 0, chassis]))),
        port: Some(Id::name(PORT_INTERFACE_NAME, "eth0")),
        ttl,
        system_name: Some(format!("host{chassis}")),
        ..Lldpdu::default()
    };
    let mut f = GROUP.0.to_vec();
    f.extend_from_slice(&[0x0a, 0, 0, 0, 0, chassis]);
    f.extend_from_slice(&ETHERTYPE.to_be_bytes());
    f.extend_from_slice(&pdu.emit());
    f
}

#[test]
fn every_up_port_advertises_at_once_then_every_timer() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let ports = [
        port(0, "Ethernet1", true),
        port(1, "Ethernet2", true),
        port(2, "Ethernet3", false),
    ];
    let sent = a.tick(&ports, t0);
    assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [0, 1]);
    let p = pdu_of(&sent[1].1);
    assert_eq!(p.ttl, 120);
    assert_eq!(p.port.unwrap().value, b"Et2");
    assert_eq!(p.port_description.as_deref(), Some("uplink"));
    assert_eq!(
        pdu_of(&sent[0].1).port_description.as_deref(),
        Some("Ethernet1")
    );
    assert_eq!(p.system_name.as_deref(), Some("sw1"));
    assert_eq!(p.management[0].ip, Ipv4Addr::new(10, 0, 0, 1));
    assert_eq!(
        &sent[0].1[6..12],
        &ports[0].mac.0,
        "from the port's own MAC"
    );
    assert!(a.tick(&ports, t0 + Duration::from_secs(29)).is_empty());
    assert_eq!(a.tick(&ports, t0 + Duration::from_secs(30)).len(), 2);
}

#[test]
fn nothing_is_sent_or_kept_until_lldp_runs() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(false), t0);
    let ports = [port(0, "Ethernet1", true)];
    assert!(a.tick(&ports, t0).is_empty());
    a.receive("Ethernet1", &their_frame(1, 120), t0);
    assert_eq!(a.neighbors().count(), 0);
    assert_eq!(a.counts.discarded, 1);
}

#[test]
fn neighbours_are_kept_for_their_ttl_and_go_with_their_port() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let ports = [port(0, "Ethernet1", true)];
    a.receive("Ethernet1", &their_frame(1, 10), t0);
    a.receive("Ethernet1", &their_frame(2, 100), t0);
    assert_eq!(a.neighbors().count(), 2);
    assert_eq!(a.counts.frames_in, 2);
    a.tick(&ports, t0 + Duration::from_secs(11));
    let left: Vec<_> = a
        .neighbors()
        .map(|n| n.pdu.system_name.clone().unwrap())
        .collect();
    assert_eq!(left, ["host2"]);
    assert_eq!(a.counts.aged, 1);
    // A shutdown PDU forgets at once.
    a.receive("Ethernet1", &their_frame(2, 0), t0);
    assert_eq!(a.neighbors().count(), 0);
    // The link going down forgets them too.
    a.receive("Ethernet1", &their_frame(3, 100), t0);
    a.tick(&[port(0, "Ethernet1", false)], t0);
    assert_eq!(a.neighbors().count(), 0);
}

#[test]
fn bad_frames_are_counted_not_kept() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let mut f = their_frame(1, 120);
    f[12] = 0x08;
    a.receive("Ethernet1", &f, t0);
    a.receive("Ethernet1", &their_frame(1, 120)[..20], t0);
    a.receive("Ethernet1", &[0u8; 3], t0);
    assert_eq!(a.counts.errors, 3);
    assert_eq!(a.neighbors().count(), 0);
}

#[test]
fn a_flood_of_chassis_is_bounded_per_port() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    for c in 0..=255u8 {
        a.receive("Ethernet1", &their_frame(c, 120), t0);
    }
    assert_eq!(a.neighbors().count(), MAX_PER_PORT);
    assert_eq!(a.counts.discarded, 256 - MAX_PER_PORT as u64);
}

#[test]
fn turning_transmit_off_sends_a_shutdown_pdu_and_waits_reinit() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let ports = [port(0, "Ethernet1", true)];
    a.tick(&ports, t0);
    let mut off = settings(true);
    off.cfg.no_transmit.insert("Ethernet1".into());
    a.configure(off, t0);
    let sent = a.tick(&ports, t0);
    assert_eq!(sent.len(), 1);
    assert_eq!(pdu_of(&sent[0].1).ttl, 0);
    assert!(a.tick(&ports, t0 + Duration::from_secs(1)).is_empty());
    // On again: not before the reinit delay.
    a.configure(settings(true), t0 + Duration::from_secs(1));
    assert!(a.tick(&ports, t0 + Duration::from_secs(1)).is_empty());
    assert_eq!(a.tick(&ports, t0 + Duration::from_secs(2)).len(), 1);
}

#[test]
fn a_changed_name_is_advertised_at_once() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let ports = [port(0, "Ethernet1", true)];
    a.tick(&ports, t0);
    let mut s = settings(true);
    s.local.system_name = "core1".into();
    a.configure(s, t0);
    let sent = a.tick(&ports, t0 + Duration::from_secs(1));
    assert_eq!(pdu_of(&sent[0].1).system_name.as_deref(), Some("core1"));
}

#[test]
fn receive_off_forgets_that_ports_neighbours() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    a.receive("Ethernet1", &their_frame(1, 120), t0);
    let mut s = settings(true);
    s.cfg.no_receive.insert("Ethernet1".into());
    a.configure(s, t0);
    assert_eq!(a.neighbors().count(), 0);
}

#[test]
fn a_new_neighbour_hears_from_us_within_a_second_not_a_timer() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let ports = [port(0, "Ethernet1", true)];
    assert_eq!(a.tick(&ports, t0).len(), 1);
    // A neighbour appears half a second later: we answer one FAST_TX
    // after our last PDU, not at the 30 s timer.
    let t1 = t0 + Duration::from_millis(500);
    a.receive("Ethernet1", &their_frame(1, 120), t1);
    assert!(a.tick(&ports, t1).is_empty());
    assert_eq!(a.tick(&ports, t0 + FAST_TX).len(), 1);
    // The same neighbour speaking again changes nothing.
    let t2 = t0 + Duration::from_secs(5);
    a.receive("Ethernet1", &their_frame(1, 120), t2);
    assert!(a.tick(&ports, t2).is_empty());
    // A second new one, long after: answered at once.
    a.receive("Ethernet1", &their_frame(2, 120), t2);
    assert_eq!(a.tick(&ports, t2).len(), 1);
}
