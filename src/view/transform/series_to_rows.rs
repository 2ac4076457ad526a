//! `seriesToRows` (grafana-data `transformers/seriesToRows.ts`): time series as one long frame.

use super::compare;
use crate::view::frames::{Field, FieldType, Frame, Value};

/// seriesToRows: several time series frames become one frame of `Time`, `Metric` (the
/// series' name) and `Value` rows, newest first; anything else is left as it is.
pub fn series_to_rows(frames: Vec<Frame>) -> Vec<Frame> {
    let series: Option<Vec<(usize, usize)>> = frames
        .iter()
        .map(|f| {
            let t = f.time_field()?;
            let v = f
                .fields
                .iter()
                .position(|x| x.field_type == FieldType::Number)?;
            Some((t, v))
        })
        .collect();
    let Some(series) = series.filter(|_| frames.len() > 1) else {
        return frames;
    };
    let mut rows: Vec<(Value, String, Value)> = Vec::new();
    for (frame, (t, v)) in frames.iter().zip(series) {
        let name = if frame.name.is_empty() {
            frame.names()[v].clone()
        } else {
            frame.name.clone()
        };
        for (i, time) in frame.fields[t].values.iter().enumerate() {
            let value = frame.fields[v]
                .values
                .get(i)
                .cloned()
                .unwrap_or(Value::Null);
            rows.push((time.clone(), name.clone(), value));
        }
    }
    // Stable, newest first, as `sortDataFrame(frame, 0, true)`.
    rows.sort_by(|a, b| compare(&b.0, &a.0));
    let mut time = Field::new("Time", FieldType::Time, Vec::new());
    let mut metric = Field::new("Metric", FieldType::String, Vec::new());
    let mut value = Field::new("Value", FieldType::Number, Vec::new());
    for (t, m, v) in rows {
        time.values.push(t);
        metric.values.push(Value::Text(m));
        value.values.push(v);
    }
    vec![Frame {
        name: String::new(),
        ref_id: String::new(),
        fields: vec![time, metric, value],
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn series_to_rows_newest_first_with_metric_names() {
        let mut a = frame("A", vec![t(&[1, 2]), n("Value", &[1.0, 2.0])]);
        a.name = "up a".into();
        let mut b = frame("B", vec![t(&[1]), n("Value", &[5.0])]);
        b.name = "up b".into();
        let out = series_to_rows(vec![a.clone(), b]);
        assert_eq!(names(&out[0]), ["Time", "Metric", "Value"]);
        assert_eq!(out[0].fields[1].values, text(&["up a", "up a", "up b"]));
        assert_eq!(out[0].fields[2].values, nums(&[2.0, 1.0, 5.0]));
        assert_eq!(series_to_rows(vec![a.clone()]), vec![a]);
    }
}
