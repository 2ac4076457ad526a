//! `reduce` (grafana-data `transformers/reduce.ts`): fields reduced to single values.

use serde_json::Value as Json;

use super::{aggregate, str_opt};
use crate::grafana::reduce::{self, Reducer};
use crate::view::frames::{Field, FieldType, Frame, Value};

fn reducers_of(o: &Json, key: &str) -> Result<Vec<Reducer>, String> {
    let ids: Vec<&str> = o
        .get(key)
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    ids.iter()
        .map(|id| Reducer::parse(id).ok_or_else(|| format!("unknown reducer {id:?}")))
        .collect()
}

/// A reducer over a whole field: numbers (and times) as numbers; text keeps what a text
/// can give (first, last, counts), the rest null, as `reduceField` does.
fn reduced(r: Reducer, field: &Field) -> Value {
    if field.field_type == FieldType::String {
        return aggregate(&r.id(), field, &field.values);
    }
    match reduce::reduce_with(r, &field.numbers()) {
        Some(v) => Value::Number(v),
        None => Value::Null,
    }
}

/// The type a reduced column gets (`guessFieldTypeForField`): numbers if all its values are.
fn guessed_type(values: &[Value]) -> FieldType {
    if values
        .iter()
        .all(|v| matches!(v, Value::Number(_) | Value::Null))
    {
        FieldType::Number
    } else {
        FieldType::String
    }
}

/// reduce (grafana-data `transformers/reduce.ts`). Fields reduced: every non-time field
/// (`includeTimeField` adds time fields in `reduceFields` mode only, as in Grafana).
/// `seriesToRows` (default): one frame, a row per field — `Field` (its display name), with
/// `labelsToFields` a column per distinct label key, then a column per calc named as Grafana
/// names calcs (`Last *`, `Max`, ...). `reduceFields`: each frame keeps its fields, reduced to
/// one value each; several calcs give one field each, told apart by a `reducer` label.
pub fn reduce_frames(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let reducers = reducers_of(o, "reducers")?;
    if reducers.is_empty() {
        return Ok(frames);
    }
    let reduce_fields = str_opt(o, "mode") == Some("reduceFields");
    let include_time = reduce_fields
        && o.get("includeTimeField")
            .and_then(Json::as_bool)
            .unwrap_or(false);
    let wanted = |f: &Field| include_time || f.field_type != FieldType::Time;
    if reduce_fields {
        return Ok(frames
            .into_iter()
            .filter_map(|frame| {
                let mut fields = Vec::new();
                for f in frame.fields.iter().filter(|f| wanted(f)) {
                    for &r in &reducers {
                        let mut out = f.clone_empty();
                        out.values = vec![reduced(r, f)];
                        out.field_type = guessed_type(&out.values);
                        if reducers.len() > 1 {
                            out.labels.insert("reducer".into(), r.display_name());
                        }
                        fields.push(out);
                    }
                }
                (!fields.is_empty()).then_some(Frame { fields, ..frame })
            })
            .collect());
    }
    let labels_to_fields = o
        .get("labelsToFields")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let mut keys: Vec<&String> = Vec::new();
    if labels_to_fields {
        for f in frames.iter().flat_map(|fr| &fr.fields) {
            for k in f.labels.keys() {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
    }
    let mut names = Field::new("Field", FieldType::String, Vec::new());
    let mut label_fields: Vec<Field> = keys
        .iter()
        .map(|k| Field::new(k, FieldType::String, Vec::new()))
        .collect();
    let mut calcs: Vec<Field> = reducers
        .iter()
        .map(|r| Field::new(&r.display_name(), FieldType::Number, Vec::new()))
        .collect();
    for frame in &frames {
        for (f, name) in frame.fields.iter().zip(frame.names()) {
            if !wanted(f) {
                continue;
            }
            if labels_to_fields {
                names.values.push(Value::Text(f.name.clone()));
                for (l, k) in label_fields.iter_mut().zip(&keys) {
                    l.values
                        .push(f.labels.get(*k).cloned().map_or(Value::Null, Value::Text));
                }
            } else {
                names.values.push(Value::Text(name));
            }
            for (out, &r) in calcs.iter_mut().zip(&reducers) {
                out.values.push(reduced(r, f));
            }
        }
    }
    for c in &mut calcs {
        c.field_type = guessed_type(&c.values);
    }
    let mut fields = vec![names];
    fields.append(&mut label_fields);
    fields.append(&mut calcs);
    Ok(vec![Frame {
        name: String::new(),
        ref_id: frames.first().map(|f| f.ref_id.clone()).unwrap_or_default(),
        fields,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn reduce_series_to_rows_names_calcs_like_grafana() {
        let mut a = n("Value", &[1.0, 5.0, 3.0]);
        a.display_name_from_ds = Some("ets_alloc".into());
        let out = reduce_frames(
            vec![frame("A", vec![t(&[1, 2, 3]), a])],
            &json!({"reducers": ["min", "max", "mean", "lastNotNull"], "includeTimeField": false}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["Field", "Min", "Max", "Mean", "Last *"]);
        assert_eq!(out[0].fields[0].values, text(&["ets_alloc"]));
        assert_eq!(out[0].fields[3].values, nums(&[3.0]));
        assert_eq!(out[0].fields[4].values, nums(&[3.0]));
    }

    #[test]
    fn reduce_series_to_rows_takes_text_fields_and_labels_to_fields() {
        let mut v = n("Value", &[1.0, 4.0]);
        v.labels.insert("job".into(), "api".into());
        let f = frame("A", vec![t(&[1, 2]), s("state", &["ok", "bad"]), v]);
        let out = reduce_frames(
            vec![f],
            &json!({"reducers": ["lastNotNull", "max"], "labelsToFields": true}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["Field", "job", "Last *", "Max"]);
        assert_eq!(out[0].fields[0].values, text(&["state", "Value"]));
        assert_eq!(out[0].fields[1].values, text(&["", "api"]));
        // A text column reduced by lastNotNull keeps its text; max of text is null.
        assert_eq!(
            out[0].fields[2].values,
            [Value::Text("bad".into()), Value::Number(4.0)]
        );
        assert_eq!(out[0].fields[3].values, nums(&[f64::NAN, 4.0]));
    }

    #[test]
    fn reduce_fields_keeps_frames() {
        let out = reduce_frames(
            vec![frame("A", vec![t(&[1, 2]), n("Value", &[1.0, 5.0])])],
            &json!({"reducers": ["max"], "mode": "reduceFields"}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["Value"]);
        assert_eq!(out[0].fields[0].values, nums(&[5.0]));
    }
}
