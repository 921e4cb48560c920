//! Resolution of `[[disruptions]]`: days become simulated times, node names become ids
//! (a `node_kind` becomes every node of that kind), zones become 0-based indices.

use super::{NameIndex, ResolveIssue, node_kind};
use crate::ids::{NodeId, SimTime};
use crate::scenario::file::{DisruptionFile, DisruptionKind, ScenarioFile};
use crate::scenario::resolved::{Disruption, Fault, Slowdown};

/// The scenario's disruptions, in file order; unknown names are recorded in `issues`.
pub(super) fn resolve_disruptions(
    file: &ScenarioFile,
    names: &NameIndex<'_>,
    issues: &mut Vec<ResolveIssue>,
) -> Vec<Disruption> {
    file.disruptions
        .iter()
        .enumerate()
        .map(|(index, d)| resolve_one(&format!("disruptions[{index}]"), d, names, issues))
        .collect()
}

fn resolve_one(
    path: &str,
    d: &DisruptionFile,
    names: &NameIndex<'_>,
    issues: &mut Vec<ResolveIssue>,
) -> Disruption {
    let start = at(d.start_day.or(d.at_day));
    let end = at(d.end_day).max(start);
    let fault = match d.kind {
        DisruptionKind::NodeOutage => Fault::NodeOutage {
            nodes: named_nodes(path, d, names, issues),
            reason: d.reason.clone().unwrap_or_default(),
        },
        DisruptionKind::CarrierDelay => Fault::CarrierDelay {
            slowdown: match (d.extra_days, d.factor) {
                (Some(extra), _) => Slowdown::Extra(at(Some(extra)).0),
                (None, factor) => Slowdown::Factor(factor.unwrap_or(1.0)),
            },
            zones: d
                .zones
                .as_ref()
                .map(|z| z.iter().map(|&zone| zone.max(1) as usize - 1).collect()),
        },
        DisruptionKind::AtpSyncOutage => Fault::AtpSyncOutage,
        DisruptionKind::Shrink => {
            let nodes = match d.node_kind {
                Some(kind) => {
                    let kind = node_kind(kind);
                    let network = names.network;
                    network.ids().filter(|&n| network.node(n).kind == kind).collect()
                }
                None => named_nodes(path, d, names, issues),
            };
            Fault::Shrink { nodes, share: d.share.unwrap_or(0.0) }
        }
    };
    Disruption { start, end: if d.kind == DisruptionKind::Shrink { start } else { end }, fault }
}

/// The ids of the nodes listed in `nodes`.
fn named_nodes(
    path: &str,
    d: &DisruptionFile,
    names: &NameIndex<'_>,
    issues: &mut Vec<ResolveIssue>,
) -> Vec<NodeId> {
    let list = d.nodes.iter().flatten().enumerate();
    list.filter_map(|(i, name)| names.find_or_record(&format!("{path}.nodes[{i}]"), name, issues))
        .collect()
}

/// The simulated time `days` days after the start (validated finite and >= 0).
fn at(days: Option<f64>) -> SimTime {
    let days = days.unwrap_or(0.0);
    SimTime((days.max(0.0) * SimTime::DAY as f64).round() as u64)
}
