//! triage's Loki and Jaeger clients against the stand-in server (the documented response
//! shapes of both, served from the demo world). Without a Prometheus behind it the stand-in
//! has no exemplars, so its traces are empty and a trace id is Jaeger's 404.

use triage::demo::Scenario;
use triage::demo::standin::StandIn;
use triage::demo::world::World;
use triage::net::jaeger::JaegerClient;
use triage::net::loki::LokiClient;

#[tokio::test]
async fn loki_lines_come_newest_first_for_the_selected_streams() {
    let standin = StandIn::start(World::new(Scenario::default()), None)
        .await
        .unwrap();
    let loki = LokiClient::new(&standin.url).unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let lines = loki
        .query_range(
            r#"{service="inference-gateway", instance="gw-prod-euw1-a:8080"}"#,
            now - 600_000,
            now,
            50,
        )
        .await
        .unwrap();
    assert_eq!(lines.len(), 50, "the limit is honoured");
    assert!(
        lines.windows(2).all(|w| w[0].at_ns >= w[1].at_ns),
        "newest first"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.labels["instance"] == "gw-prod-euw1-a:8080")
    );
    assert!(lines.iter().all(|l| l.line.starts_with("level=")));

    let filtered = loki
        .query_range(
            r#"{environment="staging"} |= "/v1/embed""#,
            now - 600_000,
            now,
            20,
        )
        .await
        .unwrap();
    assert!(!filtered.is_empty());
    assert!(
        filtered
            .iter()
            .all(|l| l.line.contains("/v1/embed") && l.labels["environment"] == "staging")
    );

    let error = loki
        .query_range("sum(rate(x[1m]))", now - 1000, now, 10)
        .await
        .unwrap_err();
    assert!(error.contains("HTTP 400"), "{error}");
}

#[tokio::test]
async fn jaeger_answers_in_its_envelope() {
    let standin = StandIn::start(World::new(Scenario::default()), None)
        .await
        .unwrap();
    let jaeger = JaegerClient::new(&standin.url).unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let traces = jaeger
        .search("inference-gateway", now - 600_000, now, 20)
        .await
        .unwrap();
    assert!(
        traces.is_empty(),
        "no exemplars without Prometheus: {traces:?}"
    );
    let error = jaeger
        .trace("0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    assert!(error.ends_with("HTTP 404 trace not found"), "{error}");
    let unreachable = LokiClient::new("http://127.0.0.1:1").unwrap();
    let error = unreachable
        .query_range("{a=\"b\"}", 0, 1, 1)
        .await
        .unwrap_err();
    assert!(error.starts_with("Loki (http://127.0.0.1:1)"), "{error}");
}

/// A multi-tenant Loki (its default `auth_enabled: true`) answers 401 "no org id" without a
/// tenant; the tenant configured for the session is sent as `X-Scope-OrgID` by the engine's
/// drill-down fetch, and neither it nor the token shows in any message.
#[tokio::test]
async fn a_multi_tenant_loki_gets_the_sessions_tenant() {
    use triage::engine::drill::{Backends, DrillAnswer, DrillRequest, execute};
    use triage::net::http::Connection;
    use triage::net::{PromClient, PromConfig};

    let standin = StandIn::start_with_tenant(World::new(Scenario::default()), None, Some("team-a"))
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let request = || DrillRequest::Logs {
        logql: r#"{service="inference-gateway"}"#.into(),
        start_ms: now - 600_000,
        end_ms: now,
    };
    let prometheus = PromClient::new(PromConfig::new("http://127.0.0.1:9")).unwrap();
    let backends = |tenant: Option<&str>| {
        let mut loki = Connection::new(&standin.url);
        loki.bearer_token = Some("loki-s3cret-token".into());
        if let Some(tenant) = tenant {
            loki.headers.push(("X-Scope-OrgID".into(), tenant.into()));
        }
        Backends {
            loki: Some(loki),
            ..Backends::default()
        }
    };

    let DrillAnswer::Logs(without) = execute(request(), &prometheus, &backends(None)).await else {
        panic!("a logs answer");
    };
    let error = without.unwrap_err();
    assert!(error.contains("HTTP 401 no org id"), "{error}");
    assert!(!error.contains("s3cret"), "{error}");

    let DrillAnswer::Logs(with) = execute(request(), &prometheus, &backends(Some("team-a"))).await
    else {
        panic!("a logs answer");
    };
    let lines = with.unwrap();
    assert!(!lines.is_empty(), "team-a's streams");

    let DrillAnswer::Logs(other) = execute(request(), &prometheus, &backends(Some("team-b"))).await
    else {
        panic!("a logs answer");
    };
    assert!(other.unwrap().is_empty(), "another tenant sees nothing");
}
