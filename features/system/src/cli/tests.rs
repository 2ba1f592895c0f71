use super::*;
use lisa_engine::Registry;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut reg = Registry::new();
    crate::register(&mut reg);
    reg
}

#[test]
fn enable_secret_is_kept_hashed() {
    let reg = registry();
    let c = reg
        .apply_text(&reg.default_config(), "enable secret cisco\nhostname sw1\n")
        .unwrap();
    let h = c.get::<SystemConfig>().enable_secret.clone().unwrap();
    assert!(secret::verify("cisco", &h));
    let text = reg.render(&c);
    assert!(text.contains(&format!("enable secret 9 {h}")), "{text}");
    assert!(!text.contains("cisco"));
    assert_eq!(reg.apply_text(&reg.default_config(), &text).unwrap(), c);
    assert!(reg
        .apply_text(&reg.default_config(), "enable secret 9 nothash")
        .is_err());
    let e = reg
        .apply_text(&reg.default_config(), "hostname bad!name")
        .unwrap_err();
    assert!(e.to_string().contains("hostname"), "{e}");
}

#[test]
fn enable_secret_in_ios_forms() {
    let reg = registry();
    let apply = |text: &str| reg.apply_text(&reg.default_config(), text);
    // Type 0: cleartext, kept as type 9 (IOS's own scrypt form).
    let c = apply("enable secret 0 cisco\n").unwrap();
    let h = c.get::<SystemConfig>().enable_secret.clone().unwrap();
    assert!(h.starts_with("$9$") && secret::verify("cisco", &h), "{h}");
    // Hashes IOS made, kept and shown as they came.
    for line in [
        "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
        "enable secret 8 $8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs",
        "enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
    ] {
        let c = apply(line).unwrap();
        assert!(reg.render(&c).contains(&format!("{line}\n")), "{line}");
        let h = c.get::<SystemConfig>().enable_secret.clone().unwrap();
        assert!(secret::verify("cisco", &h), "{line}");
    }
    // A hash of the wrong type, or no hash at all.
    let e = apply("enable secret 8 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0").unwrap_err();
    assert!(
        e.to_string().contains("Invalid PBKDF2 hashed secret"),
        "{e}"
    );
    assert!(apply("enable secret 5 cisco").is_err());
}

#[test]
fn defaults_render_short() {
    let reg = registry();
    assert_eq!(
        reg.render(&reg.default_config()),
        "!\nhostname lisa\n!\n!\nend\n"
    );
}

proptest! {
    /// Rendering the host name and applying it gives it back.
    #[test]
    fn render_then_apply_is_identity(host in "[a-z][a-z0-9-]{0,10}") {
        let reg = registry();
        let mut cfg = reg.default_config();
        cfg.get_mut::<SystemConfig>().hostname = host;
        let text = reg.render(&cfg);
        prop_assert_eq!(reg.apply_text(&reg.default_config(), &text).unwrap(), cfg);
    }
}

#[test]
fn uptime_reads_as_ios_writes_it() {
    use crate::cli::show::ios_uptime;
    assert_eq!(ios_uptime(5), "0 minutes");
    assert_eq!(ios_uptime(61), "1 minute");
    assert_eq!(ios_uptime(3 * 3600 + 120), "3 hours, 2 minutes");
    assert_eq!(
        ios_uptime(8 * 86_400 + 60),
        "1 week, 1 day, 0 hours, 1 minute"
    );
}

#[test]
fn clock_reads_as_ios_writes_it() {
    use crate::cli::show::ios_clock;
    use std::time::Duration;
    assert_eq!(
        ios_clock(Duration::from_millis(0)),
        "00:00:00.000 UTC Thu Jan 1 1970"
    );
    // 2026-11-30 11:35:35.123 UTC was a Monday.
    assert_eq!(
        ios_clock(Duration::from_millis(1_796_038_535_123)),
        "11:35:35.123 UTC Mon Nov 30 2026"
    );
    assert_eq!(
        ios_clock(Duration::from_secs(951_782_400)),
        "00:00:00.000 UTC Tue Feb 29 2000"
    );
}

#[test]
fn users_table_has_ios_columns() {
    use crate::cli::show::users_table;
    use lisa_proto::v1::UserLine;
    let line = |n: u32, name: &str, user: &str, host: &str, idle| UserLine {
        line: n,
        name: name.into(),
        user: user.into(),
        host: host.into(),
        idle_seconds: idle,
        ..Default::default()
    };
    let t = users_table(
        &[
            line(0, "con 0", "root", "", 71),
            line(2, "vty 1", "netops", "192.168.1.10", 90_000),
        ],
        Some(2),
    );
    let rows: Vec<&str> = t.lines().collect();
    assert_eq!(
        rows[0],
        "    Line       User       Host(s)              Idle       Location"
    );
    assert_eq!(
        rows[1],
        "   0 con 0     root       idle                 00:01:11"
    );
    assert_eq!(
        rows[2],
        "*  2 vty 1     netops     idle                    1d01h 192.168.1.10"
    );
}

/// Banners as real configs carry them: `^C` delimiters, blank lines, lines
/// that look like commands (`end`, `!`, indented ones) inside the text;
/// written back as IOS writes them, and read back the same, also by the
/// lenient boot.
#[test]
fn banners_span_lines_up_to_their_delimiter() {
    use crate::banner::BannerKind;
    let reg = registry();
    let text = "hostname sw1\n\
                banner motd ^CC\n\
                Authorized use only.\n\
                \n\
                end\n\
                \x20! not a comment\n\
                ^C\n\
                banner exec #Welcome# ignored\n\
                banner login ^C\n\
                line one\n\
                last^C\n\
                hostname sw2\n";
    let c = reg.apply_text(&reg.default_config(), text).unwrap();
    let s = c.get::<SystemConfig>();
    assert_eq!(s.hostname, "sw2", "the text ended at its delimiter");
    assert_eq!(
        s.banners[&BannerKind::Motd],
        "C\nAuthorized use only.\n\nend\n ! not a comment\n"
    );
    assert_eq!(s.banners[&BannerKind::Exec], "Welcome");
    assert_eq!(s.banners[&BannerKind::Login], "\nline one\nlast");
    let out = reg.render(&c);
    assert!(
        out.contains("banner exec ^CWelcome^C\nbanner login ^C\nline one\nlast^C\nbanner motd ^CC\nAuthorized use only.\n\nend\n ! not a comment\n^C\n"),
        "{out}"
    );
    assert_eq!(reg.apply_text(&reg.default_config(), &out).unwrap(), c);
    let (lenient, errors) = reg.apply_text_lenient(&reg.default_config(), &out);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(lenient, c);
    let gone = reg.apply_text(&c, "no banner motd\n").unwrap();
    assert!(!gone
        .get::<SystemConfig>()
        .banners
        .contains_key(&BannerKind::Motd));
    let e = reg
        .apply_text(&reg.default_config(), "banner motd #a ^C b#")
        .unwrap_err();
    assert!(e.to_string().contains("^C"), "{e}");
}
