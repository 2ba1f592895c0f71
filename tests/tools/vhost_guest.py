"""A hostile vhost-user guest: a minimal vhost-user front end (what QEMU
is to lisad) that shares a memfd as guest memory, sets up one queue pair of
split rings, and puts broken descriptor chains on both rings among good
ones. It sends ARP requests for a host behind the switch until a reply
lands in a good receive buffer.

usage: vhost_guest.py SOCKET GUEST_MAC GUEST_IP HOST_IP

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
VERSION = 0x1

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

    def send(self, request, payload=b"", fds=()):
        msg = struct.pack("<III", request, VERSION, len(payload)) + payload
        if fds:
            socket.send_fds(self.sock, [msg], list(fds))
        else:
            self.sock.sendall(msg)

    def reply(self):
        hdr = self.sock.recv(12, socket.MSG_WAITALL)
        _, _, size = struct.unpack("<III", hdr)
        return self.sock.recv(size, socket.MSG_WAITALL)


def buf(i):
    return BUF_BASE + i * BUF_SIZE


def arp_request(mac, ip, target):
    eth = b"\xff" * 6 + mac + b"\x08\x06"
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + ip + b"\x00" * 6 + target
    return eth + arp


def main():
    path, mac_s, ip_s, host_s = sys.argv[1:5]
    mac = bytes(int(b, 16) for b in mac_s.split(":"))
    ip, host = socket.inet_aton(ip_s), socket.inet_aton(host_s)

    fd = os.memfd_create("guest", 0)
    os.ftruncate(fd, MEM_SIZE)
    mem = mmap.mmap(fd, MEM_SIZE)
    rings = [Ring(mem, 0x0000), Ring(mem, 0x4000)]
    kicks = [os.eventfd(0, os.EFD_NONBLOCK) for _ in rings]
    calls = [os.eventfd(0, os.EFD_NONBLOCK) for _ in rings]

    fe = FrontEnd(path)
    fe.send(GET_FEATURES)
    offered = struct.unpack("<Q", fe.reply())[0]
    if not offered & VIRTIO_F_VERSION_1:
        print("the switch does not offer VIRTIO_F_VERSION_1")
        return 1
    fe.send(SET_OWNER)
    fe.send(SET_FEATURES, struct.pack("<Q", VIRTIO_F_VERSION_1))
    region = struct.pack("<QQQQ", 0, MEM_SIZE, FRONT_END_BASE, 0)
    fe.send(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region, [fd])

    # Receive buffers: the first is read-only (a broken receive chain),
    # the rest good.
    rx, tx = rings
    for i in range(16):
        rx.set_desc(i, buf(i), BUF_SIZE, 0 if i == 0 else DESC_F_WRITE)
        rx.post(i)

    for i, r in enumerate(rings):
        fe.send(SET_VRING_NUM, struct.pack("<II", i, RING_SIZE))
        fe.send(SET_VRING_BASE, struct.pack("<II", i, 0))
        addrs = [FRONT_END_BASE + a for a in (r.desc, r.used, r.avail)]
        fe.send(SET_VRING_ADDR, struct.pack("<IIQQQQ", i, 0, *addrs, 0))
        fe.send(SET_VRING_CALL, struct.pack("<Q", i), [calls[i]])
        # Without VHOST_USER_F_PROTOCOL_FEATURES a ring is enabled by its kick.
        fe.send(SET_VRING_KICK, struct.pack("<Q", i), [kicks[i]])
    print("device set up", flush=True)
    time.sleep(0.5)

    # Broken chains on the tx ring, then good frames (descriptors 32 on).
    def tx_buf(i):
        return buf(32 + i)

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
    os.eventfd_write(kicks[TX], 1)
    print(f"posted {len(broken)} broken chains", flush=True)

    frame = b"\x00" * HDR_LEN + arp_request(mac, ip, host)
    replied = False
    deadline = time.time() + 15
    n = 0
    while time.time() < deadline and not replied:
        d = 8 + n % 24
        mem[tx_buf(d) : tx_buf(d) + len(frame)] = frame
        tx.set_desc(d, tx_buf(d), len(frame), 0)
        tx.post(d)
        os.eventfd_write(kicks[TX], 1)
        n += 1
        time.sleep(0.3)
        for head, length in rx.take_used():
            data = bytes(mem[buf(head) + HDR_LEN : buf(head) + length])
            if head == 0:
                print(f"the read-only receive buffer came back with {length} bytes")
                if length != 0:
                    return 1
                continue
            if data[12:14] == b"\x08\x06" and data[20:22] == b"\x00\x02" and data[28:32] == host:
                replied = True
            rx.set_desc(head, buf(head), BUF_SIZE, DESC_F_WRITE)
            rx.post(head)
        os.eventfd_write(kicks[RX], 1)
    print(f"sent {n} ARP requests, reply: {replied}", flush=True)
    time.sleep(0.3)
    posted, used = tx.avail_idx, tx.used_idx()
    print(f"tx ring: {posted} posted, {used} returned", flush=True)
    return 0 if replied and posted == used else 1


if __name__ == "__main__":
    sys.exit(main())
