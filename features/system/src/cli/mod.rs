//! The commands of feature `system`, with their handlers and rendering:
//! `hostname`, `enable secret` and their `no`.

pub mod banner;
pub mod compat;
pub mod show;

use crate::model::{SystemConfig, DEFAULT_HOSTNAME};
use crate::secret;
use lisa_engine::render::{order, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Node};

type Tree = Vec<Node<ConfigHandler>>;

/// `enable secret N HASH` for a hash type.
fn hashed(number: &'static str, help: &'static str, name: &'static str) -> Node<ConfigHandler> {
    let arg_help: &'static str = match name {
        "MD5" => "The MD5 HASHED 'enable' secret string",
        "PBKDF2" => "The PBKDF2 HASHED 'enable' secret string",
        _ => "The SCRYPT HASHED 'enable' secret string",
    };
    kw(
        number,
        help,
        vec![arg("hash", ArgKind::Word, arg_help, vec![]).runs(enable_secret as ConfigHandler)],
    )
}

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
                        "0",
                        "Specifies an UNENCRYPTED password will follow",
                        vec![arg(
                            "secret",
                            ArgKind::Word,
                            "The UNENCRYPTED (cleartext) 'enable' secret",
                            vec![],
                        )
                        .runs(enable_secret as ConfigHandler)],
                    ),
                    hashed("5", "Specifies a MD5 HASHED secret will follow", "MD5"),
                    hashed(
                        "8",
                        "Specifies a PBKDF2 HASHED secret will follow",
                        "PBKDF2",
                    ),
                    hashed(
                        "9",
                        "Specifies a SCRYPT HASHED secret will follow",
                        "SCRYPT",
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
        // The keyword before the hash names its type.
        let number = ["5", "8", "9"]
            .into_iter()
            .find(|n| a.has(n))
            .unwrap_or("0");
        let kind = secret::SecretType::from_number(number.parse().unwrap_or(0));
        match kind {
            Some(k) if secret::is_hash(k, h) => Some(h.to_string()),
            Some(k) => return Err(reject(format!("Invalid {} hashed secret", type_name(k)))),
            None => return Err(reject("Invalid hashed secret")),
        }
    } else {
        Some(secret::hash(a.text("secret").unwrap_or_default()).map_err(reject)?)
    };
    ctx.cfg.get_mut::<SystemConfig>().enable_secret = secret;
    Ok(())
}

/// IOS's word for a secret type in its error.
fn type_name(k: secret::SecretType) -> &'static str {
    match k {
        secret::SecretType::Md5 => "MD5",
        secret::SecretType::Pbkdf2 => "PBKDF2",
        secret::SecretType::Scrypt => "SCRYPT",
    }
}

/// `hostname`, then `enable secret N HASH` when set.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let s = cfg.get::<SystemConfig>();
    let mut text = format!("hostname {}\n!\n", s.hostname);
    if let Some(h) = &s.enable_secret {
        let n = secret::SecretType::of(h).map_or(9, |t| t as u8);
        text.push_str(&format!("enable secret {n} {h}\n!\n"));
    }
    out.block(order::SYSTEM, text);
}

#[cfg(test)]
mod tests;
