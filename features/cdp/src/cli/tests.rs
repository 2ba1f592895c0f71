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

const PORTS: [&str; 3] = ["Ethernet1", "Ethernet2", "Ethernet3"];

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), PORTS)
}

/// The CDP line of the real configs in ../shared/ios-corpus.
const CORPUS: &str = "no cdp run\n";

#[test]
fn the_corpus_line_is_taken_and_read_back() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), CORPUS).unwrap();
    let cdp = c.get::<CdpConfig>();
    assert_eq!(cdp.run, Some(false));
    assert!(!cdp.runs() && !cdp.enabled_on("Ethernet1"));
    let text = reg.render(&c);
    assert!(text.contains("!\nno cdp run\n!\n"), "{text}");
    assert_eq!(reg.apply_text(&base(&reg), &text).unwrap(), c);
}

#[test]
fn cdp_is_off_until_cdp_run() {
    let reg = registry();
    let c = base(&reg);
    let cdp = c.get::<CdpConfig>();
    assert!(!cdp.runs() && !cdp.enabled_on("Ethernet1"));
    assert_eq!((cdp.timer, cdp.holdtime, cdp.version()), (60, 180, 2));
    assert!(!reg.render(&c).contains("cdp"));
    let c = reg.apply_text(&c, "cdp run\n").unwrap();
    assert!(c.get::<CdpConfig>().enabled_on("Ethernet1"));
}

#[test]
fn global_settings_render_as_ios_writes_them() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "cdp run\ncdp timer 10\ncdp holdtime 40\nno cdp advertise-v2\n",
        )
        .unwrap();
    let cdp = c.get::<CdpConfig>();
    assert!(cdp.runs());
    assert_eq!((cdp.timer, cdp.holdtime, cdp.version()), (10, 40, 1));
    let text = reg.render(&c);
    assert!(
        text.contains("cdp timer 10\ncdp holdtime 40\nno cdp advertise-v2\ncdp run\n!\n"),
        "{text}"
    );
    // After the VLANs, before the interfaces.
    assert!(text.find("cdp run").unwrap() < text.find("interface Ethernet1").unwrap());
    // Reads back as it was.
    assert_eq!(reg.apply_text(&base(&reg), &text).unwrap(), c);
    let c = reg
        .apply_text(
            &c,
            "no cdp timer\nno cdp holdtime 40\ncdp advertise-v2\nno cdp run\n",
        )
        .unwrap();
    let cdp = c.get::<CdpConfig>();
    assert_eq!(
        cdp,
        &CdpConfig {
            run: Some(false),
            ..CdpConfig::default()
        }
    );
    assert!(reg.render(&c).contains("no cdp run\n"));
}

#[test]
fn out_of_range_timers_are_refused() {
    let reg = registry();
    for line in [
        "cdp timer 4",
        "cdp timer 255",
        "cdp holdtime 9",
        "cdp holdtime 256",
    ] {
        assert!(reg.apply_text(&base(&reg), line).is_err(), "{line}");
    }
    // The typed API goes through the same rule.
    let mut c = base(&reg);
    c.get_mut::<CdpConfig>().timer = 300;
    assert!(reg.validate(&base(&reg), &c).is_err());
}

#[test]
fn ports_turn_cdp_off() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "cdp run\ninterface e1\n no cdp enable\n shutdown\n",
        )
        .unwrap();
    let cdp = c.get::<CdpConfig>();
    assert!(!cdp.enabled_on("Ethernet1") && cdp.enabled_on("Ethernet2"));
    assert_eq!(
        reg.render_interface(&c, "Ethernet1"),
        ["shutdown", "no cdp enable"]
    );
    let c = reg.apply_text(&c, "interface e1\n cdp enable\n").unwrap();
    assert!(c.get::<CdpConfig>().enabled_on("Ethernet1"));
    // Defaulting the interface drops its CDP line.
    let c = reg
        .apply_text(&c, "interface e2\n no cdp enable\ndefault interface e2\n")
        .unwrap();
    assert!(c.get::<CdpConfig>().enabled_on("Ethernet2"));
}

#[test]
fn an_svi_has_no_cdp() {
    let reg = registry();
    let err = reg
        .apply_text(&base(&reg), "interface Vlan10\n no cdp enable\n")
        .unwrap_err();
    assert!(err.to_string().contains("not on a VLAN interface"), "{err}");
}

fn cdp_strategy() -> impl Strategy<Value = CdpConfig> {
    (
        proptest::option::of(any::<bool>()),
        5u16..=254,
        10u16..=255,
        any::<bool>(),
        proptest::sample::subsequence(PORTS.to_vec(), 0..=PORTS.len()),
    )
        .prop_map(|(run, timer, holdtime, advertise_v2, disabled)| CdpConfig {
            run,
            timer,
            holdtime,
            advertise_v2,
            disabled: disabled.into_iter().map(String::from).collect(),
        })
}

proptest! {
    /// Rendering the settings and applying the text to a fresh switch
    /// gives them back.
    #[test]
    fn render_then_apply_is_identity(cdp in cdp_strategy()) {
        let reg = registry();
        let mut cfg = base(&reg);
        *cfg.get_mut::<CdpConfig>() = cdp;
        prop_assert!(reg.validate(&base(&reg), &cfg).is_ok());
        let text = reg.render(&cfg);
        let again = reg
            .apply_text(&base(&reg), &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}

#[test]
fn the_exec_commands_take_ios_forms() {
    use lisa_engine::grammar::parse;
    let t = show::exec_commands();
    for line in [
        "show cdp",
        "sh cdp nei",
        "show cdp neighbors detail",
        "sh cdp nei e1 det",
        "show cdp entry *",
        "show cdp entry sw*",
        "show cdp interface",
        "sh cdp int e1",
        "sh cdp traffic",
        "clear cdp table",
        "clear cdp counters",
    ] {
        assert!(parse(&t, line).is_ok(), "{line}");
    }
    let p = parse(&t, "sh cdp nei e1 det").unwrap();
    assert_eq!(p.args.text("interface"), Some("e1"));
    assert!(p.args.has("detail"));
    assert_eq!(
        parse(&t, "show cdp entry *").unwrap().args.text("name"),
        Some("*")
    );
    assert!(parse(&t, "clear cdp").is_err());
}
