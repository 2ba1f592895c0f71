//! Physical-layer lines of real IOS configs (`negotiation auto`, `duplex`,
//! `speed`, `mdix auto`): LiSA-DP's ports are virtual (vhost-user, tap,
//! af_packet), with no autonegotiation, duplex or line speed to set, so IOS's
//! values are taken with no effect.

use lisa_engine::text::no_effect;
use lisa_engine::{arg, kw, ArgKind, ConfigHandler, Node};

/// Interface-mode lines, and their `no`.
pub fn interface_commands() -> Vec<Node<ConfigHandler>> {
    let no_effect = no_effect as ConfigHandler;
    let negotiation = || {
        kw(
            "negotiation",
            "Select Autonegotiation mode",
            vec![kw("auto", "Enable link autonegotiation", vec![]).runs(no_effect)],
        )
    };
    let duplex = |children| kw("duplex", "Configure duplex operation.", children);
    let speed = |children| kw("speed", "Configure speed operation.", children);
    let mdix = || {
        kw(
            "mdix",
            "Set Media Dependent Interface with Crossover",
            vec![kw(
                "auto",
                "Enable automatic MDI crossover detection on this interface",
                vec![],
            )
            .runs(no_effect)],
        )
    };
    vec![
        negotiation(),
        duplex(vec![
            kw("auto", "Enable AUTO duplex configuration", vec![]).runs(no_effect),
            kw("full", "Force full duplex operation", vec![]).runs(no_effect),
            kw("half", "Force half-duplex operation", vec![]).runs(no_effect),
        ]),
        speed(vec![
            kw("auto", "Enable AUTO speed configuration", vec![]).runs(no_effect),
            arg(
                "mbps",
                ArgKind::Number(10, 400_000),
                "Force the speed, in Mbps",
                vec![],
            )
            .runs(no_effect),
        ]),
        mdix(),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                negotiation(),
                duplex(vec![]).runs(no_effect),
                speed(vec![]).runs(no_effect),
                mdix(),
            ],
        ),
    ]
}
