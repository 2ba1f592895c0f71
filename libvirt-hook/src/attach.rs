//! `attach`: hot-plugs a NIC into a running domain with its switch port
//! made first, then `virsh attach-device`. The way for a NIC whose QEMU side
//! is the client (`mode='client'`): QEMU connects during the attach, before
//! libvirt reports anything, so the port must be there already. It works
//! for `mode='server'` NICs too. `detach-device` is followed by `watch`.

use crate::{domain, plan, sockdir, switch::Switch, watch::virsh};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// The domain's settings (name, `<lisa:port>` intents) with the NICs of
/// the interface XML `nic`.
fn domain_with(live: &str, nic: &str) -> Result<domain::Domain> {
    let mut d = domain::parse(live).context("the domain's XML")?;
    let body = match nic.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, b)| b).unwrap_or(""),
        None => nic,
    };
    let wrapped = format!("<domain><name>-</name><devices>{body}</devices></domain>");
    d.interfaces = domain::parse(&wrapped)
        .context("the interface XML")?
        .interfaces;
    Ok(d)
}

/// Plugs the NIC of `file` for domain `name`, attaches it with virsh
/// (`virsh_args`, `--live` if none), and takes the port back if the
/// attach fails.
pub async fn run(
    socket: &Path,
    dir: &Path,
    group: &str,
    uri: &str,
    name: &str,
    file: &Path,
    virsh_args: &[String],
) -> Result<()> {
    let nic =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let live = virsh(uri, &["dumpxml", name]).await?;
    let d = domain_with(&live, &nic)?;
    let p = plan::plan(&d, dir).map_err(anyhow::Error::msg)?;
    let mut plugged: Vec<String> = Vec::new();
    let sw = if p.plugs.is_empty() {
        None
    } else {
        sockdir::prepare(dir, group)?;
        let sw = Switch::connect(socket).await?;
        plugged = sw
            .plug(&p.plugs, group)
            .await
            .with_context(|| format!("domain {name}: cannot plug the NIC into the switch"))?;
        Some(sw)
    };
    let mut args: Vec<&str> = vec!["attach-device", name];
    let file_arg = file.to_string_lossy();
    args.push(&file_arg);
    if virsh_args.is_empty() {
        args.push("--live");
    } else {
        args.extend(virsh_args.iter().map(String::as_str));
    }
    if let Err(e) = virsh(uri, &args).await {
        if let Some(sw) = &sw {
            for n in &plugged {
                let _ = sw.remove(n).await;
            }
        }
        bail!("{e:#} (the port is taken back)");
    }
    for n in plugged {
        eprintln!("lisa-libvirt-hook: domain {name}: plugged port {n}");
    }
    println!("attached {} to {name}", file.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::domain_with;

    #[test]
    fn the_nic_with_the_domains_intents() {
        let live = "<domain><name>vm1</name><metadata>\
            <lisa:port xmlns:lisa='http://lisa-dp.org/xmlns/libvirt/1' access-vlan='20'/>\
            </metadata><devices/></domain>";
        let nic = "<?xml version='1.0'?>\n<interface type='vhostuser'>\
            <source type='unix' path='/run/lisa/vhost/vm7.sock' mode='client'/></interface>";
        let d = domain_with(live, nic).unwrap();
        assert_eq!(d.name, "vm1");
        assert_eq!(d.interfaces.len(), 1);
        assert_eq!(d.intent_for(None).unwrap().to_string(), "access vlan 20");
    }
}
