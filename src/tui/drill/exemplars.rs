//! Exemplars on a fullscreen latency panel: fetched on entering fullscreen, drawn as marks on
//! its chart (the slowest of each stretch of time), and `x` from one of them to its trace.

use std::collections::BTreeMap;

use super::{Drill, Focused, Request};
use crate::data::Exemplar;
use crate::engine::drill::DrillRequest;
use crate::links::drilldown::stream_matchers;
use crate::tui::app::App;
use crate::view::waterfall::format_duration_us;
use crate::view::{ExemplarMark, PanelBody, PanelView};

/// Exemplars drawn per chart at most (the slowest of each stretch of time).
const MAX_MARKS: usize = 120;

impl Drill {
    /// Put the exemplars on a view of the panel they belong to (at most `MAX_MARKS`: the
    /// slowest of each stretch, plus the selected one).
    pub fn mark(&self, panel: usize, view: &mut PanelView) {
        let PanelBody::TimeSeries(ts) = &mut view.body else {
            return;
        };
        ts.exemplars.clear();
        if self.exemplar_panel != Some(panel) {
            return;
        }
        let (x0, x1) = ts.x_range;
        let width = ((x1 - x0) / MAX_MARKS as f64).max(1.0);
        let mut best: BTreeMap<i64, usize> = BTreeMap::new();
        for (i, e) in self.exemplars.iter().enumerate() {
            let slot = ((e.at_ms as f64 - x0) / width).floor() as i64;
            let keep = best
                .get(&slot)
                .is_none_or(|&b| self.exemplars[b].value < e.value);
            if keep {
                best.insert(slot, i);
            }
        }
        let mut chosen: Vec<usize> = best.into_values().collect();
        if let Some(s) = self.selected_exemplar
            && !chosen.contains(&s)
        {
            chosen.push(s);
        }
        ts.exemplars = chosen
            .into_iter()
            .filter_map(|i| self.exemplars.get(i).map(|e| (i, e)))
            .map(|(i, e)| ExemplarMark {
                at_ms: e.at_ms as f64,
                value: e.value,
                selected: self.selected_exemplar == Some(i),
            })
            .collect();
    }
}

/// Would exemplars mean anything on this panel? Histogram latency panels (or a target asking
/// for them, as Grafana's `exemplar: true`).
fn wants_exemplars(panel: &crate::grafana::model::Panel, exprs: &[String]) -> bool {
    panel.targets.iter().any(|t| t.exemplar) || exprs.iter().any(|e| e.contains("_bucket"))
}

/// The exemplar `x` follows: the slowest near the cursor (else the nearest to it), or the
/// slowest of all without a cursor.
fn choose(exemplars: &[Exemplar], cursor: Option<f64>, body: Option<&PanelBody>) -> Option<usize> {
    match (cursor, body) {
        (Some(cursor), Some(PanelBody::TimeSeries(ts))) => {
            let (x0, x1) = ts.x_range;
            let at = x0 + (x1 - x0) * cursor;
            let window = (x1 - x0) / 80.0;
            let near: Vec<usize> = (0..exemplars.len())
                .filter(|&i| (exemplars[i].at_ms as f64 - at).abs() <= window)
                .collect();
            if near.is_empty() {
                (0..exemplars.len()).min_by(|&a, &b| {
                    let da = (exemplars[a].at_ms as f64 - at).abs();
                    let db = (exemplars[b].at_ms as f64 - at).abs();
                    da.total_cmp(&db)
                })
            } else {
                near.into_iter()
                    .max_by(|&a, &b| exemplars[a].value.total_cmp(&exemplars[b].value))
            }
        }
        _ => {
            (0..exemplars.len()).max_by(|&a, &b| exemplars[a].value.total_cmp(&exemplars[b].value))
        }
    }
}

impl App {
    /// Entering fullscreen on a latency panel: fetch its exemplars. Leaving it: drop them, the
    /// small panel has no room for them.
    pub fn request_exemplars(&mut self) {
        if !self.page.fullscreen {
            if let Some(panel) = self.drill.exemplar_panel.take() {
                self.drill.exemplars.clear();
                self.drill.selected_exemplar = None;
                self.mark_exemplars(panel);
            }
            return;
        }
        let Some(Focused {
            panel: f,
            exprs,
            start,
            end,
            ..
        }) = self.focused_context()
        else {
            return;
        };
        if !wants_exemplars(&self.page.dashboard.panels[f], &exprs) {
            return;
        }
        if self.drill.exemplar_panel != Some(f) {
            self.drill.exemplars.clear();
            self.drill.selected_exemplar = None;
        }
        self.drill.exemplar_panel = Some(f);
        self.drill.ask(Request::Fetch(DrillRequest::Exemplars {
            panel: f,
            exprs,
            start_ms: start,
            end_ms: end,
        }));
    }

    /// Redraw the exemplar glyphs of a panel's view.
    pub fn mark_exemplars(&mut self, panel: usize) {
        if let Some(view) = self.page.views.get_mut(panel) {
            self.drill.mark(panel, view);
        }
    }

    /// `x`: from the exemplar at the cursor (or the slowest one) to its trace.
    pub fn exemplar_trace(&mut self) {
        let panel = self.page.focus;
        if !self.page.fullscreen || panel.is_none() || self.drill.exemplar_panel != panel {
            self.page.status.message =
                Some("exemplars: open a latency panel fullscreen (Enter) first".into());
            return;
        }
        if self.drill.exemplars.is_empty() {
            self.page.status.message = Some(match &self.drill.exemplar_error {
                Some(e) => format!("exemplars: {e}"),
                // Prometheus keeps them only with --enable-feature=exemplar-storage.
                None => {
                    "no exemplars on this panel in this range (is Prometheus storing them?)".into()
                }
            });
            return;
        }
        let chosen = choose(
            &self.drill.exemplars,
            self.page.cursor,
            panel.and_then(|p| self.page.views.get(p)).map(|v| &v.body),
        );
        let Some(index) = chosen else { return };
        self.drill.selected_exemplar = Some(index);
        if let Some(p) = panel {
            self.mark_exemplars(p);
        }
        let e = self.drill.exemplars[index].clone();
        let Some(id) = e.trace_id().map(str::to_string) else {
            self.page.status.message = Some("this exemplar has no trace_id label".into());
            return;
        };
        let matchers = stream_matchers(&e.series_labels, &[]);
        self.show_trace(id.clone(), matchers, None);
        // Where the slow request went: endpoint, instance and how long it took.
        let label = |k: &str| e.series_labels.get(k).cloned().unwrap_or_default();
        self.page.status.message = Some(format!(
            "exemplar {} {} on {}: {} → trace {id}",
            label("endpoint"),
            chrono::DateTime::<chrono::Utc>::from_timestamp_millis(e.at_ms)
                .map(|t| t
                    .with_timezone(&chrono::Local)
                    .format("%H:%M:%S")
                    .to_string())
                .unwrap_or_default(),
            label("instance"),
            format_duration_us((e.value * 1e6) as i64),
        ));
    }
}
