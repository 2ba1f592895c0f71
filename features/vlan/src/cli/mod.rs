//! The commands of feature `vlan`, with their handlers and rendering:
//! `vlan LIST` (enters `(config-vlan)#`), `no vlan LIST`, and `name`.

pub mod compat;
pub mod show;

use crate::model::{check_name, VlanConfig, VlanDb, VLAN_MODE};
use lisa_engine::render::{order, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{
    arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Mode, Node, Removed,
};
use lisa_types::{VlanSet, DEFAULT_VLAN};
use std::fmt::Write;

type Tree = Vec<Node<ConfigHandler>>;

/// Global-mode commands: `vlan LIST` and `no vlan LIST`.
pub fn global_commands() -> Tree {
    vec![
        kw(
            "vlan",
            "VLAN commands",
            vec![arg(
                "vlans",
                ArgKind::VlanList,
                "VLAN IDs, e.g. 10,20-30",
                vec![],
            )
            .runs(vlan as ConfigHandler)],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw(
                "vlan",
                "Delete VLANs",
                vec![arg(
                    "vlans",
                    ArgKind::VlanList,
                    "VLAN IDs, e.g. 10,20-30",
                    vec![],
                )
                .runs(no_vlan as ConfigHandler)],
            )],
        ),
    ]
}

/// VLAN-mode commands: `name WORD` and `no name`.
pub fn vlan_commands() -> Tree {
    vec![
        kw(
            "name",
            "Ascii name of the VLAN",
            vec![
                arg("name", ArgKind::Word, "The ascii name for the VLAN", vec![])
                    .runs(name as ConfigHandler),
            ],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("name", "Ascii name of the VLAN", vec![]).runs(name as ConfigHandler)],
        ),
    ]
}

fn vlan(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let set: VlanSet = a.get("vlans")?;
    let db = ctx.cfg.get_mut::<VlanDb>();
    for v in set.iter() {
        db.vlans.entry(v).or_insert_with(|| VlanConfig::new(v));
    }
    *ctx.mode = Mode::sub(VLAN_MODE, set.iter().map(|v| v.to_string()).collect());
    Ok(())
}

fn no_vlan(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let set: VlanSet = a.get("vlans")?;
    if set.contains(DEFAULT_VLAN) {
        return Err(reject("Default VLAN 1 may not be deleted."));
    }
    let db = ctx.cfg.get_mut::<VlanDb>();
    for v in set.iter() {
        db.vlans.remove(&v);
    }
    ctx.removed(Removed::Vlans(Box::new(set)));
    Ok(())
}

fn name(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let given = if a.negated() {
        None
    } else {
        Some(a.text("name").unwrap_or_default())
    };
    if let Some(n) = given {
        check_name(n).map_err(reject)?;
    }
    for t in ctx.targets() {
        let id: u16 = t.parse().map_err(|_| reject(format!("bad VLAN {t}")))?;
        let name = given
            .map(str::to_string)
            .unwrap_or_else(|| VlanConfig::default_name(id));
        crate::model::check_rename(id, &name).map_err(reject)?;
        ctx.cfg
            .get_mut::<VlanDb>()
            .vlans
            .entry(id)
            .or_insert_with(|| VlanConfig::new(id))
            .name = name;
    }
    Ok(())
}

/// `vlan N` blocks for every VLAN but 1, with `name` when it is not the default.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let mut s = String::new();
    for (id, v) in &cfg.get::<VlanDb>().vlans {
        if *id == DEFAULT_VLAN && v.name == VlanConfig::default_name(*id) {
            continue;
        }
        let _ = writeln!(s, "vlan {id}");
        if v.name != VlanConfig::default_name(*id) {
            let _ = writeln!(s, " name {}", v.name);
        }
        s.push_str("!\n");
    }
    out.block(order::VLANS, s);
}

#[cfg(test)]
mod tests;
