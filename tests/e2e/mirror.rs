//! Port mirroring (SPAN) end to end, as IOS does it: a namespace host on
//! the destination port captures with tcpdump what two other hosts
//! exchange; the destination leaves switching while it is one and comes
//! back when the session goes; VLAN sources; the Mirror API's rules.

use crate::common;

use common::{serial, unique, wait_until, Host, Lisad};
use lisa_proto::v1::config_client::ConfigClient;
use lisa_proto::v1::mirror_client::MirrorClient;
use lisa_proto::v1::{
    DeleteMonitorSessionRequest, GetRunningConfigRequest, ListMonitorSessionsRequest, MirrorConfig,
    MirrorDirection, MirrorSource, MonitorSession,
};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::runtime::Runtime;
use tonic::transport::Channel;

fn tap(i: u32) -> String {
    unique("lm", &format!("p{i}"))
}

/// tcpdump running in a host, printing what it captures.
struct Capture {
    child: Child,
}

impl Capture {
    /// Starts `tcpdump -n -l -i ifname <filter>` in `host` and waits until
    /// it listens.
    fn start(host: &Host, ifname: &str, filter: &str) -> Capture {
        let mut child = Command::new("ip")
            .args([
                "netns", "exec", &host.ns, "timeout", "30", "tcpdump", "-n", "-l", "-e",
            ])
            .args(["-i", ifname, filter])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump");
        let mut err = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        while err.read_line(&mut line).unwrap_or(0) > 0 {
            if line.contains("listening on") {
                break;
            }
            line.clear();
        }
        assert!(
            line.contains("listening on"),
            "tcpdump did not start: {line}"
        );
        Capture { child }
    }

    /// Stops it and returns what it printed.
    fn finish(mut self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let mut out = String::new();
        if let Some(mut o) = self.child.stdout.take() {
            let _ = o.read_to_string(&mut out);
        }
        let _ = self.child.wait();
        out
    }
}

/// A and B on access VLAN 1 (Ethernet1, Ethernet2), C on Ethernet3 (the
/// destination), D on Ethernet4 in VLAN 20 with E on Ethernet5.
struct Lab {
    sw: Lisad,
    hosts: Vec<Host>,
}

fn lab() -> Lab {
    let sw = Lisad::start_with_taps(5, tap);
    sw.configure(&[
        "vlan 20",
        "interface Ethernet4",
        " switchport access vlan 20",
        "interface Ethernet5",
        " switchport access vlan 20",
    ]);
    let hosts: Vec<Host> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|n| Host::new(&unique("lisa-m", n)))
        .collect();
    let addrs = [
        "10.7.0.1/24",
        "10.7.0.2/24",
        "10.7.0.3/24",
        "10.20.0.4/24",
        "10.20.0.5/24",
    ];
    for (i, (h, a)) in hosts.iter().zip(addrs).enumerate() {
        h.take_interface(&tap(i as u32 + 1), a);
    }
    Lab { sw, hosts }
}

/// Session 1 mirrors Ethernet1 (both directions) to Ethernet3, as `show
/// monitor session 1` and the running config say; C's own traffic on the
/// destination no longer switches and is counted as not-switching.
fn check_session_1_is_shown_and_its_destination_leaves_switching(lab: &Lab) {
    let (sw, c) = (&lab.sw, &lab.hosts[2]);
    sw.configure(&[
        "monitor session 1 source interface e1",
        "monitor session 1 destination interface e3",
    ]);
    let shown = sw.show("show monitor session 1");
    for want in [
        "Session 1",
        "Source Ports",
        "Both",
        "Ethernet1",
        "Destination Ports",
        "Ethernet3",
    ] {
        assert!(
            shown.contains(want),
            "show monitor: no {want:?} in\n{shown}"
        );
    }
    let run = sw.show("show running-config");
    assert!(
        run.contains("monitor session 1 source interface Ethernet1\nmonitor session 1 destination interface Ethernet3"),
        "{run}"
    );

    let dropped = sw.drops("not-switching");
    assert!(!c.ping("10.7.0.1", 1), "a destination does not switch");
    assert!(
        sw.drops("not-switching") > dropped,
        "counted as not-switching"
    );
}

/// C captures both A's requests and B's replies (rx and tx of Ethernet1),
/// and the session counts its copies.
fn check_both_directions_are_copied(lab: &Lab) {
    let (sw, a, c) = (&lab.sw, &lab.hosts[0], &lab.hosts[2]);
    let cap = Capture::start(c, &tap(3), "icmp");
    assert!(a.ping("10.7.0.2", 3), "A reaches B while mirrored");
    let seen = cap.finish();
    let requests = seen
        .matches("10.7.0.1 > 10.7.0.2: ICMP echo request")
        .count();
    let replies = seen.matches("10.7.0.2 > 10.7.0.1: ICMP echo reply").count();
    assert!(
        requests >= 3 && replies >= 3,
        "C must see both ways (rx and tx of Ethernet1):\n{seen}"
    );
    assert!(
        sw.show("show monitor").contains("copied"),
        "the session counts its copies"
    );
}

/// rx only: the requests A sends, not the replies it gets.
fn check_rx_only_copies_what_the_source_receives(lab: &Lab) {
    let (sw, a, c) = (&lab.sw, &lab.hosts[0], &lab.hosts[2]);
    sw.configure(&[
        "no monitor session 1 source interface e1",
        "monitor session 1 source interface e1 rx",
    ]);
    let cap = Capture::start(c, &tap(3), "icmp");
    assert!(a.ping("10.7.0.2", 2));
    let seen = cap.finish();
    assert!(seen.contains("ICMP echo request"), "{seen}");
    assert!(!seen.contains("ICMP echo reply"), "rx only:\n{seen}");
}

/// A VLAN source: what is received in VLAN 20, from any of its ports, and
/// nothing from VLAN 1.
fn check_a_vlan_source_copies_only_that_vlan(lab: &Lab) {
    let (sw, a, c, d) = (&lab.sw, &lab.hosts[0], &lab.hosts[2], &lab.hosts[3]);
    sw.configure(&[
        "no monitor session 1",
        "monitor session 2 source vlan 20 rx",
        "monitor session 2 destination interface e3",
    ]);
    let cap = Capture::start(c, &tap(3), "icmp");
    assert!(d.ping("10.20.0.5", 2), "D reaches E in VLAN 20");
    assert!(a.ping("10.7.0.2", 1));
    let seen = cap.finish();
    assert!(
        seen.contains("10.20.0.4 > 10.20.0.5: ICMP echo request"),
        "{seen}"
    );
    assert!(
        seen.contains("10.20.0.5 > 10.20.0.4: ICMP echo reply"),
        "{seen}"
    );
    assert!(
        !seen.contains("10.7.0.1"),
        "VLAN 1 is not a source:\n{seen}"
    );
}

#[test]
fn span_copies_to_a_capturing_host() {
    let _serial = serial();
    let lab = lab();
    let (sw, a, c) = (&lab.sw, &lab.hosts[0], &lab.hosts[2]);
    assert!(a.ping("10.7.0.2", 1), "A reaches B before any session");
    assert!(
        c.ping("10.7.0.1", 1),
        "C switches before it is a destination"
    );
    check_session_1_is_shown_and_its_destination_leaves_switching(&lab);
    check_both_directions_are_copied(&lab);
    check_rx_only_copies_what_the_source_receives(&lab);
    check_a_vlan_source_copies_only_that_vlan(&lab);

    // The session gone, C switches again.
    sw.configure(&["no monitor session all"]);
    assert!(
        wait_until(Duration::from_secs(3), || c.ping("10.7.0.1", 1)),
        "C switches again once no session uses it"
    );
    assert!(sw.show("show monitor").contains("No SPAN configuration"));
}

/// The Mirror and Config clients on one lisad, and the runtime.
struct Api {
    rt: Runtime,
    mirror: MirrorClient<Channel>,
    config: ConfigClient<Channel>,
}

impl Api {
    fn set(&mut self, s: MonitorSession) -> Result<MonitorSession, tonic::Status> {
        let r = self.rt.block_on(self.mirror.set_monitor_session(s))?;
        Ok(r.into_inner())
    }
}

fn src(name: &str, d: MirrorDirection) -> MirrorSource {
    MirrorSource {
        interface: name.into(),
        direction: d.into(),
    }
}

/// Session 3 (Ethernet1 tx to Ethernet2) is accepted with names resolved,
/// active, and in the running config.
fn check_a_good_session_resolves_names(sw: &Lisad, api: &mut Api) {
    let ok = api
        .set(MonitorSession {
            id: 3,
            sources: vec![src("e1", MirrorDirection::Tx)],
            destination: "e2".into(),
            ..Default::default()
        })
        .expect("a good session");
    assert_eq!(
        ok.sources[0].interface, "Ethernet1",
        "names resolved as IOS does"
    );
    assert!(ok.active);
    assert!(sw
        .show("show running-config")
        .contains("monitor session 3 source interface Ethernet1 tx"));
}

/// Session 0, a destination as a source, a second session on session 3's
/// destination and an unknown direction are refused with the reason; the
/// list still has only session 3.
fn check_bad_sessions_are_refused_with_a_reason(api: &mut Api) {
    for (bad, why) in [
        (
            MonitorSession {
                id: 0,
                ..Default::default()
            },
            "no such session",
        ),
        (
            MonitorSession {
                id: 4,
                sources: vec![src("e2", MirrorDirection::Both)],
                ..Default::default()
            },
            "cannot be a source",
        ),
        (
            MonitorSession {
                id: 4,
                destination: "e2".into(),
                ..Default::default()
            },
            "destination of session 3",
        ),
        (
            MonitorSession {
                id: 4,
                sources: vec![MirrorSource {
                    interface: "e3".into(),
                    direction: 9,
                }],
                ..Default::default()
            },
            "no such direction",
        ),
    ] {
        let e = api.set(bad).expect_err(why);
        assert_eq!(e.code(), tonic::Code::InvalidArgument, "{why}: {e:?}");
        assert!(e.message().contains(why), "{why}: {}", e.message());
    }
    let list = api
        .rt
        .block_on(
            api.mirror
                .list_monitor_sessions(ListMonitorSessionsRequest {}),
        )
        .unwrap()
        .into_inner();
    assert_eq!(list.sessions.len(), 1, "refused changes left nothing");
}

/// The typed running config carries one packed MirrorConfig with session 3.
fn check_typed_config_packs_the_mirror_config(api: &mut Api) {
    let typed = api
        .rt
        .block_on(
            api.config
                .get_running_config_typed(GetRunningConfigRequest::default()),
        )
        .unwrap()
        .into_inner();
    let packed: Vec<MirrorConfig> = typed
        .features
        .iter()
        .filter_map(|a| a.to_msg::<MirrorConfig>().ok())
        .collect();
    assert_eq!(
        packed.len(),
        1,
        "the typed config carries the feature's part"
    );
    let s = &packed[0].sessions[0];
    assert_eq!((s.id, s.destination.as_str()), (3, "Ethernet2"));
    assert_eq!(s.sources[0].direction, i32::from(MirrorDirection::Tx));
}

#[test]
fn mirror_api_follows_the_ios_rules() {
    let _serial = serial();
    let sw = Lisad::start_with_taps(3, |i| tap(10 + i));
    let (rt, ch) = sw.grpc();
    let mut api = Api {
        rt,
        mirror: MirrorClient::new(ch.clone()),
        config: ConfigClient::new(ch),
    };
    check_a_good_session_resolves_names(&sw, &mut api);
    check_bad_sessions_are_refused_with_a_reason(&mut api);
    check_typed_config_packs_the_mirror_config(&mut api);

    // Deleting an unknown session is NotFound; deleting session 3 leaves none.
    let gone = api.rt.block_on(
        api.mirror
            .delete_monitor_session(DeleteMonitorSessionRequest { id: 5 }),
    );
    assert_eq!(gone.unwrap_err().code(), tonic::Code::NotFound);
    api.rt
        .block_on(
            api.mirror
                .delete_monitor_session(DeleteMonitorSessionRequest { id: 3 }),
        )
        .unwrap();
    assert!(!sw.show("show running-config").contains("monitor session"));
}
