//! A trace as a span waterfall: spans in call order (children under their parent, by start),
//! each with its depth and where its bar sits on the trace's time axis, and the slowest path
//! (from the root, always into the child that took longest) marked. Pure.

use crate::data::Trace;

#[derive(Debug, Clone, PartialEq)]
pub struct WaterfallRow {
    /// Index into the trace's spans.
    pub span: usize,
    pub depth: usize,
    /// Start and length as fractions of the whole trace (0..1).
    pub offset: f64,
    pub width: f64,
    pub on_slowest_path: bool,
}

pub fn layout(trace: &Trace) -> Vec<WaterfallRow> {
    let spans = &trace.spans;
    let start = trace.start_us();
    let total = trace.duration_us().max(1) as f64;
    let ids: Vec<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    let children = |parent: Option<&str>| -> Vec<usize> {
        let mut found: Vec<usize> = (0..spans.len())
            .filter(|&i| match (parent, spans[i].parent.as_deref()) {
                (None, None) => true,
                // A parent outside this trace makes the span a root.
                (None, Some(p)) => !ids.contains(&p),
                (Some(want), Some(p)) => want == p && spans[i].span_id != want,
                (Some(_), None) => false,
            })
            .collect();
        found.sort_by_key(|&i| (spans[i].start_us, i));
        found
    };
    let mut slowest = Vec::new();
    let mut next = children(None)
        .into_iter()
        .max_by_key(|&i| spans[i].duration_us);
    while let Some(i) = next {
        if slowest.contains(&i) {
            break;
        }
        slowest.push(i);
        next = children(Some(&spans[i].span_id))
            .into_iter()
            .max_by_key(|&c| spans[c].duration_us);
    }
    let mut rows = Vec::with_capacity(spans.len());
    let mut stack: Vec<(usize, usize)> = children(None).into_iter().rev().map(|i| (i, 0)).collect();
    let mut seen = vec![false; spans.len()];
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let s = &spans[i];
        rows.push(WaterfallRow {
            span: i,
            depth,
            offset: (s.start_us - start) as f64 / total,
            width: s.duration_us as f64 / total,
            on_slowest_path: slowest.contains(&i),
        });
        for c in children(Some(&s.span_id)).into_iter().rev() {
            stack.push((c, depth + 1));
        }
    }
    rows
}

/// `1.24 s`, `85 ms`, `420 µs`.
pub fn format_duration_us(us: i64) -> String {
    match us {
        us if us >= 1_000_000 => format!("{:.2} s", us as f64 / 1e6),
        us if us >= 1_000 => format!("{:.1} ms", us as f64 / 1e3),
        us => format!("{us} µs"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Span;

    fn span(id: &str, parent: Option<&str>, start: i64, duration: i64) -> Span {
        Span {
            span_id: id.into(),
            parent: parent.map(Into::into),
            operation: id.into(),
            start_us: start,
            duration_us: duration,
            ..Span::default()
        }
    }

    #[test]
    fn children_sit_under_their_parent_in_start_order_and_the_slowest_path_is_marked() {
        let trace = Trace {
            trace_id: "t".into(),
            spans: vec![
                span("infer", Some("root"), 300, 600),
                span("root", None, 0, 1000),
                span("auth", Some("root"), 10, 50),
                span("gpu", Some("infer"), 310, 550),
                span("io", Some("infer"), 880, 10),
            ],
        };
        let rows = layout(&trace);
        let order: Vec<(&str, usize)> = rows
            .iter()
            .map(|r| (trace.spans[r.span].operation.as_str(), r.depth))
            .collect();
        assert_eq!(
            order,
            [
                ("root", 0),
                ("auth", 1),
                ("infer", 1),
                ("gpu", 2),
                ("io", 2)
            ]
        );
        let slow: Vec<&str> = rows
            .iter()
            .filter(|r| r.on_slowest_path)
            .map(|r| trace.spans[r.span].operation.as_str())
            .collect();
        assert_eq!(slow, ["root", "infer", "gpu"]);
        let infer = &rows[2];
        assert!((infer.offset - 0.3).abs() < 1e-9 && (infer.width - 0.6).abs() < 1e-9);
    }

    #[test]
    fn a_span_whose_parent_is_missing_is_a_root_and_cycles_end() {
        let trace = Trace {
            trace_id: "t".into(),
            spans: vec![span("a", Some("gone"), 0, 10), span("b", Some("b"), 5, 1)],
        };
        let rows = layout(&trace);
        assert_eq!(
            rows.len(),
            1,
            "b names itself and is never reached: {rows:?}"
        );
        assert_eq!(format_duration_us(1_240_000), "1.24 s");
        assert_eq!(format_duration_us(85_000), "85.0 ms");
    }
}
