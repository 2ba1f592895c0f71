//! `swcli`: the LiSA-DP shell, a gRPC client of `lisad`. On a terminal it is
//! an interactive IOS-like shell; otherwise commands come from `-c` or
//! stdin. EXEC and configuration commands are parsed against declared
//! command trees (abbreviations, `?` help, IOS errors with `^`).

mod client;
mod exec;
mod features;
mod line_editor;
mod login;
mod modifier;
mod session;
mod shell;

use anyhow::Result;
use clap::Parser;
use session::{Outcome, Session};
use std::io::{BufRead, IsTerminal};
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
    /// A remote login (sshd's ForceCommand): members of the lisa-admin
    /// group start in privileged EXEC, other accounts in user EXEC (then
    /// `enable` and the enable secret); a command given to ssh runs as
    /// with -c.
    #[arg(long)]
    login: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The Debian package's man page and completions (scripts/package.sh).
    if lisa_clidocs::generate_if_asked(<Args as clap::CommandFactory>::command()) {
        return;
    }
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

/// Prints output; a reader that went away (`swcli ... | head`) ends swcli
/// quietly. (SIGPIPE stays ignored, as Rust sets it, so that a write to
/// lisad's socket after it went is an error, not swcli's death.)
fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        std::process::exit(141);
    }
}

async fn run(mut args: Args) -> Result<bool> {
    let sw = client::Switch::connect(&args.socket).await?;
    let account = login::Account::current();
    if args.login {
        if let Ok(command) = std::env::var("SSH_ORIGINAL_COMMAND") {
            args.commands.push(command);
        }
    }
    if args.commands.is_empty() && std::io::stdin().is_terminal() {
        let mut session = Session::interactive(sw).await;
        session.set_privileged(args.login && account.admin);
        session
            .open_line(&account.user, &login::remote_host(), &login::tty())
            .await;
        session.show_banners().await;
        return shell::run(session).await;
    }
    let commands: Vec<String> = if args.commands.is_empty() {
        std::io::stdin().lock().lines().collect::<Result<_, _>>()?
    } else {
        std::mem::take(&mut args.commands)
    };
    let mut session = Session::new(sw);
    // A script runs with its account's privilege, as a login does: root
    // and the group lisa-admin configure, others need `enable` (which a
    // script cannot answer when a secret is set).
    session.set_privileged(account.admin);
    if args.login {
        session
            .open_line(&account.user, &login::remote_host(), &login::tty())
            .await;
    }
    let mut all_ok = true;
    let mut next = 0;
    'script: while next < commands.len() {
        let (ran, outcomes) = session.lines(&commands[next..]).await;
        next += ran;
        for outcome in outcomes {
            match outcome {
                Outcome::Ok(out) => emit(&out),
                Outcome::Failed(err) => {
                    emit(&err);
                    all_ok = false;
                }
                Outcome::Password => {
                    println!("% enable needs the secret: run swcli on a terminal");
                    all_ok = false;
                }
                Outcome::Quit => break 'script,
            }
        }
    }
    // Configuration lines with no `end` still go in.
    if let Outcome::Failed(err) = session.finish().await {
        emit(&err);
        all_ok = false;
    }
    Ok(all_ok)
}
