//! `merge` (grafana-data `transformers/merge/merge.ts`): every frame's rows in one frame.

use std::collections::{BTreeMap, HashMap};

use crate::view::frames::{Field, Frame, Value};

/// merge: one frame with every field name; rows of different frames become one row when they
/// agree on the fields every frame has and on every other value both have.
pub fn merge(frames: Vec<Frame>) -> Vec<Frame> {
    if frames.len() <= 1 {
        return frames;
    }
    let data: Vec<&Frame> = frames.iter().filter(|f| !f.fields.is_empty()).collect();
    if data.is_empty() {
        return frames.into_iter().take(1).collect();
    }
    let mut out: Vec<Field> = Vec::new();
    for frame in &data {
        for f in &frame.fields {
            if !out.iter().any(|o| o.name == f.name) {
                let mut empty = f.clone_empty();
                empty.labels.clear();
                empty.display_name = None;
                out.push(empty);
            }
        }
    }
    let in_all = |name: &str| {
        data.iter()
            .all(|fr| fr.fields.iter().any(|f| f.name == name))
    };
    let key_names: Vec<String> = out
        .iter()
        .map(|f| f.name.clone())
        .filter(|n| in_all(n))
        .collect();
    if key_names.is_empty() {
        return frames;
    }
    // Rows as name → value maps, grouped by key in order of first appearance.
    type Row = BTreeMap<String, Value>;
    let mut by_key: Vec<(String, Vec<Row>)> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<(usize, usize)> = Vec::new();
    for frame in &data {
        for r in 0..frame.len() {
            let mut row = Row::new();
            for f in &frame.fields {
                if !row.contains_key(&f.name) {
                    row.insert(
                        f.name.clone(),
                        f.values.get(r).cloned().unwrap_or(Value::Null),
                    );
                }
            }
            let key: String = key_names
                .iter()
                .map(|k| row.get(k).map(Value::key).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\u{1f}");
            let Some(&k) = index_of.get(&key) else {
                index_of.insert(key.clone(), by_key.len());
                by_key.push((key, vec![row]));
                order.push((by_key.len() - 1, 0));
                continue;
            };
            let mut merged = false;
            for existing in &mut by_key[k].1 {
                let mergeable = row.iter().all(|(name, v)| match existing.get(name) {
                    None | Some(Value::Null) => true,
                    Some(e) => e == v,
                });
                if mergeable {
                    merged = true;
                    existing.extend(row.clone());
                }
            }
            if !merged {
                by_key[k].1.push(row);
                order.push((k, by_key[k].1.len() - 1));
            }
        }
    }
    for (k, i) in order {
        let row = &by_key[k].1[i];
        for f in &mut out {
            f.values
                .push(row.get(&f.name).cloned().unwrap_or(Value::Null));
        }
    }
    vec![Frame {
        name: String::new(),
        ref_id: String::new(),
        fields: out,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn merge_joins_rows_agreeing_on_shared_fields_as_grafanas_docs_example() {
        // Grafana docs "Merge": A(Time, Job, Uptime) + B(Time, Job, Errors).
        let a = frame(
            "A",
            vec![
                t(&[1, 1, 2]),
                s("Job", &["node", "postgre", "node"]),
                n("Uptime", &[25.0, 123.0, 45.0]),
            ],
        );
        let b = frame(
            "B",
            vec![
                t(&[1, 3]),
                s("Job", &["node", "postgre"]),
                n("Errors", &[15.0, 5.0]),
            ],
        );
        let out = merge(vec![a, b]);
        assert_eq!(out.len(), 1);
        assert_eq!(names(&out[0]), ["Time", "Job", "Uptime", "Errors"]);
        assert_eq!(
            out[0].fields[2].values,
            nums(&[25.0, 123.0, 45.0, f64::NAN])
        );
        assert_eq!(
            out[0].fields[3].values,
            nums(&[15.0, f64::NAN, f64::NAN, 5.0])
        );
    }

    #[test]
    fn merge_without_shared_fields_changes_nothing() {
        let a = frame("A", vec![s("x", &["1"])]);
        let b = frame("B", vec![s("y", &["2"])]);
        assert_eq!(merge(vec![a.clone(), b.clone()]), vec![a, b]);
    }
}
