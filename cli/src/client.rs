//! The gRPC connection to lisad: configuration changes, the running
//! configuration, and the context EXEC commands run in.

use anyhow::{anyhow, bail, Context, Result};
use lisa_engine::ExecCtx;
use lisa_proto::v1::{CheckEnableRequest, ConfigSessionRequest, ConfigSessionResponse};
use lisa_proto::v1::{LoginActivity, LoginLine, SystemBanners};
use std::path::Path;
use tonic::transport::Endpoint;

/// Whether this process may connect to the unix socket at `path`.
fn may_use(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: c is a NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::R_OK | libc::W_OK) == 0 }
}

/// An open terminal line: lisad keeps it while this lives.
pub struct LineHandle {
    tx: tokio::sync::mpsc::Sender<LoginActivity>,
    _answers: tonic::Streaming<LoginLine>,
}

impl LineHandle {
    /// The user entered a command (resets the line's idle time).
    pub fn touch(&self) {
        // A full queue already says the user is active.
        let _ = self.tx.try_send(LoginActivity::default());
    }
}

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
        if !may_use(path) {
            bail!(
                "permission denied on lisad's control socket {}: your account must be in the socket's group (lisad --socket-group lisa, then usermod -aG lisa USER)",
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

    /// Lets EXEC commands ask the person at the terminal.
    pub fn set_asker(&mut self, asker: lisa_engine::exec::Asker) {
        self.ctx.set_asker(asker);
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

    /// Opens this session's terminal line in lisad (`show users` lists
    /// it until swcli ends). Returns the handle that reports activity.
    pub async fn login(&mut self, user: &str, host: &str, tty: &str) -> Result<LineHandle> {
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        tx.try_send(LoginActivity {
            user: user.to_string(),
            host: host.to_string(),
            tty: tty.to_string(),
        })
        .map_err(|e| anyhow!("{e}"))?;
        let mut answers = self
            .ctx
            .system()
            .login(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
            .map_err(|s| anyhow!("{}", s.message()))?
            .into_inner();
        let line: LoginLine = answers
            .message()
            .await
            .map_err(|s| anyhow!("{}", s.message()))?
            .ok_or_else(|| anyhow!("lisad gave no terminal line"))?;
        self.ctx.set_line(line.line);
        Ok(LineHandle {
            tx,
            _answers: answers,
        })
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

    /// The banners configured (`banner motd`, ...), empty ones included.
    pub async fn banners(&mut self) -> Result<SystemBanners> {
        let typed = self
            .ctx
            .running_typed(&["features"])
            .await
            .map_err(|e| anyhow!(e))?;
        let packed = typed
            .features
            .iter()
            .find(|a| a.type_url.ends_with("/lisa.v1.SystemBanners"));
        Ok(match packed {
            Some(a) => a.to_msg().map_err(|e| anyhow!("banners: {e}"))?,
            None => SystemBanners::default(),
        })
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
