//! The arguments of a parsed line, read by name and type.

use std::str::FromStr;

/// Argument values by name, and the keywords a line matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    values: Vec<(&'static str, String)>,
    keywords: Vec<&'static str>,
}

/// An argument a handler asked for is missing or does not convert: a
/// declaration error (the grammar checked the word already).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("argument {name}: {why}")]
pub struct ArgError {
    /// The argument's name.
    pub name: &'static str,
    /// What is wrong.
    pub why: String,
}

impl Args {
    /// Records argument `name` with its word.
    pub fn push(&mut self, name: &'static str, word: &str) {
        self.values.push((name, word.to_string()));
    }

    /// Records a matched keyword (in full).
    pub fn push_keyword(&mut self, word: &'static str) {
        self.keywords.push(word);
    }

    /// The word given for `name`, as typed.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name`, converted; an error if absent or unreadable.
    pub fn get<T: FromStr>(&self, name: &'static str) -> Result<T, ArgError>
    where
        T::Err: std::fmt::Display,
    {
        let word = self.text(name).ok_or(ArgError {
            name,
            why: "not given".into(),
        })?;
        word.parse().map_err(|e: T::Err| ArgError {
            name,
            why: e.to_string(),
        })
    }

    /// The value of `name` if the line gave one.
    pub fn opt<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, ArgError>
    where
        T::Err: std::fmt::Display,
    {
        match self.text(name) {
            None => Ok(None),
            Some(_) => self.get(name).map(Some),
        }
    }

    /// True if the line matched keyword `word`.
    pub fn has(&self, word: &str) -> bool {
        self.keywords.contains(&word)
    }

    /// The keywords matched, in order, in full.
    pub fn keywords(&self) -> &[&'static str] {
        &self.keywords
    }

    /// True if the line began with `no`.
    pub fn negated(&self) -> bool {
        self.keywords.first() == Some(&"no")
    }
}
