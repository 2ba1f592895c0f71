//! The commands of feature `mirror`, with their handlers and rendering:
//! `monitor session N source interface LIST [rx | tx | both]` (LIST as
//! IOS takes it: `Ethernet1 - 3 , Ethernet5`, `e1,e3`, `Ethernet1-2`),
//! `monitor session N source vlan LIST [rx | tx | both]` (`10 - 20 , 30`),
//! `monitor session N destination interface Y`, and their `no` forms,
//! `no monitor session N | all | local`.

pub mod list;
pub mod show;

use crate::model::{Direction, MonitorConfig, Session, MAX_SESSION};
use lisa_engine::render::{order, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use lisa_ports::cli::expand_range;
use lisa_ports::resolve_interface;
use lisa_types::VlanSet;
use list::{compact_list, list_node, ListHelp};
use std::collections::BTreeMap;
use std::fmt::Write;

type Tree = Vec<Node<ConfigHandler>>;

/// `rx | tx | both` after a source, each ending the line.
fn directions(h: ConfigHandler) -> Tree {
    vec![
        kw("both", "Monitor received and transmitted traffic", vec![]).runs(h),
        kw("rx", "Monitor received traffic only", vec![]).runs(h),
        kw("tx", "Monitor transmitted traffic only", vec![]).runs(h),
    ]
}

/// The help of a source interface list.
const INTERFACE_LIST: ListHelp = ListHelp {
    first: "SPAN source interface(s): Ethernet1 - 3 , Ethernet5",
    more: "More of the list: ',' and an interface, or '-' and a last number",
};

/// The help of a source VLAN list.
const VLAN_LIST: ListHelp = ListHelp {
    first: "SPAN source VLAN(s): 10 - 20 , 30",
    more: "More of the list: ',' and a VLAN, or '-' and a last VLAN",
};

/// `source ...` and `destination ...` after `monitor session N`.
fn session_body() -> Tree {
    let src_if = source_interface as ConfigHandler;
    let src_vlan = source_vlan as ConfigHandler;
    vec![
        kw(
            "source",
            "SPAN source interface, VLAN",
            vec![
                kw(
                    "interface",
                    "SPAN source interface",
                    vec![list_node(&INTERFACE_LIST, &directions(src_if), src_if)],
                ),
                kw(
                    "vlan",
                    "SPAN source VLAN",
                    vec![list_node(&VLAN_LIST, &directions(src_vlan), src_vlan)],
                ),
            ],
        ),
        kw(
            "destination",
            "SPAN destination interface",
            vec![kw(
                "interface",
                "SPAN destination interface",
                vec![
                    arg("interface", ArgKind::Interface, "Interface name", vec![])
                        .runs(destination as ConfigHandler),
                ],
            )],
        ),
    ]
}

fn session_arg(children: Tree) -> Node<ConfigHandler> {
    arg(
        "session",
        ArgKind::Number(1, u32::from(MAX_SESSION)),
        "SPAN session number",
        children,
    )
}

/// Global-mode commands: `monitor session ...` and `no monitor session ...`.
pub fn global_commands() -> Tree {
    vec![
        kw(
            "monitor",
            "Monitoring different system events",
            vec![kw(
                "session",
                "Configure a SPAN session",
                vec![session_arg(session_body())],
            )],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw(
                "monitor",
                "Monitoring different system events",
                vec![kw(
                    "session",
                    "Configure a SPAN session",
                    vec![
                        session_arg(session_body()).runs(no_session as ConfigHandler),
                        kw("all", "Remove all SPAN sessions in the box", vec![])
                            .runs(no_all as ConfigHandler),
                        kw("local", "Remove all local SPAN sessions in the box", vec![])
                            .runs(no_all as ConfigHandler),
                    ],
                )],
            )],
        ),
    ]
}

/// The direction given, if any.
fn direction(a: &Args) -> Option<Direction> {
    ["rx", "tx", "both"]
        .into_iter()
        .find(|d| a.has(d))
        .and_then(|d| d.parse().ok())
}

/// `old` with `add` added (rx + tx = both).
fn union(old: Option<Direction>, add: Direction) -> Direction {
    match old {
        Some(o) if o != add => Direction::Both,
        _ => add,
    }
}

/// `old` without `take`; `None` when nothing is left.
fn minus(old: Direction, take: Direction) -> Option<Direction> {
    match (old, take) {
        (_, Direction::Both) => None,
        (Direction::Both, Direction::Rx) => Some(Direction::Tx),
        (Direction::Both, Direction::Tx) => Some(Direction::Rx),
        (o, t) if o == t => None,
        (o, _) => Some(o),
    }
}

/// Session `id` of the candidate, made if missing.
fn session<'c>(ctx: &'c mut ConfigCtx<'_>, a: &Args) -> Result<(u16, &'c mut Session), ApplyError> {
    let id: u16 = a.get("session")?;
    let s = ctx
        .cfg
        .get_mut::<MonitorConfig>()
        .sessions
        .entry(id)
        .or_default();
    Ok((id, s))
}

/// Drops session `id` if nothing is left in it.
fn tidy(ctx: &mut ConfigCtx<'_>, id: u16) {
    let m = ctx.cfg.get_mut::<MonitorConfig>();
    if m.sessions.get(&id).is_some_and(Session::is_empty) {
        m.sessions.remove(&id);
    }
}

fn interface(ctx: &ConfigCtx<'_>, a: &Args) -> Result<String, ApplyError> {
    resolve_interface(ctx.cfg, a.text("interface").unwrap_or_default()).map_err(reject)
}

/// Adds `dir` of every source in `keys` to `sources`, or takes it away
/// (`negated`); a source with nothing left goes.
fn change_sources<K: Ord>(
    sources: &mut BTreeMap<K, Direction>,
    keys: impl IntoIterator<Item = K>,
    dir: Direction,
    negated: bool,
) {
    for k in keys {
        let old = sources.remove(&k);
        let new = if negated {
            old.and_then(|o| minus(o, dir))
        } else {
            Some(union(old, dir))
        };
        if let Some(d) = new {
            sources.insert(k, d);
        }
    }
}

/// The interfaces of the line's source list, each resolved; an error
/// (and none of them) if any is bad.
fn source_interfaces(ctx: &ConfigCtx<'_>, a: &Args) -> Result<Vec<String>, ApplyError> {
    let list = compact_list(a).map_err(reject)?;
    expand_range(ctx.cfg, &list).map_err(reject)
}

fn source_interface(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let names = source_interfaces(ctx, a)?;
    let dir = direction(a).unwrap_or(Direction::Both);
    let negated = a.negated();
    let (id, s) = session(ctx, a)?;
    change_sources(&mut s.interfaces, names, dir, negated);
    tidy(ctx, id);
    Ok(())
}

fn source_vlan(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let set: VlanSet = compact_list(a)
        .map_err(reject)?
        .parse()
        .map_err(|e: lisa_types::VlanSetError| reject(e.to_string()))?;
    let dir = direction(a).unwrap_or(Direction::Both);
    let negated = a.negated();
    let (id, s) = session(ctx, a)?;
    change_sources(&mut s.vlans, set.iter(), dir, negated);
    tidy(ctx, id);
    Ok(())
}

fn destination(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let name = interface(ctx, a)?;
    let negated = a.negated();
    let (id, s) = session(ctx, a)?;
    if !negated {
        s.destination = Some(name);
    } else if s.destination.as_deref() == Some(name.as_str()) {
        s.destination = None;
    }
    tidy(ctx, id);
    Ok(())
}

fn no_session(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let id: u16 = a.get("session")?;
    ctx.cfg.get_mut::<MonitorConfig>().sessions.remove(&id);
    Ok(())
}

fn no_all(ctx: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    ctx.cfg.get_mut::<MonitorConfig>().sessions.clear();
    Ok(())
}

/// ` rx` / ` tx`, nothing for both (IOS's default).
fn suffix(d: Direction) -> &'static str {
    match d {
        Direction::Both => "",
        Direction::Rx => " rx",
        Direction::Tx => " tx",
    }
}

/// The `monitor session` lines, as IOS writes them: sources (VLANs
/// grouped by direction), then the destination.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let mut s = String::new();
    for (id, m) in &cfg.get::<MonitorConfig>().sessions {
        for (name, d) in &m.interfaces {
            let _ = writeln!(
                s,
                "monitor session {id} source interface {name}{}",
                suffix(*d)
            );
        }
        let mut by_dir: BTreeMap<&str, (Direction, VlanSet)> = BTreeMap::new();
        for (v, d) in &m.vlans {
            by_dir
                .entry(d.keyword())
                .or_insert_with(|| (*d, VlanSet::none()))
                .1
                .insert(*v);
        }
        for (d, set) in by_dir.values() {
            let _ = writeln!(s, "monitor session {id} source vlan {set}{}", suffix(*d));
        }
        if let Some(d) = &m.destination {
            let _ = writeln!(s, "monitor session {id} destination interface {d}");
        }
    }
    if !s.is_empty() {
        s.push_str("!\n");
    }
    out.block(order::MONITOR, s);
}

#[cfg(test)]
mod tests;
