//! The hot-plug listener: libvirt's hooks say nothing of `virsh
//! attach-device` / `detach-device` on a running domain, so this follows
//! libvirt's events (through `virsh event`): device-added / device-removed,
//! and a domain's start (to know its NICs) and stop. It plugs or unplugs to
//! match the domain's XML.
//!
//! One wrinkle: QEMU, as the server of a hot-plugged vhost-user NIC, creates
//! the socket and then waits for the switch to connect before libvirt's
//! attach can finish (and before the device-added event fires). So the
//! listener also watches the managed directory: a socket that appears while
//! it runs and that no port uses is claimed at once as a `vhost-client`
//! port named after it, shut down: QEMU can connect, nothing is forwarded.
//! When the device-added event names its domain, the port gets its
//! description and `<lisa:port>` settings and comes up; if its socket goes
//! first (the attach failed), the port goes, its settings as they were.
//!
//! And when lisad restarts, the ports the hook plugged are gone with it:
//! the listener sees the control socket come back and plugs the running
//! domains' NICs again.

use crate::{domain, plan, switch::Switch};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Runs virsh with untranslated messages (we read them).
fn virsh_command(uri: &str) -> Command {
    let mut c = Command::new("virsh");
    c.env("LC_ALL", "C").arg("-c").arg(uri);
    c
}

/// Runs `virsh -c URI ARGS`, its output, or its error message.
pub async fn virsh(uri: &str, args: &[&str]) -> Result<String> {
    let out = virsh_command(uri)
        .args(args)
        .output()
        .await
        .context("running virsh (install libvirt-clients)")?;
    if !out.status.success() {
        bail!(
            "virsh {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One line of `virsh event --all --loop`: the event, the domain, and the
/// rest (`event 'device-added' for domain 'vm1': net1`).
fn parse_event(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.strip_prefix("event '")?;
    let (event, rest) = rest.split_once('\'')?;
    let rest = rest.strip_prefix(" for domain '")?;
    // A domain's name may hold a quote: its end is the last "': ".
    let (domain, detail) = match rest.rsplit_once("': ") {
        Some(x) => x,
        None => (rest.strip_suffix('\'')?, ""),
    };
    Some((event, domain, detail))
}

/// The control socket's identity (inode, change time), new each time lisad
/// starts. None while there is no socket.
fn switch_instance(socket: &Path) -> Option<(u64, i64, i64)> {
    std::fs::metadata(socket)
        .ok()
        .map(|m| (m.ino(), m.ctime(), m.ctime_nsec()))
}

/// The sockets in `dir` now, with their inodes (a socket made again at the
/// same path is a new one).
fn sockets(dir: &Path) -> HashSet<(PathBuf, u64)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return HashSet::new();
    };
    rd.filter_map(|e| e.ok())
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            m.file_type().is_socket().then(|| (e.path(), m.ino()))
        })
        .collect()
}

/// A port plugged (shut down) for a socket before its domain was known.
struct Claim {
    /// The running config's `shutdown` for the port before the claim, if
    /// it had settings for it.
    saved_shutdown: Option<bool>,
    socket: PathBuf,
    kind: String,
}

/// The listener's state.
struct Watcher<'a> {
    socket: &'a Path,
    dir: &'a Path,
    uri: &'a str,
    group: &'a str,
    sw: Option<Switch>,
    instance: Option<(u64, i64, i64)>,
    /// Domain -> its ports (name -> kind) as last synced.
    known: HashMap<String, BTreeMap<String, String>>,
    claimed: HashMap<String, Claim>,
    seen: HashSet<(PathBuf, u64)>,
}

impl Watcher<'_> {
    /// The ports a running domain should have now; None if it is gone.
    async fn wanted(&self, name: &str) -> Result<Option<Vec<plan::Plug>>> {
        let xml = match virsh(self.uri, &["dumpxml", name]).await {
            Ok(x) => x,
            Err(e) if format!("{e}").contains("failed to get domain") => return Ok(None),
            Err(e) => return Err(e),
        };
        let d = domain::parse(&xml)?;
        Ok(Some(
            plan::plan(&d, self.dir).map_err(anyhow::Error::msg)?.plugs,
        ))
    }

    /// Makes the switch's ports for domain `name` match its XML. An error
    /// reading the domain changes nothing.
    async fn sync(&mut self, name: &str) -> Result<()> {
        let Some(sw) = &self.sw else {
            return Ok(());
        };
        let plugs = self.wanted(name).await?.unwrap_or_default();
        let now: BTreeMap<String, String> = plugs
            .iter()
            .map(|p| (p.port.clone(), p.kind.clone()))
            .collect();
        let before = self.known.get(name).cloned().unwrap_or_default();
        for (port, kind) in &before {
            if now.get(port) != Some(kind) {
                match sw.unplug(port, kind).await {
                    Ok(true) => {
                        eprintln!("lisa-libvirt-hook watch: domain {name}: unplugged port {port}")
                    }
                    Ok(false) => {}
                    Err(e) => eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}"),
                }
            }
        }
        let (done, failed) = sw.plug_each(&plugs, self.group).await;
        for n in done {
            eprintln!("lisa-libvirt-hook watch: domain {name}: plugged port {n}");
        }
        for e in failed {
            eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}");
        }
        // Ports claimed from their socket before the domain was known.
        for p in &plugs {
            if let Some(c) = self.claimed.remove(&p.port) {
                match c.saved_shutdown {
                    None => {
                        sw.apply_intent(p, true).await?;
                        sw.set_shutdown(&p.port, false).await?;
                    }
                    Some(was) => sw.set_shutdown(&p.port, was).await?,
                }
                eprintln!(
                    "lisa-libvirt-hook watch: domain {name}: port {} is {}",
                    p.port, p.description
                );
            }
        }
        if now.is_empty() {
            self.known.remove(name);
        } else {
            self.known.insert(name.to_string(), now);
        }
        Ok(())
    }

    /// Syncs every running domain.
    async fn sync_all(&mut self) {
        let names = match virsh(self.uri, &["list", "--name"]).await {
            Ok(n) => n,
            Err(e) => {
                eprintln!("lisa-libvirt-hook watch: {e:#}");
                return;
            }
        };
        for name in names.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Err(e) = self.sync(name).await {
                eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}");
            }
        }
    }

    /// One line of virsh's event stream.
    async fn on_event(&mut self, line: &str) {
        let Some((event, name, detail)) = parse_event(line) else {
            return;
        };
        let sync = match event {
            "device-added" | "device-removed" => true,
            "lifecycle" if detail.starts_with("Started") => true,
            "lifecycle" if detail.starts_with("Stopped") => {
                // The hook unplugs its ports; forget them.
                self.known.remove(name);
                false
            }
            _ => false,
        };
        if sync {
            if let Err(e) = self.sync(name).await {
                eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}");
            }
        }
    }

    /// Every 200 ms: lisad restarted? New sockets to claim? Claims whose
    /// socket went?
    async fn tick(&mut self) {
        let now = switch_instance(self.socket);
        if now != self.instance {
            self.instance = None;
            self.sw = None;
            if now.is_some() {
                match Switch::connect(self.socket).await {
                    Ok(s) => {
                        self.sw = Some(s);
                        self.instance = now;
                        self.known.clear();
                        self.claimed.clear();
                        eprintln!("lisa-libvirt-hook watch: lisad (re)started: plugging the running domains' NICs");
                        self.sync_all().await;
                    }
                    Err(e) => eprintln!("lisa-libvirt-hook watch: {e:#}"),
                }
            }
            return;
        }
        if let Err(e) = self.claim_new_sockets().await {
            eprintln!("lisa-libvirt-hook watch: {e:#}");
        }
        if let Err(e) = self.drop_orphan_claims().await {
            eprintln!("lisa-libvirt-hook watch: {e:#}");
        }
    }

    /// Claims every socket that appeared in the directory since the last
    /// look and that no port uses: QEMU is waiting on it for the switch.
    async fn claim_new_sockets(&mut self) -> Result<()> {
        // Without lisad, new sockets wait (unseen) until it is back.
        let Some(sw) = &self.sw else {
            return Ok(());
        };
        let now = sockets(self.dir);
        let new: Vec<PathBuf> = now.difference(&self.seen).map(|(p, _)| p.clone()).collect();
        self.seen = now;
        if new.is_empty() {
            return Ok(());
        }
        let ports = sw.ports().await?;
        for socket in new {
            let Ok(port) = plan::port_name(&socket) else {
                continue;
            };
            let kind = format!("vhost-client:{}", socket.display());
            let theirs = format!("vhost-server:{}", socket.display());
            // The switch's own socket, or one the hook plugged already.
            if ports.iter().any(|(_, k)| *k == kind || *k == theirs) {
                continue;
            }
            let saved_shutdown = sw.saved_shutdown(&port).await?;
            if sw.add(&port, &kind, "").await? {
                let claim = Claim {
                    saved_shutdown,
                    socket,
                    kind,
                };
                if let Err(e) = sw.set_shutdown(&port, true).await {
                    // A port that cannot be held down is not kept.
                    let _ = sw.remove(&port).await;
                    return Err(e);
                }
                eprintln!(
                    "lisa-libvirt-hook watch: plugged port {port} (shut down until a domain names it) for new socket {}",
                    claim.socket.display()
                );
                self.claimed.insert(port, claim);
            }
        }
        Ok(())
    }

    /// Unplugs claimed ports whose socket is gone before any domain named
    /// it (the attach failed).
    async fn drop_orphan_claims(&mut self) -> Result<()> {
        let gone: Vec<String> = self
            .claimed
            .iter()
            .filter(|(_, c)| std::fs::symlink_metadata(&c.socket).is_err())
            .map(|(p, _)| p.clone())
            .collect();
        let Some(sw) = &self.sw else {
            return Ok(());
        };
        for port in gone {
            if let Some(c) = self.claimed.remove(&port) {
                // Its settings as they were before the claim.
                sw.set_shutdown(&port, c.saved_shutdown.unwrap_or(false))
                    .await?;
                if sw.unplug(&port, &c.kind).await? {
                    eprintln!(
                        "lisa-libvirt-hook watch: unplugged port {port}: its socket went before any domain named it"
                    );
                }
            }
        }
        Ok(())
    }
}

/// Runs until virsh's event stream ends. lisad need not be running yet.
pub async fn run(socket: &Path, dir: &Path, uri: &str, group: &str) -> Result<()> {
    if let Err(e) = crate::sockdir::prepare(dir, group) {
        eprintln!("lisa-libvirt-hook watch: {e:#}");
    }
    let mut w = Watcher {
        socket,
        dir,
        uri,
        group,
        sw: None,
        instance: None,
        known: HashMap::new(),
        claimed: HashMap::new(),
        seen: sockets(dir),
    };
    match Switch::connect(socket).await {
        Ok(s) => {
            w.sw = Some(s);
            w.instance = switch_instance(socket);
        }
        Err(e) => eprintln!("lisa-libvirt-hook watch: {e:#} (waiting for it)"),
    }
    let mut child = virsh_command(uri)
        .args(["event", "--all", "--loop"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("running virsh event (install libvirt-clients)")?;
    let stdout = child.stdout.take().context("virsh event output")?;
    // What runs already.
    w.sync_all().await;
    eprintln!("lisa-libvirt-hook watch: following device events on {uri}");
    let mut scan = tokio::time::interval(Duration::from_millis(200));
    let mut lines = BufReader::new(stdout).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => match line? {
                Some(l) => w.on_event(&l).await,
                None => break,
            },
            _ = scan.tick() => w.tick().await,
        }
    }
    bail!("virsh event ended (libvirtd stopped?)")
}

#[cfg(test)]
mod tests {
    use super::parse_event;

    #[test]
    fn event_lines() {
        assert_eq!(
            parse_event("event 'device-added' for domain 'vm1': net1"),
            Some(("device-added", "vm1", "net1"))
        );
        assert_eq!(
            parse_event("event 'lifecycle' for domain 'it's mine': Started Booted"),
            Some(("lifecycle", "it's mine", "Started Booted"))
        );
        assert_eq!(parse_event("events received: 3"), None);
    }
}
