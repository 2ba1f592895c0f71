//! Where a static route sends packets: its IOS forms (`ip route NET MASK
//! 10.0.0.1`, `... Vlan10`, `... Vlan10 10.0.0.1`, `... Null0`), parsed and
//! written back the same way by the CLI and the typed API.

use std::fmt;
use std::net::Ipv4Addr;

/// The next hop of a static route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RouteNextHop {
    /// To a gateway in a connected subnet (found by ARP in its SVI).
    Gateway(Ipv4Addr),
    /// Out of an SVI, each destination asked by ARP in its VLAN (the next
    /// router answers for it by proxy ARP), as IOS does with an exit
    /// interface and no gateway.
    Interface(u16),
    /// Out of an SVI to a gateway in that SVI's subnet.
    InterfaceGateway(u16, Ipv4Addr),
    /// `Null0`: packets are dropped (and counted).
    Null0,
}

impl RouteNextHop {
    /// The gateway, if the route has one.
    pub fn gateway(&self) -> Option<Ipv4Addr> {
        match self {
            RouteNextHop::Gateway(g) | RouteNextHop::InterfaceGateway(_, g) => Some(*g),
            _ => None,
        }
    }

    /// The exit interface's name, if the route names one (`Vlan10`,
    /// `Null0`).
    pub fn interface(&self) -> Option<String> {
        match self {
            RouteNextHop::Interface(v) | RouteNextHop::InterfaceGateway(v, _) => {
                Some(format!("Vlan{v}"))
            }
            RouteNextHop::Null0 => Some("Null0".into()),
            RouteNextHop::Gateway(_) => None,
        }
    }

    /// The next hop from its parts: an exit interface (`VlanN`, `Null0`,
    /// canonical names; "" for none) and a gateway (None for none).
    pub fn from_parts(interface: &str, gateway: Option<Ipv4Addr>) -> Result<Self, String> {
        if interface.is_empty() {
            return gateway
                .map(RouteNextHop::Gateway)
                .ok_or_else(|| "a route needs a gateway or an exit interface".to_string());
        }
        if interface == "Null0" {
            return match gateway {
                None => Ok(RouteNextHop::Null0),
                Some(_) => Err("a route to Null0 takes no gateway".into()),
            };
        }
        match crate::svi_vlan(interface) {
            Some(Ok(v)) => Ok(match gateway {
                Some(g) => RouteNextHop::InterfaceGateway(v, g),
                None => RouteNextHop::Interface(v),
            }),
            Some(Err(e)) => Err(e),
            None => Err(format!(
                "exit interface {interface}: a route leaves by an SVI (VlanN) or Null0"
            )),
        }
    }
}

impl RouteNextHop {
    /// The next hop as typed (the CLI's words, the API's fields): an exit
    /// interface (`null0` in any case, else whatever `resolve` makes of
    /// it: `vlan10` is `Vlan10`) and a gateway; None when neither is given.
    pub fn typed(
        interface: Option<&str>,
        gateway: Option<Ipv4Addr>,
        resolve: impl FnOnce(&str) -> Result<String, String>,
    ) -> Result<Option<Self>, String> {
        let name = match interface.map(str::trim).filter(|i| !i.is_empty()) {
            None => return Ok(gateway.map(RouteNextHop::Gateway)),
            Some(i) if i.eq_ignore_ascii_case("null0") => "Null0".to_string(),
            Some(i) => resolve(i)?,
        };
        RouteNextHop::from_parts(&name, gateway).map(Some)
    }
}

/// The IOS words after the mask: `10.0.0.1`, `Vlan10`, `Vlan10 10.0.0.1`,
/// `Null0`.
impl fmt::Display for RouteNextHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteNextHop::Gateway(g) => write!(f, "{g}"),
            RouteNextHop::Interface(v) => write!(f, "Vlan{v}"),
            RouteNextHop::InterfaceGateway(v, g) => write!(f, "Vlan{v} {g}"),
            RouteNextHop::Null0 => f.write_str("Null0"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_through_the_ios_words() {
        let g: Ipv4Addr = "10.0.0.1".parse().unwrap();
        for (i, gw, text) in [
            ("", Some(g), "10.0.0.1"),
            ("Vlan10", None, "Vlan10"),
            ("Vlan10", Some(g), "Vlan10 10.0.0.1"),
            ("Null0", None, "Null0"),
        ] {
            let nh = RouteNextHop::from_parts(i, gw).unwrap();
            assert_eq!(nh.to_string(), text);
            assert_eq!(nh.gateway(), gw);
            assert_eq!(nh.interface().unwrap_or_default(), i);
        }
        assert!(RouteNextHop::from_parts("", None).is_err());
        assert!(RouteNextHop::from_parts("Null0", Some(g)).is_err());
        assert!(RouteNextHop::from_parts("Ethernet1", None)
            .unwrap_err()
            .contains("SVI"));
        assert!(RouteNextHop::from_parts("Vlan5000", None).is_err());
    }
}
