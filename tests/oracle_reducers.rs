//! Every reducer Grafana has (read from Grafana's own `fieldReducers`, so new ones are swept
//! too), over generated series: triage's `grafana::reduce` must give the number Grafana's
//! `reduceField` (@grafana/data under tests/oracle) gives, bit for bit. Each reducer is asked
//! alone (a stat panel's path, the reducer's own function) and all together (a legend's path,
//! `doStandardCalcs` first).

#[path = "oracle/run.rs"]
mod run;

use serde_json::{Value, json};
use triage::grafana::reduce::{Reducer, reduce_to_list, reduce_with};

/// A small deterministic generator (xorshift), so the sweep is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Hand-picked series: integers, fractions, huge and tiny, negatives, NaN, ±∞, nulls, empty, a
/// single point, counters that reset, repeated values, zeros.
fn hand_picked() -> Vec<Vec<Option<f64>>> {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let s = |v: &[f64]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
    vec![
        vec![],
        vec![None],
        vec![None, None, None],
        s(&[42.0]),
        s(&[0.0]),
        s(&[-0.0, 0.0]),
        s(&[0.0, 0.0, 0.0]),
        s(&[1.0, 2.0, 3.0, 4.0, 5.0]),
        s(&[5.0, 4.0, 3.0, 2.0, 1.0]),
        s(&[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]),
        s(&[0.1, 0.2, 0.3]),
        s(&[0.25, 0.5, 0.123_456_789, 0.999]),
        s(&[1e15, 3.2e18, 123_456_789.0]),
        s(&[1e-12, 3e-9, 4.2e-4]),
        s(&[-5.0, -0.5, -1200.0, -0.001]),
        s(&[-3.0, 0.0, 3.0]),
        s(&[1.0, nan, 3.0]),
        s(&[nan]),
        s(&[nan, nan]),
        s(&[1.0, 2.0, nan]),
        s(&[nan, 1.0, 2.0]),
        s(&[inf]),
        s(&[-inf]),
        s(&[1.0, inf]),
        s(&[-inf, 1.0]),
        s(&[inf, -inf]),
        s(&[inf, inf, 2.0]),
        vec![Some(1.0), None, Some(3.0), None],
        vec![None, Some(2.0), None],
        vec![None, Some(nan), None],
        s(&[10.0, 20.0, 5.0, 8.0, 10.0]),
        s(&[100.0, 150.0, 0.0, 30.0, 60.0, 0.0, 10.0]),
        s(&[1.0, 1.0, 1.0, 2.0, 2.0, 1.0]),
        s(&[7.0, 7.0]),
        (1..=100).map(|i| Some(f64::from(i))).collect(),
        (1..=70).rev().map(|i| Some(f64::from(i) * 0.37)).collect(),
    ]
}

/// One random value: mostly ordinary numbers, sometimes null, NaN, ±∞, zero, huge or tiny.
fn random_value(rng: &mut Rng) -> Option<f64> {
    let mantissa = rng.below(2_000_001) as f64 / 1000.0 - 1000.0;
    match rng.below(40) {
        0..=2 => None,
        3 => Some(f64::NAN),
        4 => Some(f64::INFINITY),
        5 => Some(f64::NEG_INFINITY),
        6..=7 => Some(0.0),
        8 => Some(mantissa * 1e12),
        9 => Some(mantissa * 1e-9),
        10..=19 => Some(rng.below(50) as f64),
        _ => Some(mantissa),
    }
}

/// A generated series; `clean` leaves out NaN and ∞ (the common case, swept more).
fn random_series(rng: &mut Rng, clean: bool) -> Vec<Option<f64>> {
    let len = rng.below(40) as usize;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let v = random_value(rng);
        if clean && v.is_some_and(|x| !x.is_finite()) {
            continue;
        }
        out.push(v);
    }
    out
}

/// A counter: rises, resets to a small number now and then, with the odd null.
fn counter(rng: &mut Rng) -> Vec<Option<f64>> {
    let mut v = rng.below(1000) as f64;
    (0..rng.below(30) + 2)
        .map(|_| {
            if rng.below(8) == 0 {
                v = rng.below(10) as f64;
            } else {
                v += rng.below(500) as f64;
            }
            (rng.below(15) != 0).then_some(v)
        })
        .collect()
}

fn all_series() -> Vec<Vec<Option<f64>>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = hand_picked();
    for _ in 0..120 {
        out.push(random_series(&mut rng, true));
    }
    for _ in 0..60 {
        out.push(random_series(&mut rng, false));
    }
    for _ in 0..40 {
        out.push(counter(&mut rng));
    }
    out
}

fn frame_values(values: &[Option<f64>]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|v| v.map_or(Value::Null, run::js_number))
            .collect(),
    )
}

/// Grafana's answer read back: a number (sent as JavaScript writes it), a boolean as 1/0.
fn grafana_number(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => Some(match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            n => n
                .parse()
                .unwrap_or_else(|_| panic!("Grafana's number {n:?}")),
        }),
        _ => None,
    }
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) || a == b,
        (None, None) => true,
        _ => false,
    }
}

/// Grafana sorts for median and percentiles with `(a, b) => a - b`, which is no order at all
/// once NaN is in the series: the answer then depends on V8's sort. triage leaves NaN out
/// (docs/grafana-fidelity.md).
fn known_difference(reducer: Reducer, values: &[Option<f64>]) -> Option<&'static str> {
    let sorted = matches!(reducer, Reducer::Median | Reducer::Percentile(_));
    (sorted && values.iter().flatten().any(|v| v.is_nan())).then_some("sorting NaN")
}

fn compare(tally: &mut run::Tally, id: &str, values: &[Option<f64>], grafana: &Value) {
    let Some(reducer) = Reducer::parse(id) else {
        tally.record(false, None, || format!("triage has no reducer {id:?}"));
        return;
    };
    if let Some(list) = reduce_to_list(reducer, values) {
        let theirs: Vec<Option<f64>> = grafana
            .as_array()
            .map(|a| a.iter().map(grafana_number).collect())
            .unwrap_or_default();
        let agree = grafana.is_array()
            && theirs.len() == list.len()
            && list.iter().zip(&theirs).all(|(a, b)| same(*a, *b));
        tally.record(agree, None, || {
            format!("{id} of {values:?}: Grafana {grafana}, triage {list:?}")
        });
        return;
    }
    let ours = reduce_with(reducer, values);
    let agree = same(ours, grafana_number(grafana));
    tally.record(agree, known_difference(reducer, values), || {
        format!("{id} of {values:?}: Grafana {grafana}, triage {ours:?}")
    });
}

fn grafana_reducers() -> Vec<Value> {
    let answer = run::ask(&[json!({"kind": "reducers"})]);
    answer[0]["reducers"]
        .as_array()
        .expect("Grafana lists its reducers")
        .clone()
}

#[test]
fn every_reducer_reduces_like_grafana() {
    let reducers = grafana_reducers();
    let ids: Vec<String> = reducers
        .iter()
        .map(|r| r["id"].as_str().expect("reducer id").to_string())
        .collect();
    assert!(ids.len() >= 124, "Grafana lists {} reducers", ids.len());
    let series = all_series();
    let mut cases = Vec::new();
    for values in &series {
        for id in &ids {
            cases.push(json!({"kind": "reduce", "values": frame_values(values), "calcs": [id]}));
        }
        cases.push(json!({"kind": "reduce", "values": frame_values(values), "calcs": ids}));
    }
    let answers = run::ask(&cases);
    let mut tally = run::Tally::default();
    let mut answers = answers.iter();
    for values in &series {
        for id in &ids {
            let answer = answers.next().expect("one answer per case");
            compare(&mut tally, id, values, &answer["calcs"][id]);
        }
        let together = answers.next().expect("one answer per case");
        for id in &ids {
            compare(&mut tally, id, values, &together["calcs"][id]);
        }
    }
    tally.finish("reducers", 60_000);
}

/// Ids, aliases, names and whether the unit is kept: the legend's headers and the stat's unit.
#[test]
fn reducer_names_and_units_match_grafana() {
    let mut tally = run::Tally::default();
    for r in grafana_reducers() {
        let id = r["id"].as_str().expect("reducer id");
        let parsed = Reducer::parse(id);
        let aliases: Vec<&str> = r["aliases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let agree = parsed.is_some_and(|p| {
            p.id() == id
                && p.display_name() == r["name"].as_str().unwrap_or("")
                && p.preserves_units() == (r["preservesUnits"] == json!(true))
                && aliases.iter().all(|a| Reducer::parse(a) == Some(p))
        });
        tally.record(agree, None, || {
            let ours = parsed.map(|p| (p.id(), p.display_name(), p.preserves_units()));
            format!("reducer {r}: triage {ours:?}")
        });
    }
    tally.finish("reducer names", 124);
}
