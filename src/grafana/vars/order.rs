//! Which variables reference which, and the order that resolves each after its dependencies.

use std::collections::{BTreeMap, HashSet};

use super::interpolate::find_references;
use crate::grafana::model::{DatasourceRef, Variable};

/// Names of the variables a template references (deduplicated, in order of appearance).
pub fn referenced_names(template: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    find_references(template)
        .into_iter()
        .map(|r| r.name)
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

/// The variables each variable depends on: names referenced by its query, regex and
/// datasource, restricted to the dashboard's own variables (never itself).
pub fn dependencies(vars: &[Variable]) -> BTreeMap<String, Vec<String>> {
    let known: HashSet<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    let mut out = BTreeMap::new();
    for v in vars {
        let mut text = v.query.clone();
        if let Some(r) = &v.regex {
            text.push(' ');
            text.push_str(r);
        }
        if let Some(DatasourceRef::Variable { name }) = &v.datasource {
            text.push_str(" $");
            text.push_str(name);
        }
        let deps: Vec<String> = referenced_names(&text)
            .into_iter()
            .filter(|n| n != &v.name && known.contains(n.as_str()))
            .collect();
        out.insert(v.name.clone(), deps);
    }
    out
}

/// Variables in an order where each comes after the ones it references (stable: dashboard
/// order among independent ones). `Err` names the variables on a cycle.
pub fn resolution_order(vars: &[Variable]) -> Result<Vec<String>, Vec<String>> {
    let deps = dependencies(vars);
    let mut done: Vec<String> = Vec::with_capacity(vars.len());
    let mut placed: HashSet<String> = HashSet::new();
    let mut remaining: Vec<&Variable> = vars.iter().collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|v| {
            let ready = deps
                .get(&v.name)
                .is_none_or(|d| d.iter().all(|n| placed.contains(n)));
            if ready {
                placed.insert(v.name.clone());
                done.push(v.name.clone());
            }
            !ready
        });
        if remaining.len() == before {
            return Err(remaining.iter().map(|v| v.name.clone()).collect());
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, query: &str) -> Variable {
        Variable {
            name: name.into(),
            query: query.into(),
            ..Variable::default()
        }
    }

    #[test]
    fn resolution_order_follows_references() {
        let vars = vec![
            var(
                "instance",
                "label_values(up{job=\"$job\", env=\"$env\"}, instance)",
            ),
            var("job", "label_values(up{env=\"${env}\"}, job)"),
            var("env", "label_values(up, env)"),
            var("other", "label_values(up, x)"),
        ];
        assert_eq!(
            resolution_order(&vars),
            Ok(vec![
                "env".to_string(),
                "other".to_string(),
                "job".to_string(),
                "instance".to_string()
            ])
        );
    }

    #[test]
    fn cycles_are_reported() {
        let vars = vec![var("a", "q($b)"), var("b", "q([[a]])"), var("c", "q($c)")];
        let err = resolution_order(&vars);
        assert_eq!(err, Err(vec!["a".to_string(), "b".to_string()]));
    }
}
