//! Panel and row repeats, laid out as Grafana does.
