//! The static description of the synthetic fleet: instances, endpoints, models, label values,
//! histogram buckets and metric families. Behaviour lives in `world`.

pub const SERVICE: &str = "inference-gateway";
/// Prometheus scrape job of the exporter; the backfill writes it on raw series so history and
/// live scrapes are the same series.
pub const JOB: &str = "inference-gateway";

#[derive(Debug, Clone, Copy)]
pub struct InstanceSpec {
    pub name: &'static str,
    pub environment: &'static str,
    pub cluster: &'static str,
    /// Requests per second at an average hour.
    pub base_rps: f64,
    pub gpus: usize,
    /// Local time offset of the users this cluster serves (drives the diurnal curve).
    pub utc_offset_hours: f64,
}

pub const INSTANCES: [InstanceSpec; 7] = [
    InstanceSpec {
        name: "gw-prod-euw1-a:8080",
        environment: "production",
        cluster: "eu-west-1",
        base_rps: 95.0,
        gpus: 2,
        utc_offset_hours: 1.0,
    },
    InstanceSpec {
        name: "gw-prod-euw1-b:8080",
        environment: "production",
        cluster: "eu-west-1",
        base_rps: 90.0,
        gpus: 2,
        utc_offset_hours: 1.0,
    },
    InstanceSpec {
        name: "gw-prod-use1-a:8080",
        environment: "production",
        cluster: "us-east-1",
        base_rps: 120.0,
        gpus: 2,
        utc_offset_hours: -5.0,
    },
    InstanceSpec {
        name: "gw-prod-use1-b:8080",
        environment: "production",
        cluster: "us-east-1",
        base_rps: 115.0,
        gpus: 2,
        utc_offset_hours: -5.0,
    },
    InstanceSpec {
        name: "gw-stg-euw1-a:8080",
        environment: "staging",
        cluster: "eu-west-1",
        base_rps: 9.0,
        gpus: 1,
        utc_offset_hours: 1.0,
    },
    InstanceSpec {
        name: "gw-stg-use1-a:8080",
        environment: "staging",
        cluster: "us-east-1",
        base_rps: 7.0,
        gpus: 1,
        utc_offset_hours: -5.0,
    },
    InstanceSpec {
        name: "gw-lab-euw1-a:8080",
        environment: "lab",
        cluster: "eu-west-1",
        base_rps: 2.0,
        gpus: 1,
        utc_offset_hours: 1.0,
    },
];

#[derive(Debug, Clone, Copy)]
pub struct EndpointSpec {
    pub path: &'static str,
    /// Share of an instance's traffic.
    pub share: f64,
    /// Median latency at average load.
    pub median_seconds: f64,
    /// Index into [`MODELS`] of the model this endpoint serves.
    pub model: Option<usize>,
}

pub const ENDPOINTS: [EndpointSpec; 4] = [
    EndpointSpec {
        path: "/v1/predict",
        share: 0.55,
        median_seconds: 0.070,
        model: Some(0),
    },
    EndpointSpec {
        path: "/v1/embed",
        share: 0.25,
        median_seconds: 0.040,
        model: Some(2),
    },
    EndpointSpec {
        path: "/v1/classify",
        share: 0.15,
        median_seconds: 0.055,
        model: Some(1),
    },
    EndpointSpec {
        path: "/healthz",
        share: 0.05,
        median_seconds: 0.002,
        model: None,
    },
];

/// Index of `/healthz`, which SLOs leave out.
pub const HEALTHZ: usize = 3;

#[derive(Debug, Clone, Copy)]
pub struct ModelSpec {
    pub name: &'static str,
    /// Predicted classes and their base shares (empty for embedding models).
    pub classes: &'static [(&'static str, f64)],
    /// Exponent of the confidence distribution `P(conf <= c) = c^a` (higher: more confident).
    pub confidence_shape: f64,
    pub load_seconds: f64,
}

/// Classifying models come first: only they have confidence and prediction metrics.
pub const MODELS: [ModelSpec; 3] = [
    ModelSpec {
        name: "fraud-xgb",
        classes: &[("legit", 0.955), ("review", 0.035), ("fraud", 0.010)],
        confidence_shape: 7.0,
        load_seconds: 2.4,
    },
    ModelSpec {
        name: "intent-bert",
        classes: &[
            ("support", 0.40),
            ("billing", 0.30),
            ("sales", 0.20),
            ("other", 0.10),
        ],
        confidence_shape: 4.5,
        load_seconds: 1.3,
    },
    ModelSpec {
        name: "text-embed-small",
        classes: &[],
        confidence_shape: 0.0,
        load_seconds: 0.7,
    },
];
pub const CLASSIFYING_MODELS: usize = 2;

pub const STATUS_CODES: [&str; 4] = ["200", "400", "500", "503"];
/// Upper bounds (seconds) chosen around a 300 ms SLO: fine steps between 100 and 500 ms.
pub const LATENCY_BUCKETS: [f64; 11] = [0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 1.0, 2.5];
pub const CONFIDENCE_BUCKETS: [f64; 7] = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];
pub const BATCH_BUCKETS: [f64; 7] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
pub const STAGES: [&str; 3] = ["preprocess", "model", "postprocess"];
pub const SUMMARY_QUANTILES: [f64; 3] = [0.5, 0.9, 0.99];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
    Summary,
}

#[derive(Debug, Clone, Copy)]
pub struct FamilyDef {
    /// Family name; counters without `_total`.
    pub name: &'static str,
    pub kind: MetricKind,
    pub help: &'static str,
}

pub const FAMILIES: [FamilyDef; 27] = [
    FamilyDef {
        name: "http_requests",
        kind: MetricKind::Counter,
        help: "HTTP requests served, by endpoint and status code.",
    },
    FamilyDef {
        name: "http_request_duration_seconds",
        kind: MetricKind::Histogram,
        help: "HTTP request latency.",
    },
    FamilyDef {
        name: "inference_requests",
        kind: MetricKind::Counter,
        help: "Requests that reached a model.",
    },
    FamilyDef {
        name: "inference_stage_duration_seconds",
        kind: MetricKind::Summary,
        help: "Time spent per inference stage.",
    },
    FamilyDef {
        name: "inference_model_confidence",
        kind: MetricKind::Histogram,
        help: "Confidence of the top prediction.",
    },
    FamilyDef {
        name: "inference_predictions",
        kind: MetricKind::Counter,
        help: "Predictions returned, by predicted class.",
    },
    FamilyDef {
        name: "inference_batch_size",
        kind: MetricKind::Histogram,
        help: "Requests per model batch.",
    },
    FamilyDef {
        name: "inference_queue_depth",
        kind: MetricKind::Gauge,
        help: "Requests waiting for a model worker.",
    },
    FamilyDef {
        name: "inference_gpu_utilization_ratio",
        kind: MetricKind::Gauge,
        help: "GPU busy time ratio over the last second.",
    },
    FamilyDef {
        name: "process_cpu_seconds",
        kind: MetricKind::Counter,
        help: "Total user and system CPU time spent in seconds.",
    },
    FamilyDef {
        name: "process_resident_memory_bytes",
        kind: MetricKind::Gauge,
        help: "Resident memory size in bytes.",
    },
    FamilyDef {
        name: "process_start_time_seconds",
        kind: MetricKind::Gauge,
        help: "Start time of the process since unix epoch in seconds.",
    },
    FamilyDef {
        name: "model_registry_models_registered",
        kind: MetricKind::Gauge,
        help: "Models known to the registry client.",
    },
    FamilyDef {
        name: "model_registry_model_versions",
        kind: MetricKind::Gauge,
        help: "Versions of each model available in the registry.",
    },
    FamilyDef {
        name: "model_registry_model_load_duration_seconds",
        kind: MetricKind::Gauge,
        help: "Time the last load of each model took.",
    },
    FamilyDef {
        name: "model_registry_last_successful_sync_timestamp_seconds",
        kind: MetricKind::Gauge,
        help: "Unix time of the last successful registry sync.",
    },
    FamilyDef {
        name: "inference_gateway_build_info",
        kind: MetricKind::Gauge,
        help: "Build information; the value is always 1.",
    },
    FamilyDef {
        name: "model_registry_downloads",
        kind: MetricKind::Counter,
        help: "Model artefacts downloaded from the registry.",
    },
    FamilyDef {
        name: "model_registry_download_errors",
        kind: MetricKind::Counter,
        help: "Model downloads that failed (and were retried).",
    },
    FamilyDef {
        name: "model_registry_syncs",
        kind: MetricKind::Counter,
        help: "Registry catalogue syncs, by result.",
    },
    FamilyDef {
        name: "inference_gateway_deployments",
        kind: MetricKind::Counter,
        help: "Releases rolled out to this instance, by outcome (failed ones were rolled back).",
    },
    FamilyDef {
        name: "process_network_receive_bytes",
        kind: MetricKind::Counter,
        help: "Number of bytes received by the process over the network.",
    },
    FamilyDef {
        name: "process_network_transmit_bytes",
        kind: MetricKind::Counter,
        help: "Number of bytes sent by the process over the network.",
    },
    FamilyDef {
        name: "inference_gateway_cpu_limit_cores",
        kind: MetricKind::Gauge,
        help: "CPU limit of the container, in cores.",
    },
    FamilyDef {
        name: "inference_gateway_memory_limit_bytes",
        kind: MetricKind::Gauge,
        help: "Memory limit of the container, in bytes.",
    },
    FamilyDef {
        name: "cloud_billing_cost_dollars",
        kind: MetricKind::Counter,
        help: "Cloud spend attributed to this instance (node and GPUs), in US dollars.",
    },
    FamilyDef {
        name: "ml_platform_incident_duration_seconds",
        kind: MetricKind::Summary,
        help: "Incidents on this instance, counted when resolved: time from declaration to resolution, by severity.",
    },
];
