use super::*;

fn show_run(_: &mut ()) {}
fn show_ver(_: &mut ()) {}
fn sw_mode(_: &mut ()) {}
fn vlan(_: &mut ()) {}

type H = fn(&mut ());

fn tree() -> Vec<Node<H>> {
    let mut t: Vec<Node<H>> = Vec::new();
    let parts: Vec<Vec<Node<H>>> = vec![
        vec![kw(
            "show",
            "Show running system information",
            vec![
                kw("running-config", "Current operating configuration", vec![]).runs(show_run as H),
                kw("version", "System hardware and software status", vec![]).runs(show_ver as H),
            ],
        )],
        vec![kw(
            "switchport",
            "Set switching mode characteristics",
            vec![kw(
                "mode",
                "Set trunking mode of the interface",
                vec![
                    kw(
                        "access",
                        "Set trunking mode to ACCESS unconditionally",
                        vec![],
                    )
                    .runs(sw_mode as H),
                    kw(
                        "trunk",
                        "Set trunking mode to TRUNK unconditionally",
                        vec![],
                    )
                    .runs(sw_mode as H),
                ],
            )],
        )],
        vec![
            kw(
                "vlan",
                "VLAN commands",
                vec![arg("vlans", ArgKind::VlanList, "VLAN list", vec![]).runs(vlan as H)],
            ),
            kw("vtp", "VTP (a neighbour of vlan, for ambiguity)", vec![]),
        ],
    ];
    for p in parts {
        merge(&mut t, p).unwrap();
    }
    t
}

#[test]
fn abbreviations_at_every_word() {
    let p = parse(&tree(), "sh run").unwrap();
    assert_eq!(p.run as usize, show_run as H as usize);
    let p = parse(&tree(), "sw mo tr").unwrap();
    assert!(p.args.has("trunk"));
    let p = parse(&tree(), "vlan 10,20-30").unwrap();
    assert_eq!(p.args.text("vlans"), Some("10,20-30"));
}

#[test]
fn errors_point_at_the_word() {
    assert_eq!(
        parse(&tree(), "show bogus").unwrap_err(),
        ParseError::Invalid { column: 5 }
    );
    assert_eq!(
        parse(&tree(), "  sw mode trunkk").unwrap_err(),
        ParseError::Invalid { column: 10 }
    );
    assert_eq!(parse(&tree(), "show").unwrap_err(), ParseError::Incomplete);
    assert_eq!(
        parse(&tree(), "v 10").unwrap_err(),
        ParseError::Ambiguous("v".into())
    );
    assert_eq!(
        parse(&tree(), "vlan 5000").unwrap_err(),
        ParseError::Invalid { column: 5 }
    );
}

#[test]
fn help_and_completion() {
    let h = help(&tree(), "sh").unwrap();
    assert_eq!(
        h.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        vec!["show"]
    );
    let h = help(&tree(), "show ").unwrap();
    assert_eq!(h.len(), 2);
    let h = help(&tree(), "show version ").unwrap();
    assert_eq!(h, vec![("<cr>".to_string(), String::new())]);
    assert_eq!(complete(&tree(), "sh"), Some("show ".into()));
    assert_eq!(
        complete(&tree(), "show r"),
        Some("show running-config ".into())
    );
    assert_eq!(complete(&tree(), "v"), None, "ambiguous");
}

#[test]
fn merge_joins_features_and_refuses_two_handlers() {
    let t = tree();
    let names: Vec<String> = t.iter().map(|n| n.label()).collect();
    assert_eq!(names, ["show", "switchport", "vlan", "vtp"], "alphabetical");
    let mut t = tree();
    let clash = vec![kw::<H>(
        "show",
        "",
        vec![kw("version", "again", vec![]).runs(show_ver as H)],
    )];
    assert_eq!(
        merge(&mut t, clash).unwrap_err(),
        "two handlers for 'show version'"
    );
}

#[test]
fn an_interface_name_may_have_a_space_before_its_number() {
    fn iface(_: &mut ()) {}
    let t: Vec<Node<H>> = vec![kw(
        "interface",
        "Select an interface to configure",
        vec![
            kw("range", "interface range command", vec![]).runs(iface as H),
            arg("name", ArgKind::Interface, "Interface name", vec![]).runs(iface as H),
        ],
    )];
    for (line, name) in [
        ("interface Vlan10", "Vlan10"),
        ("interface vlan 10", "vlan10"),
        ("interface Ethernet 1", "Ethernet1"),
    ] {
        let p = parse(&t, line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(p.args.text("name"), Some(name), "{line}");
    }
    // A keyword keeps its word; a type with no number is not a name.
    assert!(parse(&t, "interface range").is_ok());
    assert!(parse(&t, "interface vlan").is_err());
    assert!(parse(&t, "interface vlan ten").is_err());
}

#[test]
fn a_vlan_list_may_have_blanks_after_its_commas() {
    fn allowed(_: &mut ()) {}
    let t: Vec<Node<H>> = vec![kw(
        "allowed",
        "Set allowed VLANs",
        vec![arg("vlans", ArgKind::VlanList, "VLAN IDs", vec![]).runs(allowed as H)],
    )];
    for (line, list) in [
        ("allowed 1,2", "1,2"),
        ("allowed 1, 2", "1,2"),
        ("allowed 1, 2, 10-20", "1,2,10-20"),
    ] {
        let p = parse(&t, line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(p.args.text("vlans"), Some(list), "{line}");
    }
    assert!(parse(&t, "allowed 1, x").is_err());
    assert!(parse(&t, "allowed 1,").is_err());
}
