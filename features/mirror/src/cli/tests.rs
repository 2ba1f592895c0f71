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

/// Five Ethernet ports and a vhost one, for lists and ranges.
const WIDE: [&str; 6] = [
    "Ethernet1",
    "Ethernet2",
    "Ethernet3",
    "Ethernet4",
    "Ethernet5",
    "Vhost1",
];

fn wide(reg: &Registry) -> Config {
    with_ports(reg.default_config(), WIDE)
}

/// The source interfaces of session `id`, as (name, direction) pairs.
fn sources_of(c: &Config, id: u16) -> Vec<(&str, Direction)> {
    sessions(c)[&id]
        .interfaces
        .iter()
        .map(|(n, d)| (n.as_str(), *d))
        .collect()
}

#[test]
fn interface_lists_and_ranges_in_one_line() {
    use Direction::{Both, Rx, Tx};
    let reg = registry();
    for (list, want) in [
        (
            "Ethernet1 - 3 , Ethernet5 rx",
            vec![
                ("Ethernet1", Rx),
                ("Ethernet2", Rx),
                ("Ethernet3", Rx),
                ("Ethernet5", Rx),
            ],
        ),
        ("e1,e3 both", vec![("Ethernet1", Both), ("Ethernet3", Both)]),
        ("Ethernet1-2 tx", vec![("Ethernet1", Tx), ("Ethernet2", Tx)]),
        ("e1", vec![("Ethernet1", Both)]),
        ("e1 ,e3", vec![("Ethernet1", Both), ("Ethernet3", Both)]),
        ("e1, e3 rx", vec![("Ethernet1", Rx), ("Ethernet3", Rx)]),
        ("e4 -5", vec![("Ethernet4", Both), ("Ethernet5", Both)]),
        ("e4- 5 tx", vec![("Ethernet4", Tx), ("Ethernet5", Tx)]),
        (
            "e1-2,vhost1 , E5 r",
            vec![
                ("Ethernet1", Rx),
                ("Ethernet2", Rx),
                ("Ethernet5", Rx),
                ("Vhost1", Rx),
            ],
        ),
    ] {
        let line = format!("monitor session 1 source interface {list}\n");
        let c = reg
            .apply_text(&wide(&reg), &line)
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(sources_of(&c, 1), want, "{line}");
    }
}

#[test]
fn a_list_is_removed_and_rendered_one_interface_a_line() {
    use Direction::Rx;
    let reg = registry();
    let c = reg
        .apply_text(
            &wide(&reg),
            "monitor session 1 source interface Ethernet1 - 3 , Ethernet5 rx\nno monitor session 1 source interface Ethernet1 - 2\n",
        )
        .unwrap();
    assert_eq!(sources_of(&c, 1), [("Ethernet3", Rx), ("Ethernet5", Rx)]);
    let text = reg.render(&c);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("monitor")).collect();
    assert_eq!(
        lines,
        [
            "monitor session 1 source interface Ethernet3 rx",
            "monitor session 1 source interface Ethernet5 rx",
        ]
    );
    let c = reg
        .apply_text(&c, "no monitor session 1 source interface e3,e5 rx\n")
        .unwrap();
    assert!(sessions(&c).is_empty(), "nothing left, the session goes");
}

#[test]
fn vlan_lists_take_spaces() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "monitor session 2 source vlan 10 - 20 , 30 rx\nmonitor session 2 source vlan 40 ,50- 51\nno monitor session 2 source vlan 15 -16 rx\n",
        )
        .unwrap();
    let vlans: Vec<u16> = sessions(&c)[&2].vlans.keys().copied().collect();
    let want: Vec<u16> = (10..=14).chain(17..=20).chain([30, 40, 50, 51]).collect();
    assert_eq!(vlans, want);
    let text = reg.render(&c);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("monitor")).collect();
    assert_eq!(
        lines,
        [
            "monitor session 2 source vlan 40,50-51",
            "monitor session 2 source vlan 10-14,17-20,30 rx",
        ]
    );
}

#[test]
fn a_bad_list_changes_nothing() {
    let reg = registry();
    let start = reg
        .apply_text(
            &wide(&reg),
            "monitor session 1 source interface e4 tx\nmonitor session 2 source vlan 10\n",
        )
        .unwrap();
    for (line, want) in [
        (
            "monitor session 1 source interface e1 , x",
            "needs a number",
        ),
        ("monitor session 1 source interface e1 e3", "Invalid input"),
        ("monitor session 1 source interface e1 3", "Invalid input"),
        (
            "monitor session 1 source interface e1 -",
            "Bad interface range",
        ),
        (
            "monitor session 1 source interface e3 - 1",
            "Bad interface range",
        ),
        (
            "monitor session 1 source interface e1 , , e3",
            "Bad interface range",
        ),
        (
            "monitor session 1 source interface e1 rx e2",
            "Invalid input",
        ),
        (
            "no monitor session 1 source interface e4, x",
            "needs a number",
        ),
        ("monitor session 2 source vlan 20 30", "Invalid input"),
        (
            "monitor session 2 source vlan 20 - 5000 rx",
            "not a VLAN list",
        ),
        ("monitor session 2 source vlan 20 ,", "not a VLAN list"),
    ] {
        let mut cfg = start.clone();
        let mut mode = lisa_engine::Mode::global();
        let e = reg.apply_line(&mut cfg, &mut mode, line).unwrap_err();
        assert!(e.to_string().contains(want), "{line}: {e}");
        assert_eq!(cfg, start, "{line} changed the configuration");
    }
    // Refused by the rules: the whole line goes, not only the bad one.
    for (text, want) in [
        (
            "monitor session 1 source interface e1 , e9",
            "not a switch port",
        ),
        (
            "monitor session 1 source interface e1 - 2 , Vlan10",
            "not a switch port",
        ),
        (
            "monitor session 3 destination interface e3\nmonitor session 1 source interface e1 - 3",
            "cannot be a source",
        ),
    ] {
        let e = reg.apply_text(&start, text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
}

#[test]
fn a_list_is_at_most_max_list_words_long() {
    let reg = registry();
    let words = vec!["e1"; list::MAX_LIST_WORDS].join(" , ");
    let line = format!("monitor session 1 source interface {words}");
    let mut mode = lisa_engine::Mode::global();
    let e = reg
        .apply_line(&mut wide(&reg), &mut mode, &line)
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApplyError::Parse(lisa_engine::ParseError::Invalid { .. })
        ),
        "{e}"
    );
    let words = vec!["e1"; list::MAX_LIST_WORDS / 2].join(" , ");
    let line = format!("monitor session 1 source interface {words}");
    reg.apply_text(&wide(&reg), &line).unwrap();
}

/// The labels `?` shows after `line`.
fn help_labels(reg: &Registry, line: &str) -> Vec<String> {
    lisa_engine::grammar::help(reg.global_tree(), line)
        .unwrap()
        .into_iter()
        .map(|(label, _)| label)
        .collect()
}

#[test]
fn help_offers_the_directions_after_any_word_of_a_list() {
    let reg = registry();
    assert_eq!(
        help_labels(&reg, "monitor session 1 source interface "),
        ["WORD"]
    );
    let after_word = ["WORD", "both", "rx", "tx", "<cr>"];
    for line in [
        "monitor session 1 source interface e1 ",
        "monitor session 1 source interface Ethernet1 - 3 , Ethernet5 ",
        "no monitor session 1 source interface e1,e3 ",
        "monitor session 1 source vlan 10 - 20 ",
    ] {
        assert_eq!(help_labels(&reg, line), after_word, "{line}");
    }
    assert_eq!(
        help_labels(&reg, "monitor session 1 source interface e1 - 3 r"),
        ["WORD", "rx"]
    );
    assert!(help_labels(&reg, "monitor session 1 source interface e1 rx ") == ["<cr>"]);
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

    /// A source list in one line, however it is written, is the same as
    /// one line per interface; its `no` form takes them all away.
    #[test]
    fn a_list_line_is_its_interfaces_lines(
        members in 1u8..32,
        dir in proptest::option::of(direction()),
        spaced in any::<bool>(),
        ranged in any::<bool>(),
        short in any::<bool>(),
    ) {
        let reg = registry();
        let numbers: Vec<u8> = (1..=5).filter(|n| members & (1 << (n - 1)) != 0).collect();
        let suffix = dir.map(|d| format!(" {d}")).unwrap_or_default();
        let list = list_text(&numbers, spaced, ranged, short);
        let one_line = format!("monitor session 1 source interface {list}{suffix}\n");
        let many: String = numbers
            .iter()
            .map(|n| format!("monitor session 1 source interface Ethernet{n}{suffix}\n"))
            .collect();
        let got = reg.apply_text(&wide(&reg), &one_line).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(&got, &reg.apply_text(&wide(&reg), &many).unwrap());
        let gone = reg.apply_text(&got, &format!("no {one_line}")).unwrap();
        prop_assert!(sessions(&gone).is_empty());
    }

    /// A VLAN list means the same with spaces around its `,` and `-`.
    #[test]
    fn vlan_list_spaces_do_not_matter(
        vlans in proptest::collection::btree_set(1u16..=4094, 1..8),
        dir in direction(),
    ) {
        let reg = registry();
        let mut set = VlanSet::none();
        for v in &vlans {
            set.insert(*v);
        }
        let tight = set.to_string();
        let spaced = tight.replace(',', " , ").replace('-', " - ");
        let at = |list: &str| reg.apply_text(&base(&reg), &format!("monitor session 1 source vlan {list} {dir}\n")).unwrap();
        let got = at(&spaced);
        prop_assert_eq!(&got, &at(&tight));
        prop_assert_eq!(sessions(&got)[&1].vlans.len(), vlans.len());
    }
}

/// Ethernet ports `numbers` (ascending) as a list: consecutive ones as a
/// range if `ranged`, with spaces around `,` and `-` if `spaced`, and
/// `e` for `Ethernet` if `short`.
fn list_text(numbers: &[u8], spaced: bool, ranged: bool, short: bool) -> String {
    let stem = if short { "e" } else { "Ethernet" };
    let (comma, dash) = if spaced { (" , ", " - ") } else { (",", "-") };
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for &n in numbers {
        match runs.last_mut() {
            Some((_, last)) if ranged && *last + 1 == n => *last = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|&(a, b)| match a == b {
            true => format!("{stem}{a}"),
            false => format!("{stem}{a}{dash}{b}"),
        })
        .collect::<Vec<_>>()
        .join(comma)
}
