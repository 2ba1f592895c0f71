//! The running configuration: the one model both the IOS text and the gRPC
//! API change. A change is validated as a whole, then only what differs is
//! pushed to the dataplane; a rejected change leaves everything as it was.

use crate::events::Events;
use crate::features::FeatureSet;
use dataplane::Dataplane;
use lisa_engine::{commit, ApplyError, CommitError, Config, Mode, Registry, TextError};
use lisa_ports::model::with_ports;
use lisa_ports::PortsConfig;
use lisa_proto::v1::EventType;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Errors changing or saving the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The text has an error (with its line).
    #[error(transparent)]
    Text(#[from] TextError),
    /// A typed change breaks a rule (names the field).
    #[error("{0}")]
    Invalid(String),
    /// A feature refused the change, or failed it and put everything back.
    #[error("the switch refused the change: {0}")]
    Dataplane(String),
    /// Saving or reading a file failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// `cfg` without the switch ports that have only default settings.
fn without_bare_ports(mut cfg: Config) -> Config {
    let bare = lisa_ports::model::InterfaceConfig::default();
    cfg.get_mut::<PortsConfig>()
        .interfaces
        .retain(|n, i| lisa_types::is_svi(n) || *i != bare);
    cfg
}

impl From<CommitError> for ConfigError {
    fn from(e: CommitError) -> Self {
        match e {
            CommitError::Invalid(m) => ConfigError::Invalid(m),
            other => ConfigError::Dataplane(other.to_string()),
        }
    }
}

/// Why one line applied at once did not go in.
#[derive(Debug, thiserror::Error)]
pub enum LineFailure {
    /// The line does not parse or is refused (IOS's words).
    #[error(transparent)]
    Line(ApplyError),
    /// The change breaks a rule, or the switch refused it.
    #[error("% {0}")]
    Commit(ConfigError),
}

/// The running configuration and the features that carry it out.
pub struct Running {
    dp: Arc<Dataplane>,
    features: FeatureSet,
    events: Events,
    cfg: Mutex<Config>,
    startup: PathBuf,
    /// The startup-config's lines not applied at its last load, and when.
    startup_errors: Mutex<(Vec<TextError>, Option<Instant>)>,
    /// The configuration as last saved or loaded from the startup-config
    /// (at first, the defaults): `modified` compares with it.
    saved: Mutex<Config>,
}

impl Running {
    /// The default configuration over the dataplane's ports, saved to
    /// `startup` by `save`.
    pub fn new(
        dp: Arc<Dataplane>,
        features: FeatureSet,
        startup: PathBuf,
        events: Events,
    ) -> Running {
        let cfg = Running::base(&dp, &features.registry);
        Running {
            dp,
            features,
            events,
            saved: Mutex::new(cfg.clone()),
            cfg: Mutex::new(cfg),
            startup,
            startup_errors: Mutex::new((Vec::new(), None)),
        }
    }

    /// The defaults over the ports present (plugged: a port-channel is
    /// made by the configuration).
    fn base(dp: &Dataplane, reg: &Registry) -> Config {
        let names: Vec<String> = dp
            .port_names()
            .into_iter()
            .filter(|(id, _)| usize::from(*id) < dataplane::port::MAX_PORTS)
            .map(|(_, n)| n)
            .collect();
        with_ports(reg.default_config(), names.iter().map(String::as_str))
    }

    fn lock(&self) -> MutexGuard<'_, Config> {
        self.cfg.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The features.
    pub fn features(&self) -> &FeatureSet {
        &self.features
    }

    /// What the features registered: commands, rules, rendering.
    pub fn registry(&self) -> &Registry {
        &self.features.registry
    }

    /// Reads the running configuration without copying it.
    pub fn read<T>(&self, f: impl FnOnce(&Config) -> T) -> T {
        f(&self.lock())
    }

    /// `show running-config`.
    pub fn render(&self) -> String {
        self.registry().render(&self.lock())
    }

    /// The startup-config path.
    pub fn startup_path(&self) -> &Path {
        &self.startup
    }

    /// True if the running configuration is not what was last saved or
    /// loaded from the startup-config. Costs what differs: the large
    /// tables of the two are shared.
    /// A switch port plugged with no settings of its own changes nothing
    /// (IOS: a module inserted is no configuration change).
    pub fn modified(&self) -> bool {
        let saved = self.saved.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let cur = self.lock().clone();
        without_bare_ports(cur) != without_bare_ports(saved)
    }

    /// Applies configuration lines (global mode first) to the running
    /// config, as one commit. Returns what changed, named by the features.
    pub fn apply_text(&self, text: &str) -> Result<Vec<String>, ConfigError> {
        let mut cur = self.lock();
        let new = self.registry().apply_text(&cur, text)?;
        self.commit(&mut cur, new)
    }

    /// A copy of the running configuration (cheap: the large tables are
    /// shared, not copied).
    pub fn snapshot(&self) -> Config {
        self.lock().clone()
    }

    /// Applies one line in `mode` (which it moves, as `interface X` does)
    /// to the running config and commits it, as IOS does at a terminal.
    /// Returns what changed. Costs the line, not the configuration's size.
    pub fn apply_line(
        &self,
        mode: &mut Mode,
        line: &str,
        notices: &mut Vec<String>,
    ) -> Result<Vec<String>, LineFailure> {
        let mut cur = self.lock();
        let mut new = cur.clone();
        let said = self
            .registry()
            .apply_line_noting(&mut new, mode, line)
            .map_err(LineFailure::Line)?;
        let changed = self.commit(&mut cur, new).map_err(LineFailure::Commit)?;
        notices.extend(said);
        Ok(changed)
    }

    /// Applies a typed change to a copy of the running config and commits
    /// it whole; on any error nothing changes.
    pub fn edit<T>(
        &self,
        f: impl FnOnce(&mut Config) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let mut cur = self.lock();
        let mut new = cur.clone();
        let out = f(&mut new).map_err(ConfigError::Invalid)?;
        self.commit(&mut cur, new)?;
        Ok(out)
    }

    /// Commits `new` over `cur` (validate, prepare, apply) and announces
    /// it. Returns what changed.
    fn commit(&self, cur: &mut Config, mut new: Config) -> Result<Vec<String>, ConfigError> {
        let before = self.dp.port_names();
        commit(self.registry(), &self.features.appliers, cur, &new)?;
        self.ports_made_or_removed(&before, &mut new);
        let what = self.changed(cur, &new);
        *cur = new;
        Ok(what)
    }

    /// A commit can make switch ports or take them away (a port-channel):
    /// the features push a new one's settings as for a port just plugged
    /// (their appliers prepared the commit before it existed), and forget
    /// one removed. `new` records them present or absent.
    fn ports_made_or_removed(&self, before: &[(u16, String)], new: &mut Config) {
        let after = self.dp.port_names();
        let has = |list: &[(u16, String)], n: &str| list.iter().any(|(_, m)| m == n);
        for (_, name) in before.iter().filter(|(_, n)| !has(&after, n)) {
            new.get_mut::<PortsConfig>().unplugged(name);
            self.features.port_removed(&self.dp, new, name);
        }
        for (_, name) in &after {
            if !new.get::<PortsConfig>().is_present(name) {
                new.get_mut::<PortsConfig>().plugged(name);
            }
        }
        for (_, name) in after.iter().filter(|(_, n)| !has(before, n)) {
            if let Err(e) = self.features.port_added(&self.dp, new, name) {
                tracing::error!(port = %name, error = %e, "settings of a new port not pushed");
            }
        }
    }

    /// Announces a configuration change, naming what changed.
    fn changed(&self, old: &Config, new: &Config) -> Vec<String> {
        if old == new {
            return Vec::new();
        }
        let what = self.features.describe(old, new);
        self.events
            .emit(EventType::ConfigChanged, "", what.join(", "));
        what
    }

    /// The event feed.
    pub fn events(&self) -> &Events {
        &self.events
    }

    /// `reload`: the defaults (over the ports present), then the
    /// startup-config if there is one, as one change, applied as at boot
    /// (bad lines skipped and kept: `startup_errors`). Returns what changed.
    pub fn reload(&self) -> Result<Vec<String>, ConfigError> {
        tracing::info!("%SYS-5-RELOAD: Reloading the startup-config");
        let text = self.read_startup()?.unwrap_or_default();
        self.apply_startup(&text)
    }

    /// Loads the startup-config if there is one, as IOS boots: every line
    /// that can be applied is, the others are logged and kept
    /// (`startup_errors`). It goes in as two changes so that the workers
    /// need not wait for a large table: this commits everything but the
    /// tables the features defer (static routes), and returns the whole
    /// configuration for `finish_startup` once the workers run. None: there
    /// was no startup-config.
    pub fn load_startup(&self) -> Result<Option<Config>, ConfigError> {
        let Some(text) = self.read_startup()? else {
            return Ok(None);
        };
        let whole = self.parse_startup(&text);
        let first = self.registry().without_deferred(&whole);
        let mut cur = self.lock();
        self.commit(&mut cur, first)?;
        Ok(Some(whole))
    }

    /// The second change of `load_startup`: the deferred tables. If the
    /// switch refuses them, that is kept with the startup-config's errors
    /// (`show startup-config errors`), and the rest stays in.
    pub fn finish_startup(&self, whole: Config) -> Result<Vec<String>, ConfigError> {
        let mut cur = self.lock();
        let done = self.commit(&mut cur, whole);
        if let Err(e) = &done {
            let mut kept = self
                .startup_errors
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            kept.0.push(TextError {
                line: 0,
                text: "(the deferred tables: static routes)".into(),
                error: ApplyError::Rejected(e.to_string()),
            });
        }
        done
    }

    /// The startup-config's lines not applied at its last load, and when
    /// that was (None: never loaded).
    pub fn startup_errors(&self) -> (Vec<TextError>, Option<Instant>) {
        self.startup_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The startup-config's text; None if there is no file.
    pub fn read_startup(&self) -> Result<Option<String>, ConfigError> {
        match std::fs::read_to_string(&self.startup) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ConfigError::Io(
                format!("reading {}", self.startup.display()),
                e,
            )),
        }
    }

    /// The defaults, then `text` leniently, as one change.
    fn apply_startup(&self, text: &str) -> Result<Vec<String>, ConfigError> {
        let new = self.parse_startup(text);
        let mut cur = self.lock();
        self.commit(&mut cur, new)
    }

    /// The defaults with `text` applied leniently; its bad lines are logged
    /// and kept (`startup_errors`).
    fn parse_startup(&self, text: &str) -> Config {
        let base = Running::base(&self.dp, self.registry());
        let (new, errors) = self.registry().apply_text_lenient(&base, text);
        for e in &errors {
            tracing::error!(
                file = %self.startup.display(),
                line = e.line,
                text = %e.text,
                error = %e.error,
                "startup-config line not applied"
            );
        }
        *self
            .startup_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = (errors, Some(Instant::now()));
        *self.saved.lock().unwrap_or_else(|e| e.into_inner()) = new.clone();
        new
    }

    /// Writes the running config to the startup-config atomically: a temp
    /// file in the same directory, fsync, rename, fsync of the directory.
    /// Readable by root only: it holds the enable secret's hash.
    pub fn save(&self) -> Result<(), ConfigError> {
        let cfg = self.snapshot();
        let text = self.registry().render(&cfg);
        let path = &self.startup;
        crate::atomic_file::write(path, text.as_bytes(), 0o600)
            .map_err(|e| ConfigError::Io(format!("{} {}", e.what, e.path), e.source))?;
        *self.saved.lock().unwrap_or_else(|e| e.into_inner()) = cfg;
        tracing::info!(
            "%SYS-5-CONFIG_NV: Saved the running-config to {} ({} bytes)",
            path.display(),
            text.len()
        );
        Ok(())
    }

    /// A port was unplugged: it is absent (its settings stay) and the
    /// features forget it.
    pub fn port_removed(&self, name: &str) {
        let mut cur = self.lock();
        cur.get_mut::<PortsConfig>().unplugged(name);
        self.features.port_removed(&self.dp, &cur, name);
    }

    /// A port was plugged: make sure it has settings (a new one gets
    /// `description` if it has none) and push them.
    pub fn port_added(&self, name: &str, description: &str) -> Result<(), ConfigError> {
        let mut cur = self.lock();
        let entry = cur.get_mut::<PortsConfig>().plugged(name);
        if entry.description.is_empty() && !description.is_empty() {
            // As the text would keep it: trimmed, cut to the limit on a
            // character's boundary.
            let mut d = description.trim();
            if d.len() > lisa_ports::model::MAX_DESCRIPTION {
                let mut cut = lisa_ports::model::MAX_DESCRIPTION;
                while !d.is_char_boundary(cut) {
                    cut -= 1;
                }
                d = d[..cut].trim_end();
            }
            entry.description = d.to_string();
        }
        let pushed = self.features.port_added(&self.dp, &cur, name);
        if pushed.is_err() {
            // The caller takes the port back out.
            cur.get_mut::<PortsConfig>().unplugged(name);
        }
        pushed.map_err(ConfigError::Dataplane)
    }
}
