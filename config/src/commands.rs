//! The configuration commands, declared once as trees per mode: global
//! configuration, `interface`, `vlan`. Parsing, help, completion and the
//! running-config text all follow these trees.

use crate::grammar::{arg, kw, ArgKind, Node};
use crate::model::{MAX_MTU, MIN_MTU};

/// Every configuration command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ConfigCmd {
    Hostname,
    NoHostname,
    Vlan,
    NoVlan,
    Interface,
    MacStatic,
    NoMacStatic,
    MacAging,
    NoMacAging,
    End,
    Exit,
    VlanName,
    NoVlanName,
    Description,
    NoDescription,
    Shutdown,
    NoShutdown,
    ModeAccess,
    ModeTrunk,
    NoMode,
    AccessVlan,
    NoAccessVlan,
    NativeVlan,
    NoNativeVlan,
    AllowedSet,
    AllowedAdd,
    AllowedRemove,
    AllowedExcept,
    AllowedAll,
    AllowedNone,
    NoAllowed,
    Mtu,
    NoMtu,
    NoInterface,
    IpRoute,
    NoIpRoute,
    Arp,
    NoArp,
    IpAddress,
    NoIpAddress,
    EnableSecret,
    EnableSecretHashed,
    NoEnableSecret,
    InterfaceRange,
}

use ConfigCmd::*;

fn leave() -> Vec<Node<ConfigCmd>> {
    vec![
        kw("end", "Exit from configure mode", vec![]).runs(End),
        kw("exit", "Exit from the current mode", vec![]).runs(Exit),
    ]
}

fn mac_static(cmd: ConfigCmd) -> Node<ConfigCmd> {
    kw(
        "static",
        "static keyword",
        vec![arg(
            ArgKind::Mac,
            "48 bit mac address",
            vec![kw(
                "vlan",
                "VLAN keyword",
                vec![arg(
                    ArgKind::VlanId,
                    "VLAN id of mac address table",
                    vec![kw(
                        "interface",
                        "interface",
                        vec![arg(ArgKind::Interface, "Interface name", vec![]).runs(cmd)],
                    )],
                )],
            )],
        )],
    )
}

fn ip_route(cmd: ConfigCmd, gateway_optional: bool) -> Node<ConfigCmd> {
    let gw = arg(ArgKind::Ipv4, "Forwarding router's address", vec![]).runs(cmd);
    let mask = arg(ArgKind::Ipv4, "Destination prefix mask", vec![gw]);
    let mask = if gateway_optional {
        mask.runs(cmd)
    } else {
        mask
    };
    kw(
        "route",
        "Establish static routes",
        vec![arg(ArgKind::Ipv4, "Destination prefix", vec![mask])],
    )
}

/// Global configuration mode (`hostname(config)#`).
pub fn global_tree() -> Vec<Node<ConfigCmd>> {
    let mut t = vec![
        kw(
            "arp",
            "Set a static ARP entry",
            vec![arg(
                ArgKind::Ipv4,
                "IP address of ARP entry",
                vec![arg(
                    ArgKind::Mac,
                    "48-bit hardware address of ARP entry",
                    vec![kw("arpa", "ARPA-type ARP entry", vec![]).runs(Arp)],
                )
                .runs(Arp)],
            )],
        ),
        kw(
            "enable",
            "Modify enable password parameters",
            vec![kw(
                "secret",
                "Assign the privileged level secret",
                vec![
                    kw(
                        "9",
                        "Specifies a SCRYPT hashed secret will follow",
                        vec![arg(
                            ArgKind::Word,
                            "The SCRYPT hashed 'enable' secret string",
                            vec![],
                        )
                        .runs(EnableSecretHashed)],
                    ),
                    arg(
                        ArgKind::Word,
                        "The UNENCRYPTED (cleartext) 'enable' secret",
                        vec![],
                    )
                    .runs(EnableSecret),
                ],
            )],
        ),
        kw(
            "ip",
            "Global IP configuration subcommands",
            vec![ip_route(IpRoute, false)],
        ),
        kw(
            "hostname",
            "Set system's network name",
            vec![arg(ArgKind::Word, "This system's network name", vec![]).runs(Hostname)],
        ),
        kw(
            "interface",
            "Select an interface to configure",
            vec![
                kw(
                    "range",
                    "interface range command",
                    vec![
                        arg(ArgKind::Line, "Interfaces: Ethernet1 - 4, Vhost2", vec![])
                            .runs(InterfaceRange),
                    ],
                ),
                arg(
                    ArgKind::Interface,
                    "Interface name (Ethernet1, Vhost2, ...)",
                    vec![],
                )
                .runs(Interface),
            ],
        ),
        kw(
            "mac",
            "Global MAC configuration subcommands",
            vec![kw(
                "address-table",
                "Configure the MAC address table",
                vec![
                    kw(
                        "aging-time",
                        "Set MAC address table entry maximum age",
                        vec![arg(
                            ArgKind::Number(0, 1_000_000),
                            "Aging time in seconds (0 disables aging)",
                            vec![],
                        )
                        .runs(MacAging)],
                    ),
                    mac_static(MacStatic),
                ],
            )],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                kw(
                    "arp",
                    "Delete a static ARP entry",
                    vec![arg(ArgKind::Ipv4, "IP address of ARP entry", vec![]).runs(NoArp)],
                ),
                kw(
                    "enable",
                    "Modify enable password parameters",
                    vec![kw("secret", "Assign the privileged level secret", vec![])
                        .runs(NoEnableSecret)],
                ),
                kw("hostname", "Set system's network name", vec![]).runs(NoHostname),
                kw(
                    "interface",
                    "Delete a VLAN interface",
                    vec![arg(ArgKind::Interface, "Interface name (Vlan10)", vec![])
                        .runs(NoInterface)],
                ),
                kw(
                    "ip",
                    "Global IP configuration subcommands",
                    vec![ip_route(NoIpRoute, true)],
                ),
                kw(
                    "vlan",
                    "Delete VLANs",
                    vec![arg(ArgKind::VlanList, "VLAN IDs, e.g. 10,20-30", vec![]).runs(NoVlan)],
                ),
                kw(
                    "mac",
                    "Global MAC configuration subcommands",
                    vec![kw(
                        "address-table",
                        "Configure the MAC address table",
                        vec![
                            kw(
                                "aging-time",
                                "Set MAC address table entry maximum age",
                                vec![],
                            )
                            .runs(NoMacAging),
                            mac_static(NoMacStatic),
                        ],
                    )],
                ),
            ],
        ),
        kw(
            "vlan",
            "VLAN commands",
            vec![arg(ArgKind::VlanList, "VLAN IDs, e.g. 10,20-30", vec![]).runs(Vlan)],
        ),
    ];
    t.extend(leave());
    t
}

/// VLAN configuration mode (`hostname(config-vlan)#`).
pub fn vlan_tree() -> Vec<Node<ConfigCmd>> {
    let mut t = vec![
        kw(
            "name",
            "Ascii name of the VLAN",
            vec![arg(ArgKind::Word, "The ascii name for the VLAN", vec![]).runs(VlanName)],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("name", "Ascii name of the VLAN", vec![]).runs(NoVlanName)],
        ),
    ];
    t.extend(leave());
    t
}

fn allowed_list(cmd: ConfigCmd, help: &'static str) -> Vec<Node<ConfigCmd>> {
    vec![arg(ArgKind::VlanList, help, vec![]).runs(cmd)]
}

/// Interface configuration mode (`hostname(config-if)#`).
pub fn interface_tree() -> Vec<Node<ConfigCmd>> {
    let vlan_arg = |cmd, help| vec![arg(ArgKind::VlanId, help, vec![]).runs(cmd)];
    let mut t = vec![
        kw(
            "description",
            "Interface specific description",
            vec![arg(ArgKind::Line, "Up to 240 characters describing this interface", vec![]).runs(Description)],
        ),
        kw("shutdown", "Shutdown the selected interface", vec![]).runs(Shutdown),
        kw(
            "ip",
            "Interface Internet Protocol config commands",
            vec![kw(
                "address",
                "Set the IP address of an interface",
                vec![arg(
                    ArgKind::Ipv4,
                    "IP address",
                    vec![arg(ArgKind::Ipv4, "IP subnet mask", vec![]).runs(IpAddress)],
                )],
            )],
        ),
        kw(
            "mtu",
            "Set the interface Maximum Transmission Unit (MTU)",
            vec![arg(ArgKind::Number(u32::from(MIN_MTU), u32::from(MAX_MTU)), "MTU size in bytes", vec![]).runs(Mtu)],
        ),
        kw(
            "switchport",
            "Set switching mode characteristics",
            vec![
                kw(
                    "mode",
                    "Set trunking mode of the interface",
                    vec![
                        kw("access", "Set trunking mode to ACCESS unconditionally", vec![]).runs(ModeAccess),
                        kw("trunk", "Set trunking mode to TRUNK unconditionally", vec![]).runs(ModeTrunk),
                    ],
                ),
                kw(
                    "access",
                    "Set access mode characteristics of the interface",
                    vec![kw("vlan", "Set VLAN when interface is in access mode", vlan_arg(AccessVlan, "VLAN ID of the VLAN when this port is in access mode"))],
                ),
                kw(
                    "trunk",
                    "Set trunking characteristics of the interface",
                    vec![
                        kw(
                            "native",
                            "Set trunking native characteristics when interface is in trunking mode",
                            vec![kw("vlan", "Set native VLAN when interface is in trunking mode", vlan_arg(NativeVlan, "VLAN ID of the native VLAN when this port is in trunking mode"))],
                        ),
                        kw(
                            "allowed",
                            "Set allowed VLAN characteristics when interface is in trunking mode",
                            vec![kw(
                                "vlan",
                                "Set allowed VLANs when interface is in trunking mode",
                                vec![
                                    arg(ArgKind::VlanList, "VLAN IDs of the allowed VLANs when this port is in trunking mode", vec![]).runs(AllowedSet),
                                    kw("add", "add VLANs to the current list", allowed_list(AllowedAdd, "VLAN IDs of the allowed VLANs when this port is in trunking mode")),
                                    kw("remove", "remove VLANs from the current list", allowed_list(AllowedRemove, "VLAN IDs of disallowed VLANS when this port is in trunking mode")),
                                    kw("except", "all VLANs except the following", allowed_list(AllowedExcept, "VLAN IDs of disallowed VLANs when this port is in trunking mode")),
                                    kw("all", "all VLANs", vec![]).runs(AllowedAll),
                                    kw("none", "no VLANs", vec![]).runs(AllowedNone),
                                ],
                            )],
                        ),
                    ],
                ),
            ],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                kw("description", "Interface specific description", vec![]).runs(NoDescription),
                kw("shutdown", "Shutdown the selected interface", vec![]).runs(NoShutdown),
                kw(
                    "ip",
                    "Interface Internet Protocol config commands",
                    vec![kw("address", "Set the IP address of an interface", vec![]).runs(NoIpAddress)],
                ),
                kw("mtu", "Set the interface Maximum Transmission Unit (MTU)", vec![]).runs(NoMtu),
                kw(
                    "switchport",
                    "Set switching mode characteristics",
                    vec![
                        kw("mode", "Set trunking mode of the interface", vec![]).runs(NoMode),
                        kw("access", "Set access mode characteristics of the interface", vec![kw("vlan", "Set VLAN when interface is in access mode", vec![]).runs(NoAccessVlan)]),
                        kw(
                            "trunk",
                            "Set trunking characteristics of the interface",
                            vec![
                                kw("native", "Set trunking native characteristics", vec![kw("vlan", "Set native VLAN", vec![]).runs(NoNativeVlan)]),
                                kw("allowed", "Set allowed VLAN characteristics", vec![kw("vlan", "Set allowed VLANs", vec![]).runs(NoAllowed)]),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ];
    t.extend(leave());
    t
}
