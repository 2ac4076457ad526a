//! `joinByField` / `seriesToColumns` (grafana-data `transformers/joinByField.ts`): frames joined
//! on one field.

use std::collections::{HashMap, HashSet};

use serde_json::Value as Json;

use super::{compare, identity, str_opt};
use crate::view::frames::{FieldType, Frame, Value};

/// joinByField / seriesToColumns (grafana-data `joinDataFrames.ts`): one frame, the join field
/// (by display name, else the first time field) then every other field of each frame in
/// order; one row per distinct join value — numbers and times ascending, text in order of
/// first appearance (uPlot's numeric sort leaves text as it came); the last row with a value
/// wins. `mode: inner` keeps only values every frame has. Frames without the join field are
/// left out; a single frame is only sorted by its (non-text) join field.
pub fn join_by_field(frames: Vec<Frame>, o: &Json) -> Vec<Frame> {
    let by = str_opt(o, "byField");
    let inner = str_opt(o, "mode") == Some("inner");
    let join_index = |f: &Frame| match by {
        Some(name) => f.field(name),
        None => f.time_field(),
    };
    let joined: Vec<(&Frame, usize)> = frames
        .iter()
        .filter_map(|f| join_index(f).map(|i| (f, i)))
        .collect();
    if frames.len() == 1 {
        let Some(&(f, j)) = joined.first() else {
            return frames;
        };
        if f.fields[j].field_type == FieldType::String {
            return frames;
        }
        let mut rows: Vec<usize> = (0..f.len()).collect();
        let null = Value::Null;
        let key = |r: usize| f.fields[j].values.get(r).unwrap_or(&null);
        rows.sort_by(|&a, &b| compare(key(a), key(b)));
        return vec![f.take(&rows)];
    }
    if joined.is_empty() {
        return Vec::new();
    }
    if !inner && let Some(frame) = same_join_values(&joined) {
        return vec![frame];
    }
    let mut keys: Vec<Value> = Vec::new();
    let mut seen: HashSet<(u8, String)> = HashSet::new();
    for (f, j) in &joined {
        for v in &f.fields[*j].values {
            if !v.is_null() && seen.insert(identity(v)) {
                keys.push(v.clone());
            }
        }
    }
    // Each frame's join values → its last row with that value, as in Grafana's aligned join.
    let rows_by_key: Vec<HashMap<(u8, String), usize>> = joined
        .iter()
        .map(|(f, j)| {
            f.fields[*j]
                .values
                .iter()
                .enumerate()
                .map(|(r, v)| (identity(v), r))
                .collect()
        })
        .collect();
    if inner {
        keys.retain(|k| {
            rows_by_key
                .iter()
                .all(|rows| rows.contains_key(&identity(k)))
        });
    }
    if !keys.iter().any(|k| matches!(k, Value::Text(_))) {
        keys.sort_by(compare);
    }
    let (first, first_j) = joined[0];
    let mut key_field = first.fields[first_j].clone_empty();
    key_field.values = keys.clone();
    let mut fields = vec![key_field];
    for ((f, j), rows) in joined.iter().zip(&rows_by_key) {
        let key_rows: Vec<Option<usize>> = keys
            .iter()
            .map(|k| rows.get(&identity(k)).copied())
            .collect();
        for (i, field) in f.fields.iter().enumerate() {
            if i == *j {
                continue;
            }
            let mut out = field.clone_empty();
            out.values = key_rows
                .iter()
                .map(|r| {
                    r.and_then(|r| field.values.get(r).cloned())
                        .unwrap_or(Value::Null)
                })
                .collect();
            fields.push(out);
        }
    }
    vec![Frame {
        name: String::new(),
        ref_id: String::new(),
        fields,
    }]
}

/// `join` in grafana-data `joinDataFrames.ts` when every frame's join field holds the same
/// values in the same order (`allHeadersSame`; instant queries all at one time): the frames
/// side by side, every row kept (repeated join values too), sorted by the join field when it
/// is not text and not ascending (a stable sort).
fn same_join_values(joined: &[(&Frame, usize)]) -> Option<Frame> {
    let (first, first_j) = joined[0];
    let keys = &first.fields[first_j].values;
    if joined.iter().any(|(f, j)| f.fields[*j].values != *keys) {
        return None;
    }
    let mut fields = vec![first.fields[first_j].clone()];
    for (f, j) in joined {
        fields.extend(
            f.fields
                .iter()
                .enumerate()
                .filter(|(i, _)| i != j)
                .map(|(_, field)| field.clone()),
        );
    }
    let frame = Frame {
        name: String::new(),
        ref_id: String::new(),
        fields,
    };
    let ascending = keys.windows(2).all(|w| compare(&w[0], &w[1]).is_le());
    if ascending || first.fields[first_j].field_type == FieldType::String {
        return Some(frame);
    }
    let mut rows: Vec<usize> = (0..keys.len()).collect();
    rows.sort_by(|&a, &b| compare(&keys[a], &keys[b]));
    Some(frame.take(&rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn frames_at_the_same_times_are_put_side_by_side() {
        // Two instant queries, three series each, all at one time: every row is kept.
        let a = frame("A", vec![t(&[5, 5, 5]), n("A", &[1.0, 2.0, 3.0])]);
        let b = frame("B", vec![t(&[5, 5, 5]), n("B", &[4.0, 5.0, 6.0])]);
        let out = join_by_field(vec![a, b], &json!({}));
        assert_eq!(names(&out[0]), ["Time", "A", "B"]);
        assert_eq!(out[0].fields[2].values, nums(&[4.0, 5.0, 6.0]));
    }

    #[test]
    fn join_by_field_outer_and_inner() {
        let a = frame("A", vec![s("Bucket", &["b", "a"]), n("Get", &[2.0, 1.0])]);
        let b = frame("B", vec![s("Bucket", &["c", "a"]), n("Put", &[3.0, 4.0])]);
        let outer = join_by_field(
            vec![a.clone(), b.clone()],
            &json!({"byField": "Bucket", "mode": "outer"}),
        );
        assert_eq!(names(&outer[0]), ["Bucket", "Get", "Put"]);
        // Text keys stay in order of first appearance.
        assert_eq!(outer[0].fields[0].values, text(&["b", "a", "c"]));
        assert_eq!(outer[0].fields[1].values, nums(&[2.0, 1.0, f64::NAN]));
        assert_eq!(outer[0].fields[2].values, nums(&[f64::NAN, 4.0, 3.0]));
        let inner = join_by_field(vec![a, b], &json!({"byField": "Bucket", "mode": "inner"}));
        assert_eq!(inner[0].fields[0].values, text(&["a"]));
    }

    #[test]
    fn series_to_columns_joins_time_series_on_time() {
        let mut a = n("Value", &[1.0, 2.0]);
        a.display_name_from_ds = Some("a".into());
        let mut b = n("Value", &[5.0]);
        b.display_name_from_ds = Some("b".into());
        let out = join_by_field(
            vec![
                frame("A", vec![t(&[10, 20]), a]),
                frame("B", vec![t(&[20]), b]),
            ],
            &json!({}),
        );
        assert_eq!(names(&out[0]), ["Time", "a", "b"]);
        assert_eq!(out[0].fields[2].values, nums(&[f64::NAN, 5.0]));
    }
}
