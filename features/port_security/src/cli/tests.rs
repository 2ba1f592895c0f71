use super::*;
use crate::model::{add_sticky, resolve_vlan, secure_addresses};
use lisa_engine::{Mode, Registry, Removed};
use lisa_ports::model::with_ports;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    lisa_ports::register(&mut reg);
    lisa_vlan::register(&mut reg);
    lisa_l2::register(&mut reg);
    crate::register(&mut reg);
    reg
}

const PORTS: [&str; 6] = [
    "Ethernet1",
    "Ethernet2",
    "Ethernet3",
    "Ethernet4",
    "Ethernet5",
    "Ethernet6",
];

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), PORTS)
}

fn psec(c: &Config) -> &PortSecurityConfig {
    c.get::<PortSecurityConfig>()
}

fn mac(s: &str) -> MacAddr {
    s.parse().unwrap()
}

/// Applies `text` to the base configuration, or panics with the error.
fn apply(reg: &Registry, text: &str) -> Config {
    reg.apply_text(&base(reg), text)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The error `text` gets, as IOS prints it.
fn refusal(reg: &Registry, text: &str) -> String {
    reg.apply_text(&base(reg), text)
        .map(|_| ())
        .unwrap_err()
        .error
        .to_string()
}

/// The port-security blocks of the real configs in ../shared/ios-corpus
/// (cml-contest-dsw2: GigabitEthernet0/2 and 0/3; cml-contest-asw1 has
/// the same lines), with the `switchport` lines before them.
const CORPUS: &str = "interface GigabitEthernet0/2
 switchport access vlan 201
 switchport mode access
 switchport port-security maximum 10
 switchport port-security violation restrict
 switchport port-security mac-address sticky
 switchport port-security mac-address sticky 5254.0016.3b55
 switchport port-security
!
interface GigabitEthernet0/3
 switchport access vlan 200
 switchport mode access
 switchport port-security maximum 10
 switchport port-security violation restrict
 switchport port-security mac-address sticky
 switchport port-security mac-address sticky 5254.0019.6287
 switchport port-security
!
";

#[test]
fn the_corpus_lines_are_taken_and_read_back() {
    let reg = registry();
    let c = apply(&reg, CORPUS);
    let p = psec(&c).port("GigabitEthernet0/2");
    assert!(p.enabled && p.sticky);
    assert_eq!((p.maximum, p.violation), (10, Violation::Restrict));
    assert_eq!(
        p.addresses.into_iter().collect::<Vec<_>>(),
        [((PORT_VLAN, mac("5254.0016.3b55")), AddressKind::Sticky)]
    );
    assert_eq!(
        secure_addresses(&c, "GigabitEthernet0/3"),
        [(200, mac("5254.0019.6287"), AddressKind::Sticky)],
        "an address without a VLAN is in the access VLAN"
    );
    let block: Vec<&str> = CORPUS
        .lines()
        .skip(1)
        .take_while(|l| *l != "!")
        .map(str::trim)
        .collect();
    assert_eq!(reg.render_interface(&c, "GigabitEthernet0/2"), block);
    let text = reg.render(&c);
    assert!(text.contains(CORPUS), "{text}");
    assert_eq!(reg.apply_text(&base(&reg), &text).unwrap(), c);
}

#[test]
fn every_form_and_its_no_form() {
    let reg = registry();
    let c = apply(
        &reg,
        "vlan 10\ninterface e1\n switchport mode trunk\n switchport port-security\n switchport port-security maximum 5\n switchport port-security violation protect\n switchport port-security mac-address 0200.0000.0001\n switchport port-security mac-address 0200.0000.0002 vlan 10\n switchport port-security mac-address 0200.0000.0003 vlan access\n switchport port-security mac-address sticky\n switchport port-security mac-address sticky 0200.0000.0004 vlan 10\n switchport port-security aging time 30\n",
    );
    assert_eq!(
        reg.render_interface(&c, "Ethernet1"),
        [
            "switchport mode trunk",
            "switchport port-security maximum 5",
            "switchport port-security violation protect",
            "switchport port-security mac-address sticky",
            "switchport port-security mac-address sticky 0200.0000.0004 vlan 10",
            "switchport port-security mac-address 0200.0000.0001",
            "switchport port-security mac-address 0200.0000.0003",
            "switchport port-security mac-address 0200.0000.0002 vlan 10",
            "switchport port-security aging time 30",
            "switchport port-security",
        ]
    );
    let p = psec(&c).port("Ethernet1");
    assert_eq!(p.count(AddressKind::Configured), 3);
    assert_eq!(p.aging_time, 30);
    let c = reg
        .apply_text(
            &c,
            "interface e1\n no switchport port-security mac-address 0200.0000.0001\n no switchport port-security mac-address 0200.0000.0002 vlan 10\n no switchport port-security mac-address 0200.0000.0003 vlan access\n no switchport port-security mac-address sticky 0200.0000.0004 vlan 10\n no switchport port-security mac-address sticky\n no switchport port-security aging time\n no switchport port-security violation\n no switchport port-security maximum\n no switchport port-security\n",
        )
        .unwrap();
    assert_eq!(psec(&c), &PortSecurityConfig::default());
    assert_eq!(
        reg.render_interface(&c, "Ethernet1"),
        ["switchport mode trunk"]
    );
}

#[test]
fn no_forms_take_their_values_too() {
    let reg = registry();
    let c = apply(
        &reg,
        "interface e1\n switchport port-security maximum 5\n switchport port-security violation restrict\n switchport port-security aging time 10\n no switchport port-security maximum 5\n no switchport port-security violation restrict\n no switchport port-security aging time 10\n",
    );
    assert_eq!(psec(&c), &PortSecurityConfig::default());
}

#[test]
fn defaults_are_not_kept() {
    let reg = registry();
    let c = apply(
        &reg,
        "interface e1\n switchport port-security maximum 1\n switchport port-security violation shutdown\n switchport port-security aging time 0\n no switchport port-security\n",
    );
    assert_eq!(psec(&c), &PortSecurityConfig::default());
}

#[test]
fn turning_port_security_off_keeps_its_settings() {
    let reg = registry();
    let c = apply(
        &reg,
        "interface e1\n switchport port-security maximum 3\n switchport port-security\n no switchport port-security\n",
    );
    let p = psec(&c).port("Ethernet1");
    assert!(!p.enabled);
    assert_eq!(p.maximum, 3);
    assert_eq!(psec(&c).secured_ports().count(), 0);
    assert_eq!(
        reg.render_interface(&c, "Ethernet1"),
        ["switchport port-security maximum 3"]
    );
}

#[test]
fn sticky_learning_off_takes_the_sticky_addresses() {
    let reg = registry();
    let c = apply(
        &reg,
        "interface e1\n switchport port-security maximum 3\n switchport port-security mac-address sticky\n switchport port-security mac-address sticky 0200.0000.0001\n switchport port-security mac-address 0200.0000.0002\n no switchport port-security mac-address sticky\n",
    );
    let p = psec(&c).port("Ethernet1");
    assert!(!p.sticky);
    assert_eq!(
        p.addresses.into_iter().collect::<Vec<_>>(),
        [((PORT_VLAN, mac("0200.0000.0002")), AddressKind::Configured)]
    );
}

#[test]
fn an_address_changes_kind_and_no_removes_only_its_kind() {
    let reg = registry();
    let c = apply(
        &reg,
        "interface e1\n switchport port-security mac-address 0200.0000.0001\n switchport port-security mac-address sticky 0200.0000.0001\n",
    );
    let p = psec(&c).port("Ethernet1");
    assert_eq!(p.count(AddressKind::Sticky), 1);
    assert_eq!(p.count(AddressKind::Configured), 0);
    let c = reg
        .apply_text(
            &c,
            "interface e1\n no switchport port-security mac-address 0200.0000.0001\n",
        )
        .unwrap();
    assert_eq!(
        psec(&c).port("Ethernet1").addresses.len(),
        1,
        "not its kind"
    );
}

#[test]
fn addresses_stop_at_the_maximum() {
    let reg = registry();
    assert_eq!(
        refusal(
            &reg,
            "interface e1\n switchport port-security mac-address 0200.0000.0001\n switchport port-security mac-address 0200.0000.0002\n",
        ),
        "% Total secure mac-addresses on interface Ethernet1 has reached maximum limit."
    );
    assert_eq!(
        refusal(
            &reg,
            "interface e1\n switchport port-security maximum 2\n switchport port-security mac-address 0200.0000.0001\n switchport port-security mac-address sticky 0200.0000.0002\n switchport port-security maximum 1\n",
        ),
        "% Maximum is less than number of currently secured mac-addresses."
    );
    assert_eq!(
        refusal(
            &reg,
            "interface e1\n switchport port-security maximum 2\n switchport port-security mac-address 0200.0000.0001\n switchport port-security mac-address 0200.0000.0002\n no switchport port-security maximum\n",
        ),
        "% Maximum is less than number of currently secured mac-addresses."
    );
}

#[test]
fn a_refused_line_changes_nothing() {
    let reg = registry();
    let mut c = apply(
        &reg,
        "interface e2\n switchport port-security mac-address 0200.0000.0001\n",
    );
    let before = c.clone();
    let mut mode = Mode::global();
    reg.apply_line(&mut c, &mut mode, "interface range e1 - 2")
        .unwrap();
    let e = reg
        .apply_line(
            &mut c,
            &mut mode,
            "switchport port-security mac-address 0200.0000.0002",
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("Ethernet2 has reached maximum limit"),
        "{e}"
    );
    assert_eq!(psec(&c), psec(&before), "Ethernet1 did not change either");
}

#[test]
fn bad_inputs_are_refused() {
    let reg = registry();
    for (text, why) in [
        (
            "interface Vlan10\n switchport port-security\n",
            "% Command rejected: Vlan10 is not a switch port.",
        ),
        (
            "interface e1\n switchport port-security mac-address 0100.5e00.0001\n",
            "% interface Ethernet1: 0100.5e00.0001 is not a unicast address; only unicast addresses can be secure",
        ),
        (
            "interface e1\n switchport port-security mac-address 0200.0000.0001\ninterface e2\n switchport port-security mac-address 0200.0000.0001\n",
            "% Found duplicate mac-address 0200.0000.0001.",
        ),
        (
            "interface e1\n switchport port-security maximum 0\n",
            "% Invalid input detected at '^' marker.",
        ),
        (
            "interface e1\n switchport port-security maximum 4097\n",
            "% Invalid input detected at '^' marker.",
        ),
        (
            "interface e1\n switchport port-security aging time 1441\n",
            "% Invalid input detected at '^' marker.",
        ),
        (
            "interface e1\n switchport port-security violation shutdown vlan\n",
            "% Invalid input detected at '^' marker.",
        ),
        (
            "interface e1\n switchport port-security mac-address 0200.0000.0001 vlan 4095\n",
            "% Invalid input detected at '^' marker.",
        ),
        (
            "interface e1\n switchport port-security mac-address\n",
            "% Incomplete command.",
        ),
        (
            "interface e1\n switchport port-security aging\n",
            "% Incomplete command.",
        ),
    ] {
        assert_eq!(refusal(&reg, text), why, "{text}");
    }
}

#[test]
fn the_same_address_in_two_vlans_is_two_addresses() {
    let reg = registry();
    let c = apply(
        &reg,
        "interface e1\n switchport access vlan 10\n switchport port-security mac-address 0200.0000.0001\ninterface e2\n switchport access vlan 20\n switchport port-security mac-address 0200.0000.0001\n",
    );
    assert_eq!(psec(&c).ports.len(), 2);
    // Written as vlan 10 on a trunk, it is the one of e1's access VLAN.
    let e = reg
        .apply_text(
            &c,
            "interface e3\n switchport mode trunk\n switchport port-security mac-address 0200.0000.0001 vlan 10\n",
        )
        .unwrap_err();
    assert_eq!(
        e.error.to_string(),
        "% Found duplicate mac-address 0200.0000.0001."
    );
}

#[test]
fn per_vlan_maximums_are_noticed_not_kept() {
    let reg = registry();
    let mut c = base(&reg);
    let mut mode = Mode::global();
    reg.apply_line(&mut c, &mut mode, "interface e1").unwrap();
    for line in [
        "switchport port-security maximum 3 vlan 10,20",
        "switchport port-security maximum 3 vlan",
        "no switchport port-security maximum 3 vlan 10",
    ] {
        let said = reg.apply_line_noting(&mut c, &mut mode, line).unwrap();
        assert_eq!(said, [PER_VLAN_MAXIMUM_NOTICE], "{line}");
    }
    assert_eq!(psec(&c), &PortSecurityConfig::default());
}

#[test]
fn abbreviations_and_l2s_switchport_lines_still_work() {
    let reg = registry();
    let c = apply(
        &reg,
        "int e1\n sw mode acc\n sw port-sec max 4\n sw port-sec viol rest\n sw port-sec mac stick\n sw port-sec ag t 5\n sw port-sec\n switchport\n switchport nonegotiate\n",
    );
    let p = psec(&c).port("Ethernet1");
    assert!(p.enabled && p.sticky);
    assert_eq!(
        (p.maximum, p.violation, p.aging_time),
        (4, Violation::Restrict, 5)
    );
    assert!(
        c.get::<lisa_l2::L2Config>()
            .switchport("Ethernet1")
            .mode_written
    );
    assert!(refusal(&reg, "interface e1\n no switchport\n").contains("Routed ports"));
}

#[test]
fn a_removed_interface_loses_its_settings() {
    let reg = registry();
    let mut c = apply(
        &reg,
        "interface e1\n switchport port-security\ninterface e2\n switchport port-security maximum 2\n",
    );
    reg.cascade(&mut c, &Removed::Interface("Ethernet1".into()));
    assert!(!psec(&c).ports.contains_key("Ethernet1"));
    let c = reg.apply_text(&c, "default interface e2\n").unwrap();
    assert!(psec(&c).ports.is_empty());
}

#[test]
fn sticky_addresses_learned_go_into_the_configuration() {
    let reg = registry();
    let mut c = apply(
        &reg,
        "vlan 10,20\ninterface e1\n switchport access vlan 10\n switchport port-security maximum 2\n switchport port-security mac-address sticky\n switchport port-security\ninterface e2\n switchport mode trunk\n switchport port-security maximum 2\n switchport port-security mac-address sticky\ninterface e3\n switchport port-security\n",
    );
    assert_eq!(
        add_sticky(&mut c, "Ethernet1", 10, mac("0200.0000.0001")),
        Ok(true)
    );
    assert_eq!(
        add_sticky(&mut c, "Ethernet1", 10, mac("0200.0000.0001")),
        Ok(false)
    );
    assert_eq!(
        add_sticky(&mut c, "Ethernet2", 20, mac("0200.0000.0001")),
        Ok(true)
    );
    assert_eq!(
        reg.render_interface(&c, "Ethernet1")[3],
        "switchport port-security mac-address sticky 0200.0000.0001"
    );
    assert!(reg
        .render_interface(&c, "Ethernet2")
        .contains(&"switchport port-security mac-address sticky 0200.0000.0001 vlan 20".into()));
    assert_eq!(
        add_sticky(&mut c, "Ethernet1", 10, mac("0200.0000.0002")),
        Ok(true)
    );
    assert_eq!(
        add_sticky(&mut c, "Ethernet1", 10, mac("0200.0000.0003")).unwrap_err(),
        "Total secure mac-addresses on interface Ethernet1 has reached maximum limit."
    );
    assert_eq!(
        add_sticky(&mut c, "Ethernet2", 10, mac("0200.0000.0001")).unwrap_err(),
        "Found duplicate mac-address 0200.0000.0001."
    );
    assert!(add_sticky(&mut c, "Ethernet3", 1, mac("0200.0000.0009"))
        .unwrap_err()
        .contains("sticky learning is off"));
    assert!(reg.validate(&base(&reg), &c).is_ok());
    assert_eq!(reg.apply_text(&base(&reg), &reg.render(&c)).unwrap(), c);
}

#[test]
fn the_port_vlan_is_the_access_or_native_one() {
    let reg = registry();
    let c = apply(
        &reg,
        "interface e1\n switchport access vlan 30\ninterface e2\n switchport mode trunk\n switchport trunk native vlan 40\n",
    );
    assert_eq!(resolve_vlan(&c, "Ethernet1", PORT_VLAN), 30);
    assert_eq!(resolve_vlan(&c, "Ethernet2", PORT_VLAN), 40);
    assert_eq!(resolve_vlan(&c, "Ethernet2", 7), 7);
    assert_eq!(resolve_vlan(&c, "Ethernet3", PORT_VLAN), 1);
}

#[test]
fn show_commands_parse() {
    let reg = registry();
    for line in [
        "show port-security",
        "show port-security address",
        "show port-security interface e1",
        "show port-security interface GigabitEthernet0/2 address",
        "sh port-sec",
        "sh port-sec int Gi0/2",
        "sh port-sec addr",
    ] {
        let parsed = lisa_engine::grammar::parse(reg.exec_tree(), line);
        assert!(parsed.is_ok(), "{line}");
    }
}

/// One port's settings, drawn: (enabled, maximum, violation's index,
/// sticky, addresses as (VLAN or 0, sticky?), aging time).
type PortSettings = (bool, u32, usize, bool, Vec<(u16, bool)>, u32);

fn port_settings() -> impl Strategy<Value = PortSettings> {
    (
        any::<bool>(),
        1u32..=MAX_MAXIMUM,
        0usize..Violation::ALL.len(),
        any::<bool>(),
        proptest::collection::vec(
            (prop_oneof![Just(PORT_VLAN), 1u16..=4094], any::<bool>()),
            0..4,
        ),
        prop_oneof![Just(0u32), 1u32..=MAX_AGING],
    )
}

/// A configuration made of `ports`' settings (addresses numbered so
/// that none repeats; the maximum raised to hold them).
fn config_of(reg: &Registry, ports: &[PortSettings]) -> Config {
    let mut cfg = base(reg);
    let mut n = 0u64;
    for (i, (enabled, maximum, violation, sticky, addresses, aging)) in ports.iter().enumerate() {
        cfg.get_mut::<PortSecurityConfig>().edit(PORTS[i], |p| {
            p.enabled = *enabled;
            p.maximum = (*maximum).max(addresses.len() as u32);
            p.violation = Violation::ALL[*violation];
            p.sticky = *sticky;
            p.aging_time = *aging;
            for (vlan, is_sticky) in addresses {
                n += 1;
                let kind = if *is_sticky {
                    AddressKind::Sticky
                } else {
                    AddressKind::Configured
                };
                p.addresses
                    .insert((*vlan, MacAddr::from_u64(0x0200_0000_0000 + n)), kind);
            }
        });
    }
    cfg
}

proptest! {
    /// Rendering the settings and applying the text to a fresh switch
    /// gives them back.
    #[test]
    fn render_then_apply_is_identity(
        ports in proptest::collection::vec(port_settings(), 0..=PORTS.len()),
    ) {
        let reg = registry();
        let cfg = config_of(&reg, &ports);
        prop_assert!(reg.validate(&base(&reg), &cfg).is_ok());
        let text = reg.render(&cfg);
        let again = reg
            .apply_text(&base(&reg), &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}
