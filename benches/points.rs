//! Load on Prometheus: points triage asks for, per panel, for the demo dashboard at 160 columns
//! versus what Grafana asks for the same panels in a 1920 px window (maxDataPoints = the panel's
//! width in px), with the same step rules. triage asks with Grafana's width whatever the
//! terminal, so the ratio is 1: the same step, rate windows and spikes as Grafana; the load is
//! kept down by sending identical queries once and asking only panels in view.
//! `cargo bench --bench points`.

use triage::engine::plan::{PanelPlan, PlanContext, grafana_panel_pixels, plan_panel};
use triage::grafana::load::load_str;
use triage::grafana::model::Panel;
use triage::grafana::timerange::TimeRange;
use triage::grafana::vars::{Scope, VarValue};

fn points(panel: &Panel, scope: &Scope, ctx: &PlanContext) -> u64 {
    match plan_panel(panel, scope, ctx) {
        PanelPlan::Queries(queries) => queries
            .iter()
            .map(|q| {
                if q.instant {
                    1
                } else {
                    ((q.end_ms - q.start_ms) / q.step_ms.max(1) + 1) as u64
                }
            })
            .sum(),
        PanelPlan::Unsupported(_) => 0,
    }
}

fn main() {
    let loaded = load_str(triage::demo::DASHBOARD_JSON, "inference-gateway.json")
        .expect("demo dashboard loads");
    let dashboard = loaded.dashboard;
    let mut scope = Scope::new();
    for v in &dashboard.variables {
        scope.set_var(
            v.name.clone(),
            VarValue::single(v.current.value.first().cloned().unwrap_or_default()),
        );
    }
    let now = chrono::Utc::now();
    let no_types = std::collections::BTreeMap::new();
    for (from, label) in [("now-1h", "1 h"), ("now-6h", "6 h"), ("now-24h", "24 h")] {
        let range = TimeRange::resolve(from, "now", now).expect("range");
        let ctx = PlanContext {
            range: &range,
            scrape_interval: None,
            scrape_for: None,
            utc_offset_s: 0,
            dashboard_title: "",
            dashboard_uid: "",
            datasource_types: &no_types,
        };
        println!("range {label}, terminal 160 columns vs Grafana panels in a 1920 px window");
        println!("{:<40} {:>10} {:>10}", "panel", "triage", "grafana");
        let (mut ours, mut theirs) = (0u64, 0u64);
        for panel in &dashboard.panels {
            let mine = points(panel, &scope, &ctx);
            let wide = Panel {
                max_data_points: panel
                    .max_data_points
                    .or(Some(u64::from(grafana_panel_pixels(panel.grid.w)))),
                ..Panel::clone(panel)
            };
            let grafana = points(&wide, &scope, &ctx);
            ours += mine;
            theirs += grafana;
            let title: String = panel.title.chars().take(40).collect();
            println!("{title:<40} {mine:>10} {grafana:>10}");
        }
        println!(
            "{:<40} {ours:>10} {theirs:>10}  ratio {:.3} (points per series)\n",
            "total",
            ours as f64 / theirs.max(1) as f64
        );
    }
}
