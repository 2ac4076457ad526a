//! Panel and row repeats, laid out as Grafana does (DashboardModel.repeatPanel / repeatRow, then
//! the grid's vertical compaction). Pure: the caller supplies the selected values of each
//! variable.
//!
//! Horizontal repeats get width `max(24 / count, 24 / maxPerRow)` (maxPerRow defaults to 4) and
//! wrap when the next clone would pass column 24; vertical repeats stack clones by the panel's
//! height. A repeated row is cloned whole (header and panels) once per value. Panels below a
//! repeat move down by the space it added, and finally every visible item floats up as far as it
//! can without overlapping (react-grid-layout's vertical compaction, which Grafana's grid uses).

use std::sync::Arc;

use super::model::{Dashboard, GridPos, Panel, RepeatDirection, Row};

const GRID_COLUMNS: f64 = 24.0;
const DEFAULT_MAX_PER_ROW: u32 = 4;

/// A variable value a clone is scoped to (`scopedVars` in Grafana).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedVar {
    pub name: String,
    pub text: String,
    pub value: String,
}

/// One panel as drawn: the original or a repeat clone, with its final grid position.
#[derive(Debug, Clone)]
pub struct ExpandedPanel {
    /// The panel as saved (shared with the dashboard, not copied) ...
    pub panel: Arc<Panel>,
    /// ... and where this copy is drawn.
    pub grid: GridPos,
    /// Index into `Dashboard::panels` of the panel this is a copy of.
    pub panel_index: usize,
    /// 0 for the first copy (Grafana reuses the source panel for it), 1.. for the others.
    pub repeat_index: usize,
    /// Variables this copy is scoped to: the row's repeat variable first, then the panel's.
    pub scoped_vars: Vec<ScopedVar>,
    /// Index into `ExpandedLayout::rows` of the row copy this panel sits in.
    pub row: Option<usize>,
    /// False for panels inside a collapsed row (their grid is where they go when expanded).
    pub visible: bool,
}

/// A row header as drawn: the original or a repeat clone.
#[derive(Debug, Clone)]
pub struct ExpandedRow {
    /// Index into `Dashboard::rows`.
    pub row_index: usize,
    pub repeat_index: usize,
    pub grid: GridPos,
    pub scoped_vars: Vec<ScopedVar>,
}

/// Everything on the grid after repeats: row headers and panels, in layout order.
#[derive(Debug, Clone, Default)]
pub struct ExpandedLayout {
    pub rows: Vec<ExpandedRow>,
    pub panels: Vec<ExpandedPanel>,
}

/// Expand panel and row repeats; `values(variable)` gives (text, value) per selected option
/// (every option for All). Returns panels in layout order.
pub fn expand(
    dashboard: &Dashboard,
    values: &dyn Fn(&str) -> Vec<(String, String)>,
) -> Vec<ExpandedPanel> {
    expand_layout(dashboard, values).panels
}

/// A top-level block in layout order: a row with its panels, or a panel outside any row.
enum Block {
    Row(usize),
    Panel(usize),
}

/// Vertical space a repeat added: items originally at or below `from_y` move down by `amount`.
struct Shift {
    from_y: u32,
    amount: u32,
}

/// Expand repeats into row headers and panels (see the module docs for the rules).
pub fn expand_layout(
    dashboard: &Dashboard,
    values: &dyn Fn(&str) -> Vec<(String, String)>,
) -> ExpandedLayout {
    let mut out = ExpandedLayout::default();
    let mut shifts: Vec<Shift> = Vec::new();
    for block in layout_blocks(dashboard) {
        let shift = match block {
            Block::Panel(i) => {
                let source = &dashboard.panels[i];
                let offset = offset_at(&shifts, source.grid.y);
                let added =
                    push_panel_copies(&mut out, dashboard, i, offset, &[], None, true, values);
                Shift {
                    from_y: source.grid.y.saturating_add(source.grid.h),
                    amount: added,
                }
            }
            Block::Row(r) => {
                let offset = offset_at(&shifts, dashboard.rows[r].grid.y);
                expand_row(&mut out, dashboard, r, offset, values)
            }
        };
        if shift.amount > 0 {
            shifts.push(shift);
        }
    }
    compact(&mut out);
    out
}

/// Rows and the panels outside any row, in layout order: by y, a row before a panel, then by x.
fn layout_blocks(dashboard: &Dashboard) -> Vec<Block> {
    let mut in_row = vec![false; dashboard.panels.len()];
    for row in &dashboard.rows {
        for &i in &row.panels {
            if let Some(flag) = in_row.get_mut(i) {
                *flag = true;
            }
        }
    }
    let mut blocks: Vec<(u32, u8, u32, Block)> = Vec::new();
    for (r, row) in dashboard.rows.iter().enumerate() {
        blocks.push((row.grid.y, 0, row.grid.x, Block::Row(r)));
    }
    for (i, p) in dashboard.panels.iter().enumerate() {
        if !in_row[i] {
            blocks.push((p.grid.y, 1, p.grid.x, Block::Panel(i)));
        }
    }
    blocks.sort_by_key(|(y, kind, x, _)| (*y, *kind, *x));
    blocks.into_iter().map(|(_, _, _, block)| block).collect()
}

/// How far the repeats above have pushed down an item originally at `y`.
fn offset_at(shifts: &[Shift], y: u32) -> u32 {
    shifts
        .iter()
        .filter(|s| y >= s.from_y)
        .map(|s| s.amount)
        .fold(0u32, u32::saturating_add)
}

/// Expand one row: each copy's header and panels. Returns the space the row's repeat and its
/// panels' repeats add below the row.
fn expand_row(
    out: &mut ExpandedLayout,
    dashboard: &Dashboard,
    r: usize,
    offset: u32,
    values: &dyn Fn(&str) -> Vec<(String, String)>,
) -> Shift {
    let row = &dashboard.rows[r];
    let copies = row_copy_scopes(row, values);
    let row_height = row_block_height(dashboard, row);
    let step = if row.collapsed { 1 } else { row_height };
    let mut added_in_row = 0;
    for (k, scoped) in copies.iter().enumerate() {
        let k32 = k as u32;
        let row_y = row
            .grid
            .y
            .saturating_add(offset)
            .saturating_add(k32.saturating_mul(step));
        out.rows.push(ExpandedRow {
            row_index: r,
            repeat_index: k,
            grid: GridPos {
                y: row_y,
                ..row.grid
            },
            scoped_vars: scoped.clone(),
        });
        let row_copy = out.rows.len() - 1;
        // Collapsed rows keep their panels' saved positions (used when expanded).
        let base = if row.collapsed {
            offset
        } else {
            offset.saturating_add(k32.saturating_mul(row_height))
        };
        let added = push_row_panels(out, dashboard, row, base, scoped, row_copy, values);
        if !row.collapsed {
            added_in_row = added_in_row.max(added);
        }
    }
    let extra_copies = u32::try_from(copies.len().saturating_sub(1)).unwrap_or(u32::MAX);
    Shift {
        from_y: row.grid.y.saturating_add(step),
        amount: extra_copies
            .saturating_mul(step)
            .saturating_add(added_in_row),
    }
}

/// The variable scopes of a row's copies: one per value of its repeat variable, or a single
/// unscoped copy when it does not repeat (or the variable has no values).
fn row_copy_scopes(
    row: &Row,
    values: &dyn Fn(&str) -> Vec<(String, String)>,
) -> Vec<Vec<ScopedVar>> {
    let options: Vec<Vec<ScopedVar>> = match &row.repeat {
        Some(var) => values(var)
            .into_iter()
            .map(|(text, value)| {
                vec![ScopedVar {
                    name: var.clone(),
                    text,
                    value,
                }]
            })
            .collect(),
        None => Vec::new(),
    };
    if options.is_empty() {
        vec![Vec::new()]
    } else {
        options
    }
}

/// Height of a row block: header plus panels, measured from the header.
fn row_block_height(dashboard: &Dashboard, row: &Row) -> u32 {
    let bottom = row
        .panels
        .iter()
        .filter_map(|&i| dashboard.panels.get(i))
        .map(|p| p.grid.y.saturating_add(p.grid.h))
        .max()
        .unwrap_or(row.grid.y.saturating_add(1));
    bottom.saturating_sub(row.grid.y).max(1)
}

/// The panels of one row copy, `base` below their saved positions; each panel's repeat pushes
/// the row's later panels down. Returns the height the repeats added within the row.
fn push_row_panels(
    out: &mut ExpandedLayout,
    dashboard: &Dashboard,
    row: &Row,
    base: u32,
    scoped: &[ScopedVar],
    row_copy: usize,
    values: &dyn Fn(&str) -> Vec<(String, String)>,
) -> u32 {
    let mut inner_shifts: Vec<Shift> = Vec::new();
    for &i in &row.panels {
        let Some(source) = dashboard.panels.get(i) else {
            continue;
        };
        let inner = offset_at(&inner_shifts, source.grid.y);
        let added = push_panel_copies(
            out,
            dashboard,
            i,
            base.saturating_add(inner),
            scoped,
            Some(row_copy),
            !row.collapsed,
            values,
        );
        if added > 0 {
            inner_shifts.push(Shift {
                from_y: source.grid.y.saturating_add(source.grid.h),
                amount: added,
            });
        }
    }
    inner_shifts
        .iter()
        .map(|s| s.amount)
        .fold(0, u32::saturating_add)
}

/// Push the copies of one panel (one per value of its repeat variable); returns the height the
/// copies add below the source panel's own grid row.
#[allow(clippy::too_many_arguments)]
fn push_panel_copies(
    out: &mut ExpandedLayout,
    dashboard: &Dashboard,
    index: usize,
    y_offset: u32,
    outer_scope: &[ScopedVar],
    row: Option<usize>,
    visible: bool,
    values: &dyn Fn(&str) -> Vec<(String, String)>,
) -> u32 {
    let source = &dashboard.panels[index];
    let base = GridPos {
        y: source.grid.y.saturating_add(y_offset),
        ..source.grid
    };
    let push = |out: &mut ExpandedLayout, grid: GridPos, k: usize, scoped: Vec<ScopedVar>| {
        out.panels.push(ExpandedPanel {
            panel: Arc::clone(source),
            grid,
            panel_index: index,
            repeat_index: k,
            scoped_vars: scoped,
            row,
            visible,
        });
    };
    let Some(repeat) = &source.repeat else {
        push(out, base, 0, outer_scope.to_vec());
        return 0;
    };
    let options = values(&repeat.variable);
    if options.is_empty() {
        push(out, base, 0, outer_scope.to_vec());
        return 0;
    }
    let grids = repeat_grids(base, options.len(), repeat.direction, repeat.max_per_row);
    let bottom = grids
        .iter()
        .map(|g| g.y.saturating_add(g.h))
        .max()
        .unwrap_or(base.y.saturating_add(base.h));
    for (k, ((text, value), grid)) in options.into_iter().zip(grids).enumerate() {
        let mut scoped = outer_scope.to_vec();
        scoped.push(ScopedVar {
            name: repeat.variable.clone(),
            text,
            value,
        });
        push(out, grid, k, scoped);
    }
    bottom.saturating_sub(base.y.saturating_add(base.h))
}

/// Grid positions of `count` copies of a panel at `base`.
pub fn repeat_grids(
    base: GridPos,
    count: usize,
    direction: RepeatDirection,
    max_per_row: Option<u32>,
) -> Vec<GridPos> {
    match direction {
        RepeatDirection::Vertical => (0..count as u32)
            .map(|k| GridPos {
                y: base.y.saturating_add(k.saturating_mul(base.h)),
                ..base
            })
            .collect(),
        RepeatDirection::Horizontal => {
            let per_row = f64::from(
                max_per_row
                    .filter(|m| *m > 0)
                    .unwrap_or(DEFAULT_MAX_PER_ROW),
            );
            let width = (GRID_COLUMNS / count.max(1) as f64).max(GRID_COLUMNS / per_row);
            let mut x = 0.0_f64;
            let mut y = base.y;
            let mut grids = Vec::with_capacity(count);
            for _ in 0..count {
                // Grafana keeps fractional widths; whole columns are taken from rounded edges so
                // copies on one line still tile the grid.
                let left = x.round() as u32;
                let right = ((x + width).round() as u32).min(GRID_COLUMNS as u32);
                grids.push(GridPos {
                    x: left,
                    y,
                    w: right.saturating_sub(left).max(1),
                    h: base.h,
                });
                x += width;
                if x + width > GRID_COLUMNS + 1e-9 {
                    x = 0.0;
                    y = y.saturating_add(base.h);
                }
            }
            grids
        }
    }
}

/// Float every visible item up as far as it goes without overlapping the ones placed before it
/// (sorted by y, then x), moving an item below anything it collides with.
fn compact(layout: &mut ExpandedLayout) {
    #[derive(Clone, Copy)]
    enum Item {
        Row(usize),
        Panel(usize),
    }
    let mut items: Vec<(GridPos, usize, Item)> = Vec::new();
    for (i, r) in layout.rows.iter().enumerate() {
        items.push((r.grid, items.len(), Item::Row(i)));
    }
    for (i, p) in layout.panels.iter().enumerate() {
        if p.visible {
            items.push((p.grid, items.len(), Item::Panel(i)));
        }
    }
    // Rows come first among equals: a header owns its line.
    items.sort_by_key(|(g, seq, item)| (g.y, g.x, matches!(item, Item::Panel(_)), *seq));
    let mut placed: Vec<GridPos> = Vec::with_capacity(items.len());
    let overlaps = |a: &GridPos, b: &GridPos| {
        a.x < b.x.saturating_add(b.w)
            && b.x < a.x.saturating_add(a.w)
            && a.y < b.y.saturating_add(b.h)
            && b.y < a.y.saturating_add(a.h)
    };
    let mut moved: Vec<(Item, u32)> = Vec::with_capacity(items.len());
    for (grid, _, item) in items {
        let mut g = grid;
        let bottom = placed
            .iter()
            .map(|p| p.y.saturating_add(p.h))
            .max()
            .unwrap_or(0);
        g.y = g.y.min(bottom);
        // Float up: unless it already collides, it rises to the lowest bottom among the items
        // above it that share a column (the same result as react-grid-layout's step-by-step
        // loop, without its cost on tall grids).
        let shares_columns =
            |p: &&GridPos| g.x < p.x.saturating_add(p.w) && p.x < g.x.saturating_add(g.w);
        if !placed.iter().any(|p| overlaps(&g, p)) {
            g.y = placed
                .iter()
                .filter(shares_columns)
                .map(|p| p.y.saturating_add(p.h))
                .filter(|bottom| *bottom <= g.y)
                .max()
                .unwrap_or(0);
        }
        while let Some(hit) = placed.iter().find(|p| overlaps(&g, p)) {
            g.y = hit.y.saturating_add(hit.h);
        }
        placed.push(g);
        moved.push((item, g.y));
    }
    // Panels of collapsed rows move with their row header.
    let mut row_delta: Vec<i64> = vec![0; layout.rows.len()];
    for (item, y) in moved {
        match item {
            Item::Row(i) => {
                row_delta[i] = i64::from(y) - i64::from(layout.rows[i].grid.y);
                layout.rows[i].grid.y = y;
            }
            Item::Panel(i) => layout.panels[i].grid.y = y,
        }
    }
    for p in layout.panels.iter_mut().filter(|p| !p.visible) {
        if let Some(d) = p.row.and_then(|r| row_delta.get(r)) {
            p.grid.y = (i64::from(p.grid.y) + d).clamp(0, i64::from(u32::MAX)) as u32;
        }
    }
    // Layout order; a collapsed row's panels follow its header.
    let rows = &layout.rows;
    layout.panels.sort_by_key(|p| {
        let g = p.grid;
        match (p.visible, p.row.and_then(|r| rows.get(r))) {
            (false, Some(row)) => (row.grid.y, 1, g.y, g.x),
            _ => (g.y, 0, g.y, g.x),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(x: u32, y: u32, w: u32, h: u32) -> GridPos {
        GridPos { x, y, w, h }
    }

    #[test]
    fn horizontal_default_four_per_row_wraps() {
        let grids = repeat_grids(g(0, 2, 8, 5), 5, RepeatDirection::Horizontal, None);
        let got: Vec<(u32, u32, u32)> = grids.iter().map(|p| (p.x, p.y, p.w)).collect();
        assert_eq!(
            got,
            vec![(0, 2, 6), (6, 2, 6), (12, 2, 6), (18, 2, 6), (0, 7, 6)]
        );
    }

    #[test]
    fn horizontal_few_values_share_the_row() {
        let grids = repeat_grids(g(0, 0, 8, 4), 2, RepeatDirection::Horizontal, Some(6));
        let got: Vec<(u32, u32)> = grids.iter().map(|p| (p.x, p.w)).collect();
        assert_eq!(got, vec![(0, 12), (12, 12)]);
    }

    #[test]
    fn horizontal_fractional_widths_tile() {
        let grids = repeat_grids(g(0, 0, 8, 4), 5, RepeatDirection::Horizontal, Some(5));
        let xs: Vec<u32> = grids.iter().map(|p| p.x).collect();
        assert_eq!(xs, vec![0, 5, 10, 14, 19]);
        assert_eq!(grids.iter().map(|p| p.w).sum::<u32>(), 24);
        assert!(grids.iter().all(|p| p.y == 0));
    }

    #[test]
    fn vertical_stacks_by_height() {
        let grids = repeat_grids(g(3, 1, 10, 4), 3, RepeatDirection::Vertical, None);
        let got: Vec<(u32, u32)> = grids.iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(got, vec![(3, 1), (3, 5), (3, 9)]);
    }
}
