//! Transfer lanes between nodes and the cheapest way to move a unit along them.
//!
//! Owns [`Lane`] (cost per unit and lead time of one directed lane), [`Lanes`] (a petgraph
//! `DiGraph` with one graph node per network node, graph index = `NodeId` index), and the
//! shortest-path search: [`Lanes::cheapest_path`] for one pair and [`Lanes::paths_from`] for
//! every destination from one origin. A search is Dijkstra with a binary heap,
//! O((V + E) log V); each origin's tree is computed on first use and kept (thread-safely, so
//! replications running in parallel share it), because routing asks the same questions for
//! every order: [`Lanes::transfer`] answers one in O(1) after the first. Adding a lane clears
//! the kept trees. Knows nothing of inventory, orders or the simulator.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::OnceLock;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::ids::NodeId;

use super::NetworkError;

/// One directed transfer lane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lane {
    /// Cost of moving one unit along the lane, in currency units.
    pub cost_per_unit: f64,
    /// Seconds from dispatch at the origin to arrival at the destination.
    pub lead_time: u64,
}

/// The cheapest way found from one node to another.
#[derive(Clone, Debug, PartialEq)]
pub struct LanePath {
    /// Sum of the lanes' costs per unit.
    pub cost_per_unit: f64,
    /// Sum of the lanes' lead times, in seconds (saturating).
    pub lead_time: u64,
    /// The nodes along the path, origin first and destination last; a path from a node to
    /// itself is just that node.
    pub hops: Vec<NodeId>,
}

impl LanePath {
    /// The number of lanes travelled (zero from a node to itself).
    pub fn lane_count(&self) -> usize {
        self.hops.len().saturating_sub(1)
    }
}

/// The transfer lanes of a network: a directed graph whose node `i` is `NodeId(i)`. At most
/// one lane per ordered pair of nodes; costs are finite and non-negative.
#[derive(Clone, Debug, Default)]
pub struct Lanes {
    graph: DiGraph<NodeId, Lane>,
    /// The path tree of each origin, computed on first use.
    trees: Vec<OnceLock<PathTree>>,
}

impl Lanes {
    /// Lanes for a network of `node_count` nodes, with no lane yet.
    pub fn new(node_count: usize) -> Lanes {
        let mut lanes = Lanes::default();
        lanes.ensure_nodes(node_count);
        lanes
    }

    /// The number of network nodes the graph covers.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The number of lanes.
    pub fn len(&self) -> usize {
        self.graph.edge_count()
    }

    /// Whether there are no lanes.
    pub fn is_empty(&self) -> bool {
        self.graph.edge_count() == 0
    }

    /// Adds the lane from `from` to `to`, replacing any lane already there.
    ///
    /// Fails if either node is outside the graph (see [`Lanes::new`]), if `from == to`, or if
    /// the cost is negative or not finite.
    pub fn add_lane(&mut self, from: NodeId, to: NodeId, lane: Lane) -> Result<(), NetworkError> {
        let invalid = |reason: String| NetworkError::InvalidLane { from, to, reason };

        for end in [from, to] {
            if end.index() >= self.node_count() {
                return Err(invalid(format!("{end} is not among the {} nodes", self.node_count())));
            }
        }
        if from == to {
            return Err(invalid("a lane must join two different nodes".to_string()));
        }
        if !(lane.cost_per_unit.is_finite() && lane.cost_per_unit >= 0.0) {
            let cost = lane.cost_per_unit;
            return Err(invalid(format!("cost per unit {cost} must be finite and non-negative")));
        }

        self.graph.update_edge(graph_index(from), graph_index(to), lane);
        self.forget_trees();
        Ok(())
    }

    /// The lane from `from` to `to`, if there is one.
    pub fn lane(&self, from: NodeId, to: NodeId) -> Option<&Lane> {
        if from.index().max(to.index()) >= self.node_count() {
            return None;
        }
        let edge = self.graph.find_edge(graph_index(from), graph_index(to))?;
        self.graph.edge_weight(edge)
    }

    /// Every lane as (from, to, lane), in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, NodeId, &Lane)> {
        self.graph
            .edge_references()
            .map(|edge| (network_id(edge.source()), network_id(edge.target()), edge.weight()))
    }

    /// The underlying graph, for algorithms this module does not offer. Node weights are the
    /// `NodeId`s, edge weights the lanes.
    pub fn graph(&self) -> &DiGraph<NodeId, Lane> {
        &self.graph
    }

    /// The cheapest path from `from` to `to`, or `None` if `to` cannot be reached (or either
    /// node is outside the graph). Ties are broken as described on [`Lanes::paths_from`].
    /// Stops as soon as `to` is settled; O((V + E) log V) at worst.
    pub fn cheapest_path(&self, from: NodeId, to: NodeId) -> Option<LanePath> {
        if to.index() >= self.node_count() {
            return None;
        }
        self.tree(from)?.path_to(to)
    }

    /// Cost per unit and lead time of the cheapest path from `from` to `to`, without building
    /// the hop list; O(1) once `from`'s tree is kept. `None` if unreachable or the same node.
    pub fn transfer(&self, from: NodeId, to: NodeId) -> Option<(f64, u64)> {
        if from == to {
            return None;
        }
        let label = self.tree(from)?.best.get(to.index()).copied().flatten()?;
        Some((label.cost, label.lead_time))
    }

    /// The kept path tree of `from`, computed on first use; `None` outside the graph.
    pub fn tree(&self, from: NodeId) -> Option<&PathTree> {
        let slot = self.trees.get(from.index())?;
        Some(slot.get_or_init(|| self.search(from, None)))
    }

    /// The cheapest paths from `from` to every node, by Dijkstra's algorithm on cost.
    ///
    /// Deterministic tie-breaking: among paths of exactly equal cost the one with fewer lanes
    /// wins, then the one with the shorter lead time, then the one whose last lane leaves the
    /// node with the smaller id. Lead time is summed along the chosen path; it is not itself
    /// minimised. O((V + E) log V) time, O(V) memory.
    pub fn paths_from(&self, from: NodeId) -> PathTree {
        self.search(from, None)
    }

    /// Grows the graph to cover `node_count` nodes; never shrinks it.
    pub(super) fn ensure_nodes(&mut self, node_count: usize) {
        while self.graph.node_count() < node_count {
            let id = NodeId::from_index(self.graph.node_count());
            self.graph.add_node(id);
        }
        self.forget_trees();
    }

    /// Drops every kept path tree (the graph changed).
    fn forget_trees(&mut self) {
        self.trees = (0..self.graph.node_count()).map(|_| OnceLock::new()).collect();
    }

    fn search(&self, from: NodeId, target: Option<NodeId>) -> PathTree {
        let n = self.node_count();
        let mut tree = PathTree { from, best: vec![None; n], previous: vec![None; n] };
        if from.index() >= n {
            return tree;
        }

        let mut settled = vec![false; n];
        let mut heap = BinaryHeap::new();
        tree.best[from.index()] = Some(Label::ZERO);
        heap.push(Candidate { label: Label::ZERO, node: from.index() });

        while let Some(Candidate { label, node }) = heap.pop() {
            if settled[node] {
                continue;
            }
            settled[node] = true;
            if target.is_some_and(|t| t.index() == node) {
                break;
            }
            self.relax_from(node, label, &mut tree, &mut heap);
        }
        tree
    }

    /// Offers every lane out of `node` (settled with `label`) to its destination.
    fn relax_from(
        &self,
        node: usize,
        label: Label,
        tree: &mut PathTree,
        heap: &mut BinaryHeap<Candidate>,
    ) {
        for edge in self.graph.edges(NodeIndex::new(node)) {
            let next = edge.target().index();
            let offered = label.extend(edge.weight());

            let better = match tree.best[next] {
                None => true,
                Some(current) => match offered.cmp(&current) {
                    Ordering::Less => true,
                    Ordering::Equal => tree.previous[next].is_some_and(|p| node < p),
                    Ordering::Greater => false,
                },
            };
            if better {
                tree.best[next] = Some(offered);
                tree.previous[next] = Some(node);
                heap.push(Candidate { label: offered, node: next });
            }
        }
    }
}

/// The cheapest paths from one origin to every node, from [`Lanes::paths_from`].
#[derive(Clone, Debug)]
pub struct PathTree {
    from: NodeId,
    best: Vec<Option<Label>>,
    previous: Vec<Option<usize>>,
}

impl PathTree {
    /// The origin of every path in the tree.
    pub fn origin(&self) -> NodeId {
        self.from
    }

    /// The cost per unit of the cheapest path to `to`, if reachable.
    pub fn cost_to(&self, to: NodeId) -> Option<f64> {
        self.best.get(to.index()).copied().flatten().map(|label| label.cost)
    }

    /// The cheapest path to `to`, if reachable.
    pub fn path_to(&self, to: NodeId) -> Option<LanePath> {
        let label = self.best.get(to.index()).copied().flatten()?;

        let mut hops = vec![to];
        let mut at = to.index();
        while let Some(previous) = self.previous[at] {
            hops.push(NodeId::from_index(previous));
            at = previous;
        }
        hops.reverse();

        Some(LanePath { cost_per_unit: label.cost, lead_time: label.lead_time, hops })
    }
}

/// What a partial path has accumulated, ordered by cost, then lanes, then lead time.
#[derive(Clone, Copy, Debug)]
struct Label {
    cost: f64,
    lanes: u32,
    lead_time: u64,
}

impl Label {
    const ZERO: Label = Label { cost: 0.0, lanes: 0, lead_time: 0 };

    fn extend(self, lane: &Lane) -> Label {
        Label {
            cost: self.cost + lane.cost_per_unit,
            lanes: self.lanes.saturating_add(1),
            lead_time: self.lead_time.saturating_add(lane.lead_time),
        }
    }

    fn cmp(&self, other: &Label) -> Ordering {
        self.cost
            .total_cmp(&other.cost)
            .then(self.lanes.cmp(&other.lanes))
            .then(self.lead_time.cmp(&other.lead_time))
    }
}

/// A heap entry; the heap is a max-heap, so the ordering is reversed to pop the smallest
/// label first, ties to the smaller node index.
struct Candidate {
    label: Label,
    node: usize,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other.label.cmp(&self.label).then(other.node.cmp(&self.node))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

fn graph_index(id: NodeId) -> NodeIndex {
    NodeIndex::new(id.index())
}

fn network_id(index: NodeIndex) -> NodeId {
    NodeId::from_index(index.index())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lane(cost_per_unit: f64, lead_time: u64) -> Lane {
        Lane { cost_per_unit, lead_time }
    }

    /// 0 -> 2 directly costs 10; 0 -> 1 -> 2 costs 3 + 4 = 7; 3 is unreachable.
    fn small() -> Lanes {
        let mut lanes = Lanes::new(4);
        lanes.add_lane(NodeId(0), NodeId(2), lane(10.0, 3_600)).unwrap();
        lanes.add_lane(NodeId(0), NodeId(1), lane(3.0, 7_200)).unwrap();
        lanes.add_lane(NodeId(1), NodeId(2), lane(4.0, 1_800)).unwrap();
        lanes.add_lane(NodeId(3), NodeId(0), lane(1.0, 60)).unwrap();
        lanes
    }

    #[test]
    fn two_hops_beat_an_expensive_direct_lane() {
        let path = small().cheapest_path(NodeId(0), NodeId(2)).unwrap();
        assert!((path.cost_per_unit - 7.0).abs() < 1e-12);
        assert_eq!(path.lead_time, 9_000);
        assert_eq!(path.hops, [NodeId(0), NodeId(1), NodeId(2)]);
        assert_eq!(path.lane_count(), 2);
    }

    #[test]
    fn unreachable_and_trivial_paths() {
        let lanes = small();
        assert_eq!(lanes.cheapest_path(NodeId(0), NodeId(3)), None);
        assert_eq!(lanes.cheapest_path(NodeId(0), NodeId(9)), None);
        assert_eq!(lanes.cheapest_path(NodeId(9), NodeId(0)), None);

        let stay = lanes.cheapest_path(NodeId(1), NodeId(1)).unwrap();
        assert_eq!(stay.hops, [NodeId(1)]);
        assert_eq!(stay.lane_count(), 0);
        assert!(stay.cost_per_unit.abs() < 1e-12);
    }

    #[test]
    fn tree_answers_every_destination() {
        let tree = small().paths_from(NodeId(3));
        assert_eq!(tree.origin(), NodeId(3));
        assert!((tree.cost_to(NodeId(2)).unwrap() - 8.0).abs() < 1e-12);
        assert_eq!(tree.path_to(NodeId(2)).unwrap().hops.len(), 4);
        assert_eq!(tree.cost_to(NodeId(3)), Some(0.0));
        assert_eq!(small().paths_from(NodeId(1)).cost_to(NodeId(0)), None);
    }

    #[test]
    fn ties_prefer_fewer_lanes_then_shorter_lead_time_then_smaller_ids() {
        let mut lanes = Lanes::new(5);
        lanes.add_lane(NodeId(0), NodeId(4), lane(6.0, 500)).unwrap();
        lanes.add_lane(NodeId(0), NodeId(1), lane(3.0, 10)).unwrap();
        lanes.add_lane(NodeId(1), NodeId(4), lane(3.0, 10)).unwrap();
        assert_eq!(lanes.cheapest_path(NodeId(0), NodeId(4)).unwrap().hops.len(), 2);

        let mut lanes = Lanes::new(5);
        lanes.add_lane(NodeId(0), NodeId(1), lane(3.0, 50)).unwrap();
        lanes.add_lane(NodeId(1), NodeId(4), lane(3.0, 50)).unwrap();
        lanes.add_lane(NodeId(0), NodeId(2), lane(3.0, 40)).unwrap();
        lanes.add_lane(NodeId(2), NodeId(4), lane(3.0, 40)).unwrap();
        assert_eq!(lanes.cheapest_path(NodeId(0), NodeId(4)).unwrap().hops[1], NodeId(2));

        lanes.add_lane(NodeId(0), NodeId(3), lane(3.0, 40)).unwrap();
        lanes.add_lane(NodeId(3), NodeId(4), lane(3.0, 40)).unwrap();
        assert_eq!(lanes.cheapest_path(NodeId(0), NodeId(4)).unwrap().hops[1], NodeId(2));
    }

    #[test]
    fn adding_a_lane_twice_replaces_it() {
        let mut lanes = small();
        lanes.add_lane(NodeId(0), NodeId(2), lane(5.0, 100)).unwrap();
        assert_eq!(lanes.len(), 4);
        assert_eq!(lanes.lane(NodeId(0), NodeId(2)), Some(&lane(5.0, 100)));
        assert_eq!(lanes.cheapest_path(NodeId(0), NodeId(2)).unwrap().hops.len(), 2);
        assert_eq!(lanes.iter().count(), 4);
    }

    #[test]
    fn bad_lanes_are_rejected() {
        let mut lanes = Lanes::new(2);
        let out_of_range = lanes.add_lane(NodeId(0), NodeId(2), lane(1.0, 0)).unwrap_err();
        assert!(out_of_range.to_string().contains("node#2"), "{out_of_range}");
        assert!(lanes.add_lane(NodeId(1), NodeId(1), lane(1.0, 0)).is_err());
        assert!(lanes.add_lane(NodeId(0), NodeId(1), lane(-1.0, 0)).is_err());
        assert!(lanes.add_lane(NodeId(0), NodeId(1), lane(f64::NAN, 0)).is_err());
        assert!(lanes.is_empty());
        assert_eq!(Lanes::default().node_count(), 0);
    }

    /// Costs of all cheapest paths by Floyd-Warshall, as an independent reference.
    fn reference_costs(n: usize, edges: &[(usize, usize, f64)]) -> Vec<Vec<Option<f64>>> {
        let mut cost = vec![vec![None; n]; n];
        for (i, row) in cost.iter_mut().enumerate() {
            row[i] = Some(0.0);
        }
        for &(a, b, c) in edges {
            if a != b {
                cost[a][b] = Some(c);
            }
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if let (Some(ik), Some(kj)) = (cost[i][k], cost[k][j]) {
                        if cost[i][j].is_none_or(|ij| ik + kj < ij) {
                            cost[i][j] = Some(ik + kj);
                        }
                    }
                }
            }
        }
        cost
    }

    fn graph() -> impl Strategy<Value = (usize, Vec<(usize, usize, f64)>)> {
        (2usize..8).prop_flat_map(|n| {
            let edge = (0..n, 0..n, 0.0..100.0f64);
            (Just(n), proptest::collection::vec(edge, 0..20))
        })
    }

    fn build(n: usize, edges: &[(usize, usize, f64)]) -> Lanes {
        let mut lanes = Lanes::new(n);
        for &(a, b, cost) in edges {
            if a != b {
                let lead = (cost * 60.0) as u64;
                lanes
                    .add_lane(NodeId::from_index(a), NodeId::from_index(b), lane(cost, lead))
                    .unwrap();
            }
        }
        lanes
    }

    proptest! {
        #[test]
        fn path_costs_satisfy_the_triangle_inequality((n, edges) in graph()) {
            let lanes = build(n, &edges);
            let cost = |a: usize, b: usize| {
                lanes.cheapest_path(NodeId::from_index(a), NodeId::from_index(b))
                    .map(|p| p.cost_per_unit)
            };
            for a in 0..n {
                for b in 0..n {
                    for c in 0..n {
                        if let (Some(ab), Some(bc)) = (cost(a, b), cost(b, c)) {
                            let ac = cost(a, c);
                            prop_assert!(ac.is_some());
                            prop_assert!(ac.unwrap_or(f64::INFINITY) <= ab + bc + 1e-9);
                        }
                    }
                }
            }
        }

        #[test]
        fn paths_are_real_and_optimal((n, edges) in graph()) {
            let lanes = build(n, &edges);
            let deduplicated: Vec<_> =
                lanes.iter().map(|(a, b, l)| (a.index(), b.index(), l.cost_per_unit)).collect();
            let reference = reference_costs(n, &deduplicated);

            for (a, row) in reference.iter().enumerate() {
                for (b, &expected) in row.iter().enumerate() {
                    let path = lanes.cheapest_path(NodeId::from_index(a), NodeId::from_index(b));
                    prop_assert_eq!(path.is_some(), expected.is_some());
                    let (Some(path), Some(expected)) = (path, expected) else { continue };

                    prop_assert!((path.cost_per_unit - expected).abs() < 1e-9);
                    prop_assert_eq!(path.hops.first().copied(), Some(NodeId::from_index(a)));
                    prop_assert_eq!(path.hops.last().copied(), Some(NodeId::from_index(b)));

                    let mut walked = (0.0, 0u64);
                    for pair in path.hops.windows(2) {
                        let step = lanes.lane(pair[0], pair[1]);
                        prop_assert!(step.is_some());
                        let step = step.copied().unwrap_or(lane(0.0, 0));
                        walked = (walked.0 + step.cost_per_unit, walked.1 + step.lead_time);
                    }
                    prop_assert!((walked.0 - path.cost_per_unit).abs() < 1e-9);
                    prop_assert_eq!(walked.1, path.lead_time);
                }
            }
        }
    }
}
