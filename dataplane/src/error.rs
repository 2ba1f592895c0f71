//! Errors from DPDK calls.

use std::ffi::CStr;

/// A DPDK call that failed, with DPDK's own explanation.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{call}: {reason} (errno {errno})")]
pub struct DpdkError {
    /// What was being done.
    pub call: String,
    /// `rte_strerror` of the error number.
    pub reason: String,
    /// The (positive) error number.
    pub errno: i32,
}

impl DpdkError {
    /// An error for `call` from a negative return code or a positive errno.
    pub fn from_code(call: impl Into<String>, code: i32) -> DpdkError {
        let errno = code.abs();
        DpdkError {
            call: call.into(),
            reason: strerror(errno),
            errno,
        }
    }

    /// An error for `call` from the calling thread's `rte_errno`.
    pub fn last(call: impl Into<String>) -> DpdkError {
        // SAFETY: reads a thread-local integer; no preconditions.
        let errno = unsafe { dpdk_sys::lisa_errno() };
        DpdkError::from_code(call, errno)
    }

    /// An error that DPDK did not number.
    pub fn other(call: impl Into<String>, reason: impl Into<String>) -> DpdkError {
        DpdkError {
            call: call.into(),
            reason: reason.into(),
            errno: libc::EINVAL,
        }
    }
}

/// DPDK's text for an error number.
pub fn strerror(errno: i32) -> String {
    // SAFETY: rte_strerror returns a pointer to a static or thread-local
    // NUL-terminated string, valid at least until the next call on this thread.
    unsafe { CStr::from_ptr(dpdk_sys::rte_strerror(errno)) }
        .to_string_lossy()
        .into_owned()
}

/// Turns a DPDK return code (negative = error) into a Result.
pub(crate) fn check(call: &str, rc: i32) -> Result<i32, DpdkError> {
    if rc < 0 {
        Err(DpdkError::from_code(call, rc))
    } else {
        Ok(rc)
    }
}
