//! Plugging and unplugging through lisad's gRPC API (`lisa.v1.Ports`,
//! `Interfaces`, `Config`), all or nothing: a failure takes back every port
//! this call plugged.

use crate::domain::Intent;
use crate::plan::Plug;
use anyhow::{anyhow, bail, Context, Result};
use hyper_util::rt::TokioIo;
use lisa_proto::v1::{
    config_client::ConfigClient, interfaces_client::InterfacesClient, ports_client::PortsClient,
    AddPortRequest, GetRunningConfigRequest, RemovePortRequest, SetInterfaceRequest,
    SwitchportMode,
};
use std::path::Path;
use tonic::transport::{Channel, Endpoint, Uri};
use tonic::Code;

/// A connection to lisad.
pub struct Switch {
    channel: Channel,
}

impl Switch {
    /// Connects to lisad's socket.
    pub async fn connect(path: &Path) -> Result<Switch> {
        if !path.exists() {
            bail!(
                "lisad is not running: no control socket at {} (start lisad, or set --socket/LISA_SOCKET)",
                path.display()
            );
        }
        let p = path.to_path_buf();
        let channel = Endpoint::try_from("http://lisad.local")?
            .connect_with_connector(tower::service_fn(move |_: Uri| {
                let p = p.clone();
                async move {
                    Ok::<_, std::io::Error>(TokioIo::new(tokio::net::UnixStream::connect(p).await?))
                }
            }))
            .await
            .with_context(|| format!("lisad is not answering on {}", path.display()))?;
        Ok(Switch { channel })
    }

    /// Plugs every port of `plugs`: a new port gets `intent` unless the
    /// running config has settings saved for it. On any failure, the ports
    /// this call plugged are unplugged again, and the error says which
    /// port failed and why. `socket_group`: the group a socket the switch
    /// listens on is given (QEMU must reach it).
    pub async fn plug(&self, plugs: &[Plug], socket_group: Option<&str>) -> Result<Vec<String>> {
        let mut done: Vec<String> = Vec::new();
        for p in plugs {
            if let Err(e) = self.plug_one(p, socket_group, &mut done).await {
                for name in done.iter().rev() {
                    let _ = self.unplug(name).await;
                }
                return Err(e.context(format!("plugging port {} ({})", p.port, p.kind)));
            }
        }
        Ok(done)
    }

    async fn plug_one(
        &self,
        p: &Plug,
        socket_group: Option<&str>,
        done: &mut Vec<String>,
    ) -> Result<()> {
        let saved = self.saved_description(&p.port).await?;
        if !self.add(&p.port, &p.kind, &p.description).await? {
            // Plugged already (libvirtd restarted, or a second start hook).
            return Ok(());
        }
        done.push(p.port.clone());
        if p.switch_listens {
            if let Some(g) = socket_group {
                give_to_group(&p.socket, g)?;
            }
        }
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
        Ok(())
    }

    /// True if the running config has settings for port `name`: saved by
    /// swcli, or from an earlier plug.
    pub async fn has_settings(&self, name: &str) -> Result<bool> {
        Ok(self.saved_description(name).await?.is_some())
    }

    /// The description of port `name` in the running config, if the
    /// running config has settings for it.
    async fn saved_description(&self, name: &str) -> Result<Option<String>> {
        Ok(ConfigClient::new(self.channel.clone())
            .get_running_config_typed(GetRunningConfigRequest {})
            .await
            .map_err(|s| anyhow!("reading the running config: {}", s.message()))?
            .into_inner()
            .interfaces
            .into_iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
            .map(|i| i.description))
    }

    /// Adds a port; false if it is there already.
    pub async fn add(&self, name: &str, kind: &str, description: &str) -> Result<bool> {
        match PortsClient::new(self.channel.clone())
            .add_port(AddPortRequest {
                name: name.to_string(),
                kind: kind.to_string(),
                description: description.to_string(),
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

    /// Unplugs a port; one that is not there is fine.
    pub async fn unplug(&self, name: &str) -> Result<bool> {
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
/// QEMU (libvirt-qemu:kvm on Debian) can connect.
fn give_to_group(socket: &Path, group: &str) -> Result<()> {
    chgrp(socket, group)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o660))
        .with_context(|| format!("chmod 0660 {}", socket.display()))
}

/// Changes `path`'s group to `group` (a name), keeping its owner.
pub fn chgrp(path: &Path, group: &str) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let cgroup = std::ffi::CString::new(group)?;
    // SAFETY: getgrnam reads a NUL-terminated name and returns a pointer to
    // static storage or NULL; we read one field before any other call.
    let gid = unsafe {
        let g = libc::getgrnam(cgroup.as_ptr());
        if g.is_null() {
            bail!("no group {group} (set --socket-group)");
        }
        (*g).gr_gid
    };
    let cpath = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: a valid NUL-terminated path; -1 keeps the owner.
    if unsafe { libc::chown(cpath.as_ptr(), u32::MAX, gid) } != 0 {
        bail!(
            "chown {} to group {group}: {}",
            path.display(),
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::hook_wrote;

    #[test]
    fn a_hook_description_follows_the_domain_a_persons_stays() {
        let new = "web 52:54:00:00:00:01";
        assert!(hook_wrote("", new));
        assert!(hook_wrote("web-old 52:54:00:00:00:01", new));
        assert!(!hook_wrote("uplink to the web tier", new));
        assert!(!hook_wrote("web 52:54:00:00:00:02", new));
    }
}
