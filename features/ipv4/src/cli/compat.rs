//! IPv4 lines of real IOS configs that describe what LiSA-DP always does
//! (`ip routing`, `ip cef`, `ip classless`, `ip subnet-zero`, `no ipv6 cef`,
//! and on an interface `no ip directed-broadcast`, `no ip route-cache`): taken with no
//! effect. `no ip routing` asks for a switch that does not route, which
//! LiSA-DP is not: refused with what to do instead.

use lisa_engine::text::{no_effect, reject};
use lisa_engine::{kw, ApplyError, Args, ConfigCtx, ConfigHandler, Node};

fn no_routing(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject(
        "LiSA-DP always routes between SVIs that have an address: shut the SVIs down (or remove their addresses) instead",
    ))
}

/// Global-mode lines, and their `no`.
pub fn global_commands() -> Vec<Node<ConfigHandler>> {
    let no_effect = no_effect as ConfigHandler;
    let always = |routing: ConfigHandler| {
        kw(
            "ip",
            "Global IP configuration subcommands",
            vec![
                kw("routing", "Enable IP routing", vec![]).runs(routing),
                kw("cef", "Cisco Express Forwarding", vec![]).runs(no_effect),
                kw(
                    "classless",
                    "Follow classless routing forwarding rules",
                    vec![],
                )
                .runs(no_effect),
                kw("subnet-zero", "Allow 'subnet zero' subnets", vec![]).runs(no_effect),
            ],
        )
    };
    vec![
        always(no_effect),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                always(no_routing as ConfigHandler),
                // No IPv6 forwarding to turn off.
                kw(
                    "ipv6",
                    "Global IPv6 configuration commands",
                    vec![kw("cef", "Cisco Express Forwarding for IPv6", vec![]).runs(no_effect)],
                ),
            ],
        ),
    ]
}

/// Interface-mode lines that describe what an SVI always does: it never
/// forwards directed broadcasts, and the dataplane is its route cache.
pub fn interface_commands() -> Vec<Node<ConfigHandler>> {
    let no_effect = no_effect as ConfigHandler;
    vec![kw(
        "no",
        "Negate a command or set its defaults",
        vec![kw(
            "ip",
            "Interface Internet Protocol config commands",
            vec![
                kw(
                    "directed-broadcast",
                    "Enable forwarding of directed broadcasts",
                    vec![],
                )
                .runs(no_effect),
                kw(
                    "route-cache",
                    "Enable fast-switching cache for outgoing packets",
                    vec![],
                )
                .runs(no_effect),
            ],
        )],
    )]
}
