#!/usr/bin/env python3
"""A trunk-side host for tests where the kernel has no 802.1Q module: sends
an ARP request for TARGET_IP out of IFACE (tagged with --vlan, or untagged)
and waits for the reply. Prints "reply from MAC vlan VID|untagged" and exits
0 when one arrives, 1 when none does within --timeout seconds.

Usage: arp_probe.py IFACE SRC_IP TARGET_IP [--vlan VID] [--timeout S]
"""
import argparse
import socket
import struct
import sys
import time

from rawsock import open_sniffer, recv_frame

ETH_P_ARP = 0x0806
ETH_P_8021Q = 0x8100


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("src_ip")
    ap.add_argument("target_ip")
    ap.add_argument("--vlan", type=int)
    ap.add_argument("--timeout", type=float, default=2.0)
    a = ap.parse_args()

    s = open_sniffer(a.iface)
    src_mac = s.getsockname()[4][:6]
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src_mac, socket.inet_aton(a.src_ip),
                      b"\0" * 6, socket.inet_aton(a.target_ip))
    hdr = b"\xff" * 6 + src_mac
    if a.vlan is not None:
        hdr += struct.pack("!HH", ETH_P_8021Q, a.vlan)
    frame = hdr + struct.pack("!H", ETH_P_ARP) + arp
    frame += b"\0" * max(0, 60 - len(frame))

    deadline = time.time() + a.timeout
    next_send = 0.0
    s.settimeout(0.1)
    while time.time() < deadline:
        if time.time() >= next_send:
            s.send(frame)
            next_send = time.time() + 0.5
        try:
            data, vid = recv_frame(s, 2048)
        except socket.timeout:
            continue
        if data[6:12] == src_mac:
            continue  # our own frame
        etype = struct.unpack("!H", data[12:14])[0]
        off = 14
        if etype == ETH_P_8021Q:
            vid = struct.unpack("!H", data[14:16])[0] & 0x0FFF
            etype = struct.unpack("!H", data[16:18])[0]
            off = 18
        if etype != ETH_P_ARP:
            continue
        op, sha, spa = struct.unpack("!6xH6s4s", data[off:off + 18])
        if op == 2 and spa == socket.inet_aton(a.target_ip):
            print("reply from %s vlan %s" % (sha.hex(":"), vid if vid is not None else "untagged"))
            return 0
    print("no reply")
    return 1


if __name__ == "__main__":
    sys.exit(main())
