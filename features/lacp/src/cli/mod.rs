//! The commands of feature `lacp`, with their handlers and rendering.
//! Global: `lacp system-priority N`, `port-channel load-balance METHOD`.
//! Interface: `channel-group N mode active | passive | on`, `lacp
//! port-priority N`, `lacp rate fast | normal`. Every one has its `no`
//! form. `interface Port-channelN` is feature `ports`' own command.

pub mod show;

use crate::model::{
    check_group, check_member, ensure_port_channel, ChannelGroup, ChannelMode, LacpConfig,
    LacpPortConfig, LoadBalance, DEFAULT_PORT_PRIORITY, DEFAULT_SYSTEM_PRIORITY, MAX_GROUP,
    MIN_GROUP,
};
use lisa_engine::render::{order, rank, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use std::fmt::Write;

type Tree = Vec<Node<ConfigHandler>>;

const NO_HELP: &str = "Negate a command or set its defaults";
const LACP_HELP: &str = "LACP configuration";
const CHANNEL_GROUP_HELP: &str = "Etherchannel/port bundling configuration";
const LOAD_BALANCE_HELP: &str = "Load Balancing method";

/// A priority (0-65535) that ends the line; optional after `no`.
fn priority(
    word: &'static str,
    help: &'static str,
    h: ConfigHandler,
    negated: bool,
) -> Node<ConfigHandler> {
    let k = kw(
        word,
        help,
        vec![arg(
            "priority",
            ArgKind::Number(0, 65535),
            "Priority value",
            vec![],
        )
        .runs(h)],
    );
    if negated {
        k.runs(h)
    } else {
        k
    }
}

/// IOS's help for a load-balancing method.
fn load_balance_help(m: LoadBalance) -> &'static str {
    match m {
        LoadBalance::SrcMac => "Src Mac Addr",
        LoadBalance::DstMac => "Dst Mac Addr",
        LoadBalance::SrcDstMac => "Src XOR Dst Mac Addr",
        LoadBalance::SrcIp => "Src IP Addr",
        LoadBalance::DstIp => "Dst IP Addr",
        LoadBalance::SrcDstIp => "Src XOR Dst IP Addr",
        LoadBalance::SrcPort => "Src TCP/UDP Port",
        LoadBalance::DstPort => "Dst TCP/UDP Port",
        LoadBalance::SrcDstPort => "Src XOR Dst TCP/UDP Port",
    }
}

/// `port-channel load-balance METHOD` (`METHOD` optional after `no`).
fn load_balance_tree(negated: bool) -> Node<ConfigHandler> {
    let h = load_balance as ConfigHandler;
    let methods = LoadBalance::ALL
        .into_iter()
        .map(|m| kw(m.keyword(), load_balance_help(m), vec![]).runs(h))
        .collect();
    let k = kw("load-balance", LOAD_BALANCE_HELP, methods);
    kw(
        "port-channel",
        "EtherChannel configuration",
        vec![if negated { k.runs(h) } else { k }],
    )
}

/// Global-mode commands.
pub fn global_commands() -> Tree {
    let system = system_priority as ConfigHandler;
    let lacp = |negated| {
        kw(
            "lacp",
            LACP_HELP,
            vec![priority(
                "system-priority",
                "LACP System priority",
                system,
                negated,
            )],
        )
    };
    vec![
        lacp(false),
        load_balance_tree(false),
        kw("no", NO_HELP, vec![lacp(true), load_balance_tree(true)]),
    ]
}

/// IOS's help for a channel mode.
fn mode_help(m: ChannelMode) -> &'static str {
    match m {
        ChannelMode::Active => "Enable LACP unconditionally",
        ChannelMode::Passive => "Enable LACP only if a LACP device is detected",
        ChannelMode::On => "Enable Etherchannel only",
    }
}

/// `channel-group <1-64> mode active | passive | on`.
fn channel_group_tree() -> Node<ConfigHandler> {
    let h = channel_group as ConfigHandler;
    let modes = ChannelMode::ALL
        .into_iter()
        .map(|m| kw(m.keyword(), mode_help(m), vec![]).runs(h))
        .collect();
    kw(
        "channel-group",
        CHANNEL_GROUP_HELP,
        vec![arg(
            "group",
            ArgKind::Number(u32::from(MIN_GROUP), u32::from(MAX_GROUP)),
            "Channel group number",
            vec![kw("mode", "Etherchannel Mode of the interface", modes)],
        )],
    )
}

/// `lacp port-priority N`, `lacp rate fast | normal` (their values
/// optional after `no`).
fn interface_lacp_tree(negated: bool) -> Node<ConfigHandler> {
    let rate = port_rate as ConfigHandler;
    let rates = kw(
        "rate",
        "LACP rate (sent by the partner) on the port",
        vec![
            kw(
                "fast",
                "Request the partner to send LACPDUs every second",
                vec![],
            )
            .runs(rate),
            kw(
                "normal",
                "Request the partner to send LACPDUs every 30 seconds",
                vec![],
            )
            .runs(rate),
        ],
    );
    kw(
        "lacp",
        LACP_HELP,
        vec![
            priority(
                "port-priority",
                "LACP priority on this interface",
                port_priority,
                negated,
            ),
            if negated { rates.runs(rate) } else { rates },
        ],
    )
}

/// Interface-mode commands.
pub fn interface_commands() -> Tree {
    vec![
        channel_group_tree(),
        interface_lacp_tree(false),
        kw(
            "no",
            NO_HELP,
            vec![
                kw("channel-group", CHANNEL_GROUP_HELP, vec![])
                    .runs(no_channel_group as ConfigHandler),
                interface_lacp_tree(true),
            ],
        ),
    ]
}

fn lacp<'c>(ctx: &'c mut ConfigCtx<'_>) -> &'c mut LacpConfig {
    ctx.cfg.get_mut::<LacpConfig>()
}

fn system_priority(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    lacp(ctx).system_priority = if a.negated() {
        DEFAULT_SYSTEM_PRIORITY
    } else {
        a.get("priority")?
    };
    Ok(())
}

fn load_balance(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let chosen = LoadBalance::ALL.into_iter().find(|m| a.has(m.keyword()));
    lacp(ctx).load_balance = match (a.negated(), chosen) {
        (false, Some(m)) => m,
        _ => LoadBalance::default(),
    };
    Ok(())
}

/// Refuses the sub-mode if one of its interfaces is an SVI or a
/// port-channel.
fn check_targets(targets: &[String]) -> Result<(), ApplyError> {
    for name in targets {
        check_member(name).map_err(reject)?;
    }
    Ok(())
}

/// Runs `f` on the settings of every port of the sub-mode, refusing an
/// SVI or a port-channel before changing any.
fn each(ctx: &mut ConfigCtx<'_>, f: impl Fn(&mut LacpPortConfig)) -> Result<(), ApplyError> {
    let targets = ctx.targets();
    check_targets(&targets)?;
    for name in &targets {
        lacp(ctx).edit(name, &f);
    }
    Ok(())
}

/// `channel-group N mode X`: the ports join group N (checked as a whole
/// before anything changes), and `Port-channelN` is created if it is new.
fn channel_group(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let group: u16 = a.get("group")?;
    let mode = ChannelMode::ALL
        .into_iter()
        .find(|m| a.has(m.keyword()))
        .unwrap_or(ChannelMode::On);
    let targets = ctx.targets();
    check_targets(&targets)?;
    let mut next = lacp(ctx).clone();
    for name in &targets {
        next.edit(name, |p| p.channel = Some(ChannelGroup { group, mode }));
    }
    check_group(&next, group, &targets).map_err(reject)?;
    *lacp(ctx) = next;
    if ensure_port_channel(ctx.cfg, group) {
        ctx.notice(format!(
            "Creating a port-channel interface Port-channel {group}"
        ));
    }
    Ok(())
}

fn no_channel_group(ctx: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    each(ctx, |p| p.channel = None)
}

fn port_priority(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let v: u16 = if a.negated() {
        DEFAULT_PORT_PRIORITY
    } else {
        a.get("priority")?
    };
    let v = (v != DEFAULT_PORT_PRIORITY).then_some(v);
    each(ctx, |p| p.port_priority = v)
}

fn port_rate(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let fast = a.has("fast") && !a.negated();
    each(ctx, |p| p.rate_fast = fast)
}

/// The global lines, as IOS writes them.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let s = cfg.get::<LacpConfig>();
    let mut t = String::new();
    if s.system_priority != DEFAULT_SYSTEM_PRIORITY {
        let _ = writeln!(t, "lacp system-priority {}", s.system_priority);
    }
    if s.load_balance != LoadBalance::default() {
        let _ = writeln!(t, "port-channel load-balance {}", s.load_balance.keyword());
    }
    if !t.is_empty() {
        t.push_str("!\n");
    }
    out.block(order::LACP, t);
}

/// The interface lines.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    let Some(p) = cfg.get::<LacpConfig>().ports.get(name) else {
        return;
    };
    let mut line = |l: String| out.push((rank::LACP, l));
    if let Some(prio) = p.port_priority {
        line(format!("lacp port-priority {prio}"));
    }
    if p.rate_fast {
        line("lacp rate fast".into());
    }
    if let Some(c) = p.channel {
        line(format!(
            "channel-group {} mode {}",
            c.group,
            c.mode.keyword()
        ));
    }
}

#[cfg(test)]
mod tests;
