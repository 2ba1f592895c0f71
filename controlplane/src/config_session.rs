//! A `configure terminal` session held in lisad (`Config.ConfigSession`):
//! the mode the lines have reached, and, for a script, the lines held for
//! one change at `end` with the candidate they are checked against. Every
//! step costs the line: the candidate shares the running configuration's
//! large tables, so a session over a million routes starts and checks a
//! line as fast as one over ten.

use crate::running::{LineFailure, Running};
use lisa_engine::{ApplyError, Config, Mode, ParseError};
use std::sync::Arc;

/// A line of a batch that was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Its index in the batch.
    pub index: usize,
    /// Why, in IOS's words.
    pub message: String,
    /// For `% Invalid input`: the byte offset of the bad word.
    pub column: Option<usize>,
}

impl LineError {
    /// Line `index` refused for `why` (no column to point at).
    fn refused(index: usize, why: impl ToString) -> LineError {
        LineError {
            index,
            message: why.to_string(),
            column: None,
        }
    }
}

/// What a batch did.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    /// Lines read: all, or up to and including the one that left
    /// configuration mode.
    pub consumed: usize,
    /// The lines not taken.
    pub errors: Vec<LineError>,
    /// What the batch's changes changed.
    pub changed: Vec<String>,
    /// The held lines went in at `end` and the switch refused them.
    pub commit_error: Option<String>,
    /// What IOS would print for lines that were taken, by index.
    pub notices: Vec<(usize, String)>,
}

/// One session.
pub struct ConfigSession {
    running: Arc<Running>,
    mode: Mode,
    /// The running configuration at the session's first held line, with
    /// the held lines applied (scripts only).
    candidate: Option<Config>,
    /// Good lines waiting for `end` (scripts only).
    held: Vec<String>,
    /// The last line at the left margin was refused: the indented lines
    /// after it belong to a block that was not opened.
    orphaned: bool,
}

impl ConfigSession {
    /// A session in global configuration mode.
    pub fn new(running: Arc<Running>) -> ConfigSession {
        ConfigSession {
            running,
            mode: Mode::global(),
            candidate: None,
            held: Vec::new(),
            orphaned: false,
        }
    }

    /// The mode the lines so far left: `config`, `config-if`, ... or
    /// `exec` once the session has ended.
    pub fn mode(&self) -> &'static str {
        self.mode.id
    }

    /// True once a line left configuration mode.
    pub fn ended(&self) -> bool {
        self.mode.is_exec()
    }

    /// Takes `lines` one by one until one leaves configuration mode.
    /// `immediate`: each good line is applied at once; otherwise it is
    /// held, and the held lines go in as one change at the end.
    pub fn batch(&mut self, lines: &[String], immediate: bool) -> BatchOutcome {
        let mut out = BatchOutcome::default();
        for (index, line) in lines.iter().enumerate() {
            if self.ended() {
                break;
            }
            out.consumed = index + 1;
            if line.contains(['\n', '\r']) {
                out.errors.push(LineError::refused(
                    index,
                    "% A line may not hold a line break",
                ));
                continue;
            }
            // A pasted block whose first line was refused: its indented
            // lines are reported, never applied (they would land in the
            // block before it), and its `exit` stays in configuration mode.
            // A text mode's lines (a banner's) are text, whatever they
            // look like.
            let text = self.running.registry().takes_text(&self.mode);
            let indented = !text && line.starts_with([' ', '\t']);
            if indented && self.orphaned {
                if line.trim() == "exit" {
                    self.mode = Mode::global();
                } else {
                    out.errors.push(LineError::refused(
                        index,
                        "% Not applied: the line that opened its block was refused",
                    ));
                }
                continue;
            }
            let errors_before = out.errors.len();
            self.line(index, line, immediate, &mut out);
            if text {
                self.orphaned = false;
            } else if !indented && !line.trim().is_empty() && !line.trim_start().starts_with('!') {
                self.orphaned = out.errors.len() > errors_before;
            }
        }
        out
    }

    /// One line, applied at once or held.
    fn line(&mut self, index: usize, line: &str, immediate: bool, out: &mut BatchOutcome) {
        if immediate {
            let mut said = Vec::new();
            match self.running.apply_line(&mut self.mode, line, &mut said) {
                Ok(changed) => {
                    out.changed.extend(changed);
                    out.notices.extend(said.into_iter().map(|n| (index, n)));
                }
                Err(LineFailure::Line(e)) => out.errors.push(apply_error(index, e)),
                Err(e @ LineFailure::Commit(_)) => out.errors.push(LineError::refused(index, e)),
            }
            return;
        }
        let running = &self.running;
        let candidate = self.candidate.get_or_insert_with(|| running.snapshot());
        match running
            .registry()
            .apply_line_noting(candidate, &mut self.mode, line)
        {
            Ok(_) if self.mode.is_exec() => self.commit(out),
            Ok(said) => {
                out.notices.extend(said.into_iter().map(|n| (index, n)));
                self.held.push(line.to_string());
            }
            Err(e) => out.errors.push(apply_error(index, e)),
        }
    }

    /// The held lines, as one change, on the running configuration as it
    /// is now (another client may have changed it since they were checked).
    fn commit(&mut self, out: &mut BatchOutcome) {
        self.candidate = None;
        let held = std::mem::take(&mut self.held);
        if held.is_empty() {
            return;
        }
        match self.running.apply_text(&held.join("\n")) {
            Ok(changed) => out.changed.extend(changed),
            Err(e) => out.commit_error = Some(format!("% {e}")),
        }
    }
}

fn apply_error(index: usize, e: ApplyError) -> LineError {
    let column = match &e {
        ApplyError::Parse(ParseError::Invalid { column }) => Some(*column),
        _ => None,
    };
    LineError {
        index,
        message: e.to_string(),
        column,
    }
}
