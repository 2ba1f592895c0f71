//! What the `Interfaces` and `Fdb` requests do to the configuration model:
//! checked, then applied to a candidate (the API handlers commit it; the
//! `grpc_edits` fuzz target runs these on a model alone).

use controlplane::grpc::Refusal;
use lisa_engine::Config;
use lisa_l2::model::set_static_mac;
use lisa_l2::{L2Config, Switchport, SwitchportMode as Mode};
use lisa_ports::model::{MAX_MTU, MIN_MTU};
use lisa_ports::{resolve_interface, InterfaceConfig, PortsConfig};
use lisa_proto::v1::{FdbStaticRequest, SetInterfaceRequest, SwitchportMode};
use lisa_types::{valid_vlan, MacAddr, VlanSet};
use lisa_vlan::{VlanConfig, VlanDb};

fn vlan_field(field: &str, v: u32) -> Result<u16, String> {
    if valid_vlan(v) {
        Ok(v as u16)
    } else {
        Err(format!("{field}: {v} is out of range (1-4094)"))
    }
}

/// Applies the set fields of `req` to `i` and `sp`.
fn apply(
    i: &mut InterfaceConfig,
    sp: &mut Switchport,
    req: &SetInterfaceRequest,
) -> Result<(), String> {
    if let Some(d) = &req.description {
        i.description = lisa_ports::model::description(d)?;
    }
    if let Some(s) = req.shutdown {
        i.shutdown = s;
    }
    if let Some(m) = req.mode {
        sp.mode = match SwitchportMode::try_from(m) {
            Ok(SwitchportMode::Access) => Mode::Access,
            Ok(SwitchportMode::Trunk) => Mode::Trunk,
            _ => return Err(format!("mode: {m} is not ACCESS (1) or TRUNK (2)")),
        };
        sp.mode_written = true;
    }
    if let Some(v) = req.access_vlan {
        sp.access_vlan = vlan_field("access_vlan", v)?;
    }
    if let Some(v) = req.native_vlan {
        sp.native_vlan = vlan_field("native_vlan", v)?;
    }
    if let Some(list) = &req.allowed_vlans {
        sp.allowed = match list.as_str() {
            "all" => VlanSet::all(),
            "none" => VlanSet::none(),
            text => text.parse().map_err(|e| format!("allowed_vlans: {e}"))?,
        };
    }
    if let Some(m) = req.mtu {
        if !(u32::from(MIN_MTU)..=u32::from(MAX_MTU)).contains(&m) {
            return Err(format!("mtu: {m} is out of range ({MIN_MTU}-{MAX_MTU})"));
        }
        i.mtu = m as u16;
    }
    Ok(())
}

/// `SetInterface`: the fields that are set change, the others stay.
/// Returns the interface's full name.
pub fn set_interface(cfg: &mut Config, req: &SetInterfaceRequest) -> Result<String, Refusal> {
    let name = resolve_interface(cfg, &req.name)?;
    if !cfg.get::<PortsConfig>().is_port(&name) {
        return Err(Refusal::NotFound(format!("no interface {name}")));
    }
    let mut i = cfg.get::<PortsConfig>().interfaces[&name].clone();
    let mut sp = cfg.get::<L2Config>().switchport(&name);
    apply(&mut i, &mut sp, req)?;
    cfg.get_mut::<PortsConfig>()
        .interfaces
        .insert(name.clone(), i);
    // As the CLI (and IOS): an access VLAN that does not exist is created.
    if req.access_vlan.is_some() && !cfg.get::<VlanDb>().exists(sp.access_vlan) {
        cfg.get_mut::<VlanDb>()
            .vlans
            .insert(sp.access_vlan, VlanConfig::new(sp.access_vlan));
    }
    cfg.get_mut::<L2Config>().edit(&name, |s| *s = sp);
    Ok(name)
}

/// The (VLAN, MAC) of a static-entry request, checked.
fn static_key(req: &FdbStaticRequest) -> Result<(u16, MacAddr), Refusal> {
    if !valid_vlan(req.vlan) {
        return Err(Refusal::Invalid(format!(
            "vlan {} is out of range (1-4094)",
            req.vlan
        )));
    }
    let mac: MacAddr = req
        .mac
        .parse()
        .map_err(|e: lisa_types::MacParseError| Refusal::Invalid(e.to_string()))?;
    if !mac.is_unicast() {
        return Err(Refusal::Invalid(format!(
            "mac {}: only unicast addresses can be static",
            mac.to_cisco()
        )));
    }
    Ok((req.vlan as u16, mac))
}

/// `Fdb.AddStatic`: a static entry (the VLAN and the switch port must
/// exist).
pub fn add_static(cfg: &mut Config, req: &FdbStaticRequest) -> Result<(), Refusal> {
    let (vlan, mac) = static_key(req)?;
    let interface = resolve_interface(cfg, &req.port)?;
    Ok(set_static_mac(cfg, vlan, mac, &interface)?)
}

/// `Fdb.RemoveStatic`: the static entry of (VLAN, MAC).
pub fn remove_static(cfg: &mut Config, req: &FdbStaticRequest) -> Result<(), Refusal> {
    let (vlan, mac) = static_key(req)?;
    match cfg.get_mut::<L2Config>().static_macs.remove(&(vlan, mac)) {
        Some(_) => Ok(()),
        None => Err(Refusal::NotFound(format!(
            "no static entry for {} in VLAN {vlan}",
            mac.to_cisco()
        ))),
    }
}
