//! `triage check` output: text for people (each finding names file, panel and expression),
//! JSON for CI.

use serde_json::json;

use super::online::OnlineReport;
use super::{Finding, Level};

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub online: Option<OnlineReport>,
    pub dashboards: usize,
    pub files: usize,
}

impl Report {
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }

    /// 0 clean (warnings allowed), 1 errors.
    pub fn exit_code(&self) -> i32 {
        if self.count(Level::Error) > 0 { 1 } else { 0 }
    }

    /// Errors first, then warnings, then notes; by file within each.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then_with(|| a.file.cmp(&b.file))
                .then_with(|| a.panel.cmp(&b.panel))
        });
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let panel = f
                .panel
                .as_ref()
                .map(|p| format!(" panel {p:?}:"))
                .unwrap_or_default();
            // Multi-line messages (promtool's output) are indented under their finding.
            let mut lines = f.message.lines().filter(|l| !l.trim().is_empty());
            let first = lines.next().unwrap_or_default();
            out.push_str(&format!(
                "{:<7} {}:{panel} {first} [{}]\n",
                f.level.as_str(),
                f.file,
                f.code
            ));
            for line in lines {
                out.push_str(&format!("        {line}\n"));
            }
            if let Some(expr) = &f.expr {
                for (i, line) in expr.lines().enumerate() {
                    let lead = if i == 0 { "expr:" } else { "     " };
                    out.push_str(&format!("        {lead} {line}\n"));
                }
            }
        }
        if let Some(online) = &self.online {
            let with_data = online.panels.iter().filter(|p| p.state == "ok").count();
            let no_data = online
                .panels
                .iter()
                .filter(|p| p.state == "no_data")
                .count();
            let errors = online.panels.iter().filter(|p| p.state == "error").count();
            let unsupported = online
                .panels
                .iter()
                .filter(|p| p.state == "unsupported")
                .count();
            out.push_str(&format!(
                "online: {} panels: {with_data} with data, {no_data} without, {errors} failing, {unsupported} not queried\n",
                online.panels.len()
            ));
            if online.alerts.is_empty() {
                out.push_str("alerts that would fire now: none\n");
            } else {
                out.push_str("alerts that would fire now:\n");
                for a in &online.alerts {
                    let severity = a.severity.as_deref().unwrap_or("no severity");
                    out.push_str(&format!(
                        "  {} {} ({severity}) in {}: {}\n",
                        a.source,
                        a.name,
                        a.file,
                        a.series.join(" ")
                    ));
                }
            }
        }
        out.push_str(&format!(
            "{} dashboards, {} files checked: {} errors, {} warnings, {} notes\n",
            self.dashboards,
            self.files,
            self.count(Level::Error),
            self.count(Level::Warning),
            self.count(Level::Info)
        ));
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "summary": {
                "errors": self.count(Level::Error),
                "warnings": self.count(Level::Warning),
                "notes": self.count(Level::Info),
                "dashboards": self.dashboards,
                "files": self.files,
            },
            "findings": self.findings,
            "panels": self.online.as_ref().map(|o| &o.panels),
            "alerts": self.online.as_ref().map(|o| &o.alerts),
        })
    }
}
