//! Shards: the i-th of n slices of a sweep's work, for job arrays.
//!
//! Owns [`Shard`] (`--shard i/n`, 1-based as Slurm's `SLURM_ARRAY_TASK_ID` is), [`Unit`] and
//! [`units`]. The work of a sweep is its units, one per (variant, replication), ordered
//! variant by variant; every policy of a unit runs in the same shard, so paired
//! differences never cross machines. Shard `i` of `n` takes the `i`-th of `n` contiguous
//! runs of units whose sizes differ by at most one: a pure function of (i, n, variants,
//! replications), so every machine of a job array computes its slice alone and together
//! they cover the work exactly once.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Slice `index` of `count` (1-based: `1/4` ... `4/4`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    /// Which slice, from 1 to `count`.
    pub index: u32,
    /// How many slices.
    pub count: u32,
}

/// Why `--shard` could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// Not two whole numbers around a `/`.
    #[error("expected i/n with whole numbers, as in 1/4, found \"{0}\"")]
    Syntax(String),
    /// Zero slices.
    #[error("the number of shards must be at least 1, found {0}")]
    NoShards(u32),
    /// An index outside 1..=count.
    #[error(
        "shard {index}/{count} does not exist: shards are numbered from 1 to {count} (for \
         Kubernetes' 0-based JOB_COMPLETION_INDEX, pass $((JOB_COMPLETION_INDEX+1)))"
    )]
    OutOfRange {
        /// The index given.
        index: u32,
        /// The number of shards.
        count: u32,
    },
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Self, ShardError> {
        let syntax = || ShardError::Syntax(text.to_string());
        let (index, count) = text.split_once('/').ok_or_else(syntax)?;
        let index: u32 = index.trim().parse().map_err(|_| syntax())?;
        let count: u32 = count.trim().parse().map_err(|_| syntax())?;
        if count == 0 {
            return Err(ShardError::NoShards(count));
        }
        if index == 0 || index > count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One piece of work: one replication of one variant, under every policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unit {
    /// The variant's position in the grid.
    pub variant: usize,
    /// The replication index.
    pub replication: u32,
}

/// The units of shard `shard` (every unit when `None`), in order, of a sweep of `variants`
/// variants with `replications` replications each.
pub fn units(shard: Option<Shard>, variants: usize, replications: u32) -> Vec<Unit> {
    let total = variants as u64 * u64::from(replications);
    let (start, end) = match shard {
        None => (0, total),
        Some(s) => {
            let bound = |i: u32| total * u64::from(i) / u64::from(s.count);
            (bound(s.index - 1), bound(s.index))
        }
    };
    let per_variant = u64::from(replications);
    (start..end)
        .map(|k| Unit {
            variant: (k / per_variant) as usize,
            replication: (k % per_variant) as u32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shards_parse_one_based() {
        assert_eq!("1/4".parse(), Ok(Shard { index: 1, count: 4 }));
        assert_eq!("4/4".parse(), Ok(Shard { index: 4, count: 4 }));
        assert_eq!("3/8".parse::<Shard>().map(|s| s.to_string()), Ok("3/8".to_string()));
    }

    #[test]
    fn bad_shards_are_refused() {
        assert_eq!("0/4".parse::<Shard>(), Err(ShardError::OutOfRange { index: 0, count: 4 }));
        assert_eq!("5/4".parse::<Shard>(), Err(ShardError::OutOfRange { index: 5, count: 4 }));
        assert_eq!("1/0".parse::<Shard>(), Err(ShardError::NoShards(0)));
        for garbage in ["", "1", "a/b", "1/", "/4", "1/4/2", "-1/4", "1.5/4", "1 of 4"] {
            assert!(
                matches!(garbage.parse::<Shard>(), Err(ShardError::Syntax(_))),
                "{garbage} parsed"
            );
        }
    }

    #[test]
    fn units_go_variant_by_variant() {
        let all = units(None, 2, 3);
        let pairs: Vec<(usize, u32)> = all.iter().map(|u| (u.variant, u.replication)).collect();
        assert_eq!(pairs, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
    }

    #[test]
    fn four_variants_of_a_hundred_replications_fill_fifty_machines() {
        let sizes: Vec<usize> =
            (1..=50).map(|i| units(Some(Shard { index: i, count: 50 }), 4, 100).len()).collect();
        assert!(sizes.iter().all(|&n| n == 8), "{sizes:?}");
    }

    #[test]
    fn more_shards_than_units_leave_some_empty() {
        let sizes: Vec<usize> =
            (1..=5).map(|i| units(Some(Shard { index: i, count: 5 }), 1, 3).len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 3);
        assert!(sizes.iter().all(|&n| n <= 1));
    }

    proptest! {
        #[test]
        fn shards_cover_every_unit_exactly_once_in_balanced_slices(
            count in 1u32..40,
            variants in 1usize..12,
            replications in 1u32..30,
        ) {
            let slices: Vec<Vec<Unit>> = (1..=count)
                .map(|index| units(Some(Shard { index, count }), variants, replications))
                .collect();
            let joined: Vec<Unit> = slices.iter().flatten().copied().collect();
            prop_assert_eq!(joined, units(None, variants, replications));
            let sizes: Vec<usize> = slices.iter().map(Vec::len).collect();
            let (min, max) = (sizes.iter().min(), sizes.iter().max());
            prop_assert!(max.zip(min).is_some_and(|(a, b)| a - b <= 1));
        }
    }
}
