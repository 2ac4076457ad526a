//! `groupingToMatrix` (grafana-data `transformers/groupingToMatrix.ts`): a row/column pivot.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::{Identity, identity, str_opt};
use crate::view::frames::{Frame, Value};

/// groupingToMatrix: per frame, a row per distinct `rowField` value and a column per distinct
/// `columnField` value (first appearance), holding `valueField`; the first column is named
/// `row\column` as in Grafana. Missing cells are null (`emptyValue: null`) or empty text.
pub fn grouping_to_matrix(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let field = |key: &str, default: &str| str_opt(o, key).unwrap_or(default).to_string();
    let (column, row, value) = (
        field("columnField", "Time"),
        field("rowField", "Time"),
        field("valueField", "Value"),
    );
    let empty = match str_opt(o, "emptyValue") {
        Some("null") | None => Value::Null,
        Some(_) => Value::Text(String::new()),
    };
    let mut out = Vec::new();
    for frame in frames {
        let (Some(c), Some(r), Some(v)) =
            (frame.field(&column), frame.field(&row), frame.field(&value))
        else {
            out.push(frame);
            continue;
        };
        let mut rows: Vec<Value> = Vec::new();
        let mut columns: Vec<Value> = Vec::new();
        let mut cells: HashMap<(Identity, Identity), Value> = HashMap::new();
        for i in 0..frame.len() {
            let get = |f: usize| {
                frame.fields[f]
                    .values
                    .get(i)
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            let (rv, cv) = (get(r), get(c));
            if !rows.contains(&rv) {
                rows.push(rv.clone());
            }
            if !columns.contains(&cv) {
                columns.push(cv.clone());
            }
            cells.insert((identity(&rv), identity(&cv)), get(v));
        }
        let mut first = frame.fields[r].clone_empty();
        first.name = format!("{row}\\{column}");
        first.display_name = None;
        first.values = rows.clone();
        let mut fields = vec![first];
        for cv in &columns {
            let mut f = frame.fields[v].clone_empty();
            f.name = match cv {
                Value::Time(t) => t.to_string(),
                other => other.key(),
            };
            f.labels.clear();
            f.display_name = None;
            f.display_name_from_ds = None;
            f.values = rows
                .iter()
                .map(|rv| {
                    cells
                        .get(&(identity(rv), identity(cv)))
                        .cloned()
                        .unwrap_or_else(|| empty.clone())
                })
                .collect();
            fields.push(f);
        }
        out.push(Frame { fields, ..frame });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn grouping_to_matrix_pivots_rows_and_columns() {
        let f = frame(
            "A",
            vec![
                s("database", &["admin", "admin", "config"]),
                s("rs_nm", &["rs0", "rs1", "rs0"]),
                n("Value", &[1.0, 2.0, 3.0]),
            ],
        );
        let out = grouping_to_matrix(
            vec![f],
            &json!({"columnField": "rs_nm", "rowField": "database", "valueField": "Value"}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["database\\rs_nm", "rs0", "rs1"]);
        assert_eq!(out[0].fields[0].values, text(&["admin", "config"]));
        assert_eq!(out[0].fields[2].values, nums(&[2.0, f64::NAN]));
    }
}
