//! Who runs swcli, and from where: the account, whether its groups give
//! privileged EXEC at login (as `username X privilege 15` on IOS), the
//! SSH client's address and the terminal.

use std::ffi::{CStr, CString};

/// Members of this group start remote sessions in privileged EXEC; other
/// accounts start in user EXEC and need the enable secret.
pub const ADMIN_GROUP: &str = "lisa-admin";

/// The account running swcli.
pub struct Account {
    /// Its name (the uid in digits if it has none).
    pub user: String,
    /// Root, or a member of `ADMIN_GROUP`.
    pub admin: bool,
}

impl Account {
    /// The account of this process.
    pub fn current() -> Account {
        // SAFETY: getuid cannot fail.
        let uid = unsafe { libc::getuid() };
        Account {
            user: user_name(uid).unwrap_or_else(|| uid.to_string()),
            admin: uid == 0 || group_id(ADMIN_GROUP).is_some_and(in_group),
        }
    }
}

fn user_name(uid: libc::uid_t) -> Option<String> {
    // SAFETY: getpwuid returns null or a pointer to a static passwd record,
    // read at once (swcli is single-threaded here).
    let pw = unsafe { libc::getpwuid(uid) };
    if pw.is_null() {
        return None;
    }
    // SAFETY: pw is a valid record and pw_name a NUL-terminated string.
    let name = unsafe { CStr::from_ptr((*pw).pw_name) };
    Some(name.to_string_lossy().into_owned())
}

fn group_id(name: &str) -> Option<libc::gid_t> {
    let c = CString::new(name).ok()?;
    // SAFETY: c is NUL-terminated; getgrnam returns null or a static record.
    let gr = unsafe { libc::getgrnam(c.as_ptr()) };
    if gr.is_null() {
        return None;
    }
    // SAFETY: gr is a valid record.
    Some(unsafe { (*gr).gr_gid })
}

/// Whether this process has `gid` as its group or a supplementary one.
fn in_group(gid: libc::gid_t) -> bool {
    // SAFETY: getegid cannot fail.
    if unsafe { libc::getegid() } == gid {
        return true;
    }
    let mut groups = vec![0 as libc::gid_t; 1024];
    // SAFETY: the buffer holds groups.len() entries.
    let n = unsafe { libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr()) };
    n > 0 && groups[..n as usize].contains(&gid)
}

/// The SSH client's address (from sshd's SSH_CONNECTION), or empty.
pub fn remote_host() -> String {
    std::env::var("SSH_CONNECTION")
        .ok()
        .and_then(|c| c.split_whitespace().next().map(str::to_string))
        .unwrap_or_default()
}

/// The terminal on stdin, without `/dev/` (empty if none).
pub fn tty() -> String {
    // SAFETY: ttyname returns null or a static NUL-terminated string.
    let p = unsafe { libc::ttyname(0) };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: p is a valid C string.
    let name = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    name.strip_prefix("/dev/")
        .map(str::to_string)
        .unwrap_or(name)
}
