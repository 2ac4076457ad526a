//! `groupBy` (grafana-data `transformers/groupBy.ts`): rows grouped, fields aggregated.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::aggregate;
use crate::view::frames::{Field, FieldType, Frame, Value};

/// groupBy: rows grouped by the `groupby` fields' values (groups in order of first
/// appearance), then one field per `aggregate` field and calculation, named `name (calc)`.
/// `count` is an aggregate of `count`. Fields not listed are dropped, and so is a frame with
/// no group-by field, as in grafana-data `groupBy.ts`.
pub fn group_by(frames: Vec<Frame>, o: &Json) -> Vec<Frame> {
    let Some(config) = o.get("fields").and_then(Json::as_object) else {
        return frames;
    };
    let operation = |name: &str| {
        config
            .get(name)
            .and_then(|c| c.get("operation"))
            .and_then(Json::as_str)
            .map(str::to_string)
    };
    frames
        .into_iter()
        .filter_map(|frame| {
            let names = frame.names();
            let group_fields: Vec<usize> = (0..frame.fields.len())
                .filter(|&i| operation(&names[i]).as_deref() == Some("groupby"))
                .collect();
            if group_fields.is_empty() {
                return None;
            }
            let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
            let mut index_of: HashMap<Vec<String>, usize> = HashMap::new();
            for r in 0..frame.len() {
                let key: Vec<String> = group_fields
                    .iter()
                    .map(|&i| {
                        frame.fields[i]
                            .values
                            .get(r)
                            .map(Value::key)
                            .unwrap_or_default()
                    })
                    .collect();
                match index_of.get(&key) {
                    Some(&g) => groups[g].1.push(r),
                    None => {
                        index_of.insert(key.clone(), groups.len());
                        groups.push((key, vec![r]));
                    }
                }
            }
            let mut fields: Vec<Field> = group_fields
                .iter()
                .map(|&i| {
                    frame.fields[i]
                        .take(&groups.iter().map(|(_, rows)| rows[0]).collect::<Vec<_>>())
                })
                .collect();
            for (f, name) in frame.fields.iter().zip(&names) {
                let calcs: Vec<&str> = match operation(name).as_deref() {
                    Some("aggregate") => config
                        .get(name)
                        .and_then(|c| c.get("aggregations"))
                        .and_then(Json::as_array)
                        .map(|a| a.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default(),
                    Some("count") => vec!["count"],
                    _ => continue,
                };
                for calc in calcs {
                    let values: Vec<Value> = groups
                        .iter()
                        .map(|(_, rows)| {
                            let vals: Vec<Value> = rows
                                .iter()
                                .map(|&r| f.values.get(r).cloned().unwrap_or(Value::Null))
                                .collect();
                            aggregate(calc, f, &vals)
                        })
                        .collect();
                    let field_type = if values
                        .iter()
                        .all(|v| matches!(v, Value::Number(_) | Value::Null))
                    {
                        FieldType::Number
                    } else {
                        FieldType::String
                    };
                    fields.push(Field::new(&format!("{name} ({calc})"), field_type, values));
                }
            }
            Some(Frame { fields, ..frame })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn group_by_aggregates_named_with_calc() {
        let f = frame(
            "A",
            vec![
                t(&[1, 2, 3]),
                s("server", &["a", "b", "a"]),
                n("cpu", &[10.0, 20.0, 30.0]),
                s("state", &["ok", "bad", "bad"]),
            ],
        );
        let out = group_by(
            vec![f],
            &json!({"fields": {"server": {"operation": "groupby", "aggregations": []},
                               "cpu": {"operation": "aggregate", "aggregations": ["mean", "max"]},
                               "state": {"operation": "aggregate", "aggregations": ["lastNotNull"]}}}),
        );
        assert_eq!(
            names(&out[0]),
            ["server", "cpu (mean)", "cpu (max)", "state (lastNotNull)"]
        );
        assert_eq!(out[0].fields[0].values, text(&["a", "b"]));
        assert_eq!(out[0].fields[1].values, nums(&[20.0, 20.0]));
        assert_eq!(out[0].fields[3].values, text(&["bad", "bad"]));
        let other = frame("B", vec![s("host", &["x"])]);
        let counted = group_by(
            vec![other, out[0].clone()],
            &json!({"fields": {"server": {"operation": "groupby"}, "cpu (max)": {"operation": "count"}}}),
        );
        // The frame without a group-by field is dropped.
        assert_eq!(counted.len(), 1);
        assert_eq!(names(&counted[0]), ["server", "cpu (max) (count)"]);
    }
}
