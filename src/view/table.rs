//! Table panels from instant queries, the way the most common Grafana table is built: one frame
//! per query (`Time`, a column per label, `Value #<refId>`), `merge` joining rows with the same
//! labels, `organize` hiding, ordering and renaming columns, then per-column field config
//! (defaults + `byName` overrides: unit, decimals, thresholds, coloured cells) and `sortBy`.

use std::collections::BTreeMap;

use super::{Rgb, TableCell, TableView};
use crate::engine::frame::Series;
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::{colors, fields, thresholds, units};

/// Transformations this builder applies; others are named in a note.
const APPLIED: &[&str] = &["merge", "organize", "seriesToColumns", "joinByField"];

pub fn build(panel: &Panel, series: &[Series]) -> (TableView, Vec<String>) {
    let ref_ids: Vec<&str> = panel
        .targets
        .iter()
        .filter(|t| !t.hide)
        .map(|t| t.ref_id.as_str())
        .collect();
    let value_name = |ref_id: &str| {
        if ref_ids.len() > 1 {
            format!("Value #{ref_id}")
        } else {
            "Value".to_string()
        }
    };
    // Merge: one row per distinct label set (without the metric name).
    let mut label_keys: Vec<String> = series
        .iter()
        .flat_map(|s| s.labels.keys().cloned())
        .filter(|k| k != "__name__")
        .collect();
    label_keys.sort();
    label_keys.dedup();
    let mut rows: Vec<(BTreeMap<String, String>, BTreeMap<String, f64>)> = Vec::new();
    for s in series {
        let labels: BTreeMap<String, String> = s
            .labels
            .iter()
            .filter(|(k, _)| *k != "__name__")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let Some(&(_, value)) = s.points.last() else {
            continue;
        };
        let column = value_name(&s.ref_id);
        // A row matches when every label it shares with this series agrees.
        let row = rows.iter_mut().find(|(l, values)| {
            !values.contains_key(&column)
                && labels.iter().all(|(k, v)| l.get(k).is_none_or(|x| x == v))
                && l.iter().all(|(k, v)| labels.get(k).is_none_or(|x| x == v))
        });
        match row {
            Some((l, values)) => {
                l.extend(labels);
                values.insert(column, value);
            }
            None => rows.push((labels, BTreeMap::from([(column, value)]))),
        }
    }
    let mut columns: Vec<String> = label_keys.clone();
    columns.extend(ref_ids.iter().map(|r| value_name(r)));
    columns.dedup();

    // Organize: exclude, order, rename.
    let mut notes = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for t in panel.transformations.iter().filter(|t| !t.disabled) {
        if !APPLIED.contains(&t.id.as_str()) {
            notes.push(format!("transformation {} is not applied yet", t.id));
            continue;
        }
        if t.id != "organize" {
            continue;
        }
        let o = &t.options;
        if let Some(excluded) = o.get("excludeByName").and_then(|v| v.as_object()) {
            columns.retain(|c| !excluded.get(c).and_then(|v| v.as_bool()).unwrap_or(false));
        }
        if let Some(index) = o.get("indexByName").and_then(|v| v.as_object()) {
            columns.sort_by_key(|c| index.get(c).and_then(|v| v.as_u64()).unwrap_or(u64::MAX));
        }
        if let Some(rename) = o.get("renameByName").and_then(|v| v.as_object()) {
            for (from, to) in rename {
                if let Some(to) = to.as_str().filter(|t| !t.is_empty()) {
                    names.insert(from.clone(), to.to_string());
                }
            }
        }
    }
    let headers: Vec<String> = columns
        .iter()
        .map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone()))
        .collect();
    let configs: Vec<FieldDefaults> = headers.iter().map(|h| field_config(panel, h)).collect();
    let value_columns: Vec<bool> = columns.iter().map(|c| c.starts_with("Value")).collect();
    let mut table_rows: Vec<Vec<TableCell>> = rows
        .iter()
        .map(|(labels, values)| {
            columns
                .iter()
                .zip(&configs)
                .map(|(c, config)| match values.get(c) {
                    Some(v) => number_cell(*v, config),
                    None => TableCell {
                        text: labels.get(c).cloned().unwrap_or_default(),
                        ..TableCell::default()
                    },
                })
                .collect()
        })
        .collect();
    if let Some((column, desc)) = panel.options.sort_by.first()
        && let Some(i) = headers.iter().position(|h| h == column)
    {
        table_rows.sort_by(|a, b| {
            let ord = match (a[i].number, b[i].number) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a[i].text.cmp(&b[i].text),
            };
            if *desc { ord.reverse() } else { ord }
        });
    }
    (
        TableView {
            headers,
            numeric: value_columns,
            rows: table_rows,
        },
        notes,
    )
}

/// Defaults, then every override that selects this column (later ones win).
fn field_config(panel: &Panel, column: &str) -> FieldDefaults {
    fields::field_config(
        &panel.field_config,
        fields::FieldIdentity {
            name: column,
            ref_id: "",
            values: &[],
        },
    )
}

fn number_cell(value: f64, config: &FieldDefaults) -> TableCell {
    // A value mapping's text and colour win over the unit and the thresholds, as in Grafana.
    let mapped = fields::map_value(Some(value), &config.mappings);
    let text = mapped
        .as_ref()
        .and_then(|m| m.text.clone())
        .unwrap_or_else(|| {
            units::format_value(value, config.unit.as_deref(), config.decimals).to_string()
        });
    if let Some(colour) = mapped.as_ref().and_then(|m| m.color.as_deref()) {
        let c = colors::resolve_rgb(colour, colors::Theme::Dark);
        return TableCell {
            text,
            color: Some(Rgb(c.0, c.1, c.2)),
            number: Some(value),
        };
    }
    let coloured = config
        .custom
        .cell_display_mode
        .as_deref()
        .is_some_and(|m| m.starts_with("color"));
    let color = match (&config.thresholds, coloured) {
        (Some(th), true) => thresholds::active_step(value, th, 0.0, 100.0).map(|s| {
            let c = colors::resolve_rgb(&s.color, colors::Theme::Dark);
            Rgb(c.0, c.1, c.2)
        }),
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
    use crate::grafana::model::{Target, Transformation};

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

    #[test]
    fn merge_and_organize_make_one_row_per_instance() {
        let panel = Panel {
            panel_type: "table".into(),
            targets: ["A", "B"]
                .iter()
                .map(|r| Target {
                    ref_id: r.to_string(),
                    expr: "x".into(),
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
                        "excludeByName": {"Value #A": true},
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
        let (table, notes) = build(&panel, &series);
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

    #[test]
    fn unknown_transformations_are_named() {
        let panel = Panel {
            transformations: vec![Transformation {
                id: "groupingToMatrix".into(),
                disabled: false,
                options: serde_json::json!({}),
            }],
            ..Panel::default()
        };
        let (_, notes) = build(&panel, &[]);
        assert_eq!(
            notes,
            vec!["transformation groupingToMatrix is not applied yet"]
        );
    }
}
