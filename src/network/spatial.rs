//! Which nodes are near a point.
//!
//! Owns [`nodes_by_distance`] and [`nearest_node`]: a full scan of the network, O(n) distance
//! computations plus an O(n log n) sort, which is simple, exact and fast enough for a
//! thousand nodes. Distances are great-circle miles from [`super::geo`]. Reads the network
//! only; knows nothing of stock or capacity (callers pass those in through the filter).

use crate::ids::NodeId;

use super::Network;
use super::geo::{GeoPoint, great_circle_miles};
use super::node::Node;

/// The nodes accepted by `filter`, with their distance in miles from `point`, nearest first;
/// equal distances are ordered by node id.
pub fn nodes_by_distance(
    network: &Network,
    point: GeoPoint,
    filter: impl Fn(&Node) -> bool,
) -> Vec<(NodeId, f64)> {
    let mut found: Vec<(NodeId, f64)> = network
        .ids()
        .filter(|&id| filter(network.node(id)))
        .map(|id| (id, great_circle_miles(network.node(id).location, point)))
        .collect();

    found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    found
}

/// The nearest node accepted by `filter`, with its distance in miles, ties to the smaller id.
/// O(n), no allocation.
pub fn nearest_node(
    network: &Network,
    point: GeoPoint,
    filter: impl Fn(&Node) -> bool,
) -> Option<(NodeId, f64)> {
    network
        .ids()
        .filter(|&id| filter(network.node(id)))
        .map(|id| (id, great_circle_miles(network.node(id).location, point)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Lanes, NodeKind, RateCard};
    use proptest::prelude::*;

    fn network(points: &[(f64, f64)]) -> Network {
        let nodes = points
            .iter()
            .enumerate()
            .map(|(i, &(lat, lon))| {
                let kind = if i % 2 == 0 { NodeKind::Store } else { NodeKind::Dc };
                Node::new(format!("n{i}"), kind, GeoPoint::new(lat, lon))
            })
            .collect();
        Network::new(nodes, RateCard::us_default(), Lanes::default()).unwrap()
    }

    #[test]
    fn nearest_first_with_filter() {
        let net = network(&[(40.7, -74.0), (41.9, -87.6), (34.0, -118.2), (40.0, -75.0)]);
        let chicago = GeoPoint::new(41.85, -87.65);

        let all = nodes_by_distance(&net, chicago, |_| true);
        let order: Vec<u32> = all.iter().map(|(id, _)| id.0).collect();
        assert_eq!(order, [1, 3, 0, 2]);
        assert!(all[0].1 < 10.0);

        let stores = nodes_by_distance(&net, chicago, |n| n.kind == NodeKind::Store);
        assert_eq!(stores.iter().map(|(id, _)| id.0).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(nearest_node(&net, chicago, |n| n.kind == NodeKind::Store), Some(stores[0]));
        assert_eq!(nearest_node(&net, chicago, |n| n.kind == NodeKind::Vendor), None);
    }

    #[test]
    fn equal_distances_order_by_id() {
        let net = network(&[(10.0, 10.0), (10.0, 10.0), (10.0, 10.0)]);
        let found = nodes_by_distance(&net, GeoPoint::new(0.0, 0.0), |_| true);
        assert_eq!(found.iter().map(|(id, _)| id.0).collect::<Vec<_>>(), [0, 1, 2]);
    }

    proptest! {
        #[test]
        fn sorted_and_complete(
            points in proptest::collection::vec((-60.0..60.0f64, -150.0..150.0f64), 1..30),
            lat in -60.0..60.0f64,
            lon in -150.0..150.0f64,
        ) {
            let net = network(&points);
            let found = nodes_by_distance(&net, GeoPoint::new(lat, lon), |_| true);
            prop_assert_eq!(found.len(), points.len());
            prop_assert!(found.windows(2).all(|w| (w[0].1, w[0].0) <= (w[1].1, w[1].0)));
            prop_assert_eq!(
                nearest_node(&net, GeoPoint::new(lat, lon), |_| true),
                found.first().copied()
            );
        }
    }
}
