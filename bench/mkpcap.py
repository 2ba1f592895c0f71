#!/usr/bin/env python3
"""Writes the two rx pcap files of bench/callgrind.sh: the traffic of
../shared/bench/compare.sh's generator (mflowgen), as each of the switch's
two ports receives it, so a fixed, repeatable run can be counted with
callgrind. Python standard library only.

Usage: mkpcap.py OUT_DIR FLOWS PASSES [--l3 ROUTER_MAC]

L2: flow i is 0a:01:i -> 0a:02:i into port 0 and the reverse into port 1
(2 x FLOWS hosts to learn and look up); 64-byte frames (60 without FCS),
UDP/IPv4. Each file holds PASSES rounds of all FLOWS flows, round-robin,
so every burst of 32 holds 32 different flows, as mflowgen sends them.
--l3: every frame goes to the router MAC (12 hex digits) from the host on
its side (10.0.10.2 / 10.0.20.2), to a destination in 16.0.0.0/5 (port 0)
or 24.0.0.0/5 (port 1), flow i's /24 picked by a multiplicative hash.
"""
import os
import struct
import sys

GEN = [bytes.fromhex("02000000aa00"), bytes.fromhex("02000000aa01")]


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4_udp(src, dst, ttl=64, total=46):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, ttl, 17, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    udp = struct.pack("!HHHH", 1024, 1024, total - 20, 0)
    return hdr + udp + bytes(total - 28)


def host(side, i):
    return bytes([0x0A, side + 1, 0, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])


def l2_frame(side, i):
    src, dst = host(side, i), host(1 - side, i)
    ip = ipv4_udp(bytes([10, 0, 10 + 10 * side, 2]), bytes([10, 0, 20 - 10 * side, 2]))
    return dst + src + b"\x08\x00" + ip


def l3_frame(router, side, i):
    h = (i * 2654435761) & 0xFFFFFFFF
    base = 16 if side == 0 else 24
    net = (base << 24) | ((h >> 8) & 0x07FFFF00)
    dst = struct.pack("!I", net | 2)
    src = bytes([10, 0, 10 + 10 * side, 2])
    return router + GEN[side] + b"\x08\x00" + ipv4_udp(src, dst)


def write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for n, fr in enumerate(frames):
            f.write(struct.pack("<IIII", n // 1000000, n % 1000000, len(fr), len(fr)))
            f.write(fr)


def main():
    out, flows, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    make = l2_frame
    if sys.argv[4:5] == ["--l3"]:
        router = bytes.fromhex(sys.argv[5])
        make = lambda side, i: l3_frame(router, side, i)  # noqa: E731
    os.makedirs(out, exist_ok=True)
    for side in (0, 1):
        one = [make(side, i) for i in range(flows)]
        write(os.path.join(out, "rx%d.pcap" % side), one * passes)


if __name__ == "__main__":
    main()
