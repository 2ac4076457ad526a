//! Incremental refresh, as Grafana's Prometheus datasource does it (`incrementalQuerying`,
//! packages/grafana-prometheus/src/querycache/QueryCache.ts): a range query asked again over a
//! range that follows the last one — same expression, datasource and step, starting at or
//! after the kept start and at or before the kept end, ending at or after it — asks only its recent
//! part, from the kept end less an overlap, on the step grid. The answer replaces the kept
//! points from there on; points that left the range are dropped, and series left with no
//! point go. Anything else (another range, variable value, datasource or step) asks in full.
//! The merged answer is the one a full query gives, as long as no sample lands more than the
//! overlap late.
//!
//! The overlap is one `$__rate_interval` of the query (four scrape intervals, at least a step
//! and a scrape), not Grafana's 10 minutes (`incrementalQueryOverlapWindow`): a sample reaches
//! Prometheus at most about a scrape after its timestamp, and a late sample changes only the
//! points at or after its timestamp, whatever the expression's range window. Over an hour at a
//! 15 s step, 10 minutes would ask again a sixth of every series on each refresh.

use std::collections::HashMap;
use std::sync::Arc;

use super::plan::PlannedQuery;
use crate::data::series::{QueryAnswer, RawSeries};
use crate::grafana::interval::parse_grafana_duration_ns;

/// Grafana's default scrape interval, for queries planned without a known one.
const DEFAULT_SCRAPE_MS: i64 = 15_000;

/// How far before the kept end a refresh asks again: the query's `$__rate_interval`,
/// max(step + scrape, 4 × scrape), so the last complete step is always asked again.
pub fn overlap_ms(query: &PlannedQuery) -> i64 {
    let scrape_ms = query
        .scrape
        .as_ref()
        .and_then(|s| parse_grafana_duration_ns(&s.interval))
        .map(|ns| ns / 1_000_000)
        .filter(|&ms| ms > 0)
        .unwrap_or(DEFAULT_SCRAPE_MS);
    (query.step_ms + scrape_ms).max(4 * scrape_ms)
}

/// Entries not used by this many refreshes are dropped (a variable or range changed).
const KEEP_UNUSED_REFRESHES: u64 = 8;

/// What identifies a range query across refreshes: everything but its range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    datasource: Option<String>,
    expr: String,
    step_ms: i64,
    offset_ms: i64,
}

impl CacheKey {
    fn of(query: &PlannedQuery) -> Self {
        CacheKey {
            datasource: query.datasource.clone(),
            expr: query.expr.clone(),
            step_ms: query.step_ms,
            offset_ms: query.offset_ms,
        }
    }
}

#[derive(Debug, Clone)]
struct Kept {
    start_ms: i64,
    end_ms: i64,
    answer: Arc<QueryAnswer>,
    used_in: u64,
}

/// The last full answer of every range query, per query.
#[derive(Debug, Default)]
pub struct AnswerCache {
    entries: HashMap<CacheKey, Kept>,
    refreshes: u64,
}

/// Where to start asking a range query whose last answer covered `kept` (start, end): the
/// kept end less `overlap_ms` (at least a step), on the new range's step grid; `None` when the
/// new range does not follow the kept one.
pub fn partial_start(
    kept: (i64, i64),
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
    overlap_ms: i64,
) -> Option<i64> {
    let (kept_start, kept_end) = kept;
    // The same end again (a refresh sooner than a step) follows too: its newest points may
    // have changed since, as samples landed.
    let follows =
        step_ms > 0 && start_ms >= kept_start && start_ms <= kept_end && end_ms >= kept_end;
    if !follows {
        return None;
    }
    let from = (kept_end - overlap_ms.max(step_ms)).max(start_ms);
    Some(start_ms + (from - start_ms).div_euclid(step_ms) * step_ms)
}

/// The answer over `start_ms..=end_ms` from the kept one and the answer asked from `from_ms`:
/// kept points before `from_ms` that are still in range, then the new points; series ordered
/// by labels as Prometheus orders a range query's answer.
pub fn merge(
    kept: &QueryAnswer,
    recent: QueryAnswer,
    from_ms: i64,
    start_ms: i64,
    end_ms: i64,
) -> QueryAnswer {
    let mut by_labels: Vec<RawSeries> = kept
        .series
        .iter()
        .map(|s| RawSeries {
            labels: s.labels.clone(),
            points: s
                .points
                .iter()
                .copied()
                .filter(|&(t, _)| t >= start_ms && t < from_ms)
                .collect(),
        })
        .collect();
    for series in recent.series {
        let points = series
            .points
            .into_iter()
            .filter(|&(t, _)| t >= from_ms && t <= end_ms);
        match by_labels.iter_mut().find(|s| s.labels == series.labels) {
            Some(existing) => existing.points.extend(points),
            None => by_labels.push(RawSeries {
                labels: series.labels,
                points: points.collect(),
            }),
        }
    }
    by_labels.retain(|s| !s.points.is_empty());
    by_labels.sort_by(|a, b| a.labels.cmp(&b.labels));
    QueryAnswer {
        series: by_labels,
        ..recent
    }
}

impl AnswerCache {
    /// A refresh starts: entries unused for a while are dropped.
    pub fn next_refresh(&mut self) {
        self.refreshes += 1;
        let now = self.refreshes;
        self.entries
            .retain(|_, kept| now.saturating_sub(kept.used_in) <= KEEP_UNUSED_REFRESHES);
    }

    /// Where to start asking `query` (a range query): later than its start when the kept
    /// answer covers the rest.
    pub fn ask_from(&self, query: &PlannedQuery) -> i64 {
        if query.instant {
            return query.start_ms;
        }
        self.entries
            .get(&CacheKey::of(query))
            .and_then(|kept| {
                partial_start(
                    (kept.start_ms, kept.end_ms),
                    query.start_ms,
                    query.end_ms,
                    query.step_ms,
                    overlap_ms(query),
                )
            })
            .unwrap_or(query.start_ms)
    }

    /// Take in the answer to `query` asked from `from_ms`: the whole answer, kept for the next
    /// refresh.
    pub fn absorb(
        &mut self,
        query: &PlannedQuery,
        from_ms: i64,
        answer: QueryAnswer,
    ) -> QueryAnswer {
        if query.instant {
            return answer;
        }
        let key = CacheKey::of(query);
        let whole = match self.entries.get(&key) {
            Some(kept) if from_ms > query.start_ms => {
                merge(&kept.answer, answer, from_ms, query.start_ms, query.end_ms)
            }
            _ => answer,
        };
        self.entries.insert(
            key,
            Kept {
                start_ms: query.start_ms,
                end_ms: query.end_ms,
                answer: Arc::new(whole.clone()),
                used_in: self.refreshes,
            },
        );
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: i64 = 15_000;

    /// A full answer of two series over `start..=end` on the step grid; one only from `since`.
    fn full(start: i64, end: i64, since: i64) -> QueryAnswer {
        let series = |name: &str, from: i64| RawSeries {
            labels: [("job".to_string(), name.to_string())].into(),
            points: (from..=end)
                .step_by(STEP as usize)
                .filter(|t| *t >= start)
                .map(|t| {
                    (
                        t,
                        (t / STEP % 97) as f64 * if name == "a" { 1.0 } else { 2.0 },
                    )
                })
                .collect(),
        };
        QueryAnswer {
            result_type: "matrix".into(),
            series: vec![series("a", start), series("b", since)],
            ..QueryAnswer::default()
        }
    }

    fn query(start: i64, end: i64) -> PlannedQuery {
        PlannedQuery {
            ref_id: "A".into(),
            expr: "up".into(),
            legend_format: None,
            format: Default::default(),
            instant: false,
            start_ms: start,
            end_ms: end,
            step_ms: STEP,
            offset_ms: 0,
            datasource: None,
            language: Default::default(),
            scrape: None,
        }
    }

    /// The overlap of `query` at 15 s steps with no known scrape interval: 4 × 15 s.
    const OVERLAP: i64 = 60_000;

    #[test]
    fn the_overlap_is_the_querys_rate_interval() {
        assert_eq!(overlap_ms(&query(0, 0)), OVERLAP);
        let scrape = |interval: &str| {
            Some(crate::grafana::scrape::ChosenScrape {
                interval: interval.into(),
                source: crate::grafana::scrape::ScrapeSource::Targets,
            })
        };
        // A stock Prometheus scraping every minute: 4 minutes.
        let minute = PlannedQuery {
            scrape: scrape("1m"),
            ..query(0, 0)
        };
        assert_eq!(overlap_ms(&minute), 240_000);
        // A step longer than three scrapes: step + scrape.
        let coarse = PlannedQuery {
            step_ms: 600_000,
            scrape: scrape("30s"),
            ..query(0, 0)
        };
        assert_eq!(overlap_ms(&coarse), 630_000);
    }

    #[test]
    fn a_following_range_asks_from_the_kept_end_less_the_overlap_on_the_step_grid() {
        let (s, e) = (1_000 * STEP, 1_240 * STEP);
        assert_eq!(
            partial_start((s, e), s + 2 * STEP, e + 2 * STEP, STEP, OVERLAP),
            Some(e - OVERLAP)
        );
        // An overlap off the step grid starts on the grid before it.
        assert_eq!(
            partial_start((s, e), s + 2 * STEP, e + 2 * STEP, STEP, OVERLAP + 1),
            Some(e - OVERLAP - STEP)
        );
        // A short range: never before the new start.
        assert_eq!(
            partial_start((s, s + 4 * STEP), s + STEP, s + 5 * STEP, STEP, OVERLAP),
            Some(s + STEP)
        );
        // A step longer than the overlap: the last complete step is asked again.
        let hour = 3_600_000;
        assert_eq!(
            partial_start((0, 10 * hour), hour, 11 * hour, hour, OVERLAP),
            Some(9 * hour)
        );
        // A refresh within the same step (the same range, aligned): the overlap again.
        assert_eq!(
            partial_start((s, e), s, e, STEP, OVERLAP),
            Some(e - OVERLAP)
        );
        // Not following: an earlier start, a jump past the kept end, an earlier end.
        assert_eq!(partial_start((s, e), s - STEP, e, STEP, OVERLAP), None);
        assert_eq!(
            partial_start((s, e), e + STEP, e + 9 * STEP, STEP, OVERLAP),
            None
        );
        assert_eq!(partial_start((s, e), s, e - STEP, STEP, OVERLAP), None);
    }

    #[test]
    fn the_merged_answer_is_the_full_answer() {
        let (s0, e0) = (1_000 * STEP, 1_240 * STEP);
        let (s1, e1) = (s0 + 3 * STEP, e0 + 3 * STEP);
        // Series b starts between the two refreshes' overlap: it is new in the recent answer.
        let since = e0 - 2 * STEP;
        let mut cache = AnswerCache::default();
        cache.next_refresh();
        let first = cache.absorb(&query(s0, e0), s0, full(s0, e0, since));
        assert_eq!(first, full(s0, e0, since));
        cache.next_refresh();
        let from = cache.ask_from(&query(s1, e1));
        assert_eq!(from, e0 - OVERLAP);
        let recent = full(from, e1, since);
        let merged = cache.absorb(&query(s1, e1), from, recent);
        assert_eq!(merged, full(s1, e1, since));
        // Another step asks in full.
        let other = PlannedQuery {
            step_ms: 2 * STEP,
            ..query(s1, e1 + STEP)
        };
        assert_eq!(cache.ask_from(&other), other.start_ms);
    }

    #[test]
    fn unused_entries_are_dropped_after_a_while() {
        let mut cache = AnswerCache::default();
        cache.absorb(&query(0, 10 * STEP), 0, full(0, 10 * STEP, 0));
        for _ in 0..=KEEP_UNUSED_REFRESHES {
            cache.next_refresh();
        }
        assert_eq!(cache.ask_from(&query(STEP, 11 * STEP)), STEP);
    }
}
