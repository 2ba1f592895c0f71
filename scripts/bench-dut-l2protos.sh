#!/bin/sh
# lisad as a switching DUT for shared/bench/compare.sh with the L2
# protocols a real network needs on: the rapid spanning tree (its ports
# portfast, so they forward at once), storm control of broadcast and
# multicast on both ports, and LLDP. The budget of #17 is under 3 %
# against scripts/bench-dut.sh in the same run.
set -eu
cfg="$BENCH_WORKDIR/startup-config"
port() {
  printf 'interface %s\n spanning-tree portfast\n storm-control broadcast level 10.00\n storm-control multicast level 10.00\n!\n' "$1"
}
{
  printf 'spanning-tree mode rapid-pvst\nlldp run\n!\n'
  port Vhost1
  port Vhost2
  printf 'end\n'
} > "$cfg"
exec "$(dirname "$(readlink -f "$0")")/../target/release/lisad" \
  --socket "$BENCH_WORKDIR/lisa.sock" --file-prefix "$BENCH_FILE_PREFIX" \
  --memory "$BENCH_MEM_MB" --workers 1 \
  --main-core "$BENCH_GEN_CPU" --worker-cores "$BENCH_DUT_CPU" \
  --port "Vhost1=vhost-server:$BENCH_SOCK0" --port "Vhost2=vhost-server:$BENCH_SOCK1" \
  --startup-config "$cfg" --log warn
