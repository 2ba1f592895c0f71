#!/usr/bin/env bash
# Runs every LiSA-DP test on this machine: installs what is missing, reserves
# hugepages, then unit tests and end-to-end tests (real lisad, DPDK, namespaces),
# then every fuzz target for LISA_FUZZ_SECONDS (default 15) each.
# Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
# The tests' build: the release profile without link-time optimisation
# (linking some 30 test binaries with thin LTO was a third of CI's time).
# Behaviour is the same; the benchmarks build with the full profile. No
# debug info either (about a minute less of CI; a failing test still
# names its file and line).
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_DEBUG=0
cargo build --release --workspace
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --release --workspace -- --test-threads=1 2>&1 | tee "$log" || status=$?
# One closing line over every test binary.
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "all tests: %d passed, %d failed, %d skipped\n", p, f, i }' "$log"
# Every fuzz target for a bounded time (LISA_FUZZ_SECONDS each; 0 skips).
fuzz_secs="${LISA_FUZZ_SECONDS:-15}"
if [ "$fuzz_secs" != 0 ]; then
  scripts/fuzz.sh "$fuzz_secs" || status=1
fi
exit $status
