//! Differential tests against Grafana's own code: `@grafana/data` 13.2.3 (tests/oracle/, run
//! by node) and triage format the same values, plan the same intervals, and must agree character
//! for character. Differences kept on purpose are listed in docs/grafana-fidelity.md and named
//! here by `known_*`; everything else fails with the first mismatches in full.
//!
//! Needs node and tests/oracle/node_modules: `scripts/install-deps` installs both.

#[path = "oracle/run.rs"]
mod run;

use run::{Tally, ask, js_number};
use serde_json::{Value, json};
use triage::grafana::interval::calculate_interval;
use triage::grafana::units::format_value;

/// Grafana's unit ids, from Grafana itself (so a unit added there is swept here too).
fn grafana_units() -> Vec<String> {
    let answer = ask(&[json!({"kind": "units"})]);
    let units = answer[0]["units"].as_array().expect("unit list");
    units
        .iter()
        .filter_map(|u| u["id"].as_str().map(str::to_owned))
        .collect()
}

/// `m × 10^k` as the nearest double to that decimal literal, as JavaScript reads `1.5e-7`.
fn decimal(m: &str, k: i32) -> f64 {
    format!("{m}e{k}").parse().expect("decimal literal")
}

/// Magnitudes 1e-12 .. 1e15 with a few mantissas, both signs, plus the values units scale at.
fn sweep_values() -> Vec<f64> {
    let mut values = vec![
        0.0,
        1.0,
        60.0,
        100.0,
        1000.0,
        1024.0,
        3600.0,
        86400.0,
        604_800.0,
        1_048_576.0,
        31_536_000.0,
        // NaN is not swept: Grafana's display processor never hands NaN to a unit formatter
        // (displayProcessor.ts formats only `!Number.isNaN(numeric)`).
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for k in -12..=15 {
        for m in ["1", "1.5", "2.345678", "9.995", "-4.2"] {
            values.push(decimal(m, k));
        }
    }
    values
}

/// Units whose text depends on the wall clock: compared with a fixed "now" in
/// tests/oracle_dates.rs, not here.
fn clock_dependent(unit: &str) -> bool {
    unit == "dateTimeFromNow" || unit.ends_with("NoDateIfToday")
}

/// Differences in formatting kept on purpose (docs/grafana-fidelity.md says why).
fn known_format_difference(unit: &str, value: f64, _decimals: Option<u32>) -> Option<&'static str> {
    let count_unit = THROUGHPUT_UNITS.contains(&unit) || unit.starts_with("count:");
    if count_unit && value.is_infinite() {
        // Grafana's simpleCountUnit appends to a scale suffix that infinite values do not get:
        // `∞undefined req/s`; triage shows `∞ req/s`.
        return Some("infinite count units");
    }
    match unit {
        // Grafana formats these in the browser's zone and locale; triage draws UTC ISO text.
        "dateTimeAsLocal" => Some("local date format"),
        _ => None,
    }
}

fn format_case(unit: &str, value: f64, decimals: Option<u32>) -> Value {
    json!({"kind": "format", "unit": unit, "value": js_number(value), "decimals": decimals})
}

fn compare_formats(cases: &[(String, f64, Option<u32>)], tally: &mut Tally) {
    let requests: Vec<Value> = cases
        .iter()
        .map(|(u, v, d)| format_case(u, *v, *d))
        .collect();
    let answers = ask(&requests);
    for ((unit, value, decimals), want) in cases.iter().zip(&answers) {
        let ours = format_value(*value, Some(unit), *decimals);
        let agree = want.get("error").is_none()
            && want["prefix"] == ours.prefix.as_str()
            && want["text"] == ours.text.as_str()
            && want["suffix"] == ours.suffix.as_str();
        let known = known_format_difference(unit, *value, *decimals);
        tally.record(
            agree,
            known,
            || {
                format!(
                    "  unit {unit:?} value {value:e} decimals {decimals:?}: Grafana {want}, triage {{prefix:{:?}, text:{:?}, suffix:{:?}}}",
                    ours.prefix, ours.text, ours.suffix
                )
            },
        );
    }
}

/// Every unit in Grafana's catalogue over magnitudes 1e-12..1e15, automatic decimals and every
/// `decimals` setting the editor offers (0..15).
#[test]
fn every_unit_formats_like_grafana() {
    let units: Vec<String> = grafana_units()
        .into_iter()
        .filter(|u| !clock_dependent(u))
        .collect();
    assert!(
        units.len() > 250,
        "Grafana's catalogue has {} units",
        units.len()
    );
    let values = sweep_values();
    let mut cases = Vec::new();
    for unit in units
        .iter()
        .map(String::as_str)
        .chain(CUSTOM_UNITS.iter().copied())
    {
        for (i, &value) in values.iter().enumerate() {
            cases.push((unit.to_string(), value, None));
            cases.push((unit.to_string(), value, Some(2)));
            // Every decimals setting on every third value keeps the batch to seconds.
            if i % 3 == 0 {
                for d in (0..=15).filter(|d| *d != 2) {
                    cases.push((unit.to_string(), value, Some(d)));
                }
            }
        }
    }
    let mut tally = Tally::default();
    compare_formats(&cases, &mut tally);
    tally.finish("unit formatting", 50_000);
}

/// Grafana's throughput units (all `simpleCountUnit`).
const THROUGHPUT_UNITS: &[&str] = &[
    "cps", "ops", "reqps", "rps", "wps", "iops", "eps", "mps", "recps", "rowsps", "cpm", "opm",
    "reqpm", "rpm", "wpm", "epm", "mpm", "recpm", "rowspm",
];

/// Custom unit syntaxes (`suffix:`, `prefix:`, `si:`, `count:`, `currency:`, `bool:`) and ids
/// Grafana does not know (which become a suffix).
const CUSTOM_UNITS: &[&str] = &[
    "suffix:/req",
    "prefix:≈",
    "si:B",
    "si:mW",
    "si:kHz",
    "count:jobs",
    "currency:CHF",
    "currency:kr",
    "currency:financial:USD",
    "currency:financial:kr:suffix",
    "bool:up/down",
    "widgets",
];

/// Grafana's `calculateInterval` over ranges 1 m .. 1 y and widths 100 .. 4000 px, with and
/// without a minimum interval, against triage's interval.
#[test]
fn intervals_match_grafana() {
    const MIN: i64 = 60_000;
    let ranges = [
        MIN,
        2 * MIN,
        5 * MIN,
        15 * MIN,
        30 * MIN,
        37 * MIN,
        60 * MIN,
        3 * 60 * MIN,
        6 * 60 * MIN,
        12 * 60 * MIN,
        13 * 60 * MIN + 7_000,
        24 * 60 * MIN,
        2 * 24 * 60 * MIN,
        7 * 24 * 60 * MIN,
        30 * 24 * 60 * MIN,
        90 * 24 * 60 * MIN,
        180 * 24 * 60 * MIN,
        365 * 24 * 60 * MIN,
    ];
    let low_limits = [
        None,
        Some("15s"),
        Some("1m"),
        Some("1.5m"),
        Some("2h"),
        Some("10"),
        Some("500ms"),
    ];
    let to = 1_700_000_000_000_i64;
    let mut cases = Vec::new();
    for range in ranges {
        for width in (100..=4000).step_by(25) {
            for low in low_limits {
                cases.push((to - range, to, width as u64, low));
            }
        }
    }
    let requests: Vec<Value> = cases
        .iter()
        .map(|(from, to, width, low)| {
            json!({"kind": "interval", "from": from, "to": to, "resolution": width, "lowLimit": low})
        })
        .collect();
    let answers = ask(&requests);
    let mut tally = Tally::default();
    for ((from, to, width, low), want) in cases.iter().zip(&answers) {
        let ours = calculate_interval(*from, *to, *width, *low);
        let agree =
            want["intervalMs"] == json!(ours.interval_ms) && want["interval"] == ours.interval;
        tally.record(agree, None, || {
            format!(
                "  range {} ms width {width} lowLimit {low:?}: Grafana {want}, triage {{intervalMs:{}, interval:{:?}}}",
                to - from,
                ours.interval_ms,
                ours.interval
            )
        });
    }
    tally.finish("calculateInterval", 15_000);
}

/// `#rgb` → `#rrggbb`; `#rrggbbaa` stays (what tinycolor's hex means).
fn full_hex(hex: &str) -> String {
    let h = hex.trim_start_matches('#');
    if h.len() == 3 {
        format!("#{}", h.chars().flat_map(|c| [c, c]).collect::<String>())
    } else {
        format!("#{h}")
    }
}

/// Colour names as Grafana's theme resolves them (`getColorByName`), both themes: every named
/// shade, the classic palette, CSS names, hex and rgb() forms.
#[test]
fn colours_resolve_like_grafana() {
    use triage::grafana::colors::{CLASSIC_PALETTE, HUE_NAMES, Theme, resolve};
    let mut names: Vec<String> = Vec::new();
    for shade in ["super-light-", "light-", "", "semi-dark-", "dark-"] {
        for hue in HUE_NAMES {
            names.push(format!("{shade}{hue}"));
        }
    }
    names.extend(CLASSIC_PALETTE.iter().map(|c| c.to_string()));
    for css in [
        "white",
        "black",
        "gray",
        "grey",
        "rebeccapurple",
        "darkslategray",
        "gold",
        "orchid",
        "Teal",
        "transparent",
        "text",
        "#abc",
        "#A1B2C3",
        "#11223380",
        "rgb(10, 20, 30)",
        "rgba(10,20,30,0.5)",
    ] {
        names.push(css.to_string());
    }
    let mut cases = Vec::new();
    for theme in ["dark", "light"] {
        for name in &names {
            cases.push((theme, name.clone()));
        }
    }
    let requests: Vec<Value> = cases
        .iter()
        .map(|(theme, name)| json!({"kind": "color", "name": name, "theme": theme}))
        .collect();
    let answers = ask(&requests);
    let mut tally = Tally::default();
    for ((theme, name), want) in cases.iter().zip(&answers) {
        let t = if *theme == "light" {
            Theme::Light
        } else {
            Theme::Dark
        };
        let ours = resolve(name, t).map(|c| {
            let hex = c.rgb.hex();
            if c.alpha < 1.0 {
                format!("{hex}{:02x}", (c.alpha * 255.0).round() as u8)
            } else {
                hex
            }
        });
        let want_hex = want["hex"].as_str().map(full_hex);
        tally.record(ours == want_hex, None, || {
            format!("  {theme} {name:?}: Grafana {want}, triage {ours:?}")
        });
    }
    tally.finish("colour names", 200);
}

/// Negative `decimals` (the loader reads them as 0, as grafana-data's `toFixed` does with
/// `Math.max(0, decimals)`): Grafana with -1/-2 against triage with 0, every unit.
#[test]
fn negative_decimals_count_as_zero() {
    let units: Vec<String> = grafana_units()
        .into_iter()
        .filter(|u| !clock_dependent(u))
        .collect();
    let values = [0.0, 0.000123, 1.5, 186.123, 12_345.678, 3.3e9, -42.42];
    let mut cases = Vec::new();
    for unit in &units {
        for value in values {
            for d in [-1, -2] {
                cases.push((unit.clone(), value, d));
            }
        }
    }
    let requests: Vec<Value> = cases
        .iter()
        .map(|(u, v, d)| json!({"kind": "format", "unit": u, "value": v, "decimals": d}))
        .collect();
    let answers = ask(&requests);
    let mut tally = Tally::default();
    for ((unit, value, d), want) in cases.iter().zip(&answers) {
        let ours = format_value(*value, Some(unit), Some(0));
        let agree = want["prefix"] == ours.prefix.as_str()
            && want["text"] == ours.text.as_str()
            && want["suffix"] == ours.suffix.as_str();
        let known = match unit.as_str() {
            // Zero goes straight to `toFixed(0, -1)`, which throws in Grafana.
            _ if *value == 0.0 => Some("zero with negative decimals throws"),
            // toClock compares decimals with 0, 1 and 2 only: all parts in Grafana.
            "clockms" | "clocks" => Some("clocks with negative decimals"),
            // Grafana throws (toExponential / Intl reject a negative digit count) and the
            // panel shows an error; triage formats with 0 decimals.
            "sci" | "locale" => Some("negative decimals throw"),
            // toDuration's loop runs while decimals >= 0: no text at all in Grafana.
            "dtdurationms" | "dtdurations" => Some("negative decimals give no duration text"),
            "dateTimeAsLocal" => Some("local date format"),
            _ => None,
        };
        tally.record(agree, known, || {
            format!("  unit {unit:?} value {value} decimals {d}: Grafana {want}, triage {ours:?}")
        });
    }
    tally.finish("negative decimals", 3_000);
}
