//! EXEC commands of feature `mirror`: `show monitor [session N | all |
//! local]`, in IOS's layout, with LiSA's counts of copies after it.

use lisa_engine::exec::{api_error, ExecHandler, MAX_MESSAGE};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::mirror_client::MirrorClient;
use lisa_proto::v1::{ListMonitorSessionsRequest, MirrorDirection, MonitorSession};
use std::fmt::Write;

use crate::model::MAX_SESSION;

/// The EXEC commands.
pub fn exec_commands() -> Vec<Node<ExecHandler>> {
    let h = show_monitor as ExecHandler;
    vec![kw(
        "show",
        "Show running system information",
        vec![kw(
            "monitor",
            "SPAN information and configuration",
            vec![kw(
                "session",
                "SPAN session",
                vec![
                    arg(
                        "session",
                        ArgKind::Number(1, u32::from(MAX_SESSION)),
                        "SPAN session number",
                        vec![],
                    )
                    .runs(h),
                    kw("all", "Show all SPAN sessions", vec![]).runs(h),
                    kw("local", "Show only local sessions", vec![]).runs(h),
                ],
            )],
        )
        .runs(h)],
    )]
}

exec_handler!(fn show_monitor(ctx, args) {
    let want: Option<u32> = args.opt("session").map_err(|e| e.to_string())?;
    let sessions = MirrorClient::new(ctx.channel())
        .max_decoding_message_size(MAX_MESSAGE)
        .list_monitor_sessions(ListMonitorSessionsRequest {})
        .await
        .map_err(api_error)?
        .into_inner()
        .sessions;
    let mut out = String::new();
    for s in sessions.iter().filter(|s| want.is_none_or(|w| w == s.id)) {
        session_text(&mut out, s);
    }
    if out.is_empty() {
        if let Some(w) = want {
            return Err(format!("Session {w} does not exist"));
        }
        out.push_str("No SPAN configuration is present in the system.\n");
    }
    Ok(out)
});

/// `(label, names)` rows for sources of `dir`ections: Both, RX Only, TX Only.
fn by_direction<'a>(
    items: impl Iterator<Item = (String, i32)> + 'a,
) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&'static str, Vec<String>)> = vec![
        ("Both", Vec::new()),
        ("RX Only", Vec::new()),
        ("TX Only", Vec::new()),
    ];
    for (name, d) in items {
        let i = match MirrorDirection::try_from(d).unwrap_or(MirrorDirection::Both) {
            MirrorDirection::Rx => 1,
            MirrorDirection::Tx => 2,
            _ => 0,
        };
        rows[i].1.push(name);
    }
    rows.into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(l, v)| (l, v.join(",")))
        .collect()
}

/// One session as IOS prints it.
fn session_text(out: &mut String, s: &MonitorSession) {
    let _ = writeln!(out, "Session {}\n---------", s.id);
    let _ = writeln!(out, "{:<25}: Local Session", "Type");
    let ports = by_direction(s.sources.iter().map(|x| (x.interface.clone(), x.direction)));
    if !ports.is_empty() {
        let _ = writeln!(out, "{:<25}:", "Source Ports");
        for (label, names) in ports {
            let _ = writeln!(out, "    {label:<21}: {names}");
        }
    }
    let vlans = by_direction(
        s.vlan_sources
            .iter()
            .map(|x| (x.vlan.to_string(), x.direction)),
    );
    if !vlans.is_empty() {
        let _ = writeln!(out, "{:<25}:", "Source VLANs");
        for (label, names) in vlans {
            let _ = writeln!(out, "    {label:<21}: {names}");
        }
    }
    if !s.destination.is_empty() {
        let _ = writeln!(out, "{:<25}: {}", "Destination Ports", s.destination);
        let _ = writeln!(out, "    {:<21}: Native", "Encapsulation");
        let _ = writeln!(out, "          {:<15}: Disabled", "Ingress");
    }
    let _ = writeln!(
        out,
        "{:<25}: {}",
        "Status",
        if s.active {
            "Up"
        } else {
            "Down (no destination up)"
        }
    );
    let _ = writeln!(
        out,
        "{:<25}: {} copied, {} no buffer, {} not taken by the destination\n",
        "Frames", s.copies, s.no_buffer, s.destination_drops
    );
}
