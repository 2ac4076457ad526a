//! The dashboard object: its own fields, annotations and links (panels are laid out by
//! `layout`, variables converted by `variables`).

use std::collections::HashSet;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::layout::lay_out_panels;
use super::readers::*;
use super::report_unknown_keys;
use super::targets::datasource_ref;
use super::variables::convert_variable;
use crate::grafana::model::{
    Annotation, Dashboard, DashboardLink, Diagnostic, Severity, TimeRangeSpec,
};

/// Dashboard fields Grafana knows that triage does not need; never reported.
const KNOWN_DASHBOARD_KEYS: &[&str] = &[
    "id",
    "uid",
    "title",
    "description",
    "tags",
    "style",
    "timezone",
    "editable",
    "graphTooltip",
    "hideControls",
    "time",
    "timepicker",
    "templating",
    "annotations",
    "refresh",
    "schemaVersion",
    "version",
    "links",
    "panels",
    "rows",
    "gnetId",
    "iteration",
    "fiscalYearStartMonth",
    "liveNow",
    "weekStart",
    "__inputs",
    "__requires",
    "__elements",
    "revision",
    "preload",
    "sharedCrosshair",
    "nav",
    "originalTitle",
    "folderId",
    "folderUid",
    "overwrite",
    "message",
    "meta",
    "dashboard",
];

static KNOWN_DASHBOARD_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| KNOWN_DASHBOARD_KEYS.iter().copied().collect());

pub(super) fn convert_dashboard(
    root: &Map<String, Value>,
    elements: Option<&Value>,
    diags: &mut Vec<Diagnostic>,
) -> Dashboard {
    let title = get_string(root, "title").unwrap_or_default();
    if title.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: "title".into(),
            message: "dashboard has no title; Grafana refuses to save or provision it".into(),
        });
    }
    report_unknown_keys(root, &KNOWN_DASHBOARD_SET, "", "dashboard", diags);

    let time = get_obj(root, "time")
        .map(|t| TimeRangeSpec {
            from: get_nonempty(t, "from").unwrap_or_else(|| "now-6h".into()),
            to: get_nonempty(t, "to").unwrap_or_else(|| "now".into()),
        })
        .unwrap_or_default();
    let refresh = get_nonempty(root, "refresh");
    let timezone = get_nonempty(root, "timezone");
    let refresh_intervals = get_obj(root, "timepicker")
        .map(|tp| strings(tp.get("refresh_intervals")))
        .unwrap_or_default();

    let variables = get_obj(root, "templating")
        .map(|t| get_arr(t, "list"))
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter_map(|(i, v)| convert_variable(v, &format!("templating.list[{i}]"), diags))
        .collect();
    let annotations = get_obj(root, "annotations")
        .map(|a| get_arr(a, "list"))
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_object)
        .map(convert_annotation)
        .collect();
    let links = get_arr(root, "links")
        .iter()
        .filter_map(Value::as_object)
        .map(convert_dashboard_link)
        .collect();

    let mut dashboard = Dashboard {
        title,
        uid: get_nonempty(root, "uid"),
        description: get_nonempty(root, "description"),
        tags: strings(root.get("tags")),
        schema_version: get_i64(root, "schemaVersion").unwrap_or(0),
        time,
        refresh,
        timezone,
        refresh_intervals,
        variables,
        panels: Vec::new(),
        rows: Vec::new(),
        links,
        annotations,
    };
    lay_out_panels(root, elements, &mut dashboard, diags);
    dashboard
}

fn convert_annotation(a: &Map<String, Value>) -> Annotation {
    Annotation {
        name: get_string(a, "name").unwrap_or_default(),
        enabled: opt_bool(a, "enable").unwrap_or(true),
        hide: get_bool(a, "hide"),
        datasource: a
            .get("datasource")
            .filter(|v| !v.is_null())
            .map(|v| datasource_ref(Some(v))),
        expr: get_nonempty(a, "expr"),
        title_format: get_nonempty(a, "titleFormat"),
        text_format: get_nonempty(a, "textFormat"),
        tag_keys: get_nonempty(a, "tagKeys"),
        icon_color: get_nonempty(a, "iconColor"),
        builtin: get_bool(a, "builtIn"),
        step: get_nonempty(a, "step"),
    }
}

fn convert_dashboard_link(l: &Map<String, Value>) -> DashboardLink {
    DashboardLink {
        title: get_string(l, "title").unwrap_or_default(),
        link_type: get_string(l, "type").unwrap_or_else(|| "link".into()),
        url: get_nonempty(l, "url"),
        tags: strings(l.get("tags")),
        include_vars: get_bool(l, "includeVars"),
        keep_time: get_bool(l, "keepTime"),
        as_dropdown: get_bool(l, "asDropdown"),
        target_blank: get_bool(l, "targetBlank"),
    }
}
