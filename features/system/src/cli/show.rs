//! EXEC commands of feature `system`: `show version`, `show buffers`,
//! `show dataplane performance`, the configuration
//! files (`show running-config [interface X]`, `show startup-config [errors]`,
//! `write memory`, `copy running-config startup-config`, `reload`), and
//! `clear counters`.

use lisa_engine::exec::{api_error, ExecCtx, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::{
    ClearCountersRequest, ClearDataplanePerformanceRequest, GetBufferPoolsRequest,
    GetConfigStateRequest, GetDataplanePerformanceRequest, GetLogRequest, GetStartupErrorsRequest,
    GetVersionRequest, ListUsersRequest, ReloadRequest, SaveConfigRequest, UserLine,
};
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// `dataplane performance`, running `h`.
fn performance(h: ExecHandler) -> Node<ExecHandler> {
    kw(
        "dataplane",
        "Dataplane information",
        vec![kw(
            "performance",
            "Per-node packets, vectors and cycles",
            vec![],
        )
        .runs(h)],
    )
}

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let show = |children| kw("show", "Show running system information", children);
    vec![
        kw(
            "clear",
            "Reset functions",
            vec![
                kw(
                    "counters",
                    "Clear counters on one or all interfaces",
                    vec![],
                )
                .runs(clear_counters as ExecHandler),
                performance(clear_performance),
            ],
        ),
        kw(
            "copy",
            "Copy from one file to another",
            vec![kw(
                "running-config",
                "Copy from current system configuration",
                vec![
                    kw("startup-config", "Copy to startup configuration", vec![])
                        .runs(copy_running_startup as ExecHandler),
                ],
            )],
        ),
        kw("reload", "Reload the startup configuration", vec![]).runs(reload as ExecHandler),
        show(vec![
            kw("buffers", "Buffer pool statistics", vec![]).runs(show_buffers as ExecHandler),
            performance(show_performance),
            kw(
                "running-config",
                "Current operating configuration",
                vec![kw(
                    "interface",
                    "Show interface configuration",
                    vec![
                        arg("interface", ArgKind::Interface, "Interface name", vec![])
                            .runs(show_running_interface as ExecHandler),
                    ],
                )],
            )
            .runs(show_running as ExecHandler),
            kw(
                "startup-config",
                "Contents of startup configuration",
                vec![kw(
                    "errors",
                    "Lines not applied when it was last loaded",
                    vec![],
                )
                .runs(show_startup_errors as ExecHandler)],
            )
            .runs(show_startup as ExecHandler),
            kw("version", "System hardware and software status", vec![])
                .runs(show_version as ExecHandler),
            kw("clock", "Display the system clock", vec![]).runs(show_clock as ExecHandler),
            kw("logging", "Show the contents of logging buffers", vec![])
                .runs(show_logging as ExecHandler),
            kw("users", "Display information about terminal lines", vec![])
                .runs(show_users as ExecHandler),
        ]),
        kw(
            "write",
            "Write running configuration to memory",
            vec![kw("memory", "Write to NV memory", vec![]).runs(write_memory as ExecHandler)],
        )
        .runs(write_memory as ExecHandler),
    ]
}

exec_handler!(fn show_buffers(ctx, args) {
    let pools = ctx
        .system()
        .get_buffer_pools(GetBufferPoolsRequest {})
        .await
        .map_err(api_error)?
        .into_inner()
        .pools;
    let mut out = format!(
        "{:<14} {:>8} {:>8} {:>8} {:>6}  {}\n",
        "Pool", "Size", "In use", "Free", "Use%", "Buffer bytes"
    );
    for p in pools {
        let pct = u64::from(p.in_use) * 100 / u64::from(p.size.max(1));
        let _ = writeln!(
            out,
            "{:<14} {:>8} {:>8} {:>8} {:>5}%  {}",
            p.name,
            p.size,
            p.in_use,
            p.size.saturating_sub(p.in_use),
            pct,
            p.data_room
        );
    }
    Ok(out)
});

exec_handler!(fn show_running(ctx, args) {
    // Printed as it streams: a full table is tens of MB.
    let mut held = String::new();
    let mut first = true;
    ctx.running_pieces(|piece, total| {
        if std::mem::take(&mut first) {
            ctx.print(
                &mut held,
                &format!("Building configuration...\n\nCurrent configuration : {total} bytes\n"),
            );
        }
        ctx.print(&mut held, piece);
    })
    .await?;
    Ok(held)
});

exec_handler!(fn show_running_interface(ctx, args) {
    let name = ctx.resolve(args.text("interface").unwrap_or_default()).await?;
    let text = ctx.running_text().await?;
    let head = format!("interface {name}");
    let block: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != head)
        .take_while(|l| *l != "!")
        .collect();
    if block.is_empty() {
        return Err(format!("Interface {name} has no configuration"));
    }
    Ok(format!(
        "Building configuration...\n\nCurrent configuration:\n!\n{}\nend\n",
        block.join("\n")
    ))
});

exec_handler!(fn show_startup(ctx, args) {
    let mut held = String::new();
    ctx.startup_pieces(|piece, _| ctx.print(&mut held, piece)).await?;
    Ok(held)
});

exec_handler!(fn show_startup_errors(ctx, args) {
    let r = ctx
        .config()
        .get_startup_errors(GetStartupErrorsRequest {})
        .await
        .map_err(api_error)?
        .into_inner();
    let mut out = format!(
        "Startup-config {}, loaded {} s ago: {} line(s) not applied\n",
        r.path,
        r.loaded_seconds_ago,
        r.errors.len()
    );
    for e in &r.errors {
        let _ = writeln!(out, "line {}: {}\n  {}", e.line, e.text, e.error.replace('\n', "\n  "));
    }
    Ok(out)
});

exec_handler!(fn copy_running_startup(ctx, args) {
    // IOS asks, and Enter takes the name in brackets.
    let answer = ctx.ask("Destination filename [startup-config]? ").unwrap_or_default();
    if !answer.is_empty() && answer != "startup-config" {
        return Err(format!("Error opening {answer} (LiSA-DP saves only to startup-config)"));
    }
    save(ctx).await
});

exec_handler!(fn write_memory(ctx, args) {
    save(ctx).await
});

/// Saves the running configuration as the startup-config.
async fn save(ctx: &ExecCtx) -> Result<String, String> {
    let r = ctx
        .config()
        .save_config(SaveConfigRequest {})
        .await
        .map_err(api_error)?
        .into_inner();
    Ok(format!(
        "Building configuration...\n[OK] ({} bytes to {})\n",
        r.bytes, r.path
    ))
}

exec_handler!(fn reload(ctx, args) {
    // At a terminal, as IOS: unsaved changes offered for saving, then a
    // last confirmation. A script is not asked.
    let mut held = String::new();
    let state = ctx.config().get_config_state(GetConfigStateRequest {}).await.map_err(api_error)?.into_inner();
    if state.modified {
        if let Some(answer) = ctx.ask("System configuration has been modified. Save? [yes/no]: ") {
            match yes_or_no(&answer) {
                Some(true) => {
                    let saved = save(ctx).await?;
                    ctx.print(&mut held, &saved);
                }
                Some(false) => {}
                None => return Err("Please answer 'yes' or 'no'.".into()),
            }
        }
    }
    if let Some(answer) = ctx.ask("Proceed with reload? [confirm]") {
        // Enter (or yes) goes on; anything else stops here.
        if !answer.is_empty() && yes_or_no(&answer) != Some(true) {
            return Ok(held);
        }
    }
    ctx.config().reload(ReloadRequest {}).await.map_err(api_error)?;
    let refused = ctx
        .config()
        .get_startup_errors(GetStartupErrorsRequest {})
        .await
        .map_err(api_error)?
        .into_inner()
        .errors
        .len();
    held.push_str(&match refused {
        0 => "Configuration reloaded from startup-config\n".into(),
        n => format!(
            "Configuration reloaded from startup-config; {n} line(s) not applied (show startup-config errors)\n"
        ),
    });
    Ok(held)
});

/// An answer to a yes/no question, as IOS takes it (`y`, `yes`, `n`,
/// `no`, any case); None for anything else.
fn yes_or_no(answer: &str) -> Option<bool> {
    let a = answer.trim().to_ascii_lowercase();
    match a.as_str() {
        "y" | "ye" | "yes" => Some(true),
        "n" | "no" => Some(false),
        _ => None,
    }
}

exec_handler!(fn clear_counters(ctx, args) {
    ctx.system()
        .clear_counters(ClearCountersRequest {})
        .await
        .map_err(api_error)?;
    Ok(String::new())
});

exec_handler!(fn show_version(ctx, args) {
    let v = ctx
        .system()
        .get_version(GetVersionRequest {})
        .await
        .map_err(api_error)?
        .into_inner();
    let hostname = ctx.running_typed(&["hostname"]).await?.hostname;
    let ports = ctx.port_list().await?.len();
    Ok(version_text(&v, &hostname, ports))
});

/// `show version` in IOS's layout, the lines ntc-templates, NAPALM and
/// Ansible read: the first line (IOS tools key on "Cisco IOS Software,"
/// to know the CLI dialect; the rest names LiSA-DP), the uptime line, the
/// image, the hardware line ("cisco MODEL (...) ... bytes of memory") and
/// the board ID.
pub fn version_text(v: &lisa_proto::v1::Version, hostname: &str, ports: usize) -> String {
    let (version, release) = match v.lisad.split_once(" (git ") {
        Some((ver, rev)) => (ver, rev.trim_end_matches(')')),
        None => (v.lisad.as_str(), "unknown"),
    };
    let serial = if v.serial.is_empty() {
        "unknown"
    } else {
        v.serial.as_str()
    };
    format!(
        "Cisco IOS Software, LiSA-DP Software (lisad), Version {version}, RELEASE SOFTWARE ({release})\n\
         Dataplane: {}\n\
         \n\
         {hostname} uptime is {}\n\
         System image file is \"system:lisad\"\n\
         \n\
         cisco LiSA-DP ({}) processor (revision 1) with {}K bytes of memory.\n\
         Processor board ID {serial}\n\
         {ports} Ethernet interfaces\n\
         Forwarding workers: {}\n\
         \n\
         Configuration register is 0x2102\n",
        v.dpdk,
        ios_uptime(v.uptime_seconds),
        std::env::consts::ARCH,
        v.memory_kb,
        v.workers
    )
}

/// `show clock`: the switch's time as IOS prints it, in UTC (LiSA-DP has no
/// `clock timezone`): `11:35:35.123 UTC Mon Nov 30 2026`.
pub fn ios_clock(since_epoch: std::time::Duration) -> String {
    let secs = since_epoch.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // 1970-01-01 was a Thursday.
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    format!(
        "{:02}:{:02}:{:02}.{:03} UTC {} {} {} {}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since_epoch.subsec_millis(),
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        day,
        year
    )
}

exec_handler!(fn show_logging(ctx, args) {
    let log = ctx.system().get_log(GetLogRequest {}).await.map_err(api_error)?.into_inner();
    let mut out = String::from(
        "Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns)\n\n",
    );
    let _ = writeln!(
        out,
        "    Console logging: level informational (lisad's stderr: journald or its log file)\n    \
         Buffer logging:  level informational, {} messages logged\n",
        log.logged
    );
    let _ = writeln!(out, "Log Buffer ({} messages):\n", log.messages.len());
    for m in &log.messages {
        let _ = writeln!(out, "{}: {}", log_stamp(m.unix_millis), m.text);
    }
    Ok(out)
});

/// When a message was logged, as IOS stamps it (UTC; `*`: no NTP):
/// `*Nov 30 17:30:01.123 UTC`.
fn log_stamp(unix_millis: u64) -> String {
    let clock = ios_clock(std::time::Duration::from_millis(unix_millis));
    // "17:30:01.123 UTC Mon Nov 30 2026"
    match clock.split_whitespace().collect::<Vec<_>>()[..] {
        [time, zone, _, month, day, _] => format!("*{month} {day:>2} {time} {zone}"),
        _ => clock,
    }
}

exec_handler!(fn show_clock(ctx, args) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?;
    Ok(format!("{}\n", ios_clock(now)))
});

/// A duration as IOS's `show users` writes it: `00:03:12`, `2d04h` past a day.
fn ios_idle(secs: u64) -> String {
    if secs >= 86_400 {
        format!("{}d{:02}h", secs / 86_400, secs % 86_400 / 3_600)
    } else {
        format!(
            "{:02}:{:02}:{:02}",
            secs / 3_600,
            secs % 3_600 / 60,
            secs % 60
        )
    }
}

/// `show users` in IOS's columns; `mine` (this session's line) gets the `*`.
pub fn users_table(lines: &[UserLine], mine: Option<u32>) -> String {
    let mut out =
        String::from("    Line       User       Host(s)              Idle       Location\n");
    for l in lines {
        let mark = if Some(l.line) == mine { '*' } else { ' ' };
        let row = format!(
            "{mark}{:>3} {:<9} {:<10} {:<20} {:>8} {}",
            l.line,
            l.name,
            l.user,
            "idle",
            ios_idle(l.idle_seconds),
            l.host
        );
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out.push_str("\n  Interface    User               Mode         Idle     Peer Address\n\n");
    out
}

exec_handler!(fn show_users(ctx, args) {
    let lines = ctx
        .system()
        .list_users(ListUsersRequest {})
        .await
        .map_err(api_error)?
        .into_inner()
        .lines;
    Ok(users_table(&lines, ctx.line()))
});

/// An uptime as IOS writes it: "2 weeks, 3 days, 4 hours, 5 minutes",
/// from the largest unit that is not zero, minutes always.
pub fn ios_uptime(secs: u64) -> String {
    let units = [
        ("year", 365 * 86_400),
        ("week", 7 * 86_400),
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
    ];
    let mut left = secs;
    let mut parts = Vec::new();
    for (name, size) in units {
        let n = left / size;
        left %= size;
        if n > 0 || !parts.is_empty() || name == "minute" {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
        }
    }
    parts.join(", ")
}

exec_handler!(fn show_performance(ctx, args) {
    let p = ctx
        .system()
        .get_dataplane_performance(GetDataplanePerformanceRequest {})
        .await
        .map_err(api_error)?
        .into_inner();
    let mut out = format!(
        "Time {:.1} s, TSC {:.2} GHz, idle sleep up to {} us\n",
        p.seconds,
        p.tsc_hz as f64 / 1e9,
        p.idle_sleep_max_us
    );
    for w in &p.workers {
        let _ = writeln!(out, "--- worker {}", w.worker);
        let _ = writeln!(
            out,
            "{:<14} {:>12} {:>14} {:>11} {:>11}",
            "Node", "Vectors", "Packets", "Vector avg", "Cycles/pkt"
        );
        for n in &w.nodes {
            let avg = if n.vectors == 0 { 0.0 } else { n.packets as f64 / n.vectors as f64 };
            let cpp = if n.packets == 0 { 0.0 } else { n.cycles as f64 / n.packets as f64 };
            let _ = writeln!(
                out,
                "{:<14} {:>12} {:>14} {:>11.1} {:>11.1}",
                n.node, n.vectors, n.packets, avg, cpp
            );
        }
        let _ = writeln!(
            out,
            "Power save: {}; {} sleeps, {} waits for an rx interrupt",
            if w.rx_interrupts {
                "rx interrupts on every queue"
            } else {
                "sleeps only (a queue has no rx interrupt)"
            },
            w.idle_sleeps,
            w.interrupt_waits
        );
    }
    Ok(out)
});

exec_handler!(fn clear_performance(ctx, args) {
    ctx.system()
        .clear_dataplane_performance(ClearDataplanePerformanceRequest {})
        .await
        .map_err(api_error)?;
    Ok(String::new())
});
