//! Fuzz the dashboard loader: any text must load or fail with a `LoadError`, never panic; what
//! loads must inspect and lay out its repeats without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use triage::grafana::{inspect, load, repeat};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(loaded) = load::load_str(text, "fuzz")
    {
        let _ = inspect::inspect_json(&loaded);
        let _ = inspect::inspect_text(&loaded);
        let values = |name: &str| -> Vec<(String, String)> {
            (0..name.len() % 7).map(|i| (format!("t{i}"), format!("v{i}"))).collect()
        };
        let _ = repeat::expand(&loaded.dashboard, &values);
    }
});
