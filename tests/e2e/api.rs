//! End-to-end: the typed gRPC services against a running lisad, including
//! the bad requests a client can make, and a restart that restores the
//! saved configuration.

use crate::common;

use common::{serial, Lisad};
use lisa_proto::v1::{
    config_client::ConfigClient, fdb_client::FdbClient, interfaces_client::InterfacesClient,
    ports_client::PortsClient, routing_client::RoutingClient, vlans_client::VlansClient,
    ApplyConfigRequest, ArpState, CreateVlanRequest, DeleteSviRequest, DeleteVlanRequest,
    FdbEntryType, FdbStaticRequest, FlushFdbRequest, GetInterfaceRequest, GetRunningConfigRequest,
    ListArpRequest, ListFdbRequest, ListRoutesRequest, ListVlansRequest, LookupAction,
    LookupRequest, LookupResponse, PingReply, PingRequest, PingResult, RemovePortRequest, Route,
    RouteBatch, SaveConfigRequest, SetInterfaceRequest, SetSviRequest, StaticArp, SwitchportMode,
};
use tokio::runtime::Runtime;
use tonic::transport::Channel;
use tonic::Code;

fn code<T: std::fmt::Debug>(r: Result<tonic::Response<T>, tonic::Status>) -> Code {
    r.expect_err("the request should be refused").code()
}

/// The switching services' clients on one lisad, and the runtime that drives them.
struct Switching {
    rt: Runtime,
    vlans: VlansClient<Channel>,
    ifs: InterfacesClient<Channel>,
    fdb: FdbClient<Channel>,
    config: ConfigClient<Channel>,
}

impl Switching {
    fn connect(sw: &Lisad) -> Switching {
        let (rt, ch) = sw.grpc();
        Switching {
            rt,
            vlans: VlansClient::new(ch.clone()),
            ifs: InterfacesClient::new(ch.clone()),
            fdb: FdbClient::new(ch.clone()),
            config: ConfigClient::new(ch),
        }
    }

    fn running_config(&mut self) -> String {
        self.rt
            .block_on(
                self.config
                    .get_running_config(GetRunningConfigRequest::default()),
            )
            .unwrap()
            .into_inner()
            .text
    }
}

/// VLAN 10 is created with its name; ids 0 and 4095, a name with a space,
/// deleting VLAN 1 and deleting a VLAN that does not exist are refused.
fn check_vlan_create_and_bad_ids(c: &mut Switching) {
    let v =
        c.rt.block_on(c.vlans.create_vlan(CreateVlanRequest {
            id: 10,
            name: "users".into(),
        }))
        .unwrap()
        .into_inner();
    assert_eq!((v.id, v.name.as_str()), (10, "users"));
    for id in [0, 4095] {
        let r = c.rt.block_on(c.vlans.create_vlan(CreateVlanRequest {
            id,
            name: String::new(),
        }));
        assert_eq!(code(r), Code::InvalidArgument, "vlan {id}");
    }
    let r = c.rt.block_on(c.vlans.create_vlan(CreateVlanRequest {
        id: 20,
        name: "two words".into(),
    }));
    assert_eq!(code(r), Code::InvalidArgument);
    assert_eq!(
        code(c.rt.block_on(c.vlans.delete_vlan(DeleteVlanRequest { id: 1 }))),
        Code::InvalidArgument
    );
    assert_eq!(
        code(c.rt.block_on(c.vlans.delete_vlan(DeleteVlanRequest { id: 99 }))),
        Code::NotFound
    );
}

/// SetInterface changes only the fields given, abbreviations resolve, and
/// VLAN 10 then lists its trunk and access ports.
fn check_set_interface_partial_and_abbreviated(c: &mut Switching) {
    let set = SetInterfaceRequest {
        name: "e1".into(),
        mode: Some(SwitchportMode::Trunk as i32),
        allowed_vlans: Some("1,10".into()),
        // Kept as the IOS text would read it back: without the blanks.
        description: Some("  uplink ".into()),
        ..Default::default()
    };
    let s =
        c.rt.block_on(c.ifs.set_interface(set))
            .unwrap()
            .into_inner();
    assert_eq!(
        (s.name.as_str(), s.allowed_vlans.as_str(), s.access_vlan),
        ("Ethernet1", "1,10", 1)
    );
    assert_eq!(s.description, "uplink");
    assert!(s.text.contains(" switchport mode trunk\n"), "{}", s.text);
    let set = SetInterfaceRequest {
        name: "Vhost1".into(),
        access_vlan: Some(10),
        ..Default::default()
    };
    c.rt.block_on(c.ifs.set_interface(set)).unwrap();
    let vl =
        c.rt.block_on(c.vlans.list_vlans(ListVlansRequest {}))
            .unwrap()
            .into_inner()
            .vlans;
    let ten = vl.iter().find(|v| v.id == 10).unwrap();
    assert_eq!(ten.ports, vec!["Ethernet1", "Vhost1"]);
}

/// An unknown port, a bad allowed list, MTU or access VLAN, and an unknown
/// mode are refused, and Ethernet2 keeps its MTU and allowed list.
fn check_bad_interface_changes_leave_no_trace(c: &mut Switching) {
    let e2 = |f: fn(&mut SetInterfaceRequest)| {
        let mut req = SetInterfaceRequest {
            name: "e2".into(),
            ..Default::default()
        };
        f(&mut req);
        req
    };
    let bad = [
        (
            SetInterfaceRequest {
                name: "Ethernet9".into(),
                shutdown: Some(true),
                ..Default::default()
            },
            Code::NotFound,
        ),
        (
            e2(|r| r.allowed_vlans = Some("10-abc".into())),
            Code::InvalidArgument,
        ),
        (e2(|r| r.mtu = Some(20)), Code::InvalidArgument),
        (e2(|r| r.access_vlan = Some(4095)), Code::InvalidArgument),
        (e2(|r| r.mode = Some(7)), Code::InvalidArgument),
        // A line break in free text would become configuration at reload.
        (
            e2(|r| r.description = Some("x\nno vlan 10".into())),
            Code::InvalidArgument,
        ),
        (
            e2(|r| r.description = Some("bell\u{7}".into())),
            Code::InvalidArgument,
        ),
    ];
    for (req, want) in bad {
        let shown = format!("{req:?}");
        assert_eq!(
            code(c.rt.block_on(c.ifs.set_interface(req))),
            want,
            "{shown}"
        );
    }
    let e2 =
        c.rt.block_on(c.ifs.get_interface(GetInterfaceRequest {
            name: "Ethernet2".into(),
        }))
        .unwrap()
        .into_inner();
    assert_eq!(
        (e2.mtu, e2.allowed_vlans.as_str()),
        (1500, "1-4094"),
        "refused changes left no trace"
    );
}

fn fdb_static(vlan: u32, mac: &str, port: &str) -> FdbStaticRequest {
    FdbStaticRequest {
        vlan,
        mac: mac.into(),
        port: port.into(),
    }
}

/// A static MAC entry is listed as static on its port; bad MACs, VLANs and
/// ports are refused; removing an absent entry is NotFound; a flush keeps
/// static entries; bad flush and list filters are refused.
fn check_static_mac_entries_and_bad_requests(c: &mut Switching) {
    c.rt.block_on(c.fdb.add_static(fdb_static(10, "0200.0000.0001", "Vhost1")))
        .unwrap();
    let listed =
        c.rt.block_on(c.fdb.list_entries(ListFdbRequest {
            vlan: 10,
            ..Default::default()
        }))
        .unwrap()
        .into_inner();
    assert_eq!(listed.entries.len(), 1);
    assert_eq!(
        (listed.entries[0].port.as_str(), listed.entries[0].r#type()),
        ("Vhost1", FdbEntryType::Static)
    );
    for (vlan, mac, port) in [
        (10, "02:00:00:00:00:zz", "Vhost1"),
        (10, "0100.0000.0001", "Vhost1"),
        (0, "0200.0000.0002", "Vhost1"),
        (30, "0200.0000.0002", "Vhost1"),
        (10, "0200.0000.0002", "Port9"),
    ] {
        let req = fdb_static(vlan, mac, port);
        let shown = format!("{req:?}");
        let r = c.rt.block_on(c.fdb.add_static(req));
        assert_eq!(code(r), Code::InvalidArgument, "{shown}");
    }
    assert_eq!(
        code(c.rt.block_on(c.fdb.remove_static(fdb_static(10, "0200.0000.0009", "")))),
        Code::NotFound
    );
    let r = c.rt.block_on(c.fdb.flush(FlushFdbRequest {
        vlan: 5000,
        port: String::new(),
    }));
    assert_eq!(code(r), Code::InvalidArgument);
    c.rt.block_on(c.fdb.flush(FlushFdbRequest::default()))
        .unwrap();
    let listed =
        c.rt.block_on(c.fdb.list_entries(ListFdbRequest::default()))
            .unwrap()
            .into_inner();
    assert_eq!(
        listed.entries.len(),
        1,
        "a flush of learned entries keeps static ones"
    );
    let r = c.rt.block_on(c.fdb.list_entries(ListFdbRequest {
        port: "Nope1".into(),
        ..Default::default()
    }));
    assert_eq!(code(r), Code::InvalidArgument);
}

/// Config text with an error names the line and changes nothing. Returns
/// the running config.
fn check_bad_config_text_names_its_line(c: &mut Switching) -> String {
    let before = c.running_config();
    let e =
        c.rt.block_on(c.config.apply_config(ApplyConfigRequest {
            text: "vlan 30\ninterface e2\n switchport mode trunkk\n".into(),
        }))
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("line 3"), "{}", e.message());
    assert_eq!(before, c.running_config());
    before
}

/// A `configure terminal` session over the API: each line is checked as
/// it comes (a bad one reported with where, the others go on), held lines
/// wait for `end`, a session closed before `end` applies nothing, and
/// `immediate` applies each line at once in the mode the lines left.
fn check_config_session(c: &mut Switching) {
    use lisa_proto::v1::{ConfigSessionRequest, ConfigSessionResponse};
    let open = |c: &mut Switching| {
        let (tx, rx) = tokio::sync::mpsc::channel::<ConfigSessionRequest>(4);
        let answers =
            c.rt.block_on(
                c.config
                    .config_session(tokio_stream::wrappers::ReceiverStream::new(rx)),
            )
            .unwrap()
            .into_inner();
        (tx, answers)
    };
    let send = |c: &mut Switching,
                s: &mut (
        tokio::sync::mpsc::Sender<ConfigSessionRequest>,
        tonic::Streaming<ConfigSessionResponse>,
    ),
                lines: &[&str],
                immediate: bool| {
        c.rt.block_on(async {
            s.0.send(ConfigSessionRequest {
                lines: lines.iter().map(|l| l.to_string()).collect(),
                immediate,
            })
            .await
            .unwrap();
            s.1.message().await.unwrap().expect("an answer")
        })
    };
    let before = c.running_config();
    let mut s = open(c);
    let a = send(
        c,
        &mut s,
        &[
            "vlan 41",
            " name held",
            "interface e2",
            " switchport mode trunkk",
            " description x",
        ],
        false,
    );
    assert_eq!(a.consumed, 5);
    assert_eq!(a.mode, "config-if");
    assert_eq!(a.errors.len(), 1, "{a:?}");
    assert_eq!((a.errors[0].index, a.errors[0].column), (3, Some(17)));
    assert!(a.errors[0].message.contains("Invalid input"), "{a:?}");
    assert_eq!(c.running_config(), before, "held until end");
    // Closed before `end`: nothing applies.
    drop(s);
    assert_eq!(c.running_config(), before);
    // The same again with `end`: the batch stops there, the good lines go in.
    let mut s = open(c);
    let a = send(
        c,
        &mut s,
        &["vlan 41", " name held", "end", "vlan 42"],
        false,
    );
    assert_eq!((a.consumed, a.mode.as_str()), (3, "exec"), "{a:?}");
    assert!(a.commit_error.is_empty() && !a.changed.is_empty(), "{a:?}");
    assert!(c.running_config().contains("vlan 41\n name held"));
    assert!(!c.running_config().contains("vlan 42"));
    // Immediate: each line at once, in the sub-mode the session is in.
    let mut s = open(c);
    let a = send(c, &mut s, &["interface e2"], true);
    assert_eq!(a.mode, "config-if");
    let a = send(c, &mut s, &["description now"], true);
    assert!(a.errors.is_empty(), "{a:?}");
    assert!(c
        .running_config()
        .contains("interface Ethernet2\n description now"));
    let a = send(
        c,
        &mut s,
        &["no vlan 41", "no ip route 10.9.0.0 255.255.0.0"],
        true,
    );
    assert_eq!(a.errors.len(), 1, "{a:?}");
    assert!(a.errors[0].message.contains("No matching route"), "{a:?}");
    assert!(!c.running_config().contains("vlan 41"));
}

/// A lisad started from `startup` has `expected` as its running config,
/// static MAC entry included.
fn check_restart_restored(ports: &[(&str, &str)], startup: &str, expected: &str) {
    let sw = Lisad::start(ports, &["--startup-config", startup]);
    let restored = Switching::connect(&sw).running_config();
    assert_eq!(
        restored, expected,
        "restart did not restore the running config"
    );
    assert!(
        restored.contains("mac address-table static 0200.0000.0001 vlan 10 interface Vhost1"),
        "{restored}"
    );
}

/// `AddPortRequest` as a client that sends bytes where the API has a
/// string (field 1, `name`).
#[derive(Clone, PartialEq, prost::Message)]
struct RawAddPort {
    #[prost(bytes = "vec", tag = "1")]
    name: Vec<u8>,
}

/// A request that does not decode (a name that is not UTF-8, a truncated
/// field) is the caller's mistake: INVALID_ARGUMENT, and nothing changes.
fn check_undecodable_requests_are_invalid_argument(sw: &Lisad) {
    let (rt, ch) = sw.grpc();
    let path = "/lisa.v1.Ports/AddPort";
    let send = |name: Vec<u8>| {
        let mut grpc = tonic::client::Grpc::new(ch.clone());
        rt.block_on(async {
            grpc.ready().await.unwrap();
            let codec = tonic_prost::ProstCodec::<RawAddPort, lisa_proto::v1::Port>::default();
            grpc.unary(
                tonic::Request::new(RawAddPort { name }),
                tonic::codegen::http::uri::PathAndQuery::from_static(path),
                codec,
            )
            .await
        })
    };
    let bad = send(vec![b'E', 0xff, 0xfe]).expect_err("not UTF-8");
    assert_eq!(bad.code(), Code::InvalidArgument, "{bad:?}");
    assert!(bad.message().contains("UTF-8"), "{bad:?}");
    let ports = rt
        .block_on(PortsClient::new(ch.clone()).list_ports(lisa_proto::v1::ListPortsRequest {}))
        .unwrap()
        .into_inner()
        .ports;
    assert_eq!(ports.len(), 3, "nothing was added");
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
    let mut c = Switching::connect(&sw);
    check_vlan_create_and_bad_ids(&mut c);
    check_set_interface_partial_and_abbreviated(&mut c);
    check_bad_interface_changes_leave_no_trace(&mut c);
    check_static_mac_entries_and_bad_requests(&mut c);
    check_undecodable_requests_are_invalid_argument(&sw);
    check_config_session(&mut c);
    let before = check_bad_config_text_names_its_line(&mut c);

    // Save, restart from the startup-config: the same running config.
    c.rt.block_on(c.config.save_config(SaveConfigRequest {}))
        .unwrap();
    drop(c);
    assert!(sw.stop().is_some_and(|s| s.success()));
    check_restart_restored(&ports, &startup, &before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_event_stream_reports_ports_and_config_changes() {
    use lisa_proto::v1::{system_client::SystemClient, AddPortRequest, EventType, WatchRequest};
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null")], &[]);
    let (rt, ch) = sw.grpc();
    let mut stream = rt
        .block_on(SystemClient::new(ch.clone()).watch(WatchRequest::default()))
        .unwrap()
        .into_inner();
    let mut ports = PortsClient::new(ch.clone());
    // A description with a line break is refused before anything is plugged.
    let hostile = AddPortRequest {
        name: "Vhost4".into(),
        kind: "null".into(),
        description: "vm4\nno vlan 1".into(),
        ..Default::default()
    };
    assert_eq!(
        code(rt.block_on(ports.add_port(hostile))),
        Code::InvalidArgument
    );
    let add = AddPortRequest {
        name: "Vhost3".into(),
        kind: "null".into(),
        description: "vm3".into(),
        ..Default::default()
    };
    rt.block_on(ports.add_port(add)).unwrap();
    rt.block_on(
        ConfigClient::new(ch.clone()).apply_config(ApplyConfigRequest {
            text: "interface Vhost3\n shutdown\n".into(),
        }),
    )
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

    // A watcher that reconnects after the first event gets the two after
    // it first, with the same numbers, as they were kept.
    let mut system = SystemClient::new(ch);
    let mut resumed = rt
        .block_on(system.watch(WatchRequest {
            after_sequence: seen[0].3,
        }))
        .unwrap()
        .into_inner();
    for want in &seen[1..] {
        let e = rt
            .block_on(async {
                tokio::time::timeout(std::time::Duration::from_secs(5), resumed.message()).await
            })
            .expect("a kept event")
            .unwrap()
            .expect("stream open");
        assert_eq!((e.sequence, e.detail.as_str()), (want.3, want.2.as_str()));
    }

    // Watchers are capped: streams that are never read cannot grow lisad
    // without bound (the two above hold places). A closed one gives its
    // place back.
    let mut more = Vec::new();
    for _ in 2..64 {
        more.push(rt.block_on(system.watch(WatchRequest::default())).unwrap());
    }
    let refused = rt
        .block_on(system.watch(WatchRequest::default()))
        .unwrap_err();
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    drop(more.pop());
    assert!(
        common::wait_until(std::time::Duration::from_secs(5), || rt
            .block_on(system.watch(WatchRequest::default()))
            .map(|s| more.push(s))
            .is_ok()),
        "a closed watcher's place is free again"
    );
    drop(resumed);
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
    let port = common::free_port();
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
    // The TCP listener may come up a moment after the control socket.
    let ask = || {
        rt.block_on(async {
            let mut c = SystemClient::connect(format!("http://127.0.0.1:{port}")).await?;
            Ok::<_, Box<dyn std::error::Error>>(
                c.get_version(GetVersionRequest {}).await?.into_inner(),
            )
        })
    };
    let mut version = ask();
    for _ in 0..50 {
        if version.is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        version = ask();
    }
    let version = version.expect("gRPC over TCP");
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

/// The routing, ports and config clients on one lisad, and the runtime.
struct Routing {
    rt: Runtime,
    routing: RoutingClient<Channel>,
    ports: PortsClient<Channel>,
    config: ConfigClient<Channel>,
}

impl Routing {
    fn lookup(&mut self, address: &str) -> LookupResponse {
        self.rt
            .block_on(self.routing.lookup(LookupRequest {
                address: address.into(),
            }))
            .unwrap()
            .into_inner()
    }
}

fn route(prefix: &str, gateway: &str) -> Route {
    Route {
        prefix: prefix.into(),
        gateway: gateway.into(),
        ..Default::default()
    }
}

/// Vlan20's SVI comes up with 10.0.20.1/24; an address without a length,
/// with a bad length, the network address, a non-address and VLAN 4095 are
/// refused.
fn check_svi_address_rules(c: &mut Routing) {
    let svi =
        c.rt.block_on(c.routing.set_svi(SetSviRequest {
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
        let r = c.rt.block_on(c.routing.set_svi(SetSviRequest {
            vlan: 20,
            address: Some(addr.into()),
            ..Default::default()
        }));
        assert_eq!(code(r), Code::InvalidArgument, "{addr}: {why}");
    }
    let r = c.rt.block_on(c.routing.set_svi(SetSviRequest {
        vlan: 4095,
        ..Default::default()
    }));
    assert_eq!(code(r), Code::InvalidArgument);
}

impl Routing {
    /// Pings as `req` asks: the answers, or the refusal.
    fn ping(&mut self, req: PingRequest) -> Result<Vec<PingReply>, tonic::Status> {
        self.rt.block_on(async {
            let mut s = self.routing.ping(req).await?.into_inner();
            let mut out = Vec::new();
            while let Some(r) = s.message().await? {
                out.push(r);
            }
            Ok(out)
        })
    }
}

fn ping_to(destination: &str) -> PingRequest {
    PingRequest {
        destination: destination.into(),
        ..Default::default()
    }
}

/// `Ping` without an SVI that routes: FAILED_PRECONDITION.
fn check_ping_needs_an_svi(c: &mut Routing) {
    let e = c.ping(ping_to("10.0.20.1")).unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    assert!(e.message().contains("no SVI routes"), "{e:?}");
}

/// `Ping` with Vlan20 up: bad destinations, sizes, counts, TTLs and
/// sources refused with what is wrong; the switch's own address answers;
/// a silent neighbor times out, from the SVI's address.
fn check_ping_requests(c: &mut Routing) {
    let refused = |c: &mut Routing, f: &dyn Fn(&mut PingRequest), want: Code, says: &str| {
        let mut req = ping_to("10.0.20.5");
        f(&mut req);
        let e = c.ping(req.clone()).unwrap_err();
        assert_eq!(e.code(), want, "{req:?}: {e:?}");
        assert!(e.message().contains(says), "{req:?}: {e:?}");
    };
    let invalid = Code::InvalidArgument;
    refused(
        c,
        &|r| r.destination = "10.0.20.300".into(),
        invalid,
        "not an IPv4 address",
    );
    refused(
        c,
        &|r| r.destination = "224.0.0.5".into(),
        invalid,
        "not a unicast address",
    );
    refused(c, &|r| r.size = 20, invalid, "36 to 18024");
    refused(c, &|r| r.size = 20000, invalid, "36 to 18024");
    refused(c, &|r| r.count = 100_000, invalid, "at most 10000");
    refused(c, &|r| r.ttl = 300, invalid, "1 to 255");
    refused(
        c,
        &|r| r.source = "10.9.9.9".into(),
        invalid,
        "Invalid source address",
    );
    refused(c, &|r| r.source = "Ethernet1".into(), invalid, "only SVIs");
    refused(
        c,
        &|r| r.source = "Vlan30".into(),
        Code::FailedPrecondition,
        "Invalid source interface",
    );
    let own = c
        .ping(PingRequest {
            count: 2,
            ..ping_to("10.0.20.1")
        })
        .unwrap();
    assert_eq!(own.len(), 2, "{own:?}");
    for (n, r) in own.iter().enumerate() {
        assert_eq!(
            (r.sequence, r.result(), r.from.as_str(), r.source.as_str()),
            (n as u32, PingResult::Reply, "10.0.20.1", "10.0.20.1")
        );
    }
    let silent = c
        .ping(PingRequest {
            count: 1,
            timeout_ms: Some(300),
            source: "vlan20".into(),
            ..ping_to("10.0.20.77")
        })
        .unwrap();
    assert_eq!(silent.len(), 1, "{silent:?}");
    assert_eq!(
        (
            silent[0].result(),
            silent[0].from.as_str(),
            silent[0].source.as_str()
        ),
        (PingResult::Timeout, "", "10.0.20.1")
    );
}

/// One route, then a stream of 101: all counted as static routes.
fn check_routes_added_singly_and_streamed(c: &mut Routing) {
    c.rt.block_on(c.routing.add_route(route("192.0.2.0/24", "10.0.20.9")))
        .unwrap();
    let batches = vec![
        RouteBatch {
            add: (0..100)
                .map(|i| route(&format!("198.18.{i}.0/24"), "10.0.20.9"))
                .collect(),
            remove: vec![],
        },
        RouteBatch {
            add: vec![route("0.0.0.0/0", "10.0.20.254")],
            remove: vec![],
        },
    ];
    let r =
        c.rt.block_on(c.routing.program_routes(tokio_stream::iter(batches)))
            .unwrap()
            .into_inner();
    assert_eq!((r.added, r.static_total), (101, 102));
}

/// The dataplane resolves a route's gateway until a static ARP entry gives
/// its MAC, then forwards; the entry is listed as static, and a prefix
/// filter with a limit lists 10 of the routes.
fn check_lookup_follows_static_arp(c: &mut Routing) {
    let l = c.lookup("198.18.42.7");
    assert_eq!(
        (l.action(), l.vlan),
        (LookupAction::Resolve, 20),
        "gateway not resolved yet"
    );
    assert_eq!(c.lookup("10.0.20.1").action(), LookupAction::Local);
    c.rt.block_on(c.routing.add_static_arp(StaticArp {
        address: "10.0.20.9".into(),
        mac: "0200.0000.0009".into(),
    }))
    .unwrap();
    let l = c.lookup("198.18.42.7");
    assert_eq!(
        (l.action(), l.mac.as_str()),
        (LookupAction::Forward, "02:00:00:00:00:09"),
        "one MAC form out: aa:bb:cc:dd:ee:ff"
    );
    let arp =
        c.rt.block_on(c.routing.list_arp(ListArpRequest {}))
            .unwrap()
            .into_inner()
            .entries;
    assert!(
        arp.iter()
            .any(|e| e.address == "10.0.20.9" && e.state() == ArpState::Static),
        "{arp:?}"
    );
    let listed =
        c.rt.block_on(c.routing.list_routes(ListRoutesRequest {
            prefix: "198.18.0.0/16".into(),
            limit: 10,
            ..Default::default()
        }))
        .unwrap()
        .into_inner();
    assert_eq!((listed.routes.len(), listed.static_total), (10, 102));
}

/// A bad route in a stream commits nothing of the stream; a gateway that is
/// our own address or not an address, and a prefix without a length, are
/// refused; removing an absent route is NotFound.
fn check_bad_routes_commit_nothing(c: &mut Routing) {
    let batches = vec![RouteBatch {
        add: vec![
            route("203.0.113.0/24", "10.0.20.9"),
            route("203.0.113.1/24", "10.0.20.9"),
        ],
        remove: vec![],
    }];
    let e =
        c.rt.block_on(c.routing.program_routes(tokio_stream::iter(batches)))
            .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("host bits"), "{}", e.message());
    let listed =
        c.rt.block_on(c.routing.list_routes(ListRoutesRequest {
            prefix: "203.0.113.0/24".into(),
            ..Default::default()
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
        let r = c.rt.block_on(c.routing.add_route(route(prefix, gw)));
        assert_eq!(code(r), Code::InvalidArgument, "{prefix} via {gw}");
    }
    let exit = |gateway: &str, interface: &str| Route {
        prefix: "203.0.113.0/24".into(),
        gateway: gateway.into(),
        interface: interface.into(),
    };
    for (gw, interface) in [("", "Ethernet1"), ("10.0.20.9", "Null0"), ("", "")] {
        let r = c.rt.block_on(c.routing.add_route(exit(gw, interface)));
        assert_eq!(code(r), Code::InvalidArgument, "{gw:?} {interface:?}");
    }
    // A route to Null0 discards; removing it names its interface.
    c.rt.block_on(c.routing.add_route(exit("", "null0")))
        .unwrap();
    assert_eq!(c.lookup("203.0.113.5").action(), LookupAction::Discard);
    let r = c.rt.block_on(c.routing.remove_route(exit("", "Vlan20")));
    assert_eq!(code(r), Code::NotFound, "another next hop");
    c.rt.block_on(c.routing.remove_route(exit("", "Null0")))
        .unwrap();
    assert_eq!(
        c.lookup("203.0.113.5").action(),
        LookupAction::Resolve,
        "back to the default route"
    );
    let r =
        c.rt.block_on(c.routing.remove_route(route("10.99.0.0/16", "")));
    assert_eq!(code(r), Code::NotFound);
}

/// Ethernet2 is VLAN 20's only port: removing it would cut the SVI off, so
/// it takes `force`.
fn check_removing_the_svis_last_port_needs_force(c: &mut Routing) {
    let e =
        c.rt.block_on(c.ports.remove_port(RemovePortRequest {
            name: "Ethernet2".into(),
            force: false,
        }))
        .unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("Vlan20"), "{}", e.message());
    c.rt.block_on(c.ports.remove_port(RemovePortRequest {
        name: "Ethernet2".into(),
        force: true,
    }))
    .unwrap();
}

/// The typed running config has the routes, the SVI, the ARP entry and the VLAN.
fn check_typed_running_config(c: &mut Routing) {
    let typed =
        c.rt.block_on(
            c.config
                .get_running_config_typed(GetRunningConfigRequest::default()),
        )
        .unwrap()
        .into_inner();
    assert_eq!(typed.routes.len(), 102);
    assert_eq!(
        (typed.svis[0].vlan, typed.svis[0].address.as_str()),
        (20, "10.0.20.1/24")
    );
    assert!(typed.arps.iter().any(|a| a.address == "10.0.20.9"));
    assert!(typed.vlans.iter().any(|v| v.id == 20));
}

/// Deleting the SVI works once, then is NotFound, and its routes' gateway is
/// no longer connected.
fn check_deleting_the_svi_disconnects_its_gateway(c: &mut Routing) {
    c.rt.block_on(c.routing.delete_svi(DeleteSviRequest { vlan: 20 }))
        .unwrap();
    assert_eq!(
        code(c.rt.block_on(c.routing.delete_svi(DeleteSviRequest { vlan: 20 }))),
        Code::NotFound
    );
    assert_eq!(
        c.lookup("198.18.42.7").action(),
        LookupAction::NoRoute,
        "gateway no longer connected"
    );
}

#[test]
fn routing_service_svis_routes_arp_and_bad_requests() {
    let _serial = serial();
    let sw = Lisad::start(&[("Ethernet1", "null"), ("Ethernet2", "null")], &[]);
    sw.configure(&[
        "vlan 20",
        "interface Ethernet2",
        " switchport access vlan 20",
    ]);
    let (rt, ch) = sw.grpc();
    let mut c = Routing {
        rt,
        routing: RoutingClient::new(ch.clone()),
        ports: PortsClient::new(ch.clone()),
        config: ConfigClient::new(ch),
    };
    check_ping_needs_an_svi(&mut c);
    check_svi_address_rules(&mut c);
    check_ping_requests(&mut c);
    check_routes_added_singly_and_streamed(&mut c);
    check_lookup_follows_static_arp(&mut c);
    check_bad_routes_commit_nothing(&mut c);
    check_removing_the_svis_last_port_needs_force(&mut c);
    check_typed_running_config(&mut c);
    check_deleting_the_svi_disconnects_its_gateway(&mut c);
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
            "lacp-input",
            "lldp-input",
            "cdp-input",
            "stp-input",
            "rx-hooks",
            "l2-bridge",
            "igmp-input",
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

/// A startup-config with bad lines boots as IOS does: every good line
/// applies, the bad ones are reported with their lines (log, swcli, API),
/// and `reload` does the same.
#[test]
fn bad_startup_config_lines_do_not_stop_the_boot() {
    use lisa_proto::v1::GetStartupErrorsRequest;
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-api-boot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let startup = dir.join("startup-config");
    std::fs::write(
        &startup,
        "hostname edge\nvlan 10\n name users\nfrobnicate the switch\ninterface Ethernet1\n switchport access vlan 10\n mtu 99999\n description uplink\nspanning-tree mode mst\n",
    )
    .unwrap();
    let startup = startup.display().to_string();
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--startup-config", &startup]);
    let running = sw.show("show running-config");
    assert!(running.contains("hostname edge"), "{running}");
    assert!(running.contains("vlan 10\n name users"), "{running}");
    assert!(
        running.contains("interface Ethernet1\n description uplink\n switchport access vlan 10"),
        "{running}"
    );
    let shown = sw.show("show startup-config errors");
    assert!(shown.contains("3 line(s) not applied"), "{shown}");
    for line in [
        "line 4: frobnicate the switch",
        "line 7: mtu 99999",
        "line 9: spanning-tree mode mst",
    ] {
        assert!(shown.contains(line), "{line} in:\n{shown}");
    }
    assert!(sw.log_text().contains("startup-config line not applied"));
    let (rt, ch) = sw.grpc();
    let mut config = ConfigClient::new(ch);
    let lines = |r: lisa_proto::v1::StartupErrors| -> Vec<u32> {
        r.errors.iter().map(|e| e.line).collect()
    };
    let r = rt
        .block_on(config.get_startup_errors(GetStartupErrorsRequest {}))
        .unwrap()
        .into_inner();
    assert_eq!(lines(r), vec![4, 7, 9]);
    // `reload` applies it the same way and reports the same lines.
    let said = sw.show("reload");
    assert!(said.contains("3 line(s) not applied"), "{said}");
    assert_eq!(sw.show("show running-config"), running);
    let r = rt
        .block_on(config.get_startup_errors(GetStartupErrorsRequest {}))
        .unwrap()
        .into_inner();
    assert_eq!(lines(r), vec![4, 7, 9]);
}

/// Under a service manager (`NOTIFY_SOCKET`), lisad says READY=1 once it
/// forwards and its control socket answers, with a status line, and
/// STOPPING=1 when it stops: a `Type=notify` unit is never "started" on a
/// stale socket file.
#[test]
fn lisad_tells_the_service_manager_when_it_is_ready() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notify.sock");
    let _ = std::fs::remove_file(&path);
    let manager = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
    manager
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let env = [("NOTIFY_SOCKET", path.to_str().unwrap())];
    let mut sw = Lisad::start_with_env(&[("Ethernet1", "null")], &[], &env);
    let mut buf = [0u8; 512];
    let n = manager.recv(&mut buf).expect("READY=1 within 30 s");
    let ready = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(ready.contains("READY=1\n"), "{ready}");
    assert!(ready.contains("STATUS=forwarding"), "{ready}");
    assert!(ready.contains(&format!("MAINPID={}", sw.pid())), "{ready}");
    assert!(
        sw.show("show version").contains("uptime"),
        "answers once ready"
    );
    assert!(sw.stop().is_some_and(|s| s.success()));
    let n = manager.recv(&mut buf).expect("STOPPING=1");
    assert_eq!(&buf[..n], b"STOPPING=1");
    let _ = std::fs::remove_dir_all(&dir);
}
