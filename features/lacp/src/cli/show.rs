//! EXEC commands of feature `lacp`, in IOS's layouts (ntc-templates reads
//! `show etherchannel summary`): `show etherchannel [N] summary`, `show
//! etherchannel load-balance`, `show lacp [N] neighbor`, `show lacp
//! sys-id`. The text is made by pure functions of the API's messages.

use crate::model::{LoadBalance, MAX_GROUP, MIN_GROUP};
use lisa_engine::exec::{api_error, ExecCtx, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Args, Node};
use lisa_proto::v1::lacp_client::LacpClient;
use lisa_proto::v1::{
    GetLacpStatusRequest, LacpPort, LacpStatus, ListPortChannelsRequest, ListPortChannelsResponse,
    PortChannel, PortChannelMember,
};
use lisa_types::short_interface_name;
use std::collections::BTreeMap;
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// A channel group number, then `then`.
fn group_then(then: Node<ExecHandler>) -> Node<ExecHandler> {
    arg(
        "group",
        ArgKind::Number(u32::from(MIN_GROUP), u32::from(MAX_GROUP)),
        "Channel group number",
        vec![then],
    )
}

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let summary = || {
        kw("summary", "One-line summary per channel-group", vec![])
            .runs(show_summary as ExecHandler)
    };
    let neighbor =
        || kw("neighbor", "Neighbor information", vec![]).runs(show_neighbor as ExecHandler);
    vec![kw(
        "show",
        "Show running system information",
        vec![
            kw(
                "etherchannel",
                "EtherChannel information",
                vec![
                    summary(),
                    group_then(summary()),
                    kw(
                        "load-balance",
                        "Load-balance/frame-distribution scheme among ports in port-channel",
                        vec![],
                    )
                    .runs(show_load_balance as ExecHandler),
                ],
            ),
            kw(
                "lacp",
                "Port channel information",
                vec![
                    neighbor(),
                    group_then(neighbor()),
                    kw("sys-id", "LACP System ID", vec![]).runs(show_sys_id as ExecHandler),
                ],
            ),
        ],
    )]
}

fn client(ctx: &ExecCtx) -> LacpClient<tonic::transport::Channel> {
    LacpClient::new(ctx.channel())
}

/// The channel group the line names (0: every one).
fn group(args: &Args) -> Result<u32, String> {
    Ok(args
        .opt::<u32>("group")
        .map_err(|e| e.to_string())?
        .unwrap_or(0))
}

async fn port_channels(ctx: &ExecCtx, group: u32) -> Result<ListPortChannelsResponse, String> {
    Ok(client(ctx)
        .list_port_channels(ListPortChannelsRequest { group })
        .await
        .map_err(api_error)?
        .into_inner())
}

async fn lacp_status(ctx: &ExecCtx, group: u32) -> Result<LacpStatus, String> {
    Ok(client(ctx)
        .get_lacp_status(GetLacpStatusRequest { group })
        .await
        .map_err(api_error)?
        .into_inner())
}

exec_handler!(fn show_summary(ctx, args) {
    let list = port_channels(ctx, group(args)?).await?;
    Ok(summary_text(&list.port_channels))
});

exec_handler!(fn show_load_balance(ctx, _args) {
    let list = port_channels(ctx, 0).await?;
    Ok(load_balance_text(&list.load_balance))
});

exec_handler!(fn show_neighbor(ctx, args) {
    Ok(neighbor_text(&lacp_status(ctx, group(args)?).await?))
});

exec_handler!(fn show_sys_id(ctx, _args) {
    Ok(sys_id_text(&lacp_status(ctx, 0).await?))
});

/// The flags legend of `show etherchannel summary`.
const SUMMARY_LEGEND: &str = "Flags:  D - down        P - bundled in port-channel
        I - stand-alone s - suspended
        H - Hot-standby (LACP only)
        R - Layer3      S - Layer2
        U - in use      f - failed to allocate aggregator

        M - not in use, minimum links not met
        u - unsuitable for bundling
        w - waiting to be aggregated
        d - default port

";

/// The table's header of `show etherchannel summary`.
const SUMMARY_HEADER: &str = "Group  Port-channel  Protocol    Ports
------+-------------+-----------+-----------------------------------------------
";

/// Members shown on one line of the table.
const MEMBERS_PER_LINE: usize = 4;
/// Where the Ports column starts.
const PORTS_COLUMN: usize = 33;

/// A member's flag: P bundled, s suspended, D down, H standby, I
/// stand-alone, w waiting to be aggregated.
fn member_flag(m: &PortChannelMember) -> &'static str {
    match m.state.as_str() {
        "bundled" => "P",
        "suspended" => "s",
        "standby" => "H",
        "individual" => "I",
        "waiting" => "w",
        _ => "D",
    }
}

/// A port-channel's flags: Layer2, in use or down.
fn port_channel_flags(pc: &PortChannel) -> &'static str {
    if pc.up {
        "SU"
    } else {
        "SD"
    }
}

/// The Protocol column: `LACP`, or `-` for a static channel.
fn protocol_column(pc: &PortChannel) -> &'static str {
    if pc.protocol.eq_ignore_ascii_case("lacp") {
        "LACP"
    } else {
        " -"
    }
}

/// The Ports column's lines: `Et1(P)` cells, four to a line.
fn member_lines(members: &[PortChannelMember]) -> Vec<String> {
    let cells: Vec<String> = members
        .iter()
        .map(|m| {
            let cell = format!("{}({})", short_interface_name(&m.interface), member_flag(m));
            format!("{cell:<11} ")
        })
        .collect();
    cells
        .chunks(MEMBERS_PER_LINE)
        .map(|c| c.concat().trim_end().to_string())
        .collect()
}

/// One port-channel's row (and its continuation lines).
fn summary_row(out: &mut String, pc: &PortChannel) {
    let po = format!(
        "{}({})",
        short_interface_name(&pc.interface),
        port_channel_flags(pc)
    );
    let head = format!("{:<7}{po:<16}{:<10}", pc.group, protocol_column(pc));
    let mut lines = member_lines(&pc.members).into_iter();
    let first = lines.next().unwrap_or_default();
    let _ = writeln!(out, "{}", format!("{head}{first}").trim_end());
    for more in lines {
        let _ = writeln!(out, "{:PORTS_COLUMN$}{more}", "");
    }
}

/// `show etherchannel summary`.
pub fn summary_text(port_channels: &[PortChannel]) -> String {
    let mut out = String::from(SUMMARY_LEGEND);
    let _ = writeln!(
        out,
        "\nNumber of channel-groups in use: {}",
        port_channels.len()
    );
    let _ = writeln!(
        out,
        "Number of aggregators:           {}\n",
        port_channels.len()
    );
    out.push_str(SUMMARY_HEADER);
    for pc in port_channels {
        summary_row(&mut out, pc);
    }
    out
}

/// The side a method hashes: `Source`, `Destination`, or both XORed.
fn sides(m: LoadBalance) -> &'static str {
    let f = m.fallback_fields();
    match (f.src_mac, f.dst_mac) {
        (true, true) => "Source XOR Destination",
        (true, false) => "Source",
        _ => "Destination",
    }
}

/// What a method hashes in a frame that has its header.
fn hashed(m: LoadBalance) -> &'static str {
    let f = m.fields();
    if f.src_mac || f.dst_mac {
        "MAC address"
    } else if f.src_ip || f.dst_ip {
        "IP address"
    } else {
        "TCP/UDP port"
    }
}

/// `show etherchannel load-balance`, for the method's keyword.
pub fn load_balance_text(method: &str) -> String {
    let mut out = format!("EtherChannel Load-Balancing Configuration:\n        {method}\n");
    let Some(m) = LoadBalance::from_keyword(method) else {
        return out;
    };
    let side = sides(m);
    let _ = write!(
        out,
        "\nEtherChannel Load-Balancing Addresses Used Per-Protocol:\nNon-IP: {side} MAC address\n  IPv4: {side} {}\n  IPv6: {side} MAC address\n",
        hashed(m)
    );
    out
}

/// The flags legend of `show lacp neighbor`.
const NEIGHBOR_LEGEND: &str = "Flags:  S - Device is requesting Slow LACPDUs
        F - Device is requesting Fast LACPDUs
        A - Device is in Active mode       P - Device is in Passive mode
";

/// The table's header of `show lacp neighbor`.
const NEIGHBOR_HEADER: &str =
    "                  LACP port                        Admin  Oper   Port    Port
Port      Flags   Priority  Dev ID          Age    key    Key    Number  State
";

/// 802.1AX actor/partner state bit: LACP_Activity (active).
const STATE_ACTIVITY: u32 = 0x01;
/// 802.1AX actor/partner state bit: LACP_Timeout (short, fast PDUs).
const STATE_TIMEOUT: u32 = 0x02;

/// The partner's flags: S or F (the rate it asks for), A or P.
fn partner_flags(state: u32) -> String {
    let rate = if state & STATE_TIMEOUT != 0 { 'F' } else { 'S' };
    let mode = if state & STATE_ACTIVITY != 0 {
        'A'
    } else {
        'P'
    };
    format!("{rate}{mode}")
}

/// A number as IOS prints the table's keys and states: `0x3D`.
fn hex(v: u32) -> String {
    format!("0x{v:X}")
}

/// One member's row: its partner's side.
fn neighbor_row(out: &mut String, p: &LacpPort) {
    let dev = if p.partner_system.is_empty() {
        "0000.0000.0000"
    } else {
        &p.partner_system
    };
    let age = format!("{:>3}", format!("{}s", p.partner_age_seconds));
    let _ = writeln!(
        out,
        "{:<10}{:<8}{:<10}{dev:<16}{age:<7}{:<7}{:<7}{:<8}{}",
        short_interface_name(&p.interface),
        partner_flags(p.partner_state),
        p.partner_port_priority,
        hex(0),
        hex(p.partner_key),
        hex(p.partner_port_number),
        hex(p.partner_state)
    );
}

/// `show lacp neighbor`: each channel group's members with their
/// partner's side.
pub fn neighbor_text(status: &LacpStatus) -> String {
    let mut groups: BTreeMap<u32, Vec<&LacpPort>> = BTreeMap::new();
    for p in &status.ports {
        groups.entry(p.group).or_default().push(p);
    }
    let mut out = String::from(NEIGHBOR_LEGEND);
    for (group, ports) in groups {
        let _ = write!(
            out,
            "\nChannel group {group} neighbors\n\nPartner's information:\n\n{NEIGHBOR_HEADER}"
        );
        for p in ports {
            neighbor_row(&mut out, p);
        }
    }
    out
}

/// `show lacp sys-id`: the system priority and MAC.
pub fn sys_id_text(status: &LacpStatus) -> String {
    format!("{}, {}\n", status.system_priority, status.system_mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(interface: &str, state: &str) -> PortChannelMember {
        PortChannelMember {
            interface: interface.into(),
            mode: "active".into(),
            state: state.into(),
            link_up: state != "down",
        }
    }

    /// Po1 (LACP, two bundled), Po2 (static, five members, one down), Po3
    /// (no member, down).
    fn sample() -> Vec<PortChannel> {
        vec![
            PortChannel {
                group: 1,
                interface: "Port-channel1".into(),
                protocol: "lacp".into(),
                up: true,
                members: vec![
                    member("Ethernet1", "bundled"),
                    member("Ethernet2", "bundled"),
                ],
            },
            PortChannel {
                group: 2,
                interface: "Port-channel2".into(),
                protocol: String::new(),
                up: true,
                members: (3..=7)
                    .map(|n| {
                        member(
                            &format!("Ethernet{n}"),
                            if n == 7 { "down" } else { "bundled" },
                        )
                    })
                    .collect(),
            },
            PortChannel {
                group: 3,
                interface: "Port-channel3".into(),
                protocol: String::new(),
                up: false,
                members: vec![],
            },
        ]
    }

    /// What `summary_text(&sample())` prints, in IOS's layout; ntc-templates'
    /// `cisco_ios_show_etherchannel_summary.textfsm` reads it (checked with
    /// `ntc_templates.parse.parse_output`: three bundles, Po2's five
    /// members with Et7 `D`, Po3 with none).
    const SAMPLE_SUMMARY: &str = "Flags:  D - down        P - bundled in port-channel
        I - stand-alone s - suspended
        H - Hot-standby (LACP only)
        R - Layer3      S - Layer2
        U - in use      f - failed to allocate aggregator

        M - not in use, minimum links not met
        u - unsuitable for bundling
        w - waiting to be aggregated
        d - default port


Number of channel-groups in use: 3
Number of aggregators:           3

Group  Port-channel  Protocol    Ports
------+-------------+-----------+-----------------------------------------------
1      Po1(SU)         LACP      Et1(P)      Et2(P)
2      Po2(SU)          -        Et3(P)      Et4(P)      Et5(P)      Et6(P)
                                 Et7(D)
3      Po3(SD)          -
";

    #[test]
    fn summary_is_in_ios_layout() {
        assert_eq!(summary_text(&sample()), SAMPLE_SUMMARY);
    }

    #[test]
    fn load_balance_is_in_ios_layout() {
        assert_eq!(
            load_balance_text("src-dst-ip"),
            "EtherChannel Load-Balancing Configuration:
        src-dst-ip

EtherChannel Load-Balancing Addresses Used Per-Protocol:
Non-IP: Source XOR Destination MAC address
  IPv4: Source XOR Destination IP address
  IPv6: Source XOR Destination MAC address
"
        );
        assert!(load_balance_text("src-mac").contains("  IPv4: Source MAC address\n"));
        assert!(load_balance_text("dst-port").contains("  IPv4: Destination TCP/UDP port\n"));
    }

    fn lacp_port(interface: &str, group: u32, partner_state: u32, age: u32) -> LacpPort {
        LacpPort {
            interface: interface.into(),
            group,
            mode: "active".into(),
            partner_known: true,
            partner_system_priority: 32768,
            partner_system: "5254.0016.3b55".into(),
            partner_port_priority: 32768,
            partner_port_number: 0x102,
            partner_key: 1,
            partner_state,
            partner_age_seconds: age,
            ..LacpPort::default()
        }
    }

    #[test]
    fn neighbors_are_in_ios_layout() {
        let status = LacpStatus {
            system_priority: 32768,
            system_mac: "0200.0000.0001".into(),
            ports: vec![
                lacp_port("Ethernet1", 1, 0x3d, 25),
                lacp_port("Ethernet2", 1, 0x3f, 1),
                lacp_port("Ethernet3", 2, 0x3c, 0),
            ],
        };
        assert_eq!(
            neighbor_text(&status),
            "Flags:  S - Device is requesting Slow LACPDUs
        F - Device is requesting Fast LACPDUs
        A - Device is in Active mode       P - Device is in Passive mode

Channel group 1 neighbors

Partner's information:

                  LACP port                        Admin  Oper   Port    Port
Port      Flags   Priority  Dev ID          Age    key    Key    Number  State
Et1       SA      32768     5254.0016.3b55  25s    0x0    0x1    0x102   0x3D
Et2       FA      32768     5254.0016.3b55   1s    0x0    0x1    0x102   0x3F

Channel group 2 neighbors

Partner's information:

                  LACP port                        Admin  Oper   Port    Port
Port      Flags   Priority  Dev ID          Age    key    Key    Number  State
Et3       SP      32768     5254.0016.3b55   0s    0x0    0x1    0x102   0x3C
"
        );
        assert_eq!(sys_id_text(&status), "32768, 0200.0000.0001\n");
    }
}
