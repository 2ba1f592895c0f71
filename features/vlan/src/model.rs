//! The VLAN database and its rules.

use lisa_engine::Config;
use lisa_types::{VlanSet, DEFAULT_VLAN};
use std::collections::BTreeMap;

/// The VLAN configuration sub-mode (`(config-vlan)#`).
pub const VLAN_MODE: &str = "config-vlan";
/// Longest VLAN name (IOS: 32).
pub const MAX_NAME: usize = 32;

/// A VLAN of the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanConfig {
    /// Its name (`VLAN0010` unless set).
    pub name: String,
}

impl VlanConfig {
    /// The name IOS gives a VLAN that has none: `default` for VLAN 1, else `VLAN0010`.
    pub fn default_name(id: u16) -> String {
        if id == DEFAULT_VLAN {
            "default".into()
        } else {
            format!("VLAN{id:04}")
        }
    }

    /// VLAN `id` with its default name.
    pub fn new(id: u16) -> VlanConfig {
        VlanConfig {
            name: VlanConfig::default_name(id),
        }
    }
}

/// The section: the VLANs by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanDb {
    /// VLANs by id; VLAN 1 is always there.
    pub vlans: BTreeMap<u16, VlanConfig>,
}

impl Default for VlanDb {
    fn default() -> Self {
        VlanDb {
            vlans: [(DEFAULT_VLAN, VlanConfig::new(DEFAULT_VLAN))].into(),
        }
    }
}

impl VlanDb {
    /// The VLANs that exist, as a set.
    pub fn set(&self) -> VlanSet {
        self.vlans.keys().copied().collect()
    }

    /// True if VLAN `id` exists.
    pub fn exists(&self, id: u16) -> bool {
        self.vlans.contains_key(&id)
    }
}

/// VLAN `id` may be given `name`: as on IOS, VLAN 1 keeps its name
/// (`default`; giving it that same name is fine).
pub fn check_rename(id: u16, name: &str) -> Result<(), String> {
    if id == DEFAULT_VLAN && name != VlanConfig::default_name(DEFAULT_VLAN) {
        return Err("Default VLAN 1 may not have its name changed.".into());
    }
    Ok(())
}

/// One rule for a VLAN name, for the IOS text and the typed API alike:
/// 1-32 printable characters without spaces.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME || !name.bytes().all(|c| c.is_ascii_graphic()) {
        return Err(format!(
            "VLAN name '{name}': use 1-{MAX_NAME} printable characters without spaces"
        ));
    }
    Ok(())
}

/// The rules: VLAN 1 exists, ids in range, names valid.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let db = cfg.get::<VlanDb>();
    if !db.exists(DEFAULT_VLAN) {
        return Err("VLAN 1 cannot be deleted".into());
    }
    for (id, v) in &db.vlans {
        if !lisa_types::valid_vlan(u32::from(*id)) {
            return Err(format!("vlan {id}: no such VLAN id (1-4094)"));
        }
        check_name(&v.name).map_err(|e| format!("vlan {id}: {e}"))?;
    }
    Ok(())
}
