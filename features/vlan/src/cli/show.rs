//! EXEC commands of feature `vlan`: `show vlan [brief]`.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{exec_handler, kw, Node};
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
            vec![kw("brief", "VTP all VLAN status in brief", vec![])
                .runs(show_vlan_brief as ExecHandler)],
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
