//! DPDK's own log lines, through `tracing` (target `dpdk`) instead of
//! straight to stderr: they get lisad's timestamps and levels, reach
//! `show logging`, and the ones that look alarming but are not say why.
//!
//! DPDK writes every message to the stream `rte_openlog_stream` names and
//! flushes it; a `fopencookie` stream hands the text to `write_cookie`,
//! which cuts it into lines.

use std::ffi::{c_char, c_void};
use std::sync::Mutex;

/// Lines that look like trouble but are not, and why, by a piece of
/// their text.
const EXPLAINED: [(&str, &str); 7] = [
    (
        "Specified qdisc kind is unknown",
        "the kernel has no multiq queueing discipline (sch_multiq); see the next lines",
    ),
    (
        // "Could not add multiq qdisc", "failed to create multiq qdisc".
        "multiq qdisc",
        "the kernel has no multiq queueing discipline (sch_multiq); the tap only loses DPDK's rte_flow rules, which lisad does not use",
    ),
    (
        "Disabling rte flow support",
        "lisad uses no rte_flow rules; the tap forwards as usual",
    ),
    (
        "req to secondary",
        "lisad runs DPDK as a single process (--in-memory): there is no secondary process to tell",
    ),
    (
        // "No free ..." and "No available 1048576 kB hugepages ...".
        "1048576 kB hugepages",
        "no 1 GB hugepages are reserved; the 2 MB ones are used",
    ),
    (
        "No legacy callbacks, legacy socket not created",
        "DPDK's old telemetry socket is not used",
    ),
    (
        "failed to connect to",
        "a vhost-user client port waits for its VM's socket and connects when it appears",
    ),
];

/// glibc's `cookie_io_functions_t` (the libc crate has no binding).
#[repr(C)]
struct CookieIoFunctions {
    read: Option<unsafe extern "C" fn(*mut c_void, *mut c_char, usize) -> isize>,
    write: Option<unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> isize>,
    seek: Option<unsafe extern "C" fn(*mut c_void, *mut i64, i32) -> i32>,
    close: Option<unsafe extern "C" fn(*mut c_void) -> i32>,
}

extern "C" {
    /// glibc's `fopencookie(3)`.
    fn fopencookie(
        cookie: *mut c_void,
        mode: *const c_char,
        funcs: CookieIoFunctions,
    ) -> *mut libc::FILE;
}

/// Text written but not yet ended by a line break.
static PENDING: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Sends DPDK's log to `tracing` from now on. Call before the EAL starts.
pub fn redirect() {
    let funcs = CookieIoFunctions {
        read: None,
        write: Some(write_cookie),
        seek: None,
        close: None,
    };
    // SAFETY: a write-only stream with no cookie state; the mode is a
    // NUL-terminated string; the functions outlive the process.
    let stream = unsafe { fopencookie(std::ptr::null_mut(), c"w".as_ptr(), funcs) };
    if stream.is_null() {
        tracing::warn!("DPDK's log stays on stderr: fopencookie failed");
        return;
    }
    // SAFETY: `stream` is a valid FILE that stays open for the process's
    // life; DPDK only writes to it.
    unsafe { dpdk_sys::rte_openlog_stream(stream.cast::<dpdk_sys::FILE>()) };
}

/// The stream's write function: collects whole lines and logs them.
unsafe extern "C" fn write_cookie(_: *mut c_void, buf: *const c_char, size: usize) -> isize {
    if buf.is_null() || size == 0 {
        return 0;
    }
    // SAFETY: stdio hands `size` readable bytes at `buf`.
    let bytes = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), size) };
    // SAFETY: called from within DPDK's rte_vlog, on the logging thread.
    let level = unsafe { dpdk_sys::rte_log_cur_msg_loglevel() };
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    pending.extend_from_slice(bytes);
    while let Some(end) = pending.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = pending.drain(..=end).collect();
        let text = String::from_utf8_lossy(&line[..end]);
        let text = text.trim_end();
        if !text.is_empty() {
            log_line(level, text);
        }
    }
    size as isize
}

/// Why a DPDK line that looks like trouble is not, if it is one of those.
fn explanation(text: &str) -> Option<&'static str> {
    EXPLAINED
        .iter()
        .find(|(k, _)| text.contains(k))
        .map(|(_, why)| *why)
}

/// DPDK lines that an expected answer to lisad's own question prints:
/// logged at debug level only. "Rx Intr handle unset" is ethdev's reply
/// when power save asks a port without rx interrupts (af_packet, pcap, a
/// vhost-user port whose peer is not there yet) to interrupt: the worker
/// then sleeps instead, and asks again later (`idle`).
const QUIET: [&str; 1] = ["Rx Intr handle unset"];

/// Logs one DPDK line at its level, at info with the reason it is
/// harmless, or at debug if it is one of lisad's expected answers.
fn log_line(level: i32, text: &str) {
    if QUIET.iter().any(|q| text.contains(q)) {
        tracing::debug!(target: "dpdk", "{text}");
        return;
    }
    if let Some(why) = explanation(text) {
        tracing::info!(target: "dpdk", "{text} (harmless: {why})");
        return;
    }
    match level {
        1..=4 => tracing::error!(target: "dpdk", "{text}"),
        5 => tracing::warn!(target: "dpdk", "{text}"),
        6 | 7 => tracing::info!(target: "dpdk", "{text}"),
        _ => tracing::debug!(target: "dpdk", "{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_lines_are_explained() {
        for line in [
            "net_tap_lisa0: failed to create multiq qdisc.",
            "net_tap_lisa0:  Disabling rte flow support: No such file or directory(2)",
            "tap_mp_req_on_rxtx(): Failed to send start req to secondary 95",
            "EAL: No free 1048576 kB hugepages reported on node 0",
            "tap_nl_dump_ext_ack(): Specified qdisc kind is unknown",
            "qdisc_create_multiq(): Could not add multiq qdisc (2): No such file or directory",
        ] {
            assert!(explanation(line).is_some(), "{line}");
        }
        assert_eq!(explanation("EAL: Cannot open /dev/vfio"), None);
    }
}
