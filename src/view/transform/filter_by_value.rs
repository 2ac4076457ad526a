//! `filterByValue` (grafana-data `transformers/filterByValue.ts`): rows kept or dropped by
//! conditions on their values.

use serde_json::Value as Json;

use super::str_opt;
use crate::grafana::fields::js_regex;
use crate::view::frames::{Frame, Value};

/// One filterByValue condition against one cell.
fn value_matches(id: &str, options: &Json, v: &Value) -> Result<bool, String> {
    let num = |key: &str| options.get(key).and_then(Json::as_f64);
    let cell = v.as_f64();
    let cmp = |f: fn(f64, f64) -> bool| match (cell, num("value")) {
        (Some(c), Some(x)) => f(c, x),
        _ => false,
    };
    Ok(match id {
        "isNull" => v.is_null(),
        "isNotNull" => !v.is_null(),
        "greater" => cmp(|c, x| c > x),
        "greaterOrEqual" => cmp(|c, x| c >= x),
        "lower" => cmp(|c, x| c < x),
        "lowerOrEqual" => cmp(|c, x| c <= x),
        "equal" | "notEqual" => {
            let expected = options.get("value").cloned().unwrap_or(Json::Null);
            let same = match (&expected, v) {
                (Json::Number(n), _) => n.as_f64() == cell,
                (Json::String(s), Value::Text(t)) => s == t,
                (Json::String(s), _) => s.parse::<f64>().ok() == cell && cell.is_some(),
                (Json::Null, Value::Null) => true,
                _ => false,
            };
            same == (id == "equal")
        }
        "substring" | "notSubstring" => {
            let needle = options.get("value").map(|v| match v {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            });
            let hit = needle.is_some_and(|n| !v.is_null() && v.key().contains(&n));
            hit == (id == "substring")
        }
        // `range` is the older id of `between`.
        "range" | "between" => match (cell, num("from"), num("to")) {
            (Some(c), Some(from), Some(to)) => c > from && c < to,
            _ => false,
        },
        "regex" => {
            let p = options.get("value").and_then(Json::as_str).unwrap_or("");
            let re = js_regex(p).ok_or_else(|| format!("invalid regex {p:?}"))?;
            !v.is_null() && re.is_match(&v.key())
        }
        other => return Err(format!("unknown value matcher {other:?}")),
    })
}

/// filterByValue: keep (`type: include`) or drop (`exclude`) the rows where `any`/`all` of the
/// conditions hold.
pub fn filter_by_value(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let filters: Vec<&Json> = o
        .get("filters")
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if filters.is_empty() {
        return Ok(frames);
    }
    let include = str_opt(o, "type") != Some("exclude");
    let all = str_opt(o, "match") == Some("all");
    let mut out = Vec::new();
    for frame in frames {
        // A condition on a field this frame lacks never matches, as in Grafana.
        let mut conditions = Vec::new();
        for f in &filters {
            let i = str_opt(f, "fieldName").and_then(|n| frame.field(n));
            let id = f.pointer("/config/id").and_then(Json::as_str).unwrap_or("");
            let options = f.pointer("/config/options").cloned().unwrap_or(Json::Null);
            conditions.push((i, id.to_string(), options));
        }
        let mut rows = Vec::new();
        for r in 0..frame.len() {
            let mut hits = Vec::new();
            for (i, id, options) in &conditions {
                let hit = match i {
                    Some(i) => {
                        let v = frame.fields[*i].values.get(r).unwrap_or(&Value::Null);
                        value_matches(id, options, v)?
                    }
                    None => false,
                };
                hits.push(hit);
            }
            let matched = if all {
                hits.iter().all(|h| *h)
            } else {
                hits.iter().any(|h| *h)
            };
            if matched == include {
                rows.push(r);
            }
        }
        out.push(frame.take(&rows));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn filter_by_value_include_exclude_any_all() {
        let f = frame(
            "A",
            vec![s("k", &["a", "b", "c"]), n("rate", &[f64::NAN, 5.0, 20.0])],
        );
        let not_null = filter_by_value(
            vec![f.clone()],
            &json!({"filters": [{"config": {"id": "isNull", "options": {}}, "fieldName": "rate"}], "match": "all", "type": "exclude"}),
        )
        .unwrap();
        assert_eq!(not_null[0].fields[0].values, text(&["b", "c"]));
        let big = filter_by_value(
            vec![f.clone()],
            &json!({"filters": [{"config": {"id": "greater", "options": {"value": 10}}, "fieldName": "rate"},
                                {"config": {"id": "regex", "options": {"value": "^a$"}}, "fieldName": "k"}],
                    "match": "any", "type": "include"}),
        )
        .unwrap();
        assert_eq!(big[0].fields[0].values, text(&["a", "c"]));
        let range = filter_by_value(
            vec![f.clone()],
            &json!({"filters": [{"config": {"id": "range", "options": {"from": 1, "to": 10}}, "fieldName": "rate"}], "type": "include"}),
        )
        .unwrap();
        assert_eq!(range[0].fields[0].values, text(&["b"]));
        let missing = json!({"filters": [{"config": {"id": "isNull", "options": {}}, "fieldName": "nope"}], "type": "include"});
        assert!(filter_by_value(vec![range[0].clone()], &missing).unwrap()[0].is_empty());
        let substring = json!({"filters": [{"config": {"id": "notSubstring", "options": {"value": "b"}}, "fieldName": "k"}], "type": "include"});
        assert_eq!(
            filter_by_value(vec![f.clone()], &substring).unwrap()[0].fields[0].values,
            text(&["a", "c"])
        );
    }
}
