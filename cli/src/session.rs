//! One swcli session: EXEC commands run as they come; configuration lines
//! (between `configure terminal` and `end`) go to a configuration session
//! in lisad, which checks each against the running configuration as it
//! comes and applies it at once (a terminal) or holds it for one change at
//! `end` (a script, whose lines go in batches). Errors are IOS's, with the
//! `^` under the bad word.

use crate::client::{ConfigSession, Switch};
use crate::exec::{exec_tree, user_exec_tree, ExecRun, SessionCmd};
use crate::features::registry;
use crate::modifier::{filtered, Modifier};
use lisa_engine::exec::OutputSink;
use lisa_engine::grammar::{help, parse, ParseError};
use lisa_engine::{Args, ExecHandler, Mode};
use lisa_proto::v1::ConfigSessionResponse;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// What a line did.
pub enum Outcome {
    /// Printed output (possibly empty).
    Ok(String),
    /// An error, already formatted as IOS prints it.
    Failed(String),
    /// `enable` needs the secret: ask for it and call `Session::enable_with`.
    Password,
    /// `exit` in EXEC mode: the session ends.
    Quit,
}

/// The IOS error text for `err` in `line`, with the marker under the bad word.
pub fn format_error(line: &str, err: &ParseError) -> String {
    match err {
        ParseError::Invalid { column } => {
            format!(
                "{line}\n{}^\n% Invalid input detected at '^' marker.\n",
                " ".repeat(*column)
            )
        }
        other => format!("{other}\n"),
    }
}

/// `?` help: the next words with their help text, IOS style.
fn format_help(entries: &[(String, String)]) -> String {
    let width = entries.iter().map(|(w, _)| w.len()).max().unwrap_or(0);
    entries
        .iter()
        .map(|(w, h)| format!("  {w:<width$}  {h}\n"))
        .collect()
}

/// Lines a script sends to lisad in one batch, at most.
const BATCH_LINES: usize = 4096;

/// Between `configure terminal` and `end`.
struct ConfigState {
    /// The mode lisad's session is in (only `id` is known here).
    mode: Mode,
    /// lisad's session.
    session: ConfigSession,
}

/// A session's state.
pub struct Session {
    switch: Switch,
    privileged: bool,
    /// Apply each configuration line at once (as IOS does), rather than all
    /// at `end`.
    immediate: bool,
    hostname: String,
    history: Vec<String>,
    config: Option<ConfigState>,
    /// The terminal line lisad keeps for this session (`show users`).
    line: Option<crate::client::LineHandle>,
    /// A remote login (a vty, over SSH): with no enable secret set,
    /// `enable` is refused there, as on IOS.
    vty: bool,
}

impl Session {
    /// A scripted session: privileged EXEC (`set_privileged` lowers it),
    /// configuration sent at `end`.
    pub fn new(switch: Switch) -> Session {
        Session {
            switch,
            privileged: true,
            immediate: false,
            hostname: String::new(),
            history: Vec::new(),
            config: None,
            line: None,
            vty: false,
        }
    }

    /// An interactive session: user EXEC (`enable` to go further), each
    /// configuration line applied as it is entered.
    pub async fn interactive(switch: Switch) -> Session {
        let mut s = Session {
            privileged: false,
            immediate: true,
            ..Session::new(switch)
        };
        // IOS asks before some commands (`copy running-config
        // startup-config`); the answer is read as the lines are.
        s.switch.set_asker(std::sync::Arc::new(|question: &str| {
            use std::io::Write;
            print!("{question}");
            let _ = std::io::stdout().flush();
            crate::line_editor::read_answer()
        }));
        s.refresh_hostname().await;
        s
    }

    /// Starts in privileged EXEC (`privileged`) or user EXEC.
    pub fn set_privileged(&mut self, privileged: bool) {
        self.privileged = privileged;
    }

    /// Opens this session's terminal line (`show users`); a lisad without
    /// it only loses the listing. A session from a remote host is a vty.
    pub async fn open_line(&mut self, user: &str, host: &str, tty: &str) {
        self.vty = !host.is_empty();
        match self.switch.login(user, host, tty).await {
            Ok(h) => self.line = Some(h),
            Err(e) => eprintln!("% the session is not listed in show users: {e:#}"),
        }
    }

    /// What a terminal shows as a session starts, as on IOS: the message
    /// of the day, then the EXEC banner.
    pub async fn show_banners(&mut self) {
        if let Ok(b) = self.switch.banners().await {
            for text in [b.motd, b.exec] {
                if !text.is_empty() {
                    println!("{text}");
                }
            }
        }
    }

    async fn refresh_hostname(&mut self) {
        if let Ok(h) = self.switch.hostname().await {
            self.hostname = h;
        }
    }

    /// The IOS prompt for the current mode: `lisa>`, `lisa#`, `lisa(config-if)#`.
    pub fn prompt(&self) -> String {
        match &self.config {
            // A banner's text is typed without a prompt, as on IOS.
            Some(_) if self.in_text() => String::new(),
            Some(c) => format!("{}{}#", self.hostname, registry().prompt(&c.mode)),
            None if self.privileged => format!("{}#", self.hostname),
            None => format!("{}>", self.hostname),
        }
    }

    /// The command tree the next line is parsed with (for help and completion).
    pub fn tree(&self) -> TreeKind {
        match self.config.as_ref().map(|c| &c.mode) {
            Some(m) if m.is_sub() => TreeKind::Config(m.id),
            Some(_) => TreeKind::Config(lisa_engine::mode::GLOBAL),
            None if self.privileged => TreeKind::Exec,
            None => TreeKind::UserExec,
        }
    }

    /// `?` help for a line being typed, as IOS prints it.
    pub fn help_text(&self, partial: &str) -> String {
        if let (Some(_), Some(exec)) = (&self.config, partial.trim_start().strip_prefix("do ")) {
            return match help(exec_tree(), exec) {
                Ok(h) => format_help(&h),
                Err(e) => format_error(exec, &e),
            };
        }
        let result = match self.tree() {
            TreeKind::Exec => help(exec_tree(), partial),
            TreeKind::UserExec => help(user_exec_tree(), partial),
            TreeKind::Config(id) => help(registry().tree(&Mode::sub(id, Vec::new())), partial),
        };
        match result {
            Ok(h) => format_help(&h),
            Err(e) => format_error(partial, &e),
        }
    }

    /// Runs one line.
    pub async fn line(&mut self, raw: &str) -> Outcome {
        if let Some(h) = &self.line {
            h.touch();
        }
        let line = raw.trim_end();
        if self.in_text() {
            // A banner's text: every line as it is, blank ones too.
            return self.send_one(line).await;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('!') {
            return Outcome::Ok(String::new());
        }
        if !line.ends_with('?') {
            self.history.push(line.trim().to_string());
        }
        if self.config.is_some() {
            if let Some(exec) = line.trim_start().strip_prefix("do ") {
                return self.exec_line(exec, true).await;
            }
            return self.config_line(line).await;
        }
        if let Some(partial) = line.strip_suffix('?') {
            return Outcome::Ok(self.help_text(partial));
        }
        let privileged = self.privileged;
        self.exec_line(line, privileged).await
    }

    /// An EXEC command (`do` runs them from configuration modes).
    async fn exec_line(&mut self, line: &str, privileged: bool) -> Outcome {
        let (command, modifier) = match line.split_once(" | ") {
            Some((c, m)) => (c, Some(m)),
            None => (line, None),
        };
        let tree = if privileged {
            exec_tree()
        } else {
            user_exec_tree()
        };
        let (cmd, args) = match parse(tree, command) {
            Ok(p) => (p.run, p.args),
            Err(e) => return Outcome::Failed(format_error(command, &e)),
        };
        let cmd = match cmd {
            ExecRun::Api(handler) => return self.run_api(handler, &args, modifier).await,
            ExecRun::Session(cmd) => cmd,
        };
        match cmd {
            SessionCmd::ConfigureTerminal if self.config.is_some() => Outcome::Ok(String::new()),
            SessionCmd::ConfigureTerminal => {
                // lisad checks the lines against the running config, so
                // abbreviated interface names and VLANs resolve there.
                let session = match self.switch.open_session().await {
                    Ok(s) => s,
                    Err(e) => return Outcome::Failed(format!("% {e}\n")),
                };
                self.config = Some(ConfigState {
                    mode: Mode::global(),
                    session,
                });
                let hint = if self.immediate {
                    "Enter configuration commands, one per line.  End with CNTL/Z.\n"
                } else {
                    ""
                };
                Outcome::Ok(hint.into())
            }
            SessionCmd::Enable if self.privileged => Outcome::Ok(String::new()),
            SessionCmd::Enable => match self.switch.check_enable("").await {
                // IOS on a vty: no secret, no privileged EXEC.
                Ok((false, _)) if self.vty => Outcome::Failed("% No password set\n".into()),
                Ok((_, true)) => {
                    self.privileged = true;
                    Outcome::Ok(String::new())
                }
                Ok(_) => Outcome::Password,
                Err(e) => Outcome::Failed(format!("% {e}\n")),
            },
            SessionCmd::Disable => {
                self.privileged = false;
                Outcome::Ok(String::new())
            }
            SessionCmd::Exit => Outcome::Quit,
            SessionCmd::Terminal => Outcome::Ok(String::new()),
            SessionCmd::ShowPrivilege => {
                let level = if self.privileged { 15 } else { 1 };
                finish(format!("Current privilege level is {level}\n"), modifier)
            }
            SessionCmd::ShowHistory => {
                let text: String = self.history.iter().map(|l| format!("  {l}\n")).collect();
                finish(text, modifier)
            }
        }
    }

    /// Runs a feature's command. Output that comes in pieces (the pages of
    /// a large table) is printed as it comes, through the modifier; the
    /// rest is returned.
    async fn run_api(&self, handler: ExecHandler, args: &Args, modifier: Option<&str>) -> Outcome {
        let filter = match modifier.map(Modifier::parse).transpose() {
            Ok(m) => Arc::new(Mutex::new(m.unwrap_or_else(Modifier::none))),
            Err(e) => return Outcome::Failed(e),
        };
        let stream = filter.clone();
        let sink: OutputSink = Arc::new(Mutex::new(move |piece: &str| {
            let mut out = String::new();
            lock(&stream).feed(piece, &mut out);
            let mut stdout = std::io::stdout().lock();
            // A reader that went away (`swcli ... | head`) ends swcli quietly.
            if stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                std::process::exit(141);
            }
        }));
        let ctx = self.switch.ctx().with_output(sink);
        let result = handler(&ctx, args).await;
        drop(ctx);
        match result {
            Ok(rest) => {
                let mut m = std::mem::replace(&mut *lock(&filter), Modifier::none());
                let mut out = String::new();
                m.feed(&rest, &mut out);
                m.finish(&mut out);
                Outcome::Ok(out)
            }
            Err(e) => Outcome::Failed(format!("% {e}\n")),
        }
    }

    /// After `enable` asked for it: checks the secret.
    pub async fn enable_with(&mut self, password: &str) -> Outcome {
        match self.switch.check_enable(password).await {
            Ok((_, true)) => {
                self.privileged = true;
                Outcome::Ok(String::new())
            }
            Ok(_) => Outcome::Failed("% Bad secrets\n".into()),
            Err(e) => Outcome::Failed(format!("% {e}\n")),
        }
    }

    /// A line in configuration mode: lisad checks it, and applies it at
    /// once (interactive) or holds it for `end` (scripts).
    async fn config_line(&mut self, line: &str) -> Outcome {
        if let Some(partial) = line.strip_suffix('?') {
            return Outcome::Ok(self.help_text(partial));
        }
        self.send_one(line).await
    }

    /// Sends one configuration line to lisad.
    async fn send_one(&mut self, line: &str) -> Outcome {
        let immediate = self.immediate;
        let lines = [line.to_string()];
        match self.send(&lines, immediate).await {
            Ok((_, mut outcomes)) => outcomes.pop().unwrap_or(Outcome::Ok(String::new())),
            Err(e) => Outcome::Failed(e),
        }
    }

    /// True while a banner's text is being typed (a text mode).
    pub fn in_text(&self) -> bool {
        self.config
            .as_ref()
            .is_some_and(|c| registry().takes_text(&c.mode))
    }

    /// Runs the next lines of a script: in configuration mode, the lines up
    /// to the next `do` or `?` line go to lisad as one batch (it stops at
    /// `end`); otherwise the first line alone. Returns how many lines ran
    /// and each one's outcome.
    pub async fn lines(&mut self, lines: &[String]) -> (usize, Vec<Outcome>) {
        let batchable = |l: &String| {
            let t = l.trim();
            !t.starts_with("do ") && !t.ends_with('?')
        };
        let run = lines
            .iter()
            .take(BATCH_LINES)
            .take_while(|l| batchable(l))
            .count();
        if self.config.is_none() || self.immediate || run == 0 {
            let first = lines.first().map(String::as_str).unwrap_or("");
            return (1, vec![self.line(first).await]);
        }
        let batch: Vec<String> = lines[..run]
            .iter()
            .map(|l| l.trim_end().to_string())
            .collect();
        self.history.extend(
            batch
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.trim().to_string()),
        );
        match self.send(&batch, false).await {
            Ok(done) => done,
            Err(e) => (run, vec![Outcome::Failed(e)]),
        }
    }

    /// Sends `lines` to lisad's session; returns how many it read and an
    /// outcome for each.
    async fn send(
        &mut self,
        lines: &[String],
        immediate: bool,
    ) -> Result<(usize, Vec<Outcome>), String> {
        let st = self.config.as_mut().expect("in configuration mode");
        let answer: ConfigSessionResponse = st
            .session
            .send(lines.to_vec(), immediate)
            .await
            .map_err(|e| format!("% {e}\n"))?;
        let consumed = (answer.consumed as usize).min(lines.len());
        let mut outcomes: Vec<Outcome> =
            (0..consumed).map(|_| Outcome::Ok(String::new())).collect();
        for n in &answer.notices {
            if let Some(Outcome::Ok(text)) = outcomes.get_mut(n.index as usize) {
                text.push_str(&n.message);
                text.push('\n');
            }
        }
        for e in &answer.errors {
            let Some(line) = lines.get(e.index as usize) else {
                continue;
            };
            let text = match e.column {
                Some(column) => format_error(
                    line.trim_start(),
                    &shifted(
                        line,
                        ParseError::Invalid {
                            column: column as usize,
                        },
                    ),
                ),
                None => format!("{}\n", e.message),
            };
            if let Some(o) = outcomes.get_mut(e.index as usize) {
                *o = Outcome::Failed(text);
            }
        }
        if !answer.commit_error.is_empty() {
            let refused = Outcome::Failed(format!("{}\n", answer.commit_error));
            match outcomes.last_mut() {
                Some(last) => *last = refused,
                None => outcomes.push(refused),
            }
        }
        st.mode = registry().mode_named(&answer.mode);
        if st.mode.is_exec() {
            self.config = None;
        }
        if !answer.changed.is_empty() {
            self.refresh_hostname().await;
        }
        Ok((consumed.max(1), outcomes))
    }

    /// At the end of a script still in configuration mode: its held lines
    /// go in, as at `end`.
    pub async fn finish(&mut self) -> Outcome {
        if self.config.is_none() || self.immediate {
            return Outcome::Ok(String::new());
        }
        match self.send(&["end".to_string()], false).await {
            Ok((_, mut outcomes)) => outcomes.pop().unwrap_or(Outcome::Ok(String::new())),
            Err(e) => Outcome::Failed(e),
        }
    }
}

/// Which command tree applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeKind {
    /// `hostname>`
    UserExec,
    /// `hostname#`
    Exec,
    /// A configuration mode, by id: `config`, `config-if`, ...
    Config(&'static str),
}

/// The output, through the modifier if there is one.
fn finish(out: String, modifier: Option<&str>) -> Outcome {
    match filtered(&out, modifier) {
        Ok(text) => Outcome::Ok(text),
        Err(e) => Outcome::Failed(e),
    }
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A parse error's column, counted from the first non-blank character.
fn shifted(line: &str, e: ParseError) -> ParseError {
    let indent = line.len() - line.trim_start().len();
    match e {
        ParseError::Invalid { column } => ParseError::Invalid {
            column: column.saturating_sub(indent),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_bad_word() {
        let e = parse(exec_tree(), "show vresion").unwrap_err();
        assert_eq!(
            format_error("show vresion", &e),
            "show vresion\n     ^\n% Invalid input detected at '^' marker.\n"
        );
    }
}
