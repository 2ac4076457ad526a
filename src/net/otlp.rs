//! OTLP JSON traces, as Jaeger's API v3 (`{"result": {"resourceSpans": …}}`) and Tempo
//! (`{"batches": …}`, `{"resourceSpans": …}`, `/api/v2`'s `{"trace": …}`) answer them, decoded
//! into traces whose spans name their parent and service. Text is sanitised here.
//!
//! Shape: resourceSpans (Tempo's older name: batches) → scopeSpans (older:
//! instrumentationLibrarySpans) → spans. The service is the resource attribute `service.name`.
//! Ids are hex in the OTLP JSON encoding, but protobuf-JSON encoders (Tempo, Jaeger 1.x's
//! gateway) write the bytes as base64; both are read and shown as hex.

use std::collections::BTreeMap;

use serde_json::Value;

use super::sanitize::sanitize;
use crate::data::{Span, Trace};

/// The list of resource spans of an OTLP JSON body, when it is one.
fn resource_spans(value: &Value) -> Option<&Vec<Value>> {
    let root = ["result", "trace"]
        .iter()
        .find_map(|k| value.get(k).filter(|v| v.is_object()))
        .unwrap_or(value);
    ["resourceSpans", "batches"]
        .iter()
        .find_map(|k| root.get(k).and_then(Value::as_array))
}

/// Whether a body is OTLP JSON traces (possibly empty).
pub fn is_otlp(value: &Value) -> bool {
    resource_spans(value).is_some() || value.get("result").is_some_and(Value::is_null)
}

/// The traces of an OTLP JSON body, spans grouped by trace id in order of appearance. `what`
/// names the backend in the error for a body that is not OTLP.
pub fn decode_traces(value: &Value, what: &str) -> Result<Vec<Trace>, String> {
    if value.get("result").is_some_and(Value::is_null) {
        return Ok(Vec::new());
    }
    let Some(resources) = resource_spans(value) else {
        return Err(format!("{what}: not an OTLP traces answer"));
    };
    let mut order: Vec<String> = Vec::new();
    let mut by_id: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for resource in resources {
        let service = attribute(&resource["resource"]["attributes"], "service.name");
        let scopes = ["scopeSpans", "instrumentationLibrarySpans"]
            .iter()
            .filter_map(|k| resource.get(k).and_then(Value::as_array))
            .flatten();
        for span in scopes.filter_map(|s| s["spans"].as_array()).flatten() {
            let trace_id = id_text(span["traceId"].as_str().unwrap_or_default());
            if !by_id.contains_key(&trace_id) {
                order.push(trace_id.clone());
            }
            by_id
                .entry(trace_id)
                .or_default()
                .push(decode_span(span, &service));
        }
    }
    Ok(order
        .into_iter()
        .map(|trace_id| Trace {
            spans: by_id.remove(&trace_id).unwrap_or_default(),
            trace_id,
        })
        .collect())
}

fn decode_span(span: &Value, service: &str) -> Span {
    let start_ns = nanos(&span["startTimeUnixNano"]);
    let end_ns = nanos(&span["endTimeUnixNano"]).max(start_ns);
    let parent = span["parentSpanId"]
        .as_str()
        .filter(|p| !p.is_empty())
        .map(id_text);
    let code = &span["status"]["code"];
    Span {
        span_id: id_text(span["spanId"].as_str().unwrap_or_default()),
        parent,
        operation: sanitize(span["name"].as_str().unwrap_or_default()),
        service: service.to_string(),
        start_us: start_ns / 1000,
        duration_us: (end_ns - start_ns) / 1000,
        error: code.as_i64() == Some(2) || code.as_str() == Some("STATUS_CODE_ERROR"),
    }
}

/// The string value of a resource attribute (`{"key", "value": {"stringValue"}}`), sanitised.
fn attribute(attributes: &Value, key: &str) -> String {
    attributes
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"]["stringValue"].as_str())
        .map(sanitize)
        .unwrap_or_default()
}

/// Nanoseconds written as a string (the OTLP JSON encoding of 64-bit integers) or a number.
fn nanos(value: &Value) -> i64 {
    match value {
        Value::String(s) => s.parse().unwrap_or(0),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .unwrap_or(0),
        _ => 0,
    }
}

/// An id as lowercase hex: 16 or 32 hex digits are taken as written, anything else is read as
/// base64 bytes; what is neither is kept (sanitised) so it can still be shown.
pub fn id_text(id: &str) -> String {
    let is_hex = matches!(id.len(), 16 | 32) && id.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex {
        return id.to_ascii_lowercase();
    }
    match base64_decode(id) {
        Some(bytes) if !bytes.is_empty() => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        _ => sanitize(id),
    }
}

/// Standard or URL-safe base64, padding optional; `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let body = text.trim_end_matches('=');
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in body.bytes() {
        acc = (acc << 6) | digit(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Jaeger v3's answer: the OTLP JSON encoding (hex ids, nanoseconds as strings).
    fn jaeger_v3_body() -> Value {
        json!({"result": {"resourceSpans": [
            {"resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "gw"}},
                {"key": "host.name", "value": {"stringValue": "gw-1"}}]},
             "scopeSpans": [{"scope": {"name": "otel"}, "spans": [
                {"traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EEE19B7EC3C1B174",
                 "parentSpanId": "", "name": "POST /v1/predict", "kind": 2,
                 "startTimeUnixNano": "1544712660000000000", "endTimeUnixNano": "1544712661000000000",
                 "attributes": [], "status": {}}]}]},
            {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "model\u{1b}[2J"}}]},
             "scopeSpans": [{"spans": [
                {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175",
                 "parentSpanId": "eee19b7ec3c1b174", "name": "infer",
                 "startTimeUnixNano": 1544712660100000000i64, "endTimeUnixNano": 1544712660900000000i64,
                 "status": {"code": 2, "message": "boom"}}]}]}
        ]}})
    }

    #[test]
    fn jaeger_v3_spans_know_parent_service_and_error() {
        let traces = decode_traces(&jaeger_v3_body(), "Jaeger").unwrap();
        assert_eq!(traces.len(), 1, "spans of one trace id are one trace");
        let t = &traces[0];
        assert_eq!(t.trace_id, "5b8efff798038103d269b633813fc60c");
        assert_eq!(t.root().unwrap().operation, "POST /v1/predict");
        assert_eq!(t.root().unwrap().service, "gw");
        assert_eq!(t.spans[1].parent.as_deref(), Some("eee19b7ec3c1b174"));
        assert!(!t.spans[1].service.contains('\u{1b}'), "sanitised");
        assert!(t.has_error());
        assert_eq!(t.duration_us(), 1_000_000);
        assert_eq!(t.spans[1].duration_us, 800_000);
    }

    /// Tempo's `/api/traces/<id>`: `batches`, `instrumentationLibrarySpans`, base64 ids,
    /// the status as an enum name.
    #[test]
    fn tempo_batches_with_base64_ids() {
        let body = json!({"batches": [{"resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "gw"}}]},
            "instrumentationLibrarySpans": [{"spans": [
                {"traceId": "AAAAAAAAAAAAAAAAAAAAAQ==", "spanId": "AAAAAAAAAAE=", "name": "root",
                 "startTimeUnixNano": "2000", "endTimeUnixNano": "9000",
                 "status": {"code": "STATUS_CODE_ERROR"}},
                {"traceId": "AAAAAAAAAAAAAAAAAAAAAQ==", "spanId": "AAAAAAAAAAI=",
                 "parentSpanId": "AAAAAAAAAAE=", "name": "child",
                 "startTimeUnixNano": "3000", "endTimeUnixNano": "4000"},
                {"traceId": "AAAAAAAAAAAAAAAAAAAAAg==", "spanId": "AAAAAAAAAAM=", "name": "other",
                 "startTimeUnixNano": "5000", "endTimeUnixNano": "6000"}]}]}]});
        let traces = decode_traces(&body, "Tempo").unwrap();
        assert_eq!(traces.len(), 2);
        assert_eq!(traces[0].trace_id, "00000000000000000000000000000001");
        assert_eq!(
            traces[0].spans[1].parent.as_deref(),
            Some("0000000000000001")
        );
        assert_eq!(traces[0].root().unwrap().operation, "root");
        assert!(traces[0].has_error());
        assert!(!traces[1].has_error());
        assert_eq!(traces[0].duration_us(), 7);
    }

    #[test]
    fn other_bodies_are_not_otlp_and_empty_ones_are_no_traces() {
        let legacy = json!({"data": [], "errors": null});
        assert!(!is_otlp(&legacy));
        assert_eq!(
            decode_traces(&legacy, "Jaeger").unwrap_err(),
            "Jaeger: not an OTLP traces answer"
        );
        assert!(is_otlp(&json!({"resourceSpans": []})));
        assert!(is_otlp(&json!({"trace": {"resourceSpans": []}})));
        assert_eq!(
            decode_traces(&json!({"result": null}), "J").unwrap(),
            vec![]
        );
        assert_eq!(decode_traces(&json!({"batches": []}), "T").unwrap(), vec![]);
    }

    #[test]
    fn ids_are_hex_whatever_the_encoding() {
        assert_eq!(id_text("ABCDEF0123456789"), "abcdef0123456789");
        assert_eq!(id_text("q83vASNFZ4k="), "abcdef0123456789");
        assert_eq!(
            id_text("q83vASNFZ4k"),
            "abcdef0123456789",
            "padding optional"
        );
        assert_eq!(id_text("not base64!"), "not base64!");
    }
}
