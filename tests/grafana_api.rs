//! Working through a live Grafana, end to end. Grafana cannot be installed here, so a small
//! stand-in (axum, on 127.0.0.1:0) replays the responses Grafana's HTTP API documents for
//! `/api/health`, `/api/search`, `/api/folders`, `/api/dashboards/uid/<uid>` (HTTP 406 for a
//! dashboard stored in the v2 schema, which `/apis/dashboard.grafana.app/...` serves),
//! `/api/frontend/settings`, `/api/org`, `/api/library-elements/<uid>` and `/api/datasources`,
//! and forwards `/api/datasources/proxy/uid/<uid>/...` to the real
//! Prometheus of the demo stack (`triage demo --no-tui`), so queries through the proxy return
//! real data. The real binary is run against both and their answers compared.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

mod support;
use support::{BIN, DASHBOARD, Tmux, start_demo};

const TOKEN: &str = "glsa_standin_7f3c9e1d2b4a";
/// A token Grafana accepts but without `datasources:read`.
const VIEWER_TOKEN: &str = "glsa_viewer_52be0c81aa";
const UID: &str = "inference-gateway";

// ---------------------------------------------------------------------------------------------
// The demo stack (real Prometheus)

// ---------------------------------------------------------------------------------------------
// The stand-in Grafana

#[derive(Default)]
struct Seen {
    /// Every Authorization header received.
    authorization: Vec<String>,
    /// Paths of the datasource-proxy requests, after `/api/datasources/proxy/uid/`.
    proxied: Vec<String>,
    /// Uids asked of `/api/library-elements/<uid>`.
    library: Vec<String>,
    /// Every path asked, in order.
    paths: Vec<String>,
    /// The query string of every `/api/search` request.
    searches: Vec<Vec<(String, String)>>,
}

struct Grafana {
    prometheus: String,
    /// uid → (dashboard JSON, folder uid or "" for General).
    dashboards: Mutex<Vec<(Value, String)>>,
    /// Dashboards stored in the v2 schema: `dashboard.grafana.app/v2beta1` objects.
    v2_dashboards: Mutex<Vec<Value>>,
    /// Library elements, as the `result` of `/api/library-elements/<uid>`.
    library: Mutex<Vec<Value>>,
    seen: Mutex<Seen>,
    http: reqwest::Client,
}

type Shared = Arc<Grafana>;

const FOLDER_UID: &str = "f-service";
const FOLDER_TITLE: &str = "service";
/// The folder `triage provision` makes for `layouts/service` (uid = the subfolder, title from
/// [folders] of provisioning/triage-provision.toml).
const SUITE_FOLDER_UID: &str = "service";
const SUITE_FOLDER_TITLE: &str = "Services";

fn folder_title(uid: &str) -> &'static str {
    if uid == SUITE_FOLDER_UID {
        SUITE_FOLDER_TITLE
    } else {
        FOLDER_TITLE
    }
}

fn json_response(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://x/?{}", query.unwrap_or(""))).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn folder_json(uid: &str) -> Value {
    // GET /api/folders/<uid> as documented (no nested folders: no parents).
    let title = folder_title(uid);
    json!({"id": folder_id(uid), "uid": uid, "title": title,
           "url": format!("/dashboards/f/{uid}/{}", title.to_lowercase()), "hasAcl": false,
           "canSave": false, "canEdit": false, "canAdmin": false, "version": 1})
}

fn folder_id(uid: &str) -> i64 {
    if uid == SUITE_FOLDER_UID { 6 } else { 5 }
}

fn search_hit(dashboard: &Value, folder_uid: &str) -> Value {
    let uid = dashboard["uid"].as_str().unwrap_or_default();
    let mut hit = json!({
        "id": dashboard["id"], "uid": uid, "orgId": 1, "title": dashboard["title"],
        "uri": format!("db/{uid}"), "url": format!("/d/{uid}/{uid}"), "slug": "",
        "type": "dash-db", "tags": dashboard["tags"].clone(), "isStarred": false,
    });
    if !folder_uid.is_empty() {
        let title = folder_title(folder_uid);
        hit["folderId"] = json!(folder_id(folder_uid));
        hit["folderUid"] = json!(folder_uid);
        hit["folderTitle"] = json!(title);
        hit["folderUrl"] = json!(format!(
            "/dashboards/f/{folder_uid}/{}",
            title.to_lowercase()
        ));
    }
    hit
}

async fn grafana(State(state): State<Shared>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let auth = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(auth) = &auth {
        state.seen.lock().unwrap().authorization.push(auth.clone());
    }
    state.seen.lock().unwrap().paths.push(path.clone());
    if path == "/api/health" {
        return json_response(
            StatusCode::OK,
            json!({"commit": "a1b2c3d", "database": "ok", "version": "11.3.0"}),
        );
    }
    if auth.as_deref() == Some(&format!("Bearer {VIEWER_TOKEN}")) && path == "/api/datasources" {
        return json_response(
            StatusCode::FORBIDDEN,
            json!({"accessErrorId": "ACE0000000001", "message": "You'll need additional permissions to perform this action. Permissions needed: datasources:read", "title": "Access denied"}),
        );
    }
    let allowed = [format!("Bearer {TOKEN}"), format!("Bearer {VIEWER_TOKEN}")];
    if !auth.as_ref().is_some_and(|a| allowed.contains(a)) {
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({"message": "invalid API key", "traceID": ""}),
        );
    }
    if let Some(rest) = path.strip_prefix("/api/datasources/proxy/uid/") {
        return proxy(&state, rest, query.as_deref(), request).await;
    }
    if let Some(answer) = v2_api(&state, &path) {
        return answer;
    }
    let dashboards = state.dashboards.lock().unwrap().clone();
    match path.as_str() {
        "/api/search" => {
            let params = query_pairs(query.as_deref());
            state.seen.lock().unwrap().searches.push(params.clone());
            let text = params
                .iter()
                .find(|(k, _)| k == "query")
                .map(|(_, v)| v.to_lowercase());
            let tags: Vec<&String> = params
                .iter()
                .filter(|(k, _)| k == "tag")
                .map(|(_, v)| v)
                .collect();
            let kind = params
                .iter()
                .find(|(k, _)| k == "type")
                .map(|(_, v)| v.as_str());
            let page: usize = params
                .iter()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            let mut hits = Vec::new();
            if page == 1 && kind != Some("dash-db") {
                for uid in [FOLDER_UID, SUITE_FOLDER_UID] {
                    let title = folder_title(uid);
                    let slug = title.to_lowercase();
                    let folder = json!({"id": folder_id(uid), "uid": uid, "title": title,
                        "uri": format!("db/{slug}"), "url": format!("/dashboards/f/{uid}/{slug}"),
                        "slug": "", "type": "dash-folder", "tags": [], "isStarred": false});
                    if text.as_ref().is_none_or(|t| slug.contains(t.as_str())) && tags.is_empty() {
                        hits.push(folder);
                    }
                }
            }
            if page == 1 && kind != Some("dash-folder") {
                for (dashboard, folder) in &dashboards {
                    let title = dashboard["title"]
                        .as_str()
                        .unwrap_or_default()
                        .to_lowercase();
                    let its_tags: Vec<&str> = dashboard["tags"]
                        .as_array()
                        .map(|t| t.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let text_ok = text.as_ref().is_none_or(|t| title.contains(t.as_str()));
                    let tags_ok = tags.iter().all(|t| its_tags.contains(&t.as_str()));
                    if text_ok && tags_ok {
                        hits.push(search_hit(dashboard, folder));
                    }
                }
            }
            json_response(StatusCode::OK, Value::Array(hits))
        }
        "/api/datasources" => json_response(
            StatusCode::OK,
            json!([
                {"id": 1, "uid": "prom-main", "orgId": 1, "name": "Prometheus", "type": "prometheus",
                 "typeName": "Prometheus", "access": "proxy", "url": state.prometheus, "user": "",
                 "database": "", "basicAuth": false, "isDefault": true,
                 "jsonData": {"httpMethod": "POST"}, "readOnly": false},
                {"id": 2, "uid": "loki-main", "orgId": 1, "name": "Loki", "type": "loki",
                 "access": "proxy", "url": "http://loki:3100", "basicAuth": false,
                 "isDefault": false, "jsonData": {}, "readOnly": false},
                {"id": 3, "uid": "prom-eu", "orgId": 1, "name": "Prometheus EU", "type": "prometheus",
                 "access": "proxy", "url": state.prometheus, "basicAuth": false,
                 "isDefault": false, "jsonData": {}, "readOnly": false}
            ]),
        ),
        "/api/folders" => json_response(
            StatusCode::OK,
            json!([{"id": 5, "uid": FOLDER_UID, "title": FOLDER_TITLE},
                   {"id": 6, "uid": SUITE_FOLDER_UID, "title": SUITE_FOLDER_TITLE}]),
        ),
        p if p == format!("/api/folders/{FOLDER_UID}")
            || p == format!("/api/folders/{SUITE_FOLDER_UID}") =>
        {
            json_response(StatusCode::OK, folder_json(&p["/api/folders/".len()..]))
        }
        p if p.starts_with("/api/dashboards/uid/") => {
            let uid = &p["/api/dashboards/uid/".len()..];
            match dashboards.iter().find(|(d, _)| d["uid"] == uid) {
                Some((dashboard, folder)) => {
                    let (folder_id, folder_title) = if folder.is_empty() {
                        (0, "General")
                    } else {
                        (folder_id(folder), folder_title(folder))
                    };
                    json_response(
                        StatusCode::OK,
                        json!({"dashboard": dashboard, "meta": {
                            "type": "db", "canSave": false, "canEdit": false, "canAdmin": false,
                            "canStar": true, "slug": uid, "url": format!("/d/{uid}/{uid}"),
                            "expires": "0001-01-01T00:00:00Z", "created": "2026-11-01T10:00:00Z",
                            "updated": "2026-11-30T10:00:00Z", "updatedBy": "admin",
                            "createdBy": "admin", "version": dashboard["version"],
                            "hasAcl": false, "isFolder": false, "folderId": folder_id,
                            "folderUid": folder, "folderTitle": folder_title,
                            "folderUrl": "", "provisioned": false, "provisionedExternalId": ""
                        }}),
                    )
                }
                None => json_response(
                    StatusCode::NOT_FOUND,
                    json!({"message": "Dashboard not found"}),
                ),
            }
        }
        p if p.starts_with("/api/library-elements/") => {
            let uid = &p["/api/library-elements/".len()..];
            state.seen.lock().unwrap().library.push(uid.to_string());
            let found = state
                .library
                .lock()
                .unwrap()
                .iter()
                .find(|e| e["uid"] == uid)
                .cloned();
            match found {
                Some(element) => json_response(StatusCode::OK, json!({ "result": element })),
                None => json_response(
                    StatusCode::NOT_FOUND,
                    json!({"message": "library element could not be found"}),
                ),
            }
        }
        _ => json_response(StatusCode::NOT_FOUND, json!({"message": "Not found"})),
    }
}

/// What Grafana 12 answers about dashboards stored in the v2 schema: the classic API refuses
/// them with 406 and the message of pkg/api/dashboard.go, the `dashboard.grafana.app` API
/// serves them (v2beta1 only here; other versions answer the Kubernetes 404 Status), and the
/// settings and organisation the fallback reads.
fn v2_api(state: &Grafana, path: &str) -> Option<Response> {
    let v2 = state.v2_dashboards.lock().unwrap().clone();
    let named = |uid: &str| v2.iter().find(|d| d["metadata"]["name"] == uid).cloned();
    if let Some(uid) = path.strip_prefix("/api/dashboards/uid/") {
        named(uid)?;
        return Some(json_response(
            StatusCode::NOT_ACCEPTABLE,
            json!({"message": format!("dashboard api version not supported, use \
                /apis/dashboard.grafana.app/v2beta1/namespaces/default/dashboards/{uid} instead")}),
        ));
    }
    if let Some(uid) =
        path.strip_prefix("/apis/dashboard.grafana.app/v2beta1/namespaces/default/dashboards/")
    {
        return Some(match named(uid) {
            Some(object) => json_response(StatusCode::OK, object),
            None => not_found_status(&format!(
                "dashboards.dashboard.grafana.app \"{uid}\" not found"
            )),
        });
    }
    if path.starts_with("/apis/") {
        return Some(not_found_status(
            "the server could not find the requested resource",
        ));
    }
    match path {
        // An excerpt: the settings are long; `namespace` is what the fallback reads.
        "/api/frontend/settings" => Some(json_response(
            StatusCode::OK,
            json!({"appUrl": "http://localhost:3000/", "appSubUrl": "", "namespace": "default",
                   "buildInfo": {"version": "12.1.0", "edition": "Open Source"},
                   "featureToggles": {"kubernetesDashboards": true, "dashboardNewLayouts": true}}),
        )),
        "/api/org" => Some(json_response(
            StatusCode::OK,
            json!({"id": 1, "name": "Main Org.", "address": {"address1": "", "address2": "",
                   "city": "", "zipCode": "", "state": "", "country": ""}}),
        )),
        _ => None,
    }
}

/// The API server's `Status` object for a 404.
fn not_found_status(message: &str) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": message, "reason": "NotFound", "code": 404}),
    )
}

/// Grafana's datasource proxy: the request goes on to the datasource's URL, Grafana's own
/// credentials stay behind.
async fn proxy(state: &Grafana, rest: &str, query: Option<&str>, request: Request) -> Response {
    let Some((uid, path)) = rest.split_once('/') else {
        return json_response(StatusCode::NOT_FOUND, json!({"message": "Not found"}));
    };
    if uid != "prom-main" && uid != "prom-eu" {
        return json_response(
            StatusCode::NOT_FOUND,
            json!({"message": "Unable to find datasource"}),
        );
    }
    state.seen.lock().unwrap().proxied.push(rest.to_string());
    let method = request.method().clone();
    let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
    let body = axum::body::to_bytes(request.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let mut url = format!("{}/{path}", state.prometheus);
    if let Some(q) = query {
        url = format!("{url}?{q}");
    }
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap();
    let mut forward = state.http.request(method, url).body(body.to_vec());
    if let Some(ct) = content_type {
        forward = forward.header("content-type", ct.to_str().unwrap_or_default());
    }
    match forward.send().await {
        Ok(answer) => {
            let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
            let bytes = answer.bytes().await.unwrap_or_default();
            (status, headers, Body::from(bytes)).into_response()
        }
        Err(e) => json_response(
            StatusCode::BAD_GATEWAY,
            json!({"message": format!("proxy error: {e}")}),
        ),
    }
}

struct StandIn {
    url: String,
    state: Shared,
    _runtime: tokio::runtime::Runtime,
}

fn start_grafana(prometheus: &str) -> StandIn {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut dashboard: Value =
        serde_json::from_str(&std::fs::read_to_string(DASHBOARD).unwrap()).unwrap();
    // What Grafana stores: a numeric id and a version.
    dashboard["id"] = json!(17);
    dashboard["version"] = json!(4);
    let other = json!({"id": 18, "uid": "root-notes", "title": "Root notes", "version": 2,
        "tags": ["notes"], "schemaVersion": 39, "time": {"from": "now-1h", "to": "now"},
        "panels": [{"id": 1, "type": "text", "title": "Read me",
                    "gridPos": {"x": 0, "y": 0, "w": 24, "h": 3},
                    "options": {"mode": "markdown", "content": "On call: see the runbook."}},
                   // Named by uid only, as many exported dashboards do: Grafana knows it is Loki.
                   {"id": 2, "type": "timeseries", "title": "Log lines",
                    "datasource": {"uid": "loki-main"},
                    "gridPos": {"x": 0, "y": 3, "w": 24, "h": 8},
                    "targets": [{"refId": "A", "expr": "sum(count_over_time({job=\"gw\"}[1m]))"}]}]});
    let state = Arc::new(Grafana {
        prometheus: prometheus.trim_end_matches('/').to_string(),
        dashboards: Mutex::new(vec![(dashboard, FOLDER_UID.into()), (other, String::new())]),
        v2_dashboards: Mutex::new(Vec::new()),
        library: Mutex::new(Vec::new()),
        seen: Mutex::new(Seen::default()),
        http: reqwest::Client::new(),
    });
    let app = axum::Router::new()
        .fallback(grafana)
        .with_state(state.clone());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    StandIn {
        url,
        state,
        _runtime: runtime,
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary

/// The binary with a clean environment: no user config, only the token given here.
fn triage(args: &[&str], token: Option<&str>, config_home: &Path) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env_remove("TRIAGE_PROMETHEUS_URL")
        .env_remove("TRIAGE_GRAFANA_URL")
        .env_remove("TRIAGE_GRAFANA_TOKEN")
        .env_remove("TRIAGE_GRAFANA_TOKEN_FILE")
        .stdin(Stdio::null());
    if let Some(token) = token {
        command.env("TRIAGE_GRAFANA_TOKEN", token);
    }
    let out = command.output().expect("run triage");
    // The token reaches the stand-in, never any output.
    for text in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(text);
        assert!(
            !text.contains(TOKEN) && !text.contains(VIEWER_TOKEN),
            "token leaked in {args:?}: {text}"
        );
    }
    out
}

fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("triage-grafana-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fixed range inside the demo's backfilled history, so two renders see the same data.
fn fixed_range() -> (String, String) {
    let now = chrono::Utc::now().timestamp();
    let to = (now - 3600) / 60 * 60;
    let from = to - 3600;
    let iso = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    (iso(from), iso(to))
}

fn panels(json: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(json)
        .expect("render --format json is JSON")
        .as_array()
        .expect("an array of panels")
        .clone()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn dashboards_open_query_and_export_through_grafana() {
    let demo = start_demo();
    let grafana = start_grafana(&demo.prometheus);
    let config_home = temp_dir("config");
    let (from, to) = fixed_range();
    let (from, to) = (from.as_str(), to.as_str());
    let gurl = grafana.url.as_str();
    let prom = demo.prometheus.as_str();
    let render_with = |extra: &[&str]| -> Output {
        let mut args: Vec<&str> = vec!["render"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "--from", from, "--to", to, "--format", "json", "--width", "160", "--height", "60",
        ]);
        triage(&args, Some(TOKEN), &config_home)
    };

    // The local file straight against Prometheus: what everything else must equal.
    let direct = ok(
        &render_with(&[DASHBOARD, "--prometheus", prom]),
        "render of the local file",
    );
    let direct_panels = panels(&direct);
    assert!(direct_panels.len() >= 15, "{}", direct_panels.len());
    let stats_ok = direct_panels
        .iter()
        .filter(|p| p["type"] == "stat" && p["state"] == "ok")
        .count();
    assert!(stats_ok >= 4, "stat panels have data: {direct}");

    // Opened by uid, every query through Grafana's datasource proxy: the same panels, values
    // and queries.
    let by_uid = render_with(&[&format!("grafana:{UID}"), "--grafana", gurl]);
    assert_eq!(panels(&ok(&by_uid, "render grafana:UID")), direct_panels);
    {
        let seen = grafana.state.seen.lock().unwrap();
        let ranges = seen
            .proxied
            .iter()
            .filter(|p| p.starts_with("prom-main/api/v1/query_range"))
            .count();
        assert!(
            ranges >= 10,
            "range queries went through the proxy: {:?}",
            seen.proxied
        );
        assert!(
            seen.proxied
                .iter()
                .any(|p| p.starts_with("prom-main/api/v1/label/environment/values")),
            "variables resolved through the proxy: {:?}",
            seen.proxied
        );
        assert!(
            seen.authorization
                .iter()
                .all(|a| a == &format!("Bearer {TOKEN}")),
            "the token reached the stand-in on every request"
        );
        assert!(!seen.authorization.is_empty());
        assert!(
            seen.paths.iter().any(|p| p == "/api/org"),
            "the organisation for links asked of Grafana: {:?}",
            seen.paths
        );
    }

    // By title, with --uid, and a local file through Grafana: the same again.
    for (args, what) in [
        (
            vec!["--title", "Inference Gateway", "--grafana", gurl],
            "--title",
        ),
        (vec!["--uid", UID, "--grafana", gurl], "--uid"),
        (vec![DASHBOARD, "--grafana", gurl], "local file via Grafana"),
    ] {
        assert_eq!(
            panels(&ok(&render_with(&args), what)),
            direct_panels,
            "{what}"
        );
    }

    // The datasource variable names Grafana's datasources by uid or by name.
    for choice in ["datasource=prom-eu", "datasource=Prometheus EU"] {
        let before = grafana.state.seen.lock().unwrap().proxied.len();
        let out = render_with(&[
            &format!("grafana:{UID}"),
            "--grafana",
            gurl,
            "--var",
            choice,
        ]);
        // The same PromQL, step and values; only how the scrape interval was found differs
        // (Prometheus's targets API directly, Grafana's default through its proxy).
        let without_scrape_source = |mut panels: Vec<Value>| {
            for query in panels
                .iter_mut()
                .filter_map(|p| p["queries"].as_array_mut())
                .flatten()
            {
                query.as_object_mut().map(|q| q.remove("scrapeInterval"));
            }
            panels
        };
        assert_eq!(
            without_scrape_source(panels(&ok(&out, choice))),
            without_scrape_source(direct_panels.clone()),
            "{choice}"
        );
        let seen = grafana.state.seen.lock().unwrap();
        let new = &seen.proxied[before..];
        assert!(
            new.iter()
                .any(|p| p.starts_with("prom-eu/api/v1/query_range"))
                && !new
                    .iter()
                    .any(|p| p.starts_with("prom-main/api/v1/query_range")),
            "{choice}: panels query prom-eu: {new:?}"
        );
    }

    // Direct Prometheus stays the default when given: the dashboard still comes from Grafana,
    // the default datasource's queries go straight to Prometheus.
    let before = grafana.state.seen.lock().unwrap().proxied.len();
    let mixed = render_with(&[
        &format!("grafana:{UID}"),
        "--grafana",
        gurl,
        "--prometheus",
        prom,
    ]);
    assert_eq!(
        panels(&ok(&mixed, "grafana:UID with --prometheus")),
        direct_panels
    );
    let proxied_after = grafana.state.seen.lock().unwrap().proxied[before..].to_vec();
    assert!(
        proxied_after.is_empty(),
        "nothing through the proxy: {proxied_after:?}"
    );

    // A token that may not list datasources: a clear error, or direct Prometheus when given.
    let viewer = |extra: &[&str]| {
        let mut args: Vec<&str> = vec!["render", "grafana:inference-gateway", "--grafana", gurl];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "--from", from, "--to", to, "--format", "json", "--width", "160", "--height", "60",
        ]);
        triage(&args, Some(VIEWER_TOKEN), &config_home)
    };
    let refused = viewer(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("datasources:read") && stderr.contains("--prometheus"),
        "{stderr}"
    );
    assert_eq!(
        panels(&ok(
            &viewer(&["--prometheus", prom]),
            "viewer token with --prometheus"
        )),
        direct_panels
    );

    // A panel on a datasource Grafana knows is Loki is unsupported, not sent to Prometheus.
    let notes = panels(&ok(
        &render_with(&["grafana:root-notes", "--grafana", gurl]),
        "render root-notes",
    ));
    assert_eq!(notes[1]["title"], "Log lines");
    assert_eq!(notes[1]["state"], "unsupported", "{:?}", notes[1]);
    assert!(
        notes[1]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("loki"),
        "{:?}",
        notes[1]
    );

    // Without a token Grafana refuses, and the message says what to do.
    let refused = triage(&["list", "--grafana", gurl], None, &config_home);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("TRIAGE_GRAFANA_TOKEN") && stderr.contains("401"),
        "{stderr}"
    );
    let missing = triage(
        &["render", "grafana:no-such-uid", "--grafana", gurl],
        Some(TOKEN),
        &config_home,
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no dashboard with uid \"no-such-uid\""),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );

    // Listing and searching.
    let list = ok(
        &triage(&["list", "--grafana", gurl], Some(TOKEN), &config_home),
        "list",
    );
    assert!(
        list.lines().any(|l| l.starts_with(UID)
            && l.contains("Inference Gateway")
            && l.contains("service")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("root-notes") && l.contains("General")),
        "{list}"
    );
    let tagged = ok(
        &triage(
            &[
                "list",
                "--grafana",
                gurl,
                "--tag",
                "slo",
                "--format",
                "json",
            ],
            Some(TOKEN),
            &config_home,
        ),
        "list --tag",
    );
    let tagged: Value = serde_json::from_str(&tagged).unwrap();
    assert_eq!(tagged.as_array().map(Vec::len), Some(1), "{tagged}");
    assert_eq!(tagged[0]["uid"], UID);
    assert_eq!(tagged[0]["folder"], "service");
    let in_folder = ok(
        &triage(
            &["list", "--grafana", gurl, "--folder", "General"],
            Some(TOKEN),
            &config_home,
        ),
        "list --folder",
    );
    assert!(
        in_folder.contains("root-notes") && !in_folder.contains(UID),
        "{in_folder}"
    );
    {
        // Grafana keeps pages in a stable order only when asked for one.
        let seen = grafana.state.seen.lock().unwrap();
        assert!(!seen.searches.is_empty());
        for params in &seen.searches {
            assert!(
                params.contains(&("sort".to_string(), "alpha-asc".to_string())),
                "{params:?}"
            );
        }
    }

    // pull → files in Grafana's folders, in the stable form.
    let out_dir = temp_dir("pull");
    let out = out_dir.to_str().unwrap();
    let pull = |extra: &[&str]| -> Output {
        let mut args: Vec<&str> = vec!["pull", "--grafana", gurl, "--out", out];
        args.extend_from_slice(extra);
        triage(&args, Some(TOKEN), &config_home)
    };
    let first = ok(&pull(&["--all"]), "pull --all");
    let pulled_path = out_dir.join("service").join(format!("{UID}.json"));
    let root_path = out_dir.join("root-notes.json");
    assert!(first.contains("service/inference-gateway.json"), "{first}");
    let pulled = std::fs::read_to_string(&pulled_path).expect("pulled into the folder's directory");
    assert!(root_path.exists(), "General-folder dashboards at the top");
    let value: Value = serde_json::from_str(&pulled).unwrap();
    assert!(
        value.get("id").is_none() && value.get("version").is_none(),
        "id and version dropped"
    );
    assert_eq!(value["uid"], UID, "uid kept");
    // Sorted keys, two spaces, one final newline: exactly what serde_json's sorted map prints.
    assert_eq!(
        pulled,
        format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
    );
    assert!(pulled.find("\"annotations\"").unwrap() < pulled.find("\"uid\"").unwrap());

    // pull → view: the exported file shows the same panels and values.
    let from_file = render_with(&[pulled_path.to_str().unwrap(), "--prometheus", prom]);
    assert_eq!(
        panels(&ok(&from_file, "render of the pulled file")),
        direct_panels
    );

    // A second pull of the unchanged dashboards writes nothing; --check agrees.
    let second = ok(&pull(&["--all"]), "second pull");
    assert!(!second.contains("wrote"), "{second}");
    assert_eq!(std::fs::read_to_string(&pulled_path).unwrap(), pulled);
    ok(&pull(&["--all", "--check"]), "check after pull");
    // Saving in Grafana bumps version (another instance: another id): still no diff.
    {
        let mut dashboards = grafana.state.dashboards.lock().unwrap();
        dashboards[0].0["version"] = json!(5);
        dashboards[0].0["id"] = json!(99);
    }
    ok(
        &pull(&["--uid", UID, "--check"]),
        "check after a version bump",
    );
    // An edit in Grafana is reported, and only that dashboard.
    {
        let mut dashboards = grafana.state.dashboards.lock().unwrap();
        let panels = dashboards[0].0["panels"].as_array_mut().unwrap();
        panels[1]["title"] = json!("p99 latency (edited)");
    }
    let check = pull(&["--all", "--check"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        report.contains("service/inference-gateway.json: changed in Grafana"),
        "{report}"
    );
    assert!(!report.contains("root-notes"), "{report}");
    assert_eq!(
        std::fs::read_to_string(&pulled_path).unwrap(),
        pulled,
        "--check writes nothing"
    );
    // --folder pulls that folder's dashboards only, and brings the file up to date.
    let by_folder = ok(&pull(&["--folder", "service"]), "pull --folder");
    assert!(
        by_folder.contains("wrote") && !by_folder.contains("root-notes"),
        "{by_folder}"
    );
    assert!(
        std::fs::read_to_string(&pulled_path)
            .unwrap()
            .contains("p99 latency (edited)")
    );
    ok(
        &pull(&["--all", "--check"]),
        "check after the edit was pulled",
    );

    let _ = std::fs::remove_dir_all(&out_dir);

    pull_writes_provisioned_folders_where_provision_reads_them(&grafana, gurl, &config_home);

    library_panels_come_from_grafana(&grafana, &direct_panels, &render_with, &config_home);

    the_switcher_lists_grafanas_dashboards_and_opens_one(gurl, &config_home);
    let _ = std::fs::remove_dir_all(&config_home);
}

/// A dashboard in the folder `triage provision` made from `layouts/service` (title "Services",
/// uid "service") is pulled back to `<out>/service/`, with the repository's config (found by
/// default) or one named by `--provisioning-config`; a config without that folder leaves
/// the title-based path.
fn pull_writes_provisioned_folders_where_provision_reads_them(
    grafana: &StandIn,
    gurl: &str,
    config_home: &Path,
) {
    const SUITE_UID: &str = "suite-gateway";
    let mut dashboard = grafana.state.dashboards.lock().unwrap()[0].0.clone();
    dashboard["uid"] = json!(SUITE_UID);
    dashboard["title"] = json!("Suite gateway");
    grafana
        .state
        .dashboards
        .lock()
        .unwrap()
        .push((dashboard, SUITE_FOLDER_UID.into()));
    let out_dir = temp_dir("pull-provisioned");
    let out = out_dir.to_str().unwrap();
    let pull = |extra: &[&str]| -> Output {
        let mut args: Vec<&str> = vec!["pull", "--grafana", gurl, "--out", out, "--uid", SUITE_UID];
        args.extend_from_slice(extra);
        triage(&args, Some(TOKEN), config_home)
    };
    // The test runs in the repository: provisioning/triage-provision.toml is the default.
    let written = ok(&pull(&[]), "pull from the Services folder");
    let layout_path = out_dir.join("service").join(format!("{SUITE_UID}.json"));
    assert!(layout_path.is_file(), "{written}");
    assert!(!out_dir.join(SUITE_FOLDER_TITLE).exists(), "{written}");
    ok(&pull(&["--check"]), "check after the pull");

    // Named explicitly, a config without that folder: the title-based path, as before.
    let config = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("provisioning/triage-provision.toml"),
    )
    .unwrap();
    assert!(
        config.contains("service = \"Services\""),
        "the suite's folder is configured"
    );
    let other_config = out_dir.join("other-provision.toml");
    std::fs::write(&other_config, config.replace("service = \"Services\"", "")).unwrap();
    let other_out = temp_dir("pull-unprovisioned");
    let moved = triage(
        &[
            "pull",
            "--grafana",
            gurl,
            "--out",
            other_out.to_str().unwrap(),
            "--uid",
            SUITE_UID,
            "--provisioning-config",
            other_config.to_str().unwrap(),
        ],
        Some(TOKEN),
        config_home,
    );
    ok(&moved, "pull with a config without the folder");
    assert!(
        other_out
            .join(SUITE_FOLDER_TITLE)
            .join(format!("{SUITE_UID}.json"))
            .is_file(),
        "{}",
        String::from_utf8_lossy(&moved.stdout)
    );
    // A config that cannot be read is named, and nothing is written.
    let missing = out_dir.join("no-such.toml");
    let refused = pull(&["--provisioning-config", missing.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("no-such.toml"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    grafana
        .state
        .dashboards
        .lock()
        .unwrap()
        .retain(|(d, _)| d["uid"] != SUITE_UID);
    let _ = std::fs::remove_dir_all(&out_dir);
    let _ = std::fs::remove_dir_all(&other_out);
}

/// `d` lists Grafana's dashboards beside the open ones; choosing one loads it from Grafana.
fn the_switcher_lists_grafanas_dashboards_and_opens_one(grafana: &str, config_home: &Path) {
    let token_file = config_home.join("grafana-token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let command = format!(
        "env -u TRIAGE_PROMETHEUS_URL -u TRIAGE_GRAFANA_TOKEN XDG_CONFIG_HOME={} \
         TRIAGE_GRAFANA_TOKEN_FILE={} {BIN} view grafana:{UID} --grafana {grafana}; \
         echo TRIAGE-EXITED-$?; sleep 60",
        config_home.display(),
        token_file.display()
    );
    let tmux = Tmux::start("grafana", &command);
    shown(&tmux, "req/s");
    tmux.keys(&["d"]);
    let list = shown(&tmux, "Root notes  [Grafana: General]");
    assert!(list.contains("Inference Gateway"), "{list}");
    for key in ["R", "o", "o", "t", "Enter"] {
        tmux.keys(&[key]);
    }
    let screen = shown(&tmux, "On call: see the runbook.");
    assert!(screen.contains("Read me"), "{screen}");
    // Loaded now: listed once, as an open dashboard, and the first one is still there.
    tmux.keys(&["d"]);
    let list = shown(&tmux, "dashboards (2)");
    assert!(!list.contains("[Grafana: General]"), "{list}");
    for key in ["G", "a", "t", "e", "Enter"] {
        tmux.keys(&[key]);
    }
    shown(&tmux, "req/s");
    tmux.keys(&["q"]);
    shown(&tmux, "TRIAGE-EXITED-0");
}

/// Wait for text on the TUI's screen; the token must never be on it.
fn shown(tmux: &Tmux, text: &str) -> String {
    let screen = tmux.wait_for(text);
    assert!(!screen.contains(TOKEN), "token on screen:\n{screen}");
    screen
}

const LIBRARY_UID: &str = "gateway-library";

/// A copy of the dashboard whose "p99 latency" is a library panel Grafana has and whose
/// "Error rate" is one it does not: the first draws with data through the proxy, exactly as
/// the panel itself; the second says which uid is missing and Grafana's 404.
fn library_panels_come_from_grafana(
    grafana: &StandIn,
    direct_panels: &[Value],
    render_with: &dyn Fn(&[&str]) -> Output,
    config_home: &Path,
) {
    let gurl = grafana.url.as_str();
    let mut dashboard: Value =
        serde_json::from_str(&std::fs::read_to_string(DASHBOARD).unwrap()).unwrap();
    dashboard["uid"] = json!(LIBRARY_UID);
    dashboard["id"] = json!(19);
    dashboard["version"] = json!(1);
    dashboard["title"] = json!("Gateway with library panels");
    dashboard["tags"] = json!(["library"]);
    let list = dashboard["panels"].as_array_mut().unwrap();
    let at = |title: &str| list.iter().position(|p| p["title"] == title).unwrap();
    let (p99_at, error_at) = (at("p99 latency"), at("Error rate"));
    // What Grafana keeps: the panel, saved elsewhere with its own place and title.
    let mut model = list[p99_at].clone();
    let p99_grid = model["gridPos"].clone();
    model["gridPos"] = json!({"x": 0, "y": 90, "w": 24, "h": 12});
    model["title"] = json!("p99 latency (library)");
    model["id"] = json!(900);
    let reference = |panel: &Value, uid: &str| {
        json!({"id": panel["id"], "title": panel["title"], "gridPos": panel["gridPos"],
               "libraryPanel": {"uid": uid, "name": panel["title"]}})
    };
    list[p99_at] = reference(&list[p99_at], "lib-p99");
    list[error_at] = reference(&list[error_at], "lib-missing");
    grafana.state.library.lock().unwrap().push(json!({
        "id": 1, "orgId": 1, "folderId": 0, "folderUid": "", "uid": "lib-p99",
        "name": "p99 latency", "kind": 1, "type": "stat", "description": "", "model": model,
        "version": 1, "meta": {"folderName": "General", "folderUid": "",
        "connectedDashboards": 1, "created": "2026-11-01T10:00:00Z",
        "updated": "2026-11-01T10:00:00Z",
        "createdBy": {"id": 1, "name": "admin", "avatarUrl": ""},
        "updatedBy": {"id": 1, "name": "admin", "avatarUrl": ""}}
    }));
    grafana
        .state
        .dashboards
        .lock()
        .unwrap()
        .push((dashboard, FOLDER_UID.into()));
    let name = format!("grafana:{LIBRARY_UID}");

    grafana.state.seen.lock().unwrap().library.clear();
    let drawn = panels(&ok(
        &render_with(&[&name, "--grafana", gurl]),
        "render with library panels",
    ));
    let mut asked = grafana.state.seen.lock().unwrap().library.clone();
    asked.sort();
    assert_eq!(
        asked,
        ["lib-missing", "lib-p99"],
        "one request per library panel"
    );
    assert_eq!(drawn.len(), direct_panels.len());
    for (got, want) in drawn.iter().zip(direct_panels) {
        if want["title"] == "Error rate" {
            assert_eq!(got["title"], "Error rate");
            assert_eq!(got["state"], "unsupported", "{got}");
            let error = got["error"].as_str().unwrap_or_default();
            assert!(
                error.contains("`lib-missing`") && error.contains("404"),
                "{error}"
            );
        } else {
            assert_eq!(got, want, "{}", want["title"]);
        }
    }
    let p99 = drawn.iter().find(|p| p["title"] == "p99 latency").unwrap();
    assert_eq!(p99["type"], "stat");
    assert_eq!(p99["state"], "ok", "{p99}");
    assert!(
        p99["values"].as_array().is_some_and(|v| !v.is_empty()),
        "{p99}"
    );

    // inspect grafana:UID: the library panel's model in the dashboard's place.
    let inspected = ok(
        &triage(
            &["inspect", &name, "--grafana", gurl, "--format", "json"],
            Some(TOKEN),
            config_home,
        ),
        "inspect grafana:UID",
    );
    let doc: Value = serde_json::from_str(&inspected).unwrap();
    assert_eq!(doc["uid"], LIBRARY_UID);
    let find = |title: &str| {
        doc["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .cloned()
            .unwrap_or_else(|| panic!("{title} in {inspected}"))
    };
    let p99 = find("p99 latency");
    assert_eq!(p99["type"], "stat");
    assert_eq!(p99["gridPos"], p99_grid);
    assert!(
        p99["targets"][0]["expr"]
            .as_str()
            .is_some_and(|e| e.contains("histogram_quantile")),
        "{p99}"
    );
    assert_eq!(find("Error rate")["type"], "library-panel");
    let path = format!("panels[{error_at}].libraryPanel");
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == path
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("`lib-missing`") && m.contains("404"))),
        "{inspected}"
    );

    // check grafana:UID: the dashboard checked like a file; one Grafana lacks is an error.
    let checked = triage(
        &[
            "check",
            &name,
            "grafana:no-such-uid",
            "--grafana",
            gurl,
            "--format",
            "json",
        ],
        Some(TOKEN),
        config_home,
    );
    let report: Value = serde_json::from_slice(&checked.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&checked.stderr)));
    assert_eq!(report["summary"]["dashboards"], 1, "{report}");
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["file"] == name
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("`lib-missing`"))),
        "{report}"
    );
    assert!(
        findings.iter().any(|f| f["file"] == "grafana:no-such-uid"
            && f["level"] == "error"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("no dashboard with uid"))),
        "{report}"
    );
    assert_eq!(checked.status.code(), Some(1), "{report}");

    // Gone again, so the switcher below lists what it did before.
    grafana
        .state
        .dashboards
        .lock()
        .unwrap()
        .retain(|(d, _)| d["uid"] != LIBRARY_UID);
}

const V2_UID: &str = "gw-v2";

/// A dashboard stored in the v2 schema, as `/apis/dashboard.grafana.app/v2beta1/...` answers
/// it (Grafana 12 with `kubernetesDashboards`): the server's bookkeeping in `metadata`, the
/// dashboard in `spec`.
fn v2_object(resource_version: &str, updated: &str, title: &str) -> Value {
    json!({
        "apiVersion": "dashboard.grafana.app/v2beta1",
        "kind": "Dashboard",
        "metadata": {
            "name": V2_UID,
            "namespace": "default",
            "uid": "6d1f0a3e-9c2b-4e7a-8f51-2b3c4d5e6f70",
            "resourceVersion": resource_version,
            "generation": 2,
            "creationTimestamp": "2026-11-01T10:00:00Z",
            "labels": {"grafana.app/deprecatedInternalID": "31"},
            "annotations": {
                "grafana.app/createdBy": "user:u000000001",
                "grafana.app/folder": FOLDER_UID,
                "grafana.app/updatedBy": "user:u000000001",
                "grafana.app/updatedTimestamp": updated
            }
        },
        "spec": {
            "title": title,
            "description": "",
            "tags": ["v2"],
            "cursorSync": "Off",
            "editable": true,
            "liveNow": false,
            "preload": false,
            "links": [],
            "annotations": [],
            "variables": [],
            "timeSettings": {"from": "now-1h", "to": "now", "autoRefresh": "", "timezone": "browser",
                             "autoRefreshIntervals": ["30s", "1m"], "fiscalYearStartMonth": 0,
                             "hideTimepicker": false},
            "elements": {
                "panel-1": {"kind": "Panel", "spec": {
                    "id": 1, "title": "Requests", "description": "", "links": [],
                    "data": {"kind": "QueryGroup", "spec": {"queries": [{"kind": "PanelQuery", "spec": {
                        "refId": "A", "hidden": false,
                        "query": {"kind": "prometheus", "spec": {"expr": "sum(rate(http_requests_total[5m]))"}}}}],
                        "transformations": [], "queryOptions": {}}},
                    "vizConfig": {"kind": "timeseries", "spec": {"pluginVersion": "12.1.0",
                        "options": {}, "fieldConfig": {"defaults": {}, "overrides": []}}}}}
            },
            "layout": {"kind": "GridLayout", "spec": {"items": [{"kind": "GridLayoutItem", "spec": {
                "x": 0, "y": 0, "width": 24, "height": 8,
                "element": {"kind": "ElementReference", "name": "panel-1"}}}]}}
        },
        "status": {}
    })
}

/// Grafana 12 refuses a v2-stored dashboard on `/api/dashboards/uid/<uid>` with 406: it is
/// read through the `dashboard.grafana.app` API where the refusal points, and `pull` writes
/// the object without the server's bookkeeping. Nothing here queries Prometheus.
#[test]
fn dashboards_stored_in_the_v2_schema_come_through_the_dashboard_api() {
    let grafana = start_grafana("http://127.0.0.1:9");
    let config_home = temp_dir("config-v2");
    let gurl = grafana.url.as_str();
    let name = format!("grafana:{V2_UID}");
    let set = |object: Value| *grafana.state.v2_dashboards.lock().unwrap() = vec![object];
    set(v2_object("1741", "2026-11-30T10:00:00Z", "Gateway v2"));

    let inspected = ok(
        &triage(
            &["inspect", &name, "--grafana", gurl, "--format", "json"],
            Some(TOKEN),
            &config_home,
        ),
        "inspect a v2 dashboard",
    );
    let doc: Value = serde_json::from_str(&inspected).unwrap();
    assert_eq!(doc["uid"], V2_UID, "{inspected}");
    assert_eq!(doc["title"], "Gateway v2", "{inspected}");
    // The v2 body is read as a dashboard: its panel and query, not an empty page.
    let panels = doc["panels"].as_array().expect("panels");
    assert_eq!(panels.len(), 1, "{inspected}");
    assert_eq!(panels[0]["title"], "Requests", "{inspected}");
    assert!(
        inspected.contains("sum(rate(http_requests_total[5m]))"),
        "{inspected}"
    );
    let asked = |prefix: &str| -> Vec<String> {
        let seen = grafana.state.seen.lock().unwrap();
        seen.paths
            .iter()
            .filter(|p| p.starts_with(prefix))
            .cloned()
            .collect()
    };
    assert_eq!(
        asked("/api/dashboards/uid/"),
        [format!("/api/dashboards/uid/{V2_UID}")]
    );
    assert_eq!(
        asked("/apis/"),
        [format!(
            "/apis/dashboard.grafana.app/v2beta1/namespaces/default/dashboards/{V2_UID}"
        )],
        "where the refusal points, once"
    );

    // pull writes the object into its folder, the server's bookkeeping left out.
    let out_dir = temp_dir("pull-v2");
    let out = out_dir.to_str().unwrap();
    let pull = |extra: &[&str]| -> Output {
        let mut args: Vec<&str> = vec!["pull", "--grafana", gurl, "--out", out, "--uid", V2_UID];
        args.extend_from_slice(extra);
        triage(&args, Some(TOKEN), &config_home)
    };
    let first = ok(&pull(&[]), "pull of a v2 dashboard");
    let path = out_dir.join(FOLDER_TITLE).join(format!("{V2_UID}.json"));
    assert!(
        first.contains(&format!("{FOLDER_TITLE}/{V2_UID}.json")),
        "{first}"
    );
    let written = std::fs::read_to_string(&path).expect("pulled into the folder's directory");
    let value: Value = serde_json::from_str(&written).unwrap();
    let given = v2_object("1741", "2026-11-30T10:00:00Z", "Gateway v2");
    assert_eq!(value["apiVersion"], given["apiVersion"]);
    assert_eq!(value["kind"], "Dashboard");
    assert_eq!(
        value["spec"], given["spec"],
        "the dashboard as Grafana gave it"
    );
    assert_eq!(
        value["metadata"],
        json!({"name": V2_UID, "namespace": "default",
               "annotations": {"grafana.app/folder": FOLDER_UID}})
    );
    assert!(value.get("status").is_none(), "{written}");
    assert_eq!(
        written,
        format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
    );

    // Saved again in Grafana (new resourceVersion and time): nothing to pull.
    set(v2_object("1802", "2026-12-01T08:00:00Z", "Gateway v2"));
    let again = ok(&pull(&[]), "second pull of a v2 dashboard");
    assert!(!again.contains("wrote"), "{again}");
    ok(&pull(&["--check"]), "check after a save");
    // An edit is reported.
    set(v2_object(
        "1803",
        "2026-12-01T09:00:00Z",
        "Gateway v2 (edited)",
    ));
    let check = pull(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        report.contains(&format!("{V2_UID}.json: changed in Grafana"))
            && report.contains("Gateway v2 (edited)"),
        "{report}"
    );

    v2_library_panels_come_from_grafana(&grafana, &config_home);
    let _ = std::fs::remove_dir_all(&out_dir);
    let _ = std::fs::remove_dir_all(&config_home);
}

/// A v2 dashboard's `LibraryPanel` elements are fetched from `/api/library-elements/<uid>`
/// like a v1 dashboard's references: the model takes the element's place; a uid Grafana does
/// not have leaves a placeholder that says so.
fn v2_library_panels_come_from_grafana(grafana: &StandIn, config_home: &Path) {
    let mut object = v2_object("1900", "2026-12-02T08:00:00Z", "Gateway v2 with library");
    let spec = &mut object["spec"];
    spec["elements"]["lib-1"] = json!({"kind": "LibraryPanel", "spec": {
        "id": 2, "title": "Uptime", "libraryPanel": {"uid": "lib-v2-uptime", "name": "Uptime"}}});
    spec["elements"]["lib-2"] = json!({"kind": "LibraryPanel", "spec": {
        "id": 3, "title": "Gone", "libraryPanel": {"uid": "lib-v2-gone", "name": "Gone"}}});
    let items = spec["layout"]["spec"]["items"].as_array_mut().unwrap();
    for (i, name) in ["lib-1", "lib-2"].into_iter().enumerate() {
        items.push(json!({"kind": "GridLayoutItem", "spec": {
            "x": 12 * i, "y": 8, "width": 12, "height": 6,
            "element": {"kind": "ElementReference", "name": name}}}));
    }
    *grafana.state.v2_dashboards.lock().unwrap() = vec![object];
    grafana.state.library.lock().unwrap().push(json!({
        "id": 7, "orgId": 1, "folderUid": "", "uid": "lib-v2-uptime", "name": "Uptime",
        "kind": 1, "type": "stat", "description": "",
        "model": {"type": "stat", "title": "Uptime", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
                  "targets": [{"refId": "A", "expr": "time() - process_start_time_seconds"}],
                  "fieldConfig": {"defaults": {"unit": "s"}, "overrides": []}},
        "version": 1, "meta": {}
    }));
    let name = format!("grafana:{V2_UID}");
    let inspected = ok(
        &triage(
            &[
                "inspect",
                &name,
                "--grafana",
                &grafana.url,
                "--format",
                "json",
            ],
            Some(TOKEN),
            config_home,
        ),
        "inspect a v2 dashboard with library panels",
    );
    let doc: Value = serde_json::from_str(&inspected).unwrap();
    let find = |title: &str| {
        doc["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .cloned()
            .unwrap_or_else(|| panic!("{title} in {inspected}"))
    };
    let uptime = find("Uptime");
    assert_eq!(uptime["type"], "stat", "{uptime}");
    assert_eq!(
        uptime["targets"][0]["expr"], "time() - process_start_time_seconds",
        "{uptime}"
    );
    assert_eq!(uptime["gridPos"]["y"], 8, "the element's place: {uptime}");
    let gone = find("Gone");
    assert_eq!(gone["type"], "library-panel", "{gone}");
    assert!(
        inspected.contains("`lib-v2-gone`") && inspected.contains("404"),
        "{inspected}"
    );
}
