#!/usr/bin/env bash
# Builds a tiny guest for the libvirt end-to-end test: Debian's kernel
# (downloaded with apt, not installed) and a busybox initramfs that loads the
# virtio-net modules, gives each NIC an address from the kernel command line
# and pings the host on the switch's far side, printing what it sees on the
# serial console.
#
#   build-guest.sh OUTDIR      -> OUTDIR/vmlinuz, OUTDIR/initrd.gz
#
# Needs busybox-static. Idempotent: an OUTDIR that has both files, built by
# this version of the script, is kept.
set -euo pipefail
out=${1:?usage: build-guest.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp=$(sha256sum "$0" | cut -c1-16)
[ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
kernel_pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'; }
pkg=$(kernel_pkg)
[ -n "$pkg" ] || { apt-get update -q >/dev/null; pkg=$(kernel_pkg); }
[ -n "$pkg" ] || { echo "build-guest: no linux-image package (apt-get update?)" >&2; exit 1; }
# _apt cannot write here: download as root, quietly.
apt-get download -q "$pkg" 2>&1 | grep -v "unsandboxed" || true
dpkg-deb -x ./*.deb kernel
ver=$(ls kernel/lib/modules)
cp "kernel/boot/vmlinuz-$ver" "$out/vmlinuz"

root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,lib/modules,tmp,etc}
cp /bin/busybox "$root/bin/busybox"
mods=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net)
for m in "${mods[@]}"; do
  f=$(find "kernel/lib/modules/$ver" -name "$m.ko*" | head -1)
  [ -n "$f" ] || { echo "build-guest: module $m not in $pkg" >&2; exit 1; }
  case $f in
    *.xz) xz -dc "$f" >"$root/lib/modules/$m.ko" ;;
    *) cp "$f" "$root/lib/modules/$m.ko" ;;
  esac
done
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net; do
  insmod /lib/modules/$m.ko
done
# lisa_net=ADDR/LEN,PEER;ADDR/LEN,PEER: one per NIC, in order (eth0, eth1...).
nets=$(sed -n 's/.*lisa_net=\([^ ]*\).*/\1/p' /proc/cmdline)
# lisa_tcp=IP: fetch http://IP:8080/ over TCP once (a kernel host's server;
# busybox nc, as this busybox's wget crashes):
# the guest's TCP goes out with checksum offload, as a distribution's does.
tcp=$(sed -n 's/.*lisa_tcp=\([^ ]*\).*/\1/p' /proc/cmdline)
ip link set lo up
echo "LISA-GUEST: booted"
while true; do
  i=0
  for net in $(echo "$nets" | tr ';' ' '); do
    dev=eth$i
    i=$((i + 1))
    [ -e /sys/class/net/$dev ] || continue
    addr=${net%,*}
    peer=${net#*,}
    if ! ip addr show dev $dev | grep -q "inet $addr"; then
      ip link set $dev up
      ip addr add $addr dev $dev
      echo "LISA-GUEST: $dev up with $addr"
    fi
    if ping -c 1 -W 1 -I $dev $peer >/dev/null 2>&1; then
      echo "LISA-GUEST: $dev ping $peer ok"
    fi
    if [ "$peer" = "$tcp" ] && [ ! -e /tmp/tcp-$dev ] &&
      printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 2 "$peer" 8080 2>/dev/null | grep -q "200 OK"; then
      echo "LISA-GUEST: $dev tcp $peer ok"
      touch /tmp/tcp-$dev
    fi
  done
  sleep 1
done
INIT
chmod 755 "$root/init"
(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$out/initrd.gz"
chmod 644 "$out/vmlinuz" "$out/initrd.gz"
echo "$stamp" >"$out/stamp"
echo "build-guest: $out/vmlinuz ($pkg) and $out/initrd.gz"
