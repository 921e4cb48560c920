//! What the charts plot, taken from a comparison and its summary: headline intervals, cost
//! parts, daily series and per-node figures averaged over replications, and the busiest
//! nodes.
//!
//! Pure functions over `Comparison` and `SummaryRow`s, tested on their own; no drawing and no
//! file system. Averages over replications use only the replications that reported a value
//! (a day without orders has no OTIF), so a gap never counts as zero.

use std::collections::BTreeMap;

use crate::experiment::Comparison;
use crate::report::SummaryRow;
use crate::sim::Scope;
use crate::stats::Interval;

/// The parts of cost-to-serve, in stacking order: metric name and label.
pub(super) const COST_PARTS: [(&str, &str); 4] = [
    ("cost_pick_pack_per_order", "pick and pack"),
    ("cost_parcel_per_order", "parcel"),
    ("cost_transfer_per_order", "transfer"),
    ("cost_returns_per_order", "returns"),
];

/// The all-channel interval of `metric` for `policy`, if the summary has it.
pub(super) fn headline(rows: &[SummaryRow], policy: &str, metric: &str) -> Option<Interval> {
    rows.iter()
        .find(|r| r.policy == policy && r.scope == Scope::All && r.metric == metric)
        .map(|r| r.interval)
}

/// Mean cost per order of each part of [`COST_PARTS`] for `policy` (zero when missing).
pub(super) fn cost_parts(rows: &[SummaryRow], policy: &str) -> [f64; 4] {
    COST_PARTS.map(|(metric, _)| {
        headline(rows, policy, metric).map(|i| i.mean).filter(|v| v.is_finite()).unwrap_or(0.0)
    })
}

/// The daily series of `metric` for policy `p`, averaged over the replications that reported
/// each day, in day order.
pub(super) fn daily_mean(comparison: &Comparison, p: usize, metric: &str) -> Vec<(u32, f64)> {
    let mut sums: BTreeMap<u32, (f64, u32)> = BTreeMap::new();
    for outcome in &comparison.outcomes[p] {
        for &(day, name, value) in &outcome.kpis.daily {
            if name == metric && value.is_finite() {
                let slot = sums.entry(day).or_insert((0.0, 0));
                slot.0 += value;
                slot.1 += 1;
            }
        }
    }
    sums.into_iter().map(|(day, (sum, n))| (day, sum / f64::from(n))).collect()
}

/// `metric` of every node for policy `p`, averaged over the replications that reported it;
/// indexed by node, `None` for nodes that never reported it.
pub(super) fn node_mean(
    comparison: &Comparison,
    p: usize,
    metric: &str,
    nodes: usize,
) -> Vec<Option<f64>> {
    let mut sums = vec![(0.0, 0u32); nodes];
    for outcome in &comparison.outcomes[p] {
        for &(node, name, value) in &outcome.kpis.nodes {
            if name == metric && value.is_finite() {
                if let Some(slot) = sums.get_mut(node.index()) {
                    slot.0 += value;
                    slot.1 += 1;
                }
            }
        }
    }
    sums.into_iter().map(|(sum, n)| (n > 0).then(|| sum / f64::from(n))).collect()
}

/// The `k` nodes with the highest value under any policy, highest first (ties by node
/// index). `values[p][node]` is a policy's value of each node.
pub(super) fn busiest(values: &[Vec<Option<f64>>], k: usize) -> Vec<usize> {
    let nodes = values.iter().map(Vec::len).max().unwrap_or(0);
    let mut peaks: Vec<(usize, f64)> = (0..nodes)
        .filter_map(|n| {
            let peak = values.iter().filter_map(|v| v.get(n).copied().flatten()).reduce(f64::max);
            peak.map(|peak| (n, peak))
        })
        .collect();
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    peaks.into_iter().take(k).map(|(n, _)| n).collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ids::NodeId;
    use crate::sim::{RepKpis, RepOutcome};

    /// A comparison of one policy whose replications have these daily and node rows.
    fn comparison(reps: Vec<RepKpis>) -> Comparison {
        let outcomes = reps
            .into_iter()
            .map(|kpis| RepOutcome { kpis, explanations: Vec::new(), events: 0, arrivals: 0 })
            .collect();
        Comparison {
            policies: vec!["a".into()],
            baseline: Some(0),
            outcomes: vec![outcomes],
            wall_time: Duration::ZERO,
        }
    }

    fn interval(mean: f64) -> Interval {
        Interval { mean, low: mean - 1.0, high: mean + 1.0, n: 2 }
    }

    fn row(policy: &str, scope: Scope, metric: &'static str, mean: f64) -> SummaryRow {
        SummaryRow { policy: policy.into(), scope, metric, interval: interval(mean), diff: None }
    }

    #[test]
    fn daily_means_average_only_the_replications_that_reported_the_day() {
        let first = RepKpis {
            daily: vec![(0, "otif", 0.8), (1, "otif", 0.9), (0, "orders", 10.0)],
            ..RepKpis::default()
        };
        let second = RepKpis { daily: vec![(0, "otif", 1.0)], ..RepKpis::default() };
        let means = daily_mean(&comparison(vec![first, second]), 0, "otif");

        assert_eq!(means.len(), 2);
        assert_eq!(means[0].0, 0);
        assert!((means[0].1 - 0.9).abs() < 1e-12);
        assert_eq!(means[1].0, 1);
        assert!((means[1].1 - 0.9).abs() < 1e-12, "day 1 comes from one replication");
    }

    #[test]
    fn node_means_leave_silent_nodes_empty() {
        let first = RepKpis {
            nodes: vec![(NodeId(0), "utilization", 0.5), (NodeId(2), "utilization", 0.1)],
            ..RepKpis::default()
        };
        let second = RepKpis {
            nodes: vec![(NodeId(0), "utilization", 0.7), (NodeId(0), "picks", 9.0)],
            ..RepKpis::default()
        };
        let means = node_mean(&comparison(vec![first, second]), 0, "utilization", 3);

        assert!((means[0].expect("node 0 reported") - 0.6).abs() < 1e-12);
        assert_eq!(means[1], None);
        assert!((means[2].expect("node 2 reported") - 0.1).abs() < 1e-12);
    }

    #[test]
    fn the_busiest_nodes_are_ranked_by_their_peak_over_policies() {
        let values = vec![
            vec![Some(0.2), Some(0.9), None, Some(0.4)],
            vec![Some(0.95), Some(0.1), None, Some(0.4)],
        ];
        assert_eq!(busiest(&values, 2), vec![0, 1]);
        assert_eq!(busiest(&values, 10), vec![0, 1, 3], "nodes with no value are left out");
        assert!(busiest(&[], 5).is_empty());
    }

    #[test]
    fn cost_parts_come_from_the_all_channel_rows_in_stacking_order() {
        let rows = vec![
            row("a", Scope::All, "cost_parcel_per_order", 9.0),
            row("a", Scope::All, "cost_pick_pack_per_order", 3.0),
            row("b", Scope::All, "cost_transfer_per_order", 5.0),
            row("a", Scope::Channel(crate::orders::Channel::Web), "cost_returns_per_order", 7.0),
        ];
        assert_eq!(cost_parts(&rows, "a"), [3.0, 9.0, 0.0, 0.0]);
        assert_eq!(headline(&rows, "b", "cost_transfer_per_order").map(|i| i.mean), Some(5.0));
        assert_eq!(headline(&rows, "b", "otif"), None);
    }
}
