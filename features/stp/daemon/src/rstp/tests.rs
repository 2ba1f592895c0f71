use super::*;

fn bridge(priority: u16, last: u8) -> Rstp {
    Rstp::new(BridgeSettings {
        priority,
        mac: MacAddr([2, 0, 0, 0, 0, last]),
        times: Times::default(),
        tx_hold: 6,
    })
}

fn settings(number: u16) -> PortSettings {
    PortSettings {
        number,
        priority: 128,
        cost: 2000,
        edge: false,
        bpdu_guard: false,
        p2p: true,
    }
}

/// Bridges and the wires between their ports, with a clock.
struct Net {
    bridges: Vec<Rstp>,
    /// (bridge, port) <-> (bridge, port).
    wires: Vec<((usize, u16), (usize, u16))>,
    now: Instant,
    /// Per bridge, the flushes seen.
    flushes: Vec<Vec<u16>>,
    err_disabled: Vec<(usize, u16)>,
}

impl Net {
    fn new(bridges: Vec<Rstp>) -> Net {
        let n = bridges.len();
        Net {
            bridges,
            wires: Vec::new(),
            now: Instant::now(),
            flushes: vec![Vec::new(); n],
            err_disabled: Vec::new(),
        }
    }

    fn port(&mut self, b: usize, port: u16, s: PortSettings, up: bool) {
        let mac = MacAddr([2, 0, 0, 1, b as u8, port as u8]);
        let now = self.now;
        self.bridges[b].set_port(port, Some((s, mac, up)), now);
    }

    fn wire(&mut self, a: (usize, u16), b: (usize, u16)) {
        self.port(a.0, a.1, settings(a.1 + 1), true);
        self.port(b.0, b.1, settings(b.1 + 1), true);
        self.wires.push((a, b));
    }

    fn peer(&self, end: (usize, u16)) -> Option<(usize, u16)> {
        self.wires.iter().find_map(|&(x, y)| {
            if x == end {
                Some(y)
            } else if y == end {
                Some(x)
            } else {
                None
            }
        })
    }

    /// Runs for `ms` milliseconds in 50 ms steps, delivering frames.
    fn run(&mut self, ms: u64) {
        let steps = ms / 50;
        for _ in 0..steps.max(1) {
            self.now += Duration::from_millis(50);
            for _ in 0..8 {
                let mut frames = Vec::new();
                for b in 0..self.bridges.len() {
                    let now = self.now;
                    for a in self.bridges[b].tick(now) {
                        match a {
                            Action::Send(port, f) => frames.push(((b, port), f)),
                            Action::Flush(port) => self.flushes[b].push(port),
                            Action::ErrDisable(port) => self.err_disabled.push((b, port)),
                        }
                    }
                }
                if frames.is_empty() {
                    break;
                }
                for (from, f) in frames {
                    if let Some((b, port)) = self.peer(from) {
                        let now = self.now;
                        assert!(self.bridges[b].receive(port, &f, now), "not a BPDU");
                    }
                }
            }
        }
    }

    fn view(&self, b: usize, port: u16) -> PortView {
        self.bridges[b]
            .ports()
            .into_iter()
            .find(|p| p.key == port)
            .unwrap()
    }

    fn role(&self, b: usize, port: u16) -> Role {
        self.view(b, port).role
    }

    /// Every bridge's ports, for failure messages.
    fn states(&self) -> Vec<Vec<PortView>> {
        self.bridges.iter().map(Rstp::ports).collect()
    }

    fn forwarding(&self, b: usize, port: u16) -> bool {
        self.view(b, port).forwarding
    }
}

#[test]
fn two_bridges_agree_on_the_root_in_under_a_second() {
    let mut n = Net::new(vec![bridge(4096, 1), bridge(32768, 2)]);
    n.wire((0, 0), (1, 0));
    n.run(1000);
    assert_eq!(n.role(0, 0), Role::Designated);
    assert_eq!(n.role(1, 0), Role::Root);
    assert!(n.forwarding(0, 0) && n.forwarding(1, 0), "{:?}", n.states());
    assert_eq!(n.bridges[1].root().0.root, n.bridges[0].bridge().id());
}

#[test]
fn a_second_link_between_two_bridges_is_blocked() {
    let mut n = Net::new(vec![bridge(4096, 1), bridge(32768, 2)]);
    n.wire((0, 0), (1, 0));
    n.wire((0, 1), (1, 1));
    n.run(1000);
    assert_eq!(n.role(1, 0), Role::Root);
    assert_eq!(n.role(1, 1), Role::Alternate);
    assert!(n.forwarding(1, 0) && !n.forwarding(1, 1));
    assert!(
        n.forwarding(0, 0) && n.forwarding(0, 1),
        "the root's ports forward"
    );
    // The link of the root port fails: the alternate takes over at once.
    n.wires.remove(0);
    let now = n.now;
    n.bridges[1].set_port(
        0,
        Some((settings(1), MacAddr([2, 0, 0, 1, 1, 0]), false)),
        now,
    );
    n.bridges[0].set_port(
        0,
        Some((settings(1), MacAddr([2, 0, 0, 1, 0, 0]), false)),
        now,
    );
    n.run(500);
    assert_eq!(n.role(1, 1), Role::Root);
    assert!(n.forwarding(1, 1));
}

#[test]
fn two_ports_of_one_bridge_wired_together_block_one() {
    let mut n = Net::new(vec![bridge(32768, 1)]);
    n.wire((0, 0), (0, 1));
    n.run(1000);
    assert_eq!(n.role(0, 0), Role::Designated);
    assert_eq!(n.role(0, 1), Role::Backup);
    assert!(!n.forwarding(0, 1), "the loop is never closed");
    assert!(
        n.forwarding(0, 0),
        "the backup agreed: the designated port forwards"
    );
}

#[test]
fn three_bridges_in_a_ring_block_one_port_and_heal() {
    let mut n = Net::new(vec![bridge(4096, 1), bridge(32768, 2), bridge(32768, 3)]);
    n.wire((0, 0), (1, 0));
    n.wire((1, 1), (2, 1));
    n.wire((2, 0), (0, 1));
    n.run(2000);
    let blocked: Vec<(usize, u16)> = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
        .into_iter()
        .filter(|&(b, p)| !n.forwarding(b, p))
        .collect();
    assert_eq!(blocked, [(2, 1)], "{:?}", n.states());
    assert_eq!(n.role(2, 1), Role::Alternate);
    // Bridge 2's root link fails: its alternate becomes root within a second.
    n.wires.retain(|w| *w != ((2, 0), (0, 1)));
    let now = n.now;
    n.bridges[2].set_port(
        0,
        Some((settings(1), MacAddr([2, 0, 0, 1, 2, 0]), false)),
        now,
    );
    n.bridges[0].set_port(
        1,
        Some((settings(2), MacAddr([2, 0, 0, 1, 0, 1]), false)),
        now,
    );
    n.run(1000);
    assert_eq!(n.role(2, 1), Role::Root);
    assert!(n.forwarding(2, 1) && n.forwarding(1, 1), "{:?}", n.states());
    assert!(n.bridges[2].topology_changes.0 > 0);
}

#[test]
fn a_port_with_no_bridge_behind_it_waits_two_forward_delays() {
    let mut n = Net::new(vec![bridge(32768, 1)]);
    n.port(0, 0, settings(1), true);
    n.run(29_000);
    assert!(!n.forwarding(0, 0));
    n.run(1_500);
    assert!(n.forwarding(0, 0));
}

#[test]
fn an_edge_port_forwards_at_once_and_bpdu_guard_takes_it_down() {
    let mut n = Net::new(vec![bridge(32768, 1), bridge(4096, 2)]);
    let edge = PortSettings {
        edge: true,
        bpdu_guard: true,
        ..settings(1)
    };
    n.port(0, 0, edge, true);
    n.run(100);
    assert!(n.forwarding(0, 0));
    // A bridge appears behind it.
    n.port(1, 0, settings(1), true);
    n.wires.push(((0, 0), (1, 0)));
    n.run(2500);
    assert_eq!(n.err_disabled, [(0, 0)]);
    assert!(!n.forwarding(0, 0));
}

#[test]
fn a_topology_change_flushes_the_other_ports() {
    let mut n = Net::new(vec![bridge(4096, 1), bridge(32768, 2)]);
    n.port(1, 5, settings(6), true);
    n.run(31_000);
    assert!(n.forwarding(1, 5));
    n.flushes[1].clear();
    n.wire((0, 0), (1, 0));
    n.run(1000);
    assert!(n.flushes[1].contains(&5), "{:?}", n.flushes);
}

#[test]
fn an_8021d_peer_gets_configuration_bpdus() {
    let mut b = bridge(4096, 1);
    let now = Instant::now();
    b.set_port(
        0,
        Some((settings(1), MacAddr([2, 0, 0, 1, 0, 0]), true)),
        now,
    );
    let stp = Config {
        version: 0,
        flags: 0,
        root: BridgeId::new(32768, MacAddr([9; 6])),
        cost: 0,
        bridge: BridgeId::new(32768, MacAddr([9; 6])),
        port: 0x8001,
        times: Times::default(),
    };
    assert!(b.receive(0, &Bpdu::Config(stp).frame(MacAddr([9; 6])), now));
    let later = now + Duration::from_secs(3);
    let sent: Vec<Bpdu> = b
        .tick(later)
        .into_iter()
        .filter_map(|a| match a {
            Action::Send(_, f) => Bpdu::parse(&f).ok(),
            _ => None,
        })
        .collect();
    assert!(
        sent.iter()
            .any(|b| matches!(b, Bpdu::Config(c) if c.version == 0)),
        "{sent:?}"
    );
}
