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
                kw(
                    "id",
                    "VTP VLAN status by VLAN id",
                    vec![
                        arg("vlan", ArgKind::VlanList, "ISL VLAN IDs 1-4094", vec![])
                            .runs(show_vlan_brief as ExecHandler),
                    ],
                ),
            ],
        )
        .runs(show_vlan_brief as ExecHandler)],
    )]
}

exec_handler!(fn show_vlan_brief(ctx, args) {
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
        Some(set) => vlans.into_iter().filter(|v| set.contains(v.id as u16)).collect(),
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
    for v in vlans {
        let _ = writeln!(
            out,
            "{:<4} {:<32} {:<9} {}",
            v.id,
            v.name,
            "active",
            v.access_ports.join(", ")
        );
    }
    Ok(out)
});
