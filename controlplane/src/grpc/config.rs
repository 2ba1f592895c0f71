//! `lisa.v1.Config`: the running and startup configuration as IOS text.

use crate::config_session::{BatchOutcome, ConfigSession};
use crate::running::{ConfigError, Running};
use lisa_engine::Fields;
use lisa_proto::v1::{
    config_server, ApplyConfigRequest, ApplyConfigResponse, ConfigChunk, ConfigText,
    GetRunningConfigRequest, GetStartupConfigRequest, GetStartupErrorsRequest, ReloadRequest,
    RunningConfig, SaveConfigRequest, SaveConfigResponse, StartupError, StartupErrors,
};
use lisa_proto::v1::{
    ConfigLineError, ConfigLineNotice, ConfigSessionRequest, ConfigSessionResponse,
};
use lisa_proto::v1::{ConfigState, GetConfigStateRequest};
use std::sync::Arc;
use tonic::{Request, Response, Status, Streaming};

/// The size of a piece of a streamed configuration.
const CHUNK_BYTES: usize = 1 << 20;

/// `text` in pieces of about `size` bytes, each ending at a line's end
/// (a line longer than `size` is a piece of its own). At least one
/// piece, empty for an empty text.
fn chunks(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    let mut first = true;
    std::iter::from_fn(move || {
        if rest.is_empty() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        let cut = if rest.len() <= size {
            rest.len()
        } else {
            rest[size..].find('\n').map_or(rest.len(), |i| size + i + 1)
        };
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        Some(piece)
    })
}

/// A configuration text in pieces.
type ChunkStream = tokio_stream::Iter<std::vec::IntoIter<Result<ConfigChunk, Status>>>;

/// `text` as a stream of whole-line pieces, the first with the size.
fn pieces(text: &str) -> ChunkStream {
    tokio_stream::iter(
        chunks(text, CHUNK_BYTES)
            .enumerate()
            .map(|(i, piece)| {
                Ok(ConfigChunk {
                    text: piece.to_string(),
                    total_bytes: if i == 0 { text.len() as u64 } else { 0 },
                })
            })
            .collect::<Vec<_>>(),
    )
}

/// The Config service.
pub struct ConfigService(pub Arc<Running>);

impl ConfigService {
    /// The startup-config file's text; NOT_FOUND if there is none.
    async fn startup_text(&self) -> Result<String, Status> {
        let running = self.0.clone();
        super::blocking(move || running.read_startup())
            .await?
            .map_err(status)?
            .ok_or_else(|| {
                Status::not_found(format!(
                    "startup-config is not present ({})",
                    self.0.startup_path().display()
                ))
            })
    }
}

/// The gRPC status for a configuration error.
pub fn status(e: ConfigError) -> Status {
    match e {
        ConfigError::Text(t) => Status::invalid_argument(t.to_string()),
        ConfigError::Invalid(m) => Status::invalid_argument(m),
        ConfigError::Dataplane(m) => Status::failed_precondition(m),
        ConfigError::Io(what, err) => Status::internal(format!("{what}: {err}")),
    }
}

/// A batch's outcome as the API's answer.
fn session_response(s: &ConfigSession, out: BatchOutcome) -> ConfigSessionResponse {
    ConfigSessionResponse {
        consumed: out.consumed as u32,
        errors: out
            .errors
            .into_iter()
            .map(|e| ConfigLineError {
                index: e.index as u32,
                message: e.message,
                column: e.column.map(|c| c as u32),
            })
            .collect(),
        mode: s.mode().to_string(),
        changed: out.changed,
        commit_error: out.commit_error.unwrap_or_default(),
        notices: out
            .notices
            .into_iter()
            .map(|(index, message)| ConfigLineNotice {
                index: index as u32,
                message,
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl config_server::Config for ConfigService {
    async fn get_running_config(
        &self,
        _: Request<GetRunningConfigRequest>,
    ) -> Result<Response<ConfigText>, Status> {
        Ok(Response::new(ConfigText {
            text: self.0.render(),
        }))
    }

    type StreamRunningConfigStream = ChunkStream;

    async fn stream_running_config(
        &self,
        _: Request<GetRunningConfigRequest>,
    ) -> Result<Response<ChunkStream>, Status> {
        let running = self.0.clone();
        let text = super::blocking(move || running.render()).await?;
        Ok(Response::new(pieces(&text)))
    }

    async fn get_running_config_typed(
        &self,
        req: Request<GetRunningConfigRequest>,
    ) -> Result<Response<RunningConfig>, Status> {
        let wanted = Fields::new(req.into_inner().fields);
        let running = self.0.clone();
        let typed = super::blocking(move || {
            let reg = running.registry();
            running.read(|cfg| reg.typed(cfg, &wanted))
        })
        .await?;
        Ok(Response::new(typed))
    }

    async fn get_startup_config(
        &self,
        _: Request<GetStartupConfigRequest>,
    ) -> Result<Response<ConfigText>, Status> {
        Ok(Response::new(ConfigText {
            text: self.startup_text().await?,
        }))
    }

    type StreamStartupConfigStream = ChunkStream;

    async fn stream_startup_config(
        &self,
        _: Request<GetStartupConfigRequest>,
    ) -> Result<Response<ChunkStream>, Status> {
        Ok(Response::new(pieces(&self.startup_text().await?)))
    }

    type ConfigSessionStream =
        tokio_stream::wrappers::ReceiverStream<Result<ConfigSessionResponse, Status>>;

    async fn config_session(
        &self,
        req: Request<Streaming<ConfigSessionRequest>>,
    ) -> Result<Response<Self::ConfigSessionStream>, Status> {
        let mut inbound = req.into_inner();
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let mut session = Some(ConfigSession::new(self.0.clone()));
        tokio::spawn(async move {
            // One batch at a time, in order; the session ends at `end` or
            // when the client goes (held lines are then dropped).
            while let Some(s) = session.take() {
                let batch = match inbound.message().await {
                    Ok(Some(b)) => b,
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Err(e)).await;
                        break;
                    }
                };
                let done = super::blocking(move || {
                    let mut s = s;
                    let out = s.batch(&batch.lines, batch.immediate);
                    (s, out)
                })
                .await;
                let (s, out) = match done {
                    Ok(d) => d,
                    Err(e) => {
                        let _ = tx.send(Err(e)).await;
                        break;
                    }
                };
                let answer = session_response(&s, out);
                if tx.send(Ok(answer)).await.is_err() || s.ended() {
                    break;
                }
                session = Some(s);
            }
        });
        Ok(Response::new(tokio_stream::wrappers::ReceiverStream::new(
            rx,
        )))
    }

    async fn apply_config(
        &self,
        req: Request<ApplyConfigRequest>,
    ) -> Result<Response<ApplyConfigResponse>, Status> {
        let running = self.0.clone();
        let text = req.into_inner().text;
        super::blocking(move || running.apply_text(&text))
            .await?
            .map(|changed| Response::new(ApplyConfigResponse { changed }))
            .map_err(status)
    }

    async fn save_config(
        &self,
        _: Request<SaveConfigRequest>,
    ) -> Result<Response<SaveConfigResponse>, Status> {
        let running = self.0.clone();
        super::blocking(move || {
            running.save()?;
            let bytes = std::fs::metadata(running.startup_path())
                .map(|m| m.len())
                .unwrap_or(0);
            Ok::<_, ConfigError>(SaveConfigResponse {
                path: running.startup_path().display().to_string(),
                bytes,
            })
        })
        .await?
        .map(Response::new)
        .map_err(status)
    }

    async fn get_startup_errors(
        &self,
        _: Request<GetStartupErrorsRequest>,
    ) -> Result<Response<StartupErrors>, Status> {
        let (errors, loaded) = self.0.startup_errors();
        Ok(Response::new(StartupErrors {
            path: self.0.startup_path().display().to_string(),
            loaded_seconds_ago: loaded.map_or(0, |t| t.elapsed().as_secs()),
            errors: errors
                .into_iter()
                .map(|e| StartupError {
                    line: e.line as u32,
                    text: e.text,
                    error: e.error.to_string(),
                })
                .collect(),
        }))
    }

    async fn get_config_state(
        &self,
        _: Request<GetConfigStateRequest>,
    ) -> Result<Response<ConfigState>, Status> {
        let running = self.0.clone();
        let modified = super::blocking(move || running.modified()).await?;
        Ok(Response::new(ConfigState {
            modified,
            startup_path: self.0.startup_path().display().to_string(),
        }))
    }

    async fn reload(
        &self,
        _: Request<ReloadRequest>,
    ) -> Result<Response<ApplyConfigResponse>, Status> {
        let running = self.0.clone();
        super::blocking(move || running.reload())
            .await?
            .map(|changed| Response::new(ApplyConfigResponse { changed }))
            .map_err(status)
    }
}

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn pieces_end_at_line_ends_and_rebuild_the_text() {
        let text = "vlan 10\n name a\ninterface Vlan10\n ip address 10.0.0.1 255.255.255.0\n";
        for size in 1..text.len() + 2 {
            let pieces: Vec<&str> = chunks(text, size).collect();
            assert_eq!(pieces.concat(), text, "size {size}");
            assert!(pieces.iter().all(|p| p.ends_with('\n')), "size {size}");
        }
        assert_eq!(chunks("", 8).collect::<Vec<_>>(), vec![""]);
    }
}
