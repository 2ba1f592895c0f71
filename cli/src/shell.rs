//! The interactive shell: IOS prompts, line editing and history
//! (`line_editor`), `?` help the moment it is typed, Tab completion from the
//! command trees, Ctrl-Z to leave configuration mode, Ctrl-C to drop the
//! line.

use crate::exec::{exec_tree, user_exec_tree};
use crate::features::registry;
use crate::line_editor::{Input, LineEditor};
use crate::session::{Outcome, Session, TreeKind};
use lisa_engine::grammar::{help, Node};
use lisa_engine::Mode;

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

/// Tab completion: the keywords that can end `upto` in the current mode
/// (`do` lines complete from EXEC).
fn completions(tree: TreeKind, upto: &str) -> Vec<String> {
    let in_do = tree != TreeKind::Exec && upto.trim_start().starts_with("do ");
    if in_do {
        let rest = upto.trim_start().strip_prefix("do ").unwrap_or(upto);
        return keyword_choices(exec_tree(), rest);
    }
    match tree {
        TreeKind::Exec => keyword_choices(exec_tree(), upto),
        TreeKind::UserExec => keyword_choices(user_exec_tree(), upto),
        TreeKind::Config(id) => keyword_choices(registry().tree(&Mode::sub(id, Vec::new())), upto),
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
    let mut editor = LineEditor::default();
    let mut all_ok = true;
    let mut carry = String::new();
    loop {
        let tree = session.tree();
        let prompt = session.prompt();
        editor.literal = session.in_text();
        let input = editor.read_line(&prompt, &carry, &|upto| completions(tree, upto))?;
        carry.clear();
        let line = match input {
            Input::Line(l) => l,
            Input::Help(l) => {
                // IOS shows the `?`, the help, then the line again.
                print!("{}", session.help_text(&l));
                carry = l;
                continue;
            }
            Input::End => "end".to_string(),
            Input::Interrupted => continue,
            Input::Eof => break,
        };
        if !line.trim().is_empty() {
            editor.add_history(&line);
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
