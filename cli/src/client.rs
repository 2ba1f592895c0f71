//! The gRPC connection to lisad: configuration changes, the running
//! configuration, and the context EXEC commands run in.

use anyhow::{anyhow, bail, Context, Result};
use lisa_engine::ExecCtx;
use lisa_proto::v1::{CheckEnableRequest, ConfigSessionRequest, ConfigSessionResponse};
use std::path::Path;
use tonic::transport::Endpoint;

/// A connection to one lisad.
pub struct Switch {
    ctx: ExecCtx,
}

impl Switch {
    /// Connects to lisad's unix socket at `path`.
    pub async fn connect(path: &Path) -> Result<Switch> {
        if !path.exists() {
            bail!(
                "lisad is not running: no control socket at {} (start it with `lisad`, or point swcli at it with --socket/LISA_SOCKET)",
                path.display()
            );
        }
        let channel = lisa_proto::connect_unix(Endpoint::try_from("http://lisad.local")?, path)
            .await
            .with_context(|| {
                format!(
                    "lisad is not answering on {} (is it running? start it with `lisad`)",
                    path.display()
                )
            })?;
        Ok(Switch {
            ctx: ExecCtx::new(channel),
        })
    }

    /// The API, for EXEC commands.
    pub fn ctx(&self) -> ExecCtx {
        self.ctx.clone()
    }

    /// Opens a `configure terminal` session in lisad (it checks each line
    /// against the running configuration).
    pub async fn open_session(&mut self) -> Result<ConfigSession> {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let answers = self
            .ctx
            .config()
            .config_session(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
            .map_err(|s| anyhow!("{}", s.message()))?
            .into_inner();
        Ok(ConfigSession { tx, answers })
    }

    /// `enable`: whether a secret is needed, and whether `secret` (empty:
    /// none given) grants privileged EXEC.
    pub async fn check_enable(&mut self, secret: &str) -> Result<(bool, bool)> {
        let r = self
            .ctx
            .system()
            .check_enable(CheckEnableRequest {
                secret: secret.to_string(),
            })
            .await
            .map_err(|s| anyhow!("{}", s.message()))?
            .into_inner();
        Ok((r.required, r.granted))
    }

    /// The switch's configured host name (for the prompt).
    pub async fn hostname(&mut self) -> Result<String> {
        Ok(self
            .ctx
            .running_typed(&["hostname"])
            .await
            .map_err(|e| anyhow!(e))?
            .hostname)
    }
}

/// A `configure terminal` session held in lisad.
pub struct ConfigSession {
    tx: tokio::sync::mpsc::Sender<ConfigSessionRequest>,
    answers: tonic::Streaming<ConfigSessionResponse>,
}

impl ConfigSession {
    /// Sends lines; lisad reads them until one leaves configuration mode.
    /// `immediate`: each good line is applied at once, as at a terminal.
    pub async fn send(
        &mut self,
        lines: Vec<String>,
        immediate: bool,
    ) -> Result<ConfigSessionResponse> {
        self.tx
            .send(ConfigSessionRequest { lines, immediate })
            .await
            .map_err(|_| anyhow!("lisad closed the configuration session"))?;
        match self.answers.message().await {
            Ok(Some(a)) => Ok(a),
            Ok(None) => bail!("lisad closed the configuration session"),
            Err(s) => bail!("{}", s.message()),
        }
    }
}
