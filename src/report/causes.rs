//! Where promises break, over replications: `causes.csv` (OTIF misses per policy, node,
//! channel and root cause, with 95% intervals) and the per-node totals `report.html` ranks.
//!
//! Owns [`CauseRow`], [`cause_rows`], [`NodeMisses`], [`top_nodes`] and the CSV writer.
//! The counts come from each replication's `RepKpis::misses`; a replication without a
//! (node, channel, cause) had zero of them, so every mean is over all replications. Rows come
//! in report order of policies, then node (`none` first, then network order), channel and
//! cause in precedence order, so the file is the same whatever the thread count. Pure
//! arithmetic apart from the writer.

use std::collections::BTreeMap;
use std::path::Path;

use super::{ReportError, num, write_rows};
use crate::experiment::Comparison;
use crate::ids::NodeId;
use crate::orders::Channel;
use crate::scenario::Scenario;
use crate::sim::MissCause;
use crate::stats::{Interval, mean_interval};

/// The node name written for misses no node held: units cancelled at routing.
pub(crate) const NO_NODE: &str = "none";

/// Misses of one policy with one cause, at one node, in one channel, over replications.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CauseRow {
    /// Index of the policy in the comparison.
    pub policy: usize,
    /// The node whose shipment failed; `None` for units cancelled at routing.
    pub node: Option<NodeId>,
    /// The channel.
    pub channel: Channel,
    /// The root cause.
    pub cause: MissCause,
    /// Orders per replication: mean and 95% interval.
    pub orders: Interval,
    /// Its share of all the policy's misses (over every replication).
    pub share: f64,
}

/// Per-replication counts of one policy by (node, channel, cause).
type Counts = BTreeMap<(Option<NodeId>, Channel, MissCause), Vec<f64>>;

/// Each (node, channel, cause) of policy `p` with its count in every replication.
fn counts(c: &Comparison, p: usize) -> Counts {
    let reps = &c.outcomes[p];
    let mut map: Counts = BTreeMap::new();
    for (r, outcome) in reps.iter().enumerate() {
        for m in &outcome.kpis.misses {
            let slot = map.entry((m.node, m.channel, m.cause)).or_insert(vec![0.0; reps.len()]);
            slot[r] += m.orders as f64;
        }
    }
    map
}

/// Every policy's misses by (node, channel, cause), in file order.
pub(crate) fn cause_rows(c: &Comparison) -> Vec<CauseRow> {
    let mut rows = Vec::new();
    for p in 0..c.policies.len() {
        let counts = counts(c, p);
        let total: f64 = counts.values().flatten().sum();
        for (&(node, channel, cause), values) in &counts {
            let share = values.iter().sum::<f64>() / total;
            let orders = mean_interval(values);
            rows.push(CauseRow { policy: p, node, channel, cause, orders, share });
        }
    }
    rows
}

/// One node's misses under one policy, all channels together.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NodeMisses {
    /// The node; `None` for units cancelled at routing.
    pub node: Option<NodeId>,
    /// Misses per replication: mean and 95% interval.
    pub orders: Interval,
    /// Mean misses per replication by cause, in [`MissCause::ALL`] order.
    pub by_cause: [f64; 5],
    /// Its share of all the policy's misses.
    pub share: f64,
}

/// The `k` nodes with the most misses under policy `p`, most first (ties in network order,
/// `none` first).
pub(crate) fn top_nodes(c: &Comparison, p: usize, k: usize) -> Vec<NodeMisses> {
    let reps = c.outcomes[p].len();
    let mut per_node: BTreeMap<Option<NodeId>, (Vec<f64>, [f64; 5])> = BTreeMap::new();
    for (&(node, _, cause), values) in &counts(c, p) {
        let slot = per_node.entry(node).or_insert((vec![0.0; reps], [0.0; 5]));
        for (sum, v) in slot.0.iter_mut().zip(values) {
            *sum += v;
        }
        slot.1[cause.index()] += values.iter().sum::<f64>() / reps as f64;
    }
    let total: f64 = per_node.values().flat_map(|(v, _)| v).sum();
    let mut nodes: Vec<NodeMisses> = per_node
        .into_iter()
        .map(|(node, (values, by_cause))| NodeMisses {
            node,
            orders: mean_interval(&values),
            by_cause,
            share: values.iter().sum::<f64>() / total,
        })
        .collect();
    nodes.sort_by(|a, b| b.orders.mean.total_cmp(&a.orders.mean));
    nodes.truncate(k);
    nodes
}

/// The name of `node` in reports: the network's name, or [`NO_NODE`].
pub(crate) fn node_name(sc: &Scenario, node: Option<NodeId>) -> &str {
    node.map_or(NO_NODE, |n| sc.network.node(n).name.as_str())
}

/// Writes `causes.csv`.
pub(super) fn write_causes(path: &Path, sc: &Scenario, c: &Comparison) -> Result<(), ReportError> {
    let header = [
        "policy",
        "node",
        "channel",
        "cause",
        "orders_mean",
        "ci95_low",
        "ci95_high",
        "share_of_misses",
    ];
    let rows = cause_rows(c).into_iter().map(|r| {
        [
            c.policies[r.policy].clone(),
            node_name(sc, r.node).to_string(),
            r.channel.as_str().to_string(),
            r.cause.as_str().to_string(),
            num(r.orders.mean),
            num(r.orders.low),
            num(r.orders.high),
            num(r.share),
        ]
    });
    write_rows(path, &header, rows)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sim::{MissCount, RepKpis, RepOutcome};

    fn miss(node: Option<u32>, channel: Channel, cause: MissCause, orders: u64) -> MissCount {
        MissCount { node: node.map(NodeId), channel, cause, orders }
    }

    /// A comparison of one policy whose replications had these misses.
    fn comparison(reps: Vec<Vec<MissCount>>) -> Comparison {
        let outcomes = reps
            .into_iter()
            .map(|misses| RepOutcome {
                kpis: RepKpis { misses, ..RepKpis::default() },
                explanations: Vec::new(),
                events: 0,
                arrivals: 0,
            })
            .collect();
        Comparison {
            policies: vec!["a".into()],
            baseline: Some(0),
            outcomes: vec![outcomes],
            wall_time: Duration::ZERO,
        }
    }

    #[test]
    fn a_replication_without_a_row_counts_as_zero_and_shares_add_to_one() {
        let c = comparison(vec![
            vec![
                miss(Some(2), Channel::Web, MissCause::Carrier, 4),
                miss(None, Channel::Web, MissCause::Stock, 2),
            ],
            vec![miss(Some(2), Channel::Web, MissCause::Carrier, 6)],
        ]);
        let rows = cause_rows(&c);

        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].node, rows[0].cause), (None, MissCause::Stock), "none comes first");
        assert!((rows[0].orders.mean - 1.0).abs() < 1e-12, "2 and 0 average to 1");
        assert!((rows[1].orders.mean - 5.0).abs() < 1e-12);
        assert!((rows[0].share - 2.0 / 12.0).abs() < 1e-12);
        assert!((rows.iter().map(|r| r.share).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn top_nodes_add_channels_together_and_rank_by_misses() {
        let c = comparison(vec![
            vec![
                miss(Some(1), Channel::Web, MissCause::Capacity, 3),
                miss(Some(1), Channel::Bopis, MissCause::Capacity, 1),
                miss(Some(5), Channel::Web, MissCause::Carrier, 10),
            ],
            vec![miss(Some(1), Channel::Web, MissCause::Stock, 2)],
        ]);
        let top = top_nodes(&c, 0, 1);

        assert_eq!(top.len(), 1);
        assert_eq!(top[0].node, Some(NodeId(5)));
        assert!((top[0].orders.mean - 5.0).abs() < 1e-12);
        let second = &top_nodes(&c, 0, 5)[1];
        assert_eq!(second.node, Some(NodeId(1)));
        assert!((second.by_cause[MissCause::Capacity.index()] - 2.0).abs() < 1e-12);
        assert!((second.by_cause[MissCause::Stock.index()] - 1.0).abs() < 1e-12);
        assert!((second.share - 6.0 / 16.0).abs() < 1e-12);
    }

    #[test]
    fn a_policy_without_misses_has_no_rows() {
        let c = comparison(vec![Vec::new(), Vec::new()]);
        assert!(cause_rows(&c).is_empty());
        assert!(top_nodes(&c, 0, 5).is_empty());
    }
}
