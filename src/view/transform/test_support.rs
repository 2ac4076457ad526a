//! Frame builders shared by the transformation tests.

pub(super) use serde_json::Value as Json;
pub(super) use serde_json::json;

pub(super) use crate::grafana::model::Transformation;
pub(super) use crate::view::frames::{Field, FieldType, Frame, Value};

pub(super) fn text(v: &[&str]) -> Vec<Value> {
    v.iter()
        .map(|s| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::Text(s.to_string())
            }
        })
        .collect()
}
pub(super) fn nums(v: &[f64]) -> Vec<Value> {
    v.iter()
        .map(|x| {
            if x.is_nan() {
                Value::Null
            } else {
                Value::Number(*x)
            }
        })
        .collect()
}
pub(super) fn frame(ref_id: &str, fields: Vec<Field>) -> Frame {
    Frame {
        name: String::new(),
        ref_id: ref_id.into(),
        fields,
    }
}
pub(super) fn s(name: &str, v: &[&str]) -> Field {
    Field::new(name, FieldType::String, text(v))
}
pub(super) fn n(name: &str, v: &[f64]) -> Field {
    Field::new(name, FieldType::Number, nums(v))
}
pub(super) fn t(v: &[i64]) -> Field {
    Field::new(
        "Time",
        FieldType::Time,
        v.iter().map(|x| Value::Time(*x)).collect(),
    )
}
pub(super) fn names(f: &Frame) -> Vec<String> {
    f.names()
}
pub(super) fn step(id: &str, options: Json) -> Transformation {
    Transformation {
        id: id.into(),
        disabled: false,
        options,
    }
}
