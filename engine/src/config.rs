//! The configuration: one typed section per feature, behind one value that
//! is cloned into a candidate, changed, validated and committed whole.

use std::any::{Any, TypeId};
use std::fmt::Debug;

/// A feature's part of the configuration. Any `Clone + PartialEq + Debug +
/// Default` type is one.
pub trait Section: Any + Send + Sync + Debug {
    /// A boxed copy.
    fn clone_box(&self) -> Box<dyn Section>;
    /// Equality with another section (false if of another type).
    fn eq_dyn(&self, other: &dyn Section) -> bool;
    /// For downcasting.
    fn as_any(&self) -> &dyn Any;
    /// For downcasting.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any + Send + Sync + Debug + Clone + PartialEq> Section for T {
    fn clone_box(&self) -> Box<dyn Section> {
        Box::new(self.clone())
    }
    fn eq_dyn(&self, other: &dyn Section) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// What a change removed, for the sections that hold things that hang
/// on it (a static MAC entry on an interface, an address on an SVI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// An interface's settings were removed, and everything naming it
    /// goes (`no interface Vlan10`, `no interface` of an unplugged port).
    Interface(String),
    /// An interface's own settings went back to the defaults (`default
    /// interface X`): what its interface mode sets goes, global settings
    /// that name it (a static MAC, a monitor session) stay.
    InterfaceSettings(String),
    /// These VLANs were deleted (`no vlan 10,20`).
    Vlans(Box<lisa_types::VlanSet>),
}

/// The whole configuration: every registered feature's section.
#[derive(Debug)]
pub struct Config {
    sections: Vec<(TypeId, Box<dyn Section>)>,
}

impl Clone for Config {
    fn clone(&self) -> Self {
        Config {
            sections: self
                .sections
                .iter()
                .map(|(t, s)| (*t, s.clone_box()))
                .collect(),
        }
    }
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        self.sections.len() == other.sections.len()
            && self
                .sections
                .iter()
                .zip(&other.sections)
                .all(|((ta, a), (tb, b))| ta == tb && a.eq_dyn(b.as_ref()))
    }
}

impl Config {
    /// A configuration with no section (the registry adds them).
    pub(crate) fn empty() -> Config {
        Config {
            sections: Vec::new(),
        }
    }

    /// Adds section `T` at its default, if it is not there yet.
    pub(crate) fn add<T: Section + Default>(&mut self) {
        if !self.has::<T>() {
            self.sections
                .push((TypeId::of::<T>(), Box::new(T::default())));
        }
    }

    /// True if section `T` is registered.
    pub fn has<T: Section>(&self) -> bool {
        self.sections.iter().any(|(t, _)| *t == TypeId::of::<T>())
    }

    /// Section `T`. Every feature's section is in every configuration the
    /// registry makes; asking for one that no registered feature declared
    /// is a programming error.
    pub fn get<T: Section>(&self) -> &T {
        self.sections
            .iter()
            .find(|(t, _)| *t == TypeId::of::<T>())
            .and_then(|(_, s)| s.as_any().downcast_ref())
            .unwrap_or_else(|| panic!("section {} is not registered", std::any::type_name::<T>()))
    }

    /// Section `T`, to change. See `get`.
    pub fn get_mut<T: Section>(&mut self) -> &mut T {
        self.sections
            .iter_mut()
            .find(|(t, _)| *t == TypeId::of::<T>())
            .and_then(|(_, s)| s.as_any_mut().downcast_mut())
            .unwrap_or_else(|| panic!("section {} is not registered", std::any::type_name::<T>()))
    }

    /// True if section `T` differs between the two.
    pub fn changed<T: Section + PartialEq>(&self, other: &Config) -> bool {
        self.get::<T>() != other.get::<T>()
    }
}
