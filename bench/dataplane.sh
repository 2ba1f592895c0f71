#!/bin/bash
# The dataplane benchmark of README.md's Performance section: lisad against
# testpmd-io (and OVS-DPDK NORMAL where it applies) in one interleaved run
# per traffic shape, through ../shared/bench/compare.sh. Writes one .txt and
# one .json per shape to OUT (default target/bench), then the plot.
# Run as root, with nothing else busy: sudo bench/dataplane.sh [OUT] [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/bench}
repeat=${2:-5}
mkdir -p "$out"
cmp=../shared/bench/compare.sh
lisad="lisad=$PWD/scripts/bench-dut.sh"
l3="lisad-l3=$PWD/scripts/bench-dut-l3.sh"
l3m="lisad-l3-1M=BENCH_ROUTES=1M $PWD/scripts/bench-dut-l3.sh"
ovs=()
if dpkg-query -W -f='${Status}' openvswitch-switch-dpdk 2>/dev/null | grep -q "install ok installed"; then
  ovs=(--dut ovs-normal)
fi
run() {
  local name=$1; shift
  "$cmp" --repeat "$repeat" --seconds 8 --out "$out/$name.json" "$@" | tee "$out/$name.txt"
}
run flows-1 --dut testpmd-io "${ovs[@]}" --dut "$lisad"
run flows-1024 --dut testpmd-io "${ovs[@]}" --dut "$lisad" --flows 1024
run flows-65536 --dut testpmd-io "${ovs[@]}" --dut "$lisad" --flows 65536
run flows-1024-1518B --dut testpmd-io --dut "$lisad" --flows 1024 --size 1518
run l3-65536 --dut testpmd-io --dut "$l3" --dut "$l3m" --l3 --flows 65536 --ext-timeout 240
python3 bench/plot.py "$out"
