//! VLAN lines of real IOS configs about VTP and internal VLANs. LiSA-DP's
//! VLAN database is its own (what IOS calls VTP transparent mode), so `vtp
//! mode transparent|off`, `vtp domain`, `vtp version` and `vlan internal
//! allocation policy` are taken with no effect; `vtp mode server|client`,
//! which would share the database with other switches, is refused.

use lisa_engine::text::{no_effect, reject};
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, ConfigCtx, ConfigHandler, Node};

fn vtp_shared(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject(
        "VTP is not supported: LiSA-DP's VLANs are its own (vtp mode transparent); configure them with vlan N",
    ))
}

/// Global-mode lines.
pub fn global_commands() -> Vec<Node<ConfigHandler>> {
    let no_effect = no_effect as ConfigHandler;
    let shared = vtp_shared as ConfigHandler;
    vec![
        kw(
            "vtp",
            "Configure global VTP state",
            vec![
                kw(
                    "mode",
                    "Set the mode of the device",
                    vec![
                        kw("transparent", "Set the device to transparent mode", vec![])
                            .runs(no_effect),
                        kw("off", "Set the device to off mode", vec![]).runs(no_effect),
                        kw("server", "Set the device to server mode", vec![]).runs(shared),
                        kw("client", "Set the device to client mode", vec![]).runs(shared),
                    ],
                ),
                kw(
                    "domain",
                    "Set the name of the VTP administrative domain",
                    vec![arg("name", ArgKind::Word, "The VTP domain name", vec![]).runs(no_effect)],
                ),
                kw(
                    "version",
                    "Set the administrative domain VTP version number",
                    vec![
                        arg("number", ArgKind::Number(1, 3), "VTP version", vec![]).runs(no_effect)
                    ],
                ),
            ],
        ),
        kw(
            "vlan",
            "VLAN commands",
            vec![kw(
                "internal",
                "internal VLAN",
                vec![kw(
                    "allocation",
                    "internal VLAN allocation",
                    vec![kw(
                        "policy",
                        "internal VLAN allocation policy",
                        vec![
                            kw(
                                "ascending",
                                "Allocate internal VLANs from low to high",
                                vec![],
                            )
                            .runs(no_effect),
                            kw(
                                "descending",
                                "Allocate internal VLANs from high to low",
                                vec![],
                            )
                            .runs(no_effect),
                        ],
                    )],
                )],
            )],
        ),
    ]
}
