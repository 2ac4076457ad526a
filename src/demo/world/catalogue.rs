//! The series one instance exposes, family by family, and which counter slot or gauge feeds each.
//! The functions below run in [`FAMILIES`](super::FAMILIES) order, so the catalogue comes out
//! sorted by family, as the text formats need.

use super::layout::{
    BATCH, CONFIDENCE, CONFIDENCE_STRIDE, CPU, DURATION, DURATION_STRIDE, HTTP_REQUESTS, INFERENCE,
    N_BB, N_CB, N_LB, NETWORK, PREDICTIONS, REGISTRY, STAGE, SYNCS,
};
use super::{
    BATCH_BUCKETS, CLASSIFYING_MODELS, CONFIDENCE_BUCKETS, ENDPOINTS, GaugeKind, HEALTHZ,
    INSTANCES, LATENCY_BUCKETS, MODELS, SEVERITIES, STAGES, STATUS_CODES, SUMMARY_QUANTILES,
    SeriesDef, Source, format_le,
};

/// Index into [`FAMILIES`](super::FAMILIES) of the deploy counter, backfilled for 30 days.
pub const DEPLOYMENTS_FAMILY: usize = 20;
/// The cloud spend counter, backfilled for 30 days.
pub const BILLING_FAMILY: usize = 25;
/// The resolved-incident summary, backfilled for 30 days.
pub const INCIDENTS_FAMILY: usize = 26;

fn counter(index: usize, whole: bool) -> Source {
    Source::Counter { index, whole }
}

/// The catalogue being built, in push order.
struct Series(Vec<SeriesDef>);

impl Series {
    /// Adds a series without exemplars; returns it so a caller can attach an exemplar range.
    fn add(
        &mut self,
        family: usize,
        suffix: &'static str,
        labels: String,
        versioned: bool,
        source: Source,
    ) -> &mut SeriesDef {
        self.0.push(SeriesDef {
            family,
            suffix,
            labels,
            versioned,
            source,
            exemplar_range: None,
        });
        let last = self.0.len() - 1;
        &mut self.0[last]
    }

    /// Adds an unlabelled gauge.
    fn plain_gauge(&mut self, family: usize, versioned: bool, kind: GaugeKind) {
        self.add(family, "", String::new(), versioned, Source::Gauge(kind));
    }
}

pub(super) fn build_catalogue(instance: usize) -> Vec<SeriesDef> {
    let mut out = Series(Vec::new());
    http_series(&mut out);
    inference_series(&mut out);
    model_output_series(&mut out);
    resource_series(&mut out, instance);
    registry_series(&mut out);
    delivery_series(&mut out);
    business_series(&mut out);
    out.0
}

/// Families 0–1: requests by endpoint and status, and their latency histogram (with exemplars).
fn http_series(out: &mut Series) {
    for (e, ep) in ENDPOINTS.iter().enumerate() {
        for (s, code) in STATUS_CODES.iter().enumerate() {
            if e == HEALTHZ && s > 0 {
                continue;
            }
            let labels = format!("endpoint=\"{}\",status_code=\"{code}\"", ep.path);
            let index = HTTP_REQUESTS + e * STATUS_CODES.len() + s;
            out.add(0, "_total", labels, true, counter(index, true));
        }
    }
    for (e, ep) in ENDPOINTS.iter().enumerate() {
        let base = DURATION + e * DURATION_STRIDE;
        let mut lower = 0.0;
        for b in 0..N_LB {
            let le = LATENCY_BUCKETS.get(b).copied().unwrap_or(f64::INFINITY);
            let labels = format!("endpoint=\"{}\",le=\"{}\"", ep.path, format_le(le));
            let upper = if le.is_infinite() { lower * 2.0 } else { le };
            out.add(1, "_bucket", labels, true, counter(base + b, true))
                .exemplar_range = Some((e, lower, upper));
            lower = upper;
        }
        let labels = format!("endpoint=\"{}\"", ep.path);
        out.add(1, "_sum", labels.clone(), true, counter(base + N_LB, false));
        out.add(1, "_count", labels, true, counter(base + N_LB + 1, true));
    }
}

/// Families 2–3: inferences per model and the per-stage duration summary.
fn inference_series(out: &mut Series) {
    for (m, model) in MODELS.iter().enumerate() {
        let labels = format!("model=\"{}\"", model.name);
        out.add(2, "_total", labels, true, counter(INFERENCE + m, true));
    }
    for (s, stage) in STAGES.iter().enumerate() {
        for (q, quantile) in SUMMARY_QUANTILES.iter().enumerate() {
            let labels = format!("stage=\"{stage}\",quantile=\"{quantile}\"");
            let kind = GaugeKind::StageQuantile {
                stage: s,
                quantile: q,
            };
            out.add(3, "", labels, false, Source::Gauge(kind));
        }
        let labels = format!("stage=\"{stage}\"");
        out.add(
            3,
            "_sum",
            labels.clone(),
            false,
            counter(STAGE + 2 * s, false),
        );
        out.add(3, "_count", labels, false, counter(STAGE + 2 * s + 1, true));
    }
}

/// Families 4–6: confidence histograms and predicted classes of the classifying models, and the
/// batch size histogram.
fn model_output_series(out: &mut Series) {
    for (m, model) in MODELS.iter().enumerate().take(CLASSIFYING_MODELS) {
        let base = CONFIDENCE + m * CONFIDENCE_STRIDE;
        for b in 0..N_CB {
            let le = CONFIDENCE_BUCKETS.get(b).copied().unwrap_or(f64::INFINITY);
            let labels = format!("model=\"{}\",le=\"{}\"", model.name, format_le(le));
            out.add(4, "_bucket", labels, false, counter(base + b, true));
        }
        let labels = format!("model=\"{}\"", model.name);
        out.add(
            4,
            "_sum",
            labels.clone(),
            false,
            counter(base + N_CB, false),
        );
        out.add(4, "_count", labels, false, counter(base + N_CB + 1, true));
    }
    let mut class_index = PREDICTIONS;
    for model in MODELS.iter().take(CLASSIFYING_MODELS) {
        for (class, _) in model.classes {
            let labels = format!("model=\"{}\",class=\"{class}\"", model.name);
            out.add(5, "_total", labels, false, counter(class_index, true));
            class_index += 1;
        }
    }
    for b in 0..N_BB {
        let le = BATCH_BUCKETS.get(b).copied().unwrap_or(f64::INFINITY);
        let labels = format!("le=\"{}\"", format_le(le));
        out.add(6, "_bucket", labels, false, counter(BATCH + b, true));
    }
    out.add(6, "_sum", String::new(), false, counter(BATCH + N_BB, true));
    out.add(
        6,
        "_count",
        String::new(),
        false,
        counter(BATCH + N_BB + 1, true),
    );
}

/// Families 7–11: queue depth, GPU utilisation (one series per GPU of the instance), CPU time,
/// resident memory and start time.
fn resource_series(out: &mut Series, instance: usize) {
    out.plain_gauge(7, false, GaugeKind::QueueDepth);
    for gpu in 0..INSTANCES[instance].gpus {
        let kind = GaugeKind::GpuUtilization { gpu };
        out.add(8, "", format!("gpu=\"{gpu}\""), false, Source::Gauge(kind));
    }
    out.add(9, "_total", String::new(), false, counter(CPU, false));
    out.plain_gauge(10, false, GaugeKind::ResidentMemory);
    out.plain_gauge(11, false, GaugeKind::StartTime);
}

/// Families 12–19: the model registry client (models and versions, load times, syncs,
/// downloads) and the build info.
fn registry_series(out: &mut Series) {
    out.plain_gauge(12, false, GaugeKind::ModelsRegistered);
    for (m, model) in MODELS.iter().enumerate() {
        let labels = format!("model=\"{}\"", model.name);
        let kind = GaugeKind::ModelVersions { model: m };
        out.add(13, "", labels, false, Source::Gauge(kind));
    }
    for (m, model) in MODELS.iter().enumerate() {
        let labels = format!("model=\"{}\"", model.name);
        let kind = GaugeKind::ModelLoadDuration { model: m };
        out.add(14, "", labels, false, Source::Gauge(kind));
    }
    out.plain_gauge(15, false, GaugeKind::LastSync);
    out.plain_gauge(16, true, GaugeKind::BuildInfo);
    for (family, offset) in [(17, 0), (18, 1)] {
        for (m, model) in MODELS.iter().enumerate() {
            let labels = format!("model=\"{}\"", model.name);
            let index = REGISTRY + 2 * m + offset;
            out.add(family, "_total", labels, false, counter(index, true));
        }
    }
    for (r, result) in ["success", "failure"].iter().enumerate() {
        let labels = format!("result=\"{result}\"");
        out.add(19, "_total", labels, false, counter(SYNCS + r, true));
    }
}

/// Families 20–24: deploys by outcome, network bytes, and the container's CPU and memory limits.
fn delivery_series(out: &mut Series) {
    for (outcome, failed) in [("success", false), ("failed", true)] {
        let labels = format!("outcome=\"{outcome}\"");
        let kind = GaugeKind::Deployments { failed };
        out.add(
            DEPLOYMENTS_FAMILY,
            "_total",
            labels,
            false,
            Source::Gauge(kind),
        );
    }
    out.add(21, "_total", String::new(), false, counter(NETWORK, false));
    out.add(
        22,
        "_total",
        String::new(),
        false,
        counter(NETWORK + 1, false),
    );
    out.plain_gauge(23, false, GaugeKind::CpuLimit);
    out.plain_gauge(24, false, GaugeKind::MemoryLimit);
}

/// Families 25–26: cloud spend, and incidents resolved by severity (count and time to resolve).
fn business_series(out: &mut Series) {
    out.add(
        BILLING_FAMILY,
        "_total",
        String::new(),
        false,
        Source::Gauge(GaugeKind::BillingCost),
    );
    for (severity, name) in SEVERITIES.iter().enumerate() {
        let labels = format!("severity=\"{name}\"");
        for (suffix, sum) in [("_sum", true), ("_count", false)] {
            let kind = GaugeKind::Incidents { severity, sum };
            out.add(
                INCIDENTS_FAMILY,
                suffix,
                labels.clone(),
                false,
                Source::Gauge(kind),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::world;
    use super::super::{FAMILIES, HEALTHZ, N_COUNTERS, STATUS_CODES, Source};
    use super::HTTP_REQUESTS;

    #[test]
    fn catalogue_covers_every_counter_slot_once() {
        let w = world();
        let mut seen = vec![0; N_COUNTERS];
        for def in w.catalogue(0) {
            if let Source::Counter { index, .. } = def.source {
                seen[index] += 1;
            }
        }
        // Unused slots are only the 4xx/5xx of /healthz (always zero).
        let unused: Vec<usize> = (0..N_COUNTERS).filter(|&i| seen[i] == 0).collect();
        let healthz_row = HTTP_REQUESTS + HEALTHZ * STATUS_CODES.len();
        assert_eq!(
            unused,
            vec![healthz_row + 1, healthz_row + 2, healthz_row + 3]
        );
        assert!(seen.iter().all(|&n| n <= 1));
    }

    #[test]
    fn catalogue_is_sorted_by_family() {
        let w = world();
        let families: Vec<usize> = w.catalogue(0).iter().map(|d| d.family).collect();
        let mut sorted = families.clone();
        sorted.sort();
        assert_eq!(families, sorted);
        assert_eq!(*families.last().unwrap_or(&0), FAMILIES.len() - 1);
    }
}
