//! EXEC commands of feature `ipv4`: `show ip interface brief`, `show ip
//! route [connected | static | A.B.C.D]`, `show ip arp`, `clear arp-cache`.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::{
    ArpState, ClearArpRequest, ListArpRequest, ListRoutesRequest, ListSvisRequest, LookupAction,
    LookupRequest, RouteType,
};
use lisa_types::MacAddr;
use std::fmt::Write;
use std::net::Ipv4Addr;

/// The EXEC commands.
pub fn exec_commands() -> Vec<Node<ExecHandler>> {
    vec![
        kw(
            "clear",
            "Reset functions",
            vec![kw("arp-cache", "Clear the entire ARP cache", vec![])
                .runs(clear_arp as ExecHandler)],
        ),
        kw(
            "show",
            "Show running system information",
            vec![kw(
                "ip",
                "IP information",
                vec![
                    kw("arp", "IP ARP table", vec![]).runs(show_ip_arp as ExecHandler),
                    kw(
                        "interface",
                        "IP interface status and configuration",
                        vec![kw(
                            "brief",
                            "Brief summary of IP status and configuration",
                            vec![],
                        )
                        .runs(show_ip_interface_brief as ExecHandler)],
                    )
                    .runs(show_ip_interface_brief as ExecHandler),
                    kw(
                        "route",
                        "IP routing table",
                        vec![
                            arg(
                                "address",
                                ArgKind::Ipv4,
                                "Network to display information about or host",
                                vec![],
                            )
                            .runs(show_ip_route_address as ExecHandler),
                            kw("connected", "Connected networks", vec![])
                                .runs(show_ip_route as ExecHandler),
                            kw("static", "Static routes", vec![])
                                .runs(show_ip_route as ExecHandler),
                        ],
                    )
                    .runs(show_ip_route as ExecHandler),
                ],
            )],
        ),
    ]
}

/// A MAC address from the API in IOS's dotted form (as given if it is none).
fn cisco(mac: &str) -> String {
    mac.parse::<MacAddr>()
        .map(|m| m.to_cisco())
        .unwrap_or_else(|_| mac.to_string())
}

/// IOS's (status, protocol) columns.
fn status(admin_up: bool, up: bool) -> (&'static str, &'static str) {
    match (admin_up, up) {
        (false, _) => ("administratively down", "down"),
        (true, true) => ("up", "up"),
        (true, false) => ("down", "down"),
    }
}

exec_handler!(fn show_ip_interface_brief(ctx, args) {
    let ports = ctx.port_list().await?;
    let svis = ctx.routing().list_svis(ListSvisRequest {}).await.map_err(api_error)?.into_inner().svis;
    let mut out = format!(
        "{:<22} {:<15} OK? Method Status                Protocol\n",
        "Interface", "IP-Address"
    );
    for p in ports {
        let (status, proto) = status(p.admin_up, p.link_up);
        let _ = writeln!(out, "{:<22} {:<15} YES unset  {:<21} {}", p.name, "unassigned", status, proto);
    }
    for s in svis {
        let addr = s.address.split('/').next().unwrap_or("").to_string();
        let (addr, method) = if addr.is_empty() {
            ("unassigned".to_string(), "unset ")
        } else {
            (addr, "manual")
        };
        let (status, proto) = status(!s.shutdown, s.up);
        let _ = writeln!(
            out,
            "{:<22} {:<15} YES {method} {:<21} {}",
            format!("Vlan{}", s.vlan),
            addr,
            status,
            proto
        );
    }
    Ok(out)
});

exec_handler!(fn show_ip_route(ctx, args) {
    let (connected, statics) = (!args.has("static"), !args.has("connected"));
    let resp = ctx
        .routing()
        .list_routes(ListRoutesRequest { prefix: String::new(), limit: 0 })
        .await
        .map_err(api_error)?
        .into_inner();
    let mut out = String::from("Codes: L - local, C - connected, S - static\n\n");
    let default = resp
        .routes
        .iter()
        .find(|r| r.prefix == "0.0.0.0/0" && r.r#type() == RouteType::Static && r.active);
    match default {
        Some(d) => {
            let _ = writeln!(out, "Gateway of last resort is {} to network 0.0.0.0\n", d.gateway);
        }
        None => out.push_str("Gateway of last resort is not set\n\n"),
    }
    for r in &resp.routes {
        let line = match r.r#type() {
            RouteType::Connected if connected => format!("C        {} is directly connected, Vlan{}", r.prefix, r.vlan),
            RouteType::Local if connected => format!("L        {} is directly connected, Vlan{}", r.prefix, r.vlan),
            RouteType::Static if r.active && statics => format!("S        {} [1/0] via {}", r.prefix, r.gateway),
            _ => continue,
        };
        let _ = writeln!(out, "{line}");
    }
    Ok(out)
});

exec_handler!(fn show_ip_route_address(ctx, args) {
    let addr = args.text("address").unwrap_or_default();
    let r = ctx
        .routing()
        .lookup(LookupRequest { address: addr.to_string() })
        .await
        .map_err(api_error)?
        .into_inner();
    Ok(match r.action() {
        LookupAction::NoRoute | LookupAction::Unspecified => "% Network not in table\n".to_string(),
        LookupAction::Forward => format!("Routing entry for {addr}\n  Forwarding to {} in Vlan{}\n", cisco(&r.mac), r.vlan),
        LookupAction::Resolve => format!("Routing entry for {addr}\n  Next hop in Vlan{}, ARP not resolved yet\n", r.vlan),
        LookupAction::Local => format!("Routing entry for {addr}\n  Local address of this switch\n"),
        LookupAction::Unreachable => format!("Routing entry for {addr}\n  Next hop unreachable\n"),
    })
});

exec_handler!(fn show_ip_arp(ctx, args) {
    let mut routing = ctx.routing();
    let svis = routing.list_svis(ListSvisRequest {}).await.map_err(api_error)?.into_inner();
    let arp = routing.list_arp(ListArpRequest {}).await.map_err(api_error)?.into_inner().entries;
    let row = |addr: &str, age: &str, hw: &str, vlan: u32| {
        format!("Internet  {:<16} {:>9}   {:<14}  ARPA   Vlan{}", addr, age, hw, vlan)
    };
    let mut rows: Vec<(Ipv4Addr, String)> = Vec::new();
    for s in svis.svis.iter().filter(|s| s.up) {
        let addr = s.address.split('/').next().unwrap_or("");
        if let Ok(ip) = addr.parse() {
            rows.push((ip, row(addr, "-", &cisco(&svis.router_mac), s.vlan)));
        }
    }
    for e in arp {
        let age = match e.state() {
            ArpState::Static => "-".to_string(),
            _ => (e.age_seconds / 60).to_string(),
        };
        let hw = if e.mac.is_empty() { "Incomplete".to_string() } else { cisco(&e.mac) };
        if let Ok(ip) = e.address.parse() {
            rows.push((ip, row(&e.address, &age, &hw, e.vlan)));
        }
    }
    rows.sort();
    let mut out = String::from("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n");
    for (_, r) in rows {
        let _ = writeln!(out, "{r}");
    }
    Ok(out)
});

exec_handler!(fn clear_arp(ctx, args) {
    ctx.routing().clear_arp(ClearArpRequest {}).await.map_err(api_error)?;
    Ok(String::new())
});
