//! Load the largest corpus dashboard many times; prints median and p90 in milliseconds.
//! Run with `cargo bench --bench load`.

// The same allocator as the binary, so the figure is what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use triage::grafana::load::load_str;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus folder {} is missing: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
        .collect();
    files.sort();
    let Some((bytes, path)) = files.pop() else {
        panic!("no corpus files in {}", dir.display());
    };
    let text = std::fs::read_to_string(&path).expect("corpus file is readable");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();

    for _ in 0..20 {
        let _ = load_str(&text, &name);
    }
    let runs = 200;
    let mut ms: Vec<f64> = Vec::with_capacity(runs);
    let mut panels = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let loaded = load_str(&text, &name).expect("largest corpus file loads");
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        panels = loaded.dashboard.panels.len();
    }
    ms.sort_by(f64::total_cmp);
    // The floor: parsing the same text into a JSON tree, which every load starts with.
    let mut parse_ms: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let v: serde_json::Value = serde_json::from_str(&text).expect("corpus is JSON");
            let elapsed = start.elapsed().as_secs_f64() * 1000.0;
            drop(v);
            elapsed
        })
        .collect();
    parse_ms.sort_by(f64::total_cmp);
    println!(
        "serde_json::Value parse alone: median {:.3} ms",
        parse_ms[runs / 2]
    );
    let median = ms[runs / 2];
    let p90 = ms[runs * 9 / 10];
    println!(
        "load {name} ({bytes} bytes, {panels} panels), {runs} runs: median {median:.3} ms, p90 {p90:.3} ms, min {:.3} ms",
        ms[0]
    );
}
