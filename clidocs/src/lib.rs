//! A command's man page and shell completions, from its clap definition:
//! each LiSA-DP binary writes its own when started with `LISA_GEN_DOCS=DIR`
//! in the environment (`scripts/package.sh` does, for the Debian package).
#![forbid(unsafe_code)]

use clap_complete::Shell;
use std::path::Path;

/// The environment variable that asks a binary for its documents.
pub const ENV: &str = "LISA_GEN_DOCS";

/// If `LISA_GEN_DOCS` names a directory, writes `cmd`'s man page
/// (`DIR/man/NAME.1`) and completions (`DIR/completions/`: bash `NAME`,
/// zsh `_NAME`, fish `NAME.fish`) and returns true: the binary should then
/// exit.
pub fn generate_if_asked(cmd: clap::Command) -> bool {
    let Some(dir) = std::env::var_os(ENV) else {
        return false;
    };
    if let Err(e) = write(cmd, Path::new(&dir)) {
        eprintln!(
            "writing the documents to {}: {e}",
            Path::new(&dir).display()
        );
        std::process::exit(1);
    }
    true
}

/// Writes `cmd`'s man page and completions under `dir`.
pub fn write(mut cmd: clap::Command, dir: &Path) -> std::io::Result<()> {
    let name = cmd.get_name().to_string();
    let man = dir.join("man");
    let completions = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    std::fs::write(man.join(format!("{name}.1")), page)?;
    for (shell, file) in [
        (Shell::Bash, name.clone()),
        (Shell::Zsh, format!("_{name}")),
        (Shell::Fish, format!("{name}.fish")),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut cmd, name.clone(), &mut out);
        std::fs::write(completions.join(file), out)?;
    }
    Ok(())
}
