use super::*;
use crate::model::with_ports;
use lisa_engine::Registry;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    crate::register(&mut reg);
    reg
}

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), ["Ethernet1", "Ethernet2", "Vhost1"])
}

#[test]
fn interface_settings_and_range() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface range e1 - 2, vh1\n description uplinks\n mtu 9000\ninterface e2\n shutdown\n no mtu\n",
        )
        .unwrap();
    let p = c.get::<PortsConfig>();
    assert_eq!(p.interfaces["Ethernet1"].mtu, 9000);
    assert_eq!(p.interfaces["Vhost1"].description, "uplinks");
    assert!(p.interfaces["Ethernet2"].shutdown);
    assert_eq!(p.interfaces["Ethernet2"].mtu, DEFAULT_MTU);
}

#[test]
fn svis_are_interfaces_without_mtu() {
    let reg = registry();
    let c = reg
        .apply_text(&base(&reg), "interface vlan10\n description gw\n")
        .unwrap();
    assert!(c.get::<PortsConfig>().interfaces.contains_key("Vlan10"));
    let e = reg
        .apply_text(&base(&reg), "interface Vlan10\n mtu 9000")
        .unwrap_err();
    assert!(e.to_string().contains("VLAN interface"), "{e}");
    let e = reg
        .apply_text(&base(&reg), "interface Vlan5000")
        .unwrap_err();
    assert!(e.to_string().contains("Vlan1 to Vlan4094"), "{e}");
    let e = reg.apply_text(&base(&reg), "no interface e1").unwrap_err();
    assert!(e.to_string().contains("default interface Ethernet1"), "{e}");
    let c = reg
        .apply_text(&base(&reg), "interface Vlan10\nno interface vlan10\n")
        .unwrap();
    assert!(!c.get::<PortsConfig>().interfaces.contains_key("Vlan10"));
}

/// Settings of ports that are not plugged (a VM that is gone, a typo)
/// can be removed; plugged ports can only go back to their defaults.
#[test]
fn no_and_default_interface() {
    let reg = registry();
    let mut c = base(&reg);
    c.get_mut::<PortsConfig>().unplugged("Vhost1");
    let c = reg
        .apply_text(
            &c,
            "interface Etherent4\n description typo\ninterface vh1\n mtu 9000\ninterface e1\n description up\n shutdown\ninterface Vlan10\n description gw\n",
        )
        .unwrap();
    let gone = reg
        .apply_text(&c, "no interface Etherent4\nno interface vh1\n")
        .unwrap();
    let p = gone.get::<PortsConfig>();
    assert!(!p.interfaces.contains_key("Etherent4"));
    assert!(!p.interfaces.contains_key("Vhost1"));
    let e = reg.apply_text(&gone, "no interface vh1").unwrap_err();
    assert!(e.to_string().contains("Vhost1 does not exist"), "{e}");
    let e = reg.apply_text(&c, "no interface eth7").unwrap_err();
    assert!(e.to_string().contains("Ethernet7 does not exist"), "{e}");

    let mut mode = Mode::global();
    let mut d = c.clone();
    let said = reg
        .apply_line_noting(&mut d, &mut mode, "default interface e1")
        .unwrap();
    assert_eq!(said, ["Interface Ethernet1 set to default configuration"]);
    let p = d.get::<PortsConfig>();
    assert_eq!(p.interfaces["Ethernet1"], InterfaceConfig::default());
    let d = reg
        .apply_text(&d, "default interface Vlan10\ndefault interface vh1\n")
        .unwrap();
    let p = d.get::<PortsConfig>();
    assert_eq!(p.interfaces["Vlan10"], InterfaceConfig::default());
    assert!(!p.interfaces.contains_key("Vhost1"), "absent: no settings");
}

/// Names VMs' sockets give ports, in ranges and alone.
#[test]
fn vm_port_names() {
    let reg = registry();
    let c = with_ports(
        reg.default_config(),
        ["web01-eth0", "vhost-user-1", "vhost-user-2", "eth0"],
    );
    let c = reg
        .apply_text(
            &c,
            "interface range web01-eth0, vhost-user-1 - 2\n description vm\ninterface e1\n description ios\n",
        )
        .unwrap();
    let p = c.get::<PortsConfig>();
    for n in ["web01-eth0", "vhost-user-1", "vhost-user-2"] {
        assert_eq!(p.interfaces[n].description, "vm", "{n}");
    }
    assert_eq!(p.interfaces["Ethernet1"].description, "ios");
    assert_eq!(p.interfaces["eth0"].description, "");
}

#[test]
fn defaults_render_short() {
    let reg = registry();
    let c = with_ports(reg.default_config(), ["Ethernet1"]);
    assert_eq!(reg.render(&c), "!\ninterface Ethernet1\n!\n!\nend\n");
}

fn interface() -> impl Strategy<Value = InterfaceConfig> {
    (
        proptest::option::of("[a-zA-Z0-9 ._-]{1,30}"),
        any::<bool>(),
        prop_oneof![Just(DEFAULT_MTU), MIN_MTU..=MAX_MTU],
    )
        .prop_map(|(desc, shutdown, mtu)| InterfaceConfig {
            description: desc
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .unwrap_or_default(),
            shutdown,
            mtu,
        })
}

fn section() -> impl Strategy<Value = PortsConfig> {
    (
        proptest::collection::btree_map(
            prop_oneof![
                (
                    prop_oneof![Just("Ethernet"), Just("Vhost"), Just("Port")],
                    1u16..48,
                )
                    .prop_map(|(t, n)| format!("{t}{n}")),
                // VMs' socket names.
                "[a-qs-uw-z][a-z]{0,4}[0-9]{0,2}(-[a-z0-9]{1,4})?"
                    .prop_filter("a port name", |n| lisa_types::check_port_name(n).is_ok()),
            ],
            interface(),
            1..6,
        ),
        proptest::collection::btree_map(1u16..=4094, (any::<bool>(), interface()), 0..4),
    )
        .prop_map(|(mut interfaces, svis)| {
            for (v, (shutdown, i)) in svis {
                interfaces.insert(
                    format!("Vlan{v}"),
                    InterfaceConfig {
                        shutdown,
                        mtu: DEFAULT_MTU,
                        ..i
                    },
                );
            }
            PortsConfig {
                interfaces,
                ..Default::default()
            }
        })
}

proptest! {
    /// Rendering the section and applying the text to a fresh switch with
    /// the same ports gives the same section back.
    #[test]
    fn render_then_apply_is_identity(ports in section()) {
        let reg = registry();
        let mut cfg = reg.default_config();
        *cfg.get_mut::<PortsConfig>() = ports;
        let names: Vec<String> = cfg.get::<PortsConfig>().ports().map(|(n, _)| n.clone()).collect();
        cfg = with_ports(cfg, names.iter().map(String::as_str));
        let text = reg.render(&cfg);
        let names: Vec<&str> = cfg.get::<PortsConfig>().ports().map(|(n, _)| n.as_str()).collect();
        let fresh = with_ports(reg.default_config(), names);
        let again = reg.apply_text(&fresh, &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}
