//! The alerts pane (`a`): pending and firing alerts from Prometheus and Alertmanager; Enter
//! jumps to the panels that show the chosen alert.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::chrome::{draw_box, selectable};
use super::{AlertsState, Context, Effect};
use crate::tui::theme::Theme;

pub(super) fn key(cursor: &mut usize, code: KeyCode, ctx: &Context) -> Effect {
    let count = match ctx.alerts {
        AlertsState::Loaded(alerts, _) => alerts.len(),
        _ => 0,
    };
    match code {
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(count.saturating_sub(1)),
        KeyCode::Enter if *cursor < count => return Effect::AlertSelected(*cursor),
        _ => {}
    }
    Effect::None
}

pub(super) fn draw(
    cursor: usize,
    alerts: &AlertsState,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let now = chrono::Utc::now().timestamp_millis();
    let lines: Vec<Line> = match alerts {
        AlertsState::Loading => vec![Line::raw("loading alerts…")],
        AlertsState::Failed(e) => {
            vec![Line::styled(e.clone(), Style::default().fg(theme.error))]
        }
        AlertsState::Loaded(alerts, _) if alerts.is_empty() => {
            vec![Line::raw("no pending or firing alerts")]
        }
        AlertsState::Loaded(alerts, _) => alerts
            .iter()
            .enumerate()
            .flat_map(|(i, a)| alert_lines(a, i == cursor, now, theme))
            .collect(),
    };
    let mut lines = lines;
    if let AlertsState::Loaded(_, Some(partial)) = alerts {
        lines.insert(
            0,
            Line::styled(format!("⚠ {partial}"), Style::default().fg(theme.warning)),
        );
    }
    lines.push(Line::styled(
        "Enter: the matching panel, from shortly before the alert fired",
        Style::default().fg(theme.dim),
    ));
    draw_box(
        " alerts ",
        lines,
        area.width.saturating_sub(6).min(120),
        area,
        buf,
        theme,
    );
}

/// One alert: state, name, severity, age and source; its summary; its other labels; and its
/// runbook when it has one.
fn alert_lines<'a>(
    a: &crate::data::Alert,
    selected: bool,
    now: i64,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let since = a
        .active_at_ms
        .map(|t| format!(" since {}", age(now - t)))
        .unwrap_or_default();
    let name = a.labels.get("alertname").cloned().unwrap_or_default();
    let severity = a.labels.get("severity").cloned().unwrap_or_default();
    let marker = if a.state == "firing" {
        "● firing "
    } else {
        "○ pending"
    };
    // Who reports it, and Alertmanager's silence or inhibition.
    let source = match a.source.as_str() {
        "alertmanager" => " · Alertmanager",
        "prometheus+alertmanager" => " · Prometheus + Alertmanager",
        _ => "",
    };
    let suppressed = a
        .suppressed
        .as_ref()
        .map(|s| format!(" · {s}"))
        .unwrap_or_default();
    let head = format!("{marker} {name} [{severity}]{since}{source}{suppressed}");
    let summary = a.annotations.get("summary").cloned().unwrap_or_default();
    let labels: Vec<String> = a
        .labels
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "alertname" | "severity"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let runbook = a
        .annotations
        .get("runbook_url")
        .map(|u| format!("    runbook: {u}"));
    let colour = if a.state == "firing" {
        theme.error
    } else {
        theme.warning
    };
    let mut head_line = selectable(&head, selected, theme);
    if !selected {
        head_line = head_line.style(Style::default().fg(colour));
    }
    let mut lines = vec![
        head_line,
        Line::styled(format!("    {summary}"), Style::default().fg(theme.text)),
        Line::styled(
            format!("    {}", labels.join(" ")),
            Style::default().fg(theme.dim),
        ),
    ];
    // On a line of its own, so the whole link fits (and is clickable).
    lines.extend(runbook.map(|r| Line::styled(r, Style::default().fg(theme.border_focused))));
    lines
}

/// `12m`, `3h`, `2d`: how long ago, for alert lists.
fn age(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// Panels that show what an alert is about: scored by how many of the alert's label values
/// (service, instance, endpoint, ...) their queries select, and by words of the alert name in
/// their titles. Best first; empty when nothing matches.
pub fn panels_for_alert(
    alert: &crate::data::Alert,
    panels: &[(String, Vec<String>)],
) -> Vec<usize> {
    let values: Vec<&String> = alert
        .labels
        .iter()
        .filter(|(k, v)| k.as_str() != "alertname" && k.as_str() != "severity" && !v.is_empty())
        .map(|(_, v)| v)
        .collect();
    let name = alert
        .labels
        .get("alertname")
        .map(|n| n.to_lowercase())
        .unwrap_or_default();
    let mut scored: Vec<(usize, usize)> = panels
        .iter()
        .enumerate()
        .map(|(i, (title, exprs))| {
            let title = title.to_lowercase();
            let by_labels = values
                .iter()
                .filter(|v| exprs.iter().any(|e| e.contains(v.as_str())))
                .count();
            let by_name = [
                "latency",
                "error",
                "availability",
                "budget",
                "queue",
                "cpu",
                "memory",
                "gpu",
            ]
            .iter()
            .filter(|w| name.contains(*w) && title.contains(*w))
            .count();
            (i, by_labels + 3 * by_name)
        })
        .filter(|(_, score)| *score > 0)
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_leads_to_the_panels_that_select_its_labels() {
        let alert = crate::data::Alert {
            labels: [
                (
                    "alertname".to_string(),
                    "InferenceGatewayHighLatency".to_string(),
                ),
                ("service".to_string(), "inference-gateway".to_string()),
                ("environment".to_string(), "production".to_string()),
            ]
            .into(),
            ..crate::data::Alert::default()
        };
        let panels = vec![
            ("Queue depth".to_string(), vec!["inference_queue_depth{service=\"inference-gateway\"}".to_string()]),
            (
                "Latency p99".to_string(),
                vec!["histogram_quantile(0.99, x{service=\"inference-gateway\", environment=\"production\"})".to_string()],
            ),
            ("Node CPU".to_string(), vec!["node_cpu_seconds_total".to_string()]),
        ];
        assert_eq!(panels_for_alert(&alert, &panels), vec![1, 0]);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(45_000), "45s");
        assert_eq!(age(12 * 60_000), "12m");
        assert_eq!(age(5 * 3_600_000), "5h");
        assert_eq!(age(3 * 86_400_000), "3d");
    }
}
