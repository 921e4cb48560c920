//! Fuzz target: scenario text through parsing, validation, resolution, the resource estimate
//! and the sampling tables. Any input must give a scenario or an error, never a panic or a
//! hang. Files the scenario names resolve relative to a folder that does not exist, so the
//! target reads nothing but the bundled city table.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use omnilab::scenario::{parse_str, resolve};
use omnilab::sim::Prepared;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("/nonexistent/omnilab-fuzz/scenario.toml");
    let Ok(file) = parse_str(text, path) else { return };
    let Ok(scenario) = resolve(&file, path) else { return };
    let policies = scenario.policies.len();
    let estimate = omnilab::guard::estimate(&scenario, scenario.replications, policies, 2);
    if estimate.memory_bytes > 1 << 30 {
        return;
    }
    let _ = Prepared::new(&scenario);
});
