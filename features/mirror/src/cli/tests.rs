use super::*;
use lisa_engine::Registry;
use lisa_ports::model::with_ports;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    lisa_ports::register(&mut reg);
    crate::register(&mut reg);
    reg
}

const PORTS: [&str; 4] = ["Ethernet1", "Ethernet2", "Ethernet3", "Vhost1"];

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), PORTS)
}

fn sessions(c: &Config) -> &BTreeMap<u16, Session> {
    &c.get::<MonitorConfig>().sessions
}

#[test]
fn sources_destination_and_directions() {
    let reg = registry();
    let text = "monitor session 1 source interface e1\nmonitor session 1 source interface Ethernet2 rx\nmonitor session 1 destination interface e3\nmonitor session 2 source vlan 10,20-21 tx\n";
    let c = reg.apply_text(&base(&reg), text).unwrap();
    let s = &sessions(&c)[&1];
    assert_eq!(s.interfaces["Ethernet1"], Direction::Both);
    assert_eq!(s.interfaces["Ethernet2"], Direction::Rx);
    assert_eq!(s.destination.as_deref(), Some("Ethernet3"));
    assert_eq!(sessions(&c)[&2].vlans.len(), 3);
    assert_eq!(
        reg.render(&c)
            .lines()
            .filter(|l| l.starts_with("monitor"))
            .collect::<Vec<_>>(),
        [
            "monitor session 1 source interface Ethernet1",
            "monitor session 1 source interface Ethernet2 rx",
            "monitor session 1 destination interface Ethernet3",
            "monitor session 2 source vlan 10,20-21 tx",
        ]
    );
    // rx then tx is both; removing rx leaves tx; removing the rest ends it.
    let c = reg
        .apply_text(
            &c,
            "monitor session 1 source interface e2 tx\nno monitor session 1 source interface e1 rx\nno monitor session 2 source vlan 10,20-21\n",
        )
        .unwrap();
    let s = &sessions(&c)[&1];
    assert_eq!(s.interfaces["Ethernet2"], Direction::Both);
    assert_eq!(s.interfaces["Ethernet1"], Direction::Tx);
    assert!(!sessions(&c).contains_key(&2), "an empty session goes");
    let c = reg
        .apply_text(&c, "no monitor session 1 destination interface e3\n")
        .unwrap();
    assert_eq!(sessions(&c)[&1].destination, None);
    let c = reg.apply_text(&c, "no monitor session all\n").unwrap();
    assert!(sessions(&c).is_empty());
}

#[test]
fn span_mistakes_are_refused() {
    let reg = registry();
    let b = base(&reg);
    for (text, want) in [
        ("monitor session 67 source interface e1", "Invalid input"),
        (
            "monitor session 1 source interface e1\nmonitor session 1 source vlan 10",
            "not both",
        ),
        (
            "monitor session 1 source interface e1\nmonitor session 2 source interface e1",
            "source of session 1",
        ),
        (
            "monitor session 1 source interface e1\nmonitor session 1 destination interface e1",
            "cannot be a source",
        ),
        (
            "monitor session 1 destination interface e3\nmonitor session 2 destination interface e3",
            "destination of session 1",
        ),
        ("monitor session 1 destination interface Vlan10", "not a switch port"),
        ("monitor session 1 source interface Ethernet9", "not a switch port"),
    ] {
        let e = reg.apply_text(&b, text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
}

#[test]
fn a_removed_interface_leaves_its_sessions() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "monitor session 1 source interface e1\nmonitor session 1 destination interface e2\nmonitor session 2 destination interface e3\n",
        )
        .unwrap();
    let mut c = c;
    crate::model::cascade(&mut c, &lisa_engine::Removed::Interface("Ethernet3".into()));
    assert!(!sessions(&c).contains_key(&2));
    crate::model::cascade(&mut c, &lisa_engine::Removed::Interface("Ethernet2".into()));
    assert_eq!(sessions(&c)[&1].destination, None);
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![
        Just(Direction::Rx),
        Just(Direction::Tx),
        Just(Direction::Both)
    ]
}

proptest! {
    /// Rendering sessions and applying the text to a fresh switch gives
    /// them back.
    #[test]
    fn render_then_apply_is_identity(
        kinds in proptest::collection::vec((any::<bool>(), direction(), proptest::option::of(0usize..4)), 0..4),
        vlans in proptest::collection::btree_map(1u16..=4094, direction(), 1..6),
        port_dirs in proptest::collection::vec(direction(), 4),
    ) {
        let reg = registry();
        let mut cfg = base(&reg);
        let mut used_vlans = false;
        let mut free: Vec<&str> = PORTS.to_vec();
        let m = cfg.get_mut::<MonitorConfig>();
        for (i, (vlan_session, _dir, dest)) in kinds.into_iter().enumerate() {
            let mut s = Session::default();
            if vlan_session && !used_vlans {
                s.vlans = vlans.clone();
                used_vlans = true;
            } else if let Some(p) = free.pop() {
                s.interfaces.insert(p.to_string(), port_dirs[i]);
            }
            if dest.is_some() {
                s.destination = free.pop().map(str::to_string);
            }
            if !s.is_empty() {
                m.sessions.insert(i as u16 + 1, s);
            }
        }
        let text = reg.render(&cfg);
        let again = reg.apply_text(&base(&reg), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}
