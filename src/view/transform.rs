//! Grafana's panel transformations over frames, applied in the panel's order, one function
//! each. Semantics follow grafana-data `transformations/transformers/*.ts` and Grafana's
//! "Transform data" documentation; field matching is by display name as in Grafana, except
//! `merge`, which (like Grafana) keys on field names.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value as Json;

use super::frames::{Field, FieldType, Frame, Value};
use crate::grafana::fields::js_regex;
use crate::grafana::model::Transformation;
use crate::grafana::reduce::{self, Reducer};

/// Apply every enabled transformation in order. Returns the frames and one note per step that
/// could not be applied (unknown id, unsupported mode, bad options), each naming the step.
pub fn apply(frames: Vec<Frame>, steps: &[Transformation]) -> (Vec<Frame>, Vec<String>) {
    let mut frames = frames;
    let mut notes = Vec::new();
    for (i, step) in steps.iter().enumerate().filter(|(_, s)| !s.disabled) {
        let o = &step.options;
        let result = match step.id.as_str() {
            "organize" => Ok(organize(frames.clone(), o)),
            "merge" => Ok(merge(frames.clone())),
            "joinByField" | "seriesToColumns" => Ok(join_by_field(frames.clone(), o)),
            "filterFieldsByName" => filter_fields_by_name(frames.clone(), o),
            "sortBy" => Ok(sort_by(frames.clone(), o)),
            "reduce" => reduce_frames(frames.clone(), o),
            "labelsToFields" => Ok(labels_to_fields(frames.clone(), o)),
            "renameByRegex" => rename_by_regex(frames.clone(), o),
            "filterByValue" => filter_by_value(frames.clone(), o),
            "groupBy" => Ok(group_by(frames.clone(), o)),
            "calculateField" => calculate_field(frames.clone(), o),
            "seriesToRows" => Ok(series_to_rows(frames.clone())),
            "groupingToMatrix" => grouping_to_matrix(frames.clone(), o),
            "prepareTimeSeries" => prepare_time_series(frames.clone(), o),
            other => Err(format!("transformation {other} is not supported")),
        };
        match result {
            Ok(f) => frames = f,
            Err(e) => notes.push(format!(
                "transformations[{i}] ({}): {e}; not applied",
                step.id
            )),
        }
    }
    (frames, notes)
}

fn str_opt<'a>(o: &'a Json, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Json::as_str).filter(|s| !s.is_empty())
}

/// organize: exclude, order (`indexByName`, unlisted fields last in their order), rename.
pub fn organize(frames: Vec<Frame>, o: &Json) -> Vec<Frame> {
    let excluded = |name: &str| {
        o.pointer("/excludeByName")
            .and_then(|e| e.get(name))
            .and_then(Json::as_bool)
            .unwrap_or(false)
    };
    let index = |name: &str| {
        o.pointer("/indexByName")
            .and_then(|e| e.get(name))
            .and_then(Json::as_i64)
            .unwrap_or(i64::MAX)
    };
    frames
        .into_iter()
        .map(|mut frame| {
            // Grafana runs these as three steps, each naming the fields afresh.
            // `includeByName` (newer Grafana): when given, only the fields it marks true stay.
            let included = |name: &str| match o.get("includeByName").and_then(Json::as_object) {
                Some(inc) if !inc.is_empty() => {
                    inc.get(name).and_then(Json::as_bool).unwrap_or(false)
                }
                _ => true,
            };
            let keep: Vec<bool> = frame
                .names()
                .iter()
                .map(|n| !excluded(n) && included(n))
                .collect();
            let mut keep = keep.into_iter();
            frame.fields.retain(|_| keep.next().unwrap_or(true));
            let mut named: Vec<(String, Field)> =
                frame.names().into_iter().zip(frame.fields).collect();
            named.sort_by_key(|(n, _)| index(n));
            frame.fields = named.into_iter().map(|(_, f)| f).collect();
            let names = frame.names();
            for (f, name) in frame.fields.iter_mut().zip(names) {
                if let Some(to) = o
                    .pointer("/renameByName")
                    .and_then(|r| r.get(&name))
                    .and_then(Json::as_str)
                    .filter(|t| !t.is_empty())
                {
                    f.display_name = Some(to.to_string());
                }
            }
            frame
        })
        .collect()
}

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

/// A value's identity for hashing: its kind and its text, so `1` and `"1"` stay apart.
type Identity = (u8, String);

fn identity(v: &Value) -> Identity {
    let kind = match v {
        Value::Null => 0,
        Value::Time(_) => 1,
        Value::Number(_) => 2,
        Value::Text(_) => 3,
    };
    (kind, v.key())
}

/// Ascending order with nulls first, numbers numerically, text by its characters.
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a.key().cmp(&b.key()),
        },
    }
}

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

/// A field-name rule: exact names, and/or a pattern.
type NameRule = (Vec<String>, Option<regex::Regex>);

fn names_and_pattern(o: Option<&Json>) -> Result<Option<NameRule>, String> {
    let Some(o) = o else { return Ok(None) };
    let names: Vec<String> = o
        .get("names")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let pattern = match str_opt(o, "pattern") {
        Some(p) => Some(js_regex(p).ok_or_else(|| format!("invalid pattern {p:?}"))?),
        None => None,
    };
    if names.is_empty() && pattern.is_none() {
        return Ok(None);
    }
    Ok(Some((names, pattern)))
}

/// filterFieldsByName: keep the fields `include` names or matches, then drop those `exclude`
/// names or matches.
pub fn filter_fields_by_name(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let include = names_and_pattern(o.get("include"))?;
    let exclude = names_and_pattern(o.get("exclude"))?;
    let hit = |rule: &NameRule, name: &str| {
        rule.0.iter().any(|n| n == name) || rule.1.as_ref().is_some_and(|re| re.is_match(name))
    };
    Ok(frames
        .into_iter()
        .map(|mut frame| {
            let mut keep = frame.names().into_iter().map(|name| {
                include.as_ref().is_none_or(|r| hit(r, &name))
                    && !exclude.as_ref().is_some_and(|r| hit(r, &name))
            });
            frame.fields.retain(|_| keep.next().unwrap_or(true));
            frame
        })
        .filter(|f| !f.fields.is_empty())
        .collect())
}

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

/// JavaScript replacement patterns (`$1`, `$<name>`, `$$`) in the regex crate's syntax.
fn js_replacement(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                out.push_str("$$");
            }
            Some(d) if d.is_ascii_digit() => {
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                out.push_str(&format!("${{{n}}}"));
            }
            Some('<') => {
                chars.next();
                let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
                out.push_str(&format!("${{{name}}}"));
            }
            _ => out.push_str("$$"),
        }
    }
    out
}

/// renameByRegex: display names matching `regex` are replaced with `renamePattern` (the
/// first match only, unless the regex has JavaScript's `g` flag).
pub fn rename_by_regex(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let (Some(text), Some(pattern)) = (
        str_opt(o, "regex"),
        o.get("renamePattern").and_then(Json::as_str),
    ) else {
        return Ok(frames);
    };
    let re = js_regex(text).ok_or_else(|| format!("invalid regex {text:?}"))?;
    let global = text.starts_with('/') && text.rsplit('/').next().is_some_and(|f| f.contains('g'));
    let replacement = js_replacement(pattern);
    Ok(frames
        .into_iter()
        .map(|mut frame| {
            let names = frame.names();
            for (f, name) in frame.fields.iter_mut().zip(names) {
                if re.is_match(&name) {
                    let renamed = if global {
                        re.replace_all(&name, replacement.as_str())
                    } else {
                        re.replace(&name, replacement.as_str())
                    };
                    f.display_name = Some(renamed.into_owned());
                }
            }
            frame
        })
        .collect())
}

/// One filterByValue condition against one cell.
fn value_matches(id: &str, options: &Json, v: &Value) -> Result<bool, String> {
    let num = |key: &str| options.get(key).and_then(Json::as_f64);
    let cell = v.as_f64();
    let cmp = |f: fn(f64, f64) -> bool| match (cell, num("value")) {
        (Some(c), Some(x)) => f(c, x),
        _ => false,
    };
    Ok(match id {
        "isNull" => v.is_null(),
        "isNotNull" => !v.is_null(),
        "greater" => cmp(|c, x| c > x),
        "greaterOrEqual" => cmp(|c, x| c >= x),
        "lower" => cmp(|c, x| c < x),
        "lowerOrEqual" => cmp(|c, x| c <= x),
        "equal" | "notEqual" => {
            let expected = options.get("value").cloned().unwrap_or(Json::Null);
            let same = match (&expected, v) {
                (Json::Number(n), _) => n.as_f64() == cell,
                (Json::String(s), Value::Text(t)) => s == t,
                (Json::String(s), _) => s.parse::<f64>().ok() == cell && cell.is_some(),
                (Json::Null, Value::Null) => true,
                _ => false,
            };
            same == (id == "equal")
        }
        "substring" | "notSubstring" => {
            let needle = options.get("value").map(|v| match v {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            });
            let hit = needle.is_some_and(|n| !v.is_null() && v.key().contains(&n));
            hit == (id == "substring")
        }
        // `range` is the older id of `between`.
        "range" | "between" => match (cell, num("from"), num("to")) {
            (Some(c), Some(from), Some(to)) => c > from && c < to,
            _ => false,
        },
        "regex" => {
            let p = options.get("value").and_then(Json::as_str).unwrap_or("");
            let re = js_regex(p).ok_or_else(|| format!("invalid regex {p:?}"))?;
            !v.is_null() && re.is_match(&v.key())
        }
        other => return Err(format!("unknown value matcher {other:?}")),
    })
}

/// filterByValue: keep (`type: include`) or drop (`exclude`) the rows where `any`/`all` of the
/// conditions hold.
pub fn filter_by_value(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let filters: Vec<&Json> = o
        .get("filters")
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if filters.is_empty() {
        return Ok(frames);
    }
    let include = str_opt(o, "type") != Some("exclude");
    let all = str_opt(o, "match") == Some("all");
    let mut out = Vec::new();
    for frame in frames {
        // A condition on a field this frame lacks never matches, as in Grafana.
        let mut conditions = Vec::new();
        for f in &filters {
            let i = str_opt(f, "fieldName").and_then(|n| frame.field(n));
            let id = f.pointer("/config/id").and_then(Json::as_str).unwrap_or("");
            let options = f.pointer("/config/options").cloned().unwrap_or(Json::Null);
            conditions.push((i, id.to_string(), options));
        }
        let mut rows = Vec::new();
        for r in 0..frame.len() {
            let mut hits = Vec::new();
            for (i, id, options) in &conditions {
                let hit = match i {
                    Some(i) => {
                        let v = frame.fields[*i].values.get(r).unwrap_or(&Value::Null);
                        value_matches(id, options, v)?
                    }
                    None => false,
                };
                hits.push(hit);
            }
            let matched = if all {
                hits.iter().all(|h| *h)
            } else {
                hits.iter().any(|h| *h)
            };
            if matched == include {
                rows.push(r);
            }
        }
        out.push(frame.take(&rows));
    }
    Ok(out)
}

/// One groupBy/aggregate calculation over the values of a group.
fn aggregate(calc: &str, field: &Field, values: &[Value]) -> Value {
    let non_null = || values.iter().filter(|v| !v.is_null());
    let list = |vals: Vec<&Value>| {
        Value::Text(vals.iter().map(|v| v.key()).collect::<Vec<_>>().join(", "))
    };
    match calc {
        "allValues" => list(values.iter().collect()),
        "uniqueValues" => {
            let mut seen: Vec<&Value> = Vec::new();
            for v in values {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            list(seen)
        }
        _ if field.field_type == FieldType::Number => {
            let nums = Field {
                values: values.to_vec(),
                ..field.clone_empty()
            }
            .numbers();
            match reduce::reduce(calc, &nums) {
                Some(v) => Value::Number(v),
                None => Value::Null,
            }
        }
        "lastNotNull" => non_null().next_back().cloned().unwrap_or(Value::Null),
        "firstNotNull" => non_null().next().cloned().unwrap_or(Value::Null),
        "last" => values.last().cloned().unwrap_or(Value::Null),
        "first" => values.first().cloned().unwrap_or(Value::Null),
        "count" => Value::Number(non_null().count() as f64),
        "distinctCount" => {
            let mut seen: Vec<&Value> = non_null().collect();
            seen.dedup();
            let mut keys: Vec<String> = seen.iter().map(|v| v.key()).collect();
            keys.sort();
            keys.dedup();
            Value::Number(keys.len() as f64)
        }
        _ => Value::Null,
    }
}

/// groupBy: rows grouped by the `groupby` fields' values (groups in order of first
/// appearance), then one field per `aggregate` field and calculation, named `name (calc)`.
/// `count` is an aggregate of `count`. Fields not listed are dropped, and so is a frame with
/// no group-by field, as in grafana-data `groupBy.ts`.
pub fn group_by(frames: Vec<Frame>, o: &Json) -> Vec<Frame> {
    let Some(config) = o.get("fields").and_then(Json::as_object) else {
        return frames;
    };
    let operation = |name: &str| {
        config
            .get(name)
            .and_then(|c| c.get("operation"))
            .and_then(Json::as_str)
            .map(str::to_string)
    };
    frames
        .into_iter()
        .filter_map(|frame| {
            let names = frame.names();
            let group_fields: Vec<usize> = (0..frame.fields.len())
                .filter(|&i| operation(&names[i]).as_deref() == Some("groupby"))
                .collect();
            if group_fields.is_empty() {
                return None;
            }
            let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
            let mut index_of: HashMap<Vec<String>, usize> = HashMap::new();
            for r in 0..frame.len() {
                let key: Vec<String> = group_fields
                    .iter()
                    .map(|&i| {
                        frame.fields[i]
                            .values
                            .get(r)
                            .map(Value::key)
                            .unwrap_or_default()
                    })
                    .collect();
                match index_of.get(&key) {
                    Some(&g) => groups[g].1.push(r),
                    None => {
                        index_of.insert(key.clone(), groups.len());
                        groups.push((key, vec![r]));
                    }
                }
            }
            let mut fields: Vec<Field> = group_fields
                .iter()
                .map(|&i| {
                    frame.fields[i]
                        .take(&groups.iter().map(|(_, rows)| rows[0]).collect::<Vec<_>>())
                })
                .collect();
            for (f, name) in frame.fields.iter().zip(&names) {
                let calcs: Vec<&str> = match operation(name).as_deref() {
                    Some("aggregate") => config
                        .get(name)
                        .and_then(|c| c.get("aggregations"))
                        .and_then(Json::as_array)
                        .map(|a| a.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default(),
                    Some("count") => vec!["count"],
                    _ => continue,
                };
                for calc in calcs {
                    let values: Vec<Value> = groups
                        .iter()
                        .map(|(_, rows)| {
                            let vals: Vec<Value> = rows
                                .iter()
                                .map(|&r| f.values.get(r).cloned().unwrap_or(Value::Null))
                                .collect();
                            aggregate(calc, f, &vals)
                        })
                        .collect();
                    let field_type = if values
                        .iter()
                        .all(|v| matches!(v, Value::Number(_) | Value::Null))
                    {
                        FieldType::Number
                    } else {
                        FieldType::String
                    };
                    fields.push(Field::new(&format!("{name} ({calc})"), field_type, values));
                }
            }
            Some(Frame { fields, ..frame })
        })
        .collect()
}

/// A binary operand (`checkBinaryValueType`): a field by display name, or a fixed number. The
/// old string form names a field unless it is a number that names no field.
enum Operand {
    Field(String),
    Fixed(String),
    /// `{matcher: {id: byType}}` on the left: every field of that type.
    ByType(String),
}

fn operand(v: Option<&Json>, field_names: &[String]) -> Option<Operand> {
    match v? {
        Json::String(s) => Some(
            if s.trim().parse::<f64>().is_err() || field_names.contains(s) {
                Operand::Field(s.clone())
            } else {
                Operand::Fixed(s.clone())
            },
        ),
        Json::Number(n) => Some(Operand::Fixed(n.to_string())),
        o @ Json::Object(_) => {
            let matcher = o.pointer("/matcher/options").and_then(Json::as_str);
            match (o.pointer("/matcher/id").and_then(Json::as_str), matcher) {
                (Some("byType"), Some(t)) => Some(Operand::ByType(t.to_string())),
                (_, Some(name)) => Some(Operand::Field(name.to_string())),
                _ => o
                    .get("fixed")
                    .and_then(Json::as_str)
                    .map(|f| Operand::Fixed(f.to_string())),
            }
        }
        _ => None,
    }
}

impl Operand {
    fn text(&self) -> &str {
        match self {
            Operand::Field(s) | Operand::Fixed(s) | Operand::ByType(s) => s,
        }
    }

    /// `findFieldValuesWithNameOrConstant`: the named field's numbers, else the text as a
    /// constant; `None` when it is neither.
    fn values(&self, frame: &Frame) -> Option<Vec<Option<f64>>> {
        if let Operand::Field(name) = self
            && let Some(i) = frame.field(name)
        {
            return Some(frame.fields[i].numbers());
        }
        let v: f64 = self.text().trim().parse().ok()?;
        Some(vec![Some(v); frame.len()])
    }
}

fn binary(op: &str, a: f64, b: f64) -> Option<f64> {
    Some(match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => a / b,
        "%" => a % b,
        "^" => a.powf(b),
        _ => return None,
    })
}

fn combine(op: &str, l: &[Option<f64>], r: &[Option<f64>]) -> Vec<Value> {
    l.iter()
        .zip(r)
        .map(|(a, b)| match (a, b) {
            (Some(a), Some(b)) => binary(op, *a, *b).map_or(Value::Null, Value::Number),
            _ => Value::Null,
        })
        .collect()
}

fn unary(op: &str, v: f64) -> Option<f64> {
    Some(match op {
        "abs" => v.abs(),
        "exp" => v.exp(),
        "ln" => v.ln(),
        "floor" => v.floor(),
        "ceil" => v.ceil(),
        _ => return None,
    })
}

/// The first number field, or the one named `field`.
fn selected(frame: &Frame, field: Option<&str>) -> Option<usize> {
    match field {
        Some(name) => frame.field(name),
        None => frame
            .fields
            .iter()
            .position(|f| f.field_type == FieldType::Number),
    }
}

/// Whether every frame is a time series (a time field and a number field), in which case
/// calculateField first joins them on time (`ensureColumns`).
fn all_time_series(frames: &[Frame]) -> bool {
    frames.len() > 1
        && frames.iter().all(|f| {
            f.time_field().is_some() && f.fields.iter().any(|x| x.field_type == FieldType::Number)
        })
}

/// calculateField (grafana-data `calculateField.ts`): a new number field per frame.
/// `reduceRow` (default) reduces each row's number fields (`reduce.include` names them) with
/// `reduce.reducer` (default sum); `binary` applies `left operator right` (a `byType` left
/// side applies it to every field of that type); `unary` (abs, exp, ln, floor, ceil);
/// `cumulativeFunctions` (sum, mean); `index` (row number, or `asPercentile`). Named `alias`,
/// else as Grafana names it (`Total`, `A + B`, `abs(A)`, `cumulative sum(A)`, `Row`).
/// `replaceFields` keeps only the time field and the new one; a frame the calculation cannot
/// use is left out then, and kept unchanged otherwise.
pub fn calculate_field(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let mode = str_opt(o, "mode").unwrap_or("reduceRow");
    let as_time_series = o.get("timeSeries") != Some(&Json::Bool(false));
    let b = o.get("binary").unwrap_or(o);
    let field_names: Vec<String> = frames
        .iter()
        .flat_map(|f| f.fields.iter().map(|x| x.name.clone()))
        .collect();
    let right = operand(b.get("right"), &field_names);
    let left = operand(b.get("left"), &field_names);
    let binary_fixed = mode == "binary" && matches!(right, Some(Operand::Fixed(_)));
    let frames = if as_time_series && !binary_fixed && all_time_series(&frames) {
        join_by_field(frames, &Json::Null)
    } else {
        frames
    };
    let replace = o
        .get("replaceFields")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let alias = str_opt(o, "alias");
    let time_of = |frame: &Frame| -> Vec<Field> {
        match frame.time_field() {
            Some(t) if as_time_series => vec![frame.fields[t].clone()],
            _ => Vec::new(),
        }
    };
    let op = b.get("operator").and_then(Json::as_str).unwrap_or("+");
    // A byType left side: one new field per field of that type.
    if mode == "binary"
        && let Some(Operand::ByType(field_type)) = &left
    {
        let right = right.ok_or("binary operation without right")?;
        let wanted = match field_type.as_str() {
            "number" => FieldType::Number,
            "time" => FieldType::Time,
            _ => FieldType::String,
        };
        let mut out = Vec::new();
        for frame in frames {
            let Some(r) = right.values(&frame) else {
                if !replace {
                    out.push(frame);
                }
                continue;
            };
            let mut fields = time_of(&frame);
            let mut added = false;
            for f in &frame.fields {
                if !replace {
                    fields.push(f.clone());
                }
                if f.field_type == wanted {
                    let mut new = f.clone();
                    new.name = format!("{} {op} {}", f.name, right.text());
                    new.display_name = None;
                    new.values = combine(op, &f.numbers(), &r);
                    new.field_type = FieldType::Number;
                    fields.push(new);
                    added = true;
                }
            }
            if added || !replace {
                out.push(Frame { fields, ..frame });
            }
        }
        return Ok(out);
    }
    let (default_name, reducer) = match mode {
        "reduceRow" => {
            let id = o
                .pointer("/reduce/reducer")
                .and_then(Json::as_str)
                .unwrap_or("sum");
            let r = Reducer::parse(id).ok_or_else(|| format!("unknown reducer {id:?}"))?;
            (r.display_name(), Some(r))
        }
        "binary" => {
            let text = |x: &Option<Operand>| x.as_ref().map(|x| x.text().to_string());
            let name = format!(
                "{} {op} {}",
                text(&left).unwrap_or_default(),
                text(&right).unwrap_or_default()
            );
            (name.replace('$', ""), None)
        }
        "unary" => {
            let op = o
                .pointer("/unary/operator")
                .and_then(Json::as_str)
                .unwrap_or("abs");
            let field = o
                .pointer("/unary/fieldName")
                .and_then(Json::as_str)
                .unwrap_or("");
            let name = if field.is_empty() {
                op.to_string()
            } else {
                format!("{op}({field})")
            };
            (name, None)
        }
        "cumulativeFunctions" => {
            let r = o
                .pointer("/cumulative/reducer")
                .and_then(Json::as_str)
                .unwrap_or("sum");
            if r != "sum" && r != "mean" {
                return Err(format!("cumulative reducer {r} is not sum or mean"));
            }
            let field = o.pointer("/cumulative/field").and_then(Json::as_str);
            let name = match field {
                Some(f) => format!("cumulative {r}({f})"),
                None => format!("cumulative {r}"),
            };
            (name, None)
        }
        "index" => ("Row".to_string(), None),
        other => return Err(format!("mode {other} is not supported")),
    };
    let name = alias.map_or(default_name, str::to_string);
    let include: Option<Vec<&str>> = o
        .pointer("/reduce/include")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .filter(|v: &Vec<&str>| !v.is_empty());
    let mut out = Vec::new();
    for frame in frames {
        let rows = frame.len();
        let values: Option<Vec<Value>> = match mode {
            "reduceRow" => {
                let r = reducer.ok_or("no reducer")?;
                let inputs: Vec<Vec<Option<f64>>> = frame
                    .fields
                    .iter()
                    .zip(frame.names())
                    .filter(|(f, n)| match &include {
                        Some(inc) => inc.contains(&n.as_str()),
                        None => f.field_type == FieldType::Number,
                    })
                    .map(|(f, _)| f.numbers())
                    .collect();
                Some(
                    (0..rows)
                        .map(|i| {
                            let row: Vec<Option<f64>> =
                                inputs.iter().map(|c| c.get(i).copied().flatten()).collect();
                            reduce::reduce_with(r, &row).map_or(Value::Null, Value::Number)
                        })
                        .collect(),
                )
            }
            "binary" => {
                let (Some(l), Some(r)) = (&left, &right) else {
                    return Err("binary operation without left or right".into());
                };
                match (l.values(&frame), r.values(&frame)) {
                    (Some(l), Some(r)) => Some(combine(op, &l, &r)),
                    _ => None,
                }
            }
            "unary" => {
                let op = o
                    .pointer("/unary/operator")
                    .and_then(Json::as_str)
                    .unwrap_or("abs");
                let field = o
                    .pointer("/unary/fieldName")
                    .and_then(Json::as_str)
                    .unwrap_or("");
                frame
                    .field(field)
                    .filter(|&i| frame.fields[i].field_type == FieldType::Number)
                    .map(|i| {
                        frame.fields[i]
                            .numbers()
                            .iter()
                            .map(|v| {
                                v.and_then(|v| unary(op, v))
                                    .map_or(Value::Null, Value::Number)
                            })
                            .collect()
                    })
            }
            "cumulativeFunctions" => {
                let field = o.pointer("/cumulative/field").and_then(Json::as_str);
                let mean = o.pointer("/cumulative/reducer").and_then(Json::as_str) == Some("mean");
                selected(&frame, field).map(|i| {
                    let mut total = 0.0;
                    frame.fields[i]
                        .numbers()
                        .iter()
                        .enumerate()
                        .map(|(k, v)| {
                            total += v.unwrap_or(0.0);
                            Value::Number(if mean { total / (k + 1) as f64 } else { total })
                        })
                        .collect()
                })
            }
            _ => {
                let percent = o
                    .pointer("/index/asPercentile")
                    .and_then(Json::as_bool)
                    .unwrap_or(false);
                Some(
                    (0..rows)
                        .map(|i| {
                            Value::Number(if percent {
                                i as f64 / rows as f64
                            } else {
                                i as f64
                            })
                        })
                        .collect(),
                )
            }
        };
        let Some(values) = values else {
            if !replace {
                out.push(frame);
            }
            continue;
        };
        let new = Field::new(&name, FieldType::Number, values);
        let mut fields = if replace && mode == "index" {
            Vec::new()
        } else if replace {
            time_of(&frame)
        } else {
            frame.fields.clone()
        };
        fields.push(new);
        out.push(Frame { fields, ..frame });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: &[&str]) -> Vec<Value> {
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
    fn nums(v: &[f64]) -> Vec<Value> {
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
    fn frame(ref_id: &str, fields: Vec<Field>) -> Frame {
        Frame {
            name: String::new(),
            ref_id: ref_id.into(),
            fields,
        }
    }
    fn s(name: &str, v: &[&str]) -> Field {
        Field::new(name, FieldType::String, text(v))
    }
    fn n(name: &str, v: &[f64]) -> Field {
        Field::new(name, FieldType::Number, nums(v))
    }
    fn t(v: &[i64]) -> Field {
        Field::new(
            "Time",
            FieldType::Time,
            v.iter().map(|x| Value::Time(*x)).collect(),
        )
    }
    fn names(f: &Frame) -> Vec<String> {
        f.names()
    }
    fn step(id: &str, options: Json) -> Transformation {
        Transformation {
            id: id.into(),
            disabled: false,
            options,
        }
    }

    #[test]
    fn organize_excludes_orders_and_renames() {
        let f = frame(
            "A",
            vec![
                t(&[1]),
                s("job", &["a"]),
                s("instance", &["i"]),
                n("Value", &[1.0]),
            ],
        );
        let out = organize(
            vec![f],
            &json!({"excludeByName": {"Time": true}, "indexByName": {"instance": 0, "Value": 1},
                    "renameByName": {"Value": "Up", "job": ""}}),
        );
        // Unlisted `job` goes last; an empty rename keeps the name.
        assert_eq!(names(&out[0]), ["instance", "Up", "job"]);
        let only = organize(out, &json!({"includeByName": {"job": true, "Up": false}}));
        assert_eq!(names(&only[0]), ["job"]);
    }

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

    #[test]
    fn filter_fields_by_name_include_names_and_pattern() {
        let f = frame(
            "A",
            vec![
                t(&[1]),
                s("job", &["a"]),
                n("Value #A", &[1.0]),
                n("Value #B", &[2.0]),
            ],
        );
        let by_names = filter_fields_by_name(
            vec![f.clone()],
            &json!({"include": {"names": ["job", "Value #B"]}}),
        )
        .unwrap();
        assert_eq!(names(&by_names[0]), ["job", "Value #B"]);
        let by_pattern =
            filter_fields_by_name(vec![f.clone()], &json!({"include": {"pattern": "Value.*"}}))
                .unwrap();
        assert_eq!(names(&by_pattern[0]), ["Value #A", "Value #B"]);
        // A bare pattern is anchored (`^Value$`), as Grafana's stringToJsRegex does; slashes
        // keep it unanchored.
        let bare = json!({"include": {"pattern": "Value"}});
        assert!(
            filter_fields_by_name(vec![f.clone()], &bare)
                .unwrap()
                .is_empty()
        );
        let slashed = json!({"include": {"pattern": "/#B/"}});
        let slashed = filter_fields_by_name(vec![f.clone()], &slashed).unwrap();
        assert_eq!(names(&slashed[0]), ["Value #B"]);
        let excluded =
            filter_fields_by_name(vec![f], &json!({"exclude": {"names": ["Time"]}})).unwrap();
        assert_eq!(names(&excluded[0]), ["job", "Value #A", "Value #B"]);
        assert!(filter_fields_by_name(vec![], &json!({"include": {"pattern": "("}})).is_err());
    }

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

    #[test]
    fn rename_by_regex_uses_js_replacement_groups() {
        let f = frame(
            "A",
            vec![n("Trend #Messages in", &[1.0]), n("Value", &[1.0])],
        );
        let out = rename_by_regex(
            vec![f],
            &json!({"regex": "Trend #(.*)", "renamePattern": "$1"}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["Messages in", "Value"]);
        assert_eq!(js_replacement("$1x$$"), "${1}x$$");
    }

    #[test]
    fn filter_by_value_include_exclude_any_all() {
        let f = frame(
            "A",
            vec![s("k", &["a", "b", "c"]), n("rate", &[f64::NAN, 5.0, 20.0])],
        );
        let not_null = filter_by_value(
            vec![f.clone()],
            &json!({"filters": [{"config": {"id": "isNull", "options": {}}, "fieldName": "rate"}], "match": "all", "type": "exclude"}),
        )
        .unwrap();
        assert_eq!(not_null[0].fields[0].values, text(&["b", "c"]));
        let big = filter_by_value(
            vec![f.clone()],
            &json!({"filters": [{"config": {"id": "greater", "options": {"value": 10}}, "fieldName": "rate"},
                                {"config": {"id": "regex", "options": {"value": "^a$"}}, "fieldName": "k"}],
                    "match": "any", "type": "include"}),
        )
        .unwrap();
        assert_eq!(big[0].fields[0].values, text(&["a", "c"]));
        let range = filter_by_value(
            vec![f.clone()],
            &json!({"filters": [{"config": {"id": "range", "options": {"from": 1, "to": 10}}, "fieldName": "rate"}], "type": "include"}),
        )
        .unwrap();
        assert_eq!(range[0].fields[0].values, text(&["b"]));
        let missing = json!({"filters": [{"config": {"id": "isNull", "options": {}}, "fieldName": "nope"}], "type": "include"});
        assert!(filter_by_value(vec![range[0].clone()], &missing).unwrap()[0].is_empty());
        let substring = json!({"filters": [{"config": {"id": "notSubstring", "options": {"value": "b"}}, "fieldName": "k"}], "type": "include"});
        assert_eq!(
            filter_by_value(vec![f.clone()], &substring).unwrap()[0].fields[0].values,
            text(&["a", "c"])
        );
    }

    #[test]
    fn group_by_aggregates_named_with_calc() {
        let f = frame(
            "A",
            vec![
                t(&[1, 2, 3]),
                s("server", &["a", "b", "a"]),
                n("cpu", &[10.0, 20.0, 30.0]),
                s("state", &["ok", "bad", "bad"]),
            ],
        );
        let out = group_by(
            vec![f],
            &json!({"fields": {"server": {"operation": "groupby", "aggregations": []},
                               "cpu": {"operation": "aggregate", "aggregations": ["mean", "max"]},
                               "state": {"operation": "aggregate", "aggregations": ["lastNotNull"]}}}),
        );
        assert_eq!(
            names(&out[0]),
            ["server", "cpu (mean)", "cpu (max)", "state (lastNotNull)"]
        );
        assert_eq!(out[0].fields[0].values, text(&["a", "b"]));
        assert_eq!(out[0].fields[1].values, nums(&[20.0, 20.0]));
        assert_eq!(out[0].fields[3].values, text(&["bad", "bad"]));
        let other = frame("B", vec![s("host", &["x"])]);
        let counted = group_by(
            vec![other, out[0].clone()],
            &json!({"fields": {"server": {"operation": "groupby"}, "cpu (max)": {"operation": "count"}}}),
        );
        // The frame without a group-by field is dropped.
        assert_eq!(counted.len(), 1);
        assert_eq!(names(&counted[0]), ["server", "cpu (max) (count)"]);
    }

    #[test]
    fn calculate_field_reduce_row_joins_time_series_and_replaces() {
        let out = calculate_field(
            vec![frame("A", vec![t(&[1, 2]), n("a", &[1.0, 3.0])]), frame("B", vec![t(&[1, 2]), n("b", &[3.0, 5.0])])],
            &json!({"alias": "CPU usage in %", "mode": "reduceRow", "reduce": {"reducer": "mean"}, "replaceFields": true}),
        )
        .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(names(&out[0]), ["Time", "CPU usage in %"]);
        assert_eq!(out[0].fields[1].values, nums(&[2.0, 4.0]));
    }

    #[test]
    fn calculate_field_binary_default_name_and_constants() {
        let f = frame(
            "A",
            vec![n("errors", &[1.0, 2.0]), n("requests", &[10.0, 0.0])],
        );
        let out = calculate_field(
            vec![f.clone()],
            &json!({"mode": "binary", "binary": {"left": "errors", "operator": "/", "right": "requests"}}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["errors", "requests", "errors / requests"]);
        assert_eq!(out[0].fields[2].values[0], Value::Number(0.1));
        let scaled = calculate_field(
            vec![f],
            &json!({"mode": "binary", "alias": "x", "binary": {"left": {"matcher": {"id": "byName", "options": "errors"}}, "operator": "*", "right": {"fixed": "100"}}}),
        )
        .unwrap();
        assert_eq!(scaled[0].fields[2].values, nums(&[100.0, 200.0]));
        assert_eq!(scaled[0].fields[2].name, "x");
    }

    #[test]
    fn calculate_field_unary_cumulative_index_and_by_type() {
        let f = frame(
            "A",
            vec![
                t(&[1, 2, 3]),
                n("x", &[-1.5, 2.0, 4.0]),
                n("y", &[1.0, 1.0, 1.0]),
            ],
        );
        let calc = |o: Json| calculate_field(vec![f.clone()], &o).unwrap();
        let abs = calc(json!({"mode": "unary", "unary": {"operator": "abs", "fieldName": "x"}}));
        assert_eq!(abs[0].fields[3].name, "abs(x)");
        assert_eq!(abs[0].fields[3].values, nums(&[1.5, 2.0, 4.0]));
        let cum = calc(
            json!({"mode": "cumulativeFunctions", "cumulative": {"reducer": "mean", "field": "x"}, "replaceFields": true}),
        );
        assert_eq!(names(&cum[0]), ["Time", "cumulative mean(x)"]);
        assert_eq!(cum[0].fields[1].values, nums(&[-1.5, 0.25, 1.5]));
        let index = calc(json!({"mode": "index", "replaceFields": true}));
        assert_eq!(names(&index[0]), ["Row"]);
        assert_eq!(index[0].fields[0].values, nums(&[0.0, 1.0, 2.0]));
        let by_type = calc(
            json!({"mode": "binary", "binary": {"left": {"matcher": {"id": "byType", "options": "number"}}, "operator": "*", "right": {"fixed": "2"}}, "replaceFields": true}),
        );
        assert_eq!(names(&by_type[0]), ["Time", "x * 2", "y * 2"]);
        // An operand that is neither a field nor a number: the frame is left as it was.
        let missing = calc(
            json!({"mode": "binary", "binary": {"left": "nope", "operator": "+", "right": "y"}}),
        );
        assert_eq!(missing, vec![f.clone()]);
        assert!(calculate_field(vec![f], &json!({"mode": "windowFunctions"})).is_err());
    }

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

    #[test]
    fn calculate_field_over_many_series_joins_by_hash() {
        // 300 series of 500 points: the time join must not be quadratic in the points.
        let times: Vec<i64> = (0..500).map(|i| i * 15_000).collect();
        let frames: Vec<Frame> = (0..300)
            .map(|s| {
                let values: Vec<f64> = (0..500).map(|i| (i + s) as f64).collect();
                frame("A", vec![t(&times), n(&format!("s{s}"), &values)])
            })
            .collect();
        let out = calculate_field(
            frames,
            &json!({"mode": "reduceRow", "reduce": {"reducer": "max"}, "replaceFields": true}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["Time", "Max"]);
        assert_eq!(out[0].fields[1].values[0], Value::Number(299.0));
        assert_eq!(out[0].fields[1].values[499], Value::Number(798.0));
    }

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

    #[test]
    fn apply_runs_in_order_and_names_what_it_cannot_do() {
        let f = frame("A", vec![s("k", &["a"]), n("Value", &[1.0])]);
        let (out, notes) = apply(
            vec![f],
            &[
                step("extractFields", json!({})),
                step("organize", json!({"renameByName": {"Value": "V"}})),
                step("filterFieldsByName", json!({"include": {"names": ["V"]}})),
                Transformation {
                    disabled: true,
                    ..step("organize", json!({"renameByName": {"V": "W"}}))
                },
            ],
        );
        assert_eq!(names(&out[0]), ["V"]);
        assert_eq!(
            notes,
            [
                "transformations[0] (extractFields): transformation extractFields is not supported; not applied"
            ]
        );
    }
}
