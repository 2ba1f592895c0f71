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

#[test]
fn global_settings_render_as_ios_writes_them() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "lldp run\nlldp timer 10\nlldp holdtime 40\nlldp reinit 3\n",
        )
        .unwrap();
    let l = c.get::<LldpConfig>();
    assert!(l.run);
    assert_eq!((l.timer, l.holdtime, l.reinit), (10, 40, 3));
    let text = reg.render(&c);
    assert!(
        text.contains("lldp timer 10\nlldp holdtime 40\nlldp reinit 3\nlldp run\n!\n"),
        "{text}"
    );
    // Reads back as it was.
    assert_eq!(
        reg.apply_text(&base(&reg), &text)
            .unwrap()
            .get::<LldpConfig>(),
        l
    );
    let c = reg
        .apply_text(
            &c,
            "no lldp run\nno lldp timer\nno lldp holdtime 40\nno lldp reinit\n",
        )
        .unwrap();
    assert_eq!(c.get::<LldpConfig>(), &LldpConfig::default());
    assert!(!reg.render(&c).contains("lldp"));
}

#[test]
fn out_of_range_timers_are_refused() {
    let reg = registry();
    for line in [
        "lldp timer 4",
        "lldp timer 65535",
        "lldp reinit 6",
        "lldp holdtime 65536",
    ] {
        assert!(reg.apply_text(&base(&reg), line).is_err(), "{line}");
    }
}

#[test]
fn ports_turn_transmit_and_receive_off() {
    let reg = registry();
    let c = reg
        .apply_text(
            &base(&reg),
            "lldp run\ninterface e1\n no lldp transmit\ninterface e2\n no lldp receive\n",
        )
        .unwrap();
    let l = c.get::<LldpConfig>();
    assert!(!l.transmits("Ethernet1") && l.receives("Ethernet1"));
    assert!(l.transmits("Ethernet2") && !l.receives("Ethernet2"));
    assert_eq!(reg.render_interface(&c, "Ethernet1"), ["no lldp transmit"]);
    let c = reg
        .apply_text(&c, "interface e1\n lldp transmit\n")
        .unwrap();
    assert!(c.get::<LldpConfig>().transmits("Ethernet1"));
    // Defaulting the interface drops its LLDP lines.
    let c = reg.apply_text(&c, "default interface e2\n").unwrap();
    assert!(c.get::<LldpConfig>().receives("Ethernet2"));
}

#[test]
fn an_svi_has_no_lldp() {
    let reg = registry();
    let err = reg
        .apply_text(&base(&reg), "interface Vlan10\n no lldp transmit\n")
        .unwrap_err();
    assert!(err.to_string().contains("not on a VLAN interface"), "{err}");
}
