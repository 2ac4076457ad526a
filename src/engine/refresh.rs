//! One refresh of a dashboard: resolve variables, expand repeats, plan every panel, send each
//! distinct query once (bounded concurrency), and report panels as soon as their data is in.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::mpsc;

use super::datasources::Datasources;
use super::drill::Backends;
use super::expand::expand_dashboard;
use super::incremental::AnswerCache;
use super::plan::{PanelPlan, PlannedQuery, QueryKey, QueryLanguage, offset_label};
use super::refresh_plan::plan_refresh;
use super::session::EngineEvent;
use super::variables::{Overrides, ResolvedVariable, Selections, resolve_variables, scope_for};
use crate::data::LogLine;
use crate::data::panel_data::{PanelData, QueryInfo, Series};
use crate::grafana::model::Dashboard;
use crate::grafana::naming::{SeriesNaming, display_names, legend_name};
use crate::grafana::timerange::TimeRange;
use crate::net::loki::{DEFAULT_MAX_LINES, LokiAnswer, LokiClient, LokiQuery};
use crate::net::{PromError, QueryAnswer};

/// Queries in flight at once: enough to hide latency, few enough to be gentle on a
/// Prometheus that is part of the incident.
pub const MAX_CONCURRENT_QUERIES: usize = 8;

/// Everything a refresh depends on; built fresh by the UI for each refresh.
#[derive(Debug, Clone)]
pub struct RefreshInput {
    /// The dashboard as loaded (repeats not expanded).
    pub dashboard: Arc<Dashboard>,
    pub overrides: Overrides,
    /// The values picked in the UI, by variable name, in place of the file's `current`
    /// (the dashboard itself is shared, not copied for each pick).
    pub selections: Selections,
    pub range: TimeRange,
    pub scrape_interval: Option<String>,
    /// Overlay one panel (index in the expanded dashboard) with itself this much earlier (ms).
    pub compare: Option<(usize, i64)>,
    /// Only a variable changed: panels whose queries are the same as in the last refresh keep
    /// their data and are not asked again (as Grafana re-runs only the panels that use it).
    pub keep_unchanged: bool,
    /// Ask only these panels (the ones in view, lazily loaded as Grafana loads them); `None`
    /// asks every panel (`render`).
    pub wanted: Option<WantedPanels>,
}

/// The panels a refresh asks, as the UI sees them: those in view (with a margin) outside
/// collapsed rows. The others get no query and no event: they keep what they show, and the
/// UI asks for them when they come into view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedPanels {
    /// Indices into the expanded dashboard's panels, as the UI counted them ...
    pub indices: BTreeSet<usize>,
    /// ... over this many panels. When repeats give the dashboard another shape than the UI
    /// knew, the indices mean nothing: every panel outside a collapsed row is asked instead.
    pub panel_count: usize,
    /// Panels that came into view since the last refresh: they ask with the variables that
    /// refresh resolved (the UI sends the same range), so a scroll sends no variable query.
    pub same_variables: bool,
}

/// What a refresh keeps for the next: what each panel asked (for `keep_unchanged`) and the
/// variables it resolved (for panels that come into view later, and the options of variables
/// refreshed on load only).
#[derive(Debug, Clone, Default)]
pub struct RefreshMemory {
    pub asked: Option<PanelQueries>,
    pub variables: Option<(Vec<ResolvedVariable>, Vec<String>)>,
    /// The dashboard those variables belong to (the session's, shared; another after a switch).
    pub dashboard: Option<Arc<Dashboard>>,
    /// Every range query's last answer, for incremental refresh (shared by every refresh of
    /// the session, also by those that are cancelled).
    pub answers: Arc<std::sync::Mutex<AnswerCache>>,
}

/// Which panels of `dashboard` a refresh asks: all without a wanted set; else the wanted ones,
/// or, when the dashboard's shape is not the one the UI counted, every panel outside a
/// collapsed row.
pub fn wanted_mask(dashboard: &Dashboard, wanted: Option<&WantedPanels>) -> Vec<bool> {
    let count = dashboard.panels.len();
    match wanted {
        None => vec![true; count],
        Some(w) if w.panel_count == count => (0..count).map(|i| w.indices.contains(&i)).collect(),
        Some(_) => outside_collapsed_rows(dashboard),
    }
}

/// Per panel: whether it lies outside every row saved as collapsed.
pub fn outside_collapsed_rows(dashboard: &Dashboard) -> Vec<bool> {
    let mut mask = vec![true; dashboard.panels.len()];
    for row in dashboard.rows.iter().filter(|r| r.collapsed) {
        for &p in &row.panels {
            if let Some(m) = mask.get_mut(p) {
                *m = false;
            }
        }
    }
    mask
}

/// What each panel asked in a refresh, without the time range: (datasource, expression,
/// instant) per query; `None` for a panel that asked nothing of Prometheus.
pub type PanelQueries = Vec<Option<Vec<(Option<String>, String, bool)>>>;

/// The time-independent queries of every panel of a plan; a panel not planned (not wanted)
/// keeps what it asked before, so a later variable change cannot count its old data as up
/// to date.
pub fn panel_queries(plans: &[Option<PanelPlan>], previous: Option<&PanelQueries>) -> PanelQueries {
    let previous = previous.filter(|p| p.len() == plans.len());
    plans
        .iter()
        .enumerate()
        .map(|(index, plan)| match plan {
            Some(PanelPlan::Queries(queries)) => Some(
                queries
                    .iter()
                    .map(|q| (q.datasource.clone(), q.expr.clone(), q.instant))
                    .collect(),
            ),
            Some(PanelPlan::Unsupported(_)) => None,
            None => previous.and_then(|p| p.get(index).cloned()).flatten(),
        })
        .collect()
}

/// Which panels need no new query: same queries as before, and the panel set unchanged (a
/// repeat that changed the panels means every panel is drawn afresh).
pub fn unchanged_panels(previous: Option<&PanelQueries>, now: &PanelQueries) -> Vec<bool> {
    match previous {
        Some(before) if before.len() == now.len() => before
            .iter()
            .zip(now)
            .map(|(b, n)| b.is_some() && b == n)
            .collect(),
        _ => vec![false; now.len()],
    }
}

/// The dashboard as it is drawn this refresh: repeats expanded, variables resolved.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Shared with the UI's page, not copied.
    pub dashboard: Arc<Dashboard>,
    pub variables: Vec<ResolvedVariable>,
    /// Variables that could not be resolved (their query failed), with the reason.
    pub errors: Vec<String>,
}

/// What a query answered: series (Prometheus, or a LogQL metric query) or log lines.
#[derive(Debug, Clone)]
enum Answer {
    Series(QueryAnswer),
    Lines(Vec<LogLine>),
}

/// An answer and how long it took (ms).
type Answered = (Result<Answer, String>, u64);

/// What a Loki panel says when triage was started without a Loki.
pub const NO_LOKI: &str = "Loki panel: start triage with --loki URL";

pub async fn run_refresh(
    datasources: &Datasources,
    backends: &Backends,
    input: RefreshInput,
    memory: &RefreshMemory,
    generation: u64,
    events: &mpsc::UnboundedSender<EngineEvent>,
) -> RefreshMemory {
    let previous = memory.asked.as_ref();
    let loki = backends.loki.clone().map(LokiClient::with);
    let loki_client = loki.as_ref().and_then(|l| l.as_ref().ok());
    let ((variables, errors), ()) = tokio::join!(
        variables_for(datasources, loki_client, &input, memory),
        datasources.learn_scrape_settings()
    );
    let resolved_variables = (variables.clone(), errors.clone());
    let base_scope = scope_for(&variables, &input.dashboard, &input.range);
    let expanded = expand_dashboard(&input.dashboard, &variables, &base_scope);
    let wanted = wanted_mask(&expanded.dashboard, input.wanted.as_ref());
    let plans = plan_refresh(
        datasources,
        &input,
        (&variables, &expanded, &base_scope),
        &wanted,
        loki.is_some(),
    )
    .await;
    let resolved = Resolved {
        dashboard: Arc::new(expanded.dashboard),
        variables,
        errors,
    };
    let _ = events.send(EngineEvent::Resolved {
        generation,
        resolved: Box::new(resolved.clone()),
    });
    let (asked, skip) = panels_to_skip(input.keep_unchanged, &plans, previous);
    let plans = plans
        .into_iter()
        .zip(&skip)
        .map(|(plan, &skip)| plan.filter(|_| !skip))
        .collect();
    let loki = match loki {
        Some(Ok(client)) => Ok(Some(client)),
        Some(Err(why)) => Err(why),
        None => Ok(None),
    };
    let backends = QueryBackends {
        prometheus: datasources,
        loki: loki.as_ref().map(Option::as_ref).map_err(String::as_str),
    };
    if let Ok(mut answers) = memory.answers.lock() {
        answers.next_refresh();
    }
    fetch_and_report(
        &backends,
        &resolved.dashboard,
        plans,
        &input.range,
        generation,
        events,
        &memory.answers,
    )
    .await;
    RefreshMemory {
        asked: Some(asked),
        variables: Some(resolved_variables),
        dashboard: Some(input.dashboard.clone()),
        answers: memory.answers.clone(),
    }
}

/// The variables of this refresh: those the last one resolved, for panels that came into view
/// since, else resolved now.
async fn variables_for(
    datasources: &Datasources,
    loki: Option<&LokiClient>,
    input: &RefreshInput,
    memory: &RefreshMemory,
) -> (Vec<ResolvedVariable>, Vec<String>) {
    let known = memory
        .variables
        .clone()
        .filter(|_| input.wanted.as_ref().is_some_and(|w| w.same_variables));
    // The last resolution of this same dashboard: variables refreshed on load only keep
    // their options from it.
    let last = memory
        .variables
        .as_ref()
        .filter(|_| {
            memory
                .dashboard
                .as_ref()
                .is_some_and(|d| Arc::ptr_eq(d, &input.dashboard))
        })
        .map(|(variables, _)| variables.as_slice());
    match known {
        Some(known) => known,
        None => {
            resolve_variables(
                datasources,
                loki,
                &input.dashboard,
                (&input.overrides, &input.selections, last),
                &input.range,
            )
            .await
        }
    }
}

/// What each panel asks now (as kept for the next refresh) and which panels send nothing:
/// those not planned (not wanted, not in view) and, after a variable change only, those whose
/// queries did not change.
fn panels_to_skip(
    keep_unchanged: bool,
    plans: &[Option<PanelPlan>],
    previous: Option<&PanelQueries>,
) -> (PanelQueries, Vec<bool>) {
    let asked = panel_queries(plans, previous);
    let unchanged = if keep_unchanged {
        unchanged_panels(previous, &asked)
    } else {
        vec![false; plans.len()]
    };
    let skip = plans
        .iter()
        .zip(unchanged)
        .map(|(plan, unchanged)| plan.is_none() || unchanged)
        .collect();
    (asked, skip)
}

/// Who answers a refresh's queries: the Prometheus datasources, and Loki when configured
/// (`Err`: configured, but its settings are wrong).
pub struct QueryBackends<'a> {
    pub prometheus: &'a Datasources,
    pub loki: Result<Option<&'a LokiClient>, &'a str>,
}

impl QueryBackends<'_> {
    /// Send one query to the backend its language needs; a PromQL range query that follows
    /// its last answer asks only the recent part (`incremental`).
    async fn ask(
        &self,
        q: &PlannedQuery,
        kept_answers: &std::sync::Mutex<AnswerCache>,
    ) -> Result<Answer, String> {
        if q.language == QueryLanguage::LogQL {
            let loki = self.loki.map_err(str::to_string)?.ok_or(NO_LOKI)?;
            let query = LokiQuery {
                logql: &q.expr,
                start_ms: q.start_ms,
                end_ms: q.end_ms,
                step_ms: q.step_ms,
                instant: q.instant,
                limit: DEFAULT_MAX_LINES,
            };
            return match loki.query(&query).await? {
                LokiAnswer::Series(answer) => Ok(Answer::Series(answer)),
                LokiAnswer::Lines(lines) => Ok(Answer::Lines(lines)),
            };
        }
        ask_incrementally(self.prometheus, q, kept_answers)
            .await
            .map(Answer::Series)
            .map_err(|e| e.to_string())
    }
}

/// Send each distinct query once, and each panel as soon as all its queries are answered.
/// Panels planned as `None` keep what they show and get no event.
pub async fn fetch_and_report(
    backends: &QueryBackends<'_>,
    dashboard: &Dashboard,
    plans: Vec<Option<PanelPlan>>,
    range: &TimeRange,
    generation: u64,
    events: &mpsc::UnboundedSender<EngineEvent>,
    kept_answers: &std::sync::Mutex<AnswerCache>,
) {
    let mut waiting_on: Vec<usize> = Vec::with_capacity(plans.len());
    let mut panels_of: HashMap<QueryKey, Vec<usize>> = HashMap::new();
    let mut unique: Vec<PlannedQuery> = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        let Some(plan) = plan else {
            waiting_on.push(0);
            continue;
        };
        match plan {
            PanelPlan::Unsupported(reason) => {
                waiting_on.push(0);
                let data = PanelData {
                    unsupported: Some(reason.clone()),
                    ..PanelData::default()
                };
                let _ = events.send(EngineEvent::Panel {
                    generation,
                    index,
                    data: Box::new(data),
                });
            }
            PanelPlan::Queries(queries) => {
                let mut keys: Vec<QueryKey> = Vec::new();
                for query in queries {
                    let key = query.key();
                    if keys.contains(&key) {
                        continue;
                    }
                    keys.push(key.clone());
                    let panels = panels_of.entry(key).or_default();
                    if panels.is_empty() {
                        unique.push(query.clone());
                    }
                    panels.push(index);
                }
                waiting_on.push(keys.len());
                if keys.is_empty() {
                    let data = assemble(
                        &dashboard.panels[index],
                        &dashboard.annotations,
                        &[],
                        &HashMap::new(),
                        range,
                    );
                    let _ = events.send(EngineEvent::Panel {
                        generation,
                        index,
                        data: Box::new(data),
                    });
                }
            }
        }
    }
    let mut answers: HashMap<QueryKey, Answered> = HashMap::new();
    let mut stream = futures::stream::iter(unique.into_iter().map(|q| async move {
        let started = std::time::Instant::now();
        let result = backends.ask(&q, kept_answers).await;
        (q.key(), (result, started.elapsed().as_millis() as u64))
    }))
    .buffer_unordered(MAX_CONCURRENT_QUERIES);
    while let Some((key, result)) = stream.next().await {
        let waiting_panels = panels_of.get(&key).cloned().unwrap_or_default();
        answers.insert(key, result);
        for index in waiting_panels {
            waiting_on[index] = waiting_on[index].saturating_sub(1);
            if waiting_on[index] == 0
                && let Some(PanelPlan::Queries(queries)) = &plans[index]
            {
                let data = assemble(
                    &dashboard.panels[index],
                    &dashboard.annotations,
                    queries,
                    &answers,
                    range,
                );
                let _ = events.send(EngineEvent::Panel {
                    generation,
                    index,
                    data: Box::new(data),
                });
            }
        }
    }
}

/// Send one query; a range query that follows its last answer asks only the recent part and
/// is merged with what was kept (`incremental`).
async fn ask_incrementally(
    datasources: &Datasources,
    q: &PlannedQuery,
    answers: &std::sync::Mutex<AnswerCache>,
) -> Result<QueryAnswer, PromError> {
    let client = datasources.pick(q.datasource.as_deref());
    if q.instant {
        return client
            .query_instant(&q.expr, q.end_ms as f64 / 1000.0)
            .await;
    }
    let from_ms = answers.lock().map(|a| a.ask_from(q)).unwrap_or(q.start_ms);
    let answer = client
        .query_range(
            &q.expr,
            from_ms as f64 / 1000.0,
            q.end_ms as f64 / 1000.0,
            q.step_ms as f64 / 1000.0,
        )
        .await?;
    Ok(match answers.lock() {
        Ok(mut kept) => kept.absorb(q, from_ms, answer),
        Err(_) => answer,
    })
}

/// A panel's data from the answers to its queries, series named as Grafana names them.
fn assemble(
    panel: &crate::grafana::model::Panel,
    dashboard_annotations: &[crate::grafana::model::Annotation],
    queries: &[PlannedQuery],
    answers: &HashMap<QueryKey, Answered>,
    range: &TimeRange,
) -> PanelData {
    let mut data = PanelData {
        start_ms: range.from_ms(),
        end_ms: range.to_ms(),
        ..PanelData::default()
    };
    for query in queries {
        let mut info = QueryInfo {
            ref_id: query.ref_id.clone(),
            expr: query.expr.clone(),
            instant: query.instant,
            start_ms: query.start_ms,
            end_ms: query.end_ms,
            step_ms: query.step_ms,
            scrape_interval: query.scrape.as_ref().map(|s| s.describe()),
            ..QueryInfo::default()
        };
        let answer = answers.get(&query.key());
        info.duration_ms = answer.map(|a| a.1).unwrap_or_default();
        if let Some(annotation) =
            super::annotations::index_of(&query.ref_id).and_then(|i| dashboard_annotations.get(i))
        {
            // An annotation's events, not the panel's data: a failure is a note, not an error.
            match answer.map(|a| &a.0) {
                Some(Ok(Answer::Series(answer))) => data.annotations.extend(
                    super::annotations::events(annotation, &answer.series, query.step_ms),
                ),
                Some(Ok(Answer::Lines(_))) => {}
                Some(Err(error)) => data
                    .warnings
                    .push(format!("annotation {}: {error}", annotation.name)),
                None => {}
            }
            info.error = match answer.map(|a| &a.0) {
                Some(Err(error)) => Some(error.to_string()),
                _ => None,
            };
            data.annotation_queries.push(info);
            continue;
        }
        match answer.map(|a| &a.0) {
            Some(Ok(Answer::Lines(lines))) => data.logs.extend(lines.iter().cloned()),
            Some(Ok(Answer::Series(answer))) => {
                info.bytes = answer.bytes;
                for raw in &answer.series {
                    data.series.push(Series {
                        ref_id: query.ref_id.clone(),
                        // The backend's name for now; the frontend fallback runs over all below.
                        name: legend_name(query.legend_format.as_deref(), &raw.labels, &query.expr)
                            .unwrap_or_default(),
                        labels: raw.labels.clone(),
                        points: raw
                            .points
                            .iter()
                            .map(|&(t, v)| (t + query.offset_ms, v))
                            .collect(),
                        compare: (query.offset_ms != 0).then(|| offset_label(query.offset_ms)),
                    });
                }
                data.warnings.extend(answer.warnings.iter().cloned());
            }
            Some(Err(error)) => {
                let message = format!("{}: {error}", query.ref_id);
                info.error = Some(error.to_string());
                data.errors.push(message);
            }
            None => {}
        }
        data.queries.push(info);
    }
    // Lines of several log queries interleave by time, newest first.
    data.logs.sort_by_key(|l| std::cmp::Reverse(l.at_ns));
    cap(&mut data);
    name_series(panel, &mut data.series);
    data
}

/// A variable's current (first) value by name.
pub(super) fn resolved_value(variables: &[ResolvedVariable], name: &str) -> Option<String> {
    variables
        .iter()
        .find(|v| v.name == name)
        .and_then(|v| v.value.value.first().cloned())
}

/// A terminal panel cannot show more: beyond these the data is cut, with a note saying so.
pub const MAX_SERIES_PER_PANEL: usize = 500;
/// Prometheus's own per-series limit for range queries.
pub const MAX_POINTS_PER_SERIES: usize = 11_000;

fn cap(data: &mut PanelData) {
    let total = data.series.len();
    if total > MAX_SERIES_PER_PANEL {
        data.series.truncate(MAX_SERIES_PER_PANEL);
        data.warnings.push(format!(
            "truncated: showing {MAX_SERIES_PER_PANEL} of {total} series"
        ));
    }
    let mut cut = 0;
    for series in &mut data.series {
        if series.points.len() > MAX_POINTS_PER_SERIES {
            series.points.truncate(MAX_POINTS_PER_SERIES);
            cut += 1;
        }
    }
    if cut > 0 {
        data.warnings.push(format!(
            "truncated: {cut} series over {MAX_POINTS_PER_SERIES} points"
        ));
    }
}

/// Grafana's frontend display names over all of a panel's series: `displayName` from field
/// config, the datasource's name, else the labels that tell the series apart; duplicates
/// numbered.
fn name_series(panel: &crate::grafana::model::Panel, series: &mut [Series]) {
    // Comparison series are named among themselves, then marked ("p99 (1d ago)").
    for compare in [false, true] {
        let indices: Vec<usize> = (0..series.len())
            .filter(|&i| series[i].compare.is_some() == compare)
            .collect();
        let naming: Vec<SeriesNaming> = indices
            .iter()
            .map(|&i| SeriesNaming {
                config_display_name: panel.field_config.defaults.display_name.clone(),
                display_name_from_ds: Some(series[i].name.clone()).filter(|n| !n.is_empty()),
                frame_name: None,
                field_name: "Value".into(),
                labels: series[i].labels.clone(),
            })
            .collect();
        for (&i, name) in indices.iter().zip(display_names(&naming)) {
            series[i].name = match &series[i].compare {
                Some(label) => format!("{name} ({label})"),
                None => name,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(expr: &str) -> PanelPlan {
        PanelPlan::Queries(vec![PlannedQuery {
            ref_id: "A".into(),
            expr: expr.into(),
            legend_format: None,
            format: Default::default(),
            instant: false,
            start_ms: 0,
            end_ms: 60_000,
            step_ms: 15_000,
            offset_ms: 0,
            datasource: None,
            language: QueryLanguage::PromQL,
            scrape: None,
        }])
    }

    #[test]
    fn panels_not_planned_are_skipped_and_keep_what_they_asked_before() {
        let before = panel_queries(&[Some(asking("up")), Some(asking("old"))], None);
        let plans = [Some(asking("up")), None, Some(asking("new"))];
        // Another shape than before: a panel not planned remembers nothing.
        let (asked, skip) = panels_to_skip(false, &plans, Some(&before));
        assert_eq!(skip, vec![false, true, false]);
        assert_eq!(asked[1], None);
        let plans = [Some(asking("up")), None];
        let (asked, skip) = panels_to_skip(false, &plans, Some(&before));
        assert_eq!(skip, vec![false, true]);
        assert_eq!(asked, before, "the unplanned panel keeps what it asked");
        // After a variable change, an unchanged planned panel is skipped too.
        let plans = [Some(asking("up")), Some(asking("changed"))];
        let (_, skip) = panels_to_skip(true, &plans, Some(&before));
        assert_eq!(skip, vec![true, false]);
    }

    #[test]
    fn too_many_series_or_points_are_cut_with_a_note() {
        let many = |n: usize, points: usize| -> Vec<Series> {
            (0..n)
                .map(|i| Series {
                    name: i.to_string(),
                    points: vec![(0, 1.0); points],
                    ..Series::default()
                })
                .collect()
        };
        let mut data = PanelData {
            series: many(MAX_SERIES_PER_PANEL + 7, 3),
            ..PanelData::default()
        };
        cap(&mut data);
        assert_eq!(data.series.len(), MAX_SERIES_PER_PANEL);
        assert_eq!(
            data.warnings,
            vec![format!(
                "truncated: showing {MAX_SERIES_PER_PANEL} of {} series",
                MAX_SERIES_PER_PANEL + 7
            )]
        );
        let mut data = PanelData {
            series: many(2, MAX_POINTS_PER_SERIES + 1),
            ..PanelData::default()
        };
        cap(&mut data);
        assert!(
            data.series
                .iter()
                .all(|s| s.points.len() == MAX_POINTS_PER_SERIES)
        );
        assert_eq!(data.warnings.len(), 1);
        let mut small = PanelData {
            series: many(3, 3),
            ..PanelData::default()
        };
        cap(&mut small);
        assert!(small.warnings.is_empty());
    }
}
