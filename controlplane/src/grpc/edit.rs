//! Typed requests that change the configuration: each feature's daemon
//! states what a request does to the model as a plain function (checked,
//! then applied to a candidate, returning a `Refusal` when the request is
//! wrong), so that the API handler and the `grpc_edits` fuzz target run
//! the same code. `edit` runs one on the running configuration and
//! commits it.

use super::config::status;
use crate::running::{ConfigError, Running};
use lisa_engine::Config;
use std::sync::Arc;
use tonic::Status;

/// Why a typed request was refused before the configuration's rules saw
/// it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A field is wrong (`INVALID_ARGUMENT`).
    #[error("{0}")]
    Invalid(String),
    /// It names something that does not exist (`NOT_FOUND`).
    #[error("{0}")]
    NotFound(String),
}

impl From<Refusal> for Status {
    fn from(r: Refusal) -> Status {
        match r {
            Refusal::Invalid(m) => Status::invalid_argument(m),
            Refusal::NotFound(m) => Status::not_found(m),
        }
    }
}

impl From<String> for Refusal {
    fn from(m: String) -> Refusal {
        Refusal::Invalid(m)
    }
}

/// Runs `f` on a copy of the running configuration and commits the result
/// (off the async threads): `f`'s refusal, the rules' or the dataplane's
/// error as the status a client gets, or what `f` returned.
pub async fn edit<T: Send + 'static>(
    running: Arc<Running>,
    f: impl FnOnce(&mut Config) -> Result<T, Refusal> + Send + 'static,
) -> Result<T, Status> {
    super::blocking(move || {
        let mut refused = None;
        let done = running.edit(|cfg| {
            f(cfg).map_err(|r| {
                let m = r.to_string();
                refused = Some(r);
                m
            })
        });
        match (done, refused) {
            (Ok(t), _) => Ok(t),
            (Err(ConfigError::Invalid(_)), Some(r)) => Err(r.into()),
            (Err(e), _) => Err(status(e)),
        }
    })
    .await?
}
