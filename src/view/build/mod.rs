//! Panel config + data → view model, the way Grafana's panels reduce, format and colour values.
//! This module dispatches on the panel type; each kind of panel is built in its own module.

mod logs;
mod stat;
mod timeseries;

use super::display::no_value_text;
use super::{MessageKind, PanelBody, PanelView};
use crate::data::panel_data::{PanelData, PanelState};
use crate::grafana::model::Panel;
pub use crate::grafana::panel_kind::unsupported_reason;
use crate::grafana::panel_kind::{PanelKind, placeholder_reason};
pub(super) use stat::panel_calc;
use stat::{build_gauge, build_stat};
use timeseries::build_timeseries;

pub use super::display::Clock;
pub use timeseries::nice_axis;

/// A panel whose fields use date units, with where and when they are read: the dashboard's
/// zone (also the viewer's "today" when it is a named zone, see `DateContext::for_dashboard`)
/// and the refresh's "now" (the end of the range the data was asked for). `None` when no field has a date unit.
fn with_dates(panel: &Panel, data: &PanelData, clock: Clock) -> Option<Panel> {
    let is_date = |unit: &Option<String>| {
        unit.as_deref()
            .is_some_and(|u| u.starts_with("dateTime") || u.starts_with("time:"))
    };
    let config = &panel.field_config;
    if !is_date(&config.defaults.unit)
        && !config.overrides.iter().any(|o| is_date(&o.properties.unit))
    {
        return None;
    }
    let mut panel = panel.clone();
    panel.field_config.defaults.dates =
        crate::grafana::units::DateContext::for_dashboard(clock, Some(data.end_ms));
    Some(panel)
}

/// Build the view of a panel from its data.
pub fn build(panel: &Panel, data: &PanelData, clock: Clock) -> PanelView {
    // Text panels carry their content in the dashboard; they need no data.
    if PanelKind::of(&panel.panel_type) == PanelKind::Text {
        return text_panel(panel);
    }
    match data.state() {
        PanelState::Unsupported => {
            return message(
                panel,
                data,
                MessageKind::Unsupported,
                data.unsupported.clone().unwrap_or_default(),
            );
        }
        PanelState::Error => {
            return message(panel, data, MessageKind::Error, data.errors.join("\n"));
        }
        PanelState::Loading => {
            return message(panel, data, MessageKind::Loading, "loading…".into());
        }
        PanelState::NoData | PanelState::Ok => {}
    }
    let dated = with_dates(panel, data, clock);
    let panel = dated.as_ref().unwrap_or(panel);
    // Prometheus `format: heatmap` answers are de-accumulated before anything else sees them.
    let deaccumulated =
        super::heatmap::deaccumulate_heatmap_targets(panel, &data.series).map(|series| PanelData {
            series,
            ..data.clone()
        });
    let data = deaccumulated.as_ref().unwrap_or(data);
    let (transformed, transform_notes) = match transform(panel, data, clock) {
        Ok(result) => result,
        Err(table) => return *table,
    };
    let data = transformed.as_ref().unwrap_or(data);
    let mut notes = data.warnings.clone();
    notes.extend(transform_notes);
    let body = panel_body(panel, data, clock, &mut notes);
    PanelView {
        title: panel.title.clone(),
        body,
        errors: data.errors.clone(),
        stale: false,
        notes,
    }
}

/// A panel that shows a message instead of its data, with the data's errors and warnings.
fn message(panel: &Panel, data: &PanelData, kind: MessageKind, text: String) -> PanelView {
    PanelView {
        title: panel.title.clone(),
        body: PanelBody::Message { kind, text },
        errors: data.errors.clone(),
        stale: false,
        notes: data.warnings.clone(),
    }
}

/// A text panel's content as lines, in its mode (markdown by default, html or code).
fn text_panel(panel: &Panel) -> PanelView {
    let content = panel.options.content.clone().unwrap_or_default();
    let lines = match panel.options.mode.as_deref() {
        Some("html") => super::text::html_to_lines(&content),
        Some("code") => content.lines().map(str::to_string).collect(),
        _ => super::text::markdown_to_lines(&content),
    };
    PanelView {
        title: panel.title.clone(),
        body: PanelBody::Text(lines),
        errors: Vec::new(),
        stale: false,
        notes: Vec::new(),
    }
}

/// Transformations run before every panel type in Grafana; stat, gauge and time series draw
/// the result when it maps back to number series (`Ok` with that data and the steps' notes;
/// no data when there was nothing to transform), else it is shown as a table (`Err`, boxed:
/// a whole panel view).
fn transform(
    panel: &Panel,
    data: &PanelData,
    clock: Clock,
) -> Result<(Option<PanelData>, Vec<String>), Box<PanelView>> {
    // A logs panel's lines are not frames of numbers: its transformations are not run.
    let kind = PanelKind::of(&panel.panel_type);
    if matches!(kind, PanelKind::Table | PanelKind::Logs)
        || !panel.transformations.iter().any(|t| !t.disabled)
    {
        return Ok((None, Vec::new()));
    }
    let (frames, transform_notes) = super::table::transformed(panel, &data.series);
    // A time series needs a time field in every frame (Grafana: "Data does not have a
    // time field"); stat and gauges reduce number fields of any frame.
    let plots_time = PanelKind::of(&panel.panel_type) == PanelKind::TimeSeries;
    let series = super::frames::to_series(&frames)
        .filter(|_| !plots_time || frames.iter().all(|f| f.time_field().is_some()));
    if let Some(series) = series {
        let transformed = PanelData {
            series,
            ..data.clone()
        };
        return Ok((Some(transformed), transform_notes));
    }
    let table = super::table::first_frame(panel, &frames, clock);
    let mut notes = data.warnings.clone();
    notes.extend(transform_notes);
    notes.push(format!(
        "{} panel: after its transformations the data has {}, shown as a table",
        panel.panel_type,
        if plots_time {
            "no time and number fields to plot"
        } else {
            "fields without numbers"
        }
    ));
    Err(Box::new(PanelView {
        title: panel.title.clone(),
        body: PanelBody::Table(table),
        errors: data.errors.clone(),
        stale: false,
        notes,
    }))
}

/// The body for the panel's type; notes of its builder are added to `notes`.
fn panel_body(panel: &Panel, data: &PanelData, clock: Clock, notes: &mut Vec<String>) -> PanelBody {
    let no_data = || PanelBody::Message {
        kind: MessageKind::NoData,
        text: no_value_text(&panel.field_config.defaults),
    };
    let kind = PanelKind::of(&panel.panel_type);
    match kind {
        PanelKind::Stat => PanelBody::Stat(build_stat(panel, &data.series)),
        // Gauges reduce exactly as stat does; until they get their own widget the value,
        // unit and threshold colour are what matters at 3 a.m.
        PanelKind::Gauge | PanelKind::BarGauge => PanelBody::Gauge(build_gauge(panel, &data.series)),
        PanelKind::TimeSeries => {
            if data.state() == PanelState::NoData {
                no_data()
            } else {
                let (view, axes_note) = build_timeseries(panel, data, clock);
                notes.extend(axes_note);
                PanelBody::TimeSeries(view)
            }
        }
        PanelKind::Table => {
            let (table, table_notes) = super::table::build(panel, &data.series, clock);
            notes.extend(table_notes);
            PanelBody::Table(table)
        }
        PanelKind::Heatmap => match super::heatmap::build(
            &data.series,
            panel.options.heatmap_y_unit.as_deref().or(panel.field_config.defaults.unit.as_deref()),
            (data.start_ms as f64, data.end_ms as f64),
        ) {
            Some(view) => PanelBody::Heatmap(view),
            None => PanelBody::Message {
                kind: MessageKind::Unsupported,
                text: "heatmap without `le` buckets: only Prometheus histograms (format: heatmap) are drawn".into(),
            },
        },
        PanelKind::StateTimeline | PanelKind::StatusHistory | PanelKind::PieChart
            if data.state() == PanelState::NoData =>
        {
            no_data()
        }
        PanelKind::StateTimeline | PanelKind::StatusHistory => {
            let per_point = kind == PanelKind::StatusHistory;
            PanelBody::States(super::states::build(panel, data, per_point, clock))
        }
        PanelKind::PieChart => PanelBody::Pie(super::pie::build(panel, &data.series)),
        PanelKind::Logs if data.logs.is_empty() => no_data(),
        PanelKind::Logs => PanelBody::Logs(logs::build_logs(panel, &data.logs, clock)),
        PanelKind::Histogram => match super::histogram::build(panel, &data.series) {
            Some(view) => PanelBody::Histogram(view),
            None => no_data(),
        },
        _ => PanelBody::Message {
            kind: MessageKind::Unsupported,
            text: placeholder_text(&panel.panel_type, data.series.len(), data.point_count()),
        },
    }
}

/// The message of a panel type with no widget: a known type's reason, or a plugin panel.
fn placeholder_text(kind: &str, series: usize, points: usize) -> String {
    let data = format!("{series} series, {points} points returned");
    match placeholder_reason(kind) {
        Some(why) => format!("{kind} panel: {why} ({data})"),
        None => format!(
            "{kind}: a plugin panel drawn by Grafana's plugin code, which triage does not have ({data})"
        ),
    }
}

#[cfg(test)]
mod compare_tests {
    use super::timeseries::dim;
    use super::*;
    use crate::data::panel_data::Series;
    use crate::grafana::model::GridPos;

    fn series(name: &str, values: &[f64], compare: Option<&str>) -> Series {
        Series {
            ref_id: "A".into(),
            name: name.into(),
            labels: [("job".to_string(), "api".to_string())].into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64 * 1000, *v))
                .collect(),
            compare: compare.map(str::to_string),
        }
    }

    #[test]
    fn stat_shows_the_change_against_the_compared_series() {
        let panel = Panel {
            panel_type: "stat".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 6,
                h: 4,
            },
            ..Panel::default()
        };
        let data = PanelData {
            series: vec![
                series("api", &[100.0, 120.0], None),
                series("api (1d ago)", &[90.0, 100.0], Some("1d ago")),
            ],
            ..PanelData::default()
        };
        let view = build(&panel, &data, Clock::Utc);
        let PanelBody::Stat(stat) = view.body else {
            panic!("stat expected")
        };
        assert_eq!(stat.values.len(), 1, "the past is not a value of its own");
        assert_eq!(stat.values[0].text, "120 (+20% vs 1d ago)");
    }

    fn date_stat(unit: &str, value_ms: f64, end_ms: i64, zone: Clock) -> String {
        let mut panel = Panel {
            panel_type: "stat".into(),
            ..Panel::default()
        };
        panel.field_config.defaults.unit = Some(unit.into());
        let data = PanelData {
            series: vec![series("deployed", &[value_ms], None)],
            start_ms: end_ms - 3_600_000,
            end_ms,
            ..PanelData::default()
        };
        let PanelBody::Stat(stat) = build(&panel, &data, zone).body else {
            panic!("stat expected")
        };
        stat.values[0].text.clone()
    }

    #[test]
    fn date_units_read_now_from_the_refresh_and_the_dashboards_zone() {
        // 2026-07-01 12:00:00 UTC.
        let end_ms = 1_782_907_200_000;
        let five_minutes_before = (end_ms - 300_000) as f64;
        assert_eq!(
            date_stat("dateTimeFromNow", five_minutes_before, end_ms, Clock::Utc),
            "5 minutes ago"
        );
        let berlin = Clock::for_timezone(Some("Europe/Berlin")).unwrap();
        // Summer time in Berlin: UTC+2.
        assert_eq!(
            date_stat("dateTimeAsIso", end_ms as f64, end_ms, berlin),
            "2026-07-01 14:00:00"
        );
        assert_eq!(
            date_stat("dateTimeAsIso", end_ms as f64, end_ms, Clock::Utc),
            "2026-07-01 12:00:00"
        );
        // 2026-07-01 23:30 UTC is 01:30 on 2 July in Berlin, the day of the refresh at
        // 2026-07-02 10:00 UTC: a Berlin dashboard's viewer sees only the time.
        let late_evening = (end_ms + 11 * 3_600_000 + 1_800_000) as f64;
        let next_morning = end_ms + 22 * 3_600_000;
        assert_eq!(
            date_stat(
                "dateTimeAsIsoNoDateIfToday",
                late_evening,
                next_morning,
                berlin
            ),
            "01:30:00"
        );
    }

    #[test]
    fn compared_series_are_dimmed_twins() {
        let panel = Panel {
            panel_type: "timeseries".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 12,
                h: 8,
            },
            ..Panel::default()
        };
        let data = PanelData {
            series: vec![
                series("api", &[1.0, 2.0], None),
                series("api (1d ago)", &[1.0, 1.5], Some("1d ago")),
            ],
            start_ms: 0,
            end_ms: 1000,
            ..PanelData::default()
        };
        let PanelBody::TimeSeries(ts) = build(&panel, &data, Clock::Utc).body else {
            panic!("time series expected")
        };
        assert_eq!(ts.series[1].color, dim(ts.series[0].color));
        assert_eq!(ts.series[1].name, "api (1d ago)");
    }
}

#[cfg(test)]
mod field_config_tests {
    //! Overrides, value mappings, stacking, draw styles and log axes, from panel JSON as
    //! dashboards write it (through the real loader).
    use super::*;
    use crate::data::panel_data::Series;
    use crate::grafana::load::load_str;
    use crate::view::display::named;
    use crate::view::{DrawStyle, StatColorMode, TimeSeriesView};

    fn panel(json: &str) -> Panel {
        let text = format!(r#"{{"title": "t", "panels": [{json}]}}"#);
        let loaded = load_str(&text, "test.json").unwrap_or_else(|e| panic!("{e}"));
        Panel::clone(&loaded.dashboard.panels[0])
    }

    fn series(name: &str, values: &[f64]) -> Series {
        Series {
            ref_id: "A".into(),
            name: name.into(),
            labels: [("instance".to_string(), name.to_string())].into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64 * 60_000, *v))
                .collect(),
            compare: None,
        }
    }

    fn data(series: Vec<Series>) -> PanelData {
        PanelData {
            series,
            start_ms: 0,
            end_ms: 180_000,
            ..PanelData::default()
        }
    }

    fn timeseries(view: PanelView) -> TimeSeriesView {
        match view.body {
            PanelBody::TimeSeries(ts) => ts,
            other => panic!("not a time series: {other:?}"),
        }
    }

    #[test]
    fn stat_value_mappings_give_text_and_colour() {
        let p = panel(
            r#"{"type": "stat", "gridPos": {"x":0,"y":0,"w":6,"h":4},
               "targets": [{"refId": "A", "expr": "up"}],
               "fieldConfig": {"defaults": {"mappings": [
                 {"type": "value", "options": {"1": {"text": "UP", "color": "green"},
                                               "0": {"text": "DOWN", "color": "red"}}}]},
                 "overrides": []}}"#,
        );
        let view = build(&p, &data(vec![series("a", &[1.0, 0.0])]), Clock::Utc);
        let PanelBody::Stat(stat) = view.body else {
            panic!("stat")
        };
        assert_eq!(stat.values[0].text, "DOWN");
        assert_eq!(stat.values[0].color, Some(named("red")));
        assert_eq!(stat.values[0].state.as_deref(), Some("▲ crit"));
    }

    #[test]
    fn a_stat_without_colour_says_no_state() {
        let p = panel(
            r#"{"type": "stat", "gridPos": {"x":0,"y":0,"w":6,"h":4},
               "targets": [{"refId": "A", "expr": "up"}],
               "options": {"colorMode": "none"},
               "fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [
                 {"color": "red", "value": null}]}}, "overrides": []}}"#,
        );
        let view = build(&p, &data(vec![series("a", &[2.0])]), Clock::Utc);
        let PanelBody::Stat(stat) = view.body else {
            panic!("stat")
        };
        assert_eq!(stat.color_mode, StatColorMode::None);
        assert_eq!(stat.values[0].text, "2");
        assert_eq!(stat.values[0].state, None);
    }

    #[test]
    fn overrides_colour_rename_hide_and_negate_series() {
        let p = panel(
            r##"{"type": "timeseries", "gridPos": {"x":0,"y":0,"w":12,"h":8},
               "targets": [{"refId": "A", "expr": "x"}],
               "fieldConfig": {"defaults": {}, "overrides": [
                 {"matcher": {"id": "byName", "options": "errors"},
                  "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}},
                                 {"id": "displayName", "value": "5xx"}]},
                 {"matcher": {"id": "byRegexp", "options": "/^hidden/"},
                  "properties": [{"id": "custom.hideFrom", "value": {"viz": true, "legend": true, "tooltip": true}}]},
                 {"matcher": {"id": "byName", "options": "tx"},
                  "properties": [{"id": "custom.transform", "value": "negative-Y"}]}]}}"##,
        );
        let d = data(vec![
            series("errors", &[1.0, 2.0]),
            series("hidden-a", &[100.0, 100.0]),
            series("tx", &[3.0, 4.0]),
        ]);
        let ts = timeseries(build(&p, &d, Clock::Utc));
        let names: Vec<&str> = ts.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["5xx", "tx"]);
        assert_eq!(ts.series[0].color, named("red"));
        assert_eq!(ts.series[1].points[1].1, -4.0);
        assert_eq!(ts.legend.entries.len(), 2, "hidden from the legend too");
        // The hidden series does not stretch the axis.
        assert!(ts.y_range.1 < 100.0, "{:?}", ts.y_range);
    }

    #[test]
    fn stacking_normal_and_percent() {
        let json = |mode: &str| {
            format!(
                r#"{{"type": "timeseries", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
                   "targets": [{{"refId": "A", "expr": "x"}}],
                   "fieldConfig": {{"defaults": {{"custom": {{"stacking": {{"mode": "{mode}", "group": "A"}},
                     "fillOpacity": 20, "drawStyle": "bars"}}}}, "overrides": []}}}}"#
            )
        };
        let d = data(vec![series("a", &[1.0, 3.0]), series("b", &[3.0, 1.0])]);
        let ts = timeseries(build(&panel(&json("normal")), &d, Clock::Utc));
        assert_eq!(ts.series[1].points[0].1, 4.0, "b sits on a");
        assert_eq!(ts.series[0].style, DrawStyle::Bars);
        assert!(ts.series[0].fill.is_none(), "bars are not filled again");
        let ts = timeseries(build(&panel(&json("percent")), &d, Clock::Utc));
        assert_eq!(ts.series[0].points[0].1, 0.25);
        assert_eq!(ts.series[1].points[0].1, 1.0);
        assert!(
            ts.y_labels.iter().any(|l| l.ends_with('%')),
            "{:?}",
            ts.y_labels
        );
        // A max in the data's units (a migrated graph's y axis max 100) does not stretch the
        // shares: Grafana's percent scale is fixed at 0–100 %.
        let with_max = json("percent").replace(r#""custom""#, r#""max": 100, "min": 0, "custom""#);
        let ts = timeseries(build(&panel(&with_max), &d, Clock::Utc));
        assert_eq!(ts.y_range, (0.0, 1.0));
        assert_eq!(ts.y_labels.first().map(String::as_str), Some("0%"));
        assert_eq!(ts.y_labels.last().map(String::as_str), Some("100%"));
    }

    #[test]
    fn log_axis_plots_exponents_and_labels_in_units() {
        let p = panel(
            r#"{"type": "timeseries", "gridPos": {"x":0,"y":0,"w":12,"h":8},
               "targets": [{"refId": "A", "expr": "x"}],
               "fieldConfig": {"defaults": {"unit": "s", "custom": {"fillOpacity": 10,
                 "scaleDistribution": {"type": "log", "log": 10}}}, "overrides": []}}"#,
        );
        let d = data(vec![series("a", &[0.001, 0.1, 10.0, 0.0])]);
        let ts = timeseries(build(&p, &d, Clock::Utc));
        assert_eq!(ts.log_base, Some(10.0));
        let ys: Vec<f64> = ts.series[0].points.iter().map(|p| p.1).collect();
        assert_eq!(ys.len(), 3, "zero has no place on a log axis");
        assert!(
            (ys[0] + 3.0).abs() < 1e-9 && (ys[2] - 1.0).abs() < 1e-9,
            "{ys:?}"
        );
        assert_eq!(ts.y_labels.first().map(String::as_str), Some("1 ms"));
        assert_eq!(ts.y_labels.last().map(String::as_str), Some("10 s"));
        assert!(ts.series[0].fill.is_some(), "fillOpacity 10 fills the area");
    }
}

#[cfg(test)]
mod panel_option_tests {
    //! Bar gauge modes, threshold styles, right axes and placeholders, from panel JSON.
    use super::timeseries::blend;
    use super::*;
    use crate::data::panel_data::Series;
    use crate::grafana::load::load_str;
    use crate::view::display::named;
    use crate::view::{BarOrientation, GaugeMode, TimeSeriesView};

    fn panel(json: &str) -> Panel {
        let text = format!(r#"{{"title": "t", "panels": [{json}]}}"#);
        let loaded = load_str(&text, "test.json").unwrap_or_else(|e| panic!("{e}"));
        Panel::clone(&loaded.dashboard.panels[0])
    }

    fn data(values: &[f64]) -> PanelData {
        PanelData {
            series: vec![Series {
                ref_id: "A".into(),
                name: "a".into(),
                points: values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i as i64 * 60_000, *v))
                    .collect(),
                ..Series::default()
            }],
            start_ms: 0,
            end_ms: 180_000,
            ..PanelData::default()
        }
    }

    const STEPS: &str = r#""thresholds": {"mode": "absolute", "steps": [
        {"value": null, "color": "green"}, {"value": 50, "color": "orange"},
        {"value": 80, "color": "red"}]}"#;

    #[test]
    fn bar_gauge_modes_and_unfilled_and_gauge_scale() {
        let p = panel(&format!(
            r#"{{"type": "bargauge", "gridPos": {{"x":0,"y":0,"w":6,"h":4}},
               "targets": [{{"refId": "A", "expr": "x"}}],
               "options": {{"displayMode": "lcd", "orientation": "vertical", "showUnfilled": false}},
               "fieldConfig": {{"defaults": {{"min": 0, "max": 200, {STEPS}}}, "overrides": []}}}}"#
        ));
        let PanelBody::Gauge(g) = build(&p, &data(&[120.0]), Clock::Utc).body else {
            panic!("gauge")
        };
        assert_eq!(g.mode, GaugeMode::Lcd);
        assert!(g.orientation == BarOrientation::Vertical && !g.show_unfilled);
        assert!(g.min_max.is_none());
        assert!((g.items[0].fraction - 0.6).abs() < 1e-9);
        let starts: Vec<f64> = g.scale.iter().map(|s| s.0).collect();
        assert_eq!(starts, [0.0, 0.25, 0.4]);
        assert_eq!(g.scale[2].1, named("red"));

        let p = panel(&format!(
            r#"{{"type": "gauge", "gridPos": {{"x":0,"y":0,"w":6,"h":4}},
               "targets": [{{"refId": "A", "expr": "x"}}], "options": {{"displayMode": "lcd"}},
               "fieldConfig": {{"defaults": {{"unit": "percent", {STEPS}}}, "overrides": []}}}}"#
        ));
        let PanelBody::Gauge(g) = build(&p, &data(&[20.0, 70.0]), Clock::Utc).body else {
            panic!("gauge")
        };
        assert_eq!(
            g.mode,
            GaugeMode::Basic,
            "display modes are bar gauge options"
        );
        // Without min/max the scale is the data's (grafana-data field/fieldOverrides.ts
        // calculateRange), percent or not.
        assert_eq!(g.min_max, Some(("20%".into(), "70%".into())));
        assert!(g.threshold_markers && g.show_unfilled);
    }

    fn ts_with_style(style: &str) -> TimeSeriesView {
        let p = panel(&format!(
            r#"{{"type": "timeseries", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
               "targets": [{{"refId": "A", "expr": "x"}}],
               "fieldConfig": {{"defaults": {{"min": 0, "max": 100, {STEPS},
                 "custom": {{"thresholdsStyle": {{"mode": "{style}"}}}}}}, "overrides": []}}}}"#
        ));
        match build(&p, &data(&[10.0, 60.0, 90.0]), Clock::Utc).body {
            PanelBody::TimeSeries(ts) => ts,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn threshold_styles_give_lines_dashes_and_bands() {
        let line = ts_with_style("line");
        assert_eq!(
            line.threshold_lines,
            [(50.0, named("orange")), (80.0, named("red"))]
        );
        assert!(!line.threshold_dashed && line.threshold_bands.is_empty());
        assert!(ts_with_style("dashed").threshold_dashed);
        let area = ts_with_style("area");
        assert!(area.threshold_lines.is_empty());
        let bands: Vec<(f64, f64)> = area.threshold_bands.iter().map(|b| (b.0, b.1)).collect();
        assert_eq!(bands, [(0.0, 50.0), (50.0, 80.0), (80.0, 100.0)]);
        assert_eq!(area.threshold_bands[2].2, blend(named("red"), 0.15));
        let both = ts_with_style("line+area");
        assert_eq!(both.threshold_lines.len(), 2);
        assert_eq!(both.threshold_bands.len(), 3);
        assert!(ts_with_style("off").threshold_lines.is_empty());
    }

    #[test]
    fn series_on_the_right_axis_get_a_scale_of_their_own() {
        let p = panel(
            r#"{"type": "timeseries", "gridPos": {"x":0,"y":0,"w":12,"h":8},
               "targets": [{"refId": "A", "expr": "x"}],
               "fieldConfig": {"defaults": {"unit": "s"}, "overrides": [
                 {"matcher": {"id": "byName", "options": "rate"},
                  "properties": [{"id": "custom.axisPlacement", "value": "right"},
                                 {"id": "unit", "value": "reqps"}]}]}}"#,
        );
        let mut d = data(&[0.2, 0.4]);
        let mut rate = d.series[0].clone();
        rate.name = "rate".into();
        rate.points = vec![(0, 1500.0), (60_000, 3000.0)];
        d.series.push(rate);
        let view = build(&p, &d, Clock::Utc);
        assert!(view.notes.is_empty(), "{:?}", view.notes);
        let PanelBody::TimeSeries(ts) = view.body else {
            panic!("not a time series");
        };
        // The left scale fits the seconds, the right one the request rate, each in its unit.
        assert!(ts.y_range.1 < 1.0, "{:?}", ts.y_range);
        let right = ts.right_axis.expect("a right axis");
        assert!(
            right.range.1 >= 3000.0 && right.range.0 <= 1500.0,
            "{right:?}"
        );
        assert!(
            right.labels.iter().all(|l| l.ends_with("req/s")),
            "{right:?}"
        );
        assert!(
            ts.y_labels.iter().all(|l| l.ends_with(" ms")),
            "{:?}",
            ts.y_labels
        );
        assert_eq!(
            ts.series.iter().map(|s| s.right).collect::<Vec<_>>(),
            [false, true]
        );
        assert_eq!(ts.series[1].unit.as_deref(), Some("reqps"));
    }

    #[test]
    fn only_library_panels_without_their_model_are_placeholders() {
        let embedded = Panel {
            panel_type: "stat".into(),
            library_panel_uid: Some("lib-a".into()),
            ..Panel::default()
        };
        assert_eq!(unsupported_reason(&embedded), None);
        let mut missing = Panel {
            panel_type: "library-panel".into(),
            library_panel_uid: Some("lib-b".into()),
            ..Panel::default()
        };
        let reason = unsupported_reason(&missing).unwrap_or_default();
        assert!(reason.contains("not in this file"), "{reason}");
        missing.library_panel_problem = Some("Grafana answered 404 (not found)".into());
        assert_eq!(
            unsupported_reason(&missing).as_deref(),
            Some("library panel `lib-b`: Grafana answered 404 (not found)")
        );
    }

    #[test]
    fn panels_without_a_terminal_form_say_what_they_are_and_why() {
        for kind in [
            "alertlist",
            "news",
            "dashlist",
            "nodeGraph",
            "traces",
            "canvas",
            "geomap",
        ] {
            let p = Panel {
                panel_type: kind.into(),
                ..Panel::default()
            };
            let reason = unsupported_reason(&p).unwrap_or_default();
            assert!(reason.starts_with(&format!("{kind} panel: ")), "{reason}");
            assert!(!reason.contains("not drawn yet"), "{reason}");
        }
        let p = Panel {
            panel_type: "grafana-clock-panel".into(),
            ..Panel::default()
        };
        assert_eq!(
            unsupported_reason(&p),
            None,
            "plugin panels still run their queries"
        );
        let PanelBody::Message { text, .. } = build(&p, &data(&[1.0]), Clock::Utc).body else {
            panic!("message")
        };
        assert!(text.contains("plugin panel"), "{text}");
        assert!(text.contains("1 series, 1 points"), "{text}");
    }
}
