//! EXEC commands `ping` and `traceroute`, from the switch's SVIs, with
//! IOS's syntax (options in any order) and output, printed as the answers
//! come: `Routing.Ping` streams them; traceroute is one call per hop.

use lisa_engine::exec::{api_error, ExecCtx, ExecHandler};
use lisa_engine::{arg, exec_handler, kw, ArgKind, Args, Node};
use lisa_proto::v1::{PingReply, PingRequest, PingResult};
use std::net::Ipv4Addr;

type Tree = Vec<Node<ExecHandler>>;

/// Result characters on one line of ping's output, as IOS wraps them.
const CHARS_PER_LINE: usize = 70;
/// `traceroute` defaults (IOS's): probes per hop, seconds to wait, TTLs.
const PROBES: u32 = 3;
const TRACE_TIMEOUT_SECS: u32 = 3;
const TTL_MIN: u32 = 1;
const TTL_MAX: u32 = 30;
/// The IP datagram size of a traceroute probe.
const PROBE_SIZE: u32 = 60;

/// One option of a command: what it builds before `rest` (the options not
/// given yet), a line ending after it running `run`.
type OptionNode = fn(Tree, ExecHandler) -> Node<ExecHandler>;

/// `options` in any order, each at most once, the line complete after any
/// of them.
fn any_order(options: &[OptionNode], run: ExecHandler) -> Tree {
    (0..options.len())
        .map(|i| {
            let rest: Vec<OptionNode> = options
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| *o)
                .collect();
            options[i](any_order(&rest, run), run)
        })
        .collect()
}

fn source_option(rest: Tree, run: ExecHandler) -> Node<ExecHandler> {
    kw(
        "source",
        "Specify source address or name",
        vec![
            arg("source", ArgKind::Ipv4, "Source address", rest.clone()).runs(run),
            arg(
                "source",
                ArgKind::Interface,
                "Source interface (VlanN)",
                rest,
            )
            .runs(run),
        ],
    )
}

fn repeat_option(rest: Tree, run: ExecHandler) -> Node<ExecHandler> {
    kw(
        "repeat",
        "Specify repeat count",
        vec![arg(
            "repeat",
            ArgKind::Number(1, 2_147_483_647),
            "Repeat count",
            rest,
        )
        .runs(run)],
    )
}

fn size_option(rest: Tree, run: ExecHandler) -> Node<ExecHandler> {
    kw(
        "size",
        "Specify datagram size",
        vec![arg("size", ArgKind::Number(36, 18024), "Datagram size", rest).runs(run)],
    )
}

fn ping_timeout_option(rest: Tree, run: ExecHandler) -> Node<ExecHandler> {
    kw(
        "timeout",
        "Specify timeout interval",
        vec![arg(
            "timeout",
            ArgKind::Number(0, 3600),
            "Timeout in seconds",
            rest,
        )
        .runs(run)],
    )
}

fn trace_timeout_option(rest: Tree, run: ExecHandler) -> Node<ExecHandler> {
    kw(
        "timeout",
        "Specify time out",
        vec![arg(
            "timeout",
            ArgKind::Number(0, 3600),
            "Wait time in seconds",
            rest,
        )
        .runs(run)],
    )
}

fn probe_option(rest: Tree, run: ExecHandler) -> Node<ExecHandler> {
    kw(
        "probe",
        "Specify number of probes per hop",
        vec![arg("probe", ArgKind::Number(1, 65535), "Number of probes", rest).runs(run)],
    )
}

fn ttl_option(rest: Tree, run: ExecHandler) -> Node<ExecHandler> {
    kw(
        "ttl",
        "Specify minimum and maximum ttl",
        vec![arg(
            "ttl-min",
            ArgKind::Number(0, 255),
            "Minimum time to live",
            vec![arg(
                "ttl-max",
                ArgKind::Number(0, 255),
                "Maximum time to live",
                rest,
            )
            .runs(run)],
        )],
    )
}

/// `WORD A.B.C.D [options]` and `WORD ip A.B.C.D [options]`.
fn command(
    word: &'static str,
    help: &'static str,
    options: &[OptionNode],
    run: ExecHandler,
) -> Node<ExecHandler> {
    let dst = arg(
        "destination",
        ArgKind::Ipv4,
        "Ping destination address",
        any_order(options, run),
    )
    .runs(run);
    kw(
        word,
        help,
        vec![kw("ip", "IP echo", vec![dst.clone()]), dst],
    )
}

/// The EXEC commands `ping` and `traceroute`.
pub fn exec_commands() -> Tree {
    vec![
        command(
            "ping",
            "Send echo messages",
            &[
                repeat_option,
                size_option,
                ping_timeout_option,
                source_option,
            ],
            ping as ExecHandler,
        ),
        command(
            "traceroute",
            "Trace route to destination",
            &[
                probe_option,
                source_option,
                trace_timeout_option,
                ttl_option,
            ],
            traceroute as ExecHandler,
        ),
    ]
}

/// A number argument, if given.
fn number(args: &Args, name: &'static str) -> Result<Option<u32>, String> {
    args.opt(name).map_err(|e| e.to_string())
}

/// The `source` argument as the API takes it: an address as typed, an
/// interface by its full name (`vl20` is `Vlan20`).
async fn source(ctx: &ExecCtx, args: &Args) -> Result<String, String> {
    match args.text("source") {
        None => Ok(String::new()),
        Some(s) if s.parse::<Ipv4Addr>().is_ok() => Ok(s.to_string()),
        Some(s) => ctx.resolve(s).await,
    }
}

/// The character IOS prints for one echo request's fate.
pub fn result_char(r: &PingReply) -> char {
    match PingResult::try_from(r.result).unwrap_or(PingResult::Unspecified) {
        PingResult::Reply => '!',
        PingResult::Timeout => '.',
        PingResult::TtlExceeded => '&',
        PingResult::Unreachable if r.icmp_code == 4 => 'M',
        PingResult::Unreachable => 'U',
        PingResult::Other if r.icmp_type == 4 => 'Q',
        PingResult::Other | PingResult::Unspecified => '?',
    }
}

/// Microseconds as IOS's whole milliseconds.
fn ms(us: u64) -> u64 {
    (us + 500) / 1000
}

/// The closing line of ping: the success rate of `sent` requests, and
/// the round trips of those answered.
pub fn summary(sent: usize, rtts_us: &[u64]) -> String {
    let ok = rtts_us.len();
    let pct = (100 * ok).checked_div(sent).unwrap_or(0);
    let mut s = format!("Success rate is {pct} percent ({ok}/{sent})");
    if let (Some(min), Some(max)) = (rtts_us.iter().min(), rtts_us.iter().max()) {
        let avg = rtts_us.iter().sum::<u64>() / ok as u64;
        s.push_str(&format!(
            ", round-trip min/avg/max = {}/{}/{} ms",
            ms(*min),
            ms(avg),
            ms(*max)
        ));
    }
    s.push('\n');
    s
}

exec_handler!(fn ping(ctx, args) {
    let dst: Ipv4Addr = args.get("destination").map_err(|e| e.to_string())?;
    let count = number(args, "repeat")?.unwrap_or(5);
    let size = number(args, "size")?.unwrap_or(100);
    let timeout = number(args, "timeout")?.unwrap_or(2);
    let source = source(ctx, args).await?;
    let mut stream = ctx
        .routing()
        .ping(PingRequest {
            destination: dst.to_string(),
            source: source.clone(),
            count,
            size,
            timeout_ms: Some(timeout * 1000),
            ..Default::default()
        })
        .await
        .map_err(api_error)?
        .into_inner();
    let mut held = String::new();
    ctx.print(
        &mut held,
        &format!(
            "Type escape sequence to abort.\n\
             Sending {count}, {size}-byte ICMP Echos to {dst}, timeout is {timeout} seconds:\n"
        ),
    );
    let (mut sent, mut on_line) = (0usize, 0usize);
    let mut rtts = Vec::new();
    while let Some(r) = stream.message().await.map_err(api_error)? {
        if sent == 0 && !source.is_empty() {
            // The address the API took, or the one typed when nothing
            // could be sent.
            let from = Some(r.source.as_str())
                .filter(|s| !s.is_empty())
                .or(source.parse::<Ipv4Addr>().is_ok().then_some(source.as_str()));
            if let Some(from) = from {
                ctx.print(&mut held, &format!("Packet sent with a source address of {from} \n"));
            }
        }
        sent += 1;
        let c = result_char(&r);
        if c == '!' {
            rtts.push(r.rtt_us);
        }
        if on_line == CHARS_PER_LINE {
            ctx.print(&mut held, "\n");
            on_line = 0;
        }
        ctx.print(&mut held, &c.to_string());
        on_line += 1;
    }
    if on_line > 0 {
        ctx.print(&mut held, "\n");
    }
    ctx.print(&mut held, &summary(sent, &rtts));
    Ok(held)
});

/// One hop's line of traceroute, written as its probes' answers come.
#[derive(Debug, Default)]
pub struct HopLine {
    /// The address printed last on it.
    last: Option<String>,
    /// Nothing was printed after the hop number yet.
    started: bool,
}

impl HopLine {
    /// The start of hop `ttl`'s line.
    pub fn start(ttl: u32) -> (HopLine, String) {
        (HopLine::default(), format!("{ttl:>3} "))
    }

    /// What to print for one probe's answer: `*` for none; the address
    /// when it differs from the last (on a line of its own after the
    /// first), then the round trip or the unreachable's annotation.
    pub fn probe(&mut self, r: &PingReply) -> String {
        let result = PingResult::try_from(r.result).unwrap_or(PingResult::Unspecified);
        let mut s = String::new();
        if result == PingResult::Timeout || r.from.is_empty() {
            s.push_str(" * ");
        } else {
            if self.last.as_deref() != Some(r.from.as_str()) {
                if self.started {
                    s.push_str("\n    ");
                }
                s.push_str(&r.from);
                self.last = Some(r.from.clone());
            }
            match result {
                PingResult::Unreachable if r.icmp_code != 3 => {
                    let note = match r.icmp_code {
                        0 => "N",
                        1 => "H",
                        2 => "P",
                        4 => "F",
                        9 | 10 | 13 => "A",
                        _ => "U",
                    };
                    s.push_str(&format!(" !{note} "));
                }
                PingResult::Other if r.icmp_type == 4 => s.push_str(" !Q "),
                PingResult::Other => s.push_str(" ? "),
                _ => s.push_str(&format!(" {} msec", ms(r.rtt_us))),
            }
        }
        self.started = true;
        s
    }
}

/// Whether a hop's answers end the trace: the destination answered, or
/// every answer was an unreachable.
pub fn trace_ends(dst: &str, answers: &[PingReply]) -> bool {
    let answered: Vec<&PingReply> = answers
        .iter()
        .filter(|r| r.result != PingResult::Timeout as i32 && !r.from.is_empty())
        .collect();
    answered.iter().any(|r| r.from == dst)
        || (!answered.is_empty()
            && answered
                .iter()
                .all(|r| r.result == PingResult::Unreachable as i32 && r.icmp_code != 3))
}

exec_handler!(fn traceroute(ctx, args) {
    let dst: Ipv4Addr = args.get("destination").map_err(|e| e.to_string())?;
    let probes = number(args, "probe")?.unwrap_or(PROBES);
    let timeout = number(args, "timeout")?.unwrap_or(TRACE_TIMEOUT_SECS);
    let min = number(args, "ttl-min")?.unwrap_or(TTL_MIN).max(1);
    let max = number(args, "ttl-max")?.unwrap_or(TTL_MAX);
    if max < min {
        return Err(format!("Bad TTL range: the maximum {max} is below the minimum {min}"));
    }
    let source = source(ctx, args).await?;
    let dst_text = dst.to_string();
    let mut routing = ctx.routing();
    let mut held = String::new();
    for ttl in min..=max {
        let mut stream = routing
            .ping(PingRequest {
                destination: dst_text.clone(),
                source: source.clone(),
                count: probes,
                size: PROBE_SIZE,
                timeout_ms: Some(timeout * 1000),
                ttl,
                ..Default::default()
            })
            .await
            .map_err(api_error)?
            .into_inner();
        if ttl == min {
            ctx.print(
                &mut held,
                &format!(
                    "Type escape sequence to abort.\n\
                     Tracing the route to {dst}\n\
                     VRF info: (vrf in name/id, vrf out name/id)\n"
                ),
            );
        }
        let (mut line, start) = HopLine::start(ttl);
        ctx.print(&mut held, &start);
        let mut answers = Vec::new();
        while let Some(r) = stream.message().await.map_err(api_error)? {
            ctx.print(&mut held, &line.probe(&r));
            answers.push(r);
        }
        ctx.print(&mut held, "\n");
        if trace_ends(&dst_text, &answers) {
            break;
        }
    }
    Ok(held)
});

#[cfg(test)]
mod tests {
    use super::*;
    use lisa_engine::grammar::parse;

    fn reply(result: PingResult, from: &str, rtt_us: u64) -> PingReply {
        PingReply {
            result: result as i32,
            from: from.into(),
            rtt_us,
            ..Default::default()
        }
    }

    fn unreachable(from: &str, code: u32) -> PingReply {
        PingReply {
            icmp_type: 3,
            icmp_code: code,
            ..reply(PingResult::Unreachable, from, 900)
        }
    }

    #[test]
    fn options_come_in_any_order_as_napalm_and_people_type_them() {
        let tree = exec_commands();
        let p = parse(
            &tree,
            "ping 10.0.0.2 timeout 2 size 100 repeat 5 source Vlan20",
        )
        .unwrap();
        assert_eq!(p.args.text("source"), Some("Vlan20"));
        assert_eq!(p.args.text("repeat"), Some("5"));
        let p = parse(&tree, "ping ip 10.0.0.2 so 10.0.20.1 rep 3").unwrap();
        assert_eq!(p.args.text("source"), Some("10.0.20.1"));
        let p = parse(&tree, "ping 10.0.0.2 source vlan 20").unwrap();
        assert_eq!(p.args.text("source"), Some("vlan20"));
        assert!(
            parse(&tree, "ping 10.0.0.2 repeat 2 repeat 3").is_err(),
            "once each"
        );
        assert!(
            parse(&tree, "ping 10.0.0.2 size 35").is_err(),
            "IOS's range"
        );
        let p = parse(
            &tree,
            "traceroute 10.99.0.2 source 10.0.20.1 ttl 0 255 timeout 2",
        )
        .unwrap();
        assert_eq!(
            (p.args.text("ttl-min"), p.args.text("ttl-max")),
            (Some("0"), Some("255"))
        );
        assert!(
            parse(&tree, "traceroute 10.99.0.2 probe 1 ttl 1").is_err(),
            "two TTLs"
        );
        assert!(parse(&tree, "traceroute 10.99.0.2 probe 1").is_ok());
    }

    #[test]
    fn ping_prints_ios_characters_and_summary() {
        let chars: String = [
            reply(PingResult::Reply, "10.0.0.2", 800),
            reply(PingResult::Timeout, "", 0),
            unreachable("10.0.0.1", 1),
            unreachable("10.0.0.1", 4),
            reply(PingResult::TtlExceeded, "10.0.0.1", 10),
            PingReply {
                icmp_type: 4,
                ..reply(PingResult::Other, "10.0.0.1", 10)
            },
        ]
        .iter()
        .map(result_char)
        .collect();
        assert_eq!(chars, "!.UM&Q");
        assert_eq!(
            summary(5, &[800, 1200, 2400, 900, 1000]),
            "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/2 ms\n"
        );
        assert_eq!(summary(5, &[]), "Success rate is 0 percent (0/5)\n");
        assert_eq!(
            summary(3, &[1000, 3000]),
            "Success rate is 66 percent (2/3), round-trip min/avg/max = 1/2/3 ms\n"
        );
    }

    /// The layouts of real IOS traces (ntc-templates' samples).
    #[test]
    fn traceroute_lines_are_laid_out_as_ios_does() {
        let hop = |ttl: u32, probes: &[PingReply]| {
            let (mut line, mut s) = HopLine::start(ttl);
            for p in probes {
                s.push_str(&line.probe(p));
            }
            s
        };
        let r = |from: &str, us: u64| reply(PingResult::TtlExceeded, from, us);
        let t = || reply(PingResult::Timeout, "", 0);
        assert_eq!(
            hop(
                1,
                &[
                    r("10.0.20.2", 1000),
                    r("10.0.20.2", 200),
                    r("10.0.20.2", 1100)
                ]
            ),
            "  1 10.0.20.2 1 msec 0 msec 1 msec"
        );
        assert_eq!(
            hop(2, &[r("10.99.0.2", 1000), t(), r("10.99.0.2", 1000)]),
            "  2 10.99.0.2 1 msec *  1 msec"
        );
        assert_eq!(hop(10, &[t(), t(), t()]), " 10  *  *  * ");
        assert_eq!(
            hop(1, &[r("10.180.133.121", 1000), r("10.180.133.125", 1000)]),
            "  1 10.180.133.121 1 msec\n    10.180.133.125 1 msec"
        );
        assert_eq!(
            hop(5, &[t(), r("31.55.185.181", 12000)]),
            "  5  * \n    31.55.185.181 12 msec"
        );
        assert_eq!(
            hop(
                6,
                &[
                    unreachable("172.17.10.225", 1),
                    t(),
                    unreachable("172.17.10.225", 1)
                ]
            ),
            "  6 172.17.10.225 !H  *  !H "
        );
    }

    #[test]
    fn a_trace_ends_at_the_destination_or_at_unreachables() {
        let dst = "10.99.0.2";
        let r = |result, from: &str| reply(result, from, 1000);
        let t = || reply(PingResult::Timeout, "", 0);
        assert!(!trace_ends(
            dst,
            &[r(PingResult::TtlExceeded, "10.0.20.2"), t()]
        ));
        assert!(!trace_ends(dst, &[t(), t(), t()]));
        assert!(trace_ends(dst, &[t(), r(PingResult::Reply, dst), t()]));
        assert!(trace_ends(dst, &[unreachable("10.0.20.2", 1), t()]));
        assert!(!trace_ends(
            dst,
            &[
                unreachable("10.0.20.2", 1),
                r(PingResult::TtlExceeded, "10.0.20.3")
            ]
        ));
    }
}
