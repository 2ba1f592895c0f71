//! EXEC commands (`show ...`, `clear ...`, `write memory`): features
//! declare them as trees with handlers, like their configuration commands;
//! swcli runs a handler against lisad's API and prints what it returns.

use crate::args::Args;
use lisa_proto::v1::{
    config_client::ConfigClient, fdb_client::FdbClient, ports_client::PortsClient,
    routing_client::RoutingClient, system_client::SystemClient, vlans_client::VlansClient,
    ConfigChunk, GetRunningConfigRequest, GetStartupConfigRequest, ListPortsRequest, Port,
    RunningConfig,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
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

/// Where a command's output goes as it is produced (swcli prints it
/// through the line's output modifier).
pub type OutputSink = Arc<Mutex<dyn FnMut(&str) + Send>>;

/// Asks the person at the terminal a question (printed as it is) and
/// returns the line they answer, without its line break.
pub type Asker = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The API of the lisad a command runs against, and where output that
/// comes in pieces goes.
#[derive(Clone)]
pub struct ExecCtx {
    channel: Channel,
    output: Option<OutputSink>,
    line: Option<u32>,
    asker: Option<Asker>,
}

/// The message of a failed call.
pub fn api_error(s: tonic::Status) -> String {
    s.message().to_string()
}

impl ExecCtx {
    /// Commands over `channel`.
    pub fn new(channel: Channel) -> ExecCtx {
        ExecCtx {
            channel,
            output: None,
            line: None,
            asker: None,
        }
    }

    /// The terminal line this session holds (`show users` marks it).
    pub fn line(&self) -> Option<u32> {
        self.line
    }

    /// Records the terminal line lisad gave this session.
    pub fn set_line(&mut self, line: u32) {
        self.line = Some(line);
    }

    /// The same API, with output printed as it comes to `sink`.
    pub fn with_output(&self, sink: OutputSink) -> ExecCtx {
        ExecCtx {
            channel: self.channel.clone(),
            output: Some(sink),
            line: self.line,
            asker: self.asker.clone(),
        }
    }

    /// Lets commands ask the person at this terminal (`ask`).
    pub fn set_asker(&mut self, asker: Asker) {
        self.asker = Some(asker);
    }

    /// Asks `question` as IOS does before some commands (`Destination
    /// filename [startup-config]? `); the answer, trimmed. A script has
    /// nobody to ask: None, and the command takes its default, as IOS
    /// does with `file prompt quiet`.
    pub fn ask(&self, question: &str) -> Option<String> {
        let asker = self.asker.as_ref()?;
        asker(question).map(|a| a.trim().to_string())
    }

    /// Prints a piece of a command's output now (a page of a large
    /// table), before the command ends. Without a sink the piece is kept
    /// in `held` and the command returns it with the rest.
    pub fn print(&self, held: &mut String, text: &str) {
        match &self.output {
            Some(sink) => (sink.lock().unwrap_or_else(|e| e.into_inner()))(text),
            None => held.push_str(text),
        }
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

    /// The running configuration, typed: only `fields` (by name, as in
    /// `RunningConfig`), or every field if `fields` is empty.
    pub async fn running_typed(&self, fields: &[&str]) -> Result<RunningConfig, String> {
        Ok(self
            .config()
            .get_running_config_typed(GetRunningConfigRequest {
                fields: fields.iter().map(|f| f.to_string()).collect(),
            })
            .await
            .map_err(api_error)?
            .into_inner())
    }

    /// The running configuration as IOS text, streamed: `piece` gets each
    /// piece (whole lines) and the whole text's size as it arrives.
    pub async fn running_pieces(&self, piece: impl FnMut(&str, usize)) -> Result<(), String> {
        let stream = self
            .config()
            .stream_running_config(GetRunningConfigRequest::default())
            .await
            .map_err(api_error)?
            .into_inner();
        each_piece(stream, piece).await
    }

    /// The startup-config, streamed as `running_pieces`.
    pub async fn startup_pieces(&self, piece: impl FnMut(&str, usize)) -> Result<(), String> {
        let stream = self
            .config()
            .stream_startup_config(GetStartupConfigRequest {})
            .await
            .map_err(api_error)?
            .into_inner();
        each_piece(stream, piece).await
    }

    /// The running configuration as IOS text.
    pub async fn running_text(&self) -> Result<String, String> {
        let mut text = String::new();
        self.running_pieces(|piece, total| {
            text.reserve(total.saturating_sub(text.len()));
            text.push_str(piece);
        })
        .await?;
        Ok(text)
    }

    /// The canonical name of a plugged interface as typed (`e1` -> `Ethernet1`).
    pub async fn resolve(&self, typed: &str) -> Result<String, String> {
        let ports = self.port_list().await?;
        lisa_types::resolve_interface(ports.iter().map(|p| p.name.as_str()), typed)
    }

    /// The interface argument `name` of a command, resolved (`resolve`),
    /// or None when the command has no such argument (every interface).
    pub async fn resolve_arg(&self, args: &Args, name: &str) -> Result<Option<String>, String> {
        match args.text(name) {
            Some(typed) => self.resolve(typed).await.map(Some),
            None => Ok(None),
        }
    }
}

/// Calls `piece` with each piece of a streamed configuration text, and
/// the whole text's size.
async fn each_piece(
    mut stream: tonic::Streaming<ConfigChunk>,
    mut piece: impl FnMut(&str, usize),
) -> Result<(), String> {
    let mut total = 0;
    while let Some(chunk) = stream.message().await.map_err(api_error)? {
        if chunk.total_bytes != 0 {
            total = chunk.total_bytes as usize;
        }
        piece(&chunk.text, total);
    }
    Ok(())
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
