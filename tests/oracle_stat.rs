//! Stat, gauge and bar gauge panels of the repository's layouts and the shared corpus, fed
//! generated series (integers, fractions, huge and tiny numbers, negatives, NaN, ±Infinity,
//! empty series, a single point, many series, no series at all), shown by triage and by
//! Grafana's own `getFieldDisplayValues` (@grafana/data under tests/oracle): each value's text
//! and colour must agree.
//!
//! Differences in how a number is written in a unit are the unit formatter's (src/grafana/units,
//! compared by the format cases of the oracle tests); they are counted as known here when triage
//! writes Grafana's reduced number exactly as its own formatter does.

#[path = "oracle/run.rs"]
mod run;

use serde_json::{Value, json};
use triage::grafana::load::load_str;
use triage::grafana::units;
use triage::view::build::{Clock, build};
use triage::view::{PanelBody, Rgb};

const REDUCING: [&str; 3] = ["stat", "gauge", "bargauge"];
/// The step between generated points (one minute), from the epoch.
const STEP_MS: i64 = 60_000;

/// Named value sets: each a list of series (one `instance` label each).
fn datasets() -> Vec<(&'static str, Vec<Vec<f64>>)> {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    vec![
        ("integers", vec![vec![1.0, 2.0, 3.0, 42.0], vec![0.0, 7.0]]),
        ("fractions", vec![vec![0.25, 0.5, 0.123456], vec![0.999]]),
        ("huge", vec![vec![1e15, 3.2e18], vec![123_456_789.0]]),
        ("tiny", vec![vec![1e-9, 3e-12], vec![0.000_42]]),
        ("negatives", vec![vec![-5.0, -0.5, -1200.0], vec![-0.001]]),
        ("ends in NaN", vec![vec![1.0, nan], vec![nan, nan]]),
        ("infinities", vec![vec![1.0, inf], vec![2.0, -inf]]),
        ("empty series", vec![vec![]]),
        ("single point", vec![vec![7.5]]),
        (
            "many series",
            (0..30)
                .map(|i| vec![f64::from(i) * 3.5, f64::from(i)])
                .collect(),
        ),
        ("no series", vec![]),
    ]
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// (text, colour) of every value triage shows for the panel.
fn triage_values(raw_panel: &Value, set: &[Vec<f64>]) -> Option<Vec<(String, Option<String>)>> {
    let data = run::instance_data(set, STEP_MS, 10 * STEP_MS);
    triage_values_at(raw_panel, &data, Clock::Utc)
}

/// (text, colour) of every value triage shows for the panel over `data` on a dashboard whose
/// zone is `clock`.
fn triage_values_at(
    raw_panel: &Value,
    data: &triage::data::panel_data::PanelData,
    clock: Clock,
) -> Option<Vec<(String, Option<String>)>> {
    let mut panel = raw_panel.clone();
    panel["gridPos"] = json!({"x": 0, "y": 0, "w": 8, "h": 6});
    let dashboard = json!({"title": "oracle", "schemaVersion": 39, "panels": [panel]});
    let loaded = load_str(&dashboard.to_string(), "oracle").ok()?;
    let panel = loaded.dashboard.panels.first()?.clone();
    let view = build(&panel, data, clock);
    Some(match view.body {
        PanelBody::Stat(stat) => stat
            .values
            .into_iter()
            .map(|v| (v.text, v.color.map(hex)))
            .collect(),
        PanelBody::Gauge(gauge) => gauge
            .items
            .into_iter()
            .map(|i| (i.text, Some(hex(i.color))))
            .collect(),
        _ => return None,
    })
}

struct Case {
    what: String,
    /// Legacy `{"type": 1, "value": "null"}` mappings: Grafana's dashboard migrator (schema
    /// 30) rewrites them before the panel sees them; the oracle is given the file as written.
    legacy_mappings: bool,
    /// A base threshold step written without `value` (not `null`): Grafana compares values
    /// with `undefined`, which never passes, so it always shows the base step; triage reads
    /// the missing value as the usual -Infinity base (a difference kept for now).
    base_step_without_value: bool,
    unit: Option<String>,
    decimals: Option<u32>,
    triage: Vec<(String, Option<String>)>,
}

#[test]
fn stat_gauge_and_bar_gauge_values_match_grafana() {
    let mut cases = Vec::new();
    let mut asks = Vec::new();
    for (file, dashboard) in &run::layout_and_corpus_dashboards() {
        for panel in run::reducing_panels(dashboard) {
            let defaults = &panel["fieldConfig"]["defaults"];
            for (name, set) in datasets() {
                let Some(triage) = triage_values(&panel, &set) else {
                    continue;
                };
                let legacy_mappings = defaults["mappings"]
                    .as_array()
                    .is_some_and(|m| m.iter().any(|m| m["type"].is_number()));
                let base_step_without_value = defaults["thresholds"]["steps"][0]
                    .as_object()
                    .is_some_and(|step| !step.contains_key("value"));
                cases.push(Case {
                    base_step_without_value,
                    legacy_mappings,
                    what: format!(
                        "{} / {:?} ({}) / {name}",
                        file.file_name().unwrap_or_default().to_string_lossy(),
                        panel["title"].as_str().unwrap_or(""),
                        panel["type"].as_str().unwrap_or("")
                    ),
                    unit: defaults["unit"].as_str().map(str::to_string),
                    decimals: defaults["decimals"].as_u64().map(|d| d as u32),
                    triage,
                });
                asks.push(json!({
                    "kind": "display",
                    "panelType": panel["type"],
                    "frames": run::instance_frames(&set, STEP_MS),
                    "fieldConfig": panel["fieldConfig"],
                    "options": panel["options"],
                }));
            }
        }
    }
    let answers = run::ask(&asks);
    let mut tally = run::Tally::default();
    for (case, answer) in cases.iter().zip(&answers) {
        let Some(values) = answer["values"].as_array() else {
            tally.record(false, None, || {
                format!("{}: oracle error {answer}", case.what)
            });
            continue;
        };
        let same_count = values.len() == case.triage.len();
        tally.record(same_count, None, || {
            format!(
                "{}: Grafana shows {} values, triage {}",
                case.what,
                values.len(),
                case.triage.len()
            )
        });
        for (i, (v, (text, colour))) in values.iter().zip(&case.triage).enumerate() {
            let grafana_text = run::shown_text(v);
            let grafana_colour = v["color"].as_str().map(str::to_string);
            let same_text = grafana_text.trim() == text.trim();
            // A number Grafana reduced to the same value that only the unit writes differently.
            let numeric = match &v["numeric"] {
                Value::String(s) if s == "Infinity" => Some(f64::INFINITY),
                Value::String(s) if s == "-Infinity" => Some(f64::NEG_INFINITY),
                n => n.as_f64(),
            };
            let unit_only = numeric.is_some_and(|n| {
                units::format_value(n, case.unit.as_deref(), case.decimals).to_string() == *text
            });
            let known_text = if unit_only {
                Some("unit formatting")
            } else if case.legacy_mappings {
                Some("legacy mappings, migrated by Grafana's dashboard migrator")
            } else {
                None
            };
            tally.record(same_text, known_text, || {
                format!(
                    "{} #{i}: text Grafana {grafana_text:?}, triage {text:?}",
                    case.what
                )
            });
            // A translucent colour (`rgba(…, 0.9)`): a terminal cell has no alpha, triage
            // blends it over the panel background.
            let translucent = grafana_colour.as_ref().is_some_and(|c| c.len() == 9);
            let known_colour = if translucent {
                Some("alpha blended")
            } else if case.base_step_without_value {
                Some("base step without value")
            } else {
                None
            };
            tally.record(grafana_colour == *colour, known_colour, || {
                format!(
                    "{} #{i}: colour Grafana {grafana_colour:?}, triage {colour:?}",
                    case.what
                )
            });
        }
    }
    tally.finish("stat gauge bargauge display", 200);
}

/// Panels written for the display rules of issue 18 (threshold order, value mappings, no data,
/// empty calcs, NaN, data ranges), each over every dataset: all must agree with Grafana.
fn rule_panels() -> Vec<Value> {
    let steps_out_of_order = json!({"mode": "absolute", "steps": [
        {"value": null, "color": "green"}, {"value": 90, "color": "red"},
        {"value": 70, "color": "orange"}]});
    let mappings = json!([
        {"type": "special", "options": {"match": "true", "result": {"text": "TRUE", "color": "blue"}}},
        {"type": "special", "options": {"match": "false", "result": {"text": "FALSE", "color": "purple"}}},
        {"type": "regex", "options": {"pattern": ".*", "result": {"text": "regex", "color": "yellow"}}},
        {"type": "special", "options": {"match": "nan", "result": {"text": "not a number", "color": "orange"}}},
        {"type": "range", "options": {"from": null, "to": 10, "result": {"text": "0..10", "color": "dark-red"}}},
        {"type": "special", "options": {"match": "null", "result": {"text": "N/A", "color": "purple"}}}
    ]);
    let mut panels = Vec::new();
    for kind in REDUCING {
        let fc = |defaults: Value| json!({"defaults": defaults, "overrides": []});
        panels.extend([
            json!({"type": kind, "title": "steps out of order",
                   "fieldConfig": fc(json!({"thresholds": steps_out_of_order}))}),
            json!({"type": kind, "title": "mappings", "fieldConfig": fc(json!({"mappings": mappings}))}),
            json!({"type": kind, "title": "mappings, last",
                   "fieldConfig": fc(json!({"mappings": mappings})),
                   "options": {"reduceOptions": {"calcs": ["last"]}}}),
            json!({"type": kind, "title": "fixed colour",
                   "fieldConfig": fc(json!({"color": {"mode": "fixed", "fixedColor": "orange"}}))}),
            json!({"type": kind, "title": "blue base, no value text",
                   "fieldConfig": fc(json!({"noValue": "nothing", "thresholds": {"mode": "absolute",
                       "steps": [{"value": null, "color": "blue"}, {"value": 3, "color": "red"}]}}))}),
            json!({"type": kind, "title": "empty calcs",
                   "fieldConfig": fc(json!({})), "options": {"reduceOptions": {"calcs": []}}}),
            json!({"type": kind, "title": "count",
                   "fieldConfig": fc(json!({})), "options": {"reduceOptions": {"calcs": ["count"]}}}),
            json!({"type": kind, "title": "percentage thresholds over the data",
                   "fieldConfig": fc(json!({"unit": "percent", "thresholds": {"mode": "percentage",
                       "steps": [{"value": null, "color": "green"}, {"value": 50, "color": "red"}]}}))}),
            json!({"type": kind, "title": "continuous",
                   "fieldConfig": fc(json!({"color": {"mode": "continuous-BlYlRd"}}))}),
        ]);
    }
    panels
}

#[test]
fn display_rules_match_grafana() {
    let mut cases = Vec::new();
    let mut asks = Vec::new();
    for panel in rule_panels() {
        for (name, set) in datasets() {
            let triage = triage_values(&panel, &set).expect("a reducing panel");
            cases.push((
                format!("{} ({}) / {name}", panel["title"], panel["type"]),
                triage,
            ));
            asks.push(json!({
                "kind": "display",
                "panelType": panel["type"],
                "frames": run::instance_frames(&set, STEP_MS),
                "fieldConfig": panel["fieldConfig"],
                "options": panel.get("options").cloned().unwrap_or(json!({})),
            }));
        }
    }
    compare_values(&cases, &run::ask(&asks)).finish("display rules", 500);
}

/// Dashboard zones of the date cases. On a named zone triage judges "today" in that zone (its
/// viewer is taken to live there) and the oracle's browser is put in it; `utc` leaves "today" to
/// this machine's zone, so the cases that depend on it are not generated for `utc`.
const DATE_ZONES: [&str; 4] = ["utc", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];
const DATE_UNITS: [&str; 7] = [
    "dateTimeAsIso",
    "dateTimeAsUS",
    "dateTimeAsIsoNoDateIfToday",
    "dateTimeAsUSNoDateIfToday",
    "dateTimeFromNow",
    "dateTimeAsSystem",
    "time:ddd D MMM HH:mm",
];

/// Values relative to "now": seconds, minutes, hours around midnight in every zone, days, a
/// month and more, both ways.
fn date_offsets_ms() -> Vec<i64> {
    let (s, m, h, d) = (1_000, 60_000, 3_600_000, 86_400_000);
    vec![
        0,
        -10 * s,
        -50 * s,
        -5 * m,
        -44 * m,
        -3 * h,
        -9 * h,
        -14 * h,
        -23 * h,
        -d,
        -3 * d,
        -40 * d,
        -400 * d,
        2 * h,
        11 * h,
        5 * d,
    ]
}

#[test]
fn date_units_in_panels_match_grafana() {
    // 2026-03-29 07:30 UTC (the morning Berlin moved to summer time), 2026-07-01 22:45 UTC (a
    // day's end in UTC, the next day in Berlin and Kolkata) and 2026-11-01 04:10 UTC.
    let nows: [i64; 3] = [1_774_769_400_000, 1_782_945_900_000, 1_793_506_200_000];
    let mut cases = Vec::new();
    let mut asks = Vec::new();
    for kind in REDUCING {
        for unit in DATE_UNITS {
            for zone_name in DATE_ZONES {
                let clock = Clock::for_timezone(Some(zone_name)).expect("a known zone");
                let reads_today = unit.contains("NoDateIfToday") || unit == "dateTimeFromNow";
                for now in nows {
                    for offset in date_offsets_ms() {
                        if zone_name == "utc" && reads_today && offset.abs() > 20 * 86_400_000 {
                            continue;
                        }
                        if zone_name == "utc" && unit.contains("NoDateIfToday") {
                            continue;
                        }
                        let value = (now + offset) as f64;
                        let panel = json!({"type": kind, "title": "deployed",
                            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}});
                        let set = vec![vec![value - 60_000.0, value]];
                        let mut data = run::instance_data(&set, STEP_MS, now);
                        data.start_ms = now - 3_600_000;
                        let triage = triage_values_at(&panel, &data, clock).expect("a stat");
                        cases.push((
                            format!("{kind} {unit} in {zone_name}, now {now}, value {offset:+} ms"),
                            triage,
                        ));
                        asks.push(json!({
                            "kind": "display",
                            "panelType": kind,
                            "frames": run::instance_frames(&set, STEP_MS),
                            "fieldConfig": panel["fieldConfig"],
                            "options": {},
                            "timeZone": zone_name,
                            "now": now,
                            "browserZone": if zone_name == "utc" { "UTC" } else { zone_name },
                        }));
                    }
                }
            }
        }
    }
    compare_values(&cases, &run::ask(&asks)).finish("date units in panels", 1_500);
}

/// What triage shows for a case: each value's text and colour.
type Shown = Vec<(String, Option<String>)>;

/// Each case's values (text and colour) against Grafana's answer, all of them compared.
fn compare_values(cases: &[(String, Shown)], answers: &[Value]) -> run::Tally {
    let mut tally = run::Tally::default();
    for ((what, triage), answer) in cases.iter().zip(answers) {
        let values = answer["values"].as_array().cloned().unwrap_or_default();
        tally.record(values.len() == triage.len(), None, || {
            format!("{what}: Grafana {answer}, triage {triage:?}")
        });
        for (i, (v, (text, colour))) in values.iter().zip(triage).enumerate() {
            let grafana_text = run::shown_text(v);
            tally.record(grafana_text.trim() == text.trim(), None, || {
                format!("{what} #{i}: text Grafana {grafana_text:?}, triage {text:?}")
            });
            let grafana_colour = v["color"].as_str().map(str::to_string);
            tally.record(grafana_colour == *colour, None, || {
                format!("{what} #{i}: colour Grafana {grafana_colour:?}, triage {colour:?}")
            });
        }
    }
    tally
}
