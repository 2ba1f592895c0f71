//! Configuration modes: `(config)#`, and the sub-modes features register
//! (`(config-if)#`, `(config-vlan)#`, ...), each with what it configures.

/// The mode id of global configuration.
pub const GLOBAL: &str = "config";
/// The mode id after `end`: privileged EXEC.
pub const EXEC: &str = "exec";

/// The configuration mode a line is read in, and what it configures (the
/// interfaces of `interface range`, the VLANs of `vlan 10,20`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mode {
    /// The mode's id: `config`, `config-if`, `config-vlan`, ... or `exec`.
    pub id: &'static str,
    /// What the sub-mode configures, as the feature named it.
    pub targets: Vec<String>,
}

impl Default for Mode {
    fn default() -> Self {
        Mode::global()
    }
}

impl Mode {
    /// `(config)#`.
    pub fn global() -> Mode {
        Mode {
            id: GLOBAL,
            targets: Vec::new(),
        }
    }

    /// Privileged EXEC, after `end`.
    pub fn exec() -> Mode {
        Mode {
            id: EXEC,
            targets: Vec::new(),
        }
    }

    /// Sub-mode `id` for `targets`.
    pub fn sub(id: &'static str, targets: Vec<String>) -> Mode {
        Mode { id, targets }
    }

    /// True in global configuration mode.
    pub fn is_global(&self) -> bool {
        self.id == GLOBAL
    }

    /// True after `end` (or `exit` from global mode).
    pub fn is_exec(&self) -> bool {
        self.id == EXEC
    }

    /// True in a sub-mode.
    pub fn is_sub(&self) -> bool {
        !self.is_global() && !self.is_exec()
    }
}
