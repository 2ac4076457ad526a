//! The recursive-descent parser behind [`super::parse`]: LogQL's grammar (log queries with
//! their pipeline, range and vector aggregations, binary operators) into [`super::Expr`].

use super::lexer::{Spanned, Tok};
use super::*;

pub(super) struct Parser {
    pub(super) toks: Vec<Spanned>,
    pub(super) at: usize,
}

/// Binary operators by precedence, lowest first (as PromQL's, which LogQL follows).
const PRECEDENCE: &[&[&str]] = &[
    &["or"],
    &["and", "unless"],
    &["==", "!=", ">", ">=", "<", "<="],
    &["+", "-"],
    &["*", "/", "%"],
    &["^"],
];

impl Parser {
    pub(super) fn peek(&self) -> &Tok {
        &self.toks[self.at.min(self.toks.len() - 1)].0
    }

    fn offset(&self) -> usize {
        self.toks[self.at.min(self.toks.len() - 1)].1
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.at < self.toks.len() - 1 {
            self.at += 1;
        }
        tok
    }

    pub(super) fn error(&self, message: impl Into<String>) -> LogqlError {
        LogqlError::at(self.offset(), message)
    }

    fn expect(&mut self, want: &Tok, context: &str) -> Result<(), LogqlError> {
        if self.peek() == want {
            self.next();
            Ok(())
        } else {
            Err(self.error(format!(
                "expected {} {context}, found {}",
                want.describe(),
                self.peek().describe()
            )))
        }
    }

    fn is_ident(&self, name: &str) -> bool {
        matches!(self.peek(), Tok::Ident(n) if n == name)
    }

    fn binary_op(&self) -> Option<String> {
        match self.peek() {
            Tok::Op(op) if *op != "=" && *op != "=~" && *op != "|=" && *op != "|~" => {
                Some(op.to_string())
            }
            Tok::Op(_) => None,
            Tok::Arith(c) => Some(c.to_string()),
            Tok::Ident(name) if ["or", "and", "unless"].contains(&name.as_str()) => {
                Some(name.clone())
            }
            _ => None,
        }
    }

    /// Binary expressions by precedence climbing; `^` is right-associative.
    pub(super) fn expr(&mut self, level: usize) -> Result<Expr, LogqlError> {
        if level == PRECEDENCE.len() {
            return self.unary();
        }
        let mut lhs = self.expr(level + 1)?;
        while let Some(op) = self
            .binary_op()
            .filter(|op| PRECEDENCE[level].contains(&op.as_str()))
        {
            self.next();
            self.binary_modifiers()?;
            let rhs = if op == "^" {
                self.expr(level)?
            } else {
                self.expr(level + 1)?
            };
            for side in [&lhs, &rhs] {
                if side.is_log_query() {
                    return Err(self.error(format!(
                        "a log query cannot be an operand of `{op}`: aggregate it first (e.g. count_over_time(…[5m]))"
                    )));
                }
            }
            lhs = Expr::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
        }
        Ok(lhs)
    }

    /// `bool`, `on(…)`/`ignoring(…)`, `group_left(…)`/`group_right(…)` after an operator.
    fn binary_modifiers(&mut self) -> Result<(), LogqlError> {
        if self.is_ident("bool") {
            self.next();
        }
        for words in [["on", "ignoring"], ["group_left", "group_right"]] {
            if words.iter().any(|w| self.is_ident(w)) {
                self.next();
                if self.peek() == &Tok::LParen {
                    self.label_list()?;
                }
            }
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Expr, LogqlError> {
        if self.peek() == &Tok::Arith('-') {
            self.next();
            let inner = self.unary()?;
            return Ok(Expr::Binary {
                op: "*".into(),
                lhs: Box::new(Expr::Number(-1.0)),
                rhs: Box::new(inner),
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, LogqlError> {
        match self.peek().clone() {
            Tok::LParen => {
                self.next();
                let inner = self.expr(0)?;
                self.expect(&Tok::RParen, "to close `(`")?;
                Ok(inner)
            }
            Tok::Num(text) => {
                let value = text
                    .parse::<f64>()
                    .map_err(|_| self.error(format!("`{text}` is not a number")))?;
                self.next();
                Ok(Expr::Number(value))
            }
            Tok::LBrace => Ok(Expr::Log(self.log_query()?)),
            Tok::Ident(name) => self.call(&name),
            other => Err(self.error(format!(
                "expected a stream selector `{{…}}`, a function or a number, found {}",
                other.describe()
            ))),
        }
    }

    fn call(&mut self, name: &str) -> Result<Expr, LogqlError> {
        let start = self.offset();
        self.next();
        if RANGE_FUNCTIONS.contains(&name) {
            return self.range_aggregation(name);
        }
        if VECTOR_AGGREGATIONS.contains(&name) {
            return self.vector_aggregation(name);
        }
        if !["label_replace", "vector"].contains(&name) {
            return Err(LogqlError::at(
                start,
                format!("unknown function `{name}` (LogQL's are rate, count_over_time, sum, …)"),
            ));
        }
        self.expect(&Tok::LParen, &format!("after `{name}`"))?;
        let mut args = Vec::new();
        loop {
            match self.peek().clone() {
                Tok::Str(text) => {
                    self.next();
                    args.push(Expr::Function {
                        name: text,
                        args: Vec::new(),
                    });
                }
                _ => args.push(self.expr(0)?),
            }
            if self.peek() == &Tok::Comma {
                self.next();
                continue;
            }
            self.expect(&Tok::RParen, &format!("to close `{name}(`"))?;
            return Ok(Expr::Function {
                name: name.to_string(),
                args,
            });
        }
    }

    fn range_aggregation(&mut self, function: &str) -> Result<Expr, LogqlError> {
        self.expect(&Tok::LParen, &format!("after `{function}`"))?;
        let param = if function == "quantile_over_time" {
            let value = self.number_param(function)?;
            self.expect(&Tok::Comma, "after the quantile")?;
            Some(value)
        } else {
            None
        };
        // The range may be written in parentheses: `rate(({a="b"} |= "x")[5m])`.
        let parenthesised = self.peek() == &Tok::LParen;
        if parenthesised {
            self.next();
        }
        let selector_at = self.offset();
        if self.peek() != &Tok::LBrace {
            return Err(self.error(format!(
                "`{function}` takes a log query with a range, e.g. {function}({{app=\"x\"}}[5m]); found {}",
                self.peek().describe()
            )));
        }
        let mut query = LogQuery {
            matchers: self.selector()?,
            stages: Vec::new(),
        };
        // The range may follow the selector or the whole pipeline.
        let mut range_ms = self.range()?;
        query.stages = self.pipeline()?;
        if parenthesised {
            self.expect(&Tok::RParen, "to close the log query")?;
        }
        if range_ms.is_none() {
            range_ms = self.range()?;
        }
        let Some(range_ms) = range_ms else {
            return Err(self.error(format!(
                "`{function}` needs a range after its log query, e.g. [5m] or [$__auto]; found {}",
                self.peek().describe()
            )));
        };
        let offset_ms = self.offset_modifier()?;
        let unwrapped = query
            .stages
            .iter()
            .any(|s| matches!(s, Stage::Unwrap { .. }));
        if UNWRAP_FUNCTIONS.contains(&function) && !unwrapped {
            return Err(LogqlError::at(
                selector_at,
                format!("`{function}` aggregates a label's values: add `| unwrap <label>`"),
            ));
        }
        if !UNWRAP_FUNCTIONS.contains(&function) && unwrapped {
            return Err(LogqlError::at(
                selector_at,
                format!(
                    "`{function}` counts lines; `| unwrap` belongs to sum_over_time and the like"
                ),
            ));
        }
        self.expect(&Tok::RParen, &format!("to close `{function}(`"))?;
        let grouping = self.grouping()?;
        Ok(Expr::RangeAggregation {
            function: function.to_string(),
            param,
            query,
            range_ms,
            offset_ms,
            grouping,
        })
    }

    fn vector_aggregation(&mut self, op: &str) -> Result<Expr, LogqlError> {
        let mut grouping = self.grouping()?;
        self.expect(&Tok::LParen, &format!("after `{op}`"))?;
        let param = if ["topk", "bottomk", "approx_topk"].contains(&op) {
            let value = self.number_param(op)?;
            self.expect(&Tok::Comma, &format!("after the count of `{op}`"))?;
            Some(value)
        } else {
            None
        };
        let inner_at = self.offset();
        let inner = self.expr(0)?;
        if inner.is_log_query() {
            return Err(LogqlError::at(
                inner_at,
                format!(
                    "`{op}` aggregates series, not log lines: wrap the log query in rate(…[5m]) or count_over_time(…[5m])"
                ),
            ));
        }
        self.expect(&Tok::RParen, &format!("to close `{op}(`"))?;
        if grouping.is_none() {
            grouping = self.grouping()?;
        }
        Ok(Expr::VectorAggregation {
            op: op.to_string(),
            param,
            grouping,
            inner: Box::new(inner),
        })
    }

    fn number_param(&mut self, function: &str) -> Result<f64, LogqlError> {
        match self.next() {
            Tok::Num(text) => text
                .parse()
                .map_err(|_| self.error(format!("`{text}` is not a number"))),
            other => Err(self.error(format!(
                "`{function}` takes a number first, found {}",
                other.describe()
            ))),
        }
    }

    fn grouping(&mut self) -> Result<Option<Grouping>, LogqlError> {
        let without = match self.peek() {
            Tok::Ident(word) if word == "by" => false,
            Tok::Ident(word) if word == "without" => true,
            _ => return Ok(None),
        };
        self.next();
        Ok(Some(Grouping {
            without,
            labels: self.label_list()?,
        }))
    }

    fn label_list(&mut self) -> Result<Vec<String>, LogqlError> {
        self.expect(&Tok::LParen, "before the label list")?;
        let mut labels = Vec::new();
        while let Tok::Ident(name) = self.peek().clone() {
            self.next();
            labels.push(name);
            if self.peek() != &Tok::Comma {
                break;
            }
            self.next();
        }
        self.expect(&Tok::RParen, "to close the label list")?;
        Ok(labels)
    }

    fn range(&mut self) -> Result<Option<i64>, LogqlError> {
        if self.peek() != &Tok::LBracket {
            return Ok(None);
        }
        self.next();
        let ms = match self.next() {
            Tok::Num(text) => duration_ms(&text).filter(|ms| *ms > 0).ok_or_else(|| {
                LogqlError::at(
                    self.toks[self.at - 1].1,
                    format!("range `{text}` is not a duration like 5m or 1h"),
                )
            })?,
            other => {
                return Err(LogqlError::at(
                    self.toks[self.at - 1].1,
                    format!("expected a range like [5m], found {}", other.describe()),
                ));
            }
        };
        self.expect(&Tok::RBracket, "to close the range")?;
        Ok(Some(ms))
    }

    fn offset_modifier(&mut self) -> Result<i64, LogqlError> {
        if !self.is_ident("offset") {
            return Ok(0);
        }
        self.next();
        match self.next() {
            Tok::Num(text) => duration_ms(&text)
                .ok_or_else(|| self.error(format!("offset `{text}` is not a duration"))),
            other => Err(self.error(format!(
                "expected a duration after `offset`, found {}",
                other.describe()
            ))),
        }
    }

    fn log_query(&mut self) -> Result<LogQuery, LogqlError> {
        let matchers = self.selector()?;
        let stages = self.pipeline()?;
        if self.peek() == &Tok::LBracket {
            return Err(self.error(
                "a range belongs inside a metric function: rate({…}[5m]), count_over_time({…}[5m])",
            ));
        }
        Ok(LogQuery { matchers, stages })
    }

    fn selector(&mut self) -> Result<Vec<LabelMatcher>, LogqlError> {
        let open = self.offset();
        self.expect(&Tok::LBrace, "to start the stream selector")?;
        let mut matchers = Vec::new();
        while let Tok::Ident(label) = self.peek().clone() {
            self.next();
            let op = match self.next() {
                Tok::Op(op @ ("=" | "!=" | "=~" | "!~")) => op,
                other => {
                    return Err(LogqlError::at(
                        self.toks[self.at - 1].1,
                        format!(
                            "expected =, !=, =~ or !~ after label `{label}`, found {}",
                            other.describe()
                        ),
                    ));
                }
            };
            let value_at = self.offset();
            let Tok::Str(value) = self.next() else {
                return Err(LogqlError::at(
                    value_at,
                    format!("the value of `{label}` must be a quoted string"),
                ));
            };
            if op.contains('~') {
                check_regex(&value, value_at)?;
            }
            matchers.push(LabelMatcher::new(label, op, value));
            if self.peek() != &Tok::Comma {
                break;
            }
            self.next();
        }
        self.expect(&Tok::RBrace, "to close the stream selector")?;
        if matchers.is_empty() {
            return Err(LogqlError::at(
                open,
                "a stream selector needs at least one label matcher, e.g. {app=\"x\"}",
            ));
        }
        Ok(matchers)
    }

    fn pipeline(&mut self) -> Result<Vec<Stage>, LogqlError> {
        let mut stages = Vec::new();
        loop {
            match self.peek().clone() {
                Tok::Op(op @ ("|=" | "!=" | "|~" | "!~")) => {
                    self.next();
                    stages.push(self.line_filter(op)?);
                }
                Tok::Pipe => {
                    self.next();
                    stages.push(self.stage()?);
                }
                _ => return Ok(stages),
            }
        }
    }

    fn line_filter(&mut self, op: &str) -> Result<Stage, LogqlError> {
        let mut values = Vec::new();
        loop {
            let at = self.offset();
            match self.next() {
                Tok::Str(value) => {
                    if op.contains('~') {
                        check_regex(&value, at)?;
                    }
                    values.push(value);
                }
                // `|= ip("10.0.0.0/8")`
                Tok::Ident(name) if name == "ip" => {
                    self.expect(&Tok::LParen, "after `ip`")?;
                    let Tok::Str(value) = self.next() else {
                        return Err(self.error("`ip(…)` takes a quoted address or range"));
                    };
                    self.expect(&Tok::RParen, "to close `ip(`")?;
                    values.push(value);
                }
                other => {
                    return Err(LogqlError::at(
                        at,
                        format!(
                            "line filter `{op}` needs a quoted string, found {}",
                            other.describe()
                        ),
                    ));
                }
            }
            if !self.is_ident("or") || !matches!(self.toks.get(self.at + 1), Some((Tok::Str(_), _)))
            {
                break;
            }
            self.next();
        }
        Ok(Stage::LineFilter {
            op: op.to_string(),
            values,
        })
    }

    fn stage(&mut self) -> Result<Stage, LogqlError> {
        let at = self.offset();
        let name = match self.peek().clone() {
            Tok::Ident(name) => name,
            Tok::LParen => return Ok(Stage::LabelFilter(self.label_predicate()?)),
            other => {
                return Err(self.error(format!(
                    "expected a pipeline stage after `|` (json, logfmt, a label filter, …), found {}",
                    other.describe()
                )));
            }
        };
        // A label filter starts with a label and a comparison.
        if matches!(self.toks.get(self.at + 1), Some((Tok::Op(_), _))) {
            return Ok(Stage::LabelFilter(self.label_predicate()?));
        }
        self.next();
        match name.as_str() {
            "json" | "logfmt" | "unpack" => {
                self.parser_flags_and_params()?;
                Ok(Stage::Parser { name })
            }
            "regexp" | "pattern" => {
                let at = self.offset();
                match self.next() {
                    Tok::Str(expr) => {
                        if name == "regexp" {
                            check_regex(&expr, at)?;
                        }
                        Ok(Stage::Parser { name })
                    }
                    other => Err(LogqlError::at(
                        at,
                        format!(
                            "`{name}` takes a quoted expression, found {}",
                            other.describe()
                        ),
                    )),
                }
            }
            "line_format" => match self.next() {
                Tok::Str(_) => Ok(Stage::Format { name }),
                other => Err(self.error(format!(
                    "`line_format` takes a quoted template, found {}",
                    other.describe()
                ))),
            },
            "label_format" | "drop" | "keep" => {
                self.label_assignments(&name)?;
                Ok(Stage::Format { name })
            }
            "decolorize" => Ok(Stage::Format { name }),
            "unwrap" => self.unwrap(),
            _ => Err(LogqlError::at(
                at,
                format!(
                    "unknown pipeline stage `{name}` (json, logfmt, regexp, pattern, unpack, line_format, label_format, drop, keep, decolorize, unwrap, or a label filter)"
                ),
            )),
        }
    }

    /// `--strict`, `--keep-empty` and `label="expression", …` after `json`/`logfmt`.
    fn parser_flags_and_params(&mut self) -> Result<(), LogqlError> {
        while self.peek() == &Tok::Arith('-') {
            self.next();
            self.expect(&Tok::Arith('-'), "in a parser flag (--strict)")?;
            match self.next() {
                Tok::Ident(_) => {}
                other => {
                    return Err(
                        self.error(format!("expected a flag name, found {}", other.describe()))
                    );
                }
            }
        }
        if matches!(self.peek(), Tok::Ident(_)) {
            self.label_assignments("json")?;
        }
        Ok(())
    }

    /// `a="…", b=c, d` lists of `label_format`, `drop`, `keep` and parser parameters.
    fn label_assignments(&mut self, stage: &str) -> Result<(), LogqlError> {
        loop {
            let Tok::Ident(_) = self.next() else {
                return Err(self.error(format!("`{stage}` expects labels")));
            };
            if matches!(
                self.peek(),
                Tok::Op("=") | Tok::Op("=~") | Tok::Op("!=") | Tok::Op("!~")
            ) {
                self.next();
                match self.next() {
                    Tok::Str(_) | Tok::Ident(_) => {}
                    other => {
                        return Err(self.error(format!(
                            "`{stage}` expects a string or label after `=`, found {}",
                            other.describe()
                        )));
                    }
                }
            }
            if self.peek() != &Tok::Comma {
                return Ok(());
            }
            self.next();
        }
    }

    fn unwrap(&mut self) -> Result<Stage, LogqlError> {
        let label = match self.next() {
            Tok::Ident(word) if self.peek() == &Tok::LParen => {
                if !["bytes", "duration", "duration_seconds"].contains(&word.as_str()) {
                    return Err(self.error(format!("unknown unwrap conversion `{word}`")));
                }
                self.next();
                let Tok::Ident(label) = self.next() else {
                    return Err(self.error("expected a label to unwrap"));
                };
                self.expect(&Tok::RParen, "to close the conversion")?;
                label
            }
            Tok::Ident(label) => label,
            other => {
                return Err(self.error(format!(
                    "`unwrap` takes a label, found {}",
                    other.describe()
                )));
            }
        };
        Ok(Stage::Unwrap { label })
    }

    /// `a="x" and (b>1 or c=~"y")`, `,` meaning and.
    fn label_predicate(&mut self) -> Result<LabelPredicate, LogqlError> {
        let mut lhs = self.label_conjunction()?;
        while self.is_ident("or") {
            self.next();
            let rhs = self.label_conjunction()?;
            lhs = LabelPredicate::Or(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn label_conjunction(&mut self) -> Result<LabelPredicate, LogqlError> {
        let mut lhs = self.label_comparison()?;
        while self.is_ident("and")
            || (self.peek() == &Tok::Comma
                && matches!(self.toks.get(self.at + 1), Some((Tok::Ident(_), _)))
                && matches!(self.toks.get(self.at + 2), Some((Tok::Op(_), _))))
        {
            self.next();
            let rhs = self.label_comparison()?;
            lhs = LabelPredicate::And(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn label_comparison(&mut self) -> Result<LabelPredicate, LogqlError> {
        if self.peek() == &Tok::LParen {
            self.next();
            let inner = self.label_predicate()?;
            self.expect(&Tok::RParen, "to close `(` in a label filter")?;
            return Ok(inner);
        }
        let label = match self.next() {
            Tok::Ident(label) => label,
            other => {
                return Err(LogqlError::at(
                    self.toks[self.at - 1].1,
                    format!(
                        "expected a label in a label filter, found {}",
                        other.describe()
                    ),
                ));
            }
        };
        let op = match self.next() {
            Tok::Op(op) if !matches!(op, "|=" | "|~") => op.to_string(),
            other => {
                return Err(self.error(format!(
                    "expected a comparison after label `{label}`, found {}",
                    other.describe()
                )));
            }
        };
        let value_at = self.offset();
        let value = match self.next() {
            Tok::Str(text) => {
                if op.contains('~') {
                    check_regex(&text, value_at)?;
                }
                Literal::Str(text)
            }
            Tok::Num(text) if !op.contains('~') => Literal::Num(text),
            other => {
                return Err(LogqlError::at(
                    value_at,
                    format!(
                        "label filter `{label}{op}` needs a {}, found {}",
                        if op.contains('~') {
                            "quoted regex"
                        } else {
                            "quoted string, number, duration or size"
                        },
                        other.describe()
                    ),
                ));
            }
        };
        Ok(LabelPredicate::Compare { label, op, value })
    }
}

/// Loki's regexes are Go's RE2, as the `regex` crate's syntax: an invalid one is an error.
fn check_regex(pattern: &str, at: usize) -> Result<(), LogqlError> {
    regex::Regex::new(pattern).map(|_| ()).map_err(|e| {
        let first = e.to_string();
        let line = first.lines().last().unwrap_or_default().trim().to_string();
        LogqlError::at(at, format!("invalid regex {pattern:?}: {line}"))
    })
}
