//! `omnilab run`: result files and their columns, determinism across thread counts and
//! repeated runs, and the exit codes of bad arguments.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::{omnilab, repository, text};

const SMALL: &str = "tests/fixtures/small.toml";
const RESULT_FILES: [&str; 5] = ["summary.csv", "kpis.csv", "nodes.csv", "daily.csv", "causes.csv"];

/// Runs the small fixture into `out` with `threads` worker threads (RAYON_NUM_THREADS).
fn run_small(out: &Path, threads: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_omnilab"));
    command.args(["run", SMALL, "--quiet", "--out"]).arg(out).current_dir(repository());
    if let Some(n) = threads {
        command.env("RAYON_NUM_THREADS", n);
    }
    let output = command.output().expect("omnilab runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
}

#[test]
fn run_writes_every_result_file_with_its_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("small");
    run_small(&out, None);
    let header = |file: &str| {
        let content = fs::read_to_string(out.join(file)).expect("result file");
        content.lines().next().unwrap_or_default().to_string()
    };
    assert_eq!(
        header("summary.csv"),
        "policy,channel,metric,mean,ci95_low,ci95_high,replications,diff_mean,diff_ci95_low,diff_ci95_high,significant"
    );
    assert_eq!(header("kpis.csv"), "policy,replication,channel,metric,value");
    assert_eq!(header("nodes.csv"), "policy,replication,node,metric,value");
    assert_eq!(header("daily.csv"), "policy,replication,day,metric,value");
    assert_eq!(
        header("causes.csv"),
        "policy,node,channel,cause,orders_mean,ci95_low,ci95_high,share_of_misses"
    );
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).expect("run.json"))
            .expect("json");
    assert_eq!(run["scenario"], "small");
    assert_eq!(run["replications"], 2);
    assert_eq!(run["scenario_sha256"].as_str().map(str::len), Some(64));

    let kpis = fs::read_to_string(out.join("kpis.csv")).expect("kpis");
    for metric in
        ["otif", "cancellation_rate", "split_rate", "cost_to_serve_per_order", "delivery_days_p90"]
    {
        assert!(kpis.contains(&format!(",all,{metric},")), "{metric} missing");
    }
    for channel in ["web", "bopis", "marketplace", "walk_in"] {
        assert!(kpis.contains(&format!(",{channel},")), "{channel} missing");
    }
}

#[test]
fn causes_csv_attributes_every_miss_to_a_known_cause_and_node() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("small");
    run_small(&out, None);
    let causes = fs::read_to_string(out.join("causes.csv")).expect("causes.csv");
    let rows: Vec<Vec<&str>> = causes.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty(), "the small fixture misses some promises");

    let summary = fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    let mut shares = std::collections::BTreeMap::<&str, f64>::new();
    for row in &rows {
        assert_eq!(row.len(), 8, "{row:?}");
        assert!(["stock", "promise", "capacity", "carrier", "customer"].contains(&row[3]));
        assert!(["web", "bopis", "marketplace"].contains(&row[2]), "{row:?}");
        let node = row[1];
        assert!(node == "none" || node == "DC-Joliet" || node.starts_with("S-"), "{row:?}");
        *shares.entry(row[0]).or_default() += row[7].parse::<f64>().expect("a share");
    }
    for (policy, total) in shares {
        assert!((total - 1.0).abs() < 1e-9, "{policy}: shares add up to {total}");
    }
    for cause in ["stock", "promise", "capacity", "carrier", "customer"] {
        assert!(summary.contains(&format!(",all,otif_miss_{cause},")), "{cause} in summary.csv");
    }
}

#[test]
fn same_scenario_and_seed_give_identical_files_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (one, many, again) =
        (dir.path().join("one"), dir.path().join("many"), dir.path().join("again"));
    run_small(&one, Some("1"));
    run_small(&many, Some("4"));
    run_small(&again, None);
    for file in RESULT_FILES {
        let a = fs::read(one.join(file)).expect("file");
        assert_eq!(a, fs::read(many.join(file)).expect("file"), "{file} differs across threads");
        assert_eq!(a, fs::read(again.join(file)).expect("file"), "{file} differs across runs");
    }
}

#[test]
fn a_different_seed_changes_the_numbers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_small(&a, None);
    let output =
        omnilab(&["run", SMALL, "--quiet", "--seed", "99", "--out", b.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(0));
    assert_ne!(fs::read(a.join("kpis.csv")).ok(), fs::read(b.join("kpis.csv")).ok());
}

#[test]
fn run_prints_a_comparison_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("t");
    let output = omnilab(&[
        "run",
        SMALL,
        "--policies",
        "nearest,dc_first",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.contains("OTIF") && stdout.contains("cost/order"), "{stdout}");
    assert!(stdout.contains("dc_first (baseline)"), "{stdout}");
    let nearest = stdout.find("nearest").expect("nearest row");
    assert!(nearest < stdout.find("dc_first (baseline)").expect("baseline row"));
}

#[test]
fn an_unknown_policy_is_refused_with_the_known_ones() {
    let output = omnilab(&["run", SMALL, "--policies", "fastest"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("fastest") && stderr.contains("dc_first, nearest, greedy_cost"),
        "{stderr}"
    );
}

#[test]
fn an_invalid_scenario_is_refused_before_running() {
    let output = omnilab(&["run", "tests/fixtures/invalid/negative_capacity.toml"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("capacity_per_day"), "{stderr}");
}

#[test]
fn explain_writes_a_decision_audit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("x");
    let output = omnilab(&[
        "run",
        SMALL,
        "--quiet",
        "--explain",
        "--replications",
        "1",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let decisions = fs::read_to_string(out.join("decisions.csv")).expect("decisions.csv");
    assert!(decisions.starts_with(
        "policy,replication,order,line,node,removed_by,sort_values,chosen_units,fallback"
    ));
    assert!(decisions.lines().count() > 10);
}

#[test]
fn a_trace_is_replayed_instead_of_generated_demand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("trace");
    let output = omnilab(&[
        "run",
        "tests/fixtures/small_trace.toml",
        "--quiet",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    let kpis = fs::read_to_string(out.join("kpis.csv")).expect("kpis");
    let orders = |channel: &str| -> f64 {
        kpis.lines()
            .filter(|l| l.starts_with("dc_first,0,") && l.contains(&format!(",{channel},orders,")))
            .filter_map(|l| l.rsplit(',').next()?.parse::<f64>().ok())
            .sum()
    };
    // The trace holds 400 orders over four days, two of them warm-up; all near Chicago.
    let online = orders("web") + orders("bopis") + orders("marketplace");
    assert!((100.0..400.0).contains(&online), "{online} online orders counted");
    assert!(orders("bopis") > 0.0);
}

#[test]
fn a_trace_with_a_bad_row_stops_the_run_before_simulating() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("bad");
    let output =
        omnilab(&["run", "tests/fixtures/bad_trace.toml", "--out", out.to_str().expect("utf-8")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("bad_trace.csv:4") && stderr.contains("units"), "{stderr}");
    assert!(!out.exists(), "no result folder for a run that never started");
}
