//! The Debian package as an operator installs it: built by
//! `scripts/package.sh` (cargo-deb) from the release binaries, installed
//! with `dpkg -i` on this machine, checked (binaries, man pages,
//! completions, the conffile, the systemd unit by `systemd-analyze
//! verify`), then purged.

use crate::common;

use common::serial;
use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?}:\n{text}");
    text
}

#[test]
fn the_debian_package_installs_a_working_switch() {
    let _serial = serial();
    let root = env!("CARGO_MANIFEST_DIR");
    run(Command::new("bash")
        .arg(format!("{root}/scripts/package.sh"))
        .env("LISA_PACKAGE_PREBUILT", "1"));
    let deb = std::fs::read_dir(format!("{root}/target/debian"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .expect("a .deb in target/debian");
    run(Command::new("dpkg").arg("-i").arg(&deb));
    let installed = std::panic::catch_unwind(|| {
        let config = run(Command::new("/usr/bin/lisad").arg("--print-default-config"));
        let built =
            run(Command::new(format!("{root}/target/release/lisad")).arg("--print-default-config"));
        assert_eq!(config, built);
        assert!(
            config.contains("socket: \"/run/lisa/lisa.sock\""),
            "{config}"
        );
        assert!(run(Command::new("/usr/bin/swcli").arg("--version")).starts_with("swcli "));
        run(Command::new("/usr/bin/hugepage-setup").arg("--help"));
        assert_eq!(
            std::fs::read_to_string("/etc/lisa/lisad.ron").unwrap(),
            config,
            "the boot config, as a conffile"
        );
        let files = run(Command::new("dpkg").args(["-L", "lisad"]));
        for f in [
            "/usr/share/man/man1/lisad.1.gz",
            "/usr/share/man/man1/swcli.1.gz",
            "/usr/share/bash-completion/completions/swcli",
            "/usr/share/zsh/vendor-completions/_swcli",
            "/usr/share/fish/vendor_completions.d/swcli.fish",
            "/usr/lib/systemd/system/lisad.service",
        ] {
            assert!(files.lines().any(|l| l == f), "{f} not in:\n{files}");
            assert!(Path::new(f).exists(), "{f}");
        }
        let verify = run(Command::new("systemd-analyze")
            .args(["verify", "/usr/lib/systemd/system/lisad.service"]));
        assert!(
            verify.trim().is_empty(),
            "systemd-analyze verify:\n{verify}"
        );
        let unit = std::fs::read_to_string("/usr/lib/systemd/system/lisad.service").unwrap();
        assert!(unit.contains("Type=notify"), "{unit}");
    });
    run(Command::new("dpkg").args(["-P", "lisad"]));
    assert!(!Path::new("/usr/bin/lisad").exists(), "purged");
    if let Err(e) = installed {
        std::panic::resume_unwind(e);
    }
}
