//! Applying IOS configuration text to a candidate configuration, with
//! configuration modes as IOS has them: a line that is not a command of the
//! current sub-mode is tried as a global command (which leaves the
//! sub-mode).

use crate::args::ArgError;
use crate::config::Config;
use crate::grammar::{parse, ParseError};
use crate::mode::Mode;
use crate::registry::Registry;

/// Why a line could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// It does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// It parses but cannot be done.
    #[error("% {0}")]
    Rejected(String),
}

impl From<ArgError> for ApplyError {
    fn from(e: ArgError) -> Self {
        ApplyError::Rejected(e.to_string())
    }
}

/// The handler of a line IOS takes that changes nothing on LiSA-DP
/// (`ip cef`, `negotiation auto` on a virtual port): accepted, not kept.
pub fn no_effect(
    _: &mut crate::registry::ConfigCtx<'_>,
    _: &crate::args::Args,
) -> Result<(), ApplyError> {
    Ok(())
}

/// A refusal with this message.
pub fn reject(msg: impl Into<String>) -> ApplyError {
    ApplyError::Rejected(msg.into())
}

/// An error in a configuration text, with its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {text}: {error}")]
pub struct TextError {
    /// 1-based line number.
    pub line: usize,
    /// The line.
    pub text: String,
    /// What is wrong.
    pub error: ApplyError,
}

impl Registry {
    /// Applies one line in `mode`, changing `cfg` and `mode`.
    pub fn apply_line(
        &self,
        cfg: &mut Config,
        mode: &mut Mode,
        line: &str,
    ) -> Result<(), ApplyError> {
        self.apply_line_noting(cfg, mode, line).map(drop)
    }

    /// As `apply_line`; returns what the handler had to say about the line
    /// (`ConfigCtx::notice`), for a terminal to print.
    pub fn apply_line_noting(
        &self,
        cfg: &mut Config,
        mode: &mut Mode,
        line: &str,
    ) -> Result<Vec<String>, ApplyError> {
        if let Some(text) = self.text_handler(mode) {
            let mut ctx = self.ctx(cfg, mode);
            text(&mut ctx, line)?;
            return Ok(ctx.take_notices());
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('!') {
            return Ok(Vec::new());
        }
        let parsed = if mode.is_sub() {
            match parse(self.tree(mode), line) {
                Ok(p) => p,
                // Not a sub-mode command: IOS tries it as a global one.
                Err(first) => match parse(self.global_tree(), line) {
                    Ok(p) => {
                        *mode = Mode::global();
                        p
                    }
                    Err(_) => return Err(first.into()),
                },
            }
        } else {
            parse(self.global_tree(), line)?
        };
        let mut ctx = self.ctx(cfg, mode);
        (parsed.run)(&mut ctx, &parsed.args)?;
        Ok(ctx.take_notices())
    }

    /// Applies a whole configuration text (a startup-config, or lines sent
    /// by a client) to a copy of `base`, starting in global configuration
    /// mode; `end` stops it. Returns the new, validated configuration, or
    /// the first error with its line; `base` is never changed.
    pub fn apply_text(&self, base: &Config, text: &str) -> Result<Config, TextError> {
        let mut cfg = base.clone();
        let mut mode = Mode::global();
        let mut last = 0;
        for (n, line) in text.lines().enumerate() {
            last = n + 1;
            if line.trim() == "end" && !self.takes_text(&mode) {
                break;
            }
            self.apply_line(&mut cfg, &mut mode, line)
                .map_err(|error| TextError {
                    line: n + 1,
                    text: line.trim().to_string(),
                    error,
                })?;
            if mode.is_exec() {
                mode = Mode::global();
            }
        }
        self.validate(base, &cfg).map_err(|e| TextError {
            line: last,
            text: "(whole configuration)".into(),
            error: ApplyError::Rejected(e),
        })?;
        Ok(cfg)
    }
}
