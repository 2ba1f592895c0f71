//! What the `Vlans` requests do to the configuration model: checked, then
//! applied to a candidate (the API handlers commit it; the `grpc_edits`
//! fuzz target runs these on a model alone).

use controlplane::grpc::Refusal;
use lisa_engine::{Config, Registry, Removed};
use lisa_proto::v1::{CreateVlanRequest, DeleteVlanRequest};
use lisa_types::{valid_vlan, DEFAULT_VLAN};
use lisa_vlan::{VlanConfig, VlanDb};

/// A VLAN id field, checked.
fn check_id(id: u32) -> Result<u16, Refusal> {
    if valid_vlan(id) {
        Ok(id as u16)
    } else {
        Err(Refusal::Invalid(format!(
            "vlan id {id} is out of range (1-4094)"
        )))
    }
}

/// `CreateVlan`: the VLAN, named (its default name if none is given).
/// Returns its id.
pub fn create_vlan(cfg: &mut Config, req: &CreateVlanRequest) -> Result<u16, Refusal> {
    let id = check_id(req.id)?;
    let name = if req.name.is_empty() {
        VlanConfig::default_name(id)
    } else {
        lisa_vlan::model::check_name(&req.name)?;
        lisa_vlan::model::check_rename(id, &req.name)?;
        req.name.clone()
    };
    cfg.get_mut::<VlanDb>()
        .vlans
        .insert(id, VlanConfig { name });
    Ok(id)
}

/// `DeleteVlan`: the VLAN and what hangs on it (VLAN 1 stays).
pub fn delete_vlan(
    reg: &Registry,
    cfg: &mut Config,
    req: &DeleteVlanRequest,
) -> Result<(), Refusal> {
    let id = check_id(req.id)?;
    if id == DEFAULT_VLAN {
        return Err(Refusal::Invalid(
            "the default VLAN 1 may not be deleted".into(),
        ));
    }
    cfg.get_mut::<VlanDb>()
        .vlans
        .remove(&id)
        .ok_or_else(|| Refusal::NotFound(format!("vlan {id} does not exist")))?;
    reg.cascade(cfg, &Removed::Vlans(Box::new([id].into_iter().collect())));
    Ok(())
}
