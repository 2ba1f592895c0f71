//! The gRPC connection to lisad: configuration changes, the running
//! configuration, and the context EXEC commands run in.

use anyhow::{anyhow, bail, Context, Result};
use lisa_engine::ExecCtx;
use lisa_proto::v1::ApplyConfigRequest;
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

    /// Applies configuration lines as one change; the error names the line.
    pub async fn apply(&mut self, text: &str) -> Result<()> {
        self.ctx
            .config()
            .apply_config(ApplyConfigRequest {
                text: text.to_string(),
            })
            .await
            .map_err(|s| anyhow!("% {}", s.message()))?;
        Ok(())
    }

    /// The running configuration as IOS text.
    pub async fn running_text(&mut self) -> Result<String> {
        self.ctx.running_text().await.map_err(|e| anyhow!(e))
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
