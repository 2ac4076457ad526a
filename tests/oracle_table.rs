//! Table panels of the repository's layouts and the shared corpus, with their transformations,
//! fed generated time series: the columns and cell texts triage's table shows must be the ones
//! Grafana's `standardTransformers` and display processor give (@grafana/data under
//! tests/oracle). Grafana's table shows the first frame; so does triage.

#[path = "oracle/run.rs"]
mod run;

use serde_json::{Value, json};
use triage::data::panel_data::Series;
use triage::grafana::load::load_str;
use triage::view::build::Clock;
use triage::view::table;

const STEP_MS: i64 = 60_000;

/// Table panels whose queries give time series (not `format: table`) and which do not sort
/// (the table sorts in the browser, not in the frames).
fn table_panels(dashboard: &Value) -> Vec<Value> {
    let all = run::all_panels(dashboard);
    all.into_iter()
        .filter(|p| p["type"] == json!("table") && p["fieldConfig"].is_object())
        .filter(|p| {
            p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|t| t["format"] != json!("table"))
        })
        .filter(|p| p["options"]["sortBy"].as_array().is_none_or(Vec::is_empty))
        .cloned()
        .collect()
}

/// One generated series: (instance, job, values).
type Generated = (&'static str, &'static str, Vec<f64>);

/// Each dataset: a name and its series.
fn datasets() -> Vec<(&'static str, Vec<Generated>)> {
    vec![
        (
            "two jobs",
            vec![
                ("h0", "api", vec![1.0, 2.5, 3.0]),
                ("h1", "api", vec![0.25, 1e6, 42.0]),
                ("h2", "db", vec![-5.0, 0.0, 7.125]),
            ],
        ),
        ("one series", vec![("h0", "api", vec![1536.0, 2048.0])]),
        ("single point", vec![("h0", "api", vec![0.5])]),
    ]
}

fn oracle_frames(set: &[(&str, &str, Vec<f64>)]) -> Value {
    let frames: Vec<Value> = set
        .iter()
        .map(|(instance, job, values)| {
            let times: Vec<i64> = (0..values.len() as i64).map(|t| t * STEP_MS).collect();
            let values: Vec<Value> = values.iter().map(|v| run::js_number(*v)).collect();
            json!({"refId": "A", "fields": [
                {"name": "Time", "type": "time", "values": times},
                {"name": "Value", "type": "number", "values": values,
                 "labels": {"instance": instance, "job": job},
                 "config": {"displayNameFromDS": instance}}
            ]})
        })
        .collect();
    Value::Array(frames)
}

fn triage_series(set: &[(&str, &str, Vec<f64>)]) -> Vec<Series> {
    set.iter()
        .map(|(instance, job, values)| Series {
            ref_id: "A".into(),
            name: instance.to_string(),
            labels: [
                ("instance".to_string(), instance.to_string()),
                ("job".to_string(), job.to_string()),
            ]
            .into(),
            points: values
                .iter()
                .enumerate()
                .map(|(t, v)| (t as i64 * STEP_MS, *v))
                .collect(),
            compare: None,
        })
        .collect()
}

/// Columns as (header, cell texts) in the order shown.
type Columns = Vec<(String, Vec<String>)>;

fn triage_table(raw_panel: &Value, set: &[(&str, &str, Vec<f64>)]) -> Option<Columns> {
    let mut panel = raw_panel.clone();
    panel["gridPos"] = json!({"x": 0, "y": 0, "w": 12, "h": 8});
    let dashboard = json!({"title": "oracle", "schemaVersion": 39, "panels": [panel]});
    let loaded = load_str(&dashboard.to_string(), "oracle").ok()?;
    let panel = loaded.dashboard.panels.first()?.clone();
    let (view, _) = table::build(&panel, &triage_series(set), Clock::Utc);
    Some(
        view.headers
            .iter()
            .enumerate()
            .map(|(c, h)| {
                let cells = view.rows.iter().map(|r| r[c].text.clone()).collect();
                (h.clone(), cells)
            })
            .collect(),
    )
}

fn grafana_table(answer: &Value) -> Option<Columns> {
    let fields = answer["frames"][0]["fields"].as_array()?;
    Some(
        fields
            .iter()
            .filter(|f| f["hidden"] != json!(true))
            .map(|f| {
                let cells = f["display"].as_array().into_iter().flatten();
                let cells = cells.map(|t| t.as_str().unwrap_or("").to_string());
                (
                    f["name"].as_str().unwrap_or("").to_string(),
                    cells.collect(),
                )
            })
            .collect(),
    )
}

#[test]
fn table_cells_and_transformations_match_grafana() {
    let mut cases = Vec::new();
    let mut asks = Vec::new();
    for (file, dashboard) in &run::layout_and_corpus_dashboards() {
        for panel in table_panels(dashboard) {
            for (name, set) in datasets() {
                let Some(triage) = triage_table(&panel, &set) else {
                    continue;
                };
                let what = format!(
                    "{} / {:?} / {name}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    panel["title"].as_str().unwrap_or("")
                );
                cases.push((what, triage));
                asks.push(json!({
                    "kind": "table",
                    "frames": oracle_frames(&set),
                    "fieldConfig": panel["fieldConfig"],
                    "options": panel["options"],
                    "transformations": panel["transformations"],
                }));
            }
        }
    }
    let answers = run::ask(&asks);
    let mut tally = run::Tally::default();
    for ((what, triage), answer) in cases.iter().zip(&answers) {
        let grafana = grafana_table(answer).unwrap_or_default();
        // A transformer the Grafana app adds (extractFields, ...) is not in @grafana/data, whose
        // code skips it: that answer is not Grafana's table (docs/grafana-fidelity.md).
        let missing = answer["missing"].as_array().is_some_and(|m| !m.is_empty());
        let known = missing.then_some("transformer not in @grafana/data");
        let headers = |c: &Columns| c.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>();
        tally.record(headers(&grafana) == headers(triage), known, || {
            format!(
                "{what}: columns Grafana {:?}, triage {:?}",
                headers(&grafana),
                headers(triage)
            )
        });
        for ((header, theirs), (_, ours)) in grafana.iter().zip(triage) {
            tally.record(theirs == ours, known, || {
                format!("{what} / {header}: Grafana {theirs:?}, triage {ours:?}")
            });
        }
    }
    tally.finish("table cells", 20);
}

/// Table panels whose queries are all `format: table` (Prometheus's table frames). Their
/// `sortBy` is taken out on both sides: the browser sorts the rows, not the frames.
fn table_format_panels(dashboard: &Value) -> Vec<Value> {
    run::all_panels(dashboard)
        .into_iter()
        .filter(|p| p["type"] == json!("table") && p["fieldConfig"].is_object())
        .filter(|p| {
            let targets = p["targets"].as_array().cloned().unwrap_or_default();
            !targets.is_empty() && targets.iter().all(|t| t["format"] == json!("table"))
        })
        .cloned()
        .collect()
}

/// The visible targets' refIds of a panel; a target without one gets the next free letter, as
/// Grafana's panel model gives it (`getNextRefId`).
fn ref_ids(panel: &Value) -> Vec<String> {
    let targets = panel["targets"].as_array().cloned().unwrap_or_default();
    let mut taken: Vec<String> = targets
        .iter()
        .filter_map(|t| t["refId"].as_str().map(str::to_string))
        .collect();
    let mut refs = Vec::new();
    for t in &targets {
        let id = match t["refId"].as_str() {
            Some(id) => id.to_string(),
            None => {
                let free = (b'A'..=b'Z')
                    .map(|c| (c as char).to_string())
                    .find(|c| !taken.contains(c))
                    .unwrap_or_default();
                taken.push(free.clone());
                free
            }
        };
        if t["hide"] != json!(true) {
            refs.push(id);
        }
    }
    refs
}

/// The labels a panel's transformations join or group by (`joinByField`/`seriesToColumns`
/// `byField`): real answers carry them, so the generated ones do too.
fn joined_labels(panel: &Value) -> Vec<String> {
    panel["transformations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["options"]["byField"].as_str())
        .filter(|f| !f.starts_with("Time") && !f.starts_with("Value"))
        .map(str::to_string)
        .collect()
}

/// Instant answers for each refId: the same instances, a value per refId (so joins by label
/// and by time both have something to join); `extra` labels take the instance's name.
fn instant_series(refs: &[String], set: &[Generated], extra: &[String]) -> Vec<Series> {
    refs.iter()
        .enumerate()
        .flat_map(|(r, ref_id)| {
            set.iter().map(move |(instance, job, values)| Series {
                ref_id: ref_id.clone(),
                name: instance.to_string(),
                labels: [
                    ("instance".to_string(), instance.to_string()),
                    ("job".to_string(), job.to_string()),
                ]
                .into_iter()
                .chain(extra.iter().map(|k| (k.clone(), format!("{instance}-{k}"))))
                .collect(),
                points: vec![(STEP_MS, values[0] * (r as f64 + 1.0))],
                compare: None,
            })
        })
        .collect()
}

/// Grafana's Prometheus table frames (`transformDFToTable`, docs: grafana-semantics §8): one
/// per refId with Time, the sorted union of label keys, and `Value` (`Value #<refId>` when the
/// panel has more than one query).
fn table_frames(refs: &[String], series: &[Series]) -> Value {
    let frames: Vec<Value> = refs
        .iter()
        .map(|ref_id| {
            let rows: Vec<&Series> = series.iter().filter(|s| &s.ref_id == ref_id).collect();
            let mut keys: Vec<&String> = rows.iter().flat_map(|s| s.labels.keys()).collect();
            keys.sort();
            keys.dedup();
            let mut fields = vec![json!({"name": "Time", "type": "time",
                "values": rows.iter().map(|s| s.points[0].0).collect::<Vec<_>>()})];
            for key in keys {
                let values: Vec<String> = rows
                    .iter()
                    .map(|s| s.labels.get(key).cloned().unwrap_or_default())
                    .collect();
                fields.push(json!({"name": key, "type": "string", "values": values}));
            }
            let value_name = if refs.len() > 1 {
                format!("Value #{ref_id}")
            } else {
                "Value".to_string()
            };
            fields.push(json!({"name": value_name, "type": "number",
                "values": rows.iter().map(|s| run::js_number(s.points[0].1)).collect::<Vec<_>>()}));
            json!({"refId": ref_id, "fields": fields})
        })
        .collect();
    Value::Array(frames)
}

#[test]
fn table_format_panels_and_their_transformations_match_grafana() {
    let mut cases = Vec::new();
    let mut asks = Vec::new();
    for (file, dashboard) in &run::layout_and_corpus_dashboards() {
        for mut raw in table_format_panels(dashboard) {
            raw["options"]["sortBy"] = json!([]);
            let refs = ref_ids(&raw);
            let mut panel = raw.clone();
            panel["gridPos"] = json!({"x": 0, "y": 0, "w": 12, "h": 8});
            let wrapped = json!({"title": "oracle", "schemaVersion": 39, "panels": [panel]});
            let Some(loaded) = load_str(&wrapped.to_string(), "oracle").ok() else {
                continue;
            };
            let Some(model) = loaded.dashboard.panels.first().cloned() else {
                continue;
            };
            for (name, set) in datasets() {
                let series = instant_series(&refs, &set, &joined_labels(&raw));
                let (view, _) = table::build(&model, &series, Clock::Utc);
                let triage: Columns = view
                    .headers
                    .iter()
                    .enumerate()
                    .map(|(c, h)| {
                        (
                            h.clone(),
                            view.rows.iter().map(|r| r[c].text.clone()).collect(),
                        )
                    })
                    .collect();
                let what = format!(
                    "{} / {:?} / {name}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    raw["title"].as_str().unwrap_or("")
                );
                cases.push((what, triage, legacy_mappings(&raw)));
                asks.push(json!({
                    "kind": "table",
                    "frames": table_frames(&refs, &series),
                    "fieldConfig": raw["fieldConfig"],
                    "options": raw["options"],
                    "transformations": raw["transformations"],
                }));
            }
        }
    }
    let answers = run::ask(&asks);
    let mut tally = run::Tally::default();
    for ((what, triage, legacy), answer) in cases.iter().zip(&answers) {
        let grafana = grafana_table(answer).unwrap_or_default();
        let missing = answer["missing"].as_array().is_some_and(|m| !m.is_empty());
        let known = if missing {
            Some("transformer not in @grafana/data")
        } else if *legacy {
            Some("legacy mappings, migrated by Grafana's dashboard migrator")
        } else {
            None
        };
        let headers = |c: &Columns| c.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>();
        tally.record(headers(&grafana) == headers(triage), known, || {
            format!(
                "{what}: columns Grafana {:?}, triage {:?}",
                headers(&grafana),
                headers(triage)
            )
        });
        for ((header, theirs), (_, ours)) in grafana.iter().zip(triage) {
            tally.record(theirs == ours, known, || {
                format!("{what} / {header}: Grafana {theirs:?}, triage {ours:?}")
            });
        }
    }
    tally.finish("table format cells", 20);
}

/// Value maps in the old `{"type": 1, "value", "text"}` form, in the defaults or an override:
/// Grafana's dashboard migrator (schema 30) rewrites them before the panel sees them, as
/// triage's loader does; the oracle is given the file as written.
fn legacy_mappings(panel: &Value) -> bool {
    let legacy = |mappings: &Value| {
        mappings
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["type"].is_number()))
    };
    let config = &panel["fieldConfig"];
    legacy(&config["defaults"]["mappings"])
        || config["overrides"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|o| {
                o["properties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["id"] == json!("mappings") && legacy(&p["value"]))
            })
}
