#!/usr/bin/env bash
# Runs every LiSA-DP test on this machine: installs what is missing, reserves
# hugepages, then unit tests and end-to-end tests (real lisad, DPDK, namespaces).
# Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
cargo build --release --workspace
cargo test --release --workspace -- --test-threads=1
