//! Datasource references in every form Grafana has saved, and panel queries (targets).

use serde_json::{Map, Value};

use super::readers::*;
use crate::grafana::model::{DatasourceRef, Diagnostic, Severity, Target, TargetFormat};

const BUILTIN_DATASOURCES: &[&str] = &["-- Grafana --", "-- Mixed --", "-- Dashboard --"];

/// Normalise every datasource form Grafana has used (v33/v36).
pub fn datasource_ref(v: Option<&Value>) -> DatasourceRef {
    match v {
        None | Some(Value::Null) => DatasourceRef::Default,
        Some(Value::String(s)) => datasource_from_string(s, None),
        Some(Value::Object(o)) => {
            let uid = get_nonempty(o, "uid");
            let ds_type = get_nonempty(o, "type");
            match uid {
                None if ds_type.is_none() => DatasourceRef::Default,
                Some(uid) => datasource_from_string(&uid, ds_type),
                None => DatasourceRef::Named {
                    uid: None,
                    name: None,
                    r#type: ds_type,
                },
            }
        }
        Some(_) => DatasourceRef::Default,
    }
}

fn datasource_from_string(s: &str, ds_type: Option<String>) -> DatasourceRef {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("default") {
        return DatasourceRef::Default;
    }
    if let Some(name) = variable_name(s) {
        return DatasourceRef::Variable { name };
    }
    if BUILTIN_DATASOURCES.contains(&s) {
        return DatasourceRef::Builtin { name: s.to_owned() };
    }
    if s == "grafana" {
        return DatasourceRef::Builtin {
            name: "-- Grafana --".into(),
        };
    }
    if ds_type.as_deref() == Some("datasource") {
        // The built-ins written as `{type: "datasource", uid: ...}`.
        let name = if s.contains("Mixed") {
            "-- Mixed --"
        } else if s.contains("Dashboard") {
            "-- Dashboard --"
        } else {
            "-- Grafana --"
        };
        return DatasourceRef::Builtin { name: name.into() };
    }
    if ds_type.is_some() {
        DatasourceRef::Named {
            uid: Some(s.to_owned()),
            name: None,
            r#type: ds_type,
        }
    } else {
        // A bare string is a datasource name (Grafana resolves it to a uid at load).
        DatasourceRef::Named {
            uid: None,
            name: Some(s.to_owned()),
            r#type: None,
        }
    }
}

/// `$ds`, `${ds}`, `${ds:raw}`, `[[ds]]` → `ds`.
fn variable_name(s: &str) -> Option<String> {
    let name = if let Some(rest) = s.strip_prefix("${") {
        rest.strip_suffix('}')?.split(':').next()?.to_owned()
    } else if let Some(rest) = s.strip_prefix("[[") {
        rest.strip_suffix("]]")?.split(':').next()?.to_owned()
    } else {
        s.strip_prefix('$')?.to_owned()
    };
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

pub(super) fn convert_target(
    t: &Map<String, Value>,
    path: &str,
    used_ref_ids: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Target {
    let ref_id = match get_nonempty(t, "refId") {
        Some(r) => r,
        None => {
            // Grafana names unnamed queries A, B, ... skipping letters in use.
            let next = (b'A'..=b'Z')
                .map(|c| (c as char).to_string())
                .find(|c| !used_ref_ids.contains(c))
                .unwrap_or_else(|| format!("Q{}", used_ref_ids.len()));
            used_ref_ids.push(next.clone());
            next
        }
    };
    let expr = ["expr", "query", "rawSql", "target"]
        .iter()
        .find_map(|k| get_str(t, k))
        .unwrap_or("")
        .to_owned();
    let format = match get_str(t, "format") {
        None | Some("time_series") | Some("") => TargetFormat::TimeSeries,
        Some("table") => TargetFormat::Table,
        Some("heatmap") => TargetFormat::Heatmap,
        Some(other) => {
            diags.push(Diagnostic {
                severity: Severity::Info,
                path: format!("{path}.format"),
                message: format!("unknown query format `{other}`; treated as time_series"),
            });
            TargetFormat::TimeSeries
        }
    };
    let instant = get_bool(t, "instant");
    // Grafana runs a range query when neither flag is set.
    let range = get_bool(t, "range") || !instant;
    Target {
        ref_id,
        expr,
        legend_format: get_string(t, "legendFormat"),
        format,
        instant,
        range,
        interval: get_nonempty(t, "interval"),
        interval_factor: get_u32(t, "intervalFactor").filter(|f| *f > 0),
        hide: get_bool(t, "hide"),
        exemplar: get_bool(t, "exemplar"),
        datasource: t
            .get("datasource")
            .filter(|v| !v.is_null())
            .map(|v| datasource_ref(Some(v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn datasource_forms() {
        assert_eq!(datasource_ref(None), DatasourceRef::Default);
        assert_eq!(
            datasource_ref(Some(&json!("default"))),
            DatasourceRef::Default
        );
        assert_eq!(
            datasource_ref(Some(&json!("$ds"))),
            DatasourceRef::Variable { name: "ds".into() }
        );
        assert_eq!(
            datasource_ref(Some(&json!({"type": "prometheus", "uid": "${datasource}"}))),
            DatasourceRef::Variable {
                name: "datasource".into()
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!("Prometheus"))),
            DatasourceRef::Named {
                uid: None,
                name: Some("Prometheus".into()),
                r#type: None
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!({"type": "prometheus", "uid": "abc"}))),
            DatasourceRef::Named {
                uid: Some("abc".into()),
                name: None,
                r#type: Some("prometheus".into())
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!({"type": "datasource", "uid": "grafana"}))),
            DatasourceRef::Builtin {
                name: "-- Grafana --".into()
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!("-- Mixed --"))),
            DatasourceRef::Builtin {
                name: "-- Mixed --".into()
            }
        );
    }

    #[test]
    fn variable_names() {
        assert_eq!(variable_name("$ds").as_deref(), Some("ds"));
        assert_eq!(variable_name("${ds:raw}").as_deref(), Some("ds"));
        assert_eq!(variable_name("[[ds]]").as_deref(), Some("ds"));
        assert_eq!(variable_name("$"), None);
        assert_eq!(variable_name("prom"), None);
    }
}
