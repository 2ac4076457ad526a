//! A panel's `options`: reduce, legend, sorting and the per-visualisation settings triage uses.

use serde_json::{Map, Value};

use super::readers::*;
use crate::grafana::model::{LegendOptions, LogsOptions, PanelOptions, ReduceOptions};

pub(super) fn convert_options(o: &Map<String, Value>) -> PanelOptions {
    let reduce = get_obj(o, "reduceOptions").map(|r| ReduceOptions {
        values: get_bool(r, "values"),
        // Absent calcs take the panels' default (`lastNotNull`, public/app/plugins/panel/stat/
        // common.ts addStandardDataReduceOptions); an empty list stays empty (Grafana then
        // reduces with `last`).
        calcs: match r.get("calcs") {
            None | Some(Value::Null) => vec!["lastNotNull".to_string()],
            given => strings(given),
        },
        fields: get_string(r, "fields").unwrap_or_default(),
        limit: get_u32(r, "limit"),
    });
    let legend = get_obj(o, "legend").map(|l| {
        let display_mode = get_string(l, "displayMode").unwrap_or_else(|| "list".into());
        let show = opt_bool(l, "showLegend")
            .or_else(|| opt_bool(l, "show"))
            .unwrap_or(display_mode != "hidden");
        LegendOptions {
            show,
            display_mode,
            placement: get_string(l, "placement").unwrap_or_else(|| "bottom".into()),
            calcs: strings(l.get("calcs")),
            values: strings(l.get("values")),
        }
    });
    let sort_by = get_arr(o, "sortBy")
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|s| Some((get_string(s, "displayName")?, get_bool(s, "desc"))))
        .collect();
    let (heatmap_color_scheme, heatmap_calculate) = (
        get_obj(o, "color").and_then(|c| get_string(c, "scheme")),
        opt_bool(o, "calculate"),
    );
    PanelOptions {
        reduce,
        color_mode: get_string(o, "colorMode"),
        graph_mode: get_string(o, "graphMode"),
        text_mode: get_string(o, "textMode"),
        orientation: get_string(o, "orientation"),
        legend,
        display_mode: get_string(o, "displayMode"),
        content: get_string(o, "content"),
        mode: get_string(o, "mode"),
        show_threshold_markers: opt_bool(o, "showThresholdMarkers"),
        sort_by,
        heatmap_color_scheme,
        heatmap_calculate,
        heatmap_y_unit: get_obj(o, "yAxis").and_then(|y| get_string(y, "unit")),
        show_unfilled: opt_bool(o, "showUnfilled"),
        pie_type: get_string(o, "pieType"),
        display_labels: strings(o.get("displayLabels")),
        bucket_size: get_num(o, "bucketSize"),
        bucket_offset: get_num(o, "bucketOffset"),
        bucket_count: get_u32(o, "bucketCount"),
        combine: opt_bool(o, "combine"),
        show_value: get_string(o, "showValue"),
        merge_values: opt_bool(o, "mergeValues"),
        logs: LogsOptions {
            show_time: opt_bool(o, "showTime"),
            wrap_log_message: opt_bool(o, "wrapLogMessage"),
            sort_order: get_string(o, "sortOrder"),
            dedup_strategy: get_string(o, "dedupStrategy"),
        },
    }
}
