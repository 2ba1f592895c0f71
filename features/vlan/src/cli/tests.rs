use super::*;
use lisa_engine::Registry;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    crate::register(&mut reg);
    reg
}

#[test]
fn vlans_names_and_deletion() {
    let reg = registry();
    let c = reg
        .apply_text(
            &reg.default_config(),
            "vlan 10,20-21\n name users\nvlan 20\n no name\nno vlan 21\n",
        )
        .unwrap();
    let db = c.get::<VlanDb>();
    assert_eq!(db.vlans[&10].name, "users");
    assert_eq!(db.vlans[&20].name, "VLAN0020");
    assert!(!db.exists(21));
    let e = reg
        .apply_text(&reg.default_config(), "no vlan 1")
        .unwrap_err();
    assert!(e.to_string().contains("may not be deleted"), "{e}");
}

#[test]
fn vlan_1_keeps_its_name_as_on_ios() {
    let reg = registry();
    let e = reg
        .apply_text(&reg.default_config(), "vlan 1\n name mgmt\n")
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("Default VLAN 1 may not have its name changed."),
        "{e}"
    );
    // Its own name again is fine (configs written by IOS have it).
    let c = reg
        .apply_text(&reg.default_config(), "vlan 1\n name default\n")
        .unwrap();
    assert_eq!(c, reg.apply_text(&reg.default_config(), "").unwrap());
}

proptest! {
    /// Rendering the VLAN database and applying it to a fresh switch gives
    /// it back (VLAN 1 is always there, with its own name: IOS refuses
    /// another).
    #[test]
    fn render_then_apply_is_identity(
        vlans in proptest::collection::btree_map(2u16..=4094, proptest::option::of("[A-Za-z][A-Za-z0-9_-]{0,15}"), 0..8)
    ) {
        let reg = registry();
        let mut cfg = reg.default_config();
        for (id, name) in vlans {
            cfg.get_mut::<VlanDb>().vlans.insert(id, VlanConfig { name: name.unwrap_or_else(|| VlanConfig::default_name(id)) });
        }
        let text = reg.render(&cfg);
        let again = reg.apply_text(&reg.default_config(), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}
