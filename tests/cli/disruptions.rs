//! `[[disruptions]]` end to end: the bundled `scenarios/disruption.toml` runs, its fault
//! KPIs are in the results, and `--explain` names the outage.

use std::fs;

use super::{omnilab, text};

/// The mean of `metric` (channel `all`) for `policy` in a `summary.csv`.
fn mean(summary: &str, policy: &str, metric: &str) -> f64 {
    let prefix = format!("{policy},all,{metric},");
    let line = summary.lines().find(|l| l.starts_with(&prefix)).expect("metric in summary");
    line[prefix.len()..].split(',').next().and_then(|v| v.parse().ok()).expect("a number")
}

#[test]
fn the_bundled_disruption_scenario_reports_its_faults_and_explains_the_outage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("disruption");
    let out_arg = out.to_str().expect("temp paths are UTF-8");
    let args = [
        "run",
        "scenarios/disruption.toml",
        "--replications",
        "1",
        "--policies",
        "dc_first",
        "--explain",
        "--quiet",
        "--out",
        out_arg,
    ];
    let output = omnilab(&args);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));

    let summary = fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    for metric in ["outage_released_shipments", "outage_waits", "carrier_delayed_parcels"] {
        assert!(mean(&summary, "dc_first", metric) > 0.0, "{metric}");
    }
    assert!(mean(&summary, "dc_first", "shrink_event_units") == 0.0);

    let decisions = fs::read_to_string(out.join("decisions.csv")).expect("decisions.csv");
    assert!(decisions.lines().any(|l| l.contains(",DC-East,offline,")), "no decision says offline");
}
