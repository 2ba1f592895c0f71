//! `Routing.Ping`: the request checked, then its echo requests sent one
//! after the other through an L3 control `Pinger`, each answer (or its
//! timeout) streamed back as it ends. The pinger, and with it the
//! identifier its answers are known by, lives as long as the stream.

use crate::edits;
use lisa_ipv4_datapath::control::{
    EchoAnswer, EchoAnswerKind, EchoRequest, L3Control, PingError, MAX_PING_SIZE, MIN_PING_SIZE,
};
use lisa_proto::v1::{PingReply, PingRequest, PingResult};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tonic::Status;

/// Echo requests when the request says 0.
pub const DEFAULT_COUNT: u32 = 5;
/// The most echo requests one call sends.
pub const MAX_COUNT: u32 = 10_000;
/// The IP datagram's size when the request says 0 (IOS's default).
pub const DEFAULT_SIZE: u32 = 100;
/// The wait for each answer when the request does not say (IOS's).
pub const DEFAULT_TIMEOUT_MS: u32 = 2000;
/// The longest wait or pause taken (IOS's timeout limit, an hour).
pub const MAX_WAIT_MS: u32 = 3_600_000;
/// The TTL when the request says 0.
pub const DEFAULT_TTL: u8 = 255;
/// Answers waiting for the streaming task, at most; past that (a flood of
/// forged replies) they are dropped.
const ANSWERS_QUEUED: usize = 256;

/// Where the echo requests come from, as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The address of the SVI they leave by.
    Egress,
    /// This address (it must be an SVI's).
    Address(Ipv4Addr),
    /// The address of this VLAN's SVI.
    Svi(u16),
}

/// A ping request, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PingPlan {
    /// Where to.
    pub dst: Ipv4Addr,
    /// From where.
    pub source: Source,
    /// How many echo requests.
    pub count: u32,
    /// The IP datagram's size.
    pub size: usize,
    /// The wait for each answer.
    pub timeout: Duration,
    /// Their TTL.
    pub ttl: u8,
    /// The pause between an answer and the next request.
    pub interval: Duration,
}

fn bad(msg: String) -> Status {
    Status::invalid_argument(msg)
}

/// The request's fields checked, the defaults filled in.
pub fn check(req: &PingRequest) -> Result<PingPlan, Status> {
    let dst = edits::parse_ip("destination", &req.destination)?;
    let o = dst.octets();
    if dst.is_unspecified()
        || dst.is_broadcast()
        || dst.is_multicast()
        || dst.is_loopback()
        || o[0] == 0
        || o[0] >= 240
    {
        return Err(bad(format!(
            "destination {dst} is not a unicast address the switch can ping"
        )));
    }
    let source = match req.source.trim() {
        "" => Source::Egress,
        s => match s.parse::<Ipv4Addr>() {
            Ok(a) => Source::Address(a),
            Err(_) => {
                let name = lisa_types::resolve_interface(std::iter::empty(), s)
                    .unwrap_or_else(|_| s.to_string());
                match lisa_types::svi_vlan(&name) {
                    Some(Ok(v)) => Source::Svi(v),
                    Some(Err(e)) => return Err(bad(format!("source: {e}"))),
                    None => {
                        return Err(bad(format!(
                            "source '{s}' is neither an address (A.B.C.D) nor an SVI (VlanN): \
                             only SVIs have IP addresses"
                        )))
                    }
                }
            }
        },
    };
    let count = match req.count {
        0 => DEFAULT_COUNT,
        n if n > MAX_COUNT => {
            return Err(bad(format!(
                "count {n}: at most {MAX_COUNT} echo requests a call"
            )))
        }
        n => n,
    };
    let size = match req.size {
        0 => DEFAULT_SIZE as usize,
        n => n as usize,
    };
    if !(MIN_PING_SIZE..=MAX_PING_SIZE).contains(&size) {
        return Err(bad(format!(
            "size {size}: the datagram size is {MIN_PING_SIZE} to {MAX_PING_SIZE} bytes"
        )));
    }
    let timeout_ms = req.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    if timeout_ms > MAX_WAIT_MS {
        return Err(bad(format!(
            "timeout_ms {timeout_ms}: at most {MAX_WAIT_MS} (an hour)"
        )));
    }
    if req.interval_ms > MAX_WAIT_MS {
        return Err(bad(format!(
            "interval_ms {}: at most {MAX_WAIT_MS} (an hour)",
            req.interval_ms
        )));
    }
    let ttl = match req.ttl {
        0 => DEFAULT_TTL,
        t @ 1..=255 => t as u8,
        t => return Err(bad(format!("ttl {t}: 1 to 255"))),
    };
    Ok(PingPlan {
        dst,
        source,
        count,
        size,
        timeout: Duration::from_millis(u64::from(timeout_ms)),
        ttl,
        interval: Duration::from_millis(u64::from(req.interval_ms)),
    })
}

/// The source address `plan` asks for, checked against the SVIs that
/// route now (None: the egress SVI's).
fn source_address(l3: &L3Control, plan: &PingPlan) -> Result<Option<Ipv4Addr>, Status> {
    if !l3.has_svis() {
        return Err(Status::failed_precondition(
            "no SVI routes: ping needs an interface VlanN with an ip address, up",
        ));
    }
    match plan.source {
        Source::Egress => Ok(None),
        Source::Address(a) if l3.is_own_address(a) => Ok(Some(a)),
        Source::Address(a) => Err(bad(format!(
            "Invalid source address- IP address not on any of our up interfaces: {a}"
        ))),
        Source::Svi(v) => l3.svi_address(v).map(Some).ok_or_else(|| {
            Status::failed_precondition(format!(
                "Invalid source interface - Vlan{v}: IP not enabled or interface is down"
            ))
        }),
    }
}

/// The stream a `Ping` call answers with.
pub type PingStream = tokio_stream::wrappers::ReceiverStream<Result<PingReply, Status>>;

/// Starts the ping `req` asks for: checked now (its refusal is the call's),
/// then run by a task that streams each request's fate.
pub fn start(l3: &Arc<L3Control>, req: &PingRequest) -> Result<PingStream, Status> {
    let plan = check(req)?;
    let src = source_address(l3, &plan)?;
    let (atx, arx) = mpsc::channel::<EchoAnswer>(ANSWERS_QUEUED);
    let pinger = l3
        .open_pinger(Box::new(move |a| {
            let _ = atx.try_send(a);
        }))
        .map_err(|e| Status::resource_exhausted(e.to_string()))?;
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(run(Arc::new(pinger), plan, src, arx, tx));
    Ok(PingStream::new(rx))
}

/// Sends the echo requests one after the other, waiting for each one's
/// answer (or its timeout) before the next; stops when the client goes.
async fn run(
    pinger: Arc<lisa_ipv4_datapath::control::Pinger>,
    plan: PingPlan,
    src: Option<Ipv4Addr>,
    mut answers: mpsc::Receiver<EchoAnswer>,
    tx: mpsc::Sender<Result<PingReply, Status>>,
) {
    for n in 0..plan.count {
        let seq = n as u16;
        let req = EchoRequest {
            dst: plan.dst,
            src,
            ttl: plan.ttl,
            size: plan.size,
            seq,
        };
        let p = pinger.clone();
        let sent = match controlplane::grpc::blocking(move || p.send(&req)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                let status = match e {
                    PingError::NotOurAddress(_) => {
                        Status::failed_precondition(format!("the source address went away: {e}"))
                    }
                    PingError::Size(_) => bad(e.to_string()),
                    PingError::Busy | PingError::NoBuffer => {
                        Status::resource_exhausted(e.to_string())
                    }
                };
                let _ = tx.send(Err(status)).await;
                return;
            }
            Err(status) => {
                let _ = tx.send(Err(status)).await;
                return;
            }
        };
        let deadline = tokio::time::Instant::from_std(sent.at + plan.timeout);
        let answer = tokio::select! {
            _ = tx.closed() => return,
            a = wait_for(&mut answers, seq, deadline) => a,
        };
        let source = sent.source.map(|s| s.to_string()).unwrap_or_default();
        let reply = match answer {
            None => PingReply {
                sequence: n,
                result: PingResult::Timeout as i32,
                source,
                ..Default::default()
            },
            Some(a) => {
                let (result, icmp_type, icmp_code) = match a.kind {
                    EchoAnswerKind::Reply => (PingResult::Reply, 0, 0),
                    EchoAnswerKind::TimeExceeded(c) => (PingResult::TtlExceeded, 11, c),
                    EchoAnswerKind::Unreachable(c) => (PingResult::Unreachable, 3, c),
                    EchoAnswerKind::Other { kind, code } => (PingResult::Other, kind, code),
                };
                PingReply {
                    sequence: n,
                    result: result as i32,
                    icmp_type: u32::from(icmp_type),
                    icmp_code: u32::from(icmp_code),
                    from: a.from.to_string(),
                    rtt_us: a.at.saturating_duration_since(sent.at).as_micros() as u64,
                    source,
                }
            }
        };
        if tx.send(Ok(reply)).await.is_err() {
            return;
        }
        if !plan.interval.is_zero() && n + 1 < plan.count {
            tokio::select! {
                _ = tx.closed() => return,
                _ = tokio::time::sleep(plan.interval) => {}
            }
        }
    }
}

/// The first answer to request `seq` before `deadline` (answers to
/// earlier requests, come late, are passed over), or None.
async fn wait_for(
    answers: &mut mpsc::Receiver<EchoAnswer>,
    seq: u16,
    deadline: tokio::time::Instant,
) -> Option<EchoAnswer> {
    loop {
        match tokio::time::timeout_at(deadline, answers.recv()).await {
            Ok(Some(a)) if a.seq == seq => return Some(a),
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(destination: &str) -> PingRequest {
        PingRequest {
            destination: destination.into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_ios_ones() {
        let p = check(&req("10.0.0.2")).unwrap();
        assert_eq!(
            p,
            PingPlan {
                dst: "10.0.0.2".parse().unwrap(),
                source: Source::Egress,
                count: 5,
                size: 100,
                timeout: Duration::from_secs(2),
                ttl: 255,
                interval: Duration::ZERO,
            }
        );
        let mut r = req("10.0.0.2");
        r.timeout_ms = Some(0);
        r.source = "vlan20".into();
        let p = check(&r).unwrap();
        assert_eq!((p.timeout, p.source), (Duration::ZERO, Source::Svi(20)));
        r.source = "10.0.20.1".into();
        assert_eq!(
            check(&r).unwrap().source,
            Source::Address("10.0.20.1".parse().unwrap())
        );
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let msg = |r: PingRequest| {
            let e = check(&r).unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument);
            e.message().to_string()
        };
        assert!(msg(req("10.0.0.300")).contains("not an IPv4 address"));
        for d in [
            "224.0.0.5",
            "255.255.255.255",
            "0.0.0.0",
            "127.0.0.1",
            "240.0.0.1",
        ] {
            assert!(msg(req(d)).contains("not a unicast address"), "{d}");
        }
        let with = |f: &dyn Fn(&mut PingRequest)| {
            let mut r = req("10.0.0.2");
            f(&mut r);
            msg(r)
        };
        assert!(with(&|r| r.size = 35).contains("36 to 18024"));
        assert!(with(&|r| r.size = 18025).contains("36 to 18024"));
        assert!(with(&|r| r.count = 10_001).contains("at most 10000"));
        assert!(with(&|r| r.ttl = 256).contains("1 to 255"));
        assert!(with(&|r| r.timeout_ms = Some(3_600_001)).contains("an hour"));
        assert!(with(&|r| r.source = "Ethernet1".into()).contains("only SVIs"));
        assert!(with(&|r| r.source = "Vlan5000".into()).contains("Vlan1 to Vlan4094"));
    }
}
