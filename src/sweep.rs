//! Sweeps: one scenario run over a grid of parameter values, on one machine or in shards.
//!
//! `omnilab sweep scenario.toml --set path=v1,v2 --set ...` writes each combination of
//! values (a *variant*) into the scenario's TOML document ([`path`]), so every variant goes
//! through the normal validation and resolution, then runs every policy on the same
//! replications in each variant. The work is split into *units*, one per (variant,
//! replication), and `--shard i/n` runs only the i-th slice of them ([`shard`]), so a sweep
//! can run as a Slurm job array or a Kubernetes Indexed Job; `omnilab merge` checks that
//! the shards belong to one sweep and cover it exactly once ([`merge`]).
//!
//! ```text
//! scenario text --[--set values, per variant]--> variant text --load--> Scenario
//!    units(shard) --> run: experiment::compare_replications per variant --> UnitValues
//!    unsharded: UnitValues ---------------------------------------+--> report::sweep
//!    shards: UnitValues -> kpis.csv + sweep.json, ... -> merge ---+    (sweep.csv)
//! ```
//!
//! Key types: [`Sweep`] (the scenario text and its grid), [`SweepSpec`] (what `sweep.json`
//! records, identical across the shards of one sweep), [`UnitValues`] (the per-replication
//! KPI rows every summary is computed from, so a merged sweep equals an unsharded one byte
//! for byte). This module touches no files: the CLI reads the scenario and `report::sweep`
//! reads and writes results.

pub mod grid;
pub mod path;
pub mod shard;
mod values;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml_edit::DocumentMut;

use crate::experiment::{RunError, compare_replications};
use crate::scenario::{self, Scenario, ScenarioError};
use crate::sim::SimOptions;

pub use grid::{Set, SetError, Variant, variants};
pub use path::{ParamPath, PathError, Step};
pub use shard::{Shard, ShardError, Unit, units};
pub use values::{KpiRow, MergeError, ShardValues, UnitValues, merge};

/// What `sweep.json` records: enough to tell whether shards belong to one sweep, and to
/// read `sweep.csv` (the variants and what each sets).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// omnilab's version.
    pub omnilab_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file as given.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The scenario seed (`--seed`, or the file's).
    pub seed: u64,
    /// Replications per policy in every variant.
    pub replications: u32,
    /// Policies, in report order, the same in every variant.
    pub policies: Vec<String>,
    /// The `--set` flags, in the order given.
    pub sets: Vec<SetSpec>,
    /// Every variant of the grid, in order.
    pub variants: Vec<VariantSpec>,
    /// Which slice of the work a shard ran; absent for a whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

/// One `--set` as `sweep.json` records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetSpec {
    /// The parameter path, which also names its column in `sweep.csv`.
    pub path: String,
    /// Its values, as `sweep.csv` writes them.
    pub values: Vec<String>,
}

/// One variant as `sweep.json` records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    /// Its position in the grid, as in the `variant` column.
    pub variant: usize,
    /// The value of each set, in the order of `sets`.
    pub values: Vec<String>,
    /// The policy the others are compared with in this variant, when it is run.
    pub baseline: Option<String>,
}

/// Why a sweep could not be set up or run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Two `--set` flags name the same parameter.
    #[error("--set {path} is given twice")]
    RepeatedPath {
        /// The parameter path.
        path: String,
    },
    /// The scenario text is not TOML (loading it would have said where).
    #[error("{}: not a TOML document: {message}", file.display())]
    NotToml {
        /// The scenario file.
        file: PathBuf,
        /// What the TOML parser said.
        message: String,
    },
    /// A `--set` path that the scenario document cannot take (an index past the end of an
    /// array, a key inside a number).
    #[error("--set {set}: {source}")]
    Path {
        /// The flag, as `path=values`.
        set: String,
        /// What is wrong with the path.
        #[source]
        source: PathError,
    },
    /// A variant that does not validate or resolve; its diagnostics say why.
    #[error("variant {variant} ({description}) is not a valid scenario: {source}")]
    Invalid {
        /// The variant's position in the grid.
        variant: usize,
        /// Its values, as `path=value, ...`.
        description: String,
        /// The diagnostics.
        #[source]
        source: Box<ScenarioError>,
    },
    /// A variant without a policy the sweep runs (a `--set` renamed it).
    #[error("variant {variant} ({description}) has no policy named \"{name}\"")]
    NoSuchPolicy {
        /// The variant's position in the grid.
        variant: usize,
        /// Its values, as `path=value, ...`.
        description: String,
        /// The policy's name.
        name: String,
    },
    /// A replication of a variant failed (or was cancelled).
    #[error("variant {variant} ({description}): {source}")]
    Run {
        /// The variant's position in the grid.
        variant: usize,
        /// Its values, as `path=value, ...`.
        description: String,
        /// The failed replication.
        #[source]
        source: RunError,
    },
}

/// A scenario's text, where it came from, and the grid of values to write into it.
#[derive(Clone, Debug)]
pub struct Sweep {
    text: String,
    file: PathBuf,
    sets: Vec<Set>,
    grid: Vec<Variant>,
}

impl Sweep {
    /// A sweep of the scenario `text` (read from `file`, which names it in diagnostics and
    /// locates the files it refers to) over `sets`. Refuses a parameter set twice.
    pub fn new(text: String, file: &Path, sets: Vec<Set>) -> Result<Sweep, SweepError> {
        for (i, set) in sets.iter().enumerate() {
            if sets[..i].iter().any(|earlier| earlier.path == set.path) {
                return Err(SweepError::RepeatedPath { path: set.path.to_string() });
            }
        }
        let grid = variants(&sets);
        Ok(Sweep { text, file: file.to_path_buf(), sets, grid })
    }

    /// The sets, in the order given.
    pub fn sets(&self) -> &[Set] {
        &self.sets
    }

    /// Every variant, in grid order.
    pub fn variants(&self) -> &[Variant] {
        &self.grid
    }

    /// `path=value, ...` of variant `v`, for messages.
    pub fn describe(&self, v: usize) -> String {
        self.grid[v].describe(&self.sets)
    }

    /// The scenario text of variant `v`: the file with each set's value written in.
    pub fn variant_text(&self, v: usize) -> Result<String, SweepError> {
        let mut doc: DocumentMut = self.text.parse().map_err(|e: toml_edit::TomlError| {
            SweepError::NotToml { file: self.file.clone(), message: e.message().to_string() }
        })?;
        for (set, &choice) in self.sets.iter().zip(&self.grid[v].choices) {
            set.path
                .assign(&mut doc, &set.values[choice])
                .map_err(|source| SweepError::Path { set: set.to_string(), source })?;
        }
        Ok(doc.to_string())
    }

    /// Variant `v` as a runnable scenario: its text, validated and resolved.
    ///
    /// FIXME: a diagnostic about a key that a `--set` inserted (one the file left at its
    /// default) is located in the edited text, where that key's line and any after it in
    /// its table may not match the user's file; locating it at the `--set` instead would
    /// need `scenario::Locator` to know which spans were inserted.
    pub fn load(&self, v: usize) -> Result<Scenario, SweepError> {
        let text = self.variant_text(v)?;
        scenario::scenario_from_str(&text, &self.file).map_err(|source| SweepError::Invalid {
            variant: v,
            description: self.describe(v),
            source: Box::new(source),
        })
    }

    /// Variant `v` ready to run: loaded as [`Sweep::load`] does, with the sweep's `seed`
    /// (when given), and the indices of the policies named `policies`, in that order.
    pub fn load_runnable(
        &self,
        v: usize,
        seed: Option<u64>,
        policies: &[String],
    ) -> Result<(Scenario, Vec<usize>), SweepError> {
        let mut scenario = self.load(v)?;
        if let Some(seed) = seed {
            scenario.seed = seed;
        }
        let indices = policies
            .iter()
            .map(|name| {
                scenario.policies.iter().position(|p| p.name() == name).ok_or_else(|| {
                    SweepError::NoSuchPolicy {
                        variant: v,
                        description: self.describe(v),
                        name: name.clone(),
                    }
                })
            })
            .collect::<Result<_, _>>()?;
        Ok((scenario, indices))
    }

    /// The spec `sweep.json` records (without a shard); `baselines[v]` is the baseline of
    /// variant `v` when it is among `policies`.
    pub fn spec(&self, run: &SpecInputs, baselines: Vec<Option<String>>) -> SweepSpec {
        let sets = self
            .sets
            .iter()
            .map(|s| SetSpec {
                path: s.path.to_string(),
                values: s.values.iter().map(grid::render).collect(),
            })
            .collect();
        let variants = self
            .grid
            .iter()
            .zip(baselines)
            .map(|(v, baseline)| VariantSpec {
                variant: v.index,
                values: v.values(&self.sets),
                baseline,
            })
            .collect();
        SweepSpec {
            omnilab_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: run.scenario.clone(),
            scenario_file: self.file.display().to_string(),
            scenario_sha256: run.scenario_sha256.clone(),
            seed: run.seed,
            replications: run.replications,
            policies: run.policies.clone(),
            sets,
            variants,
            shard: None,
        }
    }
}

/// What the spec records beyond the grid.
#[derive(Clone, Debug)]
pub struct SpecInputs {
    /// The scenario's name.
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The scenario seed used.
    pub seed: u64,
    /// Replications per policy.
    pub replications: u32,
    /// Policy names, in report order.
    pub policies: Vec<String>,
}

/// Runs `units` (in order, grouped by variant as [`units`] gives them) of `sweep`, loading
/// each variant once with [`Sweep::load_runnable`] (`seed` replaces each variant's seed when
/// given; `policies` are the names run, in order). Calls `progress(done, total)` in units.
///
/// Stops at the first failed replication or when `options.cancel` is raised.
pub fn run(
    sweep: &Sweep,
    units: &[Unit],
    seed: Option<u64>,
    policies: &[String],
    options: &SimOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<UnitValues>, SweepError> {
    let mut values = Vec::with_capacity(units.len());
    let per_unit = policies.len().max(1);
    let mut start = 0;
    while start < units.len() {
        let variant = units[start].variant;
        let end = units[start..]
            .iter()
            .position(|u| u.variant != variant)
            .map_or(units.len(), |n| start + n);
        let (scenario, indices) = sweep.load_runnable(variant, seed, policies)?;
        let reps: Vec<u32> = units[start..end].iter().map(|u| u.replication).collect();

        let jobs_before = start * per_unit;
        let report = |done: usize, _: usize| progress((jobs_before + done) / per_unit, units.len());
        let comparison =
            compare_replications(&scenario, &indices, &reps, options, &report).map_err(
                |source| SweepError::Run { variant, description: sweep.describe(variant), source },
            )?;

        for (k, &replication) in reps.iter().enumerate() {
            let rows = comparison.outcomes.iter().map(|o| o[k].kpis.kpis.clone()).collect();
            values.push(UnitValues { unit: Unit { variant, replication }, rows });
        }
        start = end;
    }
    Ok(values)
}
