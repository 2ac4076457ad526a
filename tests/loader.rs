//! One hand-written fixture per loader rule (tests/fixtures/dashboards/).

use std::path::PathBuf;

use triage::grafana::inspect::{inspect_json, inspect_text};
use triage::grafana::load::{Loaded, load_bytes, load_path, load_str};
use triage::grafana::model::{
    DatasourceRef, FieldMatcher, GridPos, RepeatDirection, Severity, TargetFormat, ThresholdStep,
    ValueMapping, VariableKind,
};
use triage::grafana::repeat::{expand, expand_layout};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dashboards")
        .join(name)
}

fn load(name: &str) -> Loaded {
    load_path(&fixture(name)).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn grid(x: u32, y: u32, w: u32, h: u32) -> GridPos {
    GridPos { x, y, w, h }
}

fn by_title<'a>(l: &'a Loaded, title: &str) -> &'a triage::grafana::model::Panel {
    l.dashboard
        .panels
        .iter()
        .find(|p| p.title == title)
        .unwrap_or_else(|| panic!("no panel {title}"))
}

fn has_diag(l: &Loaded, severity: Severity, path: &str, needle: &str) -> bool {
    l.diagnostics
        .iter()
        .any(|d| d.severity == severity && d.path == path && d.message.contains(needle))
}

#[test]
fn legacy_rows_become_grid_positions() {
    let l = load("legacy_rows.json");
    let d = &l.dashboard;
    let layout: Vec<(&str, GridPos, Option<&str>)> = d
        .panels
        .iter()
        .map(|p| (p.title.as_str(), p.grid, p.row.as_deref()))
        .collect();
    assert_eq!(
        layout,
        vec![
            ("A", grid(0, 1, 12, 7), Some("Overview")),
            ("B", grid(12, 1, 12, 7), Some("Overview")),
            // 400 px → 11 units; no room beside A and B, so it wraps below them.
            ("C", grid(0, 8, 24, 11), Some("Overview")),
            // A collapsed row of 100 px (3 units) keeps its panels nested.
            ("D", grid(0, 16, 8, 3), Some("Details")),
            ("E", grid(8, 16, 16, 3), Some("Details")),
            ("F", grid(0, 17, 6, 7), Some("Last")),
        ]
    );
    let rows: Vec<(&str, u32, bool, Option<i64>)> = d
        .rows
        .iter()
        .map(|r| (r.title.as_str(), r.grid.y, r.collapsed, r.id))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Overview", 0, false, Some(7)),
            ("Details", 15, true, Some(8)),
            ("Last", 16, false, Some(9))
        ]
    );
    assert_eq!(d.rows[1].panels, vec![3, 4]);
    assert_eq!(by_title(&l, "D").source_path, "rows[1].panels[0]");
    assert_eq!(by_title(&l, "A").panel_type, "timeseries");
    assert_eq!(by_title(&l, "D").panel_type, "stat");
}

#[test]
fn legacy_rows_without_titles_make_no_row_headers() {
    let l = load("legacy_rows_untitled.json");
    assert!(l.dashboard.rows.is_empty());
    let layout: Vec<(Option<i64>, GridPos)> =
        l.dashboard.panels.iter().map(|p| (p.id, p.grid)).collect();
    assert_eq!(
        layout,
        vec![
            (Some(1), grid(0, 0, 8, 7)),
            (Some(2), grid(8, 0, 8, 7)),
            (Some(3), grid(0, 7, 8, 8))
        ]
    );
    assert!(l.dashboard.panels.iter().all(|p| p.row.is_none()));
}

#[test]
fn singlestat_becomes_stat() {
    let l = load("singlestat.json");
    let p = by_title(&l, "Uptime");
    assert_eq!(
        (p.panel_type.as_str(), p.original_type.as_deref()),
        ("stat", Some("singlestat"))
    );
    let reduce = p.options.reduce.as_ref().expect("reduce options");
    assert_eq!(reduce.calcs, vec!["lastNotNull"]);
    assert_eq!(p.options.color_mode.as_deref(), Some("value"));
    assert_eq!(p.options.graph_mode.as_deref(), Some("area"));
    let d = &p.field_config.defaults;
    assert_eq!(d.unit.as_deref(), Some("s"));
    assert_eq!(d.decimals, Some(1));
    assert_eq!(d.no_value.as_deref(), Some("n/a"));
    assert_eq!(
        d.color.as_ref().and_then(|c| c.fixed_color.as_deref()),
        Some("rgb(31, 120, 193)")
    );
    let steps = &d.thresholds.as_ref().expect("thresholds").steps;
    assert_eq!(
        steps,
        &vec![
            ThresholdStep {
                value: None,
                color: "#d44a3a".into()
            },
            ThresholdStep {
                value: Some(3600.0),
                color: "rgba(237, 129, 40, 0.89)".into()
            },
            ThresholdStep {
                value: Some(86400.0),
                color: "#299c46".into()
            },
        ]
    );
    assert!(d.mappings.iter().any(|m| matches!(m, ValueMapping::Value { values } if values[0].0 == "0" && values[0].1.text.as_deref() == Some("down"))));
    assert!(
        d.mappings
            .iter()
            .any(|m| matches!(m, ValueMapping::Special { matches, .. } if matches == "null"))
    );
    assert!(d.mappings.iter().any(|m| matches!(
        m,
        ValueMapping::Range {
            from: Some(1.0),
            to: Some(59.0),
            ..
        }
    )));
    assert_eq!(
        p.datasource,
        DatasourceRef::Variable {
            name: "datasource".into()
        }
    );
    assert!(p.targets[0].instant && !p.targets[0].range);

    let q = by_title(&l, "Ratio");
    assert_eq!(q.original_type.as_deref(), Some("grafana-singlestat-panel"));
    assert_eq!(q.options.text_mode.as_deref(), Some("name"));
    assert_eq!(q.options.color_mode.as_deref(), Some("background"));
    assert_eq!(
        q.options.reduce.as_ref().map(|r| r.fields.as_str()),
        Some("/^instance$/")
    );
    assert_eq!(
        (q.field_config.defaults.min, q.field_config.defaults.max),
        (Some(0.0), Some(1.0))
    );
    // No refId in the file: Grafana names it A; neither instant nor range means range.
    assert_eq!(q.targets[0].ref_id, "A");
    assert!(q.targets[0].range && !q.targets[0].instant);
}

#[test]
fn angular_table_styles_become_field_config() {
    let l = load("angular_table.json");
    let p = by_title(&l, "Pods");
    assert_eq!(p.panel_type, "table");
    assert_eq!(p.transformations[0].id, "merge");
    assert_eq!(p.field_config.defaults.unit.as_deref(), Some("short"));
    assert_eq!(p.field_config.defaults.links[0].url, "/d/x?var-pod=$__cell");
    let ov = &p.field_config.overrides;
    assert_eq!(ov.len(), 3);
    assert_eq!(
        ov[0].matcher,
        FieldMatcher::ByName {
            name: "Time".into()
        }
    );
    assert_eq!(ov[0].properties.custom.hidden, Some(true));
    assert_eq!(ov[1].properties.display_name.as_deref(), Some("CPU"));
    assert_eq!(ov[1].properties.unit.as_deref(), Some("percentunit"));
    assert_eq!(
        ov[1].properties.custom.cell_display_mode.as_deref(),
        Some("color-background")
    );
    assert_eq!(
        ov[1].properties.thresholds.as_ref().map(|t| t.steps.len()),
        Some(3)
    );
    assert!(ov[1].set.contains(&"decimals".to_owned()));
    assert_eq!(
        ov[2].matcher,
        FieldMatcher::ByRegexp {
            pattern: "/.*_bytes/".into()
        }
    );
    assert_eq!(p.options.sort_by, vec![("#2".to_owned(), true)]);
    assert_eq!(p.targets[0].format, TargetFormat::Table);

    let q = by_title(&l, "Aggregations");
    assert_eq!(q.original_type.as_deref(), Some("table-old"));
    assert_eq!(q.transformations[0].id, "reduce");
    assert_eq!(
        q.transformations[0].options["reducers"],
        serde_json::json!(["mean", "lastNotNull"])
    );
}

#[test]
fn graph_becomes_timeseries() {
    let l = load("graph.json");
    let p = by_title(&l, "Traffic");
    assert_eq!(p.panel_type, "timeseries");
    let d = &p.field_config.defaults;
    assert_eq!(d.unit.as_deref(), Some("Bps"));
    assert_eq!(d.min, Some(0.0));
    assert_eq!(d.max, None);
    assert_eq!(d.custom.fill_opacity, Some(0.0));
    assert_eq!(d.custom.line_width, Some(2.0));
    assert_eq!(d.custom.stacking.as_deref(), Some("normal"));
    assert_eq!(d.custom.scale_log_base, None);
    assert_eq!(d.custom.axis_label.as_deref(), Some("rate"));
    assert_eq!(d.custom.thresholds_style.as_deref(), Some("line+area"));
    assert_eq!(
        d.thresholds.as_ref().map(|t| t.steps[1].clone()),
        Some(ThresholdStep {
            value: Some(100.0),
            color: "red".into()
        })
    );
    let legend = p.options.legend.as_ref().expect("legend");
    assert!(legend.show);
    assert_eq!(legend.display_mode, "list");
    assert_eq!(legend.calcs, vec!["mean", "lastNotNull", "sum"]);
    let ov = &p.field_config.overrides;
    assert_eq!(
        ov[0].matcher,
        FieldMatcher::ByName {
            name: "errors".into()
        }
    );
    assert_eq!(
        ov[0]
            .properties
            .color
            .as_ref()
            .and_then(|c| c.fixed_color.as_deref()),
        Some("red")
    );
    let errors = &ov[1].properties;
    assert_eq!(errors.custom.axis_placement.as_deref(), Some("right"));
    assert_eq!(errors.unit.as_deref(), Some("percent"));
    assert_eq!(errors.custom.stacking.as_deref(), Some("none"));
    assert_eq!(errors.custom.fill_opacity, Some(50.0));
    assert_eq!(
        ov[2].matcher,
        FieldMatcher::ByRegexp {
            pattern: "/^tx/".into()
        }
    );
    assert_eq!(
        ov[2].properties.custom.transform.as_deref(),
        Some("negative-Y")
    );
    assert_eq!(ov[2].properties.custom.hide_from_legend, Some(true));
    let t = &p.targets[0];
    assert_eq!(
        (t.interval.as_deref(), t.interval_factor),
        (Some("30s"), Some(2))
    );
    assert_eq!(t.legend_format.as_deref(), Some("rx {{device}}"));
    assert!(p.targets[1].hide);

    let q = by_title(&l, "Bars, no legend");
    assert_eq!(
        q.field_config.defaults.custom.draw_style.as_deref(),
        Some("bars")
    );
    assert_eq!(q.field_config.defaults.custom.scale_log_base, Some(10));
    let legend = q.options.legend.as_ref().expect("legend");
    assert!(!legend.show);
    assert_eq!(legend.display_mode, "hidden");
}

#[test]
fn api_wrapper_is_unwrapped_with_a_warning() {
    let l = load("wrapped.json");
    assert_eq!(l.dashboard.title, "Wrapped");
    assert_eq!(l.dashboard.uid.as_deref(), Some("wrapped-1"));
    assert_eq!(l.dashboard.panels.len(), 1);
    assert!(has_diag(
        &l,
        Severity::Warning,
        "dashboard",
        "provisioning rejects"
    ));
}

#[test]
fn comments_and_trailing_commas_load_with_line_numbers() {
    let l = load("commented.json");
    assert_eq!(l.dashboard.title, "Commented");
    assert_eq!(l.dashboard.panels[0].title, "Requests // not a comment");
    let lines: Vec<&str> = l.diagnostics.iter().map(|d| d.message.as_str()).collect();
    for expected in [
        "line 2: `//`",
        "line 4: `/* */`",
        "line 14: trailing comma",
        "line 15: trailing comma",
        "line 16: trailing comma",
        "line 17: trailing comma",
    ] {
        assert!(
            lines.iter().any(|m| m.starts_with(expected)),
            "missing {expected:?} in {lines:#?}"
        );
    }
    assert!(
        l.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn malformed_json_reports_line_and_column() {
    let err = load_path(&fixture("malformed.json")).expect_err("malformed must fail");
    assert_eq!((err.line, err.column), (Some(4), Some(30)));
    assert!(
        err.message.contains("expected `,` or `}`"),
        "{}",
        err.message
    );
    assert!(
        err.to_string()
            .contains("malformed.json:4:30: invalid JSON"),
        "{err}"
    );
}

#[test]
fn bad_inputs_fail_cleanly() {
    let empty = load_str("  \n", "empty.json").expect_err("empty");
    assert!(empty.message.contains("empty"));
    let array = load_str("[1, 2]", "a.json").expect_err("array");
    assert!(
        array.message.contains("found an array"),
        "{}",
        array.message
    );
    let text = load_str("\"dashboard\"", "s.json").expect_err("string");
    assert!(text.message.contains("found a string"));
    let bytes = load_bytes(b"{\n  \"title\": \"caf\xe9\"}", "latin1.json").expect_err("latin-1");
    assert_eq!((bytes.line, bytes.column), (Some(2), Some(16)));
    assert!(bytes.message.contains("UTF-8"));
    let truncated = load_str("{\"title\": \"x\", \"panels\": [", "t.json").expect_err("truncated");
    assert!(
        truncated.message.contains("truncated"),
        "{}",
        truncated.message
    );
    // serde_json's recursion limit turns deep nesting into an error, not a stack overflow.
    let deep = format!(
        "{{\"title\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_err = load_str(&deep, "deep.json").expect_err("deep");
    assert!(
        deep_err.message.contains("recursion limit"),
        "{}",
        deep_err.message
    );
    let unterminated =
        load_str("{\"title\": \"x\" /* never closed", "c.json").expect_err("comment");
    assert_eq!(unterminated.line, Some(1));
    // Odd but valid JSON shapes are not errors.
    let odd = load_str(r#"{"title": "odd", "panels": {"not": "a list"}, "templating": {"list": [1, {"type": "query"}]}}"#, "odd.json").expect("loads");
    assert!(odd.dashboard.panels.is_empty());
    assert!(has_diag(&odd, Severity::Warning, "panels", "not a list"));
    assert!(has_diag(
        &odd,
        Severity::Warning,
        "templating.list[0]",
        "not an object"
    ));
    let junk = load_str(
        r#"{"title": "j", "panels": [1, {"type": "stat", "gridPos": {"x": 0, "y": 0, "w": 4, "h": 4}}]}"#,
        "j.json",
    )
    .expect("loads");
    assert_eq!(junk.dashboard.panels.len(), 1);
    assert!(has_diag(
        &junk,
        Severity::Warning,
        "panels[0]",
        "a number, not an object"
    ));
}

#[test]
fn expanded_and_collapsed_rows() {
    let l = load("rows.json");
    let d = &l.dashboard;
    let order: Vec<(&str, Option<&str>)> = d
        .panels
        .iter()
        .map(|p| (p.title.as_str(), p.row.as_deref()))
        .collect();
    assert_eq!(
        order,
        vec![
            ("Top", None),
            ("Left", Some("Expanded")),
            ("Right", Some("Expanded")),
            ("First", Some("Collapsed")),
            ("Second", Some("Collapsed")),
            ("Note", Some("Last")),
        ]
    );
    let rows: Vec<(&str, bool, &[usize])> = d
        .rows
        .iter()
        .map(|r| (r.title.as_str(), r.collapsed, r.panels.as_slice()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Expanded", false, &[1, 2][..]),
            ("Collapsed", true, &[3, 4][..]),
            ("Empty", false, &[][..]),
            ("Last", false, &[5][..]),
        ]
    );
    assert_eq!(by_title(&l, "First").source_path, "panels[4].panels[1]");
    let note = by_title(&l, "Note");
    assert_eq!(
        (
            note.options.content.as_deref(),
            note.options.mode.as_deref()
        ),
        (Some("# Hi"), Some("markdown"))
    );
}

#[test]
fn datasource_forms_and_variables() {
    let l = load("datasources.json");
    let ds: Vec<DatasourceRef> = l
        .dashboard
        .panels
        .iter()
        .map(|p| p.datasource.clone())
        .collect();
    let named = |name: &str| DatasourceRef::Named {
        uid: None,
        name: Some(name.into()),
        r#type: None,
    };
    assert_eq!(
        ds,
        vec![
            DatasourceRef::Default,
            DatasourceRef::Default,
            named("Prometheus"),
            DatasourceRef::Variable {
                name: "datasource".into()
            },
            DatasourceRef::Named {
                uid: Some("P1809F7CD0C75ACF3".into()),
                name: None,
                r#type: Some("prometheus".into())
            },
            DatasourceRef::Variable {
                name: "datasource".into()
            },
            DatasourceRef::Builtin {
                name: "-- Mixed --".into()
            },
            DatasourceRef::Builtin {
                name: "-- Grafana --".into()
            },
        ]
    );
    let t = &by_title(&l, "ref variable").targets;
    assert_eq!(
        t[0].datasource,
        Some(DatasourceRef::Variable {
            name: "datasource".into()
        })
    );
    assert_eq!((t[0].ref_id.as_str(), t[1].ref_id.as_str()), ("A", "B"));
    assert_eq!(t[1].datasource, None);

    let vars = &l.dashboard.variables;
    assert_eq!(vars.len(), 5);
    assert_eq!(vars[0].kind, VariableKind::Datasource);
    assert_eq!(vars[0].current.value, vec!["prom-uid"]);
    let job = &vars[1];
    assert_eq!(job.query, "label_values(up, job)");
    assert!(job.multi && job.include_all);
    assert_eq!(job.all_value.as_deref(), Some(".+"));
    assert_eq!(job.current.value, vec!["$__all"]);
    assert_eq!((job.refresh, job.sort), (2, 1));
    assert_eq!(job.regex.as_deref(), Some("/(.*)-exporter/"));
    assert_eq!(
        job.datasource,
        Some(DatasourceRef::Variable {
            name: "datasource".into()
        })
    );
    let interval = &vars[2];
    assert!(interval.auto);
    assert_eq!(
        (interval.auto_count, interval.auto_min.as_deref()),
        (Some(30), Some("10s"))
    );
    assert_eq!(interval.current.text, vec!["5m"]);
    assert_eq!(vars[3].options.len(), 2);
    assert!(vars[3].options[0].selected);
    assert_eq!(vars[4].kind, VariableKind::Other);
    assert!(has_diag(
        &l,
        Severity::Info,
        "templating.list[4].type",
        "system"
    ));
}

#[test]
fn library_panels_are_placeholders_unless_embedded() {
    let l = load("library_panel.json");
    let cpu = &l.dashboard.panels[0];
    assert_eq!(cpu.panel_type, "library-panel");
    assert_eq!(cpu.library_panel_uid.as_deref(), Some("lib-cpu"));
    assert_eq!(cpu.title, "CPU usage");
    assert_eq!(cpu.grid, grid(0, 0, 12, 8));
    assert!(has_diag(
        &l,
        Severity::Warning,
        "panels[0].libraryPanel",
        "lib-cpu"
    ));
    // An export that embeds the element (`__elements`) gives the real panel.
    let mem = &l.dashboard.panels[1];
    assert_eq!(mem.panel_type, "timeseries");
    assert_eq!(mem.title, "Embedded");
    assert_eq!(mem.library_panel_uid.as_deref(), Some("lib-mem"));
    assert_eq!(mem.targets[0].expr, "node_memory_Active_bytes");
    assert_eq!(mem.field_config.defaults.unit.as_deref(), Some("bytes"));
    assert_eq!(mem.grid, grid(12, 0, 12, 8));
}

#[test]
fn unknown_types_and_fields_never_fail() {
    let l = load("unknown_type.json");
    assert_eq!(l.dashboard.panels.len(), 2);
    assert_eq!(l.dashboard.panels[0].panel_type, "grafana-polystat-panel");
    assert_eq!(l.dashboard.panels[0].targets[0].expr, "up");
    assert!(has_diag(
        &l,
        Severity::Info,
        "panels[0].type",
        "grafana-polystat-panel"
    ));
    assert!(has_diag(
        &l,
        Severity::Info,
        "panels[0]",
        "polystat, savedOverrides"
    ));
    assert!(has_diag(&l, Severity::Info, "panels[1]", "someNewOption"));
    assert!(has_diag(&l, Severity::Info, "", "futureDashboardField"));
    assert!(l.diagnostics.iter().all(|d| d.severity == Severity::Info));
}

#[test]
fn repeats_stay_unexpanded_in_the_model() {
    let l = load("repeat.json");
    assert_eq!(l.dashboard.panels.len(), 7);
    let cpu = by_title(&l, "CPU $instance")
        .repeat
        .clone()
        .expect("repeat");
    assert_eq!(
        (cpu.variable.as_str(), cpu.direction, cpu.max_per_row),
        ("instance", RepeatDirection::Horizontal, None)
    );
    let mem = by_title(&l, "Mem $instance")
        .repeat
        .clone()
        .expect("repeat");
    assert_eq!(mem.direction, RepeatDirection::Vertical);
    assert_eq!(l.dashboard.rows[0].repeat.as_deref(), Some("cluster"));
}

fn repeat_values(var: &str) -> Vec<(String, String)> {
    let list: &[&str] = match var {
        "instance" => &["a", "b", "c", "d", "e"],
        "cluster" => &["east", "west"],
        _ => &[],
    };
    list.iter()
        .map(|v| (v.to_uppercase(), (*v).to_owned()))
        .collect()
}

#[test]
fn repeat_layout_matches_grafana() {
    let l = load("repeat.json");
    let layout = expand_layout(&l.dashboard, &repeat_values);
    let placed: Vec<(String, GridPos, String)> = layout
        .panels
        .iter()
        .map(|p| {
            let scope: Vec<String> = p
                .scoped_vars
                .iter()
                .map(|s| format!("{}={}", s.name, s.value))
                .collect();
            (p.panel.title.clone(), p.grid, scope.join(","))
        })
        .collect();
    let s = |t: &str, g: GridPos, sc: &str| (t.to_owned(), g, sc.to_owned());
    assert_eq!(
        placed,
        vec![
            // Five values, four per row: width 6, the fifth wraps.
            s("CPU $instance", grid(0, 0, 6, 4), "instance=a"),
            s("CPU $instance", grid(6, 0, 6, 4), "instance=b"),
            s("CPU $instance", grid(12, 0, 6, 4), "instance=c"),
            s("CPU $instance", grid(18, 0, 6, 4), "instance=d"),
            s("CPU $instance", grid(0, 4, 6, 4), "instance=e"),
            // Pushed down by the wrapped line.
            s("Below", grid(0, 8, 24, 6), ""),
            // Vertical repeat stacks by height; the panel beside it stays on its line.
            s("Mem $instance", grid(0, 14, 12, 5), "instance=a"),
            s("Beside", grid(12, 14, 12, 5), ""),
            s("Mem $instance", grid(0, 19, 12, 5), "instance=b"),
            s("Mem $instance", grid(0, 24, 12, 5), "instance=c"),
            s("Mem $instance", grid(0, 29, 12, 5), "instance=d"),
            s("Mem $instance", grid(0, 34, 12, 5), "instance=e"),
            // The repeated row, once per cluster, each copy with its panels.
            s("Nodes in $cluster", grid(0, 40, 12, 4), "cluster=east"),
            s("Pods in $cluster", grid(12, 40, 12, 4), "cluster=east"),
            s("Nodes in $cluster", grid(0, 45, 12, 4), "cluster=west"),
            s("Pods in $cluster", grid(12, 45, 12, 4), "cluster=west"),
            // maxPerRow 2: width 12.
            s("Tail", grid(0, 50, 12, 3), "instance=a"),
            s("Tail", grid(12, 50, 12, 3), "instance=b"),
            s("Tail", grid(0, 53, 12, 3), "instance=c"),
            s("Tail", grid(12, 53, 12, 3), "instance=d"),
            s("Tail", grid(0, 56, 12, 3), "instance=e"),
        ]
    );
    let rows: Vec<(u32, usize, Vec<String>)> = layout
        .rows
        .iter()
        .map(|r| {
            (
                r.grid.y,
                r.repeat_index,
                r.scoped_vars.iter().map(|s| s.text.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (39, 0, vec!["EAST".to_owned()]),
            (44, 1, vec!["WEST".to_owned()]),
            (49, 0, vec![])
        ]
    );
    let tail = layout
        .panels
        .iter()
        .find(|p| p.panel.title == "Tail")
        .expect("tail");
    assert_eq!(tail.row, Some(2));
    assert!(layout.panels.iter().all(|p| p.visible));
}

#[test]
fn repeat_without_values_keeps_the_panel_once() {
    let l = load("repeat.json");
    let panels = expand(&l.dashboard, &|_| Vec::new());
    assert_eq!(panels.len(), 7);
    assert!(
        panels
            .iter()
            .all(|p| p.scoped_vars.is_empty() && p.repeat_index == 0)
    );
    // Nothing repeated, nothing to compact: saved positions stand.
    let below = panels
        .iter()
        .find(|p| p.panel.title == "Below")
        .expect("below");
    assert_eq!(below.grid, grid(0, 4, 24, 6));
}

#[test]
fn collapsed_rows_keep_hidden_panels_with_their_header() {
    let l = load("rows.json");
    let layout = expand_layout(&l.dashboard, &|_| Vec::new());
    let hidden: Vec<&str> = layout
        .panels
        .iter()
        .filter(|p| !p.visible)
        .map(|p| p.panel.title.as_str())
        .collect();
    assert_eq!(hidden, vec!["First", "Second"]);
    let titles: Vec<&str> = layout
        .panels
        .iter()
        .map(|p| p.panel.title.as_str())
        .collect();
    assert_eq!(
        titles,
        vec!["Top", "Left", "Right", "First", "Second", "Note"]
    );
}

#[test]
fn inspect_json_contract() {
    let l = load("rows.json");
    let v = inspect_json(&l);
    assert_eq!(v["title"], "Rows");
    assert!(v["uid"].is_null());
    let panels = v["panels"].as_array().expect("panels");
    assert_eq!(panels.len(), 6);
    assert_eq!(panels[1]["row"], "Expanded");
    assert!(panels[0]["row"].is_null());
    assert_eq!(
        panels[1]["gridPos"],
        serde_json::json!({"x": 0, "y": 4, "w": 12, "h": 8})
    );
    // Key order is part of the documented contract: check it in the printed text.
    let text = triage::grafana::inspect::inspect_string(&l);
    let panel_start = text.find("\"panels\"").unwrap_or(0);
    let positions: Vec<usize> = [
        "\"id\"",
        "\"type\"",
        "\"title\"",
        "\"gridPos\"",
        "\"row\"",
        "\"targets\"",
    ]
    .iter()
    .map(|k| {
        text[panel_start..]
            .find(&format!("{k}: "))
            .unwrap_or(usize::MAX)
    })
    .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "keys in order: {positions:?}\n{text}"
    );

    let g = load("graph.json");
    let v = inspect_json(&g);
    let t = &v["panels"][0]["targets"][0];
    let mut keys: Vec<&str> = t
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "expr",
            "format",
            "hide",
            "instant",
            "legendFormat",
            "range",
            "refId"
        ]
    );
    let text = triage::grafana::inspect::inspect_string(&g);
    let target_keys = [
        "\"refId\"",
        "\"expr\"",
        "\"legendFormat\"",
        "\"format\"",
        "\"instant\"",
        "\"range\"",
        "\"hide\"",
    ];
    let start = text.find("\"targets\"").unwrap_or(0);
    let positions: Vec<usize> = target_keys
        .iter()
        .map(|k| text[start..].find(k).unwrap_or(usize::MAX))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "target keys in order: {positions:?}"
    );
    assert_eq!(t["format"], "time_series");
    assert_eq!(t["range"], true);

    let d = load("datasources.json");
    let v = inspect_json(&d);
    assert_eq!(v["variables"][1]["name"], "job");
    assert_eq!(v["variables"][1]["query"], "label_values(up, job)");
    assert_eq!(v["variables"][1]["includeAll"], true);
    assert_eq!(v["diagnostics"][0]["severity"], "info");
    assert_eq!(v["diagnostics"][0]["path"], "templating.list[4].type");
}

#[test]
fn inspect_text_lists_panels_and_queries() {
    let l = load("graph.json");
    let text = inspect_text(&l);
    assert!(text.starts_with("Graph  (uid -)\n"), "{text}");
    assert!(text.contains("  1 timeseries \"Traffic\" 0,0 12x8\n      A: rate(rx[5m])\n      B: rate(tx[5m]) (hidden)\n"), "{text}");
    let rows = inspect_text(&load("rows.json"));
    assert!(
        rows.contains("  11 timeseries \"Left\" 0,4 12x8 [Expanded]\n"),
        "{rows}"
    );
}

#[test]
fn saved_repeat_clones_are_dropped() {
    let text = r#"{"title": "t", "panels": [
        {"id": 1, "type": "stat", "repeat": "x", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 4}},
        {"id": 2, "type": "stat", "repeatPanelId": 1, "repeatIteration": 1700000000, "gridPos": {"x": 12, "y": 0, "w": 12, "h": 4}}
    ]}"#;
    let l = load_str(text, "clones.json").expect("loads");
    assert_eq!(l.dashboard.panels.len(), 1);
    assert!(has_diag(
        &l,
        Severity::Info,
        "panels[1]",
        "repeated panel dropped"
    ));
}

#[test]
fn absurd_sizes_are_clamped_not_overflowed() {
    // Found by the fuzzer: a legacy row height of ~1e100 px overflowed the layout arithmetic.
    let huge_row = format!(
        r#"{{"title": "t", "rows": [{{"collapse": true, "height": "{}px", "panels": [{{"type": "graph", "id": 9223372036854775807}}]}}, {{"panels": [{{"type": "graph"}}]}}]}}"#,
        "9".repeat(100)
    );
    let l = load_str(&huge_row, "huge.json").expect("loads");
    assert_eq!(l.dashboard.panels.len(), 2);
    assert!(l.dashboard.panels.iter().all(|p| p.grid.h <= 10_000));

    let text = r#"{"title": "t", "templating": {"list": [{"name": "v", "type": "custom", "query": "a"}]}, "panels": [
        {"type": "stat", "repeat": "v", "repeatDirection": "v", "gridPos": {"x": 99, "y": 4294967295, "w": 4294967295, "h": 4294967295}},
        {"type": "stat", "gridPos": {"x": 0, "y": 4294967295, "w": 24, "h": 4294967295}}
    ]}"#;
    let l = load_str(text, "grid.json").expect("loads");
    let p = &l.dashboard.panels[0];
    assert!(p.grid.x + p.grid.w <= 24);
    let many = |_: &str| (0..5000).map(|i| (i.to_string(), i.to_string())).collect();
    let panels = expand(&l.dashboard, &many);
    assert_eq!(panels.len(), 5001);
}
