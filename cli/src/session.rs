//! One swcli session: EXEC commands run as they come; configuration lines
//! (between `configure terminal` and `end`) are checked here, as they are
//! typed, and sent to lisad as one change at `end`. Errors are IOS's, with
//! the `^` under the bad word.

use crate::client::Switch;
use crate::exec::{exec_tree, ExecCmd};
use lisa_config::grammar::{help, parse, ParseError};
use lisa_config::{apply_line, apply_text, ApplyError, Config, Mode};

/// What a line did.
pub enum Outcome {
    /// Printed output (possibly empty).
    Ok(String),
    /// An error, already formatted as IOS prints it.
    Failed(String),
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

/// Applies an output modifier (`| include RE`, `| exclude`, `| begin`,
/// `| count`) to `out`. Patterns are plain substrings.
fn modify(out: String, modifier: &str) -> Result<String, String> {
    let mut words = modifier.trim().splitn(2, char::is_whitespace);
    let verb = words.next().unwrap_or("");
    let pattern = words.next().unwrap_or("").trim();
    let is = |full: &str| !verb.is_empty() && full.starts_with(verb);
    let lines = out.lines();
    Ok(if is("include") {
        lines
            .filter(|l| l.contains(pattern))
            .map(|l| format!("{l}\n"))
            .collect()
    } else if is("exclude") {
        lines
            .filter(|l| !l.contains(pattern))
            .map(|l| format!("{l}\n"))
            .collect()
    } else if is("begin") {
        lines
            .skip_while(|l| !l.contains(pattern))
            .map(|l| format!("{l}\n"))
            .collect()
    } else if is("count") {
        format!(
            "Number of lines which match regexp = {}\n",
            lines.filter(|l| l.contains(pattern)).count()
        )
    } else {
        return Err(format!(
            "% Invalid output modifier '{verb}': use include, exclude, begin or count\n"
        ));
    })
}

/// A session's state.
pub struct Session {
    switch: Switch,
    /// Configuration lines typed since `configure terminal`, and the mode
    /// they leave the parser in.
    config: Option<(Vec<String>, Mode, Config)>,
}

impl Session {
    /// A session in privileged EXEC mode.
    pub fn new(switch: Switch) -> Session {
        Session {
            switch,
            config: None,
        }
    }

    /// Runs one line.
    pub async fn line(&mut self, raw: &str) -> Outcome {
        let line = raw.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('!') {
            return Outcome::Ok(String::new());
        }
        if self.config.is_some() {
            return self.config_line(line).await;
        }
        if let Some(partial) = line.strip_suffix('?') {
            return match help(&exec_tree(), partial) {
                Ok(h) => Outcome::Ok(format_help(&h)),
                Err(e) => Outcome::Failed(format_error(partial, &e)),
            };
        }
        let (command, modifier) = match line.split_once(" | ") {
            Some((c, m)) => (c, Some(m)),
            None => (line, None),
        };
        let (cmd, args) = match parse(&exec_tree(), command) {
            Ok(p) => (p.cmd, p.args),
            Err(e) => return Outcome::Failed(format_error(command, &e)),
        };
        if cmd == ExecCmd::ConfigureTerminal {
            // Lines are checked against a copy of the running config, so
            // abbreviated interface names and VLANs resolve as on lisad.
            let shadow = match self.switch.running_text().await {
                Ok(text) => apply_text(&Config::default(), &text).unwrap_or_default(),
                Err(e) => return Outcome::Failed(format!("% {e}\n")),
            };
            self.config = Some((Vec::new(), Mode::Global, shadow));
            return Outcome::Ok(String::new());
        }
        match self.switch.execute(cmd, &args).await {
            Ok(out) => match modifier.map(|m| modify(out.clone(), m)) {
                None => Outcome::Ok(out),
                Some(Ok(filtered)) => Outcome::Ok(filtered),
                Some(Err(e)) => Outcome::Failed(e),
            },
            Err(e) => Outcome::Failed(format!("% {e}\n")),
        }
    }

    /// A line in configuration mode: checked now, sent at `end`.
    async fn config_line(&mut self, line: &str) -> Outcome {
        let (lines, mode, shadow) = self.config.as_mut().expect("in configuration mode");
        if let Some(partial) = line.strip_suffix('?') {
            let tree = match mode {
                Mode::Interface(_) => lisa_config::commands::interface_tree(),
                Mode::Vlan(_) => lisa_config::commands::vlan_tree(),
                _ => lisa_config::commands::global_tree(),
            };
            return match help(&tree, partial) {
                Ok(h) => Outcome::Ok(format_help(&h)),
                Err(e) => Outcome::Failed(format_error(partial, &e)),
            };
        }
        // The syntax is checked against a local copy; lisad checks the rest
        // (interfaces that exist, driver limits) when the change arrives.
        match apply_line(shadow, mode, line) {
            Err(ApplyError::Parse(e)) => {
                return Outcome::Failed(format_error(line.trim_start(), &shifted(line, e)))
            }
            Err(ApplyError::Rejected(m)) => return Outcome::Failed(format!("% {m}\n")),
            Ok(()) => {}
        }
        if *mode != Mode::Exec {
            lines.push(line.to_string());
            return Outcome::Ok(String::new());
        }
        let (lines, _, _) = self.config.take().expect("in configuration mode");
        self.commit(&lines).await
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
        self.config.take().map(|(l, _, _)| l).unwrap_or_default()
    }
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
        let e = parse(&exec_tree(), "show vresion").unwrap_err();
        assert_eq!(
            format_error("show vresion", &e),
            "show vresion\n     ^\n% Invalid input detected at '^' marker.\n"
        );
    }

    #[test]
    fn output_modifiers() {
        let out = "a1\nb2\na3\n".to_string();
        assert_eq!(modify(out.clone(), "include a").unwrap(), "a1\na3\n");
        assert_eq!(modify(out.clone(), "excl a").unwrap(), "b2\n");
        assert_eq!(modify(out.clone(), "begin b").unwrap(), "b2\na3\n");
        assert_eq!(
            modify(out.clone(), "count a").unwrap(),
            "Number of lines which match regexp = 2\n"
        );
        assert!(modify(out, "grep a").is_err());
    }
}
