//! Running closures on EAL worker lcores.

use crate::error::{check, DpdkError};
use std::os::raw::{c_int, c_void};

type Job = Box<dyn FnOnce() + Send + 'static>;

extern "C" fn trampoline(arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the Box<Job> leaked by `launch`, handed over exactly once.
    let job: Box<Job> = unsafe { Box::from_raw(arg as *mut Job) };
    job();
    0
}

/// Runs `job` on worker lcore `lcore`, which must be idle.
pub fn launch(lcore: u32, job: impl FnOnce() + Send + 'static) -> Result<(), DpdkError> {
    let boxed: Box<Job> = Box::new(Box::new(job));
    let arg = Box::into_raw(boxed) as *mut c_void;
    // SAFETY: trampoline has the lcore_function_t signature; arg is a
    // leaked Box that the trampoline takes back.
    let rc = unsafe { dpdk_sys::rte_eal_remote_launch(Some(trampoline), arg, lcore) };
    if rc < 0 {
        // SAFETY: the launch failed, so the trampoline never ran; take the job back.
        drop(unsafe { Box::from_raw(arg as *mut Job) });
    }
    check(&format!("launching lcore {lcore}"), rc).map(|_| ())
}

/// Waits until the job on `lcore` has returned.
pub fn wait(lcore: u32) {
    // SAFETY: EAL initialised; waiting on any lcore id is allowed.
    unsafe { dpdk_sys::rte_eal_wait_lcore(lcore) };
}
