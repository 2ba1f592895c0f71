//! The commands of feature `system`, with their handlers and rendering:
//! `hostname`, `enable secret` and their `no`.

pub mod compat;
pub mod show;

use crate::model::{SystemConfig, DEFAULT_HOSTNAME};
use crate::secret;
use lisa_engine::render::{order, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};

type Tree = Vec<Node<ConfigHandler>>;

/// Global-mode commands.
pub fn global_commands() -> Tree {
    vec![
        kw(
            "enable",
            "Modify enable password parameters",
            vec![kw(
                "secret",
                "Assign the privileged level secret",
                vec![
                    kw(
                        "9",
                        "Specifies a SCRYPT hashed secret will follow",
                        vec![arg(
                            "hash",
                            ArgKind::Word,
                            "The SCRYPT hashed 'enable' secret string",
                            vec![],
                        )
                        .runs(enable_secret as ConfigHandler)],
                    ),
                    arg(
                        "secret",
                        ArgKind::Word,
                        "The UNENCRYPTED (cleartext) 'enable' secret",
                        vec![],
                    )
                    .runs(enable_secret as ConfigHandler),
                ],
            )],
        ),
        kw(
            "hostname",
            "Set system's network name",
            vec![
                arg("name", ArgKind::Word, "This system's network name", vec![])
                    .runs(hostname as ConfigHandler),
            ],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                kw(
                    "enable",
                    "Modify enable password parameters",
                    vec![kw("secret", "Assign the privileged level secret", vec![])
                        .runs(enable_secret as ConfigHandler)],
                ),
                kw("hostname", "Set system's network name", vec![]).runs(hostname as ConfigHandler),
            ],
        ),
    ]
}

fn hostname(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let name = if a.negated() {
        DEFAULT_HOSTNAME
    } else {
        a.text("name").unwrap_or_default()
    };
    crate::model::check_hostname(name).map_err(reject)?;
    ctx.cfg.get_mut::<SystemConfig>().hostname = name.to_string();
    Ok(())
}

fn enable_secret(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let secret = if a.negated() {
        None
    } else if let Some(h) = a.text("hash") {
        if !secret::is_hash(h) {
            return Err(reject("Invalid SCRYPT hashed secret"));
        }
        Some(h.to_string())
    } else {
        Some(secret::hash(a.text("secret").unwrap_or_default()).map_err(reject)?)
    };
    ctx.cfg.get_mut::<SystemConfig>().enable_secret = secret;
    Ok(())
}

/// `hostname`, then `enable secret 9 HASH` when set.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let s = cfg.get::<SystemConfig>();
    let mut text = format!("hostname {}\n!\n", s.hostname);
    if let Some(h) = &s.enable_secret {
        text.push_str(&format!("enable secret 9 {h}\n!\n"));
    }
    out.block(order::SYSTEM, text);
}

#[cfg(test)]
mod tests;
