//! `grafana/datasources/datasources.yml`: Prometheus, Loki, the trace store and Alertmanager,
//! linked to each other by uid (exemplars and log lines to traces, traces back to logs).

use super::super::config::{DatasourceConfig, ProvisionConfig};
use super::super::yaml::Node;

pub(super) fn datasources(config: &ProvisionConfig) -> Node {
    let ds = &config.datasources;
    let trace_uid = &ds.traces.uid;
    let prometheus = base_datasource(&ds.prometheus, "prometheus", true).with(
        "jsonData",
        Node::map()
            .with("httpMethod", Node::str("POST"))
            .with(
                "timeInterval",
                Node::str(ds.prometheus.scrape_interval.as_deref().unwrap_or("15s")),
            )
            .with(
                "exemplarTraceIdDestinations",
                Node::List(vec![
                    Node::map()
                        .with(
                            "name",
                            Node::str(
                                ds.prometheus
                                    .exemplar_trace_label
                                    .as_deref()
                                    .unwrap_or("trace_id"),
                            ),
                        )
                        .with("datasourceUid", Node::str(trace_uid)),
                ]),
            ),
    );
    // `$$` is a literal `$` in provisioning files: Grafana fills `${__value.raw}` per line.
    let loki = base_datasource(&ds.loki, "loki", false).with(
        "jsonData",
        Node::map().with(
            "derivedFields",
            Node::List(vec![
                Node::map()
                    .with("name", Node::str("TraceID"))
                    .with(
                        "matcherRegex",
                        Node::str(
                            ds.loki
                                .trace_id_regex
                                .as_deref()
                                .unwrap_or("trace_id=(\\w+)"),
                        ),
                    )
                    .with("datasourceUid", Node::str(trace_uid))
                    .with("url", Node::str("$${__value.raw}")),
            ]),
        ),
    );
    let trace_kind = ds.traces.kind.as_deref().unwrap_or("jaeger");
    let traces = base_datasource(&ds.traces, trace_kind, false).with(
        "jsonData",
        Node::map().with(
            "tracesToLogsV2",
            Node::map()
                .with("datasourceUid", Node::str(&ds.loki.uid))
                .with("filterByTraceID", Node::Bool(true))
                .with("spanStartTimeShift", Node::str("-5m"))
                .with("spanEndTimeShift", Node::str("5m")),
        ),
    );
    let alertmanager = base_datasource(&ds.alertmanager, "alertmanager", false).with(
        "jsonData",
        Node::map()
            .with("implementation", Node::str("prometheus"))
            .with("handleGrafanaManagedAlerts", Node::Bool(false)),
    );
    let mut list = vec![
        (ds.prometheus.uid.clone(), prometheus),
        (ds.loki.uid.clone(), loki),
        (ds.traces.uid.clone(), traces),
        (ds.alertmanager.uid.clone(), alertmanager),
    ];
    list.sort_by(|a, b| a.0.cmp(&b.0));
    Node::map().with("apiVersion", Node::Int(1)).with(
        "datasources",
        Node::List(list.into_iter().map(|(_, n)| n).collect()),
    )
}

fn base_datasource(ds: &DatasourceConfig, kind: &str, default: bool) -> Node {
    Node::map()
        .with("name", Node::str(&ds.name))
        .with("type", Node::str(kind))
        .with("uid", Node::str(&ds.uid))
        .with("orgId", Node::Int(1))
        .with("access", Node::str("proxy"))
        .with("url", Node::str(&ds.url))
        .with("isDefault", Node::Bool(default))
        .with("editable", Node::Bool(false))
}

#[cfg(test)]
mod tests {
    use super::super::generate;
    use super::super::tests::{config, layouts, parsed};

    #[test]
    fn datasources_link_exemplars_and_logs_to_traces_by_uid() {
        let files = generate(&config(), &layouts()).unwrap();
        let ds = parsed(&files, "grafana/datasources/datasources.yml");
        let by_uid = |uid: &str| {
            ds["datasources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["uid"] == uid)
                .unwrap()
                .clone()
        };
        let prometheus = by_uid("prometheus");
        assert_eq!(prometheus["isDefault"], true);
        assert_eq!(
            prometheus["jsonData"]["exemplarTraceIdDestinations"][0]["datasourceUid"],
            "jaeger"
        );
        let loki = by_uid("loki");
        assert_eq!(
            loki["jsonData"]["derivedFields"][0]["datasourceUid"],
            "jaeger"
        );
        assert_eq!(
            loki["jsonData"]["derivedFields"][0]["url"],
            "$${__value.raw}"
        );
        assert_eq!(
            by_uid("jaeger")["jsonData"]["tracesToLogsV2"]["datasourceUid"],
            "loki"
        );
    }
}
