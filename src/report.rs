//! Results on disk: `summary.csv`, `kpis.csv`, `nodes.csv`, `daily.csv`, `causes.csv` (OTIF
//! misses by root cause, from `report/causes.rs`), `run.json` (and `decisions.csv` when
//! decisions were explained), the charts under `charts/` (PNG and SVG, see [`charts`]) and
//! the self-contained leadership report `report.html` (see [`html`]), plus the terminal
//! comparison table.
//!
//! A run writes everything into a temporary folder beside the target and renames it into
//! place only when complete, so an interrupted run leaves the previous results intact and a
//! reader never sees half a result. Values are written with Rust's shortest round-trip
//! formatting, so the same numbers give the same bytes on every machine.

mod causes;
pub mod charts;
pub mod html;
pub(crate) mod metrics;
mod summary;
pub mod sweep;
mod table;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use summary::{KpiRows, SummaryRow, paired_difference, summarize, summarize_replications};
pub use table::render as render_table;

use crate::experiment::Comparison;
use crate::scenario::Scenario;

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or folder could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A CSV row could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Csv {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// Writing failed, and the staging folder could not be removed either; it holds
    /// incomplete results and may be deleted.
    #[error("{cause} (the incomplete results in {} could not be removed: {source})", staging.display())]
    StagingLeft {
        /// The staging folder left behind.
        staging: PathBuf,
        /// Why writing failed.
        cause: Box<ReportError>,
        /// Why the folder could not be removed.
        source: io::Error,
    },
    /// A chart could not be drawn or encoded; the other result files are unaffected, but
    /// the run's results are not moved into place.
    #[error("cannot draw {path}: {message}")]
    Chart {
        /// The chart file.
        path: PathBuf,
        /// What plotters reported.
        message: String,
    },
}

/// What `run.json` records so a result can be reproduced.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RunInfo {
    /// omnilab's version.
    pub omnilab_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file as given.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The scenario seed used.
    pub seed: u64,
    /// Replications per policy.
    pub replications: u32,
    /// Policies, in report order.
    pub policies: Vec<String>,
    /// The baseline policy.
    pub baseline: Option<String>,
    /// Worker threads (results do not depend on it).
    pub threads: usize,
    /// Events handled over all replications.
    pub events: u64,
    /// Wall-clock seconds.
    pub wall_time_seconds: f64,
}

/// A number as written in CSV files: shortest round-trip form, empty when not finite.
fn num(v: f64) -> String {
    if v.is_finite() { format!("{v}") } else { String::new() }
}

/// Writes every result file of `comparison` into `dir` (tables, charts and `report.html`),
/// atomically; returns the summary.
///
/// Files go into a staging folder beside `dir` (`.<name>.partial-<pid>`), which replaces
/// `dir` only once complete. On failure the staging folder is removed and `dir` is left as it
/// was. Staging folders left by runs that were killed are cleaned up first; if a run was
/// killed in the instant between moving the old results aside and moving the new ones in,
/// the old results are put back.
pub fn write_results(
    dir: &Path,
    scenario: &Scenario,
    comparison: &Comparison,
    info: &RunInfo,
) -> Result<Vec<SummaryRow>, ReportError> {
    let rows = summarize(comparison);
    write_atomically(dir, |staging| write_files(staging, &rows, scenario, comparison, info))?;
    Ok(rows)
}

/// Runs `write` on a fresh staging folder beside `dir` and moves the folder to `dir` when
/// `write` succeeds: how every result folder (runs, sweeps, shards) is written.
///
/// Staging folders left by killed runs are cleaned up first (putting back old results a
/// killed run had moved aside); on failure the staging folder is removed and `dir` is left
/// as it was.
fn write_atomically(
    dir: &Path,
    write: impl FnOnce(&Path) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    clean_up_after_killed_runs(dir)?;
    let staging = staging_dir(dir);
    let written = fresh_dir(&staging)
        .and_then(|()| write(&staging))
        .and_then(|()| replace_dir(&staging, dir));
    written.map_err(|cause| remove_staging(&staging, cause))
}

/// Creates `dir` empty, removing what a crashed run of this process left there.
fn fresh_dir(dir: &Path) -> Result<(), ReportError> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io_err(dir))?;
    }
    fs::create_dir_all(dir).map_err(io_err(dir))
}

/// Every result file, into `staging`.
fn write_files(
    staging: &Path,
    rows: &[SummaryRow],
    scenario: &Scenario,
    comparison: &Comparison,
    info: &RunInfo,
) -> Result<(), ReportError> {
    write_summary(&staging.join("summary.csv"), rows)?;
    write_kpis(&staging.join("kpis.csv"), comparison)?;
    write_nodes(&staging.join("nodes.csv"), scenario, comparison)?;
    write_daily(&staging.join("daily.csv"), comparison)?;
    causes::write_causes(&staging.join("causes.csv"), scenario, comparison)?;
    if comparison.outcomes.iter().flatten().any(|o| !o.explanations.is_empty()) {
        write_decisions(&staging.join("decisions.csv"), scenario, comparison)?;
    }
    let json = serde_json::to_string_pretty(info).unwrap_or_default();
    let run_json = staging.join("run.json");
    fs::write(&run_json, json + "\n").map_err(io_err(&run_json))?;
    let charts_dir = staging.join("charts");
    charts::write_charts(&charts_dir, scenario, comparison, rows)?;
    html::write_html(&staging.join("report.html"), scenario, comparison, rows, info, &charts_dir)
}

/// A closure turning an I/O error into a [`ReportError`] about `path`.
fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ReportError + use<> {
    let path = path.to_path_buf();
    move |source| ReportError::Io { path, source }
}

/// Removes a staging folder after `cause`; the error says if the folder had to be left.
fn remove_staging(staging: &Path, cause: ReportError) -> ReportError {
    match fs::remove_dir_all(staging) {
        Err(source) if source.kind() != io::ErrorKind::NotFound => ReportError::StagingLeft {
            staging: staging.to_path_buf(),
            cause: Box::new(cause),
            source,
        },
        _ => cause,
    }
}

/// The prefix of every staging folder of `dir`: `.<name>.partial-`.
fn staging_prefix(dir: &Path) -> String {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!(".{name}.partial-")
}

/// The temporary folder a run writes into, beside `dir`.
fn staging_dir(dir: &Path) -> PathBuf {
    dir.with_file_name(format!("{}{}", staging_prefix(dir), std::process::id()))
}

/// Removes the staging folders of `dir` left by runs that are no longer alive, first putting
/// back old results that a killed run had moved aside (`<staging>.old`) when `dir` is gone.
fn clean_up_after_killed_runs(dir: &Path) -> Result<(), ReportError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = fs::read_dir(parent) else { return Ok(()) };
    let prefix = staging_prefix(dir);
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| is_stale_staging(path, &prefix))
        .collect();
    stale.sort();

    for path in stale {
        let is_old_results = path.to_string_lossy().ends_with(".old");
        if is_old_results && !dir.exists() {
            fs::rename(&path, dir).map_err(io_err(dir))?;
        } else {
            fs::remove_dir_all(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

/// Whether `path` is a staging folder named with `prefix` whose process is gone (or is this
/// process, from an earlier call).
fn is_stale_staging(path: &Path, prefix: &str) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let Some(rest) = name.strip_prefix(prefix) else { return false };
    let pid = rest.split('.').next().unwrap_or_default();
    let Ok(pid) = pid.parse::<u32>() else { return false };
    pid == std::process::id() || !process_alive(pid)
}

/// Whether a process with id `pid` runs (on Linux, through `/proc`); where that cannot be
/// told, every process is taken as alive, so no other run's folder is ever removed.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Moves `staging` to `dir`, replacing what was there only once the new results are whole.
/// If the second move fails, the old results are moved back.
fn replace_dir(staging: &Path, dir: &Path) -> Result<(), ReportError> {
    if !dir.exists() {
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        return fs::rename(staging, dir).map_err(io_err(dir));
    }

    let mut old = staging.as_os_str().to_owned();
    old.push(".old");
    let old = PathBuf::from(old);
    fs::rename(dir, &old).map_err(io_err(dir))?;
    if let Err(source) = fs::rename(staging, dir) {
        // Put the old results back; if even that fails, they are still whole in `old`.
        let _ = fs::rename(&old, dir);
        return Err(ReportError::Io { path: dir.to_path_buf(), source });
    }
    fs::remove_dir_all(&old).map_err(io_err(&old))
}

fn csv_writer(path: &Path) -> Result<csv::Writer<fs::File>, ReportError> {
    csv::Writer::from_path(path)
        .map_err(|source| ReportError::Csv { path: path.to_path_buf(), source })
}

fn write_rows<I, R>(path: &Path, header: &[&str], rows: I) -> Result<(), ReportError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let csv_err = |source| ReportError::Csv { path: path.to_path_buf(), source };
    let mut w = csv_writer(path)?;
    w.write_record(header).map_err(csv_err)?;
    for row in rows {
        w.write_record(row).map_err(csv_err)?;
    }
    w.flush().map_err(|source| ReportError::Io { path: path.to_path_buf(), source })
}

/// The columns of `summary.csv`, which are also the keys of [`summary_json`]'s objects and
/// which `sweep.csv` repeats after its variant columns.
const SUMMARY_HEADER: [&str; 11] = [
    "policy",
    "channel",
    "metric",
    "mean",
    "ci95_low",
    "ci95_high",
    "replications",
    "diff_mean",
    "diff_ci95_low",
    "diff_ci95_high",
    "significant",
];

fn write_summary(path: &Path, rows: &[SummaryRow]) -> Result<(), ReportError> {
    write_rows(path, &SUMMARY_HEADER, rows.iter().map(summary_fields))
}

/// One summary row as the fields of [`SUMMARY_HEADER`].
fn summary_fields(r: &SummaryRow) -> [String; 11] {
    let (dm, dl, dh, sig) = match r.diff {
        Some(d) => (num(d.mean), num(d.low), num(d.high), d.excludes_zero().to_string()),
        None => (String::new(), String::new(), String::new(), String::new()),
    };
    [
        r.policy.clone(),
        r.scope.as_str().to_string(),
        r.metric.to_string(),
        num(r.interval.mean),
        num(r.interval.low),
        num(r.interval.high),
        r.interval.n.to_string(),
        dm,
        dl,
        dh,
        sig,
    ]
}

/// The rows of `summary.csv` as a JSON array of objects with the same keys, for `omnilab
/// run --json`: numbers as numbers, `null` where the CSV cell is empty (no interval from a
/// single replication, no difference for the baseline).
pub fn summary_json(rows: &[SummaryRow]) -> serde_json::Value {
    let finite = |v: f64| v.is_finite().then_some(v);
    let objects = rows.iter().map(|r| {
        let diff = r.diff;
        let values = [
            serde_json::json!(r.policy),
            serde_json::json!(r.scope.as_str()),
            serde_json::json!(r.metric),
            serde_json::json!(finite(r.interval.mean)),
            serde_json::json!(finite(r.interval.low)),
            serde_json::json!(finite(r.interval.high)),
            serde_json::json!(r.interval.n),
            serde_json::json!(diff.and_then(|d| finite(d.mean))),
            serde_json::json!(diff.and_then(|d| finite(d.low))),
            serde_json::json!(diff.and_then(|d| finite(d.high))),
            serde_json::json!(diff.map(|d| d.excludes_zero())),
        ];
        let fields = SUMMARY_HEADER.iter().map(|c| c.to_string()).zip(values);
        serde_json::Value::Object(fields.collect())
    });
    serde_json::Value::Array(objects.collect())
}

fn write_kpis(path: &Path, c: &Comparison) -> Result<(), ReportError> {
    let rows = c.policies.iter().zip(&c.outcomes).flat_map(|(policy, reps)| {
        reps.iter().enumerate().flat_map(move |(r, o)| {
            o.kpis.kpis.iter().map(move |(scope, metric, value)| {
                [
                    policy.clone(),
                    r.to_string(),
                    scope.as_str().to_string(),
                    metric.to_string(),
                    num(*value),
                ]
            })
        })
    });
    write_rows(path, &["policy", "replication", "channel", "metric", "value"], rows)
}

fn write_nodes(path: &Path, sc: &Scenario, c: &Comparison) -> Result<(), ReportError> {
    let rows = c.policies.iter().zip(&c.outcomes).flat_map(|(policy, reps)| {
        reps.iter().enumerate().flat_map(move |(r, o)| {
            o.kpis.nodes.iter().map(move |(node, metric, value)| {
                [
                    policy.clone(),
                    r.to_string(),
                    sc.network.node(*node).name.clone(),
                    metric.to_string(),
                    num(*value),
                ]
            })
        })
    });
    write_rows(path, &["policy", "replication", "node", "metric", "value"], rows)
}

fn write_daily(path: &Path, c: &Comparison) -> Result<(), ReportError> {
    let rows = c.policies.iter().zip(&c.outcomes).flat_map(|(policy, reps)| {
        reps.iter().enumerate().flat_map(move |(r, o)| {
            o.kpis.daily.iter().map(move |(day, metric, value)| {
                [policy.clone(), r.to_string(), day.to_string(), metric.to_string(), num(*value)]
            })
        })
    });
    write_rows(path, &["policy", "replication", "day", "metric", "value"], rows)
}

/// One row per candidate node of each explained line.
fn write_decisions(path: &Path, sc: &Scenario, c: &Comparison) -> Result<(), ReportError> {
    let header = [
        "policy",
        "replication",
        "order",
        "line",
        "node",
        "removed_by",
        "sort_values",
        "chosen_units",
        "fallback",
    ];
    let mut rows = Vec::new();
    for (policy, reps) in c.policies.iter().zip(&c.outcomes) {
        for (r, o) in reps.iter().enumerate() {
            for (order, e) in &o.explanations {
                for line in &e.lines {
                    for cand in &line.candidates {
                        let chosen: u32 = line
                            .chosen
                            .iter()
                            .filter(|(n, _)| *n == cand.node)
                            .map(|(_, u)| u)
                            .sum();
                        let values: Vec<String> = e
                            .sort_keys
                            .iter()
                            .zip(&cand.sort_values)
                            .map(|(k, v)| format!("{k}={}", num(*v)))
                            .collect();
                        rows.push([
                            policy.clone(),
                            r.to_string(),
                            order.to_string(),
                            line.line.to_string(),
                            sc.network.node(cand.node).name.clone(),
                            cand.removed_by.unwrap_or("").to_string(),
                            values.join(" "),
                            chosen.to_string(),
                            line.fallback.clone().unwrap_or_default(),
                        ]);
                    }
                }
            }
        }
    }
    write_rows(path, &header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder `name` under `parent` holding one file with `content`.
    fn folder(parent: &Path, name: &str, content: &str) -> PathBuf {
        let dir = parent.join(name);
        fs::create_dir_all(&dir).expect("create folder");
        fs::write(dir.join("summary.csv"), content).expect("write file");
        dir
    }

    fn content(dir: &Path) -> String {
        fs::read_to_string(dir.join("summary.csv")).expect("readable")
    }

    /// A process id that is not running (ids are below 2^22 on Linux).
    const GONE: u32 = 4_000_000_000;

    #[test]
    fn replacing_swaps_in_the_new_folder_and_drops_the_old() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = folder(tmp.path(), "results", "old");
        let staging = folder(tmp.path(), &format!(".results.partial-{GONE}"), "new");
        replace_dir(&staging, &dir).expect("replaced");
        assert_eq!(content(&dir), "new");
        assert_eq!(fs::read_dir(tmp.path()).expect("listable").count(), 1);
    }

    #[test]
    fn old_results_moved_aside_by_a_killed_run_are_put_back() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("results");
        folder(tmp.path(), &format!(".results.partial-{GONE}.old"), "old");
        folder(tmp.path(), &format!(".results.partial-{GONE}"), "half");
        clean_up_after_killed_runs(&dir).expect("cleaned");
        assert_eq!(content(&dir), "old");
        assert_eq!(fs::read_dir(tmp.path()).expect("listable").count(), 1);
    }

    #[test]
    fn staging_folders_of_running_processes_and_other_targets_are_left_alone() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = folder(tmp.path(), "results", "kept");
        let parent = std::os::unix::process::parent_id();
        let live = folder(tmp.path(), &format!(".results.partial-{parent}"), "running");
        let other = folder(tmp.path(), &format!(".other.partial-{GONE}"), "other");
        let stale = folder(tmp.path(), &format!(".results.partial-{GONE}"), "stale");
        clean_up_after_killed_runs(&dir).expect("cleaned");
        assert!(live.exists() && other.exists());
        assert!(!stale.exists());
        assert_eq!(content(&dir), "kept");
    }

    #[test]
    fn the_summary_as_json_has_the_csv_columns_and_nulls_for_empty_cells() {
        use crate::sim::Scope;
        use crate::stats::Interval;
        let row = SummaryRow {
            policy: "nearest".into(),
            scope: Scope::All,
            metric: "otif",
            interval: Interval { mean: 0.9, low: f64::NAN, high: f64::NAN, n: 1 },
            diff: Some(Interval { mean: 0.01, low: 0.005, high: 0.015, n: 1 }),
        };
        let json = summary_json(&[row]);
        let object = json[0].as_object().expect("an object");
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut columns = SUMMARY_HEADER.to_vec();
        columns.sort_unstable();
        assert_eq!(keys, columns);
        assert_eq!(json[0]["mean"], 0.9);
        assert_eq!(json[0]["ci95_low"], serde_json::Value::Null);
        assert_eq!(json[0]["replications"], 1);
        assert_eq!(json[0]["significant"], true);
    }

    #[test]
    fn a_failed_write_removes_the_staging_folder() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let staging = folder(tmp.path(), ".results.partial-1", "half");
        let cause =
            ReportError::Io { path: staging.clone(), source: io::Error::other("disk full") };
        let error = remove_staging(&staging, cause);
        assert!(!staging.exists());
        assert_eq!(error.to_string(), format!("cannot write {}: disk full", staging.display()));
    }
}
