//! The dataplane side of an `ipv4` change: the routed SVIs, static ARP
//! entries and the route diff, applied as one change that undoes itself
//! if the L3 dataplane refuses part of it.

use dataplane::Dataplane;
use imbl::ordmap::DiffItem;
use lisa_engine::{Applier, Config, Prepared};
use lisa_ipv4::{routed_svis, Ipv4Config};
use lisa_ipv4_datapath::control::{L3Control, StaticRoute, SviAddr};
use lisa_types::RouteNextHop;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub(crate) struct Ipv4Applier {
    pub dp: Arc<Dataplane>,
    pub l3: Arc<L3Control>,
}

/// One side of a change (what to install).
#[derive(Clone)]
struct L3State {
    svis: Option<BTreeMap<u16, SviAddr>>,
    arps: Option<HashMap<std::net::Ipv4Addr, lisa_types::MacAddr>>,
}

struct Ipv4Change {
    dp: Arc<Dataplane>,
    l3: Arc<L3Control>,
    new: L3State,
    old: L3State,
    add: Vec<StaticRoute>,
    remove: Vec<StaticRoute>,
}

/// The routes to add (new, or with another gateway) and to remove (gone,
/// or with another gateway) from `old` to `new`: the persistent maps'
/// diff, which skips what the two share, so it costs the change.
fn route_diff(old: &Ipv4Config, new: &Ipv4Config) -> (Vec<StaticRoute>, Vec<StaticRoute>) {
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    let route = |&(net, len): &(std::net::Ipv4Addr, u8), next_hop: &RouteNextHop| StaticRoute {
        net,
        len,
        next_hop: *next_hop,
    };
    for d in old.routes.diff(&new.routes) {
        match d {
            DiffItem::Add(k, v) => add.push(route(k, v)),
            DiffItem::Remove(k, v) => remove.push(route(k, v)),
            DiffItem::Update {
                old: (k, o),
                new: (_, n),
            } => {
                remove.push(route(k, o));
                add.push(route(k, n));
            }
        }
    }
    (add, remove)
}

impl Ipv4Change {
    fn install(
        &self,
        st: &L3State,
        add: &[StaticRoute],
        remove: &[StaticRoute],
    ) -> Result<(), String> {
        if let Some(svis) = &st.svis {
            self.l3.set_svis(svis).map_err(|e| e.to_string())?;
            self.dp.set_routed_vlans(svis.keys().copied().collect());
        }
        if let Some(arps) = &st.arps {
            self.l3.set_static_arps(arps).map_err(|e| e.to_string())?;
        }
        if !add.is_empty() || !remove.is_empty() {
            self.l3
                .change_routes(add, remove)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

impl Prepared for Ipv4Change {
    fn apply(self: Box<Self>) -> Result<(), String> {
        match self.install(&self.new, &self.add, &self.remove) {
            Ok(()) => Ok(()),
            Err(e) => match self.install(&self.old, &self.remove, &self.add) {
                Ok(()) => Err(e),
                Err(u) => Err(format!("{e}; undo: {u}")),
            },
        }
    }
}

fn svi_addrs(cfg: &Config) -> BTreeMap<u16, SviAddr> {
    routed_svis(cfg)
        .into_iter()
        .map(|(v, a)| {
            (
                v,
                SviAddr {
                    addr: a.addr,
                    len: a.len,
                },
            )
        })
        .collect()
}

impl Applier for Ipv4Applier {
    fn name(&self) -> &'static str {
        "ipv4"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let (sa, sb) = (svi_addrs(old), svi_addrs(new));
        let (a, b) = (old.get::<Ipv4Config>(), new.get::<Ipv4Config>());
        if sa == sb && a.arps == b.arps && a.routes == b.routes {
            return Ok(None);
        }
        let (svis_new, svis_old) = if sa != sb {
            (Some(sb), Some(sa))
        } else {
            (None, None)
        };
        let arps = |c: &Ipv4Config| c.arps.iter().map(|(k, v)| (*k, *v)).collect();
        let (arps_new, arps_old) = if a.arps != b.arps {
            (Some(arps(b)), Some(arps(a)))
        } else {
            (None, None)
        };
        let (add, remove) = if a.routes != b.routes {
            route_diff(a, b)
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(Some(Box::new(Ipv4Change {
            dp: self.dp.clone(),
            l3: self.l3.clone(),
            new: L3State {
                svis: svis_new,
                arps: arps_new,
            },
            old: L3State {
                svis: svis_old,
                arps: arps_old,
            },
            add,
            remove,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn table(routes: &[(u8, u8, u8)]) -> Ipv4Config {
        let mut c = Ipv4Config::default();
        for &(a, len, gw) in routes {
            c.routes.insert(
                (Ipv4Addr::new(a, 0, 0, 0), len),
                RouteNextHop::Gateway(Ipv4Addr::new(10, 0, 0, gw)),
            );
        }
        c
    }

    #[test]
    fn the_diff_names_what_changed_and_nothing_else() {
        let old = table(&[(1, 8, 1), (2, 8, 1), (3, 8, 1), (5, 8, 1)]);
        let new = table(&[(2, 8, 1), (3, 8, 2), (4, 8, 1), (5, 8, 1), (6, 8, 1)]);
        let (add, remove) = route_diff(&old, &new);
        let nets = |v: &[StaticRoute]| -> Vec<(u8, u8)> {
            v.iter()
                .map(|r| (r.net.octets()[0], r.next_hop.gateway().unwrap().octets()[3]))
                .collect()
        };
        assert_eq!(nets(&add), vec![(3, 2), (4, 1), (6, 1)]);
        assert_eq!(nets(&remove), vec![(1, 1), (3, 1)]);
        assert_eq!(route_diff(&new, &new), (vec![], vec![]));
    }
}
