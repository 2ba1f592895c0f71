use super::*;
use lisa_engine::Registry;
use lisa_ports::model::with_ports;

fn registry() -> Registry {
    let mut reg = Registry::new();
    lisa_ports::register(&mut reg);
    crate::register(&mut reg);
    reg
}

fn base(reg: &Registry) -> Config {
    with_ports(reg.default_config(), ["Ethernet1", "Ethernet2"])
}

/// The spanning-tree lines of the real configs in ../shared/ios-corpus.
const CORPUS: &str = "errdisable recovery cause bpduguard
errdisable recovery interval 30
spanning-tree mode rapid-pvst
spanning-tree extend system-id
spanning-tree pathcost method long
spanning-tree vlan 1,10,20 priority 24576
spanning-tree vlan 200 priority 8192
interface Ethernet1
 spanning-tree portfast edge
 spanning-tree bpduguard enable
 spanning-tree link-type point-to-point
interface Ethernet2
 spanning-tree portfast
 spanning-tree cost 2000000
 spanning-tree vlan 532 cost 30
";

#[test]
fn the_corpus_lines_are_taken_and_read_back() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), CORPUS).unwrap();
    let s = c.get::<StpConfig>();
    assert_eq!(s.mode, Some(Mode::RapidPvst));
    assert_eq!(s.bridge_priority(), 24577);
    assert!(s.edge("Ethernet1", false) && s.bpdu_guard("Ethernet1", true));
    assert!(
        !s.edge("Ethernet2", true),
        "portfast does not apply on a trunk"
    );
    assert_eq!(s.cost("Ethernet2", 10_000), 2_000_000);
    assert_eq!(s.cost("Ethernet1", 10_000), 2000, "long method, 10G");
    let text = reg.render(&c);
    for line in CORPUS.lines().filter(|l| !l.starts_with("interface")) {
        assert!(
            text.contains(&format!("{line}\n")),
            "{line:?} not in\n{text}"
        );
    }
    assert_eq!(reg.apply_text(&base(&reg), &text).unwrap(), c);
}

#[test]
fn no_forms_undo() {
    let reg = registry();
    let c = reg.apply_text(&base(&reg), CORPUS).unwrap();
    let c = reg
        .apply_text(
            &c,
            "no errdisable recovery cause bpduguard\nno errdisable recovery interval\nno spanning-tree mode\nno spanning-tree pathcost method long\nno spanning-tree vlan 1,10,20,200 priority\ninterface e1\n no spanning-tree portfast\n no spanning-tree bpduguard\n no spanning-tree link-type\ninterface e2\n no spanning-tree portfast\n no spanning-tree cost\n no spanning-tree vlan 532 cost\n",
        )
        .unwrap();
    assert_eq!(c.get::<StpConfig>(), &StpConfig::default());
    assert!(!reg.render(&c).contains("spanning-tree"));
}

#[test]
fn ios_refusals() {
    let reg = registry();
    for (line, why) in [
        ("spanning-tree mode mst", "MST is not supported"),
        ("spanning-tree vlan 1 priority 1000", "multiple of 4096"),
        (
            "interface e1\n spanning-tree port-priority 100",
            "multiple of 16",
        ),
        (
            "interface Vlan10\n spanning-tree portfast",
            "not on a VLAN interface",
        ),
    ] {
        let e = reg.apply_text(&base(&reg), line).unwrap_err();
        assert!(e.to_string().contains(why), "{line}: {e}");
    }
}

#[test]
fn portfast_default_and_disable() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "spanning-tree portfast default\nspanning-tree portfast bpduguard default\ninterface e2\n spanning-tree portfast disable\n",
        )
        .unwrap();
    let s = c.get::<StpConfig>();
    assert!(s.edge("Ethernet1", false) && !s.edge("Ethernet1", true));
    assert!(s.bpdu_guard("Ethernet1", true));
    assert!(!s.edge("Ethernet2", false));
    assert_eq!(
        reg.render_interface(&c, "Ethernet2"),
        ["spanning-tree portfast disable"]
    );
}
