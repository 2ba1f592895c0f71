//! swcli against a running lisad: IOS errors with the `^` marker, `?` help,
//! output modifiers, configuration lines checked as they are typed.

mod common;

use common::{serial, Lisad};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn ios_errors_help_and_modifiers() {
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null"), ("Ethernet2", "null")], &[]);

    let out = sw.swcli(&["sh vresion"]);
    assert!(!out.status.success());
    assert_eq!(
        stdout(&out),
        "sh vresion\n   ^\n% Invalid input detected at '^' marker.\n"
    );

    let out = sw.swcli(&["copy"]);
    assert_eq!(stdout(&out), "% Incomplete command.\n");
    let out = sw.swcli(&["co"]);
    assert!(
        stdout(&out).starts_with("% Ambiguous command:"),
        "{}",
        stdout(&out)
    );

    let help = sw.show("show ?");
    for word in ["interfaces", "mac", "running-config", "version"] {
        assert!(help.contains(word), "{help}");
    }

    assert_eq!(sw.show("sh run | include hostname"), "hostname lisa\n");
    assert_eq!(
        sw.show("show running-config | count interface"),
        "Number of lines which match regexp = 2\n"
    );

    // A bad configuration line is refused where it is typed, with the
    // marker (the good lines around it still go in, as on IOS).
    let out = sw.swcli(&[
        "conf t",
        "vlan 30",
        "int e1",
        "switchport mode trunkk",
        "end",
    ]);
    assert!(!out.status.success());
    assert!(
        stdout(&out)
            .contains("switchport mode trunkk\n                ^\n% Invalid input detected"),
        "{}",
        stdout(&out)
    );
    let out = sw.swcli(&["conf t", "int e1", "sw mode ?"]);
    assert!(
        stdout(&out).contains("access") && stdout(&out).contains("trunk"),
        "{}",
        stdout(&out)
    );
    sw.configure(&["vlan 30", "int e2", "sw acc vl 30"]);
    let run = sw.show("show running-config");
    assert!(
        run.contains("interface Ethernet2\n switchport access vlan 30"),
        "{run}"
    );
    sw.configure(&["mac address-table static 0200.0000.0005 vlan 30 interface e1"]);
    let has = |cmd: &str| sw.show(cmd).contains("0200.0000.0005");
    assert!(has("show mac address-table static"));
    assert!(!has("show mac address-table dynamic"));
    assert!(has("show mac address-table vlan 30"));
    assert!(!has("show mac address-table vlan 1"));
    assert!(has("show mac address-table interface e1"));
    assert!(has("sh mac a add 02:00:00:00:00:05"));
    let count = sw.show("show mac address-table count");
    assert!(count.contains("Static  Address Count  : 1"), "{count}");
    assert!(sw.show("clear counters").is_empty());
    let brief = sw.show("show vlan brief");
    let row = brief.lines().find(|l| l.starts_with("30 ")).unwrap_or("");
    assert!(
        row.contains("VLAN0030") && row.ends_with("Ethernet2"),
        "{brief}"
    );
    assert!(sw
        .show("clear mac address-table dynamic vlan 30")
        .is_empty());
    assert!(sw.show("clear mac add dyn int e1").is_empty());
    let out = sw.swcli(&["clear mac address-table dynamic interface Nope7"]);
    assert!(
        !out.status.success() && stdout(&out).contains("no port named"),
        "{}",
        stdout(&out)
    );
    let out = sw.swcli(&[
        "conf t",
        "mac address-table static 0200.0000.0001 vlan 99 interface e1",
        "end",
    ]);
    assert!(
        stdout(&out).contains("VLAN 99 does not exist"),
        "{}",
        stdout(&out)
    );
}
