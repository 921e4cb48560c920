//! [`RegionWalks`]: for each demand region, the nodes of the network in the order a
//! distance-ranked rule stack should look at them, so that the stack can stop as soon as no
//! node further down the list could outrank the best candidate it has found.
//!
//! A rule stack whose sort keys are static node properties (`priority`, `dc_first`) followed
//! by ascending `distance` ranks a candidate by `(static values, miles to the destination,
//! ...)`. The destination is near the centre of the order's region, at `r` miles from it, so
//! by the triangle inequality a node `d` miles from the centre is at least `d - r` miles from
//! the destination. Walking the nodes by `(static values, d)` therefore visits them in order
//! of a lower bound on their rank key, and a candidate whose exact key is below the bound of
//! the next node is final: nothing unvisited can beat it. The walk for each such prefix of
//! sort keys is built once per scenario, for every region (cities x nodes entries of 8 bytes:
//! about 3 MB for 800 cities and 500 nodes).
//!
//! This file knows geography and node properties only; how a stack uses a walk lives in
//! `rule_stack/scan.rs`.

use super::rules::{SortBy, SortKey};
use crate::ids::NodeId;
use crate::network::{GeoPoint, Network, NodeKind, great_circle_miles};

/// Slack, in miles, subtracted from every lower bound: covers the rounding of distances kept
/// as `f32` (under 0.001 mile at 4,000 miles) and of the haversine formula.
pub(crate) const BOUND_SLACK_MILES: f64 = 0.01;

/// One node on a region's walk, with its distance from the region's centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stop {
    /// The node.
    pub node: NodeId,
    /// Great-circle miles from the region's centre (rounded to `f32`).
    pub miles: f32,
}

/// The walks of one prefix of static sort keys, for every region.
#[derive(Clone, Debug)]
struct Walk {
    prefix: Vec<SortBy>,
    /// `regions x nodes` stops, region by region.
    stops: Vec<Stop>,
}

/// Per region, the nodes in lower-bound order for each static prefix of sort keys a
/// scenario's rule stacks use. Shared read-only by every replication.
#[derive(Clone, Debug)]
pub struct RegionWalks {
    centers: Vec<GeoPoint>,
    nodes: usize,
    walks: Vec<Walk>,
}

/// The value of a static sort key for `node`, negated when descending (ascending is better).
/// `None` for keys that depend on the order or the state of the network.
pub(crate) fn static_value(network: &Network, by: SortBy, node: NodeId) -> Option<f64> {
    let n = network.node(node);
    let value = match by.key {
        SortKey::Priority => f64::from(n.priority),
        SortKey::DcFirst => match n.kind {
            NodeKind::Dc => 0.0,
            _ => 1.0,
        },
        _ => return None,
    };
    Some(if by.descending { -value } else { value })
}

/// The static keys before the first ascending `distance` key of `sort`, when every key
/// before it is static; `None` when the ranking cannot be bounded this way.
pub(crate) fn walk_prefix(sort: &[SortBy]) -> Option<&[SortBy]> {
    let at = sort.iter().position(|s| s.key == SortKey::Distance)?;
    let prefix = &sort[..at];
    let bounded = !sort[at].descending
        && prefix.iter().all(|s| matches!(s.key, SortKey::Priority | SortKey::DcFirst));
    bounded.then_some(prefix)
}

impl RegionWalks {
    /// Walks for the regions centred at `centers` over every node of `network`, one per
    /// distinct prefix of static sort keys before distance that `sorts` hold; sort lists
    /// that cannot be bounded that way get no walk.
    pub fn new<'a>(
        network: &Network,
        centers: &[GeoPoint],
        sorts: impl IntoIterator<Item = &'a [SortBy]>,
    ) -> RegionWalks {
        let mut prefixes: Vec<Vec<SortBy>> = Vec::new();
        for sort in sorts {
            if let Some(prefix) = walk_prefix(sort).filter(|p| !prefixes.iter().any(|q| q == p)) {
                prefixes.push(prefix.to_vec());
            }
        }
        let walks = prefixes.into_iter().map(|prefix| build(network, centers, prefix)).collect();
        RegionWalks { centers: centers.to_vec(), nodes: network.nodes.len(), walks }
    }

    /// The centre of `region` and its walk for the static `prefix`, if one was built.
    /// `None` as well when the walks were built for a network of other than `nodes` nodes.
    pub(crate) fn walk(
        &self,
        prefix: &[SortBy],
        region: u32,
        nodes: usize,
    ) -> Option<(GeoPoint, &[Stop])> {
        if nodes != self.nodes {
            return None;
        }
        let region = usize::try_from(region).ok()?;
        let center = *self.centers.get(region)?;
        let walk = self.walks.iter().find(|w| w.prefix == prefix)?;
        let start = region * self.nodes;
        Some((center, &walk.stops[start..start + self.nodes]))
    }

    /// Heap and inline bytes held.
    pub fn memory_bytes(&self) -> usize {
        let stops: usize = self.walks.iter().map(|w| w.stops.capacity()).sum();
        size_of::<Self>()
            + self.centers.capacity() * size_of::<GeoPoint>()
            + stops * size_of::<Stop>()
    }
}

/// The walk of `prefix` for every region.
fn build(network: &Network, centers: &[GeoPoint], prefix: Vec<SortBy>) -> Walk {
    let nodes = network.nodes.len();
    let statics: Vec<Vec<f64>> = (0..nodes)
        .map(|i| {
            let node = NodeId::from_index(i);
            prefix.iter().filter_map(|&by| static_value(network, by, node)).collect()
        })
        .collect();

    let mut stops = Vec::with_capacity(centers.len() * nodes);
    for &center in centers {
        let mut region: Vec<Stop> = (0..nodes)
            .map(|i| {
                let node = NodeId::from_index(i);
                let miles = great_circle_miles(center, network.node(node).location) as f32;
                Stop { node, miles }
            })
            .collect();
        region.sort_by(|a, b| {
            let (sa, sb) = (&statics[a.node.index()], &statics[b.node.index()]);
            sa.iter()
                .zip(sb)
                .map(|(x, y)| x.total_cmp(y))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.miles.total_cmp(&b.miles))
                .then(a.node.cmp(&b.node))
        });
        stops.extend(region);
    }
    Walk { prefix, stops }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testkit;

    fn asc(key: SortKey) -> SortBy {
        SortBy::asc(key)
    }

    #[test]
    fn prefixes_stop_at_the_first_ascending_distance_key() {
        let nearest = [asc(SortKey::Distance)];
        assert_eq!(walk_prefix(&nearest), Some(&[][..]));

        let dc_first = [asc(SortKey::DcFirst), asc(SortKey::Distance), asc(SortKey::Atp)];
        assert_eq!(walk_prefix(&dc_first), Some(&dc_first[..1]));

        // A dynamic key before distance, a descending distance, or no distance at all.
        assert_eq!(walk_prefix(&[asc(SortKey::Cost), asc(SortKey::Distance)]), None);
        assert_eq!(walk_prefix(&[SortBy { key: SortKey::Distance, descending: true }]), None);
        assert_eq!(walk_prefix(&[asc(SortKey::Priority)]), None);
    }

    #[test]
    fn walks_order_nodes_by_static_keys_then_distance_from_the_centre() {
        let network = &testkit::network();
        let centers: Vec<GeoPoint> = network.nodes.iter().map(|n| n.location).collect();
        let sorts: [&[SortBy]; 3] = [
            &[asc(SortKey::Distance)],
            &[asc(SortKey::DcFirst), asc(SortKey::Distance)],
            &[asc(SortKey::Cost)],
        ];
        let walks = RegionWalks::new(network, &centers, sorts);
        assert_eq!(walks.walks.len(), 2, "cost cannot be bounded, so it gets no walk");

        for region in 0..centers.len() as u32 {
            let (center, nearest) = walks.walk(&[], region, 5).unwrap();
            assert_eq!(nearest[0].miles, 0.0, "a node sits at its own centre");
            assert!(nearest.windows(2).all(|w| w[0].miles <= w[1].miles));
            assert!(nearest.iter().all(|s| {
                let exact = great_circle_miles(center, network.node(s.node).location);
                (f64::from(s.miles) - exact).abs() < BOUND_SLACK_MILES
            }));

            let (_, dc_first) = walks.walk(&[asc(SortKey::DcFirst)], region, 5).unwrap();
            let kinds: Vec<bool> =
                dc_first.iter().map(|s| network.node(s.node).kind == NodeKind::Dc).collect();
            let dcs = kinds.iter().filter(|dc| **dc).count();
            assert!(kinds[..dcs].iter().all(|dc| *dc), "every DC comes before every store");
        }
        assert!(walks.walk(&[], centers.len() as u32, 5).is_none(), "no such region");
        assert!(walks.walk(&[], 0, 6).is_none(), "built for another network");
    }
}
