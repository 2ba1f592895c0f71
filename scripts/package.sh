#!/usr/bin/env bash
# Builds LiSA-DP's Debian package with cargo-deb: target/debian/lisad_*.deb.
# It installs lisad, swcli, hugepage-setup and lisa-libvirt-hook in
# /usr/bin, their man pages and bash/zsh/fish completions (each binary
# writes its own: LISA_GEN_DOCS), /etc/lisa/lisad.ron (lisad's default boot
# config, a conffile) and the lisad systemd unit (not enabled).
#   scripts/package.sh            build it
#   sudo dpkg -i target/debian/lisad_*.deb
# LISA_PACKAGE_PREBUILT=1 packages the release binaries already built
# (tests/e2e/package.rs, which runs inside cargo test).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
command -v cargo-deb >/dev/null || cargo install cargo-deb --locked
[ -n "${LISA_PACKAGE_PREBUILT:-}" ] || cargo build --release --workspace
out=target/package
rm -rf "$out"
mkdir -p "$out"
for bin in lisad swcli hugepage-setup lisa-libvirt-hook; do
  LISA_GEN_DOCS="$out" "target/release/$bin"
done
gzip -9n "$out"/man/*.1
target/release/lisad --print-default-config > "$out/lisad.ron"
cargo deb -p lisad --no-build --strip "$@"
