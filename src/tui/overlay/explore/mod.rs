//! The explore box (`e`): type PromQL (or LogQL, when the datasource chosen with Ctrl-D is
//! Loki) to run as a panel. Completion from the datasource (Tab picks, ↑↓ move in the popup),
//! a parse check as you type with the error's column, the HELP, TYPE and unit of the metric
//! under the cursor with usage hints, history per datasource (↑↓ when no popup is open, Ctrl-R
//! searches), several lines (Alt-Enter), words, undo; the legend format and unit of the
//! results (Ctrl-O moves between the query and those fields).
//!
//! Completion answers are asked of the engine through [`Completions`]; the box only reads what
//! has arrived, so no key ever waits on the network.

mod completions;
mod draw;
mod editor;
pub mod history;
mod query;
mod results;
pub mod to_dashboard;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use completions::Completions;
pub(super) use draw::draw;
use editor::Editor;
pub use query::{ExploreQuery, ExploreSource, Language, sources};
pub use results::{RESULTS_KEYS, ResultsKey, draw_results_line, results_key};

use super::{Context, Effect};
use crate::grafana::promql_complete::{
    Candidate, CompletionContext, CompletionRequest, context, metric_at, metric_names,
};

/// How many metrics of a query have their metadata asked for (HELP line and hints).
const METADATA_PER_QUERY: usize = 8;

/// The state of the open box.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExploreState {
    editor: Editor,
    /// How far back in history (0 = the text being typed, kept in `draft`).
    history_pos: usize,
    draft: String,
    /// Whether the completion popup is shown (typing opens it; Esc or a choice closes it).
    popup: bool,
    selected: usize,
    /// Ctrl-R: searching the history.
    search: Option<HistorySearch>,
    /// Ctrl-T: run as an instant query shown as a table (else a range as a time series).
    instant: bool,
    /// Which field keys go to: the query, or the results' legend format or unit.
    field: Field,
    legend: Editor,
    unit: Editor,
    /// The datasource asked (index into `Context::explore_sources`; Ctrl-D cycles).
    source: usize,
}

/// The fields of the box (Ctrl-O moves on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    #[default]
    Query,
    Legend,
    Unit,
}

impl Field {
    fn next(self) -> Field {
        match self {
            Field::Query => Field::Legend,
            Field::Legend => Field::Unit,
            Field::Unit => Field::Query,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct HistorySearch {
    needle: String,
    /// How many newer matches to pass over (Ctrl-R again).
    skip: usize,
}

impl ExploreState {
    /// The box over a query already run (the results page's `e`, `f`, `u`), keys going to
    /// `field`.
    pub fn for_query(query: &ExploreQuery, sources: &[ExploreSource], field: Field) -> Self {
        let line = |text: &str| {
            let mut e = Editor::default();
            e.set(text.to_string(), text.len());
            e
        };
        ExploreState {
            editor: line(&query.expr),
            instant: query.instant,
            field,
            legend: line(&query.legend),
            unit: line(&query.unit),
            source: sources
                .iter()
                .position(|s| *s == query.source)
                .unwrap_or_default(),
            ..ExploreState::default()
        }
    }

    pub fn text(&self) -> &str {
        self.editor.text()
    }

    /// The datasource the box asks, and its language.
    fn source<'a>(&self, ctx: &'a Context) -> Option<&'a ExploreSource> {
        ctx.explore_sources.get(self.source)
    }

    fn language(&self, ctx: &Context) -> Language {
        self.language_among(ctx.explore_sources)
    }

    /// The language of the datasource the box asks, among the sources it cycles through.
    pub fn language_among(&self, sources: &[ExploreSource]) -> Language {
        sources
            .get(self.source)
            .map(|s| s.language)
            .unwrap_or_default()
    }

    /// What Enter runs.
    fn query(&self, ctx: &Context) -> ExploreQuery {
        ExploreQuery {
            expr: self.editor.text().trim().to_string(),
            source: self.source(ctx).cloned().unwrap_or_default(),
            instant: self.instant,
            legend: self.legend.text().trim().to_string(),
            unit: self.unit.text().trim().to_string(),
        }
    }

    /// The completion request at the cursor, in the box's language.
    fn request_at(&self, language: Language) -> Option<CompletionRequest> {
        let completion = context(self.editor.text(), self.editor.cursor())?;
        match language {
            Language::PromQL => completion.request(),
            Language::LogQL => completion.logql_request(),
        }
    }

    /// The completion context at the cursor and its candidates from the answers so far.
    fn completion(&self, ctx: &Context) -> Option<(CompletionContext, Vec<Candidate>)> {
        let completion = context(self.editor.text(), self.editor.cursor())?;
        let language = self.language(ctx);
        let names = self
            .request_at(language)
            .and_then(|r| ctx.completions.names(&r));
        let candidates = match language {
            Language::PromQL => {
                let variables: Vec<String> = ctx.variables.iter().map(|v| v.name.clone()).collect();
                completion.candidates(names, &variables)
            }
            Language::LogQL => completion.logql_candidates(names),
        };
        Some((completion, candidates))
    }

    /// The popup's candidates when it is open (at most `limit`).
    fn shown_candidates(&self, ctx: &Context) -> Vec<Candidate> {
        if !self.popup {
            return Vec::new();
        }
        match self.completion(ctx) {
            Some((c, candidates)) if c.worth_offering() => candidates,
            _ => Vec::new(),
        }
    }

    /// What the box needs from the datasource now: the completion answer for the cursor's
    /// context, and (PromQL) the metadata of the metrics in the query.
    pub fn requests(&self, ctx: &Context) -> Vec<CompletionRequest> {
        let text = self.editor.text();
        let language = self.language(ctx);
        let mut wanted: Vec<CompletionRequest> = self.request_at(language).into_iter().collect();
        if language == Language::LogQL {
            return wanted;
        }
        let mut metrics: Vec<String> = metric_at(text, self.editor.cursor()).into_iter().collect();
        for (_, name) in metric_names(text) {
            if !metrics.contains(&name) {
                metrics.push(name);
            }
        }
        wanted.extend(
            metrics
                .into_iter()
                .take(METADATA_PER_QUERY)
                .map(|metric| CompletionRequest::Metadata { metric }),
        );
        wanted
    }

    fn edited(&mut self) {
        self.popup = true;
        self.selected = 0;
        self.history_pos = 0;
    }

    fn recall(&mut self, pos: usize, history: &[String]) {
        if self.history_pos == 0 {
            self.draft = self.editor.text().to_string();
        }
        self.history_pos = pos;
        let text = if pos == 0 {
            self.draft.clone()
        } else {
            history[history.len() - pos].clone()
        };
        let end = text.len();
        self.editor.set(text, end);
        self.popup = false;
    }

    fn choose(&mut self, ctx: &Context) {
        let Some((completion, candidates)) = self.completion(ctx) else {
            return;
        };
        if let Some(candidate) =
            candidates.get(self.selected.min(candidates.len().saturating_sub(1)))
        {
            let (text, cursor) = completion.apply(self.editor.text(), candidate);
            self.editor.set(text, cursor);
            self.popup = false;
            self.selected = 0;
        } else {
            self.popup = true;
        }
    }
}

/// A key in the box.
pub(super) fn key(state: &mut ExploreState, key: KeyEvent, ctx: &Context) -> Effect {
    if state.search.is_some() {
        return search_key(state, key, ctx);
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('t') if ctrl => state.instant = !state.instant,
        KeyCode::Char('o') if ctrl => {
            state.field = state.field.next();
            state.popup = false;
        }
        KeyCode::Char('d') if ctrl => {
            state.source = (state.source + 1) % ctx.explore_sources.len().max(1);
            state.popup = true;
        }
        _ if state.field != Field::Query => return option_key(state, key, ctx),
        _ => return query_key(state, key, ctx),
    }
    Effect::None
}

/// Enter: run the query with its options, when there is one.
fn run(state: &ExploreState, ctx: &Context) -> Effect {
    if state.editor.text().trim().is_empty() {
        return Effect::None;
    }
    Effect::Explore(Box::new(state.query(ctx)))
}

/// A key in the legend or unit field: one line of text.
fn option_key(state: &mut ExploreState, key: KeyEvent, ctx: &Context) -> Effect {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let e = match state.field {
        Field::Legend => &mut state.legend,
        _ => &mut state.unit,
    };
    match key.code {
        KeyCode::Esc => return Effect::Close,
        KeyCode::Enter => return run(state, ctx),
        KeyCode::Tab => state.field = state.field.next(),
        KeyCode::Char('u') if ctrl => e.set(String::new(), 0),
        KeyCode::Char('z' | '_') if ctrl => e.undo(),
        KeyCode::Char(c) if !ctrl => e.insert(c),
        KeyCode::Backspace => e.backspace(),
        KeyCode::Delete => e.delete(),
        KeyCode::Left => e.left(),
        KeyCode::Right => e.right(),
        KeyCode::Home => e.home(),
        KeyCode::End => e.end(),
        _ => {}
    }
    Effect::None
}

/// A key in the query: editing, completion, history.
fn query_key(state: &mut ExploreState, key: KeyEvent, ctx: &Context) -> Effect {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let popup_len = state.shown_candidates(ctx).len();
    let (line, lines) = state.editor.line_position();
    let history = ctx.explore_history;
    let e = &mut state.editor;
    match key.code {
        KeyCode::Esc if popup_len > 0 => state.popup = false,
        KeyCode::Esc => return Effect::Close,
        KeyCode::Enter if alt || key.modifiers.contains(KeyModifiers::SHIFT) => {
            e.newline();
            state.popup = false;
        }
        KeyCode::Enter => return run(state, ctx),
        KeyCode::Tab => state.choose(ctx),
        KeyCode::Char(' ') if ctrl => state.popup = true,
        KeyCode::Up | KeyCode::BackTab if popup_len > 0 => {
            state.selected = (state.selected + popup_len - 1) % popup_len;
        }
        KeyCode::Down if popup_len > 0 => state.selected = (state.selected + 1) % popup_len,
        KeyCode::Up if line > 0 => e.vertical(-1),
        KeyCode::Down if line + 1 < lines => e.vertical(1),
        KeyCode::Up if state.history_pos < history.len() => {
            state.recall(state.history_pos + 1, history)
        }
        KeyCode::Down if state.history_pos > 0 => state.recall(state.history_pos - 1, history),
        KeyCode::Char('r') if ctrl => {
            state.search = Some(HistorySearch::default());
            state.popup = false;
        }
        KeyCode::Char('z' | '_') if ctrl => e.undo(),
        KeyCode::Char('w') if ctrl => {
            e.delete_word_back();
            state.edited();
        }
        KeyCode::Char('u') if ctrl => {
            e.set(String::new(), 0);
            state.edited();
        }
        KeyCode::Char('a') if ctrl => e.home(),
        KeyCode::Char('e') if ctrl => e.end(),
        KeyCode::Char('b') if alt => e.word_left(),
        KeyCode::Char('f') if alt => e.word_right(),
        KeyCode::Char(c) if !ctrl && !alt => {
            e.insert(c);
            state.edited();
        }
        KeyCode::Left if ctrl || alt => e.word_left(),
        KeyCode::Right if ctrl || alt => e.word_right(),
        KeyCode::Left => e.left(),
        KeyCode::Right => e.right(),
        KeyCode::Home => e.home(),
        KeyCode::End => e.end(),
        KeyCode::Backspace if ctrl || alt => {
            e.delete_word_back();
            state.edited();
        }
        KeyCode::Backspace => {
            e.backspace();
            state.edited();
        }
        KeyCode::Delete => {
            e.delete();
            state.edited();
        }
        _ => {}
    }
    Effect::None
}

/// Ctrl-R: type to find a query, Ctrl-R for an older match, Enter/Tab takes it, Esc leaves.
fn search_key(state: &mut ExploreState, key: KeyEvent, ctx: &Context) -> Effect {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(search) = state.search.as_mut() else {
        return Effect::None;
    };
    match key.code {
        KeyCode::Char('r')
            if ctrl
                && history::search(ctx.explore_history, &search.needle, search.skip + 1)
                    .is_some() =>
        {
            search.skip += 1;
        }
        KeyCode::Char('r') if ctrl => {}
        KeyCode::Esc => state.search = None,
        KeyCode::Char('g' | 'c') if ctrl => state.search = None,
        KeyCode::Char(c) => {
            search.needle.push(c);
            search.skip = 0;
        }
        KeyCode::Backspace => {
            search.needle.pop();
            search.skip = 0;
        }
        KeyCode::Enter | KeyCode::Tab | KeyCode::Right | KeyCode::Left => {
            if let Some(found) = history::search(ctx.explore_history, &search.needle, search.skip) {
                let found = found.clone();
                let end = found.len();
                state.editor.set(found, end);
            }
            state.search = None;
            state.popup = false;
        }
        _ => {}
    }
    Effect::None
}

#[cfg(test)]
mod tests;
