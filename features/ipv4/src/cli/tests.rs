use super::*;
use crate::model::routed_svis;
use lisa_engine::Registry;
use lisa_ports::model::with_ports;
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
fn svis_routes_and_arp() {
    let reg = registry();
    let text = "vlan 10\ninterface Vlan10\n ip address 10.0.10.1 255.255.255.0\n description users gw\nip route 0.0.0.0 0.0.0.0 10.0.10.254\narp 10.0.10.9 0200.0000.0009 arpa\n";
    let c = reg.apply_text(&base(&reg), text).unwrap();
    let ip = c.get::<Ipv4Config>();
    assert_eq!(
        ip.addresses[&10],
        Ipv4Prefix {
            addr: "10.0.10.1".parse().unwrap(),
            len: 24
        }
    );
    assert_eq!(ip.routes.len(), 1);
    assert_eq!(routed_svis(&c).len(), 1);
    let text2 =
        format!("{text}no ip route 0.0.0.0 0.0.0.0\nno arp 10.0.10.9\nno interface vlan10\n");
    let c = reg.apply_text(&base(&reg), &text2).unwrap();
    let ip = c.get::<Ipv4Config>();
    assert!(ip.routes.is_empty() && ip.arps.is_empty() && ip.addresses.is_empty());
}

/// The IOS forms of a route's next hop: a gateway, an exit SVI (with or
/// without a gateway, typed `vlan 10` too) and Null0, each written back as
/// IOS writes it, and removed by naming it or by the prefix alone.
#[test]
fn routes_out_of_an_interface_and_to_null0() {
    let reg = registry();
    let text = "ip route 10.8.0.0 255.255.0.0 null0
                ip route 10.9.0.0 255.255.0.0 vlan 10
                ip route 10.7.0.0 255.255.0.0 Vlan10 10.0.10.9 20 name via-ten
                ip route 10.6.0.0 255.255.0.0 Null 0 250
";
    let c = reg.apply_text(&base(&reg), text).unwrap();
    let out = reg.render(&c);
    for line in [
        "ip route 10.6.0.0 255.255.0.0 Null0 250\n",
        "ip route 10.7.0.0 255.255.0.0 Vlan10 10.0.10.9 20 name via-ten\n",
        "ip route 10.8.0.0 255.255.0.0 Null0\n",
        "ip route 10.9.0.0 255.255.0.0 Vlan10\n",
    ] {
        assert!(out.contains(line), "{line}in:\n{out}");
    }
    assert_eq!(reg.apply_text(&base(&reg), &out).unwrap(), c, "reads back");
    let gone = reg
        .apply_text(
            &c,
            "no ip route 10.8.0.0 255.255.0.0 Null0\nno ip route 10.9.0.0 255.255.0.0\n\
             no ip route 10.7.0.0 255.255.0.0 Vlan10 10.0.10.9\n",
        )
        .unwrap();
    assert_eq!(gone.get::<Ipv4Config>().routes.len(), 1);
    for (bad, want) in [
        (
            "no ip route 10.6.0.0 255.255.0.0 Vlan10",
            "No matching route",
        ),
        (
            "ip route 10.5.0.0 255.255.0.0 Ethernet1",
            "SVI (VlanN) or Null0",
        ),
        (
            "ip route 10.5.0.0 255.255.0.0 Null0 10.0.0.1",
            "Null0 takes no gateway",
        ),
    ] {
        let e = reg.apply_text(&gone, bad).unwrap_err();
        assert!(e.to_string().contains(want), "{bad}: {e}");
    }
}

#[test]
fn l3_mistakes_are_refused() {
    let reg = registry();
    let b = base(&reg);
    for (text, want) in [
        ("interface e1\n ip address 10.0.0.1 255.255.255.0", "L2 links"),
        ("interface Vlan10\n ip address 10.0.0.1 255.0.255.0", "Bad mask"),
        ("interface Vlan10\n ip address 10.0.0.0 255.255.255.0", "Bad mask /24"),
        ("interface Vlan10\n ip address 10.0.0.1 255.255.0.0\ninterface Vlan20\n ip address 10.0.5.1 255.255.255.0", "overlaps with Vlan10"),
        ("ip route 10.1.1.0 255.255.0.0 10.0.0.2", "Inconsistent"),
        ("interface Vlan10\n ip address 10.0.0.1 255.255.255.0\nip route 10.1.0.0 255.255.0.0 10.0.0.1", "this router"),
        ("no ip route 10.9.0.0 255.255.0.0", "No matching route"),
        ("arp 10.0.0.5 0100.5e00.0001 arpa", "multicast"),
    ] {
        let e = reg.apply_text(&b, text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
}

#[test]
fn a_change_is_checked_against_what_it_changes() {
    let reg = registry();
    let mut text = String::from("vlan 10\ninterface Vlan10\n ip address 10.0.10.1 255.255.255.0\n");
    for i in 0..2000u32 {
        text.push_str(&format!(
            "ip route 11.{}.{}.0 255.255.255.0 10.0.10.{}\n",
            i >> 8,
            i & 255,
            2 + i % 200
        ));
    }
    let running = reg.apply_text(&base(&reg), &text).unwrap();
    // A new route whose next hop is the switch is refused on its own ...
    let e = reg
        .apply_text(&running, "ip route 12.0.0.0 255.0.0.0 10.0.10.1")
        .unwrap_err();
    assert!(e.to_string().contains("this router"), "{e}");
    // ... and so is a new SVI address that an existing route points at:
    // the switch's own addresses changed, so every route is checked again.
    let e = reg
        .apply_text(
            &running,
            "interface Vlan10\n ip address 10.0.10.7 255.255.255.0",
        )
        .unwrap_err();
    assert!(e.to_string().contains("10.0.10.7: Invalid next hop"), "{e}");
    // A change shares the untouched table with the running config.
    let next = reg
        .apply_text(&running, "ip route 12.0.0.0 255.0.0.0 10.0.10.3")
        .unwrap();
    let (a, b) = (running.get::<Ipv4Config>(), next.get::<Ipv4Config>());
    assert_eq!(a.routes.diff(&b.routes).count(), 1);
}

proptest! {
    /// Rendering SVIs, routes and ARP entries and applying the text to a
    /// fresh switch gives them back.
    #[test]
    fn render_then_apply_is_identity(
        svis in proptest::collection::btree_map(1u16..=4094, (any::<bool>(), proptest::option::of(16u8..=30)), 0..4),
        routes in proptest::collection::btree_set((any::<u32>(), 0u8..=32, 1u32..1 << 24), 0..6),
        arps in proptest::collection::btree_map(1u32..1 << 24, 1u64..1 << 40, 0..4),
    ) {
        let reg = registry();
        let mut cfg = base(&reg);
        for (v, (shutdown, len)) in svis {
            let ports = cfg.get_mut::<PortsConfig>();
            ports.interfaces.insert(format!("Vlan{v}"), lisa_ports::InterfaceConfig { shutdown, ..Default::default() });
            // One subnet per SVI, each in its own /16 of 32.0.0.0/4 (the
            // 12 bits of the VLAN id, then 16 host bits): no overlap.
            if let Some(len) = len {
                cfg.get_mut::<Ipv4Config>().addresses.insert(v, Ipv4Prefix { addr: Ipv4Addr::from(0x2000_0001 | (u32::from(v) << 16)), len });
            }
        }
        let ip = cfg.get_mut::<Ipv4Config>();
        for (net, len, gw) in routes {
            let p = Ipv4Prefix { addr: Ipv4Addr::from(net), len };
            ip.routes.insert(
                (p.network(), len),
                RouteNextHop::Gateway(Ipv4Addr::from(0xc000_0000 | gw)),
            );
        }
        for (a, m) in arps {
            ip.arps.insert(Ipv4Addr::from(0xac00_0000 | a), MacAddr::from_u64((m << 2) & !(1 << 40)));
        }
        let text = reg.render(&cfg);
        let again = reg.apply_text(&base(&reg), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, cfg);
    }
}

/// A startup-config applies as IOS boots it: what can be, is; the rest is
/// reported with its line.
#[test]
fn a_startup_config_applies_around_its_bad_lines() {
    let reg = registry();
    let text = "vlan 10,20\n\
interface Vlan10\n ip address 10.0.10.1 255.255.255.0\n\
interface Vlan20\n ip address 10.0.10.2 255.255.255.0\n description second\n\
interface Ethernet1\n description uplink\n\
frobnicate now\n\
interface Bad!Name\n description lost\n\
ip route 10.1.0.0 255.255.0.0 10.0.10.254\n\
end\n\
ip route 10.2.0.0 255.255.0.0 10.0.10.254\n";
    let (c, errors) = reg.apply_text_lenient(&base(&reg), text);
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    // Vlan20's block breaks the one-subnet-per-SVI rule and is left out;
    // the unknown line, the bad interface and its orphaned line are skipped.
    assert!(
        lines.contains(&9) && lines.contains(&10) && lines.contains(&11),
        "{errors:?}"
    );
    assert!(
        lines.contains(&4) || lines.contains(&5),
        "the overlapping SVI is reported: {errors:?}"
    );
    let ip = c.get::<Ipv4Config>();
    assert_eq!(ip.addresses.len(), 1, "Vlan10 only");
    assert_eq!(ip.routes.len(), 1, "the route before `end`, not after");
    let ports = c.get::<PortsConfig>();
    assert_eq!(ports.interfaces["Ethernet1"].description, "uplink");
    assert!(
        ports.interfaces.values().all(|i| i.description != "lost"),
        "an orphaned sub-mode line lands nowhere"
    );
    assert!(reg.validate(&base(&reg), &c).is_ok());
    // A clean text gives no error and the same as the strict apply.
    let clean = "vlan 10\ninterface Vlan10\n ip address 10.0.10.1 255.255.255.0\n";
    let (c2, none) = reg.apply_text_lenient(&base(&reg), clean);
    assert!(none.is_empty());
    assert_eq!(c2, reg.apply_text(&base(&reg), clean).unwrap());
}

#[test]
fn route_distance_and_name_are_kept_as_written() {
    let reg = registry();
    let svi = "vlan 10\ninterface Vlan10\n ip address 10.0.10.1 255.255.255.0\n";
    let text = format!(
        "{svi}ip route 10.1.0.0 255.255.0.0 10.0.10.2 200 name backup\n\
         ip route 10.2.0.0 255.255.0.0 10.0.10.3 name lab\n\
         ip route 10.3.0.0 255.255.0.0 10.0.10.4 5\n"
    );
    let c = reg.apply_text(&base(&reg), &text).unwrap();
    let out = reg.render(&c);
    for line in [
        "ip route 10.1.0.0 255.255.0.0 10.0.10.2 200 name backup\n",
        "ip route 10.2.0.0 255.255.0.0 10.0.10.3 name lab\n",
        "ip route 10.3.0.0 255.255.0.0 10.0.10.4 5\n",
    ] {
        assert!(out.contains(line), "{line}{out}");
    }
    assert_eq!(reg.apply_text(&base(&reg), &out).unwrap(), c);
    // A plain route in its place is plain; removing takes the details too.
    let c2 = reg
        .apply_text(
            &c,
            "ip route 10.1.0.0 255.255.0.0 10.0.10.9\nno ip route 10.2.0.0 255.255.0.0\n",
        )
        .unwrap();
    let ip = c2.get::<Ipv4Config>();
    assert_eq!(ip.route_details.len(), 1, "{:?}", ip.route_details);
    assert!(reg
        .render(&c2)
        .contains("ip route 10.1.0.0 255.255.0.0 10.0.10.9\n"));
    // IOS's range and words.
    assert!(reg
        .apply_text(&c, "ip route 10.4.0.0 255.255.0.0 10.0.10.4 0\n")
        .is_err());
    assert!(reg
        .apply_text(&c, "ip route 10.4.0.0 255.255.0.0 10.0.10.4 256\n")
        .is_err());
    assert!(reg
        .apply_text(&c, "ip route 10.4.0.0 255.255.0.0 10.0.10.4 name\n")
        .is_err());
}
