//! Every Prometheus expression of the corpus dashboards, interpolated by the same planner the
//! engine uses (variables, `$__rate_interval`, `$__interval`, ranges), parses as PromQL.
//! Expressions that are broken in the source dashboards themselves are listed with the reason.

use std::path::Path;

use triage::check::dashboards::scope_variants;
use triage::engine::plan::{PanelPlan, PlanContext, plan_panel};
use triage::grafana::load::load_path;
use triage::grafana::model::Dashboard;
use triage::grafana::timerange::TimeRange;
use triage::grafana::vars::Scope;

/// (file name fragment, expression fragment, why it is invalid in the dashboard itself).
const BROKEN_IN_SOURCE: &[(&str, &str, &str)] = &[(
    "MongoDB_Cluster_Summary",
    "((rate(mongodb_top_",
    "`rate(instant vector)[1m]`: rate over an instant vector with a range on the call; Prometheus \
     rejects it too (\"ranges only allowed for vector selectors\", seen on the live stack)",
)];

/// A value for each variable as a user would have it before any query ran (the saved
/// selection, else the first option, else a placeholder): `triage check`'s first scope.
fn scope_for(dashboard: &Dashboard) -> Scope {
    scope_variants(dashboard)
        .into_iter()
        .next()
        .map(|(_, scope)| scope)
        .unwrap_or_default()
}

#[test]
fn corpus_expressions_parse_after_interpolation() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let range = TimeRange::resolve("now-6h", "now", now).unwrap();
    let mut parsed = 0;
    let mut known_broken = 0;
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .expect("../shared/corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let loaded = load_path(path).unwrap_or_else(|e| panic!("{e}"));
        let dashboard = &loaded.dashboard;
        let scope = scope_for(dashboard);
        let datasource_types = dashboard.datasource_variable_types();
        let ctx = PlanContext::for_saved(&range, dashboard, &datasource_types);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for panel in &dashboard.panels {
            let PanelPlan::Queries(queries) = plan_panel(panel, &scope, &ctx) else {
                continue;
            };
            for query in queries {
                match promql_parser::parser::parse(&query.expr) {
                    Ok(_) => parsed += 1,
                    Err(error) => {
                        if BROKEN_IN_SOURCE
                            .iter()
                            .any(|(file, expr, _)| name.contains(file) && query.expr.contains(expr))
                        {
                            known_broken += 1;
                        } else {
                            failures.push(format!(
                                "{name} panel {:?}: {error}\n    {}",
                                panel.title, query.expr
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} expressions do not parse:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(parsed >= 1500, "expressions parsed: {parsed}");
    println!("{parsed} expressions parse; {known_broken} are broken in their source dashboards");
}
