//! EXEC commands of feature `lldp`, in IOS's layouts (ntc-templates reads
//! them): `show lldp`, `show lldp neighbors [INTERFACE] [detail]`,
//! `show lldp traffic`, `show lldp interface [INTERFACE]`, `clear lldp
//! table | counters`.

use crate::wire::CapabilityLetters;
use lisa_engine::exec::{api_error, ExecCtx, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::lldp_client::LldpClient;
use lisa_proto::v1::{
    ClearLldpRequest, GetLldpStatusRequest, ListLldpNeighborsRequest, LldpNeighbor, LldpStatus,
};
use lisa_types::short_interface_name;
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// What IOS prints when LLDP is off.
const NOT_ENABLED: &str = "% LLDP is not enabled";

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let neighbors = show_neighbors as ExecHandler;
    let detail = || kw("detail", "Show detailed information", vec![]).runs(neighbors);
    let lldp = |children| kw("lldp", "LLDP information", children);
    vec![
        kw(
            "show",
            "Show running system information",
            vec![lldp(vec![
                kw(
                    "neighbors",
                    "LLDP neighbor entries",
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
                kw("traffic", "LLDP statistics", vec![]).runs(show_traffic as ExecHandler),
                kw(
                    "interface",
                    "LLDP interface status and configuration",
                    vec![
                        arg("interface", ArgKind::Interface, "Interface name", vec![])
                            .runs(show_interfaces as ExecHandler),
                    ],
                )
                .runs(show_interfaces as ExecHandler),
            ])
            .runs(show_lldp as ExecHandler)],
        ),
        kw(
            "clear",
            "Reset functions",
            vec![lldp(vec![
                kw("table", "Clear LLDP neighbor table", vec![]).runs(clear as ExecHandler),
                kw("counters", "Clear LLDP counters", vec![]).runs(clear as ExecHandler),
            ])],
        ),
    ]
}

fn client(ctx: &ExecCtx) -> LldpClient<tonic::transport::Channel> {
    LldpClient::new(ctx.channel())
}

async fn status(ctx: &ExecCtx, interface: &str) -> Result<LldpStatus, String> {
    Ok(client(ctx)
        .get_lldp_status(GetLldpStatusRequest {
            interface: interface.to_string(),
        })
        .await
        .map_err(api_error)?
        .into_inner())
}

/// The status (of the ports, or of port `interface`), or IOS's refusal
/// when LLDP is off.
async fn running_status(ctx: &ExecCtx, interface: &str) -> Result<LldpStatus, String> {
    let s = status(ctx, interface).await?;
    if !s.enabled {
        return Err(NOT_ENABLED.into());
    }
    Ok(s)
}

exec_handler!(fn show_lldp(ctx, _args) {
    let s = running_status(ctx, "").await?;
    Ok(format!(
        "\nGlobal LLDP Information:\n    Status: ACTIVE\n    LLDP advertisements are sent every {} seconds\n    LLDP hold time advertised is {} seconds\n    LLDP interface reinitialisation delay is {} seconds\n",
        s.timer, s.holdtime, s.reinit
    ))
});

exec_handler!(fn show_traffic(ctx, _args) {
    let s = running_status(ctx, "").await?;
    Ok(format!(
        "\nLLDP traffic statistics: \n    Total frames out: {}\n    Total entries aged: {}\n    Total frames in: {}\n    Total frames received in error: {}\n    Total frames discarded: {}\n    Total TLVs discarded: 0\n    Total TLVs unrecognized: {}\n",
        s.frames_out, s.entries_aged, s.frames_in, s.frames_in_errors, s.frames_discarded, s.tlvs_unrecognized
    ))
});

exec_handler!(fn show_interfaces(ctx, args) {
    let s = running_status(ctx, args.text("interface").unwrap_or_default()).await?;
    let on = |b: bool| if b { "enabled" } else { "disabled" };
    let mut out = String::new();
    for i in &s.interfaces {
        let _ = write!(
            out,
            "\n{}:\n    Tx: {}\n    Rx: {}\n    Tx state: {}\n    Rx state: {}\n",
            i.interface,
            on(i.transmit),
            on(i.receive),
            if i.transmit && i.up { "IDLE" } else { "INIT" },
            if i.receive && i.up { "WAIT FOR FRAME" } else { "WAIT PORT OPER" },
        );
    }
    Ok(out)
});

exec_handler!(fn clear(ctx, args) {
    client(ctx)
        .clear_lldp(ClearLldpRequest {
            table: args.has("table"),
            counters: args.has("counters"),
        })
        .await
        .map_err(api_error)?;
    Ok(String::new())
});

exec_handler!(fn show_neighbors(ctx, args) {
    running_status(ctx, "").await?;
    let interface = args.text("interface").unwrap_or_default().to_string();
    let neighbors = client(ctx)
        .list_lldp_neighbors(ListLldpNeighborsRequest { interface })
        .await
        .map_err(api_error)?
        .into_inner()
        .neighbors;
    if args.has("detail") {
        Ok(detail_text(&neighbors))
    } else {
        Ok(brief_text(&neighbors))
    }
});

/// The name a neighbour goes by: its system name, else its chassis ID.
fn device_id(n: &LldpNeighbor) -> &str {
    if n.system_name.is_empty() {
        &n.chassis_id
    } else {
        &n.system_name
    }
}

/// `show lldp neighbors`: one line per neighbour, the device ID cut to 20
/// characters as IOS does.
pub fn brief_text(neighbors: &[LldpNeighbor]) -> String {
    let mut out = String::from(
        "Capability codes:\n    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n\nDevice ID           Local Intf     Hold-time  Capability      Port ID\n",
    );
    for n in neighbors {
        let id: String = device_id(n).chars().take(20).collect();
        let caps = CapabilityLetters(n.enabled_capabilities as u16).to_string();
        let _ = writeln!(
            out,
            "{id:<20}{:<15}{:<11}{caps:<16}{}",
            short_interface_name(&n.local_interface),
            n.ttl,
            n.port_id
        );
    }
    let _ = write!(out, "\nTotal entries displayed: {}\n", neighbors.len());
    out
}

/// A text field, or IOS's "- not advertised".
fn field(out: &mut String, label: &str, value: &str) {
    if value.is_empty() {
        let _ = writeln!(out, "{label} - not advertised");
    } else {
        let _ = writeln!(out, "{label}: {value}");
    }
}

/// `show lldp neighbors detail`.
pub fn detail_text(neighbors: &[LldpNeighbor]) -> String {
    let mut out = String::new();
    for n in neighbors {
        out.push_str("------------------------------------------------\n");
        let _ = writeln!(
            out,
            "Local Intf: {}",
            short_interface_name(&n.local_interface)
        );
        let _ = writeln!(out, "Chassis id: {}", n.chassis_id);
        let _ = writeln!(out, "Port id: {}", n.port_id);
        field(&mut out, "Port Description", &n.port_description);
        field(&mut out, "System Name", &n.system_name);
        out.push('\n');
        if n.system_description.is_empty() {
            out.push_str("System Description - not advertised\n");
        } else {
            let _ = writeln!(out, "System Description: \n{}", n.system_description);
        }
        out.push('\n');
        let _ = writeln!(out, "Time remaining: {} seconds", n.expires_in);
        if n.capabilities_advertised {
            let all = CapabilityLetters(n.capabilities as u16);
            let on = CapabilityLetters(n.enabled_capabilities as u16);
            let _ = writeln!(out, "System Capabilities: {all}");
            let _ = writeln!(out, "Enabled Capabilities: {on}");
        } else {
            out.push_str(
                "System Capabilities - not advertised\nEnabled Capabilities - not advertised\n",
            );
        }
        if n.management_addresses.is_empty() {
            out.push_str("Management Addresses - not advertised\n");
        } else {
            out.push_str("Management Addresses:\n");
            for a in &n.management_addresses {
                let _ = writeln!(out, "    IP: {a}");
            }
        }
        out.push_str("Auto Negotiation - not supported\nPhysical media capabilities - not advertised\nMedia Attachment Unit type - not advertised\nVlan ID: - not advertised\n");
        if !n.source_mac.is_empty() {
            let _ = writeln!(out, "Peer Source MAC: {}", n.source_mac);
        }
        out.push('\n');
    }
    let _ = write!(out, "\nTotal entries displayed: {}\n", neighbors.len());
    out
}
