//! A command tree declared as data: keywords and typed arguments with help
//! text, and what a complete line does. One walk of the tree serves
//! parsing (with unique-prefix abbreviation at every word), `?` help, tab
//! completion and IOS-style errors that point at the bad word.

use lisa_types::{MacAddr, VlanSet};
use std::net::Ipv4Addr;

/// What kind of value an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// An integer in a range.
    Number(u32, u32),
    /// One VLAN id, 1-4094.
    VlanId,
    /// A VLAN list: `10,20-30`.
    VlanList,
    /// One word.
    Word,
    /// The rest of the line, as it is.
    Line,
    /// A MAC address (`H.H.H` or `aa:bb:...`).
    Mac,
    /// An IPv4 address or mask.
    Ipv4,
    /// An interface name (`Ethernet1`, `e1`, `Vlan10`).
    Interface,
}

impl ArgKind {
    /// The placeholder shown in help: `<1-4094>`, `WORD`, `H.H.H`.
    pub fn placeholder(&self) -> String {
        match self {
            ArgKind::Number(lo, hi) => format!("<{lo}-{hi}>"),
            ArgKind::VlanId => "<1-4094>".into(),
            ArgKind::VlanList => "WORD".into(),
            ArgKind::Word => "WORD".into(),
            ArgKind::Line => "LINE".into(),
            ArgKind::Mac => "H.H.H".into(),
            ArgKind::Ipv4 => "A.B.C.D".into(),
            ArgKind::Interface => "INTERFACE".into(),
        }
    }

    fn accepts(&self, word: &str) -> bool {
        match self {
            ArgKind::Number(lo, hi) => word.parse::<u32>().is_ok_and(|n| (*lo..=*hi).contains(&n)),
            ArgKind::VlanId => word.parse::<u32>().is_ok_and(lisa_types::valid_vlan),
            ArgKind::VlanList => word.parse::<VlanSet>().is_ok(),
            ArgKind::Word | ArgKind::Line => !word.is_empty(),
            ArgKind::Mac => word.parse::<MacAddr>().is_ok(),
            ArgKind::Ipv4 => word.parse::<Ipv4Addr>().is_ok(),
            ArgKind::Interface => lisa_types::valid_port_name(word),
        }
    }
}

/// One element of a command: a keyword or an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A fixed word, matched by any unique prefix.
    Keyword(&'static str),
    /// A value.
    Arg(ArgKind),
}

/// A node of the command tree.
#[derive(Debug, Clone)]
pub struct Node<C: Copy> {
    /// What this node matches.
    pub token: Token,
    /// One line of help.
    pub help: &'static str,
    /// What may follow.
    pub children: Vec<Node<C>>,
    /// The command a line ending here runs, if it may end here.
    pub run: Option<C>,
}

/// A keyword node.
pub fn kw<C: Copy>(word: &'static str, help: &'static str, children: Vec<Node<C>>) -> Node<C> {
    Node {
        token: Token::Keyword(word),
        help,
        children,
        run: None,
    }
}

/// An argument node.
pub fn arg<C: Copy>(kind: ArgKind, help: &'static str, children: Vec<Node<C>>) -> Node<C> {
    Node {
        token: Token::Arg(kind),
        help,
        children,
        run: None,
    }
}

impl<C: Copy> Node<C> {
    /// Marks that a line may end here and run `cmd`.
    pub fn runs(mut self, cmd: C) -> Node<C> {
        self.run = Some(cmd);
        self
    }

    /// What this node shows in help.
    pub fn label(&self) -> String {
        match &self.token {
            Token::Keyword(k) => (*k).to_string(),
            Token::Arg(a) => a.placeholder(),
        }
    }
}

/// A parsed line: the command and the argument values in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<C> {
    /// What to run.
    pub cmd: C,
    /// Argument words, in order (keywords are not included).
    pub args: Vec<String>,
    /// The full keywords matched, in order (for rendering abbreviations out).
    pub keywords: Vec<&'static str>,
}

/// Why a line does not parse, IOS style.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// `% Invalid input detected at '^' marker.`; `column` is the byte
    /// offset of the bad word in the line.
    #[error("% Invalid input detected at '^' marker.")]
    Invalid {
        /// Byte offset of the bad word.
        column: usize,
    },
    /// `% Incomplete command.`
    #[error("% Incomplete command.")]
    Incomplete,
    /// `% Ambiguous command: "..."`
    #[error("% Ambiguous command:  \"{0}\"")]
    Ambiguous(String),
}

/// Words of `line` with their byte offsets.
pub fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

/// The children of `nodes` that `word` matches: an exact keyword wins;
/// otherwise every keyword it is a prefix of, and every argument it fits.
pub fn matching<'a, C: Copy>(nodes: &'a [Node<C>], word: &str) -> Vec<&'a Node<C>> {
    let lower = word.to_ascii_lowercase();
    if let Some(exact) = nodes
        .iter()
        .find(|n| matches!(n.token, Token::Keyword(k) if k == lower))
    {
        return vec![exact];
    }
    nodes
        .iter()
        .filter(|n| match &n.token {
            Token::Keyword(k) => k.starts_with(lower.as_str()),
            Token::Arg(a) => a.accepts(word),
        })
        .collect()
}

/// Parses `line` against the tree `roots`.
pub fn parse<C: Copy>(roots: &[Node<C>], line: &str) -> Result<Parsed<C>, ParseError> {
    let ws = words(line);
    let mut nodes = roots;
    let mut node: Option<&Node<C>> = None;
    let mut args = Vec::new();
    let mut keywords = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let (col, w) = ws[i];
        let found = matching(nodes, w);
        let n = match found.as_slice() {
            [] => return Err(ParseError::Invalid { column: col }),
            [one] => *one,
            many => {
                // A keyword and an argument can both fit (e.g. a number
                // and nothing else): prefer keywords, and be ambiguous
                // only among keywords.
                let kws: Vec<_> = many
                    .iter()
                    .filter(|n| matches!(n.token, Token::Keyword(_)))
                    .collect();
                match kws.as_slice() {
                    [one] => **one,
                    [] => many[0],
                    _ => {
                        let upto = &line[..col + w.len()];
                        return Err(ParseError::Ambiguous(upto.trim().to_string()));
                    }
                }
            }
        };
        match &n.token {
            Token::Keyword(k) => keywords.push(*k),
            Token::Arg(ArgKind::Line) => {
                args.push(line[col..].trim_end().to_string());
                node = Some(n);
                break;
            }
            Token::Arg(_) => args.push(w.to_string()),
        }
        node = Some(n);
        nodes = &n.children;
        i += 1;
    }
    match node.and_then(|n| n.run) {
        Some(cmd) => Ok(Parsed {
            cmd,
            args,
            keywords,
        }),
        None => Err(ParseError::Incomplete),
    }
}

/// What may come next after the complete words of `line` (`?` help): for
/// `line` ending in a partial word, the words it may become (`sh?`).
/// Returns (label, help) pairs, plus `<cr>` when the line may end there.
pub fn help<C: Copy>(roots: &[Node<C>], line: &str) -> Result<Vec<(String, String)>, ParseError> {
    let partial = !line.is_empty() && !line.ends_with(char::is_whitespace);
    let ws = words(line);
    let complete = if partial {
        &ws[..ws.len() - 1]
    } else {
        &ws[..]
    };
    let mut nodes = roots;
    let mut at: Option<&Node<C>> = None;
    for &(col, w) in complete {
        let found = matching(nodes, w);
        let n = match found.as_slice() {
            [] => return Err(ParseError::Invalid { column: col }),
            [one] => *one,
            many => match many
                .iter()
                .filter(|n| matches!(n.token, Token::Keyword(_)))
                .count()
            {
                0 | 1 => *many
                    .iter()
                    .find(|n| matches!(n.token, Token::Keyword(_)))
                    .unwrap_or(&many[0]),
                _ => {
                    return Err(ParseError::Ambiguous(
                        line[..col + w.len()].trim().to_string(),
                    ))
                }
            },
        };
        if n.token == Token::Arg(ArgKind::Line) {
            return Ok(vec![
                ("LINE".into(), n.help.into()),
                ("<cr>".into(), String::new()),
            ]);
        }
        at = Some(n);
        nodes = &n.children;
    }
    let mut out: Vec<(String, String)> = if partial {
        let (_, w) = ws[ws.len() - 1];
        let lower = w.to_ascii_lowercase();
        nodes
            .iter()
            .filter(|n| match &n.token {
                Token::Keyword(k) => k.starts_with(lower.as_str()),
                Token::Arg(a) => a.accepts(w),
            })
            .map(|n| (n.label(), n.help.to_string()))
            .collect()
    } else {
        nodes
            .iter()
            .map(|n| (n.label(), n.help.to_string()))
            .collect()
    };
    if !partial && at.is_some_and(|n| n.run.is_some()) {
        out.push(("<cr>".into(), String::new()));
    }
    Ok(out)
}

/// Tab completion: the line with its last (partial) word completed when
/// exactly one keyword fits, else `None`.
pub fn complete<C: Copy>(roots: &[Node<C>], line: &str) -> Option<String> {
    if line.is_empty() || line.ends_with(char::is_whitespace) {
        return None;
    }
    let choices = help(roots, line).ok()?;
    let kws: Vec<&String> = choices
        .iter()
        .map(|(l, _)| l)
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .collect();
    if kws.len() != 1 || choices.len() != 1 {
        return None;
    }
    let cut = line.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0);
    Some(format!("{}{} ", &line[..cut], kws[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum C {
        ShowRun,
        ShowVer,
        SwMode,
        Vlan,
    }

    fn tree() -> Vec<Node<C>> {
        vec![
            kw(
                "show",
                "Show running system information",
                vec![
                    kw("running-config", "Current operating configuration", vec![])
                        .runs(C::ShowRun),
                    kw("version", "System hardware and software status", vec![]).runs(C::ShowVer),
                ],
            ),
            kw(
                "switchport",
                "Set switching mode characteristics",
                vec![kw(
                    "mode",
                    "Set trunking mode of the interface",
                    vec![
                        kw(
                            "access",
                            "Set trunking mode to ACCESS unconditionally",
                            vec![],
                        )
                        .runs(C::SwMode),
                        kw(
                            "trunk",
                            "Set trunking mode to TRUNK unconditionally",
                            vec![],
                        )
                        .runs(C::SwMode),
                    ],
                )],
            ),
            kw(
                "vlan",
                "VLAN commands",
                vec![arg(ArgKind::VlanList, "VLAN list", vec![]).runs(C::Vlan)],
            ),
            kw("vtp", "VTP (a neighbour of vlan, for ambiguity)", vec![]),
        ]
    }

    #[test]
    fn abbreviations_at_every_word() {
        let p = parse(&tree(), "sh run").unwrap();
        assert_eq!(p.cmd, C::ShowRun);
        let p = parse(&tree(), "sw mo tr").unwrap();
        assert_eq!(p.keywords, vec!["switchport", "mode", "trunk"]);
        let p = parse(&tree(), "vlan 10,20-30").unwrap();
        assert_eq!(p.args, vec!["10,20-30"]);
    }

    #[test]
    fn errors_point_at_the_word() {
        assert_eq!(
            parse(&tree(), "show bogus"),
            Err(ParseError::Invalid { column: 5 })
        );
        assert_eq!(
            parse(&tree(), "  sw mode trunkk"),
            Err(ParseError::Invalid { column: 10 })
        );
        assert_eq!(parse(&tree(), "show"), Err(ParseError::Incomplete));
        assert_eq!(
            parse(&tree(), "v 10"),
            Err(ParseError::Ambiguous("v".into()))
        );
        assert_eq!(
            parse(&tree(), "vlan 5000"),
            Err(ParseError::Invalid { column: 5 })
        );
    }

    #[test]
    fn help_and_completion() {
        let h = help(&tree(), "sh").unwrap();
        assert_eq!(
            h.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            vec!["show"]
        );
        let h = help(&tree(), "show ").unwrap();
        assert_eq!(h.len(), 2);
        let h = help(&tree(), "show version ").unwrap();
        assert_eq!(h, vec![("<cr>".to_string(), String::new())]);
        assert_eq!(complete(&tree(), "sh"), Some("show ".into()));
        assert_eq!(
            complete(&tree(), "show r"),
            Some("show running-config ".into())
        );
        assert_eq!(complete(&tree(), "v"), None, "ambiguous");
    }
}
