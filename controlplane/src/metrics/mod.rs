//! The OpenMetrics endpoint (`control.metrics`, `lisad --metrics ADDR`):
//! `GET /metrics` answers what Prometheus scrapes, served by hyper. The
//! core writes the ports, drops, workers and graph nodes; each feature its
//! own tables (`DaemonFeature::metrics`).

mod text;

pub use text::{Kind, Metrics};

use crate::grpc::SwitchContext;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response, StatusCode};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;

/// The content type of a scrape.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The switch's metrics now.
pub fn scrape(ctx: &SwitchContext) -> String {
    let mut m = Metrics::default();
    core(ctx, &mut m);
    ctx.running.features().metrics(ctx, &mut m);
    m.finish()
}

/// Ports, drops, workers and graph nodes.
fn core(ctx: &SwitchContext, m: &mut Metrics) {
    m.single(
        "lisa_uptime_seconds",
        Kind::Gauge,
        "Seconds since lisad started.",
        ctx.started.elapsed().as_secs(),
    );
    let ports = ctx.dp.ports();
    m.family("lisa_port_up", Kind::Gauge, "1 if the port's link is up.");
    for p in &ports {
        m.sample(&[("port", &p.name)], u64::from(p.link_up));
    }
    type Count = fn(&dataplane::counters::PortCounts) -> u64;
    let counts: [(&str, &str, Count); 6] = [
        ("lisa_port_rx_packets", "Frames received.", |c| c.rx_packets),
        ("lisa_port_rx_bytes", "Bytes received.", |c| c.rx_bytes),
        ("lisa_port_tx_packets", "Frames sent.", |c| c.tx_packets),
        ("lisa_port_tx_bytes", "Bytes sent.", |c| c.tx_bytes),
        (
            "lisa_port_rx_dropped",
            "Frames received and dropped by the switch.",
            |c| c.rx_dropped,
        ),
        (
            "lisa_port_tx_dropped",
            "Frames meant for the port and dropped (its queue was full).",
            |c| c.tx_dropped,
        ),
    ];
    for (name, help, get) in counts {
        m.family(name, Kind::Counter, help);
        for p in &ports {
            m.sample(&[("port", &p.name)], get(&p.counts));
        }
    }
    m.family(
        "lisa_port_rx_drops",
        Kind::Counter,
        "Frames received on the port and dropped, by reason.",
    );
    for p in &ports {
        for (reason, n) in &p.drops {
            m.sample(&[("port", &p.name), ("reason", reason)], *n);
        }
    }
    m.family(
        "lisa_drops",
        Kind::Counter,
        "Frames dropped by the dataplane, by reason (show interfaces' Switch drops).",
    );
    for (reason, packets) in ctx.dp.drops() {
        m.sample(&[("reason", reason.name())], packets);
    }
    let workers = &ctx.dp.shared().counters;
    type Loops = fn(&dataplane::counters::WorkerCounters) -> &std::sync::atomic::AtomicU64;
    let loops: [(&str, &str, Loops); 2] = [
        ("lisa_worker_loops", "Poll loops of the worker.", |w| {
            &w.loops
        }),
        (
            "lisa_worker_busy_polls",
            "Poll loops that received packets (busy share: busy_polls / loops).",
            |w| &w.busy_polls,
        ),
    ];
    for (name, help, get) in loops {
        m.family(name, Kind::Counter, help);
        for (i, w) in workers.iter().enumerate() {
            m.sample(
                &[("worker", &i.to_string())],
                get(w).load(Ordering::Relaxed),
            );
        }
    }
    let nodes = ctx.dp.node_stats();
    type Stat = fn(&dataplane::graph::NodeStats) -> u64;
    let stats: [(&str, &str, Stat); 3] = [
        (
            "lisa_node_vectors",
            "Vectors a graph node processed.",
            |s| s.calls,
        ),
        (
            "lisa_node_packets",
            "Packets a graph node processed.",
            |s| s.packets,
        ),
        ("lisa_node_cycles", "TSC cycles a graph node took.", |s| {
            s.cycles
        }),
    ];
    for (name, help, get) in stats {
        m.family(name, Kind::Counter, help);
        for (w, list) in nodes.iter().enumerate() {
            for (node, s) in list {
                m.sample(&[("worker", &w.to_string()), ("node", node)], get(s));
            }
        }
    }
}

/// Listens on `addr` for scrapes.
pub async fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let l = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("metrics on http://{addr}/metrics");
    Ok(l)
}

/// Answers scrapes on `listener` until the task is dropped.
pub async fn serve(ctx: SwitchContext, listener: tokio::net::TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let ctx = ctx.clone();
                async move { Ok::<_, Infallible>(answer(&ctx, &req)) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await
            {
                tracing::debug!("metrics connection: {e}");
            }
        });
    }
}

/// `GET /metrics`: the scrape; anything else: 404 or 405.
fn answer<B>(ctx: &SwitchContext, req: &Request<B>) -> Response<Full<Bytes>> {
    let reply = |status: StatusCode, ty: &str, body: String| {
        Response::builder()
            .status(status)
            .header("content-type", ty)
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_default()
    };
    if req.uri().path() != "/metrics" {
        return reply(
            StatusCode::NOT_FOUND,
            "text/plain",
            "LiSA-DP serves /metrics\n".into(),
        );
    }
    if req.method() != hyper::Method::GET && req.method() != hyper::Method::HEAD {
        return reply(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            "GET /metrics\n".into(),
        );
    }
    reply(StatusCode::OK, CONTENT_TYPE, scrape(ctx))
}
