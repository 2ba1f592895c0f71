//! The `enable secret`: kept only as a salted scrypt hash (a PHC string,
//! like IOS's type 9 secrets), never in clear.

use scrypt::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use scrypt::{Params, Scrypt};

/// scrypt cost: 2^14 rounds, about 50 ms on this class of machine.
const LOG_N: u8 = 14;

/// Hashes `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    let params = Params::new(LOG_N, 8, 1, 32).map_err(|e| e.to_string())?;
    Scrypt
        .hash_password_customized(password.as_bytes(), None, None, params, &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// True if `hash` (a PHC string) is well-formed.
pub fn is_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str() == "scrypt")
}

/// True if `password` matches `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Scrypt.verify_password(password.as_bytes(), &h).is_ok())
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
        assert!(h.starts_with("$scrypt$"), "{h}");
        assert!(is_hash(&h));
        assert!(verify("s3cret", &h));
        assert!(!verify("s3cret!", &h));
        assert_ne!(h, hash("s3cret").unwrap(), "salted");
        assert!(!is_hash("plain"));
    }
}
