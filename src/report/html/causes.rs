//! The report's "Where promises break" section: how OTIF misses are attributed, the
//! `otif_misses` chart, and the nodes with the most misses under the baseline and under the
//! best policy (highest OTIF), each with its misses by cause.
//!
//! Builds HTML text only; node and policy names go through [`escape`]. The figure itself is
//! embedded by the caller's figure writer, so this file reads no chart.

use std::fmt::Write;

use super::escape;
use crate::experiment::Comparison;
use crate::network::Network;
use crate::report::SummaryRow;
use crate::report::causes::{NodeMisses, top_nodes};
use crate::scenario::Scenario;
use crate::sim::{MissCause, Scope};

/// How many nodes each table lists.
const TOP: usize = 8;

/// The paragraph that says how misses are attributed.
pub(super) const INTRO: &str = "<p class=\"hint\">Every accepted order that missed OTIF is \
    put down to one root cause. <strong>stock</strong>: units cancelled for lack of stock, \
    oversold by a stale storefront, or short-picked (including a reroute that made the order \
    late); <strong>promise</strong>: the plan chosen at checkout could not meet the date \
    quoted; <strong>capacity</strong>: the pick waited in a backlog past its pick SLA or the \
    carrier cut-off it was planned for (or no node had capacity left); \
    <strong>carrier</strong>: the parcel left in time and transit made it late; \
    <strong>customer</strong>: the customer's doing (a no-show never misses OTIF, since the \
    order was ready on time). When several apply, the first in that order wins. Per-node \
    figures are in <code>causes.csv</code>.</p>\n";

/// The line under each table's heading.
const TABLE_HINT: &str = "<p class=\"hint\">Misses per replication (mean and 95% interval) \
    by the node whose shipment failed, all channels; the cause columns split the mean.</p>\n";

/// The tables of the nodes with the most misses, for the baseline and the best policy.
pub(super) fn node_tables(sc: &Scenario, c: &Comparison, rows: &[SummaryRow]) -> String {
    let mut policies: Vec<usize> = c.baseline.into_iter().collect();
    if let Some(best) = best_policy(c, rows).filter(|b| Some(*b) != c.baseline) {
        policies.push(best);
    }
    let shown = causes_shown(c);
    let mut html = String::new();
    for p in policies {
        let role = if Some(p) == c.baseline { "the baseline" } else { "the best policy by OTIF" };
        let _ = writeln!(
            html,
            "<h3>Nodes with the most misses: {} ({role})</h3>",
            escape(&c.policies[p])
        );
        html.push_str(TABLE_HINT);
        html.push_str(&table(&sc.network, &top_nodes(c, p, TOP), &shown));
    }
    html
}

/// The policy with the highest all-channel OTIF (the first of equals), if any reported one.
fn best_policy(c: &Comparison, rows: &[SummaryRow]) -> Option<usize> {
    let otif = |p: &String| {
        rows.iter()
            .find(|r| &r.policy == p && r.scope == Scope::All && r.metric == "otif")
            .map(|r| r.interval.mean)
            .filter(|v| v.is_finite())
    };
    let mut best: Option<(usize, f64)> = None;
    for (p, name) in c.policies.iter().enumerate() {
        if let Some(v) = otif(name) {
            if best.is_none_or(|(_, b)| v > b) {
                best = Some((p, v));
            }
        }
    }
    best.map(|(p, _)| p)
}

/// The causes that any policy has misses for, so empty columns are left out.
fn causes_shown(c: &Comparison) -> Vec<MissCause> {
    let seen = |cause: MissCause| {
        c.outcomes.iter().flatten().any(|o| o.kpis.misses.iter().any(|m| m.cause == cause))
    };
    MissCause::ALL.into_iter().filter(|&cause| seen(cause)).collect()
}

/// One policy's top nodes as a table.
fn table(network: &Network, nodes: &[NodeMisses], causes: &[MissCause]) -> String {
    if nodes.is_empty() {
        return "<p class=\"muted\">No order missed OTIF.</p>\n".to_string();
    }
    let mut html = String::from(
        "<table>\n<thead><tr><th>node</th><th>misses per replication</th>\
         <th>share of misses</th>",
    );
    for cause in causes {
        let _ = write!(html, "<th>{}</th>", cause.as_str());
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for n in nodes {
        let name = match n.node {
            Some(id) => escape(&network.node(id).name),
            None => "<em>no node</em> (cancelled at routing)".to_string(),
        };
        let _ =
            write!(html, "<tr><td>{name}</td><td><span class=\"v\">{:.1}</span>", n.orders.mean);
        if n.orders.low.is_finite() && n.orders.high.is_finite() {
            let _ = write!(
                html,
                "<span class=\"ci\">{:.1} to {:.1}</span>",
                n.orders.low.max(0.0),
                n.orders.high
            );
        }
        let _ = write!(html, "</td><td>{:.1}%</td>", n.share * 100.0);
        for cause in causes {
            let _ = write!(html, "<td>{:.1}</td>", n.by_cause[cause.index()]);
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::NodeId;
    use crate::network::{GeoPoint, Lanes, Node, NodeKind, RateCard};
    use crate::stats::Interval;

    fn misses(node: Option<NodeId>, mean: f64, share: f64) -> NodeMisses {
        NodeMisses {
            node,
            orders: Interval { mean, low: mean - 2.0, high: mean + 2.0, n: 3 },
            by_cause: [mean, 0.0, 0.0, 0.0, 0.0],
            share,
        }
    }

    #[test]
    fn the_table_names_nodes_escaped_and_the_none_node_in_words() {
        let node = Node::new("S-<Main>", NodeKind::Store, GeoPoint::new(41.88, -87.63));
        let network =
            Network::new(vec![node], RateCard::us_default(), Lanes::new(1)).expect("valid network");
        assert!(table(&network, &[], &MissCause::ALL).contains("No order missed OTIF"));

        let rows = [misses(Some(NodeId(0)), 12.0, 0.75), misses(None, 4.0, 0.25)];
        let html = table(&network, &rows, &[MissCause::Stock]);
        assert!(html.contains("S-&lt;Main&gt;") && !html.contains("<Main>"), "{html}");
        assert!(html.contains("cancelled at routing") && html.contains("25.0%"), "{html}");
        assert!(html.contains("<th>stock</th>") && !html.contains("<th>carrier</th>"));
        assert!(html.contains("2.0 to 6.0"), "{html}");
    }
}
