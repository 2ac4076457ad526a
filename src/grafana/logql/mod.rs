//! LogQL, Loki's query language, as far as triage needs it: a parser that tells a log query
//! (`{app="gw"} |= "error" | logfmt | level="error"`) from a metric query
//! (`sum by (level) (rate({app="gw"} | logfmt [5m]))`), checks its stream selector, pipeline
//! stages and range, and says what is wrong and where. The grammar follows Loki's own
//! (pkg/logql/syntax/syntax.y in grafana/loki); the stand-in Loki evaluates the tree it builds.

mod lexer;
mod parser;

use lexer::{Tok, tokens};
use parser::Parser;

use crate::grafana::model::LabelMatcher;

/// What is wrong with a query, and the byte offset where.
#[derive(Debug, Clone, PartialEq)]
pub struct LogqlError {
    pub offset: usize,
    pub message: String,
}

impl LogqlError {
    fn at(offset: usize, message: impl Into<String>) -> Self {
        LogqlError {
            offset,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for LogqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at column {}: {}", self.offset + 1, self.message)
    }
}

/// A stream selector and the pipeline its lines go through.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogQuery {
    pub matchers: Vec<LabelMatcher>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// `|= "a"`, `!= "a"`, `|~ "re"`, `!~ "re"` (several values joined by `or`).
    LineFilter { op: String, values: Vec<String> },
    /// `| json`, `| logfmt`, `| regexp "…"`, `| pattern "…"`, `| unpack`.
    Parser { name: String },
    /// `| level="error"`, `| status >= 500 and duration > 1s`.
    LabelFilter(LabelPredicate),
    /// `| line_format "…"`, `| label_format a="…"`, `| drop a`, `| keep a`, `| decolorize`.
    Format { name: String },
    /// `| unwrap bytes`, `| unwrap duration(latency)`.
    Unwrap { label: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LabelPredicate {
    Compare {
        label: String,
        op: String,
        value: Literal,
    },
    And(Box<LabelPredicate>, Box<LabelPredicate>),
    Or(Box<LabelPredicate>, Box<LabelPredicate>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    /// A number, duration (`1s`) or size (`10KB`) as written.
    Num(String),
}

/// `by (a, b)` or `without (a)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    pub without: bool,
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A log query: its answer is log lines (`streams`).
    Log(LogQuery),
    /// `rate({…}[5m])`, `count_over_time(…)`, `quantile_over_time(0.99, … | unwrap x [1m])`.
    RangeAggregation {
        function: String,
        param: Option<f64>,
        query: LogQuery,
        range_ms: i64,
        offset_ms: i64,
        grouping: Option<Grouping>,
    },
    /// `sum by (level) (…)`, `topk(5, …)`.
    VectorAggregation {
        op: String,
        param: Option<f64>,
        grouping: Option<Grouping>,
        inner: Box<Expr>,
    },
    Binary {
        op: String,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Number(f64),
    /// `label_replace(…)`, `vector(1)`, `absent_over_time` and the like, kept by name.
    Function {
        name: String,
        args: Vec<Expr>,
    },
}

impl Expr {
    /// A log query answers lines; everything else answers series.
    pub fn is_log_query(&self) -> bool {
        matches!(self, Expr::Log(_))
    }
}

/// Range aggregations over log lines (Loki's docs, "Metric queries").
pub const RANGE_FUNCTIONS: &[&str] = &[
    "rate",
    "count_over_time",
    "bytes_rate",
    "bytes_over_time",
    "absent_over_time",
    "rate_counter",
    "sum_over_time",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
    "stdvar_over_time",
    "stddev_over_time",
    "quantile_over_time",
];

/// Aggregations over series.
pub const VECTOR_AGGREGATIONS: &[&str] = &[
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "sort",
    "sort_desc",
    "approx_topk",
];

/// Range functions that need `| unwrap label` (they aggregate a label's values).
const UNWRAP_FUNCTIONS: &[&str] = &[
    "rate_counter",
    "sum_over_time",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
    "stdvar_over_time",
    "stddev_over_time",
    "quantile_over_time",
];

/// Parse a LogQL query (variables already interpolated).
pub fn parse(text: &str) -> Result<Expr, LogqlError> {
    let mut parser = Parser {
        toks: tokens(text)?,
        at: 0,
    };
    let expr = parser.expr(0)?;
    match parser.peek() {
        Tok::Eof => Ok(expr),
        other => Err(parser.error(format!(
            "unexpected {} after a complete query",
            other.describe()
        ))),
    }
}

/// Milliseconds of a LogQL/Prometheus duration (`5m`, `1h30m`, `250ms`).
pub fn duration_ms(text: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let count: i64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            "y" => 31_536_000_000,
            _ => return None,
        };
        total = total.checked_add(count.checked_mul(scale)?)?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests;
