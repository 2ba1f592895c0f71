//! End-to-end: an automation client in Python (grpcio, a stock channel with
//! no options) drives lisad through server reflection alone, with no .proto
//! file in hand, and checks its health as load balancers do.

use crate::common;

use common::{serial, Lisad};

#[test]
fn python_client_uses_reflection_alone() {
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null"), ("Ethernet2", "null")], &[]);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/reflection_client.py"
    );
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&sw.socket)
        .output()
        .expect("run python3 (scripts/install-deps.sh installs grpcio and grpcio-reflection)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "\"lisa.v1.System\"",
        "\"lisa.v1.Ports\"",
        "\"lisa.v1.Config\"",
        "\"lisa.v1.Fdb\"",
        "\"ports\": [\"Ethernet1\", \"Ethernet2\"]",
        "\"applied\": [\"vlans\"]",
        "\"bad_request\": \"INVALID_ARGUMENT\"",
        "\"bad_port\": \"INVALID_ARGUMENT\"",
        "\"grpc.health.v1.Health\"",
        "\"health\": \"SERVING\"",
    ] {
        assert!(stdout.contains(want), "missing {want} in {stdout}");
    }
    assert!(stdout.contains("DPDK 22.11"), "{stdout}");
    assert!(sw
        .show("show running-config")
        .contains("vlan 42\n name automation"));
}
