//! Loading dashboard files: file forms, JSON with comments, diagnostics.
//!
//! The pipeline is: bytes → text (UTF-8, BOM) → JSON (strict, then relaxed for comments and
//! trailing commas) → unwrap the API wrapper → `migrate` (old shapes to modern JSON) → typed
//! `Dashboard`. Only reading the file in `load_path` does I/O.

mod dashboard;
mod fields;
mod json;
mod layout;
mod options;
mod panel;
mod readers;
mod targets;
mod v2;
mod variables;

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value};

use super::migrate;
use super::model::{Dashboard, Diagnostic, Severity};
use dashboard::convert_dashboard;
use json::{parse_json, unwrap_api_form};

pub use panel::{CORE_PANEL_TYPES, LIBRARY_PLACEHOLDER, embedded_library_model};
pub use targets::datasource_ref;

/// A loaded dashboard and what the loader noticed on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dashboard: Dashboard,
    pub diagnostics: Vec<Diagnostic>,
    /// How the file was written (Classic JSON or a `dashboard.grafana.app` resource).
    pub form: DashboardForm,
}

/// How a dashboard file is written: Grafana's classic file provider reads only `Classic`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardForm {
    /// The Classic JSON model (also inside `{"dashboard": ...}`).
    Classic,
    /// A Kubernetes-style resource (`dashboard.grafana.app/v2beta1`, `.../v1beta1`, ...).
    Resource { api_version: String },
    /// A bare v2 spec (`elements` and `layout`, no envelope).
    V2Spec,
}

impl DashboardForm {
    pub fn is_classic(&self) -> bool {
        *self == DashboardForm::Classic
    }

    /// How messages name it: `dashboard.grafana.app/v2beta1`, `a v2 spec`.
    pub fn describe(&self) -> String {
        match self {
            DashboardForm::Classic => "the Classic JSON model".into(),
            DashboardForm::Resource { api_version } => format!("a `{api_version}` resource"),
            DashboardForm::V2Spec => "a bare v2 spec".into(),
        }
    }
}

/// Why a file could not be loaded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}:{}: {}", self.file, l, c, self.message),
            (Some(l), None) => write!(f, "{}:{}: {}", self.file, l, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Files larger than this are refused: real dashboards are well under 10 MB.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Load a dashboard file.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| whole_file_error(&name, e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(&name, meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| whole_file_error(&name, e.to_string()))?;
    load_bytes(&bytes, &name)
}

/// Load a dashboard from raw bytes (checks UTF-8 first); `source` names it in messages.
pub fn load_bytes(bytes: &[u8], source: &str) -> Result<Loaded, LoadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => load_str(text, source),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(LoadError {
                file: source.to_owned(),
                line: Some(line),
                column: Some(column),
                message: format!(
                    "file is not valid UTF-8 (invalid byte at offset {}); dashboards are UTF-8 JSON",
                    e.valid_up_to()
                ),
            })
        }
    }
}

/// Load a dashboard from text; `source` names it in messages.
pub fn load_str(text: &str, source: &str) -> Result<Loaded, LoadError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(source, text.len() as u64));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(whole_file_error(
            source,
            "file is empty; expected a dashboard JSON object".into(),
        ));
    }
    let mut diagnostics = Vec::new();
    let value = parse_json(text, source, &mut diagnostics)?;
    let Value::Object(mut root) = value else {
        return Err(whole_file_error(
            source,
            format!(
                "expected a JSON object (a Grafana dashboard), found {}",
                kind_of(&value)
            ),
        ));
    };
    root = unwrap_api_form(root, &mut diagnostics);
    let form = v2::form_of(&root);
    // A v2 (or Kubernetes-style) dashboard is read as the v1 JSON it stands for.
    let (mut root, v2_paths) = v2::to_v1(root, &mut diagnostics);
    let elements = root.remove("__elements");
    migrate::migrate_dashboard(&mut root, &mut diagnostics);
    let dashboard = convert_dashboard(&root, elements.as_ref(), &mut diagnostics);
    let mut loaded = Loaded {
        dashboard,
        diagnostics,
        form,
    };
    v2_paths.apply(&mut loaded);
    Ok(loaded)
}

fn whole_file_error(source: &str, message: String) -> LoadError {
    LoadError {
        file: source.to_owned(),
        line: None,
        column: None,
        message,
    }
}

fn too_large(source: &str, len: u64) -> LoadError {
    whole_file_error(
        source,
        format!("file is {len} bytes; refusing dashboards over {MAX_FILE_BYTES} bytes"),
    )
}

pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(super) fn report_unknown_keys(
    obj: &Map<String, Value>,
    known: &HashSet<&'static str>,
    path: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let unknown: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| !k.starts_with("__triage") && !known.contains(k))
        .collect();
    if !unknown.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Info,
            path: path.to_owned(),
            message: format!("ignored unknown {what} fields: {}", unknown.join(", ")),
        });
    }
}
