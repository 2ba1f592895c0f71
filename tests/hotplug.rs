//! End-to-end: ports plugged in and out over gRPC while traffic flows on
//! other ports, as libvirt does for VMs.

mod common;

use common::{serial, unique, wait_until, Host, Lisad, VirtioPeer};
use lisa_proto::v1::{
    ports_client::PortsClient, AddPortRequest, ListPortsRequest, RemovePortRequest,
};
use std::time::Duration;
use tonic::Code;

#[test]
fn ports_come_and_go_while_traffic_flows() {
    let _serial = serial();
    let (tap_a, tap_b) = (unique("lha", ""), unique("lhb", ""));
    let sw = Lisad::start(
        &[
            ("Ethernet1", &format!("tap:{tap_a}")),
            ("Ethernet2", &format!("tap:{tap_b}")),
        ],
        &[],
    );
    let a = Host::new(&unique("lisa-ha", ""));
    let b = Host::new(&unique("lisa-hb", ""));
    a.take_interface(&tap_a, "192.168.80.1/24");
    b.take_interface(&tap_b, "192.168.80.2/24");
    assert!(a.ping("192.168.80.2", 1));
    let (rt, ch) = sw.grpc();
    let mut ports = PortsClient::new(ch);

    // A steady stream A -> B (100 pings a second) while ports churn.
    let ns = a.ns.clone();
    let pinger = std::thread::spawn(move || {
        std::process::Command::new("ip")
            .args([
                "netns",
                "exec",
                &ns,
                "ping",
                "-q",
                "-i",
                "0.01",
                "-c",
                "600",
                "-W",
                "1",
                "192.168.80.2",
            ])
            .output()
            .unwrap()
    });

    let dir = std::env::temp_dir().join(format!("lisa-hotplug-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("vm.sock");
    for round in 0..8 {
        let kind = if round % 2 == 0 {
            format!("vhost-server:{}", sock.display())
        } else {
            "null".to_string()
        };
        let added = rt
            .block_on(ports.add_port(AddPortRequest {
                name: "Vhost7".into(),
                kind,
                description: "vm1 52:54:00:00:00:07".into(),
            }))
            .expect("add port")
            .into_inner();
        assert_eq!(added.name, "Vhost7");
        std::thread::sleep(Duration::from_millis(150));
        rt.block_on(ports.remove_port(RemovePortRequest {
            name: "Vhost7".into(),
            force: false,
        }))
        .expect("remove port");
    }
    assert!(
        !sock.exists(),
        "the removed vhost-user port left its socket behind"
    );

    let out = pinger.join().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(" 0% packet loss"),
        "traffic on untouched ports was disturbed by hot-plug:\n{summary}\n{}",
        sw.show("show interfaces")
    );

    // A plugged vhost-user port carries traffic to its VM (a virtio_user peer).
    let tap_vm = unique("lhv", "");
    rt.block_on(ports.add_port(AddPortRequest {
        name: "Vhost7".into(),
        kind: format!("vhost-server:{}", sock.display()),
        description: "vm1".into(),
    }))
    .expect("add port");
    let _peer = VirtioPeer::start(&sock, false, &tap_vm);
    let vm = Host::new(&unique("lisa-hv", ""));
    vm.take_interface(&tap_vm, "192.168.80.3/24");
    assert!(
        wait_until(Duration::from_secs(15), || a.ping("192.168.80.3", 1)),
        "no traffic to the plugged VM port"
    );
    let run = sw.show("show running-config");
    assert!(run.contains("interface Vhost7\n description vm1"), "{run}");

    // Bad requests are refused with a reason.
    let err = |r: Result<tonic::Response<lisa_proto::v1::Port>, tonic::Status>| r.unwrap_err();
    let e = err(rt.block_on(ports.add_port(AddPortRequest {
        name: "Vhost7".into(),
        kind: "null".into(),
        description: String::new(),
    })));
    assert_eq!(e.code(), Code::AlreadyExists, "{e:?}");
    let e = err(rt.block_on(ports.add_port(AddPortRequest {
        name: "7up".into(),
        kind: "null".into(),
        description: String::new(),
    })));
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    let e = err(rt.block_on(ports.add_port(AddPortRequest {
        name: "Vhost8".into(),
        kind: "floppy:a".into(),
        description: String::new(),
    })));
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(e.message().contains("bad port kind"), "{e:?}");
    let e = rt
        .block_on(ports.remove_port(RemovePortRequest {
            name: "Vhost9".into(),
            force: false,
        }))
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound, "{e:?}");
    let list = rt
        .block_on(ports.list_ports(ListPortsRequest {}))
        .unwrap()
        .into_inner()
        .ports;
    assert_eq!(list.len(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}
