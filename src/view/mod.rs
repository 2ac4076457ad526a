//! View models: what a widget draws, already reduced, formatted and coloured.
//!
//! Built from a panel's config and its data by pure functions (`build`), so widgets know nothing
//! of JSON or Prometheus and the numbers can be checked without a terminal.

pub mod axes;
pub mod build;
pub mod display;
pub mod frames;
pub mod heatmap;
pub mod histogram;
pub mod pie;
pub mod states;
pub mod svg;
pub mod table;
mod table_sort;
pub mod text;
pub mod transform;
pub mod waterfall;

/// A colour resolved for drawing (the theme has already been applied): Grafana's own type.
pub use crate::grafana::colors::Rgb;

#[derive(Debug, Clone, PartialEq)]
pub struct PanelView {
    pub title: String,
    pub body: PanelBody,
    /// Query errors to show inside the panel (the rest of the panel may still draw).
    pub errors: Vec<String>,
    /// The data shown is older than the last refresh (which failed): drawn dimmed.
    pub stale: bool,
    /// Not errors but worth a line: truncation, Prometheus warnings and infos.
    pub notes: Vec<String>,
}

// One body per panel, built once per refresh and kept in place: boxing the time-series view
// would save a few hundred bytes per panel at the cost of churn in every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum PanelBody {
    Stat(StatView),
    TimeSeries(TimeSeriesView),
    Heatmap(HeatmapView),
    Table(TableView),
    Gauge(GaugeView),
    /// State timeline and status history: one row of coloured states per series.
    States(StatesView),
    /// Pie chart as sorted horizontal bars of each slice's share.
    Pie(PieView),
    /// Histogram: counts of values per bucket, as vertical bars.
    Histogram(HistogramView),
    /// A text panel's content as plain lines.
    Text(Vec<String>),
    /// A logs panel: its lines, levelled, sorted and deduplicated.
    Logs(LogsView),
    /// A panel that shows a message instead of data: loading, no data, error, unsupported.
    Message {
        kind: MessageKind,
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Loading,
    NoData,
    Error,
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatColorMode {
    #[default]
    Value,
    Background,
    None,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatView {
    pub values: Vec<StatValue>,
    pub color_mode: StatColorMode,
    /// Show each value's name above it (several values, or textMode value_and_name).
    pub show_names: bool,
    pub show_values: bool,
    pub sparkline: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatValue {
    pub name: String,
    /// The value as Grafana displays it, unit included (`231 ms`, `99.6%`).
    pub text: String,
    pub color: Option<Rgb>,
    /// Threshold state as words, so state never rests on colour alone (`crit`, `warn`, `ok`).
    pub state: Option<String>,
    pub sparkline: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeSeriesView {
    pub series: Vec<PlotSeries>,
    /// x in ms since the epoch.
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// Evenly spaced labels from the bottom to the top of the y range.
    pub y_labels: Vec<String>,
    /// A second scale on the right, for the series with `right` set.
    pub right_axis: Option<YAxis>,
    /// Evenly spaced labels from the left to the right of the x range.
    pub x_labels: Vec<String>,
    pub legend: Legend,
    /// Threshold lines to draw (value, colour).
    pub threshold_lines: Vec<(f64, Rgb)>,
    /// Whether the lines are dashed (`custom.thresholdsStyle` `dashed`, `dashed+area`).
    pub threshold_dashed: bool,
    /// Bands behind the data from one threshold to the next (low, high, fill colour already
    /// blended with the background) for the `area` styles.
    pub threshold_bands: Vec<(f64, f64, Rgb)>,
    /// Unit and decimals of the values, for the cursor read-out.
    pub unit: Option<String>,
    pub decimals: Option<u32>,
    /// Instants marked with a vertical line (when the alert being triaged fired).
    pub markers: Vec<TimeMarker>,
    /// Dashboard annotation events, drawn as markers too (kept apart from `markers`, which the
    /// UI replaces when the triaged alert changes).
    pub annotations: Vec<TimeMarker>,
    /// Points are log(value) in this base (a log y axis); the cursor reads them back.
    pub log_base: Option<f64>,
    /// Exemplars drawn as glyphs at (time, value); the selected one stands out.
    pub exemplars: Vec<ExemplarMark>,
}

/// A value in the y axis' coordinates: its logarithm on a log axis (NaN where there is none),
/// so anything placed by value (points, thresholds, exemplars) lands where the scale puts it.
pub fn to_axis(v: f64, log_base: Option<f64>) -> f64 {
    match log_base {
        Some(base) if v > 0.0 => v.log(base),
        Some(_) => f64::NAN,
        None => v,
    }
}

/// A y axis: its range (in the points' coordinates) and labels from bottom to top.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct YAxis {
    pub range: (f64, f64),
    pub labels: Vec<String>,
}

/// One exemplar on a time series: a traced request at its time and observed value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExemplarMark {
    pub at_ms: f64,
    pub value: f64,
    pub selected: bool,
}

/// A vertical line across a time series at one instant, with a short label; with `end_ms`
/// a region (an annotation with a duration) from `at_ms` to `end_ms`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeMarker {
    pub at_ms: f64,
    pub label: String,
    pub end_ms: Option<f64>,
    /// The annotation's `iconColor`; the theme's warning colour when `None`.
    pub color: Option<Rgb>,
}

/// Gauge and bar gauge: a bar per value, filled to its place between min and max.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GaugeView {
    pub items: Vec<GaugeItem>,
    pub orientation: BarOrientation,
    pub mode: GaugeMode,
    /// Draw the empty rest of each bar (`showUnfilled`).
    pub show_unfilled: bool,
    /// A gauge (not a bar gauge): min and max under the bar, and threshold markers.
    pub min_max: Option<(String, String)>,
    /// Threshold steps as (fraction of the bar where the step starts, colour); the first
    /// starts at 0. Gradient and LCD bars colour each cell by the step it lies in.
    pub scale: Vec<(f64, Rgb)>,
    /// Mark where each threshold step starts (gauge `showThresholdMarkers`).
    pub threshold_markers: bool,
}

/// Which way bars run (`options.orientation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BarOrientation {
    /// Bars across, one under another.
    #[default]
    Horizontal,
    /// Bars up, side by side.
    Vertical,
    /// As Grafana's bar gauge: up when the panel is wider than tall, else across.
    Auto,
}

impl BarOrientation {
    /// Grafana decides `auto` on the panel's size in pixels; a terminal cell is about twice
    /// as tall as it is wide, so `width × 1` is compared with `height × 2`.
    pub fn is_vertical(self, width: u16, height: u16) -> bool {
        match self {
            BarOrientation::Horizontal => false,
            BarOrientation::Vertical => true,
            BarOrientation::Auto => u32::from(width) > 2 * u32::from(height),
        }
    }
}

/// Bar gauge `displayMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GaugeMode {
    #[default]
    Basic,
    Gradient,
    Lcd,
}

/// One row per series, time across, each state a coloured span.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatesView {
    pub rows: Vec<StateRow>,
    pub x_range: (f64, f64),
    pub x_labels: Vec<String>,
    /// Every state seen, in order of first appearance (text and colour).
    pub legend: Vec<StateLegend>,
    pub show_values: ShowValues,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateRow {
    pub name: String,
    pub spans: Vec<StateSpan>,
}

/// A state from `start_ms` to `end_ms`; `state` indexes `StatesView::legend`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateSpan {
    pub start_ms: f64,
    pub end_ms: f64,
    pub text: String,
    pub color: Rgb,
    pub state: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateLegend {
    pub text: String,
    pub color: Rgb,
}

/// `showValue`: `auto` shows a span's text where it fits, `always` even cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShowValues {
    #[default]
    Auto,
    Always,
    Never,
}

/// Pie chart slices, largest first, with what Grafana would label them with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PieView {
    pub slices: Vec<PieSlice>,
    pub show_value: bool,
    pub show_percent: bool,
    /// `pieType: donut`: said in the panel, since the bars look the same either way.
    pub donut: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PieSlice {
    pub name: String,
    /// The reduced value as Grafana displays it.
    pub text: String,
    /// Share of the total, 0..1.
    pub share: f64,
    pub percent_text: String,
    pub color: Rgb,
}

/// Counts of values per bucket; `counts[series][bucket]`, stacked when several series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistogramView {
    /// Lower bound of each bucket (all `bucket_size` wide).
    pub bucket_starts: Vec<f64>,
    pub bucket_size: f64,
    pub series: Vec<HistogramSeries>,
    /// Bucket bounds formatted in the field's unit: first lower, middle, last upper.
    pub x_labels: Vec<String>,
    pub max_count: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistogramSeries {
    pub name: String,
    pub color: Rgb,
    pub counts: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GaugeItem {
    pub name: String,
    pub text: String,
    /// 0..1 between min and max.
    pub fraction: f64,
    pub color: Rgb,
    pub state: Option<String>,
}

/// A table: headers, and rows of cells (numbers right-aligned, optionally coloured).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableView {
    pub headers: Vec<String>,
    /// Which columns hold numbers (right-aligned).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<TableCell>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableCell {
    pub text: String,
    pub color: Option<Rgb>,
    /// The number behind the text, for sorting.
    pub number: Option<f64>,
}

/// Buckets over time: `counts[bucket][time]`, bucket 0 the lowest bound.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeatmapView {
    pub times: Vec<f64>,
    /// Upper bound of each bucket, formatted with the y-axis unit.
    pub bucket_labels: Vec<String>,
    pub counts: Vec<Vec<f64>>,
    pub max: f64,
    pub x_range: (f64, f64),
}

/// A logs panel's lines in the order drawn, after deduplication.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogsView {
    pub rows: Vec<LogRow>,
    /// `showTime`: each row starts with its time.
    pub show_time: bool,
    /// `wrapLogMessage`: long lines wrap instead of being cut at the edge.
    pub wrap: bool,
    /// Lines before deduplication (rows fold their duplicates in).
    pub total: usize,
    /// `sortOrder` is `Descending` (the default): newest first.
    pub newest_first: bool,
}

/// One line of a logs panel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogRow {
    pub at_ms: i64,
    /// The time as Grafana's logs panel shows it (`YYYY-MM-DD HH:mm:ss.SSS`).
    pub time: String,
    pub level: crate::data::logs::LogLevel,
    pub line: String,
    pub labels: std::collections::BTreeMap<String, String>,
    /// Following lines folded into this one by `dedupStrategy`.
    pub duplicates: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlotSeries {
    pub name: String,
    pub color: Rgb,
    pub points: Vec<(f64, f64)>,
    pub style: DrawStyle,
    /// Area under the line, in this colour (`fillOpacity` already blended in).
    pub fill: Option<Rgb>,
    /// Drawn against the right axis (`TimeSeriesView::right_axis`).
    pub right: bool,
    /// The series' own unit and decimals, for the cursor read-out.
    pub unit: Option<String>,
    pub decimals: Option<u32>,
}

/// `custom.drawStyle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DrawStyle {
    #[default]
    Line,
    Bars,
    Points,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Legend {
    pub visible: bool,
    pub placement_right: bool,
    /// `displayMode: table`: one series per line (with its calcs), not a flowing list.
    pub table: bool,
    /// Column headers of calc values (`Mean`, `Max`, `Last *`); empty for a plain list.
    pub calcs: Vec<String>,
    pub entries: Vec<LegendEntry>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LegendEntry {
    pub name: String,
    pub color: Rgb,
    pub values: Vec<String>,
}
