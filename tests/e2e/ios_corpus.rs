//! Real IOS switch configurations (`../shared/ios-corpus`, or
//! `LISA_IOS_CORPUS`) pasted into a real lisad, each into a fresh one with
//! its physical interfaces renamed to its ports (`bench/ios_corpus.py
//! --map`): every line in LiSA-DP's scope is taken, every other line gets
//! its own IOS-style error, the session stays in configuration mode to the
//! end, and swcli takes the same paste without hanging.

use crate::common;

use common::{serial, Lisad};
use lisa_proto::v1::{config_client::ConfigClient, ConfigSessionRequest};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("LISA_IOS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/ios-corpus"))
        });
    dir.is_dir().then_some(dir)
}

/// `ip route NET MASK GATEWAY [DISTANCE] [name NAME]`.
fn static_route(words: &[&str]) -> bool {
    let ip = |w: &str| w.parse::<std::net::Ipv4Addr>().is_ok();
    if words.len() < 5 || words[..2] != ["ip", "route"] || !words[2..5].iter().all(|w| ip(w)) {
        return false;
    }
    match &words[5..] {
        [] | ["name", _] => true,
        [d] | [d, "name", _] => d.parse::<u8>().is_ok_and(|d| d > 0),
        _ => false,
    }
}

/// For `banner KIND ^C...` whose text goes on past this line, the
/// delimiter that ends it.
fn banner_opener(line: &str) -> Option<&'static str> {
    let rest = line.strip_prefix("banner ")?;
    let (_, text) = rest.split_once(' ')?;
    let after = text.trim_start().strip_prefix("^C")?;
    (!after.contains("^C")).then_some("^C")
}

/// Whether `line` (in the block opened by `block`) is something LiSA-DP
/// does: it must be taken.
fn in_scope(block: &str, line: &str) -> bool {
    let t = line.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let top = !line.starts_with(' ');
    let port_block = block.starts_with("interface Ethernet");
    let svi_block = block.starts_with("interface Vlan");
    let vlan_block = block.starts_with("vlan ") && !block.contains("configuration");
    if top {
        return (words.len() == 2 && words[0] == "hostname")
            || (words.len() == 2
                && words[0] == "vlan"
                && words[1]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b',' || b == b'-'))
            || (words.len() == 2
                && words[0] == "interface"
                && (words[1].starts_with("Ethernet") || words[1].starts_with("Vlan")))
            || static_route(&words)
            || (words.len() >= 3
                && words[0] == "banner"
                && ["exec", "incoming", "login", "motd"].contains(&words[1]))
            || t == "no cdp run"
            || (words.len() == 2
                && words[0] == "interface"
                && words[1].starts_with("Port-channel"));
    }
    if vlan_block {
        return words.first() == Some(&"name");
    }
    if !(port_block || svi_block) {
        return false;
    }
    let shared =
        (words.len() > 1 && words[0] == "description") || t == "shutdown" || t == "no shutdown";
    let port_only = port_block
        && (t.starts_with("switchport access vlan ")
            || t == "switchport mode access"
            || t == "switchport mode trunk"
            || t.starts_with("switchport trunk allowed vlan ")
            || t.starts_with("switchport trunk native vlan ")
            || t.starts_with("switchport port-security")
            || t.starts_with("channel-group ")
            || t.starts_with("storm-control "));
    let svi_only = svi_block && words.len() == 4 && words[0] == "ip" && words[1] == "address";
    shared || port_only || svi_only
}

#[test]
fn real_ios_configs_paste_line_by_line() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: no IOS corpus (../shared/ios-corpus or LISA_IOS_CORPUS)");
        return;
    };
    let _serial = serial();
    let mapper = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/ios_corpus.py");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cfg"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the corpus has {} configs", files.len());
    let (mut taken, mut refused) = (0, 0);
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let out = Command::new("python3")
            .args([mapper, "--map", name])
            .env("LISA_IOS_CORPUS", &dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mapped = String::from_utf8_lossy(&out.stdout).into_owned();
        let (head, text) = mapped.split_once('\n').unwrap();
        let ports: usize = head.trim_start_matches("PORTS ").parse().unwrap();
        let names: Vec<String> = (1..=ports.max(1)).map(|i| format!("Ethernet{i}")).collect();
        let specs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "null")).collect();
        let sw = Lisad::start(&specs, &[]);

        // The paste, as swcli sends it: one batch in configuration mode.
        let lines: Vec<String> = text
            .lines()
            .take_while(|l| l.trim() != "end")
            .map(|l| l.trim_end().to_string())
            .collect();
        let (rt, channel) = sw.grpc();
        let answer = rt.block_on(async {
            let (tx, rx) = tokio::sync::mpsc::channel(2);
            let mut stream = ConfigClient::new(channel)
                .config_session(tokio_stream::wrappers::ReceiverStream::new(rx))
                .await
                .unwrap()
                .into_inner();
            tx.send(ConfigSessionRequest {
                lines: lines.clone(),
                immediate: false,
            })
            .await
            .unwrap();
            let a = stream.message().await.unwrap().unwrap();
            drop(tx);
            a
        });
        assert_eq!(
            answer.consumed as usize,
            lines.len(),
            "{name}: the whole paste is read"
        );
        assert_ne!(
            answer.mode, "exec",
            "{name}: the paste never leaves configuration mode"
        );
        let mut block = String::new();
        let mut wrong = Vec::new();
        let mut errors = answer.errors.iter().peekable();
        // The delimiter of the banner whose text is being read.
        let mut banner: Option<&str> = None;
        for (i, line) in lines.iter().enumerate() {
            let banner_text = banner.is_some();
            if let Some(d) = banner {
                if line.contains(d) {
                    banner = None;
                }
            } else if let Some(d) = banner_opener(line) {
                banner = Some(d);
            }
            if !banner_text
                && !line.starts_with(' ')
                && !line.trim().is_empty()
                && !line.starts_with('!')
            {
                block = line.trim().to_string();
            }
            let in_scope = |block: &str, line: &str| banner_text || in_scope(block, line);
            let error = errors.next_if(|e| e.index as usize == i);
            match error {
                Some(e) => {
                    refused += 1;
                    if !e.message.starts_with("% ") {
                        wrong.push(format!("{line}: not an IOS error: {}", e.message));
                    }
                    let cascaded = e.message.starts_with("% Not applied: the line that opened");
                    if in_scope(&block, line) && !cascaded {
                        wrong.push(format!("{line}: in scope, refused: {}", e.message));
                    }
                }
                None => taken += 1,
            }
        }
        assert!(
            answer.commit_error.is_empty(),
            "{name}: {}",
            answer.commit_error
        );
        assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));

        // swcli takes the same paste to its end, in bounded time.
        let start = Instant::now();
        let out = common::run_with_input(
            Command::new("timeout")
                .arg("60")
                .arg(common::swcli_path())
                .args(["--socket", sw.socket.to_str().unwrap()]),
            format!("configure terminal\n{text}\nend\nshow running-config | count\n").as_bytes(),
        );
        assert_ne!(out.status.code(), Some(124), "{name}: swcli hung");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("Number of lines which match regexp"),
            "{name}: swcli did not reach the end of the paste:\n{stdout}"
        );
        assert!(start.elapsed() < Duration::from_secs(60));
    }
    eprintln!(
        "corpus: {} configs, {taken} lines taken, {refused} refused",
        files.len()
    );
}
