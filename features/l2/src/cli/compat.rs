//! Switchport lines of real IOS configs that mean nothing different here:
//! taken as IOS takes them, with no effect (every port is an 802.1Q switch
//! port that never negotiates), or refused with what to do instead when
//! they ask for behaviour LiSA-DP does not have (ISL, DTP, routed ports).

use lisa_engine::text::{no_effect, reject};
use lisa_engine::{kw, ApplyError, Args, ConfigCtx, ConfigHandler, Node};

fn isl(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject(
        "Only 802.1Q trunks are supported (switchport trunk encapsulation dot1q)",
    ))
}

fn dtp(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject(
        "DTP is not supported: set switchport mode access or switchport mode trunk",
    ))
}

fn routed_port(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject(
        "Routed ports are not supported: every port is a switch port; route through an SVI (interface VlanN)",
    ))
}

/// Interface-mode lines: `switchport`, `switchport nonegotiate`,
/// `switchport trunk encapsulation dot1q|negotiate|isl`, `switchport mode
/// dynamic auto|desirable`, `no switchport`.
pub fn interface_commands() -> Vec<Node<ConfigHandler>> {
    let no_effect = no_effect as ConfigHandler;
    vec![
        kw(
            "switchport",
            "Set switching mode characteristics",
            vec![
                kw(
                    "nonegotiate",
                    "Device will not engage in negotiation protocol on this interface",
                    vec![],
                )
                .runs(no_effect),
                kw(
                    "trunk",
                    "Set trunking characteristics of the interface",
                    vec![kw(
                        "encapsulation",
                        "Set trunking encapsulation when interface is in trunking mode",
                        vec![
                            kw("dot1q", "Interface uses only 802.1q trunking encapsulation when trunking", vec![])
                                .runs(no_effect),
                            kw("negotiate", "Device will negotiate trunking encapsulation with peer on interface", vec![])
                                .runs(no_effect),
                            kw("isl", "Interface uses only ISL trunking encapsulation when trunking", vec![])
                                .runs(isl as ConfigHandler),
                        ],
                    )],
                ),
                kw(
                    "mode",
                    "Set trunking mode of the interface",
                    vec![kw(
                        "dynamic",
                        "Set trunking mode to dynamically negotiate access or trunk mode",
                        vec![
                            kw("auto", "Set trunking mode dynamic negotiation parameter to AUTO", vec![])
                                .runs(dtp as ConfigHandler),
                            kw("desirable", "Set trunking mode dynamic negotiation parameter to DESIRABLE", vec![])
                                .runs(dtp as ConfigHandler),
                        ],
                    )],
                ),
            ],
        )
        .runs(no_effect),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("switchport", "Set switching mode characteristics", vec![])
                .runs(routed_port as ConfigHandler)],
        ),
    ]
}
