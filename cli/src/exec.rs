//! The EXEC commands of swcli: the session's own (`configure terminal`,
//! `enable`, `disable`, `exit`, `show history`) joined with every
//! feature's (`show ...`, `clear ...`, `write memory`), in one tree, so
//! parsing, abbreviation, `?` help and the `^` error marker all follow it.

use crate::features::registry;
use lisa_engine::grammar::{arg, kw, merge, ArgKind, Node, Token};
use lisa_engine::ExecHandler;
use std::sync::OnceLock;

/// What the session does itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCmd {
    /// `configure terminal`
    ConfigureTerminal,
    /// `enable`
    Enable,
    /// `disable`
    Disable,
    /// `exit`
    Exit,
    /// `show history`
    ShowHistory,
    /// `show privilege`: 15 in privileged EXEC, 1 in user EXEC.
    ShowPrivilege,
    /// `terminal length N`, `terminal width N`: swcli does not page and
    /// does not wrap, so these are taken with no effect (automation tools
    /// send them first and give up if they fail).
    Terminal,
}

/// What an EXEC line runs.
#[derive(Clone, Copy)]
pub enum ExecRun {
    /// A command of the session itself.
    Session(SessionCmd),
    /// A feature's command, against lisad's API.
    Api(ExecHandler),
}

impl std::fmt::Debug for ExecRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecRun::Session(c) => write!(f, "Session({c:?})"),
            ExecRun::Api(_) => f.write_str("Api"),
        }
    }
}

impl PartialEq for ExecRun {
    /// Session commands compare by kind; any two feature commands are
    /// alike (a handler is known by its line, not its address).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ExecRun::Session(a), ExecRun::Session(b)) => a == b,
            (ExecRun::Api(_), ExecRun::Api(_)) => true,
            _ => false,
        }
    }
}

fn session_commands() -> Vec<Node<ExecRun>> {
    use SessionCmd::*;
    let run = |c| ExecRun::Session(c);
    vec![
        kw(
            "configure",
            "Enter configuration mode",
            vec![kw("terminal", "Configure from the terminal", vec![]).runs(run(ConfigureTerminal))],
        )
        .runs(run(ConfigureTerminal)),
        kw("disable", "Turn off privileged commands", vec![]).runs(run(Disable)),
        kw("enable", "Turn on privileged commands", vec![]).runs(run(Enable)),
        kw("exit", "Exit from the EXEC", vec![]).runs(run(Exit)),
        kw(
            "terminal",
            "Set terminal line parameters",
            vec![
                kw(
                    "length",
                    "Set number of lines on a screen",
                    vec![arg("lines", ArgKind::Number(0, 512), "Number of lines on screen (0 for no pausing)", vec![])
                        .runs(run(Terminal))],
                ),
                kw(
                    "width",
                    "Set width of the display terminal",
                    vec![arg("characters", ArgKind::Number(0, 512), "Number of characters on a screen line", vec![])
                        .runs(run(Terminal))],
                ),
            ],
        ),
        kw(
            "show",
            "Show running system information",
            vec![
                kw("history", "Display the session command history", vec![]).runs(run(ShowHistory)),
                kw("privilege", "Show current privilege level", vec![]).runs(run(ShowPrivilege)),
            ],
        ),
    ]
}

/// The EXEC tree (privileged mode).
pub fn exec_tree() -> &'static [Node<ExecRun>] {
    static TREE: OnceLock<Vec<Node<ExecRun>>> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut t = session_commands();
        let api: Vec<Node<ExecRun>> = registry()
            .exec_tree()
            .iter()
            .map(|n| n.map(&ExecRun::Api))
            .collect();
        if let Err(e) = merge(&mut t, api) {
            panic!("EXEC commands: {e}");
        }
        t
    })
}

/// The user EXEC tree (`hostname>`): `show` (but not the configuration),
/// `ping`, `traceroute`, `enable` and `exit`, as IOS has them at
/// privilege 1.
pub fn user_exec_tree() -> &'static [Node<ExecRun>] {
    static TREE: OnceLock<Vec<Node<ExecRun>>> = OnceLock::new();
    TREE.get_or_init(|| {
        let keyword = |n: &Node<ExecRun>| match n.token {
            Token::Keyword(k) => k,
            Token::Arg { .. } => "",
        };
        exec_tree()
            .iter()
            .filter(|n| {
                matches!(
                    keyword(n),
                    "show" | "enable" | "exit" | "terminal" | "ping" | "traceroute"
                )
            })
            .cloned()
            .map(|mut n| {
                n.children
                    .retain(|c| !matches!(keyword(c), "running-config" | "startup-config"));
                n
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lisa_engine::grammar::{help, parse, ParseError};
    use SessionCmd::*;

    fn api(line: &str) -> bool {
        parse(exec_tree(), line).is_ok_and(|p| matches!(p.run, ExecRun::Api(_)))
    }

    #[test]
    fn abbreviations_and_errors() {
        let t = exec_tree();
        assert!(api("sh run") && api("sh mac a") && api("wr") && api("sh int status"));
        let p = parse(t, "sh mac address-table vlan 10 dynamic").unwrap_err();
        assert_eq!(
            p,
            ParseError::Invalid { column: 29 },
            "IOS order: type first"
        );
        let p = parse(t, "sh mac address-table dyn int e1 vl 10").unwrap();
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
        assert_eq!(
            parse(t, "conf t").unwrap().run,
            ExecRun::Session(ConfigureTerminal)
        );
        assert_eq!(
            parse(t, "show vresion").unwrap_err(),
            ParseError::Invalid { column: 5 }
        );
        assert_eq!(parse(t, "copy").unwrap_err(), ParseError::Incomplete);
        assert!(
            matches!(parse(t, "co"), Err(ParseError::Ambiguous(_))),
            "configure or copy"
        );
        assert!(parse(t, "sh int e1").unwrap().args.text("interface") == Some("e1"));
        assert_eq!(parse(t, "en").unwrap().run, ExecRun::Session(Enable));
        let user = user_exec_tree();
        assert!(parse(user, "sh ver").is_ok());
        assert!(parse(user, "ping 10.0.0.1 repeat 2").is_ok(), "as IOS");
        assert!(parse(user, "traceroute 10.0.0.1").is_ok());
        assert!(parse(user, "conf t").is_err(), "privileged only");
        assert!(parse(user, "sh run").is_err(), "privileged only");
        assert_eq!(
            parse(user, "terminal length 0").unwrap().run,
            ExecRun::Session(Terminal)
        );
        assert_eq!(
            parse(t, "term width 511").unwrap().run,
            ExecRun::Session(Terminal)
        );
    }

    #[test]
    fn help_lists_next_words() {
        let h = help(exec_tree(), "show ").unwrap();
        let words: Vec<&str> = h.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            words,
            vec![
                "arp",
                "buffers",
                "cdp",
                "clock",
                "dataplane",
                "etherchannel",
                "history",
                "interfaces",
                "ip",
                "ipv6",
                "lacp",
                "lldp",
                "logging",
                "mac",
                "monitor",
                "port-security",
                "privilege",
                "running-config",
                "spanning-tree",
                "startup-config",
                "storm-control",
                "users",
                "version",
                "vlan"
            ]
        );
    }
}
