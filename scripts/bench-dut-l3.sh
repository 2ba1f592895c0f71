#!/bin/bash
# lisad as a routing DUT for shared/bench/compare.sh --l3: Vhost1 ($BENCH_SOCK0)
# in VLAN 10 and Vhost2 ($BENCH_SOCK1) in VLAN 20, SVIs 10.0.10.1/24 and
# 10.0.20.1/24, static ARP for the generator's hosts, and routes to the
# generator's destinations: two aggregates (16.0.0.0/5, 24.0.0.0/5), or with
# BENCH_ROUTES=1M every /24 under them (1,048,576 routes, from the
# startup-config). Writes the router MAC to $BENCH_WORKDIR/peer-mac.
# LISAD_BIN runs another lisad binary (an A/B of two builds).
set -euo pipefail
here="$(dirname "$(readlink -f "$0")")"
cfg="$BENCH_WORKDIR/startup-config"
{
  printf 'vlan 10,20\n!\n'
  printf 'interface Vhost1\n switchport access vlan 10\n!\n'
  printf 'interface Vhost2\n switchport access vlan 20\n!\n'
  printf 'interface Vlan10\n ip address 10.0.10.1 255.255.255.0\n!\n'
  printf 'interface Vlan20\n ip address 10.0.20.1 255.255.255.0\n!\n'
  printf 'arp 10.0.10.2 %s arpa\narp 10.0.20.2 %s arpa\n' "$BENCH_GEN_MAC0" "$BENCH_GEN_MAC1"
  if [ "${BENCH_ROUTES:-}" = "1M" ]; then
    awk 'BEGIN {
      for (a = 16; a < 32; a++) for (b = 0; b < 256; b++) for (c = 0; c < 256; c++)
        printf "ip route %d.%d.%d.0 255.255.255.0 %s\n", a, b, c, (a < 24 ? "10.0.20.2" : "10.0.10.2")
    }'
  else
    printf 'ip route 16.0.0.0 248.0.0.0 10.0.20.2\nip route 24.0.0.0 248.0.0.0 10.0.10.2\n'
  fi
  printf 'end\n'
} > "$cfg"
"${LISAD_BIN:-$here/../target/release/lisad}" \
  --socket "$BENCH_WORKDIR/lisa.sock" --file-prefix "$BENCH_FILE_PREFIX" \
  --memory "$BENCH_MEM_MB" --workers 1 \
  --main-core "$BENCH_GEN_CPU" --worker-cores "$BENCH_DUT_CPU" \
  --port "Vhost1=vhost-server:$BENCH_SOCK0" --port "Vhost2=vhost-server:$BENCH_SOCK1" \
  --startup-config "$cfg" --log warn &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' TERM INT
for _ in $(seq 600); do
  [ -S "$BENCH_WORKDIR/lisa.sock" ] && break
  sleep 0.1
done
mac=$("$here/../target/release/swcli" --socket "$BENCH_WORKDIR/lisa.sock" -c "show ip arp" |
  awk '$2 == "10.0.10.1" { print $4 }' | tr -d . | sed 's/../&:/g; s/:$//')
echo "$mac" > "$BENCH_WORKDIR/peer-mac"
wait $pid
