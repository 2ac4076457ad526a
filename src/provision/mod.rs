//! Grafana provisioning generated from `layouts/` and `provisioning/triage-provision.toml`.
//! `generate` is pure; this module adds the file I/O: reading the dashboards, writing the
//! tree, and comparing it with what is committed (`triage provision --check`).

pub mod config;
pub mod generate;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use config::ProvisionConfig;
pub use generate::{
    GENERATED_MARK, LayoutFile, classic_provider_note, classic_provider_notes, generate,
};

use crate::grafana::load::load_path;

/// Dashboards in `layouts/`: every `.json` file one folder down (`service/x.json`), sorted.
pub fn scan_layouts(layouts: &Path) -> Result<Vec<LayoutFile>, String> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(layouts)
        .map_err(|e| format!("{}: cannot read the layouts folder: {e}", layouts.display()))?;
    let mut folders: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let folder_name = folder
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("{}: {e}", folder.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let loaded = load_path(&path).map_err(|e| e.to_string())?;
            let d = loaded.dashboard;
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            files.push(LayoutFile {
                folder: folder_name.clone(),
                path: format!("{folder_name}/{file_name}"),
                uid: d.uid.clone(),
                title: d.title.clone(),
                panels: d
                    .panels
                    .iter()
                    .map(|p| (p.id, p.targets.iter().map(|t| t.expr.clone()).collect()))
                    .collect(),
                form: loaded.form,
            });
        }
    }
    Ok(files)
}

/// Read the config and the layouts and generate the tree; also what to warn about the
/// layouts (files the generated provider will not load).
pub fn generate_from_paths(
    config_path: &Path,
    layouts: &Path,
) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    let text = std::fs::read_to_string(config_path)
        .map_err(|e| format!("{}: {e}", config_path.display()))?;
    let config = ProvisionConfig::parse(&text, &config_path.display().to_string())?;
    let files = scan_layouts(layouts)?;
    let notes = classic_provider_notes(&files)
        .into_iter()
        .map(|note| format!("{}/{note}", layouts.display()))
        .collect();
    Ok((generate(&config, &files)?, notes))
}

/// How the committed tree differs from the generated one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Drift {
    /// Generated files missing on disk.
    pub missing: Vec<String>,
    /// Files whose text differs, with the first differing line number.
    pub changed: Vec<(String, usize)>,
    /// Files carrying the generated mark that the generator no longer makes.
    pub stale: Vec<String>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.stale.is_empty()
    }
}

/// Compare `files` with what is under `out`.
pub fn compare(out: &Path, files: &BTreeMap<String, String>) -> Drift {
    let mut drift = Drift::default();
    for (path, text) in files {
        match std::fs::read_to_string(out.join(path)) {
            Err(_) => drift.missing.push(path.clone()),
            Ok(on_disk) if &on_disk != text => {
                let line = on_disk
                    .lines()
                    .zip(text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| on_disk.lines().count().min(text.lines().count()))
                    + 1;
                drift.changed.push((path.clone(), line));
            }
            Ok(_) => {}
        }
    }
    for path in generated_files_under(out, out) {
        if !files.contains_key(&path) {
            drift.stale.push(path);
        }
    }
    drift.stale.sort();
    drift
}

/// Files under `dir` (relative to `root`) whose first line has the generated mark.
fn generated_files_under(root: &Path, dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(generated_files_under(root, &path));
        } else if std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| t.lines().next().map(|l| l.contains(GENERATED_MARK)))
            .unwrap_or(false)
            && let Ok(relative) = path.strip_prefix(root)
        {
            found.push(relative.to_string_lossy().to_string());
        }
    }
    found
}

/// Write every file under `out`, creating folders; returns the paths written.
pub fn write(out: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (path, text) in files {
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
            written.push(path.clone());
        }
    }
    Ok(written)
}
