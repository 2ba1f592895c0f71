//! The protection of the gRPC TCP listener (`control.tcp`): TLS (rustls,
//! through tonic), client certificates signed by a CA (mTLS), and a bearer
//! token every call must carry. The unix socket has none of these: its
//! file mode and group say who may use it.
//!
//! `BootConfig::validate` checks the settings together; `TcpProtection::load`
//! reads the files at start, before the dataplane, so a bad file stops
//! lisad with its name.

use crate::boot::ControlConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;
use tonic::transport::{Certificate, Identity, ServerTlsConfig};

/// How long a TCP client may take over the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A file of the TCP listener's protection that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TcpAuthError {
    /// The file cannot be read.
    #[error("control.{field}: cannot read {}: {reason}", path.display())]
    Read {
        /// The setting naming the file.
        field: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: std::io::Error,
    },
    /// The file's content is not what the setting needs.
    #[error("control.{field}: {}: {what}", path.display())]
    Invalid {
        /// The setting naming the file.
        field: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// The token file may be read (or changed) by others than its owner.
    #[error(
        "control.token_file: {} has mode {mode:04o}: group and others may not have any access \
         to the token; chmod 600 it",
        path.display()
    )]
    TokenFileMode {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// rustls refuses the certificate and key together (a key that is
    /// not the certificate's, say).
    #[error("control.tls_cert {} with control.tls_key {}: {what}", cert.display(), key.display())]
    Tls {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// rustls' reason.
        what: String,
    },
}

/// The bearer token, kept out of `Debug` output.
#[derive(Clone)]
struct Token(Arc<[u8]>);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

/// What protects the TCP listener: read from the files `control.tls_*` and
/// `control.token_file` name.
#[derive(Debug, Clone, Default)]
pub struct TcpProtection {
    tls: Option<ServerTlsConfig>,
    client_ca: bool,
    token: Option<Token>,
}

impl TcpProtection {
    /// Reads and checks the files the settings name (none set: plain TCP).
    /// The settings themselves are checked by `BootConfig::validate`.
    pub fn load(control: &ControlConfig) -> Result<TcpProtection, TcpAuthError> {
        let mut protection = TcpProtection::default();
        if !control.tls_cert.as_os_str().is_empty() {
            let cert = read("tls_cert", &control.tls_cert)?;
            let key = read("tls_key", &control.tls_key)?;
            certificates("tls_cert", &control.tls_cert, &cert)?;
            PrivateKeyDer::from_pem_slice(&key).map_err(|e| TcpAuthError::Invalid {
                field: "tls_key",
                path: control.tls_key.clone(),
                what: format!("no private key (PEM: PKCS#8, PKCS#1 or SEC1): {e}"),
            })?;
            let mut tls = ServerTlsConfig::new()
                .identity(Identity::from_pem(cert, key))
                .timeout(HANDSHAKE_TIMEOUT);
            if !control.tls_client_ca.as_os_str().is_empty() {
                let ca = read("tls_client_ca", &control.tls_client_ca)?;
                certificates("tls_client_ca", &control.tls_client_ca, &ca)?;
                tls = tls.client_ca_root(Certificate::from_pem(ca));
                protection.client_ca = true;
            }
            // rustls builds its configuration now, not at the first client:
            // a key that is not the certificate's stops lisad here.
            tonic::transport::Server::builder()
                .tls_config(tls.clone())
                .map_err(|e| TcpAuthError::Tls {
                    cert: control.tls_cert.clone(),
                    key: control.tls_key.clone(),
                    what: error_chain(&e),
                })?;
            protection.tls = Some(tls);
        }
        if !control.token_file.as_os_str().is_empty() {
            protection.token = Some(read_token(&control.token_file)?);
        }
        Ok(protection)
    }

    /// The TLS settings for tonic's server, if TLS is on.
    pub fn tls(&self) -> Option<ServerTlsConfig> {
        self.tls.clone()
    }

    /// The check of every call on TCP (lets every call through when no
    /// token is set).
    pub fn token_check(&self) -> TokenCheck {
        TokenCheck(self.token.clone())
    }

    /// True when a TCP client cannot use the API without proving who it is
    /// (a client certificate or the token).
    pub fn authenticates(&self) -> bool {
        self.client_ca || self.token.is_some()
    }

    /// True when the TCP listener speaks TLS.
    pub fn encrypts(&self) -> bool {
        self.tls.is_some()
    }

    /// What protects the listener, in a few words for the log.
    pub fn describe(&self) -> &'static str {
        match (self.tls.is_some(), self.client_ca, self.token.is_some()) {
            (true, true, true) => "mTLS + token",
            (true, true, false) => "mTLS",
            (true, false, true) => "TLS + token",
            // Off loopback, `BootConfig::validate` wants authentication.
            (true, false, false) => "TLS on loopback, no client authentication",
            (false, _, true) => "token, no TLS",
            (false, _, false) => "plain TCP on loopback, no authentication",
        }
    }
}

/// A tonic interceptor that asks every call for `authorization: Bearer
/// <token>` and answers `UNAUTHENTICATED` without it. The token is compared
/// in constant time.
#[derive(Debug, Clone)]
pub struct TokenCheck(Option<Token>);

impl tonic::service::Interceptor for TokenCheck {
    fn call(&mut self, request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        let Some(Token(want)) = &self.0 else {
            return Ok(request);
        };
        let given = request
            .metadata()
            .get("authorization")
            .and_then(|v| bearer(v.as_bytes()));
        let refusal = match given {
            None => {
                "this TCP listener needs a token: send the metadata `authorization: Bearer <token>`"
            }
            Some(given) if bool::from(given.ct_eq(want)) => return Ok(request),
            Some(_) => "the bearer token is wrong",
        };
        let peer = request
            .remote_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|| "?".into());
        tracing::warn!("gRPC on TCP: call from {peer} refused: {refusal}");
        Err(tonic::Status::unauthenticated(refusal))
    }
}

/// The token of an `authorization` value `Bearer <token>` (the scheme in
/// any case, RFC 6750).
fn bearer(value: &[u8]) -> Option<&[u8]> {
    const SCHEME: &[u8] = b"bearer ";
    (value.len() > SCHEME.len() && value[..SCHEME.len()].eq_ignore_ascii_case(SCHEME))
        .then(|| value[SCHEME.len()..].trim_ascii())
}

fn read(field: &'static str, path: &Path) -> Result<Vec<u8>, TcpAuthError> {
    std::fs::read(path).map_err(|reason| TcpAuthError::Read {
        field,
        path: path.to_path_buf(),
        reason,
    })
}

/// Checks that `pem` holds at least one certificate, and only good ones.
fn certificates(field: &'static str, path: &Path, pem: &[u8]) -> Result<(), TcpAuthError> {
    let invalid = |what: String| TcpAuthError::Invalid {
        field,
        path: path.to_path_buf(),
        what,
    };
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(invalid(
            "no certificate in it (PEM: -----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    Ok(())
}

/// Reads the token file: its owner's alone, one non-empty line of
/// characters a metadata value can carry.
fn read_token(path: &Path) -> Result<Token, TcpAuthError> {
    let read_error = |reason| TcpAuthError::Read {
        field: "token_file",
        path: path.to_path_buf(),
        reason,
    };
    let mode = std::fs::metadata(path)
        .map_err(read_error)?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(TcpAuthError::TokenFileMode {
            path: path.to_path_buf(),
            mode: mode & 0o7777,
        });
    }
    let text = std::fs::read(path).map_err(read_error)?;
    let token = text.trim_ascii();
    let invalid = |what: &str| TcpAuthError::Invalid {
        field: "token_file",
        path: path.to_path_buf(),
        what: what.into(),
    };
    if token.is_empty() {
        return Err(invalid("the file is empty: write the token in it"));
    }
    if !token.iter().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "the token must be one line of printable ASCII without spaces",
        ));
    }
    Ok(Token(token.into()))
}

/// The sources of `e`, joined by ": " (tonic's transport error itself
/// says only "transport error").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::service::Interceptor;

    fn call(check: &mut TokenCheck, authorization: Option<&str>) -> Result<(), tonic::Status> {
        let mut request = tonic::Request::new(());
        if let Some(value) = authorization {
            request
                .metadata_mut()
                .insert("authorization", value.parse().unwrap());
        }
        check.call(request).map(|_| ())
    }

    fn token_file(dir: &Path, text: &str, mode: u32) -> PathBuf {
        let path = dir.join("token");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lisa-tcp-auth-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn token_check_wants_the_bearer_token() {
        let mut check = TokenCheck(Some(Token(b"s3cret-t0ken".as_slice().into())));
        assert!(call(&mut check, Some("Bearer s3cret-t0ken")).is_ok());
        assert!(call(&mut check, Some("bearer s3cret-t0ken")).is_ok());
        for bad in [
            None,
            Some("Bearer s3cret-t0ke"),
            Some("Bearer s3cret-t0kenX"),
            Some("Bearer "),
            Some("Basic s3cret-t0ken"),
            Some("s3cret-t0ken"),
        ] {
            let status = call(&mut check, bad).unwrap_err();
            assert_eq!(status.code(), tonic::Code::Unauthenticated, "{bad:?}");
        }
        assert!(call(&mut check, None)
            .unwrap_err()
            .message()
            .contains("authorization: Bearer"));
        // No token set: every call goes through.
        assert!(call(&mut TokenCheck(None), None).is_ok());
    }

    #[test]
    fn token_file_must_be_the_owners_alone() {
        let dir = temp_dir("mode");
        let path = token_file(&dir, "abc123\n", 0o644);
        let e = read_token(&path).unwrap_err();
        assert!(matches!(e, TcpAuthError::TokenFileMode { mode: 0o644, .. }));
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(&*read_token(&path).unwrap().0, b"abc123");
        let empty = token_file(&dir, " \n", 0o400);
        assert!(read_token(&empty)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unreadable_and_invalid_files_are_named() {
        let dir = temp_dir("pem");
        let mut control = ControlConfig {
            tls_cert: dir.join("missing.pem"),
            tls_key: dir.join("missing.key"),
            ..ControlConfig::default()
        };
        let e = TcpProtection::load(&control).unwrap_err().to_string();
        assert!(e.starts_with("control.tls_cert: cannot read "), "{e}");
        assert!(e.contains("missing.pem"), "{e}");
        let junk = dir.join("junk.pem");
        std::fs::write(&junk, "not a certificate\n").unwrap();
        control.tls_cert = junk.clone();
        control.tls_key = junk.clone();
        let e = TcpProtection::load(&control).unwrap_err().to_string();
        assert!(
            e.contains("control.tls_cert") && e.contains("junk.pem"),
            "{e}"
        );
        assert!(e.contains("no certificate"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn describe_names_the_protection() {
        assert_eq!(
            TcpProtection::default().describe(),
            "plain TCP on loopback, no authentication"
        );
        let token = TcpProtection {
            token: Some(Token(b"x".as_slice().into())),
            ..TcpProtection::default()
        };
        assert_eq!(token.describe(), "token, no TLS");
        assert!(token.authenticates() && !token.encrypts());
    }
}
