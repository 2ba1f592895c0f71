#!/bin/sh
# lisad as an external DUT for shared/bench/compare.sh: two vhost-user server
# ports at $BENCH_SOCK0/$BENCH_SOCK1, one worker on $BENCH_DUT_CPU, main lcore
# on $BENCH_GEN_CPU, hugepages within $BENCH_MEM_MB, EAL prefix $BENCH_FILE_PREFIX.
# LISAD_BIN runs another lisad binary (an A/B of two builds).
exec "${LISAD_BIN:-$(dirname "$(readlink -f "$0")")/../target/release/lisad}" \
  --socket "$BENCH_WORKDIR/lisa.sock" --file-prefix "$BENCH_FILE_PREFIX" \
  --memory "$BENCH_MEM_MB" --workers 1 \
  --main-core "$BENCH_GEN_CPU" --worker-cores "$BENCH_DUT_CPU" \
  --port "Vhost1=vhost-server:$BENCH_SOCK0" --port "Vhost2=vhost-server:$BENCH_SOCK1" \
  --log warn
