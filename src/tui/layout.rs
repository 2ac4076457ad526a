//! Grafana's 24-column grid mapped onto terminal cells.
//!
//! Panels keep their relative places: x and width scale with the terminal width, one grid unit
//! of height is one line, and items are compacted upwards as Grafana's grid does (so collapsed
//! rows close their gap). Pure: no terminal access.

use crate::grafana::model::{Dashboard, GridPos};

/// Lines per grid unit of height, as a fraction. Grafana's grid unit is 30 px high and 1/24 of
/// the width; at 160 columns a cell is ~12 px wide and ~24 px high, so 5/4 line per unit keeps
/// panels' proportions.
const LINES_PER_UNIT: (u32, u32) = (5, 4);
/// Smallest panel that can still show a title and one line of content.
const MIN_PANEL_LINES: u32 = 3;

/// Something placed on the page: a panel (index into `Dashboard::panels`) or a row header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Panel(usize),
    Row(usize),
}

/// An item and its place in page coordinates (y grows downwards from the top of the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub item: Item,
    pub x: u16,
    pub y: u32,
    pub w: u16,
    pub h: u32,
}

/// Lay out the visible items of a dashboard for a terminal `width` cells wide.
/// `collapsed(row)` tells whether a row is collapsed now (the user may toggle it).
pub fn layout(dashboard: &Dashboard, width: u16, collapsed: &dyn Fn(usize) -> bool) -> Vec<Placed> {
    let mut order: Vec<(Item, GridPos)> = Vec::new();
    let in_a_row: Vec<bool> = {
        let mut flags = vec![false; dashboard.panels.len()];
        for row in &dashboard.rows {
            for &p in &row.panels {
                if let Some(flag) = flags.get_mut(p) {
                    *flag = true;
                }
            }
        }
        flags
    };
    let mut loose: Vec<usize> = (0..dashboard.panels.len())
        .filter(|&i| !in_a_row[i])
        .collect();
    loose.sort_by_key(|&i| (dashboard.panels[i].grid.y, dashboard.panels[i].grid.x));
    order.extend(
        loose
            .into_iter()
            .map(|i| (Item::Panel(i), dashboard.panels[i].grid)),
    );

    let mut rows: Vec<usize> = (0..dashboard.rows.len()).collect();
    rows.sort_by_key(|&r| dashboard.rows[r].grid.y);
    for r in rows {
        let row = &dashboard.rows[r];
        order.push((
            Item::Row(r),
            GridPos {
                x: 0,
                y: row.grid.y,
                w: 24,
                h: 1,
            },
        ));
        if collapsed(r) {
            continue;
        }
        let mut children = row.panels.clone();
        children.retain(|&p| p < dashboard.panels.len());
        children.sort_by_key(|&p| (dashboard.panels[p].grid.y, dashboard.panels[p].grid.x));
        order.extend(
            children
                .into_iter()
                .map(|p| (Item::Panel(p), dashboard.panels[p].grid)),
        );
    }
    compact(&order, width)
}

/// Place items in order, each as high as the items already placed in its columns allow.
fn compact(order: &[(Item, GridPos)], width: u16) -> Vec<Placed> {
    // Bottom edge (in lines) of what has been placed so far, per grid column.
    let mut column_bottom = [0u32; 24];
    let mut placed = Vec::with_capacity(order.len());
    for &(item, grid) in order {
        let x0 = grid.x.min(23) as usize;
        let x1 = (grid.x + grid.w.max(1)).clamp(x0 as u32 + 1, 24) as usize;
        let lines = match item {
            Item::Row(_) => 1,
            Item::Panel(_) => (grid.h * LINES_PER_UNIT.0)
                .div_ceil(LINES_PER_UNIT.1)
                .max(MIN_PANEL_LINES),
        };
        let y = column_bottom[x0..x1].iter().copied().max().unwrap_or(0);
        for bottom in &mut column_bottom[x0..x1] {
            *bottom = y + lines;
        }
        let left = scale(x0 as u32, width);
        let right = scale(x1 as u32, width);
        placed.push(Placed {
            item,
            x: left,
            y,
            w: right.saturating_sub(left),
            h: lines,
        });
    }
    placed
}

fn scale(column: u32, width: u16) -> u16 {
    ((column * u32::from(width) + 12) / 24) as u16
}

/// Total height of the page in lines.
pub fn page_height(placed: &[Placed]) -> u32 {
    placed.iter().map(|p| p.y + p.h).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::{Panel, Row};
    use std::sync::Arc;

    fn panel(x: u32, y: u32, w: u32, h: u32) -> Panel {
        Panel {
            grid: GridPos { x, y, w, h },
            ..Panel::default()
        }
    }

    #[test]
    fn columns_scale_to_the_terminal_width() {
        let d = Dashboard {
            panels: vec![
                Arc::new(panel(0, 0, 12, 4)),
                Arc::new(panel(12, 0, 12, 4)),
                Arc::new(panel(0, 4, 24, 8)),
            ],
            ..Dashboard::default()
        };
        let placed = layout(&d, 160, &|_| false);
        assert_eq!(
            (placed[0].x, placed[0].w, placed[0].y, placed[0].h),
            (0, 80, 0, 5)
        );
        assert_eq!((placed[1].x, placed[1].w), (80, 80));
        assert_eq!((placed[2].y, placed[2].w, placed[2].h), (5, 160, 10));
    }

    #[test]
    fn collapsed_rows_hide_children_and_close_the_gap() {
        let d = Dashboard {
            panels: vec![Arc::new(panel(0, 1, 24, 8)), Arc::new(panel(0, 10, 24, 8))],
            rows: vec![
                Row {
                    title: "A".into(),
                    grid: GridPos {
                        x: 0,
                        y: 0,
                        w: 24,
                        h: 1,
                    },
                    panels: vec![0],
                    ..Row::default()
                },
                Row {
                    title: "B".into(),
                    grid: GridPos {
                        x: 0,
                        y: 9,
                        w: 24,
                        h: 1,
                    },
                    panels: vec![1],
                    ..Row::default()
                },
            ],
            ..Dashboard::default()
        };
        let open = layout(&d, 80, &|_| false);
        assert_eq!(
            open.iter().map(|p| p.item).collect::<Vec<_>>(),
            vec![Item::Row(0), Item::Panel(0), Item::Row(1), Item::Panel(1)]
        );
        assert_eq!(
            open[2].y, 11,
            "row B below row A (1 line) and its panel (10 lines)"
        );
        let shut = layout(&d, 80, &|r| r == 0);
        assert_eq!(
            shut.iter().map(|p| p.item).collect::<Vec<_>>(),
            vec![Item::Row(0), Item::Row(1), Item::Panel(1)]
        );
        assert_eq!(shut[1].y, 1, "row B moves up under row A");
        assert_eq!(page_height(&shut), 12);
    }

    #[test]
    fn tiny_panels_keep_room_for_a_title() {
        let d = Dashboard {
            panels: vec![Arc::new(panel(0, 0, 1, 1))],
            ..Dashboard::default()
        };
        let placed = layout(&d, 20, &|_| false);
        assert_eq!(placed[0].h, MIN_PANEL_LINES);
        assert!(placed[0].w >= 1);
    }
}
