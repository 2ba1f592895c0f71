//! EXEC commands (`show ...`, `clear ...`, `write memory`): features
//! declare them as trees with handlers, like their configuration commands;
//! swcli runs a handler against lisad's API and prints what it returns.

use crate::args::Args;
use lisa_proto::v1::{
    config_client::ConfigClient, fdb_client::FdbClient, ports_client::PortsClient,
    routing_client::RoutingClient, system_client::SystemClient, vlans_client::VlansClient,
    GetRunningConfigRequest, ListPortsRequest, Port, RunningConfig,
};
use std::future::Future;
use std::pin::Pin;
use tonic::transport::Channel;

/// The largest answer taken from lisad: a running configuration with a
/// full Internet table is tens of MB, beyond gRPC's usual 4 MB.
pub const MAX_MESSAGE: usize = 256 << 20;

/// What an EXEC command prints, or the error it prints (without `% `).
pub type ExecResult = Result<String, String>;
/// A running EXEC handler.
pub type ExecFuture<'a> = Pin<Box<dyn Future<Output = ExecResult> + Send + 'a>>;
/// What an EXEC command line runs.
pub type ExecHandler = for<'a> fn(&'a ExecCtx, &'a Args) -> ExecFuture<'a>;

/// The API of the lisad a command runs against.
#[derive(Clone)]
pub struct ExecCtx {
    channel: Channel,
}

/// The message of a failed call.
pub fn api_error(s: tonic::Status) -> String {
    s.message().to_string()
}

impl ExecCtx {
    /// Commands over `channel`.
    pub fn new(channel: Channel) -> ExecCtx {
        ExecCtx { channel }
    }

    /// The channel to lisad, for a feature's own API client.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// `lisa.v1.Config`.
    pub fn config(&self) -> ConfigClient<Channel> {
        ConfigClient::new(self.channel.clone()).max_decoding_message_size(MAX_MESSAGE)
    }

    /// `lisa.v1.Ports`.
    pub fn ports(&self) -> PortsClient<Channel> {
        PortsClient::new(self.channel.clone()).max_decoding_message_size(MAX_MESSAGE)
    }

    /// `lisa.v1.Vlans`.
    pub fn vlans(&self) -> VlansClient<Channel> {
        VlansClient::new(self.channel.clone()).max_decoding_message_size(MAX_MESSAGE)
    }

    /// `lisa.v1.Fdb`.
    pub fn fdb(&self) -> FdbClient<Channel> {
        FdbClient::new(self.channel.clone()).max_decoding_message_size(MAX_MESSAGE)
    }

    /// `lisa.v1.Routing`.
    pub fn routing(&self) -> RoutingClient<Channel> {
        RoutingClient::new(self.channel.clone()).max_decoding_message_size(MAX_MESSAGE)
    }

    /// `lisa.v1.System`.
    pub fn system(&self) -> SystemClient<Channel> {
        SystemClient::new(self.channel.clone()).max_decoding_message_size(MAX_MESSAGE)
    }

    /// The plugged ports.
    pub async fn port_list(&self) -> Result<Vec<Port>, String> {
        Ok(self
            .ports()
            .list_ports(ListPortsRequest {})
            .await
            .map_err(api_error)?
            .into_inner()
            .ports)
    }

    /// The running configuration, typed.
    pub async fn running_typed(&self) -> Result<RunningConfig, String> {
        Ok(self
            .config()
            .get_running_config_typed(GetRunningConfigRequest {})
            .await
            .map_err(api_error)?
            .into_inner())
    }

    /// The running configuration as IOS text.
    pub async fn running_text(&self) -> Result<String, String> {
        Ok(self
            .config()
            .get_running_config(GetRunningConfigRequest {})
            .await
            .map_err(api_error)?
            .into_inner()
            .text)
    }

    /// The canonical name of a plugged interface as typed (`e1` -> `Ethernet1`).
    pub async fn resolve(&self, typed: &str) -> Result<String, String> {
        let ports = self.port_list().await?;
        lisa_types::resolve_interface(ports.iter().map(|p| p.name.as_str()), typed)
    }
}

/// Declares an EXEC handler: `exec!(fn show_vlan(ctx, args) { ... })`
/// writes the boxed-future signature around an async body.
#[macro_export]
macro_rules! exec_handler {
    ($(#[$m:meta])* $vis:vis fn $name:ident($ctx:ident, $args:ident) $body:block) => {
        $(#[$m])*
        $vis fn $name<'a>(
            $ctx: &'a $crate::exec::ExecCtx,
            $args: &'a $crate::args::Args,
        ) -> $crate::exec::ExecFuture<'a> {
            Box::pin(async move {
                let _ = (&$ctx, &$args);
                $body
            })
        }
    };
}
