//! `grafana/datasources/datasources.yml`: Prometheus, Loki, the trace store, Tempo (when
//! configured) and Alertmanager, linked to each other by uid (exemplars and log lines to
//! traces, traces back to logs).

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
    // One derived field per trace store, each a link from the log line's trace id.
    let trace_regex = ds
        .loki
        .trace_id_regex
        .as_deref()
        .unwrap_or("trace_id=(\\w+)");
    let mut derived = vec![derived_field("TraceID", trace_regex, trace_uid)];
    if let Some(tempo) = &ds.tempo {
        derived.push(derived_field("TraceID in Tempo", trace_regex, &tempo.uid));
    }
    let loki = base_datasource(&ds.loki, "loki", false).with(
        "jsonData",
        Node::map().with("derivedFields", Node::List(derived)),
    );
    let trace_kind = ds.traces.kind.as_deref().unwrap_or("jaeger");
    let traces = base_datasource(&ds.traces, trace_kind, false)
        .with("jsonData", traces_json_data(&ds.loki.uid));
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
    if let Some(tempo) = &ds.tempo {
        let node =
            base_datasource(tempo, "tempo", false).with("jsonData", traces_json_data(&ds.loki.uid));
        list.push((tempo.uid.clone(), node));
    }
    list.sort_by(|a, b| a.0.cmp(&b.0));
    Node::map().with("apiVersion", Node::Int(1)).with(
        "datasources",
        Node::List(list.into_iter().map(|(_, n)| n).collect()),
    )
}

/// A Loki derived field: `regex`'s first group is a trace id opened in `trace_uid`.
fn derived_field(name: &str, regex: &str, trace_uid: &str) -> Node {
    Node::map()
        .with("name", Node::str(name))
        .with("matcherRegex", Node::str(regex))
        .with("datasourceUid", Node::str(trace_uid))
        .with("url", Node::str("$${__value.raw}"))
}

/// A trace store's link back to the logs of a span's trace (Jaeger and Tempo alike).
fn traces_json_data(loki_uid: &str) -> Node {
    Node::map().with(
        "tracesToLogsV2",
        Node::map()
            .with("datasourceUid", Node::str(loki_uid))
            .with("filterByTraceID", Node::Bool(true))
            .with("spanStartTimeShift", Node::str("-5m"))
            .with("spanEndTimeShift", Node::str("5m")),
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
        // Tempo sits next to Jaeger: linked back to Loki, and Loki's trace ids open in it too.
        let tempo = by_uid("tempo");
        assert_eq!(tempo["type"], "tempo");
        assert_eq!(tempo["jsonData"]["tracesToLogsV2"]["datasourceUid"], "loki");
        assert_eq!(
            loki["jsonData"]["derivedFields"][1]["datasourceUid"],
            "tempo"
        );
        assert_eq!(
            loki["jsonData"]["derivedFields"][1]["matcherRegex"],
            loki["jsonData"]["derivedFields"][0]["matcherRegex"]
        );
    }
}
