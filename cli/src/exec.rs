//! The EXEC-mode commands of swcli, declared once as a tree (the same
//! grammar machinery as the configuration commands in `lisa_engine`), so
//! parsing, abbreviation, `?` help and the `^` error marker all follow it.

use lisa_engine::grammar::{arg, kw, ArgKind, Node, Token};

/// Every EXEC command swcli runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ExecCmd {
    ShowVersion,
    ShowInterfaces,
    ShowMacTable,
    ShowRunning,
    ShowStartup,
    WriteMemory,
    CopyRunStart,
    Reload,
    ConfigureTerminal,
    ShowVlanBrief,
    ShowMacCount,
    ClearCounters,
    ClearMacDynamic,
    ClearMacDynamicVlan,
    ClearMacDynamicInterface,
    ShowIpInterfaceBrief,
    ShowIpRoute,
    ShowIpRouteStatic,
    ShowIpRouteConnected,
    ShowIpRouteAddress,
    ShowIpArp,
    ClearArp,
    Enable,
    Disable,
    Exit,
    ShowHistory,
    ShowInterface,
    ShowInterfacesStatus,
    ShowInterfacesCounters,
    ShowInterfacesTrunk,
    ShowRunningInterface,
}

use ExecCmd::*;

/// The EXEC tree (privileged mode).
pub fn exec_tree() -> Vec<Node<ExecCmd>> {
    vec![
        kw(
            "clear",
            "Reset functions",
            vec![
                kw("arp-cache", "Clear the entire ARP cache", vec![]).runs(ClearArp),
                kw(
                    "counters",
                    "Clear counters on one or all interfaces",
                    vec![],
                )
                .runs(ClearCounters),
                kw(
                    "mac",
                    "MAC forwarding table",
                    vec![kw(
                        "address-table",
                        "MAC forwarding table",
                        vec![kw(
                            "dynamic",
                            "dynamic entry type",
                            vec![
                                kw(
                                    "vlan",
                                    "VLAN keyword",
                                    vec![arg("vlan", ArgKind::VlanId, "VLAN id", vec![])
                                        .runs(ClearMacDynamicVlan)],
                                ),
                                kw(
                                    "interface",
                                    "interface keyword",
                                    vec![arg(
                                        "interface",
                                        ArgKind::Interface,
                                        "Interface name",
                                        vec![],
                                    )
                                    .runs(ClearMacDynamicInterface)],
                                ),
                            ],
                        )
                        .runs(ClearMacDynamic)],
                    )],
                ),
            ],
        ),
        kw(
            "configure",
            "Enter configuration mode",
            vec![kw("terminal", "Configure from the terminal", vec![]).runs(ConfigureTerminal)],
        )
        .runs(ConfigureTerminal),
        kw(
            "copy",
            "Copy from one file to another",
            vec![kw(
                "running-config",
                "Copy from current system configuration",
                vec![
                    kw("startup-config", "Copy to startup configuration", vec![])
                        .runs(CopyRunStart),
                ],
            )],
        ),
        kw("disable", "Turn off privileged commands", vec![]).runs(Disable),
        kw("enable", "Turn on privileged commands", vec![]).runs(Enable),
        kw("exit", "Exit from the EXEC", vec![]).runs(Exit),
        kw("reload", "Reload the startup configuration", vec![]).runs(Reload),
        kw(
            "show",
            "Show running system information",
            vec![
                kw("history", "Display the session command history", vec![]).runs(ShowHistory),
                kw(
                    "interfaces",
                    "Interface status and configuration",
                    vec![
                        kw("counters", "Show interface counters", vec![])
                            .runs(ShowInterfacesCounters),
                        kw("status", "Show interface line status", vec![])
                            .runs(ShowInterfacesStatus),
                        kw("trunk", "Show interface trunk information", vec![])
                            .runs(ShowInterfacesTrunk),
                        arg("interface", ArgKind::Interface, "Interface name", vec![])
                            .runs(ShowInterface),
                    ],
                )
                .runs(ShowInterfaces),
                kw(
                    "ip",
                    "IP information",
                    vec![
                        kw("arp", "IP ARP table", vec![]).runs(ShowIpArp),
                        kw(
                            "interface",
                            "IP interface status and configuration",
                            vec![kw(
                                "brief",
                                "Brief summary of IP status and configuration",
                                vec![],
                            )
                            .runs(ShowIpInterfaceBrief)],
                        )
                        .runs(ShowIpInterfaceBrief),
                        kw(
                            "route",
                            "IP routing table",
                            vec![
                                arg(
                                    "address",
                                    ArgKind::Ipv4,
                                    "Network to display information about or host",
                                    vec![],
                                )
                                .runs(ShowIpRouteAddress),
                                kw("connected", "Connected networks", vec![])
                                    .runs(ShowIpRouteConnected),
                                kw("static", "Static routes", vec![]).runs(ShowIpRouteStatic),
                            ],
                        )
                        .runs(ShowIpRoute),
                    ],
                ),
                kw(
                    "mac",
                    "MAC configuration",
                    vec![kw("address-table", "MAC forwarding table", {
                        let mut t = mac_filters(0);
                        t.push(kw("count", "Count keyword", vec![]).runs(ShowMacCount));
                        t
                    })
                    .runs(ShowMacTable)],
                ),
                kw(
                    "running-config",
                    "Current operating configuration",
                    vec![kw(
                        "interface",
                        "Show interface configuration",
                        vec![
                            arg("interface", ArgKind::Interface, "Interface name", vec![])
                                .runs(ShowRunningInterface),
                        ],
                    )],
                )
                .runs(ShowRunning),
                kw(
                    "startup-config",
                    "Contents of startup configuration",
                    vec![],
                )
                .runs(ShowStartup),
                kw("version", "System hardware and software status", vec![]).runs(ShowVersion),
                kw(
                    "vlan",
                    "VTP VLAN status",
                    vec![kw("brief", "VTP all VLAN status in brief", vec![]).runs(ShowVlanBrief)],
                )
                .runs(ShowVlanBrief),
            ],
        ),
        kw(
            "write",
            "Write running configuration to memory",
            vec![kw("memory", "Write to NV memory", vec![]).runs(WriteMemory)],
        )
        .runs(WriteMemory),
    ]
}

/// The filters of `show mac address-table`, in IOS's order, each optional:
/// `[dynamic|static] [address H.H.H] [interface X] [vlan N]`. `from` is
/// the first filter still allowed.
fn mac_filters(from: usize) -> Vec<Node<ExecCmd>> {
    let next = |i: usize| mac_filters(i);
    let mut t = Vec::new();
    if from == 0 {
        t.push(kw("dynamic", "dynamic entry type", next(1)).runs(ShowMacTable));
        t.push(kw("static", "static entry type", next(1)).runs(ShowMacTable));
    }
    if from <= 1 {
        t.push(kw(
            "address",
            "address keyword",
            vec![arg("mac", ArgKind::Mac, "48 bit mac address", next(2)).runs(ShowMacTable)],
        ));
    }
    if from <= 2 {
        t.push(kw(
            "interface",
            "interface keyword",
            vec![
                arg("interface", ArgKind::Interface, "Interface name", next(3)).runs(ShowMacTable),
            ],
        ));
    }
    if from <= 3 {
        t.push(kw(
            "vlan",
            "VLAN keyword",
            vec![arg("vlan", ArgKind::VlanId, "VLAN id", vec![]).runs(ShowMacTable)],
        ));
    }
    t
}

/// The user EXEC tree (`hostname>`): `show` (but not the configuration),
/// `enable` and `exit`.
pub fn user_exec_tree() -> Vec<Node<ExecCmd>> {
    let keyword = |n: &Node<ExecCmd>| match n.token {
        Token::Keyword(k) => k,
        Token::Arg { .. } => "",
    };
    exec_tree()
        .into_iter()
        .filter(|n| matches!(keyword(n), "show" | "enable" | "exit"))
        .map(|mut n| {
            n.children
                .retain(|c| !matches!(keyword(c), "running-config" | "startup-config"));
            n
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lisa_engine::grammar::{help, parse, ParseError};

    #[test]
    fn abbreviations_and_errors() {
        let t = exec_tree();
        assert_eq!(parse(&t, "sh run").unwrap().run, ShowRunning);
        assert_eq!(parse(&t, "sh mac a").unwrap().run, ShowMacTable);
        let p = parse(&t, "sh mac address-table vlan 10 dynamic").unwrap_err();
        assert_eq!(
            p,
            ParseError::Invalid { column: 29 },
            "IOS order: type first"
        );
        let p = parse(&t, "sh mac address-table dyn int e1 vl 10").unwrap();
        assert_eq!(p.run, ShowMacTable);
        assert_eq!(p.args.text("interface"), Some("e1"));
        assert_eq!(p.args.text("vlan"), Some("10"));
        assert_eq!(
            p.args.keywords(),
            vec![
                "show",
                "mac",
                "address-table",
                "dynamic",
                "interface",
                "vlan"
            ]
        );
        assert_eq!(parse(&t, "conf t").unwrap().run, ConfigureTerminal);
        assert_eq!(parse(&t, "wr").unwrap().run, WriteMemory);
        assert_eq!(
            parse(&t, "show vresion"),
            Err(ParseError::Invalid { column: 5 })
        );
        assert_eq!(parse(&t, "copy"), Err(ParseError::Incomplete));
        assert!(
            matches!(parse(&t, "co"), Err(ParseError::Ambiguous(_))),
            "configure or copy"
        );
        assert_eq!(
            parse(&t, "sh int status").unwrap().run,
            ShowInterfacesStatus
        );
        assert_eq!(parse(&t, "sh int e1").unwrap().run, ShowInterface);
        assert_eq!(parse(&t, "en").unwrap().run, Enable);
        let user = user_exec_tree();
        assert_eq!(parse(&user, "sh ver").unwrap().run, ShowVersion);
        assert!(parse(&user, "conf t").is_err(), "privileged only");
        assert!(parse(&user, "sh run").is_err(), "privileged only");
    }

    #[test]
    fn help_lists_next_words() {
        let h = help(&exec_tree(), "show ").unwrap();
        let words: Vec<&str> = h.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            words,
            vec![
                "history",
                "interfaces",
                "ip",
                "mac",
                "running-config",
                "startup-config",
                "version",
                "vlan"
            ]
        );
    }
}
