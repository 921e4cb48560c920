//! `omnilab run --bound` on shortened copies of the bundled scenarios: the hindsight bound
//! is at most every policy's objective in every replication, and the summary reports each
//! policy's gap and the share of the baseline's gap it closes.

use std::collections::HashMap;
use std::path::Path;

use super::{omnilab, repository, text};

/// A copy of the bundled scenario `name` with `horizon_days`, `warmup_days` and
/// `replications` replaced, written into `dir`.
fn shortened(name: &str, dir: &Path, horizon: u32, replications: u32) -> String {
    let original = std::fs::read_to_string(repository().join("scenarios").join(name))
        .expect("the bundled scenario reads");
    let edited: Vec<String> = original
        .lines()
        .map(|line| match line.split_whitespace().next() {
            Some("horizon_days") => format!("horizon_days = {horizon}"),
            Some("warmup_days") => "warmup_days = 3".to_string(),
            Some("replications") => format!("replications = {replications}"),
            _ => line.to_string(),
        })
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, edited.join("\n")).expect("the copy writes");
    path.display().to_string()
}

/// (policy, replication) -> metric -> value, from `kpis.csv` rows of channel `all`.
fn kpis(out: &Path) -> HashMap<(String, String), HashMap<String, f64>> {
    let mut map: HashMap<(String, String), HashMap<String, f64>> = HashMap::new();
    let text = std::fs::read_to_string(out.join("kpis.csv")).expect("kpis.csv exists");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] == "all" {
            let value = f[4].parse().unwrap_or(f64::NAN);
            map.entry((f[0].to_string(), f[1].to_string())).or_default().insert(f[3].into(), value);
        }
    }
    map
}

fn assert_bound_holds(scenario: &str, horizon: u32, replications: u32) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = shortened(scenario, dir.path(), horizon, replications);
    let out = dir.path().join("out");
    let out_arg = out.display().to_string();
    let output = omnilab(&["run", &file, "--bound", "--quiet", "--out", &out_arg]);
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");

    let rows = kpis(&out);
    assert!(!rows.is_empty());
    for ((policy, rep), m) in &rows {
        let cost = m["objective_cost_per_order"];
        let bound = m["hindsight_bound_per_order"];
        assert!(bound > 0.0 && bound <= cost + 1e-9, "{policy} rep {rep}: {bound} > {cost}");
    }
    let summary = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv exists");
    assert!(summary.contains(",all,gap_closed,"), "{summary}");
    assert!(summary.contains(",all,hindsight_gap,"));
}

#[test]
fn the_bound_is_below_every_policy_on_fulfillment_centers() {
    assert_bound_holds("fulfillment_centers.toml", 10, 2);
}

#[test]
fn the_bound_is_below_every_policy_on_quickstart() {
    assert_bound_holds("quickstart.toml", 8, 1);
}
