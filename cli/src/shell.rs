//! The interactive shell: IOS prompts, line editing and history
//! (rustyline), `?` help the moment it is typed, tab completion from the
//! command trees, Ctrl-Z to leave configuration mode, Ctrl-C to drop the
//! line.

use crate::exec::{exec_tree, user_exec_tree};
use crate::features::registry;
use crate::session::{Outcome, Session, TreeKind};
use lisa_engine::grammar::{help, Node};
use lisa_engine::Mode;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{
    Cmd, CompletionType, ConditionalEventHandler, Config, Context, Editor, Event, EventContext,
    EventHandler, Helper, KeyCode, KeyEvent, Modifiers, RepeatCount,
};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Completion from the command tree of the current mode.
struct ShellHelper {
    tree: Rc<Cell<TreeKind>>,
}

/// The keywords that may come at the end of `line` (a partial word).
fn keyword_choices<C: Copy>(tree: &[Node<C>], line: &str) -> Vec<String> {
    help(tree, line)
        .map(|h| {
            h.into_iter()
                .map(|(w, _)| w)
                .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default()
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let upto = &line[..pos];
        let (upto_cmd, offset) = match upto.trim_start().strip_prefix("do ") {
            Some(rest) if self.tree.get() != TreeKind::Exec => (rest, upto.len() - rest.len()),
            _ => (upto, 0),
        };
        let in_do = offset > 0;
        let words = match (in_do, self.tree.get()) {
            (true, _) | (false, TreeKind::Exec) => keyword_choices(exec_tree(), upto_cmd),
            (false, TreeKind::UserExec) => keyword_choices(user_exec_tree(), upto_cmd),
            (false, TreeKind::Config(id)) => {
                keyword_choices(registry().tree(&Mode::sub(id, Vec::new())), upto_cmd)
            }
        };
        let start = upto.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0);
        let candidates = words
            .into_iter()
            .map(|w| Pair {
                display: w.clone(),
                replacement: format!("{w} "),
            })
            .collect();
        Ok((start, candidates))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}
impl Highlighter for ShellHelper {}
impl Validator for ShellHelper {}
impl Helper for ShellHelper {}

/// Accepts the line when a key is pressed, raising a flag: `?` asks for
/// help on the line so far, Ctrl-Z for `end`.
struct Flag(Arc<AtomicBool>);

impl ConditionalEventHandler for Flag {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        self.0.store(true, Ordering::SeqCst);
        Some(Cmd::AcceptLine)
    }
}

/// On a terminal the line is on screen already, after the prompt: IOS puts
/// the `^` under it there instead of repeating the line.
fn under_prompt(err: &str, prompt: &str, line: &str) -> String {
    let typed = line.trim_start();
    let indent = prompt.len() + line.len() - typed.len();
    match err.strip_prefix(&format!("{typed}\n")) {
        Some(rest) if rest.trim_start().starts_with('^') => format!("{}{rest}", " ".repeat(indent)),
        _ => err.to_string(),
    }
}

/// Runs an interactive session on the terminal until `exit` or end of
/// input. Returns whether every command succeeded.
pub async fn run(mut session: Session) -> anyhow::Result<bool> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut rl: Editor<ShellHelper, DefaultHistory> = Editor::with_config(config)?;
    let tree = Rc::new(Cell::new(session.tree()));
    rl.set_helper(Some(ShellHelper { tree: tree.clone() }));
    let help_asked = Arc::new(AtomicBool::new(false));
    let end_asked = Arc::new(AtomicBool::new(false));
    rl.bind_sequence(
        KeyEvent(KeyCode::Char('?'), Modifiers::NONE),
        EventHandler::Conditional(Box::new(Flag(help_asked.clone()))),
    );
    rl.bind_sequence(
        KeyEvent::ctrl('Z'),
        EventHandler::Conditional(Box::new(Flag(end_asked.clone()))),
    );
    let mut all_ok = true;
    let mut carry = String::new();
    loop {
        tree.set(session.tree());
        let prompt = session.prompt();
        let line = match rl.readline_with_initial(&prompt, (&carry, "")) {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => {
                carry.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        carry.clear();
        if help_asked.swap(false, Ordering::SeqCst) {
            // IOS shows the `?`, the help, then the line again.
            print!("{}", session.help_text(&line));
            carry = line;
            continue;
        }
        let line = if end_asked.swap(false, Ordering::SeqCst) {
            "end".to_string()
        } else {
            line
        };
        if !line.trim().is_empty() {
            let _ = rl.add_history_entry(line.as_str());
        }
        let outcome = match session.line(&line).await {
            Outcome::Password => match rpassword::prompt_password("Password: ") {
                Ok(pw) => session.enable_with(&pw).await,
                Err(e) => Outcome::Failed(format!("% {e}\n")),
            },
            other => other,
        };
        match outcome {
            Outcome::Ok(out) => print!("{out}"),
            Outcome::Failed(err) => {
                print!("{}", under_prompt(&err, &prompt, &line));
                all_ok = false;
            }
            Outcome::Quit => break,
            Outcome::Password => {}
        }
    }
    // Configuration lines typed with no `end` were applied as they came.
    Ok(all_ok)
}
