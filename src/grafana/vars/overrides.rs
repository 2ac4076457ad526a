//! Command-line `--var name=value` overrides and how they select a variable's value.

use std::collections::BTreeMap;

use super::options::{VarOption, all_selection};
use super::{ALL_TEXT, ALL_VALUE};
use crate::grafana::model::VariableSelection;

/// Parse repeatable `--var name=value` arguments: repeats make a multi selection; `All` or
/// `$__all` selects All.
pub fn parse_overrides(args: &[String]) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in args {
        let Some((name, value)) = a.split_once('=') else {
            return Err(format!("--var {a:?}: expected name=value"));
        };
        let name = name.trim().trim_start_matches('$');
        if name.is_empty() {
            return Err(format!("--var {a:?}: empty variable name"));
        }
        out.entry(name.to_string())
            .or_default()
            .push(value.to_string());
    }
    Ok(out)
}

/// Apply `--var` values to a variable like Grafana applies URL values (`changeValueTo` after
/// `updateFromUrl`): `$__all` as the last value selects All (and a leading `$__all` followed by
/// other values is dropped); `All`, or the custom all value, means All when the variable has
/// an All option. Other values are matched to an option by value, then by text, or kept as
/// given (Grafana accepts free values from URLs; the next refresh validates them).
pub fn override_selection(
    values: &[String],
    options: &[VarOption],
    include_all: bool,
    all_value: Option<&str>,
) -> VariableSelection {
    let is_all_word = |v: &str| {
        v == ALL_VALUE
            || (include_all
                && (v == ALL_TEXT || all_value.is_some_and(|a| !a.is_empty() && a == v)))
    };
    let mut values: Vec<&String> = values.iter().collect();
    if values.last().is_some_and(|v| is_all_word(v)) {
        return all_selection();
    }
    if values.len() > 1 && values.first().is_some_and(|v| is_all_word(v)) {
        values.remove(0);
    }
    let mut sel = VariableSelection::default();
    for v in values {
        let found = options
            .iter()
            .find(|o| &o.value == v)
            .or_else(|| options.iter().find(|o| &o.text == v));
        match found {
            Some(o) => {
                sel.text.push(o.text.clone());
                sel.value.push(o.value.clone());
            }
            None => {
                sel.text.push(v.clone());
                sel.value.push(v.clone());
            }
        }
    }
    sel
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::vars::test_support::sel;

    #[test]
    fn overrides() {
        let args: Vec<String> = ["env=prod", "host=a", "host=b", "job=All"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let parsed = parse_overrides(&args).unwrap_or_default();
        assert_eq!(
            parsed.get("host"),
            Some(&vec!["a".to_string(), "b".to_string()])
        );
        let opts = vec![VarOption::new("Production", "prod")];
        assert_eq!(
            override_selection(&parsed["env"], &opts, false, None),
            VariableSelection {
                text: vec!["Production".into()],
                value: vec!["prod".into()]
            }
        );
        // "All" means All only for variables with an All option; $__all always.
        assert_eq!(
            override_selection(&parsed["job"], &opts, true, None),
            all_selection()
        );
        assert_eq!(
            override_selection(&parsed["job"], &opts, false, None),
            sel(&["All"])
        );
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            override_selection(&s(&["$__all"]), &opts, false, None),
            all_selection()
        );
        assert_eq!(
            override_selection(&s(&[".*"]), &opts, true, Some(".*")),
            all_selection()
        );
        // A leading All followed by values is dropped; a trailing All wins.
        assert_eq!(
            override_selection(&s(&["$__all", "a"]), &opts, true, None),
            sel(&["a"])
        );
        assert_eq!(
            override_selection(&s(&["a", "$__all"]), &opts, true, None),
            all_selection()
        );
        assert!(parse_overrides(&["novalue".to_string()]).is_err());
    }
}
