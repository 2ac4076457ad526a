//! Runs Grafana's own display code (`tests/oracle/grafana-oracle.js` on `@grafana/data`) on a
//! batch of cases and collects the comparison with triage. Shared by the `oracle*` test binaries
//! (`#[path = "oracle/run.rs"] mod run;`). The case kinds are documented in
//! tests/oracle/README.md.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const INSTALL_HINT: &str =
    "run scripts/install-deps (it installs node and npm and runs `npm ci` in tests/oracle)";

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

/// A number for the oracle: JSON has no NaN or infinities, so those travel as strings.
pub fn js_number(v: f64) -> Value {
    if v.is_finite() {
        serde_json::json!(v)
    } else if v.is_nan() {
        Value::from("NaN")
    } else if v > 0.0 {
        Value::from("Infinity")
    } else {
        Value::from("-Infinity")
    }
}

/// Ask Grafana's code about every case at once; one answer per case, in order. Fails the test
/// (never skips) when node or the npm packages are missing.
pub fn ask(cases: &[Value]) -> Vec<Value> {
    let dir = oracle_dir();
    assert!(
        dir.join("node_modules/@grafana/data/package.json")
            .is_file(),
        "the Grafana oracle's npm packages are missing ({}/node_modules): {INSTALL_HINT}",
        dir.display()
    );
    let mut child = match Command::new("node")
        .arg(dir.join("grafana-oracle.js"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("cannot start `node` for the Grafana oracle ({e}): {INSTALL_HINT}"),
    };
    let input = serde_json::to_vec(cases).expect("cases serialise");
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Write from another thread so a large answer cannot block on a full pipe.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("the oracle runs");
    writer
        .join()
        .expect("writer thread")
        .expect("cases written to the oracle");
    assert!(
        out.status.success(),
        "the Grafana oracle failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> =
        serde_json::from_slice(&out.stdout).expect("the oracle answers a JSON array");
    assert_eq!(answers.len(), cases.len(), "one answer per case");
    answers
}

/// Tally of one comparison run: cases that agree, differences kept on purpose (each with the
/// reason listed in docs/grafana-fidelity.md) and mismatches.
#[derive(Default)]
pub struct Tally {
    pub agreed: usize,
    pub known: usize,
    pub mismatches: Vec<String>,
}

impl Tally {
    pub fn record(&mut self, agree: bool, known: Option<&str>, describe: impl FnOnce() -> String) {
        match (agree, known) {
            (true, _) => self.agreed += 1,
            (false, Some(_)) => self.known += 1,
            (false, None) => self.mismatches.push(describe()),
        }
    }

    /// Fail with the first mismatches in full; also fail when too few cases were compared. With
    /// `TRIAGE_ORACLE_MISMATCHES=<dir>` every mismatch is also written to `<dir>/<what>.txt`.
    pub fn finish(&self, what: &str, at_least: usize) {
        let total = self.agreed + self.known + self.mismatches.len();
        eprintln!(
            "{what}: {total} cases compared with Grafana, {} agree, {} known differences, {} mismatches",
            self.agreed,
            self.known,
            self.mismatches.len()
        );
        if let Some(path) = std::env::var_os("TRIAGE_ORACLE_MISMATCHES") {
            let mut path = PathBuf::from(path);
            path.push(format!("{}.txt", what.replace(' ', "-")));
            std::fs::write(&path, self.mismatches.join("\n")).expect("mismatch list written");
        }
        if !self.mismatches.is_empty() {
            let shown: Vec<&str> = self
                .mismatches
                .iter()
                .take(20)
                .map(String::as_str)
                .collect();
            panic!(
                "{what}: {} of {total} cases differ from Grafana; the first {}:\n{}",
                self.mismatches.len(),
                shown.len(),
                shown.join("\n")
            );
        }
        assert!(
            total >= at_least,
            "{what}: only {total} cases compared, expected at least {at_least}"
        );
    }
}

/// Every `.json` file under a directory, in name order.
pub fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Every panel of a dashboard (or of Grafana's `{"dashboard": ...}` wrapper): top level, inside
/// rows, and in the old `rows[]` layout.
pub fn all_panels(dashboard: &Value) -> Vec<&Value> {
    fn walk<'a>(panels: &'a Value, out: &mut Vec<&'a Value>) {
        for p in panels.as_array().into_iter().flatten() {
            out.push(p);
            walk(&p["panels"], out);
        }
    }
    let dashboard = dashboard.get("dashboard").unwrap_or(dashboard);
    let mut all = Vec::new();
    walk(&dashboard["panels"], &mut all);
    for row in dashboard["rows"].as_array().into_iter().flatten() {
        walk(&row["panels"], &mut all);
    }
    all
}

/// Modern stat, gauge and bar gauge panels (own `fieldConfig`) that reduce every numeric field
/// without transformations: what both sides can be given the same frames for.
pub fn reducing_panels(dashboard: &Value) -> Vec<Value> {
    const REDUCING: [&str; 3] = ["stat", "gauge", "bargauge"];
    all_panels(dashboard)
        .into_iter()
        .filter(|p| REDUCING.contains(&p["type"].as_str().unwrap_or("")))
        .filter(|p| p["fieldConfig"].is_object())
        .filter(|p| p["transformations"].as_array().is_none_or(Vec::is_empty))
        .filter(|p| {
            let r = &p["options"]["reduceOptions"];
            r["values"] != serde_json::json!(true) && r["fields"].as_str().unwrap_or("").is_empty()
        })
        .cloned()
        .collect()
}

/// The label value of generated series `i`.
pub fn instance(i: usize) -> String {
    format!("h{i}")
}

/// Generated series as Grafana's Prometheus frames: one per series, a `Time` field every
/// `step_ms` from the epoch and a `Value` field labelled `instance`.
pub fn instance_frames(set: &[Vec<f64>], step_ms: i64) -> Value {
    let frames: Vec<Value> = set
        .iter()
        .enumerate()
        .map(|(i, values)| {
            let times: Vec<i64> = (0..values.len() as i64).map(|t| t * step_ms).collect();
            let values: Vec<Value> = values.iter().map(|v| js_number(*v)).collect();
            serde_json::json!({"refId": "A", "fields": [
                {"name": "Time", "type": "time", "values": times},
                {"name": "Value", "type": "number", "values": values,
                 "labels": {"instance": instance(i)}}
            ]})
        })
        .collect();
    Value::Array(frames)
}

/// The same series as triage's panel data over `[0, end_ms]`, named by their label as
/// Grafana names them (one label key across all frames: its value).
pub fn instance_data(
    set: &[Vec<f64>],
    step_ms: i64,
    end_ms: i64,
) -> triage::data::panel_data::PanelData {
    use triage::data::panel_data::{PanelData, Series};
    PanelData {
        series: set
            .iter()
            .enumerate()
            .map(|(i, values)| Series {
                ref_id: "A".into(),
                name: instance(i),
                labels: [("instance".to_string(), instance(i))].into(),
                points: values
                    .iter()
                    .enumerate()
                    .map(|(t, v)| (t as i64 * step_ms, *v))
                    .collect(),
                compare: None,
            })
            .collect(),
        start_ms: 0,
        end_ms,
        ..PanelData::default()
    }
}

/// Every dashboard of `layouts/` and the shared corpus that parses as JSON, with its file.
pub fn layout_and_corpus_dashboards() -> Vec<(PathBuf, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    json_files(&root.join("layouts"), &mut files);
    json_files(&root.join("../shared/corpus"), &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(&file).ok()?;
            let dashboard = serde_json::from_str::<Value>(&text).ok()?;
            Some((file, dashboard))
        })
        .collect()
}

/// A display value as Grafana shows it: prefix, text and suffix together.
pub fn shown_text(v: &Value) -> String {
    format!(
        "{}{}{}",
        v["prefix"].as_str().unwrap_or(""),
        v["text"].as_str().unwrap_or(""),
        v["suffix"].as_str().unwrap_or("")
    )
}
