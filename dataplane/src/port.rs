//! Ethernet ports: how each kind is created (DPDK devargs), configured,
//! started, read and closed.

use crate::error::{check, DpdkError};
use crate::mempool::PktPool;
use crate::wire::MacAddr;
use std::ffi::{CStr, CString};
use std::fmt;
use std::str::FromStr;

/// Most ports a switch can hold (DPDK's `RTE_MAX_ETHPORTS`).
pub const MAX_PORTS: usize = dpdk_sys::RTE_MAX_ETHPORTS as usize;
/// Most port-channels (bundles of ports) a switch can hold; each is a
/// switch port with a logical id after DPDK's (`MAX_PORTS + slot`).
pub const MAX_BUNDLES: usize = 32;
/// Switch port ids the forwarding table, the tx buffers and the counters
/// cover: DPDK's ports, then the port-channels.
pub const MAX_SWITCH_PORTS: usize = MAX_PORTS + MAX_BUNDLES;

/// Descriptors per rx and tx queue.
pub const RING_SIZE: u16 = 1024;

/// What a port is plugged into. The text form `KIND:ARG` is the one
/// `lisad --port NAME=KIND:ARG` and the boot config use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortKind {
    /// A kernel tap interface of this name (`net_tap`).
    Tap(String),
    /// A kernel interface read through AF_PACKET (`net_af_packet`).
    AfPacket(String),
    /// vhost-user with the switch as the socket server (`net_vhost`).
    VhostServer(String),
    /// vhost-user with the switch as client of a server socket (QEMU's).
    VhostClient(String),
    /// A physical NIC by PCI address, e.g. `0000:03:00.0`.
    Pci(String),
    /// Reads frames from one pcap file and writes them to another.
    Pcap {
        /// pcap file to read received frames from.
        rx: String,
        /// pcap file to write transmitted frames to.
        tx: String,
    },
    /// A port that drops what it is sent and receives nothing (`net_null`).
    Null,
    /// A port-channel: a bundle of ports that switches as one (never
    /// created by DPDK, nor written as `KIND:ARG`).
    PortChannel,
}

/// Whether kernel interface `name`'s link is up (RFC 2863 operational
/// state: not down, not its lower layer down); true when the kernel does
/// not say (`unknown`, as tun devices say).
fn kernel_carrier(name: &str) -> bool {
    let path = std::path::Path::new("/sys/class/net")
        .join(name)
        .join("operstate");
    std::fs::read_to_string(path).map_or(true, |s| {
        !matches!(s.trim(), "down" | "lowerlayerdown" | "notpresent")
    })
}

/// Whether a kernel interface named `name` is in this network namespace.
fn interface_here(name: &str) -> bool {
    let Ok(c) = std::ffi::CString::new(name) else {
        return false;
    };
    // SAFETY: c is a NUL-terminated name; if_nametoindex only reads it.
    unsafe { libc::if_nametoindex(c.as_ptr()) != 0 }
}

/// A `KIND:ARG` text that is not a port kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad port kind '{text}': {why} (use tap:IFNAME, afpacket:IFNAME, vhost-server:PATH, vhost-client:PATH, pci:ADDR, pcap:RX,TX or null)")]
pub struct PortKindError {
    /// The text given.
    pub text: String,
    /// What is wrong with it.
    pub why: String,
}

fn valid_ifname(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 16
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.')
}

impl FromStr for PortKind {
    type Err = PortKindError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| PortKindError {
            text: s.to_string(),
            why: why.to_string(),
        };
        let (kind, arg) = s.split_once(':').unwrap_or((s, ""));
        // Devargs are comma-separated key=value lists: keep those characters out.
        if arg.contains(',') && kind != "pcap" || arg.contains('=') {
            return Err(err("the argument may not contain ',' or '='"));
        }
        let need_arg = |what: &str| {
            if arg.is_empty() {
                Err(err(&format!("needs {what}")))
            } else {
                Ok(arg.to_string())
            }
        };
        match kind {
            "tap" | "afpacket" => {
                let name = need_arg("an interface name")?;
                if !valid_ifname(&name) {
                    return Err(err(
                        "interface names are 1-15 letters, digits, '-', '_' or '.'",
                    ));
                }
                Ok(if kind == "tap" {
                    PortKind::Tap(name)
                } else {
                    PortKind::AfPacket(name)
                })
            }
            "vhost-server" => Ok(PortKind::VhostServer(need_arg("a socket path")?)),
            "vhost-client" => Ok(PortKind::VhostClient(need_arg("a socket path")?)),
            "pci" => {
                let addr = need_arg("a PCI address")?;
                let ok = addr.len() >= 7
                    && addr
                        .bytes()
                        .all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.');
                if !ok {
                    return Err(err("PCI addresses look like 0000:03:00.0"));
                }
                Ok(PortKind::Pci(addr))
            }
            "pcap" => {
                let (rx, tx) = need_arg("RX,TX pcap files")?
                    .split_once(',')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .ok_or_else(|| err("needs two files, RX,TX"))?;
                if rx.is_empty() || tx.is_empty() || tx.contains(',') {
                    return Err(err("needs two files, RX,TX"));
                }
                Ok(PortKind::Pcap { rx, tx })
            }
            "null" if arg.is_empty() => Ok(PortKind::Null),
            "null" => Err(err("null takes no argument")),
            _ => Err(err("unknown kind")),
        }
    }
}

impl fmt::Display for PortKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortKind::Tap(n) => write!(f, "tap:{n}"),
            PortKind::AfPacket(n) => write!(f, "afpacket:{n}"),
            PortKind::VhostServer(p) => write!(f, "vhost-server:{p}"),
            PortKind::VhostClient(p) => write!(f, "vhost-client:{p}"),
            PortKind::Pci(a) => write!(f, "pci:{a}"),
            PortKind::Pcap { rx, tx } => write!(f, "pcap:{rx},{tx}"),
            PortKind::Null => write!(f, "null"),
            PortKind::PortChannel => write!(f, "port-channel"),
        }
    }
}

impl PortKind {
    /// The DPDK device name and the devargs that create it; `seq` makes
    /// vdev names unique within the process.
    pub fn devargs(&self, seq: u32, queues: u16) -> (String, String) {
        let vdev = |driver: &str, args: String| {
            let name = format!("{driver}_lisa{seq}");
            let full = if args.is_empty() {
                name.clone()
            } else {
                format!("{name},{args}")
            };
            (name, full)
        };
        match self {
            PortKind::Tap(ifname) => vdev("net_tap", format!("iface={ifname}")),
            // Ring slots of 9216 bytes (four to a block) hold a jumbo frame of up
            // to 9184 bytes, which also fits one mbuf.
            PortKind::AfPacket(ifname) => vdev(
                "net_af_packet",
                format!("iface={ifname},qpairs={queues},blocksz=36864,framesz=9216,framecnt=512"),
            ),
            PortKind::VhostServer(path) => vdev(
                "net_vhost",
                format!("iface={path},queues={queues},client=0"),
            ),
            PortKind::VhostClient(path) => vdev(
                "net_vhost",
                format!("iface={path},queues={queues},client=1"),
            ),
            PortKind::Pci(addr) => (addr.clone(), addr.clone()),
            PortKind::Pcap { rx, tx } => vdev("net_pcap", format!("rx_pcap={rx},tx_pcap={tx}")),
            PortKind::Null | PortKind::PortChannel => vdev("net_null", String::new()),
        }
    }

    /// Why the port cannot be created, when that is plain before asking
    /// DPDK (whose answer would be "Operation not permitted"): an af_packet
    /// port's kernel interface or a vhost-user socket's directory is
    /// missing, a pcap port's input file does not exist.
    pub fn missing(&self) -> Option<String> {
        let dir_of = |p: &str| {
            std::path::Path::new(p)
                .parent()
                .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
                .map(|d| d.display().to_string())
        };
        match self {
            PortKind::AfPacket(ifname)
                if !std::path::Path::new("/sys/class/net").join(ifname).exists() =>
            {
                Some(format!(
                    "{self}: there is no kernel interface {ifname} (`ip link` lists them)"
                ))
            }
            PortKind::VhostServer(p) | PortKind::VhostClient(p) => dir_of(p).map(|d| {
                format!("{self}: the socket's directory {d} does not exist (create it first)")
            }),
            PortKind::Pcap { rx, .. } if !std::path::Path::new(rx).exists() => {
                Some(format!("{self}: there is no file {rx} to read"))
            }
            PortKind::PortChannel => Some("a port-channel is made by the lacp feature".into()),
            _ => None,
        }
    }

    /// A vhost-user port. Workers send and receive on it through
    /// `vhost::burst`: lisad's own datapath on split rings, the vhost
    /// library's bursts otherwise, never the `net_vhost` PMD's burst
    /// functions, which count size and multicast statistics per packet.
    /// The PMD still owns the device; the shim follows it through the
    /// PMD's events and vhost-user message hooks and gates every burst on
    /// it (`EthPort` attaches and detaches the port).
    pub fn is_vhost(&self) -> bool {
        matches!(self, PortKind::VhostServer(_) | PortKind::VhostClient(_))
    }

    /// The DPDK bus the device lives on.
    fn bus(&self) -> &'static str {
        match self {
            PortKind::Pci(_) => "pci",
            _ => "vdev",
        }
    }
}

/// Packet and byte counts a port's driver keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortStats {
    /// Packets received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Packets the NIC dropped for want of rx descriptors.
    pub rx_missed: u64,
    /// Receive errors.
    pub rx_errors: u64,
    /// Transmit errors.
    pub tx_errors: u64,
    /// Receive failures for want of mbufs.
    pub rx_nombuf: u64,
}

/// A started DPDK ethdev. Stopped, closed and removed on drop.
pub struct EthPort {
    port_id: u16,
    dev_name: String,
    kind: PortKind,
    rx_queues: u16,
    tx_queues: u16,
}

// RSS hash types over IP and L4 ports (RTE_ETH_RSS_IP | TCP | UDP).
const RSS_HF: u64 = (1 << 2)
    | (1 << 3)
    | (1 << 4)
    | (1 << 5)
    | (1 << 7)
    | (1 << 8)
    | (1 << 9)
    | (1 << 10)
    | (1 << 11)
    | (1 << 13)
    | (1 << 15);

impl EthPort {
    /// Creates the device for `kind`, with up to `queues` rx and tx queues,
    /// and starts it.
    pub fn create(
        kind: &PortKind,
        seq: u32,
        queues: u16,
        pool: &PktPool,
    ) -> Result<EthPort, DpdkError> {
        if let Some(why) = kind.missing() {
            return Err(DpdkError::other("creating the port", why));
        }
        let (dev_name, devargs) = kind.devargs(seq, queues);
        let c_devargs = CString::new(devargs.clone())
            .map_err(|_| DpdkError::other("port", "NUL in devargs"))?;
        // SAFETY: valid C string; EAL initialised.
        let rc = unsafe { dpdk_sys::rte_dev_probe(c_devargs.as_ptr()) };
        check(
            &format!("creating port {kind} (rte_dev_probe {devargs})"),
            rc,
        )?;
        let c_name = CString::new(dev_name.clone()).expect("no NUL");
        let mut port_id = 0u16;
        // SAFETY: valid C string and out pointer.
        let rc = unsafe { dpdk_sys::rte_eth_dev_get_port_by_name(c_name.as_ptr(), &mut port_id) };
        if rc < 0 {
            remove_device(kind.bus(), &dev_name);
            return Err(DpdkError::from_code(
                format!("finding the port of {dev_name}"),
                rc,
            ));
        }
        let mut port = EthPort {
            port_id,
            dev_name,
            kind: kind.clone(),
            rx_queues: 0,
            tx_queues: 0,
        };
        // On error, `port` drops here and removes the device again.
        port.configure(queues, pool)?;
        Ok(port)
    }

    fn configure(&mut self, queues: u16, pool: &PktPool) -> Result<(), DpdkError> {
        let port = self.port_id;
        let mut info = dpdk_sys::rte_eth_dev_info::default();
        // SAFETY: valid port id and out pointer.
        check("rte_eth_dev_info_get", unsafe {
            dpdk_sys::rte_eth_dev_info_get(port, &mut info)
        })?;
        let nrx = queues.clamp(1, info.max_rx_queues.max(1));
        let ntx = queues.clamp(1, info.max_tx_queues.max(1));
        let mut conf = dpdk_sys::rte_eth_conf::default();
        let rss = RSS_HF & info.flow_type_rss_offloads;
        if nrx > 1 && rss != 0 {
            conf.rxmode.mq_mode = dpdk_sys::RTE_ETH_MQ_RX_RSS;
            conf.rx_adv_conf.rss_conf.rss_hf = rss;
        }
        // Rx interrupts let an idle worker wait without polling (power
        // save). A driver that has none may refuse them: then without.
        conf.intr_conf.set_rxq(1);
        // SAFETY: valid port, conf lives for the call.
        if unsafe { dpdk_sys::rte_eth_dev_configure(port, nrx, ntx, &conf) } != 0 {
            conf.intr_conf.set_rxq(0);
            // SAFETY: as above.
            check("rte_eth_dev_configure", unsafe {
                dpdk_sys::rte_eth_dev_configure(port, nrx, ntx, &conf)
            })?;
        }
        if let PortKind::VhostServer(path) | PortKind::VhostClient(path) = &self.kind {
            crate::vhost::device::disable_unserved_features(path);
        }
        let (mut nb_rxd, mut nb_txd) = (RING_SIZE, RING_SIZE);
        // SAFETY: valid port and out pointers.
        check("rte_eth_dev_adjust_nb_rx_tx_desc", unsafe {
            dpdk_sys::rte_eth_dev_adjust_nb_rx_tx_desc(port, &mut nb_rxd, &mut nb_txd)
        })?;
        // SAFETY: valid port.
        let socket = unsafe { dpdk_sys::rte_eth_dev_socket_id(port) };
        let socket = if socket < 0 { 0 } else { socket as u32 };
        for q in 0..nrx {
            // SAFETY: valid port/queue; NULL rxconf means driver defaults;
            // the pool outlives the port (the switch drops ports first).
            check("rte_eth_rx_queue_setup", unsafe {
                dpdk_sys::rte_eth_rx_queue_setup(
                    port,
                    q,
                    nb_rxd,
                    socket,
                    std::ptr::null(),
                    pool.as_ptr(),
                )
            })?;
        }
        for q in 0..ntx {
            // SAFETY: valid port/queue; NULL txconf means driver defaults.
            check("rte_eth_tx_queue_setup", unsafe {
                dpdk_sys::rte_eth_tx_queue_setup(port, q, nb_txd, socket, std::ptr::null())
            })?;
        }
        // A switch port sees every frame. Some drivers have no such mode
        // (and need none); that is not an error.
        // SAFETY: valid port.
        let _ = unsafe { dpdk_sys::rte_eth_promiscuous_enable(port) };
        if self.kind.is_vhost() {
            // Before the start, so that no device can arrive unseen.
            // SAFETY: a valid, configured port; the pool outlives it (and
            // the slots, dropped with the port).
            unsafe { crate::vhost::port_rings::attach(port, 2 * nrx.max(ntx), pool.as_ptr()) };
            // SAFETY: as above.
            check("following the vhost-user device", unsafe {
                dpdk_sys::lisa_vhost_attach(
                    port,
                    pool.as_ptr(),
                    Some(crate::vhost::port_rings::on_pause),
                )
            })?;
        }
        // SAFETY: valid, configured port.
        check("rte_eth_dev_start", unsafe {
            dpdk_sys::rte_eth_dev_start(port)
        })?;
        self.rx_queues = nrx;
        self.tx_queues = ntx;
        Ok(())
    }

    /// DPDK's port id.
    pub fn port_id(&self) -> u16 {
        self.port_id
    }

    /// DPDK's device name (e.g. `net_tap_lisa0`).
    pub fn dev_name(&self) -> &str {
        &self.dev_name
    }

    /// What the port is plugged into.
    pub fn kind(&self) -> &PortKind {
        &self.kind
    }

    /// Number of rx queues.
    pub fn rx_queues(&self) -> u16 {
        self.rx_queues
    }

    /// Number of tx queues.
    pub fn tx_queues(&self) -> u16 {
        self.tx_queues
    }

    /// True when the link is up (without waiting). A tap whose kernel end
    /// was moved to another network namespace (a host) cannot be seen from
    /// here (net_tap asks the kernel by name, in lisad's namespace): it is
    /// up while lisad holds it, as a cable plugged into a live host.
    /// An af_packet port's driver (DPDK 22.11) reports its link up
    /// whatever happens: its kernel interface's carrier says (a veth whose
    /// peer went down has none).
    pub fn link_up(&self) -> bool {
        match &self.kind {
            PortKind::Tap(name) if !interface_here(name) => return true,
            PortKind::AfPacket(name) => return kernel_carrier(name),
            _ => {}
        }
        let mut link = dpdk_sys::rte_eth_link::default();
        // SAFETY: valid port and out pointer.
        let rc = unsafe { dpdk_sys::rte_eth_link_get_nowait(self.port_id, &mut link) };
        rc == 0 && link.link_status() != 0
    }

    /// The port's link speed in Mbit/s (0 if unknown).
    pub fn link_speed(&self) -> u32 {
        let mut link = dpdk_sys::rte_eth_link::default();
        // SAFETY: valid port and out pointer.
        let rc = unsafe { dpdk_sys::rte_eth_link_get_nowait(self.port_id, &mut link) };
        if rc == 0 && link.link_speed != u32::MAX {
            link.link_speed
        } else {
            0
        }
    }

    /// The port's MAC address.
    pub fn mac(&self) -> MacAddr {
        let mut addr = dpdk_sys::rte_ether_addr::default();
        // SAFETY: valid port and out pointer.
        unsafe { dpdk_sys::rte_eth_macaddr_get(self.port_id, &mut addr) };
        MacAddr(addr.addr_bytes)
    }

    /// The driver's counters.
    pub fn stats(&self) -> PortStats {
        let mut s = dpdk_sys::rte_eth_stats::default();
        // SAFETY: valid port and out pointer.
        unsafe { dpdk_sys::rte_eth_stats_get(self.port_id, &mut s) };
        PortStats {
            rx_packets: s.ipackets,
            rx_bytes: s.ibytes,
            tx_packets: s.opackets,
            tx_bytes: s.obytes,
            rx_missed: s.imissed,
            rx_errors: s.ierrors,
            tx_errors: s.oerrors,
            rx_nombuf: s.rx_nombuf,
        }
    }

    /// Sets the port's MTU (the largest L3 payload). Software ports whose
    /// only limit is their buffers (af_packet, vhost-user, pcap, null) take
    /// any MTU the switch allows even where DPDK's MTU call refuses: the
    /// switch checks the MTU on egress itself. A tap or a NIC must accept
    /// it, or the setting is refused with the driver's limit.
    pub fn set_mtu(&self, mtu: u16) -> Result<(), DpdkError> {
        // SAFETY: valid port.
        let rc = unsafe { dpdk_sys::rte_eth_dev_set_mtu(self.port_id, mtu) };
        if rc == 0 {
            return Ok(());
        }
        let buffer_bound = self.buffer_bound();
        if buffer_bound {
            tracing::debug!(
                port = self.port_id,
                mtu,
                "driver MTU call refused; the switch enforces the MTU"
            );
            return Ok(());
        }
        let max = self.driver_max_mtu();
        Err(DpdkError::other(
            format!("setting MTU {mtu}"),
            format!("the {} driver supports MTU up to {max}", self.driver()),
        ))
    }

    /// True for ports whose frame size only the switch's buffers bound
    /// (their drivers refuse MTU calls, or ignore them).
    fn buffer_bound(&self) -> bool {
        matches!(
            self.kind,
            PortKind::AfPacket(_)
                | PortKind::VhostServer(_)
                | PortKind::VhostClient(_)
                | PortKind::Pcap { .. }
                | PortKind::Null
                | PortKind::PortChannel
        )
    }

    /// The largest MTU the driver takes (drivers that set no `max_mtu` give
    /// the largest frame instead: less an Ethernet header, an 802.1Q tag
    /// and the FCS).
    fn driver_max_mtu(&self) -> u16 {
        let mut info = dpdk_sys::rte_eth_dev_info::default();
        // SAFETY: valid port id and out pointer.
        unsafe { dpdk_sys::rte_eth_dev_info_get(self.port_id, &mut info) };
        if info.max_mtu != u16::MAX {
            info.max_mtu
        } else {
            info.max_rx_pktlen
                .saturating_sub(22)
                .min(u32::from(u16::MAX)) as u16
        }
    }

    /// Checks, without changing anything, that `set_mtu(mtu)` would be
    /// taken: ports whose frames are bounded by the switch's buffers take
    /// any MTU; others up to their driver's limit.
    pub fn check_mtu(&self, mtu: u16) -> Result<(), DpdkError> {
        let buffer_bound = self.buffer_bound();
        let max = self.driver_max_mtu();
        if buffer_bound || mtu <= max {
            return Ok(());
        }
        Err(DpdkError::other(
            format!("setting MTU {mtu}"),
            format!("the {} driver supports MTU up to {max}", self.driver()),
        ))
    }

    /// Tells the driver the link should be up or down (`shutdown`), where
    /// it can; the switch stops forwarding on a shut port either way.
    pub fn set_link(&self, up: bool) {
        // SAFETY: valid port.
        let rc = unsafe {
            if up {
                dpdk_sys::rte_eth_dev_set_link_up(self.port_id)
            } else {
                dpdk_sys::rte_eth_dev_set_link_down(self.port_id)
            }
        };
        if rc < 0 && rc != -libc::ENOTSUP {
            tracing::debug!(
                port = self.port_id,
                up,
                "set link: {}",
                crate::error::strerror(-rc)
            );
        }
    }

    /// The driver's name (e.g. `net_tap`).
    pub fn driver(&self) -> String {
        let mut info = dpdk_sys::rte_eth_dev_info::default();
        // SAFETY: valid port and out pointer.
        let rc = unsafe { dpdk_sys::rte_eth_dev_info_get(self.port_id, &mut info) };
        if rc != 0 || info.driver_name.is_null() {
            return String::new();
        }
        // SAFETY: driver_name points at the driver's static name.
        unsafe { CStr::from_ptr(info.driver_name) }
            .to_string_lossy()
            .into_owned()
    }
}

fn remove_device(bus: &str, name: &str) {
    let (c_bus, c_name) = (
        CString::new(bus).expect("no NUL"),
        CString::new(name).expect("no NUL"),
    );
    // SAFETY: valid C strings; the device's port is closed.
    let rc = unsafe { dpdk_sys::rte_eal_hotplug_remove(c_bus.as_ptr(), c_name.as_ptr()) };
    if rc < 0 {
        tracing::debug!("removing device {name}: {}", crate::error::strerror(-rc));
    }
}

impl Drop for EthPort {
    fn drop(&mut self) {
        // SAFETY: no worker polls this port any more (the switch stops them
        // or takes the port out of their lists first); the port is not used again.
        unsafe {
            if self.kind.is_vhost() {
                dpdk_sys::lisa_vhost_detach(self.port_id);
                crate::vhost::port_rings::detach(self.port_id);
            }
            dpdk_sys::rte_eth_dev_stop(self.port_id);
            dpdk_sys::rte_eth_dev_close(self.port_id);
        }
        remove_device(self.kind.bus(), &self.dev_name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_text() {
        for text in [
            "tap:lisa1",
            "afpacket:veth0",
            "vhost-server:/run/lisa/vhost/vm1.sock",
            "vhost-client:/tmp/q.sock",
            "pci:0000:03:00.0",
            "pcap:/tmp/in.pcap,/tmp/out.pcap",
            "null",
        ] {
            let k: PortKind = text.parse().unwrap();
            assert_eq!(k.to_string(), text);
        }
    }

    #[test]
    fn bad_kinds_say_why() {
        for bad in [
            "",
            "tap",
            "tap:",
            "tap:this-name-is-too-long",
            "vhost-server:/a,b",
            "pci:xyz",
            "pcap:/a",
            "disk:/x",
            "null:x",
            "tap:a=b",
        ] {
            let e = bad.parse::<PortKind>().unwrap_err();
            assert!(e.to_string().contains("bad port kind"), "{bad}: {e}");
        }
    }

    #[test]
    fn devargs_name_the_driver() {
        let (name, args) = PortKind::Tap("t1".into()).devargs(3, 1);
        assert_eq!(name, "net_tap_lisa3");
        assert_eq!(args, "net_tap_lisa3,iface=t1");
        let (_, args) = PortKind::VhostClient("/s".into()).devargs(0, 2);
        assert_eq!(args, "net_vhost_lisa0,iface=/s,queues=2,client=1");
    }
}
