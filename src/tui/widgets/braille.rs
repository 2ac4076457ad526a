//! A braille dot canvas for the time-series graph: 2×4 dots per cell, world coordinates mapped
//! to dots exactly as ratatui's `Canvas` maps them (so series line up with `Chart`'s axes), but
//! drawn with integer line stepping into one flat grid per layer. Drawing hundreds of series
//! through ratatui's shape painter cost a float clip, two roundings and a bounds-checked paint
//! per segment and dot; here a segment inside the bounds is mapped once per point.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

/// A dot's column and row on the canvas (row 0 at the top).
type Dot = (i32, i32);

/// Unicode braille dot bits by (row, column) inside a cell.
const DOT_BITS: [[u8; 2]; 4] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];

/// One layer of dots: a pattern and the colour of the last dot painted, per cell.
struct Layer {
    patterns: Vec<u8>,
    colours: Vec<Color>,
}

impl Layer {
    fn new(cells: usize) -> Self {
        Layer {
            patterns: vec![0; cells],
            colours: vec![Color::Reset; cells],
        }
    }
}

/// Dots per world unit over `bounds` with `dots` dots (`dots - 1` steps, as ratatui maps
/// them); 0 for an empty, inverted or infinite span, which draws nothing.
fn dots_per_unit((a, b): (f64, f64), dots: usize) -> f64 {
    let span = b - a;
    if span > 0.0 && span.is_finite() && dots > 1 {
        (dots - 1) as f64 / span
    } else {
        0.0
    }
}

/// World → dot mapping and the layers painted so far.
pub struct BrailleCanvas {
    width: usize,
    height: usize,
    x_bounds: (f64, f64),
    y_bounds: (f64, f64),
    /// Dots per world unit, along x and y (`resolution - 1` over the span, as ratatui).
    x_scale: f64,
    y_scale: f64,
    layers: Vec<Layer>,
}

impl BrailleCanvas {
    /// A canvas of `width`×`height` cells over the given world bounds. Empty or inverted
    /// bounds give a canvas that draws nothing.
    pub fn new(width: u16, height: u16, x_bounds: (f64, f64), y_bounds: (f64, f64)) -> Self {
        let (width, height) = (usize::from(width), usize::from(height));
        BrailleCanvas {
            width,
            height,
            x_bounds,
            y_bounds,
            x_scale: dots_per_unit(x_bounds, width * 2),
            y_scale: dots_per_unit(y_bounds, height * 4),
            layers: vec![Layer::new(width * height)],
        }
    }

    /// Map world y from now on over `y_bounds` (a series on a second scale), same dots.
    pub fn set_y_bounds(&mut self, y_bounds: (f64, f64)) {
        self.y_bounds = y_bounds;
        self.y_scale = dots_per_unit(y_bounds, self.height * 4);
    }

    /// Start a new layer: where a later layer has dots in a cell, its dots replace the earlier
    /// ones there (a line over an area fill stays readable).
    pub fn layer(&mut self) {
        self.layers.push(Layer::new(self.width * self.height));
    }

    fn usable(&self) -> bool {
        self.x_scale > 0.0 && self.y_scale > 0.0
    }

    fn inside(&self, x: f64, y: f64) -> bool {
        x >= self.x_bounds.0 && x <= self.x_bounds.1 && y >= self.y_bounds.0 && y <= self.y_bounds.1
    }

    /// The dot of a world point known to be inside the bounds (row 0 at the top).
    fn dot(&self, x: f64, y: f64) -> Dot {
        // Non-negative, so adding a half and truncating rounds as `f64::round` does.
        let dx = ((x - self.x_bounds.0) * self.x_scale + 0.5) as i32;
        let dy = ((self.y_bounds.1 - y) * self.y_scale + 0.5) as i32;
        (dx, dy)
    }

    fn paint(&mut self, x: i32, y: i32, colour: Color) {
        let (x, y) = (x as usize, y as usize);
        let (column, row) = (x / 2, y / 4);
        if column >= self.width || row >= self.height {
            return;
        }
        let index = row * self.width + column;
        let Some(layer) = self.layers.last_mut() else {
            return;
        };
        layer.patterns[index] |= DOT_BITS[y % 4][x % 2];
        layer.colours[index] = colour;
    }

    /// Dots from `a` to `b` by Bresenham's rule, stepping along the longer axis from the
    /// left (or top) end, so ties fall the same way as in ratatui's canvas.
    fn dot_line(&mut self, a: Dot, b: Dot, colour: Color) {
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if dx == 0 {
            for y in a.1.min(b.1)..=a.1.max(b.1) {
                self.paint(a.0, y, colour);
            }
        } else if dy == 0 {
            for x in a.0.min(b.0)..=a.0.max(b.0) {
                self.paint(x, a.1, colour);
            }
        } else if dy < dx {
            let (from, to) = if a.0 > b.0 { (b, a) } else { (a, b) };
            let step = if from.1 > to.1 { -1 } else { 1 };
            let (mut y, mut d) = (from.1, 2 * dy - dx);
            for x in from.0..=to.0 {
                self.paint(x, y, colour);
                if d > 0 {
                    y += step;
                    d -= 2 * dx;
                }
                d += 2 * dy;
            }
        } else {
            let (from, to) = if a.1 > b.1 { (b, a) } else { (a, b) };
            let step = if from.0 > to.0 { -1 } else { 1 };
            let (mut x, mut d) = (from.0, 2 * dx - dy);
            for y in from.1..=to.1 {
                self.paint(x, y, colour);
                if d > 0 {
                    x += step;
                    d -= 2 * dy;
                }
                d += 2 * dx;
            }
        }
    }

    /// A straight segment between two world points, clipped to the bounds.
    pub fn line(&mut self, a: (f64, f64), b: (f64, f64), colour: Color) {
        if !self.usable() {
            return;
        }
        if self.inside(a.0, a.1) && self.inside(b.0, b.1) {
            let (da, db) = (self.dot(a.0, a.1), self.dot(b.0, b.1));
            self.dot_line(da, db, colour);
        } else if let Some((a, b)) = self.clip(a, b) {
            let (da, db) = (self.dot(a.0, a.1), self.dot(b.0, b.1));
            self.dot_line(da, db, colour);
        }
    }

    /// A polyline through `points` (each point is mapped once; segments leaving the bounds
    /// are clipped). A single point is drawn as a dot. More points than dot columns are drawn
    /// as each column's envelope (see `envelope`): the same dots, far fewer segments.
    pub fn polyline(&mut self, points: &[(f64, f64)], colour: Color) {
        if !self.usable() {
            return;
        }
        if let [only] = points {
            self.point(*only, colour);
            return;
        }
        if points.len() > self.width * 2 {
            self.polyline_in_runs(points, colour);
        } else {
            self.polyline_through(points, colour);
        }
    }

    /// The same dots as `polyline_through`, for more points than dot columns: consecutive
    /// points inside the bounds that fall in one dot column only extend that column's vertical
    /// run (the segments between them are vertical), painted once as its lowest to highest
    /// dot; a line is drawn only where the polyline moves to another column or leaves the
    /// bounds. No point is skipped, so every spike and dip reaches its row.
    fn polyline_in_runs(&mut self, points: &[(f64, f64)], colour: Color) {
        // The dot column and lowest and highest dot row of the run being built.
        let mut run: Option<(i32, i32, i32)> = None;
        let mut previous: Option<((f64, f64), Option<Dot>)> = None;
        let mut next = 0;
        while let Some(&p) = points.get(next) {
            next += 1;
            // Most points fall in the column of the point before them: skip mapping each.
            if let (Some((q, Some(_))), Some(run)) = (previous, run.as_mut()) {
                let (taken, last) = self.extend_run(run, q, &points[next - 1..]);
                if taken > 0 {
                    next += taken - 1;
                    previous = Some((last, Some(self.dot(last.0, last.1))));
                    continue;
                }
            }
            let here = self.inside(p.0, p.1).then(|| self.dot(p.0, p.1));
            match (previous, here, &mut run) {
                (Some((_, Some(a))), Some(b), Some((column, low, high))) if a.0 == b.0 => {
                    debug_assert_eq!(*column, b.0);
                    *low = (*low).min(b.1);
                    *high = (*high).max(b.1);
                }
                (Some((q, there)), _, _) => {
                    self.paint_run(run.take(), colour);
                    match (there, here) {
                        (Some(a), Some(b)) => self.dot_line(a, b, colour),
                        _ => self.line(q, p, colour),
                    }
                    run = here.map(|b| (b.0, b.1, b.1));
                }
                (None, _, _) => run = here.map(|b| (b.0, b.1, b.1)),
            }
            previous = Some((p, here));
        }
        self.paint_run(run, colour);
    }

    /// How many of `points` (following `from`, a point inside the bounds in the run's column)
    /// stay in that column inside the bounds, widening the run by their highest and lowest
    /// rows, and the last of them. Only x is compared per point (against the column's right
    /// edge, less a margin for rounding, so a point near the edge takes the exact path): the
    /// same rows as mapping each, since a row only falls as y rises.
    fn extend_run(
        &self,
        (column, low, high): &mut (i32, i32, i32),
        from: (f64, f64),
        points: &[(f64, f64)],
    ) -> (usize, (f64, f64)) {
        let edge = self.x_bounds.0 + (f64::from(*column) + 0.5 - 1e-6) / self.x_scale;
        let right = edge.min(self.x_bounds.1);
        let (bottom, top) = self.y_bounds;
        let (mut least, mut most) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut taken = 0;
        for &(x, y) in points {
            if !(x >= from.0 && x < right && y >= bottom && y <= top) {
                break;
            }
            least = least.min(y);
            most = most.max(y);
            taken += 1;
        }
        if taken == 0 {
            return (0, from);
        }
        *low = (*low).min(self.dot(from.0, most).1);
        *high = (*high).max(self.dot(from.0, least).1);
        (taken, points[taken - 1])
    }

    fn paint_run(&mut self, run: Option<(i32, i32, i32)>, colour: Color) {
        if let Some((column, low, high)) = run {
            for y in low..=high {
                self.paint(column, y, colour);
            }
        }
    }

    /// The dot column a world x falls in, when inside the x bounds.
    fn dot_column(&self, x: f64) -> Option<i32> {
        (x >= self.x_bounds.0 && x <= self.x_bounds.1)
            .then_some(((x - self.x_bounds.0) * self.x_scale + 0.5) as i32)
    }

    /// The points of a polyline that draw the same dots as all of them: per dot column, the
    /// first and last point that fall in it (so the line into and out of the column is the
    /// same) and its lowest and highest (so every spike and dip reaches its row), in time
    /// order. Inside one column the line between them is vertical, and a vertical run from
    /// first through min and max to last covers every dot the full run covers. Gaps
    /// (non-finite values) and points outside the x bounds are kept as they are.
    pub fn envelope(&self, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(self.width * 2 * 4 + 8);
        // Indices into `points` of the current column's first, lowest, highest and last point.
        let mut column: Option<(i32, [usize; 4])> = None;
        let flush = |column: &mut Option<(i32, [usize; 4])>, out: &mut Vec<(f64, f64)>| {
            if let Some((_, [first, low, high, last])) = column.take() {
                let (a, b) = if low <= high {
                    (low, high)
                } else {
                    (high, low)
                };
                let mut previous = None;
                for i in [first, a, b, last] {
                    if previous != Some(i) {
                        out.push(points[i]);
                        previous = Some(i);
                    }
                }
            }
        };
        for (i, &(x, y)) in points.iter().enumerate() {
            let dot = self.dot_column(x).filter(|_| y.is_finite());
            match (dot, &mut column) {
                (Some(d), Some((current, [_, low, high, last]))) if *current == d => {
                    if y < points[*low].1 {
                        *low = i;
                    }
                    if y > points[*high].1 {
                        *high = i;
                    }
                    *last = i;
                }
                (Some(d), _) => {
                    flush(&mut column, &mut out);
                    column = Some((d, [i; 4]));
                }
                (None, _) => {
                    flush(&mut column, &mut out);
                    out.push((x, y));
                }
            }
        }
        flush(&mut column, &mut out);
        out
    }

    fn polyline_through(&mut self, points: &[(f64, f64)], colour: Color) {
        // The previous world point and its dot, when it was inside the bounds.
        let mut previous: Option<((f64, f64), Option<Dot>)> = None;
        for &p in points {
            let here = self.inside(p.0, p.1).then(|| self.dot(p.0, p.1));
            if let Some((q, there)) = previous {
                match (there, here) {
                    (Some(a), Some(b)) => self.dot_line(a, b, colour),
                    _ => self.line(q, p, colour),
                }
            }
            previous = Some((p, here));
        }
    }

    /// One dot, if inside the bounds.
    pub fn point(&mut self, p: (f64, f64), colour: Color) {
        if self.usable() && self.inside(p.0, p.1) {
            let (x, y) = self.dot(p.0, p.1);
            self.paint(x, y, colour);
        }
    }

    /// The part of segment a→b inside the bounds (Liang–Barsky), if any.
    fn clip(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        let edges = [
            (-dx, a.0 - self.x_bounds.0),
            (dx, self.x_bounds.1 - a.0),
            (-dy, a.1 - self.y_bounds.0),
            (dy, self.y_bounds.1 - a.1),
        ];
        for (p, q) in edges {
            if !p.is_finite() || !q.is_finite() {
                return None;
            }
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return None;
                }
            }
        }
        let at = |t: f64| {
            (
                (a.0 + t * dx).clamp(self.x_bounds.0, self.x_bounds.1),
                (a.1 + t * dy).clamp(self.y_bounds.0, self.y_bounds.1),
            )
        };
        Some((at(t0), at(t1)))
    }

    /// Write the dots into `buf` at `area` (whose size the canvas was made with): every cell
    /// with dots gets its braille character and the colour of its last dot; cells without
    /// dots are left as they are.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        for row in 0..self.height.min(usize::from(area.height)) {
            for column in 0..self.width.min(usize::from(area.width)) {
                let index = row * self.width + column;
                let Some(layer) = self.layers.iter().rev().find(|l| l.patterns[index] != 0) else {
                    continue;
                };
                let symbol =
                    char::from_u32(0x2800 + u32::from(layer.patterns[index])).unwrap_or('⣿');
                let cell = &mut buf[(area.x + column as u16, area.y + row as u16)];
                cell.set_char(symbol);
                cell.set_fg(layer.colours[index]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(canvas: &BrailleCanvas, w: u16, h: u16) -> Vec<String> {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        canvas.render(area, &mut buf);
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect()
    }

    #[test]
    fn corners_map_to_the_corner_dots() {
        let mut c = BrailleCanvas::new(2, 1, (0.0, 1.0), (0.0, 1.0));
        c.point((0.0, 1.0), Color::Red); // top left
        c.point((1.0, 0.0), Color::Red); // bottom right
        assert_eq!(drawn(&c, 2, 1), vec!["⠁⢀"]);
    }

    #[test]
    fn a_horizontal_line_fills_one_dot_row_across() {
        let mut c = BrailleCanvas::new(3, 1, (0.0, 10.0), (0.0, 10.0));
        c.line((0.0, 10.0), (10.0, 10.0), Color::Red);
        assert_eq!(drawn(&c, 3, 1), vec!["⠉⠉⠉"]);
    }

    #[test]
    fn a_diagonal_has_one_dot_per_column_and_row() {
        let mut c = BrailleCanvas::new(2, 1, (0.0, 3.0), (0.0, 3.0));
        c.line((0.0, 3.0), (3.0, 0.0), Color::Red);
        // dots (0,0) (1,1) (2,2) (3,3): ⠑ is dots 1 and 5, ⢄ is dots 3 and 8.
        assert_eq!(drawn(&c, 2, 1), vec!["⠑⢄"]);
    }

    #[test]
    fn segments_leaving_the_bounds_are_clipped_not_dropped() {
        let mut c = BrailleCanvas::new(2, 1, (0.0, 3.0), (0.0, 3.0));
        // From far left to far right at mid height: crosses the whole canvas.
        c.polyline(&[(-100.0, 1.0), (100.0, 1.0)], Color::Red);
        let row = &drawn(&c, 2, 1)[0];
        assert_eq!(row.chars().count(), 2);
        assert!(row.chars().all(|ch| ch != ' '), "{row:?}");
        // Entirely outside: nothing.
        let mut c = BrailleCanvas::new(2, 1, (0.0, 3.0), (0.0, 3.0));
        c.line((-5.0, 10.0), (-1.0, 20.0), Color::Red);
        assert_eq!(drawn(&c, 2, 1), vec!["  "]);
    }

    #[test]
    fn a_later_layer_replaces_dots_where_it_draws() {
        let mut c = BrailleCanvas::new(2, 1, (0.0, 3.0), (0.0, 3.0));
        c.line((0.0, 0.0), (3.0, 0.0), Color::Blue); // bottom row, both cells
        c.layer();
        c.point((0.0, 3.0), Color::Red); // top-left dot only
        let area = Rect::new(0, 0, 2, 1);
        let mut buf = Buffer::empty(area);
        c.render(area, &mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "⠁");
        assert_eq!(buf[(0, 0)].fg, Color::Red);
        assert_eq!(buf[(1, 0)].symbol(), "⣀");
        assert_eq!(buf[(1, 0)].fg, Color::Blue);
    }

    #[test]
    fn nan_infinite_and_empty_bounds_draw_nothing_and_do_not_panic() {
        let mut c = BrailleCanvas::new(2, 1, (0.0, 0.0), (0.0, 1.0));
        c.line((0.0, 0.0), (0.0, 1.0), Color::Red);
        let mut d = BrailleCanvas::new(2, 1, (0.0, 1.0), (0.0, 1.0));
        d.polyline(
            &[(0.0, f64::NAN), (1.0, f64::INFINITY), (0.5, 0.5)],
            Color::Red,
        );
        d.point((f64::NAN, 0.5), Color::Red);
        assert_eq!(drawn(&c, 2, 1), vec!["  "]);
        assert_eq!(drawn(&d, 2, 1), vec!["  "]);
        // The valid segment after the gap is drawn.
        d.polyline(&[(0.0, f64::NAN), (0.0, 0.0), (1.0, 0.0)], Color::Red);
        assert_eq!(drawn(&d, 2, 1), vec!["⣀⣀"]);
    }

    /// Deterministic pseudo-random numbers in [0, 1).
    fn noise(seed: &mut u64) -> f64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        (*seed % 10_000) as f64 / 10_000.0
    }

    #[test]
    fn the_envelope_draws_the_same_dots_as_every_point() {
        let (w, h, xb, yb) = (23_u16, 7_u16, (0.0, 5_000.0), (0.0, 10.0));
        let mut seed = 0x9e37_79b9_u64;
        // 5,000 points over 46 dot columns: noise, spikes, a dip below the bounds, a gap, and
        // points before and after the x range.
        let mut points: Vec<(f64, f64)> = (0..5_000)
            .map(|i| (f64::from(i), 3.0 + noise(&mut seed) * 2.0))
            .collect();
        points[1_234].1 = 9.9;
        points[2_000].1 = -4.0;
        points[3_000].1 = f64::NAN;
        points[4_321].1 = 12.0;
        points.insert(0, (-50.0, 5.0));
        points.push((5_050.0, 1.0));
        let mut all = BrailleCanvas::new(w, h, xb, yb);
        all.polyline_through(&points, Color::Red);
        let mut reduced = BrailleCanvas::new(w, h, xb, yb);
        reduced.polyline(&points, Color::Red);
        assert!(reduced.envelope(&points).len() <= usize::from(w) * 2 * 4 + 8);
        assert_eq!(drawn(&reduced, w, h), drawn(&all, w, h));
    }

    #[test]
    fn runs_draw_the_same_dots_as_every_segment_over_uneven_bounds() {
        // Fractional x steps that land points on and near column edges, values that leave the
        // y bounds, a NaN gap and out-of-order x.
        for (seed, w, h) in [
            (0x51ed_u64, 31_u16, 9_u16),
            (0xbeef, 64, 12),
            (0x1234, 7, 3),
        ] {
            let mut seed = seed;
            let (xb, yb) = ((-3.25, 1_000.75), (0.5, 7.5));
            let mut points: Vec<(f64, f64)> = (0..4_000)
                .map(|i| (-10.0 + f64::from(i) * 0.2531, noise(&mut seed) * 8.0))
                .collect();
            points[777].1 = f64::NAN;
            points.swap(1_500, 1_502);
            let mut all = BrailleCanvas::new(w, h, xb, yb);
            all.polyline_through(&points, Color::Red);
            let mut runs = BrailleCanvas::new(w, h, xb, yb);
            runs.polyline_in_runs(&points, Color::Red);
            assert_eq!(drawn(&runs, w, h), drawn(&all, w, h), "{w}x{h}");
        }
    }

    #[test]
    fn a_one_point_spike_among_thousands_reaches_its_row() {
        let (w, h) = (20_u16, 5_u16);
        let mut points: Vec<(f64, f64)> = (0..10_000).map(|i| (f64::from(i), 1.0)).collect();
        points[6_543].1 = 100.0;
        let mut c = BrailleCanvas::new(w, h, (0.0, 9_999.0), (0.0, 100.0));
        c.polyline(&points, Color::Red);
        let rows = drawn(&c, w, h);
        // The top row holds only the spike; the bottom row the flat line.
        assert!(rows[0].chars().any(|ch| ch != ' '), "{rows:?}");
        assert_eq!(
            rows[0].chars().filter(|&ch| ch != ' ').count(),
            1,
            "{rows:?}"
        );
        let column = rows[0].chars().position(|ch| ch != ' ').unwrap();
        assert_eq!(column, 6_543 * 40 / 10_000 / 2);
    }

    #[test]
    fn segments_inside_the_bounds_match_ratatuis_canvas_dot_for_dot() {
        use ratatui::symbols::Marker;
        use ratatui::widgets::Widget;
        use ratatui::widgets::canvas::{Canvas, Line as Segment};
        // Deterministic pseudo-random segments over an odd-sized canvas and uneven bounds.
        let (w, h, xb, yb) = (37_u16, 11_u16, (-3.5, 120.25), (0.125, 9.75));
        let mut seed = 0x2545_f491_u64;
        let mut next = |lo: f64, hi: f64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            lo + (seed % 10_000) as f64 / 10_000.0 * (hi - lo)
        };
        let segments: Vec<((f64, f64), (f64, f64))> = (0..60)
            .map(|_| {
                (
                    (next(xb.0, xb.1), next(yb.0, yb.1)),
                    (next(xb.0, xb.1), next(yb.0, yb.1)),
                )
            })
            .collect();
        let mut ours = BrailleCanvas::new(w, h, xb, yb);
        for &(a, b) in &segments {
            ours.line(a, b, Color::Red);
        }
        let area = Rect::new(0, 0, w, h);
        let mut theirs = Buffer::empty(area);
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([xb.0, xb.1])
            .y_bounds([yb.0, yb.1])
            .paint(|ctx| {
                for &(a, b) in &segments {
                    ctx.draw(&Segment::new(a.0, a.1, b.0, b.1, Color::Red));
                }
            })
            .render(area, &mut theirs);
        let theirs: Vec<String> = (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| theirs[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect();
        assert_eq!(drawn(&ours, w, h), theirs);
    }
}
