//! The commands of feature `ports`, with their handlers and rendering:
//! `interface X`, `interface range ...`, `no interface X` (an SVI, or an
//! unplugged port's settings), `default interface X`, and in interface
//! mode `description`, `shutdown`, `mtu`.

pub mod compat;
pub mod show;

use crate::model::{
    resolve_interface, InterfaceConfig, PortsConfig, DEFAULT_MTU, IF_MODE, MAX_DESCRIPTION,
    MAX_MTU, MIN_MTU,
};
use lisa_engine::render::{rank, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{
    arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Mode, Node, Removed,
};

type Tree = Vec<Node<ConfigHandler>>;

/// Global-mode commands: `interface`, `interface range`, `no interface`,
/// `default interface`.
pub fn global_commands() -> Tree {
    vec![
        kw(
            "interface",
            "Select an interface to configure",
            vec![
                kw(
                    "range",
                    "interface range command",
                    vec![arg(
                        "list",
                        ArgKind::Line,
                        "Interfaces: Ethernet1 - 4, Vhost2",
                        vec![],
                    )
                    .runs(interface_range as ConfigHandler)],
                ),
                arg(
                    "name",
                    ArgKind::Interface,
                    "Interface name (Ethernet1, Vhost2, ...)",
                    vec![],
                )
                .runs(interface as ConfigHandler),
            ],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw(
                "interface",
                "Delete a VLAN interface, or an unplugged port's settings",
                vec![arg(
                    "name",
                    ArgKind::Interface,
                    "Interface name (Vlan10, or a port not plugged)",
                    vec![],
                )
                .runs(no_interface as ConfigHandler)],
            )],
        ),
        kw(
            "default",
            "Set a command to its defaults",
            vec![kw(
                "interface",
                "Set an interface to its default configuration",
                vec![arg(
                    "name",
                    ArgKind::Interface,
                    "Interface name (Ethernet1, Vlan10, ...)",
                    vec![],
                )
                .runs(default_interface as ConfigHandler)],
            )],
        ),
    ]
}

/// Interface-mode commands: `description`, `shutdown`, `mtu` and their `no`.
pub fn interface_commands() -> Tree {
    vec![
        kw(
            "description",
            "Interface specific description",
            vec![arg(
                "text",
                ArgKind::Line,
                "Up to 240 characters describing this interface",
                vec![],
            )
            .runs(description as ConfigHandler)],
        ),
        kw("shutdown", "Shutdown the selected interface", vec![]).runs(shutdown as ConfigHandler),
        kw(
            "mtu",
            "Set the interface Maximum Transmission Unit (MTU)",
            vec![arg(
                "bytes",
                ArgKind::Number(u32::from(MIN_MTU), u32::from(MAX_MTU)),
                "MTU size in bytes",
                vec![],
            )
            .runs(mtu as ConfigHandler)],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                kw("description", "Interface specific description", vec![])
                    .runs(description as ConfigHandler),
                kw("shutdown", "Shutdown the selected interface", vec![])
                    .runs(shutdown as ConfigHandler),
                kw(
                    "mtu",
                    "Set the interface Maximum Transmission Unit (MTU)",
                    vec![],
                )
                .runs(mtu as ConfigHandler),
            ],
        ),
    ]
}

/// Makes sure `name` has settings: a switch port's or an SVI's.
fn create(cfg: &mut Config, name: &str) -> Result<(), ApplyError> {
    if let Some(Err(e)) = lisa_types::svi_vlan(name) {
        return Err(reject(e));
    }
    cfg.get_mut::<PortsConfig>()
        .interfaces
        .entry(name.to_string())
        .or_default();
    Ok(())
}

fn interface(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let typed = a.text("name").unwrap_or_default();
    let name = resolve_interface(ctx.cfg, typed).map_err(reject)?;
    create(ctx.cfg, &name)?;
    *ctx.mode = Mode::sub(IF_MODE, vec![name]);
    Ok(())
}

fn interface_range(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let names = expand_range(ctx.cfg, a.text("list").unwrap_or_default()).map_err(reject)?;
    for n in &names {
        create(ctx.cfg, n)?;
    }
    *ctx.mode = Mode::sub(IF_MODE, names);
    Ok(())
}

/// The interface a `no interface` / `default interface` line names: an
/// SVI (any), or a switch port that has settings or is plugged.
fn known_interface(ctx: &ConfigCtx<'_>, a: &Args) -> Result<String, ApplyError> {
    let name = resolve_interface(ctx.cfg, a.text("name").unwrap_or_default()).map_err(reject)?;
    if let Some(Err(e)) = lisa_types::svi_vlan(&name) {
        return Err(reject(e));
    }
    let ports = ctx.cfg.get::<PortsConfig>();
    if !lisa_types::is_svi(&name) && !ports.is_port(&name) {
        return Err(reject(format!("Interface {name} does not exist")));
    }
    Ok(name)
}

/// `no interface X`: an SVI, or the settings of a port that is not
/// plugged, go with everything that names them. A plugged port stays.
fn no_interface(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let name = known_interface(ctx, a)?;
    if ctx.cfg.get::<PortsConfig>().is_present(&name) {
        return Err(reject(format!(
            "Interface {name} is a plugged switch port and cannot be deleted; 'default interface {name}' clears its settings"
        )));
    }
    ctx.cfg.get_mut::<PortsConfig>().interfaces.remove(&name);
    ctx.removed(Removed::Interface(name));
    Ok(())
}

/// `default interface X`: its own settings back to the defaults (IOS:
/// "Interface X set to default configuration"). A port that is not
/// plugged keeps no settings at all.
fn default_interface(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let name = known_interface(ctx, a)?;
    let ports = ctx.cfg.get_mut::<PortsConfig>();
    if lisa_types::is_svi(&name) || ports.is_present(&name) {
        ports
            .interfaces
            .insert(name.clone(), InterfaceConfig::default());
    } else {
        ports.interfaces.remove(&name);
    }
    ctx.notice(format!("Interface {name} set to default configuration"));
    ctx.removed(Removed::InterfaceSettings(name));
    Ok(())
}

/// Runs `f` on the settings of every interface the sub-mode configures.
fn each(
    ctx: &mut ConfigCtx<'_>,
    mut f: impl FnMut(&str, &mut InterfaceConfig) -> Result<(), ApplyError>,
) -> Result<(), ApplyError> {
    for name in ctx.targets() {
        let ports = ctx.cfg.get_mut::<PortsConfig>();
        f(&name, ports.interfaces.entry(name.clone()).or_default())?;
    }
    Ok(())
}

fn description(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let text = if a.negated() {
        ""
    } else {
        a.text("text").unwrap_or_default()
    };
    if text.len() > MAX_DESCRIPTION {
        return Err(reject(format!(
            "Description is limited to {MAX_DESCRIPTION} characters"
        )));
    }
    each(ctx, |_, i| {
        i.description = text.to_string();
        Ok(())
    })
}

fn shutdown(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let down = !a.negated();
    each(ctx, |_, i| {
        i.shutdown = down;
        Ok(())
    })
}

fn mtu(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let mtu = if a.negated() {
        DEFAULT_MTU
    } else {
        a.get("bytes")?
    };
    each(ctx, |name, i| {
        if lisa_types::is_svi(name) {
            return Err(reject(
                "Not available on a VLAN interface: it has no switchport or MTU settings",
            ));
        }
        i.mtu = mtu;
        Ok(())
    })
}

/// The interfaces of an `interface range` list: comma-separated items,
/// each a name (`e1`, `web01-eth0`) or a name and a last number
/// (`Ethernet1 - 4`, `e1-4`, `vhost-user-1 - 3`), resolved like any
/// interface name.
pub fn expand_range(cfg: &Config, list: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for item in list.split(',') {
        let item: String = item.split_whitespace().collect::<Vec<_>>().join("");
        if item.is_empty() {
            return Err(format!("Bad interface range: '{list}'"));
        }
        // A name with dashes of its own (`web01-eth0`) is one interface.
        let ports = cfg.get::<PortsConfig>();
        if ports.interfaces.contains_key(&item) {
            if !out.contains(&item) {
                out.push(item);
            }
            continue;
        }
        let (first, last) = match item.rsplit_once('-') {
            Some((a, b)) => (a.to_string(), Some(b.to_string())),
            None => (item.clone(), None),
        };
        let digits = first.bytes().rev().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("Bad interface range: '{item}' needs a number"));
        }
        let (stem, start) = first.split_at(first.len() - digits);
        let start: u32 = start
            .parse()
            .map_err(|_| format!("Bad interface range: '{item}'"))?;
        let end: u32 = match last {
            Some(l) => l
                .parse()
                .map_err(|_| format!("Bad interface range: '{item}': the end must be a number"))?,
            None => start,
        };
        if end < start || end - start > 4096 {
            return Err(format!("Bad interface range: '{item}'"));
        }
        for n in start..=end {
            let name = resolve_interface(cfg, &format!("{stem}{n}"))?;
            if !lisa_types::valid_port_name(&name) {
                return Err(format!("Bad interface name {name}"));
            }
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    Ok(out)
}

/// Declares every interface block: switch ports by name, then SVIs by VLAN.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let ports = cfg.get::<PortsConfig>();
    let mut svis: Vec<(u16, &String)> = ports
        .interfaces
        .keys()
        .filter_map(|n| Some((lisa_types::svi_vlan(n)?.ok()?, n)))
        .collect();
    svis.sort_unstable();
    for (name, _) in ports.ports() {
        out.interface(name);
    }
    for (_, name) in svis {
        out.interface(name);
    }
}

/// The common lines of interface `name`'s block.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    let Some(i) = cfg.get::<PortsConfig>().interfaces.get(name) else {
        return;
    };
    if !i.description.is_empty() {
        out.push((rank::DESCRIPTION, format!("description {}", i.description)));
    }
    if i.mtu != DEFAULT_MTU {
        out.push((rank::MTU, format!("mtu {}", i.mtu)));
    }
    if i.shutdown {
        out.push((rank::SHUTDOWN, "shutdown".into()));
    }
}

#[cfg(test)]
mod tests;
