//! A small data-frame model, the shape Grafana's transformations work on: a frame is a named
//! set of equally long fields, each typed (time, number, string) with its own labels.
//!
//! Frames are built from the engine's series the way Grafana's Prometheus datasource hands
//! them to a dashboard panel (grafana-prometheus `result_transformer.ts`, `transformV2`):
//! every query whose `format` is not `table` gives one time series frame per series (`Time`,
//! `Value` with the series' labels and legend name) — instant ones too, outside Explore;
//! `format: table` queries give one table frame per refId as `transformDFToTable` builds it
//! (`Time`, a column per label, `''` where a series lacks it, `Value` or `Value #<refId>`
//! when there are several table queries), after the time series frames.

use std::collections::BTreeMap;

use crate::data::panel_data::Series;
use crate::grafana::fields::js_number;
use crate::grafana::model::{Panel, TargetFormat};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Time,
    Number,
    String,
}

/// One cell. Times are milliseconds since the epoch.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Time(i64),
    Number(f64),
    Text(String),
}

impl Value {
    /// The value as a number (times as their milliseconds), for sorting and calculations.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(v) => Some(*v),
            Value::Time(t) => Some(*t as f64),
            Value::Text(s) => s.trim().parse().ok(),
            Value::Null => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as JavaScript's string conversion writes it (keys of merge and groupBy).
    pub fn key(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Time(t) => t.to_string(),
            Value::Number(v) => js_number(*v),
            Value::Text(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub field_type: FieldType,
    pub labels: BTreeMap<String, String>,
    /// `config.displayName`: set by organize, renameByRegex and the like.
    pub display_name: Option<String>,
    /// `config.displayNameFromDS`: the legend name the datasource gave a series.
    pub display_name_from_ds: Option<String>,
    pub values: Vec<Value>,
}

impl Field {
    pub fn new(name: &str, field_type: FieldType, values: Vec<Value>) -> Field {
        Field {
            name: name.to_string(),
            field_type,
            labels: BTreeMap::new(),
            display_name: None,
            display_name_from_ds: None,
            values,
        }
    }

    /// The name Grafana shows and matches on (`getFieldDisplayName`, simplified to what the
    /// Prometheus datasource produces): displayName, then the datasource's legend name, then
    /// the field name with its labels.
    pub fn display(&self) -> String {
        if let Some(n) = self.display_name.as_ref().filter(|n| !n.is_empty()) {
            return n.clone();
        }
        if let Some(n) = self.display_name_from_ds.as_ref().filter(|n| !n.is_empty()) {
            return n.clone();
        }
        if self.labels.is_empty() {
            return self.name.clone();
        }
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        format!("{} {{{}}}", self.name, labels.join(", "))
    }

    /// The numbers of a number field (anything else, and NaN, as missing).
    pub fn numbers(&self) -> Vec<Option<f64>> {
        self.values
            .iter()
            .map(|v| match v {
                Value::Number(x) if !x.is_nan() => Some(*x),
                Value::Number(_) => None,
                other => other.as_f64(),
            })
            .collect()
    }

    /// This field with only the rows at `rows`, in that order.
    pub fn take(&self, rows: &[usize]) -> Field {
        Field {
            values: rows
                .iter()
                .map(|&i| self.values.get(i).cloned().unwrap_or(Value::Null))
                .collect(),
            ..self.clone_empty()
        }
    }

    /// Same name, type, labels and config, no values.
    pub fn clone_empty(&self) -> Field {
        Field {
            name: self.name.clone(),
            field_type: self.field_type,
            labels: self.labels.clone(),
            display_name: self.display_name.clone(),
            display_name_from_ds: self.display_name_from_ds.clone(),
            values: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frame {
    pub name: String,
    pub ref_id: String,
    pub fields: Vec<Field>,
}

impl Frame {
    /// Rows: the longest field (fields are meant to be equally long).
    pub fn len(&self) -> usize {
        self.fields
            .iter()
            .map(|f| f.values.len())
            .max()
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every field's display name in this frame. Fields that would show the same bare name
    /// are numbered (`Time 1`, `Time 2`), as Grafana's `getUniqueFieldName` does.
    pub fn names(&self) -> Vec<String> {
        let bare = |f: &Field| {
            f.display_name.as_ref().is_none_or(String::is_empty)
                && f.display_name_from_ds.as_ref().is_none_or(String::is_empty)
                && f.labels.is_empty()
        };
        self.fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if !bare(f) {
                    return f.display();
                }
                let same = |o: &Field| o.name == f.name;
                if self.fields.iter().filter(|o| same(o)).count() < 2 {
                    return f.name.clone();
                }
                let before = self.fields[..i].iter().filter(|o| same(o)).count();
                format!("{} {}", f.name, before + 1)
            })
            .collect()
    }

    /// The first field whose display name is `name`.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.names().iter().position(|n| n == name)
    }

    pub fn time_field(&self) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.field_type == FieldType::Time)
    }

    /// This frame with only the rows at `rows`.
    pub fn take(&self, rows: &[usize]) -> Frame {
        Frame {
            name: self.name.clone(),
            ref_id: self.ref_id.clone(),
            fields: self.fields.iter().map(|f| f.take(rows)).collect(),
        }
    }
}

/// Whether a target's result reaches the panel as a table (`isTableResult`: `format: table`).
fn is_table_target(panel: &Panel, ref_id: &str) -> bool {
    panel
        .targets
        .iter()
        .find(|t| t.ref_id == ref_id)
        .is_some_and(|t| t.format == TargetFormat::Table)
}

/// The frames a panel receives for these series.
pub fn from_series(panel: &Panel, series: &[Series]) -> Vec<Frame> {
    let table_ref_ids: Vec<&str> = panel
        .targets
        .iter()
        .filter(|t| !t.hide && is_table_target(panel, &t.ref_id))
        .map(|t| t.ref_id.as_str())
        .collect();
    let mut frames: Vec<Frame> = series
        .iter()
        .filter(|s| !is_table_target(panel, &s.ref_id))
        .map(time_series_frame)
        .collect();
    let mut done: Vec<&str> = Vec::new();
    for s in series.iter().filter(|s| is_table_target(panel, &s.ref_id)) {
        if done.contains(&s.ref_id.as_str()) {
            continue;
        }
        done.push(&s.ref_id);
        let of_ref: Vec<&Series> = series.iter().filter(|x| x.ref_id == s.ref_id).collect();
        let value_name = if table_ref_ids.len() > 1 {
            format!("Value #{}", s.ref_id)
        } else {
            "Value".to_string()
        };
        frames.push(table_frame(&s.ref_id, &of_ref, &value_name));
    }
    frames
}

fn time_series_frame(s: &Series) -> Frame {
    let time = Field::new(
        "Time",
        FieldType::Time,
        s.points.iter().map(|&(t, _)| Value::Time(t)).collect(),
    );
    let mut value = Field::new(
        "Value",
        FieldType::Number,
        s.points.iter().map(|&(_, v)| Value::Number(v)).collect(),
    );
    value.labels = s.labels.clone();
    value.display_name_from_ds = Some(s.name.clone()).filter(|n| !n.is_empty());
    Frame {
        name: s.name.clone(),
        ref_id: s.ref_id.clone(),
        fields: vec![time, value],
    }
}

/// `transformDFToTable` for one refId: a row per point; label columns in the order each
/// series' (sorted) keys first appear.
fn table_frame(ref_id: &str, series: &[&Series], value_name: &str) -> Frame {
    let mut keys: Vec<&str> = Vec::new();
    for s in series {
        for k in s.labels.keys() {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    let mut time = Field::new("Time", FieldType::Time, Vec::new());
    let mut labels: Vec<Field> = keys
        .iter()
        .map(|k| Field::new(k, FieldType::String, Vec::new()))
        .collect();
    let mut value = Field::new(value_name, FieldType::Number, Vec::new());
    for s in series {
        for &(t, v) in &s.points {
            time.values.push(Value::Time(t));
            for (field, key) in labels.iter_mut().zip(&keys) {
                let label = s.labels.get(*key).cloned().unwrap_or_default();
                field.values.push(Value::Text(label));
            }
            value.values.push(Value::Number(v));
        }
    }
    let mut fields = vec![time];
    fields.append(&mut labels);
    fields.push(value);
    let frame = Frame {
        name: String::new(),
        ref_id: ref_id.to_string(),
        fields,
    };
    // Rows in time order (stable), as `transformDFToTable` sorts when series interleave.
    let times: Vec<i64> = frame.fields[0]
        .values
        .iter()
        .map(|v| match v {
            Value::Time(t) => *t,
            _ => i64::MIN,
        })
        .collect();
    if times.windows(2).all(|w| w[0] <= w[1]) {
        return frame;
    }
    let mut rows: Vec<usize> = (0..times.len()).collect();
    rows.sort_by_key(|&r| times[r]);
    frame.take(&rows)
}

/// Frames back to series for panels that plot or reduce numbers: every number field against
/// the frame's time field (or its row index when the frame has none). `None` when some frame
/// has no number field, so the result is only honest as a table.
pub fn to_series(frames: &[Frame]) -> Option<Vec<Series>> {
    let mut out = Vec::new();
    for frame in frames {
        let time = frame.time_field();
        let names = frame.names();
        let mut numbers = frame
            .fields
            .iter()
            .zip(names)
            .filter(|(f, _)| f.field_type == FieldType::Number)
            .peekable();
        numbers.peek()?;
        for (field, name) in numbers {
            let points = field
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let t = match time {
                        Some(ti) => match frame.fields[ti].values.get(i) {
                            Some(Value::Time(t)) => *t,
                            _ => return None,
                        },
                        None => i as i64,
                    };
                    Some((t, v.as_f64().unwrap_or(f64::NAN)))
                })
                .collect();
            out.push(Series {
                ref_id: frame.ref_id.clone(),
                name,
                labels: field.labels.clone(),
                points,
                compare: None,
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::Target;

    fn target(ref_id: &str, format: TargetFormat, instant: bool) -> Target {
        Target {
            ref_id: ref_id.into(),
            expr: "x".into(),
            format,
            instant,
            ..Target::default()
        }
    }

    fn series(ref_id: &str, labels: &[(&str, &str)], points: &[(i64, f64)]) -> Series {
        Series {
            ref_id: ref_id.into(),
            name: format!("{ref_id}-{}", labels.len()),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            points: points.to_vec(),
            compare: None,
        }
    }

    #[test]
    fn table_queries_give_one_frame_per_ref_id_with_value_hash_names() {
        let panel = Panel {
            targets: vec![
                target("A", TargetFormat::Table, false),
                target("B", TargetFormat::Table, true),
                // Instant but not `format: table`: a time series frame in a dashboard.
                target("C", TargetFormat::TimeSeries, true),
            ],
            ..Panel::default()
        };
        let data = [
            series("A", &[("job", "x"), ("instance", "i1")], &[(2000, 1.0)]),
            series("A", &[("job", "y")], &[(1000, 2.0)]),
            series("B", &[("job", "x")], &[(1000, 3.0)]),
            series("C", &[("job", "x")], &[(1000, 4.0)]),
        ];
        let frames = from_series(&panel, &data);
        assert_eq!(frames.len(), 3);
        // Time series frames first, then one table frame per table refId.
        assert_eq!(frames[0].ref_id, "C");
        let names: Vec<&str> = frames[1].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Time", "instance", "job", "Value #A"]);
        // Sorted by time; a missing label is an empty string.
        assert_eq!(
            frames[1].fields[0].values,
            [Value::Time(1000), Value::Time(2000)]
        );
        assert_eq!(frames[1].fields[1].values[0], Value::Text(String::new()));
        assert_eq!(frames[2].fields[2].name, "Value #B");
    }

    #[test]
    fn range_queries_give_time_series_frames_and_back() {
        let panel = Panel {
            targets: vec![target("A", TargetFormat::TimeSeries, false)],
            ..Panel::default()
        };
        let data = [series("A", &[("job", "x")], &[(1000, 1.0), (2000, 2.0)])];
        let frames = from_series(&panel, &data);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].fields[1].display(), "A-1");
        let back = to_series(&frames).expect("numbers");
        assert_eq!(back, data.to_vec());
    }

    #[test]
    fn display_name_falls_back_to_name_and_labels() {
        let mut f = Field::new("Value", FieldType::Number, vec![]);
        f.labels.insert("job".into(), "api".into());
        assert_eq!(f.display(), "Value {job=\"api\"}");
        f.display_name = Some("Requests".into());
        assert_eq!(f.display(), "Requests");
    }

    #[test]
    fn duplicate_bare_names_are_numbered_as_grafana_does() {
        let frame = Frame {
            fields: vec![
                Field::new("Time", FieldType::Time, vec![]),
                Field::new("job", FieldType::String, vec![]),
                Field::new("Time", FieldType::Time, vec![]),
            ],
            ..Frame::default()
        };
        assert_eq!(frame.names(), ["Time 1", "job", "Time 2"]);
        assert_eq!(frame.field("Time 2"), Some(2));
    }
}
