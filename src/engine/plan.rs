//! Which queries a panel sends: interpolated PromQL, instant or range, step and aligned range,
//! as Grafana would send them. Pure: the variable scope and sizes come in as arguments.

use std::collections::BTreeMap;

use crate::grafana::interval::{IntervalInput, plan_query_interval};
use crate::grafana::model::{DatasourceRef, Panel, TargetFormat};
use crate::grafana::panel_kind::PanelKind;
use crate::grafana::timerange::TimeRange;
use crate::grafana::vars::{Format, Scope, interpolate};

/// Columns a panel border and the y-axis labels take from the drawable width.
const CHROME_COLUMNS: u32 = 2 + 8;

/// One query to send for one target of one panel.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedQuery {
    pub ref_id: String,
    pub expr: String,
    pub legend_format: Option<String>,
    pub format: TargetFormat,
    pub instant: bool,
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
    /// A comparison copy asks this much earlier (ms); its answer is shifted forward by it.
    pub offset_ms: i64,
    /// Named datasource to ask (`None`: the default one).
    pub datasource: Option<String>,
}

/// How a comparison is named: "1d ago", "1w ago", else in hours.
pub fn offset_label(offset_ms: i64) -> String {
    match offset_ms {
        604_800_000 => "1w ago".into(),
        86_400_000 => "1d ago".into(),
        ms => format!("{}h ago", ms / 3_600_000),
    }
}

/// The panel's range queries again, `offset_ms` earlier, to overlay "the same time yesterday".
/// Shifting the range (not rewriting PromQL with `offset`) works for every expression.
pub fn comparison_queries(queries: &[PlannedQuery], offset_ms: i64) -> Vec<PlannedQuery> {
    queries
        .iter()
        .filter(|q| !q.instant && q.offset_ms == 0)
        .map(|q| PlannedQuery {
            ref_id: format!("{} ({})", q.ref_id, offset_label(offset_ms)),
            start_ms: q.start_ms - offset_ms,
            end_ms: q.end_ms - offset_ms,
            offset_ms,
            ..q.clone()
        })
        .collect()
}

impl PlannedQuery {
    /// Two panels asking this are asking the same thing: it is sent once.
    pub fn key(&self) -> QueryKey {
        let step = if self.instant { 0 } else { self.step_ms };
        let start = if self.instant { 0 } else { self.start_ms };
        // The same expression against another datasource is another query.
        let expr = match &self.datasource {
            Some(ds) => format!("{ds}\u{0}{}", self.expr),
            None => self.expr.clone(),
        };
        QueryKey {
            expr,
            instant: self.instant,
            start_ms: start,
            end_ms: self.end_ms,
            step_ms: step,
        }
    }
}

/// What makes two planned queries the same request: sent once, answered to every panel that
/// asked. Instant queries ignore start and step; the datasource is part of the expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueryKey {
    pub expr: String,
    pub instant: bool,
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
}

/// The panel's plan, or why it sends nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelPlan {
    Queries(Vec<PlannedQuery>),
    Unsupported(String),
}

/// Sizes and settings the plan depends on.
#[derive(Debug, Clone)]
pub struct PlanContext<'a> {
    pub range: &'a TimeRange,
    pub terminal_width: u16,
    /// Datasource scrape interval (`timeInterval`), `None` for Grafana's 15 s default.
    pub scrape_interval: Option<String>,
    pub dashboard_title: &'a str,
    pub dashboard_uid: &'a str,
    /// Plugin type of each datasource variable (`Dashboard::datasource_variable_types`).
    pub datasource_types: &'a BTreeMap<String, String>,
}

/// Width of the dashboard grid in a 1920 px browser window, for panels sized as Grafana sizes
/// them (24 columns, 8 px between panels, 8 px padding inside each).
const GRAFANA_GRID_PIXELS: u32 = 1888;

/// maxDataPoints: the panel's explicit value, else for a panel that draws along time its
/// drawable width in braille dots (two per cell), not pixels: a terminal cannot show more.
/// A panel that reduces its series to values (stat, gauge, table, ...) draws no time axis, and
/// its value depends on the step (the last point sits at the step-aligned end, `$__interval`
/// and `$__rate_interval` follow it), so it asks with the width Grafana gives it in a 1920 px
/// window: the same step and the same numbers as there, where a narrow stat at terminal width
/// would get an hour-long step over a day and show an hour-old value.
pub fn max_data_points(panel: &Panel, terminal_width: u16) -> u64 {
    if let Some(explicit) = panel.max_data_points.filter(|m| *m > 0) {
        return explicit;
    }
    let columns = panel.grid.w.clamp(1, 24);
    if PanelKind::of(&panel.panel_type).is_single_value() {
        let pixels = columns * GRAFANA_GRID_PIXELS / 24;
        return u64::from(pixels.saturating_sub(8 + 2 * 8).max(20));
    }
    let cells = columns * u32::from(terminal_width) / 24;
    u64::from(cells.saturating_sub(CHROME_COLUMNS).max(10) * 2)
}

/// Plan every visible target of a panel. `scope` holds the dashboard variables (and a repeat
/// clone's own value); built-ins are added per target here.
pub fn plan_panel(panel: &Panel, scope: &Scope, ctx: &PlanContext) -> PanelPlan {
    if let Some(kind) = foreign_datasource(&panel.datasource, ctx.datasource_types) {
        return PanelPlan::Unsupported(format!(
            "{kind} datasource: triage queries Prometheus only"
        ));
    }
    let mut queries = Vec::new();
    for target in panel.targets.iter().filter(|t| !t.hide) {
        if let Some(kind) = target
            .datasource
            .as_ref()
            .and_then(|d| foreign_datasource(d, ctx.datasource_types))
        {
            if panel.targets.len() == 1 {
                return PanelPlan::Unsupported(format!(
                    "{kind} datasource: triage queries Prometheus only"
                ));
            }
            continue;
        }
        if target.expr.trim().is_empty() {
            continue;
        }
        let interpolate_plain = |text: &str| interpolate(text, scope, Format::Glob);
        let interval = plan_query_interval(&IntervalInput {
            from_ms: ctx.range.from_ms(),
            to_ms: ctx.range.to_ms(),
            max_data_points: max_data_points(panel, ctx.terminal_width),
            target_interval: target.interval.as_deref().map(interpolate_plain),
            panel_interval: panel.interval.as_deref().map(interpolate_plain),
            scrape_interval: ctx.scrape_interval.clone(),
            interval_factor: target.interval_factor,
            utc_offset_s: 0,
            request_interval_ms: None,
        });
        let mut target_scope = scope.clone();
        target_scope.set_intervals(&interval);
        let expr = interpolate(&target.expr, &target_scope, Format::Prometheus);
        // No instant and no range means range, whatever the format (pkg/promlib/models/
        // query.go Parse: "!range && !instant was run as range query"; a table of a range
        // query has a row per point).
        let wants_instant = target.instant;
        let wants_range = target.range || !wants_instant;
        let base = PlannedQuery {
            ref_id: target.ref_id.clone(),
            expr,
            legend_format: target.legend_format.clone(),
            format: target.format,
            instant: false,
            start_ms: interval.start_ms,
            end_ms: interval.end_ms,
            step_ms: interval.step_ms,
            offset_ms: 0,
            datasource: None,
        };
        if wants_range {
            queries.push(base.clone());
        }
        if wants_instant {
            queries.push(PlannedQuery {
                ref_id: if wants_range {
                    format!("{}-Instant", base.ref_id)
                } else {
                    base.ref_id.clone()
                },
                instant: true,
                start_ms: ctx.range.to_ms(),
                end_ms: ctx.range.to_ms(),
                ..base
            });
        }
    }
    PanelPlan::Queries(queries)
}

/// A datasource type we know is not Prometheus-compatible. `variable_types` gives the plugin
/// type of each datasource variable (`${DS_LOKI}` of type `loki` is Loki whatever is chosen).
pub(crate) fn foreign_datasource(
    ds: &DatasourceRef,
    variable_types: &BTreeMap<String, String>,
) -> Option<String> {
    let kind = match ds {
        // Mixed panels name a datasource per target; Grafana's own ones hold no PromQL.
        DatasourceRef::Builtin { name } => {
            return (!name.contains("Mixed")).then(|| name.trim_matches(['-', ' ']).to_lowercase());
        }
        DatasourceRef::Variable { name } => variable_types.get(name).map(String::as_str)?,
        _ => ds.plugin_type()?,
    };
    // Besides Grafana's Prometheus types: plugins whose query language is a PromQL superset.
    let prometheus_like = ["victoriametrics-datasource", "mimir", "cortex", "thanos"];
    if crate::grafana::model::is_prometheus_type(kind)
        || prometheus_like.contains(&kind)
        || kind.is_empty()
    {
        None
    } else {
        Some(kind.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::{GridPos, Target};
    use crate::grafana::vars::VarValue;

    fn range() -> TimeRange {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        TimeRange::resolve("now-1h", "now", now).unwrap()
    }

    fn panel(targets: Vec<Target>) -> Panel {
        Panel {
            panel_type: "timeseries".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 12,
                h: 8,
            },
            targets,
            ..Panel::default()
        }
    }

    fn target(expr: &str) -> Target {
        Target {
            ref_id: "A".into(),
            expr: expr.into(),
            ..Target::default()
        }
    }

    static NO_TYPES: BTreeMap<String, String> = BTreeMap::new();

    fn ctx(range: &TimeRange) -> PlanContext<'_> {
        PlanContext {
            range,
            terminal_width: 160,
            scrape_interval: None,
            dashboard_title: "d",
            dashboard_uid: "u",
            datasource_types: &NO_TYPES,
        }
    }

    #[test]
    fn a_panel_on_a_loki_datasource_variable_sends_no_promql() {
        let range = range();
        let panel = Panel {
            panel_type: "timeseries".into(),
            datasource: DatasourceRef::Variable {
                name: "DS_LOKI".into(),
            },
            targets: vec![target("sum(rate({app=\"gw\"} |= \"error\" [5m]))")],
            ..Panel::default()
        };
        let types: BTreeMap<String, String> = [("DS_LOKI".to_string(), "loki".to_string())].into();
        let with_types = PlanContext {
            datasource_types: &types,
            ..ctx(&range)
        };
        let plan = plan_panel(&panel, &Scope::default(), &with_types);
        assert_eq!(
            plan,
            PanelPlan::Unsupported("loki datasource: triage queries Prometheus only".into())
        );
        // A Prometheus datasource variable still plans PromQL.
        let types: BTreeMap<String, String> =
            [("DS_LOKI".to_string(), "prometheus".to_string())].into();
        let prom = PlanContext {
            datasource_types: &types,
            ..ctx(&range)
        };
        assert!(matches!(
            plan_panel(&panel, &Scope::default(), &prom),
            PanelPlan::Queries(_)
        ));
    }

    #[test]
    fn max_data_points_is_the_drawable_width_in_braille_dots() {
        // 12 of 24 columns of 160 cells = 80 cells, minus border and axis = 70 cells = 140 dots.
        assert_eq!(max_data_points(&panel(vec![]), 160), 140);
        let explicit = Panel {
            max_data_points: Some(500),
            ..panel(vec![])
        };
        assert_eq!(max_data_points(&explicit, 160), 500);
    }

    #[test]
    fn single_value_panels_ask_with_grafanas_width_whatever_the_terminal() {
        let stat = |w: u32| Panel {
            panel_type: "stat".into(),
            grid: GridPos {
                w,
                ..GridPos::default()
            },
            ..panel(vec![])
        };
        // 3 of 24 columns of a 1888 px grid = 236 px, less the gap and padding.
        assert_eq!(max_data_points(&stat(3), 80), 212);
        assert_eq!(max_data_points(&stat(3), 300), 212);
        assert_eq!(max_data_points(&stat(24), 80), 1864);
        // Over a day that is a 5 m step, as in Grafana, not the hour 20 terminal dots would
        // give: the last value is at most 5 minutes old.
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T12:34:56Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let range = TimeRange::resolve("now-24h", "now", now).unwrap();
        let mut narrow = stat(3);
        narrow.targets = vec![target("rate(x[$__rate_interval])")];
        let PanelPlan::Queries(q) = plan_panel(&narrow, &Scope::new(), &ctx(&range)) else {
            panic!("queries expected")
        };
        assert_eq!(q[0].step_ms, 300_000);
        assert_eq!(q[0].expr, "rate(x[5m15s])");
        assert!(now.timestamp_millis() - q[0].end_ms < 300_000);
    }

    #[test]
    fn a_range_query_gets_grafana_step_and_rate_interval() {
        let range = range();
        let mut scope = Scope::new();
        scope.set_var("env", VarValue::single("prod"));
        let plan = plan_panel(
            &panel(vec![target("rate(x{env=\"$env\"}[$__rate_interval])")]),
            &scope,
            &ctx(&range),
        );
        let PanelPlan::Queries(queries) = plan else {
            panic!("queries expected")
        };
        assert_eq!(queries.len(), 1);
        let q = &queries[0];
        // 3600 s / 140 points = 25.7 s → rounded to 30 s (backend table); rate interval
        // max(30s + 15s, 4 × 15s) = 1m0s.
        assert_eq!(q.step_ms, 30_000);
        assert_eq!(q.expr, "rate(x{env=\"prod\"}[1m0s])");
        assert!(!q.instant);
        assert_eq!(q.start_ms % 30_000, 0, "start aligned to the step");
    }

    #[test]
    fn hidden_targets_are_skipped_and_table_targets_without_instant_are_range() {
        let range = range();
        let hidden = Target {
            hide: true,
            ..target("up")
        };
        let table = Target {
            ref_id: "B".into(),
            format: TargetFormat::Table,
            ..target("up")
        };
        let PanelPlan::Queries(queries) =
            plan_panel(&panel(vec![hidden, table]), &Scope::new(), &ctx(&range))
        else {
            panic!("queries expected")
        };
        // Neither `instant` nor `range`: a range query, table format or not
        // (pkg/promlib/models/query.go).
        assert_eq!(queries.len(), 1);
        assert!(!queries[0].instant);
        assert!(queries[0].step_ms > 0);
    }

    #[test]
    fn both_range_and_instant_make_two_queries() {
        let range = range();
        let both = Target {
            instant: true,
            range: true,
            ..target("up")
        };
        let PanelPlan::Queries(queries) =
            plan_panel(&panel(vec![both]), &Scope::new(), &ctx(&range))
        else {
            panic!("queries expected")
        };
        assert_eq!(
            queries
                .iter()
                .map(|q| q.ref_id.as_str())
                .collect::<Vec<_>>(),
            ["A", "A-Instant"]
        );
        assert_ne!(queries[0].key(), queries[1].key());
    }

    #[test]
    fn comparison_copies_shift_range_queries_only() {
        let range = range();
        let both = Target {
            instant: true,
            range: true,
            ..target("up")
        };
        let PanelPlan::Queries(queries) =
            plan_panel(&panel(vec![both]), &Scope::new(), &ctx(&range))
        else {
            panic!("queries expected")
        };
        let copies = comparison_queries(&queries, 86_400_000);
        assert_eq!(copies.len(), 1, "the instant query has no comparison");
        assert_eq!(copies[0].ref_id, "A (1d ago)");
        assert_eq!(copies[0].end_ms, queries[0].end_ms - 86_400_000);
        assert_eq!(copies[0].step_ms, queries[0].step_ms);
        assert_ne!(copies[0].key(), queries[0].key());
    }

    #[test]
    fn loki_panels_are_unsupported_with_a_reason() {
        let range = range();
        let mut p = panel(vec![target("{job=\"x\"}")]);
        p.datasource = DatasourceRef::Named {
            uid: Some("loki".into()),
            name: None,
            r#type: Some("loki".into()),
        };
        assert_eq!(
            plan_panel(&p, &Scope::new(), &ctx(&range)),
            PanelPlan::Unsupported("loki datasource: triage queries Prometheus only".into())
        );
    }
}
