//! EXEC commands of feature `ports`: `show interfaces [X | status |
//! counters]`.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::{
    GetDropCountersRequest, InterfaceSettings, ListSvisRequest, Port, Svi, SwitchportMode,
};
use std::fmt::Write;

/// The EXEC commands.
pub fn exec_commands() -> Vec<Node<ExecHandler>> {
    vec![kw(
        "show",
        "Show running system information",
        vec![kw(
            "interfaces",
            "Interface status and configuration",
            vec![
                kw("counters", "Show interface counters", vec![])
                    .runs(show_interfaces_counters as ExecHandler),
                kw("description", "Show interface description", vec![])
                    .runs(show_interfaces_description as ExecHandler),
                kw("status", "Show interface line status", vec![])
                    .runs(show_interfaces_status as ExecHandler),
                arg(
                    "interface",
                    ArgKind::Interface,
                    "Interface name",
                    vec![kw("status", "Show interface line status", vec![])
                        .runs(show_interfaces_status as ExecHandler)],
                )
                .runs(show_interface as ExecHandler),
            ],
        )
        .runs(show_interfaces as ExecHandler)],
    )]
}

/// A MAC address from the API in IOS's dotted form (as given if it is none).
pub fn cisco(mac: &str) -> String {
    mac.parse::<lisa_types::MacAddr>()
        .map(|m| m.to_cisco())
        .unwrap_or_else(|_| mac.to_string())
}

/// IOS's (line, protocol) status of an interface, in `show interfaces`,
/// `show ip interface` and their brief forms.
pub fn line_status(admin_up: bool, up: bool) -> (&'static str, &'static str) {
    match (admin_up, up) {
        (false, _) => ("administratively down", "down"),
        (true, true) => ("up", "up"),
        (true, false) => ("down", "down"),
    }
}

/// IOS's bandwidth figure, Kbit/s: the link speed (virtual ports report
/// none: 10 Gbit/s).
fn bandwidth_kbit(speed_mbps: u32) -> u64 {
    match speed_mbps {
        0 => 10_000_000,
        s => u64::from(s) * 1000,
    }
}

/// One port of `show interfaces`, in IOS's layout (the lines
/// ntc-templates' template and NAPALM's `get_interfaces` read).
pub fn port_block(p: &Port, settings: Option<&InterfaceSettings>) -> String {
    let c = p.counters.unwrap_or_default();
    let (line, protocol) = match (p.admin_up, p.link_up) {
        _ if !p.err_disabled.is_empty() => ("down", "down (err-disabled)"),
        (false, _) => ("administratively down", "down (disabled)"),
        (true, true) => ("up", "up (connected)"),
        (true, false) => ("down", "down (notconnect)"),
    };
    let mac = cisco(&p.mac);
    let mut out = String::new();
    let _ = writeln!(out, "{} is {line}, line protocol is {protocol}", p.name);
    let _ = writeln!(out, "  Hardware is Ethernet, address is {mac} (bia {mac})");
    if let Some(d) = settings
        .map(|s| s.description.as_str())
        .filter(|d| !d.is_empty())
    {
        let _ = writeln!(out, "  Description: {d}");
    }
    let mtu = settings.map_or(0, |s| s.mtu);
    let _ = writeln!(
        out,
        "  MTU {} bytes, BW {} Kbit/sec, DLY 10 usec,",
        if mtu == 0 { 1500 } else { mtu },
        bandwidth_kbit(p.speed_mbps)
    );
    let rates = p.rates.unwrap_or_default();
    let bw_bits = bandwidth_kbit(p.speed_mbps) * 1000;
    // IOS's load: the share of the bandwidth in 255ths, at least 1.
    let load = |bps: u64| (bps.saturating_mul(255) / bw_bits.max(1)).clamp(1, 255);
    let _ = writeln!(
        out,
        "     reliability 255/255, txload {}/255, rxload {}/255",
        load(rates.output_bits_per_second),
        load(rates.input_bits_per_second)
    );
    out.push_str("  Encapsulation ARPA, loopback not set\n");
    let speed = match p.speed_mbps {
        0 => "Auto-speed".to_string(),
        s => format!("{s}Mb/s"),
    };
    let _ = writeln!(out, "  Full-duplex, {speed}, media type is {}", p.kind);
    let _ = writeln!(
        out,
        "  Input queue: 0/{}/{}/0 (size/max/drops/flushes); Total output drops: {}",
        p.rx_queues.max(1) * 1024,
        c.rx_dropped,
        c.tx_dropped
    );
    out.push_str("  Queueing strategy: fifo\n");
    out.push_str("  Output queue: 0/40 (size/max)\n");
    let _ = writeln!(
        out,
        "  5 minute input rate {} bits/sec, {} packets/sec",
        rates.input_bits_per_second, rates.input_packets_per_second
    );
    let _ = writeln!(
        out,
        "  5 minute output rate {} bits/sec, {} packets/sec",
        rates.output_bits_per_second, rates.output_packets_per_second
    );
    let _ = writeln!(
        out,
        "     {} packets input, {} bytes, {} no buffer",
        c.rx_packets, c.rx_bytes, p.rx_nombuf
    );
    out.push_str("     0 runts, 0 giants, 0 throttles\n");
    let _ = writeln!(
        out,
        "     {} input errors, 0 CRC, 0 frame, {} overrun, 0 ignored",
        p.rx_errors, p.rx_missed
    );
    let _ = writeln!(
        out,
        "     {} packets output, {} bytes, 0 underruns",
        c.tx_packets, c.tx_bytes
    );
    let _ = writeln!(
        out,
        "     {} output errors, 0 collisions, 0 interface resets",
        p.tx_errors
    );
    if !p.drops.is_empty() {
        // Not in IOS: why the switch dropped what this port received.
        let why: Vec<String> = p
            .drops
            .iter()
            .map(|d| format!("{} {}", d.packets, d.reason))
            .collect();
        let _ = writeln!(out, "     Input drops by reason: {}", why.join(", "));
    }
    out
}

/// One SVI of `show interfaces`: the routed VLAN interface.
pub fn svi_block(s: &Svi, router_mac: &str) -> String {
    let (line, protocol) = line_status(!s.shutdown, s.up);
    let mac = cisco(router_mac);
    let mut out = String::new();
    let _ = writeln!(out, "Vlan{} is {line}, line protocol is {protocol}", s.vlan);
    let _ = writeln!(out, "  Hardware is EtherSVI, address is {mac} (bia {mac})");
    if !s.description.is_empty() {
        let _ = writeln!(out, "  Description: {}", s.description);
    }
    if !s.address.is_empty() {
        let _ = writeln!(out, "  Internet address is {}", s.address);
    }
    out.push_str("  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,\n");
    out.push_str("     reliability 255/255, txload 1/255, rxload 1/255\n");
    out.push_str("  Encapsulation ARPA, loopback not set\n");
    out
}

exec_handler!(fn show_interfaces(ctx, args) {
    let ports = ctx.port_list().await?;
    let cfg = ctx.running_typed(&["interfaces"]).await?;
    let svis = ctx
        .routing()
        .list_svis(ListSvisRequest {})
        .await
        .map_err(api_error)?
        .into_inner();
    let drops = ctx
        .system()
        .get_drop_counters(GetDropCountersRequest {})
        .await
        .map_err(api_error)?
        .into_inner()
        .drops;
    let mut out = String::new();
    for p in &ports {
        let settings = cfg.interfaces.iter().find(|i| i.name == p.name);
        out.push_str(&port_block(p, settings));
    }
    for s in &svis.svis {
        out.push_str(&svi_block(s, &svis.router_mac));
    }
    // The switch's own drops, by reason (not per port, so after them).
    if drops.iter().any(|d| d.packets > 0) {
        out.push_str("Switch drops:\n");
        for d in drops.iter().filter(|d| d.packets > 0) {
            let _ = writeln!(out, "  {:<16} {}", d.reason, d.packets);
        }
    }
    Ok(out)
});

exec_handler!(fn show_interface(ctx, args) {
    let name = ctx.resolve(args.text("interface").unwrap_or_default()).await?;
    let all = show_interfaces(ctx, args).await?;
    let mut out = String::new();
    let mut inside = false;
    for l in all.lines() {
        if !l.starts_with(' ') {
            inside = l.starts_with(&format!("{name} is ")) && !l.starts_with("Switch drops");
        }
        if inside {
            out.push_str(l);
            out.push('\n');
        }
    }
    if out.is_empty() {
        return Err(format!("Interface {name} does not exist"));
    }
    Ok(out)
});

exec_handler!(fn show_interfaces_description(ctx, args) {
    let ports = ctx.port_list().await?;
    let cfg = ctx.running_typed(&["interfaces", "svis"]).await?;
    let mut out = format!("{:<30} {:<14} {:<8} {}\n", "Interface", "Status", "Protocol", "Description");
    let row = |out: &mut String, name: &str, admin_up: bool, up: bool, description: &str| {
        let (status, protocol) = match (admin_up, up) {
            (false, _) => ("admin down", "down"),
            (true, true) => ("up", "up"),
            (true, false) => ("down", "down"),
        };
        let _ = writeln!(out, "{name:<30} {status:<14} {protocol:<8} {description}");
    };
    for p in ports {
        let description = cfg
            .interfaces
            .iter()
            .find(|i| i.name == p.name)
            .map_or("", |i| i.description.as_str());
        row(&mut out, &p.name, p.admin_up, p.link_up, description);
    }
    for s in &cfg.svis {
        row(&mut out, &format!("Vlan{}", s.vlan), !s.shutdown, s.up, &s.description);
    }
    Ok(out)
});

exec_handler!(fn show_interfaces_status(ctx, args) {
    let only = ctx.resolve_arg(args, "interface").await?;
    let mut ports = ctx.port_list().await?;
    if let Some(name) = &only {
        ports.retain(|p| &p.name == name);
        if ports.is_empty() {
            return Err(format!("Interface {name} is not a switch port"));
        }
    }
    let cfg = ctx.running_typed(&["interfaces"]).await?;
    // IOS's columns, Duplex included (ntc-templates' TextFSM template
    // reads them by position): the ports are virtual and full duplex.
    let mut out = format!(
        "{:<12} {:<18} {:<12} {:<10} {:>6} {:>6} {}\n",
        "Port", "Name", "Status", "Vlan", "Duplex", "Speed", "Type"
    );
    for p in ports {
        let i = cfg.interfaces.iter().find(|i| i.name == p.name);
        let status = match (p.admin_up, p.link_up) {
            _ if !p.err_disabled.is_empty() => "err-disabled",
            (false, _) => "disabled",
            (true, true) => "connected",
            (true, false) => "notconnect",
        };
        let vlan = match i {
            Some(i) if i.mode == SwitchportMode::Trunk as i32 => "trunk".to_string(),
            Some(i) => i.access_vlan.to_string(),
            None => "1".into(),
        };
        let speed = match p.speed_mbps {
            0 => "auto".to_string(),
            s if s % 1000 == 0 => format!("{}G", s / 1000),
            s => format!("{s}M"),
        };
        let name: String = i
            .map(|i| i.description.chars().take(18).collect())
            .unwrap_or_default();
        let kind = p.kind.split(':').next().unwrap_or("").to_string();
        let _ = writeln!(
            out,
            "{:<12} {:<18} {:<12} {:<10} {:>6} {:>6} {}",
            p.name, name, status, vlan, "full", speed, kind
        );
    }
    Ok(out)
});

exec_handler!(fn show_interfaces_counters(ctx, args) {
    let ports = ctx.port_list().await?;
    let mut out = format!(
        "{:<12} {:>14} {:>12} {:>14} {:>12} {:>10} {:>10}\n",
        "Port", "InOctets", "InPkts", "OutOctets", "OutPkts", "InDrops", "OutDrops"
    );
    for p in ports {
        let c = p.counters.unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<12} {:>14} {:>12} {:>14} {:>12} {:>10} {:>10}",
            p.name, c.rx_bytes, c.rx_packets, c.tx_bytes, c.tx_packets, c.rx_dropped, c.tx_dropped
        );
    }
    Ok(out)
});
