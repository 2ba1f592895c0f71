//! Source lists as IOS takes them in one line: `Ethernet1 - 3 , Ethernet5`,
//! `e1,e3`, `Ethernet1-2`, `10 - 20 , 30`, with or without spaces around
//! `,` and `-`. In the grammar a list is a chain of words, each of which
//! may be followed by another word of the list or by what ends the line
//! (`rx | tx | both`), so `?` offers the directions after any word. The
//! handler reads the words back and joins them into one list.

use lisa_engine::{arg, ArgKind, Args, ConfigHandler, Node};

/// How many words a source list may take (`Ethernet1 - 3 , Ethernet5` is
/// five, `e1-3,e5` one); a longer list is invalid input at its next word.
pub const MAX_LIST_WORDS: usize = 32;

/// The argument names of a list's words, one per word: the handler reads
/// each word by its name, in order.
const LIST_WORDS: [&str; MAX_LIST_WORDS] = [
    "list0", "list1", "list2", "list3", "list4", "list5", "list6", "list7", "list8", "list9",
    "list10", "list11", "list12", "list13", "list14", "list15", "list16", "list17", "list18",
    "list19", "list20", "list21", "list22", "list23", "list24", "list25", "list26", "list27",
    "list28", "list29", "list30", "list31",
];

/// The help lines of a list's words.
pub struct ListHelp {
    /// For the first word.
    pub first: &'static str,
    /// For every later word.
    pub more: &'static str,
}

/// The grammar of a list: its first word, then up to
/// `MAX_LIST_WORDS - 1` more; after any word the line may end (running
/// `handler`) or go on with one of `ends`.
pub fn list_node(
    help: &ListHelp,
    ends: &[Node<ConfigHandler>],
    handler: ConfigHandler,
) -> Node<ConfigHandler> {
    word_node(0, help, ends, handler)
}

/// Word `at` of a list and what may follow it.
fn word_node(
    at: usize,
    help: &ListHelp,
    ends: &[Node<ConfigHandler>],
    handler: ConfigHandler,
) -> Node<ConfigHandler> {
    // The next word first: IOS lists arguments before keywords.
    let mut next = Vec::with_capacity(ends.len() + 1);
    if at + 1 < MAX_LIST_WORDS {
        next.push(word_node(at + 1, help, ends, handler));
    }
    next.extend_from_slice(ends);
    let text = if at == 0 { help.first } else { help.more };
    arg(LIST_WORDS[at], ArgKind::Word, text, next).runs(handler)
}

/// The list's words, as typed.
fn list_words(a: &Args) -> Vec<&str> {
    LIST_WORDS.iter().map_while(|name| a.text(name)).collect()
}

/// True if `c` separates the items of a list.
fn is_separator(c: char) -> bool {
    c == ',' || c == '-'
}

/// The list of the line as one word without spaces: `Ethernet1 - 3 , e5`
/// is `Ethernet1-3,e5`. Two words with no `,` or `-` between them are
/// refused (`e1 3` is not `e13`, `10 20` not `1020`).
pub fn compact_list(a: &Args) -> Result<String, String> {
    let mut out = String::new();
    for w in list_words(a) {
        let joins = out.is_empty() || out.ends_with(is_separator) || w.starts_with(is_separator);
        if !joins {
            return Err(format!(
                "Invalid input detected at '{w}': a ',' or '-' goes between the items of a list"
            ));
        }
        out.push_str(w);
    }
    Ok(out)
}
