//! `labelsToFields` (grafana-data `transformers/labelsToFields.ts`): labels as columns or rows.

use serde_json::Value as Json;

use super::str_opt;
use crate::view::frames::{Field, FieldType, Frame, Value};

/// labelsToFields (grafana-data `labelsToFields.ts`). `columns` (default): labelled fields
/// lose their labels and legend names, and after the frame's fields comes a text field per
/// label (only `keepLabels` when given) and distinct value; `valueLabel` names the value field
/// after that label instead. `rows`: a frame of `label`/`value` rows per labelled field.
pub fn labels_to_fields(frames: Vec<Frame>, o: &Json) -> Vec<Frame> {
    let keep: Option<Vec<&str>> = o
        .get("keepLabels")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .filter(|k: &Vec<&str>| !k.is_empty());
    let kept = |k: &str| keep.as_ref().is_none_or(|list| list.contains(&k));
    let value_label = str_opt(o, "valueLabel");
    if str_opt(o, "mode") == Some("rows") {
        let mut out = Vec::new();
        for frame in &frames {
            let names = frame.names();
            for (f, name) in frame.fields.iter().zip(names) {
                if f.labels.is_empty() {
                    continue;
                }
                let pairs: Vec<(String, Value)> = match &keep {
                    Some(list) => list
                        .iter()
                        .map(|k| {
                            let v = f.labels.get(*k).cloned().map_or(Value::Null, Value::Text);
                            (k.to_string(), v)
                        })
                        .collect(),
                    None => f
                        .labels
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::Text(v.clone())))
                        .collect(),
                };
                if pairs.is_empty() {
                    continue;
                }
                let (keys, values): (Vec<Value>, Vec<Value>) =
                    pairs.into_iter().map(|(k, v)| (Value::Text(k), v)).unzip();
                out.push(Frame {
                    name,
                    ref_id: frame.ref_id.clone(),
                    fields: vec![
                        Field::new("label", FieldType::String, keys),
                        Field::new("value", FieldType::String, values),
                    ],
                });
            }
        }
        return out;
    }
    frames
        .into_iter()
        .map(|frame| {
            let rows = frame.len();
            let mut fields: Vec<Field> = Vec::new();
            // Label name → its distinct values, in order of first appearance.
            let mut unique: Vec<(String, Vec<String>)> = Vec::new();
            for f in &frame.fields {
                if f.labels.is_empty() {
                    fields.push(f.clone());
                    continue;
                }
                let mut value = f.clone();
                value.labels.clear();
                value.display_name = None;
                value.display_name_from_ds = None;
                for (k, v) in f.labels.iter().filter(|(k, _)| kept(k)) {
                    if Some(k.as_str()) == value_label {
                        value.name = v.clone();
                        continue;
                    }
                    match unique.iter_mut().find(|(name, _)| name == k) {
                        Some((_, values)) if !values.contains(v) => values.push(v.clone()),
                        Some(_) => {}
                        None => unique.push((k.clone(), vec![v.clone()])),
                    }
                }
                fields.push(value);
            }
            for (name, values) in unique {
                for v in values {
                    fields.push(Field::new(
                        &name,
                        FieldType::String,
                        vec![Value::Text(v); rows],
                    ));
                }
            }
            Frame { fields, ..frame }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn labels_to_fields_columns_with_keep_labels() {
        let mut v = n("Value", &[1.0, 2.0]);
        v.labels = [("job", "api"), ("pod", "p1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        v.display_name_from_ds = Some("api p1".into());
        let f = frame("A", vec![t(&[1, 2]), v]);
        let out = labels_to_fields(
            vec![f.clone()],
            &json!({"mode": "columns", "keepLabels": ["pod"]}),
        );
        // Label fields come after the frame's own fields.
        assert_eq!(names(&out[0]), ["Time", "Value", "pod"]);
        assert_eq!(out[0].fields[2].values, text(&["p1", "p1"]));
        let named = labels_to_fields(vec![f.clone()], &json!({"valueLabel": "job"}));
        assert_eq!(names(&named[0]), ["Time", "api", "pod"]);
        let rows = labels_to_fields(vec![f.clone()], &json!({"mode": "rows"}));
        assert_eq!(rows[0].name, "api p1");
        assert_eq!(rows[0].fields[0].values, text(&["job", "pod"]));
        // Two series in one frame with different values: a field per distinct value.
        let mut w = f.fields[1].clone();
        w.labels.insert("pod".into(), "p2".into());
        let two = frame("A", vec![t(&[1, 2]), f.fields[1].clone(), w]);
        let out = labels_to_fields(vec![two], &json!({"keepLabels": ["pod"]}));
        assert_eq!(
            names(&out[0]),
            ["Time", "Value 1", "Value 2", "pod 1", "pod 2"]
        );
    }
}
