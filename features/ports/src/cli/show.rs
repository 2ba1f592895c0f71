//! EXEC commands of feature `ports`: `show interfaces [X | status |
//! counters]`.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::{GetDropCountersRequest, SwitchportMode};
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
                arg("interface", ArgKind::Interface, "Interface name", vec![])
                    .runs(show_interface as ExecHandler),
            ],
        )
        .runs(show_interfaces as ExecHandler)],
    )]
}

/// `up`, `down` or `administratively down`.
fn state(admin_up: bool, link_up: bool) -> &'static str {
    match (admin_up, link_up) {
        (false, _) => "administratively down",
        (true, true) => "up",
        (true, false) => "down",
    }
}

exec_handler!(fn show_interfaces(ctx, args) {
    let ports = ctx.port_list().await?;
    let drops = ctx
        .system()
        .get_drop_counters(GetDropCountersRequest {})
        .await
        .map_err(api_error)?
        .into_inner()
        .drops;
    let mut out = String::new();
    for p in ports {
        let c = p.counters.unwrap_or_default();
        let _ = writeln!(out, "{} is {} ({})", p.name, state(p.admin_up, p.link_up), p.kind);
        let _ = writeln!(out, "  Hardware is {}, address is {}", p.driver, p.mac);
        let _ = writeln!(
            out,
            "  {} packets input, {} bytes, {} dropped",
            c.rx_packets, c.rx_bytes, c.rx_dropped
        );
        // The driver's own drops, before the switch saw the frames.
        let _ = writeln!(
            out,
            "  {} input errors, {} overrun, {} no buffer",
            p.rx_errors, p.rx_missed, p.rx_nombuf
        );
        let _ = writeln!(
            out,
            "  {} packets output, {} bytes, {} dropped",
            c.tx_packets, c.tx_bytes, c.tx_dropped
        );
        let _ = writeln!(out, "  {} output errors", p.tx_errors);
    }
    if drops.iter().any(|d| d.packets > 0) {
        out.push_str("Drops:\n");
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
            inside = l.starts_with(&format!("{name} is "));
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
    let ports = ctx.port_list().await?;
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
