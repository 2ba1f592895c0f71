//! Pings from the switch (`ping`, `traceroute`): echo requests it
//! originates from an SVI address, routed as any packet the switch sends
//! (held while ARP resolves the next hop), and what comes back for them:
//! echo replies carrying a caller's identifier, and ICMP errors (time
//! exceeded, unreachable, ...) quoting one of its echo requests. Each
//! caller holds an identifier of its own (`Pinger`) while it waits; the
//! answers go to the sink it gave, from the control thread.

use super::*;
use dataplane::wire::ipv4::checksum;
use std::sync::atomic::{AtomicU16, AtomicUsize};

/// Callers waiting for answers at once, at most (one identifier each).
pub const MAX_PINGERS: usize = 256;
/// The smallest IP datagram a ping sends: IPv4 and ICMP headers and 8
/// bytes of data (IOS's limit).
pub const MIN_PING_SIZE: usize = 36;
/// The largest (IOS's limit). One larger than the egress MTU is dropped,
/// not fragmented.
pub const MAX_PING_SIZE: usize = 18024;
/// IPv4 and ICMP headers of an echo request.
const ECHO_HEADERS: usize = 28;

/// What came back for an echo request the switch sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoAnswer {
    /// The request's sequence number.
    pub seq: u16,
    /// What it is.
    pub kind: EchoAnswerKind,
    /// Who sent it.
    pub from: Ipv4Addr,
    /// When the control thread received it.
    pub at: Instant,
}

/// The kinds of answer to an echo request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoAnswerKind {
    /// An echo reply.
    Reply,
    /// Time exceeded (code 0: TTL expired in transit).
    TimeExceeded(u8),
    /// Destination unreachable, with its code (0 net, 1 host, 2 protocol,
    /// 3 port, 4 fragmentation needed, 13 administratively prohibited).
    Unreachable(u8),
    /// Another ICMP error about it (source quench, parameter problem).
    Other {
        /// ICMP type.
        kind: u8,
        /// ICMP code.
        code: u8,
    },
}

/// Where the answers to one caller's echo requests go. Called on the
/// control thread: it must not block.
pub type EchoSink = Box<dyn Fn(EchoAnswer) + Send + Sync>;

/// One echo request to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoRequest {
    /// Where to.
    pub dst: Ipv4Addr,
    /// Its source: one of the SVI addresses; None for the address of the
    /// SVI it leaves by.
    pub src: Option<Ipv4Addr>,
    /// Time to live.
    pub ttl: u8,
    /// The IP datagram's size (`MIN_PING_SIZE..=MAX_PING_SIZE`).
    pub size: usize,
    /// Sequence number.
    pub seq: u16,
}

/// What sending an echo request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoSent {
    /// The source address it carries; None when it could not be sent (no
    /// route, a null route, an unreachable next hop): no answer will come.
    pub source: Option<Ipv4Addr>,
    /// When it was sent.
    pub at: Instant,
}

/// Why a ping cannot go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PingError {
    /// The source asked for is not an SVI address.
    #[error("{0} is not an address of this switch's SVIs")]
    NotOurAddress(Ipv4Addr),
    /// The size is out of range.
    #[error("size {0}: a ping datagram is {MIN_PING_SIZE} to {MAX_PING_SIZE} bytes")]
    Size(usize),
    /// Too many callers at once.
    #[error("{MAX_PINGERS} pings are running already")]
    Busy,
    /// The control thread's buffers ran out.
    #[error("no buffer for the echo request")]
    NoBuffer,
}

/// The callers waiting for answers, by identifier; kept outside the
/// routing state's lock, and looked at only while some are open.
#[derive(Default)]
pub(super) struct Pingers {
    /// How many are open (read without the lock).
    pub(super) open: AtomicUsize,
    next: AtomicU16,
    sinks: Mutex<HashMap<u16, EchoSink>>,
}

impl Pingers {
    fn sinks(&self) -> MutexGuard<'_, HashMap<u16, EchoSink>> {
        self.sinks.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives `answer` to the caller of `ident`, if one waits.
    fn deliver(&self, ident: u16, answer: EchoAnswer) {
        if let Some(sink) = self.sinks().get(&ident) {
            sink(answer);
        }
    }
}

/// One caller's echo requests: an identifier of its own, whose answers go
/// to its sink until it is dropped.
pub struct Pinger {
    l3: Arc<L3Control>,
    ident: u16,
}

impl L3Control {
    /// Opens a caller's pings: a free identifier, whose answers go to
    /// `sink` until the `Pinger` is dropped.
    pub fn open_pinger(self: &Arc<Self>, sink: EchoSink) -> Result<Pinger, PingError> {
        let p = &self.pingers;
        let mut sinks = p.sinks();
        if sinks.len() >= MAX_PINGERS {
            return Err(PingError::Busy);
        }
        let ident = loop {
            let i = p.next.fetch_add(1, Ordering::Relaxed);
            if !sinks.contains_key(&i) {
                break i;
            }
        };
        sinks.insert(ident, sink);
        p.open.store(sinks.len(), Ordering::Release);
        Ok(Pinger {
            l3: self.clone(),
            ident,
        })
    }

    /// The address of the SVI of `vlan`, if it routes.
    pub fn svi_address(&self, vlan: u16) -> Option<Ipv4Addr> {
        self.st().svis.get(&vlan).map(|s| s.addr.addr)
    }

    /// True if `ip` is the address of one of the SVIs that route.
    pub fn is_own_address(&self, ip: Ipv4Addr) -> bool {
        self.st().svi_index.local(u32::from(ip)).is_some()
    }

    /// True if some SVI routes (has an address, and its VLAN is up).
    pub fn has_svis(&self) -> bool {
        !self.st().svis.is_empty()
    }

    /// An ICMP message `msg` from `from` to the switch that is not an echo
    /// request: an answer to one of the open pingers' requests goes to it.
    pub(super) fn echo_answer(&self, st: &State, from: Ipv4Addr, msg: &[u8]) {
        if self.pingers.open.load(Ordering::Acquire) == 0 {
            return;
        }
        if msg.len() < icmp::ICMP_HEADER_LEN || checksum(msg) != 0 {
            return;
        }
        let (kind, code) = (msg[0], msg[1]);
        let (ident, seq, kind) = if kind == icmp::ECHO_REPLY {
            let Some((ident, seq)) = icmp::echo_ident_seq(msg) else {
                return;
            };
            (ident, seq, EchoAnswerKind::Reply)
        } else if icmp::is_error(kind) {
            let Some((ident, seq)) = quoted_echo(st, &msg[icmp::ICMP_HEADER_LEN..]) else {
                return;
            };
            let kind = match kind {
                icmp::TIME_EXCEEDED => EchoAnswerKind::TimeExceeded(code),
                icmp::DEST_UNREACHABLE => EchoAnswerKind::Unreachable(code),
                _ => EchoAnswerKind::Other { kind, code },
            };
            (ident, seq, kind)
        } else {
            return;
        };
        self.pingers.deliver(
            ident,
            EchoAnswer {
                seq,
                kind,
                from,
                at: Instant::now(),
            },
        );
    }
}

/// The identifier and sequence of the echo request the switch sent that
/// `quote` (what an ICMP error quotes: an IPv4 header and at least 8 bytes
/// of its payload) is.
fn quoted_echo(st: &State, quote: &[u8]) -> Option<(u16, u16)> {
    let first = *quote.first()?;
    let hl = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || hl < 20 || quote.len() < hl + icmp::ICMP_HEADER_LEN {
        return None;
    }
    let src = Ipv4Addr::new(quote[12], quote[13], quote[14], quote[15]);
    let ours = st.svi_index.local(u32::from(src)).is_some();
    if quote[9] != IpProtocol::Icmp.raw() || !ours || quote[hl] != icmp::ECHO_REQUEST {
        return None;
    }
    icmp::echo_ident_seq(&quote[hl..])
}

impl Pinger {
    /// The identifier its echo requests carry.
    pub fn ident(&self) -> u16 {
        self.ident
    }

    /// Sends one echo request, routed as the switch's own packets are
    /// (held while ARP resolves its next hop). One to the switch's own
    /// address is answered at once.
    pub fn send(&self, req: &EchoRequest) -> Result<EchoSent, PingError> {
        if !(MIN_PING_SIZE..=MAX_PING_SIZE).contains(&req.size) {
            return Err(PingError::Size(req.size));
        }
        let l3 = &self.l3;
        let mut st = l3.st();
        if let Some(src) = req.src {
            if st.svi_index.local(u32::from(src)).is_none() {
                return Err(PingError::NotOurAddress(src));
            }
        }
        let hop = l3
            .tables
            .lpm
            .lookup(req.dst)
            .map(|id| l3.tables.nexthops.get(id));
        let source = match hop {
            Some(NextHop::Local) => {
                let at = Instant::now();
                drop(st);
                l3.pingers.deliver(
                    self.ident,
                    EchoAnswer {
                        seq: req.seq,
                        kind: EchoAnswerKind::Reply,
                        from: req.dst,
                        at,
                    },
                );
                return Ok(EchoSent {
                    source: Some(req.src.unwrap_or(req.dst)),
                    at,
                });
            }
            Some(NextHop::Resolved { vlan, .. } | NextHop::Resolve { vlan }) => {
                req.src.or_else(|| st.svis.get(&vlan).map(|s| s.addr.addr))
            }
            _ => None,
        };
        let at = Instant::now();
        let Some(src) = source else {
            return Ok(EchoSent { source: None, at });
        };
        let msg = icmp::echo_request(self.ident, req.seq, req.size - ECHO_HEADERS);
        if !l3.originate(&mut st, src, req.dst, req.ttl, &msg) {
            return Err(PingError::NoBuffer);
        }
        Ok(EchoSent {
            source: Some(src),
            at,
        })
    }
}

impl Drop for Pinger {
    fn drop(&mut self) {
        let p = &self.l3.pingers;
        let mut sinks = p.sinks();
        sinks.remove(&self.ident);
        p.open.store(sinks.len(), Ordering::Release);
    }
}
