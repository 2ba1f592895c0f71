//! The commands of feature `lldp`, with their handlers and rendering:
//! global `lldp run`, `lldp timer N`, `lldp holdtime N`, `lldp reinit N`;
//! interface `lldp transmit`, `lldp receive`; and their `no` forms.

pub mod show;

use crate::model::{LldpConfig, DEFAULT_HOLDTIME, DEFAULT_REINIT, DEFAULT_TIMER};
use lisa_engine::render::{order, rank, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use std::fmt::Write;

type Tree = Vec<Node<ConfigHandler>>;

const LLDP_HELP: &str = "Global LLDP configuration subcommands";

/// `run`, `timer N`, `holdtime N`, `reinit N` after `lldp` (the number
/// optional after `no`).
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
        kw("run", "Enable LLDP", vec![]).runs(run as ConfigHandler),
        number(
            "timer",
            5,
            65534,
            "Specify the rate at which LLDP packets are sent (in sec)",
            timer,
        ),
        number(
            "holdtime",
            0,
            65535,
            "Specify the holdtime (in sec) to be sent in packets",
            holdtime,
        ),
        number(
            "reinit",
            2,
            5,
            "Delay (in sec) for LLDP initialization on any interface",
            reinit,
        ),
    ]
}

/// Global-mode commands.
pub fn global_commands() -> Tree {
    vec![
        kw("lldp", LLDP_HELP, global_body(false)),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("lldp", LLDP_HELP, global_body(true))],
        ),
    ]
}

/// `transmit` and `receive` after `lldp` in interface mode.
fn interface_body() -> Tree {
    let h = direction as ConfigHandler;
    vec![
        kw("transmit", "Enable LLDP transmission on interface", vec![]).runs(h),
        kw("receive", "Enable LLDP reception on interface", vec![]).runs(h),
    ]
}

/// Interface-mode commands.
pub fn interface_commands() -> Tree {
    let help = "LLDP interface subcommands";
    vec![
        kw("lldp", help, interface_body()),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("lldp", help, interface_body())],
        ),
    ]
}

fn lldp<'c>(ctx: &'c mut ConfigCtx<'_>) -> &'c mut LldpConfig {
    ctx.cfg.get_mut::<LldpConfig>()
}

fn run(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    lldp(ctx).run = !a.negated();
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
    lldp(ctx).timer = number(a, "timer", DEFAULT_TIMER)?;
    Ok(())
}

fn holdtime(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    lldp(ctx).holdtime = number(a, "holdtime", DEFAULT_HOLDTIME)?;
    Ok(())
}

fn reinit(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    lldp(ctx).reinit = number(a, "reinit", DEFAULT_REINIT)?;
    Ok(())
}

fn direction(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let off = a.negated();
    let transmit = a.has("transmit");
    for name in ctx.targets() {
        if lisa_types::is_svi(&name) {
            return Err(reject("LLDP runs on switch ports, not on a VLAN interface"));
        }
        let l = lldp(ctx);
        let set = if transmit {
            &mut l.no_transmit
        } else {
            &mut l.no_receive
        };
        if off {
            set.insert(name);
        } else {
            set.remove(&name);
        }
    }
    Ok(())
}

/// The global lines, as IOS writes them: timers, then `lldp run`.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let l = cfg.get::<LldpConfig>();
    let mut s = String::new();
    if l.timer != DEFAULT_TIMER {
        let _ = writeln!(s, "lldp timer {}", l.timer);
    }
    if l.holdtime != DEFAULT_HOLDTIME {
        let _ = writeln!(s, "lldp holdtime {}", l.holdtime);
    }
    if l.reinit != DEFAULT_REINIT {
        let _ = writeln!(s, "lldp reinit {}", l.reinit);
    }
    if l.run {
        s.push_str("lldp run\n");
    }
    if !s.is_empty() {
        s.push_str("!\n");
    }
    out.block(order::LLDP, s);
}

/// The interface lines: `no lldp transmit`, `no lldp receive`.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    let l = cfg.get::<LldpConfig>();
    if l.no_transmit.contains(name) {
        out.push((rank::LLDP, "no lldp transmit".into()));
    }
    if l.no_receive.contains(name) {
        out.push((rank::LLDP, "no lldp receive".into()));
    }
}

#[cfg(test)]
mod tests;
