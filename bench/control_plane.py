#!/usr/bin/env python3
"""Control-plane timings (a benchmark, not a test), against the real lisad:

- how long `show mac address-table` takes with 100K learned entries (the
  switch learns them from a pcap port that replays 100K frames, each from
  another source MAC);
- how long one switchport change takes, from swcli to the dataplane
  (`configure terminal` / `interface` / `switchport access vlan` / `end`).

Run as root from the repository root after `cargo build --release --workspace`:
    sudo python3 bench/control_plane.py [--macs 100000] [--repeat 5]
"""
import argparse
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISAD = os.path.join(ROOT, "target/release/lisad")
SWCLI = os.path.join(ROOT, "target/release/swcli")


def write_pcap(path, macs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(macs):
            src = struct.pack("!HI", 0x0200, i + 1)
            frame = b"\xff" * 6 + src + b"\x08\x00" + b"\x00" * 46
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(frame), len(frame)) + frame)


def swcli(sock, *commands):
    args = [SWCLI, "--socket", sock]
    for c in commands:
        args += ["-c", c]
    start = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit("swcli failed: %s%s" % (out.stdout, out.stderr))
    return took, out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--macs", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="lisa-cp-bench-")
    sock = os.path.join(work, "lisa.sock")
    rx = os.path.join(work, "in.pcap")
    write_pcap(rx, a.macs)
    lisad = subprocess.Popen(
        [LISAD, "--socket", sock, "--memory", "256", "--workers", "1",
         "--startup-config", os.path.join(work, "startup-config"),
         "--port", "Ethernet1=pcap:%s,%s" % (rx, os.path.join(work, "out1.pcap")),
         "--port", "Ethernet2=null", "--log", "warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        # Wait until every address is learned.
        for _ in range(600):
            _, out = swcli(sock, "show mac address-table")
            if out.count("DYNAMIC") >= a.macs:
                break
            time.sleep(0.2)
        shows = [swcli(sock, "show mac address-table")[0] for _ in range(a.repeat)]
        changes = []
        for i in range(a.repeat):
            vlan = 10 + i % 2
            changes.append(swcli(sock, "configure terminal", "vlan %d" % vlan, "interface Ethernet2",
                                 "switchport access vlan %d" % vlan, "end")[0])
        print("show mac address-table, %d entries: median %.3f s, best %.3f s (swcli end to end)"
              % (a.macs, statistics.median(shows), min(shows)))
        print("one switchport change, swcli to dataplane: median %.1f ms, best %.1f ms"
              % (1000 * statistics.median(changes), 1000 * min(changes)))
    finally:
        lisad.terminate()
        lisad.wait(timeout=15)


if __name__ == "__main__":
    main()
