//! EXEC commands of feature `storm`, in IOS's layout: `show storm-control
//! [INTERFACE] [broadcast | multicast | unicast]`. The text is made by
//! pure functions of the API's messages.

use crate::model::{format_percent, format_rate, Class, Unit};
use lisa_engine::exec::{api_error, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Args, Node};
use lisa_proto::v1::storm_control_client::StormControlClient;
use lisa_proto::v1::{GetStormControlRequest, StormControlEntry};
use lisa_types::short_interface_name;
use std::fmt::Write;

type Tree = Vec<Node<ExecHandler>>;

/// IOS's help for a class keyword of `show storm-control`.
fn class_help(c: Class) -> &'static str {
    match c {
        Class::Broadcast => "Broadcast storm control",
        Class::Multicast => "Multicast storm control",
        Class::Unicast => "Unicast storm control",
    }
}

/// The class keywords, each ending the line.
fn classes() -> Tree {
    Class::ALL
        .into_iter()
        .map(|c| kw(c.keyword(), class_help(c), vec![]).runs(show as ExecHandler))
        .collect()
}

/// The EXEC commands.
pub fn exec_commands() -> Tree {
    let h = show as ExecHandler;
    let mut after = classes();
    after.push(arg("interface", ArgKind::Interface, "Interface name", classes()).runs(h));
    vec![kw(
        "show",
        "Show running system information",
        vec![kw("storm-control", "Show storm control configuration", after).runs(h)],
    )]
}

/// The request a line makes: the interface as typed (empty: every port
/// with a level) and the class keyword (empty: broadcast).
pub fn request(args: &Args) -> GetStormControlRequest {
    let class = Class::ALL
        .into_iter()
        .find(|c| args.has(c.keyword()))
        .map(|c| c.keyword().to_string())
        .unwrap_or_default();
    GetStormControlRequest {
        interface: args.text("interface").unwrap_or_default().to_string(),
        class,
    }
}

exec_handler!(fn show(ctx, args) {
    let list = StormControlClient::new(ctx.channel())
        .get_storm_control(request(args))
        .await
        .map_err(api_error)?
        .into_inner();
    Ok(table_text(&list.entries))
});

/// The table's header.
const HEADER: &str = "Interface  Filter State   Upper        Lower        Current
---------  -------------  -----------  -----------  ----------
";

/// The Filter State column for the proto's state word.
pub fn state_text(state: &str) -> String {
    match state {
        "forwarding" => "Forwarding".into(),
        "blocking" => "Blocking".into(),
        "link-down" => "Link Down".into(),
        "inactive" => "Inactive".into(),
        other => capitalized(&other.replace('-', " ")),
    }
}

/// `word` with its first letter in upper case.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value with its unit, as the table shows it: `20.00%` (hundredths),
/// `1m bps`, `1k pps`. An unknown unit word shows the bare number.
pub fn value_text(unit: &str, v: u64) -> String {
    match Unit::from_word(unit) {
        Some(Unit::Percent) => format!("{}%", format_percent(v)),
        Some(u @ (Unit::Bps | Unit::Pps)) => format!("{} {}", format_rate(v), u.word()),
        None => v.to_string(),
    }
}

/// One entry's row.
fn row(out: &mut String, e: &StormControlEntry) {
    let _ = writeln!(
        out,
        "{:<10} {:<14} {:>10} {:>12} {:>10}",
        short_interface_name(&e.interface),
        state_text(&e.state),
        value_text(&e.unit, e.upper),
        value_text(&e.unit, e.lower),
        value_text(&e.unit, e.current)
    );
}

/// `show storm-control ...`: the header, then a row per entry.
pub fn table_text(entries: &[StormControlEntry]) -> String {
    let mut out = String::from(HEADER);
    for e in entries {
        row(&mut out, e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(interface: &str, state: &str, unit: &str, v: [u64; 3]) -> StormControlEntry {
        StormControlEntry {
            interface: interface.into(),
            class: "broadcast".into(),
            state: state.into(),
            unit: unit.into(),
            upper: v[0],
            lower: v[1],
            current: v[2],
            dropped: 0,
            action: "none".into(),
        }
    }

    #[test]
    fn the_table_is_in_ios_layout() {
        let entries = [
            entry(
                "GigabitEthernet1/0/1",
                "forwarding",
                "percent",
                [2000, 1000, 0],
            ),
            entry(
                "GigabitEthernet1/0/2",
                "blocking",
                "bps",
                [1_000_000, 500_000, 2_000_000],
            ),
            entry("GigabitEthernet1/0/3", "forwarding", "pps", [1000, 1000, 0]),
            entry("Ethernet4", "link-down", "percent", [5050, 5050, 0]),
            entry("Port-channel1", "inactive", "percent", [10000, 10000, 0]),
        ];
        assert_eq!(
            table_text(&entries),
            "Interface  Filter State   Upper        Lower        Current
---------  -------------  -----------  -----------  ----------
Gi1/0/1    Forwarding         20.00%       10.00%      0.00%
Gi1/0/2    Blocking           1m bps     500k bps     2m bps
Gi1/0/3    Forwarding         1k pps       1k pps      0 pps
Et4        Link Down          50.50%       50.50%      0.00%
Po1        Inactive          100.00%      100.00%      0.00%
"
        );
    }

    #[test]
    fn no_entry_is_the_header_alone() {
        assert_eq!(table_text(&[]), HEADER);
    }

    #[test]
    fn states_and_values() {
        assert_eq!(state_text("error-disabled"), "Error disabled");
        assert_eq!(value_text("", 2000), "20.00%");
        assert_eq!(value_text("pps", 1500), "1500 pps");
        assert_eq!(value_text("bps", 10_000_000_000), "10g bps");
    }

    #[test]
    fn a_long_name_keeps_its_columns_apart() {
        let e = entry(
            "TwentyFiveGigE1/0/10",
            "forwarding",
            "percent",
            [2000, 2000, 0],
        );
        let text = table_text(&[e]);
        assert!(
            text.ends_with("Twe1/0/10  Forwarding         20.00%       20.00%      0.00%\n"),
            "{text}"
        );
    }
}
