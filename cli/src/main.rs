//! `swcli`: the LiSA-DP shell. This first version connects to `lisad` over
//! gRPC and answers a few show commands; the full IOS-like command tree is
//! its own piece of work.

mod client;

use anyhow::Result;
use clap::Parser;
use std::io::BufRead;
use std::path::PathBuf;

/// LiSA-DP command line: talks to lisad over its gRPC socket.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// lisad's control socket.
    #[arg(long, env = "LISA_SOCKET", default_value = "/run/lisa/lisa.sock")]
    socket: PathBuf,
    /// Run this command (repeatable, in order) instead of reading stdin.
    #[arg(short = 'c', value_name = "COMMAND")]
    commands: Vec<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let code = match run(args).await {
        Ok(ok) => {
            if ok {
                0
            } else {
                1
            }
        }
        Err(e) => {
            eprintln!("% {e:#}");
            1
        }
    };
    std::process::exit(code);
}

async fn run(args: Args) -> Result<bool> {
    let mut sw = client::Switch::connect(&args.socket).await?;
    let commands: Vec<String> = if args.commands.is_empty() {
        std::io::stdin().lock().lines().collect::<Result<_, _>>()?
    } else {
        args.commands
    };
    let mut all_ok = true;
    // Lines between `configure terminal` and `end` go to lisad as one change.
    let mut config: Option<Vec<String>> = None;
    for line in commands {
        let line = line.trim();
        if line.is_empty() || line.starts_with('!') {
            continue;
        }
        if let Some(lines) = config.as_mut() {
            if line == "end" {
                let text = config.take().unwrap_or_default().join("\n");
                if let Err(e) = sw.apply(&text).await {
                    println!("{e}");
                    all_ok = false;
                }
            } else {
                lines.push(line.to_string());
            }
            continue;
        }
        if client::is_configure(line) {
            config = Some(Vec::new());
            continue;
        }
        match sw.execute(line).await {
            Ok(out) => print!("{out}"),
            Err(e) => {
                println!("% {e}");
                all_ok = false;
            }
        }
    }
    if let Some(lines) = config {
        if let Err(e) = sw.apply(&lines.join("\n")).await {
            println!("{e}");
            all_ok = false;
        }
    }
    Ok(all_ok)
}
