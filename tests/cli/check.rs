//! `omnilab check` and `--json`: exit codes for expectations that hold (0), fail (1) or are
//! invalid (2), folders, a scenario without expectations, results with `--out` identical to
//! `run`'s, Ctrl-C, and JSON on stdout that parses while progress and logs go to stderr.

use std::process::Command;
use std::time::Duration;

use super::{interrupted, omnilab, repository, text};

const PASSING: &str = "tests/fixtures/check/passing.toml";
const FAILING: &str = "tests/fixtures/check/failing.toml";

#[test]
fn expectations_that_hold_exit_with_0_and_print_a_pass_line_each() {
    let output = omnilab(&["check", PASSING]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let passes: Vec<&str> = stdout.lines().filter(|l| l.starts_with("PASS passing  ")).collect();
    assert_eq!(passes.len(), 3, "{stdout}");
    assert!(passes[0].contains("dc_first otif (all)  mean 0.9"), "{stdout}");
    assert!(passes[0].ends_with(">= 0.85"), "{stdout}");
    assert!(passes[2].contains("dc_first - nearest split_rate (all)"), "{stdout}");
    assert!(passes[2].ends_with("interval <= 0 + 0.005"), "{stdout}");
    assert!(stdout.contains("check: 3 held, 0 failed, in 1 scenario"), "{stdout}");
}

#[test]
fn an_expectation_that_fails_exits_with_1_and_is_named_with_its_measurement() {
    let output = omnilab(&["check", FAILING]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    let fail = stdout.lines().find(|l| l.starts_with("FAIL ")).expect("a FAIL line");
    assert!(fail.starts_with("FAIL failing  nearest otif (all)  mean 0.9"), "{fail}");
    assert!(fail.contains(" [0.9") && fail.ends_with(">= 0.995"), "{fail}");
    assert!(stdout.contains("PASS failing  dc_first otif (all)"), "{stdout}");
    assert!(stdout.contains("check: 1 held, 1 failed"), "{stdout}");

    let quiet = omnilab(&["check", FAILING, "--quiet"]);
    let (stdout, _) = text(&quiet);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(stdout.starts_with("FAIL failing  nearest otif"), "{stdout}");
    assert!(!stdout.contains("PASS"), "--quiet prints only failures: {stdout}");
}

#[test]
fn an_invalid_expectation_exits_with_2_before_anything_runs() {
    let bad = "tests/fixtures/malformed/expect_unknown_metric.toml";
    let output = omnilab(&["check", PASSING, bad]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.is_empty(), "nothing ran: {stdout}");
    assert!(stderr.contains(&format!("error: {bad}:35:10: expect[0].metric:")), "{stderr}");
}

#[test]
fn a_folder_stands_for_its_toml_files_in_name_order() {
    let output = omnilab(&["check", "tests/fixtures/check/", "--quiet"]);
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(1), "failing.toml fails: {stdout}");

    let output = omnilab(&["check", "tests/fixtures/check/"]);
    let (stdout, _) = text(&output);
    let first_pass = stdout.find("PASS passing").expect("passing.toml checked");
    let last_failing = stdout.rfind(" failing  ").expect("failing.toml checked");
    assert!(last_failing < first_pass, "failing.toml comes before passing.toml: {stdout}");
    assert!(stdout.contains("in 2 scenarios"), "{stdout}");

    let empty = tempfile::tempdir().expect("temp dir");
    let output = omnilab(&["check", empty.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).1.contains("holds no *.toml scenario"));
}

#[test]
fn a_scenario_without_expectations_is_noted_and_passes_without_running() {
    let output = omnilab(&["check", "tests/fixtures/tiny.toml"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("note: tests/fixtures/tiny.toml: no [[expect]] entries"), "{stdout}");
    assert!(stdout.contains("check: 0 held, 0 failed, in 1 scenario"), "{stdout}");
}

#[test]
fn check_with_out_writes_the_results_run_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checked = dir.path().join("checked");
    let ran = dir.path().join("ran");
    let output = omnilab(&["check", PASSING, "--quiet", "--out", checked.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    let output = omnilab(&["run", PASSING, "--quiet", "--out", ran.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);

    for file in ["summary.csv", "kpis.csv", "nodes.csv", "daily.csv"] {
        let a = std::fs::read(checked.join("passing").join(file)).expect("check wrote it");
        assert_eq!(a, std::fs::read(ran.join(file)).expect("run wrote it"), "{file} differs");
    }
}

#[test]
fn check_json_is_an_array_of_verdicts_on_stdout() {
    let output = omnilab(&["check", FAILING, "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let verdicts: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let verdicts = verdicts.as_array().expect("an array");
    assert_eq!(verdicts.len(), 2);
    assert_eq!(verdicts[1]["scenario"], "failing");
    assert_eq!(verdicts[1]["policy"], "nearest");
    assert_eq!(verdicts[1]["metric"], "otif");
    assert_eq!(verdicts[1]["held"], false);
    assert_eq!(verdicts[1]["min"], 0.995);
    let mean = verdicts[1]["mean"].as_f64().expect("a mean");
    let (low, high) = (verdicts[1]["ci95_low"].as_f64(), verdicts[1]["ci95_high"].as_f64());
    assert!(low.expect("low") <= mean && mean <= high.expect("high"));
}

#[test]
fn run_json_prints_the_summary_rows_and_still_writes_the_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("small");
    let output = Command::new(env!("CARGO_BIN_EXE_omnilab"))
        .args(["run", "tests/fixtures/small.toml", "--json", "--out"])
        .arg(&out)
        .env("RUST_LOG", "omnilab=debug")
        .current_dir(repository())
        .output()
        .expect("omnilab runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    assert!(!output.stderr.is_empty(), "logs go to stderr");

    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let rows = rows.as_array().expect("an array");
    let csv = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv written");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    assert_eq!(rows.len(), lines.count(), "one object per row of summary.csv");
    for key in &header {
        assert!(rows[0].get(key).is_some(), "{key} missing from {}", rows[0]);
    }
    let otif = rows
        .iter()
        .find(|r| r["policy"] == "nearest" && r["channel"] == "all" && r["metric"] == "otif")
        .expect("nearest's OTIF");
    assert!(otif["mean"].as_f64().is_some_and(|m| (0.0..=1.0).contains(&m)));
    assert_eq!(otif["replications"], 2);
    assert!(otif["significant"].is_boolean());
}

#[test]
fn ctrl_c_stops_a_check_with_130() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_str().expect("a UTF-8 temp path");
    let args =
        ["check", "scenarios/quickstart.toml", "--replications", "30", "--quiet", "--out", out];
    let output = interrupted(&args, Duration::from_secs(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("temp dir").count(), 0, "nothing written");
}
