//! A comparison: every policy of a scenario on the same replications, run in parallel.
//!
//! Replications are independent, so (policy, replication) pairs run on rayon's pool; results
//! are collected in (policy, replication) order, so the output never depends on the number
//! of threads. Common random numbers come from the simulator: replication `r` has the same
//! seed under every policy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::scenario::Scenario;
use crate::sim::{Prepared, RepOutcome, SimError, SimOptions, run_replication};

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct RunPlan {
    /// Replications per policy.
    pub replications: u32,
    /// Indices into `scenario.policies`, in report order.
    pub policies: Vec<usize>,
    /// Options for every replication.
    pub options: SimOptions,
}

/// A failed replication, named.
#[derive(Debug, thiserror::Error)]
#[error("policy {policy}, replication {replication}: {source}")]
pub struct RunError {
    /// The policy's name.
    pub policy: String,
    /// The replication index.
    pub replication: u32,
    /// What went wrong.
    #[source]
    pub source: SimError,
}

/// Every replication of every policy.
#[derive(Debug)]
pub struct Comparison {
    /// Policy names, in report order.
    pub policies: Vec<String>,
    /// Index of the baseline in `policies`, if it was run.
    pub baseline: Option<usize>,
    /// `outcomes[p][r]`: policy `p`, replication `r`.
    pub outcomes: Vec<Vec<RepOutcome>>,
    /// Wall-clock time of the whole comparison.
    pub wall_time: Duration,
}

/// Runs `plan` on `scenario`, calling `progress(done, total)` after each replication.
pub fn compare(
    scenario: &Scenario,
    plan: &RunPlan,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Comparison, RunError> {
    let started = Instant::now();
    let prep = Prepared::new(scenario).map_err(|e| RunError {
        policy: String::new(),
        replication: 0,
        source: SimError::Prepare(e),
    })?;
    let reps = plan.replications as usize;
    let jobs: Vec<(usize, u32)> =
        plan.policies.iter().flat_map(|&p| (0..plan.replications).map(move |r| (p, r))).collect();
    let done = AtomicUsize::new(0);
    let results: Vec<Result<RepOutcome, RunError>> = jobs
        .par_iter()
        .map(|&(p, r)| {
            let out = run_replication(scenario, &prep, p, r, &plan.options).map_err(|source| {
                RunError { policy: scenario.policies[p].name().to_string(), replication: r, source }
            });
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, jobs.len());
            out
        })
        .collect();

    let mut outcomes: Vec<Vec<RepOutcome>> = Vec::with_capacity(plan.policies.len());
    let mut iter = results.into_iter();
    for _ in &plan.policies {
        let mut per_policy = Vec::with_capacity(reps);
        for _ in 0..reps {
            per_policy.push(iter.next().expect("one result per job")?);
        }
        outcomes.push(per_policy);
    }
    Ok(Comparison {
        policies: plan.policies.iter().map(|&p| scenario.policies[p].name().to_string()).collect(),
        baseline: plan.policies.iter().position(|&p| p == scenario.baseline),
        outcomes,
        wall_time: started.elapsed(),
    })
}
