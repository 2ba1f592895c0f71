//! Command trees declared as data: keywords and named, typed arguments with
//! their help, and the handler a complete line runs. One walk of a tree
//! serves parsing (unique-prefix abbreviation at every word), `?` help, Tab
//! completion and IOS errors that point at the bad word. Features declare
//! their own subtrees; `merge` joins them into one tree per mode.

use crate::args::Args;
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
            ArgKind::VlanList | ArgKind::Word => "WORD".into(),
            ArgKind::Line => "LINE".into(),
            ArgKind::Mac => "H.H.H".into(),
            ArgKind::Ipv4 => "A.B.C.D".into(),
            ArgKind::Interface => "INTERFACE".into(),
        }
    }

    /// True if `word` is a value of this kind.
    pub fn accepts(&self, word: &str) -> bool {
        match self {
            ArgKind::Number(lo, hi) => word.parse::<u32>().is_ok_and(|n| (*lo..=*hi).contains(&n)),
            ArgKind::VlanId => word.parse::<u32>().is_ok_and(lisa_types::valid_vlan),
            ArgKind::VlanList => word.parse::<VlanSet>().is_ok(),
            ArgKind::Word | ArgKind::Line => !word.is_empty(),
            ArgKind::Mac => word.parse::<MacAddr>().is_ok(),
            ArgKind::Ipv4 => word.parse::<Ipv4Addr>().is_ok(),
            ArgKind::Interface => {
                lisa_types::valid_port_name(word) && !lisa_types::is_bare_ios_type(word)
            }
        }
    }
}

/// One element of a command: a keyword or a named argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// A fixed word, matched by any unique prefix.
    Keyword(&'static str),
    /// A value, read by the handler under `name`.
    Arg {
        /// The name the handler reads it by.
        name: &'static str,
        /// What it takes.
        kind: ArgKind,
    },
}

/// A node of a command tree; `H` is what a complete line runs.
#[derive(Debug, Clone)]
pub struct Node<H: Copy> {
    /// What this node matches.
    pub token: Token,
    /// One line of help.
    pub help: &'static str,
    /// What may follow.
    pub children: Vec<Node<H>>,
    /// The handler a line ending here runs, if it may end here.
    pub run: Option<H>,
}

/// A keyword node.
pub fn kw<H: Copy>(word: &'static str, help: &'static str, children: Vec<Node<H>>) -> Node<H> {
    Node {
        token: Token::Keyword(word),
        help,
        children,
        run: None,
    }
}

/// An argument node, read by the handler as `name`.
pub fn arg<H: Copy>(
    name: &'static str,
    kind: ArgKind,
    help: &'static str,
    children: Vec<Node<H>>,
) -> Node<H> {
    Node {
        token: Token::Arg { name, kind },
        help,
        children,
        run: None,
    }
}

impl<H: Copy> Node<H> {
    /// Marks that a line may end here and run `handler`.
    pub fn runs(mut self, handler: H) -> Node<H> {
        self.run = Some(handler);
        self
    }

    /// The same tree with every handler passed through `f` (to join trees
    /// whose handlers differ in type, as swcli's own EXEC commands and the
    /// features' do).
    pub fn map<G: Copy>(&self, f: &impl Fn(H) -> G) -> Node<G> {
        Node {
            token: self.token,
            help: self.help,
            children: self.children.iter().map(|c| c.map(f)).collect(),
            run: self.run.map(f),
        }
    }

    /// What this node shows in help.
    pub fn label(&self) -> String {
        match &self.token {
            Token::Keyword(k) => (*k).to_string(),
            Token::Arg { kind, .. } => kind.placeholder(),
        }
    }

    fn is_keyword(&self) -> bool {
        matches!(self.token, Token::Keyword(_))
    }

    fn fits(&self, word: &str, lower: &str) -> bool {
        match &self.token {
            Token::Keyword(k) => k.starts_with(lower),
            Token::Arg { kind, .. } => kind.accepts(word),
        }
    }
}

/// Joins the nodes of `from` into `into`: nodes with the same token share
/// one node whose children are joined in turn. Two handlers on one node
/// are a declaration error, reported with the path.
pub fn merge<H: Copy>(into: &mut Vec<Node<H>>, from: Vec<Node<H>>) -> Result<(), String> {
    merge_at(into, from, "")
}

fn merge_at<H: Copy>(
    into: &mut Vec<Node<H>>,
    from: Vec<Node<H>>,
    path: &str,
) -> Result<(), String> {
    for n in from {
        let here = format!("{path} {}", n.label()).trim().to_string();
        match into.iter_mut().find(|m| m.token == n.token) {
            Some(m) => {
                if n.run.is_some() {
                    if m.run.is_some() {
                        return Err(format!("two handlers for '{here}'"));
                    }
                    m.run = n.run;
                }
                if m.help.is_empty() {
                    m.help = n.help;
                }
                merge_at(&mut m.children, n.children, &here)?;
            }
            None => into.push(n),
        }
    }
    // IOS lists arguments first, then keywords in alphabetical order.
    into.sort_by(|a, b| match (&a.token, &b.token) {
        (Token::Keyword(x), Token::Keyword(y)) => x.cmp(y),
        (Token::Arg { .. }, Token::Keyword(_)) => std::cmp::Ordering::Less,
        (Token::Keyword(_), Token::Arg { .. }) => std::cmp::Ordering::Greater,
        _ => std::cmp::Ordering::Equal,
    });
    Ok(())
}

/// A parsed line: the handler to run and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<H> {
    /// What to run.
    pub run: H,
    /// The arguments by name, and the keywords matched.
    pub args: Args,
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
pub fn matching<'a, H: Copy>(nodes: &'a [Node<H>], word: &str) -> Vec<&'a Node<H>> {
    let lower = word.to_ascii_lowercase();
    if let Some(exact) = nodes
        .iter()
        .find(|n| matches!(n.token, Token::Keyword(k) if k == lower))
    {
        return vec![exact];
    }
    nodes.iter().filter(|n| n.fits(word, &lower)).collect()
}

/// The one node `word` selects among `nodes`: keywords win over arguments,
/// and only several keywords are ambiguous.
fn select<'a, H: Copy>(
    nodes: &'a [Node<H>],
    line: &str,
    col: usize,
    word: &str,
) -> Result<&'a Node<H>, ParseError> {
    let found = matching(nodes, word);
    match found.as_slice() {
        [] => Err(ParseError::Invalid { column: col }),
        [one] => Ok(one),
        many => {
            let kws: Vec<&&Node<H>> = many.iter().filter(|n| n.is_keyword()).collect();
            match kws.as_slice() {
                [one] => Ok(one),
                [] => Ok(many[0]),
                _ => Err(ParseError::Ambiguous(
                    line[..col + word.len()].trim().to_string(),
                )),
            }
        }
    }
}

/// An interface argument among `nodes` written as two words, a type and
/// its number (`vlan` `10`): the node and the name joined. None when `w`
/// is not a bare type (letters only), when no number follows, or when a
/// keyword of `nodes` takes `w`.
fn spaced_interface<'n, H: Copy>(
    nodes: &'n [Node<H>],
    w: &str,
    next: Option<&str>,
) -> Option<(&'n Node<H>, String)> {
    let next = next.filter(|x| x.starts_with(|c: char| c.is_ascii_digit()))?;
    if w.is_empty() || !w.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
        return None;
    }
    let lower = w.to_ascii_lowercase();
    if nodes
        .iter()
        .any(|n| matches!(n.token, Token::Keyword(_)) && n.fits(w, &lower))
    {
        return None;
    }
    let joined = format!("{w}{next}");
    arg_taking(nodes, ArgKind::Interface, &joined).map(|n| (n, joined))
}

/// The argument node of `nodes` of kind `kind` that takes `text`.
fn arg_taking<'n, H: Copy>(nodes: &'n [Node<H>], kind: ArgKind, text: &str) -> Option<&'n Node<H>> {
    nodes.iter().find(|n| match n.token {
        Token::Arg { kind: k, .. } => k == kind && kind.accepts(text),
        Token::Keyword(_) => false,
    })
}

/// A VLAN list written with blanks after its commas (`1, 2, 10-20`, as some
/// IOS configs have it) at words `ws[i..]`: the list node, the list joined,
/// and how many words it took. None unless `ws[i]` ends with a comma and a
/// VLAN list argument of `nodes` takes the joined text.
fn spaced_vlan_list<'n, H: Copy>(
    nodes: &'n [Node<H>],
    ws: &[(usize, &str)],
    i: usize,
) -> Option<(&'n Node<H>, String, usize)> {
    let mut joined = ws.get(i)?.1.to_string();
    let mut used = 1;
    while joined.ends_with(',') {
        let next = ws.get(i + used)?.1;
        joined.push_str(next);
        used += 1;
    }
    if used == 1 {
        return None;
    }
    arg_taking(nodes, ArgKind::VlanList, &joined).map(|n| (n, joined, used))
}

/// Parses `line` against the tree `roots`.
pub fn parse<H: Copy>(roots: &[Node<H>], line: &str) -> Result<Parsed<H>, ParseError> {
    let ws = words(line);
    let mut nodes = roots;
    let mut node: Option<&Node<H>> = None;
    let mut args = Args::default();
    let mut i = 0;
    while i < ws.len() {
        if let Some((n, joined, used)) = spaced_vlan_list(nodes, &ws, i) {
            node = Some(n);
            if let Token::Arg { name, .. } = n.token {
                args.push(name, &joined);
            }
            nodes = &n.children;
            i += used;
            continue;
        }
        let (col, w) = ws[i];
        i += 1;
        // IOS takes an interface name with a space before its number
        // (`interface vlan 10`, `interface GigabitEthernet 0/1`).
        if let Some((n, joined)) = spaced_interface(nodes, w, ws.get(i).map(|&(_, x)| x)) {
            node = Some(n);
            if let Token::Arg { name, .. } = n.token {
                args.push(name, &joined);
            }
            nodes = &n.children;
            i += 1;
            continue;
        }
        let n = select(nodes, line, col, w)?;
        node = Some(n);
        match n.token {
            Token::Keyword(k) => args.push_keyword(k),
            Token::Arg {
                name,
                kind: ArgKind::Line,
            } => {
                args.push(name, line[col..].trim_end());
                break;
            }
            Token::Arg { name, .. } => args.push(name, w),
        }
        nodes = &n.children;
    }
    match node.and_then(|n| n.run) {
        Some(run) => Ok(Parsed { run, args }),
        None => Err(ParseError::Incomplete),
    }
}

/// What may come next after the complete words of `line` (`?` help): for
/// `line` ending in a partial word, the words it may become (`sh?`).
/// Returns (label, help) pairs, plus `<cr>` when the line may end there.
pub fn help<H: Copy>(roots: &[Node<H>], line: &str) -> Result<Vec<(String, String)>, ParseError> {
    let partial = !line.is_empty() && !line.ends_with(char::is_whitespace);
    let ws = words(line);
    let complete = if partial {
        &ws[..ws.len() - 1]
    } else {
        &ws[..]
    };
    let mut nodes = roots;
    let mut at: Option<&Node<H>> = None;
    for &(col, w) in complete {
        let n = select(nodes, line, col, w)?;
        if let Token::Arg {
            kind: ArgKind::Line,
            ..
        } = n.token
        {
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
            .filter(|n| n.fits(w, &lower))
            .map(|n| (n.label(), n.help.to_string()))
            .collect()
    } else {
        nodes
            .iter()
            .map(|n| (n.label(), n.help.to_string()))
            .collect()
    };
    let may_end = match at {
        Some(n) => n.run.is_some(),
        None => false,
    };
    if !partial && may_end {
        out.push(("<cr>".into(), String::new()));
    }
    Ok(out)
}

/// Tab completion: the line with its last (partial) word completed when
/// exactly one keyword fits, else `None`.
pub fn complete<H: Copy>(roots: &[Node<H>], line: &str) -> Option<String> {
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
mod tests;
