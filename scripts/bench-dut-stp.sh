#!/bin/sh
# lisad as a switching DUT for shared/bench/compare.sh with the rapid
# spanning tree on (its ports portfast, so they forward at once): the
# budget of #17 is under 3 % against scripts/bench-dut.sh in the same run.
set -eu
cfg="$BENCH_WORKDIR/startup-config"
printf 'spanning-tree mode rapid-pvst\n!\ninterface Vhost1\n spanning-tree portfast\n!\ninterface Vhost2\n spanning-tree portfast\n!\nend\n' > "$cfg"
exec "$(dirname "$(readlink -f "$0")")/../target/release/lisad" \
  --socket "$BENCH_WORKDIR/lisa.sock" --file-prefix "$BENCH_FILE_PREFIX" \
  --memory "$BENCH_MEM_MB" --workers 1 \
  --main-core "$BENCH_GEN_CPU" --worker-cores "$BENCH_DUT_CPU" \
  --port "Vhost1=vhost-server:$BENCH_SOCK0" --port "Vhost2=vhost-server:$BENCH_SOCK1" \
  --startup-config "$cfg" --log warn
