//! End-to-end: the typed gRPC services against a running lisad, including
//! the bad requests a client can make, and a restart that restores the
//! saved configuration.

mod common;

use common::{serial, Lisad};
use lisa_proto::v1::{
    config_client::ConfigClient, fdb_client::FdbClient, interfaces_client::InterfacesClient,
    vlans_client::VlansClient, ApplyConfigRequest, ArpState, CreateVlanRequest, DeleteVlanRequest,
    FdbEntryType, FdbStaticRequest, FlushFdbRequest, GetInterfaceRequest, GetRunningConfigRequest,
    ListFdbRequest, ListVlansRequest, LookupAction, SaveConfigRequest, SetInterfaceRequest,
    SwitchportMode,
};
use tonic::Code;

fn code<T: std::fmt::Debug>(r: Result<tonic::Response<T>, tonic::Status>) -> Code {
    r.expect_err("the request should be refused").code()
}

#[test]
fn typed_services_and_bad_requests() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let startup = dir.join("startup-config").display().to_string();
    let ports = [
        ("Ethernet1", "null"),
        ("Ethernet2", "null"),
        ("Vhost1", "null"),
    ];
    let mut sw = Lisad::start(&ports, &["--startup-config", &startup]);
    let (rt, ch) = sw.grpc();
    let mut vlans = VlansClient::new(ch.clone());
    let mut ifs = InterfacesClient::new(ch.clone());
    let mut fdb = FdbClient::new(ch.clone());
    let mut config = ConfigClient::new(ch);

    // VLANs.
    let v = rt
        .block_on(vlans.create_vlan(CreateVlanRequest {
            id: 10,
            name: "users".into(),
        }))
        .unwrap()
        .into_inner();
    assert_eq!((v.id, v.name.as_str()), (10, "users"));
    for id in [0, 4095] {
        let r = rt.block_on(vlans.create_vlan(CreateVlanRequest {
            id,
            name: String::new(),
        }));
        assert_eq!(code(r), Code::InvalidArgument, "vlan {id}");
    }
    let r = rt.block_on(vlans.create_vlan(CreateVlanRequest {
        id: 20,
        name: "two words".into(),
    }));
    assert_eq!(code(r), Code::InvalidArgument);
    assert_eq!(
        code(rt.block_on(vlans.delete_vlan(DeleteVlanRequest { id: 1 }))),
        Code::InvalidArgument
    );
    assert_eq!(
        code(rt.block_on(vlans.delete_vlan(DeleteVlanRequest { id: 99 }))),
        Code::NotFound
    );

    // Interfaces: set only some fields; abbreviations resolve.
    let set = SetInterfaceRequest {
        name: "e1".into(),
        mode: Some(SwitchportMode::Trunk as i32),
        allowed_vlans: Some("1,10".into()),
        description: Some("uplink".into()),
        ..Default::default()
    };
    let s = rt.block_on(ifs.set_interface(set)).unwrap().into_inner();
    assert_eq!(
        (s.name.as_str(), s.allowed_vlans.as_str(), s.access_vlan),
        ("Ethernet1", "1,10", 1)
    );
    assert!(s.text.contains(" switchport mode trunk\n"), "{}", s.text);
    let set = SetInterfaceRequest {
        name: "Vhost1".into(),
        access_vlan: Some(10),
        ..Default::default()
    };
    rt.block_on(ifs.set_interface(set)).unwrap();
    let vl = rt
        .block_on(vlans.list_vlans(ListVlansRequest {}))
        .unwrap()
        .into_inner()
        .vlans;
    let ten = vl.iter().find(|v| v.id == 10).unwrap();
    assert_eq!(ten.ports, vec!["Ethernet1", "Vhost1"]);
    let bad = [
        SetInterfaceRequest {
            name: "Ethernet9".into(),
            shutdown: Some(true),
            ..Default::default()
        },
        SetInterfaceRequest {
            name: "e2".into(),
            allowed_vlans: Some("10-abc".into()),
            ..Default::default()
        },
        SetInterfaceRequest {
            name: "e2".into(),
            mtu: Some(20),
            ..Default::default()
        },
        SetInterfaceRequest {
            name: "e2".into(),
            access_vlan: Some(4095),
            ..Default::default()
        },
        SetInterfaceRequest {
            name: "e2".into(),
            mode: Some(7),
            ..Default::default()
        },
    ];
    let want = [
        Code::NotFound,
        Code::InvalidArgument,
        Code::InvalidArgument,
        Code::InvalidArgument,
        Code::InvalidArgument,
    ];
    for (req, want) in bad.into_iter().zip(want) {
        let shown = format!("{req:?}");
        assert_eq!(code(rt.block_on(ifs.set_interface(req))), want, "{shown}");
    }
    let e2 = rt
        .block_on(ifs.get_interface(GetInterfaceRequest {
            name: "Ethernet2".into(),
        }))
        .unwrap()
        .into_inner();
    assert_eq!(
        (e2.mtu, e2.allowed_vlans.as_str()),
        (1500, "1-4094"),
        "refused changes left no trace"
    );

    // The MAC table.
    let add = |vlan, mac: &str, port: &str| FdbStaticRequest {
        vlan,
        mac: mac.into(),
        port: port.into(),
    };
    rt.block_on(fdb.add_static(add(10, "0200.0000.0001", "Vhost1")))
        .unwrap();
    let listed = rt
        .block_on(fdb.list_entries(ListFdbRequest {
            vlan: 10,
            port: String::new(),
        }))
        .unwrap()
        .into_inner();
    assert_eq!(listed.entries.len(), 1);
    assert_eq!(
        (listed.entries[0].port.as_str(), listed.entries[0].r#type()),
        ("Vhost1", FdbEntryType::Static)
    );
    for (req, want) in [
        (
            add(10, "02:00:00:00:00:zz", "Vhost1"),
            Code::InvalidArgument,
        ),
        (add(10, "0100.0000.0001", "Vhost1"), Code::InvalidArgument),
        (add(0, "0200.0000.0002", "Vhost1"), Code::InvalidArgument),
        (add(30, "0200.0000.0002", "Vhost1"), Code::InvalidArgument),
        (add(10, "0200.0000.0002", "Port9"), Code::InvalidArgument),
    ] {
        let shown = format!("{req:?}");
        assert_eq!(code(rt.block_on(fdb.add_static(req))), want, "{shown}");
    }
    assert_eq!(
        code(rt.block_on(fdb.remove_static(add(10, "0200.0000.0009", "")))),
        Code::NotFound
    );
    let r = rt.block_on(fdb.flush(FlushFdbRequest {
        vlan: 5000,
        port: String::new(),
    }));
    assert_eq!(code(r), Code::InvalidArgument);
    rt.block_on(fdb.flush(FlushFdbRequest::default())).unwrap();
    let listed = rt
        .block_on(fdb.list_entries(ListFdbRequest::default()))
        .unwrap()
        .into_inner();
    assert_eq!(
        listed.entries.len(),
        1,
        "a flush of learned entries keeps static ones"
    );
    let r = rt.block_on(fdb.list_entries(ListFdbRequest {
        vlan: 0,
        port: "Nope1".into(),
    }));
    assert_eq!(code(r), Code::InvalidArgument);

    // Config text: an error names the line and changes nothing.
    let before = rt
        .block_on(config.get_running_config(GetRunningConfigRequest {}))
        .unwrap()
        .into_inner()
        .text;
    let e = rt
        .block_on(config.apply_config(ApplyConfigRequest {
            text: "vlan 30\ninterface e2\n switchport mode trunkk\n".into(),
        }))
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("line 3"), "{}", e.message());
    let after = rt
        .block_on(config.get_running_config(GetRunningConfigRequest {}))
        .unwrap()
        .into_inner()
        .text;
    assert_eq!(before, after);

    // Save, restart from the startup-config: the same running config.
    rt.block_on(config.save_config(SaveConfigRequest {}))
        .unwrap();
    drop((vlans, ifs, fdb, config, rt));
    assert!(sw.stop().is_some_and(|s| s.success()));
    let sw2 = Lisad::start(&ports, &["--startup-config", &startup]);
    let (rt, ch) = sw2.grpc();
    let restored = rt
        .block_on(ConfigClient::new(ch).get_running_config(GetRunningConfigRequest {}))
        .unwrap()
        .into_inner()
        .text;
    assert_eq!(
        restored, before,
        "restart did not restore the running config"
    );
    assert!(
        restored.contains("mac address-table static 0200.0000.0001 vlan 10 interface Vhost1"),
        "{restored}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_event_stream_reports_ports_and_config_changes() {
    use lisa_proto::v1::{
        ports_client::PortsClient, system_client::SystemClient, AddPortRequest, EventType,
        RemovePortRequest, WatchRequest,
    };
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    let (rt, ch) = sw.grpc();
    let mut stream = rt
        .block_on(SystemClient::new(ch.clone()).watch(WatchRequest {}))
        .unwrap()
        .into_inner();
    let mut ports = PortsClient::new(ch.clone());
    let add = AddPortRequest {
        name: "Vhost3".into(),
        kind: "null".into(),
        description: "vm3".into(),
    };
    rt.block_on(ports.add_port(add)).unwrap();
    rt.block_on(ConfigClient::new(ch).apply_config(ApplyConfigRequest {
        text: "interface Vhost3\n shutdown\n".into(),
    }))
    .unwrap();
    rt.block_on(ports.remove_port(RemovePortRequest {
        name: "Vhost3".into(),
        force: false,
    }))
    .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let next = rt.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(5), stream.message()).await
        });
        let event = next
            .expect("no event within 5 s")
            .unwrap()
            .expect("stream ended");
        seen.push((
            EventType::try_from(event.r#type).unwrap(),
            event.port.clone(),
            event.detail.clone(),
            event.sequence,
        ));
    }
    assert_eq!(seen[0].0, EventType::PortAdded, "{seen:?}");
    assert_eq!(seen[0].1, "Vhost3");
    assert_eq!(seen[1].0, EventType::ConfigChanged, "{seen:?}");
    assert!(seen[1].2.contains("Vhost3"), "{seen:?}");
    assert_eq!(seen[2].0, EventType::PortRemoved, "{seen:?}");
    assert!(
        seen[0].3 < seen[1].3 && seen[1].3 < seen[2].3,
        "sequence numbers increase"
    );
}

#[test]
fn the_control_socket_is_mode_0660_for_the_configured_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let _serial = serial();
    let group = std::fs::read_to_string("/etc/group")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("daemon:"))
        .and_then(|l| l.split(':').nth(2))
        .and_then(|g| g.parse::<u32>().ok())
        .expect("a 'daemon' group");
    let dir = std::env::temp_dir().join(format!("lisa-sock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let boot = dir.join("boot.ron");
    std::fs::write(&boot, "(control: (socket_group: \"daemon\"))\n").unwrap();
    let boot_arg = boot.display().to_string();
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--config", &boot_arg]);
    let meta = std::fs::metadata(&sw.socket).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);
    assert_eq!(meta.gid(), group);
    drop(sw);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tcp_listening_is_opt_in() {
    use lisa_proto::v1::{system_client::SystemClient, GetVersionRequest};
    let _serial = serial();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("lisa-tcp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let boot = dir.join("boot.ron");
    std::fs::write(&boot, format!("(control: (tcp: \"127.0.0.1:{port}\"))\n")).unwrap();
    let boot_arg = boot.display().to_string();
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--config", &boot_arg]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let version = rt
        .block_on(async {
            let mut c = SystemClient::connect(format!("http://127.0.0.1:{port}")).await?;
            Ok::<_, Box<dyn std::error::Error>>(
                c.get_version(GetVersionRequest {}).await?.into_inner(),
            )
        })
        .expect("gRPC over TCP");
    assert!(version.dpdk.contains("DPDK"));
    // A client still connected does not hold up a clean stop.
    let mut sw = sw;
    let start = std::time::Instant::now();
    let status = sw.stop().expect("lisad stops");
    assert!(status.success());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "stop took {:?}",
        start.elapsed()
    );
    drop(rt);
    // Without the setting nothing listens on TCP.
    let plain = Lisad::start(&[("Ethernet1", "null")], &[]);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    drop(plain);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn routing_service_svis_routes_arp_and_bad_requests() {
    use lisa_proto::v1::{
        ports_client::PortsClient, routing_client::RoutingClient, DeleteSviRequest, ListArpRequest,
        ListRoutesRequest, LookupRequest, RemovePortRequest, Route, RouteBatch, SetSviRequest,
        StaticArp,
    };
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null"), ("Ethernet2", "null")], &[]);
    sw.configure(&[
        "vlan 20",
        "interface Ethernet2",
        " switchport access vlan 20",
    ]);
    let (rt, ch) = sw.grpc();
    let mut routing = RoutingClient::new(ch.clone());
    let mut ports = PortsClient::new(ch.clone());
    let mut config = ConfigClient::new(ch);

    let svi = rt
        .block_on(routing.set_svi(SetSviRequest {
            vlan: 20,
            address: Some("10.0.20.1/24".into()),
            ..Default::default()
        }))
        .unwrap()
        .into_inner();
    assert!(svi.up, "{svi:?}");
    for (addr, why) in [
        ("10.0.20.1", "no length"),
        ("10.0.20.1/33", "length"),
        ("10.0.20.0/24", "network address"),
        ("300.0.0.1/24", "not an address"),
    ] {
        let r = rt.block_on(routing.set_svi(SetSviRequest {
            vlan: 20,
            address: Some(addr.into()),
            ..Default::default()
        }));
        assert_eq!(code(r), Code::InvalidArgument, "{addr}: {why}");
    }
    let r = rt.block_on(routing.set_svi(SetSviRequest {
        vlan: 4095,
        ..Default::default()
    }));
    assert_eq!(code(r), Code::InvalidArgument);

    // Routes: one, then a stream; each visible in the dataplane.
    let add = |prefix: &str, gw: &str| Route {
        prefix: prefix.into(),
        gateway: gw.into(),
    };
    rt.block_on(routing.add_route(add("192.0.2.0/24", "10.0.20.9")))
        .unwrap();
    let batches = vec![
        RouteBatch {
            add: (0..100)
                .map(|i| add(&format!("198.18.{i}.0/24"), "10.0.20.9"))
                .collect(),
            remove: vec![],
        },
        RouteBatch {
            add: vec![add("0.0.0.0/0", "10.0.20.254")],
            remove: vec![],
        },
    ];
    let r = rt
        .block_on(routing.program_routes(tokio_stream::iter(batches)))
        .unwrap()
        .into_inner();
    assert_eq!((r.added, r.static_total), (101, 102));
    let look = |routing: &mut RoutingClient<_>, a: &str| {
        rt.block_on(routing.lookup(LookupRequest { address: a.into() }))
            .unwrap()
            .into_inner()
    };
    let l = look(&mut routing, "198.18.42.7");
    assert_eq!(
        (l.action(), l.vlan),
        (LookupAction::Resolve, 20),
        "gateway not resolved yet"
    );
    assert_eq!(
        look(&mut routing, "10.0.20.1").action(),
        LookupAction::Local
    );
    rt.block_on(routing.add_static_arp(StaticArp {
        address: "10.0.20.9".into(),
        mac: "0200.0000.0009".into(),
    }))
    .unwrap();
    let l = look(&mut routing, "198.18.42.7");
    assert_eq!(
        (l.action(), l.mac.as_str()),
        (LookupAction::Forward, "02:00:00:00:00:09"),
        "one MAC form out: aa:bb:cc:dd:ee:ff"
    );
    let arp = rt
        .block_on(routing.list_arp(ListArpRequest {}))
        .unwrap()
        .into_inner()
        .entries;
    assert!(
        arp.iter()
            .any(|e| e.address == "10.0.20.9" && e.state() == ArpState::Static),
        "{arp:?}"
    );
    let listed = rt
        .block_on(routing.list_routes(ListRoutesRequest {
            prefix: "198.18.0.0/16".into(),
            limit: 10,
        }))
        .unwrap()
        .into_inner();
    assert_eq!((listed.routes.len(), listed.static_total), (10, 102));

    // A bad route in a stream: nothing of the stream is committed.
    let batches = vec![RouteBatch {
        add: vec![
            add("203.0.113.0/24", "10.0.20.9"),
            add("203.0.113.1/24", "10.0.20.9"),
        ],
        remove: vec![],
    }];
    let e = rt
        .block_on(routing.program_routes(tokio_stream::iter(batches)))
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("host bits"), "{}", e.message());
    let listed = rt
        .block_on(routing.list_routes(ListRoutesRequest {
            prefix: "203.0.113.0/24".into(),
            limit: 0,
        }))
        .unwrap()
        .into_inner();
    assert!(listed.routes.is_empty(), "{listed:?}");
    assert_eq!(listed.static_total, 102);
    for (prefix, gw) in [
        ("10.1.0.0/16", "10.0.20.1"),
        ("10.1.0.0/16", "nope"),
        ("10.1.0.0", "10.0.20.9"),
    ] {
        let r = rt.block_on(routing.add_route(add(prefix, gw)));
        assert_eq!(code(r), Code::InvalidArgument, "{prefix} via {gw}");
    }
    let r = rt.block_on(routing.remove_route(add("10.99.0.0/16", "")));
    assert_eq!(code(r), Code::NotFound);

    // Ethernet2 is VLAN 20's only port: removing it would cut the SVI off.
    let e = rt
        .block_on(ports.remove_port(RemovePortRequest {
            name: "Ethernet2".into(),
            force: false,
        }))
        .unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("Vlan20"), "{}", e.message());
    rt.block_on(ports.remove_port(RemovePortRequest {
        name: "Ethernet2".into(),
        force: true,
    }))
    .unwrap();

    // The same configuration, typed.
    let typed = rt
        .block_on(config.get_running_config_typed(GetRunningConfigRequest {}))
        .unwrap()
        .into_inner();
    assert_eq!(typed.routes.len(), 102);
    assert_eq!(
        (typed.svis[0].vlan, typed.svis[0].address.as_str()),
        (20, "10.0.20.1/24")
    );
    assert!(typed.arps.iter().any(|a| a.address == "10.0.20.9"));
    assert!(typed.vlans.iter().any(|v| v.id == 20));

    rt.block_on(routing.delete_svi(DeleteSviRequest { vlan: 20 }))
        .unwrap();
    assert_eq!(
        code(rt.block_on(routing.delete_svi(DeleteSviRequest { vlan: 20 }))),
        Code::NotFound
    );
    assert_eq!(
        look(&mut routing, "198.18.42.7").action(),
        LookupAction::NoRoute,
        "gateway no longer connected"
    );
}

#[test]
fn power_save_is_set_at_run_time_and_bounded() {
    use lisa_proto::v1::{
        system_client::SystemClient, GetDataplanePerformanceRequest, SetIdleSleepRequest,
    };
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    let (rt, ch) = sw.grpc();
    let mut system = SystemClient::new(ch);
    let perf = |s: &mut SystemClient<_>| {
        rt.block_on(s.get_dataplane_performance(GetDataplanePerformanceRequest {}))
            .unwrap()
            .into_inner()
    };
    let p = perf(&mut system);
    assert_eq!(p.idle_sleep_max_us, 100, "on by default");
    assert_eq!(p.workers.len(), 1);
    let names: Vec<&str> = p.workers[0].nodes.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(
        names,
        [
            "eth-input",
            "l2-bridge",
            "ipv4-route",
            "l2-forward",
            "l2-flood",
            "l2-output",
            "punt"
        ]
    );
    rt.block_on(system.set_idle_sleep(SetIdleSleepRequest { max_us: 0 }))
        .unwrap();
    assert_eq!(perf(&mut system).idle_sleep_max_us, 0);
    assert_eq!(
        code(rt.block_on(system.set_idle_sleep(SetIdleSleepRequest { max_us: 10_001 }))),
        Code::InvalidArgument
    );
    assert_eq!(
        perf(&mut system).idle_sleep_max_us,
        0,
        "a bad request changes nothing"
    );
}
