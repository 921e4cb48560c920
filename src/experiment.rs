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
use std::panic::AssertUnwindSafe;

use crate::sim::{Cancel, Prepared, RepOutcome, SimError, SimOptions, run_replication};

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

/// One replication, with a panic turned into [`SimError::Panicked`] so the caller can report
/// it (and leave earlier results alone) instead of unwinding through the thread pool.
fn run_job(
    scenario: &Scenario,
    prep: &Prepared,
    policy: usize,
    rep: u32,
    options: &SimOptions,
) -> Result<RepOutcome, SimError> {
    if options.cancel.as_ref().is_some_and(Cancel::is_raised) {
        return Err(SimError::Cancelled);
    }
    let run = AssertUnwindSafe(|| {
        let outcome = run_replication(scenario, prep, policy, rep, options);
        if let Ok(o) = &outcome {
            tracing::debug!(
                policy,
                replication = rep,
                events = o.events,
                arrivals = o.arrivals,
                "replication done"
            );
        }
        outcome
    });
    std::panic::catch_unwind(run).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Err(SimError::Panicked(message))
    })
}

/// The outcomes in job order, or the error to report: a real failure before a cancellation
/// (which a failure causes in the other jobs).
fn split_results(results: Vec<Result<RepOutcome, RunError>>) -> Result<Vec<RepOutcome>, RunError> {
    let mut outcomes = Vec::with_capacity(results.len());
    let mut cancelled = None;
    for result in results {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(e) if matches!(e.source, SimError::Cancelled) => {
                cancelled.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    match cancelled {
        Some(e) => Err(e),
        None => Ok(outcomes),
    }
}

/// Runs `plan` on `scenario`, calling `progress(done, total)` after each replication.
///
/// Stops early when `plan.options.cancel` is raised (every replication checks it once per
/// simulated day) or when a replication fails; a panic inside a replication is caught and
/// reported as [`SimError::Panicked`]. Nothing is returned but the error in those cases.
pub fn compare(
    scenario: &Scenario,
    plan: &RunPlan,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Comparison, RunError> {
    let replications: Vec<u32> = (0..plan.replications).collect();
    compare_replications(scenario, &plan.policies, &replications, &plan.options, progress)
}

/// Runs the given replications (any indices, in any order) of each of `policies` (indices
/// into `scenario.policies`), as [`compare`] runs `0..n`: `outcomes[p][k]` is policy
/// `policies[p]` in replication `replications[k]`, and replication `r` gives the same result
/// whichever others run beside it. Sweep shards run their slice of replications with it.
pub fn compare_replications(
    scenario: &Scenario,
    policies: &[usize],
    replications: &[u32],
    options: &SimOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Comparison, RunError> {
    let started = Instant::now();
    let prep = Prepared::new(scenario).map_err(|e| RunError {
        policy: String::new(),
        replication: 0,
        source: SimError::Prepare(e),
    })?;
    let jobs: Vec<(usize, u32)> =
        policies.iter().flat_map(|&p| replications.iter().map(move |&r| (p, r))).collect();
    let done = AtomicUsize::new(0);
    let cancel = options.cancel.clone().unwrap_or_default();
    let options = SimOptions { cancel: Some(cancel.clone()), ..options.clone() };
    let results: Vec<Result<RepOutcome, RunError>> = jobs
        .par_iter()
        .map(|&(p, r)| {
            let out = run_job(scenario, &prep, p, r, &options).map_err(|source| RunError {
                policy: scenario.policies[p].name().to_string(),
                replication: r,
                source,
            });
            if out.is_err() {
                // One failed replication fails the comparison: stop the others early.
                cancel.raise();
            }
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, jobs.len());
            out
        })
        .collect();
    let mut finished = split_results(results)?.into_iter();

    let mut outcomes: Vec<Vec<RepOutcome>> = Vec::with_capacity(policies.len());
    for _ in policies {
        outcomes.push(finished.by_ref().take(replications.len()).collect());
    }
    Ok(Comparison {
        policies: policies.iter().map(|&p| scenario.policies[p].name().to_string()).collect(),
        baseline: policies.iter().position(|&p| p == scenario.baseline),
        outcomes,
        wall_time: started.elapsed(),
    })
}
