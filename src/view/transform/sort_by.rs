//! `sortBy` (grafana-data `transformers/sortBy.ts`): rows ordered by one field.

use serde_json::Value as Json;

use super::{compare, str_opt};
use crate::view::frames::{Frame, Value};

/// sortBy: rows of each frame that has the field, by its first `sort` entry (stable).
pub fn sort_by(frames: Vec<Frame>, o: &Json) -> Vec<Frame> {
    let Some(first) = o.pointer("/sort/0") else {
        return frames;
    };
    let Some(name) = str_opt(first, "field") else {
        return frames;
    };
    let desc = first.get("desc").and_then(Json::as_bool).unwrap_or(false);
    frames
        .into_iter()
        .map(|frame| {
            let Some(i) = frame.field(name) else {
                return frame;
            };
            let mut rows: Vec<usize> = (0..frame.len()).collect();
            let values = &frame.fields[i].values;
            let null = Value::Null;
            rows.sort_by(|&a, &b| {
                let ord = compare(
                    values.get(a).unwrap_or(&null),
                    values.get(b).unwrap_or(&null),
                );
                if desc { ord.reverse() } else { ord }
            });
            frame.take(&rows)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn sort_by_desc_and_nulls_first_ascending() {
        let f = frame(
            "A",
            vec![s("k", &["a", "b", "c"]), n("Value", &[2.0, f64::NAN, 3.0])],
        );
        let desc = sort_by(
            vec![f.clone()],
            &json!({"sort": [{"field": "Value", "desc": true}]}),
        );
        assert_eq!(desc[0].fields[0].values, text(&["c", "a", "b"]));
        let asc = sort_by(vec![f], &json!({"sort": [{"field": "Value"}]}));
        assert_eq!(asc[0].fields[0].values, text(&["b", "a", "c"]));
    }
}
