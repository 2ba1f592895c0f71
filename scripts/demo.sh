#!/usr/bin/env bash
# LiSA-DP demo on a fresh machine: installs what is missing, reserves
# hugepages, starts lisad with two tap ports, moves them into two network
# namespaces (two hosts), pings across the switch, shows what the switch saw,
# then stops everything it started. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
cargo build --release --workspace -q

SOCK=/tmp/lisa-demo/lisa.sock
NS_A=lisa-demo-a NS_B=lisa-demo-b
TAP_A=lisademo1 TAP_B=lisademo2
mkdir -p /tmp/lisa-demo
LISAD_PID=
cleanup() {
  [ -n "$LISAD_PID" ] && kill -TERM "$LISAD_PID" 2>/dev/null && wait "$LISAD_PID" 2>/dev/null || true
  ip netns del $NS_A 2>/dev/null || true
  ip netns del $NS_B 2>/dev/null || true
  rm -rf /tmp/lisa-demo
}
trap cleanup EXIT

echo "== starting lisad with Ethernet1=tap:$TAP_A and Ethernet2=tap:$TAP_B (1 worker)"
./target/release/lisad --socket $SOCK --workers 1 --memory 256 \
  --port Ethernet1=tap:$TAP_A --port Ethernet2=tap:$TAP_B >/tmp/lisa-demo/lisad.log 2>&1 &
LISAD_PID=$!
for _ in $(seq 100); do [ -S $SOCK ] && break; sleep 0.1; done
[ -S $SOCK ] || { cat /tmp/lisa-demo/lisad.log; echo "lisad did not start" >&2; exit 1; }

echo "== two hosts: $NS_A (10.77.0.1) on Ethernet1, $NS_B (10.77.0.2) on Ethernet2"
for side in A B; do
  ns_var=NS_$side tap_var=TAP_$side
  ns=${!ns_var} tap=${!tap_var} ip=10.77.0.$([ $side = A ] && echo 1 || echo 2)
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip link set "$tap" netns "$ns"
  ip -n "$ns" addr add "$ip/24" dev "$tap"
  ip -n "$ns" link set "$tap" up
  ip -n "$ns" link set lo up
done

echo "== ping from $NS_A to $NS_B through the switch"
ip netns exec $NS_A ping -c 4 -i 0.2 -W 1 10.77.0.2

echo "== swcli"
./target/release/swcli --socket $SOCK -c 'show version' -c 'show mac address-table' -c 'show interfaces status'

echo "== routing: $NS_A in VLAN 10 (10.0.10.2), $NS_B in VLAN 20 (10.0.20.2), SVIs as gateways"
./target/release/swcli --socket $SOCK <<'EOF'
configure terminal
vlan 10,20
interface Ethernet1
 switchport access vlan 10
interface Ethernet2
 switchport access vlan 20
interface Vlan10
 ip address 10.0.10.1 255.255.255.0
interface Vlan20
 ip address 10.0.20.1 255.255.255.0
end
EOF
for side in A B; do
  ns_var=NS_$side tap_var=TAP_$side
  ns=${!ns_var} tap=${!tap_var} net=$([ $side = A ] && echo 10 || echo 20)
  ip -n "$ns" addr flush dev "$tap"
  ip -n "$ns" addr add "10.0.$net.2/24" dev "$tap"
  ip -n "$ns" route add default via "10.0.$net.1"
done
ip netns exec $NS_A ping -c 4 -i 0.2 -W 1 10.0.20.2
./target/release/swcli --socket $SOCK -c 'show ip interface brief' -c 'show ip route' -c 'show ip arp' -c 'show dataplane performance'
echo "== stopping"
