//! The dataplane side of an `ipv4` change: the routed SVIs, static ARP
//! entries and the route diff, applied as one change that undoes itself
//! if the L3 dataplane refuses part of it.

use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Prepared};
use lisa_ipv4::{routed_svis, IpRoute, Ipv4Config};
use lisa_ipv4_datapath::control::{L3Control, StaticRoute, SviAddr};
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

fn route(r: IpRoute) -> StaticRoute {
    StaticRoute {
        net: r.net,
        len: r.len,
        gateway: r.gateway,
    }
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
        let (mut add, mut remove) = (Vec::new(), Vec::new());
        if a.routes != b.routes {
            // Linear merge of the two sorted route tables.
            add = b
                .route_list()
                .filter(|r| a.routes.get(&(r.net, r.len)) != Some(&r.gateway))
                .map(route)
                .collect();
            remove = a
                .route_list()
                .filter(|r| b.routes.get(&(r.net, r.len)) != Some(&r.gateway))
                .map(route)
                .collect();
        }
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
