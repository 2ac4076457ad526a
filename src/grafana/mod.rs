//! Grafana's dashboard semantics, as pure code: the model, loading and migration, variables,
//! intervals, units, thresholds and reducers. No I/O beyond reading a file in `load`.

pub mod colors;
pub mod fields;
pub mod inspect;
pub mod interval;
pub mod load;
pub mod logql;
pub mod migrate;
pub mod model;
pub mod naming;
pub mod panel_kind;
pub mod promql_check;
pub mod promql_complete;
pub mod provisioned;
pub mod reduce;
pub mod repeat;
pub mod scrape;
pub mod stable_form;
pub mod thresholds;
pub mod timerange;
pub mod units;
pub mod varquery;
pub mod vars;
pub mod zone;
