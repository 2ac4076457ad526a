//! Shared helpers for the unit tests of the variable modules.

use super::{Format, Scope, VarValue, interpolate};
use crate::grafana::model::VariableSelection;

pub(super) fn multi(values: &[&str]) -> VarValue {
    VarValue {
        text: values.iter().map(|s| s.to_string()).collect(),
        value: values.iter().map(|s| s.to_string()).collect(),
        multi: true,
        ..VarValue::default()
    }
}

pub(super) fn scope_with(name: &str, v: VarValue) -> Scope {
    let mut s = Scope::new();
    s.set_var(name, v);
    s
}

pub(super) fn glob(t: &str, s: &Scope) -> String {
    interpolate(t, s, Format::Glob)
}

pub(super) fn prom(t: &str, s: &Scope) -> String {
    interpolate(t, s, Format::Prometheus)
}

pub(super) fn sel(values: &[&str]) -> VariableSelection {
    VariableSelection {
        text: values.iter().map(|s| s.to_string()).collect(),
        value: values.iter().map(|s| s.to_string()).collect(),
    }
}
