use super::*;
use lisa_engine::Registry;
use lisa_ports::model::with_ports;
use lisa_ports::PortsConfig;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    lisa_ports::register(&mut reg);
    lisa_vlan::register(&mut reg);
    crate::register(&mut reg);
    reg
}

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), ["Ethernet1", "Ethernet2", "Vhost1"])
}

#[test]
fn allowed_list_operations() {
    let reg = registry();
    let mut c = base(&reg);
    let mut m = lisa_engine::Mode::global();
    reg.apply_line(&mut c, &mut m, "interface e1").unwrap();
    for (line, want) in [
        ("switchport trunk allowed vlan 10-20,30", "10-20,30"),
        ("switchport trunk allowed vlan add 5", "5,10-20,30"),
        ("switchport trunk allowed vlan remove 5", "10-20,30"),
        ("switchport trunk allowed vlan remove 15-20", "10-14,30"),
        ("switchport trunk allowed vlan none", "none"),
        ("switchport trunk allowed vlan except 2-4094", "1"),
        ("switchport trunk allowed vlan all", "1-4094"),
    ] {
        reg.apply_line(&mut c, &mut m, line).unwrap();
        assert_eq!(
            c.get::<L2Config>()
                .switchport("Ethernet1")
                .allowed
                .to_string(),
            want,
            "{line}"
        );
    }
}

#[test]
fn modes_and_vlans() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "vlan 10,20\ninterface e1\n switchport mode trunk\n switchport trunk native vlan 20\ninterface e2\n switchport access vlan 10\n",
        )
        .unwrap();
    let l2 = c.get::<L2Config>();
    assert_eq!(l2.switchport("Ethernet1").mode, SwitchportMode::Trunk);
    assert_eq!(l2.switchport("Ethernet1").native_vlan, 20);
    assert_eq!(l2.switchport("Ethernet2").access_vlan, 10);
    let c = reg
        .apply_text(&c, "interface e2\n no switchport access vlan\n")
        .unwrap();
    assert!(
        !c.get::<L2Config>().switchports.contains_key("Ethernet2"),
        "defaults are not kept"
    );
}

#[test]
fn tag_native_is_global_and_beside_vlan_ids() {
    let reg = registry();
    let c = reg
        .apply_text(&base(&reg), "vlan dot1q tag native\nvlan 30\n")
        .unwrap();
    assert!(c.get::<L2Config>().tag_native);
    assert!(
        c.get::<lisa_vlan::VlanDb>().exists(30),
        "vlan N still works"
    );
    assert!(reg.render(&c).contains("vlan dot1q tag native\n"));
    let c = reg.apply_text(&c, "no vlan dot1q tag native\n").unwrap();
    assert!(!c.get::<L2Config>().tag_native);
    assert!(c.get::<lisa_vlan::VlanDb>().exists(30));
}

#[test]
fn static_entries_and_their_mistakes() {
    let reg = registry();
    let b = base(&reg);
    let c = reg
        .apply_text(
            &b,
            "vlan 10\nmac address-table static 0200.0000.0001 vlan 10 interface e1\n",
        )
        .unwrap();
    assert_eq!(c.get::<L2Config>().statics().count(), 1);
    let c2 = reg.apply_text(&c, "no vlan 10\n").unwrap();
    assert_eq!(c2.get::<L2Config>().statics().count(), 0, "cascade");
    for (text, want) in [
        (
            "mac address-table static 0100.0000.0001 vlan 1 interface e1",
            "multicast",
        ),
        (
            "mac address-table static 0200.0000.0001 vlan 5 interface e1",
            "VLAN 5 does not exist",
        ),
        ("interface Vlan10\n switchport mode trunk", "VLAN interface"),
        ("interface e1\n switchport mode trunkk", "Invalid input"),
    ] {
        let e = reg.apply_text(&b, text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
}

fn switchport() -> impl Strategy<Value = Switchport> {
    (
        any::<bool>(),
        any::<bool>(),
        1u16..=4094,
        1u16..=4094,
        proptest::option::of(proptest::collection::btree_set(1u16..=4094, 0..10)),
    )
        .prop_map(
            |(trunk, written, access_vlan, native_vlan, allowed)| Switchport {
                // A trunk is one because `switchport mode trunk` was written.
                mode_written: trunk || written,
                mode: if trunk {
                    SwitchportMode::Trunk
                } else {
                    SwitchportMode::Access
                },
                access_vlan,
                native_vlan,
                allowed: allowed
                    .map(|s| s.into_iter().collect())
                    .unwrap_or_else(VlanSet::all),
            },
        )
}

proptest! {
    /// Rendering the section and applying the text to a fresh switch with
    /// the same ports gives the same section back.
    #[test]
    fn render_then_apply_is_identity(
        sps in proptest::collection::vec(switchport(), 3),
        aging in prop_oneof![Just(DEFAULT_AGING), Just(0u32), 10u32..100_000],
        tag_native in any::<bool>(),
        macs in proptest::collection::vec((1u64..1 << 40, 0usize..3), 0..4),
    ) {
        let reg = registry();
        let mut cfg = reg.apply_text(&base(&reg), "vlan 10,20\n").unwrap();
        let names = ["Ethernet1", "Ethernet2", "Vhost1"];
        // Access VLANs exist: `switchport access vlan N` creates VLAN N.
        for sp in &sps {
            cfg.get_mut::<VlanDb>().vlans.entry(sp.access_vlan).or_insert_with(|| lisa_vlan::VlanConfig::new(sp.access_vlan));
        }
        let l2 = cfg.get_mut::<L2Config>();
        for (n, sp) in names.iter().zip(sps) {
            l2.edit(n, |s| *s = sp);
        }
        l2.aging = aging;
        l2.tag_native = tag_native;
        for (m, i) in macs {
            l2.static_macs.insert(([1, 10, 20][i], MacAddr::from_u64((m << 2) & !(1 << 40))), names[i].to_string());
        }
        let text = reg.render(&cfg);
        let again = reg.apply_text(&base(&reg), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}

#[test]
fn errors_name_the_line_and_change_nothing() {
    let reg = registry();
    let b = base(&reg);
    let e = reg
        .apply_text(&b, "vlan 10\ninterface e1\n switchport mode trunkk\n")
        .unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(
        e.error,
        lisa_engine::ApplyError::Parse(lisa_engine::ParseError::Invalid { column: 17 })
    );
    assert_eq!(b, base(&reg));
}

#[test]
fn submode_falls_back_to_global() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n shutdown\nvlan 30\n name x\nmac address-table aging-time 60\n",
        )
        .unwrap();
    assert_eq!(c.get::<L2Config>().aging, 60);
    assert_eq!(c.get::<lisa_vlan::VlanDb>().vlans[&30].name, "x");
    assert!(c.get::<PortsConfig>().interfaces["Ethernet1"].shutdown);
}

#[test]
fn access_vlan_that_does_not_exist_is_created_with_a_notice() {
    let reg = registry();
    let mut c = base(&reg);
    let mut m = lisa_engine::Mode::global();
    reg.apply_line(&mut c, &mut m, "interface e1").unwrap();
    let said = reg
        .apply_line_noting(&mut c, &mut m, " switchport access vlan 30")
        .unwrap();
    assert_eq!(said, ["% Access VLAN does not exist. Creating vlan 30"]);
    assert!(c.get::<VlanDb>().exists(30));
    assert!(reg.render(&c).contains("vlan 30\n"));
    let again = reg
        .apply_line_noting(&mut c, &mut m, " switchport access vlan 30")
        .unwrap();
    assert!(again.is_empty(), "it exists now: {again:?}");
    assert!(reg
        .apply_line_noting(&mut c, &mut m, " no switchport access vlan")
        .unwrap()
        .is_empty());
}
