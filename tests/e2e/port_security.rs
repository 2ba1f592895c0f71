//! Port security with real hosts: a secured access port admits its first
//! station (made sticky in the running configuration, as IOS does), drops
//! a second address beyond the maximum (`restrict`: counted and logged),
//! and err-disables the port under `violation shutdown`.

use crate::common;

use common::{ntc_parse, serial, unique, wait_until, Host, Lisad};
use std::time::Duration;

/// Gives `ifname` in `host` a new MAC address.
fn set_mac(host: &Host, ifname: &str, mac: &str) {
    for args in [
        vec!["ip", "link", "set", "dev", ifname, "down"],
        vec!["ip", "link", "set", "dev", ifname, "address", mac],
        vec!["ip", "link", "set", "dev", ifname, "up"],
    ] {
        assert!(host.exec(&args).status.success(), "{args:?}");
    }
}

/// `show port-security interface X` as ntc-templates reads it: the
/// (status, violation count, total addresses).
fn port_security(sw: &Lisad, port: &str) -> (String, String, String) {
    let command = format!("show port-security interface {port}");
    let text = sw.show(&command);
    let rows = ntc_parse(&command, &text);
    let field = |k: &str| {
        rows.split('|')
            .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    (
        field("port_status"),
        field("violation_count"),
        field("total_mac_addrs"),
    )
}

#[test]
fn a_secured_port_keeps_its_sticky_station_and_refuses_another() {
    let _g = serial();
    let (ta, tb) = (unique("lpa", ""), unique("lpb", ""));
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("tap:{ta}")),
            ("Ethernet2", &format!("tap:{tb}")),
        ],
        &[],
    );
    let a = Host::new(&unique("lisa-pa", ""));
    let b = Host::new(&unique("lisa-pb", ""));
    a.take_interface(&ta, "192.168.83.1/24");
    b.take_interface(&tb, "192.168.83.2/24");
    set_mac(&a, &ta, "02:00:00:83:00:01");
    sw.configure(&[
        "interface Ethernet1",
        " switchport port-security maximum 1",
        " switchport port-security violation restrict",
        " switchport port-security mac-address sticky",
        " switchport port-security",
    ]);
    // The first station is admitted and made sticky.
    assert!(
        wait_until(Duration::from_secs(5), || a.ping("192.168.83.2", 1)),
        "{}",
        sw.show("show port-security interface Ethernet1")
    );
    let sticky = " switchport port-security mac-address sticky 0200.0083.0001";
    assert!(
        wait_until(Duration::from_secs(2), || sw
            .show("show running-config interface Ethernet1")
            .contains(sticky)),
        "{}\n{}",
        sw.show("show running-config interface Ethernet1"),
        sw.show("show port-security interface Ethernet1")
    );
    let (status, _, total) = port_security(&sw, "Ethernet1");
    assert_eq!((status.as_str(), total.as_str()), ("Secure-up", "1"));

    // A second address: dropped, counted and logged (restrict).
    set_mac(&a, &ta, "02:00:00:83:00:02");
    assert!(a.exec(&["ip", "neigh", "flush", "all"]).status.success());
    assert!(!a.ping("192.168.83.2", 2), "the second address got through");
    assert!(sw.drops("port-security") > 0);
    let (status, violations, _) = port_security(&sw, "Ethernet1");
    assert_eq!(status, "Secure-up");
    assert!(violations.parse::<u64>().unwrap_or(0) > 0, "{violations}");
    assert!(sw.show("show logging").contains(
        "%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address 0200.0083.0002 on port Ethernet1."
    ));
    let addresses = sw.show("show port-security address");
    assert!(addresses.contains("0200.0083.0001"), "{addresses}");
    assert!(addresses.contains("SecureSticky"), "{addresses}");

    // Under `violation shutdown` the next violation err-disables the port.
    sw.configure(&[
        "interface Ethernet1",
        " switchport port-security violation shutdown",
    ]);
    assert!(a.exec(&["ip", "neigh", "flush", "all"]).status.success());
    let _ = a.ping("192.168.83.2", 2);
    assert!(
        sw.port_becomes("Ethernet1", "down, line protocol is down (err-disabled)", 4),
        "{}",
        sw.show("show interfaces Ethernet1")
    );
    assert_eq!(port_security(&sw, "Ethernet1").0, "Secure-shutdown");
    assert!(sw
        .show("show logging")
        .contains("%PM-4-ERR_DISABLE: psecure-violation error detected on Et1"));
    // The sticky station is welcome back once the port is brought up.
    set_mac(&a, &ta, "02:00:00:83:00:01");
    sw.configure(&["interface Ethernet1", " shutdown"]);
    sw.configure(&["interface Ethernet1", " no shutdown"]);
    assert!(a.exec(&["ip", "neigh", "flush", "all"]).status.success());
    assert!(
        wait_until(Duration::from_secs(5), || a.ping("192.168.83.2", 1)),
        "{}",
        sw.show("show port-security interface Ethernet1")
    );
}
