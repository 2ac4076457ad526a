//! What to complete in a PromQL expression being typed: given the text and the cursor, whether
//! a metric (or function), a label name inside a selector `{...}`, a label value after `=`/`=~`,
//! a range duration or a dashboard variable is wanted, what has been typed of it, and the
//! selector's other matchers (to restrict label names and values through `match[]`).
//! Pure: the answers (metric names, labels, metadata) come from the engine.

use std::ops::Range;

/// What kind of word the cursor is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// An expression position: metric names, functions, aggregations, keywords.
    Expression,
    /// A label name inside `{...}` or in `by (...)` / `without (...)` / `on (...)`.
    LabelName,
    /// A label value inside the quotes after `label=`, `!=`, `=~` or `!~`.
    LabelValue { label: String },
    /// A duration inside `[...]`.
    Duration,
    /// A dashboard variable (`$...`).
    Variable,
}

/// The completion context at a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionContext {
    pub want: Want,
    /// What has been typed of the word so far.
    pub prefix: String,
    /// The bytes a chosen candidate replaces (the whole word around the cursor).
    pub replace: Range<usize>,
    /// For label names and values: the series selector made of the metric before `{` and the
    /// other complete matchers, for `match[]` (`None` when there is nothing to restrict by).
    pub selector: Option<String>,
    /// A label value whose closing quote is not typed yet (the candidate brings it).
    pub close_quote: Option<char>,
}

/// A question for the datasource; equal questions share one answer (the session's cache).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompletionRequest {
    /// `/api/v1/label/__name__/values`.
    MetricNames,
    /// `/api/v1/labels`, restricted by `match[]`.
    LabelNames { selector: Option<String> },
    /// `/api/v1/label/<label>/values`, restricted by `match[]`.
    LabelValues {
        label: String,
        selector: Option<String>,
    },
    /// `/api/v1/metadata?metric=<metric>`.
    Metadata { metric: String },
    /// Loki's `/loki/api/v1/labels` (a LogQL stream selector's label names).
    LokiLabelNames,
    /// Loki's `/loki/api/v1/label/<label>/values`, narrowed to the streams the selector's
    /// other complete matchers pick (`query=`).
    LokiLabelValues {
        label: String,
        stream: Option<String>,
    },
}

/// What the datasource says a metric is (`/api/v1/metadata`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetricInfo {
    /// `counter`, `gauge`, `histogram`, `summary`, `info`, `stateset`, `unknown`.
    pub kind: String,
    pub help: String,
    pub unit: String,
}

/// An answer to a [`CompletionRequest`].
#[derive(Debug, Clone, PartialEq)]
pub enum CompletionAnswer {
    Names(Vec<String>),
    /// The metadata of the metric asked for; `None` when the datasource has none.
    Metadata(Option<MetricInfo>),
}

/// One entry of the completion popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What replaces the word.
    pub text: String,
    /// What it is: a function's signature, `metric`, `label`, `variable`, ...
    pub detail: String,
}

/// PromQL functions and their signatures (Prometheus's documentation, `querying/functions`).
pub const FUNCTIONS: &[(&str, &str)] = &[
    ("abs", "abs(v instant-vector)"),
    ("absent", "absent(v instant-vector)"),
    ("absent_over_time", "absent_over_time(v range-vector)"),
    ("avg_over_time", "avg_over_time(v range-vector)"),
    ("ceil", "ceil(v instant-vector)"),
    ("changes", "changes(v range-vector)"),
    ("clamp", "clamp(v instant-vector, min scalar, max scalar)"),
    ("clamp_max", "clamp_max(v instant-vector, max scalar)"),
    ("clamp_min", "clamp_min(v instant-vector, min scalar)"),
    ("count_over_time", "count_over_time(v range-vector)"),
    (
        "day_of_month",
        "day_of_month(v=vector(time()) instant-vector)",
    ),
    (
        "day_of_week",
        "day_of_week(v=vector(time()) instant-vector)",
    ),
    (
        "days_in_month",
        "days_in_month(v=vector(time()) instant-vector)",
    ),
    ("delta", "delta(v range-vector)"),
    ("deriv", "deriv(v range-vector)"),
    ("exp", "exp(v instant-vector)"),
    ("floor", "floor(v instant-vector)"),
    (
        "histogram_quantile",
        "histogram_quantile(φ scalar, b instant-vector)",
    ),
    ("histogram_count", "histogram_count(v instant-vector)"),
    ("histogram_sum", "histogram_sum(v instant-vector)"),
    (
        "holt_winters",
        "holt_winters(v range-vector, sf scalar, tf scalar)",
    ),
    ("hour", "hour(v=vector(time()) instant-vector)"),
    ("idelta", "idelta(v range-vector)"),
    ("increase", "increase(v range-vector)"),
    ("irate", "irate(v range-vector)"),
    (
        "label_join",
        "label_join(v instant-vector, dst string, separator string, src_1 string, ...)",
    ),
    (
        "label_replace",
        "label_replace(v instant-vector, dst string, replacement string, src string, regex string)",
    ),
    ("last_over_time", "last_over_time(v range-vector)"),
    ("ln", "ln(v instant-vector)"),
    ("log10", "log10(v instant-vector)"),
    ("log2", "log2(v instant-vector)"),
    ("max_over_time", "max_over_time(v range-vector)"),
    ("min_over_time", "min_over_time(v range-vector)"),
    ("minute", "minute(v=vector(time()) instant-vector)"),
    ("month", "month(v=vector(time()) instant-vector)"),
    ("predict_linear", "predict_linear(v range-vector, t scalar)"),
    ("present_over_time", "present_over_time(v range-vector)"),
    (
        "quantile_over_time",
        "quantile_over_time(φ scalar, v range-vector)",
    ),
    ("rate", "rate(v range-vector)"),
    ("resets", "resets(v range-vector)"),
    ("round", "round(v instant-vector, to_nearest=1 scalar)"),
    ("scalar", "scalar(v instant-vector)"),
    ("sgn", "sgn(v instant-vector)"),
    ("sort", "sort(v instant-vector)"),
    ("sort_desc", "sort_desc(v instant-vector)"),
    ("sqrt", "sqrt(v instant-vector)"),
    ("stddev_over_time", "stddev_over_time(v range-vector)"),
    ("stdvar_over_time", "stdvar_over_time(v range-vector)"),
    ("sum_over_time", "sum_over_time(v range-vector)"),
    ("time", "time()"),
    ("timestamp", "timestamp(v instant-vector)"),
    ("vector", "vector(s scalar)"),
    ("year", "year(v=vector(time()) instant-vector)"),
];

/// Aggregation operators (`querying/operators`).
pub const AGGREGATIONS: &[(&str, &str)] = &[
    ("sum", "sum by (labels) (v)"),
    ("min", "min by (labels) (v)"),
    ("max", "max by (labels) (v)"),
    ("avg", "avg by (labels) (v)"),
    ("group", "group by (labels) (v)"),
    ("stddev", "stddev by (labels) (v)"),
    ("stdvar", "stdvar by (labels) (v)"),
    ("count", "count by (labels) (v)"),
    ("count_values", "count_values by (labels) (\"label\", v)"),
    ("bottomk", "bottomk by (labels) (k, v)"),
    ("topk", "topk by (labels) (k, v)"),
    ("quantile", "quantile by (labels) (φ, v)"),
    ("limitk", "limitk by (labels) (k, v)"),
];

/// Keywords of the expression grammar.
pub const KEYWORDS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "offset",
    "and",
    "or",
    "unless",
];

/// Range durations offered inside `[...]`, Grafana's interval variables first.
pub const DURATIONS: &[&str] = &[
    "$__rate_interval",
    "$__interval",
    "$__range",
    "1m",
    "5m",
    "10m",
    "15m",
    "30m",
    "1h",
    "6h",
    "1d",
];

/// Grafana's built-in variables (public/app/features/variables/constants.ts, `$__interval`,
/// `$__rate_interval` and the range ones of `getVariablesDefinitions`).
pub const BUILTIN_VARIABLES: &[&str] = &[
    "__interval",
    "__interval_ms",
    "__rate_interval",
    "__range",
    "__range_s",
    "__range_ms",
    "__from",
    "__to",
    "__dashboard",
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':'
}

/// The completion context at byte offset `cursor` of `text` (clamped to a char boundary);
/// `None` inside a string that is not a label value, or in a comment.
pub fn context(text: &str, cursor: usize) -> Option<CompletionContext> {
    let mut cursor = cursor.min(text.len());
    while !text.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let scan = scan(&text[..cursor]);
    if scan.in_comment {
        return None;
    }
    if let Some((quote, start)) = scan.string {
        let brace = scan.braces.last().copied()?;
        let label = label_before_operator(&text[..start])?;
        let end = text[cursor..]
            .find(quote)
            .map(|e| cursor + e)
            .unwrap_or(text.len());
        let close_quote = (end == text.len()).then_some(quote);
        return Some(CompletionContext {
            want: Want::LabelValue { label },
            prefix: text[start + 1..cursor].to_string(),
            replace: start + 1..end,
            selector: selector_of(text, brace, Some(start)),
            close_quote,
        });
    }
    let bytes = text.as_bytes();
    let mut start = cursor;
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    let variable = start > 0 && bytes[start - 1] == b'$';
    let mut end = cursor;
    while end < text.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    let prefix = text[start..cursor].to_string();
    if variable {
        return Some(CompletionContext {
            want: Want::Variable,
            prefix,
            replace: start - 1..end,
            selector: None,
            close_quote: None,
        });
    }
    let plain = |want| CompletionContext {
        want,
        prefix: prefix.clone(),
        replace: start..end,
        selector: None,
        close_quote: None,
    };
    match scan.innermost() {
        Some(Opener::Bracket) => Some(plain(Want::Duration)),
        Some(Opener::Brace(at)) => {
            // Label names come first in a matcher; after an operator a value needs its quote.
            let before = text[..start].trim_end();
            if before.ends_with('{') || before.ends_with(',') {
                Some(CompletionContext {
                    selector: selector_of(text, at, Some(start)),
                    ..plain(Want::LabelName)
                })
            } else {
                None
            }
        }
        Some(Opener::Paren(at)) if grouping_paren(&text[..at]) => Some(plain(Want::LabelName)),
        _ => Some(plain(Want::Expression)),
    }
}

/// Whether a `(` opens a label list: `by (`, `without (`, `on (`, `ignoring (`, `group_left (`.
fn grouping_paren(before: &str) -> bool {
    let word: String = before
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    matches!(
        word.to_ascii_lowercase().as_str(),
        "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
    )
}

/// The label name before a matcher operator that ends `before` (`mode=`, `job =~ `).
fn label_before_operator(before: &str) -> Option<String> {
    let t = before.trim_end();
    let t = ["=~", "!~", "!=", "="]
        .iter()
        .find_map(|op| t.strip_suffix(op))?
        .trim_end();
    let name: String = t
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!name.is_empty()).then_some(name)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Opener {
    Paren(usize),
    Brace(usize),
    Bracket,
}

struct Scan {
    /// Unclosed openers, outermost first.
    stack: Vec<Opener>,
    /// Positions of the unclosed `{`.
    braces: Vec<usize>,
    /// An unterminated string: its quote and where it starts.
    string: Option<(char, usize)>,
    in_comment: bool,
}

impl Scan {
    fn innermost(&self) -> Option<Opener> {
        self.stack.last().copied()
    }
}

/// Brackets, strings and comments of a text (the part before the cursor).
fn scan(text: &str) -> Scan {
    let mut s = Scan {
        stack: Vec::new(),
        braces: Vec::new(),
        string: None,
        in_comment: false,
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if s.in_comment {
            s.in_comment = c != '\n';
            continue;
        }
        if let Some((quote, _)) = s.string {
            if c == '\\' && quote != '`' {
                chars.next();
            } else if c == quote {
                s.string = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => s.string = Some((c, i)),
            '#' => s.in_comment = true,
            '(' => s.stack.push(Opener::Paren(i)),
            '{' => {
                s.stack.push(Opener::Brace(i));
                s.braces.push(i);
            }
            '[' => s.stack.push(Opener::Bracket),
            ')' | '}' | ']' => {
                if let Some(Opener::Brace(_)) = s.stack.pop() {
                    s.braces.pop();
                }
            }
            _ => {}
        }
    }
    s
}

/// The selector for `match[]` of the braces opened at `brace`: the metric name before it and
/// the complete matchers inside, except the one at `skip` (the one being typed). Matchers that
/// use variables are left out (their values are not known here).
fn selector_of(text: &str, brace: usize, skip: Option<usize>) -> Option<String> {
    let metric: String = text[..brace]
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let metric = if metric.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && !text[..brace].trim_end().ends_with('$')
    {
        metric
    } else {
        String::new()
    };
    let mut matchers = Vec::new();
    for (range, matcher) in split_matchers(text, brace + 1) {
        if skip.is_some_and(|s| range.contains(&s) || range.end == s) {
            continue;
        }
        if is_complete_matcher(matcher) {
            matchers.push(matcher.trim().to_string());
        }
    }
    if metric.is_empty() && matchers.is_empty() {
        return None;
    }
    Some(format!("{metric}{{{}}}", matchers.join(",")))
}

/// The comma-separated parts of a selector body from `from` to its `}` (or the end).
fn split_matchers(text: &str, from: usize) -> Vec<(Range<usize>, &str)> {
    let mut parts = Vec::new();
    let mut start = from;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (offset, c) in text[from..].char_indices() {
        let i = from + offset;
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            ',' | '}' => {
                parts.push((start..i, &text[start..i]));
                start = i + 1;
                if c == '}' {
                    return parts;
                }
            }
            _ => {}
        }
    }
    parts.push((start..text.len(), &text[start..]));
    parts
}

/// `name op "value"` with the value's closing quote, and no variable in it.
fn is_complete_matcher(matcher: &str) -> bool {
    let m = matcher.trim();
    if m.contains('$') {
        return false;
    }
    let Some(op_at) = m.find(['=', '!']) else {
        return false;
    };
    let name = m[..op_at].trim();
    let value = m[op_at..].trim_start_matches(['=', '!', '~']).trim();
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && value.len() >= 2
        && (value.starts_with('"') && value.ends_with('"')
            || value.starts_with('\'') && value.ends_with('\'')
            || value.starts_with('`') && value.ends_with('`'))
}

impl CompletionContext {
    /// The datasource question this context needs answered, if any.
    pub fn request(&self) -> Option<CompletionRequest> {
        match &self.want {
            Want::Expression if !self.prefix.is_empty() => Some(CompletionRequest::MetricNames),
            Want::LabelName => Some(CompletionRequest::LabelNames {
                selector: self.selector.clone(),
            }),
            Want::LabelValue { label } => Some(CompletionRequest::LabelValues {
                label: label.clone(),
                selector: self.selector.clone(),
            }),
            _ => None,
        }
    }

    /// The Loki question this context needs answered in a LogQL query: label names and values
    /// of a stream selector (Loki's label APIs know nothing of metrics).
    pub fn logql_request(&self) -> Option<CompletionRequest> {
        match &self.want {
            Want::LabelName => Some(CompletionRequest::LokiLabelNames),
            Want::LabelValue { label } => Some(CompletionRequest::LokiLabelValues {
                label: label.clone(),
                // A stream selector is matchers in braces only (no metric name in LogQL).
                stream: self.selector.clone().filter(|s| s.starts_with('{')),
            }),
            _ => None,
        }
    }

    /// Candidates in a LogQL query: stream labels and values from Loki, LogQL's range and
    /// vector aggregations, range durations.
    pub fn logql_candidates(&self, names: Option<&[String]>) -> Vec<Candidate> {
        use crate::grafana::logql::{RANGE_FUNCTIONS, VECTOR_AGGREGATIONS};
        let with = |text: &str, detail: &str| Candidate {
            text: text.to_string(),
            detail: detail.to_string(),
        };
        let names = names.unwrap_or_default();
        let all: Vec<Candidate> = match &self.want {
            Want::Expression => RANGE_FUNCTIONS
                .iter()
                .map(|f| with(f, "range aggregation over log lines"))
                .chain(VECTOR_AGGREGATIONS.iter().map(|a| with(a, "aggregation")))
                .chain(["by", "without"].iter().map(|k| with(k, "keyword")))
                .collect(),
            Want::LabelName => names.iter().map(|n| with(n, "stream label")).collect(),
            Want::LabelValue { label } => names.iter().map(|n| with(n, label)).collect(),
            Want::Duration => DURATIONS.iter().map(|d| with(d, "range")).collect(),
            Want::Variable => Vec::new(),
        };
        ranked(&self.prefix, all)
    }

    /// Whether a popup is worth showing before the user asks (an empty word in an expression
    /// offers everything, which helps nobody).
    pub fn worth_offering(&self) -> bool {
        !(self.want == Want::Expression && self.prefix.is_empty())
    }

    /// The candidates for this context, best first: `names` is the answer to
    /// [`CompletionContext::request`] when known, `variables` the dashboard's variable names.
    pub fn candidates(&self, names: Option<&[String]>, variables: &[String]) -> Vec<Candidate> {
        let mut all: Vec<Candidate> = Vec::new();
        let with = |text: &str, detail: &str| Candidate {
            text: text.to_string(),
            detail: detail.to_string(),
        };
        let names = names.unwrap_or_default();
        match &self.want {
            Want::Expression => {
                all.extend(FUNCTIONS.iter().map(|(n, s)| with(n, s)));
                all.extend(AGGREGATIONS.iter().map(|(n, s)| with(n, s)));
                all.extend(KEYWORDS.iter().map(|k| with(k, "keyword")));
                all.extend(names.iter().map(|n| with(n, "metric")));
            }
            Want::LabelName => {
                all.extend(
                    names
                        .iter()
                        .filter(|n| *n != "__name__")
                        .map(|n| with(n, "label")),
                );
            }
            Want::LabelValue { label } => {
                all.extend(names.iter().map(|n| with(n, label)));
            }
            Want::Duration => {
                all.extend(DURATIONS.iter().map(|d| with(d, "range")));
            }
            Want::Variable => {
                all.extend(variables.iter().map(|v| with(&format!("${v}"), "variable")));
                all.extend(
                    BUILTIN_VARIABLES
                        .iter()
                        .map(|v| with(&format!("${v}"), "built-in")),
                );
            }
        }
        let typed = match self.want {
            Want::Variable => format!("${}", self.prefix),
            _ => self.prefix.clone(),
        };
        ranked(&typed, all)
    }

    /// The text after choosing `candidate`, and the cursor after it.
    pub fn apply(&self, text: &str, candidate: &Candidate) -> (String, usize) {
        let mut inserted = candidate.text.clone();
        if let Some(quote) = self.close_quote {
            inserted.push(quote);
        }
        let mut out = String::with_capacity(text.len() + inserted.len());
        out.push_str(&text[..self.replace.start]);
        out.push_str(&inserted);
        let cursor = out.len();
        out.push_str(&text[self.replace.end..]);
        (out, cursor)
    }
}

/// The candidates matching `typed`, best first (equal ones once).
fn ranked(typed: &str, all: Vec<Candidate>) -> Vec<Candidate> {
    let mut ranked: Vec<(u32, Candidate)> = all
        .into_iter()
        .filter_map(|c| fuzzy_score(typed, &c.text).map(|s| (s, c)))
        .collect();
    ranked.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.text.len().cmp(&b.1.text.len()))
            .then(a.1.text.cmp(&b.1.text))
    });
    ranked.dedup_by(|a, b| a.1.text == b.1.text);
    ranked.into_iter().map(|(_, c)| c).collect()
}

/// How well `typed` matches `candidate`, lower is better: a prefix, then a substring (earlier
/// is better), then the letters in order; `None` when they are not all there. Case-insensitive.
pub fn fuzzy_score(typed: &str, candidate: &str) -> Option<u32> {
    let t = typed.to_ascii_lowercase();
    let c = candidate.to_ascii_lowercase();
    if t.is_empty() || c.starts_with(&t) {
        return Some(0);
    }
    if let Some(at) = c.find(&t) {
        return Some(1000 + at as u32);
    }
    let mut rest = c.chars();
    let mut gaps = 0u32;
    for wanted in t.chars() {
        let mut skipped = 0;
        loop {
            let next = rest.next()?;
            if next == wanted {
                break;
            }
            skipped += 1;
        }
        gaps += skipped;
    }
    Some(10_000 + gaps)
}

/// The metric name the cursor is on (or the nearest one before it): what the HELP line shows.
pub fn metric_at(text: &str, cursor: usize) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for (range, name) in metric_names(text) {
        if range.start <= cursor {
            best = Some((range.start, name));
        } else if best.is_none() {
            return Some(name);
        }
    }
    best.map(|(_, n)| n)
}

/// Identifiers of the text that name metrics (not functions, keywords, labels or strings),
/// with where they are.
pub fn metric_names(text: &str) -> Vec<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut depth_brace = 0usize;
    let mut depth_bracket = 0usize;
    let mut label_list = Vec::<bool>::new();
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' | b'\'' | b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b {
                    if bytes[i] == b'\\' && b != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'{' => depth_brace += 1,
            b'}' => depth_brace = depth_brace.saturating_sub(1),
            b'[' => depth_bracket += 1,
            b']' => depth_bracket = depth_bracket.saturating_sub(1),
            b'(' => label_list.push(grouping_paren(&text[..i])),
            b')' => {
                label_list.pop();
            }
            _ => {}
        }
        if is_word_byte(b) && !b.is_ascii_digit() && (i == 0 || !is_word_byte(bytes[i - 1])) {
            let start = i;
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            let word = &text[start..i];
            let after = text[i..].trim_start();
            let dollar = start > 0 && bytes[start - 1] == b'$';
            let known = FUNCTIONS.iter().any(|(n, _)| *n == word)
                || AGGREGATIONS.iter().any(|(n, _)| *n == word)
                || KEYWORDS.contains(&word.to_ascii_lowercase().as_str());
            let in_labels = depth_brace > 0 || label_list.last().copied().unwrap_or(false);
            if !dollar && !known && !in_labels && depth_bracket == 0 && !after.starts_with('(') {
                found.push((start..i, word.to_string()));
            }
            continue;
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> CompletionContext {
        context(text, text.len()).expect("a context")
    }

    #[test]
    fn a_word_in_expression_position_wants_metrics_and_functions() {
        let c = at_end("node_cpu_sec");
        assert_eq!(c.want, Want::Expression);
        assert_eq!(c.prefix, "node_cpu_sec");
        assert_eq!(c.replace, 0..12);
        assert_eq!(c.request(), Some(CompletionRequest::MetricNames));
        let names = vec![
            "node_cpu_guest_seconds_total".to_string(),
            "node_cpu_seconds_total".to_string(),
            "up".to_string(),
        ];
        let got = c.candidates(Some(&names), &[]);
        assert_eq!(got[0].text, "node_cpu_seconds_total");
        assert!(got.iter().all(|c| c.text != "up"));
        let (text, cursor) = c.apply("node_cpu_sec", &got[0]);
        assert_eq!(text, "node_cpu_seconds_total");
        assert_eq!(cursor, text.len());
    }

    #[test]
    fn functions_come_with_their_signatures() {
        let c = at_end("sum(ra");
        let got = c.candidates(Some(&[]), &[]);
        assert_eq!(got[0].text, "rate");
        assert_eq!(got[0].detail, "rate(v range-vector)");
    }

    #[test]
    fn a_label_name_in_a_selector_is_restricted_by_the_metric_and_other_matchers() {
        let c = at_end("node_cpu_seconds_total{cpu=\"0\", mo");
        assert_eq!(c.want, Want::LabelName);
        assert_eq!(c.prefix, "mo");
        assert_eq!(
            c.selector.as_deref(),
            Some("node_cpu_seconds_total{cpu=\"0\"}")
        );
        let names = vec!["cpu".to_string(), "mode".into(), "__name__".into()];
        let got = c.candidates(Some(&names), &[]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, "mode");
    }

    #[test]
    fn a_label_value_after_the_quote_brings_the_closing_quote() {
        let text = "node_cpu_seconds_total{mode=\"id";
        let c = at_end(text);
        assert_eq!(
            c.want,
            Want::LabelValue {
                label: "mode".into()
            }
        );
        assert_eq!(c.prefix, "id");
        assert_eq!(c.selector.as_deref(), Some("node_cpu_seconds_total{}"));
        assert_eq!(
            c.request(),
            Some(CompletionRequest::LabelValues {
                label: "mode".into(),
                selector: Some("node_cpu_seconds_total{}".into())
            })
        );
        let values = vec!["idle".to_string(), "user".into()];
        let got = c.candidates(Some(&values), &[]);
        assert_eq!(got[0].text, "idle");
        assert_eq!(
            c.apply(text, &got[0]).0,
            "node_cpu_seconds_total{mode=\"idle\""
        );
    }

    #[test]
    fn a_value_in_the_middle_keeps_the_matchers_after_it_in_the_selector() {
        let text = "up{job=~\"pr\", instance=\"a:9090\"}";
        let cursor = text.find("pr").unwrap() + 2;
        let c = context(text, cursor).unwrap();
        assert_eq!(c.prefix, "pr");
        assert_eq!(c.close_quote, None);
        assert_eq!(c.selector.as_deref(), Some("up{instance=\"a:9090\"}"));
        assert_eq!(c.replace, cursor - 2..cursor);
    }

    #[test]
    fn loki_label_values_are_narrowed_by_the_other_stream_matchers() {
        let text = r#"{job="api", level=""#;
        let ctx = context(text, text.len()).unwrap();
        assert_eq!(
            ctx.logql_request(),
            Some(CompletionRequest::LokiLabelValues {
                label: "level".into(),
                stream: Some(r#"{job="api"}"#.into())
            })
        );
        let alone = r#"{level=""#;
        let ctx = context(alone, alone.len()).unwrap();
        assert_eq!(
            ctx.logql_request(),
            Some(CompletionRequest::LokiLabelValues {
                label: "level".into(),
                stream: None
            })
        );
    }

    #[test]
    fn a_selector_without_metric_or_matchers_restricts_nothing() {
        assert_eq!(at_end("{jo").selector, None);
        assert_eq!(
            at_end("{job=\"$job\", inst").selector,
            None,
            "a matcher with a variable is left out"
        );
    }

    #[test]
    fn durations_variables_and_grouping_labels() {
        assert_eq!(at_end("rate(x[5").want, Want::Duration);
        let v = at_end("up{instance=~\"$inst\"} + $ins");
        assert_eq!(v.want, Want::Variable);
        let got = v.candidates(None, &["instance".into()]);
        assert_eq!(got[0].text, "$instance");
        assert_eq!(v.replace.len(), 4);
        assert_eq!(at_end("sum by (ins").want, Want::LabelName);
        assert_eq!(at_end("sum(rate(x[5m])) by (jo").want, Want::LabelName);
    }

    #[test]
    fn strings_that_are_not_label_values_and_comments_offer_nothing() {
        assert_eq!(context("label_replace(up, \"ds", 20), None);
        assert_eq!(context("up # a comm", 11), None);
        assert!(!at_end("").worth_offering());
        assert!(at_end("rate(x[").worth_offering());
    }

    #[test]
    fn fuzzy_prefers_prefixes_then_substrings_then_letters_in_order() {
        assert!(fuzzy_score("node", "node_load1") < fuzzy_score("load", "node_load1"));
        assert!(fuzzy_score("load", "node_load1") < fuzzy_score("nld", "node_load1"));
        assert_eq!(fuzzy_score("xyz", "node_load1"), None);
    }

    #[test]
    fn the_metric_at_the_cursor_skips_functions_labels_and_ranges() {
        let text =
            "sum by (mode) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) / on(instance) up";
        let names: Vec<String> = metric_names(text).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["node_cpu_seconds_total", "up"]);
        assert_eq!(
            metric_at(text, 2).as_deref(),
            Some("node_cpu_seconds_total")
        );
        assert_eq!(metric_at(text, text.len()).as_deref(), Some("up"));
    }
}
