//! Which queries a panel sends: interpolated PromQL, instant or range, step and aligned range,
//! as Grafana would send them. Pure: the variable scope and sizes come in as arguments.

use std::collections::BTreeMap;

use crate::grafana::interval::{IntervalInput, plan_query_interval};
use crate::grafana::model::{Dashboard, DatasourceRef, Panel, TargetFormat};
use crate::grafana::scrape::ChosenScrape;
use crate::grafana::timerange::TimeRange;
use crate::grafana::vars::{Format, Scope, interpolate};

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
    /// Which kind of datasource answers it: Prometheus (PromQL) or Loki (LogQL).
    pub language: QueryLanguage,
    /// The scrape interval it was planned with and why, when the session knew one.
    pub scrape: Option<ChosenScrape>,
}

/// The query language of a target, from its datasource's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueryLanguage {
    #[default]
    PromQL,
    LogQL,
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
            language: self.language,
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
    pub language: QueryLanguage,
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
    /// Datasource scrape interval (`timeInterval`), `None` for Grafana's 15 s default.
    pub scrape_interval: Option<String>,
    /// Per query, when the session knows more (configured, the datasource's `timeInterval`,
    /// the targets the query reads): wins over `scrape_interval`.
    pub scrape_for: Option<ScrapeChooser<'a>>,
    /// The dashboard time zone's offset from UTC (s): Grafana aligns a range query's start
    /// and end to the step in that zone (`utcOffsetSec`, pkg/promlib/models/query.go).
    pub utc_offset_s: i64,
    pub dashboard_title: &'a str,
    pub dashboard_uid: &'a str,
    /// Plugin type of each datasource variable (`Dashboard::datasource_variable_types`).
    pub datasource_types: &'a BTreeMap<String, String>,
}

impl<'a> PlanContext<'a> {
    /// Planning a dashboard as saved, outside a session (`check`, corpus tests, benches): no
    /// scrape interval known beyond Grafana's 15 s default, range aligned in UTC.
    /// `datasource_types` is `dashboard.datasource_variable_types()`.
    pub fn for_saved(
        range: &'a TimeRange,
        dashboard: &'a Dashboard,
        datasource_types: &'a BTreeMap<String, String>,
    ) -> Self {
        PlanContext {
            range,
            scrape_interval: None,
            scrape_for: None,
            utc_offset_s: 0,
            dashboard_title: &dashboard.title,
            dashboard_uid: dashboard.uid.as_deref().unwrap_or(""),
            datasource_types,
        }
    }
}

/// Picks the scrape interval for a query: (its datasource reference, its expression with the
/// dashboard's variables in) to the interval and why.
#[derive(Clone, Copy)]
pub struct ScrapeChooser<'a>(pub &'a (dyn Fn(&DatasourceRef, &str) -> Option<ChosenScrape> + Sync));

impl std::fmt::Debug for ScrapeChooser<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScrapeChooser")
    }
}

/// Width of the dashboard grid in a 1920 px browser window (the window less the dashboard's
/// 16 px padding on each side).
const GRAFANA_GRID_PIXELS: u32 = 1888;
/// Columns of Grafana's dashboard grid and the gap between two panels, in px
/// (public/app/core/constants.ts `GRID_COLUMN_COUNT`, `GRID_CELL_VMARGIN`).
const GRAFANA_GRID_COLUMNS: u32 = 24;
const GRAFANA_GRID_GAP: u32 = 8;

/// The width in px Grafana gives a panel `columns` of 24 wide in a 1920 px window: react-grid-
/// layout's item width (column width × w plus the gaps it spans, rounded), with the margins
/// Grafana's grid passes it (scenes SceneGridLayoutRenderer: `margin` 8 px, no container
/// padding).
pub fn grafana_panel_pixels(columns: u32) -> u32 {
    let columns = columns.clamp(1, GRAFANA_GRID_COLUMNS);
    let gaps = GRAFANA_GRID_GAP * (GRAFANA_GRID_COLUMNS - 1);
    let column_px = f64::from(GRAFANA_GRID_PIXELS - gaps) / f64::from(GRAFANA_GRID_COLUMNS);
    let width = column_px * f64::from(columns) + f64::from(GRAFANA_GRID_GAP * (columns - 1));
    // A whole number of px between 1 and the grid width: the cast cannot truncate.
    width.round() as u32
}

/// maxDataPoints: the panel's explicit value, else the width in px Grafana gives the panel in a
/// 1920 px window, whatever the terminal. Grafana asks with the panel's measured container width
/// (scenes VizPanelRenderer `setContainerWidth(Math.round(width))`, SceneQueryRunner
/// `getMaxDataPoints`: `maxDataPoints ?? containerWidth`), so the PromQL sent, the step,
/// `$__interval` and `$__rate_interval` are the same as there: a narrow terminal neither
/// coarsens a rate window nor hides a spike (the time-series widget draws every point's
/// envelope per column), and a stat's last value is as fresh as Grafana's.
pub fn max_data_points(panel: &Panel) -> u64 {
    if let Some(explicit) = panel.max_data_points.filter(|m| *m > 0) {
        return explicit;
    }
    u64::from(grafana_panel_pixels(panel.grid.w))
}

/// Plan every visible target of a panel. `scope` holds the dashboard variables (and a repeat
/// clone's own value); built-ins are added per target here.
pub fn plan_panel(panel: &Panel, scope: &Scope, ctx: &PlanContext) -> PanelPlan {
    if let Some(kind) = foreign_datasource(&panel.datasource, ctx.datasource_types)
        && kind != "loki"
    {
        return PanelPlan::Unsupported(format!(
            "{kind} datasource: triage queries Prometheus and Loki only"
        ));
    }
    let mut queries = Vec::new();
    for target in panel.targets.iter().filter(|t| !t.hide) {
        let language = match target_language(&panel.datasource, target, ctx.datasource_types) {
            Ok(language) => language,
            Err(kind) if panel.targets.len() == 1 => {
                return PanelPlan::Unsupported(format!(
                    "{kind} datasource: triage queries Prometheus and Loki only"
                ));
            }
            Err(_) => continue,
        };
        if language == QueryLanguage::LogQL {
            queries.extend(super::logql_plan::plan_loki_target(
                panel, target, scope, ctx,
            ));
            continue;
        }
        if target.expr.trim().is_empty() {
            continue;
        }
        let interpolate_plain = |text: &str| interpolate(text, scope, Format::Glob);
        let reference = target
            .datasource
            .as_ref()
            .filter(|d| !matches!(d, DatasourceRef::Default))
            .unwrap_or(&panel.datasource);
        let scrape = ctx.scrape_for.and_then(|choose| {
            (choose.0)(
                reference,
                &interpolate(&target.expr, scope, Format::Prometheus),
            )
        });
        let interval = plan_query_interval(&IntervalInput {
            from_ms: ctx.range.from_ms(),
            to_ms: ctx.range.to_ms(),
            max_data_points: max_data_points(panel),
            target_interval: target.interval.as_deref().map(interpolate_plain),
            panel_interval: panel.interval.as_deref().map(interpolate_plain),
            scrape_interval: scrape
                .as_ref()
                .map(|c| c.interval.clone())
                .or_else(|| ctx.scrape_interval.clone()),
            interval_factor: target.interval_factor,
            utc_offset_s: ctx.utc_offset_s,
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
            language: QueryLanguage::PromQL,
            scrape,
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

/// The language a target speaks: its own datasource's (Mixed panels), else its panel's;
/// `Err(type)` for a datasource that is neither Prometheus-like nor Loki.
pub fn target_language(
    panel_datasource: &DatasourceRef,
    target: &crate::grafana::model::Target,
    variable_types: &BTreeMap<String, String>,
) -> Result<QueryLanguage, String> {
    let reference = match &target.datasource {
        Some(DatasourceRef::Default) | None => panel_datasource,
        Some(own) => own,
    };
    match foreign_datasource(reference, variable_types) {
        None => Ok(QueryLanguage::PromQL),
        Some(kind) if kind == "loki" => Ok(QueryLanguage::LogQL),
        Some(kind) => Err(kind),
    }
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
            scrape_interval: None,
            scrape_for: None,
            utc_offset_s: 0,
            dashboard_title: "d",
            dashboard_uid: "u",
            datasource_types: &NO_TYPES,
        }
    }

    #[test]
    fn a_panel_on_a_loki_datasource_variable_plans_logql() {
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
        let PanelPlan::Queries(queries) = plan_panel(&panel, &Scope::default(), &with_types) else {
            panic!("queries expected")
        };
        assert_eq!(queries[0].language, QueryLanguage::LogQL);
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
    fn max_data_points_is_grafanas_panel_width_or_the_explicit_value() {
        // 12 of 24 columns: 12 columns of 71 px and the 11 gaps of 8 px between them.
        assert_eq!(max_data_points(&panel(vec![])), 940);
        let explicit = Panel {
            max_data_points: Some(500),
            ..panel(vec![])
        };
        assert_eq!(max_data_points(&explicit), 500);
        let zero = Panel {
            max_data_points: Some(0),
            ..panel(vec![])
        };
        assert_eq!(max_data_points(&zero), 940);
    }

    #[test]
    fn every_panel_kind_asks_with_grafanas_width_whatever_the_terminal() {
        let of = |kind: &str, w: u32| Panel {
            panel_type: kind.into(),
            grid: GridPos {
                w,
                ..GridPos::default()
            },
            ..panel(vec![])
        };
        // 3 of 24 columns of a 1888 px grid: 3 × 71 px + 2 gaps of 8 px.
        for kind in [
            "stat",
            "timeseries",
            "heatmap",
            "state-timeline",
            "status-history",
            "barchart",
            "graph",
        ] {
            assert_eq!(max_data_points(&of(kind, 3)), 229, "{kind}");
            assert_eq!(max_data_points(&of(kind, 24)), 1888, "{kind}");
        }
        assert_eq!(grafana_panel_pixels(1), 71);
        assert_eq!(grafana_panel_pixels(8), 624);
        // Out-of-grid widths are clamped to the grid.
        assert_eq!(grafana_panel_pixels(0), 71);
        assert_eq!(grafana_panel_pixels(40), 1888);
        let stat = |w: u32| of("stat", w);
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
        // 3600 s / 940 px = 3.8 s, under the 15 s scrape interval → 15 s (as Grafana asks a
        // half-width panel); rate interval max(15s + 15s, 4 × 15s) = 1m0s.
        assert_eq!(q.step_ms, 15_000);
        assert_eq!(q.expr, "rate(x{env=\"prod\"}[1m0s])");
        assert!(!q.instant);
        assert_eq!(q.start_ms % 15_000, 0, "start aligned to the step");
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
    fn mixed_panels_route_each_target_by_its_datasource() {
        let range = range();
        let loki = DatasourceRef::Named {
            uid: Some("loki".into()),
            name: None,
            r#type: Some("loki".into()),
        };
        let tempo = DatasourceRef::Named {
            uid: Some("tempo".into()),
            name: None,
            r#type: Some("tempo".into()),
        };
        let mut p = panel(vec![
            target("up"),
            Target {
                ref_id: "B".into(),
                datasource: Some(loki),
                ..target("sum(count_over_time({job=\"x\"}[$__auto]))")
            },
            Target {
                ref_id: "C".into(),
                datasource: Some(tempo.clone()),
                ..target("{}")
            },
        ]);
        p.datasource = DatasourceRef::Builtin {
            name: "-- Mixed --".into(),
        };
        let PanelPlan::Queries(queries) = plan_panel(&p, &Scope::new(), &ctx(&range)) else {
            panic!("queries expected")
        };
        let routed: Vec<(&str, QueryLanguage)> = queries
            .iter()
            .map(|q| (q.ref_id.as_str(), q.language))
            .collect();
        assert_eq!(
            routed,
            [("A", QueryLanguage::PromQL), ("B", QueryLanguage::LogQL)]
        );
        assert!(!queries[1].expr.contains("$__auto"), "{}", queries[1].expr);
        // A panel on a datasource that is neither says so.
        p.datasource = tempo;
        p.targets.truncate(1);
        assert_eq!(
            plan_panel(&p, &Scope::new(), &ctx(&range)),
            PanelPlan::Unsupported(
                "tempo datasource: triage queries Prometheus and Loki only".into()
            )
        );
    }
}
