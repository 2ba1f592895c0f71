use super::*;

fn switch(last: u8) -> Lacp {
    Lacp::new(32768, MacAddr([2, 0, 0, 0, 0, last]))
}

fn settings(group: u16, active: bool, fast: bool, number: u16) -> PortSettings {
    PortSettings {
        group,
        active,
        fast,
        port_priority: 32768,
        port_number: number,
        mac: MacAddr([2, 0, 0, 1, 0, number as u8]),
    }
}

/// Switches and the wires between their ports, with a clock.
struct Net {
    switches: Vec<Lacp>,
    /// (switch, port) <-> (switch, port).
    wires: Vec<((usize, u16), (usize, u16))>,
    /// Ends whose frames are lost (the peer stops talking).
    mute: BTreeSet<(usize, u16)>,
    now: Instant,
    /// Every PDU sent: (switch, port, when).
    sent: Vec<(usize, u16, Instant)>,
    /// Every Bundle action: (switch, port, on).
    bundles: Vec<(usize, u16, bool)>,
}

impl Net {
    fn new(switches: Vec<Lacp>) -> Net {
        Net {
            switches,
            wires: Vec::new(),
            mute: BTreeSet::new(),
            now: Instant::now(),
            sent: Vec::new(),
            bundles: Vec::new(),
        }
    }

    /// Wires `a` and `b`, their ports set as given and up.
    fn wire(&mut self, a: (usize, u16), sa: PortSettings, b: (usize, u16), sb: PortSettings) {
        let now = self.now;
        for ((sw, port), s) in [(a, sa), (b, sb)] {
            self.switches[sw].set_port(port, s, now);
            self.switches[sw].set_link(port, true, now);
        }
        self.wires.push((a, b));
    }

    fn peer(&self, end: (usize, u16)) -> Option<(usize, u16)> {
        self.wires.iter().find_map(|&(x, y)| match end {
            e if e == x => Some(y),
            e if e == y => Some(x),
            _ => None,
        })
    }

    /// Takes the wire of `end` down at both ends.
    fn cut(&mut self, end: (usize, u16)) {
        let now = self.now;
        let other = self.peer(end).expect("a wired port");
        for (sw, port) in [end, other] {
            self.switches[sw].set_link(port, false, now);
        }
    }

    /// Runs the switches' ticks at the current time, delivering frames
    /// until none is sent.
    fn settle(&mut self) {
        for _ in 0..8 {
            let mut frames = Vec::new();
            for sw in 0..self.switches.len() {
                let now = self.now;
                for a in self.switches[sw].tick(now) {
                    match a {
                        Action::Send { port, frame } => {
                            assert!(Lacpdu::parse(&frame).is_ok(), "a LACPDU");
                            self.sent.push((sw, port, now));
                            frames.push(((sw, port), frame));
                        }
                        Action::Bundle { port, on } => self.bundles.push((sw, port, on)),
                    }
                }
            }
            if frames.is_empty() {
                return;
            }
            for (from, f) in frames {
                if self.mute.contains(&from) {
                    continue;
                }
                if let Some((sw, port)) = self.peer(from) {
                    let now = self.now;
                    self.switches[sw].receive(port, &f, now);
                }
            }
        }
    }

    /// Runs for `ms` milliseconds in 50 ms steps.
    fn run(&mut self, ms: u64) {
        self.settle();
        for _ in 0..(ms / 50) {
            self.now += Duration::from_millis(50);
            self.settle();
        }
    }

    fn status(&self, sw: usize, port: u16) -> PortStatus {
        let found = self.switches[sw].ports().find(|(id, _)| *id == port);
        found.expect("a port").1.clone()
    }

    fn bundled(&self, sw: usize, port: u16) -> bool {
        self.status(sw, port).bundled
    }

    /// No port sent more than `TX_LIMIT` PDUs in any second.
    fn assert_rate_limited(&self) {
        let mut by_port: BTreeMap<(usize, u16), Vec<Instant>> = BTreeMap::new();
        for &(sw, port, t) in &self.sent {
            by_port.entry((sw, port)).or_default().push(t);
        }
        for (end, times) in by_port {
            for w in times.windows(TX_LIMIT + 1) {
                assert!(
                    w[TX_LIMIT] - w[0] >= FAST_PERIODIC,
                    "{end:?} sent {} PDUs within a second",
                    TX_LIMIT + 1
                );
            }
        }
    }
}

/// Two switches, A (0) and B (1), with ports 1 and 2 wired 1-1 and 2-2,
/// each switch's in group 1 with the given mode and rate.
fn two_links(a: (bool, bool), b: (bool, bool)) -> Net {
    let mut net = Net::new(vec![switch(1), switch(2)]);
    for port in [1, 2] {
        net.wire(
            (0, port),
            settings(1, a.0, a.1, port),
            (1, port),
            settings(1, b.0, b.1, port),
        );
    }
    net
}

#[test]
fn both_ports_of_a_two_link_bundle_bundle_within_two_seconds() {
    let mut net = two_links((true, true), (true, false));
    net.run(2000);
    for sw in [0, 1] {
        for port in [1, 2] {
            let s = net.status(sw, port);
            assert!(s.bundled, "switch {sw} port {port}: {:?}", s.why_not);
            assert_eq!(s.why_not, None);
            assert_eq!(s.rx, RxState::Current);
            let bits = state::AGGREGATION
                | state::ACTIVITY
                | state::SYNCHRONIZATION
                | state::COLLECTING
                | state::DISTRIBUTING;
            assert_eq!(s.actor_state & !state::TIMEOUT, bits);
        }
    }
    let b = net.status(1, 2).partner.expect("a partner");
    assert_eq!(b.system, MacAddr([2, 0, 0, 0, 0, 1]));
    assert_eq!((b.key, b.port, b.system_priority), (1, 2, 32768));
    assert!(b.has(state::TIMEOUT), "A runs `lacp rate fast`");
    assert!(!net.status(0, 1).partner.unwrap().has(state::TIMEOUT));
    assert_eq!(
        net.switches[0].aggregator(1).map(|k| k.system),
        Some(MacAddr([2, 0, 0, 0, 0, 2]))
    );
    let mut bundles = net.bundles.clone();
    bundles.sort();
    assert_eq!(
        bundles,
        [(0, 1, true), (0, 2, true), (1, 1, true), (1, 2, true)],
        "one Bundle action each"
    );
    net.run(100_000);
    assert_eq!(net.bundles.len(), 4, "stable");
    net.assert_rate_limited();
}

#[test]
fn periodic_pdus_follow_the_partners_rate() {
    let mut net = two_links((true, true), (true, false));
    net.run(5000);
    let from = |net: &Net, sw: usize, after: Instant| {
        net.sent
            .iter()
            .filter(|s| s.0 == sw && s.1 == 1 && s.2 > after)
            .count()
    };
    let t = net.now;
    net.run(60_000);
    assert!(
        (59..=61).contains(&from(&net, 1, t)),
        "B sends every second to A (fast)"
    );
    assert_eq!(from(&net, 0, t), 2, "A sends every 30 s to B (slow)");
}

#[test]
fn passive_ports_never_bundle_together() {
    let mut net = two_links((false, true), (false, true));
    net.run(10_000);
    assert!(net.sent.is_empty(), "neither speaks first");
    assert!(net.bundles.is_empty());
    let s = net.status(0, 1);
    assert_eq!(s.why_not, Some(NotBundled::NoPartner));
    assert_eq!(s.rx, RxState::Defaulted);
    assert!(s.partner.is_none());
}

#[test]
fn active_and_passive_bundle() {
    let mut net = two_links((true, false), (false, false));
    net.run(2000);
    for sw in [0, 1] {
        for port in [1, 2] {
            assert!(net.bundled(sw, port), "switch {sw} port {port}");
        }
    }
    let a = net.status(1, 1).partner.unwrap();
    assert!(a.has(state::ACTIVITY));
    assert!(!net.status(0, 1).partner.unwrap().has(state::ACTIVITY));
    net.run(300_000);
    assert_eq!(net.bundles.len(), 4, "the slow rate keeps it up");
    net.assert_rate_limited();
}

#[test]
fn a_link_down_unbundles_that_port_at_once() {
    let mut net = two_links((true, true), (true, true));
    net.run(2000);
    assert!(net.bundled(0, 1) && net.bundled(0, 2));
    let now = net.now;
    net.switches[0].set_link(1, false, now);
    assert_eq!(
        net.switches[0].tick(now),
        [Action::Bundle { port: 1, on: false }]
    );
    net.switches[1].set_link(1, false, now);
    net.run(10_000);
    for sw in [0, 1] {
        let s = net.status(sw, 1);
        assert!(!s.bundled && !s.link_up);
        assert_eq!(s.why_not, Some(NotBundled::Down));
        assert!(s.partner.is_none(), "partner forgotten");
        assert!(net.bundled(sw, 2), "the other link stays");
    }
    assert!(!net.bundles.contains(&(0, 2, false)));
    net.wire(
        (0, 1),
        settings(1, true, true, 1),
        (1, 1),
        settings(1, true, true, 1),
    );
    net.run(2000);
    assert!(net.bundled(0, 1) && net.bundled(1, 1), "back when up");
}

/// Bundles A and B, then mutes B: A's ports leave the bundle a timeout
/// after the last PDU received, then forget the partner.
fn peer_stops_talking(fast: bool) {
    let timeout = if fast { SHORT_TIMEOUT } else { LONG_TIMEOUT };
    let mut net = two_links((true, fast), (true, fast));
    net.run(3000);
    assert!(net.bundled(0, 1) && net.bundled(0, 2));
    net.mute.extend([(1, 1), (1, 2)]);
    let last = net.status(0, 1).last_received.expect("B spoke");
    while net.bundled(0, 1) {
        assert!(net.now < last + 2 * timeout, "never unbundled");
        net.run(50);
    }
    let after = net.now - last;
    assert!(
        after >= timeout && after <= timeout + Duration::from_millis(50),
        "unbundled {after:?} after the last PDU"
    );
    let s = net.status(0, 1);
    assert_eq!(s.rx, RxState::Expired);
    assert_eq!(s.why_not, Some(NotBundled::Waiting));
    assert!(s.actor_state & state::EXPIRED != 0);
    let partner = s.partner.expect("kept while expired");
    assert!(!partner.has(state::SYNCHRONIZATION));
    net.run(3050);
    for port in [1, 2] {
        let s = net.status(0, port);
        assert!(!s.bundled);
        assert_eq!(s.rx, RxState::Defaulted);
        assert!(s.partner.is_none());
        assert_eq!(s.why_not, Some(NotBundled::NoPartner));
        assert!(s.actor_state & state::DEFAULTED != 0);
    }
    net.assert_rate_limited();
}

#[test]
fn a_silent_peer_is_left_after_3_s_at_the_fast_rate() {
    peer_stops_talking(true);
}

#[test]
fn a_silent_peer_is_left_after_90_s_at_the_slow_rate() {
    peer_stops_talking(false);
}

#[test]
fn a_group_with_two_partners_suspends_one() {
    let mut net = Net::new(vec![switch(1), switch(2), switch(3)]);
    let s = |number| settings(1, true, true, number);
    net.wire((0, 1), s(1), (1, 1), s(1));
    net.wire((0, 2), s(2), (2, 1), s(1));
    net.run(3000);
    assert!(net.bundled(0, 1) && net.bundled(1, 1));
    let a2 = net.status(0, 2);
    assert!(!a2.bundled && !a2.selected);
    assert_eq!(a2.why_not, Some(NotBundled::Suspended));
    let c = net.status(2, 1);
    assert!(!c.bundled, "C's port waits for A's");
    assert_eq!(c.why_not, Some(NotBundled::Waiting));
    net.cut((0, 1));
    net.run(2000);
    assert!(
        net.bundled(0, 2) && net.bundled(2, 1),
        "C's link takes over"
    );
    assert_eq!(
        net.switches[0].aggregator(1).map(|k| k.system),
        Some(MacAddr([2, 0, 0, 0, 0, 3]))
    );
}

#[test]
fn the_aggregator_keeps_its_partner_while_it_may() {
    let mut net = Net::new(vec![switch(1), switch(2), switch(3)]);
    let s = |number| settings(1, true, true, number);
    net.wire((0, 2), s(2), (2, 1), s(1));
    net.run(2000);
    assert!(net.bundled(0, 2));
    net.wire((0, 1), s(1), (1, 1), s(1));
    net.run(2000);
    assert!(net.bundled(0, 2), "a lower port does not take over");
    assert_eq!(net.status(0, 1).why_not, Some(NotBundled::Suspended));
}

#[test]
fn changing_the_group_restarts_the_port() {
    let mut net = two_links((true, true), (true, true));
    net.run(2000);
    let now = net.now;
    net.switches[0].set_port(2, settings(2, true, true, 2), now);
    assert_eq!(
        net.switches[0].tick(now).first(),
        Some(&Action::Bundle { port: 2, on: false })
    );
    net.run(5000);
    assert!(net.bundled(0, 1) && net.bundled(1, 1));
    let a2 = net.status(0, 2);
    assert!(
        a2.selected && !a2.bundled,
        "alone in group 2, B's port 2 suspended"
    );
    assert_eq!(a2.why_not, Some(NotBundled::Waiting));
    assert_eq!(
        net.status(1, 2).why_not,
        Some(NotBundled::Suspended),
        "B's group 1 now has two partner keys"
    );
}

/// A LACPDU from a peer whose view of us carries `key`.
fn peer_frame(key: u16) -> Vec<u8> {
    let pdu = Lacpdu {
        actor: LacpInfo {
            system_priority: 100,
            system: MacAddr([2, 0, 0, 0, 0, 9]),
            key: 7,
            port_priority: 1,
            port: 1,
            state: state::ACTIVITY | state::AGGREGATION | state::TIMEOUT,
        },
        partner: LacpInfo {
            key,
            ..LacpInfo::default()
        },
        collector_max_delay: 0,
    };
    pdu.frame(MacAddr([2, 0, 0, 0, 0, 9]))
}

fn sends(actions: &[Action]) -> usize {
    actions
        .iter()
        .filter(|a| matches!(a, Action::Send { .. }))
        .count()
}

#[test]
fn no_more_than_three_pdus_a_second() {
    let mut a = switch(1);
    let t0 = Instant::now();
    a.set_port(1, settings(1, true, true, 1), t0);
    a.set_link(1, true, t0);
    let mut times = Vec::new();
    for i in 0..40u16 {
        let now = t0 + Duration::from_millis(50 * u64::from(i));
        // Every PDU sees us wrong: each asks for an answer at once.
        a.receive(1, &peer_frame(i), now);
        for _ in 0..sends(&a.tick(now)) {
            times.push(now);
        }
    }
    assert!(times.len() >= 2 * TX_LIMIT, "it keeps sending: {times:?}");
    assert!(times.len() <= 3 * TX_LIMIT);
    for w in times.windows(TX_LIMIT + 1) {
        assert!(w[TX_LIMIT] - w[0] >= FAST_PERIODIC, "{times:?}");
    }
    let held = a.next_timer().expect("a PDU held back");
    assert!(held <= t0 + Duration::from_millis(50 * 40) + FAST_PERIODIC);
}

#[test]
fn bad_frames_are_counted_and_markers_answered() {
    let mut a = switch(1);
    let t0 = Instant::now();
    a.set_port(1, settings(1, true, true, 1), t0);
    a.set_link(1, true, t0);
    a.tick(t0);
    let good = peer_frame(0);
    for cut in 0..14 + 58 {
        a.receive(1, &good[..cut], t0);
    }
    let mut ipv4 = good.clone();
    ipv4[12..14].copy_from_slice(&[0x08, 0x00]);
    a.receive(1, &ipv4, t0);
    let mut v0 = good.clone();
    v0[15] = 0;
    a.receive(1, &v0, t0);
    a.receive(1, &[0xff; 2000], t0);
    a.receive(99, &good, t0);
    let s = a.ports().next().unwrap().1.clone();
    assert_eq!(s.pdus_bad, 14 + 58 + 3);
    assert_eq!(s.pdus_received, 0);
    assert!(s.partner.is_none());

    let request = Marker {
        response: false,
        port: 1,
        system: MacAddr([2, 0, 0, 0, 0, 9]),
        transaction: 42,
    };
    a.receive(1, &request.frame(MacAddr([2, 0, 0, 0, 0, 9])), t0);
    a.receive(
        1,
        &request.response().frame(MacAddr([2, 0, 0, 0, 0, 9])),
        t0,
    );
    let actions = a.tick(t0);
    let answers: Vec<Marker> = actions
        .iter()
        .filter_map(|a| match a {
            Action::Send { port: 1, frame } => Marker::parse(frame).ok(),
            _ => None,
        })
        .collect();
    assert_eq!(answers, [request.response()], "one answer, to the request");
    assert_eq!(a.ports().next().unwrap().1.pdus_bad, s.pdus_bad);
}

#[test]
fn a_lone_active_port_sends_fast_then_slow() {
    let mut a = switch(1);
    let t0 = Instant::now();
    a.set_port(1, settings(1, true, false, 1), t0);
    a.set_link(1, true, t0);
    let mut times = Vec::new();
    for i in 0..=1200u64 {
        let now = t0 + Duration::from_millis(100 * i);
        for _ in 0..sends(&a.tick(now)) {
            times.push((now - t0).as_secs());
        }
    }
    assert_eq!(times, [0, 1, 2, 3, 33, 63, 93]);
    let s = a.ports().next().unwrap().1.clone();
    assert_eq!(s.why_not, Some(NotBundled::NoPartner));
    assert_eq!(s.actor_state & state::DEFAULTED, state::DEFAULTED);
}
