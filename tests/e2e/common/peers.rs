//! Real peers several test files share: a veth cable, and Open vSwitch
//! (ovs-vswitchd with the netdev datapath) as a bridge, an RSTP bridge or
//! an LACP partner.

use super::{sh, unique};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// A veth pair (a cable), both ends up with no IPv6 chatter; deleted on
/// drop.
pub struct Veth(pub String, pub String);

impl Veth {
    /// A new pair named after `tag`.
    pub fn new(tag: &str) -> Veth {
        let (a, b) = (
            unique(&format!("{tag}a"), ""),
            unique(&format!("{tag}b"), ""),
        );
        let _ = Command::new("ip").args(["link", "del", &a]).output();
        sh(
            "ip",
            &["link", "add", &a, "type", "veth", "peer", "name", &b],
        );
        for end in [&a, &b] {
            let key = format!("net.ipv6.conf.{end}.disable_ipv6=1");
            let _ = Command::new("sysctl").args(["-qw", &key]).output();
            sh("ip", &["link", "set", end, "up"]);
        }
        Veth(a, b)
    }
}

impl Drop for Veth {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.0]).output();
    }
}

/// ovs-vswitchd with the netdev (userspace) datapath and its database, in a
/// directory of their own; stopped when dropped.
pub struct Ovs {
    dir: PathBuf,
}

impl Ovs {
    /// Starts ovsdb-server and ovs-vswitchd in a fresh directory.
    pub fn start() -> Ovs {
        let dir = std::env::temp_dir().join(format!("lisa-ovs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.to_str().unwrap().to_string();
        let ovs = Ovs { dir };
        ovs.run(
            "ovsdb-tool",
            &[
                "create",
                &format!("{d}/conf.db"),
                "/usr/share/openvswitch/vswitch.ovsschema",
            ],
        );
        ovs.run(
            "ovsdb-server",
            &[
                &format!("{d}/conf.db"),
                &format!("--remote=punix:{d}/db.sock"),
                &format!("--unixctl={d}/ovsdb.ctl"),
                &format!("--pidfile={d}/ovsdb.pid"),
                &format!("--log-file={d}/ovsdb.log"),
                "--detach",
            ],
        );
        ovs.vsctl(&["--no-wait", "init"]);
        ovs.run(
            "ovs-vswitchd",
            &[
                &format!("unix:{d}/db.sock"),
                &format!("--unixctl={d}/vsd.ctl"),
                &format!("--pidfile={d}/vsd.pid"),
                &format!("--log-file={d}/vsd.log"),
                "--detach",
            ],
        );
        ovs
    }

    /// Runs an OVS tool against this instance.
    pub fn run(&self, cmd: &str, args: &[&str]) -> String {
        let out = Command::new(cmd)
            .args(args)
            .env("OVS_RUNDIR", &self.dir)
            .env("OVS_LOGDIR", &self.dir)
            .env("OVS_DBDIR", &self.dir)
            .output()
            .unwrap_or_else(|e| panic!("{cmd}: {e} (apt-get install openvswitch-switch)"));
        assert!(
            out.status.success(),
            "{cmd} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `ovs-vsctl` on this instance's database.
    pub fn vsctl(&self, args: &[&str]) -> String {
        let db = format!("--db=unix:{}/db.sock", self.dir.display());
        let mut a = vec![db.as_str(), "--timeout=10"];
        a.extend_from_slice(args);
        self.run("ovs-vsctl", &a)
    }

    /// `ovs-appctl` on this instance's ovs-vswitchd.
    pub fn appctl(&self, args: &[&str]) -> String {
        let ctl = format!("{}/vsd.ctl", self.dir.display());
        let mut a = vec!["-t", ctl.as_str()];
        a.extend_from_slice(args);
        self.run("ovs-appctl", &a)
    }
}

impl Drop for Ovs {
    fn drop(&mut self) {
        for pid in ["vsd.pid", "ovsdb.pid"] {
            if let Ok(p) = std::fs::read_to_string(self.dir.join(pid)) {
                let _ = Command::new("kill").arg(p.trim()).status();
            }
        }
        std::thread::sleep(Duration::from_millis(200));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
