//! Plugging and unplugging through lisad's gRPC API (`lisa.v1.Ports`,
//! `Interfaces`). At a domain's start, all or nothing: a failure
//! takes back every port that call plugged. A port of that name that is
//! some other NIC's is never taken over, nor unplugged.

use crate::domain::Intent;
use crate::plan::Plug;
use anyhow::{anyhow, bail, Context, Result};
use lisa_proto::v1::{
    interfaces_client::InterfacesClient, ports_client::PortsClient, AddPortRequest,
    GetInterfaceRequest, InterfaceSettings, ListPortsRequest, RemovePortRequest,
    SetInterfaceRequest, SwitchportMode,
};
use std::path::Path;
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};
use tonic::Code;

/// A connection to lisad.
pub struct Switch {
    channel: Channel,
}

impl Switch {
    /// Connects to lisad's socket. Every call then has 20 s to answer:
    /// libvirt waits for its hooks with no limit of its own.
    pub async fn connect(path: &Path) -> Result<Switch> {
        if !path.exists() {
            bail!(
                "lisad is not running: no control socket at {} (start lisad, or set --socket/LISA_SOCKET)",
                path.display()
            );
        }
        let endpoint = Endpoint::try_from("http://lisad.local")?
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20));
        let channel = lisa_proto::connect_unix(endpoint, path)
            .await
            .with_context(|| format!("lisad is not answering on {}", path.display()))?;
        Ok(Switch { channel })
    }

    /// Plugs every port of `plugs`: a new port gets `intent` unless the
    /// running config has settings saved for it. On any failure, the ports
    /// this call plugged are unplugged again, and the error says which
    /// port failed and why. `socket_group`: the group a socket the switch
    /// listens on is given (QEMU must reach it).
    pub async fn plug(&self, plugs: &[Plug], socket_group: &str) -> Result<Vec<String>> {
        let mut done: Vec<String> = Vec::new();
        for p in plugs {
            if let Err(e) = self.plug_one(p, socket_group, &mut done).await {
                for name in done.iter().rev() {
                    let _ = self.remove(name).await;
                }
                return Err(e.context(format!("plugging port {} ({})", p.port, p.kind)));
            }
        }
        Ok(done)
    }

    /// Plugs each port of `plugs` on its own, for a domain that runs
    /// already: one that fails takes no other down. Returns the ports
    /// plugged and the failures.
    pub async fn plug_each(
        &self,
        plugs: &[Plug],
        socket_group: &str,
    ) -> (Vec<String>, Vec<anyhow::Error>) {
        let mut done: Vec<String> = Vec::new();
        let mut failed = Vec::new();
        for p in plugs {
            let mut mine = Vec::new();
            match self.plug_one(p, socket_group, &mut mine).await {
                Ok(()) => done.extend(mine),
                Err(e) => {
                    for name in &mine {
                        let _ = self.remove(name).await;
                    }
                    failed.push(e.context(format!("plugging port {} ({})", p.port, p.kind)));
                }
            }
        }
        (done, failed)
    }

    async fn plug_one(&self, p: &Plug, socket_group: &str, done: &mut Vec<String>) -> Result<()> {
        let saved = self.saved_description(&p.port).await?;
        if !self.add(&p.port, &p.kind, &p.description).await? {
            // Plugged already (libvirtd restarted, a second start hook)
            // if it is this NIC; if not, the name is taken.
            return match self.port_kind(&p.port).await? {
                // A socket the switch listens on goes to QEMU's group even
                // when the port was made by someone else (Ports.AddPort).
                Some(k) if k == p.kind && p.switch_listens => give_to_group(&p.socket, socket_group),
                Some(k) if k == p.kind => Ok(()),
                Some(k) => bail!(
                    "port {} exists already, for another NIC or device ({k}): give the socket another name",
                    p.port
                ),
                None => bail!("port {} came and went while plugging it", p.port),
            };
        }
        done.push(p.port.clone());
        // The settings first: what can still fail after them (the socket's
        // group) then leaves the running config as the intent has it.
        match saved {
            None => self.apply_intent(p, false).await?,
            // A description a hook wrote ("DOMAIN MAC", same MAC) follows the
            // domain's name; one a person wrote stays.
            Some(d) if d != p.description && hook_wrote(&d, &p.description) => {
                InterfacesClient::new(self.channel.clone())
                    .set_interface(SetInterfaceRequest {
                        name: p.port.clone(),
                        description: Some(p.description.clone()),
                        ..Default::default()
                    })
                    .await
                    .map_err(|s| anyhow!("setting the description: {}", s.message()))?;
            }
            Some(_) => {}
        }
        if p.switch_listens {
            give_to_group(&p.socket, socket_group)?;
        }
        Ok(())
    }

    /// The running config's `shutdown` for port `name`, if it has settings
    /// for it (saved by swcli, or from an earlier plug).
    pub async fn saved_shutdown(&self, name: &str) -> Result<Option<bool>> {
        Ok(self.saved_settings(name).await?.map(|i| i.shutdown))
    }

    /// Sets port `name` administratively down or up.
    pub async fn set_shutdown(&self, name: &str, shutdown: bool) -> Result<()> {
        InterfacesClient::new(self.channel.clone())
            .set_interface(SetInterfaceRequest {
                name: name.to_string(),
                shutdown: Some(shutdown),
                ..Default::default()
            })
            .await
            .map_err(|s| anyhow!("shutdown {shutdown} on {name}: {}", s.message()))?;
        Ok(())
    }

    /// The description of port `name` in the running config, if the
    /// running config has settings for it.
    async fn saved_description(&self, name: &str) -> Result<Option<String>> {
        Ok(self.saved_settings(name).await?.map(|i| i.description))
    }

    /// The running config's settings for port `name`, if any. One
    /// interface is asked for, not the whole config (which may hold a
    /// million routes).
    async fn saved_settings(&self, name: &str) -> Result<Option<InterfaceSettings>> {
        match InterfacesClient::new(self.channel.clone())
            .get_interface(GetInterfaceRequest {
                name: name.to_string(),
            })
            .await
        {
            // lisad resolves abbreviations: only the exact name counts.
            Ok(r) => {
                let i = r.into_inner();
                Ok(i.name.eq_ignore_ascii_case(name).then_some(i))
            }
            // None of that name (or only names it abbreviates).
            Err(s) if matches!(s.code(), Code::NotFound | Code::InvalidArgument) => Ok(None),
            Err(s) => Err(anyhow!("reading the settings of {name}: {}", s.message())),
        }
    }

    /// Every port's name and kind (`vhost-client:PATH`, `tap:IF`, ...).
    pub async fn ports(&self) -> Result<Vec<(String, String)>> {
        Ok(PortsClient::new(self.channel.clone())
            .list_ports(ListPortsRequest {})
            .await
            .map_err(|s| anyhow!("listing the ports: {}", s.message()))?
            .into_inner()
            .ports
            .into_iter()
            .map(|p| (p.name, p.kind))
            .collect())
    }

    /// The kind of port `name`, if there is one.
    async fn port_kind(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .ports()
            .await?
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, k)| k))
    }

    /// Adds a VM's port, not kept across a switch restart (the VM's own
    /// lifecycle and `watch` plug it); false if one of that name is there
    /// already.
    pub async fn add(&self, name: &str, kind: &str, description: &str) -> Result<bool> {
        match PortsClient::new(self.channel.clone())
            .add_port(AddPortRequest {
                name: name.to_string(),
                kind: kind.to_string(),
                description: description.to_string(),
                transient: true,
            })
            .await
        {
            Ok(_) => Ok(true),
            Err(s) if s.code() == Code::AlreadyExists => Ok(false),
            Err(s) => Err(anyhow!("{}", s.message())),
        }
    }

    /// Gives a new port the domain's settings: the `<lisa:port>` intent,
    /// and with `describe` its description too (a port claimed before its
    /// domain was known has none).
    pub async fn apply_intent(&self, p: &Plug, describe: bool) -> Result<()> {
        let mut req = SetInterfaceRequest {
            name: p.port.clone(),
            ..Default::default()
        };
        if describe {
            req.description = Some(p.description.clone());
        }
        match &p.intent {
            Some(Intent::Access { vlan }) => {
                req.mode = Some(SwitchportMode::Access as i32);
                req.access_vlan = Some(u32::from(*vlan));
            }
            Some(Intent::Trunk { allowed, native }) => {
                req.mode = Some(SwitchportMode::Trunk as i32);
                req.allowed_vlans = allowed.clone();
                req.native_vlan = native.map(u32::from);
            }
            None if !describe => return Ok(()),
            None => {}
        }
        InterfacesClient::new(self.channel.clone())
            .set_interface(req)
            .await
            .map_err(|s| anyhow!("applying the <lisa:port> settings: {}", s.message()))?;
        Ok(())
    }

    /// Unplugs port `name` if it is still the NIC of kind `kind`; a port
    /// that is not there, or is another's now, is left alone (false).
    pub async fn unplug(&self, name: &str, kind: &str) -> Result<bool> {
        match self.port_kind(name).await? {
            Some(k) if k == kind => self.remove(name).await,
            _ => Ok(false),
        }
    }

    /// Removes port `name`; one that is not there is fine (false).
    pub async fn remove(&self, name: &str) -> Result<bool> {
        match PortsClient::new(self.channel.clone())
            .remove_port(RemovePortRequest {
                name: name.to_string(),
                force: true,
            })
            .await
        {
            Ok(_) => Ok(true),
            Err(s) if s.code() == Code::NotFound => Ok(false),
            Err(s) => Err(anyhow!("unplugging port {name}: {}", s.message())),
        }
    }
}

/// True if `old` is a description a hook wrote for the same interface as
/// `new` ("DOMAIN MAC": the same last word), or empty.
fn hook_wrote(old: &str, new: &str) -> bool {
    old.is_empty() || old.split_whitespace().last() == new.split_whitespace().last()
}

/// Gives a socket the switch listens on to `group`, mode 0660, so that
/// QEMU (libvirt-qemu:kvm on Debian) can connect. The path must be a
/// socket, not a link to something else.
fn give_to_group(socket: &Path, group: &str) -> Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let meta = std::fs::symlink_metadata(socket)
        .with_context(|| format!("the switch's socket {}", socket.display()))?;
    if !meta.file_type().is_socket() {
        bail!("{} is not a socket: not touching it", socket.display());
    }
    chgrp(socket, group)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o660))
        .with_context(|| format!("chmod 0660 {}", socket.display()))
}

/// The id of group `group`.
fn group_id(group: &str) -> Result<u32> {
    let cgroup = std::ffi::CString::new(group)?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: a zeroed `group` is a valid out-parameter for getgrnam_r.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::group = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call: a NUL-terminated name,
    // our `grp`, a buffer of the length given, and `found`. getgrnam_r is
    // the thread-safe form.
    let rc = unsafe {
        libc::getgrnam_r(
            cgroup.as_ptr(),
            &mut grp,
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        )
    };
    if rc != 0 || found.is_null() {
        bail!("no group {group} (set --socket-group)");
    }
    Ok(grp.gr_gid)
}

/// Changes `path`'s group to `group` (a name), keeping its owner; a
/// symbolic link is changed itself, never followed.
pub fn chgrp(path: &Path, group: &str) -> Result<()> {
    let gid = group_id(group)?;
    // lchown: a symbolic link is changed itself, never followed.
    std::os::unix::fs::lchown(path, None, Some(gid))
        .map_err(|e| anyhow::anyhow!("chown {} to group {group}: {e}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{group_id, hook_wrote};

    #[test]
    fn a_hook_description_follows_the_domain_a_persons_stays() {
        let new = "web 52:54:00:00:00:01";
        assert!(hook_wrote("", new));
        assert!(hook_wrote("web-old 52:54:00:00:00:01", new));
        assert!(!hook_wrote("uplink to the web tier", new));
        assert!(!hook_wrote("web 52:54:00:00:00:02", new));
    }

    #[test]
    fn groups_by_name() {
        assert_eq!(group_id("root").unwrap(), 0);
        assert!(group_id("no-such-group-here")
            .unwrap_err()
            .to_string()
            .contains("no group"));
    }
}
