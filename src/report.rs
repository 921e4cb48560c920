//! Results on disk: `summary.csv`, `kpis.csv`, `nodes.csv`, `daily.csv`, `run.json` (and
//! `decisions.csv` when decisions were explained), the charts under `charts/` (PNG and SVG,
//! see [`charts`]) and the self-contained leadership report `report.html` (see [`html`]),
//! plus the terminal comparison table.
//!
//! A run writes everything into a temporary folder beside the target and renames it into
//! place only when complete, so an interrupted run leaves the previous results intact and a
//! reader never sees half a result. Values are written with Rust's shortest round-trip
//! formatting, so the same numbers give the same bytes on every machine.

pub mod charts;
pub mod html;
mod metrics;
mod summary;
mod table;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use summary::{SummaryRow, summarize};
pub use table::render as render_table;

use crate::experiment::Comparison;
use crate::scenario::Scenario;

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A CSV row could not be written.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
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
pub fn write_results(
    dir: &Path,
    scenario: &Scenario,
    comparison: &Comparison,
    info: &RunInfo,
) -> Result<Vec<SummaryRow>, ReportError> {
    let rows = summarize(comparison);
    let staging = staging_dir(dir);
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
    }
    fs::create_dir_all(&staging).map_err(io_err(&staging))?;

    write_summary(&staging.join("summary.csv"), &rows)?;
    write_kpis(&staging.join("kpis.csv"), comparison)?;
    write_nodes(&staging.join("nodes.csv"), scenario, comparison)?;
    write_daily(&staging.join("daily.csv"), comparison)?;
    if comparison.outcomes.iter().flatten().any(|o| !o.explanations.is_empty()) {
        write_decisions(&staging.join("decisions.csv"), scenario, comparison)?;
    }
    let json = serde_json::to_string_pretty(info).unwrap_or_default();
    let run_json = staging.join("run.json");
    fs::write(&run_json, json + "\n").map_err(io_err(&run_json))?;
    let charts_dir = staging.join("charts");
    charts::write_charts(&charts_dir, scenario, comparison, &rows)?;
    html::write_html(&staging.join("report.html"), scenario, comparison, &rows, info, &charts_dir)?;

    replace_dir(&staging, dir)?;
    Ok(rows)
}

/// The temporary folder a run writes into, beside `dir`.
fn staging_dir(dir: &Path) -> PathBuf {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Moves `staging` to `dir`, replacing what was there only once the new results are whole.
fn replace_dir(staging: &Path, dir: &Path) -> Result<(), ReportError> {
    let io_err = |path: &Path, source| ReportError::Io { path: path.to_path_buf(), source };
    if dir.exists() {
        let old = staging.with_extension("old");
        fs::rename(dir, &old).map_err(|e| io_err(dir, e))?;
        fs::rename(staging, dir).map_err(|e| io_err(dir, e))?;
        fs::remove_dir_all(&old).map_err(|e| io_err(&old, e))?;
    } else {
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
        }
        fs::rename(staging, dir).map_err(|e| io_err(dir, e))?;
    }
    Ok(())
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

fn write_summary(path: &Path, rows: &[SummaryRow]) -> Result<(), ReportError> {
    let header = [
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
    write_rows(
        path,
        &header,
        rows.iter().map(|r| {
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
        }),
    )
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
