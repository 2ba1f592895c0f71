#!/usr/bin/env python3
"""The attacker and the watcher of the hostile-frame suite (tests/e2e/hostile.rs).

  hostile.py send IFACE CLASS COUNT --router-mac M --svi IP --victim-mac M
             --victim-ip IP [--far-net A.B]
      Builds the frames of CLASS with scapy and writes COUNT of them (cycling
      through the class's variants) out of IFACE through a raw socket, paced
      so that the kernel's tap queue never drops one. Prints how many it sent.

  hostile.py sniff IFACE SECONDS
      Counts what arrives on IFACE for SECONDS and prints one line per kind:
      "untagged", "vlan V", "vlan V inner-tag W" (a frame whose payload is
      another 802.1Q tag), and "qinq" (an 802.1ad service tag).

The classes, and what the switch must do with them, are listed in CLASSES.
"""
import argparse
import collections
import random
import socket
import struct
import sys
import time

from scapy.all import ARP, ICMP, IP, UDP, Dot1AD, Dot1Q, Ether, Raw, conf

from rawsock import open_sniffer, recv_frame

conf.verb = 0
BCAST = "ff:ff:ff:ff:ff:ff"


def bad_ipv4(a, me):
    """IPv4 headers a router must refuse: wrong version, short header
    length, a total length past the frame, a bad checksum."""
    good = IP(src="10.66.10.66", dst=a.victim_ip, ttl=64) / UDP(sport=1, dport=9) / Raw(b"x" * 18)
    raw = bytearray(bytes(good))
    wrong_version = bytearray(raw)
    wrong_version[0] = 0x65
    short_ihl = bytearray(raw)
    short_ihl[0] = 0x43
    too_long = bytearray(raw)
    too_long[2:4] = struct.pack("!H", 1400)
    bad_sum = bytearray(raw)
    bad_sum[10] ^= 0xFF
    eth = bytes(Ether(src=me, dst=a.router_mac, type=0x0800))
    return [eth + bytes(x) for x in (wrong_version, short_ihl, too_long, bad_sum)]


def frames(cls, a, me):
    """The variants of class `cls`, as raw frames."""
    rm, svi = a.router_mac, a.svi
    ping = IP(src="10.66.10.66", dst=a.victim_ip) / ICMP()
    if cls == "runt":
        # Headers cut short: a tag without its TCI, a tag without its inner
        # ethertype.
        return [
            bytes.fromhex("ffffffffffff") + bytes.fromhex(me.replace(":", "")) + b"\x81\x00\x00",
            bytes.fromhex("ffffffffffff") + bytes.fromhex(me.replace(":", "")) + b"\x81\x00\x00\x0a\x08",
        ]
    if cls == "group-source":
        return [bytes(Ether(src="01:00:5e:00:00:01", dst=a.victim_mac) / ping),
                bytes(Ether(src=BCAST, dst=a.victim_mac) / ping)]
    if cls == "zero-source":
        return [bytes(Ether(src="00:00:00:00:00:00", dst=a.victim_mac) / ping)]
    if cls == "stacked-tags":
        # The VLAN hop: the outer tag is the access (and trunk native) VLAN,
        # the inner one the VLAN to reach.
        return [bytes(Ether(src=me, dst=BCAST) / Dot1Q(vlan=10) / Dot1Q(vlan=20) / ping),
                bytes(Ether(src=me, dst=a.victim_mac) / Dot1Q(vlan=10) / Dot1Q(vlan=20) / ping)]
    if cls == "qinq":
        return [bytes(Ether(src=me, dst=BCAST) / Dot1AD(vlan=10) / Dot1Q(vlan=20) / ping),
                bytes(Ether(src=me, dst=BCAST) / Dot1AD(vlan=20) / ping)]
    if cls == "foreign-tag":
        return [bytes(Ether(src=me, dst=BCAST) / Dot1Q(vlan=20) / ping)]
    if cls == "router-source":
        return [bytes(Ether(src=rm, dst=a.victim_mac) / ping),
                bytes(Ether(src=rm, dst=BCAST) / ARP(op=2, hwsrc=rm, psrc=svi))]
    if cls == "bad-ipv4":
        return bad_ipv4(a, me)
    if cls == "to-router":
        # A ping to the router MAC (sent from a VLAN with no SVI).
        return [bytes(Ether(src=me, dst=rm) / ping)]
    if cls == "not-ip":
        # To the router MAC, neither IPv4 nor ARP.
        return [bytes(Ether(src=me, dst=rm, type=0x86DD) / Raw(b"\x60" + b"\x00" * 47)),
                bytes(Ether(src=me, dst=rm, type=0x88CC) / Raw(b"\x00" * 46))]
    if cls == "martian":
        eth = Ether(src=me, dst=rm)
        return [bytes(eth / IP(src="10.66.10.66", dst=d) / ICMP())
                for d in ("127.0.0.1", "0.1.2.3", "224.0.0.5", "240.0.0.1", "255.255.255.255")] + \
               [bytes(eth / IP(src=s, dst=f"{a.far_net}.0.9") / ICMP())
                for s in ("127.0.0.1", "224.0.0.5", "0.0.0.0")]
    if cls == "ttl":
        far = f"{a.far_net}.0.9"
        return [bytes(Ether(src=me, dst=rm) / IP(src="10.66.10.66", dst=far, ttl=t) / UDP(dport=33434))
                for t in (0, 1)]
    if cls == "fragments":
        # Pieces of a ping to the SVI and of a datagram to be routed: first
        # fragments, later fragments, overlapping and tiny ones.
        out = []
        for dst in (svi, a.victim_ip):
            mac = rm if dst == svi else a.victim_mac
            eth = Ether(src=me, dst=mac)
            out.append(bytes(eth / IP(src="10.66.10.66", dst=dst, flags="MF", id=7) / ICMP() / Raw(b"a" * 32)))
            out.append(bytes(eth / IP(src="10.66.10.66", dst=dst, frag=4, id=7) / Raw(b"b" * 32)))
            out.append(bytes(eth / IP(src="10.66.10.66", dst=dst, flags="MF", frag=1, id=8) / Raw(b"c" * 8)))
        return out
    if cls == "arp-oddities":
        eth = Ether(src=me, dst=BCAST)
        truncated = bytes(eth / ARP(op=1, hwsrc=me, psrc="10.66.10.66", pdst=svi))[:14 + 20]
        return [
            truncated,
            # A sender claiming the SVI's own address (gratuitous).
            bytes(eth / ARP(op=2, hwsrc=me, psrc=svi, pdst=svi)),
            # A group sender MAC inside the ARP body.
            bytes(eth / ARP(op=1, hwsrc="01:00:5e:00:00:09", psrc="10.66.10.77", pdst=svi)),
            # A sender from another subnet.
            bytes(eth / ARP(op=1, hwsrc=me, psrc="192.0.2.9", pdst=svi)),
            # Odd hardware and protocol sizes.
            bytes(eth / ARP(op=1, hwlen=8, plen=6, hwsrc=me, psrc="10.66.10.78", pdst=svi)),
            bytes(eth / ARP(op=9, hwsrc=me, psrc="10.66.10.79", pdst=svi)),
        ]
    if cls == "scan":
        # New destinations behind the far SVI: each needs ARP; none answers.
        return [bytes(Ether(src=me, dst=rm) / IP(src="10.66.10.66", dst=f"{a.far_net}.{i >> 8}.{i & 255}") / ICMP())
                for i in range(1, 4096)]
    if cls == "storm":
        return [bytes(Ether(src=me, dst=BCAST) / IP(src="10.66.10.66", dst="10.66.10.255") / UDP(dport=9) / Raw(b"s" * 18))]
    if cls == "mac-flood":
        rnd = random.Random(7)
        out = []
        for _ in range(4096):
            mac = "02:%02x:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256) for _ in range(5))
            out.append(bytes(Ether(src=mac, dst="02:ee:ee:ee:ee:ee") / ping))
        return out
    raise SystemExit(f"unknown class {cls}")


def send(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    me = open(f"/sys/class/net/{a.iface}/address").read().strip()
    variants = frames(a.cls, a, me)
    sent = 0
    for i in range(a.count):
        s.send(variants[i % len(variants)])
        sent += 1
        if sent % a.burst == 0:
            time.sleep(a.pause)
    print(sent)


def sniff(a):
    s = open_sniffer(a.iface)
    s.settimeout(0.2)
    seen = collections.Counter()
    print("ready", flush=True)
    end = time.time() + a.seconds
    while time.time() < end:
        try:
            data, vid = recv_frame(s)
        except socket.timeout:
            continue
        et = struct.unpack_from("!H", data, 12)[0] if len(data) >= 14 else 0
        if vid is None and et == 0x8100 and len(data) >= 18:
            vid = struct.unpack_from("!H", data, 14)[0] & 0xFFF
            et = struct.unpack_from("!H", data, 16)[0]
            data = data[:12] + data[16:]
        if et == 0x88A8:
            seen["qinq"] += 1
        elif vid is None:
            seen["untagged"] += 1
        elif et == 0x8100 and len(data) >= 16:
            inner = struct.unpack_from("!H", data, 14)[0] & 0xFFF
            seen[f"vlan {vid} inner-tag {inner}"] += 1
        else:
            seen[f"vlan {vid}"] += 1
    for k, n in sorted(seen.items()):
        print(f"{k}: {n}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("send")
    sp.add_argument("iface")
    sp.add_argument("cls")
    sp.add_argument("count", type=int)
    sp.add_argument("--router-mac", required=True)
    sp.add_argument("--svi", required=True)
    sp.add_argument("--victim-mac", required=True)
    sp.add_argument("--victim-ip", required=True)
    sp.add_argument("--far-net", default="10.67")
    sp.add_argument("--burst", type=int, default=64)
    sp.add_argument("--pause", type=float, default=0.004)
    sn = sub.add_parser("sniff")
    sn.add_argument("iface")
    sn.add_argument("seconds", type=float)
    a = ap.parse_args()
    send(a) if a.cmd == "send" else sniff(a)


if __name__ == "__main__":
    sys.exit(main())
