//! The stand-in Loki's evaluator: a small, honest subset of LogQL run over the stand-in's
//! generated lines, on the tree `grafana::logql` parses. Everything outside the subset is an
//! `Unsupported` answer (a 400 naming what the stand-in cannot do), never a guess.
//!
//! The subset: stream matchers; line filters `|=`, `!=`, `|~`, `!~`; the `logfmt` and `json`
//! parsers (every field, extracted labels that clash with stream labels get `_extracted`);
//! label filters (strings, numbers and durations); `rate`, `count_over_time`,
//! `bytes_over_time`, `bytes_rate` over a range (with `offset`); `sum`, `count`, `max`, `min`,
//! `avg` `by`/`without`; arithmetic between a query and a number. Semantics as Loki's docs
//! ("Log queries", "Metric queries"): a range covers `(t - range, t]`, an empty range has no
//! sample.

use std::collections::BTreeMap;

use regex::Regex;

use crate::grafana::logql::{
    Expr, Grouping, LabelPredicate, Literal, LogQuery, Stage, duration_ms,
};
use crate::grafana::model::LabelMatcher;

pub type Labels = BTreeMap<String, String>;

/// One generated log line with its stream's labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub labels: Labels,
    pub at_ns: i64,
    pub line: String,
}

/// What the stand-in does not evaluate (answered with a 400).
#[derive(Debug, Clone, PartialEq)]
pub struct Unsupported(pub String);

fn unsupported<T>(what: impl std::fmt::Display) -> Result<T, Unsupported> {
    Err(Unsupported(format!(
        "unsupported in the stand-in Loki: {what}"
    )))
}

/// A series of a metric query: labels and `(ms, value)` at the evaluation steps.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesOut {
    pub labels: Labels,
    pub points: Vec<(i64, f64)>,
}

/// Whether a stream's labels satisfy the selector.
pub fn stream_matches(matchers: &[LabelMatcher], labels: &Labels) -> bool {
    matchers.iter().all(|m| {
        let have = labels.get(&m.label).map(String::as_str).unwrap_or("");
        string_matches(&m.op, have, &m.value)
    })
}

/// `=`, `!=`, `=~`, `!~` on strings (regexes anchored, as Loki's).
fn string_matches(op: &str, have: &str, want: &str) -> bool {
    let re = || Regex::new(&format!("^(?:{want})$")).ok();
    match op {
        "=" => have == want,
        "!=" => have != want,
        "=~" => re().is_some_and(|r| r.is_match(have)),
        "!~" => !re().is_some_and(|r| r.is_match(have)),
        _ => false,
    }
}

/// The lines of a log query: selected by stream, through the pipeline (labels extended by the
/// parsers).
pub fn select(query: &LogQuery, entries: &[Entry]) -> Result<Vec<Entry>, Unsupported> {
    let mut selected: Vec<Entry> = entries
        .iter()
        .filter(|e| stream_matches(&query.matchers, &e.labels))
        .cloned()
        .collect();
    for stage in &query.stages {
        selected = apply_stage(stage, selected)?;
    }
    Ok(selected)
}

fn apply_stage(stage: &Stage, entries: Vec<Entry>) -> Result<Vec<Entry>, Unsupported> {
    match stage {
        Stage::LineFilter { op, values } => {
            let regexes = if op.contains('~') {
                values
                    .iter()
                    .map(|v| Regex::new(v).map_err(|e| Unsupported(e.to_string())))
                    .collect::<Result<Vec<_>, _>>()?
            } else {
                Vec::new()
            };
            // Several values (`|= "a" or "b"`): any of them.
            let hit = |line: &str| match op.as_str() {
                "|~" | "!~" => regexes.iter().any(|r| r.is_match(line)),
                _ => values.iter().any(|v| line.contains(v.as_str())),
            };
            let keep = op.starts_with('|');
            Ok(entries
                .into_iter()
                .filter(|e| hit(&e.line) == keep)
                .collect())
        }
        Stage::Parser { name } if name == "logfmt" || name == "json" => Ok(entries
            .into_iter()
            .map(|mut e| {
                let fields = if name == "logfmt" {
                    logfmt_fields(&e.line)
                } else {
                    json_fields(&e.line)
                };
                for (key, value) in fields {
                    let key = if e.labels.contains_key(&key) {
                        format!("{key}_extracted")
                    } else {
                        key
                    };
                    e.labels.insert(key, value);
                }
                e
            })
            .collect()),
        Stage::Parser { name } => unsupported(format!("the `{name}` parser")),
        Stage::LabelFilter(predicate) => {
            let mut kept = Vec::with_capacity(entries.len());
            for e in entries {
                if holds(predicate, &e.labels)? {
                    kept.push(e);
                }
            }
            Ok(kept)
        }
        Stage::Format { name } => unsupported(format!("the `{name}` stage")),
        Stage::Unwrap { .. } => unsupported("`unwrap`"),
    }
}

/// `key=value key="quoted value"` pairs of a logfmt line.
fn logfmt_fields(line: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(['=', ' ']).unwrap_or(rest.len());
        let key = rest[..key_end].to_string();
        rest = &rest[key_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            if let Some(quoted) = after.strip_prefix('"') {
                let close = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(close + 1..).unwrap_or("");
                quoted[..close].to_string()
            } else {
                let end = after.find(' ').unwrap_or(after.len());
                rest = &after[end..];
                after[..end].to_string()
            }
        } else {
            String::new()
        };
        if !key.is_empty() {
            fields.push((sanitize_label_name(&key), value));
        }
        rest = rest.trim_start();
    }
    fields
}

/// A JSON line's fields, nested objects joined with `_` (Loki's json parser); arrays skipped.
fn json_fields(line: &str) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let name = if prefix.is_empty() {
                        sanitize_label_name(k)
                    } else {
                        format!("{prefix}_{}", sanitize_label_name(k))
                    };
                    walk(&name, v, out);
                }
            }
            serde_json::Value::Array(_) | serde_json::Value::Null => {}
            serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
        walk("", &value, &mut out);
    }
    out
}

/// Characters not allowed in a label name become `_`.
fn sanitize_label_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Whether a label filter holds. A value that is not a number (or duration) where one is
/// compared does not match (Loki marks such lines with `__error__`).
fn holds(predicate: &LabelPredicate, labels: &Labels) -> Result<bool, Unsupported> {
    match predicate {
        LabelPredicate::And(a, b) => Ok(holds(a, labels)? && holds(b, labels)?),
        LabelPredicate::Or(a, b) => Ok(holds(a, labels)? || holds(b, labels)?),
        LabelPredicate::Compare { label, op, value } => {
            let have = labels.get(label).map(String::as_str).unwrap_or("");
            match value {
                Literal::Str(want) => Ok(string_matches(op, have, want)),
                Literal::Num(want) => {
                    let (have, want) = match (want.parse::<f64>(), duration_ms(want)) {
                        (Ok(want), _) => (have.parse::<f64>().ok(), want),
                        (_, Some(want)) => (duration_ms(have).map(|d| d as f64), want as f64),
                        _ => return unsupported(format!("the label filter value `{want}`")),
                    };
                    let Some(have) = have else { return Ok(false) };
                    Ok(match op.as_str() {
                        "=" | "==" => have == want,
                        "!=" => have != want,
                        ">" => have > want,
                        ">=" => have >= want,
                        "<" => have < want,
                        "<=" => have <= want,
                        _ => return unsupported(format!("`{op}` on a number")),
                    })
                }
            }
        }
    }
}

/// How far before the first step a metric query reads lines (its ranges and offsets), ms.
pub fn lookback_ms(expr: &Expr) -> i64 {
    match expr {
        Expr::RangeAggregation {
            range_ms,
            offset_ms,
            ..
        } => range_ms + offset_ms.max(&0),
        Expr::VectorAggregation { inner, .. } => lookback_ms(inner),
        Expr::Binary { lhs, rhs, .. } => lookback_ms(lhs).max(lookback_ms(rhs)),
        Expr::Function { args, .. } => args.iter().map(lookback_ms).max().unwrap_or(0),
        Expr::Log(_) | Expr::Number(_) => 0,
    }
}

/// The instants a range query is evaluated at: `start`, `start + step`, … up to `end`.
pub fn steps(start_ms: i64, end_ms: i64, step_ms: i64) -> Vec<i64> {
    let step = step_ms.max(1);
    (0..)
        .map(|i| start_ms + i * step)
        .take_while(|t| *t <= end_ms)
        .collect()
}

/// A metric query at each of `at` (ms): its series, each with the points it has.
pub fn evaluate(expr: &Expr, entries: &[Entry], at: &[i64]) -> Result<Vec<SeriesOut>, Unsupported> {
    match expr {
        Expr::Log(_) => unsupported("a log query where a metric query is needed"),
        Expr::RangeAggregation {
            function,
            query,
            range_ms,
            offset_ms,
            grouping,
            ..
        } => {
            if grouping.is_some() {
                return unsupported(format!("grouping on `{function}`"));
            }
            let lines = select(query, entries)?;
            range_aggregation(function, &lines, *range_ms, *offset_ms, at)
        }
        Expr::VectorAggregation {
            op,
            grouping,
            inner,
            ..
        } => {
            let series = evaluate(inner, entries, at)?;
            vector_aggregation(op, grouping.as_ref(), &series)
        }
        Expr::Binary { op, lhs, rhs } => match (lhs.as_ref(), rhs.as_ref()) {
            (Expr::Number(n), other) => {
                scalar_arithmetic(op, &evaluate(other, entries, at)?, *n, true)
            }
            (other, Expr::Number(n)) => {
                scalar_arithmetic(op, &evaluate(other, entries, at)?, *n, false)
            }
            _ => unsupported(format!("`{op}` between two queries")),
        },
        Expr::Number(_) => unsupported("a number alone"),
        Expr::Function { name, .. } => unsupported(format!("`{name}`")),
    }
}

fn range_aggregation(
    function: &str,
    lines: &[Entry],
    range_ms: i64,
    offset_ms: i64,
    at: &[i64],
) -> Result<Vec<SeriesOut>, Unsupported> {
    let per_line = |e: &Entry| -> f64 {
        match function {
            "bytes_over_time" | "bytes_rate" => e.line.len() as f64,
            _ => 1.0,
        }
    };
    let per_second = matches!(function, "rate" | "bytes_rate");
    if !matches!(
        function,
        "rate" | "count_over_time" | "bytes_over_time" | "bytes_rate"
    ) {
        return unsupported(format!("`{function}`"));
    }
    let mut by_labels: BTreeMap<&Labels, Vec<&Entry>> = BTreeMap::new();
    for e in lines {
        by_labels.entry(&e.labels).or_default().push(e);
    }
    let range_ns = range_ms * 1_000_000;
    let mut out = Vec::new();
    for (labels, mut stream) in by_labels {
        stream.sort_by_key(|e| e.at_ns);
        let mut points = Vec::new();
        for &t in at {
            let end_ns = (t - offset_ms) * 1_000_000;
            let first = stream.partition_point(|e| e.at_ns <= end_ns - range_ns);
            let last = stream.partition_point(|e| e.at_ns <= end_ns);
            if last > first {
                let total: f64 = stream[first..last].iter().map(|e| per_line(e)).sum();
                let value = if per_second {
                    total / (range_ms as f64 / 1000.0)
                } else {
                    total
                };
                points.push((t, value));
            }
        }
        if !points.is_empty() {
            out.push(SeriesOut {
                labels: labels.clone(),
                points,
            });
        }
    }
    Ok(out)
}

/// The labels a series keeps in its group.
fn group_key(labels: &Labels, grouping: Option<&Grouping>) -> Labels {
    match grouping {
        None => Labels::new(),
        Some(g) if g.without => labels
            .iter()
            .filter(|(k, _)| !g.labels.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Some(g) => labels
            .iter()
            .filter(|(k, _)| g.labels.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

fn vector_aggregation(
    op: &str,
    grouping: Option<&Grouping>,
    series: &[SeriesOut],
) -> Result<Vec<SeriesOut>, Unsupported> {
    if !matches!(op, "sum" | "count" | "max" | "min" | "avg") {
        return unsupported(format!("`{op}`"));
    }
    // Group → instant → the values of its series there.
    let mut groups: BTreeMap<Labels, BTreeMap<i64, Vec<f64>>> = BTreeMap::new();
    for s in series {
        let group = groups.entry(group_key(&s.labels, grouping)).or_default();
        for &(t, v) in &s.points {
            group.entry(t).or_default().push(v);
        }
    }
    Ok(groups
        .into_iter()
        .map(|(labels, by_time)| SeriesOut {
            labels,
            points: by_time
                .into_iter()
                .map(|(t, values)| {
                    let n = values.len() as f64;
                    let value = match op {
                        "sum" => values.iter().sum(),
                        "count" => n,
                        "max" => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        "min" => values.iter().copied().fold(f64::INFINITY, f64::min),
                        _ => values.iter().sum::<f64>() / n,
                    };
                    (t, value)
                })
                .collect(),
        })
        .collect())
}

/// `query op n` (or `n op query` when `number_first`).
fn scalar_arithmetic(
    op: &str,
    series: &[SeriesOut],
    n: f64,
    number_first: bool,
) -> Result<Vec<SeriesOut>, Unsupported> {
    let apply = |v: f64| -> Option<f64> {
        let (a, b) = if number_first { (n, v) } else { (v, n) };
        match op {
            "+" => Some(a + b),
            "-" => Some(a - b),
            "*" => Some(a * b),
            "/" => Some(a / b),
            _ => None,
        }
    };
    if apply(1.0).is_none() {
        return unsupported(format!("`{op}`"));
    }
    Ok(series
        .iter()
        .map(|s| SeriesOut {
            labels: s.labels.clone(),
            points: s
                .points
                .iter()
                .filter_map(|&(t, v)| apply(v).map(|v| (t, v)))
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::logql::parse;

    fn entry(instance: &str, at_s: i64, line: &str) -> Entry {
        Entry {
            labels: [
                ("job".to_string(), "gw".to_string()),
                ("instance".to_string(), instance.to_string()),
            ]
            .into(),
            at_ns: at_s * 1_000_000_000,
            line: line.into(),
        }
    }

    fn lines() -> Vec<Entry> {
        vec![
            entry("a", 10, "level=info status=200 duration=5ms msg=\"ok\""),
            entry("a", 20, "level=error status=500 duration=2s msg=\"boom\""),
            entry("b", 30, "level=error status=503 duration=1s msg=\"down\""),
            entry("b", 70, r#"level=info status=200 duration=1ms msg="ok""#),
        ]
    }

    fn eval(query: &str, at: &[i64]) -> Result<Vec<SeriesOut>, Unsupported> {
        evaluate(&parse(query).unwrap(), &lines(), at)
    }

    #[test]
    fn pipelines_filter_lines_and_labels() {
        let Expr::Log(q) =
            parse(r#"{job="gw"} |= "level=error" | logfmt | status >= 503"#).unwrap()
        else {
            panic!("log query")
        };
        let got = select(&q, &lines()).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].labels["msg"], "down");
        let Expr::Log(q) = parse(r#"{job="gw"} | logfmt | duration > 1s or level="info""#).unwrap()
        else {
            panic!("log query")
        };
        assert_eq!(select(&q, &lines()).unwrap().len(), 3);
        let Expr::Log(q) = parse(r#"{instance=~"a|b"} !~ "status=5..""#).unwrap() else {
            panic!("log query")
        };
        assert_eq!(select(&q, &lines()).unwrap().len(), 2);
        let json = [Entry {
            labels: [("job".to_string(), "gw".to_string())].into(),
            at_ns: 0,
            line: r#"{"level":"warn","http":{"status":404}}"#.into(),
        }];
        let Expr::Log(q) = parse(r#"{job="gw"} | json | http_status = 404"#).unwrap() else {
            panic!("log query")
        };
        assert_eq!(select(&q, &json).unwrap()[0].labels["level"], "warn");
    }

    #[test]
    fn range_and_vector_aggregations_over_windows() {
        // Windows (t - 60 s, t]: at 60 s lines 10, 20, 30; at 80 s lines 30 and 70.
        let at = [60_000, 80_000];
        let counts = eval(
            r#"sum by (instance) (count_over_time({job="gw"}[1m]))"#,
            &at,
        )
        .unwrap();
        let a = &counts[0];
        assert_eq!(a.labels["instance"], "a");
        assert_eq!(a.points, [(60_000, 2.0)], "no sample for an empty window");
        assert_eq!(counts[1].points, [(60_000, 1.0), (80_000, 2.0)]);
        let rate = eval(r#"sum(rate({job="gw"} |= "error" [1m]))"#, &at).unwrap();
        assert!(rate[0].labels.is_empty());
        assert_eq!(rate[0].points, [(60_000, 2.0 / 60.0), (80_000, 1.0 / 60.0)]);
        let max = eval(r#"max(count_over_time({job="gw"}[1m])) * 10"#, &at).unwrap();
        assert_eq!(max[0].points, [(60_000, 20.0), (80_000, 20.0)]);
        let bytes = eval(
            r#"sum(bytes_over_time({instance="b"}[1m] offset 15s))"#,
            &[80_000],
        )
        .unwrap();
        assert_eq!(bytes[0].points, [(80_000, lines()[2].line.len() as f64)]);
        let by_level = eval(
            r#"count(count_over_time({job="gw"} | logfmt [1m])) "#,
            &[60_000],
        );
        assert_eq!(
            by_level.unwrap()[0].points,
            [(60_000, 3.0)],
            "a series per label set"
        );
    }

    #[test]
    fn what_is_not_evaluated_says_so() {
        for query in [
            r#"topk(1, count_over_time({job="gw"}[1m]))"#,
            r#"sum_over_time({job="gw"} | logfmt | unwrap status [1m])"#,
            r#"count_over_time({job="gw"} | line_format "{{.msg}}" [1m])"#,
            r#"count_over_time({job="gw"}[1m]) / count_over_time({job="gw"}[1m])"#,
        ] {
            let err = eval(query, &[60_000]).unwrap_err();
            assert!(
                err.0.starts_with("unsupported in the stand-in Loki"),
                "{query}: {}",
                err.0
            );
        }
        assert_eq!(steps(0, 25, 10), [0, 10, 20]);
    }
}
