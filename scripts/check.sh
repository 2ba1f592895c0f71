#!/usr/bin/env bash
# Style gate, as CI runs it: rustfmt and clippy with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --release --workspace --all-targets -q -- -D warnings
