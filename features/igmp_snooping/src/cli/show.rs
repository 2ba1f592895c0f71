//! EXEC commands of feature `igmp_snooping`, in IOS's layouts (genieparser
//! reads them): `show ip igmp snooping [vlan N]`, `show ip igmp snooping
//! groups [vlan N [A.B.C.D]] [count]`, `show ip igmp snooping mrouter
//! [vlan N]`, `show ip igmp snooping querier [vlan N] [detail]`. The text
//! is made by pure functions of the API's messages.

use crate::model::{IgmpSnoopingConfig, LAST_MEMBER_QUERY_COUNT, ROBUSTNESS};
use lisa_engine::exec::{api_error, ExecCtx, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Args, Node};
use lisa_proto::v1::igmp_snooping_client::IgmpSnoopingClient;
use lisa_proto::v1::{
    GetIgmpSnoopingRequest, GetIgmpSnoopingResponse, IgmpGroup, IgmpGroupType, IgmpMrouter,
    IgmpMrouterKind, IgmpQuerier, IgmpQuerierSettings, IgmpQuerierState, IgmpSnoopingGlobal,
    IgmpSnoopingVlan, ListIgmpGroupsRequest, ListIgmpMroutersRequest, ListIgmpQueriersRequest,
};
use lisa_types::short_interface_name;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::Ipv4Addr;

type Tree = Vec<Node<ExecHandler>>;

/// IOS's TCN flood query count (`ip igmp snooping tcn flood query count`,
/// not configurable here).
const TCN_FLOOD_QUERY_COUNT: u32 = 2;
/// IOS's querier TCN query count (not configurable here).
const TCN_QUERY_COUNT: u32 = 2;
/// IOS's querier TCN query interval, seconds (not configurable here).
const TCN_QUERY_INTERVAL_S: u32 = 10;

/// `vlan N`, then `then` (the VLAN alone ends the line with `h`).
fn vlan_then(help: &'static str, h: ExecHandler, then: Tree) -> Node<ExecHandler> {
    kw(
        "vlan",
        help,
        vec![arg("vlan", ArgKind::VlanId, "Vlan number", then).runs(h)],
    )
}

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let groups = show_groups as ExecHandler;
    let count = || kw("count", "Group count", vec![]).runs(groups);
    let querier = show_querier as ExecHandler;
    let detail = || kw("detail", "Detailed querier information", vec![]).runs(querier);
    let snooping = kw(
        "snooping",
        "Snooping information",
        vec![
            kw(
                "groups",
                "IGMP snooping group membership information",
                vec![
                    count(),
                    vlan_then(
                        "Display groups for a specific vlan",
                        groups,
                        vec![
                            arg("group", ArgKind::Ipv4, "IP group address", vec![count()])
                                .runs(groups),
                            count(),
                        ],
                    ),
                ],
            )
            .runs(groups),
            kw(
                "mrouter",
                "IGMP snooping router port information",
                vec![vlan_then(
                    "Display mrouters for a specific vlan",
                    show_mrouter,
                    vec![],
                )],
            )
            .runs(show_mrouter as ExecHandler),
            kw(
                "querier",
                "IGMP querier information",
                vec![
                    detail(),
                    vlan_then(
                        "Display querier for a specific vlan",
                        querier,
                        vec![detail()],
                    ),
                ],
            )
            .runs(querier),
            vlan_then("VLAN number", show_snooping, vec![]),
        ],
    )
    .runs(show_snooping as ExecHandler);
    vec![kw(
        "show",
        "Show running system information",
        vec![kw(
            "ip",
            "IP information",
            vec![kw("igmp", "IGMP information", vec![snooping])],
        )],
    )]
}

fn client(ctx: &ExecCtx) -> IgmpSnoopingClient<tonic::transport::Channel> {
    IgmpSnoopingClient::new(ctx.channel())
}

/// The VLAN the line names (0: every VLAN).
pub fn vlan(args: &Args) -> Result<u32, String> {
    Ok(args
        .opt::<u32>("vlan")
        .map_err(|e| e.to_string())?
        .unwrap_or(0))
}

/// The request of `show ip igmp snooping groups ...`.
pub fn groups_request(args: &Args) -> Result<ListIgmpGroupsRequest, String> {
    Ok(ListIgmpGroupsRequest {
        vlan: vlan(args)?,
        group: args.text("group").unwrap_or_default().to_string(),
    })
}

exec_handler!(fn show_snooping(ctx, args) {
    let r = client(ctx)
        .get_igmp_snooping(GetIgmpSnoopingRequest { vlan: vlan(args)? })
        .await
        .map_err(api_error)?
        .into_inner();
    Ok(snooping_text(&r))
});

exec_handler!(fn show_groups(ctx, args) {
    let list = client(ctx)
        .list_igmp_groups(groups_request(args)?)
        .await
        .map_err(api_error)?
        .into_inner();
    if args.has("count") {
        return Ok(count_text(list.groups.len()));
    }
    Ok(groups_text(&list.groups))
});

exec_handler!(fn show_mrouter(ctx, args) {
    let list = client(ctx)
        .list_igmp_mrouters(ListIgmpMroutersRequest { vlan: vlan(args)? })
        .await
        .map_err(api_error)?
        .into_inner();
    Ok(mrouter_text(&list.mrouters))
});

exec_handler!(fn show_querier(ctx, args) {
    let vlan = vlan(args)?;
    let list = client(ctx)
        .list_igmp_queriers(ListIgmpQueriersRequest { vlan })
        .await
        .map_err(api_error)?
        .into_inner();
    if !args.has("detail") {
        return Ok(querier_text(&list.queriers));
    }
    // The global querier's settings come with the snooping settings.
    let global = client(ctx)
        .get_igmp_snooping(GetIgmpSnoopingRequest { vlan })
        .await
        .map_err(api_error)?
        .into_inner()
        .global
        .and_then(|g| g.querier)
        .unwrap_or_default();
    let one = (vlan != 0).then_some(vlan);
    Ok(querier_detail_text(&global, &list.queriers, one))
});

/// `Enabled` or `Disabled`.
fn enabled(on: bool) -> &'static str {
    if on {
        "Enabled"
    } else {
        "Disabled"
    }
}

/// `v` unless it is 0 (unset in the message): then `default`.
fn or_default(v: u32, default: u32) -> u32 {
    if v == 0 {
        default
    } else {
        v
    }
}

/// The `Global IGMP Snooping configuration:` block.
fn global_block(out: &mut String, g: &IgmpSnoopingGlobal) {
    out.push_str("Global IGMP Snooping configuration:\n");
    out.push_str("-------------------------------------------\n");
    let rows: [(&str, String); 8] = [
        ("IGMP snooping", enabled(g.enabled).into()),
        // Reports of every version are snooped, by group (no sources).
        ("IGMPv3 snooping", "Enabled".into()),
        ("Report suppression", enabled(g.report_suppression).into()),
        ("TCN solicit query", "Disabled".into()),
        ("TCN flood query count", TCN_FLOOD_QUERY_COUNT.to_string()),
        (
            "Robustness variable",
            or_default(g.robustness, ROBUSTNESS).to_string(),
        ),
        (
            "Last member query count",
            or_default(g.last_member_query_count, LAST_MEMBER_QUERY_COUNT).to_string(),
        ),
        (
            "Last member query interval",
            g.last_member_query_interval_ms.to_string(),
        ),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "{label:<29}: {value}");
    }
}

/// A `Vlan N:` block.
fn vlan_block(out: &mut String, g: &IgmpSnoopingGlobal, v: &IgmpSnoopingVlan) {
    let _ = writeln!(out, "Vlan {}:", v.vlan);
    out.push_str("--------\n");
    let rows: [(&str, String); 7] = [
        ("IGMP snooping", enabled(v.enabled).into()),
        ("IGMPv2 immediate leave", enabled(v.immediate_leave).into()),
        ("Multicast router learning mode", "pim-dvmrp".into()),
        ("CGMP interoperability mode", "IGMP_ONLY".into()),
        (
            "Robustness variable",
            or_default(g.robustness, ROBUSTNESS).to_string(),
        ),
        (
            "Last member query count",
            or_default(g.last_member_query_count, LAST_MEMBER_QUERY_COUNT).to_string(),
        ),
        (
            "Last member query interval",
            v.last_member_query_interval_ms.to_string(),
        ),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "{label:<36}: {value}");
    }
}

/// `show ip igmp snooping [vlan N]`: the global block, then a block per
/// VLAN, a blank line apart. A message without its global settings shows
/// IOS's defaults.
pub fn snooping_text(r: &GetIgmpSnoopingResponse) -> String {
    let g = r
        .global
        .clone()
        .unwrap_or_else(|| IgmpSnoopingConfig::default().global_proto());
    let mut out = String::new();
    global_block(&mut out, &g);
    for v in &r.vlans {
        out.push('\n');
        vlan_block(&mut out, &g, v);
    }
    out
}

/// Ports by short name, joined as IOS lists them: `Et1, Et2`.
fn port_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(short_interface_name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Type column: `igmp` (learned) or `user` (static).
fn group_type(g: &IgmpGroup) -> &'static str {
    match g.r#type() {
        IgmpGroupType::User => "user",
        IgmpGroupType::Igmp | IgmpGroupType::Unspecified => "igmp",
    }
}

/// The groups table's header.
const GROUPS_HEADER: &str = "Vlan      Group                    Type        Version     Port List
-----------------------------------------------------------------------
";

/// `show ip igmp snooping groups ...`: the header, then a row per group
/// (the Version column empty when no report gave one).
pub fn groups_text(groups: &[IgmpGroup]) -> String {
    let mut out = String::from(GROUPS_HEADER);
    for g in groups {
        let version = match g.version {
            0 => String::new(),
            v => format!("v{v}"),
        };
        let ports = port_list(g.ports.iter().map(|p| p.interface.as_str()));
        let row = format!(
            "{:<10}{:<25}{:<12}{:<12}{}",
            g.vlan,
            g.group,
            group_type(g),
            version,
            ports
        );
        let _ = writeln!(out, "{}", row.trim_end());
    }
    out
}

/// `show ip igmp snooping groups ... count`.
pub fn count_text(n: usize) -> String {
    format!("Total number of groups: {n:>5}\n")
}

/// A multicast router port as IOS lists it: `Po47(dynamic)`, `Et4(static)`.
fn mrouter_port(m: &IgmpMrouter) -> String {
    let kind = match m.kind() {
        IgmpMrouterKind::Static => "(static)",
        IgmpMrouterKind::Dynamic => "(dynamic)",
        IgmpMrouterKind::Unspecified => "",
    };
    format!("{}{kind}", short_interface_name(&m.interface))
}

/// `show ip igmp snooping mrouter [vlan N]`: a line per VLAN, in VLAN
/// order, its ports in the message's order.
pub fn mrouter_text(mrouters: &[IgmpMrouter]) -> String {
    let mut by_vlan: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for m in mrouters {
        by_vlan.entry(m.vlan).or_default().push(mrouter_port(m));
    }
    let mut out = String::from("Vlan    ports\n----    -----\n");
    for (vlan, ports) in by_vlan {
        let _ = writeln!(out, "{vlan:>4}    {}", ports.join(", "));
    }
    out
}

/// The querier table's header.
const QUERIER_HEADER: &str = "Vlan      IP Address               IGMP Version  Port
-------------------------------------------------------------
";

/// `v2`, or nothing for an unknown version.
fn version_text(v: u32) -> String {
    if v == 0 {
        String::new()
    } else {
        format!("v{v}")
    }
}

/// The Port column: `Switch` for this switch's querier, else the port's
/// short name.
fn querier_port(q: &IgmpQuerier) -> String {
    if q.this_switch || q.interface.is_empty() {
        "Switch".into()
    } else {
        short_interface_name(&q.interface)
    }
}

/// The queriers with an address known (a VLAN where none was heard or
/// elected is not listed).
fn known(queriers: &[IgmpQuerier]) -> impl Iterator<Item = &IgmpQuerier> {
    queriers.iter().filter(|q| !q.address.is_empty())
}

/// `show ip igmp snooping querier [vlan N]`: the header, then a row per
/// VLAN with a querier.
pub fn querier_text(queriers: &[IgmpQuerier]) -> String {
    let mut out = String::from(QUERIER_HEADER);
    for q in known(queriers) {
        let row = format!(
            "{:<10}{:<25}{:<14}{}",
            q.vlan,
            q.address,
            version_text(q.version),
            querier_port(q)
        );
        let _ = writeln!(out, "{}", row.trim_end());
    }
    out
}

/// The dash line of the querier detail blocks.
const DETAIL_DASHES: &str = "--------------------------------------------------------\n";

/// One `label : value` line of a querier detail block.
fn detail_row(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{label:<31}: {value}");
}

/// A querier's source address as IOS prints it: `0.0.0.0` when unset.
fn source(s: &IgmpQuerierSettings) -> String {
    if s.address.is_empty() {
        Ipv4Addr::UNSPECIFIED.to_string()
    } else {
        s.address.clone()
    }
}

/// The settings rows every querier detail block has.
fn settings_rows(out: &mut String, s: &IgmpQuerierSettings) {
    detail_row(out, "admin state", enabled(s.enabled));
    detail_row(out, "admin version", s.version);
    detail_row(out, "source IP address", source(s));
    detail_row(out, "query-interval (sec)", s.query_interval_s);
    detail_row(out, "max-response-time (sec)", s.max_response_time_s);
    detail_row(out, "querier-timeout (sec)", s.timer_expiry_s);
    detail_row(out, "tcn query count", TCN_QUERY_COUNT);
    detail_row(out, "tcn query interval (sec)", TCN_QUERY_INTERVAL_S);
}

/// The operational state as IOS words it.
fn state_text(q: &IgmpQuerier) -> &'static str {
    match q.state() {
        IgmpQuerierState::Querier => "Querier",
        IgmpQuerierState::NonQuerier => "Non-Querier",
        IgmpQuerierState::Disabled | IgmpQuerierState::Unspecified => "Disabled",
    }
}

/// A `Vlan N:   IGMP switch querier status` block.
fn vlan_querier_block(out: &mut String, q: &IgmpQuerier) {
    let s = q.settings.clone().unwrap_or_default();
    let _ = writeln!(out, "Vlan {}:   IGMP switch querier status", q.vlan);
    out.push_str(DETAIL_DASHES);
    if !q.address.is_empty() {
        if q.this_switch || q.interface.is_empty() {
            let _ = writeln!(
                out,
                "elected querier is {} (this switch querier)",
                q.address
            );
        } else {
            let _ = writeln!(
                out,
                "elected querier is {} on port {}",
                q.address,
                short_interface_name(&q.interface)
            );
        }
        out.push_str(DETAIL_DASHES);
    }
    settings_rows(out, &s);
    detail_row(out, "operational state", state_text(q));
    detail_row(out, "operational version", s.version);
    detail_row(out, "tcn query pending count", 0);
}

/// The summary of one VLAN's querier (`querier vlan N detail`).
fn vlan_summary(out: &mut String, q: &IgmpQuerier) {
    let row = |out: &mut String, label: &str, value: String| {
        let _ = writeln!(out, "{label:<25}: {value}");
    };
    row(out, "IP address", q.address.clone());
    row(out, "IGMP version", version_text(q.version));
    row(out, "Port", querier_port(q));
    if q.this_switch {
        if let Some(s) = &q.settings {
            row(
                out,
                "Max response time",
                format!("{}s", s.max_response_time_s),
            );
        }
    }
    out.push('\n');
}

/// `show ip igmp snooping querier [vlan N] detail`: for every VLAN the
/// table (for one VLAN, `vlan`, its summary), then the global querier's
/// block and a block per VLAN, a blank line apart.
pub fn querier_detail_text(
    global: &IgmpQuerierSettings,
    queriers: &[IgmpQuerier],
    vlan: Option<u32>,
) -> String {
    let mut out = String::new();
    match vlan {
        None => out.push_str(&querier_text(queriers)),
        Some(_) => {
            for q in known(queriers) {
                vlan_summary(&mut out, q);
            }
        }
    }
    out.push('\n');
    out.push_str("Global IGMP switch querier status\n");
    out.push_str(DETAIL_DASHES);
    settings_rows(&mut out, global);
    for q in queriers {
        out.push('\n');
        vlan_querier_block(&mut out, q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lisa_proto::v1::IgmpGroupPort;

    fn group(vlan: u32, g: &str, ty: IgmpGroupType, version: u32, ports: &[&str]) -> IgmpGroup {
        IgmpGroup {
            vlan,
            group: g.into(),
            r#type: ty as i32,
            version,
            ports: ports
                .iter()
                .map(|p| IgmpGroupPort {
                    interface: (*p).into(),
                    ..Default::default()
                })
                .collect(),
        }
    }

    #[test]
    fn groups_in_ios_layout() {
        let groups = [
            group(
                10,
                "224.0.1.40",
                IgmpGroupType::Igmp,
                2,
                &["TwoGigabitEthernet1/0/25"],
            ),
            group(
                10,
                "225.1.1.1",
                IgmpGroupType::Igmp,
                2,
                &["TwoGigabitEthernet1/0/4", "TwoGigabitEthernet1/0/25"],
            ),
            group(
                20,
                "239.1.1.1",
                IgmpGroupType::Igmp,
                3,
                &["Ethernet2", "Port-channel1"],
            ),
            group(20, "239.9.9.9", IgmpGroupType::User, 0, &["Ethernet3"]),
            group(4094, "239.1.2.3", IgmpGroupType::Igmp, 1, &["Ethernet1"]),
        ];
        assert_eq!(
            groups_text(&groups),
            "Vlan      Group                    Type        Version     Port List
-----------------------------------------------------------------------
10        224.0.1.40               igmp        v2          Tw1/0/25
10        225.1.1.1                igmp        v2          Tw1/0/4, Tw1/0/25
20        239.1.1.1                igmp        v3          Et2, Po1
20        239.9.9.9                user                    Et3
4094      239.1.2.3                igmp        v1          Et1
"
        );
        assert_eq!(groups_text(&[]), GROUPS_HEADER);
        assert_eq!(count_text(831), "Total number of groups:   831\n");
        assert_eq!(count_text(0), "Total number of groups:     0\n");
    }

    fn mrouter(vlan: u32, name: &str, kind: IgmpMrouterKind) -> IgmpMrouter {
        IgmpMrouter {
            vlan,
            interface: name.into(),
            kind: kind as i32,
            expires_s: 0,
        }
    }

    #[test]
    fn mrouters_in_ios_layout() {
        let list = [
            mrouter(637, "Port-channel47", IgmpMrouterKind::Dynamic),
            mrouter(10, "Ethernet4", IgmpMrouterKind::Static),
            mrouter(637, "Ethernet4", IgmpMrouterKind::Static),
            mrouter(1000, "Ethernet1", IgmpMrouterKind::Dynamic),
        ];
        assert_eq!(
            mrouter_text(&list),
            "Vlan    ports
----    -----
  10    Et4(static)
 637    Po47(dynamic), Et4(static)
1000    Et1(dynamic)
"
        );
        assert_eq!(mrouter_text(&[]), "Vlan    ports\n----    -----\n");
    }

    fn settings(enabled: bool, address: &str) -> IgmpQuerierSettings {
        IgmpQuerierSettings {
            enabled,
            address: address.into(),
            query_interval_s: 60,
            max_response_time_s: 10,
            timer_expiry_s: 120,
            version: 2,
        }
    }

    fn querier(
        vlan: u32,
        address: &str,
        interface: &str,
        state: IgmpQuerierState,
        s: IgmpQuerierSettings,
    ) -> IgmpQuerier {
        IgmpQuerier {
            vlan,
            address: address.into(),
            version: if address.is_empty() { 0 } else { 2 },
            interface: interface.into(),
            this_switch: state == IgmpQuerierState::Querier,
            state: state as i32,
            settings: Some(s),
            expires_s: 0,
        }
    }

    fn queriers() -> Vec<IgmpQuerier> {
        vec![
            querier(
                1,
                "193.1.1.1",
                "",
                IgmpQuerierState::Querier,
                settings(true, "193.1.1.1"),
            ),
            querier(
                10,
                "192.1.1.1",
                "FourHundredGigE1/0/31",
                IgmpQuerierState::NonQuerier,
                settings(true, "192.1.1.9"),
            ),
            querier(20, "", "", IgmpQuerierState::Disabled, settings(false, "")),
        ]
    }

    #[test]
    fn queriers_in_ios_layout() {
        let mut list = queriers();
        list[1].interface = "Ethernet31".into();
        assert_eq!(
            querier_text(&list),
            "Vlan      IP Address               IGMP Version  Port
-------------------------------------------------------------
1         193.1.1.1                v2            Switch
10        192.1.1.1                v2            Et31
"
        );
        assert_eq!(querier_text(&[]), QUERIER_HEADER);
    }

    const GLOBAL_BLOCK: &str = "Global IGMP switch querier status
--------------------------------------------------------
admin state                    : Enabled
admin version                  : 2
source IP address              : 0.0.0.0
query-interval (sec)           : 60
max-response-time (sec)        : 10
querier-timeout (sec)          : 120
tcn query count                : 2
tcn query interval (sec)       : 10
";

    #[test]
    fn querier_detail_in_ios_layout() {
        let list = queriers();
        let text = querier_detail_text(&settings(true, ""), &list, None);
        let expected = format!(
            "Vlan      IP Address               IGMP Version  Port
-------------------------------------------------------------
1         193.1.1.1                v2            Switch
10        192.1.1.1                v2            FourHundredGigE1/0/31

{GLOBAL_BLOCK}
Vlan 1:   IGMP switch querier status
--------------------------------------------------------
elected querier is 193.1.1.1 (this switch querier)
--------------------------------------------------------
admin state                    : Enabled
admin version                  : 2
source IP address              : 193.1.1.1
query-interval (sec)           : 60
max-response-time (sec)        : 10
querier-timeout (sec)          : 120
tcn query count                : 2
tcn query interval (sec)       : 10
operational state              : Querier
operational version            : 2
tcn query pending count        : 0

Vlan 10:   IGMP switch querier status
--------------------------------------------------------
elected querier is 192.1.1.1 on port FourHundredGigE1/0/31
--------------------------------------------------------
admin state                    : Enabled
admin version                  : 2
source IP address              : 192.1.1.9
query-interval (sec)           : 60
max-response-time (sec)        : 10
querier-timeout (sec)          : 120
tcn query count                : 2
tcn query interval (sec)       : 10
operational state              : Non-Querier
operational version            : 2
tcn query pending count        : 0

Vlan 20:   IGMP switch querier status
--------------------------------------------------------
admin state                    : Disabled
admin version                  : 2
source IP address              : 0.0.0.0
query-interval (sec)           : 60
max-response-time (sec)        : 10
querier-timeout (sec)          : 120
tcn query count                : 2
tcn query interval (sec)       : 10
operational state              : Disabled
operational version            : 2
tcn query pending count        : 0
"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn one_vlans_querier_detail_starts_with_its_summary() {
        let list = queriers();
        let text = querier_detail_text(&settings(true, ""), &list[..1], Some(1));
        assert!(
            text.starts_with(&format!(
                "IP address               : 193.1.1.1
IGMP version             : v2
Port                     : Switch
Max response time        : 10s


{GLOBAL_BLOCK}
Vlan 1:   IGMP switch querier status
"
            )),
            "{text}"
        );
        let mut other = list[1].clone();
        other.interface = "Ethernet4".into();
        let text = querier_detail_text(&settings(false, ""), &[other], Some(10));
        assert!(
            text.starts_with(
                "IP address               : 192.1.1.1
IGMP version             : v2
Port                     : Et4


Global IGMP switch querier status
"
            ),
            "{text}"
        );
        assert!(text.contains("elected querier is 192.1.1.1 on port Et4\n"));
    }

    #[test]
    fn snooping_in_ios_layout() {
        let mut s = IgmpSnoopingConfig::default();
        s.edit_vlan(10, |v| {
            v.immediate_leave = true;
            v.last_member_query_interval_ms = Some(500);
        });
        s.disabled_vlans.insert(20);
        let r = GetIgmpSnoopingResponse {
            global: Some(s.global_proto()),
            vlans: vec![s.vlan_proto(10), s.vlan_proto(20)],
            stats: None,
        };
        assert_eq!(
            snooping_text(&r),
            "Global IGMP Snooping configuration:
-------------------------------------------
IGMP snooping                : Enabled
IGMPv3 snooping              : Enabled
Report suppression           : Enabled
TCN solicit query            : Disabled
TCN flood query count        : 2
Robustness variable          : 2
Last member query count      : 2
Last member query interval   : 1000

Vlan 10:
--------
IGMP snooping                       : Enabled
IGMPv2 immediate leave              : Enabled
Multicast router learning mode      : pim-dvmrp
CGMP interoperability mode          : IGMP_ONLY
Robustness variable                 : 2
Last member query count             : 2
Last member query interval          : 500

Vlan 20:
--------
IGMP snooping                       : Disabled
IGMPv2 immediate leave              : Disabled
Multicast router learning mode      : pim-dvmrp
CGMP interoperability mode          : IGMP_ONLY
Robustness variable                 : 2
Last member query count             : 2
Last member query interval          : 1000
"
        );
    }

    #[test]
    fn snooping_without_settings_shows_the_defaults() {
        let mut s = IgmpSnoopingConfig {
            enabled: false,
            report_suppression: false,
            ..Default::default()
        };
        s.last_member_query_interval_ms = 300;
        let text = snooping_text(&GetIgmpSnoopingResponse {
            global: Some(s.global_proto()),
            ..Default::default()
        });
        assert!(text.contains("IGMP snooping                : Disabled\n"));
        assert!(text.contains("Report suppression           : Disabled\n"));
        assert!(text.ends_with("Last member query interval   : 300\n"));
        let text = snooping_text(&GetIgmpSnoopingResponse::default());
        assert!(text.contains("IGMP snooping                : Enabled\n"));
        assert!(text.ends_with("Last member query interval   : 1000\n"));
    }
}
