//! EXEC commands of feature `stp`, in IOS's layouts (ntc-templates reads
//! `show spanning-tree`): `show spanning-tree [vlan N] [interface X]`.
//! The one instance is shown as VLAN0001, or as the VLAN asked for.

use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::stp_client::StpClient;
use lisa_proto::v1::{GetSpanningTreeRequest, SpanningTree, StpPort};
use lisa_types::short_interface_name;
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let h = show as ExecHandler;
    let interface = || {
        kw(
            "interface",
            "Spanning Tree interface status and configuration",
            vec![arg("interface", ArgKind::Interface, "Interface name", vec![]).runs(h)],
        )
    };
    vec![kw(
        "show",
        "Show running system information",
        vec![kw(
            "spanning-tree",
            "Spanning tree topology",
            vec![
                kw(
                    "vlan",
                    "VLAN Switch Spanning Trees",
                    vec![arg("vlan", ArgKind::VlanId, "vlan id", vec![interface()]).runs(h)],
                ),
                interface(),
            ],
        )
        .runs(h)],
    )]
}

exec_handler!(fn show(ctx, args) {
    let vlan: Option<u16> = args.opt("vlan").map_err(|e| e.to_string())?;
    let interface = args.text("interface").unwrap_or_default().to_string();
    let t = StpClient::new(ctx.channel())
        .get_spanning_tree(GetSpanningTreeRequest {
            vlan: u32::from(vlan.unwrap_or(0)),
            interface: interface.clone(),
        })
        .await
        .map_err(api_error)?
        .into_inner();
    if !t.enabled {
        return Err("No spanning tree instance exists.".into());
    }
    if !interface.is_empty() {
        return Ok(interface_text(&t, vlan.unwrap_or(1)));
    }
    Ok(tree_text(&t, vlan.unwrap_or(1)))
});

/// IOS's four letters of a role.
fn role(p: &StpPort) -> &'static str {
    match p.role.as_str() {
        "root" => "Root",
        "designated" => "Desg",
        "alternate" => "Altn",
        "backup" => "Back",
        _ => "Disa",
    }
}

/// IOS's three letters of a state.
fn state(p: &StpPort) -> &'static str {
    match p.state.as_str() {
        "forwarding" => "FWD",
        "learning" => "LRN",
        _ => "BLK",
    }
}

/// The Type column: `P2p`, `Shr`, with `Edge` or `Peer(STP)`.
fn kind(p: &StpPort) -> String {
    let mut s = String::from(if p.p2p { "P2p" } else { "Shr" });
    if p.edge {
        s.push_str(" Edge");
    }
    if p.stp_peer {
        s.push_str(" Peer(STP)");
    }
    s
}

fn port_row(out: &mut String, name: &str, p: &StpPort) {
    let _ = writeln!(
        out,
        "{name:<19} {} {} {:<9} {:<8} {}",
        role(p),
        state(p),
        p.cost,
        format!("{}.{}", p.priority, p.number),
        kind(p)
    );
}

const PORT_HEADER: &str = "Interface           Role Sts Cost      Prio.Nbr Type\n------------------- ---- --- --------- -------- --------------------------------\n";

/// `show spanning-tree [vlan N]`.
pub fn tree_text(t: &SpanningTree, vlan: u16) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nVLAN{vlan:04}");
    let _ = writeln!(out, "  Spanning tree enabled protocol {}", t.protocol);
    let _ = writeln!(out, "  Root ID    Priority    {}", t.root_priority);
    let _ = writeln!(out, "             Address     {}", t.root_mac);
    if t.root_port.is_empty() {
        out.push_str("             This bridge is the root\n");
    } else {
        let _ = writeln!(out, "             Cost        {}", t.root_cost);
        let _ = writeln!(
            out,
            "             Port        {} ({})",
            t.root_port_number, t.root_port
        );
    }
    let _ = writeln!(
        out,
        "             Hello Time   {} sec  Max Age {} sec  Forward Delay {} sec\n",
        t.root_hello, t.root_max_age, t.root_forward_delay
    );
    let ext = if t.extend_system_id { 1 } else { 0 };
    let _ = writeln!(
        out,
        "  Bridge ID  Priority    {}  (priority {} sys-id-ext {ext})",
        t.bridge_priority,
        t.bridge_priority - ext
    );
    let _ = writeln!(out, "             Address     {}", t.bridge_mac);
    let _ = writeln!(
        out,
        "             Hello Time   {} sec  Max Age {} sec  Forward Delay {} sec",
        t.hello, t.max_age, t.forward_delay
    );
    out.push_str("             Aging Time  300 sec\n\n");
    out.push_str(PORT_HEADER);
    for p in &t.ports {
        port_row(&mut out, &short_interface_name(&p.interface), p);
    }
    out.push('\n');
    out
}

/// `show spanning-tree interface X`: the instance's row for the port.
pub fn interface_text(t: &SpanningTree, vlan: u16) -> String {
    let mut out = String::from(
        "Vlan                Role Sts Cost      Prio.Nbr Type\n------------------- ---- --- --------- -------- --------------------------------\n",
    );
    for p in &t.ports {
        port_row(&mut out, &format!("VLAN{vlan:04}"), p);
    }
    out
}
