//! Feature `mirror`: port mirroring as IOS's local SPAN. A monitor session
//! copies what its source interfaces (or VLANs) receive, send, or both, to
//! its destination interface; the destination then carries only those
//! copies (it leaves switching, as on IOS).
#![forbid(unsafe_code)]

pub mod cli;
pub mod model;

pub use model::{Direction, MonitorConfig, Session, MAX_SESSION};

/// Registers the feature's section, commands, rules, rendering and
/// cascade.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("mirror");
    reg.section::<MonitorConfig>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.validator("mirror", model::validate);
    reg.renderer(cli::render);
    reg.on_removed(model::cascade);
    reg.exec_commands(cli::show::exec_commands());
}
