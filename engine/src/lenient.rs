//! Applying a startup-config as IOS boots one: every line that can be
//! applied is, and the rest are reported, so one bad line never keeps the
//! switch (and every VM behind it) off the network.
//!
//! A line that does not parse or is refused is skipped. A refused line at
//! the top level (an `interface` that cannot be) leaves its sub-mode lines
//! without a home: they are tried at the top level, where they fail and
//! are reported too, rather than landing in the previous block. When the
//! lines each apply but the whole breaks a rule (two SVIs in one subnet),
//! the first block (a top-level line and its sub-mode lines) whose
//! addition breaks it is found by bisection and left out, and so on until
//! the whole is valid: n log n applies per such block, nothing when there
//! is none.

use crate::config::Config;
use crate::mode::Mode;
use crate::registry::Registry;
use crate::text::{ApplyError, TextError};

/// At most this many blocks are left out for breaking a rule; past it the
/// text is taken as broken whole (the base is kept).
const MAX_LEFT_OUT: usize = 64;

/// The lines of a text up to `end`, with where each top-level block
/// starts.
struct Lines<'a> {
    lines: Vec<&'a str>,
    /// Index of each block's first line, in order.
    blocks: Vec<usize>,
}

/// What one pass over the lines did.
struct Pass {
    cfg: Config,
    errors: Vec<TextError>,
    /// Lines read: up to `end` (outside a text mode), or all.
    read: usize,
    /// For each line read, whether it was text of a text mode (a banner's
    /// lines are no blocks of their own, and `end` there is text).
    text: Vec<bool>,
}

impl<'a> Lines<'a> {
    /// `lines` (read up to `end`), split in blocks at the left margin,
    /// text lines excepted.
    fn new(lines: Vec<&'a str>, text: &[bool]) -> Lines<'a> {
        let blocks = lines
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                let t = l.trim();
                !text[*i] && !t.is_empty() && !t.starts_with('!') && !l.starts_with([' ', '\t'])
            })
            .map(|(i, _)| i)
            .collect();
        Lines { lines, blocks }
    }

    /// The line range of block `b`.
    fn block(&self, b: usize) -> std::ops::Range<usize> {
        let end = self.blocks.get(b + 1).copied().unwrap_or(self.lines.len());
        self.blocks[b]..end
    }
}

impl Registry {
    /// Applies a startup-config to a copy of `base` as IOS boots: returns
    /// the valid configuration of every line that could be applied, and
    /// the errors of those that could not, each with its line.
    pub fn apply_text_lenient(&self, base: &Config, text: &str) -> (Config, Vec<TextError>) {
        let all: Vec<&str> = text.lines().collect();
        let mut skip = vec![false; all.len()];
        let first = self.apply_lines(base, &all, &mut skip);
        skip.truncate(first.read);
        let lines = Lines::new(all[..first.read].to_vec(), &first.text);
        let mut errors = first.errors;
        let mut cfg = first.cfg;
        let mut left_out = 0;
        while let Err(rule) = self.validate(base, &cfg) {
            let Some(b) = self.first_breaking_block(base, &lines, &mut skip) else {
                break;
            };
            let range = lines.block(b);
            errors.push(TextError {
                line: range.start + 1,
                text: lines.lines[range.start].trim().to_string(),
                error: ApplyError::Rejected(format!("{rule} (the block is left out)")),
            });
            for s in &mut skip[range] {
                *s = true;
            }
            left_out += 1;
            if left_out > MAX_LEFT_OUT {
                break;
            }
            // Lines that needed the block fail now: reported too.
            let again = self.apply_lines(base, &lines.lines, &mut skip);
            errors.extend(again.errors);
            cfg = again.cfg;
        }
        if let Err(rule) = self.validate(base, &cfg) {
            errors.push(TextError {
                line: lines.lines.len(),
                text: "(whole configuration)".into(),
                error: ApplyError::Rejected(format!("{rule}; nothing of the text applied")),
            });
            cfg = base.clone();
        }
        errors.sort_by_key(|e| e.line);
        (cfg, errors)
    }

    /// Applies `lines` not marked in `skip` to a copy of `base`, up to
    /// `end`; a line that fails is marked and reported.
    fn apply_lines(&self, base: &Config, lines: &[&str], skip: &mut [bool]) -> Pass {
        let mut cfg = base.clone();
        let mut mode = Mode::global();
        let mut errors = Vec::new();
        let mut text = Vec::with_capacity(lines.len());
        for (n, line) in lines.iter().enumerate() {
            let in_text = self.takes_text(&mode);
            if !in_text && line.trim() == "end" {
                break;
            }
            text.push(in_text);
            if skip[n] {
                continue;
            }
            if let Err(error) = self.apply_line(&mut cfg, &mut mode, line) {
                skip[n] = true;
                errors.push(TextError {
                    line: n + 1,
                    text: line.trim().to_string(),
                    error,
                });
                if !line.starts_with([' ', '\t']) {
                    // Its sub-mode lines must not land in the block before.
                    mode = Mode::global();
                }
            }
            if mode.is_exec() {
                mode = Mode::global();
            }
        }
        Pass {
            cfg,
            errors,
            read: text.len(),
            text,
        }
    }

    /// The first block whose addition (with every block before it) makes
    /// the configuration break a rule; None if no prefix does.
    fn first_breaking_block(
        &self,
        base: &Config,
        lines: &Lines<'_>,
        skip: &mut [bool],
    ) -> Option<usize> {
        let valid_with = |blocks: usize, skip: &mut [bool]| {
            let end = lines
                .blocks
                .get(blocks)
                .copied()
                .unwrap_or(lines.lines.len());
            let pass = self.apply_lines(base, &lines.lines[..end], &mut skip[..end]);
            self.validate(base, &pass.cfg).is_ok()
        };
        // Invariant: the first `lo` blocks are valid, the first `hi` not.
        let (mut lo, mut hi) = (0, lines.blocks.len());
        if valid_with(hi, skip) {
            return None;
        }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if valid_with(mid, skip) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(hi - 1)
    }
}
