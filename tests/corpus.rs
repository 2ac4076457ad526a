//! Every real dashboard in the shared corpus loads without errors, and the loader finds exactly
//! the panels a naive walk of the raw JSON finds.

use std::path::PathBuf;

use serde_json::Value;
use triage::grafana::load::load_path;
use triage::grafana::model::Severity;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus folder {} is missing: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "corpus folder {} has no .json files",
        dir.display()
    );
    files
}

/// Non-row panels: top level, inside rows' `panels`, and inside legacy `rows[].panels`.
fn count_panels_independently(raw: &Value) -> usize {
    fn non_row(list: Option<&Value>) -> usize {
        list.and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter(|p| p.get("type").and_then(Value::as_str) != Some("row"))
                    .count()
            })
            .unwrap_or(0)
    }
    let dash = match raw.get("dashboard") {
        Some(inner) if raw.get("panels").is_none() && raw.get("rows").is_none() => inner,
        _ => raw,
    };
    let mut count = non_row(dash.get("panels"));
    for p in dash
        .get("panels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if p.get("type").and_then(Value::as_str) == Some("row") {
            count += non_row(p.get("panels"));
        }
    }
    for r in dash
        .get("rows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        // Rows left behind by an old repeat are regenerated, as Grafana does.
        if r.get("repeatIteration").is_some_and(|v| !v.is_null()) {
            continue;
        }
        count += non_row(r.get("panels"));
    }
    count
}

#[test]
fn every_corpus_dashboard_loads_with_every_panel() {
    let mut failures = Vec::new();
    for path in corpus_files() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let loaded = match load_path(&path) {
            Ok(l) => l,
            Err(e) => {
                failures.push(format!("{name}: load failed: {e}"));
                continue;
            }
        };
        for d in loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            failures.push(format!(
                "{name}: error diagnostic at {}: {}",
                d.path, d.message
            ));
        }
        let text = std::fs::read_to_string(&path).expect("corpus file is readable");
        let raw: Value = serde_json::from_str(&text).expect("corpus files are strict JSON");
        let expected = count_panels_independently(&raw);
        let got = loaded.dashboard.panels.len();
        if expected != got {
            failures.push(format!(
                "{name}: {got} panels loaded, raw JSON has {expected}"
            ));
        }
        assert!(!loaded.dashboard.title.is_empty(), "{name}: title lost");
    }
    assert!(
        failures.is_empty(),
        "corpus failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn corpus_panels_have_grid_positions_and_source_paths() {
    for path in corpus_files() {
        let loaded = load_path(&path).expect("corpus loads");
        for p in &loaded.dashboard.panels {
            assert!(
                p.grid.w > 0 && p.grid.h > 0,
                "{}: {} has an empty grid",
                path.display(),
                p.source_path
            );
            assert!(
                p.grid.x + p.grid.w <= 24,
                "{}: {} overflows the grid",
                path.display(),
                p.source_path
            );
            assert!(p.source_path.starts_with("panels[") || p.source_path.starts_with("rows["));
        }
        for (i, row) in loaded.dashboard.rows.iter().enumerate() {
            for &idx in &row.panels {
                let panel = &loaded.dashboard.panels[idx];
                assert_eq!(
                    panel.row.as_deref(),
                    Some(row.title.as_str()),
                    "row {i} member mismatch"
                );
            }
        }
    }
}
