#!/usr/bin/env python3
"""Noise-free per-packet cost of lisad's worker: instructions counted by
callgrind on a fixed, pcap-fed run, per stage and in all.

Each shape runs lisad twice under `valgrind --tool=callgrind`, with two
`pcap` ports replaying the traffic of ../shared/bench/compare.sh's
generator (bench/mkpcap.py): once with P passes over the flows, once with
2P. Only `Worker::forward` is counted (the graph's stages, the vector's
counters, the TX flush; not the pcap PMD's own rx and tx, which stand in
for vhost-user's copy), and the difference of the two runs, divided by the
packets of P passes, is the steady-state cost per packet: start-up,
learning and the first pass cancel out. Counting instructions, not time,
it gives the same figure whatever else the machine is doing.

Usage (root; valgrind, python3): bench/callgrind.py [SHAPE ...]
Shapes: l2-1 (one MAC pair), l2-1k, l2-64k (MAC pairs), l3-64k (routed,
64K destinations, two routes), l3-64k-1m (the same under 1M /24 routes).
Default: all but l3-64k-1m, which loads a million routes under valgrind
(about a minute more).

bench/callgrind.py --annotate SHAPE STAGE prints a stage's machine code
with the instructions each line costs per packet (one run, learning pass
included): where the hot spots are.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LISAD = os.path.join(ROOT, "target/release/lisad")
SWCLI = os.path.join(ROOT, "target/release/swcli")

# name: (flows, passes in the first run, l3, million routes)
SHAPES = {
    "l2-1": (1, 4096, False, False),
    "l2-1k": (1024, 4, False, False),
    "l2-64k": (65536, 1, False, False),
    "l3-64k": (65536, 1, True, False),
    "l3-64k-1m": (65536, 1, True, True),
}
DEFAULT = ["l2-1", "l2-1k", "l2-64k", "l3-64k"]

# The stages, as callgrind names their functions.
STAGES = [
    ("eth-input", "lisa_l2_datapath::input::EthInput as dataplane::graph::Node>::process"),
    ("rx-hooks", "lisa_l2_datapath::rx_hooks::RxHooks as dataplane::graph::Node>::process"),
    ("l2-bridge", "lisa_l2_datapath::bridge::Bridge as dataplane::graph::Node>::process"),
    ("ipv4-route", "lisa_ipv4_datapath::node::Ipv4Route as dataplane::graph::Node>::process"),
    ("l2-forward", "lisa_l2_datapath::forward::Forward as dataplane::graph::Node>::process"),
    ("l2-flood", "lisa_l2_datapath::flood::Flood as dataplane::graph::Node>::process"),
    ("l2-output", "lisa_l2_datapath::output::Output as dataplane::graph::Node>::process"),
    ("tx flush", "dataplane::tx::TxBuffers::flush"),
    ("pmd tx (pcap)", "lisa_eth_tx_burst"),
    ("graph", "dataplane::graph::Graph::run"),
    ("dispatch", "dataplane::graph::nexts::Nexts::dispatch"),
    ("forward (all)", "dataplane::worker::Worker::forward"),
]


def fnv1a(text):
    h = 0x811C9DC5
    for b in text.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def router_mac(prefix):
    """The router MAC lisad derives from its file prefix (boot.rs)."""
    b = fnv1a(prefix).to_bytes(4, "big")
    return "024c53" + b[1:].hex()


def startup_config(l3, million):
    # No aging: a scan of the table would race learning under valgrind's
    # slow, serialised threads and make runs differ. LISA_CALLGRIND_CONFIG
    # adds lines (`spanning-tree mode rapid-pvst`, `interface P1`, ...) to
    # measure a feature's cost.
    extra = os.environ.get("LISA_CALLGRIND_CONFIG", "")
    extra = extra + "\n" if extra else ""
    if not l3:
        return extra + "mac address-table aging-time 0\nend\n"
    lines = [extra + "mac address-table aging-time 0", "vlan 10,20", "interface P1", " switchport access vlan 10",
             "interface P2", " switchport access vlan 20",
             "interface Vlan10", " ip address 10.0.10.1 255.255.255.0",
             "interface Vlan20", " ip address 10.0.20.1 255.255.255.0",
             "arp 10.0.10.2 0200.0000.aa00 arpa", "arp 10.0.20.2 0200.0000.aa01 arpa"]
    if million:
        for a in range(16, 32):
            gw = "10.0.20.2" if a < 24 else "10.0.10.2"
            for b in range(256):
                for c in range(256):
                    lines.append("ip route %d.%d.%d.0 255.255.255.0 %s" % (a, b, c, gw))
    else:
        lines += ["ip route 16.0.0.0 248.0.0.0 10.0.20.2", "ip route 24.0.0.0 248.0.0.0 10.0.10.2"]
    return "\n".join(lines) + "\nend\n"


def boot_config(work, prefix):
    return """(
    eal: (main_core: 0, worker_cores: [1], workers: 1, memory_mb: 1024,
          file_prefix: "%s", in_memory: false, extra_args: ["--no-huge", "--no-shconf"]),
    control: (socket: "%s/lisa.sock", socket_group: "", tcp: "",
              startup_config: "%s/startup-config"),
    switch: (fdb_limit: 1048576, aging_seconds: 1000000, idle_sleep_max_us: 100),
    ports: [],
)
""" % (prefix, work, work)


def counters(sock):
    out = subprocess.run([SWCLI, "--socket", sock, "-c", "show interfaces counters"],
                         capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 7 and f[0] in ("P1", "P2"):
            rows[f[0]] = (int(f[2]), int(f[4]))
    return rows


def run_once(work, flows, passes, l3, million, extra=()):
    """One callgrind run (`extra`: more valgrind options); returns its
    output file."""
    pcaps = os.path.join(work, "pcap-%d" % passes)
    args = [sys.executable, os.path.join(HERE, "mkpcap.py"), pcaps, str(flows), str(passes)]
    if l3:
        args += ["--l3", router_mac(os.path.basename(work))]
    subprocess.run(args, check=True)
    out = os.path.join(work, "callgrind-%d.out" % passes)
    sock = os.path.join(work, "lisa.sock")
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           "--collect-atstart=no", "--toggle-collect=*Worker::forward*", *extra,
           LISAD, "-c", os.path.join(work, "boot.ron"), "--log", "warn"]
    for i in (0, 1):
        cmd += ["--port", "P%d=pcap:%s/rx%d.pcap,/dev/null" % (i + 1, pcaps, i)]
    log = open(os.path.join(work, "lisad-%d.log" % passes), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        want = flows * passes
        last, steady = None, 0
        deadline = time.time() + 3600
        while time.time() < deadline and proc.poll() is None:
            time.sleep(2)
            if not os.path.exists(sock):
                continue
            c = counters(sock)
            done = len(c) == 2 and all(v[0] >= want for v in c.values())
            steady = steady + 1 if done and c == last else 0
            last = c
            if steady >= 2:
                break
        else:
            raise SystemExit("lisad did not take the whole pcap: see %s" % log.name)
        for what in ("show dataplane performance", "show interfaces"):
            shown = subprocess.run([SWCLI, "--socket", sock, "-c", what],
                                   capture_output=True, text=True).stdout
            with open(os.path.join(work, "%s-%d.txt" % (what.split()[-1], passes)), "w") as f:
                f.write(shown)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=600)
    return out


def costs(out):
    """Inclusive instructions of each function, by name, read from
    callgrind's output file: a function's own costs (wherever its inlined
    lines come from) plus the costs of the calls it makes."""
    names = {}
    got = {}
    fn = None
    call_next = False

    def name(kind, rest):
        m = re.match(r"\((\d+)\)(?: (.*))?", rest)
        if not m:
            return rest
        if m.group(2) is not None:
            names[(kind, m.group(1))] = m.group(2)
        return names.get((kind, m.group(1)), rest)

    with open(out) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                fn = name("fn", line[3:])
                call_next = False
            elif line.startswith("cfn="):
                name("fn", line[4:])
            elif line.startswith("calls="):
                call_next = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if fn is not None and len(parts) >= 2:
                    got[fn] = got.get(fn, 0) + int(parts[1])
                call_next = False
    return got


def stage_cost(table, pattern):
    return sum(v for k, v in table.items() if k.endswith(pattern))


def prepare(shape):
    """A fresh work directory with the boot and startup configs of `shape`."""
    flows, passes, l3, million = SHAPES[shape]
    prefix = "lisa-cg-" + shape
    work = os.path.join("/tmp", prefix)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(work, "boot.ron"), "w") as f:
        f.write(boot_config(work, prefix))
    with open(os.path.join(work, "startup-config"), "w") as f:
        f.write(startup_config(l3, million))
    return work, flows, passes, l3, million


def instruction_costs(out, function):
    """Own instructions of `function` (a substring of its name) at each
    address, read from a `--dump-instr=yes` output file."""
    names, costs = {}, {}
    fn, addr, after_call = None, 0, False
    with open(out) as f:
        for line in f:
            m = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if m:
                if m.group(3) is not None:
                    names[m.group(2)] = m.group(3)
                if m.group(1) == "fn":
                    fn = names.get(m.group(2), "")
                continue
            if line.startswith("calls="):
                after_call = True
                continue
            parts = line.split()
            if len(parts) < 3 or not re.match(r"^(0x[0-9a-f]+|[+-](0x[0-9a-f]+|\d+)|\*)$", parts[0]):
                continue
            p = parts[0]
            if p.startswith("0x"):
                addr = int(p, 16)
            elif p != "*":
                addr += int(p, 0)
            if after_call:
                after_call = False
            elif function in fn:
                costs[addr] = costs.get(addr, 0) + int(parts[2])
    return costs


def annotate(shape, stage):
    """Prints `stage`'s machine code with its instructions per packet (one
    run, first pass included: for finding hot spots, not for the totals)."""
    pattern = dict(STAGES)[stage]
    work, flows, passes, l3, million = prepare(shape)
    out = run_once(work, flows, passes, l3, million, extra=("--dump-instr=yes",))
    costs = instruction_costs(out, pattern)
    if not costs:
        raise SystemExit("no instructions counted for %s" % stage)
    packets = 2 * flows * passes
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "--start-address=%#x" % min(costs),
                          "--stop-address=%#x" % (max(costs) + 16), LISAD],
                         capture_output=True, text=True, check=True).stdout
    for line in dis.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(.*)", line)
        if m and costs.get(int(m.group(1), 16), 0) / packets >= 0.05:
            print("%6.2f  %s  %s" % (costs[int(m.group(1), 16)] / packets, m.group(1), m.group(2)[:90]))
    print("%s: %.1f instructions per packet (first pass included)" % (stage, sum(costs.values()) / packets))


def measure(shape):
    work, flows, passes, l3, million = prepare(shape)
    a = costs(run_once(work, flows, passes, l3, million))
    b = costs(run_once(work, flows, 2 * passes, l3, million))
    packets = 2 * flows * passes
    print("\n%s: %d flows, instructions per packet (over %d packets)" % (shape, flows, packets))
    per = {}
    for name, pattern in STAGES:
        per[name] = (stage_cost(b, pattern) - stage_cost(a, pattern)) / packets
        if per[name]:
            print("  %-16s %8.1f" % (name, per[name]))
    nodes = [n for n, _ in STAGES[:STAGES.index(("tx flush", "dataplane::tx::TxBuffers::flush"))]]
    stages = sum(v for k, v in per.items() if k in nodes)
    print("  %-16s %8.1f" % ("graph overhead", per["graph"] - stages))
    print("  %-16s %8.1f" % ("lisad's own", per["forward (all)"] - per["pmd tx (pcap)"]))
    if not os.environ.get("KEEP"):
        shutil.rmtree(work, ignore_errors=True)


def main():
    if sys.argv[1:2] == ["--annotate"]:
        if len(sys.argv) != 4 or sys.argv[2] not in SHAPES or sys.argv[3] not in dict(STAGES):
            raise SystemExit("usage: callgrind.py --annotate SHAPE STAGE (a stage: %s)"
                             % ", ".join(n for n, _ in STAGES))
        return annotate(sys.argv[2], sys.argv[3])
    shapes = sys.argv[1:] or DEFAULT
    for s in shapes:
        if s not in SHAPES:
            raise SystemExit("unknown shape %s (one of %s)" % (s, ", ".join(SHAPES)))
    for s in shapes:
        measure(s)


if __name__ == "__main__":
    main()
