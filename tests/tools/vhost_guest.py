"""A hostile vhost-user guest: a minimal vhost-user front end (what QEMU
is to lisad) that shares a memfd as guest memory, sets up one queue pair of
split rings, and puts broken descriptor chains on both rings among good
ones. It sends ARP requests for a host behind the switch until a reply
lands in a good receive buffer.

usage: vhost_guest.py SOCKET GUEST_MAC GUEST_IP HOST_IP [--reply-ack]

With --reply-ack it negotiates vhost-user protocol features (REPLY_ACK),
enables its rings with SET_VRING_ENABLE, and once the first reply came:
sends a message the switch must refuse (an fd where none belongs) and a
read-only one, and expects its next ARP answered (the switch's datapath
must not stay paused after a refused message); then disables its tx ring
and expects a frame posted on it left alone until the ring is enabled
again.

Prints one line per step; exits 0 once the reply came and the switch had
returned every chain it was given (used index == avail index on the tx
ring), 1 otherwise."""
import mmap
import os
import socket
import struct
import sys
import time

# vhost-user requests (the vhost-user protocol specification).
GET_FEATURES, SET_FEATURES, SET_OWNER, SET_MEM_TABLE = 1, 2, 3, 5
SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE = 8, 9, 10
SET_VRING_KICK, SET_VRING_CALL = 12, 13
GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES, SET_VRING_ENABLE = 15, 16, 18
VERSION = 0x1
NEED_REPLY = 0x8
PROTOCOL_FEATURES = 1 << 30
PROTOCOL_F_REPLY_ACK = 1 << 3

VIRTIO_F_VERSION_1 = 1 << 32
DESC_F_NEXT, DESC_F_WRITE = 1, 2

MEM_SIZE = 2 << 20
# Where the front end "maps" guest memory in its own address space: ring
# addresses are given in it, and the switch translates them through the
# memory table's region.
FRONT_END_BASE = 0x7F0000000000
RING_SIZE = 64
HDR_LEN = 12  # VERSION_1: the header with num_buffers
RX, TX = 0, 1
BUF_BASE = 0x10000
BUF_SIZE = 0x800


class Ring:
    """A split ring in the shared memory: descriptor table, avail, used."""

    def __init__(self, mem, base):
        self.mem = mem
        self.desc = base
        self.avail = base + 0x400
        self.used = base + 0x1000
        self.avail_idx = 0
        self.used_seen = 0

    def set_desc(self, i, addr, length, flags, nxt=0):
        struct.pack_into("<QIHH", self.mem, self.desc + 16 * i, addr, length, flags, nxt)

    def post(self, head):
        slot = self.avail_idx % RING_SIZE
        struct.pack_into("<H", self.mem, self.avail + 4 + 2 * slot, head)
        self.avail_idx = (self.avail_idx + 1) & 0xFFFF
        struct.pack_into("<H", self.mem, self.avail + 2, self.avail_idx)

    def used_idx(self):
        return struct.unpack_from("<H", self.mem, self.used + 2)[0]

    def take_used(self):
        """The (id, len) entries the device returned since the last call."""
        out = []
        idx = self.used_idx()
        while self.used_seen != idx:
            slot = self.used_seen % RING_SIZE
            out.append(struct.unpack_from("<II", self.mem, self.used + 4 + 8 * slot))
            self.used_seen = (self.used_seen + 1) & 0xFFFF
        return out


class FrontEnd:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.time() + 10
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)

    def send(self, request, payload=b"", fds=(), flags=VERSION):
        msg = struct.pack("<III", request, flags, len(payload)) + payload
        if fds:
            socket.send_fds(self.sock, [msg], list(fds))
        else:
            self.sock.sendall(msg)

    def reply(self):
        hdr = self.sock.recv(12, socket.MSG_WAITALL)
        _, _, size = struct.unpack("<III", hdr)
        return self.sock.recv(size, socket.MSG_WAITALL)

    def acked(self, request, payload=b"", fds=()):
        """Sends with NEED_REPLY; true if the switch acknowledged success."""
        self.send(request, payload, fds, VERSION | NEED_REPLY)
        return struct.unpack("<Q", self.reply())[0] == 0


def buf(i):
    return BUF_BASE + i * BUF_SIZE


def arp_request(mac, ip, target):
    eth = b"\xff" * 6 + mac + b"\x08\x06"
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + ip + b"\x00" * 6 + target
    return eth + arp


class Guest:
    """The front end's device: its memory, rings and eventfds."""

    def __init__(self, fe, mac, ip, host):
        self.fe = fe
        self.mac, self.ip, self.host = mac, ip, host
        self.fd = os.memfd_create("guest", 0)
        os.ftruncate(self.fd, MEM_SIZE)
        self.mem = mmap.mmap(self.fd, MEM_SIZE)
        self.rings = [Ring(self.mem, 0x0000), Ring(self.mem, 0x4000)]
        self.kicks = [os.eventfd(0, os.EFD_NONBLOCK) for _ in self.rings]
        self.calls = [os.eventfd(0, os.EFD_NONBLOCK) for _ in self.rings]
        self.sent = 0

    def kick(self, ring):
        os.eventfd_write(self.kicks[ring], 1)

    def send_arp(self):
        """Posts one ARP request on the tx ring (descriptors 8-31)."""
        tx = self.rings[TX]
        frame = b"\x00" * HDR_LEN + arp_request(self.mac, self.ip, self.host)
        d = 8 + self.sent % 24
        addr = tx_buf(d)
        self.mem[addr : addr + len(frame)] = frame
        tx.set_desc(d, addr, len(frame), 0)
        tx.post(d)
        self.kick(TX)
        self.sent += 1

    def take_replies(self):
        """Reposts the receive buffers the switch filled; true if one held
        the ARP reply. None if the read-only buffer came back non-empty."""
        rx = self.rings[RX]
        replied = False
        for head, length in rx.take_used():
            data = bytes(self.mem[buf(head) + HDR_LEN : buf(head) + length])
            if head == 0:
                print(f"the read-only receive buffer came back with {length} bytes")
                if length != 0:
                    return None
                continue
            if data[12:14] == b"\x08\x06" and data[20:22] == b"\x00\x02" and data[28:32] == self.host:
                replied = True
            rx.set_desc(head, buf(head), BUF_SIZE, DESC_F_WRITE)
            rx.post(head)
        self.kick(RX)
        return replied

    def arp_until_replied(self, seconds):
        """Sends ARP requests until one is answered; true if one was."""
        deadline = time.time() + seconds
        first = self.sent
        while time.time() < deadline:
            self.send_arp()
            time.sleep(0.3)
            replied = self.take_replies()
            if replied is None:
                return False
            if replied:
                print(f"sent {self.sent - first} ARP requests, answered", flush=True)
                return True
        print(f"sent {self.sent - first} ARP requests, none answered", flush=True)
        return False


def tx_buf(i):
    """The buffers of the tx ring's descriptors (after the receive ones)."""
    return buf(32 + i)


def set_up(fe, g, reply_ack):
    """Negotiates, shares memory, and starts both rings."""
    fe.send(GET_FEATURES)
    offered = struct.unpack("<Q", fe.reply())[0]
    if not offered & VIRTIO_F_VERSION_1:
        print("the switch does not offer VIRTIO_F_VERSION_1")
        return False
    features = VIRTIO_F_VERSION_1
    if reply_ack:
        if not offered & PROTOCOL_FEATURES:
            print("the switch does not offer vhost-user protocol features")
            return False
        features |= PROTOCOL_FEATURES
        fe.send(GET_PROTOCOL_FEATURES)
        protocol = struct.unpack("<Q", fe.reply())[0]
        if not protocol & PROTOCOL_F_REPLY_ACK:
            print("the switch does not offer REPLY_ACK")
            return False
        fe.send(SET_PROTOCOL_FEATURES, struct.pack("<Q", PROTOCOL_F_REPLY_ACK))
    fe.send(SET_OWNER)
    fe.send(SET_FEATURES, struct.pack("<Q", features))
    region = struct.pack("<QQQQ", 0, MEM_SIZE, FRONT_END_BASE, 0)
    fe.send(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region, [g.fd])

    # Receive buffers: the first is read-only (a broken receive chain),
    # the rest good.
    rx = g.rings[RX]
    for i in range(16):
        rx.set_desc(i, buf(i), BUF_SIZE, 0 if i == 0 else DESC_F_WRITE)
        rx.post(i)

    for i, r in enumerate(g.rings):
        fe.send(SET_VRING_NUM, struct.pack("<II", i, RING_SIZE))
        fe.send(SET_VRING_BASE, struct.pack("<II", i, 0))
        addrs = [FRONT_END_BASE + a for a in (r.desc, r.used, r.avail)]
        fe.send(SET_VRING_ADDR, struct.pack("<IIQQQQ", i, 0, *addrs, 0))
        fe.send(SET_VRING_CALL, struct.pack("<Q", i), [g.calls[i]])
        # Without VHOST_USER_F_PROTOCOL_FEATURES a ring is enabled by its
        # kick; with them, by SET_VRING_ENABLE.
        fe.send(SET_VRING_KICK, struct.pack("<Q", i), [g.kicks[i]])
        if reply_ack and not fe.acked(SET_VRING_ENABLE, struct.pack("<II", i, 1)):
            print(f"SET_VRING_ENABLE {i} refused")
            return False
    print("device set up", flush=True)
    return True


def post_broken_chains(g):
    """Broken chains on the tx ring (descriptors 0-5)."""
    tx = g.rings[TX]
    broken = [
        [(0, tx_buf(0), 60, DESC_F_NEXT, 200)],  # a link past the table
        [(1, tx_buf(1), 30, DESC_F_NEXT, 2), (2, tx_buf(2), 30, DESC_F_NEXT, 1)],  # a loop
        [(3, 0x4000_0000, 60, 0, 0)],  # outside guest memory
        [(4, tx_buf(4), 60, DESC_F_WRITE, 0)],  # a receive buffer on the tx ring
        [(5, tx_buf(5), HDR_LEN + 4, 0, 0)],  # a runt after its header
    ]
    for chain in broken:
        for d, addr, length, flags, nxt in chain:
            tx.set_desc(d, addr, length, flags, nxt)
        tx.post(chain[0][0])
    g.kick(TX)
    print(f"posted {len(broken)} broken chains", flush=True)


def refused_then_read_only(fe, g):
    """A message the switch refuses (SET_VRING_NUM with an fd it does not
    take), then a read-only one: the guest's next ARP must be answered."""
    spare = os.eventfd(0)
    if fe.acked(SET_VRING_NUM, struct.pack("<II", TX, RING_SIZE), [spare]):
        print("a SET_VRING_NUM with an fd was accepted")
        return False
    os.close(spare)
    fe.send(GET_FEATURES)
    fe.reply()
    print("a message was refused", flush=True)
    return g.arp_until_replied(10)


def disabled_ring_left_alone(fe, g):
    """With its tx ring disabled, a frame posted on it stays there; enabled
    again, the frame is taken."""
    tx = g.rings[TX]
    if not fe.acked(SET_VRING_ENABLE, struct.pack("<II", TX, 0)):
        print("SET_VRING_ENABLE 0 refused")
        return False
    before = tx.used_idx()
    g.send_arp()
    time.sleep(1.0)
    if tx.used_idx() != before:
        print("the switch took a frame from a disabled ring")
        return False
    if not fe.acked(SET_VRING_ENABLE, struct.pack("<II", TX, 1)):
        print("SET_VRING_ENABLE 1 refused")
        return False
    g.kick(TX)
    print("a disabled ring was left alone", flush=True)
    return g.arp_until_replied(10)


def main():
    path, mac_s, ip_s, host_s = sys.argv[1:5]
    reply_ack = "--reply-ack" in sys.argv[5:]
    mac = bytes(int(b, 16) for b in mac_s.split(":"))
    ip, host = socket.inet_aton(ip_s), socket.inet_aton(host_s)

    fe = FrontEnd(path)
    g = Guest(fe, mac, ip, host)
    if not set_up(fe, g, reply_ack):
        return 1
    time.sleep(0.5)
    post_broken_chains(g)
    ok = g.arp_until_replied(15)
    if ok and reply_ack:
        ok = refused_then_read_only(fe, g) and disabled_ring_left_alone(fe, g)
    time.sleep(0.3)
    tx = g.rings[TX]
    posted, used = tx.avail_idx, tx.used_idx()
    print(f"tx ring: {posted} posted, {used} returned", flush=True)
    return 0 if ok and posted == used else 1


if __name__ == "__main__":
    sys.exit(main())
