//! Loading dashboard files: file forms, JSON with comments, diagnostics.

use std::path::Path;

use super::model::{Dashboard, Diagnostic};

/// A loaded dashboard and what the loader noticed on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dashboard: Dashboard,
    pub diagnostics: Vec<Diagnostic>,
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

/// Load a dashboard file.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        file: path.display().to_string(),
        line: None,
        column: None,
        message: e.to_string(),
    })?;
    load_str(&text, &path.display().to_string())
}

/// Load a dashboard from text; `source` names it in messages.
pub fn load_str(_text: &str, source: &str) -> Result<Loaded, LoadError> {
    Err(LoadError {
        file: source.to_string(),
        line: None,
        column: None,
        message: "loader not written yet".into(),
    })
}
