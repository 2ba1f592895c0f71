//! `show` output as automation reads it: ntc-templates' TextFSM templates
//! (platform `cisco_ios`, from PyPI, as Netmiko's `use_textfsm=True` and
//! NAPALM use them) parse lisad's output to the right records.

use crate::common;

use common::{ntc_parse as parsed, serial, Lisad};

/// A switch with two null ports: Ethernet1 a described trunk carrying VLANs
/// 1 and 10, Ethernet2 an access port of VLAN 10 with MTU 9000, an SVI in
/// VLAN 10 and a static ARP entry behind it.
fn edge1() -> Lisad {
    let sw = Lisad::start(&[("Ethernet1", "null"), ("Ethernet2", "null")], &[]);
    sw.configure(&[
        "hostname edge1",
        "vlan 10",
        " name users",
        "interface Ethernet1",
        " description uplink to core",
        " switchport mode trunk",
        " switchport trunk allowed vlan 1,10",
        "interface Ethernet2",
        " switchport access vlan 10",
        " mtu 9000",
        "interface Vlan10",
        " ip address 10.0.10.1 255.255.255.0",
        "arp 10.0.10.9 0200.0000.0009 arpa",
    ]);
    sw
}

#[test]
fn ntc_templates_read_the_show_commands() {
    let _serial = serial();
    let sw = edge1();

    let status = sw.show("show interfaces status");
    let rows = parsed("show interfaces status", &status);
    assert!(
        rows.contains("name=uplink to core|port=Ethernet1|speed=")
            && rows.contains("status=connected|type=null|vlan_id=trunk"),
        "{rows}\n{status}"
    );
    assert!(
        rows.contains("duplex=full|fc_mode=|name=|port=Ethernet2|") && rows.contains("vlan_id=10"),
        "{rows}\n{status}"
    );

    let version = sw.show("show version");
    let rows = parsed("show version", &version);
    assert!(
        rows.contains("hostname=edge1")
            && rows.contains("software_image=lisad")
            && rows.contains("version=0.1.0")
            && rows.contains("uptime=0 minutes"),
        "{rows}\n{version}"
    );

    let brief = sw.show("show vlan brief");
    let rows = parsed("show vlan brief", &brief);
    assert!(
        rows.contains("interfaces=Ethernet2|status=active|vlan_id=10|vlan_name=users"),
        "{rows}\n{brief}"
    );

    let desc = sw.show("show interfaces description");
    let rows = parsed("show interfaces description", &desc);
    assert!(
        rows.contains("description=uplink to core|port=Ethernet1|protocol=up|status=up")
            && rows.contains("description=|port=Vlan10|protocol=up|status=up"),
        "{rows}\n{desc}"
    );

    let clock = sw.show("show clock");
    let rows = parsed("show clock", &clock);
    assert!(
        rows.contains("timezone=UTC") && rows.contains("year=20"),
        "{rows}\n{clock}"
    );

    // The two templates name their fields differently.
    for (command, want) in [
        (
            "show arp",
            "address=10.0.10.9|age_min=-|hardware_address=0200.0000.0009|interface=Vlan10",
        ),
        (
            "show ip arp",
            "age=-|interface=Vlan10|ip_address=10.0.10.9|mac_address=0200.0000.0009",
        ),
    ] {
        let arp = sw.show(command);
        let rows = parsed(command, &arp);
        assert!(rows.contains(want), "{command}: {rows}\n{arp}");
    }

    let one = sw.show("show vlan id 10");
    let rows = parsed("show vlan", &one);
    assert_eq!(rows.lines().count(), 1, "{rows}\n{one}");
    assert!(rows.contains("vlan_id=10|vlan_name=users"), "{rows}\n{one}");

    let ip = sw.show("show ip interface brief");
    let rows = parsed("show ip interface brief", &ip);
    assert!(
        rows.contains("interface=Vlan10|ip_address=10.0.10.1"),
        "{rows}\n{ip}"
    );
}

#[test]
fn ntc_templates_read_interfaces_in_detail() {
    let _serial = serial();
    let sw = edge1();

    let ifs = sw.show("show interfaces");
    let rows = parsed("show interfaces", &ifs);
    let row = |name: &str| {
        rows.lines()
            .find(|r| r.contains(&format!("|interface={name}|")))
            .unwrap_or_else(|| panic!("no {name} in:\n{rows}\n{ifs}"))
            .to_string()
    };
    let e1 = row("Ethernet1");
    assert!(
        e1.contains("description=uplink to core")
            && e1.contains("link_status=up|")
            && e1.contains("hardware_type=Ethernet|")
            && e1.contains("mtu=1500|")
            && e1.contains("input_rate=0|")
            && e1.contains("output_pps=0|"),
        "{e1}"
    );
    assert!(row("Ethernet2").contains("mtu=9000|"), "{rows}");
    let svi = row("Vlan10");
    assert!(
        svi.contains("ip_address=10.0.10.1|") && svi.contains("prefix_length=24|"),
        "{svi}"
    );

    let sp = sw.show("show interfaces switchport");
    let rows = parsed("show interfaces switchport", &sp);
    assert!(
        rows.contains(
            "access_vlan=1|admin_mode=trunk|interface=Ethernet1|mode=trunk|native_vlan=1|"
        ) && rows.contains("trunking_vlans=1,10|")
            && rows.contains("access_vlan=10|admin_mode=static access|interface=Ethernet2|"),
        "{rows}\n{sp}"
    );
    let one = sw.show("show interfaces Ethernet2 switchport");
    assert_eq!(
        parsed("show interfaces switchport", &one).lines().count(),
        1
    );

    let ip = sw.show("show ip interface");
    let rows = parsed("show ip interface", &ip);
    assert!(
        rows.contains("interface=Vlan10|ip_address=10.0.10.1|ip_helper=|link_status=up|mtu=1500|")
            && rows.contains("interface=Ethernet1|ip_address=|"),
        "{rows}\n{ip}"
    );

    let version = sw.show("show version");
    let rows = parsed("show version", &version);
    assert!(
        rows.contains("hardware=LiSA-DP|hostname=edge1|") && rows.contains("running_image=lisad"),
        "{rows}\n{version}"
    );
    assert_eq!(sw.show("show ipv6 interface"), "");
    assert!(sw
        .show("show privilege")
        .contains("Current privilege level is 15"));
}

/// The tables: `show vlan`, `show mac address-table`, `show ip route` (a
/// default route, a route out of an SVI and one to Null0), and `show
/// interfaces trunk`, which ntc-templates has no template for: its IOS
/// layout is checked as it is.
#[test]
fn ntc_templates_read_the_tables() {
    let _serial = serial();
    let sw = edge1();
    sw.configure(&[
        "mac address-table static 0200.0000.0042 vlan 10 interface Ethernet2",
        "ip route 0.0.0.0 0.0.0.0 10.0.10.254",
        "ip route 10.8.0.0 255.255.0.0 Null0",
        "ip route 10.9.0.0 255.255.0.0 Vlan10",
    ]);

    let vlan = sw.show("show vlan");
    let rows = parsed("show vlan", &vlan);
    assert!(
        rows.contains("interfaces=Ethernet2|status=active|vlan_id=10|vlan_name=users"),
        "{rows}\n{vlan}"
    );

    let mac = sw.show("show mac address-table");
    let rows = parsed("show mac address-table", &mac);
    assert!(
        rows.contains(
            "destination_address=0200.0000.0042|destination_port=Ethernet2|type=STATIC|vlan_id=10"
        ),
        "{rows}\n{mac}"
    );

    let route = sw.show("show ip route");
    let rows = parsed("show ip route", &route);
    for want in [
        "network=0.0.0.0|nexthop_if=|nexthop_ip=10.0.10.254|nexthop_vrf=|prefix_length=0|protocol=S",
        "network=10.8.0.0|nexthop_if=Null0|nexthop_ip=|nexthop_vrf=|prefix_length=16|protocol=S",
        "network=10.9.0.0|nexthop_if=Vlan10|nexthop_ip=|nexthop_vrf=|prefix_length=16|protocol=S",
        "network=10.0.10.0|nexthop_if=Vlan10|nexthop_ip=|nexthop_vrf=|prefix_length=24|protocol=C",
    ] {
        assert!(rows.contains(want), "{want} in:\n{rows}\n{route}");
    }

    let trunk = sw.show("show interfaces trunk");
    for want in [
        "Port        Mode             Encapsulation  Status        Native vlan\nEthernet1   on               802.1q         trunking      1\n",
        "Port        Vlans allowed on trunk",
        "Port        Vlans in spanning tree forwarding state and not pruned",
    ] {
        assert!(trunk.contains(want), "{want} in:\n{trunk}");
    }
    assert!(
        trunk
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Ethernet1", "1,10"]),
        "{trunk}"
    );
}

/// `show logging`: the switch's own events as IOS logs them (a
/// configuration change, a save), read by the template; lisad's log file
/// is plain text (no colour codes when stderr is no terminal).
#[test]
fn show_logging_as_ios_writes_it() {
    let _serial = serial();
    let sw = edge1();
    let out = sw.swcli(&["write memory"]);
    assert!(out.status.success());
    let log = sw.show("show logging");
    let rows = parsed("show logging", &log);
    for want in [
        "facility=SYS|message=Configured: ",
        "mnemonic=CONFIG_I|",
        "facility=SYS|message=Saved the running-config to ",
        "mnemonic=CONFIG_NV|",
    ] {
        assert!(rows.contains(want), "{want} in:\n{rows}\n{log}");
    }
    assert!(log.contains("Log Buffer ("), "{log}");
    let file = std::fs::read_to_string(&sw.log).unwrap();
    assert!(file.contains("%SYS-5-CONFIG_I"), "{file}");
    assert!(!file.contains('\u{1b}'), "colour codes in the log file");
}
