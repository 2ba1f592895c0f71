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

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let lines: Vec<&str> = text.lines().take_while(|l| l.trim() != "end").collect();
        let blocks = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('!') && !l.starts_with([' ', '\t'])
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
        let lines = Lines::new(text);
        let mut skip = vec![false; lines.lines.len()];
        let mut errors = Vec::new();
        let (mut cfg, line_errors) = self.apply_lines(base, &lines.lines, &mut skip);
        errors.extend(line_errors);
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
            let (again, orphaned) = self.apply_lines(base, &lines.lines, &mut skip);
            errors.extend(orphaned);
            cfg = again;
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

    /// Applies `lines` not marked in `skip` to a copy of `base`; a line
    /// that fails is marked and reported.
    fn apply_lines(
        &self,
        base: &Config,
        lines: &[&str],
        skip: &mut [bool],
    ) -> (Config, Vec<TextError>) {
        let mut cfg = base.clone();
        let mut mode = Mode::global();
        let mut errors = Vec::new();
        for (n, line) in lines.iter().enumerate() {
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
        (cfg, errors)
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
            let (cfg, _) = self.apply_lines(base, &lines.lines[..end], &mut skip[..end]);
            self.validate(base, &cfg).is_ok()
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
