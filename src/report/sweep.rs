//! Sweep results on disk: `sweep.csv`, `kpis.csv` and `sweep.json` of a whole (or merged)
//! sweep, the `kpis.csv` and `sweep.json` of a shard, and reading a shard back.
//!
//! Owns [`SweepRow`], [`summarize_sweep`], [`write_sweep`], [`write_shard`], [`read_shard`]
//! and [`ReadError`]. A whole sweep and a merge of its shards both come here with the same
//! [`UnitValues`] and go through [`summarize_sweep`] and [`write_sweep`], so they give the
//! same bytes. Per-replication values are written in Rust's shortest round-trip form, with
//! `NaN` and `inf` spelled out, so reading a shard gives back every value bit for bit.
//! Folders are written atomically, like run results.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::summary::{KpiRows, SummaryRow, summarize_replications};
use super::{ReportError, SUMMARY_HEADER, io_err, summary_fields, write_atomically, write_rows};
use crate::orders::Channel;
use crate::sim::Scope;
use crate::sweep::{KpiRow, ShardValues, SweepSpec, Unit, UnitValues};

/// One row of `sweep.csv`: a summary row of one variant.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    /// The variant's position in the grid.
    pub variant: usize,
    /// The summary row, as `summary.csv` has it.
    pub row: SummaryRow,
}

/// Why a shard folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `sweep.json` is not a sweep spec.
    #[error("{}: not a sweep spec: {source}", path.display())]
    Spec {
        /// The file.
        path: PathBuf,
        /// What the JSON reader said.
        source: serde_json::Error,
    },
    /// A CSV record could not be read.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// A row of `kpis.csv` that does not fit the spec.
    #[error("{}:{line}: {message}", path.display())]
    Row {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// The summary of every variant: [`summarize_replications`] over each variant's units, in
/// grid order. `units` must hold every replication of every variant, in unit order.
pub fn summarize_sweep(spec: &SweepSpec, units: &[UnitValues]) -> Vec<SweepRow> {
    let mut rows = Vec::new();
    for variant in &spec.variants {
        let of_variant: Vec<&UnitValues> =
            units.iter().filter(|u| u.unit.variant == variant.variant).collect();
        let reps: Vec<Vec<&KpiRows>> = (0..spec.policies.len())
            .map(|p| of_variant.iter().map(|u| u.rows[p].as_slice()).collect())
            .collect();
        let baseline =
            variant.baseline.as_ref().and_then(|name| spec.policies.iter().position(|p| p == name));
        let summary = summarize_replications(&spec.policies, baseline, &reps);
        rows.extend(summary.into_iter().map(|row| SweepRow { variant: variant.variant, row }));
    }
    rows
}

/// Writes a whole sweep into `dir`, atomically: `sweep.csv` (every variant's summary),
/// `kpis.csv` (every replication's values) and `sweep.json`; returns the summary.
pub fn write_sweep(
    dir: &Path,
    spec: &SweepSpec,
    units: &[UnitValues],
) -> Result<Vec<SweepRow>, ReportError> {
    let rows = summarize_sweep(spec, units);
    write_atomically(dir, |staging| {
        write_sweep_csv(&staging.join("sweep.csv"), spec, &rows)?;
        write_values(&staging.join("kpis.csv"), spec, units)?;
        write_spec(&staging.join("sweep.json"), spec)
    })?;
    Ok(rows)
}

/// Writes a shard's values (`kpis.csv`) and spec (`sweep.json`, with its shard) into `dir`,
/// atomically.
pub fn write_shard(dir: &Path, spec: &SweepSpec, units: &[UnitValues]) -> Result<(), ReportError> {
    write_atomically(dir, |staging| {
        write_values(&staging.join("kpis.csv"), spec, units)?;
        write_spec(&staging.join("sweep.json"), spec)
    })
}

/// Reads the shard written into `dir` by [`write_shard`].
pub fn read_shard(dir: &Path) -> Result<ShardValues, ReadError> {
    let spec_path = dir.join("sweep.json");
    let text = fs::read_to_string(&spec_path)
        .map_err(|source| ReadError::Io { path: spec_path.clone(), source })?;
    let spec: SweepSpec = serde_json::from_str(&text)
        .map_err(|source| ReadError::Spec { path: spec_path.clone(), source })?;
    let units = read_values(&dir.join("kpis.csv"), &spec)?;
    Ok(ShardValues { dir: dir.to_path_buf(), spec, units })
}

fn write_spec(path: &Path, spec: &SweepSpec) -> Result<(), ReportError> {
    let json = serde_json::to_string_pretty(spec).unwrap_or_default();
    fs::write(path, json + "\n").map_err(io_err(path))
}

/// `sweep.csv`: the variant, its value of each set, then the columns of `summary.csv`.
fn write_sweep_csv(path: &Path, spec: &SweepSpec, rows: &[SweepRow]) -> Result<(), ReportError> {
    let mut header = vec!["variant"];
    header.extend(spec.sets.iter().map(|s| s.path.as_str()));
    header.extend(SUMMARY_HEADER);
    let records = rows.iter().map(|r| {
        let mut record = vec![r.variant.to_string()];
        record.extend(spec.variants[r.variant].values.iter().cloned());
        record.extend(summary_fields(&r.row));
        record
    });
    write_rows(path, &header, records)
}

/// The header of a sweep's (and a shard's) `kpis.csv`.
const VALUES_HEADER: [&str; 6] = ["variant", "policy", "replication", "channel", "metric", "value"];

/// Every value, variant by variant, then policy by policy, then replication by replication.
fn write_values(path: &Path, spec: &SweepSpec, units: &[UnitValues]) -> Result<(), ReportError> {
    let mut by_variant: BTreeMap<usize, Vec<&UnitValues>> = BTreeMap::new();
    for u in units {
        by_variant.entry(u.unit.variant).or_default().push(u);
    }
    let records = by_variant.into_iter().flat_map(|(variant, units)| {
        spec.policies.iter().enumerate().flat_map(move |(p, policy)| {
            units.clone().into_iter().flat_map(move |u| {
                u.rows[p].iter().map(move |(scope, metric, value)| {
                    [
                        variant.to_string(),
                        policy.clone(),
                        u.unit.replication.to_string(),
                        scope.as_str().to_string(),
                        metric.to_string(),
                        value.to_string(),
                    ]
                })
            })
        })
    });
    write_rows(path, &VALUES_HEADER, records)
}

/// Reads a `kpis.csv` written by [`write_values`] back into units, in unit order.
fn read_values(path: &Path, spec: &SweepSpec) -> Result<Vec<UnitValues>, ReadError> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|source| ReadError::Csv { path: path.to_path_buf(), source })?;
    let header = reader
        .headers()
        .map_err(|source| ReadError::Csv { path: path.to_path_buf(), source })?
        .clone();
    if header.iter().ne(VALUES_HEADER) {
        let message = format!("expected the columns {}", VALUES_HEADER.join(","));
        return Err(ReadError::Row { path: path.to_path_buf(), line: 1, message });
    }

    let mut units: BTreeMap<Unit, Vec<Vec<KpiRow>>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record =
            record.map_err(|source| ReadError::Csv { path: path.to_path_buf(), source })?;
        let line = record.position().map_or(0, |p| p.line());
        let row = parse_row(&record, spec).map_err(|message| ReadError::Row {
            path: path.to_path_buf(),
            line,
            message,
        })?;
        if !seen.insert((row.unit, row.policy, row.scope, row.metric)) {
            let message = format!("repeats the value of {} {}", row.scope.as_str(), row.metric);
            return Err(ReadError::Row { path: path.to_path_buf(), line, message });
        }
        let rows = units.entry(row.unit).or_insert_with(|| vec![Vec::new(); spec.policies.len()]);
        rows[row.policy].push((row.scope, row.metric, row.value));
    }
    Ok(units.into_iter().map(|(unit, rows)| UnitValues { unit, rows }).collect())
}

/// One parsed row of `kpis.csv`.
struct ValueRow {
    unit: Unit,
    policy: usize,
    scope: Scope,
    metric: &'static str,
    value: f64,
}

/// A record of `kpis.csv`, checked against the spec.
fn parse_row(record: &csv::StringRecord, spec: &SweepSpec) -> Result<ValueRow, String> {
    let field = |i: usize| record.get(i).unwrap_or_default();
    let variant: usize =
        field(0).parse().map_err(|_| format!("variant \"{}\" is not a number", field(0)))?;
    if variant >= spec.variants.len() {
        return Err(format!("variant {variant} is not in the sweep"));
    }
    let policy = spec
        .policies
        .iter()
        .position(|p| p == field(1))
        .ok_or_else(|| format!("policy \"{}\" is not in the sweep", field(1)))?;
    let replication: u32 =
        field(2).parse().map_err(|_| format!("replication \"{}\" is not a number", field(2)))?;
    if replication >= spec.replications {
        return Err(format!("replication {replication} is not in the sweep"));
    }
    let scope = parse_scope(field(3)).ok_or_else(|| format!("unknown channel \"{}\"", field(3)))?;
    if field(4).is_empty() {
        return Err("the metric is empty".to_string());
    }
    let value: f64 =
        field(5).parse().map_err(|_| format!("value \"{}\" is not a number", field(5)))?;
    let unit = Unit { variant, replication };
    Ok(ValueRow { unit, policy, scope, metric: intern(field(4)), value })
}

/// `all` or a channel's name.
fn parse_scope(name: &str) -> Option<Scope> {
    if name == "all" {
        return Some(Scope::All);
    }
    Channel::parse(name).map(Scope::Channel)
}

/// The metric names read from files, each kept once for the life of the process: summary
/// rows name metrics with `&'static str`, as the simulator does.
static METRICS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// `name` as a `&'static str`, allocated the first time it is seen; there are a few dozen
/// metric names, so what is kept stays small.
fn intern(name: &str) -> &'static str {
    let mut names = METRICS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{SetSpec, Shard, VariantSpec};

    fn spec() -> SweepSpec {
        SweepSpec {
            omnilab_version: "0.1.0".into(),
            scenario: "s".into(),
            scenario_file: "s.toml".into(),
            scenario_sha256: "ab".into(),
            seed: 1,
            replications: 3,
            policies: vec!["a".into(), "b".into()],
            sets: vec![SetSpec { path: "seed".into(), values: vec!["1".into(), "2".into()] }],
            variants: (0..2)
                .map(|variant| VariantSpec {
                    variant,
                    values: vec![(variant + 1).to_string()],
                    baseline: Some("a".into()),
                })
                .collect(),
            shard: Some(Shard { index: 1, count: 1 }),
        }
    }

    /// Every unit of [`spec`], with awkward values: negative zero, tiny, NaN, infinite.
    fn units() -> Vec<UnitValues> {
        crate::sweep::units(None, 2, 3)
            .into_iter()
            .map(|unit| {
                let r = f64::from(unit.replication);
                let a = vec![
                    (Scope::All, "otif", 0.1 + r / 3.0),
                    (Scope::Channel(Channel::Web), "otif", -0.0),
                    (Scope::All, "odd_metric", if r == 1.0 { f64::NAN } else { 1e-300 }),
                ];
                let b = vec![(Scope::All, "otif", 0.2 * r), (Scope::All, "x", f64::INFINITY)];
                UnitValues { unit, rows: vec![a, b] }
            })
            .collect()
    }

    #[test]
    fn a_shard_reads_back_bit_for_bit() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("shard");
        write_shard(&dir, &spec(), &units()).expect("written");
        let back = read_shard(&dir).expect("read");
        assert_eq!(back.spec, spec());
        let bits = |u: &[UnitValues]| -> Vec<(Unit, Scope, &str, u64)> {
            u.iter()
                .flat_map(|u| {
                    u.rows.iter().flatten().map(move |(s, m, v)| (u.unit, *s, *m, v.to_bits()))
                })
                .collect()
        };
        assert_eq!(bits(&back.units), bits(&units()));
    }

    #[test]
    fn the_sweep_csv_prefixes_summary_columns_with_the_variant() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("sweep");
        let rows = write_sweep(&dir, &spec(), &units()).expect("written");
        let text = fs::read_to_string(dir.join("sweep.csv")).expect("sweep.csv");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "variant,seed,policy,channel,metric,mean,ci95_low,ci95_high,replications,\
                 diff_mean,diff_ci95_low,diff_ci95_high,significant"
            )
        );
        assert_eq!(lines.count(), rows.len());
        let otif = &rows[0];
        assert_eq!((otif.variant, otif.row.policy.as_str(), otif.row.metric), (0, "a", "otif"));
        assert!((otif.row.interval.mean - (0.1 + 1.0 / 3.0)).abs() < 1e-12);
        let b_otif = rows.iter().find(|r| r.row.policy == "b" && r.row.metric == "otif");
        assert!(b_otif.and_then(|r| r.row.diff).is_some(), "b is compared with a");
    }

    #[test]
    fn rows_that_do_not_fit_the_spec_are_refused_with_their_line() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("shard");
        write_shard(&dir, &spec(), &units()).expect("written");
        let kpis = dir.join("kpis.csv");
        let text = fs::read_to_string(&kpis).expect("kpis");
        for (bad, message) in [
            ("0,c,0,all,otif,1", "policy \"c\" is not in the sweep"),
            ("0,a,3,all,otif,1", "replication 3 is not in the sweep"),
            ("2,a,0,all,otif,1", "variant 2 is not in the sweep"),
            ("0,a,0,moon,otif,1", "unknown channel \"moon\""),
            ("0,a,0,all,otif,high", "value \"high\" is not a number"),
            ("0,a,0,all,otif,1", "repeats the value of all otif"),
        ] {
            fs::write(&kpis, format!("{text}{bad}\n")).expect("write");
            let error = read_shard(&dir).expect_err(bad);
            let lines = text.lines().count() + 1;
            assert_eq!(error.to_string(), format!("{}:{lines}: {message}", kpis.display()));
        }
    }

    #[test]
    fn interned_names_are_shared() {
        let a = intern(&String::from("some_metric"));
        let b = intern("some_metric");
        assert!(std::ptr::eq(a, b));
    }
}
