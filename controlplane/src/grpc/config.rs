//! `lisa.v1.Config`: the running and startup configuration as IOS text.

use crate::running::{ConfigError, Running};
use lisa_proto::v1::{
    config_server, ApplyConfigRequest, ConfigText, GetRunningConfigRequest,
    GetStartupConfigRequest, ReloadRequest, RunningConfig, SaveConfigRequest, SaveConfigResponse,
};
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The Config service.
pub struct ConfigService(pub Arc<Running>);

/// The gRPC status for a configuration error.
pub fn status(e: ConfigError) -> Status {
    match e {
        ConfigError::Text(t) => Status::invalid_argument(t.to_string()),
        ConfigError::Invalid(m) => Status::invalid_argument(m),
        ConfigError::Dataplane(m) => Status::failed_precondition(m),
        ConfigError::Io(what, err) => Status::internal(format!("{what}: {err}")),
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

    async fn get_running_config_typed(
        &self,
        _: Request<GetRunningConfigRequest>,
    ) -> Result<Response<RunningConfig>, Status> {
        let reg = self.0.registry();
        Ok(Response::new(self.0.read(|cfg| reg.typed(cfg))))
    }

    async fn get_startup_config(
        &self,
        _: Request<GetStartupConfigRequest>,
    ) -> Result<Response<ConfigText>, Status> {
        let path = self.0.startup_path();
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Response::new(ConfigText { text })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Status::not_found(format!(
                "startup-config is not present ({})",
                path.display()
            ))),
            Err(e) => Err(Status::internal(format!("reading {}: {e}", path.display()))),
        }
    }

    async fn apply_config(
        &self,
        req: Request<ApplyConfigRequest>,
    ) -> Result<Response<ConfigText>, Status> {
        let running = self.0.clone();
        let text = req.into_inner().text;
        super::blocking(move || running.apply_text(&text).map(|_| running.render()))
            .await?
            .map(|text| Response::new(ConfigText { text }))
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

    async fn reload(&self, _: Request<ReloadRequest>) -> Result<Response<ConfigText>, Status> {
        let running = self.0.clone();
        super::blocking(move || running.reload().map(|_| running.render()))
            .await?
            .map(|text| Response::new(ConfigText { text }))
            .map_err(status)
    }
}
