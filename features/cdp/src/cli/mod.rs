//! The commands of feature `cdp`, with their handlers and rendering:
//! global `cdp run`, `cdp timer N`, `cdp holdtime N`, `cdp advertise-v2`;
//! interface `cdp enable`; and their `no` forms.

pub mod show;

use crate::model::{CdpConfig, DEFAULT_HOLDTIME, DEFAULT_TIMER};
use lisa_engine::render::{order, rank, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use std::fmt::Write;

type Tree = Vec<Node<ConfigHandler>>;

const CDP_HELP: &str = "Global CDP configuration subcommands";

/// `run`, `timer N`, `holdtime N`, `advertise-v2` after `cdp` (the
/// number optional after `no`).
fn global_body(negated: bool) -> Tree {
    let number = |name, lo, hi, help: &'static str, h: ConfigHandler| {
        let n = arg(name, ArgKind::Number(lo, hi), help, vec![]).runs(h);
        let k = kw(name, help, vec![n]);
        if negated {
            k.runs(h)
        } else {
            k
        }
    };
    vec![
        kw("run", "Enable CDP", vec![]).runs(run as ConfigHandler),
        number(
            "timer",
            5,
            254,
            "Specify the rate at which CDP packets are sent (in sec)",
            timer,
        ),
        number(
            "holdtime",
            10,
            255,
            "Specify the holdtime (in sec) to be sent in packets",
            holdtime,
        ),
        kw("advertise-v2", "CDP sends version-2 advertisements", vec![])
            .runs(advertise_v2 as ConfigHandler),
    ]
}

/// Global-mode commands.
pub fn global_commands() -> Tree {
    vec![
        kw("cdp", CDP_HELP, global_body(false)),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("cdp", CDP_HELP, global_body(true))],
        ),
    ]
}

/// `enable` after `cdp` in interface mode.
fn interface_body() -> Tree {
    vec![kw("enable", "Enable CDP on interface", vec![]).runs(enable as ConfigHandler)]
}

/// Interface-mode commands.
pub fn interface_commands() -> Tree {
    let help = "CDP interface subcommands";
    vec![
        kw("cdp", help, interface_body()),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("cdp", help, interface_body())],
        ),
    ]
}

fn cdp<'c>(ctx: &'c mut ConfigCtx<'_>) -> &'c mut CdpConfig {
    ctx.cfg.get_mut::<CdpConfig>()
}

fn run(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    cdp(ctx).run = Some(!a.negated());
    Ok(())
}

/// The number of `name`, or `default` for the `no` form.
fn number(a: &Args, name: &'static str, default: u16) -> Result<u16, ApplyError> {
    if a.negated() {
        return Ok(default);
    }
    Ok(a.get::<u16>(name)?)
}

fn timer(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    cdp(ctx).timer = number(a, "timer", DEFAULT_TIMER)?;
    Ok(())
}

fn holdtime(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    cdp(ctx).holdtime = number(a, "holdtime", DEFAULT_HOLDTIME)?;
    Ok(())
}

fn advertise_v2(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    cdp(ctx).advertise_v2 = !a.negated();
    Ok(())
}

fn enable(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let off = a.negated();
    for name in ctx.targets() {
        if lisa_types::is_svi(&name) {
            return Err(reject("CDP runs on switch ports, not on a VLAN interface"));
        }
        let c = cdp(ctx);
        if off {
            c.disabled.insert(name);
        } else {
            c.disabled.remove(&name);
        }
    }
    Ok(())
}

/// The global lines, as IOS writes them: timers, the version, then `cdp
/// run` or `no cdp run` as written.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let c = cfg.get::<CdpConfig>();
    let mut s = String::new();
    if c.timer != DEFAULT_TIMER {
        let _ = writeln!(s, "cdp timer {}", c.timer);
    }
    if c.holdtime != DEFAULT_HOLDTIME {
        let _ = writeln!(s, "cdp holdtime {}", c.holdtime);
    }
    if !c.advertise_v2 {
        s.push_str("no cdp advertise-v2\n");
    }
    match c.run {
        Some(true) => s.push_str("cdp run\n"),
        Some(false) => s.push_str("no cdp run\n"),
        None => {}
    }
    if !s.is_empty() {
        s.push_str("!\n");
    }
    out.block(order::CDP, s);
}

/// The interface line: `no cdp enable`.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    if cfg.get::<CdpConfig>().disabled.contains(name) {
        out.push((rank::CDP, "no cdp enable".into()));
    }
}

#[cfg(test)]
mod tests;
