//! End-to-end: the gRPC TCP listener's protection (`control.tcp` with
//! `tls_cert`, `tls_key`, `tls_client_ca`, `token_file`) against real
//! clients: tonic over rustls and a stock Python grpcio client
//! (`tests/python/tls_client.py`), with a CA, server and client
//! certificates made by the `openssl` command; and the settings lisad
//! refuses to start with.

use crate::common;

use common::{serial, Lisad};
use lisa_proto::v1::{system_client::SystemClient, GetVersionRequest};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};

/// A CA with a server certificate (for 127.0.0.1 and localhost) and a
/// client certificate, and a second CA with its own client certificate
/// (`rogue`), in a temporary directory removed on drop.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(tag: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!("lisa-pki-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let pki = Pki { dir };
        pki.ca("ca");
        pki.ca("rogue-ca");
        pki.leaf(
            "server",
            "ca",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        );
        pki.leaf("client", "ca", "extendedKeyUsage=clientAuth\n");
        pki.leaf("rogue", "rogue-ca", "extendedKeyUsage=clientAuth\n");
        pki
    }

    /// The path of `name` in the directory, as text.
    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).unwrap()
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("run openssl (apt-get install openssl)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A self-signed CA: NAME.pem, NAME.key.
    fn ca(&self, name: &str) {
        let (pem, key, subject) = (
            format!("{name}.pem"),
            format!("{name}.key"),
            format!("/CN=lisa test {name}"),
        );
        self.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-days",
            "2",
            "-subj",
            &subject,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
    }

    /// NAME.pem and NAME.key, signed by CA, with the extensions `ext`.
    fn leaf(&self, name: &str, ca: &str, ext: &str) {
        let ext_file = format!("{name}.ext");
        std::fs::write(
            self.dir.join(&ext_file),
            format!("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n{ext}"),
        )
        .unwrap();
        let (pem, key, csr, subject) = (
            format!("{name}.pem"),
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("/CN=lisa test {name}"),
        );
        self.openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            &subject,
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            &pem,
            "-extfile",
            &ext_file,
        ]);
    }

    /// A file holding `token` with `mode`.
    fn token_file(&self, token: &str, mode: u32) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.join(format!("token-{mode:o}"));
        std::fs::write(&path, format!("{token}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path.display().to_string()
    }

    /// A boot config with `control: (BODY)`, written in the directory.
    fn boot(&self, name: &str, control: &str) -> String {
        let path = self.dir.join(format!("{name}.ron"));
        std::fs::write(&path, format!("(\n  control: (\n    {control}\n  ),\n)\n")).unwrap();
        path.display().to_string()
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Rust's client over TLS: trusting the test CA, presenting `identity`
/// (NAME of a certificate and key in `pki`) if given, sending `token` if given.
struct Client<'a> {
    pki: &'a Pki,
    port: u16,
    identity: Option<&'a str>,
    token: Option<&'a str>,
    tls: bool,
}

impl Client<'_> {
    /// `System.GetVersion`'s DPDK version, or the status of the call (a
    /// failed handshake or connection included: the channel is lazy).
    fn get_version(&self) -> Result<String, tonic::Status> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let scheme = if self.tls { "https" } else { "http" };
            let mut endpoint = Endpoint::from_shared(format!("{scheme}://127.0.0.1:{}", self.port))
                .unwrap()
                .timeout(Duration::from_secs(10))
                .connect_timeout(Duration::from_secs(10));
            if self.tls {
                let mut tls = ClientTlsConfig::new()
                    .ca_certificate(Certificate::from_pem(self.pki.read("ca.pem")))
                    .domain_name("localhost");
                if let Some(name) = self.identity {
                    tls = tls.identity(Identity::from_pem(
                        self.pki.read(&format!("{name}.pem")),
                        self.pki.read(&format!("{name}.key")),
                    ));
                }
                endpoint = endpoint.tls_config(tls).unwrap();
            }
            let authorization: Option<tonic::metadata::MetadataValue<_>> =
                self.token.map(|t| format!("Bearer {t}").parse().unwrap());
            let mut client = SystemClient::with_interceptor(
                endpoint.connect_lazy(),
                move |mut req: tonic::Request<()>| {
                    if let Some(value) = &authorization {
                        req.metadata_mut().insert("authorization", value.clone());
                    }
                    Ok(req)
                },
            );
            let version = client.get_version(GetVersionRequest {}).await?;
            Ok(version.into_inner().dpdk)
        })
    }
}

/// `tests/python/tls_client.py` against 127.0.0.1:PORT with `args`: its
/// JSON answer (per call, what came back or the status code's name).
fn python(pki: &Pki, port: u16, args: &[&str]) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/tls_client.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(format!("127.0.0.1:{port}"))
        .arg(pki.path("ca.pem"))
        .args(args)
        .output()
        .expect("run python3 (scripts/install-deps.sh installs grpcio and grpcio-reflection)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Starts lisad with the boot config `boot` expecting it to refuse: its
/// exit status is a failure, and what it printed is returned.
fn refused(pki: &Pki, boot: &str) -> String {
    let log = pki.dir.join("refused.log");
    let logf = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lisad"))
        .args(["--config", boot, "--memory", "256", "--workers", "1"])
        .arg("--socket")
        .arg(pki.dir.join("lisa.sock"))
        .arg("--startup-config")
        .arg(pki.dir.join("startup-config"))
        .args(["--vhost-dir", ""])
        .stdin(Stdio::null())
        .stdout(logf.try_clone().unwrap())
        .stderr(logf)
        .spawn()
        .expect("start lisad");
    let mut status = None;
    common::wait_until(Duration::from_secs(30), || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("lisad started with {boot}:\n{text}");
    };
    assert!(!status.success(), "lisad exited 0 with {boot}:\n{text}");
    text
}

fn version_ok(answer: Result<String, tonic::Status>) {
    let dpdk = answer.expect("GetVersion over TCP");
    assert!(dpdk.contains("DPDK"), "{dpdk}");
}

fn unix_socket_still_open(sw: &Lisad) {
    let (rt, channel) = sw.grpc();
    let version = rt
        .block_on(SystemClient::new(channel).get_version(GetVersionRequest {}))
        .expect("GetVersion on the unix socket, no certificate, no token");
    assert!(version.into_inner().dpdk.contains("DPDK"));
}

#[test]
fn mtls_admits_only_clients_with_a_certificate_of_the_ca() {
    let _serial = serial();
    let pki = Pki::new("mtls");
    let port = common::free_port();
    let boot = pki.boot(
        "mtls",
        &format!(
            r#"tcp: "127.0.0.1:{port}", tls_cert: "{}", tls_key: "{}", tls_client_ca: "{}","#,
            pki.path("server.pem"),
            pki.path("server.key"),
            pki.path("ca.pem")
        ),
    );
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--config", &boot]);
    // The log is written by a background thread: wait for the line.
    let line = format!("gRPC also on tcp 127.0.0.1:{port} (mTLS)");
    assert!(
        common::wait_until(Duration::from_secs(5), || sw.log_text().contains(&line)),
        "{}",
        sw.log_text()
    );
    let client = |identity, tls| Client {
        pki: &pki,
        port,
        identity,
        token: None,
        tls,
    };
    // tonic over rustls, with the client certificate: served.
    version_ok(client(Some("client"), true).get_version());
    // No client certificate, one of another CA, or no TLS at all: refused.
    for (what, c) in [
        ("no client certificate", client(None, true)),
        ("a certificate of another CA", client(Some("rogue"), true)),
        ("plain HTTP/2", client(None, false)),
    ] {
        let status = c.get_version().expect_err(what);
        assert_ne!(status.code(), tonic::Code::Ok, "{what}");
    }
    // A stock grpcio client: the version, health and reflection with the
    // client certificate; nothing without.
    let with_cert = python(
        &pki,
        port,
        &[
            "--cert",
            &pki.path("client.pem"),
            "--key",
            &pki.path("client.key"),
        ],
    );
    assert_eq!(with_cert["version"], "ok", "{with_cert}");
    assert_eq!(with_cert["health"], "SERVING", "{with_cert}");
    let services = with_cert["reflection"].to_string();
    assert!(services.contains("\"lisa.v1.System\""), "{with_cert}");
    let without = python(&pki, port, &[]);
    assert_eq!(without["version"], "UNAVAILABLE", "{without}");
    assert_eq!(without["health"], "UNAVAILABLE", "{without}");
    let rogue = python(
        &pki,
        port,
        &[
            "--cert",
            &pki.path("rogue.pem"),
            "--key",
            &pki.path("rogue.key"),
        ],
    );
    assert_eq!(rogue["version"], "UNAVAILABLE", "{rogue}");
    unix_socket_still_open(&sw);
}

#[test]
fn token_guards_every_call_on_tcp() {
    let _serial = serial();
    let pki = Pki::new("token");
    let port = common::free_port();
    let token = "lisa-Test-7f3c9a1e5b";
    // On every address, not only loopback: the token makes that allowed.
    let boot = pki.boot(
        "token",
        &format!(
            r#"tcp: "0.0.0.0:{port}", tls_cert: "{}", tls_key: "{}", token_file: "{}","#,
            pki.path("server.pem"),
            pki.path("server.key"),
            pki.token_file(token, 0o600)
        ),
    );
    let sw = Lisad::start(&[("Ethernet1", "null")], &["--config", &boot]);
    // The log is written by a background thread: wait for the line.
    let line = format!("gRPC also on tcp 0.0.0.0:{port} (TLS + token)");
    assert!(
        common::wait_until(Duration::from_secs(5), || sw.log_text().contains(&line)),
        "{}",
        sw.log_text()
    );
    let client = |token| Client {
        pki: &pki,
        port,
        identity: None,
        token,
        tls: true,
    };
    version_ok(client(Some(token)).get_version());
    for (what, t) in [
        ("no token", None),
        ("a wrong token", Some("lisa-Test-7f3c9a1e5c")),
        ("a prefix of the token", Some("lisa-Test")),
    ] {
        let status = client(t).get_version().expect_err(what);
        assert_eq!(
            status.code(),
            tonic::Code::Unauthenticated,
            "{what}: {status:?}"
        );
    }
    let status = client(None).get_version().unwrap_err();
    assert!(
        status.message().contains("authorization: Bearer"),
        "{status:?}"
    );
    // grpcio: reflection and health are behind the token too.
    let with = python(&pki, port, &["--token", token]);
    assert_eq!(with["version"], "ok", "{with}");
    assert_eq!(with["health"], "SERVING", "{with}");
    assert!(
        with["reflection"]
            .to_string()
            .contains("\"lisa.v1.System\""),
        "{with}"
    );
    let without = python(&pki, port, &[]);
    for call in ["version", "health", "reflection"] {
        assert_eq!(without[call], "UNAUTHENTICATED", "{call}: {without}");
    }
    let wrong = python(&pki, port, &["--token", "nope"]);
    assert_eq!(wrong["version"], "UNAUTHENTICATED", "{wrong}");
    assert!(sw.log_text().contains("refused: the bearer token is wrong"));
    unix_socket_still_open(&sw);
}

#[test]
fn unsafe_or_broken_tcp_settings_refuse_to_start() {
    let _serial = serial();
    let pki = Pki::new("refuse");
    let port = common::free_port();
    let (cert, key, ca) = (
        pki.path("server.pem"),
        pki.path("server.key"),
        pki.path("ca.pem"),
    );
    let tls = format!(r#"tls_cert: "{cert}", tls_key: "{key}","#);
    let open_token = pki.token_file("lisa-Test-token", 0o644);
    let garbage = pki.dir.join("garbage.pem");
    std::fs::write(&garbage, "-----BEGIN CERTIFICATE-----\nnot base64!\n").unwrap();
    let garbage = garbage.display().to_string();
    let missing = pki.path("missing.pem");
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "plain TCP on every address",
            format!(r#"tcp: "0.0.0.0:{port}","#),
            vec![format!(
                "control.tcp: 0.0.0.0:{port} is not a loopback address and plain TCP lets anyone"
            )],
        ),
        (
            "TLS without client authentication on every address",
            format!(r#"tcp: "0.0.0.0:{port}", {tls}"#),
            vec!["control.tcp:".into(), "TLS alone".into()],
        ),
        (
            "a token file others can read",
            format!(r#"tcp: "127.0.0.1:{port}", {tls} token_file: "{open_token}","#),
            vec![format!(
                "control.token_file: {open_token} has mode 0644: group and others may not have any access to the token; chmod 600 it"
            )],
        ),
        (
            "a certificate without its key",
            format!(r#"tcp: "127.0.0.1:{port}", tls_cert: "{cert}","#),
            vec!["control.tls_key: must be set with control.tls_cert".into()],
        ),
        (
            "a key without its certificate",
            format!(r#"tcp: "127.0.0.1:{port}", tls_key: "{key}","#),
            vec!["control.tls_cert: must be set with control.tls_key".into()],
        ),
        (
            "client certificates without TLS",
            format!(r#"tcp: "127.0.0.1:{port}", tls_client_ca: "{ca}","#),
            vec!["control.tls_client_ca: client certificates need TLS".into()],
        ),
        (
            "a certificate file that is not there",
            format!(r#"tcp: "127.0.0.1:{port}", tls_cert: "{missing}", tls_key: "{key}","#),
            vec![format!("control.tls_cert: cannot read {missing}")],
        ),
        (
            "a certificate file that is not PEM",
            format!(r#"tcp: "127.0.0.1:{port}", tls_cert: "{garbage}", tls_key: "{key}","#),
            vec![format!("control.tls_cert: {garbage}: not a PEM certificate file")],
        ),
        (
            "a key file holding a certificate",
            format!(r#"tcp: "127.0.0.1:{port}", tls_cert: "{cert}", tls_key: "{cert}","#),
            vec![format!("control.tls_key: {cert}: no private key")],
        ),
        (
            "a key that is not the certificate's",
            format!(
                r#"tcp: "127.0.0.1:{port}", tls_cert: "{cert}", tls_key: "{}","#,
                pki.path("client.key")
            ),
            vec![format!("control.tls_cert {cert} with control.tls_key")],
        ),
        (
            "a client CA file without a certificate",
            format!(
                r#"tcp: "127.0.0.1:{port}", {tls} tls_client_ca: "{}","#,
                pki.path("server.key")
            ),
            vec!["control.tls_client_ca: ".into(), "no certificate in it".into()],
        ),
    ];
    for (i, (what, control, wants)) in cases.iter().enumerate() {
        let boot = pki.boot(&format!("case{i}"), control);
        let text = refused(&pki, &boot);
        for want in wants {
            assert!(text.contains(want), "{what}: no '{want}' in:\n{text}");
        }
        // Refused before DPDK was asked for anything.
        assert!(!text.contains("starting dataplane"), "{what}:\n{text}");
    }
    // Nothing was left listening.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
