//! Grafana's panel transformations over frames, applied in the panel's order, one function
//! each. Semantics follow grafana-data `transformations/transformers/*.ts` and Grafana's
//! "Transform data" documentation; field matching is by display name as in Grafana, except
//! `merge`, which (like Grafana) keys on field names.

use serde_json::Value as Json;

use super::frames::{Field, FieldType, Frame, Value};
use crate::grafana::model::Transformation;

mod calculate_field;
mod filter_by_name;
mod filter_by_value;
mod group_by;
mod grouping_to_matrix;
mod join_by_field;
mod labels_to_fields;
mod merge;
mod organize;
mod prepare_time_series;
mod reduce;
mod rename_by_regex;
mod series_to_rows;
mod sort_by;
#[cfg(test)]
mod test_support;

pub use calculate_field::calculate_field;
pub use filter_by_name::filter_fields_by_name;
pub use filter_by_value::filter_by_value;
pub use group_by::group_by;
pub use grouping_to_matrix::grouping_to_matrix;
pub use join_by_field::join_by_field;
pub use labels_to_fields::labels_to_fields;
pub use merge::merge;
pub use organize::organize;
pub use prepare_time_series::prepare_time_series;
pub use reduce::reduce_frames;
pub use rename_by_regex::rename_by_regex;
pub use series_to_rows::series_to_rows;
pub use sort_by::sort_by;

/// Apply every enabled transformation in order. Returns the frames and one note per step that
/// could not be applied (unknown id, unsupported mode, bad options), each naming the step.
pub fn apply(frames: Vec<Frame>, steps: &[Transformation]) -> (Vec<Frame>, Vec<String>) {
    let mut frames = frames;
    let mut notes = Vec::new();
    for (i, step) in steps.iter().enumerate().filter(|(_, s)| !s.disabled) {
        let o = &step.options;
        let result = match step.id.as_str() {
            "organize" => Ok(organize(frames.clone(), o)),
            "merge" => Ok(merge(frames.clone())),
            "joinByField" | "seriesToColumns" => Ok(join_by_field(frames.clone(), o)),
            "filterFieldsByName" => filter_fields_by_name(frames.clone(), o),
            "sortBy" => Ok(sort_by(frames.clone(), o)),
            "reduce" => reduce_frames(frames.clone(), o),
            "labelsToFields" => Ok(labels_to_fields(frames.clone(), o)),
            "renameByRegex" => rename_by_regex(frames.clone(), o),
            "filterByValue" => filter_by_value(frames.clone(), o),
            "groupBy" => Ok(group_by(frames.clone(), o)),
            "calculateField" => calculate_field(frames.clone(), o),
            "seriesToRows" => Ok(series_to_rows(frames.clone())),
            "groupingToMatrix" => grouping_to_matrix(frames.clone(), o),
            "prepareTimeSeries" => prepare_time_series(frames.clone(), o),
            other => Err(format!("transformation {other} is not supported")),
        };
        match result {
            Ok(f) => frames = f,
            Err(e) => notes.push(format!(
                "transformations[{i}] ({}): {e}; not applied",
                step.id
            )),
        }
    }
    (frames, notes)
}

fn str_opt<'a>(o: &'a Json, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Json::as_str).filter(|s| !s.is_empty())
}

/// A value's identity for hashing: its kind and its text, so `1` and `"1"` stay apart.
type Identity = (u8, String);

fn identity(v: &Value) -> Identity {
    let kind = match v {
        Value::Null => 0,
        Value::Time(_) => 1,
        Value::Number(_) => 2,
        Value::Text(_) => 3,
    };
    (kind, v.key())
}

/// Ascending order with nulls first, numbers numerically, text by its characters.
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a.key().cmp(&b.key()),
        },
    }
}

/// One groupBy/aggregate calculation over the values of a group (`reduce` uses it for text
/// fields too).
fn aggregate(calc: &str, field: &Field, values: &[Value]) -> Value {
    let non_null = || values.iter().filter(|v| !v.is_null());
    let list = |vals: Vec<&Value>| {
        Value::Text(vals.iter().map(|v| v.key()).collect::<Vec<_>>().join(", "))
    };
    match calc {
        "allValues" => list(values.iter().collect()),
        "uniqueValues" => {
            let mut seen: Vec<&Value> = Vec::new();
            for v in values {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            list(seen)
        }
        _ if field.field_type == FieldType::Number => {
            let nums = Field {
                values: values.to_vec(),
                ..field.clone_empty()
            }
            .numbers();
            match crate::grafana::reduce::reduce(calc, &nums) {
                Some(v) => Value::Number(v),
                None => Value::Null,
            }
        }
        "lastNotNull" => non_null().next_back().cloned().unwrap_or(Value::Null),
        "firstNotNull" => non_null().next().cloned().unwrap_or(Value::Null),
        "last" => values.last().cloned().unwrap_or(Value::Null),
        "first" => values.first().cloned().unwrap_or(Value::Null),
        "count" => Value::Number(non_null().count() as f64),
        "distinctCount" => {
            let mut seen: Vec<&Value> = non_null().collect();
            seen.dedup();
            let mut keys: Vec<String> = seen.iter().map(|v| v.key()).collect();
            keys.sort();
            keys.dedup();
            Value::Number(keys.len() as f64)
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn apply_runs_in_order_and_names_what_it_cannot_do() {
        let f = frame("A", vec![s("k", &["a"]), n("Value", &[1.0])]);
        let (out, notes) = apply(
            vec![f],
            &[
                step("extractFields", json!({})),
                step("organize", json!({"renameByName": {"Value": "V"}})),
                step("filterFieldsByName", json!({"include": {"names": ["V"]}})),
                Transformation {
                    disabled: true,
                    ..step("organize", json!({"renameByName": {"V": "W"}}))
                },
            ],
        );
        assert_eq!(names(&out[0]), ["V"]);
        assert_eq!(
            notes,
            [
                "transformations[0] (extractFields): transformation extractFields is not supported; not applied"
            ]
        );
    }
}
