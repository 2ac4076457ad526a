//! Template variables: interpolation of `$var` / `${var:fmt}` / `[[var]]` with every Grafana
//! format and the Prometheus datasource's default escaping, ad-hoc filters, and the pure parts
//! of variable resolution (custom lists, regex filtering, sorting, current selection after a
//! refresh, dependency order, command-line overrides).
//!
//! Sources: grafana/scenes `variables/constants.ts` (VARIABLE_REGEX), `sceneInterpolator.ts`,
//! `formatRegistry.ts`, `MultiValueVariable.ts`, `variants/query/utils.ts`,
//! `CustomVariable.tsx`; grafana-prometheus `datasource.ts` (`interpolateQueryExpr`) and
//! `escaping.ts`; grafana-data `text/string.ts` (`stringToJsRegex`).

mod dates;
mod formats;
mod interpolate;
mod matchers;
mod options;
mod order;
mod overrides;
#[cfg(test)]
mod test_support;

pub use dates::format_moment;
pub use formats::{
    encode_uri_component_strict, encode_uri_strict, escape_regex, prometheus_regular_escape,
    prometheus_special_regex_escape,
};
pub use interpolate::{Format, Scope, VarRef, VarValue, find_references, interpolate};
pub use matchers::add_label_matchers;
pub use options::{
    AUTO_VALUE, JsRegex, SelectionRules, VarOption, datasource_options, filter_and_sort_options,
    interval_variable_value, is_all_selection, natural_cmp, parse_custom, select_after_refresh,
    sort_options, static_options, string_to_js_regex, var_value,
};
pub use order::{dependencies, referenced_names, resolution_order};
pub use overrides::{override_selection, parse_overrides};

/// Grafana's value for the All option, and its text.
pub const ALL_VALUE: &str = "$__all";
pub const ALL_TEXT: &str = "All";
