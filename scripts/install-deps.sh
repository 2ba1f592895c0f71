#!/usr/bin/env bash
# Installs what LiSA-DP needs to build, test and run on Debian 12 (idempotent),
# then reserves hugepages. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(dpdk dpdk-dev libdpdk-dev pkg-config clang libclang-dev protobuf-compiler g++
      iproute2 iputils-ping procps tcpdump python3
      libvirt-daemon-system libvirt-clients qemu-system-x86 busybox-static
      openssh-server man-db openssl lldpd openvswitch-switch)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The automation tests' Python tools: grpcio and its reflection client,
# ntc-templates (TextFSM) to read swcli's output as IOS tools do, and scapy
# for the hostile-frame suite's attackers; the IOS automation tools driven
# over SSH (tests/e2e/ios_tools.rs): Netmiko, NAPALM, Ansible with cisco.ios;
# Prometheus' own parser for the OpenMetrics endpoint (tests/e2e/metrics.rs).
if ! python3 -c "import grpc, grpc_reflection, ntc_templates, scapy, netmiko, napalm, ansible_collections.cisco.ios, prometheus_client" 2>/dev/null; then
  pkgs=(grpcio grpcio-reflection protobuf "ntc-templates==9.3.0" "scapy==2.6.1"
        "netmiko==4.8.0" "napalm==5.2.0" "ansible==10.7.0" "prometheus-client==0.26.0")
  python3 -m pip install -q --root-user-action=ignore "${pkgs[@]}" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "${pkgs[@]}"
fi
if ! command -v cargo >/dev/null; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null || { echo "cargo (Rust) is required: install it with rustup" >&2; exit 1; }
# The fuzz targets (scripts/fuzz.sh): cargo-fuzz builds them on stable Rust
# (no sanitizer); g++ above compiles its libFuzzer.
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# The Debian package (scripts/package.sh, tests/e2e/package.rs): cargo-deb.
if ! cargo deb --version >/dev/null 2>&1; then
  cargo install cargo-deb --locked
fi

# Hugepages: build hugepage-setup and make sure ${LISA_HUGEPAGES_MB:-1024} MB are reserved.
cargo build --release -q -p hugepage-setup
./target/release/hugepage-setup --mb "${LISA_HUGEPAGES_MB:-1024}"
