//! One swcli session: EXEC commands run as they come; configuration lines
//! (between `configure terminal` and `end`) are checked here, as they are
//! typed, and sent to lisad as one change at `end`. Errors are IOS's, with
//! the `^` under the bad word.

use crate::client::Switch;
use crate::exec::{exec_tree, user_exec_tree, ExecRun, SessionCmd};
use crate::features::registry;
use crate::modifier::{filtered, Modifier};
use lisa_engine::exec::OutputSink;
use lisa_engine::grammar::{help, parse, ParseError};
use lisa_engine::{ApplyError, Args, Config, ExecHandler, Mode};
use lisa_system::SystemConfig;
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

/// Where configuration lines are, between `configure terminal` and `end`.
struct ConfigState {
    /// Lines waiting for `end` (scripts send them as one change).
    pending: Vec<String>,
    /// The mode the lines leave the parser in.
    mode: Mode,
    /// A copy of the running config the lines are checked against.
    shadow: Config,
    /// The line that entered the current sub-mode (`interface e1`), sent
    /// before each line applied at once (interactive sessions).
    entry: Option<String>,
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
}

impl Session {
    /// A scripted session: privileged EXEC, configuration sent at `end`.
    pub fn new(switch: Switch) -> Session {
        Session {
            switch,
            privileged: true,
            immediate: false,
            hostname: String::new(),
            history: Vec::new(),
            config: None,
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
        s.refresh_hostname().await;
        s
    }

    async fn refresh_hostname(&mut self) {
        if let Ok(h) = self.switch.hostname().await {
            self.hostname = h;
        }
    }

    /// The IOS prompt for the current mode: `lisa>`, `lisa#`, `lisa(config-if)#`.
    pub fn prompt(&self) -> String {
        match &self.config {
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
        let line = raw.trim_end();
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
                // Lines are checked against a copy of the running config, so
                // abbreviated interface names and VLANs resolve as on lisad.
                let shadow = match self.shadow().await {
                    Ok(c) => c,
                    Err(e) => return Outcome::Failed(e),
                };
                self.config = Some(ConfigState {
                    pending: Vec::new(),
                    mode: Mode::global(),
                    shadow,
                    entry: None,
                });
                let hint = if self.immediate {
                    "Enter configuration commands, one per line.  End with CNTL/Z.\n"
                } else {
                    ""
                };
                Outcome::Ok(hint.into())
            }
            SessionCmd::Enable if self.privileged => Outcome::Ok(String::new()),
            SessionCmd::Enable => match self.shadow().await {
                Ok(c) if c.get::<SystemConfig>().enable_secret.is_none() => {
                    self.privileged = true;
                    Outcome::Ok(String::new())
                }
                Ok(_) => Outcome::Password,
                Err(e) => Outcome::Failed(e),
            },
            SessionCmd::Disable => {
                self.privileged = false;
                Outcome::Ok(String::new())
            }
            SessionCmd::Exit => Outcome::Quit,
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
        match self.shadow().await {
            Ok(c) => match &c.get::<SystemConfig>().enable_secret {
                Some(h) if !lisa_system::secret::verify(password, h) => {
                    Outcome::Failed("% Bad secrets\n".into())
                }
                _ => {
                    self.privileged = true;
                    Outcome::Ok(String::new())
                }
            },
            Err(e) => Outcome::Failed(e),
        }
    }

    /// The running config as a model.
    async fn shadow(&mut self) -> Result<Config, String> {
        match self.switch.running_text().await {
            Ok(text) => {
                let reg = registry();
                Ok(reg
                    .apply_text(&reg.default_config(), &text)
                    .unwrap_or_else(|_| reg.default_config()))
            }
            Err(e) => Err(format!("% {e}\n")),
        }
    }

    /// A line in configuration mode: checked now; sent at once
    /// (interactive) or at `end` (scripts).
    async fn config_line(&mut self, line: &str) -> Outcome {
        if let Some(partial) = line.strip_suffix('?') {
            return Outcome::Ok(self.help_text(partial));
        }
        let st = self.config.as_mut().expect("in configuration mode");
        let before = st.mode.clone();
        // The syntax is checked against a local copy; lisad checks the rest
        // (interfaces that exist, driver limits) when the change arrives.
        match registry().apply_line(&mut st.shadow, &mut st.mode, line) {
            Err(ApplyError::Parse(e)) => {
                return Outcome::Failed(format_error(line.trim_start(), &shifted(line, e)))
            }
            Err(ApplyError::Rejected(m)) => return Outcome::Failed(format!("% {m}\n")),
            Ok(()) => {}
        }
        let entered = st.mode.is_sub()
            && (st.mode != before || parse(registry().global_tree(), line).is_ok());
        if st.mode.is_exec() {
            let st = self.config.take().expect("in configuration mode");
            let out = self.commit(&st.pending).await;
            self.refresh_hostname().await;
            return out;
        }
        if !self.immediate {
            st.pending.push(line.to_string());
            return Outcome::Ok(String::new());
        }
        // Applied at once, in the sub-mode it was typed in.
        let text = match (&st.entry, &before) {
            (Some(e), b) if b.is_sub() && !entered => format!("{e}\n{line}"),
            _ => line.to_string(),
        };
        if entered {
            st.entry = Some(line.trim().to_string());
        } else if st.mode.is_global() {
            st.entry = None;
        }
        match self.switch.apply(&text).await {
            Ok(()) => {
                if line.trim_start().starts_with("hostname")
                    || line.trim_start().starts_with("no hostname")
                {
                    self.refresh_hostname().await;
                }
                Outcome::Ok(String::new())
            }
            Err(e) => {
                // lisad refused it: the local copy goes back to lisad's truth.
                if let Ok(c) = self.shadow().await {
                    if let Some(st) = self.config.as_mut() {
                        st.shadow = c;
                    }
                }
                Outcome::Failed(format!("{e}\n"))
            }
        }
    }

    /// Sends the configuration lines typed so far (at `end`, or at the end
    /// of the input) as one change.
    pub async fn commit(&mut self, lines: &[String]) -> Outcome {
        if lines.is_empty() {
            return Outcome::Ok(String::new());
        }
        match self.switch.apply(&lines.join("\n")).await {
            Ok(()) => Outcome::Ok(String::new()),
            Err(e) => Outcome::Failed(format!("{e}\n")),
        }
    }

    /// Lines still waiting for `end`.
    pub fn take_pending(&mut self) -> Vec<String> {
        self.config.take().map(|c| c.pending).unwrap_or_default()
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
