//! Reading what `check` was pointed at: dashboards (`.json`), YAML files sorted by what they
//! hold, and the provisioning config (`.toml`). Folders are walked in sorted order.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Finding;
use crate::grafana::load::{LoadError, Loaded, load_path};
use crate::provision::ProvisionConfig;

/// What a YAML file is, judged by its top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlKind {
    PrometheusRules,
    PromtoolTests,
    GrafanaDatasources,
    GrafanaDashboardProviders,
    GrafanaAlertRules,
    GrafanaContactPoints,
    GrafanaPolicies,
    Compose,
    PrometheusConfig,
    AlertmanagerConfig,
    Other,
}

#[derive(Debug, Clone)]
pub struct YamlFile {
    pub path: PathBuf,
    pub name: String,
    pub kind: YamlKind,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct DashboardFile {
    pub name: String,
    pub loaded: Result<Loaded, LoadError>,
}

#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub dashboards: Vec<DashboardFile>,
    pub yaml: Vec<YamlFile>,
    pub configs: Vec<(String, ProvisionConfig)>,
    /// Files that could not be read or parsed at all.
    pub problems: Vec<Finding>,
}

impl Inputs {
    pub fn yaml_of(&self, kind: YamlKind) -> impl Iterator<Item = &YamlFile> {
        self.yaml.iter().filter(move |f| f.kind == kind)
    }
}

/// Read every path; a missing path is a usage error (`Err`).
pub fn gather(paths: &[PathBuf]) -> Result<Inputs, String> {
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("{}: no such file or folder", path.display()));
        }
        walk(path, &mut files);
    }
    files.sort();
    files.dedup();
    let mut inputs = Inputs::default();
    for path in files {
        let name = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => inputs.dashboards.push(DashboardFile {
                loaded: load_path(&path),
                name,
            }),
            Some("yml") | Some("yaml") => match read_yaml(&path) {
                Ok(value) => inputs.yaml.push(YamlFile {
                    kind: classify(&value),
                    path,
                    name,
                    value,
                }),
                Err(message) => inputs.problems.push(Finding::error("yaml", name, message)),
            },
            Some("toml") => match std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| ProvisionConfig::parse(&text, &name))
            {
                Ok(config) => inputs.configs.push((name, config)),
                Err(message) => inputs
                    .problems
                    .push(Finding::error("config", name, message)),
            },
            _ => {}
        }
    }
    Ok(inputs)
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    children.sort();
    for child in children {
        let hidden = child
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if child.is_dir() {
            walk(&child, out);
        } else if child
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yml" | "yaml" | "toml"))
        {
            out.push(child);
        }
    }
}

fn read_yaml(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    yaml_serde::from_str::<Value>(&text).map_err(|e| format!("not valid YAML: {e}"))
}

pub fn classify(value: &Value) -> YamlKind {
    let has = |key: &str| value.get(key).is_some();
    if has("rule_files") && has("tests") {
        return YamlKind::PromtoolTests;
    }
    if has("services") {
        return YamlKind::Compose;
    }
    if has("scrape_configs") {
        return YamlKind::PrometheusConfig;
    }
    if has("route") && has("receivers") {
        return YamlKind::AlertmanagerConfig;
    }
    if has("datasources") {
        return YamlKind::GrafanaDatasources;
    }
    if has("providers") {
        return YamlKind::GrafanaDashboardProviders;
    }
    if has("contactPoints") {
        return YamlKind::GrafanaContactPoints;
    }
    if has("policies") {
        return YamlKind::GrafanaPolicies;
    }
    if let Some(groups) = value.get("groups").and_then(Value::as_array) {
        let rules = groups
            .iter()
            .filter_map(|g| g.get("rules").and_then(Value::as_array))
            .flatten();
        let mut grafana = has("apiVersion");
        for rule in rules {
            if rule.get("record").is_some() || rule.get("alert").is_some() {
                return YamlKind::PrometheusRules;
            }
            if rule.get("data").is_some() || rule.get("uid").is_some() {
                grafana = true;
            }
        }
        return if grafana {
            YamlKind::GrafanaAlertRules
        } else {
            YamlKind::PrometheusRules
        };
    }
    YamlKind::Other
}
