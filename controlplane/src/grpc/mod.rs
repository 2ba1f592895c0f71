//! The gRPC services (`lisa.v1`), served with reflection on a unix socket
//! and, when configured, on TCP.

pub mod config;
pub mod edit;
mod system;

pub use edit::{edit, Refusal};

use crate::listen;
use crate::running::Running;
use crate::tcp_auth::TcpProtection;
use dataplane::Dataplane;
use lisa_proto::v1::{config_server::ConfigServer, system_server::SystemServer};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tokio_stream::wrappers::{TcpListenerStream, UnixListenerStream};
use tonic::service::RoutesBuilder;

/// Runs `f` off the async threads (it may wait on the dataplane, for a
/// grace period say) and returns what it returns.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tonic::Status> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| tonic::Status::internal(format!("the request's task failed: {e}")))
}

/// Entries in a page of a listing (`page_size` of `ListRoutes`,
/// `ListEntries`) when the client does not say, and the most given.
pub const DEFAULT_PAGE: usize = 10_000;
/// See `DEFAULT_PAGE`.
pub const MAX_PAGE: usize = 100_000;

/// The page size for a client's `page_size` (0: the default).
pub fn page_size(asked: u32) -> usize {
    match asked as usize {
        0 => DEFAULT_PAGE,
        n => n.min(MAX_PAGE),
    }
}

/// What every service handler reads: the running dataplane and when it started.
#[derive(Clone)]
pub struct SwitchContext {
    /// The running dataplane.
    pub dp: Arc<Dataplane>,
    /// When lisad started.
    pub started: Instant,
    /// lisad's version text.
    pub version: String,
    /// The running configuration.
    pub running: Arc<Running>,
    /// Where `clear dataplane performance` last left the node counts.
    pub perf_base: Arc<std::sync::Mutex<PerfBase>>,
    /// Where ports plugged over the API keep their vhost-user sockets
    /// (`control.vhost_dir`); None = anywhere.
    pub vhost_dir: Option<std::path::PathBuf>,
    /// The CLI sessions open (`show users`).
    pub lines: Arc<crate::lines::Lines>,
    /// The last messages logged (`show logging`).
    pub log: Arc<crate::log_buffer::LogBuffer>,
    /// The ports plugged over the API, kept across restarts.
    pub port_db: Arc<crate::port_db::PortDb>,
    /// The ports' 5-minute rates.
    pub rates: Arc<crate::rates::Rates>,
}

/// The node counts at the last `clear dataplane performance`.
#[derive(Clone)]
pub struct PerfBase {
    /// Per worker, per node.
    pub stats: Vec<Vec<dataplane::graph::NodeStats>>,
    /// Per worker, power save's counts.
    pub idle: Vec<dataplane::idle::IdleStats>,
    /// When.
    pub since: Instant,
}

impl Default for PerfBase {
    fn default() -> Self {
        PerfBase {
            stats: Vec::new(),
            idle: Vec::new(),
            since: Instant::now(),
        }
    }
}

/// Errors starting the control listeners.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The socket could not be prepared.
    #[error(transparent)]
    Listen(#[from] listen::ListenError),
    /// Reflection could not be set up.
    #[error("reflection: {0}")]
    Reflection(String),
    /// The server failed.
    #[error("gRPC server: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Every service: the API's, reflection and health.
fn routes(ctx: SwitchContext) -> Result<tonic::service::Routes, ServeError> {
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(lisa_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(|e| ServeError::Reflection(e.to_string()))?;
    let reflection_alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(lisa_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .map_err(|e| ServeError::Reflection(e.to_string()))?;
    // grpc.health.v1: the server as a whole ("") is SERVING while lisad
    // answers at all (load balancers, Kubernetes probes, grpc_health_probe).
    let (_, health) = tonic_health::server::health_reporter();
    let mut routes = RoutesBuilder::default();
    routes
        .add_service(reflection)
        .add_service(reflection_alpha)
        .add_service(health)
        .add_service(SystemServer::new(system::SystemService(ctx.clone())))
        .add_service(
            // A change may be a full table's worth of lines.
            ConfigServer::new(config::ConfigService(ctx.running.clone()))
                .max_decoding_message_size(lisa_engine::exec::MAX_MESSAGE),
        );
    ctx.running.features().services(&ctx, &mut routes);
    Ok(routes.routes())
}

/// Serves the API on `socket` (and `tcp`, if not empty, with `protection`:
/// TLS, and the token check in front of every service, reflection and
/// health included) until `shutdown` resolves.
pub async fn serve(
    ctx: SwitchContext,
    socket: &Path,
    group: &str,
    tcp: &str,
    protection: &TcpProtection,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let uds = listen::bind_unix(socket, group)?;
    let refused = ctx.running.startup_errors().0.len();
    let (tx, _) = tokio::sync::broadcast::channel::<()>(1);
    let mut tasks = tokio::task::JoinSet::new();
    let mut rx = tx.subscribe();
    let unix = tonic::transport::Server::builder().add_routes(routes(ctx.clone())?);
    tasks.spawn(async move {
        unix.serve_with_incoming_shutdown(UnixListenerStream::new(uds), async move {
            let _ = rx.recv().await;
        })
        .await
    });
    if !tcp.is_empty() {
        let listener = tokio::net::TcpListener::bind(tcp)
            .await
            .map_err(|e| listen::ListenError::Io(format!("binding TCP {tcp}"), e))?;
        tracing::info!("gRPC also on tcp {tcp} ({})", protection.describe());
        let loopback = listener.local_addr().is_ok_and(|a| a.ip().is_loopback());
        if protection.authenticates() && !protection.encrypts() && !loopback {
            tracing::warn!(
                "gRPC on tcp {tcp}: the token crosses the network in clear text; set control.tls_cert and control.tls_key"
            );
        }
        let mut rx = tx.subscribe();
        let mut server = tonic::transport::Server::builder();
        if let Some(tls) = protection.tls() {
            server = server.tls_config(tls)?;
        }
        let tcp_router = server
            .layer(tonic::service::InterceptorLayer::new(
                protection.token_check(),
            ))
            .add_routes(routes(ctx)?);
        tasks.spawn(async move {
            tcp_router
                .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
                    let _ = rx.recv().await;
                })
                .await
        });
    }
    tracing::info!("gRPC on unix:{}", socket.display());
    // Forwarding and answering: ready (the workers started before).
    let status = match refused {
        0 => "forwarding".to_string(),
        n => {
            format!("forwarding; {n} startup-config lines not applied (show startup-config errors)")
        }
    };
    crate::notify::notify(&format!(
        "READY=1\nSTATUS={status}\nMAINPID={}",
        std::process::id()
    ));
    let result = tokio::select! {
        _ = shutdown => Ok(()),
        Some(done) = tasks.join_next() => match done {
            Ok(r) => r.map_err(ServeError::from),
            Err(e) => Err(ServeError::Reflection(format!("server task: {e}"))),
        },
    };
    crate::notify::notify("STOPPING=1");
    let _ = tx.send(());
    // Graceful shutdown waits for open calls; a client that never hangs up
    // (a Watch stream, say) must not keep the switch from stopping.
    let drained = tokio::time::timeout(std::time::Duration::from_secs(2), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::info!("closing the connections still open");
        tasks.abort_all();
    }
    listen::remove_socket(socket);
    result
}
