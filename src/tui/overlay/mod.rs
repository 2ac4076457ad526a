//! Overlays over the dashboard: help, time picker, variable picker, panel inspect and title
//! search. Each takes keys first while open and says what the app should do.
//!
//! The [`Overlay`] enum holds every overlay's state; each overlay's keys and drawing live in
//! its own module, and this one only dispatches to them.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::data::panel_data::PanelData;
use crate::engine::variables::ResolvedVariable;
use crate::grafana::model::Panel;

mod alerts;
mod chrome;
mod dashboards;
mod explore;
mod help;
mod inspect;
mod search;
mod time;
mod variables;

pub use alerts::panels_for_alert;
pub use explore::{
    Completions, ExploreQuery, ExploreSource, ExploreState, Field as ExploreField,
    Language as ExploreLanguage, RESULTS_KEYS, ResultsKey,
    draw_results_line as explore_results_line, history as explore_history, results_key,
    sources as explore_sources, to_dashboard,
};
pub use search::search;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    TimePicker {
        cursor: usize,
    },
    /// Typing an absolute (or any Grafana) range: `2026-11-24T10:00:00Z`, `now-2d/d`, ...
    TimeRangeInput {
        from: String,
        to: String,
        /// 0 edits `from`, 1 edits `to`.
        field: usize,
        error: Option<String>,
    },
    /// Choosing which variable to change.
    Variables {
        cursor: usize,
    },
    /// Choosing values of one variable (index into the resolved variables).
    VariableValues {
        variable: usize,
        filter: String,
        cursor: usize,
        chosen: Vec<String>,
    },
    Inspect {
        scroll: u16,
    },
    Search {
        query: String,
    },
    Dashboards {
        filter: String,
        cursor: usize,
    },
    /// Pending and firing alerts (Prometheus `/api/v1/alerts`).
    Alerts {
        cursor: usize,
    },
    /// The PromQL box: editor, completion popup, history.
    Explore(Box<ExploreState>),
}

/// What closing or using an overlay asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Close,
    SetRelativeRange(String),
    /// Any range the user typed, already checked.
    SetRange {
        from: String,
        to: String,
    },
    /// New selection (values) for a variable.
    SetVariable {
        name: String,
        values: Vec<String>,
    },
    FocusPanel(usize),
    SwitchDashboard(usize),
    /// Run a query from the explore box (its datasource, shape and panel options).
    Explore(Box<ExploreQuery>),
    /// Jump to the panels and time of this alert (index into the alert list).
    AlertSelected(usize),
}

/// What overlays may read from the app.
pub struct Context<'a> {
    pub variables: &'a [ResolvedVariable],
    pub panels: &'a [std::sync::Arc<Panel>],
    pub focused: Option<(&'a Panel, Option<&'a PanelData>)>,
    /// Titles of the session's dashboards.
    pub dashboards: &'a [String],
    /// Earlier explore queries, oldest first.
    pub explore_history: &'a [String],
    /// Completion answers for the explore box, as far as they have arrived.
    pub completions: &'a Completions,
    /// The datasources the explore box can ask (the first is the default Prometheus).
    pub explore_sources: &'a [ExploreSource],
    pub alerts: &'a AlertsState,
    /// The range shown (`from`, `to` as Grafana expressions).
    pub range: (&'a str, &'a str),
}

/// Alerts as fetched for the alerts pane.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum AlertsState {
    #[default]
    Loading,
    /// The alerts, and what failed when only one of Prometheus and Alertmanager answered.
    Loaded(Vec<crate::data::Alert>, Option<String>),
    Failed(String),
}

/// What a key did in an overlay that can hand over to another one (the time picker to the
/// typed range, the variable list to that variable's values).
enum Outcome {
    Effect(Effect),
    Become(Overlay),
}

impl Overlay {
    pub fn is_open(&self) -> bool {
        *self != Overlay::None
    }

    /// Handle a key with its modifiers: the explore box edits text (Alt-Enter, Ctrl-R, words);
    /// the other overlays only need the key.
    pub fn handle_key_event(&mut self, key: KeyEvent, ctx: &Context) -> Effect {
        match self {
            Overlay::Explore(state) => explore::key(state, key, ctx),
            _ => self.handle_key(key.code, ctx),
        }
    }

    /// Handle a key; the overlay may change state (e.g. from the variable list to its values).
    pub fn handle_key(&mut self, code: KeyCode, ctx: &Context) -> Effect {
        if code == KeyCode::Esc {
            return Effect::Close;
        }
        match self {
            Overlay::None => Effect::None,
            Overlay::Help => Effect::Close,
            Overlay::TimePicker { cursor } => {
                let outcome = time::picker_key(cursor, code, ctx);
                self.follow(outcome)
            }
            Overlay::TimeRangeInput {
                from,
                to,
                field,
                error,
            } => time::range_input_key(from, to, field, error, code),
            Overlay::Variables { cursor } => {
                let outcome = variables::list_key(cursor, code, ctx);
                self.follow(outcome)
            }
            Overlay::VariableValues {
                variable,
                filter,
                cursor,
                chosen,
            } => {
                // The variable may have gone (a reload) while its values were open.
                let Some(v) = ctx.variables.get(*variable) else {
                    return Effect::Close;
                };
                variables::values_key(v, filter, cursor, chosen, code)
            }
            Overlay::Inspect { scroll } => inspect::key(scroll, code),
            Overlay::Dashboards { filter, cursor } => dashboards::key(filter, cursor, code, ctx),
            Overlay::Explore(state) => explore::key(state, KeyEvent::from(code), ctx),
            Overlay::Alerts { cursor } => alerts::key(cursor, code, ctx),
            Overlay::Search { query } => search::key(query, code, ctx),
        }
    }

    /// Apply an [`Outcome`]: pass its effect on, or switch to the overlay it names.
    fn follow(&mut self, outcome: Outcome) -> Effect {
        match outcome {
            Outcome::Effect(effect) => effect,
            Outcome::Become(next) => {
                *self = next;
                Effect::None
            }
        }
    }

    pub fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme, ctx: &Context) {
        match self {
            Overlay::None => {}
            Overlay::Help => help::draw(area, buf, theme),
            Overlay::TimePicker { cursor } => time::draw_picker(*cursor, area, buf, theme),
            Overlay::TimeRangeInput {
                from,
                to,
                field,
                error,
            } => time::draw_range_input(from, to, *field, error.as_deref(), area, buf, theme),
            Overlay::Variables { cursor } => {
                variables::draw_list(*cursor, ctx.variables, area, buf, theme)
            }
            Overlay::VariableValues {
                variable,
                filter,
                cursor,
                chosen,
            } => {
                if let Some(v) = ctx.variables.get(*variable) {
                    variables::draw_values(v, filter, *cursor, chosen, area, buf, theme);
                }
            }
            Overlay::Inspect { scroll } => inspect::draw(*scroll, ctx.focused, area, buf, theme),
            Overlay::Dashboards { filter, cursor } => {
                dashboards::draw(filter, *cursor, ctx.dashboards, area, buf, theme)
            }
            Overlay::Explore(state) => explore::draw(state, area, buf, theme, ctx),
            Overlay::Alerts { cursor } => alerts::draw(*cursor, ctx.alerts, area, buf, theme),
            Overlay::Search { query } => search::draw(query, ctx.panels, area, buf, theme),
        }
    }
}
