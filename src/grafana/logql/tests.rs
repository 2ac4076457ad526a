use super::*;

fn ok(text: &str) -> Expr {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn err(text: &str) -> LogqlError {
    match parse(text) {
        Ok(expr) => panic!("{text} parsed: {expr:?}"),
        Err(e) => e,
    }
}

#[test]
fn queries_of_lokis_own_dashboards_parse() {
    // From grafana/loki's mixin (loki-logs.json, loki-operational.json), interpolated.
    for query in [
        r#"sum(rate({cluster="c", namespace="n", container=~"a|b" } |logfmt| level=~"info" |= "" | __error__="" [1m])) by (level)"#,
        r#"{cluster="c", namespace="n", container=~".*"} | logfmt | level=~"debug|info" |= "x""#,
        r#"sum(rate({cluster="c", namespace="n", job=~"(n)/distributor"} | logfmt | level="error"[30s]))"#,
        r#"{cluster="c", namespace="n", job=~"(n)/querier"} |= "level=error""#,
        r#"sum by (status) (count_over_time({app="gw"} | json | status >= 500 and duration > 1s [5m]))"#,
        r#"quantile_over_time(0.99, {app="gw"} | logfmt | unwrap duration(latency) [5m]) by (route)"#,
        r#"topk(5, sum by (path) (rate({app="gw"} |~ "GET|POST" != "health" [1m] offset 1h)))"#,
        r#"sum(count_over_time({app="gw"}[5m] |= "error")) / sum(count_over_time({app="gw"}[5m])) * 100"#,
        r#"{app="gw"} | line_format "{{.msg}}" | label_format lvl=level, x="{{.y}}" | drop a, b="c""#,
        r#"rate(({app="gw"} |= "x")[5m]) > bool 0"#,
        r#"{app="gw"} | json foo="a.b", bar | logfmt --strict | decolorize | pattern `<ip> - <_>`"#,
        r#"{app="gw"} |= "a" or "b" | (level="warn" or level="error"), status!="200""#,
    ] {
        ok(query);
    }
}

#[test]
fn log_and_metric_queries_are_told_apart() {
    assert!(ok(r#"{app="gw"} |= "error""#).is_log_query());
    let Expr::VectorAggregation {
        op,
        grouping,
        inner,
        ..
    } = ok(r#"sum by (level) (rate({app="gw"} | logfmt [5m]))"#)
    else {
        panic!("a vector aggregation")
    };
    assert_eq!(op, "sum");
    assert_eq!(grouping.unwrap().labels, ["level"]);
    let Expr::RangeAggregation {
        function,
        range_ms,
        query,
        ..
    } = *inner
    else {
        panic!("a range aggregation")
    };
    assert_eq!((function.as_str(), range_ms), ("rate", 300_000));
    assert_eq!(query.matchers, [LabelMatcher::new("app", "=", "gw")]);
    assert_eq!(
        query.stages,
        [Stage::Parser {
            name: "logfmt".into()
        }]
    );
}

#[test]
fn mistakes_are_named_with_their_column() {
    let cases = [
        (r#"{}"#, 0, "at least one label matcher"),
        (r#"{app="gw"} |= error"#, 14, "needs a quoted string"),
        (r#"rate({app="gw"})"#, 15, "needs a range"),
        (r#"rate({app="gw"}[5x])"#, 16, "not a duration"),
        (r#"sum({app="gw"})"#, 4, "not log lines"),
        (r#"{app="gw"} | jsn"#, 13, "unknown pipeline stage `jsn`"),
        (r#"{app="gw"}[5m]"#, 10, "inside a metric function"),
        (r#"{app="gw"} |~ "(""#, 14, "invalid regex"),
        (r#"{app=gw}"#, 5, "must be a quoted string"),
        (r#"sum_over_time({app="gw"}[5m])"#, 14, "unwrap"),
        (r#"rated({app="gw"}[5m])"#, 0, "unknown function `rated`"),
        (r#"sum(rate({app="gw"}[5m])"#, 24, "to close `sum(`"),
    ];
    for (query, column, words) in cases {
        let e = err(query);
        assert!(e.message.contains(words), "{query}: {e}");
        assert_eq!(e.offset, column, "{query}: {e}");
    }
    assert_eq!(
        err("{a=\"b\"} |= ").to_string(),
        "at column 12: line filter `|=` needs a quoted string, found the end of the query"
    );
}

#[test]
fn durations_follow_prometheus() {
    assert_eq!(duration_ms("1h30m"), Some(5_400_000));
    assert_eq!(duration_ms("250ms"), Some(250));
    assert_eq!(duration_ms("5"), None);
    assert_eq!(duration_ms("m"), None);
}
