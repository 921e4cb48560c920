//! Per-replication KPI values of a sweep, and merging the values of its shards.
//!
//! Owns [`UnitValues`] (one unit's KPI rows under each policy), [`ShardValues`] (what one
//! shard folder holds) and [`merge`], which checks that shards belong to one sweep and
//! cover its units exactly once, and joins them in unit order: the same values, in the same
//! order, as an unsharded sweep collects, so both summarize to the same bytes. Pure: the
//! folders are read by `report::sweep`.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::SweepSpec;
use super::shard::{Shard, Unit, units};
use crate::sim::Scope;

/// One KPI value of a replication: (scope, metric, value), as the simulator reports it.
pub type KpiRow = (Scope, &'static str, f64);

/// One unit's KPI rows: `rows[p]` under policy `spec.policies[p]`, each (scope, metric,
/// value) in the order the simulator emits them.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitValues {
    /// Which variant and replication.
    pub unit: Unit,
    /// Rows per policy.
    pub rows: Vec<Vec<KpiRow>>,
}

/// What one shard folder holds.
#[derive(Clone, Debug)]
pub struct ShardValues {
    /// The folder, for messages.
    pub dir: PathBuf,
    /// Its `sweep.json`.
    pub spec: SweepSpec,
    /// Its units, in unit order.
    pub units: Vec<UnitValues>,
}

/// Why shards could not be merged. Every variant names the folder at fault.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No folder was given.
    #[error("no shard folders given")]
    NoShards,
    /// A folder written by a whole sweep or a run, not by `--shard`.
    #[error("{}: not a shard (its sweep.json has no \"shard\"); merge takes the folders of `omnilab sweep --shard i/n`", dir.display())]
    NotAShard {
        /// The folder.
        dir: PathBuf,
    },
    /// Two shards of different sweeps.
    #[error("{} and {} are not shards of the same sweep: their {what} differ", dir.display(), first.display())]
    Mismatch {
        /// The folder that differs.
        dir: PathBuf,
        /// The first folder, which the others are compared with.
        first: PathBuf,
        /// What differs (`scenario file contents`, `sets`, ...).
        what: &'static str,
    },
    /// Two folders holding the same shard.
    #[error("shard {shard} is given twice: {} and {}", first.display(), second.display())]
    Duplicate {
        /// The shard.
        shard: Shard,
        /// One folder.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// Shards not given, so the sweep is not covered.
    #[error("{}", missing_message(.missing))]
    Missing {
        /// The missing shards.
        missing: Vec<Shard>,
    },
    /// A shard folder whose values do not cover its slice exactly (a file cut short or
    /// edited).
    #[error("{} (shard {shard}): {detail}", dir.display())]
    Incomplete {
        /// The folder.
        dir: PathBuf,
        /// Its shard.
        shard: Shard,
        /// What is missing or extra.
        detail: String,
    },
}

fn missing_message(missing: &[Shard]) -> String {
    let names: Vec<String> = missing.iter().map(ToString::to_string).collect();
    let (noun, verb) = if missing.len() == 1 { ("shard", "is") } else { ("shards", "are") };
    format!("{noun} {} {verb} missing: every shard 1/n ... n/n must be given", names.join(", "))
}

/// Merges the shards of one sweep into its spec (without a shard) and every unit's values,
/// in unit order. The shards may be given in any order.
///
/// Errors: a folder that is not a shard, shards of different sweeps (scenario contents,
/// sets, seed, replications, policies, variants, omnilab version or shard count differ),
/// a shard given twice or missing, a shard whose values do not cover its slice.
pub fn merge(shards: Vec<ShardValues>) -> Result<(SweepSpec, Vec<UnitValues>), MergeError> {
    let mut by_index: BTreeMap<u32, ShardValues> = BTreeMap::new();
    let mut count = 0;
    for s in shards {
        let shard = s.spec.shard.ok_or_else(|| MergeError::NotAShard { dir: s.dir.clone() })?;
        if let Some(first) = by_index.values().next() {
            check_same_sweep(first, &s)?;
        }
        count = shard.count;
        if let Some(other) = by_index.get(&shard.index) {
            let (first, second) = (other.dir.clone(), s.dir);
            return Err(MergeError::Duplicate { shard, first, second });
        }
        by_index.insert(shard.index, s);
    }

    let missing: Vec<Shard> = (1..=count)
        .filter(|i| !by_index.contains_key(i))
        .map(|index| Shard { index, count })
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { missing });
    }

    let mut spec = None;
    let mut all = Vec::new();
    for (_, s) in by_index {
        check_covers(&s)?;
        all.extend(s.units);
        spec.get_or_insert(SweepSpec { shard: None, ..s.spec });
    }
    Ok((spec.ok_or(MergeError::NoShards)?, all))
}

/// Refuses `s` unless it is a shard of the same sweep as `first`.
fn check_same_sweep(first: &ShardValues, s: &ShardValues) -> Result<(), MergeError> {
    let (a, b) = (&first.spec, &s.spec);
    let differs = [
        (a.scenario_sha256 != b.scenario_sha256, "scenario file contents"),
        (a.scenario != b.scenario, "scenario names"),
        (a.sets != b.sets, "--set values"),
        (a.seed != b.seed, "seeds"),
        (a.replications != b.replications, "replications"),
        (a.policies != b.policies, "policies"),
        (a.variants != b.variants, "variants"),
        (a.omnilab_version != b.omnilab_version, "omnilab versions"),
        (a.shard.map(|x| x.count) != b.shard.map(|x| x.count), "shard counts"),
    ];
    match differs.iter().find(|(differ, _)| *differ) {
        Some(&(_, what)) => {
            Err(MergeError::Mismatch { dir: s.dir.clone(), first: first.dir.clone(), what })
        }
        None => Ok(()),
    }
}

/// Refuses a shard whose units are not exactly its slice, each with rows for every policy.
fn check_covers(s: &ShardValues) -> Result<(), MergeError> {
    let shard = s.spec.shard.expect("checked to be a shard");
    let incomplete = |detail: String| MergeError::Incomplete { dir: s.dir.clone(), shard, detail };
    let expected = units(Some(shard), s.spec.variants.len(), s.spec.replications);
    let found: HashSet<Unit> = s.units.iter().map(|u| u.unit).collect();
    let wanted: HashSet<Unit> = expected.iter().copied().collect();
    if let Some(unit) = expected.iter().find(|u| !found.contains(u)) {
        return Err(incomplete(format!(
            "no values for variant {} replication {}",
            unit.variant, unit.replication
        )));
    }
    if let Some(unit) = s.units.iter().map(|u| u.unit).find(|u| !wanted.contains(u)) {
        return Err(incomplete(format!(
            "values for variant {} replication {}, which another shard runs",
            unit.variant, unit.replication
        )));
    }
    for u in &s.units {
        if let Some(p) = u.rows.iter().position(Vec::is_empty) {
            return Err(incomplete(format!(
                "no values for policy {} in variant {} replication {}",
                s.spec.policies[p], u.unit.variant, u.unit.replication
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::VariantSpec;

    fn spec(shard: Option<Shard>) -> SweepSpec {
        SweepSpec {
            omnilab_version: "0.1.0".into(),
            scenario: "s".into(),
            scenario_file: "s.toml".into(),
            scenario_sha256: "ab".into(),
            seed: 1,
            replications: 3,
            policies: vec!["a".into(), "b".into()],
            sets: vec![],
            variants: (0..2)
                .map(|variant| VariantSpec { variant, values: vec![], baseline: Some("a".into()) })
                .collect(),
            shard,
        }
    }

    /// Shard `index` of `count` with the values of its slice.
    fn shard(index: u32, count: u32) -> ShardValues {
        let s = Shard { index, count };
        let values = units(Some(s), 2, 3)
            .into_iter()
            .map(|unit| UnitValues {
                unit,
                rows: vec![vec![(Scope::All, "otif", unit.replication as f64)]; 2],
            })
            .collect();
        ShardValues { dir: format!("shard-{index}").into(), spec: spec(Some(s)), units: values }
    }

    #[test]
    fn shards_in_any_order_merge_into_every_unit_in_order() {
        let (spec, merged) =
            merge(vec![shard(3, 4), shard(1, 4), shard(4, 4), shard(2, 4)]).expect("complete");
        assert_eq!(spec.shard, None);
        let found: Vec<Unit> = merged.iter().map(|u| u.unit).collect();
        assert_eq!(found, units(None, 2, 3));
    }

    #[test]
    fn a_missing_shard_is_named() {
        let error = merge(vec![shard(1, 4), shard(3, 4)]).expect_err("incomplete");
        assert_eq!(
            error.to_string(),
            "shards 2/4, 4/4 are missing: every shard 1/n ... n/n must be given"
        );
    }

    #[test]
    fn a_shard_given_twice_is_named() {
        let error = merge(vec![shard(1, 2), shard(2, 2), shard(1, 2)]).expect_err("twice");
        assert_eq!(error.to_string(), "shard 1/2 is given twice: shard-1 and shard-1");
    }

    #[test]
    fn shards_of_different_sweeps_are_refused() {
        let mut other = shard(2, 2);
        other.spec.seed = 2;
        let error = merge(vec![shard(1, 2), other]).expect_err("different seeds");
        assert!(matches!(error, MergeError::Mismatch { what: "seeds", .. }), "{error}");
        let error = merge(vec![shard(1, 2), shard(2, 3)]).expect_err("different counts");
        assert!(matches!(error, MergeError::Mismatch { what: "shard counts", .. }), "{error}");
    }

    #[test]
    fn a_shard_cut_short_is_refused() {
        let mut cut = shard(2, 2);
        cut.units.pop();
        let error = merge(vec![shard(1, 2), cut]).expect_err("cut short");
        assert_eq!(error.to_string(), "shard-2 (shard 2/2): no values for variant 1 replication 2");
    }

    #[test]
    fn nothing_to_merge_is_an_error() {
        assert!(matches!(merge(vec![]), Err(MergeError::NoShards)));
    }

    #[test]
    fn a_whole_sweep_is_not_a_shard() {
        let mut whole = shard(1, 1);
        whole.spec.shard = None;
        assert!(matches!(merge(vec![whole]), Err(MergeError::NotAShard { .. })));
    }
}
