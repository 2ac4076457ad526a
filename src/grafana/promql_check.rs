//! Checking a PromQL expression while it is typed: dashboard variables are replaced with
//! placeholders (as `triage check` interpolates before parsing), the result is parsed with
//! `promql-parser`, and a failure is placed at a line and column of what the user typed.
//! Also the usage hints that need the metric types: a counter without `rate`/`increase`, a
//! histogram's `_bucket` without `histogram_quantile`.

use promql_parser::parser::{self, Expr};

use super::promql_complete::MetricInfo;

/// Why the expression does not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseProblem {
    pub message: String,
    /// Byte offset in the text typed.
    pub offset: usize,
    /// 1-based line and column (in characters) of `offset`.
    pub line: usize,
    pub column: usize,
}

/// The text with each `$var`, `${var...}` and `[[var]]` replaced by a placeholder (a duration
/// inside `[...]`, a name elsewhere), and for each byte of it the byte of `text` it came from.
pub fn with_placeholders(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut in_bracket = false;
    let mut i = 0;
    while i < text.len() {
        let b = bytes[i];
        let variable_end = match b {
            b'$' if text[i + 1..].starts_with('{') => text[i..].find('}').map(|e| i + e + 1),
            b'$' if bytes
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
            {
                let len = text[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(text.len() - i - 1);
                Some(i + 1 + len)
            }
            b'[' if text[i..].starts_with("[[") => text[i..].find("]]").map(|e| i + e + 2),
            _ => None,
        };
        if let Some(end) = variable_end {
            let placeholder = if in_bracket { "5m" } else { "placeholder" };
            out.push_str(placeholder);
            origin.extend(std::iter::repeat_n(i, placeholder.len()));
            i = end;
            continue;
        }
        match b {
            b'[' => in_bracket = true,
            b']' => in_bracket = false,
            _ => {}
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + len]);
        origin.extend(std::iter::repeat_n(i, len));
        i += len;
    }
    (out, origin)
}

/// Parse the expression as typed (variables as placeholders).
pub fn parse(text: &str) -> Result<Expr, ParseProblem> {
    let (substituted, origin) = with_placeholders(text);
    parser::parse(&substituted).map_err(|message| {
        let at = locate(&substituted, &message);
        let offset = origin.get(at).copied().unwrap_or(text.len());
        let (line, column) = line_column(text, offset);
        ParseProblem {
            message: message.trim().to_string(),
            offset,
            line,
            column,
        }
    })
}

/// 1-based line and column (characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Where in `text` the parser's `message` points. The parser gives no position, so: a token
/// the message quotes, else the unbalanced bracket or unterminated string, else the end.
fn locate(text: &str, message: &str) -> usize {
    let structural = unbalanced(text);
    let about_brackets = [
        "unclosed",
        "unexpected right",
        "inside braces",
        "unterminated",
    ]
    .iter()
    .any(|m| message.contains(m));
    if about_brackets && let Some(at) = structural {
        return at;
    }
    if let Some(token) = quoted_token(message)
        && let Some(at) = find_token(text, &token)
    {
        return at;
    }
    structural.unwrap_or(text.len())
}

/// `'name'` in a message, or what follows `syntax: `.
fn quoted_token(message: &str) -> Option<String> {
    if let Some(start) = message.find('\'') {
        let rest = &message[start + 1..];
        if let Some(end) = rest.find('\'') {
            return Some(rest[..end].to_string()).filter(|t| !t.is_empty());
        }
    }
    message
        .rsplit_once(": ")
        .map(|(_, t)| t.trim().to_string())
        .filter(|t| !t.is_empty() && !t.contains(' '))
}

/// A token as a whole word (for an identifier) or anywhere (punctuation).
fn find_token(text: &str, token: &str) -> Option<usize> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':';
    let bytes = text.as_bytes();
    text.match_indices(token).map(|(at, _)| at).find(|&at| {
        let end = at + token.len();
        !token.bytes().all(word)
            || ((at == 0 || !word(bytes[at - 1])) && (end >= bytes.len() || !word(bytes[end])))
    })
}

/// The first closer without its opener, else the unterminated string, else the innermost
/// opener left open.
fn unbalanced(text: &str) -> Option<usize> {
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == '\\' && c != '`' {
                        chars.next();
                    } else if d == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Some(i);
                }
            }
            '#' => {
                for (_, d) in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '(' | '{' | '[' => open.push((c, i)),
            ')' | '}' | ']' => {
                let wanted = match c {
                    ')' => '(',
                    '}' => '{',
                    _ => '[',
                };
                match open.pop() {
                    Some((o, _)) if o == wanted => {}
                    _ => return Some(i),
                }
            }
            _ => {}
        }
    }
    open.last().map(|(_, at)| *at)
}

/// How a metric is used in an expression: inside which functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricUse {
    pub metric: String,
    /// Inside `rate`, `irate`, `increase`, `resets`, `delta`-like functions of counters.
    pub under_rate: bool,
    pub under_histogram_quantile: bool,
}

const RATE_LIKE: &[&str] = &["rate", "irate", "increase", "resets", "changes"];

/// Every metric selected by the expression and how it is wrapped.
pub fn metric_uses(expr: &Expr) -> Vec<MetricUse> {
    let mut uses = Vec::new();
    walk(expr, false, false, &mut uses);
    uses
}

fn walk(expr: &Expr, rate: bool, quantile: bool, uses: &mut Vec<MetricUse>) {
    let push = |name: &Option<String>, uses: &mut Vec<MetricUse>| {
        if let Some(metric) = name {
            uses.push(MetricUse {
                metric: metric.clone(),
                under_rate: rate,
                under_histogram_quantile: quantile,
            });
        }
    };
    match expr {
        Expr::VectorSelector(vs) => push(&vs.name, uses),
        Expr::MatrixSelector(ms) => push(&ms.vs.name, uses),
        Expr::Aggregate(a) => {
            walk(&a.expr, rate, quantile, uses);
            if let Some(p) = &a.param {
                walk(p, rate, quantile, uses);
            }
        }
        Expr::Unary(u) => walk(&u.expr, rate, quantile, uses),
        Expr::Binary(b) => {
            walk(&b.lhs, rate, quantile, uses);
            walk(&b.rhs, rate, quantile, uses);
        }
        Expr::Paren(p) => walk(&p.expr, rate, quantile, uses),
        Expr::Subquery(s) => walk(&s.expr, rate, quantile, uses),
        Expr::Call(call) => {
            let name = call.func.name;
            let rate = rate || RATE_LIKE.contains(&name);
            let quantile = quantile || name == "histogram_quantile";
            for arg in &call.args.args {
                walk(arg, rate, quantile, uses);
            }
        }
        _ => {}
    }
}

/// Hints about how metrics are used, given what the datasource says of them.
pub fn usage_hints(uses: &[MetricUse], info: &dyn Fn(&str) -> Option<MetricInfo>) -> Vec<String> {
    let mut hints = Vec::new();
    for u in uses {
        let kind = info(&u.metric).map(|i| i.kind).unwrap_or_default();
        let is_bucket = u.metric.ends_with("_bucket");
        let hint = if is_bucket && !u.under_histogram_quantile {
            Some(format!(
                "{} is a histogram's buckets: use histogram_quantile(0.9, sum by (le) (rate({}[$__rate_interval])))",
                u.metric, u.metric
            ))
        } else if !is_bucket && kind == "counter" && !u.under_rate {
            Some(format!(
                "{} is a counter (it only goes up): use rate() or increase() over it",
                u.metric
            ))
        } else {
            None
        };
        if let Some(h) = hint
            && !hints.contains(&h)
        {
            hints.push(h);
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_parenthesis_is_placed_at_the_parenthesis() {
        let p = parse("rate(x[5m]").unwrap_err();
        assert_eq!(p.message, "unclosed left parenthesis");
        assert_eq!((p.line, p.column), (1, 5));
    }

    #[test]
    fn an_unknown_function_and_a_bad_duration_are_placed_at_their_token() {
        let p = parse("sum(abc(x))").unwrap_err();
        assert!(p.message.contains("abc"), "{}", p.message);
        assert_eq!(p.column, 5);
        let p = parse("rate(x[5q])").unwrap_err();
        assert_eq!(p.column, 8, "{p:?}");
    }

    #[test]
    fn the_column_is_of_what_was_typed_with_variables_in_it() {
        let p = parse("rate(up{instance=~\"$instance\"}[$__rate_interval]) +").unwrap_err();
        // Nothing more to go on than the end of the input.
        assert_eq!(p.column, 52, "{p:?}");
        assert!(parse("rate(up{instance=~\"$instance\"}[$__rate_interval])").is_ok());
        assert!(parse("sum by (${group:csv}) (up) > [[threshold]]").is_ok());
    }

    #[test]
    fn lines_are_counted_in_multi_line_queries() {
        let p = parse("sum(\n  rate(x[5m]\n").unwrap_err();
        assert_eq!((p.line, p.column), (2, 7), "{p:?}");
    }

    #[test]
    fn counters_without_rate_and_buckets_without_quantile_get_hints() {
        let counter = |m: &str| {
            (m == "node_cpu_seconds_total").then(|| MetricInfo {
                kind: "counter".into(),
                ..Default::default()
            })
        };
        let hints_of = |q: &str| usage_hints(&metric_uses(&parse(q).unwrap()), &counter);
        assert_eq!(hints_of("node_cpu_seconds_total").len(), 1);
        assert!(hints_of("sum(rate(node_cpu_seconds_total[5m]))").is_empty());
        assert_eq!(hints_of("rate(lat_seconds_bucket[5m])").len(), 1);
        assert!(
            hints_of("histogram_quantile(0.9, sum by (le) (rate(lat_seconds_bucket[5m])))")
                .is_empty()
        );
        assert!(hints_of("up").is_empty());
    }
}
