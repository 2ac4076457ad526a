//! Fuzz the dashboard loader: any text must load or fail with a `LoadError`, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use triage::grafana::{inspect, load};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(loaded) = load::load_str(text, "fuzz")
    {
        let _ = inspect::inspect_json(&loaded);
        let _ = inspect::inspect_text(&loaded);
    }
});
