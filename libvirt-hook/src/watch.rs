//! The hot-plug listener: libvirt's hooks say nothing of `virsh
//! attach-device` / `detach-device` on a running domain, so this follows
//! libvirt's device-added / device-removed events (through `virsh event`)
//! and plugs or unplugs to match the domain's XML.

use crate::{domain, plan, switch::Switch};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
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
    if !now.is_empty() {
        known.insert(name.to_string(), now);
    }
    Ok(())
}

/// Runs until virsh's event stream ends.
pub async fn run(socket: &Path, dir: &Path, uri: &str, group: &str) -> Result<()> {
    let sw = Switch::connect(socket).await?;
    let mut known: HashMap<String, BTreeSet<String>> = HashMap::new();
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
    for name in virsh(uri, &["list", "--name"])
        .await?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if let Err(e) = sync(&sw, uri, dir, name, &mut known, group).await {
            eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}");
        }
    }
    eprintln!("lisa-libvirt-hook watch: following device events on {uri}");
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
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
        if let Err(e) = sync(&sw, uri, dir, &name, &mut known, group).await {
            eprintln!("lisa-libvirt-hook watch: domain {name}: {e:#}");
        }
    }
    Ok(())
}
