//! What came back from the backends, as plain values every layer may hold: a panel's data
//! (series, queries, annotations), query answers, exemplars, alerts, log lines and traces.
//! No I/O and no behaviour beyond small accessors; `net` decodes into these, the engine
//! assembles them, `view` and `tui` read them.

pub mod alerts;
pub mod logs;
pub mod panel_data;
pub mod series;
pub mod targets;
pub mod traces;

pub use alerts::Alert;
pub use logs::LogLine;
pub use panel_data::{AnnotationEvent, PanelData, PanelState, QueryInfo, Series};
pub use series::{Exemplar, QueryAnswer, RawSeries};
pub use targets::ScrapeTarget;
pub use traces::{Span, Trace};
