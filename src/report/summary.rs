//! Summaries over replications: each KPI's mean with its 95% interval per policy and
//! channel, and its paired difference from the baseline policy (or, through
//! [`paired_difference`], from any other policy).
//!
//! The summary is computed from per-replication KPI rows ([`summarize_replications`]),
//! whether they come from a live [`Comparison`] ([`summarize`]) or from files written by
//! sweep shards, so both give the same numbers bit for bit.

use std::collections::HashMap;

use crate::experiment::Comparison;
use crate::sim::Scope;
use crate::stats::{Interval, mean_interval, paired_interval};

/// One KPI of one policy in one scope, over replications.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// Policy name.
    pub policy: String,
    /// `all` or a channel.
    pub scope: Scope,
    /// Metric name.
    pub metric: &'static str,
    /// Mean and interval over the replications that reported the metric.
    pub interval: Interval,
    /// Paired difference from the baseline (`None` for the baseline itself or without one).
    pub diff: Option<Interval>,
}

/// One replication's KPI rows under one policy: (scope, metric, value), in the order the
/// simulator emits them.
pub type KpiRows = [(Scope, &'static str, f64)];

/// Values of each (scope, metric) per replication, `None` where a replication had none.
type Series = HashMap<(Scope, &'static str), Vec<Option<f64>>>;

fn series(reps: &[&KpiRows], order: &mut Vec<(Scope, &'static str)>) -> Series {
    let mut map: Series = HashMap::new();
    for (r, rows) in reps.iter().enumerate() {
        for &(scope, metric, value) in rows.iter() {
            let slot = map.entry((scope, metric)).or_insert_with(|| {
                if !order.contains(&(scope, metric)) {
                    order.push((scope, metric));
                }
                vec![None; reps.len()]
            });
            slot[r] = Some(value);
        }
    }
    map
}

/// Summary rows for every policy, scope and metric, in report order (policies as run,
/// `all` before channels, metrics in the order the simulator emits them).
pub fn summarize(comparison: &Comparison) -> Vec<SummaryRow> {
    let reps: Vec<Vec<&KpiRows>> = comparison
        .outcomes
        .iter()
        .map(|outcomes| outcomes.iter().map(|o| o.kpis.kpis.as_slice()).collect())
        .collect();
    summarize_replications(&comparison.policies, comparison.baseline, &reps)
}

/// Summary rows from per-replication KPI rows: `reps[p][r]` are the rows of policy
/// `policies[p]` in replication `r` (the same replications, in the same order, for every
/// policy), `baseline` indexes `policies`. Rows come in the order of [`summarize`].
pub fn summarize_replications(
    policies: &[String],
    baseline: Option<usize>,
    reps: &[Vec<&KpiRows>],
) -> Vec<SummaryRow> {
    let mut order = Vec::new();
    let all: Vec<Series> = reps.iter().map(|p| series(p, &mut order)).collect();
    order.sort_by_key(|(scope, _)| *scope);

    let mut rows = Vec::new();
    for (p, name) in policies.iter().enumerate() {
        let gap = gap_closed(baseline, &all, p);
        for key in &order {
            let Some(values) = all[p].get(key) else { continue };
            let present: Vec<f64> = values.iter().flatten().copied().collect();
            if present.is_empty() {
                continue;
            }
            let diff = baseline
                .filter(|&b| b != p)
                .and_then(|b| all[b].get(key))
                .map(|base| paired(values, base))
                .filter(|i| i.n > 0);
            rows.push(SummaryRow {
                policy: name.clone(),
                scope: key.0,
                metric: key.1,
                interval: mean_interval(&present),
                diff,
            });
        }
        if let Some(interval) = gap {
            let policy = name.clone();
            rows.push(SummaryRow {
                policy,
                scope: Scope::All,
                metric: "gap_closed",
                interval,
                diff: None,
            });
        }
    }
    rows
}

/// The share of the baseline's gap to the hindsight bound that policy `p` closes, per
/// replication: `(baseline - policy) / (baseline - bound)`, on the per-order objective, with
/// the bound of the baseline's run (same arrivals and customers). `None` for the baseline
/// itself, without a baseline or bound, or when no replication has a positive gap.
fn gap_closed(baseline: Option<usize>, all: &[Series], p: usize) -> Option<Interval> {
    let b = baseline.filter(|&b| b != p)?;
    let objective = (Scope::All, "objective_cost_per_order");
    let bound = (Scope::All, "hindsight_bound_per_order");
    let (own, base, floor) =
        (all[p].get(&objective)?, all[b].get(&objective)?, all[b].get(&bound)?);
    let values: Vec<f64> = own
        .iter()
        .zip(base)
        .zip(floor)
        .filter_map(|((x, y), z)| {
            let (x, y, z) = ((*x)?, (*y)?, (*z)?);
            (y - z > 1e-12).then(|| (y - x) / (y - z))
        })
        .collect();
    (!values.is_empty()).then(|| mean_interval(&values))
}

/// The paired 95% interval of `policy - versus` for one metric in one scope, over the
/// replications where both policies report it: what `summary.csv` gives as the difference
/// from the baseline, for any two policies of `comparison`. `None` when either policy was
/// not run or no replication reports the metric for both.
pub fn paired_difference(
    comparison: &Comparison,
    policy: &str,
    versus: &str,
    scope: Scope,
    metric: &str,
) -> Option<Interval> {
    let index = |name: &str| comparison.policies.iter().position(|p| p == name);
    let (p, v) = (index(policy)?, index(versus)?);
    let rows = |policy: usize| -> Vec<&KpiRows> {
        comparison.outcomes[policy].iter().map(|o| o.kpis.kpis.as_slice()).collect()
    };
    let mut order = Vec::new();
    let (own, other) = (series(&rows(p), &mut order), series(&rows(v), &mut order));
    let values = |all: &Series| {
        all.iter().find(|((s, m), _)| *s == scope && *m == metric).map(|(_, values)| values.clone())
    };
    Some(paired(&values(&own)?, &values(&other)?)).filter(|i| i.n > 0)
}

/// The paired interval over replications where both series have a value.
fn paired(a: &[Option<f64>], b: &[Option<f64>]) -> Interval {
    let (x, y): (Vec<f64>, Vec<f64>) =
        a.iter().zip(b).filter_map(|(x, y)| Some(((*x)?, (*y)?))).unzip();
    paired_interval(&x, &y)
}
