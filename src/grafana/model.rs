//! The typed, normalised dashboard model every other module uses.
//!
//! The loader (`load.rs` + `migrate.rs`) turns any generation of Grafana dashboard JSON into these
//! types: legacy rows become grid positions, old panel types become their modern equivalents,
//! datasource references are normalised. Nothing outside `grafana::load`/`grafana::migrate`
//! reads raw dashboard JSON; parts Grafana itself ignores are not represented here.

use serde::Serialize;
use std::sync::Arc;

/// A whole dashboard after loading and migration.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dashboard {
    pub title: String,
    pub uid: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// As declared in the file (migrations key off content, not this number).
    pub schema_version: i64,
    /// Default time range, Grafana syntax (`now-6h`, `now`, or an absolute time).
    pub time: TimeRangeSpec,
    /// Auto-refresh interval as written (`30s`), `None` when off.
    pub refresh: Option<String>,
    /// `browser`, `utc` or an IANA zone; `None` means browser (local).
    pub timezone: Option<String>,
    /// Refresh intervals offered by the time picker (`timepicker.refresh_intervals`).
    pub refresh_intervals: Vec<String>,
    pub variables: Vec<Variable>,
    /// Every non-row panel in layout order (by `gridPos.y`, then `x`), including the children of
    /// collapsed rows. Repeats are not expanded here. Shared: the dashboard as drawn each
    /// refresh (repeats expanded, titles interpolated) shares every panel it does not change,
    /// so a dashboard of thousands of panels is held about once, not once per refresh.
    pub panels: Vec<Arc<Panel>>,
    /// Row headers (type `row` panels, or rows created from legacy `rows[]`).
    pub rows: Vec<Row>,
    pub links: Vec<DashboardLink>,
    pub annotations: Vec<Annotation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeRangeSpec {
    pub from: String,
    pub to: String,
}

impl Default for TimeRangeSpec {
    fn default() -> Self {
        TimeRangeSpec {
            from: "now-6h".into(),
            to: "now".into(),
        }
    }
}

/// Position on Grafana's 24-column grid; `h` is in grid units (30 px each in Grafana).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct GridPos {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    pub id: Option<i64>,
    pub title: String,
    pub grid: GridPos,
    pub collapsed: bool,
    /// Variable name the whole row repeats over.
    pub repeat: Option<String>,
    /// Indices into `Dashboard::panels` of the panels that belong to this row.
    pub panels: Vec<usize>,
}

/// A datasource reference after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DatasourceRef {
    /// `null`, missing, or `"default"`: the default datasource.
    Default,
    /// A `$variable` reference (string form or `{uid: "$ds"}`).
    Variable { name: String },
    /// A concrete datasource by uid and/or name, with its plugin type when known.
    Named {
        uid: Option<String>,
        name: Option<String>,
        r#type: Option<String>,
    },
    /// Grafana's built-in `-- Grafana --`, `-- Mixed --` or `-- Dashboard --` datasources.
    Builtin { name: String },
}

/// Datasource plugin types that answer the Prometheus HTTP API (PromQL) through Grafana's
/// proxy: Grafana's own, and the managed Prometheus of Amazon and of Azure Monitor (Mimir,
/// Cortex and Thanos use the first).
pub const PROMETHEUS_TYPES: &[&str] = &[
    "prometheus",
    "grafana-amazonprometheus-datasource",
    "grafana-azureprometheus-datasource",
];

/// Whether a datasource plugin type speaks PromQL as Prometheus does.
pub fn is_prometheus_type(plugin_type: &str) -> bool {
    PROMETHEUS_TYPES.contains(&plugin_type)
}

impl DatasourceRef {
    /// Plugin type when known (`prometheus`, `loki`, ...).
    pub fn plugin_type(&self) -> Option<&str> {
        match self {
            DatasourceRef::Named { r#type, .. } => r#type.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    pub id: Option<i64>,
    /// The modern panel type after migration (`timeseries`, `stat`, `table`, ...).
    pub panel_type: String,
    /// The type as written, when migration changed it (`graph`, `singlestat`, ...).
    pub original_type: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub grid: GridPos,
    /// Title of the row this panel belongs to, if any.
    pub row: Option<String>,
    pub datasource: DatasourceRef,
    pub targets: Vec<Target>,
    pub field_config: FieldConfig,
    pub options: PanelOptions,
    pub transformations: Vec<Transformation>,
    pub max_data_points: Option<u64>,
    /// Panel-level minimum interval (`interval`, "Min interval" in Grafana).
    pub interval: Option<String>,
    pub repeat: Option<Repeat>,
    pub links: Vec<Link>,
    pub transparent: bool,
    /// Set when this is a library panel reference: the library element uid.
    pub library_panel_uid: Option<String>,
    /// Why a library panel's model is missing when Grafana was asked for it (e.g. its 404).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library_panel_problem: Option<String>,
    /// JSON path of the panel in the source file (`panels[3]`, `rows[1].panels[0]`), for messages.
    pub source_path: String,
}

impl Default for Panel {
    fn default() -> Self {
        Panel {
            id: None,
            panel_type: String::new(),
            original_type: None,
            title: String::new(),
            description: None,
            grid: GridPos::default(),
            row: None,
            datasource: DatasourceRef::Default,
            targets: Vec::new(),
            field_config: FieldConfig::default(),
            options: PanelOptions::default(),
            transformations: Vec::new(),
            max_data_points: None,
            interval: None,
            repeat: None,
            links: Vec::new(),
            transparent: false,
            library_panel_uid: None,
            library_panel_problem: None,
            source_path: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repeat {
    pub variable: String,
    pub direction: RepeatDirection,
    pub max_per_row: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatDirection {
    Horizontal,
    Vertical,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Target {
    pub ref_id: String,
    /// PromQL (or another datasource's query text) before interpolation.
    pub expr: String,
    pub legend_format: Option<String>,
    pub format: TargetFormat,
    pub instant: bool,
    pub range: bool,
    /// Per-target minimum step (`interval`).
    pub interval: Option<String>,
    pub interval_factor: Option<u32>,
    pub hide: bool,
    pub exemplar: bool,
    pub datasource: Option<DatasourceRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetFormat {
    #[default]
    TimeSeries,
    Table,
    Heatmap,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldConfig {
    pub defaults: FieldDefaults,
    pub overrides: Vec<FieldOverride>,
}

/// `fieldConfig.defaults` (and the property bag an override sets).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldDefaults {
    pub unit: Option<String>,
    pub decimals: Option<u32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub display_name: Option<String>,
    pub no_value: Option<String>,
    pub thresholds: Option<Thresholds>,
    pub mappings: Vec<ValueMapping>,
    pub color: Option<ColorSpec>,
    pub links: Vec<Link>,
    pub custom: CustomFieldConfig,
    /// Where date units are shown and what "now" is (not in the file: set when a panel is
    /// built from data, as Grafana's display processor gets `timeZone` and its clock).
    #[serde(skip)]
    pub dates: crate::grafana::units::DateContext,
}

/// The `custom` part of field config that the time-series family uses.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomFieldConfig {
    /// `line`, `bars`, `points`.
    pub draw_style: Option<String>,
    pub fill_opacity: Option<f64>,
    /// `none`, `normal`, `percent`.
    pub stacking: Option<String>,
    /// `off`, `line`, `area`, `line+area`, `dashed`, `dashed+area`.
    pub thresholds_style: Option<String>,
    /// `linear` or `log` with its base.
    pub scale_log_base: Option<u32>,
    pub axis_soft_min: Option<f64>,
    pub axis_soft_max: Option<f64>,
    /// `hideFrom.viz`: series hidden from the graph.
    pub hide_from_viz: Option<bool>,
    pub hide_from_legend: Option<bool>,
    /// `auto`, `left`, `right`, `hidden` (a migrated graph's second y-axis is `right`).
    pub axis_placement: Option<String>,
    pub axis_label: Option<String>,
    pub line_width: Option<f64>,
    /// `negative-Y` draws the series below the axis (legacy graph series override).
    pub transform: Option<String>,
    /// Table: column hidden (`custom.hidden`, from angular table `hidden` styles).
    pub hidden: Option<bool>,
    /// Table: cell display mode (`color-background`, `color-text`, `gauge`, ...).
    pub cell_display_mode: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ColorSpec {
    /// `thresholds`, `palette-classic`, `fixed`, `continuous-GrYlRd`, ...
    pub mode: String,
    pub fixed_color: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdsMode {
    #[default]
    Absolute,
    Percentage,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Thresholds {
    pub mode: ThresholdsMode,
    /// Ascending by value; the first step's `value` is `None` (minus infinity).
    pub steps: Vec<ThresholdStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdStep {
    pub value: Option<f64>,
    /// A Grafana colour name (`green`, `semi-dark-red`) or `#rrggbb`.
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValueMapping {
    Value {
        /// Keyed by the value's string form.
        values: Vec<(String, MappingResult)>,
    },
    Range {
        from: Option<f64>,
        to: Option<f64>,
        result: MappingResult,
    },
    Regex {
        pattern: String,
        result: MappingResult,
    },
    Special {
        /// `null`, `nan`, `null+nan`, `true`, `false`, `empty`.
        matches: String,
        result: MappingResult,
    },
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MappingResult {
    pub text: Option<String>,
    pub color: Option<String>,
    pub index: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldOverride {
    pub matcher: FieldMatcher,
    /// The properties the override sets, as a partial `FieldDefaults`; `set` lists which ids
    /// were present so an override can clear a value (e.g. `unit` back to none).
    pub properties: FieldDefaults,
    pub set: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldMatcher {
    ByName {
        name: String,
    },
    ByNames {
        names: Vec<String>,
        exclude: bool,
    },
    ByRegexp {
        pattern: String,
    },
    ByType {
        field_type: String,
    },
    ByFrameRefId {
        ref_id: String,
    },
    ByValue {
        reducer: String,
        op: String,
        value: f64,
    },
    Other {
        id: String,
    },
}

/// Panel options, typed for the panel families triage draws; unset fields take Grafana's
/// defaults at the point of use.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PanelOptions {
    pub reduce: Option<ReduceOptions>,
    /// Stat: `value`, `background`, `background_solid`, `none`.
    pub color_mode: Option<String>,
    /// Stat: `area`, `line`, `none`.
    pub graph_mode: Option<String>,
    /// Stat: `auto`, `value`, `value_and_name`, `name`, `none`.
    pub text_mode: Option<String>,
    /// `auto`, `horizontal`, `vertical`.
    pub orientation: Option<String>,
    pub legend: Option<LegendOptions>,
    /// Bar gauge: `basic`, `gradient`, `lcd`.
    pub display_mode: Option<String>,
    /// Text panel content and mode (`markdown`, `html`, `code`).
    pub content: Option<String>,
    pub mode: Option<String>,
    /// Gauge: show threshold markers/labels.
    pub show_threshold_markers: Option<bool>,
    /// Table: sort by column.
    pub sort_by: Vec<(String, bool)>,
    /// Heatmap: colour scheme name and whether buckets are pre-calculated.
    pub heatmap_color_scheme: Option<String>,
    pub heatmap_calculate: Option<bool>,
    /// Heatmap: unit of the bucket bounds (`yAxis.unit`).
    pub heatmap_y_unit: Option<String>,
    /// Bar gauge: draw the empty part of each bar (`showUnfilled`, default true).
    pub show_unfilled: Option<bool>,
    /// Pie chart: `pie` or `donut`, and what each slice is labelled with (`name`, `value`,
    /// `percent`).
    pub pie_type: Option<String>,
    pub display_labels: Vec<String>,
    /// Histogram: `bucketSize`, `bucketOffset`, `bucketCount`, `combine`.
    pub bucket_size: Option<f64>,
    pub bucket_offset: Option<f64>,
    pub bucket_count: Option<u32>,
    pub combine: Option<bool>,
    /// State timeline / status history: `auto`, `always`, `never`; and whether equal
    /// neighbouring values merge into one state (`mergeValues`, default true).
    pub show_value: Option<String>,
    pub merge_values: Option<bool>,
    /// Logs panel: `showTime`, `wrapLogMessage`, `sortOrder`, `dedupStrategy`.
    pub logs: LogsOptions,
}

/// A logs panel's options as written (defaults are applied where the lines are built).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LogsOptions {
    pub show_time: Option<bool>,
    pub wrap_log_message: Option<bool>,
    /// `Descending` (newest first) or `Ascending`.
    pub sort_order: Option<String>,
    /// `none`, `exact`, `numbers`, `signature`.
    pub dedup_strategy: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReduceOptions {
    /// `true`: show every value instead of reducing.
    pub values: bool,
    pub calcs: Vec<String>,
    /// `""` (numeric fields), a field name, or `/regex/`.
    pub fields: String,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LegendOptions {
    pub show: bool,
    /// `list`, `table`, `hidden`.
    pub display_mode: String,
    /// `bottom`, `right`.
    pub placement: String,
    pub calcs: Vec<String>,
    /// Pie chart legend: `value`, `percent`.
    pub values: Vec<String>,
}

/// A transformation step; options stay JSON because each transformation has its own shape
/// and the shaping code interprets them.
#[derive(Debug, Clone, Serialize)]
pub struct Transformation {
    pub id: String,
    pub disabled: bool,
    pub options: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub target_blank: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DashboardLink {
    pub title: String,
    /// `link` or `dashboards`.
    pub link_type: String,
    pub url: Option<String>,
    pub tags: Vec<String>,
    pub include_vars: bool,
    pub keep_time: bool,
    pub as_dropdown: bool,
    pub target_blank: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Annotation {
    pub name: String,
    pub enabled: bool,
    pub hide: bool,
    pub datasource: Option<DatasourceRef>,
    pub expr: Option<String>,
    pub title_format: Option<String>,
    pub text_format: Option<String>,
    pub tag_keys: Option<String>,
    pub icon_color: Option<String>,
    pub builtin: bool,
    /// Prometheus annotations: the query step as written (`60s`); Grafana's default is 60 s.
    pub step: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Variable {
    pub name: String,
    pub label: Option<String>,
    pub kind: VariableKind,
    /// The query / custom list / constant value / interval list as written.
    pub query: String,
    pub datasource: Option<DatasourceRef>,
    pub regex: Option<String>,
    /// 0 none, 1 alpha asc, ... 8 natural desc (Grafana's numbering).
    pub sort: u8,
    pub multi: bool,
    pub include_all: bool,
    pub all_value: Option<String>,
    /// 0 shown, 1 label hidden, 2 variable hidden.
    pub hide: u8,
    /// 0 never, 1 on dashboard load, 2 on time range change.
    pub refresh: u8,
    /// The saved selection (text and value lists; `$__all` for All).
    pub current: VariableSelection,
    /// Saved options (used for custom/interval/constant, and for query variables on a
    /// datasource that is not Prometheus; other query variables ask again).
    pub options: Vec<VariableOption>,
    /// Interval variables: `auto` enabled, its bucket count and minimum.
    pub auto: bool,
    pub auto_count: Option<u32>,
    pub auto_min: Option<String>,
    /// Ad-hoc variables: filters added to every selector.
    pub adhoc_filters: Vec<LabelMatcher>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VariableKind {
    #[default]
    Query,
    Custom,
    Constant,
    Textbox,
    Interval,
    Datasource,
    Adhoc,
    /// A type triage does not know; it keeps its saved value.
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VariableSelection {
    pub text: Vec<String>,
    pub value: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VariableOption {
    pub text: String,
    pub value: String,
    pub selected: bool,
}

/// A problem found while loading, with the JSON path where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `panels[3].targets[0].expr`; empty for the whole file.
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Dashboard {
    /// The plugin type each datasource variable selects (its `query`, e.g. `loki`), by name:
    /// a panel on `${ds}` queries that kind of datasource whatever instance is chosen.
    pub fn datasource_variable_types(&self) -> std::collections::BTreeMap<String, String> {
        self.variables
            .iter()
            .filter(|v| v.kind == VariableKind::Datasource && !v.query.trim().is_empty())
            .map(|v| (v.name.clone(), v.query.trim().to_string()))
            .collect()
    }

    /// The plugin type a datasource reference means, when the dashboard says: its own `type`,
    /// or the type its datasource variable selects.
    pub fn datasource_type(&self, reference: &DatasourceRef) -> Option<String> {
        match reference {
            DatasourceRef::Variable { name } => self
                .variables
                .iter()
                .find(|v| v.kind == VariableKind::Datasource && &v.name == name)
                .map(|v| v.query.trim().to_string())
                .filter(|t| !t.is_empty()),
            other => other.plugin_type().map(str::to_string),
        }
    }
}

/// One label matcher: a label, an operator (`=`, `!=`, `=~`, `!~`) and a value. Ad-hoc
/// filters, `--var` filters and the stream selectors of drill-downs are lists of these.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LabelMatcher {
    pub label: String,
    pub op: String,
    pub value: String,
}

impl LabelMatcher {
    pub fn new(label: impl Into<String>, op: impl Into<String>, value: impl Into<String>) -> Self {
        LabelMatcher {
            label: label.into(),
            op: op.into(),
            value: value.into(),
        }
    }
}
