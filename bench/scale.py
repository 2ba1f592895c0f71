#!/usr/bin/env python3
"""Scale benchmark (a benchmark, not a test): the configuration paths with a
full Internet table and a full MAC table, against the real lisad and swcli.

For N static routes (default 1M) and N/10, it times:
- boot: lisad started with a startup-config of N `ip route` lines, until
  `show ip route <last prefix>` answers from the dataplane's table;
- `write memory`, and `show running-config | count`;
- a swcli script of N/10 lines (N/10 more routes) in one change;
- removing N/2 routes in one change (`no ip route` lines);
- `show ip route summary`, `show ip route | count`;
- a one-line change (what a change costs with the whole table in the config);
and, with M learned MAC addresses (default 1M, and M/10) replayed from a
pcap port, `show mac address-table count`; and 4094 VLANs with 1000 SVIs
configured in one change.

Every figure is printed for both sizes with the ratio large/small, so a
path that grows faster than its size shows (the target: 10x the size at
most 12x the time).

Run as root from the repository root after `cargo build --release --workspace`:
    sudo python3 bench/scale.py [--routes 1000000] [--macs 1000000] [--repeat 3]
"""
import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISAD = os.path.join(ROOT, "target/release/lisad")
SWCLI = os.path.join(ROOT, "target/release/swcli")


def route_line(i, gateway="10.0.0.2", no=False):
    """The i-th /24 from 11.0.0.0."""
    a = 0x0B000000 + (i << 8)
    return "%sip route %d.%d.%d.0 255.255.255.0 %s" % (
        "no " if no else "", a >> 24, (a >> 16) & 255, (a >> 8) & 255, gateway)


def prefix(i):
    a = 0x0B000000 + (i << 8)
    return "%d.%d.%d.1" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255)


HEADER = "hostname scale\nvlan 10\ninterface Vlan10\n ip address 10.0.0.1 255.255.0.0\n!\n"


def write_startup(path, routes):
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("\n".join(route_line(i) for i in range(routes)))
        f.write("\nend\n")


def write_pcap(path, macs, passes=3):
    """Broadcast frames from `macs` source addresses, `passes` times over:
    a station the worker could not learn at once (the table's writer lock
    held by the ager) is learned on its next frame, as on a real link."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(macs * passes):
            src = struct.pack("!HI", 0x0200, i % macs + 1)
            frame = b"\xff" * 6 + src + b"\x08\x00" + b"\x00" * 46
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(frame), len(frame)) + frame)


def swcli(sock, commands=(), stdin=None, check=True):
    args = [SWCLI, "--socket", sock]
    for c in commands:
        args += ["-c", c]
    start = time.perf_counter()
    out = subprocess.run(args, input=stdin, capture_output=True, text=True)
    took = time.perf_counter() - start
    if check and out.returncode != 0:
        sys.exit("swcli failed: %s%s" % (out.stdout[-2000:], out.stderr[-2000:]))
    return took, out.stdout


class Lisad:
    def __init__(self, work, name, startup, ports):
        self.sock = os.path.join(work, name + ".sock")
        cmd = [LISAD, "--socket", self.sock, "--memory", "512", "--workers", "1",
               "--file-prefix", "scale-" + name, "--startup-config", startup, "--log", "warn"]
        for p in ports:
            cmd += ["--port", p]
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_socket(self):
        for _ in range(6000):
            if os.path.exists(self.sock):
                return
            if self.proc.poll() is not None:
                sys.exit("lisad exited with %s" % self.proc.returncode)
            time.sleep(0.01)
        sys.exit("lisad did not come up")

    def rss_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
        return 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def routes_run(work, n):
    """Every route path at size n; returns {what: seconds}."""
    startup = os.path.join(work, "startup-%d" % n)
    write_startup(startup, n)
    d = Lisad(work, "r%d" % n, startup, ["Ethernet1=null"])
    t = {}
    try:
        d.wait_socket()
        last = prefix(n - 1)
        while True:
            _, out = swcli(d.sock, ["show ip route %s" % last], check=False)
            if "Routing entry for" in out:
                break
            if time.perf_counter() - d.start > 600:
                sys.exit("boot: no route after 600 s")
            time.sleep(0.02)
        t["boot to forwarding"] = time.perf_counter() - d.start
        t["rss MB"] = d.rss_mb()
        t["write memory"], _ = swcli(d.sock, ["write memory"])
        t["show running-config \\| count"], out = swcli(d.sock, ["show running-config | count"])
        t["show ip route summary"], _ = swcli(d.sock, ["show ip route summary"])
        t["show ip route \\| count"], _ = swcli(d.sock, ["show ip route | count"])
        t["one-line change"], _ = swcli(d.sock, stdin="configure terminal\nip route 10.99.0.0 255.255.0.0 10.0.0.3\nend\n")
        script = "configure terminal\n%s\nend\n" % "\n".join(
            route_line(n + i) for i in range(n // 10))
        t["script of n/10 lines"], _ = swcli(d.sock, stdin=script)
        removal = "configure terminal\n%s\nend\n" % "\n".join(
            route_line(i, no=True) for i in range(n // 2))
        t["remove n/2 routes"], _ = swcli(d.sock, stdin=removal)
        _, out = swcli(d.sock, ["show ip route %s" % prefix(0)], check=False)
        if "Routing entry for" in out:
            sys.exit("removed route %s still in the table" % prefix(0))
        _, out = swcli(d.sock, ["show running-config | count ip route"])
        want = n - n // 2 + n // 10 + 1  # and the one-line change
        if ("= %d" % want) not in out:
            sys.exit("expected %d routes after the changes: %s" % (want, out))
    finally:
        d.stop()
    return t


def macs_run(work, m):
    rx = os.path.join(work, "macs-%d.pcap" % m)
    write_pcap(rx, m)
    d = Lisad(work, "m%d" % m, os.path.join(work, "none"),
              ["Ethernet1=pcap:%s,%s" % (rx, os.path.join(work, "out.pcap")), "Ethernet2=null"])
    t = {}
    try:
        d.wait_socket()
        for _ in range(3000):
            _, out = swcli(d.sock, ["show mac address-table count"])
            if re.search(r"Dynamic Address Count\s*:\s*%d\b" % m, out):
                break
            time.sleep(0.1)
        else:
            sys.exit("MACs not all learned: %s" % out)
        t["show mac address-table count"] = statistics.median(
            swcli(d.sock, ["show mac address-table count"])[0] for _ in range(3))
        t["show mac address-table \\| count"] = swcli(d.sock, ["show mac address-table | count"])[0]
        t["rss MB"] = d.rss_mb()
    finally:
        d.stop()
    return t


def vlans_run(work, vlans, svis):
    d = Lisad(work, "v%d" % vlans, os.path.join(work, "none"), ["Ethernet1=null"])
    t = {}
    try:
        d.wait_socket()
        lines = ["configure terminal"]
        for v in range(2, vlans + 2):
            lines += ["vlan %d" % v, " name v%d" % v]
        for i in range(svis):
            v = i + 2
            lines += ["interface Vlan%d" % v,
                      " ip address 10.%d.%d.1 255.255.255.0" % (v >> 8, v & 255), " no shutdown"]
        lines.append("end")
        t["%d VLANs + %d SVIs" % (vlans, svis)], _ = swcli(d.sock, stdin="\n".join(lines) + "\n")
        _, out = swcli(d.sock, ["show ip interface brief | count Vlan"])
        if ("= %d" % svis) not in out:
            sys.exit("expected %d SVIs: %s" % (svis, out))
    finally:
        d.stop()
    return t


def table(small, large, ns, nl):
    print("| path | %s | %s | ratio |" % (ns, nl))
    print("| --- | ---: | ---: | ---: |")
    for k in large:
        s, l = small.get(k), large[k]
        unit = "" if k.endswith("MB") else " s"
        ratio = "%.1f" % (l / s) if s else "-"
        print("| %s | %.2f%s | %.2f%s | %s |" % (k, s or 0, unit, l, unit, ratio))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--routes", type=int, default=1000000)
    ap.add_argument("--macs", type=int, default=1000000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=["routes", "macs", "vlans"])
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="lisa-scale-")
    try:
        if a.only in (None, "routes"):
            runs = {a.routes // 10: [], a.routes: []}
            for _ in range(a.repeat):
                for n in runs:
                    runs[n].append(routes_run(work, n))
            med = {n: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for n, rs in runs.items()}
            print("\nStatic routes (median of %d):" % a.repeat)
            table(med[a.routes // 10], med[a.routes], a.routes // 10, a.routes)
            grown = med[a.routes]["rss MB"] - med[a.routes // 10]["rss MB"]
            print("\nlisad grows by %.0f bytes a route" % (grown * 2**20 / (a.routes - a.routes // 10)))
        if a.only in (None, "macs"):
            small, large = macs_run(work, a.macs // 10), macs_run(work, a.macs)
            print("\nLearned MAC addresses:")
            table(small, large, a.macs // 10, a.macs)
            grown = large["rss MB"] - small["rss MB"]
            print("\nlisad grows by %.0f bytes a learned MAC (the table itself is reserved at start)"
                  % (grown * 2**20 / (a.macs - a.macs // 10)))
        if a.only in (None, "vlans"):
            small, large = vlans_run(work, 409, 100), vlans_run(work, 4093, 1000)
            print("\nVLANs and SVIs in one change:")
            table({"VLANs + SVIs": list(small.values())[0]},
                  {"VLANs + SVIs": list(large.values())[0]}, "409 + 100", "4093 + 1000")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
