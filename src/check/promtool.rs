//! Prometheus's own verdict on the rule files when `promtool` is installed: `check rules` on
//! every rule file, `test rules` on every unit-test file, `check config` on Prometheus
//! configs; and `amtool check-config` on Alertmanager configs when amtool is installed.

use std::process::Command;

use super::Finding;
use super::gather::{Inputs, YamlKind};

/// Longest promtool output quoted in a finding.
const MAX_OUTPUT: usize = 4000;

pub fn installed() -> bool {
    tool_installed("promtool")
}

fn tool_installed(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn check(inputs: &Inputs) -> Vec<Finding> {
    let mut findings = Vec::new();
    if tool_installed("amtool") {
        for file in inputs.yaml_of(YamlKind::AlertmanagerConfig) {
            if let Some(message) = run("amtool", &["check-config"], &file.path) {
                findings.push(Finding::error("amtool", &file.name, message));
            }
        }
    }
    let rule_files: Vec<_> = inputs.yaml_of(YamlKind::PrometheusRules).collect();
    let test_files: Vec<_> = inputs.yaml_of(YamlKind::PromtoolTests).collect();
    let configs: Vec<_> = inputs.yaml_of(YamlKind::PrometheusConfig).collect();
    if rule_files.is_empty() && test_files.is_empty() && configs.is_empty() {
        return findings;
    }
    if !installed() {
        let file = rule_files
            .first()
            .or(test_files.first())
            .map(|f| f.name.clone())
            .unwrap_or_default();
        findings.push(Finding::info(
            "promtool",
            file,
            "promtool is not installed: rules were checked by triage's own PromQL parser only",
        ));
        return findings;
    }
    for file in configs {
        if let Some(message) = run("promtool", &["check", "config"], &file.path) {
            findings.push(Finding::error("promtool", &file.name, message));
        }
    }
    for file in rule_files {
        if let Some(message) = run("promtool", &["check", "rules"], &file.path) {
            findings.push(Finding::error("promtool", &file.name, message));
        }
    }
    for file in test_files {
        // Rule file paths in a test file are relative to the test file.
        if let Some(message) = run("promtool", &["test", "rules"], &file.path) {
            findings.push(Finding::error("promtool", &file.name, message));
        }
    }
    findings
}

/// `None` when the tool accepts the file, else its output.
fn run(tool: &str, args: &[&str], path: &std::path::Path) -> Option<String> {
    let (dir, name) = (
        path.parent().filter(|p| !p.as_os_str().is_empty()),
        path.file_name()?,
    );
    let mut command = Command::new(tool);
    command.args(args).arg(name);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    match command.output() {
        Err(e) => Some(format!("could not run {tool} {}: {e}", args.join(" "))),
        Ok(out) if out.status.success() => None,
        Ok(out) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            let text: Vec<String> = text
                .trim()
                .lines()
                .map(crate::net::sanitize::sanitize)
                .collect();
            let text: String = text.join("\n").chars().take(MAX_OUTPUT).collect();
            Some(format!("{tool} {} failed:\n{text}", args.join(" ")))
        }
    }
}
