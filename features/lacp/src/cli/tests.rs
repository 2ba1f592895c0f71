use super::*;
use crate::model::{group_of_port_channel, port_channel_name, MAX_MEMBERS};
use lisa_engine::{Mode, Registry, Removed};
use lisa_ports::model::with_ports;
use lisa_ports::PortsConfig;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    lisa_ports::register(&mut reg);
    lisa_vlan::register(&mut reg);
    lisa_l2::register(&mut reg);
    crate::register(&mut reg);
    reg
}

const PORTS: [&str; 10] = [
    "Ethernet1",
    "Ethernet2",
    "Ethernet3",
    "Ethernet4",
    "Ethernet5",
    "Ethernet6",
    "Ethernet7",
    "Ethernet8",
    "Ethernet9",
    "Ethernet10",
];

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), PORTS)
}

fn lacp(c: &Config) -> &LacpConfig {
    c.get::<LacpConfig>()
}

fn has_interface(c: &Config, name: &str) -> bool {
    c.get::<PortsConfig>().interfaces.contains_key(name)
}

/// The EtherChannel lines of the real configs in ../shared/ios-corpus
/// (cml-contest-dsw2, cml-contest-asw1: LACP; nl-tshoot1-dsw1 and -asw1:
/// static), with the port-channels' switchport lines.
const CORPUS: &str = "vlan 88
interface Port-channel1
 switchport trunk encapsulation dot1q
 switchport trunk native vlan 88
 switchport mode trunk
!
interface Port-channel2
 switchport trunk encapsulation dot1q
 switchport trunk native vlan 88
 switchport mode trunk
!
interface Port-channel3
 switchport mode trunk
!
interface GigabitEthernet0/0
 switchport trunk encapsulation dot1q
 switchport trunk native vlan 88
 switchport mode trunk
 negotiation auto
 channel-group 1 mode active
!
interface GigabitEthernet0/1
 switchport trunk encapsulation dot1q
 switchport trunk native vlan 88
 switchport mode trunk
 negotiation auto
 channel-group 1 mode active
!
interface GigabitEthernet1/0
 switchport mode trunk
 channel-group 2 mode active
!
interface GigabitEthernet1/1
 switchport mode trunk
 channel-group 2 mode active
!
interface FastEthernet1/4
 switchport mode trunk
 channel-group 3 mode on
!
interface FastEthernet1/5
 switchport mode trunk
 channel-group 3 mode on
!
";

#[test]
fn the_corpus_lines_are_taken_and_read_back() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), CORPUS).unwrap();
    let s = lacp(&c);
    assert_eq!(
        s.members_of(1),
        [
            ("GigabitEthernet0/0", ChannelMode::Active),
            ("GigabitEthernet0/1", ChannelMode::Active)
        ]
    );
    assert_eq!(
        s.groups().keys().copied().collect::<Vec<_>>(),
        [1, 2, 3],
        "every group in use"
    );
    assert_eq!(s.members_of(3)[1], ("FastEthernet1/5", ChannelMode::On));
    let l2 = c.get::<lisa_l2::L2Config>().switchport("Port-channel1");
    assert_eq!(
        (l2.mode, l2.native_vlan),
        (lisa_l2::SwitchportMode::Trunk, 88)
    );
    let text = reg.render(&c);
    for line in CORPUS
        .lines()
        .filter(|l| l.contains("channel-group") || l.starts_with("interface"))
    {
        assert!(
            text.contains(&format!("{line}\n")),
            "{line:?} not in\n{text}"
        );
    }
    assert_eq!(
        reg.render_interface(&c, "GigabitEthernet0/0"),
        [
            "switchport trunk native vlan 88",
            "switchport mode trunk",
            "channel-group 1 mode active"
        ]
    );
    assert_eq!(reg.apply_text(&base(&reg), &text).unwrap(), c);
}

#[test]
fn channel_group_creates_its_port_channel() {
    let reg = registry();
    let base = base(&reg);
    assert!(!has_interface(&base, "Port-channel7"));
    let mut c = base.clone();
    let mut mode = Mode::global();
    reg.apply_line(&mut c, &mut mode, "interface e1").unwrap();
    let said = reg
        .apply_line_noting(&mut c, &mut mode, "channel-group 7 mode passive")
        .unwrap();
    assert_eq!(said, ["Creating a port-channel interface Port-channel 7"]);
    assert!(has_interface(&c, "Port-channel7"));
    let said = reg
        .apply_line_noting(&mut c, &mut mode, "channel-group 7 mode active")
        .unwrap();
    assert!(said.is_empty(), "it exists now");
    // The port leaving the group leaves the port-channel in place.
    reg.apply_line(&mut c, &mut mode, "no channel-group")
        .unwrap();
    assert!(has_interface(&c, "Port-channel7"));
    assert_eq!(lacp(&c).channel_of("Ethernet1"), None);
    assert!(reg.render(&c).contains("interface Port-channel7\n"));
}

#[test]
fn global_and_port_settings_and_their_no_forms() {
    let reg = registry();
    let text = "lacp system-priority 100\nport-channel load-balance src-dst-mac\ninterface e1\n lacp port-priority 200\n lacp rate fast\n channel-group 1 mode active\n";
    let c = reg.apply_text(&base(&reg), text).unwrap();
    let s = lacp(&c);
    assert_eq!(s.system_priority, 100);
    assert_eq!(s.load_balance, LoadBalance::SrcDstMac);
    assert_eq!(s.port_priority("Ethernet1"), 200);
    assert!(s.port("Ethernet1").rate_fast);
    let rendered = reg.render(&c);
    assert!(
        rendered.contains("lacp system-priority 100\nport-channel load-balance src-dst-mac\n!\n"),
        "{rendered}"
    );
    assert_eq!(
        reg.render_interface(&c, "Ethernet1"),
        [
            "lacp port-priority 200",
            "lacp rate fast",
            "channel-group 1 mode active"
        ]
    );
    let c = reg
        .apply_text(
            &c,
            "no lacp system-priority\nno port-channel load-balance\ninterface e1\n no lacp port-priority\n lacp rate normal\n no channel-group\n",
        )
        .unwrap();
    assert_eq!(lacp(&c), &LacpConfig::default());
    let rendered = reg.render(&c);
    assert!(!rendered.contains("lacp") && !rendered.contains("channel-group"));
}

#[test]
fn defaults_are_not_kept() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "lacp system-priority 32768\nport-channel load-balance src-dst-ip\ninterface e1\n lacp port-priority 32768\n lacp rate normal\n",
        )
        .unwrap();
    assert_eq!(lacp(&c), &LacpConfig::default());
}

#[test]
fn on_and_lacp_modes_do_not_mix() {
    let reg = registry();
    let e = reg
        .apply_text(
            &base(&reg),
            "interface e1\n channel-group 1 mode active\ninterface e2\n channel-group 1 mode on\n",
        )
        .unwrap_err();
    assert_eq!(e.line, 4);
    assert_eq!(
        e.error.to_string(),
        "% Command rejected (Port-channel1, Ethernet2): Invalid etherchnl mode"
    );
    // Active and passive mix; a whole range changes mode at once.
    let c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n channel-group 1 mode active\ninterface e2\n channel-group 1 mode passive\ninterface range e1 - 2\n channel-group 1 mode on\n",
        )
        .unwrap();
    assert_eq!(
        lacp(&c).members_of(1),
        [
            ("Ethernet1", ChannelMode::On),
            ("Ethernet2", ChannelMode::On)
        ]
    );
}

#[test]
fn a_refused_line_changes_nothing() {
    let reg = registry();
    let mut c = reg
        .apply_text(&base(&reg), "interface e1\n channel-group 1 mode on\n")
        .unwrap();
    let before = c.clone();
    let mut mode = Mode::global();
    reg.apply_line(&mut c, &mut mode, "interface range e2 - 3")
        .unwrap();
    let e = reg.apply_line(&mut c, &mut mode, "channel-group 1 mode active");
    assert!(e
        .unwrap_err()
        .to_string()
        .contains("Invalid etherchnl mode"));
    assert_eq!(lacp(&c), lacp(&before));
}

#[test]
fn a_group_takes_eight_ports() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface range e1 - 8\n channel-group 2 mode active\n",
        )
        .unwrap();
    assert_eq!(lacp(&c).members_of(2).len(), MAX_MEMBERS);
    let e = reg
        .apply_text(&c, "interface e9\n channel-group 2 mode active\n")
        .unwrap_err();
    assert_eq!(
        e.error.to_string(),
        "% Command rejected (Port-channel2, Ethernet9): Channel group 2 already has 8 ports, the maximum"
    );
}

#[test]
fn members_are_switch_ports() {
    let reg = registry();
    for (text, why) in [
        (
            "interface Vlan10\n channel-group 1 mode on\n",
            "Command rejected (Vlan10)",
        ),
        (
            "interface Port-channel1\n channel-group 2 mode on\n",
            "Command rejected (Port-channel1)",
        ),
        ("interface Vlan10\n lacp rate fast\n", "need a switch port"),
        (
            "interface Port-channel65\n",
            "use Port-channel1 to Port-channel64",
        ),
        ("interface e1\n channel-group 65 mode on\n", "Invalid input"),
    ] {
        let e = reg.apply_text(&base(&reg), text).unwrap_err();
        assert!(e.to_string().contains(why), "{text}: {e}");
    }
}

#[test]
fn at_most_32_port_channels() {
    let reg = registry();
    let text: String = (1..=32)
        .map(|n| format!("interface Port-channel{n}\n"))
        .collect();
    let c = reg.apply_text(&base(&reg), &text).unwrap();
    let e = reg
        .apply_text(&c, "interface e1\n channel-group 40 mode on\n")
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("interface Port-channel40: at most 32 port-channels"),
        "{e}"
    );
}

#[test]
fn removing_a_port_channel_takes_its_members_out() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface range e1 - 2\n channel-group 1 mode active\n lacp rate fast\ninterface e3\n channel-group 2 mode on\n",
        )
        .unwrap();
    let c = reg.apply_text(&c, "no interface Port-channel1\n").unwrap();
    assert!(!has_interface(&c, "Port-channel1"));
    let s = lacp(&c);
    assert!(s.members_of(1).is_empty());
    assert!(
        s.port("Ethernet1").rate_fast,
        "the port's own settings stay"
    );
    assert_eq!(s.members_of(2), [("Ethernet3", ChannelMode::On)]);
}

#[test]
fn a_removed_interface_loses_its_settings() {
    let reg = registry();
    let mut c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n channel-group 1 mode active\n lacp port-priority 5\n",
        )
        .unwrap();
    reg.cascade(&mut c, &Removed::Interface("Ethernet1".into()));
    assert!(lacp(&c).ports.is_empty());
    let c = reg
        .apply_text(
            &c,
            "interface e2\n channel-group 1 mode on\ndefault interface e2\n",
        )
        .unwrap();
    assert!(lacp(&c).ports.is_empty());
    assert!(has_interface(&c, "Port-channel1"));
}

#[test]
fn a_port_channel_set_to_defaults_stays_with_its_members() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n channel-group 1 mode on\ninterface Port-channel1\n description uplink\n",
        )
        .unwrap();
    let c = reg
        .apply_text(&c, "default interface Port-channel1\n")
        .unwrap();
    assert!(has_interface(&c, "Port-channel1"));
    assert_eq!(
        c.get::<PortsConfig>()
            .interface("Port-channel1")
            .description,
        ""
    );
    assert_eq!(lacp(&c).members_of(1).len(), 1);
}

#[test]
fn show_commands_parse() {
    let reg = registry();
    for line in [
        "show etherchannel summary",
        "show etherchannel 5 summary",
        "show etherchannel load-balance",
        "show lacp neighbor",
        "show lacp 2 neighbor",
        "show lacp sys-id",
        "sh eth sum",
        "sh lacp nei",
    ] {
        let parsed = lisa_engine::grammar::parse(reg.exec_tree(), line);
        assert!(parsed.is_ok(), "{line}");
    }
}

#[test]
fn port_channel_names_read_back() {
    for n in [1, 9, 64] {
        assert_eq!(group_of_port_channel(&port_channel_name(n)), Some(n));
    }
}

/// One port's settings, for the round trip: (group and a mode's index,
/// port priority, rate fast).
type PortSettings = (Option<(u16, u8)>, Option<u16>, bool);

/// One port's settings, drawn.
fn port_settings() -> impl Strategy<Value = PortSettings> {
    (
        proptest::option::of((1u16..=4, 0u8..3)),
        proptest::option::of(0u16..=65535),
        any::<bool>(),
    )
}

/// A configuration made of `ports`' settings (a group's modes follow its
/// first member's kind, as the rules want).
fn config_of(
    reg: &Registry,
    system_priority: u16,
    load_balance: usize,
    ports: &[PortSettings],
) -> Config {
    let mut cfg = base(reg);
    let mut kinds: std::collections::BTreeMap<u16, bool> = Default::default();
    for (i, (channel, prio, fast)) in ports.iter().enumerate() {
        let channel = channel.map(|(group, m)| {
            let lacp_kind = *kinds.entry(group).or_insert(m < 2);
            let mode = match (lacp_kind, m) {
                (false, _) => ChannelMode::On,
                (true, 0) => ChannelMode::Active,
                (true, _) => ChannelMode::Passive,
            };
            ChannelGroup { group, mode }
        });
        if let Some(c) = channel {
            crate::model::ensure_port_channel(&mut cfg, c.group);
        }
        cfg.get_mut::<LacpConfig>().edit(PORTS[i], |p| {
            p.channel = channel;
            p.port_priority = prio.filter(|v| *v != crate::model::DEFAULT_PORT_PRIORITY);
            p.rate_fast = *fast;
        });
    }
    let s = cfg.get_mut::<LacpConfig>();
    s.system_priority = system_priority;
    s.load_balance = LoadBalance::ALL[load_balance];
    cfg
}

proptest! {
    /// Rendering the settings and applying the text to a fresh switch
    /// gives them back.
    #[test]
    fn render_then_apply_is_identity(
        system_priority in any::<u16>(),
        load_balance in 0usize..LoadBalance::ALL.len(),
        ports in proptest::collection::vec(port_settings(), 0..=8),
    ) {
        let reg = registry();
        let cfg = config_of(&reg, system_priority, load_balance, &ports);
        prop_assert!(reg.validate(&base(&reg), &cfg).is_ok());
        let text = reg.render(&cfg);
        let again = reg
            .apply_text(&base(&reg), &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}
