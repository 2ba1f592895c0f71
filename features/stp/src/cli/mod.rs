//! The commands of feature `stp`, with their handlers and rendering.
//! Global: `spanning-tree mode pvst | rapid-pvst`, `spanning-tree extend
//! system-id`, `spanning-tree pathcost method long | short`,
//! `spanning-tree portfast [edge] default`, `spanning-tree portfast [edge]
//! bpduguard default`, `spanning-tree vlan LIST priority N`, `errdisable
//! recovery cause bpduguard`, `errdisable recovery interval N`.
//! Interface: `spanning-tree portfast [edge] [trunk] | disable`,
//! `spanning-tree bpduguard enable | disable`, `spanning-tree cost N`,
//! `spanning-tree port-priority N`, `spanning-tree vlan LIST cost N |
//! port-priority N`, `spanning-tree link-type point-to-point | shared`.
//! Every one has its `no` form.

pub mod show;

use crate::model::{LinkType, Mode, StpConfig, StpPort, DEFAULT_RECOVERY_INTERVAL};
use lisa_engine::render::{order, rank, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use lisa_types::VlanSet;
use std::collections::BTreeMap;
use std::fmt::Write;

type Tree = Vec<Node<ConfigHandler>>;

const STP_HELP: &str = "Spanning Tree Subsystem";
const NO_HELP: &str = "Negate a command or set its defaults";

/// A number argument that ends the line (optional after `no`).
fn number(
    name: &'static str,
    lo: u32,
    hi: u32,
    help: &'static str,
    h: ConfigHandler,
    negated: bool,
) -> Node<ConfigHandler> {
    let k = kw(
        name,
        help,
        vec![arg(name, ArgKind::Number(lo, hi), help, vec![]).runs(h)],
    );
    if negated {
        k.runs(h)
    } else {
        k
    }
}

fn global_body(negated: bool) -> Tree {
    let mode = set_mode as ConfigHandler;
    let fast = portfast_default as ConfigHandler;
    let fast_tail = || {
        vec![
            kw(
                "default",
                "Enable portfast by default on all access ports",
                vec![],
            )
            .runs(fast),
            kw(
                "bpduguard",
                "Enable BPDU guard for this interface",
                vec![kw(
                    "default",
                    "Enable bdpu guard by default on all portfast edge ports",
                    vec![],
                )
                .runs(fast)],
            ),
        ]
    };
    let mut fast_children = fast_tail();
    fast_children.push(kw("edge", "Enable portfast edge by default", fast_tail()));
    vec![
        {
            let k = kw(
                "mode",
                "Spanning tree operating mode",
                vec![
                    kw("pvst", "Per-Vlan spanning tree mode", vec![]).runs(mode),
                    kw("rapid-pvst", "Per-Vlan rapid spanning tree mode", vec![]).runs(mode),
                    kw("mst", "Multiple spanning tree mode", vec![]).runs(mode),
                ],
            );
            if negated {
                k.runs(mode)
            } else {
                k
            }
        },
        kw(
            "extend",
            "Spanning Tree 802.1t extensions",
            vec![kw("system-id", "Extend 12 bit system-id", vec![]).runs(extend as ConfigHandler)],
        ),
        kw(
            "pathcost",
            "Spanning tree pathcost options",
            vec![kw(
                "method",
                "Method to calculate default port path cost",
                vec![
                    kw(
                        "long",
                        "32 bit based values for default port path costs",
                        vec![],
                    )
                    .runs(pathcost as ConfigHandler),
                    kw(
                        "short",
                        "16 bit based values for default port path costs",
                        vec![],
                    )
                    .runs(pathcost as ConfigHandler),
                ],
            )],
        ),
        kw("portfast", "Spanning tree portfast options", fast_children),
        kw(
            "vlan",
            "VLAN Switch Spanning Tree",
            vec![arg(
                "vlans",
                ArgKind::VlanList,
                "Spanning tree VLAN id(s)",
                vec![number(
                    "priority",
                    0,
                    61440,
                    "Set the bridge priority for the spanning tree",
                    bridge_priority,
                    negated,
                )],
            )],
        ),
    ]
}

fn errdisable_body(negated: bool) -> Tree {
    vec![kw(
        "recovery",
        "Error disable recovery",
        vec![
            kw(
                "cause",
                "Enable error disable recovery for application",
                vec![kw(
                    "bpduguard",
                    "Enable timer to recover from BPDU Guard error",
                    vec![],
                )
                .runs(recovery_cause as ConfigHandler)],
            ),
            number(
                "interval",
                30,
                86400,
                "Error disable recovery timer value",
                recovery_interval,
                negated,
            ),
        ],
    )]
}

/// Global-mode commands.
pub fn global_commands() -> Tree {
    vec![
        kw("spanning-tree", STP_HELP, global_body(false)),
        kw("errdisable", "Error disable", errdisable_body(false)),
        kw(
            "no",
            NO_HELP,
            vec![
                kw("spanning-tree", STP_HELP, global_body(true)),
                kw("errdisable", "Error disable", errdisable_body(true)),
            ],
        ),
    ]
}

fn interface_body(negated: bool) -> Tree {
    let fast = portfast as ConfigHandler;
    let trunk = || {
        kw(
            "trunk",
            "Enable portfast on the interface even in trunk mode",
            vec![],
        )
        .runs(fast)
    };
    let guard = bpduguard as ConfigHandler;
    let guard_kw = kw(
        "bpduguard",
        "Don't accept BPDUs on this interface",
        vec![
            kw("enable", "Enable BPDU guard for this interface", vec![]).runs(guard),
            kw("disable", "Disable BPDU guard for this interface", vec![]).runs(guard),
        ],
    );
    let link = link_type as ConfigHandler;
    let link_kw = kw(
        "link-type",
        "Specify a link type for spanning tree protocol use",
        vec![
            kw(
                "point-to-point",
                "Consider the interface as point-to-point",
                vec![],
            )
            .runs(link),
            kw("shared", "Consider the interface as shared", vec![]).runs(link),
        ],
    );
    vec![
        kw(
            "portfast",
            "Spanning tree portfast options",
            vec![
                kw(
                    "edge",
                    "Enable portfast edge on the interface",
                    vec![trunk()],
                )
                .runs(fast),
                trunk(),
                kw("disable", "Disable portfast for this interface", vec![]).runs(fast),
            ],
        )
        .runs(fast),
        if negated {
            guard_kw.runs(guard)
        } else {
            guard_kw
        },
        number(
            "cost",
            1,
            200_000_000,
            "Change an interface's spanning tree port path cost",
            port_cost,
            negated,
        ),
        number(
            "port-priority",
            0,
            240,
            "Change an interface's spanning tree port priority",
            port_priority,
            negated,
        ),
        kw(
            "vlan",
            "VLAN Switch Spanning Tree",
            vec![arg(
                "vlans",
                ArgKind::VlanList,
                "Spanning tree VLAN id(s)",
                vec![
                    number(
                        "cost",
                        1,
                        200_000_000,
                        "Change an interface's per VLAN spanning tree path cost",
                        port_cost,
                        negated,
                    ),
                    number(
                        "port-priority",
                        0,
                        240,
                        "Change an interface's spanning tree port priority",
                        port_priority,
                        negated,
                    ),
                ],
            )],
        ),
        if negated { link_kw.runs(link) } else { link_kw },
    ]
}

/// Interface-mode commands.
pub fn interface_commands() -> Tree {
    vec![
        kw(
            "spanning-tree",
            "Spanning Tree Subsystem",
            interface_body(false),
        ),
        kw(
            "no",
            NO_HELP,
            vec![kw(
                "spanning-tree",
                "Spanning Tree Subsystem",
                interface_body(true),
            )],
        ),
    ]
}

fn stp<'c>(ctx: &'c mut ConfigCtx<'_>) -> &'c mut StpConfig {
    ctx.cfg.get_mut::<StpConfig>()
}

fn set_mode(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    if a.has("mst") && !a.negated() {
        return Err(reject(
            "MST is not supported: LiSA-DP runs one rapid spanning tree for all VLANs (spanning-tree mode rapid-pvst)",
        ));
    }
    stp(ctx).mode = match (a.negated(), a.has("pvst")) {
        (true, _) => None,
        (false, true) => Some(Mode::Pvst),
        (false, false) => Some(Mode::RapidPvst),
    };
    Ok(())
}

fn extend(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    stp(ctx).extend_system_id = !a.negated();
    Ok(())
}

fn pathcost(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    stp(ctx).pathcost_long = a.has("long") && !a.negated();
    Ok(())
}

fn portfast_default(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let on = !a.negated();
    if a.has("bpduguard") {
        stp(ctx).bpduguard_default = on;
    } else {
        stp(ctx).portfast_default = on;
    }
    Ok(())
}

fn vlans(a: &Args) -> Result<VlanSet, ApplyError> {
    a.text("vlans")
        .unwrap_or_default()
        .parse()
        .map_err(|e: lisa_types::VlanSetError| reject(e.to_string()))
}

fn bridge_priority(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let set = vlans(a)?;
    let p: Option<u16> = if a.negated() {
        None
    } else {
        Some(a.get("priority")?)
    };
    let s = stp(ctx);
    for v in set.iter() {
        match p {
            Some(p) => s.vlan_priority.insert(v, p),
            None => s.vlan_priority.remove(&v),
        };
    }
    Ok(())
}

fn recovery_cause(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    stp(ctx).recovery_bpduguard = !a.negated();
    Ok(())
}

fn recovery_interval(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    stp(ctx).recovery_interval = if a.negated() {
        DEFAULT_RECOVERY_INTERVAL
    } else {
        a.get("interval")?
    };
    Ok(())
}

/// Runs `f` on the settings of every port of the sub-mode; a port left
/// with none goes.
fn each(ctx: &mut ConfigCtx<'_>, f: impl Fn(&mut StpPort)) -> Result<(), ApplyError> {
    for name in ctx.targets() {
        if lisa_types::is_svi(&name) {
            return Err(reject(
                "Spanning tree runs on switch ports, not on a VLAN interface",
            ));
        }
        let ports = &mut stp(ctx).ports;
        let p = ports.entry(name.clone()).or_default();
        f(p);
        if p.is_default() {
            ports.remove(&name);
        }
    }
    Ok(())
}

fn portfast(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let (negated, disable) = (a.negated(), a.has("disable"));
    let (edge, trunk) = (a.has("edge"), a.has("trunk"));
    each(ctx, |p| {
        if negated {
            p.portfast = None;
            p.edge_keyword = false;
            p.portfast_trunk = false;
        } else if disable {
            p.portfast = Some(false);
            p.edge_keyword = false;
            p.portfast_trunk = false;
        } else {
            p.portfast = Some(true);
            p.edge_keyword = edge;
            p.portfast_trunk = trunk;
        }
    })
}

fn bpduguard(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let v = if a.negated() {
        None
    } else {
        Some(a.has("enable"))
    };
    each(ctx, |p| p.bpduguard = v)
}

fn per_vlan<T: Copy>(map: &mut BTreeMap<u16, T>, set: &VlanSet, v: Option<T>) {
    for vlan in set.iter() {
        match v {
            Some(x) => map.insert(vlan, x),
            None => map.remove(&vlan),
        };
    }
}

/// A per-port number (`cost`, `port-priority`): the port's own (`own`), or
/// with `vlan LIST` each listed VLAN's (`by_vlan`); cleared by `no`.
fn port_number<T>(
    ctx: &mut ConfigCtx<'_>,
    a: &Args,
    arg: &'static str,
    own: fn(&mut StpPort) -> &mut Option<T>,
    by_vlan: fn(&mut StpPort) -> &mut BTreeMap<u16, T>,
) -> Result<(), ApplyError>
where
    T: Copy + std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let v: Option<T> = if a.negated() { None } else { Some(a.get(arg)?) };
    if a.text("vlans").is_some() {
        let set = vlans(a)?;
        return each(ctx, |p| per_vlan(by_vlan(p), &set, v));
    }
    each(ctx, |p| *own(p) = v)
}

fn port_cost(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    port_number(ctx, a, "cost", |p| &mut p.cost, |p| &mut p.vlan_cost)
}

fn port_priority(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    port_number(
        ctx,
        a,
        "port-priority",
        |p| &mut p.priority,
        |p| &mut p.vlan_priority,
    )
}

fn link_type(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let v = match (a.negated(), a.has("shared")) {
        (true, _) => None,
        (false, true) => Some(LinkType::Shared),
        (false, false) => Some(LinkType::PointToPoint),
    };
    each(ctx, |p| p.link_type = v)
}

/// `map`'s keys grouped by value, as IOS writes per-VLAN lines.
fn by_value<T: Copy + Ord>(map: &BTreeMap<u16, T>) -> BTreeMap<T, VlanSet> {
    let mut out: BTreeMap<T, VlanSet> = BTreeMap::new();
    for (&v, &x) in map {
        out.entry(x).or_insert_with(VlanSet::none).insert(v);
    }
    out
}

/// The global lines, as IOS writes them.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let s = cfg.get::<StpConfig>();
    let mut t = String::new();
    if s.recovery_bpduguard {
        t.push_str("errdisable recovery cause bpduguard\n");
    }
    if s.recovery_interval != DEFAULT_RECOVERY_INTERVAL {
        let _ = writeln!(t, "errdisable recovery interval {}", s.recovery_interval);
    }
    if let Some(m) = s.mode {
        let _ = writeln!(t, "spanning-tree mode {}", m.keyword());
    }
    if s.portfast_default {
        t.push_str("spanning-tree portfast default\n");
    }
    if s.bpduguard_default {
        t.push_str("spanning-tree portfast bpduguard default\n");
    }
    if !s.extend_system_id {
        t.push_str("no spanning-tree extend system-id\n");
    } else if s.mode.is_some() {
        t.push_str("spanning-tree extend system-id\n");
    }
    if s.pathcost_long {
        t.push_str("spanning-tree pathcost method long\n");
    }
    for (p, set) in by_value(&s.vlan_priority) {
        let _ = writeln!(t, "spanning-tree vlan {set} priority {p}");
    }
    if !t.is_empty() {
        t.push_str("!\n");
    }
    out.block(order::STP, t);
}

/// The interface lines.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    let Some(p) = cfg.get::<StpConfig>().ports.get(name) else {
        return;
    };
    let mut line = |l: String| out.push((rank::STP, l));
    match p.portfast {
        Some(true) => {
            let edge = if p.edge_keyword { " edge" } else { "" };
            let trunk = if p.portfast_trunk { " trunk" } else { "" };
            line(format!("spanning-tree portfast{edge}{trunk}"));
        }
        Some(false) => line("spanning-tree portfast disable".into()),
        None => {}
    }
    match p.bpduguard {
        Some(true) => line("spanning-tree bpduguard enable".into()),
        Some(false) => line("spanning-tree bpduguard disable".into()),
        None => {}
    }
    if let Some(c) = p.cost {
        line(format!("spanning-tree cost {c}"));
    }
    if let Some(c) = p.priority {
        line(format!("spanning-tree port-priority {c}"));
    }
    for (c, set) in by_value(&p.vlan_cost) {
        line(format!("spanning-tree vlan {set} cost {c}"));
    }
    for (c, set) in by_value(&p.vlan_priority) {
        line(format!("spanning-tree vlan {set} port-priority {c}"));
    }
    match p.link_type {
        Some(LinkType::PointToPoint) => line("spanning-tree link-type point-to-point".into()),
        Some(LinkType::Shared) => line("spanning-tree link-type shared".into()),
        None => {}
    }
}

#[cfg(test)]
mod tests;
