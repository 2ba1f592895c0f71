use super::*;
use lisa_cdp::wire::{caps, GROUP};

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
    let cfg = CdpConfig {
        run: Some(run),
        ..CdpConfig::default()
    };
    Settings {
        cfg,
        local: Local {
            device_id: "sw1".into(),
            address: Some(Ipv4Addr::new(10, 0, 0, 1)),
            capabilities: caps::SWITCH | caps::ROUTER,
            software_version: "Cisco IOS Software, LiSA-DP".into(),
            platform: "LiSA-DP".into(),
            native_vlans: BTreeMap::from([("Ethernet2".into(), 20)]),
        },
    }
}

fn pdu_of(frame: &[u8]) -> Cdpdu {
    assert_eq!(&frame[..6], &GROUP.0);
    Cdpdu::parse(wire::payload(frame).unwrap()).unwrap()
}

/// A neighbour's frame, as lldpd would send it.
fn their_frame(device: u8, ttl: u8) -> Vec<u8> {
    let pdu = Cdpdu {
        version: 2,
        ttl,
        device_id: Some(format!("host{device}")),
        port_id: Some("eth0".into()),
        capabilities: Some(caps::HOST),
        software_version: Some("Linux 6.1.0".into()),
        platform: Some("Linux".into()),
        ..Cdpdu::default()
    };
    wire::frame(MacAddr([0x0a, 0, 0, 0, 0, device]), &pdu.emit())
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
    assert_eq!((p.version, p.ttl), (2, 180));
    assert_eq!(p.device_id.as_deref(), Some("sw1"));
    assert_eq!(p.port_id.as_deref(), Some("Ethernet2"), "the full name");
    assert_eq!(p.addresses, [Ipv4Addr::new(10, 0, 0, 1)]);
    assert_eq!(p.management, [Ipv4Addr::new(10, 0, 0, 1)]);
    assert_eq!(p.capabilities, Some(caps::SWITCH | caps::ROUTER));
    assert_eq!(p.platform.as_deref(), Some("LiSA-DP"));
    assert_eq!(p.native_vlan, Some(20));
    assert_eq!(p.duplex, Some(Duplex::Full));
    assert_eq!(pdu_of(&sent[0].1).native_vlan, Some(1));
    assert_eq!(
        &sent[0].1[6..12],
        &ports[0].mac.0,
        "from the port's own MAC"
    );
    assert!(a.tick(&ports, t0 + Duration::from_secs(59)).is_empty());
    assert_eq!(a.tick(&ports, t0 + Duration::from_secs(60)).len(), 2);
    // A port coming up advertises at once.
    let ports = [port(0, "Ethernet1", true), port(2, "Ethernet3", true)];
    let sent = a.tick(&ports, t0 + Duration::from_secs(61));
    assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [2]);
}

#[test]
fn no_cdp_advertise_v2_sends_version_1() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    let mut s = settings(true);
    s.cfg.advertise_v2 = false;
    s.cfg.holdtime = 30;
    a.configure(s, t0);
    let sent = a.tick(&[port(0, "Ethernet1", true)], t0);
    let p = pdu_of(&sent[0].1);
    assert_eq!((p.version, p.ttl), (1, 30));
    assert_eq!((p.native_vlan, p.duplex), (None, None));
    assert!(p.management.is_empty());
    assert_eq!(p.addresses, [Ipv4Addr::new(10, 0, 0, 1)]);
    a.count_sent(&sent[0].1, true);
    a.count_sent(&sent[0].1, false);
    assert_eq!(
        (a.counts.packets_out, a.counts.v1_out, a.counts.v2_out),
        (1, 1, 0)
    );
    assert_eq!(a.counts.packets_out_failed, 1);
}

#[test]
fn nothing_is_sent_or_kept_until_cdp_runs() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(false), t0);
    let ports = [port(0, "Ethernet1", true)];
    assert!(a.tick(&ports, t0).is_empty());
    a.receive("Ethernet1", &their_frame(1, 180), t0);
    assert_eq!(a.neighbors().count(), 0);
    assert_eq!(a.counts.discarded, 1);
    // Nor before `cdp run` is written at all.
    let mut a = Agent::default();
    a.configure(Settings::default(), t0);
    assert!(a.tick(&ports, t0).is_empty());
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
    assert_eq!((a.counts.packets_in, a.counts.v2_in), (2, 2));
    a.tick(&ports, t0 + Duration::from_secs(11));
    let left: Vec<_> = a
        .neighbors()
        .map(|n| n.pdu.device_id.clone().unwrap())
        .collect();
    assert_eq!(left, ["host2"]);
    assert_eq!(a.counts.aged, 1);
    let n = a.neighbors().next().unwrap();
    assert_eq!(n.source, MacAddr([0x0a, 0, 0, 0, 0, 2]));
    assert_eq!(n.expires, t0 + Duration::from_secs(100));
    // Heard again, its time starts again.
    a.receive(
        "Ethernet1",
        &their_frame(2, 100),
        t0 + Duration::from_secs(50),
    );
    assert_eq!(a.neighbors().count(), 1);
    assert!(a
        .tick(&ports, t0 + Duration::from_secs(120))
        .iter()
        .all(|s| s.0 == 0));
    assert_eq!(a.neighbors().count(), 1);
    // The link going down forgets them.
    a.tick(&[port(0, "Ethernet1", false)], t0);
    assert_eq!(a.neighbors().count(), 0);
}

#[test]
fn no_cdp_run_no_cdp_enable_and_clear_forget_neighbours() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    a.receive("Ethernet1", &their_frame(1, 180), t0);
    a.receive("Ethernet2", &their_frame(2, 180), t0);
    let mut s = settings(true);
    s.cfg.disabled.insert("Ethernet1".into());
    a.configure(s.clone(), t0);
    let left: Vec<_> = a.neighbors().map(|n| n.local_port.clone()).collect();
    assert_eq!(left, ["Ethernet2"]);
    // That port neither reads nor sends.
    a.receive("Ethernet1", &their_frame(1, 180), t0);
    assert_eq!(a.counts.discarded, 1);
    let sent = a.tick(
        &[port(0, "Ethernet1", true), port(1, "Ethernet2", true)],
        t0,
    );
    assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [1]);
    a.clear_table();
    assert_eq!(a.neighbors().count(), 0);
    a.receive("Ethernet2", &their_frame(2, 180), t0);
    a.configure(settings(false), t0);
    assert_eq!(a.neighbors().count(), 0);
}

#[test]
fn other_protocols_and_bad_frames_are_counted_not_kept() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    // VTP: same group, another SNAP protocol.
    let mut vtp = their_frame(1, 180);
    vtp[20..22].copy_from_slice(&0x2003u16.to_be_bytes());
    a.receive("Ethernet1", &vtp, t0);
    a.receive("Ethernet1", &[0u8; 3], t0);
    assert_eq!(a.counts.not_cdp, 2);
    assert_eq!(a.counts.packets_in, 0);
    // A frame cut short (its 802.3 length past the end).
    a.receive("Ethernet1", &their_frame(1, 180)[..40], t0);
    assert_eq!(a.counts.header_errors, 1);
    // A byte changed.
    let mut f = their_frame(1, 180);
    f[30] ^= 1;
    a.receive("Ethernet1", &f, t0);
    assert_eq!(a.counts.checksum_errors, 1);
    // No Device ID.
    let pdu = Cdpdu {
        ttl: 180,
        port_id: Some("eth0".into()),
        ..Cdpdu::default()
    };
    a.receive(
        "Ethernet1",
        &wire::frame(MacAddr([0x0a, 0, 0, 0, 0, 9]), &pdu.emit()),
        t0,
    );
    assert_eq!(a.counts.invalid, 1);
    assert_eq!(a.counts.packets_in, 3);
    assert_eq!(a.neighbors().count(), 0);
}

#[test]
fn a_version_1_neighbour_is_kept_and_counted() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let pdu = Cdpdu {
        version: 1,
        ttl: 180,
        device_id: Some("old".into()),
        port_id: Some("Ethernet0".into()),
        ..Cdpdu::default()
    };
    a.receive(
        "Ethernet1",
        &wire::frame(MacAddr([0x0a, 0, 0, 0, 0, 9]), &pdu.emit()),
        t0,
    );
    assert_eq!((a.counts.v1_in, a.counts.v2_in), (1, 0));
    assert_eq!(a.neighbors().next().unwrap().pdu.version, 1);
}

#[test]
fn a_flood_of_devices_is_bounded_per_port() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    for c in 0..=255u8 {
        a.receive("Ethernet1", &their_frame(c, 180), t0);
    }
    assert_eq!(a.neighbors().count(), MAX_PER_PORT);
    assert_eq!(a.counts.no_memory, 256 - MAX_PER_PORT as u64);
}

#[test]
fn a_changed_name_is_advertised_at_once() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let ports = [port(0, "Ethernet1", true)];
    a.tick(&ports, t0);
    let mut s = settings(true);
    s.local.device_id = "core1".into();
    a.configure(s, t0);
    let sent = a.tick(&ports, t0 + Duration::from_secs(1));
    assert_eq!(pdu_of(&sent[0].1).device_id.as_deref(), Some("core1"));
    // The same settings again send nothing new.
    let mut s = settings(true);
    s.local.device_id = "core1".into();
    a.configure(s, t0);
    assert!(a.tick(&ports, t0 + Duration::from_secs(2)).is_empty());
}

#[test]
fn a_zero_holdtime_forgets_at_once() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    a.receive("Ethernet1", &their_frame(1, 180), t0);
    a.receive("Ethernet1", &their_frame(1, 0), t0);
    assert_eq!(a.neighbors().count(), 0);
}

#[test]
fn a_new_neighbour_hears_from_us_within_a_second_not_a_timer() {
    let t0 = Instant::now();
    let mut a = Agent::default();
    a.configure(settings(true), t0);
    let ports = [port(0, "Ethernet1", true)];
    assert_eq!(a.tick(&ports, t0).len(), 1);
    let t1 = t0 + Duration::from_millis(500);
    a.receive("Ethernet1", &their_frame(1, 180), t1);
    assert!(a.tick(&ports, t1).is_empty());
    assert_eq!(a.tick(&ports, t0 + FAST_TX).len(), 1);
    // The same neighbour again changes nothing; a new one is answered.
    let t2 = t0 + Duration::from_secs(5);
    a.receive("Ethernet1", &their_frame(1, 180), t2);
    assert!(a.tick(&ports, t2).is_empty());
    a.receive("Ethernet1", &their_frame(2, 180), t2);
    assert_eq!(a.tick(&ports, t2).len(), 1);
}
