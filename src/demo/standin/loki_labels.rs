//! The stand-in's Loki label API: `/loki/api/v1/labels` and `/loki/api/v1/label/<name>/values`
//! in the shape Loki documents (`{"status": "success", "data": [...]}`), from the demo's stream
//! labels. A multi-tenant stand-in answers nothing without the tenant header, as Loki does.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::logql_eval::stream_matches;
use super::{Shared, json_response, parse_query, stream_labels};
use crate::demo::fleet::INSTANCES;
use crate::grafana::logql::{self, Expr};

pub(super) async fn names(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    answer(&shared, &headers, |labels| labels.keys().cloned().collect())
}

/// The values of one label over the streams the optional `query` stream selector matches.
pub(super) async fn values(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let matchers = match parse_query(raw).get("query").map(|q| logql::parse(q)) {
        None => Vec::new(),
        Some(Ok(Expr::Log(query))) => query.matchers,
        Some(Ok(_)) => {
            return (
                StatusCode::BAD_REQUEST,
                "parse error: a stream selector is expected\n",
            )
                .into_response();
        }
        Some(Err(e)) => {
            return (StatusCode::BAD_REQUEST, format!("parse error {e}\n")).into_response();
        }
    };
    answer(&shared, &headers, |labels| {
        if stream_matches(&matchers, labels) {
            labels.get(&name).cloned().into_iter().collect()
        } else {
            Vec::new()
        }
    })
}

/// What `pick` takes from each stream's labels, sorted and once; none for another tenant.
fn answer(
    shared: &Shared,
    headers: &HeaderMap,
    pick: impl Fn(&std::collections::BTreeMap<String, String>) -> Vec<String>,
) -> Response {
    let mut other_tenant = false;
    if let Some(tenant) = &shared.tenant {
        match headers.get("x-scope-orgid").and_then(|v| v.to_str().ok()) {
            None => return (StatusCode::UNAUTHORIZED, "no org id\n").into_response(),
            Some(asked) => other_tenant = asked != tenant,
        }
    }
    let found: BTreeSet<String> = if other_tenant {
        BTreeSet::new()
    } else {
        (0..INSTANCES.len())
            .flat_map(|i| pick(&stream_labels(i)))
            .collect()
    };
    json_response(
        StatusCode::OK,
        json!({"status": "success", "data": found.into_iter().collect::<Vec<_>>()}),
    )
}
