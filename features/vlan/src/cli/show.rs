//! EXEC commands of feature `vlan`: `show vlan [brief | id LIST]`.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::ListVlansRequest;
use std::fmt::Write;

/// The EXEC commands.
pub fn exec_commands() -> Vec<Node<ExecHandler>> {
    vec![kw(
        "show",
        "Show running system information",
        vec![kw(
            "vlan",
            "VTP VLAN status",
            vec![
                kw("brief", "VTP all VLAN status in brief", vec![])
                    .runs(show_vlan_brief as ExecHandler),
                kw("all-ports", "Display all VLAN ports", vec![]).runs(show_vlan as ExecHandler),
                kw(
                    "id",
                    "VTP VLAN status by VLAN id",
                    vec![
                        arg("vlan", ArgKind::VlanList, "ISL VLAN IDs 1-4094", vec![])
                            .runs(show_vlan as ExecHandler),
                    ],
                ),
            ],
        )
        .runs(show_vlan as ExecHandler)],
    )]
}

exec_handler!(fn show_vlan_brief(ctx, args) {
    vlan_table(ctx, args, false).await
});

exec_handler!(fn show_vlan(ctx, args) {
    vlan_table(ctx, args, true).await
});

/// `show vlan [brief | id LIST]`: the VLANs, their names and access ports
/// (on one line, however many: Ansible's parser loses wrapped lines), and
/// for the full form IOS's second table (type, SAID, MTU).
async fn vlan_table(
    ctx: &lisa_engine::ExecCtx,
    args: &lisa_engine::Args,
    full: bool,
) -> Result<String, String> {
    let vlans = ctx
        .vlans()
        .list_vlans(ListVlansRequest {})
        .await
        .map_err(api_error)?
        .into_inner()
        .vlans;
    // `show vlan id LIST`: only those, as IOS, which names what is missing.
    let wanted: Option<lisa_types::VlanSet> = args.opt("vlan").map_err(|e| e.to_string())?;
    let vlans: Vec<_> = match &wanted {
        Some(set) => vlans
            .into_iter()
            .filter(|v| set.contains(v.id as u16))
            .collect(),
        None => vlans,
    };
    if wanted.is_some() && vlans.is_empty() {
        return Err(format!(
            "VLAN id {} not found in current VLAN database",
            args.text("vlan").unwrap_or_default()
        ));
    }
    let mut out = String::from(
        "\nVLAN Name                             Status    Ports\n---- -------------------------------- --------- -------------------------------\n",
    );
    for v in &vlans {
        let row = format!(
            "{:<4} {:<32} {:<9} {}",
            v.id,
            v.name,
            "active",
            v.access_ports.join(", ")
        );
        let _ = writeln!(out, "{}", row.trim_end());
    }
    if full {
        out.push_str(
            "\nVLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2\n\
             ---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------\n",
        );
        for v in &vlans {
            let _ = writeln!(
                out,
                "{:<4} enet  {:<10} 1500  -      -      -        -    -        0      0",
                v.id,
                100_000 + v.id
            );
        }
    }
    Ok(out)
}
