#!/usr/bin/env python3
"""Power save of an idle switch: the worker's CPU share and the round trip
of a ping through it, for several `idle_sleep_max_us` bounds.

lisad runs with one worker and two tap ports moved into two network
namespaces (two hosts, as scripts/demo.sh). For each bound (set at run time
with the gRPC call `System.SetIdleSleep`), the script measures:
- the worker thread's CPU over SECONDS of no traffic, from
  /proc/PID/task/TID/stat (utime + stime);
- the ping RTT between the hosts, through the switch (COUNT pings 0.2 s
  apart, so the worker is idle before each one).

With --vhost, the second host sits behind a vhost-user port instead: its
tap belongs to dpdk-testpmd, which io-forwards it to a virtio_user port on
the switch's socket (a stand-in for a VM; testpmd polls its own core).

Usage (root): bench/idle.py [--vhost] [--seconds 10] [--count 20] [BOUND_US ...]
Default bounds: 0 (busy poll), 100 (the default), 1000.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LISAD = os.path.join(ROOT, "target/release/lisad")
sys.path.insert(0, os.path.join(ROOT, "tests/python"))

NS = ("lisa-idle-a", "lisa-idle-b")
TAPS = ("lisaidle1", "lisaidle2")
WORK = "/tmp/lisa-idle"
SOCK = WORK + "/lisa.sock"


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def worker_tid(pid):
    """The worker lcore's thread (EAL names it rte-worker-N)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            if "worker" in f.read():
                return tid
    raise SystemExit("no worker thread found")


def cpu_ticks(pid, tid):
    with open(f"/proc/{pid}/task/{tid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def set_bound(us):
    import grpc
    from reflection_client import caller, reflect

    channel = grpc.insecure_channel("unix:" + SOCK, options=[("grpc.default_authority", "localhost")])
    _, pool = reflect(channel)
    caller(channel, pool)("lisa.v1.System/SetIdleSleep", {"maxUs": str(us)})


def ping_rtt(count):
    out = sh("ip", "netns", "exec", NS[0], "ping", "-c", str(count), "-i", "0.2",
             "-W", "1", "10.78.0.2").stdout
    m = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)", out)
    return float(m.group(2)) if m else float("nan")


def start_peer():
    """dpdk-testpmd io-forwarding a virtio_user port on the switch's
    vhost-user socket to a tap (TAPS[1]): the VM stand-in."""
    out = open(WORK + "/testpmd.log", "w")
    peer = subprocess.Popen(
        ["dpdk-testpmd", "--lcores", "0@0,1@0", "--main-lcore", "0", "--no-pci",
         "--in-memory", "--single-file-segments", "-m", "256", "--file-prefix", "lisa-idle-tp",
         "--vdev", f"net_virtio_user0,path={WORK}/vm1.sock,queues=1",
         "--vdev", f"net_tap0,iface={TAPS[1]}",
         "--", "--forward-mode=io", "--auto-start", "--nb-cores=1",
         "--total-num-mbufs=8192", "--stats-period", "3600"],
        stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(300):
        with open(WORK + "/testpmd.log") as f:
            if "packet forwarding - ports=" in f.read():
                return peer
        time.sleep(0.1)
    raise SystemExit("testpmd did not start forwarding")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--vhost", action="store_true")
    ap.add_argument("bounds", nargs="*", type=int, default=[0, 100, 1000])
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    log = open(WORK + "/lisad.log", "w")
    second = f"Vhost1=vhost-server:{WORK}/vm1.sock" if a.vhost else f"Ethernet2=tap:{TAPS[1]}"
    lisad = subprocess.Popen(
        [LISAD, "--socket", SOCK, "--workers", "1", "--memory", "256",
         "--port", f"Ethernet1=tap:{TAPS[0]}", "--port", second],
        stdout=log, stderr=subprocess.STDOUT)
    peer = None
    try:
        for _ in range(100):
            if os.path.exists(SOCK):
                break
            time.sleep(0.1)
        if a.vhost:
            peer = start_peer()
        for i, (ns, tap) in enumerate(zip(NS, TAPS)):
            sh("ip", "netns", "del", ns, check=False)
            sh("ip", "netns", "add", ns)
            sh("ip", "link", "set", tap, "netns", ns)
            sh("ip", "-n", ns, "addr", "add", f"10.78.0.{i + 1}/24", "dev", tap)
            sh("ip", "-n", ns, "link", "set", tap, "up")
        ping_rtt(3)
        tid = worker_tid(lisad.pid)
        hz = os.sysconf("SC_CLK_TCK")
        print(f"{'idle_sleep_max_us':>18} {'idle worker CPU':>16} {'ping RTT avg':>13}")
        for us in a.bounds:
            set_bound(us)
            time.sleep(1)
            t0, c0 = time.monotonic(), cpu_ticks(lisad.pid, tid)
            time.sleep(a.seconds)
            t1, c1 = time.monotonic(), cpu_ticks(lisad.pid, tid)
            share = (c1 - c0) / hz / (t1 - t0) * 100
            rtt = ping_rtt(a.count)
            print(f"{us:>18} {share:>15.1f}% {rtt:>10.2f} ms", flush=True)
    finally:
        if peer:
            peer.terminate()
            peer.wait()
        lisad.terminate()
        lisad.wait()
        for ns in NS:
            sh("ip", "netns", "del", ns, check=False)


if __name__ == "__main__":
    main()
