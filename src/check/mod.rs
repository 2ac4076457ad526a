//! `triage check`: what can be proven about dashboards, Prometheus rules and Grafana
//! provisioning before they ship. `gather` reads the files; the offline checks are pure
//! functions of what it read; `online` runs variables, queries and alert rules against a
//! Prometheus through the engine.

pub mod dashboards;
pub mod gather;
pub mod online;
pub mod promtool;
pub mod provisioning;
pub mod report;
pub mod rules;

use serde::Serialize;

pub use gather::{Inputs, gather};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One thing `check` found, naming where: the file, and the panel and expression when the
/// finding is about one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub level: Level,
    /// A short stable name of the rule that produced it (`promql`, `datasource`, `no-data`).
    pub code: &'static str,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn new(
        level: Level,
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            level,
            code,
            file: file.into(),
            panel: None,
            expr: None,
            message: message.into(),
        }
    }

    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(Level::Error, code, file, message)
    }

    pub fn warning(
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding::new(Level::Warning, code, file, message)
    }

    pub fn info(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(Level::Info, code, file, message)
    }

    pub fn panel(mut self, title: impl Into<String>) -> Self {
        self.panel = Some(title.into());
        self
    }

    pub fn expr(mut self, expr: impl Into<String>) -> Self {
        self.expr = Some(expr.into());
        self
    }
}

/// Every offline check over what `gather` read (no I/O except running promtool, which is
/// asked for separately).
pub fn offline(inputs: &Inputs) -> Vec<Finding> {
    let mut findings = inputs.problems.clone();
    let known = provisioning::known_references(inputs);
    findings.extend(dashboards::check_all(inputs, &known));
    findings.extend(rules::check_all(inputs));
    findings.extend(provisioning::check_all(inputs, &known));
    findings
}
