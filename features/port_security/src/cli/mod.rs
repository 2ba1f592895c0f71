//! The commands of feature `port_security`, with their handlers and
//! rendering, all in interface mode under feature `l2`'s `switchport`
//! keyword (the engine merges the trees): `switchport port-security`,
//! `... maximum N`, `... violation protect | restrict | shutdown`, `...
//! mac-address [sticky] MAC [vlan N | vlan access]`, `... mac-address
//! sticky`, `... aging time N`, and their `no` forms. `... maximum N vlan
//! [LIST]` (per-VLAN maxima) is taken with a notice and not kept: the
//! port's maximum applies to every VLAN.

pub mod show;

use crate::model::{
    check_duplicates, check_interface, check_port, AddressKind, PortSecurity, PortSecurityConfig,
    Violation, DEFAULT_MAXIMUM, MAXIMUM_TOO_LOW, MAX_AGING, MAX_MAXIMUM, PORT_VLAN,
};
use lisa_engine::render::rank;
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use lisa_types::MacAddr;

type Tree = Vec<Node<ConfigHandler>>;

const NO_HELP: &str = "Negate a command or set its defaults";
const SWITCHPORT_HELP: &str = "Set switching mode characteristics";
const PORT_SECURITY_HELP: &str = "Security related command";
const MAC_HELP: &str = "48 bit mac address";

/// What a per-VLAN maximum gets: a notice that it is not kept.
pub const PER_VLAN_MAXIMUM_NOTICE: &str =
    "% Per-VLAN maximums are not kept: the port's maximum applies to every VLAN";

/// `k`, ending a line with `h` too when `negated` (a `no` form whose value
/// is optional).
fn optional_value(k: Node<ConfigHandler>, h: ConfigHandler, negated: bool) -> Node<ConfigHandler> {
    if negated {
        k.runs(h)
    } else {
        k
    }
}

/// `maximum <1-4096> [vlan [LIST]]` (the value optional after `no`).
fn maximum_tree(negated: bool) -> Node<ConfigHandler> {
    let h = maximum as ConfigHandler;
    let per_vlan = kw(
        "vlan",
        "Max secure addresses per vlan",
        vec![arg(
            "vlans",
            ArgKind::VlanList,
            "Vlans to which this applies",
            vec![],
        )
        .runs(h)],
    )
    .runs(h);
    let value = arg(
        "maximum",
        ArgKind::Number(1, MAX_MAXIMUM),
        "Maximum addresses",
        vec![per_vlan],
    )
    .runs(h);
    optional_value(
        kw("maximum", "Max secure addresses", vec![value]),
        h,
        negated,
    )
}

/// IOS's help for a violation mode.
fn violation_help(v: Violation) -> &'static str {
    match v {
        Violation::Protect => "Security violation protect mode",
        Violation::Restrict => "Security violation restrict mode",
        Violation::Shutdown => "Security violation shutdown mode",
    }
}

/// `violation protect | restrict | shutdown` (the mode optional after `no`).
fn violation_tree(negated: bool) -> Node<ConfigHandler> {
    let h = violation as ConfigHandler;
    let modes = Violation::ALL
        .into_iter()
        .map(|v| kw(v.keyword(), violation_help(v), vec![]).runs(h))
        .collect();
    optional_value(
        kw("violation", "Security violation mode", modes),
        h,
        negated,
    )
}

/// `MAC [vlan <1-4094> | vlan access]`.
fn address_node() -> Node<ConfigHandler> {
    let h = address as ConfigHandler;
    let vlan = kw(
        "vlan",
        "Specify the VLAN of the secure address",
        vec![
            arg(
                "vlan",
                ArgKind::VlanId,
                "VLAN id of the secure address",
                vec![],
            )
            .runs(h),
            kw("access", "The port's own VLAN", vec![]).runs(h),
        ],
    );
    arg("mac", ArgKind::Mac, MAC_HELP, vec![vlan]).runs(h)
}

/// `mac-address MAC [vlan ...]`, `mac-address sticky [MAC [vlan ...]]`.
fn mac_address_tree() -> Node<ConfigHandler> {
    kw(
        "mac-address",
        "Secure mac address",
        vec![
            address_node(),
            kw(
                "sticky",
                "Configure dynamic secure addresses as sticky",
                vec![address_node()],
            )
            .runs(sticky_learning as ConfigHandler),
        ],
    )
}

/// `aging time <0-1440>` (the value optional after `no`).
fn aging_tree(negated: bool) -> Node<ConfigHandler> {
    let h = aging as ConfigHandler;
    let time = kw(
        "time",
        "Port-security aging time",
        vec![arg(
            "minutes",
            ArgKind::Number(0, MAX_AGING),
            "Aging time in minutes; 0 disables aging",
            vec![],
        )
        .runs(h)],
    );
    kw(
        "aging",
        "Port-security aging commands",
        vec![optional_value(time, h, negated)],
    )
}

/// `switchport port-security ...`, or its `no` form.
fn switchport_tree(negated: bool) -> Node<ConfigHandler> {
    kw(
        "switchport",
        SWITCHPORT_HELP,
        vec![kw(
            "port-security",
            PORT_SECURITY_HELP,
            vec![
                aging_tree(negated),
                mac_address_tree(),
                maximum_tree(negated),
                violation_tree(negated),
            ],
        )
        .runs(enable as ConfigHandler)],
    )
}

/// Interface-mode commands.
pub fn interface_commands() -> Tree {
    vec![
        switchport_tree(false),
        kw("no", NO_HELP, vec![switchport_tree(true)]),
    ]
}

/// Runs `f` on the settings of every port of the sub-mode, on a copy
/// checked as a whole (each port's rules, no address on two ports) before
/// it replaces the section: a refused line changes nothing. An SVI is
/// refused before anything.
fn each(
    ctx: &mut ConfigCtx<'_>,
    f: impl Fn(&mut PortSecurity) -> Result<(), String>,
) -> Result<(), ApplyError> {
    let targets = ctx.targets();
    for name in &targets {
        check_interface(name).map_err(reject)?;
    }
    let mut next = ctx.cfg.get::<PortSecurityConfig>().clone();
    for name in &targets {
        next.edit(name, |p| {
            f(p)?;
            check_port(name, p)
        })
        .map_err(reject)?;
    }
    check_duplicates(ctx.cfg, &next).map_err(reject)?;
    *ctx.cfg.get_mut::<PortSecurityConfig>() = next;
    Ok(())
}

fn enable(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let on = !a.negated();
    each(ctx, |p| {
        p.enabled = on;
        Ok(())
    })
}

/// `maximum N`; with `vlan`, a per-VLAN maximum: noticed, not kept.
fn maximum(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    if a.has("vlan") {
        ctx.notice(PER_VLAN_MAXIMUM_NOTICE);
        return each(ctx, |_| Ok(()));
    }
    let n = if a.negated() {
        DEFAULT_MAXIMUM
    } else {
        a.get("maximum")?
    };
    each(ctx, |p| {
        if p.addresses.len() > n as usize {
            return Err(MAXIMUM_TOO_LOW.into());
        }
        p.maximum = n;
        Ok(())
    })
}

fn violation(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let chosen = Violation::ALL.into_iter().find(|v| a.has(v.keyword()));
    let v = match (a.negated(), chosen) {
        (false, Some(v)) => v,
        _ => Violation::default(),
    };
    each(ctx, |p| {
        p.violation = v;
        Ok(())
    })
}

/// `mac-address sticky`: sticky learning on; off with `no`, which takes
/// the sticky addresses out of the configuration too (as IOS does).
fn sticky_learning(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let on = !a.negated();
    each(ctx, |p| {
        p.sticky = on;
        if !on {
            p.addresses.retain(|_, k| *k != AddressKind::Sticky);
        }
        Ok(())
    })
}

/// `mac-address [sticky] MAC [vlan N | vlan access]`: a secure address
/// added (or its kind changed); with `no`, the address of that kind
/// removed.
fn address(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let mac: MacAddr = a.get("mac")?;
    let vlan = a.opt::<u16>("vlan")?.unwrap_or(PORT_VLAN);
    let kind = if a.has("sticky") {
        AddressKind::Sticky
    } else {
        AddressKind::Configured
    };
    let negated = a.negated();
    each(ctx, |p| {
        let key = (vlan, mac);
        if !negated {
            p.addresses.insert(key, kind);
        } else if p.addresses.get(&key) == Some(&kind) {
            p.addresses.remove(&key);
        }
        Ok(())
    })
}

fn aging(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let minutes = if a.negated() { 0 } else { a.get("minutes")? };
    each(ctx, |p| {
        p.aging_time = minutes;
        Ok(())
    })
}

/// `MAC`, with ` vlan N` for an address not in the port's own VLAN.
fn address_text(vlan: u16, mac: MacAddr) -> String {
    if vlan == PORT_VLAN {
        mac.to_cisco()
    } else {
        format!("{} vlan {vlan}", mac.to_cisco())
    }
}

/// A port's lines, in IOS's order: maximum, violation, sticky learning,
/// sticky addresses, configured addresses, aging time, and `switchport
/// port-security` itself last.
pub fn port_lines(p: &PortSecurity) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = |l: String| out.push(format!("switchport port-security{l}"));
    if p.maximum != DEFAULT_MAXIMUM {
        line(format!(" maximum {}", p.maximum));
    }
    if p.violation != Violation::default() {
        line(format!(" violation {}", p.violation.keyword()));
    }
    if p.sticky {
        line(" mac-address sticky".into());
    }
    for (vlan, mac) in p.addresses_of(AddressKind::Sticky) {
        line(format!(" mac-address sticky {}", address_text(vlan, mac)));
    }
    for (vlan, mac) in p.addresses_of(AddressKind::Configured) {
        line(format!(" mac-address {}", address_text(vlan, mac)));
    }
    if p.aging_time != 0 {
        line(format!(" aging time {}", p.aging_time));
    }
    if p.enabled {
        line(String::new());
    }
    out
}

/// The interface lines, at `rank::PORT_SECURITY` (after the other
/// `switchport` lines).
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    if let Some(p) = cfg.get::<PortSecurityConfig>().ports.get(name) {
        out.extend(port_lines(p).into_iter().map(|l| (rank::PORT_SECURITY, l)));
    }
}

#[cfg(test)]
mod tests;
