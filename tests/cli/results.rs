//! Results are never half-written: a run that is interrupted (SIGINT, SIGTERM), fails (a
//! broken audit, a panic in a worker) or is refused leaves an older results folder
//! byte-identical, removes its staging folder and says that the previous results are intact.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{omnilab, repository, text};

/// Every file under `dir` (charts included) with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("results folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let name = path.strip_prefix(dir).expect("inside").to_string_lossy().into_owned();
            files.insert(name, std::fs::read(&path).expect("readable result"));
        }
    }
    files
}

/// A temporary folder holding `results/` written by a complete run of the tiny scenario.
fn older_results() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("results");
    let output = omnilab(&["run", "tests/fixtures/tiny.toml", "--out", path(&out), "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    assert!(out.join("summary.csv").is_file());
    (dir, out)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Asserts that only `results/` is left beside the results: no staging folder.
fn assert_no_staging(dir: &Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("temp dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["results"], "only the results folder is left");
}

/// Starts `omnilab run` on the quickstart scenario (many seconds of work), sends `signal`
/// with `kill` once it is simulating, and returns its exit code, stderr and how long it took
/// to stop after the signal.
fn interrupt_quickstart(out: &Path, signal: &str) -> (Option<i32>, String, Duration) {
    let child = Command::new(env!("CARGO_BIN_EXE_omnilab"))
        .args(["run", "scenarios/quickstart.toml", "--out", path(out), "--quiet"])
        .args(["--replications", "30"])
        .current_dir(repository())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the omnilab binary starts");
    std::thread::sleep(Duration::from_secs(2));

    let sent = Instant::now();
    let kill = Command::new("kill").args([signal, &child.id().to_string()]).status();
    assert!(kill.expect("kill runs").success());
    let output = child.wait_with_output().expect("omnilab exits");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr, sent.elapsed())
}

#[test]
fn ctrl_c_stops_promptly_and_leaves_older_results_byte_identical() {
    let (dir, out) = older_results();
    let before = snapshot(&out);

    let (code, stderr, took) = interrupt_quickstart(&out, "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains("previous results in") && stderr.contains("are intact"), "{stderr}");
    // The whole run takes minutes; stopping means stopping within the simulated day.
    assert!(took < Duration::from_secs(30), "stopped {took:?} after the signal");

    assert_eq!(snapshot(&out), before, "the older results are untouched");
    assert_no_staging(dir.path());
}

#[test]
fn sigterm_is_handled_like_ctrl_c() {
    let (dir, out) = older_results();
    let before = snapshot(&out);

    let (code, stderr, _) = interrupt_quickstart(&out, "-TERM");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("are intact"), "{stderr}");
    assert_eq!(snapshot(&out), before);
    assert_no_staging(dir.path());
}

#[test]
fn a_failed_audit_or_a_panic_in_a_worker_leaves_older_results_intact() {
    let (dir, out) = older_results();
    let before = snapshot(&out);

    for (fault, words) in [("leak", "conservation audit failed"), ("panic", "a bug stopped")] {
        let output =
            omnilab(&["run", "tests/fixtures/tiny.toml", "--out", path(&out), "--fault", fault]);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{fault}: {stderr}");
        assert!(stdout.is_empty(), "{fault}: no table on stdout: {stdout}");
        assert!(stderr.contains(words), "{fault}: {stderr}");
        assert!(stderr.contains("the previous results in"), "{fault}: {stderr}");
        assert_eq!(snapshot(&out), before, "{fault}: the older results are untouched");
        assert_no_staging(dir.path());
    }
}

#[test]
fn a_completed_run_replaces_the_results_whole() {
    let (dir, out) = older_results();
    let output = omnilab(&[
        "run",
        "tests/fixtures/tiny.toml",
        "--out",
        path(&out),
        "--quiet",
        "--seed",
        "9",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    let run_json = std::fs::read_to_string(out.join("run.json")).expect("run.json");
    assert!(run_json.contains("\"seed\": 9"), "{run_json}");
    assert_no_staging(dir.path());
}

#[test]
fn a_run_too_big_for_the_machine_is_refused_with_the_estimate_and_the_knob() {
    let (dir, out) = older_results();
    let before = snapshot(&out);
    let output = omnilab(&["run", "tests/fixtures/too_big.toml", "--out", path(&out)]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for needle in [
        "error: tests/fixtures/too_big.toml:",
        "GiB of memory",
        "ledger positions",
        "catalog.skus",
        "--force",
    ] {
        assert!(stderr.contains(needle), "{needle} in {stderr}");
    }
    assert_eq!(snapshot(&out), before);
    assert_no_staging(dir.path());
}
