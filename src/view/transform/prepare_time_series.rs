//! `prepareTimeSeries` (grafana-data `transformers/prepareTimeSeries.ts`): reshape frames into
//! time series.

use serde_json::Value as Json;

use super::{join_by_field, str_opt};
use crate::view::frames::{FieldType, Frame};

/// prepareTimeSeries. `many` (and `multi`): a frame per number field, each with the frame's
/// time field (Prometheus series frames already have this shape); `wide`: one frame joined on
/// time. Other formats are not supported.
pub fn prepare_time_series(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    match str_opt(o, "format").unwrap_or("many") {
        "many" | "multi" => Ok(frames
            .into_iter()
            .flat_map(|frame| {
                let Some(t) = frame.time_field() else {
                    return vec![frame];
                };
                let numbers: Vec<usize> = (0..frame.fields.len())
                    .filter(|&i| frame.fields[i].field_type == FieldType::Number)
                    .collect();
                if numbers.len() <= 1 {
                    return vec![frame];
                }
                numbers
                    .into_iter()
                    .map(|i| Frame {
                        name: frame.name.clone(),
                        ref_id: frame.ref_id.clone(),
                        fields: vec![frame.fields[t].clone(), frame.fields[i].clone()],
                    })
                    .collect()
            })
            .collect()),
        "wide" => Ok(join_by_field(frames, &Json::Null)),
        other => Err(format!("format {other} is not supported")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn prepare_time_series_many_splits_wide_frames() {
        let f = frame(
            "A",
            vec![t(&[1, 2]), n("a", &[1.0, 2.0]), n("b", &[3.0, 4.0])],
        );
        let many = prepare_time_series(vec![f.clone()], &json!({"format": "many"})).unwrap();
        assert_eq!(many.len(), 2);
        assert_eq!(names(&many[1]), ["Time", "b"]);
        let wide = prepare_time_series(many, &json!({"format": "wide"})).unwrap();
        assert_eq!(wide.len(), 1);
        assert_eq!(wide[0].fields, f.fields);
        assert!(prepare_time_series(vec![], &json!({"format": "long"})).is_err());
    }
}
