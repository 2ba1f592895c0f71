//! The `enable secret`: kept only as a salted hash, never in clear, in
//! IOS's own formats so a config moves between LiSA-DP and IOS as it is:
//! type 9 (scrypt, `$9$salt$hash`, what LiSA-DP makes), type 8
//! (PBKDF2-SHA256, `$8$...`) and type 5 (MD5-crypt, `$1$...`) are read and
//! checked. Hashes from earlier LiSA-DP versions (PHC `$scrypt$...`) still
//! check.

use scrypt::password_hash::{PasswordHash, PasswordVerifier};
use scrypt::{Params, Scrypt};

/// Cisco's base64 alphabet (crypt's), in the standard bit order.
const CISCO_B64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Salt length of type 8 and 9 secrets.
const SALT_LEN: usize = 14;

/// An IOS secret type: what `enable secret N HASH` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretType {
    /// MD5-crypt.
    Md5 = 5,
    /// PBKDF2-SHA256, 20000 rounds.
    Pbkdf2 = 8,
    /// scrypt, N=2^14, r=1, p=1.
    Scrypt = 9,
}

impl SecretType {
    /// The type named by IOS's number.
    pub fn from_number(n: u8) -> Option<SecretType> {
        match n {
            5 => Some(SecretType::Md5),
            8 => Some(SecretType::Pbkdf2),
            9 => Some(SecretType::Scrypt),
            _ => None,
        }
    }

    /// The type of a stored hash.
    pub fn of(hash: &str) -> Option<SecretType> {
        if hash.starts_with("$1$") {
            Some(SecretType::Md5)
        } else if hash.starts_with("$8$") {
            Some(SecretType::Pbkdf2)
        } else if hash.starts_with("$9$") || hash.starts_with("$scrypt$") {
            Some(SecretType::Scrypt)
        } else {
            None
        }
    }
}

/// Standard base64 bit order, Cisco's alphabet, no padding.
fn cisco_b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(CISCO_B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The type 8 or 9 digest of `password` with `salt`.
fn digest(kind: SecretType, password: &str, salt: &str) -> Option<String> {
    let mut out = [0u8; 32];
    match kind {
        SecretType::Scrypt => {
            let params = Params::new(14, 1, 1, 32).ok()?;
            scrypt::scrypt(password.as_bytes(), salt.as_bytes(), &params, &mut out).ok()?;
        }
        SecretType::Pbkdf2 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
            password.as_bytes(),
            salt.as_bytes(),
            20_000,
            &mut out,
        ),
        SecretType::Md5 => return None,
    }
    Some(cisco_b64(&out))
}

/// Hashes `password` as IOS's type 9 with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let mut raw = [0u8; SALT_LEN];
    getrandom(&mut raw)?;
    let salt: String = raw
        .iter()
        .map(|b| CISCO_B64[usize::from(b % 64)] as char)
        .collect();
    let d = digest(SecretType::Scrypt, password, &salt).ok_or("scrypt failed")?;
    Ok(format!("$9${salt}${d}"))
}

/// True if `hash` is a well-formed secret of type `kind`.
pub fn is_hash(kind: SecretType, hash: &str) -> bool {
    let cisco = |s: &str| s.bytes().all(|c| CISCO_B64.contains(&c));
    match kind {
        SecretType::Md5 => {
            let mut parts = hash.strip_prefix("$1$").unwrap_or("\0").split('$');
            matches!((parts.next(), parts.next(), parts.next()),
                (Some(salt), Some(h), None) if (1..=8).contains(&salt.len()) && h.len() == 22 && cisco(salt) && cisco(h))
        }
        SecretType::Pbkdf2 | SecretType::Scrypt => {
            if hash.starts_with("$scrypt$") {
                return kind == SecretType::Scrypt
                    && PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str() == "scrypt");
            }
            let prefix = if kind == SecretType::Scrypt {
                "$9$"
            } else {
                "$8$"
            };
            let mut parts = hash.strip_prefix(prefix).unwrap_or("\0").split('$');
            matches!((parts.next(), parts.next(), parts.next()),
                (Some(salt), Some(h), None) if salt.len() == SALT_LEN && h.len() == 43 && cisco(salt) && cisco(h))
        }
    }
}

/// True if `password` matches the stored `hash` (any type above).
pub fn verify(password: &str, hash: &str) -> bool {
    if hash.starts_with("$scrypt$") {
        return PasswordHash::new(hash)
            .is_ok_and(|h| Scrypt.verify_password(password.as_bytes(), &h).is_ok());
    }
    match SecretType::of(hash) {
        Some(SecretType::Md5) => pwhash::md5_crypt::verify(password, hash),
        Some(kind) => {
            let mut parts = hash[3..].split('$');
            match (parts.next(), parts.next()) {
                (Some(salt), Some(want)) => {
                    digest(kind, password, salt).is_some_and(|d| constant_eq(&d, want))
                }
                _ => false,
            }
        }
        None => false,
    }
}

/// Compares without stopping at the first difference.
fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn getrandom(buf: &mut [u8]) -> Result<(), String> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .map_err(|e| format!("reading /dev/urandom: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("s3cret").unwrap();
        assert!(h.starts_with("$9$"), "{h}");
        assert!(is_hash(SecretType::Scrypt, &h), "{h}");
        assert!(verify("s3cret", &h));
        assert!(!verify("s3cret!", &h));
        assert_ne!(h, hash("s3cret").unwrap(), "salted");
        assert!(!is_hash(SecretType::Scrypt, "plain"));
    }

    /// Secrets made by IOS itself (password "cisco").
    #[test]
    fn ios_made_secrets_check() {
        let t9 = "$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM";
        let t8 = "$8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs";
        let t5 = "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0";
        for (kind, h) in [
            (SecretType::Scrypt, t9),
            (SecretType::Pbkdf2, t8),
            (SecretType::Md5, t5),
        ] {
            assert!(is_hash(kind, h), "{h}");
            assert_eq!(SecretType::of(h), Some(kind));
            assert!(verify("cisco", h), "{h}");
            assert!(!verify("Cisco", h), "{h}");
        }
        assert!(!is_hash(SecretType::Pbkdf2, t9));
    }
}
