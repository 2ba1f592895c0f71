//! End-to-end at scale (behaviour, never timing): 100K static routes boot
//! from a startup-config, page, summarise, save, reload and go in one
//! change; 100K learned MAC addresses count and page. The timings are
//! `bench/scale.py`'s.

use crate::common;

use common::{run_with_input, serial, wait_until, write_pcap, Lisad};
use lisa_proto::v1::{
    config_client::ConfigClient, fdb_client::FdbClient, routing_client::RoutingClient,
    ApplyConfigRequest, GetRunningConfigRequest, ListFdbRequest, ListRoutesRequest, LookupAction,
    LookupRequest,
};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use tonic::Code;

const ROUTES: u32 = 100_000;
const MACS: u32 = 100_000;

/// The i-th /24 from 11.0.0.0, as "A.B.C".
fn net24(i: u32) -> String {
    let a = 0x0b00_0000 + (i << 8);
    format!("{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255)
}

fn route_line(i: u32) -> String {
    format!("ip route {}.0 255.255.255.0 10.0.0.2", net24(i))
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lisa-scale-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// swcli with `input` on stdin; its stdout, asserting it succeeded.
fn swcli_script(sw: &Lisad, input: &str) -> String {
    let mut cmd = Command::new(common::swcli_path());
    cmd.arg("--socket").arg(&sw.socket);
    let out = run_with_input(&mut cmd, input.as_bytes());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// What the dataplane does with a packet to `addr`.
fn lookup(sw: &Lisad, addr: &str) -> LookupAction {
    let (rt, ch) = sw.grpc();
    rt.block_on(RoutingClient::new(ch).lookup(LookupRequest {
        address: addr.into(),
    }))
    .unwrap()
    .into_inner()
    .action()
}

/// Every route over the API, page by page: (prefixes in order, pages).
fn all_routes(sw: &Lisad, page_size: u32) -> (Vec<String>, usize) {
    let (rt, ch) = sw.grpc();
    let mut client = RoutingClient::new(ch);
    let (mut prefixes, mut pages, mut token) = (Vec::new(), 0, String::new());
    loop {
        let r = rt
            .block_on(client.list_routes(ListRoutesRequest {
                page_size,
                page_token: token,
                ..Default::default()
            }))
            .unwrap()
            .into_inner();
        assert!(r.routes.len() <= page_size as usize);
        pages += 1;
        prefixes.extend(r.routes.into_iter().map(|e| e.prefix));
        if r.next_page_token.is_empty() {
            return (prefixes, pages);
        }
        token = r.next_page_token;
    }
}

/// A prefix "A.B.C.D/LEN" as a sortable key.
fn key(p: &str) -> (u32, u8) {
    let (a, l) = p.split_once('/').unwrap();
    (
        u32::from(a.parse::<std::net::Ipv4Addr>().unwrap()),
        l.parse().unwrap(),
    )
}

/// `show ip route summary` through ntc-templates' TextFSM template, as
/// an automation client reads it: "source=networks/subnets" rows.
fn summary_by_textfsm(text: &str) -> String {
    let script = "import sys, json\nfrom ntc_templates.parse import parse_output\nrows = parse_output(platform='cisco_ios', command='show ip route summary', data=sys.stdin.read())\nprint(' '.join('%s=%s/%s' % (r['route_source'], r['networks'], r['subnets']) for r in rows))";
    let out = run_with_input(
        Command::new("python3").args(["-c", script]),
        text.as_bytes(),
    );
    assert!(
        out.status.success(),
        "TextFSM: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_hundred_thousand_routes_boot_page_save_and_go() {
    let _serial = serial();
    let dir = tempdir("routes");
    let startup = dir.join("startup-config");
    let mut text = String::from(
        "hostname scale\nvlan 10\ninterface Vlan10\n ip address 10.0.0.1 255.255.0.0\n!\n",
    );
    for i in 0..ROUTES {
        text.push_str(&route_line(i));
        text.push('\n');
    }
    std::fs::write(&startup, &text).unwrap();
    let startup_arg = startup.to_str().unwrap();
    let mut sw = Lisad::start(&[("Ethernet1", "null")], &["--startup-config", startup_arg]);

    // Booted: the first and the last route are in the dataplane's table.
    let last = format!("{}.1", net24(ROUTES - 1));
    assert!(wait_until(Duration::from_secs(60), || lookup(&sw, &last)
        == LookupAction::Resolve));
    assert_eq!(lookup(&sw, "11.0.0.1"), LookupAction::Resolve);

    // The summary, as IOS prints it and as TextFSM reads it.
    let summary = sw.show("show ip route summary");
    let parsed = summary_by_textfsm(&summary);
    assert!(
        parsed.starts_with(&format!("connected=0/2 static=0/{ROUTES} internal=")),
        "{parsed}\n{summary}"
    );
    assert!(
        parsed.ends_with(&format!("Total=0/{}", ROUTES + 2)),
        "{parsed}"
    );

    // Pages: every route once, in prefix order; a bad token is refused.
    let (prefixes, pages) = all_routes(&sw, 30_000);
    assert_eq!(prefixes.len(), ROUTES as usize + 2);
    assert_eq!(pages, 4);
    assert!(prefixes.windows(2).all(|w| key(&w[0]) < key(&w[1])));
    let (rt, ch) = sw.grpc();
    let bad = rt.block_on(
        RoutingClient::new(ch.clone()).list_routes(ListRoutesRequest {
            page_token: "not-a-prefix".into(),
            ..Default::default()
        }),
    );
    assert_eq!(bad.unwrap_err().code(), Code::InvalidArgument);
    // Pages stay within a prefix filter.
    let r = rt
        .block_on(
            RoutingClient::new(ch.clone()).list_routes(ListRoutesRequest {
                prefix: "11.0.0.0/16".into(),
                page_size: 100,
                ..Default::default()
            }),
        )
        .unwrap()
        .into_inner();
    assert_eq!(r.routes.len(), 100);
    assert_eq!(r.next_page_token, "11.0.99.0/24");
    let r = rt
        .block_on(
            RoutingClient::new(ch.clone()).list_routes(ListRoutesRequest {
                prefix: "11.0.0.0/16".into(),
                page_size: 1000,
                page_token: r.next_page_token,
                ..Default::default()
            }),
        )
        .unwrap()
        .into_inner();
    assert_eq!(r.routes.len(), 156, "11.0.100.0 .. 11.0.255.0");
    assert!(r.next_page_token.is_empty());

    // swcli prints the whole table as it streams.
    let shown = sw.show("show ip route static | count via");
    assert!(shown.contains(&format!("= {ROUTES}")), "{shown}");

    // The running config streams whole; `write memory` saves every route,
    // and `reload` brings back the same configuration.
    let running = sw.show("show running-config");
    assert_eq!(running.matches("\nip route ").count(), ROUTES as usize);
    let streamed: String = rt.block_on(async {
        let mut s = ConfigClient::new(ch.clone())
            .stream_running_config(GetRunningConfigRequest::default())
            .await
            .unwrap()
            .into_inner();
        let (mut text, mut pieces) = (String::new(), 0);
        while let Some(c) = s.message().await.unwrap() {
            text.push_str(&c.text);
            pieces += 1;
        }
        assert!(pieces > 1, "a 4 MB configuration comes in pieces");
        text
    });
    assert!(
        running.ends_with(&streamed),
        "show running-config is the streamed text"
    );
    sw.show("write memory");
    let saved = std::fs::read_to_string(&startup).unwrap();
    assert_eq!(saved.matches("\nip route ").count(), ROUTES as usize);
    let shown = sw.show("show startup-config | count ip route");
    assert!(shown.contains(&format!("= {ROUTES}\n")), "{shown}");
    sw.show("reload");
    assert_eq!(sw.show("show running-config"), running);

    // Half the table goes in one change, from a swcli script.
    let mut script = String::from("configure terminal\n");
    for i in 0..ROUTES / 2 {
        script.push_str(&format!("no {}\n", route_line(i)));
    }
    script.push_str("end\n");
    swcli_script(&sw, &script);
    assert_eq!(lookup(&sw, "11.0.0.1"), LookupAction::NoRoute);
    assert_eq!(lookup(&sw, &last), LookupAction::Resolve);
    let (prefixes, _) = all_routes(&sw, 100_000);
    assert_eq!(prefixes.len(), (ROUTES - ROUTES / 2) as usize + 2);
    // A change is answered with what changed, not the whole config.
    let config = ConfigClient::new(ch);
    let apply = |text: &str| {
        rt.block_on(
            config
                .clone()
                .apply_config(ApplyConfigRequest { text: text.into() }),
        )
        .unwrap()
        .into_inner()
        .changed
    };
    assert_eq!(apply(&route_line(0)), vec!["routes".to_string()]);
    assert!(
        apply(&route_line(0)).is_empty(),
        "the same again changes nothing"
    );
    sw.stop();
}

/// A broadcast frame from source 02:00:00:00:00:00 + `i`.
fn frame_from(i: u32) -> Vec<u8> {
    let mut f = vec![0xff; 6];
    f.extend([0x02, 0x00]);
    f.extend(i.to_be_bytes());
    f.extend([0x08, 0x00]);
    f.extend([0u8; 46]);
    f
}

#[test]
fn a_hundred_thousand_macs_count_and_page() {
    let _serial = serial();
    let dir = tempdir("macs");
    // Three passes: a station the worker could not learn at once (the
    // table's writer busy aging) is learned on a later frame.
    let frames: Vec<Vec<u8>> = (0..3 * MACS).map(|i| frame_from(1 + i % MACS)).collect();
    let rx = dir.join("in.pcap");
    write_pcap(&rx, &frames);
    let pcap = format!("pcap:{},{}", rx.display(), dir.join("out.pcap").display());
    let sw = Lisad::start(&[("Ethernet1", &pcap), ("Ethernet2", "null")], &[]);
    let want = format!("Dynamic Address Count  : {MACS}\n");
    assert!(
        wait_until(Duration::from_secs(60), || sw
            .show("show mac address-table count")
            .contains(&want)),
        "{}",
        sw.show("show mac address-table count")
    );

    // swcli pages through the whole table as it prints.
    let shown = sw.show("show mac address-table dynamic | count DYNAMIC");
    assert!(shown.contains(&format!("= {MACS}")), "{shown}");

    // Over the API: every entry once, in (VLAN, MAC) order.
    let (rt, ch) = sw.grpc();
    let mut fdb = FdbClient::new(ch);
    let (mut macs, mut token) = (Vec::new(), String::new());
    loop {
        let r = rt
            .block_on(fdb.list_entries(ListFdbRequest {
                page_size: 30_000,
                page_token: token,
                ..Default::default()
            }))
            .unwrap()
            .into_inner();
        assert_eq!(r.dynamic_count, u64::from(MACS));
        macs.extend(r.entries.into_iter().map(|e| e.mac));
        if r.next_page_token.is_empty() {
            break;
        }
        token = r.next_page_token;
    }
    assert_eq!(macs.len(), MACS as usize);
    assert!(macs.windows(2).all(|w| w[0] < w[1]), "in order, once each");
    let distinct: BTreeSet<&String> = macs.iter().collect();
    assert_eq!(distinct.len(), MACS as usize);
    // Counting copies nothing; a filter counts only what it takes.
    let r = rt
        .block_on(fdb.list_entries(ListFdbRequest {
            vlan: 20,
            count_only: true,
            ..Default::default()
        }))
        .unwrap()
        .into_inner();
    assert!(r.entries.is_empty());
    assert_eq!((r.dynamic_count, r.static_count), (0, 0));
    let bad = rt.block_on(fdb.list_entries(ListFdbRequest {
        page_token: "10".into(),
        ..Default::default()
    }));
    assert_eq!(bad.unwrap_err().code(), Code::InvalidArgument);
}
