"""Raw-socket helpers shared by the test tools (arp_probe.py, hostile.py):
this kernel has no 802.1Q module, so tagged frames are sent and read on a
raw socket, and the kernel reports a stripped tag in PACKET_AUXDATA."""
import socket
import struct

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10


def open_sniffer(iface):
    """A raw socket on `iface` that sees every frame, with the kernel's
    VLAN information (PACKET_AUXDATA) attached."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    return s


def recv_frame(s, size=65535):
    """The next frame on `s` and the VLAN id the kernel took off it (None
    if it carried no tag the kernel stripped)."""
    data, anc, _, _ = s.recvmsg(size, socket.CMSG_SPACE(32))
    vid = None
    for level, kind, cdata in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(cdata) >= 18:
            status = struct.unpack_from("I", cdata, 0)[0]
            tci = struct.unpack_from("H", cdata, 16)[0]
            if status & TP_STATUS_VLAN_VALID:
                vid = tci & 0x0FFF
    return data, vid
