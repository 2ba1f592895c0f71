//! Feature `system`: the switch's host name (prompt, `show version`) and
//! the `enable secret`, kept only as a scrypt hash.
#![forbid(unsafe_code)]

pub mod banner;
pub mod cli;
pub mod model;
pub mod secret;

pub use model::{SystemConfig, DEFAULT_HOSTNAME};

/// Registers the feature's section, commands, rules and rendering.
pub fn register(reg: &mut lisa_engine::Registry) {
    reg.feature("system");
    reg.section::<SystemConfig>();
    reg.commands(lisa_engine::mode::GLOBAL, cli::global_commands());
    reg.commands(lisa_engine::mode::GLOBAL, cli::compat::global_commands());
    reg.commands(lisa_engine::mode::GLOBAL, cli::banner::global_commands());
    reg.text_mode(banner::BANNER_TEXT, cli::banner::text);
    reg.typed_view(cli::banner::typed_view);
    reg.validator("system", model::validate);
    reg.renderer(cli::render);
    reg.renderer(cli::banner::render);
    reg.exec_commands(cli::show::exec_commands());
}
