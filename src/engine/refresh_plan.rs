//! What a refresh asks: every panel's queries planned with the scrape interval each reads,
//! then Loki, ad-hoc filters, datasources, a time comparison and annotation queries added.

use super::datasources::Datasources;
use super::expand::{Expanded, scope_with};
use super::plan::{
    PanelPlan, PlanContext, PlannedQuery, QueryLanguage, ScrapeChooser, comparison_queries,
    plan_panel,
};
use super::refresh::{NO_LOKI, RefreshInput, resolved_value};
use super::variables::{ResolvedVariable, adhoc_filters};
use crate::grafana::model::{Dashboard, DatasourceRef};
use crate::grafana::panel_kind::{PanelKind, unsupported_reason};
use crate::grafana::scrape::choose_scrape_interval;
use crate::grafana::timerange::TimeRange;
use crate::grafana::vars::add_label_matchers;

/// The dashboard time zone's offset from UTC at the end of the range: `utc` is 0, `browser`
/// (or none) this machine's zone, as the browser's would be, a named zone (`Europe/Berlin`)
/// its offset then. A name the zone database does not know is read as UTC.
fn utc_offset_s(timezone: Option<&str>, range: &TimeRange) -> i64 {
    crate::grafana::zone::Zone::for_timezone(timezone)
        .map_or(0, |zone| i64::from(zone.offset_s_at(range.to_ms())))
}

/// The queries of each wanted panel for this refresh (`None` for a panel not wanted: on a
/// dashboard of thousands of panels only those in view are planned): planned with the scrape
/// interval each reads (see `scrape_for_query`), then Loki, ad-hoc filters, datasources, a
/// time comparison and the annotation queries added.
pub(super) async fn plan_refresh(
    datasources: &Datasources,
    input: &RefreshInput,
    (variables, expanded, base_scope): (
        &[ResolvedVariable],
        &Expanded,
        &crate::grafana::vars::Scope,
    ),
    wanted: &[bool],
    have_loki: bool,
) -> Vec<Option<PanelPlan>> {
    // Given to triage, else set on the datasource (`timeInterval`), else Prometheus's own.
    let scrape_interval = match input
        .scrape_interval
        .as_ref()
        .or(datasources.default_time_interval.as_ref())
    {
        Some(configured) => Some(configured.clone()),
        None => datasources.detected_scrape_interval().await,
    };
    let lookup = |name: &str| resolved_value(variables, name);
    let (targets, global) = (
        datasources.scrape_targets().await,
        datasources.detected_scrape_interval().await,
    );
    let choose_scrape = |reference: &DatasourceRef, expr: &str| {
        let key = datasources.name_for(reference, &lookup);
        scrape_for_query(
            datasources,
            input.scrape_interval.as_deref(),
            key.as_deref(),
            expr,
            (&targets, global.as_deref()),
        )
    };
    let datasource_types = input.dashboard.datasource_variable_types();
    let ctx = PlanContext {
        range: &input.range,
        scrape_interval,
        scrape_for: Some(ScrapeChooser(&choose_scrape)),
        utc_offset_s: utc_offset_s(input.dashboard.timezone.as_deref(), &input.range),
        dashboard_title: &input.dashboard.title,
        dashboard_uid: input.dashboard.uid.as_deref().unwrap_or(""),
        datasource_types: &datasource_types,
    };
    let mut plans: Vec<Option<PanelPlan>> = expanded
        .dashboard
        .panels
        .iter()
        .zip(&expanded.scoped)
        .zip(wanted.iter().copied().chain(std::iter::repeat(false)))
        .map(|((panel, scoped), wanted)| {
            if !wanted {
                return None;
            }
            if let Some(reason) = unsupported_reason(panel) {
                return Some(PanelPlan::Unsupported(reason));
            }
            let scope = scope_with(base_scope, scoped.iter().map(|(n, t, v)| (n, t, v)));
            Some(plan_panel(panel, &scope, &ctx))
        })
        .collect();
    without_loki(&mut plans, have_loki);
    add_adhoc_filters(&mut plans, &adhoc_filters(variables));
    assign_datasources(&mut plans, &expanded.dashboard, datasources, &lookup);
    if let Some((index, offset_ms)) = input.compare
        && let Some(Some(PanelPlan::Queries(queries))) = plans.get_mut(index)
    {
        let copies = comparison_queries(queries, offset_ms);
        queries.extend(copies);
    }
    add_annotation_queries(
        &mut plans,
        &expanded.dashboard,
        base_scope,
        &input.range,
        datasources,
        &lookup,
    );
    plans
}

/// The scrape interval of one query: given to triage, else its datasource's `timeInterval`,
/// else (for the default datasource, the one Prometheus described) what the targets it reads
/// and the global configuration say. A named datasource without a `timeInterval` is planned
/// as Grafana plans it.
fn scrape_for_query(
    datasources: &Datasources,
    configured: Option<&str>,
    datasource_key: Option<&str>,
    expr: &str,
    (targets, global): (&[crate::data::ScrapeTarget], Option<&str>),
) -> Option<crate::grafana::scrape::ChosenScrape> {
    let time_interval = match datasource_key {
        Some(key) => datasources.time_intervals.get(key),
        None => datasources.default_time_interval.as_ref(),
    };
    let (targets, global) = match datasource_key {
        None => (targets, global),
        Some(_) => (&[][..], None),
    };
    choose_scrape_interval(
        configured,
        time_interval.map(String::as_str),
        expr,
        targets,
        global,
    )
}

/// Ad-hoc filters go into every selector of every PromQL query, as Grafana adds them.
fn add_adhoc_filters(
    plans: &mut [Option<PanelPlan>],
    filters: &[crate::grafana::model::LabelMatcher],
) {
    if filters.is_empty() {
        return;
    }
    for plan in plans.iter_mut() {
        if let Some(PanelPlan::Queries(queries)) = plan {
            for query in queries
                .iter_mut()
                .filter(|q| q.language == QueryLanguage::PromQL)
            {
                query.expr = add_label_matchers(&query.expr, filters);
            }
        }
    }
}

/// Which datasource each query asks: its target's reference (Mixed panels) or its panel's,
/// through the variables' values.
fn assign_datasources(
    plans: &mut [Option<PanelPlan>],
    dashboard: &Dashboard,
    datasources: &Datasources,
    lookup: &dyn Fn(&str) -> Option<String>,
) {
    for (plan, panel) in plans.iter_mut().zip(&dashboard.panels) {
        if let Some(PanelPlan::Queries(queries)) = plan {
            for query in queries.iter_mut() {
                let reference = panel
                    .targets
                    .iter()
                    .find(|t| t.ref_id == query.ref_id)
                    .and_then(|t| t.datasource.as_ref())
                    .filter(|d| !matches!(d, DatasourceRef::Default))
                    .unwrap_or(&panel.datasource);
                query.datasource = datasources.name_for(reference, lookup);
            }
        }
    }
}

/// Annotation queries ride along with every time-series panel (sent once, as shared queries
/// are), to be drawn as markers on each of them.
fn add_annotation_queries(
    plans: &mut [Option<PanelPlan>],
    dashboard: &Dashboard,
    base_scope: &crate::grafana::vars::Scope,
    range: &TimeRange,
    datasources: &Datasources,
    lookup: &dyn Fn(&str) -> Option<String>,
) {
    let annotation_queries: Vec<PlannedQuery> = super::annotations::queried(dashboard)
        .map(|(index, annotation)| {
            let mut query = super::annotations::plan(index, annotation, base_scope, range);
            let reference = annotation
                .datasource
                .clone()
                .unwrap_or(DatasourceRef::Default);
            query.datasource = datasources.name_for(&reference, lookup);
            query
        })
        .collect();
    if !annotation_queries.is_empty() {
        for (plan, panel) in plans.iter_mut().zip(&dashboard.panels) {
            if let Some(PanelPlan::Queries(queries)) = plan
                && PanelKind::of(&panel.panel_type) == PanelKind::TimeSeries
                && !queries.is_empty()
            {
                queries.extend(annotation_queries.iter().cloned());
            }
        }
    }
}

/// Without a Loki, a panel whose queries are all LogQL says how to start triage with one, and
/// a Mixed panel keeps its Prometheus queries.
fn without_loki(plans: &mut [Option<PanelPlan>], have_loki: bool) {
    if have_loki {
        return;
    }
    for plan in plans.iter_mut().flatten() {
        let PanelPlan::Queries(queries) = plan else {
            continue;
        };
        let before = queries.len();
        queries.retain(|q| q.language != QueryLanguage::LogQL);
        if before > 0 && queries.is_empty() {
            *plan = PanelPlan::Unsupported(NO_LOKI.into());
        }
    }
}
