//! Prometheus's own verdict on the rule files when `promtool` is installed: `check rules` on
//! every rule file and `test rules` on every unit-test file.

use std::process::Command;

use super::Finding;
use super::gather::{Inputs, YamlKind};

/// Longest promtool output quoted in a finding.
const MAX_OUTPUT: usize = 4000;

pub fn installed() -> bool {
    Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn check(inputs: &Inputs) -> Vec<Finding> {
    let rule_files: Vec<_> = inputs.yaml_of(YamlKind::PrometheusRules).collect();
    let test_files: Vec<_> = inputs.yaml_of(YamlKind::PromtoolTests).collect();
    if rule_files.is_empty() && test_files.is_empty() {
        return Vec::new();
    }
    if !installed() {
        let file = rule_files
            .first()
            .or(test_files.first())
            .map(|f| f.name.clone())
            .unwrap_or_default();
        return vec![Finding::info(
            "promtool",
            file,
            "promtool is not installed: rules were checked by triage's own PromQL parser only",
        )];
    }
    let mut findings = Vec::new();
    for file in rule_files {
        if let Some(message) = run(&["check", "rules"], &file.path) {
            findings.push(Finding::error("promtool", &file.name, message));
        }
    }
    for file in test_files {
        // Rule file paths in a test file are relative to the test file.
        if let Some(message) = run(&["test", "rules"], &file.path) {
            findings.push(Finding::error("promtool", &file.name, message));
        }
    }
    findings
}

/// `None` when promtool accepts the file, else its output.
fn run(args: &[&str], path: &std::path::Path) -> Option<String> {
    let (dir, name) = (
        path.parent().filter(|p| !p.as_os_str().is_empty()),
        path.file_name()?,
    );
    let mut command = Command::new("promtool");
    command.args(args).arg(name);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    match command.output() {
        Err(e) => Some(format!("could not run promtool {}: {e}", args.join(" "))),
        Ok(out) if out.status.success() => None,
        Ok(out) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            let text: Vec<String> = text
                .trim()
                .lines()
                .map(crate::prom::sanitize::sanitize)
                .collect();
            let text: String = text.join("\n").chars().take(MAX_OUTPUT).collect();
            Some(format!("promtool {} failed:\n{text}", args.join(" ")))
        }
    }
}
