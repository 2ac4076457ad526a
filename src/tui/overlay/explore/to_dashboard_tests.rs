use super::super::query::{ExploreQuery, ExploreSource, Language};
use super::*;
use crate::grafana::model::{Panel, Row};
use std::sync::Arc;

fn query(instant: bool) -> ExploreQuery {
    ExploreQuery {
        expr: "sum by (mode) (rate(node_cpu_seconds_total[5m]))".into(),
        instant,
        legend: "{{mode}}".into(),
        unit: "percentunit".into(),
        ..ExploreQuery::default()
    }
}

#[test]
fn an_added_panel_goes_on_top_and_rows_keep_their_panels() {
    let panel = |id, y| Panel {
        id: Some(id),
        grid: GridPos {
            x: 0,
            y,
            w: 24,
            h: 4,
        },
        ..Panel::default()
    };
    let dashboard = Dashboard {
        panels: vec![Arc::new(panel(3, 0)), Arc::new(panel(7, 5))],
        rows: vec![Row {
            grid: GridPos {
                x: 0,
                y: 4,
                w: 24,
                h: 1,
            },
            panels: vec![1],
            ..Row::default()
        }],
        ..Dashboard::default()
    };
    let out = insert_on_top(&dashboard, &query(false));
    assert_eq!(out.panels.len(), 3);
    assert_eq!(out.panels[0].id, Some(8));
    assert_eq!(out.panels[0].grid.y, 0);
    assert_eq!(out.panels[1].grid.y, ADDED_HEIGHT);
    assert_eq!(out.rows[0].panels, vec![2], "the row still holds panel 7");
    assert_eq!(out.rows[0].grid.y, 4 + ADDED_HEIGHT);
}

#[test]
fn the_saved_json_loads_with_the_added_panels_options() {
    let original = r#"{"dashboard": {"title": "T", "uid": "t", "schemaVersion": 39,
        "panels": [{"id": 2, "type": "stat", "title": "Up", "gridPos": {"x":0,"y":0,"w":6,"h":4},
                    "targets": [{"refId": "A", "expr": "up"}]},
                   {"id": 5, "type": "row", "title": "More", "collapsed": true,
                    "gridPos": {"x":0,"y":4,"w":24,"h":1},
                    "panels": [{"id": 9, "type": "stat", "title": "In row",
                                "gridPos": {"x":0,"y":5,"w":6,"h":4}}]}]}}"#;
    let logs = ExploreQuery {
        expr: "{job=\"x\"} |= \"error\"".into(),
        source: ExploreSource {
            label: "Loki".into(),
            datasource: DatasourceRef::Named {
                uid: Some("loki".into()),
                name: None,
                r#type: Some("loki".into()),
            },
            language: Language::LogQL,
            uid: Some("loki".into()),
        },
        ..ExploreQuery::default()
    };
    let text = insert_into_json(original, &[query(true), logs]).unwrap();
    let loaded = crate::grafana::load::load_str(&text, "saved").unwrap();
    let d = loaded.dashboard;
    assert_eq!(d.title, "T");
    let table = d.panels.iter().find(|p| p.panel_type == "table").unwrap();
    assert_eq!(table.id, Some(10), "after the highest id, nested ones too");
    assert_eq!(table.grid.y, 0);
    assert!(table.targets[0].instant);
    assert_eq!(table.targets[0].legend_format.as_deref(), Some("{{mode}}"));
    assert_eq!(
        table.field_config.defaults.unit.as_deref(),
        Some("percentunit")
    );
    let logs = d.panels.iter().find(|p| p.panel_type == "logs").unwrap();
    assert_eq!(logs.grid.y, ADDED_HEIGHT);
    assert_eq!(logs.datasource.plugin_type(), Some("loki"));
    let up = d.panels.iter().find(|p| p.title == "Up").unwrap();
    assert_eq!(up.grid.y, 2 * ADDED_HEIGHT);
    let in_row = d.panels.iter().find(|p| p.title == "In row").unwrap();
    assert_eq!(in_row.grid.y, 5 + 2 * ADDED_HEIGHT);
}

#[test]
fn a_v2_dashboard_is_refused_with_the_reason() {
    let err = insert_into_json(r#"{"elements": {}, "layout": {}}"#, &[query(false)]).unwrap_err();
    assert!(err.contains("classic JSON"), "{err}");
}

#[test]
fn the_saved_file_sits_beside_the_original_under_another_name() {
    let path = std::path::Path::new("/dash/gateway.json");
    assert_eq!(
        saved_path(path),
        std::path::PathBuf::from("/dash/gateway.explore.json")
    );
}
