//! `calculateField` (grafana-data `transformers/calculateField.ts`): a new field computed per
//! frame, one helper per mode.

use serde_json::Value as Json;

use super::{join_by_field, str_opt};
use crate::grafana::reduce::{self, Reducer};
use crate::view::frames::{Field, FieldType, Frame, Value};

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
    let output = Output {
        as_time_series,
        replace: o
            .get("replaceFields")
            .and_then(Json::as_bool)
            .unwrap_or(false),
    };
    let op = b.get("operator").and_then(Json::as_str).unwrap_or("+");
    if mode == "binary"
        && let Some(Operand::ByType(field_type)) = &left
    {
        let right = right.ok_or("binary operation without right")?;
        return Ok(binary_by_type(frames, field_type, &right, op, &output));
    }
    let (default_name, reducer) = default_name(mode, o, op, &left, &right)?;
    let name = str_opt(o, "alias").map_or(default_name, str::to_string);
    let include: Option<Vec<&str>> = o
        .pointer("/reduce/include")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .filter(|v: &Vec<&str>| !v.is_empty());
    let mut out = Vec::new();
    for frame in frames {
        let values = match mode {
            "reduceRow" => Some(reduce_row(
                &frame,
                reducer.ok_or("no reducer")?,
                include.as_deref(),
            )),
            "binary" => binary_values(&frame, &left, &right, op)?,
            "unary" => unary_values(&frame, o),
            "cumulativeFunctions" => cumulative_values(&frame, o),
            _ => Some(index_values(frame.len(), o)),
        };
        let Some(values) = values else {
            if !output.replace {
                out.push(frame);
            }
            continue;
        };
        let new = Field::new(&name, FieldType::Number, values);
        let mut fields = if output.replace && mode == "index" {
            Vec::new()
        } else if output.replace {
            output.time_of(&frame)
        } else {
            frame.fields.clone()
        };
        fields.push(new);
        out.push(Frame { fields, ..frame });
    }
    Ok(out)
}

/// What a frame keeps besides the new field.
struct Output {
    /// The frame's time field is kept when `replaceFields` drops the rest.
    as_time_series: bool,
    /// `replaceFields`: only the time field and the new one.
    replace: bool,
}

impl Output {
    fn time_of(&self, frame: &Frame) -> Vec<Field> {
        match frame.time_field() {
            Some(t) if self.as_time_series => vec![frame.fields[t].clone()],
            _ => Vec::new(),
        }
    }
}

/// A `byType` left side: one new field (`name op right`) per field of that type.
fn binary_by_type(
    frames: Vec<Frame>,
    field_type: &str,
    right: &Operand,
    op: &str,
    output: &Output,
) -> Vec<Frame> {
    let wanted = match field_type {
        "number" => FieldType::Number,
        "time" => FieldType::Time,
        _ => FieldType::String,
    };
    let mut out = Vec::new();
    for frame in frames {
        let Some(r) = right.values(&frame) else {
            if !output.replace {
                out.push(frame);
            }
            continue;
        };
        let mut fields = output.time_of(&frame);
        let mut added = false;
        for f in &frame.fields {
            if !output.replace {
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
        if added || !output.replace {
            out.push(Frame { fields, ..frame });
        }
    }
    out
}

/// The new field's name as Grafana gives it per mode, and the row reducer of `reduceRow`;
/// an unknown mode or reducer is an error.
fn default_name(
    mode: &str,
    o: &Json,
    op: &str,
    left: &Option<Operand>,
    right: &Option<Operand>,
) -> Result<(String, Option<Reducer>), String> {
    Ok(match mode {
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
                text(left).unwrap_or_default(),
                text(right).unwrap_or_default()
            );
            (name.replace('$', ""), None)
        }
        "unary" => {
            let (op, field) = unary_options(o);
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
    })
}

/// `reduceRow`: each row's included fields (by name), else its number fields, reduced.
fn reduce_row(frame: &Frame, r: Reducer, include: Option<&[&str]>) -> Vec<Value> {
    let inputs: Vec<Vec<Option<f64>>> = frame
        .fields
        .iter()
        .zip(frame.names())
        .filter(|(f, n)| match include {
            Some(inc) => inc.contains(&n.as_str()),
            None => f.field_type == FieldType::Number,
        })
        .map(|(f, _)| f.numbers())
        .collect();
    (0..frame.len())
        .map(|i| {
            let row: Vec<Option<f64>> =
                inputs.iter().map(|c| c.get(i).copied().flatten()).collect();
            reduce::reduce_with(r, &row).map_or(Value::Null, Value::Number)
        })
        .collect()
}

/// `binary`: `left op right` per row; `None` when an operand is neither a field of this frame
/// nor a number.
fn binary_values(
    frame: &Frame,
    left: &Option<Operand>,
    right: &Option<Operand>,
    op: &str,
) -> Result<Option<Vec<Value>>, String> {
    let (Some(l), Some(r)) = (left, right) else {
        return Err("binary operation without left or right".into());
    };
    Ok(match (l.values(frame), r.values(frame)) {
        (Some(l), Some(r)) => Some(combine(op, &l, &r)),
        _ => None,
    })
}

/// The unary operator (default abs) and the field it applies to.
fn unary_options(o: &Json) -> (&str, &str) {
    let op = o
        .pointer("/unary/operator")
        .and_then(Json::as_str)
        .unwrap_or("abs");
    let field = o
        .pointer("/unary/fieldName")
        .and_then(Json::as_str)
        .unwrap_or("");
    (op, field)
}

/// `unary`: the operator over the named number field; `None` without one.
fn unary_values(frame: &Frame, o: &Json) -> Option<Vec<Value>> {
    let (op, field) = unary_options(o);
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

/// `cumulativeFunctions`: the running sum (or mean) of the selected field, nulls as zero.
fn cumulative_values(frame: &Frame, o: &Json) -> Option<Vec<Value>> {
    let field = o.pointer("/cumulative/field").and_then(Json::as_str);
    let mean = o.pointer("/cumulative/reducer").and_then(Json::as_str) == Some("mean");
    selected(frame, field).map(|i| {
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

/// `index`: the row number, or with `asPercentile` its fraction of the row count.
fn index_values(rows: usize, o: &Json) -> Vec<Value> {
    let percent = o
        .pointer("/index/asPercentile")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    (0..rows)
        .map(|i| {
            Value::Number(if percent {
                i as f64 / rows as f64
            } else {
                i as f64
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

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
}
