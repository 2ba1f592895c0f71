//! The two-phase commit, as holo's northbound does it: the candidate is
//! validated whole, then every feature prepares its part of the change
//! (checks what the dataplane can take, builds what it will install), and
//! only when all have prepared does every feature apply. If one cannot
//! prepare, those that did abort, and nothing reached the dataplane. An
//! apply that fails all the same puts the features applied before it back
//! (by committing the reverse change on them). Every failure on the way
//! back is reported, never ignored.

use crate::config::Config;
use crate::registry::Registry;

/// A feature's side of a commit in `lisad`: what its change needs done.
pub trait Applier: Send + Sync {
    /// The feature's name, for errors.
    fn name(&self) -> &'static str;

    /// Checks and readies the change from `old` to `new` without touching
    /// the dataplane. `None` when nothing of this feature changed.
    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String>;
}

/// A prepared change, waiting for every other feature.
pub trait Prepared: Send {
    /// Makes the change. It was checked in `prepare`, so a failure here is
    /// a fault the pipeline rolls back and reports.
    fn apply(self: Box<Self>) -> Result<(), String>;

    /// Gives back what `prepare` took; the dataplane was not touched.
    fn abort(self: Box<Self>) -> Result<(), String> {
        Ok(())
    }
}

/// Why a commit did not happen. In every case the running configuration
/// and the dataplane are as before, unless `lost` lists what could not be
/// put back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    /// The candidate breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// A feature could not prepare its change; nothing was applied.
    #[error("{feature}: {error}{}", lost_text(.lost))]
    Prepare {
        /// The feature that refused.
        feature: &'static str,
        /// Why.
        error: String,
        /// Aborts that failed (feature: why).
        lost: Vec<String>,
    },
    /// A feature failed to apply a prepared change; what was applied
    /// before it was rolled back.
    #[error("{feature} failed to apply: {error}{}", lost_text(.lost))]
    Apply {
        /// The feature that failed.
        feature: &'static str,
        /// Why.
        error: String,
        /// Rollbacks and aborts that failed (feature: why).
        lost: Vec<String>,
    },
}

fn lost_text(lost: &[String]) -> String {
    if lost.is_empty() {
        String::new()
    } else {
        format!(" (and could not undo: {})", lost.join("; "))
    }
}

/// Commits the change from `old` to `new`: validate, prepare on every
/// applier, then apply on all or abort on all.
pub fn commit(
    registry: &Registry,
    appliers: &[Box<dyn Applier>],
    old: &Config,
    new: &Config,
) -> Result<(), CommitError> {
    registry.validate(old, new).map_err(CommitError::Invalid)?;
    let mut prepared: Vec<(usize, Box<dyn Prepared>)> = Vec::new();
    for (i, a) in appliers.iter().enumerate() {
        match a.prepare(old, new) {
            Ok(Some(p)) => prepared.push((i, p)),
            Ok(None) => {}
            Err(error) => {
                let lost = abort_all(appliers, prepared);
                tracing::warn!(feature = a.name(), %error, "commit refused");
                return Err(CommitError::Prepare {
                    feature: a.name(),
                    error,
                    lost,
                });
            }
        }
    }
    let mut applied: Vec<usize> = Vec::new();
    let mut rest = prepared.into_iter();
    while let Some((i, p)) = rest.next() {
        if let Err(error) = p.apply() {
            tracing::error!(feature = appliers[i].name(), %error, "apply failed; rolling back");
            let mut lost = abort_all(appliers, rest.collect());
            lost.extend(roll_back(appliers, &applied, old, new));
            return Err(CommitError::Apply {
                feature: appliers[i].name(),
                error,
                lost,
            });
        }
        applied.push(i);
    }
    Ok(())
}

/// Aborts prepared changes, last first; returns the failures.
fn abort_all(
    appliers: &[Box<dyn Applier>],
    prepared: Vec<(usize, Box<dyn Prepared>)>,
) -> Vec<String> {
    let mut lost = Vec::new();
    for (i, p) in prepared.into_iter().rev() {
        if let Err(e) = p.abort() {
            tracing::error!(feature = appliers[i].name(), error = %e, "abort failed");
            lost.push(format!("{}: {e}", appliers[i].name()));
        }
    }
    lost
}

/// Commits `new` -> `old` on the appliers that applied, last first;
/// returns the failures.
fn roll_back(
    appliers: &[Box<dyn Applier>],
    applied: &[usize],
    old: &Config,
    new: &Config,
) -> Vec<String> {
    let mut lost = Vec::new();
    for &i in applied.iter().rev() {
        let a = &appliers[i];
        let undo = a.prepare(new, old).and_then(|p| match p {
            Some(p) => p.apply(),
            None => Ok(()),
        });
        if let Err(e) = undo {
            tracing::error!(feature = a.name(), error = %e, "rollback failed");
            lost.push(format!("{}: {e}", a.name()));
        }
    }
    lost
}

#[cfg(test)]
mod tests;
