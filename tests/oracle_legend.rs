//! Legend calcs of the time series panels of the repository's layouts and the shared corpus
//! (their `options.legend.calcs`, units, decimals, mappings), fed generated series: the text of
//! each calc in triage's legend must be the text Grafana's time series legend shows
//! (@grafana/data under tests/oracle, with the panel's own preparation restated there).

#[path = "oracle/run.rs"]
mod run;

use serde_json::{Value, json};
use triage::grafana::load::load_str;
use triage::view::PanelBody;
use triage::view::build::{Clock, build};

const STEP_MS: i64 = 60_000;

/// Time series panels with legend calcs, without transformations or percent stacking (which
/// changes the unit the legend shows): what both sides can be given the same frames for.
fn legend_panels(dashboard: &Value) -> Vec<Value> {
    run::all_panels(dashboard)
        .into_iter()
        .filter(|p| p["type"] == json!("timeseries") && p["fieldConfig"].is_object())
        .filter(|p| {
            p["options"]["legend"]["calcs"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
        })
        .filter(|p| p["transformations"].as_array().is_none_or(Vec::is_empty))
        .filter(|p| p["fieldConfig"]["defaults"]["custom"]["stacking"]["mode"] != json!("percent"))
        .cloned()
        .collect()
}

fn datasets() -> Vec<(&'static str, Vec<Vec<f64>>)> {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    vec![
        (
            "integers",
            vec![vec![1.0, 2.0, 3.0, 42.0], vec![0.0, 7.0, 7.0]],
        ),
        (
            "fractions",
            vec![vec![0.25, 0.5, 0.123456], vec![0.999, 0.001]],
        ),
        ("huge", vec![vec![1e15, 3.2e18], vec![123_456_789.0, 5e9]]),
        ("tiny", vec![vec![1e-9, 3e-12], vec![0.000_42, 0.0]]),
        (
            "negatives",
            vec![vec![-5.0, -0.5, -1200.0], vec![-0.001, 3.0]],
        ),
        ("NaN", vec![vec![1.0, nan, 4.0], vec![nan, nan]]),
        ("infinities", vec![vec![1.0, inf, 2.0], vec![2.0, -inf]]),
        ("counter reset", vec![vec![10.0, 20.0, 5.0, 8.0, 10.0]]),
        ("zeros", vec![vec![0.0, 0.0, 0.0]]),
        ("empty series", vec![vec![]]),
        ("single point", vec![vec![7.5]]),
        (
            "many points",
            vec![(0..200).map(|i| f64::from(i % 37) * 1.25).collect()],
        ),
    ]
}

/// Each legend entry's calc texts, as triage shows them.
fn triage_legend(raw_panel: &Value, set: &[Vec<f64>]) -> Option<Vec<Vec<String>>> {
    let mut panel = raw_panel.clone();
    panel["gridPos"] = json!({"x": 0, "y": 0, "w": 12, "h": 8});
    let dashboard = json!({"title": "oracle", "schemaVersion": 39, "panels": [panel]});
    let loaded = load_str(&dashboard.to_string(), "oracle").ok()?;
    let panel = loaded.dashboard.panels.first()?.clone();
    match build(
        &panel,
        &run::instance_data(set, STEP_MS, 200 * STEP_MS),
        Clock::Utc,
    )
    .body
    {
        PanelBody::TimeSeries(ts) => {
            Some(ts.legend.entries.into_iter().map(|e| e.values).collect())
        }
        _ => None,
    }
}

#[test]
fn legend_calcs_match_grafana() {
    let mut cases = Vec::new();
    let mut asks = Vec::new();
    for (file, dashboard) in &run::layout_and_corpus_dashboards() {
        for panel in legend_panels(dashboard) {
            let calcs = panel["options"]["legend"]["calcs"].clone();
            for (name, set) in datasets() {
                let Some(triage) = triage_legend(&panel, &set) else {
                    continue;
                };
                let what = format!(
                    "{} / {:?} / {name}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    panel["title"].as_str().unwrap_or("")
                );
                cases.push((what, calcs.clone(), triage));
                asks.push(json!({
                    "kind": "legend",
                    "frames": run::instance_frames(&set, STEP_MS),
                    "fieldConfig": panel["fieldConfig"],
                    "calcs": calcs,
                }));
            }
        }
    }
    let answers = run::ask(&asks);
    let mut tally = run::Tally::default();
    for ((what, calcs, triage), answer) in cases.iter().zip(&answers) {
        let series = answer["series"].as_array().cloned().unwrap_or_default();
        tally.record(series.len() == triage.len(), None, || {
            format!("{what}: Grafana {answer}, triage {triage:?}")
        });
        for (i, (theirs, ours)) in series.iter().zip(triage).enumerate() {
            let ids = calcs.as_array().into_iter().flatten();
            for (id, text) in ids.zip(ours) {
                let id = id.as_str().unwrap_or("");
                let grafana = theirs["calcs"][id].as_str().unwrap_or("<none>");
                tally.record(grafana == text, None, || {
                    format!("{what} #{i} {id}: Grafana {grafana:?}, triage {text:?}")
                });
            }
        }
    }
    tally.finish("legend calcs", 500);
}
