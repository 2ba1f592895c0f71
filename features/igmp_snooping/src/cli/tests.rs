use super::*;
use crate::model::{QuerierOverrides, QuerierSettings, VlanIgmp};
use lisa_engine::grammar::{help, parse};
use lisa_engine::text::no_effect;
use lisa_engine::{Mode, Registry, Removed};
use lisa_ports::model::with_ports;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn registry() -> Registry {
    let mut reg = Registry::new();
    lisa_ports::register(&mut reg);
    crate::register(&mut reg);
    reg
}

const PORTS: [&str; 4] = ["Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4"];

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), PORTS)
}

fn igmp_of(c: &Config) -> &IgmpSnoopingConfig {
    c.get::<IgmpSnoopingConfig>()
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Every form, as typed (abbreviated, interface names short or spaced).
const TYPED: &str = "no ip igmp snooping
ip igmp snooping last-member-query-interval 500
no ip igmp snooping report-suppression
ip igmp snooping querier
ip igmp snooping querier address 10.0.0.1
ip igmp snooping querier query-interval 30
ip igmp snooping querier max-response-time 5
ip igmp snooping querier timer expiry 200
ip igmp snooping querier version 1
no ip igmp snooping vlan 20
ip igmp snooping vlan 10 immediate-leave
ip igmp snooping vlan 10 last-member-query-interval 200
ip igmp snooping vlan 10 mrouter interface e4
ip igmp snooping vlan 10 static 239.1.1.1 interface e1
ip igmp snooping vlan 10 static 239.1.1.1 interface Ethernet 2
ip igmp snooping vlan 10 static 224.0.1.0 interface Ethernet3
ip ig sn vl 30 q
ip ig sn vl 30 q addr 10.0.30.1
ip ig sn vl 30 q query 120
ip ig sn vl 30 q max 20
ip ig sn vl 30 q t e 60
ip ig sn vl 30 q v 2
no ip igmp snooping vlan 40 querier
";

/// What `TYPED` renders, in order.
const RENDERED: [&str; 23] = [
    "no ip igmp snooping",
    "ip igmp snooping last-member-query-interval 500",
    "no ip igmp snooping report-suppression",
    "ip igmp snooping querier",
    "ip igmp snooping querier address 10.0.0.1",
    "ip igmp snooping querier query-interval 30",
    "ip igmp snooping querier max-response-time 5",
    "ip igmp snooping querier timer expiry 200",
    "ip igmp snooping querier version 1",
    "ip igmp snooping vlan 10 immediate-leave",
    "ip igmp snooping vlan 10 last-member-query-interval 200",
    "ip igmp snooping vlan 10 mrouter interface Ethernet4",
    "ip igmp snooping vlan 10 static 224.0.1.0 interface Ethernet3",
    "ip igmp snooping vlan 10 static 239.1.1.1 interface Ethernet1",
    "ip igmp snooping vlan 10 static 239.1.1.1 interface Ethernet2",
    "no ip igmp snooping vlan 20",
    "ip igmp snooping vlan 30 querier",
    "ip igmp snooping vlan 30 querier address 10.0.30.1",
    "ip igmp snooping vlan 30 querier query-interval 120",
    "ip igmp snooping vlan 30 querier max-response-time 20",
    "ip igmp snooping vlan 30 querier timer expiry 60",
    "ip igmp snooping vlan 30 querier version 2",
    "no ip igmp snooping vlan 40 querier",
];

#[test]
fn every_form_is_taken_and_read_back() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), TYPED).unwrap();
    let s = igmp_of(&c);
    assert!(!s.enabled && !s.report_suppression);
    assert_eq!(s.last_member_query_interval_ms, 500);
    assert_eq!(
        s.querier,
        QuerierSettings {
            enabled: true,
            address: Some(ip("10.0.0.1")),
            query_interval_s: 30,
            max_response_time_s: 5,
            timer_expiry_s: 200,
            version: 1,
        }
    );
    assert_eq!(s.disabled_vlans, BTreeSet::from([20]));
    assert_eq!(
        s.vlan(10),
        VlanIgmp {
            immediate_leave: true,
            last_member_query_interval_ms: Some(200),
            querier: QuerierOverrides::default(),
            mrouters: names(&["Ethernet4"]),
            static_groups: BTreeMap::from([
                (ip("224.0.1.0"), names(&["Ethernet3"])),
                (ip("239.1.1.1"), names(&["Ethernet1", "Ethernet2"])),
            ]),
        }
    );
    assert_eq!(
        s.vlan(30).querier,
        QuerierOverrides {
            enabled: Some(true),
            address: Some(ip("10.0.30.1")),
            query_interval_s: Some(120),
            max_response_time_s: Some(20),
            timer_expiry_s: Some(60),
            version: Some(2),
        }
    );
    assert_eq!(s.vlan(40).querier.enabled, Some(false));
    assert_eq!(lines(s), RENDERED);
    let text = reg.render(&c);
    let block = RENDERED.join("\n") + "\n!\n";
    assert!(text.contains(&block), "{text}");
    assert_eq!(reg.apply_text(&base(&reg), &text).unwrap(), c);
}

#[test]
fn the_helpers_see_the_commands() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "ip igmp snooping querier\nip igmp snooping vlan 10 querier version 1\nno ip igmp snooping vlan 20 querier\nip igmp snooping vlan 30 last-member-query-interval 300\nno ip igmp snooping vlan 40\n",
        )
        .unwrap();
    let s = igmp_of(&c);
    assert!(s.querier_on(1) && s.querier_on(10) && !s.querier_on(20));
    assert_eq!(s.effective_querier(10).version, 1);
    assert_eq!(s.effective_querier(1).version, 2);
    assert_eq!((s.lmqi_ms(30), s.lmqi_ms(1)), (300, 1000));
    assert!(!s.snooping_on(40) && s.snooping_on(41));
}

#[test]
fn no_forms_undo() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), TYPED).unwrap();
    let undo = "ip igmp snooping
no ip igmp snooping last-member-query-interval
ip igmp snooping report-suppression
no ip igmp snooping querier
no ip igmp snooping querier address
no ip igmp snooping querier query-interval 45
no ip igmp snooping querier max-response-time
no ip igmp snooping querier timer expiry
no ip igmp snooping querier version
ip igmp snooping vlan 20
no ip igmp snooping vlan 10 immediate-leave
no ip igmp snooping vlan 10 last-member-query-interval
no ip igmp snooping vlan 10 mrouter interface Ethernet4
no ip igmp snooping vlan 10 static 239.1.1.1 interface e1
no ip igmp snooping vlan 10 static 239.1.1.1 interface e2
no ip igmp snooping vlan 10 static 224.0.1.0 interface e3
no ip igmp snooping vlan 30 querier address
no ip igmp snooping vlan 30 querier query-interval
no ip igmp snooping vlan 30 querier max-response-time
no ip igmp snooping vlan 30 querier timer expiry
no ip igmp snooping vlan 30 querier version 1
";
    let c = reg.apply_text(&c, undo).unwrap();
    let s = igmp_of(&c);
    // `no ... querier` in a VLAN turns it off there; `ip ... vlan N
    // querier` turns it on: neither is the default.
    assert_eq!(s.vlan(30).querier.enabled, Some(true));
    assert_eq!(s.vlan(40).querier.enabled, Some(false));
    let mut expected = IgmpSnoopingConfig::default();
    expected.edit_vlan(30, |v| v.querier.enabled = Some(true));
    expected.edit_vlan(40, |v| v.querier.enabled = Some(false));
    assert_eq!(s, &expected);
    // Removing what is not there changes nothing.
    let again = reg
        .apply_text(
            &c,
            "no ip igmp snooping vlan 50 mrouter interface e1\nno ip igmp snooping vlan 50 static 239.1.1.1 interface e1\n",
        )
        .unwrap();
    assert_eq!(again, c);
}

#[test]
fn the_defaults_render_nothing() {
    let reg = registry();
    let c = base(&reg);
    assert!(lines(igmp_of(&c)).is_empty());
    assert!(!reg.render(&c).contains("igmp"));
    // Values set back to the defaults are the defaults.
    let c = reg
        .apply_text(
            &c,
            "ip igmp snooping\nip igmp snooping vlan 10\nip igmp snooping last-member-query-interval 1000\nip igmp snooping querier query-interval 60\nip igmp snooping querier version 2\nno ip igmp snooping querier\n",
        )
        .unwrap();
    assert_eq!(igmp_of(&c), &IgmpSnoopingConfig::default());
    assert!(!reg.render(&c).contains("igmp"));
}

/// The error of `line` applied to a fresh switch, which it leaves as it
/// was.
fn refusal(reg: &Registry, line: &str) -> String {
    let mut c = base(reg);
    let mut mode = Mode::global();
    let e = reg.apply_line(&mut c, &mut mode, line).unwrap_err();
    assert_eq!(igmp_of(&c), &IgmpSnoopingConfig::default(), "{line}");
    e.to_string()
}

#[test]
fn bad_input_is_refused() {
    let reg = registry();
    for (line, said) in [
        (
            "ip igmp snooping vlan 10 static 224.0.0.5 interface e1",
            "% Invalid group address 224.0.0.5: 224.0.0.0/24 is link-local, always flooded (224.0.1.0-239.255.255.255)",
        ),
        (
            "ip igmp snooping vlan 10 static 10.1.1.1 interface e1",
            "% Invalid group address 10.1.1.1: not a multicast address (224.0.1.0-239.255.255.255)",
        ),
        (
            "ip igmp snooping vlan 10 static 240.0.0.1 interface e1",
            "% Invalid group address 240.0.0.1: not a multicast address (224.0.1.0-239.255.255.255)",
        ),
        (
            "ip igmp snooping vlan 10 mrouter interface Vlan10",
            "% Command rejected (Vlan10): IGMP snooping needs a switch port, not a VLAN interface",
        ),
        (
            "ip igmp snooping querier address 224.0.0.1",
            "% Invalid querier address 224.0.0.1: a unicast address is needed",
        ),
        (
            "ip igmp snooping vlan 10 querier address 0.0.0.0",
            "% Invalid querier address 0.0.0.0: a unicast address is needed",
        ),
    ] {
        assert_eq!(refusal(&reg, line), said, "{line}");
    }
    let invalid = "% Invalid input detected at '^' marker.";
    for line in [
        "ip igmp snooping querier version 3",
        "ip igmp snooping vlan 10 querier version 0",
        "ip igmp snooping querier query-interval 0",
        "ip igmp snooping querier query-interval 18001",
        "ip igmp snooping querier max-response-time 26",
        "ip igmp snooping querier timer expiry 59",
        "ip igmp snooping querier timer expiry 301",
        "ip igmp snooping last-member-query-interval 99",
        "ip igmp snooping vlan 10 last-member-query-interval 32768",
        "ip igmp snooping vlan 0",
        "ip igmp snooping vlan 4095 immediate-leave",
        "ip igmp snooping vlan 10 static 239.1.1.300 interface e1",
        "ip igmp snooping vlan 10 mrouter e1",
        "ip igmp snooping tcn flood query count 2",
    ] {
        assert_eq!(refusal(&reg, line), invalid, "{line}");
    }
    for line in [
        "ip igmp",
        "ip igmp snooping vlan",
        "ip igmp snooping vlan 10 mrouter",
        "ip igmp snooping vlan 10 mrouter interface",
        "ip igmp snooping vlan 10 static 239.1.1.1",
        "ip igmp snooping querier address",
        "ip igmp snooping querier timer",
        "ip igmp snooping last-member-query-interval",
    ] {
        assert_eq!(refusal(&reg, line), "% Incomplete command.", "{line}");
    }
}

#[test]
fn unknown_interfaces_are_refused_with_the_whole_configuration() {
    let reg = registry();
    for (text, said) in [
        (
            "ip igmp snooping vlan 10 mrouter interface Ethernet9\n",
            "% ip igmp snooping vlan 10: Interface Ethernet9 does not exist",
        ),
        (
            "ip igmp snooping vlan 10 static 239.1.1.1 interface gi0/1\n",
            "% ip igmp snooping vlan 10: Interface GigabitEthernet0/1 does not exist",
        ),
    ] {
        let e = reg.apply_text(&base(&reg), text).unwrap_err();
        assert_eq!(e.error.to_string(), said, "{text}");
    }
    // A port named before its `interface` block (as a startup-config has
    // it) is taken once the block comes.
    let c = reg
        .apply_text(
            &base(&reg),
            "ip igmp snooping vlan 10 mrouter interface Ethernet9\ninterface Ethernet9\n",
        )
        .unwrap();
    assert_eq!(
        igmp_of(&c).static_mrouters(10).collect::<Vec<_>>(),
        ["Ethernet9"]
    );
}

#[test]
fn the_typed_api_goes_through_the_same_rules() {
    let reg = registry();
    let check = |f: &dyn Fn(&mut IgmpSnoopingConfig)| {
        let mut c = base(&reg);
        f(c.get_mut::<IgmpSnoopingConfig>());
        reg.validate(&base(&reg), &c)
    };
    assert_eq!(
        check(&|s| s.edit_vlan(10, |v| {
            v.static_groups
                .insert(ip("224.0.0.5"), names(&["Ethernet1"]));
        })),
        Err("ip igmp snooping vlan 10: Invalid group address 224.0.0.5: 224.0.0.0/24 is link-local, always flooded (224.0.1.0-239.255.255.255)".into())
    );
    assert_eq!(
        check(&|s| s.querier.version = 3),
        Err("ip igmp snooping: version 3 is out of range (1-2)".into())
    );
    assert_eq!(
        check(&|s| s.querier.query_interval_s = 0),
        Err("ip igmp snooping: query-interval 0 is out of range (1-18000)".into())
    );
    assert_eq!(
        check(&|s| s.last_member_query_interval_ms = 50),
        Err("ip igmp snooping: last-member-query-interval 50 is out of range (100-32767)".into())
    );
    assert_eq!(
        check(&|s| s.edit_vlan(10, |v| v.querier.timer_expiry_s = Some(1000))),
        Err("ip igmp snooping vlan 10: timer expiry 1000 is out of range (60-300)".into())
    );
    assert_eq!(
        check(&|s| s.edit_vlan(0, |v| v.immediate_leave = true)),
        Err("ip igmp snooping vlan 0: Invalid VLAN 0: use 1-4094".into())
    );
    assert_eq!(
        check(&|s| {
            s.disabled_vlans.insert(4095);
        }),
        Err("no ip igmp snooping vlan 4095: Invalid VLAN 4095: use 1-4094".into())
    );
    assert_eq!(
        check(&|s| s.edit_vlan(10, |v| {
            v.mrouters.insert("Vlan10".into());
        })),
        Err("ip igmp snooping vlan 10: Command rejected (Vlan10): IGMP snooping needs a switch port, not a VLAN interface".into())
    );
    assert_eq!(
        check(&|s| s.edit_vlan(10, |v| {
            v.mrouters.insert("Ethernet1".into());
            v.static_groups
                .insert(ip("239.0.0.1"), names(&["Ethernet2"]));
        })),
        Ok(())
    );
}

#[test]
fn a_removed_interface_leaves_mrouters_and_groups() {
    let reg = registry();
    let mut c = reg
        .apply_text(
            &base(&reg),
            "ip igmp snooping vlan 10 mrouter interface e1
ip igmp snooping vlan 10 static 239.1.1.1 interface e1
ip igmp snooping vlan 10 static 239.1.1.1 interface e2
ip igmp snooping vlan 20 static 239.2.2.2 interface e1
ip igmp snooping vlan 30 mrouter interface e1
ip igmp snooping vlan 30 immediate-leave
",
        )
        .unwrap();
    // `default interface` keeps the global settings that name it.
    let kept = reg.apply_text(&c, "default interface e1\n").unwrap();
    assert_eq!(igmp_of(&kept), igmp_of(&c));
    reg.cascade(&mut c, &Removed::Interface("Ethernet1".into()));
    let s = igmp_of(&c);
    assert_eq!(
        s.static_entries().collect::<Vec<_>>(),
        [(10, ip("239.1.1.1"), "Ethernet2")]
    );
    assert_eq!(s.static_mrouters(10).count(), 0);
    assert!(!s.vlans.contains_key(&20), "nothing left in VLAN 20");
    assert_eq!(
        s.vlan(30),
        VlanIgmp {
            immediate_leave: true,
            ..Default::default()
        }
    );
    reg.cascade(&mut c, &Removed::Vlans(Box::new("10".parse().unwrap())));
    assert!(igmp_of(&c).vlans.contains_key(&10), "VLAN settings stay");
}

#[test]
fn the_lines_go_before_the_spanning_tree_globals() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "interface e1\n description x\nno ip igmp snooping vlan 5\n",
        )
        .unwrap();
    let text = reg.render(&c);
    let igmp = text.find("no ip igmp snooping vlan 5\n!\n").unwrap();
    assert!(igmp < text.find("interface Ethernet1").unwrap(), "{text}");
}

fn no_handler(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject("no ip routing"))
}

/// Another feature's `ip` and `show ip` commands, as `ipv4` declares them.
fn other_ip_feature(reg: &mut Registry) {
    let ip = |h: ConfigHandler| {
        kw(
            "ip",
            "Global IP configuration subcommands",
            vec![kw("routing", "Enable IP routing", vec![]).runs(h)],
        )
    };
    reg.commands(
        lisa_engine::mode::GLOBAL,
        vec![
            ip(no_effect),
            kw(
                "no",
                "Negate a command or set its defaults",
                vec![ip(no_handler)],
            ),
        ],
    );
    lisa_engine::exec_handler!(fn route(_ctx, _args) { Ok("routes".into()) });
    reg.exec_commands(vec![kw(
        "show",
        "Show running system information",
        vec![kw(
            "ip",
            "IP information",
            vec![kw("route", "IP routing table", vec![]).runs(route as lisa_engine::ExecHandler)],
        )],
    )]);
}

#[test]
fn ip_merges_with_other_features() {
    for igmp_first in [true, false] {
        let mut reg = Registry::new();
        lisa_ports::register(&mut reg);
        if igmp_first {
            crate::register(&mut reg);
            other_ip_feature(&mut reg);
        } else {
            other_ip_feature(&mut reg);
            crate::register(&mut reg);
        }
        let c = reg
            .apply_text(
                &base(&reg),
                "ip routing\nip igmp snooping vlan 10 immediate-leave\n",
            )
            .unwrap();
        assert!(igmp_of(&c).immediate_leave(10));
        let mut c = base(&reg);
        let mut mode = Mode::global();
        assert_eq!(
            reg.apply_line(&mut c, &mut mode, "no ip routing")
                .unwrap_err()
                .to_string(),
            "% no ip routing"
        );
        reg.apply_line(&mut c, &mut mode, "no ip igmp snooping")
            .unwrap();
        assert!(!igmp_of(&c).enabled);
        let choices = help(reg.global_tree(), "ip ").unwrap();
        let words: Vec<&str> = choices.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(words, ["igmp", "routing"]);
        for line in ["show ip route", "show ip igmp snooping"] {
            assert!(parse(reg.exec_tree(), line).is_ok(), "{line}");
        }
    }
}

#[test]
fn help_is_as_ios_gives_it() {
    let reg = registry();
    let at = |line: &str| help(reg.global_tree(), line).unwrap();
    assert_eq!(
        at("ip igmp snooping "),
        [
            (
                "last-member-query-interval".to_string(),
                LMQI_HELP.to_string()
            ),
            ("querier".into(), QUERIER_HELP.into()),
            (
                "report-suppression".into(),
                "Enable/disable IGMP report suppression".into()
            ),
            ("vlan".into(), "IGMP Snooping enable for Vlan".into()),
            ("<cr>".into(), String::new()),
        ]
    );
    let words = |line: &str| -> Vec<String> { at(line).into_iter().map(|(w, _)| w).collect() };
    assert_eq!(words("ip igmp snooping vlan "), ["<1-4094>"]);
    assert_eq!(
        words("ip igmp snooping vlan 10 "),
        [
            "immediate-leave",
            "last-member-query-interval",
            "mrouter",
            "querier",
            "static",
            "<cr>"
        ]
    );
    assert_eq!(
        words("ip igmp snooping querier "),
        [
            "address",
            "max-response-time",
            "query-interval",
            "timer",
            "version",
            "<cr>"
        ]
    );
    assert_eq!(words("ip igmp snooping querier version "), ["<1-2>"]);
    assert_eq!(
        words("ip igmp snooping querier query-interval "),
        ["<1-18000>"]
    );
    assert_eq!(
        words("ip igmp snooping querier max-response-time "),
        ["<1-25>"]
    );
    assert_eq!(
        words("ip igmp snooping querier timer expiry "),
        ["<60-300>"]
    );
    assert_eq!(
        words("ip igmp snooping last-member-query-interval "),
        ["<100-32767>"]
    );
    assert_eq!(words("ip igmp snooping vlan 10 static "), ["A.B.C.D"]);
    assert_eq!(
        words("no ip igmp snooping querier version "),
        ["<1-2>", "<cr>"],
        "the value is optional after no"
    );
}

#[test]
fn show_commands_parse_into_requests() {
    let reg = registry();
    for (line, vlan, group, count) in [
        ("show ip igmp snooping groups", 0, "", false),
        ("show ip igmp snooping groups count", 0, "", true),
        ("show ip igmp snooping groups vlan 10", 10, "", false),
        ("show ip igmp snooping groups vlan 10 count", 10, "", true),
        (
            "show ip igmp snooping groups vlan 10 239.1.1.1",
            10,
            "239.1.1.1",
            false,
        ),
        (
            "sh ip ig sn gr vl 4094 239.1.1.1 c",
            4094,
            "239.1.1.1",
            true,
        ),
    ] {
        let parsed = parse(reg.exec_tree(), line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let req = show::groups_request(&parsed.args).unwrap();
        assert_eq!(
            (req.vlan, req.group.as_str(), parsed.args.has("count")),
            (vlan, group, count),
            "{line}"
        );
    }
    for (line, vlan, detail) in [
        ("show ip igmp snooping", 0, false),
        ("show ip igmp snooping vlan 10", 10, false),
        ("show ip igmp snooping mrouter", 0, false),
        ("show ip igmp snooping mrouter vlan 637", 637, false),
        ("show ip igmp snooping querier", 0, false),
        ("show ip igmp snooping querier detail", 0, true),
        ("show ip igmp snooping querier vlan 10", 10, false),
        ("show ip igmp snooping querier vlan 10 detail", 10, true),
    ] {
        let parsed = parse(reg.exec_tree(), line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(
            (show::vlan(&parsed.args).unwrap(), parsed.args.has("detail")),
            (vlan, detail),
            "{line}"
        );
    }
    for bad in [
        "show ip igmp snooping vlan 0",
        "show ip igmp snooping vlan 4095",
        "show ip igmp snooping groups vlan 10 239.1.1",
        "show ip igmp snooping mrouter detail",
    ] {
        assert!(parse(reg.exec_tree(), bad).is_err(), "{bad}");
    }
}

/// The ports a setting may name.
fn ports() -> impl Strategy<Value = BTreeSet<String>> {
    proptest::sample::subsequence(PORTS.to_vec(), 0..=PORTS.len())
        .prop_map(|v| v.into_iter().map(String::from).collect())
}

/// A querier source address (unicast).
fn unicast() -> impl Strategy<Value = Ipv4Addr> {
    (0x0100_0000u32..0xe000_0000).prop_map(Ipv4Addr::from)
}

/// A group a static entry may name.
fn group() -> impl Strategy<Value = Ipv4Addr> {
    (0xe000_0100u32..=0xefff_ffff).prop_map(Ipv4Addr::from)
}

fn querier_strategy() -> impl Strategy<Value = QuerierSettings> {
    (
        any::<bool>(),
        proptest::option::of(unicast()),
        QUERY_INTERVAL_S,
        MAX_RESPONSE_TIME_S,
        TIMER_EXPIRY_S,
        QUERIER_VERSION,
    )
        .prop_map(
            |(enabled, address, qi, mrt, expiry, version)| QuerierSettings {
                enabled,
                address,
                query_interval_s: qi,
                max_response_time_s: mrt,
                timer_expiry_s: expiry,
                version,
            },
        )
}

fn overrides_strategy() -> impl Strategy<Value = QuerierOverrides> {
    use proptest::option::of;
    (
        of(any::<bool>()),
        of(unicast()),
        of(QUERY_INTERVAL_S),
        of(MAX_RESPONSE_TIME_S),
        of(TIMER_EXPIRY_S),
        of(QUERIER_VERSION),
    )
        .prop_map(
            |(enabled, address, query_interval_s, max_response_time_s, timer_expiry_s, version)| {
                QuerierOverrides {
                    enabled,
                    address,
                    query_interval_s,
                    max_response_time_s,
                    timer_expiry_s,
                    version,
                }
            },
        )
}

fn vlan_strategy() -> impl Strategy<Value = VlanIgmp> {
    (
        any::<bool>(),
        proptest::option::of(LMQI_MS),
        overrides_strategy(),
        ports(),
        proptest::collection::btree_map(group(), ports(), 0..3),
    )
        .prop_map(
            |(immediate_leave, lmqi, querier, mrouters, groups)| VlanIgmp {
                immediate_leave,
                last_member_query_interval_ms: lmqi,
                querier,
                mrouters,
                static_groups: groups.into_iter().filter(|(_, p)| !p.is_empty()).collect(),
            },
        )
}

fn config_strategy() -> impl Strategy<Value = IgmpSnoopingConfig> {
    (
        any::<bool>(),
        proptest::collection::btree_set(1u16..=4094, 0..3),
        any::<bool>(),
        LMQI_MS,
        querier_strategy(),
        proptest::collection::btree_map(1u16..=4094, vlan_strategy(), 0..4),
    )
        .prop_map(
            |(enabled, disabled_vlans, report_suppression, lmqi, querier, vlans)| {
                let mut s = IgmpSnoopingConfig {
                    enabled,
                    disabled_vlans,
                    report_suppression,
                    last_member_query_interval_ms: lmqi,
                    querier,
                    vlans: BTreeMap::new(),
                };
                for (vlan, v) in vlans {
                    s.edit_vlan(vlan, |x| *x = v);
                }
                s
            },
        )
}

proptest! {
    /// Rendering the settings and applying the text to a fresh switch
    /// gives them back.
    #[test]
    fn render_then_apply_is_identity(s in config_strategy()) {
        let reg = registry();
        let mut cfg = base(&reg);
        *cfg.get_mut::<IgmpSnoopingConfig>() = s;
        prop_assert!(reg.validate(&base(&reg), &cfg).is_ok());
        let text = reg.render(&cfg);
        let again = reg
            .apply_text(&base(&reg), &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}
