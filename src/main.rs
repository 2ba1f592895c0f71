//! `lisad`: the LiSA-DP switch daemon. Reads the boot config, starts the
//! DPDK dataplane and serves the gRPC control API until SIGINT/SIGTERM.

use anyhow::{bail, Context, Result};
use clap::Parser;
use controlplane::boot::{parse_port_arg, BootConfig, PortConfig, DEFAULT_BOOT_CONFIG};
use controlplane::events::{self, Events};
use controlplane::features::FeatureSet;
use controlplane::grpc::{self, SwitchContext};
use controlplane::log_buffer::{BufferLayer, LogBuffer};
use controlplane::port_db::{PortDb, SavedPort};
use controlplane::running::Running;
use controlplane::tcp_auth::TcpProtection;
use dataplane::graph::Pipeline;
use dataplane::{Dataplane, DataplaneConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod features;

/// LiSA-DP switch daemon: a DPDK poll-mode L2/L3 switch with an IOS-like CLI (swcli).
#[derive(Parser, Debug)]
#[command(version = concat!(env!("CARGO_PKG_VERSION"), " (git ", env!("LISA_GIT_REV"), ")"))]
struct Args {
    /// Boot config file (RON); without it the embedded default is used.
    #[arg(long, short = 'c', value_name = "FILE.ron")]
    config: Option<PathBuf>,
    /// Print the embedded default boot config and exit.
    #[arg(long)]
    print_default_config: bool,
    /// Add a port: NAME=KIND:ARG with KIND one of tap:IFNAME, afpacket:IFNAME,
    /// vhost-server:PATH, vhost-client:PATH, pci:ADDR, pcap:RX,TX, null. Repeatable.
    #[arg(long = "port", value_name = "NAME=KIND:ARG", value_parser = parse_port_arg)]
    ports: Vec<PortConfig>,
    /// The gRPC control socket (default /run/lisa/lisa.sock, or the config's).
    #[arg(long, value_name = "PATH", env = "LISA_SOCKET")]
    socket: Option<PathBuf>,
    /// The group that may use the control socket, mode 0660 (default:
    /// the config's, else root's). SSH logins (scripts/ssh-setup.sh) use `lisa`.
    #[arg(long, value_name = "GROUP", env = "LISA_SOCKET_GROUP")]
    socket_group: Option<String>,
    /// Serve OpenMetrics (Prometheus) at http://ADDR/metrics (default: the
    /// config's `control.metrics`, else off).
    #[arg(long, value_name = "ADDR:PORT")]
    metrics: Option<String>,
    /// Number of worker lcores (default 1, or the config's).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// Hugepage memory for DPDK in MB (default: the config's).
    #[arg(long, value_name = "MB")]
    memory: Option<u32>,
    /// Worker CPUs, comma-separated (default: the config's, or every CPU but the main one).
    #[arg(long, value_name = "CPU,...", value_delimiter = ',')]
    worker_cores: Option<Vec<usize>>,
    /// The startup-config file (default /etc/lisa/startup-config, or the config's).
    #[arg(long, value_name = "PATH")]
    startup_config: Option<PathBuf>,
    /// Where ports plugged over the API keep their vhost-user sockets
    /// (default /run/lisa/vhost, or the config's; "" = anywhere).
    #[arg(long, value_name = "DIR", env = "LISA_VHOST_DIR")]
    vhost_dir: Option<String>,
    /// CPU of the main lcore (control plane).
    #[arg(long, value_name = "CPU")]
    main_core: Option<usize>,
    /// EAL --file-prefix (default: derived from the socket path).
    #[arg(long, value_name = "PREFIX")]
    file_prefix: Option<String>,
    /// Log filter, as for RUST_LOG (e.g. info, lisad=debug).
    #[arg(long, default_value = "info", env = "LISA_LOG")]
    log: String,
}

fn main() {
    // The Debian package's man page and completions (scripts/package.sh).
    if lisa_clidocs::generate_if_asked(<Args as clap::CommandFactory>::command()) {
        return;
    }
    let args = Args::parse();
    if args.print_default_config {
        print!("{DEFAULT_BOOT_CONFIG}");
        return;
    }
    // stderr as filtered, colours only on a terminal (journald and log
    // files get plain text); `show logging` keeps the last messages.
    let log = Arc::new(LogBuffer::default());
    {
        use std::io::IsTerminal;
        use tracing_subscriber::prelude::*;
        let stderr = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_filter(tracing_subscriber::EnvFilter::new(&args.log));
        tracing_subscriber::registry()
            .with(stderr)
            .with(BufferLayer(log.clone()))
            .init();
    }
    if let Err(e) = run(args, log) {
        eprintln!("lisad: {e:#}");
        std::process::exit(1);
    }
}

/// The boot config from the file or the default, with the command line on top.
fn boot_config(args: &Args) -> Result<BootConfig> {
    let mut cfg = match &args.config {
        Some(path) => BootConfig::load(path)?,
        None => BootConfig::default_config(),
    };
    cfg.ports.extend(args.ports.iter().cloned());
    if let Some(s) = &args.socket {
        cfg.control.socket = s.clone();
    }
    if let Some(g) = &args.socket_group {
        cfg.control.socket_group = g.clone();
    }
    if let Some(m) = &args.metrics {
        cfg.control.metrics = m.clone();
    }
    if let Some(d) = &args.vhost_dir {
        cfg.control.vhost_dir = PathBuf::from(d);
    }
    if let Some(p) = &args.startup_config {
        cfg.control.startup_config = p.clone();
    }
    if let Some(n) = args.workers {
        cfg.eal.workers = n;
    }
    if let Some(m) = args.memory {
        cfg.eal.memory_mb = m;
    }
    if let Some(c) = &args.worker_cores {
        cfg.eal.worker_cores = c.clone();
    }
    if let Some(c) = args.main_core {
        cfg.eal.main_core = c;
    }
    if let Some(p) = &args.file_prefix {
        cfg.eal.file_prefix = p.clone();
    }
    if let Err((_, msg)) = cfg.validate() {
        bail!("command line: {msg}");
    }
    Ok(cfg)
}

/// CPUs this process may run on.
fn allowed_cpus() -> Vec<usize> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid out pointer and size; pid 0 is this thread.
    let rc =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    if rc != 0 {
        return vec![0];
    }
    // SAFETY: reading bits of an initialised set.
    (0..libc::CPU_SETSIZE as usize)
        .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
        .collect()
}

/// Refuses to start when another lisad has the socket or the hugepages
/// are short.
fn preflight(cfg: &BootConfig) -> Result<()> {
    let socket = &cfg.control.socket;
    if std::os::unix::net::UnixStream::connect(socket).is_ok() {
        bail!(
            "another lisad is already listening on {}; stop it or pass --socket PATH",
            socket.display()
        );
    }
    // `--no-huge` (in eal.extra_args) takes ordinary memory instead.
    let no_huge = cfg.eal.extra_args.iter().any(|a| a == "--no-huge");
    let free = hugepage_setup::free_mb();
    if !no_huge && free < u64::from(cfg.eal.memory_mb) {
        bail!(
            "DPDK needs {} MB of hugepages (eal.memory_mb) but {free} MB are free; \
             reserve more with `hugepage-setup --mb {}` or lower --memory",
            cfg.eal.memory_mb,
            u64::from(cfg.eal.memory_mb).max(1024)
        );
    }
    Ok(())
}

/// Starts the EAL and the ports (no worker yet).
fn start_dataplane(cfg: &BootConfig, pipeline: Pipeline) -> Result<Arc<Dataplane>> {
    // The directory of the VMs' vhost-user sockets, made on a fresh host
    // (its ports, and the libvirt hook's, go there).
    let vhost_dir = &cfg.control.vhost_dir;
    if !vhost_dir.as_os_str().is_empty() && !vhost_dir.is_dir() {
        std::fs::create_dir_all(vhost_dir)
            .with_context(|| format!("creating control.vhost_dir {}", vhost_dir.display()))?;
        tracing::info!("created {}", vhost_dir.display());
    }
    let eal_args = cfg.eal_args(&allowed_cpus());
    tracing::info!(?eal_args, ports = cfg.ports.len(), "starting dataplane");
    let dp = Dataplane::start(
        &DataplaneConfig {
            eal_args,
            ports: cfg.port_specs(),
            router_mac: cfg.router_mac(),
        },
        pipeline,
    )
    .context("starting the dataplane")?;
    let dp = Arc::new(dp);
    dp.set_idle_sleep_max(cfg.switch.idle_sleep_max_us);
    Ok(dp)
}

/// Plugs the ports kept from `Ports.AddPort` (the port database), after
/// the boot config's. A kept port that cannot be plugged (its tap or
/// interface is gone, the boot config has a port of that name) is logged and stays kept, for the next start or a
/// `RemovePort`. Returns those plugged.
fn plug_kept_ports(dp: &Dataplane, db: &PortDb) -> Vec<SavedPort> {
    let mut plugged = Vec::new();
    for p in db.ports() {
        let spec = p
            .kind
            .parse()
            .map(|kind| dataplane::PortSpec {
                name: p.name.clone(),
                kind,
            })
            .map_err(|e: dataplane::port::PortKindError| e.to_string());
        match spec.and_then(|s| dp.add_port(&s).map_err(|e| e.to_string())) {
            Ok(_) => plugged.push(p),
            Err(e) => tracing::error!(
                port = %p.name, kind = %p.kind, db = %db.path().display(),
                "kept port not plugged: {e}"
            ),
        }
    }
    if !plugged.is_empty() {
        tracing::info!(
            "plugged {} kept ports from {}",
            plugged.len(),
            db.path().display()
        );
    }
    plugged
}

/// Loads the startup-config as IOS boots: bad lines are logged and kept
/// (`show startup-config errors`), never a reason not to boot. If the
/// switch refuses the whole (a driver limit), it runs the defaults.
/// Returns the whole configuration when its deferred tables (static
/// routes) are still to go in, after the workers start.
fn load_startup(running: &Running, path: &std::path::Path) -> Option<lisa_engine::Config> {
    match running.load_startup() {
        Ok(Some(whole)) => {
            let refused = running.startup_errors().0.len();
            if refused == 0 {
                tracing::info!("loaded {}", path.display());
            } else {
                tracing::error!(
                    "loaded {} without {refused} lines that could not be applied (show startup-config errors)",
                    path.display()
                );
            }
            Some(whole)
        }
        Ok(None) => {
            tracing::info!(
                "no startup-config at {}; running the defaults",
                path.display()
            );
            None
        }
        Err(e) => {
            tracing::error!(
                "startup-config {}: {e}; running the defaults",
                path.display()
            );
            None
        }
    }
}

fn run(args: Args, log: Arc<LogBuffer>) -> Result<()> {
    let cfg = boot_config(&args)?;
    let started = Instant::now();
    // The TCP listener's certificates and token: a bad file stops lisad
    // before DPDK starts.
    let tcp_protection = TcpProtection::load(&cfg.control)?;
    preflight(&cfg)?;
    let file_prefix = cfg.file_prefix();
    let features = features::daemon_features(cfg.switch.fdb_limit);
    let dp = start_dataplane(&cfg, controlplane::features::pipeline(&features))?;
    let port_db = Arc::new(
        PortDb::open(cfg.control.port_db_path()).context("control.port_db: the kept ports")?,
    );
    let kept = plug_kept_ports(&dp, &port_db);
    let events = Events::default();
    let features = FeatureSet::new(features, &dp).map_err(anyhow::Error::msg)?;
    let tasks = features.tasks(&dp, &events);
    let running = Arc::new(Running::new(
        dp.clone(),
        features,
        cfg.control.startup_config.clone(),
        events.clone(),
    ));
    // The startup-config goes in before the workers start: no frame is
    // forwarded under the defaults. Its large tables (static routes) go in
    // right after, so the workers do not wait for a full table.
    let whole = load_startup(&running, &cfg.control.startup_config);
    for p in &kept {
        // Their settings (the owner as description if none is configured).
        if let Err(e) = running.port_added(&p.name, &p.description) {
            tracing::error!(port = %p.name, "kept port: {e}");
        }
    }
    dp.start_workers().context("starting the workers")?;
    if let Some(whole) = whole {
        match running.finish_startup(whole) {
            Ok(_) => tracing::info!("startup-config: static routes in"),
            Err(e) => tracing::error!("startup-config: the static routes did not go in: {e}"),
        }
    }
    let ctx = SwitchContext {
        dp: dp.clone(),
        started,
        version: format!(
            "{} (git {})",
            env!("CARGO_PKG_VERSION"),
            env!("LISA_GIT_REV")
        ),
        running,
        perf_base: Default::default(),
        vhost_dir: Some(cfg.control.vhost_dir.clone()).filter(|d| !d.as_os_str().is_empty()),
        lines: Default::default(),
        log,
        port_db,
        rates: Default::default(),
    };
    let served = serve(ctx, &cfg, &tcp_protection, events, tasks);
    // Every other holder of the dataplane went with the runtime.
    stop_dataplane(dp, &file_prefix);
    served.context("control plane")?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Runs the control plane (gRPC, the event monitor, the features' tasks)
/// until SIGINT or SIGTERM.
fn serve(
    ctx: SwitchContext,
    cfg: &BootConfig,
    tcp_protection: &TcpProtection,
    events: Events,
    tasks: Vec<controlplane::features::Task>,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("lisa-ctl")
        .enable_all()
        .build()
        .context("starting the control-plane runtime")?;
    let monitor_dp = ctx.dp.clone();
    let served = runtime.block_on(async move {
        let monitor = tokio::spawn(events::monitor(monitor_dp, events));
        let mut tasks: Vec<_> = tasks.into_iter().map(tokio::spawn).collect();
        tasks.push(tokio::spawn(ctx.rates.clone().run(ctx.dp.clone())));
        if let Ok(addr) = cfg.control.metrics.parse() {
            let listener = controlplane::metrics::listen(addr)
                .await
                .with_context(|| format!("control.metrics: listening on {addr}"))?;
            tasks.push(tokio::spawn(controlplane::metrics::serve(
                ctx.clone(),
                listener,
            )));
        }
        let result = grpc::serve(
            ctx,
            &cfg.control.socket,
            &cfg.control.socket_group,
            &cfg.control.tcp,
            tcp_protection,
            shutdown_signal(),
        )
        .await;
        for t in &tasks {
            t.abort();
        }
        monitor.abort();
        for t in tasks {
            let _ = t.await;
        }
        let _ = monitor.await;
        result.map_err(anyhow::Error::from)
    });
    runtime.shutdown_timeout(Duration::from_secs(2));
    served
}

/// Stops the dataplane once every other holder has let go of it (they go
/// with the runtime), here on the main lcore, where the EAL started.
fn stop_dataplane(dp: Arc<Dataplane>, file_prefix: &str) {
    match Arc::try_unwrap(dp) {
        Ok(dp) => {
            dp.stop();
            // DPDK leaves its runtime directory behind (and its telemetry
            // socket goes only at exit). The prefix is this instance's own.
            let _ = std::fs::remove_dir_all(PathBuf::from("/var/run/dpdk").join(file_prefix));
        }
        Err(_) => tracing::warn!(
            "dataplane still referenced at exit; it stops when the last reference goes"
        ),
    }
}

/// Removes MAC addresses not seen for the configured aging time, checking
/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM: stopping"),
        _ = int.recv() => tracing::info!("SIGINT: stopping"),
    }
}
