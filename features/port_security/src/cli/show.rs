//! EXEC commands of feature `port_security`, in IOS's layouts
//! (ntc-templates reads `show port-security interface X`): `show
//! port-security`, `show port-security interface X`, `show port-security
//! [interface X] address`. The text is made by pure functions of the
//! API's messages.

use lisa_engine::exec::{api_error, ExecCtx, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Node};
use lisa_proto::v1::port_security_client::PortSecurityClient;
use lisa_proto::v1::{
    GetPortSecurityRequest, GetPortSecurityResponse, ListSecureAddressesRequest,
    ListSecureAddressesResponse, PortSecurityStatus, SecureAddress,
};
use lisa_types::short_interface_name;
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let address = || kw("address", "Show secure address", vec![]).runs(show_address as ExecHandler);
    vec![kw(
        "show",
        "Show running system information",
        vec![kw(
            "port-security",
            "Show secure port information",
            vec![
                address(),
                kw(
                    "interface",
                    "Show secure interface",
                    vec![arg(
                        "interface",
                        ArgKind::Interface,
                        "Interface name",
                        vec![address()],
                    )
                    .runs(show_interface as ExecHandler)],
                ),
            ],
        )
        .runs(show_summary as ExecHandler)],
    )]
}

fn client(ctx: &ExecCtx) -> PortSecurityClient<tonic::transport::Channel> {
    PortSecurityClient::new(ctx.channel())
}

async fn port_security(ctx: &ExecCtx, interface: &str) -> Result<GetPortSecurityResponse, String> {
    Ok(client(ctx)
        .get_port_security(GetPortSecurityRequest {
            interface: interface.to_string(),
        })
        .await
        .map_err(api_error)?
        .into_inner())
}

async fn secure_addresses(ctx: &ExecCtx) -> Result<ListSecureAddressesResponse, String> {
    Ok(client(ctx)
        .list_secure_addresses(ListSecureAddressesRequest {})
        .await
        .map_err(api_error)?
        .into_inner())
}

exec_handler!(fn show_summary(ctx, _args) {
    Ok(summary_text(&port_security(ctx, "").await?))
});

exec_handler!(fn show_interface(ctx, args) {
    let name = ctx.resolve_arg(args, "interface").await?.unwrap_or_default();
    let status = port_security(ctx, &name).await?;
    let aging = aging_time_in(&ctx.running_text().await?, &name);
    Ok(interface_text(&status_of(&status, &name), aging))
});

exec_handler!(fn show_address(ctx, args) {
    let name = ctx.resolve_arg(args, "interface").await?;
    let list = secure_addresses(ctx).await?;
    Ok(match name {
        Some(name) => interface_address_text(&list, &name),
        None => address_text(&list),
    })
});

/// Port `name`'s status in `r`; a port the answer leaves out has port
/// security off, with the defaults.
pub fn status_of(r: &GetPortSecurityResponse, name: &str) -> PortSecurityStatus {
    r.ports
        .iter()
        .find(|p| p.interface == name)
        .cloned()
        .unwrap_or_else(|| PortSecurityStatus {
            interface: name.to_string(),
            status: "secure-down".into(),
            violation_mode: "shutdown".into(),
            maximum: crate::model::DEFAULT_MAXIMUM,
            ..PortSecurityStatus::default()
        })
}

/// The aging time (minutes) the running configuration's text gives port
/// `name` (`switchport port-security aging time N` in its block; 0 if
/// none).
pub fn aging_time_in(running: &str, name: &str) -> u32 {
    let header = format!("interface {name}");
    running
        .lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .find_map(|l| {
            l.trim()
                .strip_prefix("switchport port-security aging time ")
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A word with its first letter capitalized, as IOS prints modes and
/// states: `restrict` -> `Restrict`, `secure-up` -> `Secure-up`.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The separator of `show port-security`'s table.
const SUMMARY_RULE: &str =
    "---------------------------------------------------------------------------";

/// The header of `show port-security`'s table.
const SUMMARY_HEADER: &str =
    "Secure Port  MaxSecureAddr  CurrentAddr  SecurityViolation  Security Action
                (Count)       (Count)          (Count)
";

/// The two lines on the system's totals that end `show port-security`
/// and `show port-security address`.
fn system_totals(out: &mut String, total: u32, max: u32) {
    let _ = writeln!(
        out,
        "Total Addresses in System (excluding one mac per port)     : {total}"
    );
    let _ = writeln!(
        out,
        "Max Addresses limit in System (excluding one mac per port) : {max}"
    );
}

/// One secured port's row of `show port-security`.
fn summary_row(out: &mut String, p: &PortSecurityStatus) {
    let _ = writeln!(
        out,
        "{:>11}{:>15}{:>13}{:>19}{:>17}",
        short_interface_name(&p.interface),
        p.maximum,
        p.total,
        p.violations,
        capitalized(&p.violation_mode)
    );
}

/// `show port-security`: one row per port with port security on, then
/// the system's totals.
pub fn summary_text(r: &GetPortSecurityResponse) -> String {
    let mut out = String::from(SUMMARY_HEADER);
    let _ = writeln!(out, "{SUMMARY_RULE}");
    for p in r.ports.iter().filter(|p| p.enabled) {
        summary_row(&mut out, p);
    }
    let _ = writeln!(out, "{SUMMARY_RULE}");
    system_totals(&mut out, r.total_addresses, r.max_addresses);
    out
}

/// `Enabled` or `Disabled`.
fn enabled(on: bool) -> &'static str {
    if on {
        "Enabled"
    } else {
        "Disabled"
    }
}

/// `show port-security interface X`: one port's block. `aging`: its aging
/// time, minutes (only absolute aging of learned addresses is done).
pub fn interface_text(p: &PortSecurityStatus, aging: u32) -> String {
    let last = if p.last_source.is_empty() {
        "0000.0000.0000:0"
    } else {
        &p.last_source
    };
    let fields = [
        ("Port Security", enabled(p.enabled).to_string()),
        ("Port Status", capitalized(&p.status)),
        ("Violation Mode", capitalized(&p.violation_mode)),
        ("Aging Time", format!("{aging} mins")),
        ("Aging Type", "Absolute".into()),
        ("SecureStatic Address Aging", enabled(false).into()),
        ("Maximum MAC Addresses", p.maximum.to_string()),
        ("Total MAC Addresses", p.total.to_string()),
        ("Configured MAC Addresses", p.configured.to_string()),
        ("Sticky MAC Addresses", p.sticky.to_string()),
        ("Last Source Address:Vlan", last.to_string()),
        ("Security Violation Count", p.violations.to_string()),
    ];
    let mut out = String::new();
    for (label, value) in fields {
        let _ = writeln!(out, "{label:<27}: {value}");
    }
    out.push('\n');
    out
}

/// The rule of `show port-security address`'s table.
const ADDRESS_RULE: &str =
    "-----------------------------------------------------------------------------";

/// The header of `show port-security address`.
const ADDRESS_HEADER: &str = "               Secure Mac Address Table
-----------------------------------------------------------------------------
Vlan    Mac Address       Type                          Ports   Remaining Age
                                                                   (mins)
----    -----------       ----                          -----   -------------
";

/// One address's row (no remaining age is kept: `-`).
fn address_row(out: &mut String, a: &SecureAddress) {
    let _ = writeln!(
        out,
        "{:>4}    {:<14}    {:<30}{:<13}-",
        a.vlan,
        a.mac,
        a.r#type,
        short_interface_name(&a.interface)
    );
}

/// The table of `addresses`, between its header and its closing rule.
fn address_table<'a>(addresses: impl Iterator<Item = &'a SecureAddress>) -> String {
    let mut out = String::from(ADDRESS_HEADER);
    for a in addresses {
        address_row(&mut out, a);
    }
    let _ = writeln!(out, "{ADDRESS_RULE}");
    out
}

/// `show port-security address`: every secure address, then the
/// system's totals.
pub fn address_text(list: &ListSecureAddressesResponse) -> String {
    let mut out = address_table(list.addresses.iter());
    system_totals(&mut out, list.total_addresses, list.max_addresses);
    out
}

/// `show port-security interface X address`: port `name`'s secure
/// addresses and their count.
pub fn interface_address_text(list: &ListSecureAddressesResponse, name: &str) -> String {
    let mine: Vec<&SecureAddress> = list
        .addresses
        .iter()
        .filter(|a| a.interface == name)
        .collect();
    let mut out = address_table(mine.iter().copied());
    let _ = writeln!(out, "Total Addresses: {}", mine.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(interface: &str, violation_mode: &str, total: u32) -> PortSecurityStatus {
        PortSecurityStatus {
            interface: interface.into(),
            enabled: true,
            status: "secure-up".into(),
            violation_mode: violation_mode.into(),
            maximum: 10,
            total,
            configured: 0,
            sticky: total,
            violations: 0,
            last_source: String::new(),
            sticky_learning: true,
        }
    }

    fn sample() -> GetPortSecurityResponse {
        let mut off = status("GigabitEthernet0/1", "shutdown", 0);
        off.enabled = false;
        let mut shut = status("GigabitEthernet1/0", "shutdown", 1);
        shut.maximum = 1;
        shut.violations = 3;
        shut.status = "secure-shutdown".into();
        GetPortSecurityResponse {
            ports: vec![
                off,
                status("GigabitEthernet0/2", "restrict", 1),
                status("GigabitEthernet0/3", "restrict", 2),
                shut,
            ],
            total_addresses: 1,
            max_addresses: 4096,
        }
    }

    /// What `summary_text(&sample())` prints, in IOS's layout (columns as
    /// IOSvL2 and IOL print them).
    const SAMPLE_SUMMARY: &str =
        "Secure Port  MaxSecureAddr  CurrentAddr  SecurityViolation  Security Action
                (Count)       (Count)          (Count)
---------------------------------------------------------------------------
      Gi0/2             10            1                  0         Restrict
      Gi0/3             10            2                  0         Restrict
      Gi1/0              1            1                  3         Shutdown
---------------------------------------------------------------------------
Total Addresses in System (excluding one mac per port)     : 1
Max Addresses limit in System (excluding one mac per port) : 4096
";

    #[test]
    fn summary_is_in_ios_layout() {
        assert_eq!(summary_text(&sample()), SAMPLE_SUMMARY);
    }

    /// What `interface_text` prints for Gi0/2; ntc-templates'
    /// `cisco_ios_show_port-security_interface_interface.textfsm` reads it
    /// (checked with `ntc_templates.parse.parse_output`: every field).
    const SAMPLE_INTERFACE: &str = "Port Security              : Enabled
Port Status                : Secure-up
Violation Mode             : Restrict
Aging Time                 : 10 mins
Aging Type                 : Absolute
SecureStatic Address Aging : Disabled
Maximum MAC Addresses      : 10
Total MAC Addresses        : 1
Configured MAC Addresses   : 0
Sticky MAC Addresses       : 1
Last Source Address:Vlan   : 5254.0016.3b55:201
Security Violation Count   : 0

";

    #[test]
    fn interface_is_in_ios_layout() {
        let mut p = status("GigabitEthernet0/2", "restrict", 1);
        p.last_source = "5254.0016.3b55:201".into();
        assert_eq!(interface_text(&p, 10), SAMPLE_INTERFACE);
    }

    #[test]
    fn a_port_left_out_has_port_security_off() {
        let text = interface_text(&status_of(&sample(), "Ethernet9"), 0);
        assert!(text.starts_with(
            "Port Security              : Disabled\nPort Status                : Secure-down\nViolation Mode             : Shutdown\nAging Time                 : 0 mins\n"
        ));
        assert!(text.contains("Maximum MAC Addresses      : 1\n"));
        assert!(text.contains("Last Source Address:Vlan   : 0000.0000.0000:0\n"));
        let shut = status_of(&sample(), "GigabitEthernet1/0");
        assert!(interface_text(&shut, 0).contains("Port Status                : Secure-shutdown\n"));
    }

    fn address(vlan: u32, mac: &str, kind: &str, interface: &str) -> SecureAddress {
        SecureAddress {
            vlan,
            mac: mac.into(),
            r#type: kind.into(),
            interface: interface.into(),
        }
    }

    fn addresses() -> ListSecureAddressesResponse {
        ListSecureAddressesResponse {
            addresses: vec![
                address(201, "5254.0016.3b55", "SecureSticky", "GigabitEthernet0/2"),
                address(200, "5254.0019.6287", "SecureSticky", "GigabitEthernet0/3"),
                address(
                    200,
                    "0200.0000.0001",
                    "SecureConfigured",
                    "GigabitEthernet0/3",
                ),
                address(10, "0200.0000.0002", "SecureDynamic", "Ethernet12"),
            ],
            total_addresses: 1,
            max_addresses: 4096,
        }
    }

    /// What `address_text(&addresses())` prints, in IOS's layout.
    const SAMPLE_ADDRESSES: &str = "               Secure Mac Address Table
-----------------------------------------------------------------------------
Vlan    Mac Address       Type                          Ports   Remaining Age
                                                                   (mins)
----    -----------       ----                          -----   -------------
 201    5254.0016.3b55    SecureSticky                  Gi0/2        -
 200    5254.0019.6287    SecureSticky                  Gi0/3        -
 200    0200.0000.0001    SecureConfigured              Gi0/3        -
  10    0200.0000.0002    SecureDynamic                 Et12         -
-----------------------------------------------------------------------------
Total Addresses in System (excluding one mac per port)     : 1
Max Addresses limit in System (excluding one mac per port) : 4096
";

    #[test]
    fn addresses_are_in_ios_layout() {
        assert_eq!(address_text(&addresses()), SAMPLE_ADDRESSES);
        let one = interface_address_text(&addresses(), "GigabitEthernet0/3");
        assert!(one.ends_with(
            " 200    5254.0019.6287    SecureSticky                  Gi0/3        -
 200    0200.0000.0001    SecureConfigured              Gi0/3        -
-----------------------------------------------------------------------------
Total Addresses: 2
"
        ));
    }

    #[test]
    fn aging_time_is_read_from_the_port_block() {
        let running = "!\ninterface GigabitEthernet0/1\n switchport port-security aging time 5\n!\ninterface GigabitEthernet0/2\n switchport mode access\n switchport port-security aging time 30\n switchport port-security\n!\ninterface GigabitEthernet0/3\n!\nend\n";
        assert_eq!(aging_time_in(running, "GigabitEthernet0/2"), 30);
        assert_eq!(aging_time_in(running, "GigabitEthernet0/1"), 5);
        assert_eq!(aging_time_in(running, "GigabitEthernet0/3"), 0);
        assert_eq!(aging_time_in(running, "GigabitEthernet0/9"), 0);
    }

    #[test]
    fn words_are_capitalized_as_ios_prints_them() {
        assert_eq!(capitalized("secure-up"), "Secure-up");
        assert_eq!(capitalized("protect"), "Protect");
        assert_eq!(capitalized(""), "");
    }
}
