//! Table panels as Grafana builds them: the panel's frames (`frames::from_series`), its
//! transformations in order (`transform::apply`), then the first resulting frame drawn with
//! per-column field config (defaults + overrides: unit, decimals, thresholds, mappings,
//! coloured cells, hidden columns) and the table's own `sortBy` option.

use super::display::Clock;
use super::frames::{self, FieldType, Frame, Value};
use super::{TableCell, TableView, transform};
use crate::data::panel_data::Series;
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::{colors, fields, thresholds, units};

/// The frames a panel shows after its transformations, with a note per step not applied.
pub fn transformed(panel: &Panel, series: &[Series]) -> (Vec<Frame>, Vec<String>) {
    transform::apply(frames::from_series(panel, series), &panel.transformations)
}

pub fn build(panel: &Panel, series: &[Series], clock: Clock) -> (TableView, Vec<String>) {
    let (frames, mut notes) = transformed(panel, series);
    if frames.len() > 1 {
        // Grafana's table shows one frame at a time with a frame picker.
        notes.push(format!(
            "{} frames after transformations: showing the first (Grafana offers a picker)",
            frames.len()
        ));
    }
    let Some(frame) = frames.into_iter().next() else {
        return (TableView::default(), notes);
    };
    (from_frame(panel, &frame, clock), notes)
}

/// One frame as a table view.
pub fn from_frame(panel: &Panel, frame: &Frame, clock: Clock) -> TableView {
    let names = frame.names();
    let columns: Vec<(usize, String, FieldDefaults)> = frame
        .fields
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (f, name))| {
            let values = f.numbers();
            let config = fields::field_config(
                &panel.field_config,
                fields::FieldIdentity {
                    name: &name,
                    ref_id: &frame.ref_id,
                    values: &values,
                },
            );
            // An override's displayName renames the column, as in Grafana.
            let header = config
                .display_name
                .clone()
                .filter(|d| {
                    !d.is_empty() && Some(d) != panel.field_config.defaults.display_name.as_ref()
                })
                .unwrap_or(name);
            (i, header, config)
        })
        .filter(|(_, _, c)| c.custom.hidden != Some(true))
        .collect();
    let headers: Vec<String> = columns.iter().map(|(_, h, _)| h.clone()).collect();
    let numeric: Vec<bool> = columns
        .iter()
        .map(|(i, _, _)| frame.fields[*i].field_type == FieldType::Number)
        .collect();
    let mut rows: Vec<Vec<TableCell>> = (0..frame.len())
        .map(|r| {
            columns
                .iter()
                .map(|(i, _, config)| {
                    let v = frame.fields[*i].values.get(r).unwrap_or(&Value::Null);
                    cell(v, config, clock)
                })
                .collect()
        })
        .collect();
    if let Some((column, desc)) = panel.options.sort_by.first()
        && let Some(i) = headers.iter().position(|h| h == column)
    {
        rows.sort_by(|a, b| {
            let ord = match (a[i].number, b[i].number) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a[i].text.cmp(&b[i].text),
            };
            if *desc { ord.reverse() } else { ord }
        });
    }
    TableView {
        headers,
        numeric,
        rows,
    }
}

fn cell(v: &Value, config: &FieldDefaults, clock: Clock) -> TableCell {
    match v {
        Value::Number(x) => number_cell(*x, config, clock),
        Value::Time(t) => TableCell {
            text: time_text(*t, clock),
            color: None,
            number: Some(*t as f64),
        },
        Value::Text(s) => text_cell(s, config),
        // Grafana's display processor maps null too (a `null` special mapping).
        Value::Null => match fields::map_value(None, &config.mappings) {
            Some(m) => TableCell {
                color: m
                    .color
                    .as_deref()
                    .map(|c| colors::resolve_rgb(c, colors::Theme::Dark)),
                text: m.text.unwrap_or_default(),
                number: None,
            },
            None => TableCell {
                text: config.no_value.clone().unwrap_or_default(),
                ..TableCell::default()
            },
        },
    }
}

/// A text cell with its value mapping, as Grafana maps string values (`fields::map_text`:
/// value, range, regex — anchored as `stringToJsRegex` — and the specials); a mapped colour
/// colours the cell as it does for numbers.
fn text_cell(text: &str, config: &FieldDefaults) -> TableCell {
    let mapped = fields::map_text(text, &config.mappings);
    let color = mapped
        .as_ref()
        .and_then(|m| m.color.as_deref())
        .map(|c| colors::resolve_rgb(c, colors::Theme::Dark));
    TableCell {
        text: mapped
            .and_then(|m| m.text)
            .unwrap_or_else(|| text.to_string()),
        color,
        number: None,
    }
}

/// Grafana's default table time format, `YYYY-MM-DD HH:mm:ss`.
fn time_text(ms: i64, clock: Clock) -> String {
    clock
        .format(ms, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|| ms.to_string())
}

fn number_cell(value: f64, config: &FieldDefaults, clock: Clock) -> TableCell {
    // Date units show the instant in the dashboard's zone, as Grafana's display processor
    // passes its `timeZone`.
    let dates = units::DateContext::for_dashboard(clock, config.dates.now_ms);
    // A value mapping's text and colour win over the unit and the thresholds, as in Grafana.
    let mapped = fields::map_value(Some(value), &config.mappings);
    let text = mapped
        .as_ref()
        .and_then(|m| m.text.clone())
        .unwrap_or_else(|| {
            units::format_value_in(value, config.unit.as_deref(), config.decimals, &dates)
                .to_string()
        });
    if let Some(colour) = mapped.as_ref().and_then(|m| m.color.as_deref()) {
        return TableCell {
            text,
            color: Some(colors::resolve_rgb(colour, colors::Theme::Dark)),
            number: Some(value),
        };
    }
    let coloured = config
        .custom
        .cell_display_mode
        .as_deref()
        .is_some_and(|m| m.starts_with("color"));
    let color = match (&config.thresholds, coloured) {
        (Some(th), true) => thresholds::active_step(value, th, 0.0, 100.0)
            .map(|s| colors::resolve_rgb(&s.color, colors::Theme::Dark)),
        _ => None,
    };
    TableCell {
        text,
        color,
        number: Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::{Target, TargetFormat, Transformation, ValueMapping};
    use std::collections::BTreeMap;

    fn s(ref_id: &str, instance: &str, extra: Option<(&str, &str)>, value: f64) -> Series {
        let mut labels: BTreeMap<String, String> =
            [("instance".to_string(), instance.to_string())].into();
        if let Some((k, v)) = extra {
            labels.insert(k.into(), v.into());
        }
        Series {
            ref_id: ref_id.into(),
            labels,
            points: vec![(0, value)],
            ..Series::default()
        }
    }

    // Updated from the first slice: the queries are `format: table` (only those become one
    // table frame per refId in Grafana) and organize hides `Time`, which Grafana's table
    // shows unless excluded.
    #[test]
    fn merge_and_organize_make_one_row_per_instance() {
        let panel = Panel {
            panel_type: "table".into(),
            targets: ["A", "B"]
                .iter()
                .map(|r| Target {
                    ref_id: r.to_string(),
                    expr: "x".into(),
                    format: TargetFormat::Table,
                    ..Target::default()
                })
                .collect(),
            transformations: vec![
                Transformation {
                    id: "merge".into(),
                    disabled: false,
                    options: serde_json::json!({}),
                },
                Transformation {
                    id: "organize".into(),
                    disabled: false,
                    options: serde_json::json!({
                        "excludeByName": {"Value #A": true, "Time": true},
                        "indexByName": {"instance": 0, "version": 1, "Value #B": 2},
                        "renameByName": {"instance": "Instance", "Value #B": "Requests/s"}
                    }),
                },
            ],
            ..Panel::default()
        };
        let series = [
            s("A", "gw-1", Some(("version", "v2")), 1.0),
            s("A", "gw-2", Some(("version", "v1")), 1.0),
            s("B", "gw-1", None, 12.5),
            s("B", "gw-2", None, 3.0),
        ];
        let (table, notes) = build(&panel, &series, Clock::Utc);
        assert!(notes.is_empty());
        assert_eq!(table.headers, vec!["Instance", "version", "Requests/s"]);
        let cells: Vec<Vec<&str>> = table
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            cells,
            vec![vec!["gw-1", "v2", "12.5"], vec!["gw-2", "v1", "3"]]
        );
    }

    // A number cell in a date unit shows the instant in the dashboard's zone.
    #[test]
    fn date_cells_follow_the_dashboard_zone() {
        let config = FieldDefaults {
            unit: Some("dateTimeAsIso".into()),
            ..FieldDefaults::default()
        };
        let at = 1_700_000_000_000.0; // 2023-11-14 22:13:20 UTC
        let berlin = Clock::Named(chrono_tz::Tz::Europe__Berlin);
        assert_eq!(number_cell(at, &config, berlin).text, "2023-11-14 23:13:20");
        assert_eq!(
            number_cell(at, &config, Clock::Utc).text,
            "2023-11-14 22:13:20"
        );
        assert_eq!(time_text(at as i64, berlin), "2023-11-14 23:13:20");
    }

    #[test]
    fn text_cells_take_value_mappings() {
        let config = FieldDefaults {
            mappings: vec![
                ValueMapping::Value {
                    values: vec![(
                        "Critical".into(),
                        crate::grafana::model::MappingResult {
                            color: Some("red".into()),
                            ..Default::default()
                        },
                    )],
                },
                ValueMapping::Special {
                    matches: "empty".into(),
                    result: crate::grafana::model::MappingResult {
                        text: Some("none".into()),
                        ..Default::default()
                    },
                },
            ],
            ..FieldDefaults::default()
        };
        let critical = text_cell("Critical", &config);
        assert_eq!(critical.text, "Critical");
        assert!(critical.color.is_some());
        assert_eq!(text_cell("", &config).text, "none");
        assert_eq!(
            text_cell("Low", &config),
            TableCell {
                text: "Low".into(),
                ..TableCell::default()
            }
        );
    }

    #[test]
    fn unknown_transformations_are_named() {
        let panel = Panel {
            transformations: vec![Transformation {
                id: "extractFields".into(),
                disabled: false,
                options: serde_json::json!({}),
            }],
            ..Panel::default()
        };
        let (_, notes) = build(&panel, &[], Clock::Utc);
        assert_eq!(
            notes,
            vec![
                "transformations[0] (extractFields): transformation extractFields is not \
                 supported; not applied"
            ]
        );
    }
}
