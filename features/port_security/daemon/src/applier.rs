//! The dataplane side of a `port_security` change: the task's copy of the
//! configuration, dynamic addresses dropped where they became sticky or
//! where port security went off, and the hooks' table published.

use crate::datapath::SecureState;
use crate::secure::Secure;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Prepared};
use lisa_port_security::PortSecurityConfig;
use std::sync::{Arc, Mutex};

/// The feature's applier.
pub struct SecureApplier {
    /// The dataplane.
    pub dp: Arc<Dataplane>,
    /// The hooks' table and reports.
    pub state: Arc<SecureState>,
    /// The secure addresses.
    pub secure: Arc<Mutex<Secure>>,
}

struct SecureChange {
    dp: Arc<Dataplane>,
    state: Arc<SecureState>,
    secure: Arc<Mutex<Secure>>,
    new: Config,
    old: Config,
}

impl Prepared for SecureChange {
    fn apply(self: Box<Self>) -> Result<(), String> {
        let mut s = self.secure.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = take(&self.dp, &self.state, &mut s, &self.new) {
            return Err(match take(&self.dp, &self.state, &mut s, &self.old) {
                Ok(()) => e,
                Err(u) => format!("{e}; undo: {u}"),
            });
        }
        Ok(())
    }
}

impl Applier for SecureApplier {
    fn name(&self) -> &'static str {
        "port_security"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        // The VLANs of secure addresses follow the switchports too.
        let l2_changed = old.changed::<lisa_l2::L2Config>(new);
        if !old.changed::<PortSecurityConfig>(new) && !l2_changed {
            return Ok(None);
        }
        Ok(Some(Box::new(SecureChange {
            dp: self.dp.clone(),
            state: self.state.clone(),
            secure: self.secure.clone(),
            new: new.clone(),
            old: old.clone(),
        })))
    }
}

/// Takes `cfg` in: keeps it, drops the dynamic addresses that are
/// configured now (sticky) or whose port is no longer secured, and
/// publishes.
pub fn take(
    dp: &Dataplane,
    state: &SecureState,
    s: &mut Secure,
    cfg: &Config,
) -> Result<(), String> {
    s.config = Some(cfg.clone());
    let after = s.section();
    let names: Vec<String> = s.dynamic.keys().cloned().collect();
    for name in names {
        if !after.ports.get(&name).is_some_and(|p| p.enabled) {
            s.dynamic.remove(&name);
            continue;
        }
        let configured: Vec<u64> = s.configured(&name).into_iter().map(|(k, _)| k).collect();
        if let Some(d) = s.dynamic.get_mut(&name) {
            d.retain(|k| !configured.contains(k));
        }
    }
    s.publish(dp, state)
}
