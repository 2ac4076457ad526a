//! Date units against Grafana's own formatters (`@grafana/data` 13.2.3, tests/oracle/): every
//! date unit in named time zones around their daylight saving changes, and the units that read
//! the clock (`dateTimeFromNow`, `dateTimeAs*NoDateIfToday`) with the oracle's clock stopped at
//! a fixed "now" and triage given the same one.
//!
//! The oracle's own zone (Grafana's "browser") is UTC, so triage's viewer zone is UTC here.

#[path = "oracle/run.rs"]
mod run;

use run::{Tally, ask, js_number};
use serde_json::{Value, json};
use triage::grafana::units::{DateContext, format_value_in};
use triage::grafana::zone::Zone;

/// Date units triage and Grafana both format (`dateTimeAsLocal*` use the browser's locale:
/// a difference kept on purpose, docs/grafana-fidelity.md).
const DATE_UNITS: &[&str] = &[
    "dateTimeAsIso",
    "dateTimeAsIsoNoDateIfToday",
    "dateTimeAsUS",
    "dateTimeAsUSNoDateIfToday",
    "dateTimeAsSystem",
    "dateTimeFromNow",
    "time:YYYY-MM-DD HH:mm:ss.SSS Z",
    "time:ddd D MMM h A",
];

/// Zones with daylight saving both ways, half-hour and 45-minute offsets, and none at all.
const ZONES: &[&str] = &[
    "utc",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Pacific/Chatham",
];

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn at(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
        .timestamp_millis()
}

/// Instants around the 2026 changes in Berlin (29 March, 25 October, 01:00 UTC) and New York
/// (8 March 07:00 UTC, 1 November 06:00 UTC), around midnights, and far ones.
fn instants() -> Vec<f64> {
    let edges = [
        at("2026-03-29T01:00:00Z"),
        at("2026-10-25T01:00:00Z"),
        at("2026-03-08T07:00:00Z"),
        at("2026-11-01T06:00:00Z"),
        at("2026-01-01T00:00:00Z"),
        at("2024-02-29T23:30:00Z"),
    ];
    let steps = [
        0,
        1,
        -1,
        30 * 60_000,
        -30 * 60_000,
        HOUR,
        -HOUR,
        90 * 60_000,
        12 * HOUR,
    ];
    let mut out: Vec<f64> = edges
        .iter()
        .flat_map(|e| steps.iter().map(move |s| (e + s) as f64))
        .collect();
    out.extend([
        0.0,
        1.5,
        -1.5,
        -86_400_001.0,
        1e12,
        1.7e12 + 0.999,
        8.64e15,
        8.64e15 + 1.0,
    ]);
    out.extend([-8.64e15, 1e16, f64::INFINITY]);
    out
}

/// Differences from "now" that cross each of moment's relative-time thresholds.
fn offsets_from_now() -> Vec<i64> {
    let s = 1000;
    let m = 60 * s;
    let ahead = [
        0,
        1,
        44 * s,
        44 * s + 499,
        44 * s + 500,
        45 * s,
        89 * s,
        90 * s,
        44 * m,
        44 * m + 30 * s,
        45 * m,
        89 * m,
        90 * m,
        21 * HOUR,
        21 * HOUR + 30 * m,
        22 * HOUR,
        35 * HOUR,
        36 * HOUR,
        25 * DAY,
        25 * DAY + 12 * HOUR,
        26 * DAY,
        30 * DAY,
        45 * DAY,
        46 * DAY,
        320 * DAY,
        345 * DAY,
        400 * DAY,
        545 * DAY,
        548 * DAY,
        5 * 365 * DAY,
    ];
    ahead.iter().flat_map(|d| [*d, -d]).collect()
}

/// Differences kept on purpose (docs/grafana-fidelity.md): JavaScript dates reach ±8.64e15 ms
/// (years -271821 .. 275760), chrono's only years ±262143; triage shows `Invalid date` there.
fn known_date_difference(value: f64) -> Option<&'static str> {
    (value.abs() > 8.2e15 && value.abs() <= 8.64e15).then_some("dates past chrono's years")
}

struct Case {
    unit: &'static str,
    zone: &'static str,
    value: f64,
    now: Option<i64>,
}

fn compare(cases: &[Case], tally: &mut Tally) {
    let requests: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({"kind": "format", "unit": c.unit, "value": js_number(c.value),
                   "decimals": null, "timeZone": c.zone, "now": c.now})
        })
        .collect();
    let answers = ask(&requests);
    for (c, want) in cases.iter().zip(&answers) {
        let zone = Zone::for_timezone(Some(c.zone)).unwrap_or_else(|| panic!("zone {}", c.zone));
        let dates = DateContext {
            zone,
            viewer: Zone::Utc,
            now_ms: c.now,
        };
        let ours = format_value_in(c.value, Some(c.unit), None, &dates);
        let agree = want.get("error").is_none()
            && want["prefix"] == ours.prefix.as_str()
            && want["text"] == ours.text.as_str()
            && want["suffix"] == ours.suffix.as_str();
        tally.record(agree, known_date_difference(c.value), || {
            format!(
                "  unit {:?} zone {} value {} now {:?}: Grafana {want}, triage {:?}",
                c.unit, c.zone, c.value, c.now, ours.text
            )
        });
    }
}

/// Every date unit in every zone at instants around daylight saving changes and midnights, with
/// "now" on the same day and on another.
#[test]
fn date_units_in_time_zones_match_grafana() {
    let nows = [at("2026-03-29T10:00:00Z"), at("2026-11-01T05:59:59Z")];
    let mut cases = Vec::new();
    for unit in DATE_UNITS {
        for zone in ZONES {
            for value in instants() {
                for now in nows {
                    cases.push(Case {
                        unit,
                        zone,
                        value,
                        now: Some(now),
                    });
                }
            }
        }
    }
    let mut tally = Tally::default();
    compare(&cases, &mut tally);
    tally.finish("date units in time zones", 3_000);
}

/// `dateTimeFromNow` and the `NoDateIfToday` units across moment's thresholds, from "now"s at
/// ends of months (calendar months differ in length) and around a clock change.
#[test]
fn clock_reading_units_match_grafana() {
    let nows = [
        at("2023-11-14T22:13:20Z"),
        at("2026-01-31T12:00:00Z"),
        at("2026-03-31T23:59:59.999Z"),
        at("2026-03-01T00:00:00Z"),
        at("2024-02-29T06:00:00Z"),
        at("2026-10-25T00:30:00Z"),
    ];
    let units = [
        "dateTimeFromNow",
        "dateTimeAsIsoNoDateIfToday",
        "dateTimeAsUSNoDateIfToday",
    ];
    let mut cases = Vec::new();
    for unit in units {
        for zone in ["utc", "Europe/Berlin", "Asia/Kolkata"] {
            for now in nows {
                for offset in offsets_from_now() {
                    cases.push(Case {
                        unit,
                        zone,
                        value: (now + offset) as f64,
                        now: Some(now),
                    });
                }
            }
        }
    }
    let mut tally = Tally::default();
    compare(&cases, &mut tally);
    tally.finish("clock-reading date units", 3_000);
}
