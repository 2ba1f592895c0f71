//! What the features register, in one place: their configuration sections,
//! sub-modes, command trees with handlers, validation rules, rendering, and
//! cascades. Both `lisad` and `swcli` build one at start from the same
//! feature list.

use crate::args::Args;
use crate::config::{Config, Removed, Section};
use crate::exec::ExecHandler;
use crate::grammar::{kw, merge, Node};
use crate::mode::{Mode, EXEC, GLOBAL};
use crate::render::Rendered;
use crate::text::ApplyError;

/// What a configuration command runs.
pub type ConfigHandler = fn(&mut ConfigCtx<'_>, &Args) -> Result<(), ApplyError>;
/// What a line of a text mode runs (a `banner`'s text): the line as it
/// is, blank or not; the handler leaves the mode when the text ends.
pub type TextHandler = fn(&mut ConfigCtx<'_>, &str) -> Result<(), ApplyError>;
/// A rule over the whole candidate configuration; the error names the
/// setting and what is wrong. It runs at every change, so it must cost
/// what the small sections cost (VLANs, interfaces), never a large table.
pub type Validator = fn(&Config) -> Result<(), String>;
/// A rule over what a change does to a large table (routes, ARP entries):
/// `(before, after)`, where `before` is valid, so only what differs needs
/// checking (persistent maps diff in time proportional to the change).
pub type ChangeValidator = fn(&Config, &Config) -> Result<(), String>;
/// Writes a feature's part of the running configuration.
pub type Renderer = fn(&Config, &mut Rendered);
/// Writes a feature's lines of one interface's block: (rank, line).
pub type InterfaceRenderer = fn(&Config, &str, &mut Vec<(u16, String)>);
/// Fills a feature's part of the typed running configuration (the API's
/// `RunningConfig`): the fields `wanted` asks for.
pub type TypedView = fn(&Registry, &Config, &Fields, &mut lisa_proto::v1::RunningConfig);

/// The fields of `RunningConfig` a client asked for, by name.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<String>);

impl Fields {
    /// These fields (an empty list: every field).
    pub fn new(names: Vec<String>) -> Fields {
        Fields(names)
    }

    /// Every field.
    pub fn all() -> Fields {
        Fields(Vec::new())
    }

    /// Whether field `name` was asked for.
    pub fn wants(&self, name: &str) -> bool {
        self.0.is_empty() || self.0.iter().any(|f| f == name)
    }
}
/// Drops what hung on something removed.
pub type Cascade = fn(&mut Config, &Removed);
/// Empties a large table that may go in after the rest of a boot's
/// configuration (static routes): the workers start forwarding without
/// waiting for it.
pub type Deferred = fn(&mut Config);

/// What a handler works on: the candidate configuration and the mode.
pub struct ConfigCtx<'a> {
    /// The candidate configuration.
    pub cfg: &'a mut Config,
    /// The mode the line was read in; handlers that enter or leave a
    /// sub-mode change it.
    pub mode: &'a mut Mode,
    reg: &'a Registry,
    notices: Vec<String>,
}

impl ConfigCtx<'_> {
    /// Tells whoever typed the line something IOS would print for it, the
    /// line being taken: "% Access VLAN does not exist. Creating vlan 30".
    pub fn notice(&mut self, text: impl Into<String>) {
        self.notices.push(text.into());
    }

    /// What the handlers said (`notice`), taken out.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// What the current sub-mode configures.
    pub fn targets(&self) -> Vec<String> {
        self.mode.targets.clone()
    }

    /// Tells every feature that `what` is gone, so what hangs on it goes too.
    pub fn removed(&mut self, what: Removed) {
        for c in &self.reg.cascades {
            c(self.cfg, &what);
        }
    }
}

struct ModeSpec {
    id: &'static str,
    prompt: &'static str,
    tree: Vec<Node<ConfigHandler>>,
    /// For a text mode: what takes its lines (no grammar applies).
    text: Option<TextHandler>,
}

/// Everything the features registered.
pub struct Registry {
    features: Vec<&'static str>,
    default: Config,
    modes: Vec<ModeSpec>,
    validators: Vec<(&'static str, Validator)>,
    change_validators: Vec<(&'static str, ChangeValidator)>,
    renderers: Vec<Renderer>,
    interface_renderers: Vec<InterfaceRenderer>,
    cascades: Vec<Cascade>,
    deferred: Vec<Deferred>,
    exec: Vec<Node<ExecHandler>>,
    typed: Vec<TypedView>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

fn end(ctx: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    *ctx.mode = Mode::exec();
    Ok(())
}

fn exit(ctx: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    *ctx.mode = if ctx.mode.is_sub() {
        Mode::global()
    } else {
        Mode::exec()
    };
    Ok(())
}

fn leave() -> Vec<Node<ConfigHandler>> {
    vec![
        kw("end", "Exit from configure mode", vec![]).runs(end as ConfigHandler),
        kw("exit", "Exit from the current mode", vec![]).runs(exit as ConfigHandler),
    ]
}

impl Registry {
    /// A registry with global configuration mode and its `end` and `exit`.
    pub fn new() -> Registry {
        Registry {
            features: Vec::new(),
            default: Config::empty(),
            modes: vec![ModeSpec {
                id: GLOBAL,
                prompt: "(config)",
                tree: leave(),
                text: None,
            }],
            validators: Vec::new(),
            change_validators: Vec::new(),
            renderers: Vec::new(),
            interface_renderers: Vec::new(),
            cascades: Vec::new(),
            deferred: Vec::new(),
            exec: Vec::new(),
            typed: Vec::new(),
        }
    }

    /// Records that feature `name` registered (for `show` and errors).
    pub fn feature(&mut self, name: &'static str) {
        self.features.push(name);
    }

    /// The features, in registration order.
    pub fn features(&self) -> &[&'static str] {
        &self.features
    }

    /// Adds configuration section `T` (at its default) to every configuration.
    pub fn section<T: Section + Default>(&mut self) {
        self.default.add::<T>();
    }

    /// Declares sub-mode `id` with its prompt suffix (`(config-vlan)`); it
    /// gets `end` and `exit`.
    pub fn mode(&mut self, id: &'static str, prompt: &'static str) {
        self.mode_spec(id).prompt = prompt;
    }

    fn mode_spec(&mut self, id: &'static str) -> &mut ModeSpec {
        let i = match self.modes.iter().position(|m| m.id == id) {
            Some(i) => i,
            None => {
                self.modes.push(ModeSpec {
                    id,
                    prompt: "",
                    tree: leave(),
                    text: None,
                });
                self.modes.len() - 1
            }
        };
        &mut self.modes[i]
    }

    /// Declares text mode `id`: a command (`banner motd ^C`) enters it, and
    /// every line after, as it is (blank, `!`, `end` or indented alike), goes
    /// to `handler` until the handler leaves the mode (at the delimiter).
    /// It has no prompt.
    pub fn text_mode(&mut self, id: &'static str, handler: TextHandler) {
        let spec = self.mode_spec(id);
        spec.prompt = "";
        spec.text = Some(handler);
    }

    /// What takes the lines of `mode`, if it is a text mode.
    pub fn text_handler(&self, mode: &Mode) -> Option<TextHandler> {
        self.modes
            .iter()
            .find(|m| m.id == mode.id)
            .and_then(|m| m.text)
    }

    /// True if `mode` is a text mode: its lines are text, not commands.
    pub fn takes_text(&self, mode: &Mode) -> bool {
        self.text_handler(mode).is_some()
    }

    /// Adds commands to mode `mode`'s tree (a feature may add to a mode
    /// another feature declares). Two handlers for one command are a
    /// declaration error and panic here, when the binary starts.
    pub fn commands(&mut self, mode: &'static str, tree: Vec<Node<ConfigHandler>>) {
        if let Err(e) = merge(&mut self.mode_spec(mode).tree, tree) {
            panic!("mode {mode}: {e}");
        }
    }

    /// Adds a rule the whole configuration must follow.
    pub fn validator(&mut self, feature: &'static str, rule: Validator) {
        self.validators.push((feature, rule));
    }

    /// Adds a rule over what a change does to a large table.
    pub fn change_validator(&mut self, feature: &'static str, rule: ChangeValidator) {
        self.change_validators.push((feature, rule));
    }

    /// Adds a renderer of the running configuration.
    pub fn renderer(&mut self, r: Renderer) {
        self.renderers.push(r);
    }

    /// Adds a renderer of lines inside `interface` blocks.
    pub fn interface_renderer(&mut self, r: InterfaceRenderer) {
        self.interface_renderers.push(r);
    }

    /// Adds EXEC commands (`show ...`, `clear ...`); merged like
    /// configuration commands, with the same declaration errors.
    pub fn exec_commands(&mut self, tree: Vec<Node<ExecHandler>>) {
        if let Err(e) = merge(&mut self.exec, tree) {
            panic!("EXEC commands: {e}");
        }
    }

    /// The EXEC commands every feature declared.
    pub fn exec_tree(&self) -> &[Node<ExecHandler>] {
        &self.exec
    }

    /// Adds a feature's part of the typed running configuration.
    pub fn typed_view(&mut self, v: TypedView) {
        self.typed.push(v);
    }

    /// The running configuration as the API's typed message, with the
    /// fields `wanted` asks for.
    pub fn typed(&self, cfg: &Config, wanted: &Fields) -> lisa_proto::v1::RunningConfig {
        let mut out = lisa_proto::v1::RunningConfig::default();
        for v in &self.typed {
            v(self, cfg, wanted, &mut out);
        }
        out
    }

    /// Adds a cascade, run when something is removed.
    pub fn on_removed(&mut self, c: Cascade) {
        self.cascades.push(c);
    }

    /// Adds a table that a boot may put in after the rest.
    pub fn deferred(&mut self, d: Deferred) {
        self.deferred.push(d);
    }

    /// `cfg` without the deferred tables: what a boot commits before the
    /// workers start.
    pub fn without_deferred(&self, cfg: &Config) -> Config {
        let mut first = cfg.clone();
        for d in &self.deferred {
            d(&mut first);
        }
        first
    }

    /// The default configuration: every section at its default.
    pub fn default_config(&self) -> Config {
        self.default.clone()
    }

    /// The command tree of `mode` (the global tree for an unknown one).
    pub fn tree(&self, mode: &Mode) -> &[Node<ConfigHandler>] {
        let id = if mode.is_exec() { GLOBAL } else { mode.id };
        &self
            .modes
            .iter()
            .find(|m| m.id == id)
            .unwrap_or(&self.modes[0])
            .tree
    }

    /// The global configuration tree.
    pub fn global_tree(&self) -> &[Node<ConfigHandler>] {
        &self.modes[0].tree
    }

    /// The mode named `id` (as lisad's configuration session reports it);
    /// an unknown id is global configuration mode.
    pub fn mode_named(&self, id: &str) -> Mode {
        if id == EXEC {
            return Mode::exec();
        }
        let id = self
            .modes
            .iter()
            .find(|m| m.id == id)
            .map_or(GLOBAL, |m| m.id);
        Mode::sub(id, Vec::new())
    }

    /// The prompt suffix of `mode`: `(config)`, `(config-if)`, or "" in EXEC.
    pub fn prompt(&self, mode: &Mode) -> &'static str {
        if mode.id == EXEC {
            return "";
        }
        self.modes
            .iter()
            .find(|m| m.id == mode.id)
            .map(|m| m.prompt)
            .unwrap_or("(config)")
    }

    /// Checks every registered rule on `after`, a change from `before`
    /// (a valid configuration: the running one, or the defaults); the
    /// first broken rule is the error.
    pub fn validate(&self, before: &Config, after: &Config) -> Result<(), String> {
        for (_, rule) in &self.validators {
            rule(after)?;
        }
        for (_, rule) in &self.change_validators {
            rule(before, after)?;
        }
        Ok(())
    }

    /// The configuration as IOS text.
    pub fn render(&self, cfg: &Config) -> String {
        self.rendered(cfg).text()
    }

    /// What every feature rendered, before assembly.
    pub fn rendered(&self, cfg: &Config) -> Rendered {
        let mut out = Rendered::default();
        for r in &self.renderers {
            r(cfg, &mut out);
        }
        for name in out.interface_names() {
            for (rank, line) in self.interface_lines(cfg, &name) {
                out.interface_line(&name, rank, line);
            }
        }
        out
    }

    fn interface_lines(&self, cfg: &Config, name: &str) -> Vec<(u16, String)> {
        let mut lines = Vec::new();
        for r in &self.interface_renderers {
            r(cfg, name, &mut lines);
        }
        lines.sort_by_key(|(rank, _)| *rank);
        lines
    }

    /// The lines of interface `name`'s block (without `interface`), in
    /// IOS's order; costs only that interface.
    pub fn render_interface(&self, cfg: &Config, name: &str) -> Vec<String> {
        self.interface_lines(cfg, name)
            .into_iter()
            .map(|(_, l)| l)
            .collect()
    }

    /// Tells every feature that `what` is gone (for typed API changes; a
    /// handler uses `ConfigCtx::removed`).
    pub fn cascade(&self, cfg: &mut Config, what: &Removed) {
        for c in &self.cascades {
            c(cfg, what);
        }
    }

    /// A handler context over `cfg` in `mode`.
    pub fn ctx<'a>(&'a self, cfg: &'a mut Config, mode: &'a mut Mode) -> ConfigCtx<'a> {
        ConfigCtx {
            cfg,
            mode,
            reg: self,
            notices: Vec::new(),
        }
    }
}
