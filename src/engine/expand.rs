//! The dashboard as drawn this refresh: repeats expanded with the variables' current values,
//! titles interpolated, rows re-linked to their (possibly cloned) panels.

use std::borrow::Cow;
use std::sync::Arc;

use super::variables::ResolvedVariable;
use crate::grafana::model::{Dashboard, Row};
use crate::grafana::repeat::expand_layout;
use crate::grafana::vars::{Format, Scope, VarValue, interpolate};

/// An expanded dashboard and, per panel, the repeat variables it is scoped to.
#[derive(Debug, Clone)]
pub struct Expanded {
    pub dashboard: Dashboard,
    /// `(name, text, value)` per panel of `dashboard.panels`.
    pub scoped: Vec<Vec<(String, String, String)>>,
}

pub fn expand_dashboard(
    dashboard: &Dashboard,
    variables: &[ResolvedVariable],
    scope: &Scope,
) -> Expanded {
    let values = |name: &str| -> Vec<(String, String)> {
        let Some(variable) = variables.iter().find(|v| v.name == name) else {
            return Vec::new();
        };
        if variable.value.is_all {
            return variable
                .options
                .iter()
                .map(|o| (o.text.clone(), o.value.clone()))
                .collect();
        }
        variable
            .value
            .text
            .iter()
            .cloned()
            .zip(variable.value.value.iter().cloned())
            .collect()
    };
    let layout = expand_layout(dashboard, &values);
    let mut out = Dashboard {
        panels: Vec::new(),
        rows: Vec::new(),
        ..dashboard.clone()
    };
    let mut scoped = Vec::with_capacity(layout.panels.len());
    for expanded_row in &layout.rows {
        let Some(original) = dashboard.rows.get(expanded_row.row_index) else {
            continue;
        };
        let row_scope = scope_with(
            scope,
            expanded_row
                .scoped_vars
                .iter()
                .map(|s| (&s.name, &s.text, &s.value)),
        );
        out.rows.push(Row {
            title: interpolate(&original.title, &row_scope, Format::Text),
            grid: expanded_row.grid,
            panels: Vec::new(),
            ..original.clone()
        });
    }
    out.panels.reserve_exact(layout.panels.len());
    scoped.reserve_exact(layout.panels.len());
    for (index, expanded) in layout.panels.into_iter().enumerate() {
        let vars: Vec<(String, String, String)> = expanded
            .scoped_vars
            .iter()
            .map(|s| (s.name.clone(), s.text.clone(), s.value.clone()))
            .collect();
        let panel_scope = scope_with(scope, vars.iter().map(|(n, t, v)| (n, t, v)));
        let row = expanded.row.and_then(|r| out.rows.get_mut(r));
        let mut panel = expanded.panel;
        // A panel this refresh draws as saved stays shared with the loaded dashboard; only
        // what changes (a repeat copy's place, an interpolated title or row) is copied.
        if panel.grid != expanded.grid {
            Arc::make_mut(&mut panel).grid = expanded.grid;
        }
        let title = interpolate(&panel.title, &panel_scope, Format::Text);
        if title != panel.title {
            Arc::make_mut(&mut panel).title = title;
        }
        if crate::grafana::naming::names_use_variables(&panel) {
            crate::grafana::naming::interpolate_panel_names(
                Arc::make_mut(&mut panel),
                &panel_scope,
            );
        }
        if let Some(row) = row {
            if panel.row.as_deref() != Some(row.title.as_str()) {
                Arc::make_mut(&mut panel).row = Some(row.title.clone());
            }
            row.panels.push(index);
        }
        out.panels.push(panel);
        scoped.push(vars);
    }
    Expanded {
        dashboard: out,
        scoped,
    }
}

/// A scope with repeat values added (they win over the dashboard's variables); the scope
/// itself, not a copy, for a panel that is not repeated (most of a large dashboard's).
pub fn scope_with<'s, 'a>(
    scope: &'s Scope,
    vars: impl Iterator<Item = (&'a String, &'a String, &'a String)>,
) -> Cow<'s, Scope> {
    let mut vars = vars.peekable();
    if vars.peek().is_none() {
        return Cow::Borrowed(scope);
    }
    let mut scope = scope.clone();
    for (name, text, value) in vars {
        scope.set_scoped(
            name.clone(),
            VarValue::with_text(text.clone(), value.clone()),
        );
    }
    Cow::Owned(scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::load::load_str;

    #[test]
    fn panels_drawn_as_saved_are_shared_and_only_changed_ones_copied() {
        let json = r#"{"title": "t", "panels": [
            {"type": "row", "title": "Row", "collapsed": false, "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}},
            {"type": "stat", "title": "Static", "gridPos": {"x": 0, "y": 1, "w": 12, "h": 4},
             "targets": [{"refId": "A", "expr": "up"}]},
            {"type": "stat", "title": "Errors in $env", "gridPos": {"x": 12, "y": 1, "w": 12, "h": 4},
             "targets": [{"refId": "A", "expr": "up", "legendFormat": "{{job}}"}]}
        ]}"#;
        let dashboard = load_str(json, "t.json").unwrap().dashboard;
        let mut scope = Scope::new();
        scope.set_scoped(String::from("env"), VarValue::with_text("prod", "prod"));
        let expanded = expand_dashboard(&dashboard, &[], &scope);
        let (saved, drawn) = (&dashboard.panels, &expanded.dashboard.panels);
        assert!(
            Arc::ptr_eq(&saved[0], &drawn[0]),
            "a panel without variables is shared"
        );
        assert_eq!(drawn[0].row.as_deref(), Some("Row"));
        assert!(!Arc::ptr_eq(&saved[1], &drawn[1]));
        assert_eq!(drawn[1].title, "Errors in prod");
        assert_eq!(
            saved[1].title, "Errors in $env",
            "the loaded dashboard is not changed"
        );
    }
}
