//! triage's trace clients against the stand-in's trace APIs (their documented shapes, served
//! from the same traces): Jaeger's API v3 (Jaeger 2, without the legacy search), the legacy
//! search of a Jaeger without the API v3, Tempo's search and trace by id, a Jaeger client
//! pointed at Tempo, and a server answering in another format.

use triage::data::Trace;
use triage::demo::Scenario;
use triage::demo::standin::{StandIn, StandInOptions, TraceApi};
use triage::demo::world::World;
use triage::engine::drill::{Backends, DrillAnswer, DrillRequest, execute};
use triage::net::http::Connection;
use triage::net::jaeger::JaegerClient;
use triage::net::tempo::TempoClient;
use triage::net::{Exemplar, PromClient, PromConfig};

const SLOW: &str = "0af7651916cd43dd8448eb211c80319c";
const FAST: &str = "00f067aa0ba902b7a1b2c3d4e5f60718";

/// Two traced requests a minute ago: a slow one (2.5 s) and a fast one (40 ms).
fn exemplars(now_ms: i64) -> Vec<Exemplar> {
    [(SLOW, 2.5, "/v1/predict"), (FAST, 0.04, "/v1/embed")]
        .iter()
        .enumerate()
        .map(|(i, (id, seconds, endpoint))| Exemplar {
            series_labels: [
                ("endpoint".to_string(), endpoint.to_string()),
                ("instance".to_string(), "gw-prod-euw1-a:8080".to_string()),
            ]
            .into(),
            labels: [("trace_id".to_string(), id.to_string())].into(),
            value: *seconds,
            at_ms: now_ms - 60_000 - i as i64 * 1000,
        })
        .collect()
}

async fn standin(traces: TraceApi, now_ms: i64) -> StandIn {
    let options = StandInOptions {
        traces,
        exemplars: exemplars(now_ms),
        ..StandInOptions::default()
    };
    StandIn::start_with(World::new(Scenario::default()), None, options)
        .await
        .unwrap()
}

/// Both traces found, slowest first, each whole: six spans, the gateway's root and the model
/// server's inference.
fn assert_found(traces: &[Trace]) {
    let ids: Vec<&str> = traces.iter().map(|t| t.trace_id.as_str()).collect();
    assert_eq!(ids, vec![SLOW, FAST], "slowest first");
    let slow = &traces[0];
    assert_eq!(slow.spans.len(), 6);
    assert_eq!(slow.root().unwrap().operation, "POST /v1/predict");
    assert_eq!(slow.root().unwrap().service, "inference-gateway");
    assert_eq!(slow.duration_us(), 2_500_000);
    let infer = slow
        .spans
        .iter()
        .find(|s| s.operation == "model.infer")
        .unwrap();
    assert_eq!(infer.service, "model-server");
    assert_eq!(
        infer.parent.as_deref(),
        Some(slow.root().unwrap().span_id.as_str())
    );
}

#[tokio::test]
async fn jaeger_2_is_searched_by_the_api_v3() {
    let now = chrono::Utc::now().timestamp_millis();
    let standin = standin(TraceApi::Jaeger2, now).await;
    let jaeger = JaegerClient::new(&standin.url).unwrap();
    let traces = jaeger
        .search("inference-gateway", now - 600_000, now, 20)
        .await
        .unwrap();
    assert_found(&traces);
    // The API v3's 404 "No traces found" is an empty search, not a reason to fall back.
    let none = jaeger
        .search("inference-gateway", now - 7_200_000, now - 3_600_000, 20)
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    let one = jaeger.trace(SLOW).await.unwrap();
    assert_eq!(one.spans.len(), 6);
}

#[tokio::test]
async fn a_jaeger_without_the_api_v3_is_searched_the_legacy_way() {
    let now = chrono::Utc::now().timestamp_millis();
    let standin = standin(TraceApi::JaegerLegacy, now).await;
    let jaeger = JaegerClient::new(&standin.url).unwrap();
    let traces = jaeger
        .search("inference-gateway", now - 600_000, now, 20)
        .await
        .unwrap();
    assert_found(&traces);
    let limited = jaeger
        .search("inference-gateway", now - 600_000, now, 1)
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
    let error = jaeger
        .trace("0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    assert!(error.ends_with("HTTP 404 trace not found"), "{error}");
}

#[tokio::test]
async fn tempo_search_and_trace_by_id() {
    let now = chrono::Utc::now().timestamp_millis();
    let standin = standin(TraceApi::Tempo, now).await;
    let tempo = TempoClient::new(&standin.url).unwrap();
    let traces = tempo
        .search("inference-gateway", now - 600_000, now, 20)
        .await
        .unwrap();
    assert_found(&traces);
    let one = tempo.trace(SLOW).await.unwrap();
    assert_eq!(one.trace_id, SLOW);
    assert_eq!(one.spans, traces[0].spans);
    let other = tempo
        .search("checkout", now - 600_000, now, 20)
        .await
        .unwrap();
    assert!(other.is_empty());
    let error = tempo
        .trace("0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    assert!(error.contains("HTTP 404 trace not found"), "{error}");

    // Configured, Tempo answers the engine's trace requests rather than Jaeger.
    let prometheus = PromClient::new(PromConfig::new("http://127.0.0.1:9")).unwrap();
    let backends = Backends {
        tempo: Some(Connection::new(&standin.url)),
        jaeger: Some(Connection::new("http://127.0.0.1:9")),
        ..Backends::default()
    };
    let request = DrillRequest::Traces {
        service: "inference-gateway".into(),
        start_ms: now - 600_000,
        end_ms: now,
    };
    let DrillAnswer::Traces(found) = execute(request, &prometheus, &backends).await else {
        panic!("a traces answer");
    };
    assert_found(&found.unwrap());
    let request = DrillRequest::Trace { id: FAST.into() };
    let DrillAnswer::Trace(found) = execute(request, &prometheus, &backends).await else {
        panic!("a trace answer");
    };
    assert_eq!(found.unwrap().trace_id, FAST);
}

/// Given as Jaeger, a Tempo's trace (OTLP JSON) is read rather than taken for "no trace".
#[tokio::test]
async fn a_jaeger_client_reads_tempos_otlp_trace() {
    let now = chrono::Utc::now().timestamp_millis();
    let standin = standin(TraceApi::Tempo, now).await;
    let jaeger = JaegerClient::new(&standin.url).unwrap();
    let trace = jaeger.trace(SLOW).await.unwrap();
    assert_eq!(trace.trace_id, SLOW);
    assert_eq!(trace.spans.len(), 6);
}

/// A server that answers `/api/traces/<id>` with JSON of another shape (Zipkin's list of
/// spans) is named, with the format it is not.
#[tokio::test]
async fn another_format_is_named_not_taken_for_no_trace() {
    let app = axum::Router::new().route(
        "/api/traces/{id}",
        axum::routing::get(|| async {
            let body = serde_json::json!([{"traceId": SLOW, "id": "352bff9a74ca9ad2",
                "name": "get /api", "timestamp": 1556604172355737i64, "duration": 1431}]);
            ([("content-type", "application/json")], body.to_string())
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let error = JaegerClient::new(&url)
        .unwrap()
        .trace(SLOW)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        format!("Jaeger ({url}) answered in a format that is not Jaeger's or OTLP")
    );
    let error = TempoClient::new(&url)
        .unwrap()
        .trace(SLOW)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        format!("Tempo ({url}) answered in a format that is not OTLP")
    );
}
