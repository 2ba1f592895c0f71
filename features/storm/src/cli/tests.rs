use super::*;
use crate::model::{FALLING_ABOVE_RISING, MAX_PERCENT, MAX_RATE};
use lisa_engine::{Mode, Registry, Removed};
use lisa_ports::model::with_ports;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    lisa_ports::register(&mut reg);
    lisa_l2::register(&mut reg);
    crate::register(&mut reg);
    reg
}

const PORTS: [&str; 4] = ["Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4"];

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), PORTS)
}

fn storm_of(c: &Config) -> &StormConfig {
    c.get::<StormConfig>()
}

fn level(unit: Unit, rising: u64, falling: Option<u64>) -> Option<Level> {
    Some(Level::new(unit, rising, falling).unwrap())
}

/// Every form, as typed (abbreviated, with values IOS writes otherwise).
const TYPED: &str = "interface e1
 storm-control broadcast level 20 10
 storm-control multicast level 5.5
 storm-control unicast level 100
 storm-control action shutdown
interface e2
 storm-control broadcast level bps 10m 5000k
 storm-control multicast level bps 1.5k
 storm-control action trap
interface e3
 storm-c u l pps 1k 1000
 storm-control b level pps 0
";

#[test]
fn every_form_is_taken_and_read_back() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), TYPED).unwrap();
    let s = storm_of(&c);
    assert_eq!(
        s.port("Ethernet1"),
        PortStorm {
            broadcast: level(Unit::Percent, 2000, Some(1000)),
            multicast: level(Unit::Percent, 550, None),
            unicast: level(Unit::Percent, MAX_PERCENT, None),
            action: Some(StormAction::Shutdown),
        }
    );
    assert_eq!(
        s.port("Ethernet2"),
        PortStorm {
            broadcast: level(Unit::Bps, 10_000_000, Some(5_000_000)),
            multicast: level(Unit::Bps, 1500, None),
            unicast: None,
            action: Some(StormAction::Trap),
        }
    );
    let e3 = s.port("Ethernet3");
    assert_eq!(e3.unicast, level(Unit::Pps, 1000, None), "1k 1000: equal");
    assert_eq!(e3.broadcast, level(Unit::Pps, 0, None));
    assert_eq!(
        reg.render_interface(&c, "Ethernet1"),
        [
            "storm-control broadcast level 20.00 10.00",
            "storm-control multicast level 5.50",
            "storm-control unicast level 100.00",
            "storm-control action shutdown",
        ]
    );
    assert_eq!(
        reg.render_interface(&c, "Ethernet2"),
        [
            "storm-control broadcast level bps 10m 5m",
            "storm-control multicast level bps 1500",
            "storm-control action trap",
        ]
    );
    assert_eq!(
        reg.render_interface(&c, "Ethernet3"),
        [
            "storm-control broadcast level pps 0",
            "storm-control unicast level pps 1k",
        ]
    );
    assert!(reg.render_interface(&c, "Ethernet4").is_empty());
    assert_eq!(reg.apply_text(&base(&reg), &reg.render(&c)).unwrap(), c);
}

#[test]
fn no_forms_undo() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), TYPED).unwrap();
    let undo = "interface range e1 - 3
 no storm-control broadcast level
 no storm-control multicast level
 no storm-control unicast level 20
 no storm-control action shutdown
 no storm-control action trap
";
    let c = reg.apply_text(&c, undo).unwrap();
    assert_eq!(storm_of(&c), &StormConfig::default());
    assert!(!reg.render(&c).contains("storm-control"));
}

#[test]
fn one_action_is_kept_and_no_removes_only_its_own() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n storm-control action shutdown\n storm-control action trap\n no storm-control action shutdown\n",
        )
        .unwrap();
    assert_eq!(
        storm_of(&c).port("Ethernet1").action,
        Some(StormAction::Trap)
    );
    let c = reg
        .apply_text(&c, "interface e1\n no storm-control action trap\n")
        .unwrap();
    assert!(storm_of(&c).ports.is_empty());
}

#[test]
fn a_range_sets_every_port() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface range e1 - 4\n storm-control broadcast level 1\n",
        )
        .unwrap();
    let names: Vec<&str> = storm_of(&c).ports_with_levels().map(|(n, _)| n).collect();
    assert_eq!(names, PORTS);
}

#[test]
fn bad_levels_are_refused() {
    let reg = registry();
    for (line, why) in [
        ("storm-control broadcast level 10 20", FALLING_ABOVE_RISING),
        (
            "storm-control broadcast level pps 1k 2k",
            FALLING_ABOVE_RISING,
        ),
        (
            "storm-control broadcast level bps 1m 1.5m",
            FALLING_ABOVE_RISING,
        ),
        (
            "storm-control broadcast level 100.01",
            "Invalid input detected at '100.01'",
        ),
        (
            "storm-control multicast level 20.555",
            "Invalid input detected at '20.555'",
        ),
        (
            "storm-control unicast level bps 10x",
            "Invalid input detected at '10x'",
        ),
        (
            "storm-control unicast level pps 1.5",
            "Invalid input detected at '1.5'",
        ),
        (
            "storm-control unicast level pps 11g",
            "Invalid input detected at '11g'",
        ),
        (
            "storm-control broadcast level 20 ten",
            "Invalid input detected at 'ten'",
        ),
    ] {
        let mut c = base(&reg);
        let mut mode = Mode::global();
        reg.apply_line(&mut c, &mut mode, "interface e1").unwrap();
        let e = reg.apply_line(&mut c, &mut mode, line).unwrap_err();
        let said = e.to_string();
        assert!(
            said.starts_with("% ") && said.contains(why),
            "{line}: {said}"
        );
        assert!(storm_of(&c).ports.is_empty(), "{line}: nothing changed");
    }
    for (line, e) in [
        ("storm-control broadcast level", "% Incomplete command."),
        ("storm-control broadcast", "% Incomplete command."),
        ("storm-control action", "% Incomplete command."),
        (
            "storm-control broadcast level 1 2 3",
            "% Invalid input detected at '^' marker.",
        ),
        (
            "storm-control action drop",
            "% Invalid input detected at '^' marker.",
        ),
    ] {
        let mut c = base(&reg);
        let mut mode = Mode::global();
        reg.apply_line(&mut c, &mut mode, "interface e1").unwrap();
        let got = reg.apply_line(&mut c, &mut mode, line).unwrap_err();
        assert_eq!(got.to_string(), e, "{line}");
    }
}

#[test]
fn the_highest_levels_are_taken() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n storm-control broadcast level 100.00 0\n storm-control multicast level bps 10g 10000000000\n",
        )
        .unwrap();
    let p = storm_of(&c).port("Ethernet1");
    assert_eq!(p.broadcast, level(Unit::Percent, MAX_PERCENT, Some(0)));
    assert_eq!(p.multicast, level(Unit::Bps, MAX_RATE, None));
}

#[test]
fn levels_need_a_switch_port() {
    let reg = registry();
    let e = reg
        .apply_text(
            &base(&reg),
            "interface Vlan10\n storm-control broadcast level 20\n",
        )
        .unwrap_err();
    assert_eq!(
        e.error.to_string(),
        "% Command rejected (Vlan10): storm control needs a switch port, not a VLAN interface"
    );
    // The typed API goes through the same rules.
    let mut c = reg.apply_text(&base(&reg), "interface Vlan10\n").unwrap();
    c.get_mut::<StormConfig>()
        .edit("Vlan10", |p| p.broadcast = level(Unit::Percent, 2000, None));
    assert!(reg
        .validate(&base(&reg), &c)
        .unwrap_err()
        .contains("Vlan10"));
    let mut c = base(&reg);
    c.get_mut::<StormConfig>()
        .edit("Ethernet9", |p| p.action = Some(StormAction::Trap));
    assert_eq!(
        reg.validate(&base(&reg), &c).unwrap_err(),
        "Interface Ethernet9 does not exist"
    );
    let mut c = base(&reg);
    c.get_mut::<StormConfig>().edit("Ethernet1", |p| {
        p.unicast = Some(Level {
            unit: Unit::Pps,
            rising: 10,
            falling: Some(20),
        })
    });
    assert_eq!(
        reg.validate(&base(&reg), &c).unwrap_err(),
        format!("interface Ethernet1: storm-control unicast: {FALLING_ABOVE_RISING}")
    );
}

#[test]
fn a_removed_interface_takes_its_storm_control() {
    let reg = registry();
    let mut c = reg.apply_text(&base(&reg), TYPED).unwrap();
    reg.cascade(&mut c, &Removed::Interface("Ethernet1".into()));
    assert!(!storm_of(&c).ports.contains_key("Ethernet1"));
    let c = reg.apply_text(&c, "default interface e2\n").unwrap();
    assert!(!storm_of(&c).ports.contains_key("Ethernet2"));
    assert!(storm_of(&c).ports.contains_key("Ethernet3"), "others stay");
}

#[test]
fn storm_control_goes_after_switchport_and_before_spanning_tree() {
    use lisa_engine::render::rank;
    let order = [
        rank::SWITCHPORT,
        rank::MTU,
        rank::IP,
        rank::STORM,
        rank::LACP,
        rank::SHUTDOWN,
        rank::STP,
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n shutdown\n storm-control action trap\n storm-control broadcast level 20\n switchport mode trunk\n description user\n",
        )
        .unwrap();
    assert_eq!(
        reg.render_interface(&c, "Ethernet1"),
        [
            "description user",
            "switchport mode trunk",
            "storm-control broadcast level 20.00",
            "storm-control action trap",
            "shutdown",
        ]
    );
}

#[test]
fn show_commands_parse_into_requests() {
    let reg = registry();
    for (line, interface, class) in [
        ("show storm-control", "", ""),
        ("show storm-control broadcast", "", "broadcast"),
        ("sh storm m", "", "multicast"),
        ("show storm-control e1", "e1", ""),
        (
            "show storm-control Ethernet1 unicast",
            "Ethernet1",
            "unicast",
        ),
        ("show storm-control gi1/0/1 b", "gi1/0/1", "broadcast"),
    ] {
        let parsed = lisa_engine::grammar::parse(reg.exec_tree(), line)
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        let req = show::request(&parsed.args);
        assert_eq!(
            (req.interface.as_str(), req.class.as_str()),
            (interface, class),
            "{line}"
        );
    }
}

/// A level of `unit` drawn within its range, its falling level not above
/// the rising one.
fn level_strategy() -> impl Strategy<Value = Level> {
    (0usize..3, any::<u64>(), any::<u64>(), any::<bool>()).prop_map(|(u, a, b, falls)| {
        let unit = Unit::ALL[u];
        // Round numbers, so the suffixes are drawn too.
        let scale = [1, 1_000, 1_000_000][(a % 3) as usize];
        let top = unit.max() / scale;
        let rising = (a % (top + 1)) * scale;
        let falling = falls.then(|| b % (rising + 1));
        Level::new(unit, rising, falling).unwrap()
    })
}

fn port_strategy() -> impl Strategy<Value = PortStorm> {
    (
        proptest::option::of(level_strategy()),
        proptest::option::of(level_strategy()),
        proptest::option::of(level_strategy()),
        proptest::option::of(proptest::sample::select(StormAction::ALL.to_vec())),
    )
        .prop_map(|(broadcast, multicast, unicast, action)| PortStorm {
            broadcast,
            multicast,
            unicast,
            action,
        })
}

proptest! {
    /// Rendering the settings and applying the text to a fresh switch
    /// gives them back.
    #[test]
    fn render_then_apply_is_identity(ports in proptest::collection::vec(port_strategy(), 4)) {
        let reg = registry();
        let mut cfg = base(&reg);
        for (name, p) in PORTS.iter().zip(ports) {
            cfg.get_mut::<StormConfig>().edit(name, |s| *s = p);
        }
        prop_assert!(reg.validate(&base(&reg), &cfg).is_ok());
        let text = reg.render(&cfg);
        let again = reg
            .apply_text(&base(&reg), &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}
