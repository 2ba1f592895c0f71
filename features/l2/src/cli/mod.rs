//! The commands of feature `l2`, with their handlers and rendering:
//! `switchport ...` in interface mode, `mac address-table aging-time` and
//! `mac address-table static` in global mode.

pub mod compat;
pub mod show;

use crate::model::{set_static_mac, L2Config, Switchport, SwitchportMode, DEFAULT_AGING};
use lisa_engine::render::{order, rank, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};
use lisa_ports::resolve_interface;
use lisa_types::{MacAddr, VlanSet};
use lisa_vlan::VlanDb;
use std::fmt::Write;

type Tree = Vec<Node<ConfigHandler>>;

const ALLOWED_HELP: &str = "VLAN IDs of the allowed VLANs when this port is in trunking mode";

fn vlan_id(help: &'static str, h: ConfigHandler) -> Tree {
    vec![arg("vlan", ArgKind::VlanId, help, vec![]).runs(h)]
}

fn vlan_list(help: &'static str, h: ConfigHandler) -> Tree {
    vec![arg("vlans", ArgKind::VlanList, help, vec![]).runs(h)]
}

/// Interface-mode commands: `switchport mode|access|trunk ...` and their `no`.
pub fn interface_commands() -> Tree {
    let allowed_tree = vec![
        arg("vlans", ArgKind::VlanList, ALLOWED_HELP, vec![]).runs(allowed as ConfigHandler),
        kw(
            "add",
            "add VLANs to the current list",
            vlan_list(ALLOWED_HELP, allowed),
        ),
        kw(
            "remove",
            "remove VLANs from the current list",
            vlan_list(
                "VLAN IDs of disallowed VLANS when this port is in trunking mode",
                allowed,
            ),
        ),
        kw(
            "except",
            "all VLANs except the following",
            vlan_list(
                "VLAN IDs of disallowed VLANs when this port is in trunking mode",
                allowed,
            ),
        ),
        kw("all", "all VLANs", vec![]).runs(allowed as ConfigHandler),
        kw("none", "no VLANs", vec![]).runs(allowed as ConfigHandler),
    ];
    vec![
        kw(
            "switchport",
            "Set switching mode characteristics",
            vec![
                kw(
                    "mode",
                    "Set trunking mode of the interface",
                    vec![
                        kw("access", "Set trunking mode to ACCESS unconditionally", vec![])
                            .runs(mode as ConfigHandler),
                        kw("trunk", "Set trunking mode to TRUNK unconditionally", vec![])
                            .runs(mode as ConfigHandler),
                    ],
                ),
                kw(
                    "access",
                    "Set access mode characteristics of the interface",
                    vec![kw(
                        "vlan",
                        "Set VLAN when interface is in access mode",
                        vlan_id("VLAN ID of the VLAN when this port is in access mode", access_vlan),
                    )],
                ),
                kw(
                    "trunk",
                    "Set trunking characteristics of the interface",
                    vec![
                        kw(
                            "native",
                            "Set trunking native characteristics when interface is in trunking mode",
                            vec![kw(
                                "vlan",
                                "Set native VLAN when interface is in trunking mode",
                                vlan_id("VLAN ID of the native VLAN when this port is in trunking mode", native_vlan),
                            )],
                        ),
                        kw(
                            "allowed",
                            "Set allowed VLAN characteristics when interface is in trunking mode",
                            vec![kw("vlan", "Set allowed VLANs when interface is in trunking mode", allowed_tree)],
                        ),
                    ],
                ),
            ],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw(
                "switchport",
                "Set switching mode characteristics",
                vec![
                    kw("mode", "Set trunking mode of the interface", vec![]).runs(mode as ConfigHandler),
                    kw(
                        "access",
                        "Set access mode characteristics of the interface",
                        vec![kw("vlan", "Set VLAN when interface is in access mode", vec![])
                            .runs(access_vlan as ConfigHandler)],
                    ),
                    kw(
                        "trunk",
                        "Set trunking characteristics of the interface",
                        vec![
                            kw(
                                "native",
                                "Set trunking native characteristics",
                                vec![kw("vlan", "Set native VLAN", vec![]).runs(native_vlan as ConfigHandler)],
                            ),
                            kw(
                                "allowed",
                                "Set allowed VLAN characteristics",
                                vec![kw("vlan", "Set allowed VLANs", vec![]).runs(allowed as ConfigHandler)],
                            ),
                        ],
                    ),
                ],
            )],
        ),
    ]
}

fn mac_static(h: ConfigHandler) -> Node<ConfigHandler> {
    kw(
        "static",
        "static keyword",
        vec![arg(
            "mac",
            ArgKind::Mac,
            "48 bit mac address",
            vec![kw(
                "vlan",
                "VLAN keyword",
                vec![arg(
                    "vlan",
                    ArgKind::VlanId,
                    "VLAN id of mac address table",
                    vec![kw(
                        "interface",
                        "interface",
                        vec![
                            arg("interface", ArgKind::Interface, "Interface name", vec![]).runs(h),
                        ],
                    )],
                )],
            )],
        )],
    )
}

/// Global-mode commands: `mac address-table aging-time|static`, `vlan
/// dot1q tag native`, and their `no`.
pub fn global_commands() -> Tree {
    let table = |children| {
        kw(
            "mac",
            "Global MAC configuration subcommands",
            vec![kw(
                "address-table",
                "Configure the MAC address table",
                children,
            )],
        )
    };
    let tag_native = || {
        kw(
            "vlan",
            "VLAN commands",
            vec![kw(
                "dot1q",
                "dot1q parameters",
                vec![kw(
                    "tag",
                    "Tag parameters",
                    vec![kw(
                        "native",
                        "Tag native VLAN on trunks (and drop untagged frames there)",
                        vec![],
                    )
                    .runs(tag_native as ConfigHandler)],
                )],
            )],
        )
    };
    let settings = || {
        vec![
            kw(
                "aging-time",
                "Set MAC address table entry maximum age",
                vec![arg(
                    "seconds",
                    ArgKind::Number(0, 1_000_000),
                    "Aging time in seconds (0 disables aging)",
                    vec![],
                )
                .runs(aging as ConfigHandler)],
            ),
            mac_static(static_mac),
        ]
    };
    let no_settings = || {
        vec![
            kw(
                "aging-time",
                "Set MAC address table entry maximum age",
                vec![],
            )
            .runs(aging as ConfigHandler),
            mac_static(static_mac),
        ]
    };
    // Older IOS releases spell it `mac-address-table`.
    let old_table = |children| {
        kw(
            "mac-address-table",
            "Configure the MAC address table",
            children,
        )
    };
    vec![
        tag_native(),
        table(settings()),
        old_table(settings()),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![tag_native(), table(no_settings()), old_table(no_settings())],
        ),
    ]
}

/// Runs `f` on the switchport settings of every interface of the sub-mode.
fn each(ctx: &mut ConfigCtx<'_>, f: impl Fn(&mut Switchport)) -> Result<(), ApplyError> {
    for name in ctx.targets() {
        if lisa_types::is_svi(&name) {
            return Err(reject(
                "Not available on a VLAN interface: it has no switchport or MTU settings",
            ));
        }
        ctx.cfg.get_mut::<L2Config>().edit(&name, &f);
    }
    Ok(())
}

fn mode(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let m = if a.has("trunk") {
        SwitchportMode::Trunk
    } else {
        SwitchportMode::Access
    };
    let written = !a.negated();
    each(ctx, |sp| {
        sp.mode = m;
        sp.mode_written = written;
    })
}

fn access_vlan(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let v = a.opt::<u16>("vlan")?.unwrap_or(lisa_types::DEFAULT_VLAN);
    // As IOS: a port put in a VLAN that does not exist creates it (else it
    // would silently carry nothing), and says so.
    if !a.negated() && !ctx.cfg.get::<VlanDb>().exists(v) {
        ctx.cfg
            .get_mut::<VlanDb>()
            .vlans
            .insert(v, lisa_vlan::VlanConfig::new(v));
        ctx.notice(format!("% Access VLAN does not exist. Creating vlan {v}"));
    }
    each(ctx, |sp| sp.access_vlan = v)
}

fn native_vlan(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let v = a.opt::<u16>("vlan")?.unwrap_or(lisa_types::DEFAULT_VLAN);
    each(ctx, |sp| sp.native_vlan = v)
}

fn allowed(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let list = a.opt::<VlanSet>("vlans")?.unwrap_or_else(VlanSet::none);
    let change = |sp: &mut Switchport| {
        if a.negated() || a.has("all") {
            sp.allowed = VlanSet::all();
        } else if a.has("none") {
            sp.allowed = VlanSet::none();
        } else if a.has("add") {
            sp.allowed.union_with(&list);
        } else if a.has("remove") {
            sp.allowed.subtract(&list);
        } else if a.has("except") {
            sp.allowed = list.complement();
        } else {
            sp.allowed = list.clone();
        }
    };
    each(ctx, change)
}

fn tag_native(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    ctx.cfg.get_mut::<L2Config>().tag_native = !a.negated();
    Ok(())
}

fn aging(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    ctx.cfg.get_mut::<L2Config>().aging = a.opt("seconds")?.unwrap_or(DEFAULT_AGING);
    Ok(())
}

fn static_mac(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let mac: MacAddr = a.get("mac")?;
    let vlan: u16 = a.get("vlan")?;
    let interface =
        resolve_interface(ctx.cfg, a.text("interface").unwrap_or_default()).map_err(reject)?;
    if a.negated() {
        ctx.cfg
            .get_mut::<L2Config>()
            .static_macs
            .remove(&(vlan, mac));
        return Ok(());
    }
    set_static_mac(ctx.cfg, vlan, mac, &interface).map_err(reject)
}

/// The `switchport` lines of a switch port's block.
pub fn render_interface(cfg: &Config, name: &str, out: &mut Vec<(u16, String)>) {
    let Some(sp) = cfg.get::<L2Config>().switchports.get(name) else {
        return;
    };
    let d = Switchport::default();
    let mut line = |l: String| out.push((rank::SWITCHPORT, l));
    if sp.access_vlan != d.access_vlan {
        line(format!("switchport access vlan {}", sp.access_vlan));
    }
    if sp.native_vlan != d.native_vlan {
        line(format!("switchport trunk native vlan {}", sp.native_vlan));
    }
    if sp.allowed != d.allowed {
        line(format!("switchport trunk allowed vlan {}", sp.allowed));
    }
    match sp.mode {
        SwitchportMode::Trunk => line("switchport mode trunk".into()),
        SwitchportMode::Access if sp.mode_written => line("switchport mode access".into()),
        SwitchportMode::Access => {}
    }
}

/// The MAC address table's block.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let l2 = cfg.get::<L2Config>();
    let mut s = String::new();
    if l2.tag_native {
        s.push_str("vlan dot1q tag native\n");
    }
    if l2.aging != DEFAULT_AGING {
        let _ = writeln!(s, "mac address-table aging-time {}", l2.aging);
    }
    for m in l2.statics() {
        let _ = writeln!(
            s,
            "mac address-table static {} vlan {} interface {}",
            m.mac.to_cisco(),
            m.vlan,
            m.interface
        );
    }
    out.block(order::MAC, s);
}

#[cfg(test)]
mod tests;
