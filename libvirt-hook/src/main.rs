//! `lisa-libvirt-hook`: plugs VMs' vhost-user NICs into LiSA-DP switch
//! ports, as libvirt's qemu hook (`hook`, installed by `install`), and
//! follows NIC hot-plug on running domains (`watch`), which hooks do not
//! report.

mod attach;
mod domain;
mod plan;
mod sockdir;
mod switch;
mod watch;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Plugs libvirt domains' vhost-user interfaces into lisad ports.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// lisad's control socket.
    #[arg(
        long,
        env = "LISA_SOCKET",
        default_value = "/run/lisa/lisa.sock",
        global = true
    )]
    socket: PathBuf,
    /// Only vhost-user sockets under this directory are the switch's.
    #[arg(
        long,
        env = "LISA_VHOST_DIR",
        default_value = "/run/lisa/vhost",
        global = true
    )]
    dir: PathBuf,
    /// Group given to sockets the switch listens on (QEMU's group), mode 0660.
    #[arg(long, default_value = "kvm", global = true)]
    socket_group: String,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// libvirt's qemu hook: `DOMAIN OPERATION SUB-OPERATION [EXTRA]`, the
    /// domain XML on stdin.
    Hook {
        /// Domain name.
        domain: String,
        /// prepare, start, started, stopped, release, reconnect, attach, ...
        operation: String,
        /// begin, end, -.
        #[arg(default_value = "-")]
        sub_operation: String,
        /// Extra argument (unused).
        #[arg(default_value = "-")]
        extra: String,
    },
    /// Installs the hook for libvirt (and the hot-plug listener's unit).
    Install {
        /// libvirt's hooks directory.
        #[arg(long, default_value = "/etc/libvirt/hooks")]
        hooks_dir: PathBuf,
        /// Where to put the systemd unit of `watch` (skipped if absent).
        #[arg(long, default_value = "/etc/systemd/system")]
        systemd_dir: PathBuf,
        /// AppArmor's local abstractions (skipped if absent): QEMU's
        /// profile gets the socket directory there.
        #[arg(long, default_value = "/etc/apparmor.d/local/abstractions")]
        apparmor_dir: PathBuf,
    },
    /// Prints what the hook would plug for the domain XML on stdin.
    Plan,
    /// Hot-plugs a NIC: plugs its switch port, then `virsh attach-device`
    /// (needed for a `mode='client'` NIC; the port goes if the attach fails).
    Attach {
        /// The running domain.
        domain: String,
        /// The `<interface>` XML file, as for `virsh attach-device`.
        file: PathBuf,
        /// libvirt connection URI.
        #[arg(long, default_value = "qemu:///system")]
        uri: String,
        /// Options for `virsh attach-device` after `--` (default `--live`).
        #[arg(last = true)]
        virsh_args: Vec<String>,
    },
    /// Follows NIC hot-plug and unplug on running domains (virsh events).
    Watch {
        /// libvirt connection URI.
        #[arg(long, default_value = "qemu:///system")]
        uri: String,
    },
}

fn read_stdin() -> Result<String> {
    let mut xml = String::new();
    std::io::stdin()
        .read_to_string(&mut xml)
        .context("reading the domain XML on stdin")?;
    Ok(xml)
}

/// Prints a line of output; a reader that went away (`plan | head`) ends
/// the program quietly. (SIGPIPE stays ignored, as Rust sets it: a write
/// to a socket whose peer went, lisad restarting, must be an error the
/// watcher handles, not its death.)
fn out(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|_| stdout.flush())
        .is_err()
    {
        std::process::exit(141);
    }
}

fn main() {
    // The Debian package's man page and completions (scripts/package.sh).
    if lisa_clidocs::generate_if_asked(<Args as clap::CommandFactory>::command()) {
        return;
    }
    let args = Args::parse();
    if let Err(e) = run(args) {
        // libvirt shows a failing hook's stderr when it refuses to start a domain.
        eprintln!("lisa-libvirt-hook: {e:#}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<()> {
    match &args.cmd {
        Cmd::Hook {
            domain,
            operation,
            sub_operation,
            ..
        } => hook(&args, domain, operation, sub_operation),
        Cmd::Install {
            hooks_dir,
            systemd_dir,
            apparmor_dir,
        } => {
            install(&args, hooks_dir, systemd_dir)?;
            allow_in_apparmor(&args.dir, apparmor_dir)
        }
        Cmd::Plan => {
            let d = domain::parse(&read_stdin()?)?;
            let p = plan::plan(&d, &args.dir).map_err(anyhow::Error::msg)?;
            for q in &p.plugs {
                let intent = match &q.intent {
                    Some(i) => i.to_string(),
                    None => "-".into(),
                };
                out(&format!(
                    "plug {} {} \"{}\" {intent}",
                    q.port, q.kind, q.description
                ));
            }
            for i in &p.ignored {
                out(&format!("ignore {i}"));
            }
            Ok(())
        }
        Cmd::Attach {
            domain,
            file,
            uri,
            virsh_args,
        } => runtime()?.block_on(attach::run(
            &args.socket,
            &args.dir,
            &args.socket_group,
            uri,
            domain,
            file,
            virsh_args,
        )),
        Cmd::Watch { uri } => {
            runtime()?.block_on(watch::run(&args.socket, &args.dir, uri, &args.socket_group))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// The hook: plug at prepare (and restore), check at reconnect/attach,
/// unplug at stopped/release. A domain with no vhost-user interface in
/// the managed directory never touches the switch. Only a start can fail
/// on our account: at reconnect (libvirtd restarted), a failing hook makes
/// libvirt kill the running VM, so there every error is only printed; a
/// stopping domain never fails either.
fn hook(args: &Args, name: &str, op: &str, sub: &str) -> Result<()> {
    let act = match (op, sub) {
        ("prepare", "begin") | ("restore", "begin") => Act::Plug,
        ("reconnect", "begin") | ("attach", "begin") => Act::Replug,
        ("stopped", "end") | ("release", "end") => Act::Unplug,
        _ => return Ok(()),
    };
    match run_hook(args, name, &act) {
        Err(e) if !matches!(act, Act::Plug) => {
            eprintln!("lisa-libvirt-hook: {e:#}");
            Ok(())
        }
        result => result,
    }
}

/// What the hook does for one libvirt operation.
#[derive(Clone, Copy)]
enum Act {
    /// The domain starts: all of its ports, or it does not start.
    Plug,
    /// The domain runs (libvirtd restarted): each missing port.
    Replug,
    /// The domain is gone: its ports go.
    Unplug,
}

/// True if `xml` names `dir` (as given or as its real path).
fn mentions(xml: &str, dir: &Path) -> bool {
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    [dir, real.as_path()]
        .iter()
        .any(|d| xml.contains(d.to_string_lossy().trim_end_matches('/')))
}

fn run_hook(args: &Args, name: &str, act: &Act) -> Result<()> {
    let xml = read_stdin()?;
    let d = match domain::parse(&xml) {
        Ok(d) => d,
        // A domain whose XML never names the socket directory has no NIC
        // of ours: what we cannot read in it is not ours to refuse.
        Err(_) if !mentions(&xml, &args.dir) => return Ok(()),
        Err(e) => return Err(anyhow::Error::from(e).context(format!("domain {name}"))),
    };
    let p = plan::plan(&d, &args.dir)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("domain {name}"))?;
    if matches!(act, Act::Plug) {
        for i in &p.ignored {
            eprintln!("lisa-libvirt-hook: domain {name}: not the switch's: {i}");
        }
    }
    if p.plugs.is_empty() {
        return Ok(());
    }
    if matches!(act, Act::Plug) {
        // /run is a tmpfs: after a reboot the directory is made again here.
        sockdir::prepare(&args.dir, &args.socket_group)?;
    }
    let rt = runtime()?;
    // Every call to lisad has its own time limit (5 s to connect, 20 s to
    // answer), so a stuck lisad fails the start rather than hanging it,
    // and a failed plug is still taken back.
    rt.block_on(async {
        let sw = switch::Switch::connect(&args.socket).await?;
        match act {
            Act::Plug => {
                let done = sw
                    .plug(&p.plugs, &args.socket_group)
                    .await
                    .with_context(|| {
                        format!("domain {name}: cannot plug its NICs into the switch")
                    })?;
                for n in done {
                    eprintln!("lisa-libvirt-hook: domain {name}: plugged port {n}");
                }
            }
            Act::Replug => {
                let (done, failed) = sw.plug_each(&p.plugs, &args.socket_group).await;
                for n in done {
                    eprintln!("lisa-libvirt-hook: domain {name}: plugged port {n}");
                }
                for e in failed {
                    eprintln!("lisa-libvirt-hook: domain {name}: {e:#}");
                }
            }
            Act::Unplug => {
                for q in &p.plugs {
                    if let Err(e) = sw.unplug(&q.port, &q.kind).await {
                        eprintln!("lisa-libvirt-hook: domain {name}: {e:#}");
                    }
                }
            }
        }
        Ok::<_, anyhow::Error>(())
    })
}

/// Puts the hook in libvirt's `qemu.d` directory (a small script that runs
/// this binary with the same socket and directory), and the listener's
/// systemd unit; prints what it did.
fn install(args: &Args, hooks_dir: &Path, systemd_dir: &Path) -> Result<()> {
    let me = std::env::current_exe()
        .context("finding this program")?
        .canonicalize()?;
    let dir = hooks_dir.join("qemu.d");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let script = dir.join("lisa");
    let text = format!(
        "#!/bin/sh\n# Installed by `lisa-libvirt-hook install`: plugs VMs' vhost-user NICs into LiSA-DP.\nexec {} --socket {} --dir {} --socket-group {} hook \"$@\"\n",
        sh_quote(&me.display().to_string()),
        sh_quote(&args.socket.display().to_string()),
        sh_quote(&args.dir.display().to_string()),
        sh_quote(&args.socket_group)
    );
    write_file(&script, &text, 0o755, hooks_dir)?;
    println!("installed the qemu hook: {}", script.display());
    for parent in sockdir::prepare(&args.dir, &args.socket_group)? {
        println!(
            "warning: {} is not searchable by others: QEMU cannot reach the sockets (chmod o+x it)",
            parent.display()
        );
    }
    println!(
        "vhost-user sockets of the switch go in {} (group {}, mode 3770; the hook makes it again after a reboot)",
        args.dir.display(),
        args.socket_group
    );
    if systemd_dir.is_dir() {
        let unit = systemd_dir.join("lisa-libvirt-watch.service");
        let text = format!(
            "[Unit]\nDescription=LiSA-DP: plug vhost-user NICs hot-plugged into running VMs\nAfter=libvirtd.service\nStartLimitIntervalSec=0\n\n[Service]\nExecStart={} --socket {} --dir {} --socket-group {} watch\nRestart=always\nRestartSec=2\n\n[Install]\nWantedBy=multi-user.target\n",
            unit_quote(&me.display().to_string()),
            unit_quote(&args.socket.display().to_string()),
            unit_quote(&args.dir.display().to_string()),
            unit_quote(&args.socket_group)
        );
        write_file(&unit, &text, 0o644, systemd_dir)?;
        println!(
            "installed the hot-plug listener's unit: {} (systemctl enable --now lisa-libvirt-watch)",
            unit.display()
        );
    } else {
        println!(
            "no {}: run `{} watch` yourself to follow NIC hot-plug",
            systemd_dir.display(),
            me.display()
        );
    }
    println!("libvirtd reads its hooks when it starts: restart it if it is running");
    Ok(())
}

/// Lets QEMU's AppArmor profile reach the socket directory: two rules in
/// the local part of the `libvirt-qemu` abstraction, which every guest's
/// profile includes, added once.
fn allow_in_apparmor(dir: &Path, apparmor_dir: &Path) -> Result<()> {
    if !apparmor_dir.is_dir() {
        return Ok(());
    }
    let file = apparmor_dir.join("libvirt-qemu");
    let old = std::fs::read_to_string(&file).unwrap_or_default();
    let rules = format!(
        "# LiSA-DP's vhost-user sockets (lisa-libvirt-hook install)\n\"{d}/\" r,\n\"{d}/*\" rw,\n",
        d = dir.display()
    );
    if old.contains(&rules) {
        return Ok(());
    }
    let mut new = old;
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str(&rules);
    std::fs::write(&file, new).with_context(|| format!("writing {}", file.display()))?;
    println!(
        "allowed QEMU's AppArmor profile the sockets in {}: {} (for guests started from now on)",
        dir.display(),
        file.display()
    );
    Ok(())
}

/// Writes `path` atomically, its temporary file in `tmp_dir` (not in
/// `qemu.d`, where libvirt would run it).
fn write_file(path: &Path, text: &str, mode: u32, tmp_dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let same = std::fs::read_to_string(path).is_ok_and(|t| t == text)
        && std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o7777 == mode);
    if same {
        return Ok(());
    }
    let tmp = tmp_dir.join(".lisa-libvirt-hook.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))?;
    std::fs::rename(&tmp, path).with_context(|| format!("installing {}", path.display()))?;
    Ok(())
}

/// `s` quoted for sh.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `s` quoted for a systemd unit's command line.
fn unit_quote(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%");
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::{sh_quote, unit_quote};

    #[test]
    fn quoting() {
        assert_eq!(sh_quote("/run/my vms/x"), "'/run/my vms/x'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        assert_eq!(unit_quote("/a b/100%"), "\"/a b/100%%\"");
    }
}
