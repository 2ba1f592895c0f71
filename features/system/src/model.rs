//! Host name and enable secret, with their rules.

use crate::banner::BannerKind;
use lisa_engine::Config;
use std::collections::BTreeMap;

/// Default host name.
pub const DEFAULT_HOSTNAME: &str = "lisa";

/// The section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemConfig {
    /// Host name (prompt and `show version`).
    pub hostname: String,
    /// The `enable secret`, hashed (see `secret`).
    pub enable_secret: Option<String>,
    /// The banners set, with their text (lines joined by `\n`).
    pub banners: BTreeMap<BannerKind, String>,
}

impl Default for SystemConfig {
    fn default() -> Self {
        SystemConfig {
            hostname: DEFAULT_HOSTNAME.into(),
            enable_secret: None,
            banners: BTreeMap::new(),
        }
    }
}

/// One rule for a host name: 1-63 letters, digits, `-`, `_` or `.`.
pub fn check_hostname(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name.len() > 63
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.')
    {
        return Err(format!(
            "hostname '{name}': use 1-63 letters, digits, '-', '_' or '.'"
        ));
    }
    Ok(())
}

/// The rules: a valid host name, a secret that is a hash of a type IOS
/// has (5, 8 or 9).
pub fn validate(cfg: &Config) -> Result<(), String> {
    let s = cfg.get::<SystemConfig>();
    check_hostname(&s.hostname)?;
    if let Some(h) = &s.enable_secret {
        let known = crate::secret::SecretType::of(h).is_some_and(|t| crate::secret::is_hash(t, h));
        if !known {
            return Err("enable secret: not a type 5, 8 or 9 hash".into());
        }
    }
    for (kind, text) in &s.banners {
        crate::banner::check_text(text).map_err(|e| format!("banner {}: {e}", kind.name()))?;
    }
    Ok(())
}
