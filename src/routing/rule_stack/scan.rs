//! [`LineScan`]: the candidates of one line, best first, produced lazily when the stack's
//! ranking allows it.
//!
//! A full scan assesses every node that stocks the SKU and sorts the survivors; it is what
//! explanations need (every candidate, with the filter that removed it) and what a stack
//! ranked by cost, ATP or utilization must do. A stack ranked by static keys and then
//! distance can instead walk the region's nodes in lower-bound order (`routing/walk.rs`):
//! assessed candidates wait in a min-heap, and the best one is handed out as soon as its key
//! is below the bound of the next unvisited node. Both give the same candidates in the same
//! order (`compare`, ties by node id); a line placed by its first few candidates then costs
//! a handful of assessments instead of one per stocking node, which for a popular SKU on a
//! national network is the difference between five and five hundred.
//!
//! The plan is passed to every step rather than held, because the caller places units
//! between steps; a step only reads the plan's units at the node it assesses, which placing
//! this line elsewhere does not change.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{Key, Pending, Ranked, RuleStack, compare, destination, pickup_store};
use crate::ids::NodeId;
use crate::network::great_circle_miles;
use crate::orders::{Order, Plan};
use crate::routing::walk::{BOUND_SLACK_MILES, Stop, static_value, walk_prefix};
use crate::routing::{LineTrace, NetworkView, SortBy};

/// Lines whose SKU is stocked at fewer nodes than this are scanned in full: a walk would
/// visit many nodes that do not stock it to save a few assessments.
const WALK_MIN_STOCKING: usize = 24;

/// The candidates of one line, handed out best first by [`RuleStack::next_candidate`].
pub(super) struct LineScan<'a> {
    /// The line being placed (its `capacity_only` flag is updated as nodes are assessed).
    pub pending: Pending,
    source: Source<'a>,
}

enum Source<'a> {
    /// Every candidate, assessed and sorted best first.
    Sorted(std::vec::IntoIter<Ranked>),
    /// Nodes in lower-bound order, assessed on demand.
    Walk(Walk<'a>),
}

struct Walk<'a> {
    /// The static sort keys before distance.
    prefix: &'a [SortBy],
    stops: &'a [Stop],
    next: usize,
    /// Miles to subtract from a stop's distance to the region centre to bound its distance
    /// to the destination.
    slack: f64,
    /// Assessed candidates not yet handed out.
    found: BinaryHeap<Best>,
}

/// A candidate ordered so that `BinaryHeap` (a max-heap) pops the best first.
struct Best(Ranked);

impl Ord for Best {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&other.0, &self.0)
    }
}

impl PartialOrd for Best {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Best {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Best {}

impl RuleStack {
    /// Starts the candidates of `pending`. With `lazy`, no explanation and a walk for this
    /// stack's ranking, nodes are assessed as they are asked for; otherwise all at once
    /// (recording each in `trace`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn scan<'a>(
        &'a self,
        order: &Order,
        mut pending: Pending,
        exclude: &[NodeId],
        view: &NetworkView<'a>,
        plan: &Plan,
        trace: Option<&mut LineTrace>,
        lazy: bool,
    ) -> LineScan<'a> {
        if lazy && trace.is_none() {
            if let Some(walk) = self.walk(order, &pending, view) {
                return LineScan { pending, source: Source::Walk(walk) };
            }
        }
        let ranked = self.candidates(order, &mut pending, exclude, view, plan, trace);
        LineScan { pending, source: Source::Sorted(ranked.into_iter()) }
    }

    /// The walk of `order`'s region for this stack's ranking, when there is one and the
    /// line's SKU is stocked widely enough for it to pay.
    fn walk<'a>(
        &'a self,
        order: &Order,
        pending: &Pending,
        view: &NetworkView<'a>,
    ) -> Option<Walk<'a>> {
        let sku = order.lines[pending.line].sku;
        if view.ledger.stocking_count(sku) < WALK_MIN_STOCKING {
            return None;
        }
        let prefix = walk_prefix(&self.sort)?;
        let (center, stops) = view.walks?.walk(prefix, order.region, view.network.nodes.len())?;
        let slack = great_circle_miles(center, destination(order, view)) + BOUND_SLACK_MILES;
        Some(Walk { prefix, stops, next: 0, slack, found: BinaryHeap::new() })
    }

    /// The next best candidate of `scan`, or `None` when there is none left.
    pub(super) fn next_candidate(
        &self,
        scan: &mut LineScan<'_>,
        order: &Order,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
        plan: &Plan,
    ) -> Option<Ranked> {
        let walk = match &mut scan.source {
            Source::Sorted(ranked) => return ranked.next(),
            Source::Walk(walk) => walk,
        };
        let sku = order.lines[scan.pending.line].sku;
        let to = destination(order, view);
        loop {
            if let Some(best) = walk.found.peek() {
                let settled = match walk.stops.get(walk.next) {
                    None => true,
                    Some(stop) => below_bound(&best.0.key, walk, stop, view),
                };
                if settled {
                    return walk.found.pop().map(|b| b.0);
                }
            }
            let node = walk.stops.get(walk.next)?.node;
            walk.next += 1;
            // The pickup store is weighed on its own, before any transfer source.
            if exclude.contains(&node) || pickup_store(order) == Some(node) {
                continue;
            }
            let Some(position) = view.ledger.position(node, sku) else { continue };
            let a = self.assess(order, &mut scan.pending, node, position, to, view, plan, false);
            if let Some(r) = a.into_ranked(node) {
                walk.found.push(Best(r));
            }
        }
    }
}

/// Whether `key` ranks strictly before every node from `stop` on: its static values and
/// distance compare below the stop's static values and lower bound on distance.
fn below_bound(key: &Key, walk: &Walk<'_>, stop: &Stop, view: &NetworkView<'_>) -> bool {
    for (value, &by) in key.iter().zip(walk.prefix) {
        // A key that cannot be bounded never settles anything early.
        let bound = static_value(view.network, by, stop.node).unwrap_or(f64::NEG_INFINITY);
        match value.total_cmp(&bound) {
            Ordering::Less => return true,
            Ordering::Greater => return false,
            Ordering::Equal => {}
        }
    }
    let miles = key.get(walk.prefix.len()).copied().unwrap_or(f64::INFINITY);
    miles < f64::from(stop.miles) - walk.slack
}

#[cfg(test)]
mod tests {
    //! Walking and scanning must give the same plans: random networks of 40 nodes, random
    //! stock and load, random orders around random region centres, every ranking a walk
    //! serves, each split rule, and reroutes with excluded nodes.

    use proptest::prelude::*;

    use super::WALK_MIN_STOCKING;
    use crate::catalog::{Catalog, Sku};
    use crate::ids::{NodeId, OrderId, SimTime, SkuId, Units};
    use crate::inventory::Ledger;
    use crate::network::{GeoPoint, Lane, Lanes, Network, Node, NodeKind, RateCard};
    use crate::orders::{Channel, Line, Order};
    use crate::routing::{
        CapacityBook, Fallback, Filter, NetworkView, Policy, RegionWalks, RuleStack, SortBy,
        SortKey, Split, presets,
    };

    const NODES: usize = 40;
    // Every SKU is stocked at every node, so lines are walked, not scanned.
    const _: () = assert!(NODES >= WALK_MIN_STOCKING);
    const SKUS: usize = 3;

    /// An order as drawn: region, offset of the customer from its centre in degrees, whether
    /// it is a pickup, and its lines (sku, units).
    type Drawn = (usize, (f64, f64), bool, Vec<(usize, Units)>);

    /// Everything random about one case.
    #[derive(Clone, Debug)]
    struct Case {
        places: Vec<(f64, f64)>,
        priorities: Vec<u32>,
        stock: Vec<Units>,
        used: Vec<u32>,
        centers: Vec<(f64, f64)>,
        orders: Vec<Drawn>,
        exclude: Vec<usize>,
    }

    fn case() -> impl Strategy<Value = Case> {
        let place = (30.0..45.0f64, -120.0..-75.0f64);
        (
            prop::collection::vec(place.clone(), NODES),
            prop::collection::vec(0u32..3, NODES),
            prop::collection::vec(0u32..4, NODES * SKUS),
            prop::collection::vec(0u32..3, NODES),
            prop::collection::vec(place, 3),
            prop::collection::vec(
                (
                    0usize..3,
                    (-1.0..1.0f64, -1.0..1.0f64),
                    any::<bool>(),
                    prop::collection::vec((0usize..SKUS, 1u32..4), 1..4),
                ),
                1..6,
            ),
            prop::collection::vec(0usize..NODES, 0..4),
        )
            .prop_map(|(places, priorities, stock, used, centers, orders, exclude)| Case {
                places,
                priorities,
                stock,
                used,
                centers,
                orders,
                exclude,
            })
    }

    fn network(case: &Case) -> Network {
        let nodes: Vec<Node> = case
            .places
            .iter()
            .zip(&case.priorities)
            .enumerate()
            .map(|(i, (&(lat, lon), &priority))| {
                let kind = if i < 4 { NodeKind::Dc } else { NodeKind::Store };
                let mut node = Node::new(format!("n{i}"), kind, GeoPoint::new(lat, lon));
                node.priority = priority;
                node.capacity_per_day = 2;
                node
            })
            .collect();
        let mut lanes = Lanes::new(nodes.len());
        for dc in 0..4 {
            for store in 4..NODES {
                let lane = Lane { cost_per_unit: 0.3, lead_time: SimTime::DAY };
                lanes.add_lane(NodeId(dc), NodeId(store as u32), lane).expect("valid lane");
            }
        }
        Network::new(nodes, RateCard::us_default(), lanes).expect("valid network")
    }

    fn catalog() -> Catalog {
        let sku = |name: &str| Sku {
            name: name.to_string(),
            price: 30.0,
            unit_cost: 12.0,
            weight_kg: 0.5,
            category: 0,
            season_end_day: None,
            clearance_price: 9.0,
            popularity: 1.0,
        };
        Catalog::new(vec![sku("a"), sku("b"), sku("c")], vec!["any".to_string()])
    }

    /// Every node holds a position for every SKU (some empty), so the walk is used.
    fn ledger(case: &Case) -> Ledger {
        let mut ledger = Ledger::new(NODES, SKUS);
        for node in 0..NODES {
            for sku in 0..SKUS {
                let units = case.stock[node * SKUS + sku];
                ledger.receive(NodeId(node as u32), SkuId(sku as u32), units).expect("in range");
            }
        }
        ledger
    }

    fn orders(case: &Case) -> Vec<Order> {
        case.orders
            .iter()
            .enumerate()
            .map(|(i, (region, (dlat, dlon), pickup, lines))| {
                let (lat, lon) = case.centers[*region];
                let mut seen = Vec::new();
                let lines = lines
                    .iter()
                    .filter(|(sku, _)| {
                        let first = !seen.contains(sku);
                        seen.push(*sku);
                        first
                    })
                    .map(|&(sku, units)| Line { sku: SkuId(sku as u32), units })
                    .collect();
                let store = NodeId(4 + (i % (NODES - 4)) as u32);
                Order {
                    id: OrderId(i as u32),
                    channel: if *pickup { Channel::Bopis } else { Channel::Web },
                    placed_at: SimTime::ZERO,
                    customer: GeoPoint::new(lat + dlat, lon + dlon),
                    region: *region as u32,
                    store: pickup.then_some(store),
                    promise_days: None,
                    lines,
                }
            })
            .collect()
    }

    fn stacks() -> Vec<RuleStack> {
        let filters = vec![
            Filter::Capability,
            Filter::HasFullAtp,
            Filter::UnderCapacity { max_utilization: 1.0 },
        ];
        let by_priority = RuleStack::new(
            "priority",
            vec![Filter::Capability, Filter::UnderCapacity { max_utilization: 1.0 }],
            vec![SortBy::asc(SortKey::Priority), SortBy::asc(SortKey::Distance)],
            Split::Free,
            Fallback::Stack(Box::new(presets::nearest())),
        );
        let dc_last = RuleStack::new(
            "dc_last",
            filters.clone(),
            vec![
                SortBy::desc(SortKey::DcFirst),
                SortBy::asc(SortKey::Distance),
                SortBy::desc(SortKey::Atp),
            ],
            Split::UpTo(2),
            Fallback::Cancel,
        );
        vec![
            presets::nearest(),
            presets::dc_first(),
            presets::min_split(),
            by_priority,
            dc_last,
            RuleStack::new(
                "never",
                filters,
                vec![SortBy::asc(SortKey::Distance)],
                Split::Never,
                Fallback::Cancel,
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn walking_plans_what_scanning_plans(case in case()) {
            let network = network(&case);
            let catalog = catalog();
            let ledger = ledger(&case);
            let mut capacity = CapacityBook::new(&network);
            for (node, &used) in case.used.iter().enumerate() {
                (0..used).for_each(|_| capacity.book(NodeId(node as u32)));
            }
            let centers: Vec<GeoPoint> =
                case.centers.iter().map(|&(lat, lon)| GeoPoint::new(lat, lon)).collect();
            let stacks = stacks();
            let walks = RegionWalks::new(
                &network,
                &centers,
                stacks.iter().flat_map(RuleStack::chain).map(|s| s.sort.as_slice()),
            );
            let scanned = NetworkView {
                network: &network,
                catalog: &catalog,
                ledger: &ledger,
                capacity: &capacity,
                rates: None,
                walks: None,
                offline: &[],
            };
            let walked = NetworkView { walks: Some(&walks), ..scanned };
            let exclude: Vec<NodeId> = case.exclude.iter().map(|&n| NodeId(n as u32)).collect();

            for mut stack in stacks {
                for order in orders(&case) {
                    let plan = stack.plan(&order, &scanned, None);
                    prop_assert_eq!(&stack.plan(&order, &walked, None), &plan, "{}", stack.name);

                    let units = order.lines[0].units;
                    let rerouted = stack.reroute(&order, 0, units, &exclude, &scanned);
                    let walked_reroute = stack.reroute(&order, 0, units, &exclude, &walked);
                    prop_assert_eq!(walked_reroute, rerouted, "{} reroute", stack.name);
                }
            }
        }
    }
}
