//! The dashboard as drawn this refresh: repeats expanded with the variables' current values,
//! titles interpolated, rows re-linked to their (possibly cloned) panels.

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
    for (index, expanded) in layout.panels.into_iter().enumerate() {
        let vars: Vec<(String, String, String)> = expanded
            .scoped_vars
            .iter()
            .map(|s| (s.name.clone(), s.text.clone(), s.value.clone()))
            .collect();
        let panel_scope = scope_with(scope, vars.iter().map(|(n, t, v)| (n, t, v)));
        let mut panel = expanded.panel;
        panel.title = interpolate(&panel.title, &panel_scope, Format::Text);
        crate::grafana::naming::interpolate_panel_names(&mut panel, &panel_scope);
        if let Some(row) = expanded.row.and_then(|r| out.rows.get_mut(r)) {
            panel.row = Some(row.title.clone());
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

/// A scope with repeat values added (they win over the dashboard's variables).
pub fn scope_with<'a>(
    scope: &Scope,
    vars: impl Iterator<Item = (&'a String, &'a String, &'a String)>,
) -> Scope {
    let mut scope = scope.clone();
    for (name, text, value) in vars {
        scope.set_scoped(
            name.clone(),
            VarValue::with_text(text.clone(), value.clone()),
        );
    }
    scope
}
