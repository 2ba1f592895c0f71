//! The dataplane side of a `storm` change: the hook's table published and
//! the hook enabled on exactly the ports with a level.

use crate::datapath::{StormState, HOOK};
use crate::settings::table;
use dataplane::{Dataplane, HookUse};
use lisa_engine::{Applier, Config, Prepared};
use lisa_storm::model::Class;
use lisa_storm::StormConfig;
use std::sync::{Arc, Mutex};

/// The feature's applier.
pub struct StormApplier {
    /// The dataplane.
    pub dp: Arc<Dataplane>,
    /// The hook's table and counts.
    pub state: Arc<StormState>,
    /// The last commit's section, for the task.
    pub config: Arc<Mutex<StormConfig>>,
}

struct StormChange {
    dp: Arc<Dataplane>,
    state: Arc<StormState>,
    config: Arc<Mutex<StormConfig>>,
    new: Config,
    old: Config,
}

impl Prepared for StormChange {
    fn apply(self: Box<Self>) -> Result<(), String> {
        if let Err(e) = push(&self.dp, &self.state, &self.new) {
            return Err(match push(&self.dp, &self.state, &self.old) {
                Ok(()) => e,
                Err(u) => format!("{e}; undo: {u}"),
            });
        }
        *self.config.lock().unwrap_or_else(|e| e.into_inner()) =
            self.new.get::<StormConfig>().clone();
        Ok(())
    }
}

impl Applier for StormApplier {
    fn name(&self) -> &'static str {
        "storm"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        if !old.changed::<StormConfig>(new) {
            return Ok(None);
        }
        Ok(Some(Box::new(StormChange {
            dp: self.dp.clone(),
            state: self.state.clone(),
            config: self.config.clone(),
            new: new.clone(),
            old: old.clone(),
        })))
    }
}

/// Publishes `cfg`'s levels and enables the hook where there are some.
pub fn push(dp: &Dataplane, state: &StormState, cfg: &Config) -> Result<(), String> {
    state.table.publish(table(dp, cfg));
    let storm = cfg.get::<StormConfig>();
    dp.set_hook_on_ports(HOOK, |name| {
        let p = storm.ports.get(name);
        // Broadcast and multicast levels need the frames to group
        // addresses only: unicast keeps the port's fast path.
        let unicast = p.is_some_and(|p| p.level(Class::Unicast).is_some());
        let group = p.is_some_and(|p| {
            p.level(Class::Broadcast).is_some() || p.level(Class::Multicast).is_some()
        });
        HookUse {
            rx: unicast,
            rx_group: group && !unicast,
            ..Default::default()
        }
    })
    .map_err(|e| e.to_string())
}
