//! The hot-plug listener: libvirt's hooks say nothing of `virsh
//! attach-device` / `detach-device` on a running domain, so this follows
//! libvirt's device-added / device-removed events (through `virsh event`)
//! and plugs or unplugs to match the domain's XML.
//!
//! One wrinkle: QEMU, as the server of a hot-plugged vhost-user NIC, creates
//! the socket and then waits for the switch to connect before libvirt's
//! attach can finish (and before the device-added event fires). So the
//! listener also watches the managed directory: a new socket is claimed at
//! once as a `vhost-client` port named after it, and the port gets its
//! description and `<lisa:port>` settings when the device-added event names
//! its domain.
//!
//! And when lisad restarts, the ports the hook plugged are gone with it:
//! the listener sees the control socket come back and plugs the running
//! domains' NICs again.

use crate::{domain, plan, switch::Switch};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

async fn virsh(uri: &str, args: &[&str]) -> Result<String> {
    let out = Command::new("virsh")
        .arg("-c")
        .arg(uri)
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

/// The ports a running domain should have now.
async fn wanted(uri: &str, dir: &Path, name: &str) -> Result<Vec<plan::Plug>> {
    let xml = virsh(uri, &["dumpxml", name]).await?;
    let d = domain::parse(&xml)?;
    Ok(plan::plan(&d, dir).map_err(anyhow::Error::msg)?.plugs)
}

/// Makes the switch's ports for domain `name` match its XML.
async fn sync(
    sw: &Switch,
    uri: &str,
    dir: &Path,
    name: &str,
    known: &mut HashMap<String, BTreeSet<String>>,
    claimed: &mut HashMap<String, bool>,
    group: &str,
) -> Result<()> {
    let plugs = wanted(uri, dir, name).await.unwrap_or_default();
    let now: BTreeSet<String> = plugs.iter().map(|p| p.port.clone()).collect();
    let before = known.remove(name).unwrap_or_default();
    for gone in before.difference(&now) {
        if sw.unplug(gone).await? {
            eprintln!("lisa-libvirt-hook watch: domain {name}: unplugged port {gone}");
        }
    }
    for n in sw.plug(&plugs, Some(group)).await? {
        eprintln!("lisa-libvirt-hook watch: domain {name}: plugged port {n}");
    }
    // Ports claimed from their socket before the domain was known.
    for p in &plugs {
        if let Some(saved) = claimed.remove(&p.port) {
            if !saved {
                sw.apply_intent(p, true).await?;
            }
            eprintln!(
                "lisa-libvirt-hook watch: domain {name}: port {} is {}",
                p.port, p.description
            );
        }
    }
    if !now.is_empty() {
        known.insert(name.to_string(), now);
    }
    Ok(())
}

/// Syncs every running domain.
async fn sync_all(
    sw: &Switch,
    uri: &str,
    dir: &Path,
    known: &mut HashMap<String, BTreeSet<String>>,
    claimed: &mut HashMap<String, bool>,
    group: &str,
) -> Result<()> {
    for name in virsh(uri, &["list", "--name"])
        .await?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if let Err(e) = sync(sw, uri, dir, name, known, claimed, group).await {
            eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}");
        }
    }
    Ok(())
}

/// Which lisad owns the control socket: its inode and change time, new
/// each time lisad starts. None while there is no socket.
fn switch_instance(socket: &Path) -> Option<(u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(socket)
        .ok()
        .map(|m| (m.ino(), m.ctime(), m.ctime_nsec()))
}

/// Runs until virsh's event stream ends.
pub async fn run(socket: &Path, dir: &Path, uri: &str, group: &str) -> Result<()> {
    let mut sw = Switch::connect(socket).await?;
    let mut instance = switch_instance(socket);
    let mut known: HashMap<String, BTreeSet<String>> = HashMap::new();
    // Port -> whether it had saved settings when claimed.
    let mut claimed: HashMap<String, bool> = HashMap::new();
    let mut seen: HashSet<PathBuf> = sockets(dir).into_iter().collect();
    let mut scan = tokio::time::interval(Duration::from_millis(200));
    let mut child = Command::new("virsh")
        .arg("-c")
        .arg(uri)
        .args(["event", "--all", "--loop"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("running virsh event (install libvirt-clients)")?;
    let stdout = child.stdout.take().context("virsh event output")?;
    // What runs already.
    sync_all(&sw, uri, dir, &mut known, &mut claimed, group).await?;
    eprintln!("lisa-libvirt-hook watch: following device events on {uri}");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = tokio::select! {
            line = lines.next_line() => match line? {
                Some(l) => l,
                None => break,
            },
            _ = scan.tick() => {
                let now = switch_instance(socket);
                if now != instance {
                    // lisad restarted: the ports it had are gone. Plug the
                    // running domains' NICs again (QEMU-server sockets
                    // reconnect with no VM reboot).
                    instance = None;
                    if now.is_some() {
                        match Switch::connect(socket).await {
                            Ok(s) => {
                                sw = s;
                                instance = now;
                                known.clear();
                                claimed.clear();
                                eprintln!("lisa-libvirt-hook watch: lisad restarted: plugging the running domains' NICs again");
                                if let Err(e) = sync_all(&sw, uri, dir, &mut known, &mut claimed, group).await {
                                    eprintln!("lisa-libvirt-hook watch: {e:#}");
                                }
                            }
                            Err(e) => eprintln!("lisa-libvirt-hook watch: {e:#}"),
                        }
                    }
                } else if instance.is_some() {
                    claim_new_sockets(&sw, dir, &mut seen, &mut claimed).await;
                }
                continue;
            }
        };
        // event 'device-added' for domain 'vm1': net1
        let Some(rest) = line.strip_prefix("event '") else {
            continue;
        };
        let Some((event, rest)) = rest.split_once('\'') else {
            continue;
        };
        if event != "device-added" && event != "device-removed" {
            continue;
        }
        let Some(name) = rest
            .split_once("domain '")
            .and_then(|(_, r)| r.split_once('\''))
            .map(|(n, _)| n.to_string())
        else {
            continue;
        };
        if let Err(e) = sync(&sw, uri, dir, &name, &mut known, &mut claimed, group).await {
            eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}");
        }
    }
    Ok(())
}

/// The sockets in `dir` now.
fn sockets(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_socket()))
        .map(|e| e.path())
        .collect()
}

/// Claims every socket that appeared in `dir` since the last look and has
/// no port yet: QEMU is waiting on it for the switch to connect.
async fn claim_new_sockets(
    sw: &Switch,
    dir: &Path,
    seen: &mut HashSet<PathBuf>,
    claimed: &mut HashMap<String, bool>,
) {
    let now: HashSet<PathBuf> = sockets(dir).into_iter().collect();
    let new: Vec<PathBuf> = now.difference(seen).cloned().collect();
    *seen = now;
    for socket in new {
        let Ok(port) = plan::port_name(&socket) else {
            continue;
        };
        let saved = match sw.has_settings(&port).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("lisa-libvirt-hook watch: {e:#}");
                continue;
            }
        };
        let kind = format!("vhost-client:{}", socket.display());
        match sw.add(&port, &kind, "").await {
            Ok(true) => {
                eprintln!(
                    "lisa-libvirt-hook watch: plugged port {port} for new socket {}",
                    socket.display()
                );
                claimed.insert(port, saved);
            }
            Ok(false) => {}
            Err(e) => eprintln!("lisa-libvirt-hook watch: port {port}: {e:#}"),
        }
    }
}
