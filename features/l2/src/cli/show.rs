//! EXEC commands of feature `l2`: `show mac address-table` with IOS's
//! filters, `clear mac address-table dynamic`, `show interfaces trunk`,
//! `show interfaces [X] switchport`.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Args, Node};
use lisa_proto::v1::{FdbEntryType, FlushFdbRequest, ListFdbRequest, SwitchportMode};
use lisa_types::{MacAddr, VlanSet};
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let table = |children, h: Option<ExecHandler>| {
        let n = kw("address-table", "MAC forwarding table", children);
        let n = match h {
            Some(h) => n.runs(h),
            None => n,
        };
        kw("mac", "MAC configuration", vec![n])
    };
    let mut filters = mac_filters(0);
    filters.push(kw("count", "Count keyword", vec![]).runs(show_mac as ExecHandler));
    vec![
        kw(
            "clear",
            "Reset functions",
            vec![table(
                vec![kw(
                    "dynamic",
                    "dynamic entry type",
                    vec![
                        kw(
                            "vlan",
                            "VLAN keyword",
                            vec![arg("vlan", ArgKind::VlanId, "VLAN id", vec![])
                                .runs(clear_mac as ExecHandler)],
                        ),
                        kw(
                            "interface",
                            "interface keyword",
                            vec![
                                arg("interface", ArgKind::Interface, "Interface name", vec![])
                                    .runs(clear_mac as ExecHandler),
                            ],
                        ),
                    ],
                )
                .runs(clear_mac as ExecHandler)],
                None,
            )],
        ),
        kw(
            "show",
            "Show running system information",
            vec![
                kw(
                    "interfaces",
                    "Interface status and configuration",
                    vec![
                        kw("trunk", "Show interface trunk information", vec![])
                            .runs(show_interfaces_trunk as ExecHandler),
                        kw(
                            "switchport",
                            "Show interface switchport information",
                            vec![],
                        )
                        .runs(show_interfaces_switchport as ExecHandler),
                        arg(
                            "interface",
                            ArgKind::Interface,
                            "Interface name",
                            vec![kw(
                                "switchport",
                                "Show interface switchport information",
                                vec![],
                            )
                            .runs(show_interfaces_switchport as ExecHandler)],
                        ),
                    ],
                ),
                table(filters, Some(show_mac as ExecHandler)),
            ],
        ),
    ]
}

/// The filters of `show mac address-table`, in IOS's order, each optional:
/// `[dynamic|static] [address H.H.H] [interface X] [vlan N]`. `from` is
/// the first filter still allowed.
fn mac_filters(from: usize) -> Tree {
    let h = show_mac as ExecHandler;
    let mut t = Vec::new();
    if from == 0 {
        t.push(kw("dynamic", "dynamic entry type", mac_filters(1)).runs(h));
        t.push(kw("static", "static entry type", mac_filters(1)).runs(h));
    }
    if from <= 1 {
        t.push(kw(
            "address",
            "address keyword",
            vec![arg("mac", ArgKind::Mac, "48 bit mac address", mac_filters(2)).runs(h)],
        ));
    }
    if from <= 2 {
        t.push(kw(
            "interface",
            "interface keyword",
            vec![arg(
                "interface",
                ArgKind::Interface,
                "Interface name",
                mac_filters(3),
            )
            .runs(h)],
        ));
    }
    if from <= 3 {
        t.push(kw(
            "vlan",
            "VLAN keyword",
            vec![arg("vlan", ArgKind::VlanId, "VLAN id", vec![]).runs(h)],
        ));
    }
    t
}

/// The entry type a line asks for, if any.
fn kind(args: &Args) -> Option<FdbEntryType> {
    if args.has("dynamic") {
        Some(FdbEntryType::Dynamic)
    } else if args.has("static") {
        Some(FdbEntryType::Static)
    } else {
        None
    }
}

/// Entries asked for at a time: a page of about 2 MB.
const PAGE: u32 = 50_000;

exec_handler!(fn show_mac(ctx, args) {
    let vlan = args.opt::<u32>("vlan").map_err(|e| e.to_string())?.unwrap_or(0);
    let port = args.text("interface").unwrap_or_default().to_string();
    if args.has("count") {
        // Counted by lisad: nothing of the table travels.
        let r = ctx
            .fdb()
            .list_entries(ListFdbRequest { vlan, port, count_only: true, ..Default::default() })
            .await
            .map_err(api_error)?
            .into_inner();
        return Ok(format!(
            "\nMac Entries for all vlans :\n---------------------------\nDynamic Address Count  : {}\nStatic  Address Count  : {}\nTotal Mac Addresses    : {}\n\nTotal Mac Address Space Available: {}\n",
            r.dynamic_count,
            r.static_count,
            r.dynamic_count + r.static_count,
            r.limit.saturating_sub(r.total)
        ));
    }
    let wanted: Option<MacAddr> = args.opt("mac").map_err(|e| e.to_string())?;
    let kind = kind(args);
    let mut held = String::new();
    ctx.print(&mut held, "          Mac Address Table\n-------------------------------------------\n\nVlan    Mac Address       Type        Ports\n----    -----------       --------    -----\n");
    // Page by page, each printed as it comes.
    let mut shown = 0usize;
    let mut token = String::new();
    loop {
        let req = ListFdbRequest {
            vlan,
            port: port.clone(),
            page_size: PAGE,
            page_token: std::mem::take(&mut token),
            count_only: false,
        };
        let r = ctx.fdb().list_entries(req).await.map_err(api_error)?.into_inner();
        let mut out = String::new();
        for e in r
            .entries
            .iter()
            .filter(|e| kind.is_none_or(|k| e.r#type() == k))
            .filter(|e| wanted.is_none_or(|w| e.mac.parse::<MacAddr>() == Ok(w)))
        {
            let mac: MacAddr = e
                .mac
                .parse()
                .map_err(|_| format!("bad MAC address from lisad: {}", e.mac))?;
            let _ = writeln!(
                out,
                "{:>4}    {}    {:<8}    {}",
                e.vlan,
                mac.to_cisco(),
                if e.r#type() == FdbEntryType::Static { "STATIC" } else { "DYNAMIC" },
                e.port
            );
            shown += 1;
        }
        ctx.print(&mut held, &out);
        if r.next_page_token.is_empty() {
            break;
        }
        token = r.next_page_token;
    }
    let _ = writeln!(held, "Total Mac Addresses for this criterion: {shown}");
    Ok(held)
});

exec_handler!(fn clear_mac(ctx, args) {
    ctx.fdb()
        .flush(FlushFdbRequest {
            vlan: args.opt::<u32>("vlan").map_err(|e| e.to_string())?.unwrap_or(0),
            port: args.text("interface").unwrap_or_default().to_string(),
        })
        .await
        .map_err(api_error)?;
    Ok(String::new())
});

exec_handler!(fn show_interfaces_trunk(ctx, args) {
    let cfg = ctx.running_typed(&["interfaces", "vlans"]).await?;
    let ports = ctx.port_list().await?;
    let trunks: Vec<_> = cfg
        .interfaces
        .iter()
        .filter(|i| i.mode == SwitchportMode::Trunk as i32)
        .filter(|i| ports.iter().any(|p| p.name == i.name))
        .collect();
    let existing: VlanSet = cfg.vlans.iter().map(|v| v.id as u16).collect();
    // IOS's columns: 12, 17, 15 and 14 wide.
    let mut out = format!(
        "\n{:<11} {:<16} {:<14} {:<13} {}\n",
        "Port", "Mode", "Encapsulation", "Status", "Native vlan"
    );
    for i in &trunks {
        let up = ports.iter().any(|p| p.name == i.name && p.admin_up && p.link_up);
        let status = if up { "trunking" } else { "not-trunking" };
        let _ = writeln!(
            out,
            "{:<11} {:<16} {:<14} {:<13} {}",
            i.name, "on", "802.1q", status, i.native_vlan
        );
    }
    let _ = writeln!(out, "\n{:<11} Vlans allowed on trunk", "Port");
    for i in &trunks {
        let _ = writeln!(out, "{:<11} {}", i.name, i.allowed_vlans);
    }
    let active: Vec<(&str, VlanSet)> = trunks
        .iter()
        .map(|i| {
            let allowed: VlanSet = i.allowed_vlans.parse().unwrap_or_else(|_| VlanSet::none());
            (i.name.as_str(), allowed.intersection(&existing))
        })
        .collect();
    // No spanning tree blocks a VLAN yet: every active one forwards.
    for title in [
        "Vlans allowed and active in management domain",
        "Vlans in spanning tree forwarding state and not pruned",
    ] {
        let _ = writeln!(out, "\n{:<11} {title}", "Port");
        for (name, vlans) in &active {
            let _ = writeln!(out, "{name:<11} {vlans}");
        }
    }
    Ok(out)
});

/// A VLAN with its name in brackets, as `show interfaces switchport`
/// writes it: `10 (users)`.
fn vlan_named(id: u32, vlans: &[lisa_proto::v1::Vlan]) -> String {
    match vlans.iter().find(|v| v.id == id) {
        Some(v) => format!("{id} ({})", v.name),
        None => format!("{id} (Inactive)"),
    }
}

/// One port of `show interfaces switchport`, in IOS's lines (those
/// ntc-templates' template reads).
pub fn switchport_block(
    i: &lisa_proto::v1::InterfaceSettings,
    up: bool,
    vlans: &[lisa_proto::v1::Vlan],
    tag_native: bool,
) -> String {
    let trunk = i.mode == SwitchportMode::Trunk as i32;
    let admin = if trunk { "trunk" } else { "static access" };
    let operational = match (up, trunk) {
        (false, _) => "down",
        (true, true) => "trunk",
        (true, false) => "static access",
    };
    let allowed: VlanSet = i.allowed_vlans.parse().unwrap_or_else(|_| VlanSet::none());
    let enabled = if allowed == VlanSet::all() {
        "ALL".to_string()
    } else if allowed.is_empty() {
        "NONE".to_string()
    } else {
        allowed.to_string()
    };
    let mut out = String::new();
    let _ = writeln!(out, "Name: {}", i.name);
    out.push_str("Switchport: Enabled\n");
    let _ = writeln!(out, "Administrative Mode: {admin}");
    let _ = writeln!(out, "Operational Mode: {operational}");
    out.push_str("Administrative Trunking Encapsulation: dot1q\n");
    let _ = writeln!(
        out,
        "Operational Trunking Encapsulation: {}",
        if trunk && up { "dot1q" } else { "native" }
    );
    out.push_str("Negotiation of Trunking: Off\n");
    let _ = writeln!(
        out,
        "Access Mode VLAN: {}",
        vlan_named(i.access_vlan, vlans)
    );
    let _ = writeln!(
        out,
        "Trunking Native Mode VLAN: {}",
        vlan_named(i.native_vlan, vlans)
    );
    let _ = writeln!(
        out,
        "Administrative Native VLAN tagging: {}",
        if tag_native { "enabled" } else { "disabled" }
    );
    out.push_str("Voice VLAN: none\n");
    let _ = writeln!(out, "Trunking VLANs Enabled: {enabled}");
    out.push_str("Pruning VLANs Enabled: NONE\n");
    out.push_str("Capture Mode Disabled\nCapture VLANs Allowed: ALL\n\n");
    out.push_str("Protected: false\nUnknown unicast blocked: disabled\nUnknown multicast blocked: disabled\nAppliance trust: none\n");
    out
}

exec_handler!(fn show_interfaces_switchport(ctx, args) {
    let only = ctx.resolve_arg(args, "interface").await?;
    let cfg = ctx.running_typed(&["interfaces", "vlans", "vlan_dot1q_tag_native"]).await?;
    let ports = ctx.port_list().await?;
    let mut blocks = Vec::new();
    for p in ports.iter().filter(|p| only.as_deref().is_none_or(|o| o == p.name)) {
        let Some(i) = cfg.interfaces.iter().find(|i| i.name == p.name) else {
            continue;
        };
        blocks.push(switchport_block(
            i,
            p.admin_up && p.link_up,
            &cfg.vlans,
            cfg.vlan_dot1q_tag_native,
        ));
    }
    if let (Some(name), true) = (&only, blocks.is_empty()) {
        return Err(format!("Interface {name} is not a switch port"));
    }
    Ok(blocks.join("\n"))
});
