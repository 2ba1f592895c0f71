"""Multicast hosts for the IGMP snooping tests, run inside a network
namespace:

  join IF GROUP [GROUP ...] [--hold S]   join with IP_ADD_MEMBERSHIP (the
        kernel sends the reports: IGMPv3 unless the namespace's sysctl
        force_igmp_version says 2), print "joined", hold S seconds, leave
        (the kernel sends the leave when the socket closes, also when the
        process is killed)
  send IF GROUP COUNT [--port P] [--pause S]   COUNT UDP datagrams to GROUP:P
  watch IF SECONDS   count for SECONDS what IF receives: UDP datagrams per
        destination group, and every IGMP message; print one JSON object
  query IF --src A [--group G] [--version 2|3] [--vlan N] [--max-resp DS]
        send an IGMP query from A (general unless --group), tagged if --vlan
  report IF GROUP --src A [--vlan N] [--leave]   send an IGMPv2 report for
        GROUP (or a leave) from A, tagged if --vlan (a host on a trunk)

Frames are read on a raw socket (a host that has not joined drops the
datagram in IP, so a receiving socket cannot count what the switch sent).
"""
import argparse
import ipaddress
import json
import socket
import struct
import sys
import time

from rawsock import recv_frame, open_sniffer

PACKET_OUTGOING = 4


def checksum(data):
    """The Internet checksum (RFC 1071) of `data`."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def group_mac(ip):
    """The Ethernet address of IPv4 group `ip` (RFC 1112 6.4)."""
    o = ipaddress.IPv4Address(ip).packed
    return bytes([0x01, 0x00, 0x5E, o[1] & 0x7F, o[2], o[3]])


def if_mac(ifname):
    with open("/sys/class/net/%s/address" % ifname) as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


def ip_packet(src, dst, igmp):
    """An IPv4 packet carrying `igmp`, TTL 1, with Router Alert."""
    opts = b"\x94\x04\x00\x00"
    total = 24 + len(igmp)
    hdr = struct.pack(
        "!BBHHHBBH4s4s",
        0x46, 0xC0, total, 0, 0, 1, 2, 0,
        ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed,
    ) + opts
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + igmp


def frame(ifname, dst_ip, ip, vlan):
    eth = group_mac(dst_ip) + if_mac(ifname)
    if vlan is not None:
        eth += struct.pack("!HH", 0x8100, vlan)
    f = eth + b"\x08\x00" + ip
    return f + b"\0" * max(0, 60 - len(f))


def send_raw(ifname, data):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    s.send(data)
    s.close()


def igmp_msg(kind, max_resp, group, extra=b""):
    body = struct.pack("!BBH4s", kind, max_resp, 0, ipaddress.IPv4Address(group).packed) + extra
    return body[:2] + struct.pack("!H", checksum(body)) + body[4:]


def cmd_join(a):
    socks = []
    idx = socket.if_nametoindex(a.ifname)
    for g in a.groups:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        mreqn = ipaddress.IPv4Address(g).packed + b"\0\0\0\0" + struct.pack("@i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
        socks.append(s)
    print("joined", flush=True)
    time.sleep(a.hold)
    for s in socks:
        s.close()
    time.sleep(0.2)


def cmd_send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    idx = socket.if_nametoindex(a.ifname)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 b"\0\0\0\0" + b"\0\0\0\0" + struct.pack("@i", idx))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    for i in range(a.count):
        s.sendto(b"lisa-mcast %d" % i, (a.group, a.port))
        time.sleep(a.pause)
    print("sent", a.count, flush=True)


def v3_records(msg):
    """The [record type, group] pairs of an IGMPv3 report."""
    out = []
    at = 8
    for _ in range(struct.unpack_from("!H", msg, 6)[0]):
        if len(msg) < at + 8:
            break
        rtype, aux, nsrc = struct.unpack_from("!BBH", msg, at)
        out.append([rtype, str(ipaddress.IPv4Address(msg[at + 4:at + 8]))])
        at += 8 + 4 * nsrc + 4 * aux
    return out


def cmd_watch(a):
    s = open_sniffer(a.ifname)
    s.settimeout(0.1)
    udp = {}
    igmp = []
    print("ready", flush=True)
    end = time.time() + a.seconds
    while time.time() < end:
        try:
            data, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(32))
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        vid = None
        for level, kind, cdata in anc:
            if level == 263 and kind == 8 and len(cdata) >= 18:
                status = struct.unpack_from("I", cdata, 0)[0]
                if status & 0x10:
                    vid = struct.unpack_from("H", cdata, 16)[0] & 0xFFF
        at = 12
        et = struct.unpack_from("!H", data, at)[0] if len(data) >= 14 else 0
        if et == 0x8100 and len(data) >= 18:
            vid = struct.unpack_from("!H", data, 14)[0] & 0xFFF
            at = 16
            et = struct.unpack_from("!H", data, at)[0]
        if et != 0x0800:
            continue
        ip = data[at + 2:]
        if len(ip) < 20:
            continue
        ihl = (ip[0] & 0xF) * 4
        ip = ip[:struct.unpack_from("!H", ip, 2)[0]]  # the padding off
        proto = ip[9]
        src = str(ipaddress.IPv4Address(ip[12:16]))
        dst = str(ipaddress.IPv4Address(ip[16:20]))
        if proto == 17:
            if len(ip) >= ihl + 4 and struct.unpack_from("!H", ip, ihl + 2)[0] == a.port:
                udp[dst] = udp.get(dst, 0) + 1
        elif proto == 2 and len(ip) >= ihl + 8:
            kind, max_resp = ip[ihl], ip[ihl + 1]
            group = str(ipaddress.IPv4Address(ip[ihl + 4:ihl + 8]))
            msg = {"type": kind, "src": src, "dst": dst, "group": group,
                   "max_resp": max_resp, "vlan": vid, "len": len(ip) - ihl}
            if kind == 0x22:
                msg["records"] = v3_records(ip[ihl:])
            igmp.append(msg)
    print(json.dumps({"udp": udp, "igmp": igmp}), flush=True)


def cmd_query(a):
    group = a.group or "0.0.0.0"
    dst = a.group or "224.0.0.1"
    extra = b"\x02\x7d\x00\x00" if a.version == 3 else b""  # QRV 2, QQIC 125
    ip = ip_packet(a.src, dst, igmp_msg(0x11, a.max_resp, group, extra))
    send_raw(a.ifname, frame(a.ifname, dst, ip, a.vlan))


def cmd_report(a):
    if a.leave:
        ip = ip_packet(a.src, "224.0.0.2", igmp_msg(0x17, 0, a.group))
        dst = "224.0.0.2"
    else:
        ip = ip_packet(a.src, a.group, igmp_msg(0x16, 0, a.group))
        dst = a.group
    send_raw(a.ifname, frame(a.ifname, dst, ip, a.vlan))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    j = sub.add_parser("join")
    j.add_argument("ifname")
    j.add_argument("groups", nargs="+")
    j.add_argument("--hold", type=float, default=3600)
    s = sub.add_parser("send")
    s.add_argument("ifname")
    s.add_argument("group")
    s.add_argument("count", type=int)
    s.add_argument("--port", type=int, default=5001)
    s.add_argument("--pause", type=float, default=0.005)
    w = sub.add_parser("watch")
    w.add_argument("ifname")
    w.add_argument("seconds", type=float)
    w.add_argument("--port", type=int, default=5001)
    q = sub.add_parser("query")
    q.add_argument("ifname")
    q.add_argument("--src", required=True)
    q.add_argument("--group")
    q.add_argument("--version", type=int, default=2)
    q.add_argument("--vlan", type=int)
    q.add_argument("--max-resp", type=int, default=100)
    r = sub.add_parser("report")
    r.add_argument("ifname")
    r.add_argument("group")
    r.add_argument("--src", required=True)
    r.add_argument("--vlan", type=int)
    r.add_argument("--leave", action="store_true")
    a = p.parse_args()
    {"join": cmd_join, "send": cmd_send, "watch": cmd_watch, "query": cmd_query,
     "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
