#!/bin/bash
# A ../shared/bench/compare.sh DUT that also records where lisad's cycles go:
# runs DUT-SCRIPT (scripts/bench-dut.sh, scripts/bench-dut-l3.sh, ...) and,
# BENCH_PERF_AT seconds into each trial (default 9: after start-up and
# warm-up; give compare.sh --seconds 10 or more), clears `show dataplane
# performance`, waits BENCH_PERF_WINDOW seconds (default 3) and appends the
# table to BENCH_PERF_OUT (default target/bench/perf.txt).
#   compare.sh --dut "lisad=$PWD/bench/dut-perf.sh $PWD/scripts/bench-dut.sh" \
#     --flows 1024 --repeat 1 --seconds 12
set -euo pipefail
here="$(dirname "$(readlink -f "$0")")"
swcli="$here/../target/release/swcli"
out="${BENCH_PERF_OUT:-$here/../target/bench/perf.txt}"
mkdir -p "$(dirname "$out")"
"$@" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' TERM INT
(
  sleep "${BENCH_PERF_AT:-9}"
  sock="$BENCH_WORKDIR/lisa.sock"
  "$swcli" --socket "$sock" -c "clear dataplane performance" >/dev/null 2>&1 || exit 0
  sleep "${BENCH_PERF_WINDOW:-3}"
  { echo "# $*"; "$swcli" --socket "$sock" -c "show dataplane performance"; } >>"$out" 2>&1
) &
wait $pid
