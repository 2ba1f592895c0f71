//! The CLI sessions open on the switch (IOS's terminal lines), for
//! `show users`: the console (a local terminal) and the vty lines (SSH).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

/// vty lines start at this absolute line number (0 is the console).
const FIRST_VTY: u32 = 1;

/// One open session.
#[derive(Debug, Clone)]
pub struct Line {
    /// The account.
    pub user: String,
    /// The remote address; empty on the console.
    pub host: String,
    /// The terminal device.
    pub tty: String,
    /// When it opened.
    pub since: Instant,
    /// When its user last entered a command.
    pub active: Instant,
}

impl Line {
    /// IOS's name for absolute line `n`: "con 0", "vty 2".
    pub fn name(n: u32) -> String {
        if n < FIRST_VTY {
            format!("con {n}")
        } else {
            format!("vty {}", n - FIRST_VTY)
        }
    }
}

/// The open sessions by absolute line number.
#[derive(Default)]
pub struct Lines(Mutex<BTreeMap<u32, Line>>);

impl Lines {
    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Line>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a line: the console for a local terminal if it is free, else
    /// the lowest free vty. Returns its number.
    pub fn open(&self, user: String, host: String, tty: String) -> u32 {
        let mut map = self.map();
        let first = if host.is_empty() && !map.contains_key(&0) {
            0
        } else {
            FIRST_VTY
        };
        let n = (first..)
            .find(|n| !map.contains_key(n))
            .expect("a free line number");
        let now = Instant::now();
        map.insert(
            n,
            Line {
                user,
                host,
                tty,
                since: now,
                active: now,
            },
        );
        n
    }

    /// The user of line `n` entered a command.
    pub fn touch(&self, n: u32) {
        if let Some(l) = self.map().get_mut(&n) {
            l.active = Instant::now();
        }
    }

    /// The session of line `n` ended.
    pub fn close(&self, n: u32) {
        self.map().remove(&n);
    }

    /// The open lines, by number.
    pub fn list(&self) -> Vec<(u32, Line)> {
        self.map().iter().map(|(n, l)| (*n, l.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_first_then_lowest_free_vty() {
        let lines = Lines::default();
        assert_eq!(lines.open("root".into(), String::new(), "pts/0".into()), 0);
        assert_eq!(lines.open("root".into(), String::new(), "pts/1".into()), 1);
        assert_eq!(
            lines.open("ann".into(), "10.0.0.9".into(), "pts/2".into()),
            2
        );
        lines.close(1);
        assert_eq!(
            lines.open("bob".into(), "10.0.0.8".into(), "pts/3".into()),
            1
        );
        assert_eq!(Line::name(0), "con 0");
        assert_eq!(Line::name(2), "vty 1");
        let users: Vec<_> = lines.list().into_iter().map(|(_, l)| l.user).collect();
        assert_eq!(users, ["root", "bob", "ann"]);
    }
}
