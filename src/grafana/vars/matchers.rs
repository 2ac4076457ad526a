//! Ad-hoc filters: label matchers injected into every vector selector of a PromQL expression.

use crate::grafana::model::LabelMatcher;
use std::collections::HashSet;

use super::formats::prometheus_regular_escape;

/// Add `key op "value"` matchers to every vector selector of a PromQL expression, as Grafana's
/// ad-hoc filters do (`addLabelToQuery`; `=~`/`!~` values get `prometheusRegularEscape`).
/// Each filter is `(key, operator, value)`. Strings, comments, label lists of `by (...)` /
/// `without (...)` / `on (...)` / `ignoring (...)` / `group_left (...)`, function names and
/// keywords are left alone. A matcher identical to one already present is not repeated.
pub fn add_label_matchers(expr: &str, filters: &[LabelMatcher]) -> String {
    if filters.is_empty() {
        return expr.to_string();
    }
    let matchers = escape_regex_values(filters);
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len() + 32);
    let mut i = 0;
    // Set after `by`/`without`/... so the next `( ... )` is copied verbatim.
    let mut label_list_next = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' | '`' => {
                let end = skip_string(&chars, i);
                out.extend(&chars[i..end]);
                i = end;
            }
            '#' => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |p| i + p);
                out.extend(&chars[i..end]);
                i = end;
            }
            '[' => {
                // Range / subquery durations.
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map_or(chars.len(), |p| i + p + 1);
                out.extend(&chars[i..end]);
                i = end;
            }
            '(' if label_list_next => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ')')
                    .map_or(chars.len(), |p| i + p + 1);
                out.extend(&chars[i..end]);
                i = end;
                label_list_next = false;
            }
            '{' => {
                // A selector without a metric name.
                let (end, rebuilt) = rewrite_braces(&chars, i, &matchers);
                out.push_str(&rebuilt);
                i = end;
            }
            c if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                i = rewrite_word(&chars, i, &matchers, &mut out, &mut label_list_next);
            }
            c if c.is_ascii_digit() => {
                // Numbers and durations (`5m`, `1.5e3`, `0x1f`): copy the whole token.
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                out.extend(&chars[start..i]);
            }
            _ => {
                if !c.is_whitespace() {
                    label_list_next = false;
                }
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The filters with `=~` / `!~` values escaped as Grafana does (`prometheusRegularEscape`).
fn escape_regex_values(filters: &[LabelMatcher]) -> Vec<LabelMatcher> {
    filters
        .iter()
        .map(
            |LabelMatcher {
                 label: k,
                 op,
                 value: v,
             }| {
                let v = if op == "=~" || op == "!~" {
                    prometheus_regular_escape(v)
                } else {
                    v.clone()
                };
                LabelMatcher::new(k.clone(), op.clone(), v)
            },
        )
        .collect()
}

/// Copy the identifier at `start`, adding the matchers when it names a metric (not a keyword,
/// a function, a number's suffix or an `@` argument). Sets `label_list_next` after a grouping
/// keyword. Returns the index after what was consumed.
fn rewrite_word(
    chars: &[char],
    start: usize,
    matchers: &[LabelMatcher],
    out: &mut String,
    label_list_next: &mut bool,
) -> usize {
    let mut i = start;
    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | ':')) {
        i += 1;
    }
    let word: String = chars[start..i].iter().collect();
    let mut j = i;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    let next = chars.get(j).copied();
    let lower = word.to_ascii_lowercase();
    let is_keyword = is_keyword(&lower, next) || is_aggregation_head(chars, j);
    let after_at = out.trim_end().ends_with('@');
    let is_number_suffix = start > 0
        && (chars[start - 1].is_ascii_digit() || chars[start - 1] == '.')
        && !word.contains(':');
    if matches!(
        lower.as_str(),
        "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
    ) {
        *label_list_next = true;
        out.push_str(&word);
        return i;
    }
    // `group_left sum(...)`: a grouping keyword without a label list.
    *label_list_next = false;
    if is_keyword || after_at || is_number_suffix || next == Some('(') {
        out.push_str(&word);
    } else if next == Some('{') {
        out.push_str(&word);
        out.extend(&chars[i..j]);
        let (end, rebuilt) = rewrite_braces(chars, j, matchers);
        out.push_str(&rebuilt);
        i = end;
    } else {
        out.push_str(&word);
        out.push('{');
        out.push_str(&render_matchers(matchers));
        out.push('}');
    }
    i
}

/// PromQL keywords and operators that look like metric names (`lower` is lowercased; `next` is
/// the first character after the word and its whitespace).
fn is_keyword(lower: &str, next: Option<char>) -> bool {
    matches!(
        lower,
        "by" | "without"
            | "on"
            | "ignoring"
            | "group_left"
            | "group_right"
            | "bool"
            | "and"
            | "or"
            | "unless"
            | "offset"
            | "atan2"
            | "inf"
            | "nan"
    ) || (matches!(lower, "start" | "end") && next == Some('('))
}

/// `sum by (x) (...)`: an aggregation followed by its grouping clause (the word at `at`).
fn is_aggregation_head(chars: &[char], at: usize) -> bool {
    let rest_word: String = chars[at..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    matches!(rest_word.to_ascii_lowercase().as_str(), "by" | "without")
}

fn skip_string(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == '\\' && quote != '`' {
            i += 2;
            continue;
        }
        if chars[i] == quote {
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

fn render_matchers(m: &[LabelMatcher]) -> String {
    m.iter()
        .map(
            |LabelMatcher {
                 label: k,
                 op,
                 value: v,
             }| format!("{k}{op}\"{v}\""),
        )
        .collect::<Vec<_>>()
        .join(",")
}

/// Rewrite `{...}` starting at `open`, appending the new matchers; returns the end index.
fn rewrite_braces(chars: &[char], open: usize, matchers: &[LabelMatcher]) -> (usize, String) {
    let mut i = open + 1;
    while i < chars.len() && chars[i] != '}' {
        if matches!(chars[i], '"' | '\'' | '`') {
            i = skip_string(chars, i);
        } else {
            i += 1;
        }
    }
    let inner: String = chars[open + 1..i.min(chars.len())].iter().collect();
    let end = (i + 1).min(chars.len());
    let trimmed = inner.trim().trim_end_matches(',').trim_end();
    let normalised_existing: HashSet<String> = split_matchers(trimmed)
        .iter()
        .map(|m| m.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let new: Vec<LabelMatcher> = matchers
        .iter()
        .filter(
            |LabelMatcher {
                 label: k,
                 op,
                 value: v,
             }| !normalised_existing.contains(&format!("{k}{op}\"{v}\"")),
        )
        .cloned()
        .collect();
    if new.is_empty() {
        return (end, chars[open..end].iter().collect());
    }
    let added = render_matchers(&new);
    let body = if trimmed.is_empty() {
        added
    } else {
        format!("{trimmed},{added}")
    };
    (end, format!("{{{body}}}"))
}

fn split_matchers(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '"' | '\'' | '`') {
            i = skip_string(&chars, i);
            continue;
        }
        if chars[i] == ',' {
            parts.push(chars[start..i].iter().collect());
            start = i + 1;
        }
        i += 1;
    }
    if start < chars.len() {
        parts.push(chars[start..].iter().collect());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ad_hoc_filters_reach_every_selector() {
        let f = vec![LabelMatcher::new("env", "=", "prod")];
        assert_eq!(
            add_label_matchers(
                "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum(up)",
                &f
            ),
            "sum by (job) (rate(http_requests_total{code=~\"5..\",env=\"prod\"}[5m])) / sum(up{env=\"prod\"})"
        );
        assert_eq!(
            add_label_matchers("{__name__=\"up\"}", &f),
            "{__name__=\"up\",env=\"prod\"}"
        );
        assert_eq!(
            add_label_matchers("up offset 5m", &f),
            "up{env=\"prod\"} offset 5m"
        );
        assert_eq!(add_label_matchers("vector(1) + 2", &f), "vector(1) + 2");
        assert_eq!(
            add_label_matchers("up{env=\"prod\"}", &f),
            "up{env=\"prod\"}"
        );
        assert_eq!(
            add_label_matchers("a / on(instance) group_left(node) b", &f),
            "a{env=\"prod\"} / on(instance) group_left(node) b{env=\"prod\"}"
        );
        assert_eq!(
            add_label_matchers("label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")", &f),
            "label_replace(up{env=\"prod\"}, \"a\", \"$1\", \"b\", \"(.*)\")"
        );
        // group_left without a label list, followed by an aggregation.
        assert_eq!(
            add_label_matchers("a / ignoring(r) group_left sum(b{x=\"(y)\"})", &f),
            "a{env=\"prod\"} / ignoring(r) group_left sum(b{x=\"(y)\",env=\"prod\"})"
        );
    }

    // Malformed input is passed through without panicking.
    #[test]
    fn ad_hoc_malformed_input() {
        let f = vec![LabelMatcher::new("env", "=", "prod")];
        for q in [
            "up{a=\"",
            "rate(x[5m",
            "{",
            "}",
            "sum by (",
            "\"open",
            "x{a=\"}\"}",
            "é{",
            "#c\nup",
            "1e",
            "",
        ] {
            let out = add_label_matchers(q, &f);
            assert!(out.len() >= q.len(), "{q:?} -> {out:?}");
        }
        assert_eq!(
            add_label_matchers("#comment up\nup", &f),
            "#comment up\nup{env=\"prod\"}"
        );
    }

    #[test]
    fn ad_hoc_regex_values_are_escaped() {
        let f = vec![LabelMatcher::new("path", "=~", "a'b")];
        assert_eq!(add_label_matchers("up", &f), "up{path=~\"a\\\\'b\"}");
    }

    #[test]
    fn ad_hoc_result_parses() {
        let f = vec![LabelMatcher::new("env", "!=", "dev")];
        for q in [
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))",
            "max_over_time(up[1h:5m]) and on() vector(1)",
            "rate(x[5m] @ end())",
        ] {
            let out = add_label_matchers(q, &f);
            assert!(promql_parser::parser::parse(&out).is_ok(), "{out}");
            assert!(out.contains("env!=\"dev\""), "{out}");
        }
    }
}
