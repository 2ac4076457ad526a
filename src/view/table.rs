//! Table panels as Grafana builds them: the panel's frames (`frames::from_series`), its
//! transformations in order (`transform::apply`), then the first resulting frame drawn with
//! per-column field config (defaults + overrides: unit, decimals, thresholds, mappings,
//! coloured cells, hidden columns) and the table's own `sortBy` option (`table_sort`).

use super::display::{Clock, value_colour};
use super::frames::{self, FieldType, Frame, Value};
use super::{TableCell, TableView, transform};
use crate::data::panel_data::Series;
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::{colors, fields, units};

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
    (first_frame(panel, &frames, clock), notes)
}

/// The first of the frames as a table view, its colours scaled over all of them (Grafana's
/// `findNumericFieldMinMax` over the panel's data, for percentage thresholds and continuous
/// schemes).
pub fn first_frame(panel: &Panel, frames: &[Frame], clock: Clock) -> TableView {
    let Some(frame) = frames.first() else {
        return TableView::default();
    };
    from_frame(panel, frame, numeric_range(frames), clock)
}

/// Smallest and largest number of every number field (NaN and empty cells skipped); 0..100
/// without any.
fn numeric_range(frames: &[Frame]) -> (f64, f64) {
    let numbers = frames
        .iter()
        .flat_map(|f| &f.fields)
        .filter(|f| f.field_type == FieldType::Number)
        .flat_map(|f| &f.values)
        .filter_map(|v| match v {
            Value::Number(x) if !x.is_nan() => Some(*x),
            _ => None,
        });
    let (min, max) = numbers.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if min > max { (0.0, 100.0) } else { (min, max) }
}

/// What a number cell's colour depends on besides its value: the field's place among the
/// panel's series (palette colours) and the range of all numbers (percentages).
#[derive(Clone, Copy)]
struct Scale {
    series_index: usize,
    range: (f64, f64),
}

/// One frame as a table view.
fn from_frame(panel: &Panel, frame: &Frame, range: (f64, f64), clock: Clock) -> TableView {
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
                    field_name: Some(&f.name),
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
    let with_ms: Vec<bool> = columns
        .iter()
        .map(|(i, _, _)| time_needs_ms(&frame.fields[*i].values))
        .collect();
    // `seriesIndex` in applyFieldOverrides: every field but times counts.
    let scales: Vec<Scale> = columns
        .iter()
        .map(|(i, _, _)| Scale {
            series_index: frame.fields[..*i]
                .iter()
                .filter(|f| f.field_type != FieldType::Time)
                .count(),
            range,
        })
        .collect();
    let shown: Vec<(usize, &str)> = columns.iter().map(|(i, h, _)| (*i, h.as_str())).collect();
    let order = super::table_sort::sorted_rows(frame, &shown, &panel.options.sort_by);
    let rows: Vec<Vec<TableCell>> = order
        .into_iter()
        .map(|r| {
            columns
                .iter()
                .zip(with_ms.iter().zip(&scales))
                .map(|((i, _, config), (&ms, &scale))| {
                    let v = frame.fields[*i].values.get(r).unwrap_or(&Value::Null);
                    cell(v, config, TimeFormat { clock, ms }, scale)
                })
                .collect()
        })
        .collect();
    TableView {
        headers,
        numeric,
        rows,
    }
}

/// Units that write a date: a time column keeps its own format only with one of these.
fn is_date_unit(unit: &str) -> bool {
    unit.starts_with("dateTime") || unit.starts_with("time:")
}

/// How a column's times are written: the dashboard's zone, with milliseconds or without.
#[derive(Clone, Copy)]
struct TimeFormat {
    clock: Clock,
    ms: bool,
}

/// Grafana's display processor writes a time field with milliseconds when its first and last
/// values are less than a minute apart (`displayProcessor.ts`, `showMs`), so rows of one
/// instant query read `2026-07-01 12:00:00.000`.
fn time_needs_ms(values: &[Value]) -> bool {
    match (values.first(), values.last()) {
        (Some(Value::Time(first)), Some(Value::Time(last))) if values.len() > 1 => {
            (last - first).abs() < 60_000
        }
        _ => false,
    }
}

fn cell(v: &Value, config: &FieldDefaults, time: TimeFormat, scale: Scale) -> TableCell {
    let clock = time.clock;
    match v {
        Value::Number(x) => number_cell(*x, config, clock, scale),
        Value::Time(t) => TableCell {
            text: match config.unit.as_deref().filter(|u| is_date_unit(u)) {
                // A date unit of its own (`time: YYYY-MM-DD`) replaces the default format.
                Some(_) => number_cell(*t as f64, config, clock, scale).text,
                None => time_text(*t, time),
            },
            color: None,
            number: Some(*t as f64),
        },
        Value::Text(s) => text_cell(s, config, scale),
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
/// value, range, regex — anchored as `stringToJsRegex` — and the specials). In a column that
/// paints colours the cell takes the mapped colour, else the colour of a value that is no
/// number (`scaleFunc(-Infinity)`: the base threshold step, the fixed colour).
fn text_cell(text: &str, config: &FieldDefaults, scale: Scale) -> TableCell {
    let mapped = fields::map_text(text, &config.mappings);
    let color =
        paints_colour(config).then(|| match mapped.as_ref().and_then(|m| m.color.as_deref()) {
            Some(colour) => colors::resolve_rgb(colour, colors::Theme::Dark),
            None => {
                value_colour(
                    config,
                    Some(f64::NEG_INFINITY),
                    scale.series_index,
                    scale.range,
                )
                .0
            }
        });
    TableCell {
        text: mapped
            .and_then(|m| m.text)
            .unwrap_or_else(|| text.to_string()),
        color,
        number: None,
    }
}

/// Grafana's default table time format, `YYYY-MM-DD HH:mm:ss` (`.SSS` with milliseconds).
fn time_text(ms: i64, time: TimeFormat) -> String {
    let pattern = match time.ms {
        true => "%Y-%m-%d %H:%M:%S%.3f",
        false => "%Y-%m-%d %H:%M:%S",
    };
    time.clock
        .format(ms, pattern)
        .unwrap_or_else(|| ms.to_string())
}

/// Whether the column's cells paint their value's colour (`color-text`, `color-background`,
/// legacy `color-background-solid`); other cell types show plain text, mapped colours too.
fn paints_colour(config: &FieldDefaults) -> bool {
    config
        .custom
        .cell_display_mode
        .as_deref()
        .is_some_and(|m| m.starts_with("color"))
}

fn number_cell(value: f64, config: &FieldDefaults, clock: Clock, scale: Scale) -> TableCell {
    // Date units show the instant in the dashboard's zone, as Grafana's display processor
    // passes its `timeZone`.
    let dates = units::DateContext::for_dashboard(clock, config.dates.now_ms);
    // A value mapping's text and colour win over the unit and the colour mode, as in Grafana.
    let mapped = fields::map_value(Some(value), &config.mappings);
    let text = mapped
        .as_ref()
        .and_then(|m| m.text.clone())
        .unwrap_or_else(|| {
            units::format_value_in(value, config.unit.as_deref(), config.decimals, &dates)
                .to_string()
        });
    let color =
        paints_colour(config).then(|| match mapped.as_ref().and_then(|m| m.color.as_deref()) {
            Some(colour) => colors::resolve_rgb(colour, colors::Theme::Dark),
            None => value_colour(config, Some(value), scale.series_index, scale.range).0,
        });
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
        let berlin = Clock::named("Europe/Berlin").unwrap();
        let scale = Scale {
            series_index: 0,
            range: (0.0, 100.0),
        };
        assert_eq!(
            number_cell(at, &config, berlin, scale).text,
            "2023-11-14 23:13:20"
        );
        assert_eq!(
            number_cell(at, &config, Clock::Utc, scale).text,
            "2023-11-14 22:13:20"
        );
        let format = TimeFormat {
            clock: berlin,
            ms: false,
        };
        assert_eq!(time_text(at as i64, format), "2023-11-14 23:13:20");
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
        let scale = Scale {
            series_index: 0,
            range: (0.0, 100.0),
        };
        let critical = text_cell("Critical", &config, scale);
        assert_eq!(critical.text, "Critical");
        assert_eq!(critical.color, None, "a plain cell paints no colour");
        assert_eq!(text_cell("", &config, scale).text, "none");
        assert_eq!(
            text_cell("Low", &config, scale),
            TableCell {
                text: "Low".into(),
                ..TableCell::default()
            }
        );
        // In a coloured column the mapped colour, else the base threshold step's.
        let mut coloured = config.clone();
        coloured.custom.cell_display_mode = Some("color-text".into());
        let red = colors::resolve_rgb("red", colors::Theme::Dark);
        let green = colors::resolve_rgb("green", colors::Theme::Dark);
        assert_eq!(text_cell("Critical", &coloured, scale).color, Some(red));
        assert_eq!(text_cell("Low", &coloured, scale).color, Some(green));
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
