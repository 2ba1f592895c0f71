//! gRPC requests as `lisad` receives them: the first byte picks a request
//! message of `lisa.v1`, the rest is decoded with prost, then given to
//! what the daemon runs on it without a dataplane: `ApplyConfig`'s text
//! to the registry (`Registry::apply_text`, as `Running::apply_text`),
//! `GetRunningConfigTyped`'s field names to the features' typed views
//! (`Registry::typed`), page sizes to `controlplane::grpc::page_size`,
//! and `AddPort`'s fields to the checks `add_port` makes. (The other
//! handlers' validation lives in the daemon crates' private `api`
//! modules, out of a harness's reach.)
//!
//! Properties: nothing panics; a decoded message encodes to bytes that
//! decode to the same message; an applied text round-trips as in
//! `ios_config`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use controlplane::grpc::Refusal;
use lisa_engine::{Config, Fields};
use lisa_ipv4_daemon::edits as ipv4;
use lisa_l2_daemon::edits as l2;
use lisa_mirror_daemon::edits as mirror;
use lisa_vlan_daemon::edits as vlan;
use lisa_proto::v1::*;
use prost::Message;
use std::sync::OnceLock;

/// Decodes `bytes` as an `M`; if it decodes, checks the re-encoding and
/// hands the message to `then`.
fn decode<M: Message + Default + PartialEq + std::fmt::Debug>(bytes: &[u8], then: impl FnOnce(M)) {
    let Ok(m) = M::decode(bytes) else {
        return;
    };
    let again = m.encode_to_vec();
    match M::decode(again.as_slice()) {
        Ok(back) => assert!(back == m, "prost re-encoding changed the message: {m:?}"),
        Err(e) => panic!("prost re-encoding does not decode: {e}: {m:?}"),
    }
    then(m);
}

/// A decoded message the daemon does nothing with before it reaches the
/// dataplane: decoding and re-encoding is all there is to check.
fn ignore<M>(_: M) {}

/// A configuration with something of every feature, for the typed views.
fn rich() -> &'static Config {
    static RICH: OnceLock<Config> = OnceLock::new();
    RICH.get_or_init(|| {
        let text = "hostname fuzz\nvlan 10,20\ninterface Ethernet1\n switchport access vlan 10\n\
                    interface Ethernet2\n switchport mode trunk\n switchport trunk allowed vlan 1,10,20\n\
                    interface Vlan10\n ip address 10.0.0.1 255.255.255.0\n\
                    ip route 10.1.0.0 255.255.0.0 10.0.0.2\n\
                    arp 10.0.0.9 0200.0000.0009 arpa\n\
                    mac address-table static 0200.0000.0001 vlan 10 interface Ethernet1\n\
                    monitor session 1 source interface Ethernet1\n\
                    monitor session 1 destination interface Ethernet3\n";
        lisa_fuzz::registry()
            .apply_text(lisa_fuzz::base(), text)
            .unwrap_or_else(|e| panic!("the harness's own config does not apply: {e}"))
    })
}

/// Runs a typed request's edit on a copy of `rich()`; if it is taken and
/// the rules pass (what the commit would keep), the result must round-trip
/// through the IOS text.
fn edited<T, M: std::fmt::Debug>(m: &M, edit: impl FnOnce(&mut Config) -> Result<T, Refusal>) {
    let reg = lisa_fuzz::registry();
    let before = rich();
    let mut cfg = before.clone();
    if edit(&mut cfg).is_ok() && reg.validate(before, &cfg).is_ok() {
        lisa_fuzz::check_round_trip(reg, lisa_fuzz::base(), &cfg, &format!("{m:?}"));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let reg = lisa_fuzz::registry();
    let base = lisa_fuzz::base();
    match which % 42 {
        0 => decode(bytes, |r: ApplyConfigRequest| {
            if let Ok(cfg) = reg.apply_text(base, &r.text) {
                lisa_fuzz::check_round_trip(reg, base, &cfg, &r.text);
            }
        }),
        1 => decode(bytes, |r: GetRunningConfigRequest| {
            let wanted = Fields::new(r.fields);
            let _ = reg.typed(rich(), &wanted);
            let _ = reg.typed(base, &wanted);
        }),
        2 => decode(bytes, |r: AddPortRequest| {
            // `PortsService::add_port`'s checks, in its order.
            if lisa_types::check_port_name(&r.name).is_err() {
                return;
            }
            if lisa_types::check_text(&r.description).is_err() {
                return;
            }
            let _ = r.kind.parse::<dataplane::PortKind>();
        }),
        3 => decode(bytes, |r: ListFdbRequest| {
            let n = controlplane::grpc::page_size(r.page_size);
            assert!((1..=controlplane::grpc::MAX_PAGE).contains(&n));
        }),
        4 => decode(bytes, |r: ListRoutesRequest| {
            let n = controlplane::grpc::page_size(r.page_size);
            assert!((1..=controlplane::grpc::MAX_PAGE).contains(&n));
        }),
        5 => decode(bytes, |r: SetInterfaceRequest| edited(&r, |c| l2::set_interface(c, &r))),
        6 => decode(bytes, ignore::<GetInterfaceRequest>),
        7 => decode(bytes, |r: CreateVlanRequest| edited(&r, |c| vlan::create_vlan(c, &r))),
        8 => decode(bytes, |r: DeleteVlanRequest| edited(&r, |c| vlan::delete_vlan(reg, c, &r))),
        9 => decode(bytes, ignore::<ListVlansRequest>),
        10 => decode(bytes, |r: SetSviRequest| edited(&r, |c| ipv4::set_svi(c, &r))),
        11 => decode(bytes, |r: DeleteSviRequest| edited(&r, |c| ipv4::delete_svi(reg, c, &r))),
        12 => decode(bytes, |r: Route| {
            if let Ok(add) = ipv4::route_of(&r) {
                edited(&r, |c| ipv4::change_routes(c, &[add], &[], true));
            }
            if let Ok(rm) = ipv4::route_to_remove(&r) {
                edited(&r, |c| ipv4::change_routes(c, &[], &[rm], true));
            }
        }),
        13 => decode(bytes, |r: RouteBatch| {
            let (mut add, mut remove, mut n) = (Vec::new(), Vec::new(), 0);
            if ipv4::batch_routes(&r, &mut n, &mut add, &mut remove).is_ok() {
                edited(&r, |c| ipv4::change_routes(c, &add, &remove, false));
            }
        }),
        14 => decode(bytes, ignore::<LookupRequest>),
        15 => decode(bytes, |r: StaticArp| {
            edited(&r, |c| ipv4::add_static_arp(c, &r));
            edited(&r, |c| ipv4::remove_static_arp(c, &r));
        }),
        16 => decode(bytes, ignore::<ClearArpRequest>),
        17 => decode(bytes, ignore::<ListArpRequest>),
        18 => decode(bytes, ignore::<ListSvisRequest>),
        19 => decode(bytes, ignore::<GetRouteSummaryRequest>),
        20 => decode(bytes, |r: MonitorSession| edited(&r, |c| mirror::set_monitor_session(c, &r))),
        21 => decode(bytes, |r: DeleteMonitorSessionRequest| edited(&r, |c| mirror::delete_monitor_session(c, &r))),
        22 => decode(bytes, ignore::<ListMonitorSessionsRequest>),
        23 => decode(bytes, |r: FdbStaticRequest| {
            edited(&r, |c| l2::add_static(c, &r));
            edited(&r, |c| l2::remove_static(c, &r));
        }),
        24 => decode(bytes, ignore::<FlushFdbRequest>),
        25 => decode(bytes, ignore::<RemovePortRequest>),
        26 => decode(bytes, ignore::<ListPortsRequest>),
        27 => decode(bytes, ignore::<SetIdleSleepRequest>),
        28 => decode(bytes, ignore::<GetStartupConfigRequest>),
        29 => decode(bytes, ignore::<SaveConfigRequest>),
        30 => decode(bytes, ignore::<ReloadRequest>),
        31 => decode(bytes, ignore::<GetStartupErrorsRequest>),
        32 => decode(bytes, ignore::<GetVersionRequest>),
        33 => decode(bytes, ignore::<GetDropCountersRequest>),
        34 => decode(bytes, ignore::<ClearCountersRequest>),
        35 => decode(bytes, ignore::<GetWorkerCountersRequest>),
        36 => decode(bytes, ignore::<WatchRequest>),
        37 => decode(bytes, ignore::<GetDataplanePerformanceRequest>),
        38 => decode(bytes, ignore::<ClearDataplanePerformanceRequest>),
        39 => decode(bytes, ignore::<GetBufferPoolsRequest>),
        40 => decode(bytes, ignore::<ConfigSessionRequest>),
        _ => decode(bytes, ignore::<CheckEnableRequest>),
    }
});
