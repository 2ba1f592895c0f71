//! EXEC commands of feature `cdp`, in IOS 15's layouts (ntc-templates
//! reads them): `show cdp`, `show cdp neighbors [INTERFACE] [detail]`,
//! `show cdp entry {* | NAME[*]}`, `show cdp interface [INTERFACE]`, `show
//! cdp traffic`, `clear cdp table | counters`.

use crate::wire::{CapabilityLetters, CapabilityNames};
use lisa_engine::exec::{api_error, ExecCtx, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::cdp_client::CdpClient;
use lisa_proto::v1::{
    CdpNeighbor, CdpStatus, ClearCdpRequest, GetCdpStatusRequest, ListCdpNeighborsRequest,
};
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// What IOS prints when CDP is off.
pub const NOT_ENABLED: &str = "% CDP is not enabled";

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let neighbors = show_neighbors as ExecHandler;
    let detail = || kw("detail", "Show detailed information", vec![]).runs(neighbors);
    let cdp = |children| kw("cdp", "CDP information", children);
    vec![
        kw(
            "show",
            "Show running system information",
            vec![cdp(vec![
                kw(
                    "neighbors",
                    "CDP neighbor entries",
                    vec![
                        detail(),
                        arg(
                            "interface",
                            ArgKind::Interface,
                            "Interface name",
                            vec![detail()],
                        )
                        .runs(neighbors),
                    ],
                )
                .runs(neighbors),
                kw(
                    "entry",
                    "Information for specific neighbor entry",
                    vec![arg(
                        "name",
                        ArgKind::Word,
                        "Name of the entry, * for all, NAME* for those it begins",
                        vec![],
                    )
                    .runs(show_entry as ExecHandler)],
                ),
                kw("traffic", "CDP statistics", vec![]).runs(show_traffic as ExecHandler),
                kw(
                    "interface",
                    "CDP interface status and configuration",
                    vec![
                        arg("interface", ArgKind::Interface, "Interface name", vec![])
                            .runs(show_interfaces as ExecHandler),
                    ],
                )
                .runs(show_interfaces as ExecHandler),
            ])
            .runs(show_cdp as ExecHandler)],
        ),
        kw(
            "clear",
            "Reset functions",
            vec![cdp(vec![
                kw("table", "Clear cdp table", vec![]).runs(clear as ExecHandler),
                kw("counters", "Clear CDP counters", vec![]).runs(clear as ExecHandler),
            ])],
        ),
    ]
}

fn client(ctx: &ExecCtx) -> CdpClient<tonic::transport::Channel> {
    CdpClient::new(ctx.channel())
}

/// The status (of the ports, or of port `interface`), or IOS's refusal
/// when CDP is off.
async fn running_status(ctx: &ExecCtx, interface: &str) -> Result<CdpStatus, String> {
    let s = client(ctx)
        .get_cdp_status(GetCdpStatusRequest {
            interface: interface.to_string(),
        })
        .await
        .map_err(api_error)?
        .into_inner();
    if !s.enabled {
        return Err(NOT_ENABLED.into());
    }
    Ok(s)
}

async fn neighbors(ctx: &ExecCtx, interface: &str) -> Result<Vec<CdpNeighbor>, String> {
    Ok(client(ctx)
        .list_cdp_neighbors(ListCdpNeighborsRequest {
            interface: interface.to_string(),
        })
        .await
        .map_err(api_error)?
        .into_inner()
        .neighbors)
}

exec_handler!(fn show_cdp(ctx, _args) {
    let s = running_status(ctx, "").await?;
    Ok(global_text(&s))
});

exec_handler!(fn show_traffic(ctx, _args) {
    let s = running_status(ctx, "").await?;
    Ok(traffic_text(&s))
});

exec_handler!(fn show_interfaces(ctx, args) {
    let one = args.text("interface").unwrap_or_default();
    let s = running_status(ctx, one).await?;
    Ok(interfaces_text(&s, one.is_empty()))
});

exec_handler!(fn clear(ctx, args) {
    client(ctx)
        .clear_cdp(ClearCdpRequest {
            table: args.has("table"),
            counters: args.has("counters"),
        })
        .await
        .map_err(api_error)?;
    Ok(String::new())
});

exec_handler!(fn show_neighbors(ctx, args) {
    running_status(ctx, "").await?;
    let n = neighbors(ctx, args.text("interface").unwrap_or_default()).await?;
    if args.has("detail") {
        Ok(detail_text(&n, true))
    } else {
        Ok(brief_text(&n))
    }
});

exec_handler!(fn show_entry(ctx, args) {
    running_status(ctx, "").await?;
    let name = args.text("name").unwrap_or_default();
    let n: Vec<CdpNeighbor> = neighbors(ctx, "")
        .await?
        .into_iter()
        .filter(|n| entry_matches(name, &n.device_id))
        .collect();
    Ok(detail_text(&n, false))
});

/// `show cdp entry NAME`: `*` names every entry, `NAME*` those whose
/// device ID begins with NAME, anything else the one so named.
pub fn entry_matches(pattern: &str, device_id: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => device_id.starts_with(prefix),
        None => device_id == pattern,
    }
}

/// IOS types whose names `show cdp neighbors` cuts to three letters.
const IOS_TYPES: [&str; 12] = [
    "Ethernet",
    "FastEthernet",
    "GigabitEthernet",
    "TenGigabitEthernet",
    "TwoGigabitEthernet",
    "TwentyFiveGigE",
    "FiveGigabitEthernet",
    "FortyGigabitEthernet",
    "HundredGigE",
    "Vhost",
    "Vlan",
    "Port-channel",
];

/// An interface as `show cdp neighbors` writes it: the type cut to three
/// letters, a space, the number (`Gig 1/0/1`, `Eth 1`); a name of no IOS
/// type (`eth0`, `Port 1`) is written whole.
pub fn cdp_interface_name(name: &str) -> String {
    for t in IOS_TYPES {
        if let Some(rest) = name.strip_prefix(t) {
            if rest.starts_with(|c: char| c.is_ascii_digit())
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"/.:".contains(&b))
            {
                return format!("{} {rest}", &t[..3]);
            }
        }
    }
    name.to_string()
}

/// `show cdp`.
pub fn global_text(s: &CdpStatus) -> String {
    format!(
        "Global CDP information:\n        Sending CDP packets every {} seconds\n        Sending a holdtime value of {} seconds\n        Sending CDPv2 advertisements is  {}\n",
        s.timer,
        s.holdtime,
        if s.advertise_v2 { "enabled" } else { "not enabled" }
    )
}

/// `show cdp traffic`.
pub fn traffic_text(s: &CdpStatus) -> String {
    format!(
        "CDP counters :\n        Total packets output: {}, Input: {}\n        Hdr syntax: {}, Chksum error: {}, Encaps failed: {}\n        No memory: {}, Invalid packet: {}, \n        CDP version 1 advertisements output: {}, Input: {}\n        CDP version 2 advertisements output: {}, Input: {}\n",
        s.packets_out,
        s.packets_in,
        s.header_errors,
        s.checksum_errors,
        s.packets_out_failed,
        s.no_memory,
        s.invalid_packets,
        s.v1_out,
        s.v1_in,
        s.v2_out,
        s.v2_in
    )
}

/// `show cdp interface`: the ports where CDP runs, and (for all of them,
/// `all`) IOS 15's count of them up and down.
pub fn interfaces_text(s: &CdpStatus, all: bool) -> String {
    let mut out = String::new();
    let (mut up, mut down) = (0, 0);
    for i in s.interfaces.iter().filter(|i| i.enabled) {
        let state = if i.admin_down {
            "administratively down, line protocol is down"
        } else if i.up {
            "up, line protocol is up"
        } else {
            "down, line protocol is down"
        };
        if i.up {
            up += 1;
        } else {
            down += 1;
        }
        let _ = write!(
            out,
            "{} is {state}\n  Encapsulation ARPA\n  Sending CDP packets every {} seconds\n  Holdtime is {} seconds\n",
            i.interface, s.timer, s.holdtime
        );
    }
    if all {
        let _ = write!(
            out,
            "\n cdp enabled interfaces : {}\n interfaces up          : {up}\n interfaces down        : {down}\n\n",
            up + down
        );
    }
    out
}

/// The platform as `show cdp neighbors` writes it: without a leading
/// `cisco `, cut to nine characters.
fn short_platform(platform: &str) -> String {
    let p = platform
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("cisco "))
        .map_or(platform, |_| &platform[6..]);
    p.chars().take(9).collect()
}

/// `show cdp neighbors`: one line per neighbour, a device ID longer than
/// 16 characters on a line of its own, as IOS 15 does. The capabilities
/// are centred on column 54, as IOS places them.
pub fn brief_text(neighbors: &[CdpNeighbor]) -> String {
    let mut out = String::from(
        "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge\n                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone, \n                  D - Remote, C - CVTA, M - Two-port Mac Relay \n\nDevice ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\n",
    );
    for n in neighbors {
        let mut line = String::new();
        if n.device_id.chars().count() > 16 {
            let _ = writeln!(out, "{}", n.device_id);
            line.push_str(&" ".repeat(17));
        } else {
            let _ = write!(line, "{:<17}", n.device_id);
        }
        let _ = write!(
            line,
            "{:<17} {:<3}",
            cdp_interface_name(&n.local_interface),
            n.expires_in
        );
        let letters = CapabilityLetters(n.capabilities).to_string();
        let count = n.capabilities.count_ones() as usize;
        let pad = |line: &mut String, col: usize| {
            let len = line.chars().count();
            line.push_str(&" ".repeat(col.saturating_sub(len).max(1)));
        };
        pad(&mut line, 54 - count.min(11));
        line.push_str(&letters);
        pad(&mut line, 58);
        let _ = write!(
            line,
            "{:<9} {}",
            short_platform(&n.platform),
            cdp_interface_name(&n.port_id)
        );
        let _ = writeln!(out, "{line}");
    }
    let _ = write!(out, "\nTotal cdp entries displayed : {}\n", neighbors.len());
    out
}

/// The lines of an address list (`  IP address: 10.0.0.1`).
fn address_lines(out: &mut String, addresses: &[String]) {
    for a in addresses {
        let _ = writeln!(out, "  IP address: {a}");
    }
}

/// `show cdp neighbors detail` (with its count, `total`) and `show cdp
/// entry` (without).
pub fn detail_text(neighbors: &[CdpNeighbor], total: bool) -> String {
    let mut out = String::new();
    for n in neighbors {
        out.push_str("-------------------------\n");
        let _ = writeln!(out, "Device ID: {}", n.device_id);
        out.push_str("Entry address(es): \n");
        address_lines(&mut out, &n.addresses);
        let _ = writeln!(
            out,
            "Platform: {},  Capabilities: {}",
            n.platform,
            CapabilityNames(n.capabilities)
        );
        let _ = writeln!(
            out,
            "Interface: {},  Port ID (outgoing port): {}",
            n.local_interface, n.port_id
        );
        let _ = writeln!(out, "Holdtime : {} sec", n.expires_in);
        out.push_str("\nVersion :\n");
        let _ = writeln!(out, "{}", n.software_version.trim_end_matches('\n'));
        let _ = writeln!(out, "\nadvertisement version: {}", n.version);
        if n.vtp_domain_advertised {
            let _ = writeln!(out, "VTP Management Domain: '{}'", n.vtp_domain);
        }
        if n.native_vlan != 0 {
            let _ = writeln!(out, "Native VLAN: {}", n.native_vlan);
        }
        if !n.duplex.is_empty() {
            let _ = writeln!(out, "Duplex: {}", n.duplex);
        }
        if n.version >= 2 {
            out.push_str("Management address(es): \n");
            address_lines(&mut out, &n.management_addresses);
        }
        out.push('\n');
    }
    if total {
        let _ = write!(out, "\nTotal cdp entries displayed : {}\n", neighbors.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::caps;
    use lisa_proto::v1::CdpInterfaceStatus;

    fn neighbor(id: &str, local: &str, caps: u32) -> CdpNeighbor {
        CdpNeighbor {
            local_interface: local.into(),
            device_id: id.into(),
            port_id: "GigabitEthernet0/1".into(),
            addresses: vec!["10.1.1.2".into()],
            capabilities: caps,
            capabilities_advertised: true,
            software_version: "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE9, RELEASE SOFTWARE (fc1)\nTechnical Support: http://www.cisco.com/techsupport".into(),
            platform: "cisco WS-C2960-8TC-L".into(),
            native_vlan: 1,
            duplex: "full".into(),
            vtp_domain: String::new(),
            vtp_domain_advertised: true,
            management_addresses: vec!["10.1.1.2".into()],
            version: 2,
            ttl: 180,
            expires_in: 164,
            source_mac: "0011.2233.4455".into(),
        }
    }

    #[test]
    fn the_neighbor_table_lines_up_as_ios_15s() {
        let n = [
            neighbor("SW2", "Ethernet1", caps::SWITCH | caps::IGMP),
            neighbor(
                "asr1002-2.some.example.com",
                "GigabitEthernet1/0/3",
                caps::ROUTER | caps::IGMP,
            ),
            neighbor(
                "r1",
                "Ethernet2",
                caps::ROUTER | caps::SOURCE_ROUTE_BRIDGE | caps::SWITCH | caps::IGMP,
            ),
            neighbor("lldpd", "Ethernet3", caps::HOST),
        ];
        let text = brief_text(&n);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[4],
            "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID"
        );
        assert_eq!(
            lines[5],
            "SW2              Eth 1             164              S I   WS-C2960- Gig 0/1"
        );
        assert_eq!(lines[6], "asr1002-2.some.example.com");
        assert_eq!(
            lines[7],
            "                 Gig 1/0/3         164              R I   WS-C2960- Gig 0/1"
        );
        assert_eq!(
            lines[8],
            "r1               Eth 2             164            R B S I WS-C2960- Gig 0/1"
        );
        assert_eq!(
            lines[9],
            "lldpd            Eth 3             164               H    WS-C2960- Gig 0/1"
        );
        assert!(text.ends_with("\nTotal cdp entries displayed : 4\n"));
    }

    #[test]
    fn the_detail_has_ios_15s_fields() {
        let text = detail_text(&[neighbor("SW2", "Ethernet1", caps::SWITCH)], true);
        for line in [
            "Device ID: SW2\n",
            "Entry address(es): \n  IP address: 10.1.1.2\n",
            "Platform: cisco WS-C2960-8TC-L,  Capabilities: Switch \n",
            "Interface: Ethernet1,  Port ID (outgoing port): GigabitEthernet0/1\n",
            "Holdtime : 164 sec\n\nVersion :\nCisco IOS Software, C2960",
            "\n\nadvertisement version: 2\nVTP Management Domain: ''\nNative VLAN: 1\nDuplex: full\nManagement address(es): \n  IP address: 10.1.1.2\n\n",
            "\nTotal cdp entries displayed : 1\n",
        ] {
            assert!(text.contains(line), "{line:?} not in\n{text}");
        }
        assert!(!detail_text(&[], false).contains("Total"));
    }

    #[test]
    fn names_are_cut_as_ios_cuts_them() {
        assert_eq!(cdp_interface_name("Ethernet1"), "Eth 1");
        assert_eq!(cdp_interface_name("GigabitEthernet1/0/16"), "Gig 1/0/16");
        assert_eq!(cdp_interface_name("TenGigabitEthernet1/1/3"), "Ten 1/1/3");
        assert_eq!(cdp_interface_name("eth0"), "eth0");
        assert_eq!(cdp_interface_name("Port 1"), "Port 1");
        assert_eq!(cdp_interface_name("web01-eth0"), "web01-eth0");
        assert_eq!(short_platform("cisco WS-C2960-8TC-L"), "WS-C2960-");
        assert_eq!(short_platform("Linux"), "Linux");
        assert!(entry_matches("*", "x"));
        assert!(entry_matches("sw*", "sw2"));
        assert!(!entry_matches("sw", "sw2"));
        assert!(entry_matches("sw2", "sw2"));
    }

    #[test]
    fn global_traffic_and_interfaces_read_as_ios_15() {
        let s = CdpStatus {
            enabled: true,
            timer: 60,
            holdtime: 180,
            advertise_v2: true,
            packets_out: 25,
            packets_in: 20,
            v2_out: 25,
            v2_in: 20,
            interfaces: vec![
                CdpInterfaceStatus {
                    interface: "Ethernet1".into(),
                    enabled: true,
                    up: true,
                    admin_down: false,
                },
                CdpInterfaceStatus {
                    interface: "Ethernet2".into(),
                    enabled: true,
                    up: false,
                    admin_down: true,
                },
                CdpInterfaceStatus {
                    interface: "Ethernet3".into(),
                    enabled: false,
                    up: true,
                    admin_down: false,
                },
            ],
            ..CdpStatus::default()
        };
        assert!(global_text(&s).contains("Sending CDPv2 advertisements is  enabled\n"));
        let t = traffic_text(&s);
        assert!(t.contains("Total packets output: 25, Input: 20\n"), "{t}");
        assert!(t.contains("CDP version 2 advertisements output: 25, Input: 20\n"));
        let i = interfaces_text(&s, true);
        assert!(i.starts_with("Ethernet1 is up, line protocol is up\n  Encapsulation ARPA\n  Sending CDP packets every 60 seconds\n  Holdtime is 180 seconds\nEthernet2 is administratively down, line protocol is down\n"), "{i}");
        assert!(!i.contains("Ethernet3"));
        assert!(i.contains(" cdp enabled interfaces : 2\n interfaces up          : 1\n interfaces down        : 1\n"));
        assert!(!interfaces_text(&s, false).contains("cdp enabled interfaces"));
    }
}
