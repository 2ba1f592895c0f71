//! The commands of feature `storm`, with their handlers and rendering.
//! Interface: `storm-control broadcast | multicast | unicast level {LEVEL
//! [LEVEL] | bps BPS [BPS] | pps PPS [PPS]}`, `storm-control action
//! shutdown | trap`, and their `no` forms (`no storm-control broadcast
//! level`, `no storm-control action trap`).

pub mod show;

use crate::model::{check_port_name, Class, Level, PortStorm, StormAction, StormConfig, Unit};
use lisa_engine::render::rank;
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};

type Tree = Vec<Node<ConfigHandler>>;

const NO_HELP: &str = "Negate a command or set its defaults";
const STORM_HELP: &str = "storm configuration";
const LEVEL_HELP: &str = "Set storm suppression level on this interface";
const ACTION_HELP: &str = "Action to take for storm-control";

/// IOS's help for a class keyword.
fn class_help(c: Class) -> &'static str {
    match c {
        Class::Broadcast => "Broadcast address storm control",
        Class::Multicast => "Multicast address storm control",
        Class::Unicast => "Unicast address storm control",
    }
}

/// IOS's help for an action keyword.
fn action_help(a: StormAction) -> &'static str {
    match a {
        StormAction::Shutdown => "Shutdown this interface if a storm occurs",
        StormAction::Trap => "Send SNMP trap if a storm occurs",
    }
}

/// `RISING [FALLING]`, each ending the line.
fn thresholds(h: ConfigHandler) -> Node<ConfigHandler> {
    arg(
        "rising",
        ArgKind::Word,
        "Enter rising threshold",
        vec![arg("falling", ArgKind::Word, "Enter falling threshold", vec![]).runs(h)],
    )
    .runs(h)
}

/// `level {LEVEL [LEVEL] | bps BPS [BPS] | pps PPS [PPS]}`; after `no`,
/// `level` alone ends the line too (the values are then ignored).
fn level_tree(negated: bool) -> Node<ConfigHandler> {
    let h = if negated {
        no_level as ConfigHandler
    } else {
        set_level as ConfigHandler
    };
    let k = kw(
        "level",
        LEVEL_HELP,
        vec![
            thresholds(h),
            kw(
                "bps",
                "Enter suppression level in bits per second",
                vec![thresholds(h)],
            ),
            kw(
                "pps",
                "Enter suppression level in packets per second",
                vec![thresholds(h)],
            ),
        ],
    );
    if negated {
        k.runs(h)
    } else {
        k
    }
}

/// `action shutdown | trap`.
fn action_tree(negated: bool) -> Node<ConfigHandler> {
    let h = if negated {
        no_action as ConfigHandler
    } else {
        set_action as ConfigHandler
    };
    let actions = StormAction::ALL
        .into_iter()
        .map(|a| kw(a.keyword(), action_help(a), vec![]).runs(h))
        .collect();
    kw("action", ACTION_HELP, actions)
}

/// `storm-control ...` (its `no` form when `negated`).
fn storm_tree(negated: bool) -> Node<ConfigHandler> {
    let mut children: Tree = Class::ALL
        .into_iter()
        .map(|c| kw(c.keyword(), class_help(c), vec![level_tree(negated)]))
        .collect();
    children.push(action_tree(negated));
    kw("storm-control", STORM_HELP, children)
}

/// Interface-mode commands.
pub fn interface_commands() -> Tree {
    vec![storm_tree(false), kw("no", NO_HELP, vec![storm_tree(true)])]
}

fn storm<'c>(ctx: &'c mut ConfigCtx<'_>) -> &'c mut StormConfig {
    ctx.cfg.get_mut::<StormConfig>()
}

/// Runs `f` on the settings of every port of the sub-mode, refusing an
/// SVI before changing any.
fn each(ctx: &mut ConfigCtx<'_>, f: impl Fn(&mut PortStorm)) -> Result<(), ApplyError> {
    let targets = ctx.targets();
    for name in &targets {
        check_port_name(name).map_err(reject)?;
    }
    for name in &targets {
        storm(ctx).edit(name, &f);
    }
    Ok(())
}

/// The class the line names.
fn class_of(a: &Args) -> Class {
    Class::ALL
        .into_iter()
        .find(|c| a.has(c.keyword()))
        .unwrap_or(Class::Broadcast)
}

/// The unit the line names (`bps`, `pps`, else percent).
fn unit_of(a: &Args) -> Unit {
    Unit::ALL
        .into_iter()
        .find(|u| u.keyword().is_some_and(|k| a.has(k)))
        .unwrap_or(Unit::Percent)
}

/// `storm-control CLASS level ...`.
fn set_level(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let rising = a.text("rising").unwrap_or_default();
    let level = Level::parse(unit_of(a), rising, a.text("falling")).map_err(reject)?;
    let class = class_of(a);
    each(ctx, |p| *p.level_mut(class) = Some(level))
}

/// `no storm-control CLASS level`.
fn no_level(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let class = class_of(a);
    each(ctx, |p| *p.level_mut(class) = None)
}

/// The action the line names.
fn action_of(a: &Args) -> StormAction {
    StormAction::ALL
        .into_iter()
        .find(|x| a.has(x.keyword()))
        .unwrap_or(StormAction::Shutdown)
}

/// `storm-control action X`: one action is kept; the last one set wins.
fn set_action(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let action = action_of(a);
    each(ctx, |p| p.action = Some(action))
}

/// `no storm-control action X`: removes X if it is the action set.
fn no_action(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let action = action_of(a);
    each(ctx, |p| {
        if p.action == Some(action) {
            p.action = None;
        }
    })
}

/// The `storm-control` lines of one port, in IOS's order: the levels by
/// class, then the action.
pub fn port_lines(p: &PortStorm) -> Vec<String> {
    let mut out: Vec<String> = p
        .levels()
        .map(|(c, l)| format!("storm-control {} level {}", c.keyword(), l.ios_words()))
        .collect();
    if let Some(a) = p.action {
        out.push(format!("storm-control action {}", a.keyword()));
    }
    out
}

/// The interface lines.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    if let Some(p) = cfg.get::<StormConfig>().ports.get(name) {
        out.extend(port_lines(p).into_iter().map(|l| (rank::STORM, l)));
    }
}

#[cfg(test)]
mod tests;
