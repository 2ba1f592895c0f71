//! The commands of feature `igmp_snooping`, with their handlers and
//! rendering. Global: `ip igmp snooping`, `ip igmp snooping
//! report-suppression`, `ip igmp snooping [vlan N] last-member-query-interval
//! MS`, `ip igmp snooping [vlan N] querier [address A | query-interval S |
//! max-response-time S | timer expiry S | version 1 | 2]`, `ip igmp
//! snooping vlan N [immediate-leave | mrouter interface X | static G
//! interface X]`. Every one has its `no` form. `ip` is shared with other
//! features (`ip route`, `ip routing`): the registry merges the trees.

pub mod show;

use crate::model::{
    check_group, check_port_name, check_querier_address, IgmpSnoopingConfig, QuerierOverrides,
    QuerierSettings, VlanIgmp, DEFAULT_LMQI_MS, LMQI_MS, MAX_RESPONSE_TIME_S, QUERIER_VERSION,
    QUERY_INTERVAL_S, TIMER_EXPIRY_S,
};
use lisa_engine::render::{order, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use std::fmt::Write;
use std::net::Ipv4Addr;
use std::ops::RangeInclusive;
use std::str::FromStr;

type Tree = Vec<Node<ConfigHandler>>;

/// Where the `ip igmp snooping` lines go in the running configuration:
/// with IOS's other global `ip` lines, after `hostname` and before the
/// `spanning-tree` globals (the engine's `order` has no slot named for
/// them yet).
pub const ORDER: u16 = order::SYSTEM + 2;
const _: () = assert!(order::SYSTEM < ORDER && ORDER < order::STP);

const NO_HELP: &str = "Negate a command or set its defaults";
const IP_HELP: &str = "Global IP configuration subcommands";
const IGMP_HELP: &str = "IGMP global configuration";
const SNOOPING_HELP: &str = "Global IGMP Snooping enable for Catalyst Vlans";
const LMQI_HELP: &str = "Set the last member query interval";
const QUERIER_HELP: &str = "IGMP querier configuration";
const INTERFACE_HELP: &str = "Interface name";

/// `<lo-hi>` for a range.
fn number<T: Copy + Into<u32>>(range: &RangeInclusive<T>) -> ArgKind {
    ArgKind::Number((*range.start()).into(), (*range.end()).into())
}

/// `WORD VALUE`, the value ending the line; after `no`, `WORD` alone ends
/// it too (the value is then ignored).
fn setting(
    word: &'static str,
    help: &'static str,
    value: Node<ConfigHandler>,
    negated: bool,
) -> Node<ConfigHandler> {
    let h = value.run;
    let k = kw(word, help, vec![value]);
    match (negated, h) {
        (true, Some(h)) => k.runs(h),
        _ => k,
    }
}

/// `querier [address A | query-interval S | max-response-time S | timer
/// expiry S | version N]`.
fn querier_tree(negated: bool) -> Node<ConfigHandler> {
    let seconds = |name, range: &RangeInclusive<u32>, help, h: ConfigHandler| {
        arg(name, number(range), help, vec![]).runs(h)
    };
    kw(
        "querier",
        QUERIER_HELP,
        vec![
            setting(
                "address",
                "IP source address",
                arg("address", ArgKind::Ipv4, "IP address", vec![])
                    .runs(querier_address as ConfigHandler),
                negated,
            ),
            setting(
                "max-response-time",
                "Maximum response time",
                seconds(
                    "max-response-time",
                    &MAX_RESPONSE_TIME_S,
                    "Maximum response time in seconds",
                    querier_max_response_time,
                ),
                negated,
            ),
            setting(
                "query-interval",
                "Interval between queries",
                seconds(
                    "query-interval",
                    &QUERY_INTERVAL_S,
                    "Interval in seconds",
                    querier_query_interval,
                ),
                negated,
            ),
            kw(
                "timer",
                "Querier timers",
                vec![setting(
                    "expiry",
                    "Querier expiry timer",
                    seconds(
                        "expiry",
                        &TIMER_EXPIRY_S,
                        "Time in seconds",
                        querier_timer_expiry,
                    ),
                    negated,
                )],
            ),
            setting(
                "version",
                "IGMP version",
                arg("version", number(&QUERIER_VERSION), "IGMP version", vec![])
                    .runs(querier_version as ConfigHandler),
                negated,
            ),
        ],
    )
    .runs(querier as ConfigHandler)
}

/// `last-member-query-interval MS`.
fn lmqi_tree(negated: bool) -> Node<ConfigHandler> {
    setting(
        "last-member-query-interval",
        LMQI_HELP,
        arg(
            "interval",
            number(&LMQI_MS),
            "Last member query interval in milliseconds",
            vec![],
        )
        .runs(lmqi as ConfigHandler),
        negated,
    )
}

/// `interface X`, ending the line with `h`.
fn interface_tree(help: &'static str, h: ConfigHandler) -> Node<ConfigHandler> {
    kw(
        "interface",
        help,
        vec![arg("interface", ArgKind::Interface, INTERFACE_HELP, vec![]).runs(h)],
    )
}

/// What may follow `ip igmp snooping vlan N`.
fn vlan_body(negated: bool) -> Tree {
    vec![
        kw(
            "immediate-leave",
            "Enable IGMP immediate leave processing",
            vec![],
        )
        .runs(immediate_leave as ConfigHandler),
        lmqi_tree(negated),
        kw(
            "mrouter",
            "Configure an L2 port as a multicast router port",
            vec![interface_tree(
                "next-hop interface to mrouter",
                mrouter as ConfigHandler,
            )],
        ),
        querier_tree(negated),
        kw(
            "static",
            "Configure an L2 port as a member of a group",
            vec![arg(
                "group",
                ArgKind::Ipv4,
                "Group address",
                vec![interface_tree("Interface", static_group as ConfigHandler)],
            )],
        ),
    ]
}

/// `ip igmp snooping ...` (its `no` form when `negated`).
fn ip_tree(negated: bool) -> Node<ConfigHandler> {
    let snooping = kw(
        "snooping",
        SNOOPING_HELP,
        vec![
            lmqi_tree(negated),
            querier_tree(negated),
            kw(
                "report-suppression",
                "Enable/disable IGMP report suppression",
                vec![],
            )
            .runs(report_suppression as ConfigHandler),
            kw(
                "vlan",
                "IGMP Snooping enable for Vlan",
                vec![
                    arg("vlan", ArgKind::VlanId, "Vlan number", vlan_body(negated))
                        .runs(vlan_snooping as ConfigHandler),
                ],
            ),
        ],
    )
    .runs(global_snooping as ConfigHandler);
    kw("ip", IP_HELP, vec![kw("igmp", IGMP_HELP, vec![snooping])])
}

/// Global-mode commands.
pub fn global_commands() -> Tree {
    vec![ip_tree(false), kw("no", NO_HELP, vec![ip_tree(true)])]
}

fn igmp<'c>(ctx: &'c mut ConfigCtx<'_>) -> &'c mut IgmpSnoopingConfig {
    ctx.cfg.get_mut::<IgmpSnoopingConfig>()
}

/// The VLAN the line names, if it names one.
fn vlan_of(a: &Args) -> Result<Option<u16>, ApplyError> {
    Ok(a.opt("vlan")?)
}

/// Runs `f` on the settings of the line's VLAN (a VLAN left with none is
/// not kept).
fn edit_vlan(ctx: &mut ConfigCtx<'_>, vlan: u16, f: impl FnOnce(&mut VlanIgmp)) {
    igmp(ctx).edit_vlan(vlan, f);
}

/// `[no] ip igmp snooping`.
fn global_snooping(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    igmp(ctx).enabled = !a.negated();
    Ok(())
}

/// `[no] ip igmp snooping vlan N`: snooping on or off in VLAN N; its
/// other settings stay.
fn vlan_snooping(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let vlan: u16 = a.get("vlan")?;
    let off = &mut igmp(ctx).disabled_vlans;
    if a.negated() {
        off.insert(vlan);
    } else {
        off.remove(&vlan);
    }
    Ok(())
}

/// `[no] ip igmp snooping report-suppression`.
fn report_suppression(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    igmp(ctx).report_suppression = !a.negated();
    Ok(())
}

/// `[no] ip igmp snooping [vlan N] last-member-query-interval [MS]`.
fn lmqi(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let ms: Option<u32> = if a.negated() {
        None
    } else {
        Some(a.get("interval")?)
    };
    match vlan_of(a)? {
        Some(vlan) => edit_vlan(ctx, vlan, |v| v.last_member_query_interval_ms = ms),
        None => igmp(ctx).last_member_query_interval_ms = ms.unwrap_or(DEFAULT_LMQI_MS),
    }
    Ok(())
}

/// `[no] ip igmp snooping vlan N immediate-leave`.
fn immediate_leave(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let vlan: u16 = a.get("vlan")?;
    let on = !a.negated();
    edit_vlan(ctx, vlan, |v| v.immediate_leave = on);
    Ok(())
}

/// `[no] ip igmp snooping [vlan N] querier`: the querier on or off,
/// globally or in VLAN N (where `no` turns it off even if the global
/// querier is on).
fn querier(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let on = !a.negated();
    match vlan_of(a)? {
        Some(vlan) => edit_vlan(ctx, vlan, |v| v.querier.enabled = Some(on)),
        None => igmp(ctx).querier.enabled = on,
    }
    Ok(())
}

/// A querier setting read from argument `name`: the global one
/// (`global`, back to `default` after `no`) or VLAN N's override (`per
/// vlan`, cleared by `no`).
fn querier_value<T>(
    ctx: &mut ConfigCtx<'_>,
    a: &Args,
    name: &'static str,
    global: fn(&mut QuerierSettings) -> &mut T,
    per_vlan: fn(&mut QuerierOverrides) -> &mut Option<T>,
) -> Result<(), ApplyError>
where
    T: Copy + FromStr,
    T::Err: std::fmt::Display,
{
    let value: Option<T> = if a.negated() {
        None
    } else {
        Some(a.get(name)?)
    };
    match vlan_of(a)? {
        Some(vlan) => edit_vlan(ctx, vlan, |v| *per_vlan(&mut v.querier) = value),
        None => {
            let q = &mut igmp(ctx).querier;
            let default = *global(&mut QuerierSettings::default());
            *global(q) = value.unwrap_or(default);
        }
    }
    Ok(())
}

/// `[no] ip igmp snooping [vlan N] querier address A`.
fn querier_address(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let addr: Option<Ipv4Addr> = if a.negated() {
        None
    } else {
        let addr = a.get("address")?;
        check_querier_address(addr).map_err(|e| reject(e.to_string()))?;
        Some(addr)
    };
    match vlan_of(a)? {
        Some(vlan) => edit_vlan(ctx, vlan, |v| v.querier.address = addr),
        None => igmp(ctx).querier.address = addr,
    }
    Ok(())
}

/// `[no] ip igmp snooping [vlan N] querier query-interval S`.
fn querier_query_interval(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    querier_value(
        ctx,
        a,
        "query-interval",
        |q| &mut q.query_interval_s,
        |o| &mut o.query_interval_s,
    )
}

/// `[no] ip igmp snooping [vlan N] querier max-response-time S`.
fn querier_max_response_time(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    querier_value(
        ctx,
        a,
        "max-response-time",
        |q| &mut q.max_response_time_s,
        |o| &mut o.max_response_time_s,
    )
}

/// `[no] ip igmp snooping [vlan N] querier timer expiry S`.
fn querier_timer_expiry(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    querier_value(
        ctx,
        a,
        "expiry",
        |q| &mut q.timer_expiry_s,
        |o| &mut o.timer_expiry_s,
    )
}

/// `[no] ip igmp snooping [vlan N] querier version N`.
fn querier_version(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    querier_value(ctx, a, "version", |q| &mut q.version, |o| &mut o.version)
}

/// The line's interface, resolved to its canonical name; an SVI is
/// refused. That it exists is checked with the whole configuration (a
/// startup-config names ports before their `interface` blocks).
fn port_of(ctx: &ConfigCtx<'_>, a: &Args) -> Result<String, ApplyError> {
    let typed = a.text("interface").unwrap_or_default();
    let name = lisa_ports::resolve_interface(ctx.cfg, typed).map_err(reject)?;
    check_port_name(&name).map_err(|e| reject(e.to_string()))?;
    Ok(name)
}

/// `[no] ip igmp snooping vlan N mrouter interface X`.
fn mrouter(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let vlan: u16 = a.get("vlan")?;
    let name = port_of(ctx, a)?;
    let on = !a.negated();
    edit_vlan(ctx, vlan, |v| {
        if on {
            v.mrouters.insert(name);
        } else {
            v.mrouters.remove(&name);
        }
    });
    Ok(())
}

/// `[no] ip igmp snooping vlan N static G interface X`.
fn static_group(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let vlan: u16 = a.get("vlan")?;
    let group: Ipv4Addr = a.get("group")?;
    check_group(group).map_err(|e| reject(e.to_string()))?;
    let name = port_of(ctx, a)?;
    let on = !a.negated();
    edit_vlan(ctx, vlan, |v| {
        if on {
            v.static_groups.entry(group).or_default().insert(name);
        } else if let Some(ports) = v.static_groups.get_mut(&group) {
            ports.remove(&name);
            if ports.is_empty() {
                v.static_groups.remove(&group);
            }
        }
    });
    Ok(())
}

/// The `querier` lines of a prefix (`ip igmp snooping`, `ip igmp snooping
/// vlan N`) for the values set.
fn querier_lines(out: &mut Vec<String>, prefix: &str, enabled: Option<bool>, q: &QuerierOverrides) {
    match enabled {
        Some(true) => out.push(format!("{prefix} querier")),
        Some(false) => out.push(format!("no {prefix} querier")),
        None => {}
    }
    if let Some(a) = q.address {
        out.push(format!("{prefix} querier address {a}"));
    }
    if let Some(s) = q.query_interval_s {
        out.push(format!("{prefix} querier query-interval {s}"));
    }
    if let Some(s) = q.max_response_time_s {
        out.push(format!("{prefix} querier max-response-time {s}"));
    }
    if let Some(s) = q.timer_expiry_s {
        out.push(format!("{prefix} querier timer expiry {s}"));
    }
    if let Some(v) = q.version {
        out.push(format!("{prefix} querier version {v}"));
    }
}

/// The global querier settings that differ from IOS's defaults, as
/// overrides of the defaults.
fn global_querier_changes(q: &QuerierSettings) -> QuerierOverrides {
    let d = QuerierSettings::default();
    let changed = |v: u32, d: u32| (v != d).then_some(v);
    QuerierOverrides {
        enabled: q.enabled.then_some(true),
        address: q.address,
        query_interval_s: changed(q.query_interval_s, d.query_interval_s),
        max_response_time_s: changed(q.max_response_time_s, d.max_response_time_s),
        timer_expiry_s: changed(q.timer_expiry_s, d.timer_expiry_s),
        version: (q.version != d.version).then_some(q.version),
    }
}

/// The lines of one VLAN: snooping off, immediate leave, its interval,
/// its mrouters and static groups, its querier settings.
fn vlan_lines(out: &mut Vec<String>, s: &IgmpSnoopingConfig, vlan: u16) {
    let prefix = format!("ip igmp snooping vlan {vlan}");
    if s.disabled_vlans.contains(&vlan) {
        out.push(format!("no {prefix}"));
    }
    let Some(v) = s.vlans.get(&vlan) else {
        return;
    };
    if v.immediate_leave {
        out.push(format!("{prefix} immediate-leave"));
    }
    if let Some(ms) = v.last_member_query_interval_ms {
        out.push(format!("{prefix} last-member-query-interval {ms}"));
    }
    for name in &v.mrouters {
        out.push(format!("{prefix} mrouter interface {name}"));
    }
    for (group, ports) in &v.static_groups {
        for name in ports {
            out.push(format!("{prefix} static {group} interface {name}"));
        }
    }
    querier_lines(out, &prefix, v.querier.enabled, &v.querier);
}

/// The `ip igmp snooping` lines that differ from IOS's defaults, in
/// order: the global ones, then each VLAN's.
pub fn lines(s: &IgmpSnoopingConfig) -> Vec<String> {
    let mut out = Vec::new();
    if !s.enabled {
        out.push("no ip igmp snooping".into());
    }
    if s.last_member_query_interval_ms != DEFAULT_LMQI_MS {
        out.push(format!(
            "ip igmp snooping last-member-query-interval {}",
            s.last_member_query_interval_ms
        ));
    }
    if !s.report_suppression {
        out.push("no ip igmp snooping report-suppression".into());
    }
    let q = global_querier_changes(&s.querier);
    querier_lines(&mut out, "ip igmp snooping", q.enabled, &q);
    for vlan in s.configured_vlans() {
        vlan_lines(&mut out, s, vlan);
    }
    out
}

/// The global lines, as IOS writes them.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let mut t = String::new();
    for l in lines(cfg.get::<IgmpSnoopingConfig>()) {
        let _ = writeln!(t, "{l}");
    }
    if !t.is_empty() {
        t.push_str("!\n");
    }
    out.block(ORDER, t);
}

#[cfg(test)]
mod tests;
