//! EXEC commands of feature `ipv4`: `show ip interface brief`, `show ip
//! route [connected | static | summary | A.B.C.D]`, `show ip arp`, `show ip
//! traffic`, `clear arp-cache`.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_ports::cli::show::{cisco, line_status as status};
use lisa_proto::v1::{
    ArpState, ClearArpRequest, GetRouteSummaryRequest, ListArpRequest, ListRoutesRequest,
    ListSvisRequest, LookupAction, LookupRequest, RouteEntry, RouteType,
};
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
            vec![
                // IOS prints the same table for `show arp`.
                kw("arp", "ARP table", vec![]).runs(show_ip_arp as ExecHandler),
                // No IPv6 here: every interface has IPv6 off, so IOS
                // prints nothing (and tools asking for it get no error).
                kw(
                    "ipv6",
                    "IPv6 information",
                    vec![kw(
                        "interface",
                        "IPv6 interface status and configuration",
                        vec![kw(
                            "brief",
                            "Brief summary of IPv6 status and configuration",
                            vec![],
                        )
                        .runs(show_ipv6_interface as ExecHandler)],
                    )
                    .runs(show_ipv6_interface as ExecHandler)],
                ),
                kw(
                    "ip",
                    "IP information",
                    vec![
                        kw("arp", "IP ARP table", vec![]).runs(show_ip_arp as ExecHandler),
                        kw("traffic", "IP protocol statistics", vec![])
                            .runs(show_ip_traffic as ExecHandler),
                        kw(
                            "interface",
                            "IP interface status and configuration",
                            vec![
                                kw(
                                    "brief",
                                    "Brief summary of IP status and configuration",
                                    vec![],
                                )
                                .runs(show_ip_interface_brief as ExecHandler),
                                arg("interface", ArgKind::Interface, "Interface name", vec![])
                                    .runs(show_ip_interface as ExecHandler),
                            ],
                        )
                        .runs(show_ip_interface as ExecHandler),
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
                                kw("summary", "Summary of all routes", vec![])
                                    .runs(show_ip_route_summary as ExecHandler),
                            ],
                        )
                        .runs(show_ip_route as ExecHandler),
                    ],
                ),
            ],
        ),
    ]
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

/// An SVI's lines of `show ip interface`, as IOS prints them.
pub fn svi_ip_block(vlan: u32, admin_up: bool, up: bool, address: &str) -> String {
    let (status, proto) = status(admin_up, up);
    let mut out = format!("Vlan{vlan} is {status}, line protocol is {proto}\n");
    if address.is_empty() {
        out.push_str("  Internet protocol processing disabled\n");
        return out;
    }
    let _ = writeln!(out, "  Internet address is {address}");
    out.push_str(
        "  Broadcast address is 255.255.255.255\n\
         \x20 MTU is 1500 bytes\n\
         \x20 Helper address is not set\n\
         \x20 Directed broadcast forwarding is disabled\n\
         \x20 Outgoing access list is not set\n\
         \x20 Inbound  access list is not set\n\
         \x20 Proxy ARP is disabled\n\
         \x20 ICMP redirects are never sent\n\
         \x20 ICMP unreachables are always sent\n\
         \x20 ICMP mask replies are never sent\n",
    );
    out
}

exec_handler!(fn show_ip_interface(ctx, args) {
    let only = ctx.resolve_arg(args, "interface").await?;
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let ports = ctx.port_list().await?;
    let svis = ctx.routing().list_svis(ListSvisRequest {}).await.map_err(api_error)?.into_inner().svis;
    let mut out = String::new();
    for p in ports.iter().filter(|p| wanted(&p.name)) {
        let (status, proto) = status(p.admin_up, p.link_up);
        let _ = writeln!(out, "{} is {status}, line protocol is {proto}", p.name);
        out.push_str("  Internet protocol processing disabled\n");
    }
    for s in svis.iter().filter(|s| wanted(&format!("Vlan{}", s.vlan))) {
        out.push_str(&svi_ip_block(s.vlan, !s.shutdown, s.up, &s.address));
    }
    if let (Some(name), true) = (&only, out.is_empty()) {
        return Err(format!("Interface {name} does not exist"));
    }
    Ok(out)
});

exec_handler!(fn show_ipv6_interface(ctx, args) {
    Ok(String::new())
});

/// Routes asked for at a time: a page of about 1 MB.
const PAGE: u32 = 20_000;

exec_handler!(fn show_ip_route(ctx, args) {
    let (connected, statics) = (!args.has("static"), !args.has("connected"));
    let mut held = String::new();
    let mut token = String::new();
    let mut first = true;
    // Page by page, each printed as it comes: a full table is 1M lines.
    loop {
        let resp = ctx
            .routing()
            .list_routes(ListRoutesRequest {
                page_size: PAGE,
                page_token: std::mem::take(&mut token),
                ..Default::default()
            })
            .await
            .map_err(api_error)?
            .into_inner();
        let mut out = String::new();
        if std::mem::take(&mut first) {
            out.push_str("Codes: L - local, C - connected, S - static\n\n");
            // The default route comes first in prefix order.
            let default = resp
                .routes
                .iter()
                .find(|r| r.prefix == "0.0.0.0/0" && r.r#type() == RouteType::Static && r.active);
            match default {
                Some(d) => {
                    // A default route out of an interface has no gateway: IOS says 0.0.0.0.
                    let gw = if d.gateway.is_empty() { "0.0.0.0" } else { &d.gateway };
                    let _ = writeln!(out, "Gateway of last resort is {gw} to network 0.0.0.0\n");
                }
                None => out.push_str("Gateway of last resort is not set\n\n"),
            }
        }
        for r in &resp.routes {
            let line = match r.r#type() {
                RouteType::Connected if connected => format!("C        {} is directly connected, Vlan{}", r.prefix, r.vlan),
                RouteType::Local if connected => format!("L        {} is directly connected, Vlan{}", r.prefix, r.vlan),
                RouteType::Static if r.active && statics => static_route_line(r),
                _ => continue,
            };
            let _ = writeln!(out, "{line}");
        }
        ctx.print(&mut held, &out);
        if resp.next_page_token.is_empty() {
            break;
        }
        token = resp.next_page_token;
    }
    Ok(held)
});

/// An active static route as IOS shows it: via a gateway (and its exit
/// interface, if the route names one), or directly connected to its exit
/// interface.
fn static_route_line(r: &RouteEntry) -> String {
    match (r.gateway.as_str(), r.interface.as_str()) {
        (gw, "") => format!("S        {} [1/0] via {gw}", r.prefix),
        ("", exit) => format!("S        {} is directly connected, {exit}", r.prefix),
        (gw, exit) => format!("S        {} [1/0] via {gw}, {exit}", r.prefix),
    }
}

exec_handler!(fn show_ip_route_summary(ctx, args) {
    let s = ctx
        .routing()
        .get_route_summary(GetRouteSummaryRequest {})
        .await
        .map_err(api_error)?
        .into_inner();
    let by = |name: &str| s.sources.iter().find(|x| x.source == name).cloned().unwrap_or_default();
    let (c, l, st) = (by("connected"), by("local"), by("static"));
    // IOS counts local routes as connected.
    let rows = [
        ("connected", c.networks + l.networks, c.subnets + l.subnets, c.memory_bytes + l.memory_bytes),
        ("static", st.networks, st.subnets, st.memory_bytes),
    ];
    let mut out = String::from("IP routing table name is default (0x0)\nIP routing table maximum-paths is 1\n");
    let _ = writeln!(out, "{:<16}{:<12}{:<12}{:<12}{:<12}Memory (bytes)", "Route Source", "Networks", "Subnets", "Replicates", "Overhead");
    for (name, networks, subnets, memory) in rows {
        let _ = writeln!(out, "{name:<16}{networks:<12}{subnets:<12}{:<12}{:<12}{memory}", 0, 0);
    }
    // The forwarding table itself (fixed arrays, whatever the routes).
    let _ = writeln!(out, "{:<16}{:<48}{}", "internal", s.lpm_groups_used, s.lpm_bytes);
    let networks: u64 = rows.iter().map(|r| r.1).sum();
    let subnets: u64 = rows.iter().map(|r| r.2).sum();
    let memory: u64 = rows.iter().map(|r| r.3).sum::<u64>() + s.lpm_bytes;
    let _ = writeln!(out, "{:<16}{networks:<12}{subnets:<12}{:<12}{:<12}{memory}", "Total", 0, 0);
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
        LookupAction::Discard => format!("Routing entry for {addr}\n  Discarded (route to Null0)\n"),
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

exec_handler!(fn show_ip_traffic(ctx, args) {
    let r = ctx.routing().list_arp(ListArpRequest {}).await.map_err(api_error)?.into_inner();
    let c = r.counters.unwrap_or_default();
    Ok(format!(
        concat!(
            "ICMP statistics:\n",
            "  Sent: {} messages; {} errors not sent (rate limit)\n",
            "ARP statistics:\n",
            "  Sent: {} requests, {} replies\n",
            "  Held for resolution: {} now (at most {}); {} dropped, {} of them over the limit\n",
            "  New neighbors not asked (rate limit): {}\n",
            "  Frames not handed to the workers (queue full): {}\n",
            "Punted frames ignored (malformed or bogus ARP or IPv4): {}\n",
        ),
        c.icmp_sent,
        c.icmp_rate_limited,
        c.arp_requests_sent,
        c.arp_replies_sent,
        c.held_now,
        c.held_limit,
        c.held_dropped,
        c.held_over_limit,
        c.resolve_rate_limited,
        c.inject_full,
        c.ignored
    ))
});

exec_handler!(fn clear_arp(ctx, args) {
    ctx.routing().clear_arp(ClearArpRequest {}).await.map_err(api_error)?;
    Ok(String::new())
});
