//! Explore's results pages in the loop: a query shown as a page, and the panels it adds to
//! the dashboard it came from (for the session, or saved beside its file).

use super::*;

/// Explore: a query's results page, and the panels it adds to the dashboard it came from.
impl Workspace {
    /// Show a query's results: in place of the Explore page on screen (it keeps its origin),
    /// else as a new page over the dashboard on screen. The range on screen stays.
    pub(super) fn show_explore(&mut self, controller: &mut Controller, query: ExploreQuery) {
        let entry = explore_entry((controller.make_explore)(query.page_dashboard()), query);
        let range = self.app.page.view_state.range.clone();
        if self.explore_origin.contains_key(&self.current) {
            controller.entries[self.current] = entry;
            let mut page = (controller.entries[self.current].make_page)();
            page.view_state.range = range;
            self.app.replace_page(page);
            self.refresh(controller, false);
        } else {
            let origin = self.current;
            controller.entries.push(entry);
            let to = controller.entries.len() - 1;
            self.explore_origin.insert(to, origin);
            self.saved.resize_with(controller.entries.len(), || None);
            let mut page = (controller.entries[to].make_page)();
            page.view_state.range = range;
            self.saved[to] = Some(page);
            self.switch(controller, to);
        }
        self.app.page.fullscreen = true;
    }

    /// Add the query as the top panel of the dashboard this Explore page was opened from, for
    /// the session: its entry plans and queries the panel like any other, and its kept page
    /// is made again with the user's choices. Returns the dashboard's title and entry.
    pub(super) fn add_to_origin(
        &mut self,
        controller: &mut Controller,
        query: &ExploreQuery,
    ) -> Result<(String, usize), String> {
        let origin = *self
            .explore_origin
            .get(&self.current)
            .ok_or("this Explore page was not opened from a dashboard")?;
        let entry = controller.entries.remove(origin);
        controller
            .entries
            .insert(origin, with_added_panel(entry, query.clone()));
        self.added.entry(origin).or_default().push(query.clone());
        if let Some(old) = self.saved.get_mut(origin).and_then(Option::take) {
            let mut page = (controller.entries[origin].make_page)();
            page.view_state = old.view_state;
            page.focus = Some(0);
            self.saved[origin] = Some(page);
        }
        Ok((controller.entries[origin].title.clone(), origin))
    }

    /// Save the origin dashboard's file with the panels added this session (the query first
    /// added when it is not yet) beside the original, as `<name>.explore.json`.
    pub(super) fn save_origin(
        &mut self,
        controller: &mut Controller,
        query: &ExploreQuery,
    ) -> Result<String, String> {
        let origin = *self
            .explore_origin
            .get(&self.current)
            .ok_or("this Explore page was not opened from a dashboard")?;
        if !self.added.get(&origin).is_some_and(|q| q.contains(query)) {
            self.add_to_origin(controller, query)?;
        }
        let entry = &controller.entries[origin];
        let original = entry.source_file.as_ref().ok_or_else(|| {
            format!(
                "{} was not loaded from a file, so there is none to add to",
                entry.title
            )
        })?;
        let text = std::fs::read_to_string(original)
            .map_err(|e| format!("cannot read {}: {e}", original.display()))?;
        let queries = self.added.get(&origin).cloned().unwrap_or_default();
        let saved = to_dashboard::insert_into_json(&text, &queries)
            .map_err(|e| format!("{}: {e}", original.display()))?;
        let path = to_dashboard::saved_path(original);
        std::fs::write(&path, saved)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(format!(
            "saved {} with {} added panel(s) to {}",
            entry.title,
            queries.len(),
            path.display()
        ))
    }
}

/// An Explore results page: the query's one-panel dashboard, the page knowing its query.
fn explore_entry(entry: DashboardEntry, query: ExploreQuery) -> DashboardEntry {
    let DashboardEntry {
        make_page,
        make_request,
        ..
    } = entry;
    DashboardEntry {
        title: format!("Explore: {}", query.title()),
        uid: None,
        make_page: Box::new(move || {
            let mut page = make_page();
            page.explore = Some(query.clone());
            page
        }),
        make_request,
        source_file: None,
    }
}

/// A dashboard entry with an Explore query as its new top panel, in its pages and requests.
fn with_added_panel(entry: DashboardEntry, query: ExploreQuery) -> DashboardEntry {
    let DashboardEntry {
        title,
        uid,
        make_page,
        make_request,
        source_file,
    } = entry;
    let for_request = query.clone();
    DashboardEntry {
        title,
        uid,
        make_page: Box::new(move || {
            let page = make_page();
            let dashboard = to_dashboard::insert_on_top(&page.dashboard, &query);
            Page::new(dashboard, page.status, page.view_state)
        }),
        make_request: Box::new(move |state| {
            let mut request = make_request(state);
            request.dashboard = std::sync::Arc::new(to_dashboard::insert_on_top(
                &request.dashboard,
                &for_request,
            ));
            request
        }),
        source_file,
    }
}
