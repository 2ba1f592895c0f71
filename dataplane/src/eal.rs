//! The DPDK Environment Abstraction Layer: initialised once per process.

use crate::error::{check, DpdkError};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::sync::atomic::{AtomicBool, Ordering};

static INITIALISED: AtomicBool = AtomicBool::new(false);

/// The initialised EAL. Dropping it calls `rte_eal_cleanup`, which releases
/// hugepage memory; drop every port, mempool and worker first.
pub struct Eal {
    _private: (),
}

impl Eal {
    /// Initialises the EAL with `args` (as on a DPDK command line, without
    /// the program name). Only one `Eal` may exist in a process.
    pub fn init(args: &[String]) -> Result<Eal, DpdkError> {
        if INITIALISED.swap(true, Ordering::SeqCst) {
            return Err(DpdkError::other(
                "rte_eal_init",
                "the EAL is already initialised in this process",
            ));
        }
        let mut owned: Vec<CString> = vec![CString::new("lisad").expect("no NUL")];
        for a in args {
            owned.push(
                CString::new(a.as_str()).map_err(|_| {
                    DpdkError::other("rte_eal_init", format!("NUL in argument {a:?}"))
                })?,
            );
        }
        // Every thread created from here on (the EAL's, the workers', the
        // control plane's) starts with the signals drivers raise for
        // arriving frames blocked; workers take them again.
        crate::idle::block_queue_signals();
        crate::dpdk_log::redirect();
        // rte_eal_init may permute argv, so hand it a scratch array of
        // pointers into strings that outlive the call.
        let mut argv: Vec<*mut c_char> = owned.iter().map(|s| s.as_ptr() as *mut c_char).collect();
        argv.push(std::ptr::null_mut());
        // SAFETY: argv holds argc valid NUL-terminated strings plus a NULL,
        // all alive for the call; the EAL copies what it keeps.
        let rc = unsafe { dpdk_sys::rte_eal_init((argv.len() - 1) as i32, argv.as_mut_ptr()) };
        if rc < 0 {
            INITIALISED.store(false, Ordering::SeqCst);
            return Err(DpdkError::last("rte_eal_init"));
        }
        Ok(Eal { _private: () })
    }

    /// DPDK's version string, e.g. "DPDK 22.11.11".
    pub fn version() -> String {
        // SAFETY: rte_version returns a pointer to a static string.
        unsafe { CStr::from_ptr(dpdk_sys::rte_version()) }
            .to_string_lossy()
            .into_owned()
    }

    /// The lcore ids of the worker lcores (every enabled lcore but the main one).
    pub fn worker_lcores(&self) -> Vec<u32> {
        let mut out = Vec::new();
        // SAFETY: EAL is initialised; these only read its lcore table.
        let main = unsafe { dpdk_sys::rte_get_main_lcore() };
        for id in 0..dpdk_sys::RTE_MAX_LCORE {
            // SAFETY: as above; id is below RTE_MAX_LCORE.
            if id != main && unsafe { dpdk_sys::rte_lcore_is_enabled(id) } != 0 {
                out.push(id);
            }
        }
        out
    }

    /// TSC ticks per second.
    pub fn tsc_hz(&self) -> u64 {
        // SAFETY: EAL is initialised.
        unsafe { dpdk_sys::rte_get_tsc_hz() }
    }
}

impl Drop for Eal {
    fn drop(&mut self) {
        // SAFETY: called once; the caller dropped every DPDK object first.
        let rc = unsafe { dpdk_sys::rte_eal_cleanup() };
        if let Err(e) = check("rte_eal_cleanup", rc) {
            tracing::warn!("{e}");
        }
    }
}

/// The TSC, in ticks.
#[inline]
pub fn rdtsc() -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: reads the time-stamp counter; no preconditions.
    unsafe {
        std::arch::x86_64::_rdtsc()
    }
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: reads the time-stamp counter; no preconditions.
    unsafe {
        dpdk_sys::lisa_rdtsc()
    }
}
