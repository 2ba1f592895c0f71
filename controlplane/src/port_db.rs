//! The ports plugged over the API (`Ports.AddPort`), kept in a file so
//! that they are plugged again when lisad restarts, as OVS keeps the ports
//! of `ovs-vsctl add-port` in its database. A port whose owner plugs it
//! again by itself (the libvirt hook: a VM's port comes and goes with the
//! VM) is added `transient` and not kept.
//!
//! The file is RON, a list of `(name, kind, description)`, rewritten
//! whole (temp file, fsync, rename) on every change; it is beside the
//! startup-config unless `control.port_db` says otherwise.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One kept port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedPort {
    /// The port's name.
    pub name: String,
    /// `KIND:ARG`, as `lisad --port` takes it.
    pub kind: String,
    /// Who uses it (the AddPort description).
    #[serde(default)]
    pub description: String,
}

/// Reading or writing the port database failed.
#[derive(Debug, thiserror::Error)]
pub enum PortDbError {
    /// The file could not be read or written.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// The file is not a list of ports.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// Its line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The ports kept across restarts.
#[derive(Debug)]
pub struct PortDb {
    path: PathBuf,
    ports: Mutex<Vec<SavedPort>>,
}

impl PortDb {
    /// The database in `path` (empty if the file does not exist yet).
    pub fn open(path: PathBuf) -> Result<PortDb, PortDbError> {
        let ports = match std::fs::read_to_string(&path) {
            Ok(text) => ron::from_str::<Vec<SavedPort>>(&text).map_err(|e| PortDbError::Parse {
                path: path.display().to_string(),
                line: e.span.start.line,
                message: e.code.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(PortDbError::Io(format!("reading {}", path.display()), e)),
        };
        Ok(PortDb {
            path,
            ports: Mutex::new(ports),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<SavedPort>> {
        self.ports.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kept ports, in the order they were added.
    pub fn ports(&self) -> Vec<SavedPort> {
        self.lock().clone()
    }

    /// Keeps `port` (replacing a kept port of that name) and writes the
    /// file. On error nothing is kept.
    pub fn add(&self, port: SavedPort) -> Result<(), PortDbError> {
        let mut ports = self.lock();
        let mut next = ports.clone();
        next.retain(|p| p.name != port.name);
        next.push(port);
        self.write(&next)?;
        *ports = next;
        Ok(())
    }

    /// Forgets port `name` and writes the file. Returns whether it was
    /// kept.
    pub fn remove(&self, name: &str) -> Result<bool, PortDbError> {
        let mut ports = self.lock();
        if !ports.iter().any(|p| p.name == name) {
            return Ok(false);
        }
        let next: Vec<SavedPort> = ports.iter().filter(|p| p.name != name).cloned().collect();
        self.write(&next)?;
        *ports = next;
        Ok(true)
    }

    /// Writes `ports` atomically: a temp file beside the database, fsync,
    /// rename, fsync of the directory.
    fn write(&self, ports: &[SavedPort]) -> Result<(), PortDbError> {
        let text =
            ron::ser::to_string_pretty(&ports, ron::ser::PrettyConfig::default()).map_err(|e| {
                PortDbError::Io(
                    format!("writing {}", self.path.display()),
                    std::io::Error::other(e),
                )
            })?;
        let content = format!(
            "// Ports plugged over the API (Ports.AddPort), plugged again at start.\n\
             // Written by lisad; RemovePort takes a port out.\n{text}\n"
        );
        crate::atomic_file::write(&self.path, content.as_bytes(), 0o644)
            .map_err(|e| PortDbError::Io(format!("{} {}", e.what, e.path), e.source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(name: &str, kind: &str) -> SavedPort {
        SavedPort {
            name: name.into(),
            kind: kind.into(),
            description: "vm1".into(),
        }
    }

    #[test]
    fn kept_across_opens() {
        let dir = std::env::temp_dir().join(format!("lisa-portdb-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("ports.ron");
        let db = PortDb::open(path.clone()).unwrap();
        assert!(db.ports().is_empty());
        db.add(port(
            "web01-eth0",
            "vhost-server:/run/lisa/vhost/web01-eth0.sock",
        ))
        .unwrap();
        db.add(port("Ethernet9", "null")).unwrap();
        db.add(port("web01-eth0", "null")).unwrap();
        let again = PortDb::open(path.clone()).unwrap();
        assert_eq!(
            again.ports(),
            vec![port("Ethernet9", "null"), port("web01-eth0", "null")]
        );
        assert!(again.remove("Ethernet9").unwrap());
        assert!(!again.remove("Ethernet9").unwrap());
        assert_eq!(PortDb::open(path.clone()).unwrap().ports().len(), 1);
        std::fs::write(&path, "[(name: \"x\",\n kind: 3)]").unwrap();
        let e = PortDb::open(path).unwrap_err().to_string();
        assert!(e.contains("ports.ron:2"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
