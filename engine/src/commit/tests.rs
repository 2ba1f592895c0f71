use super::*;
use std::sync::{Arc, Mutex};

/// A feature whose section is one number, and whose "dataplane" is a
/// shared log of what it was asked to do.
#[derive(Debug, Clone, Default, PartialEq)]
struct A(u32);
#[derive(Debug, Clone, Default, PartialEq)]
struct B(u32);

type Log = Arc<Mutex<Vec<String>>>;

struct Step {
    log: Log,
    what: String,
    fail_apply: bool,
}

impl Prepared for Step {
    fn apply(self: Box<Self>) -> Result<(), String> {
        if self.fail_apply {
            return Err(format!("{} broke", self.what));
        }
        self.log
            .lock()
            .unwrap()
            .push(format!("apply {}", self.what));
        Ok(())
    }
    fn abort(self: Box<Self>) -> Result<(), String> {
        self.log
            .lock()
            .unwrap()
            .push(format!("abort {}", self.what));
        Ok(())
    }
}

struct Feature<T> {
    name: &'static str,
    log: Log,
    get: fn(&Config) -> u32,
    refuse_over: u32,
    fail_apply_at: u32,
    _t: std::marker::PhantomData<T>,
}

impl<T: Send + Sync> Applier for Feature<T> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let (a, b) = ((self.get)(old), (self.get)(new));
        if a == b {
            return Ok(None);
        }
        if b > self.refuse_over {
            return Err(format!("{b} is too many"));
        }
        Ok(Some(Box::new(Step {
            log: self.log.clone(),
            what: format!("{} {a}->{b}", self.name),
            fail_apply: b == self.fail_apply_at,
        })))
    }
}

fn setup(log: &Log) -> (Registry, Vec<Box<dyn Applier>>) {
    let mut reg = Registry::new();
    reg.section::<A>();
    reg.section::<B>();
    let appliers: Vec<Box<dyn Applier>> = vec![
        Box::new(Feature::<A> {
            name: "a",
            log: log.clone(),
            get: |c| c.get::<A>().0,
            refuse_over: 100,
            fail_apply_at: u32::MAX,
            _t: Default::default(),
        }),
        Box::new(Feature::<B> {
            name: "b",
            log: log.clone(),
            get: |c| c.get::<B>().0,
            refuse_over: 10,
            fail_apply_at: 7,
            _t: Default::default(),
        }),
    ];
    (reg, appliers)
}

#[test]
fn all_prepare_then_all_apply() {
    let log = Log::default();
    let (reg, ap) = setup(&log);
    let old = reg.default_config();
    let mut new = old.clone();
    new.get_mut::<A>().0 = 1;
    new.get_mut::<B>().0 = 2;
    commit(&reg, &ap, &old, &new).unwrap();
    assert_eq!(*log.lock().unwrap(), ["apply a 0->1", "apply b 0->2"]);
}

#[test]
fn second_feature_refusing_aborts_the_first_and_applies_nothing() {
    let log = Log::default();
    let (reg, ap) = setup(&log);
    let old = reg.default_config();
    let mut new = old.clone();
    new.get_mut::<A>().0 = 1;
    new.get_mut::<B>().0 = 50;
    let e = commit(&reg, &ap, &old, &new).unwrap_err();
    assert_eq!(e.to_string(), "b: 50 is too many");
    assert_eq!(*log.lock().unwrap(), ["abort a 0->1"]);
}

#[test]
fn a_failed_apply_rolls_back_what_was_applied() {
    let log = Log::default();
    let (reg, ap) = setup(&log);
    let old = reg.default_config();
    let mut new = old.clone();
    new.get_mut::<A>().0 = 3;
    new.get_mut::<B>().0 = 7;
    let e = commit(&reg, &ap, &old, &new).unwrap_err();
    assert!(matches!(e, CommitError::Apply { feature: "b", .. }), "{e}");
    assert_eq!(*log.lock().unwrap(), ["apply a 0->3", "apply a 3->0"]);
}

#[test]
fn an_invalid_candidate_reaches_no_feature() {
    let log = Log::default();
    let (mut reg, ap) = setup(&log);
    reg.validator("a", |c| {
        if c.get::<A>().0 == 13 {
            Err("13 is unlucky".into())
        } else {
            Ok(())
        }
    });
    let old = reg.default_config();
    let mut new = old.clone();
    new.get_mut::<A>().0 = 13;
    assert_eq!(
        commit(&reg, &ap, &old, &new),
        Err(CommitError::Invalid("13 is unlucky".into()))
    );
    assert!(log.lock().unwrap().is_empty());
}
