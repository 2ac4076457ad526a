//! Figures for the pure semantic core: interpolation, ad-hoc filters, step planning, value
//! formatting and reducers. Run with `cargo bench --bench core`; prints timings, asserts none.

use std::hint::black_box;
use std::time::Instant;

use triage::grafana::{interval, reduce, units, vars};

const EXPRS: &[&str] = &[
    "sum by (job) (rate(http_requests_total{job=~\"$job\", instance=~\"$instance\", code=~\"5..\"}[$__rate_interval]))",
    "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job=~\"$job\"}[$__rate_interval])))",
    "100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\", instance=~\"$instance\"}[$__interval])))",
    "max_over_time(up{job=\"${job:regex}\"}[$__range]) and on (instance) group_left sum(kube_pod_info{namespace=\"$namespace\"})",
];

fn time<F: FnMut()>(label: &str, iterations: u32, mut f: F) {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let per = start.elapsed() / iterations;
    println!("{label:<44} {per:>12.2?} per call ({iterations} calls)");
}

fn scope() -> vars::Scope {
    let mut s = vars::Scope::new();
    let multi = |v: &[&str]| vars::VarValue {
        text: v.iter().map(|x| x.to_string()).collect(),
        value: v.iter().map(|x| x.to_string()).collect(),
        multi: true,
        include_all: true,
        ..vars::VarValue::default()
    };
    s.set_var("job", multi(&["api", "web.frontend", "worker"]));
    s.set_var("instance", multi(&["10.0.0.1:9100", "10.0.0.2:9100"]));
    s.set_var("namespace", vars::VarValue::single("prod"));
    let q = interval::plan_query_interval(&interval::IntervalInput {
        from_ms: 0,
        to_ms: 6 * 3_600_000,
        max_data_points: 400,
        ..Default::default()
    });
    s.set_intervals(&q);
    s
}

fn main() {
    let s = scope();
    time("interpolate (4 exprs, Prometheus format)", 20_000, || {
        for e in EXPRS {
            black_box(vars::interpolate(
                black_box(e),
                &s,
                vars::Format::Prometheus,
            ));
        }
    });
    let interpolated: Vec<String> = EXPRS
        .iter()
        .map(|e| vars::interpolate(e, &s, vars::Format::Prometheus))
        .collect();
    let filters = vec![triage::grafana::model::LabelMatcher::new(
        "cluster", "=", "eu-1",
    )];
    time("add_label_matchers (4 exprs)", 20_000, || {
        for e in &interpolated {
            black_box(vars::add_label_matchers(black_box(e), &filters));
        }
    });
    time("plan_query_interval", 200_000, || {
        black_box(interval::plan_query_interval(black_box(
            &interval::IntervalInput {
                from_ms: 0,
                to_ms: 7 * 86_400_000,
                max_data_points: 300,
                target_interval: Some("$__rate_interval".into()),
                ..Default::default()
            },
        )));
    });
    let values = [0.0, 1.5, 1536.0, 2.5e9, 0.000123, 86_400.0];
    let unit_ids = ["short", "bytes", "s", "percentunit", "reqps", "dtdurations"];
    time("format_value (36 value/unit pairs)", 20_000, || {
        for v in values {
            for u in unit_ids {
                black_box(units::format_value(black_box(v), Some(u), None).to_string());
            }
        }
    });
    let series: Vec<Option<f64>> = (0..10_000)
        .map(|i| {
            if i % 97 == 0 {
                None
            } else {
                Some(f64::from(i).sin() * 100.0)
            }
        })
        .collect();
    time("reduce mean over 10k points", 2_000, || {
        black_box(reduce::reduce("mean", black_box(&series)));
    });
    time("reduce p95 over 10k points", 500, || {
        black_box(reduce::reduce("p95", black_box(&series)));
    });
}
