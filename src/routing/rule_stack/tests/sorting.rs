//! Each sort key orders candidates as worked out by hand, ties broken by node id.
//!
//! The stacks here have no filter and a free split, so a line larger than any one node's
//! stock is spread over the nodes in rank order: the order of `chosen` is the ranking.

use super::*;
use crate::ids::{NodeId, SkuId, Units};
use crate::routing::DemandRates;
use crate::routing::testkit::*;

/// The nodes (with units) `keys` draws `units` tees to Cleveland from, in rank order, and
/// the sort values of every candidate in node order.
fn ranking(world: &World, keys: Vec<SortBy>, units: Units) -> (Vec<(NodeId, Units)>, Vec<f64>) {
    let mut stack = stack(vec![], keys, Split::Free);
    let (_, explanation) = world.explain(&mut stack, &web(CLEVELAND, &[(TEE, units)]));
    let line = &explanation.lines[0];
    let values = line.candidates.iter().map(|c| c.sort_values[0]).collect();
    (line.chosen.clone(), values)
}

/// One tee at each of these nodes.
fn one_each(nodes: &[NodeId]) -> World {
    let stock: Vec<(NodeId, SkuId, Units)> = nodes.iter().map(|&n| (n, TEE, 1)).collect();
    World::new(&stock)
}

#[test]
fn priority_ranks_the_lowest_rank_first() {
    // Priorities: Columbus 5, Reno 1, Pittsburgh 3.
    let mut world = one_each(&[COLUMBUS, RENO, PITTSBURGH]);
    for (node, priority) in [(COLUMBUS, 5), (RENO, 1), (PITTSBURGH, 3)] {
        world.network.nodes[node.index()].priority = priority;
    }
    let (chosen, values) = ranking(&world, vec![SortBy::asc(SortKey::Priority)], 3);
    assert_eq!(chosen, [(RENO, 1), (PITTSBURGH, 1), (COLUMBUS, 1)]);
    assert_eq!(values, [5.0, 1.0, 3.0]);
}

#[test]
fn ties_break_by_node_id_in_either_direction() {
    // Default priorities: both DCs 0, both stores 10. Ascending: DCs by id, then stores by
    // id; descending: stores first, still by ascending id within the tie.
    let world = one_each(&[COLUMBUS, RENO, CHICAGO, PITTSBURGH]);
    let (asc, _) = ranking(&world, vec![SortBy::asc(SortKey::Priority)], 4);
    assert_eq!(asc, [(COLUMBUS, 1), (RENO, 1), (CHICAGO, 1), (PITTSBURGH, 1)]);
    let (desc, _) = ranking(&world, vec![SortBy::desc(SortKey::Priority)], 4);
    assert_eq!(desc, [(CHICAGO, 1), (PITTSBURGH, 1), (COLUMBUS, 1), (RENO, 1)]);
}

#[test]
fn distance_ranks_the_nearest_first() {
    // Cleveland: Pittsburgh 114.9, Columbus 126.3, Chicago 307.3, Reno 1990.7 miles.
    let world = one_each(&[COLUMBUS, RENO, CHICAGO, PITTSBURGH]);
    let (chosen, values) = ranking(&world, vec![SortBy::asc(SortKey::Distance)], 4);
    assert_eq!(chosen, [(PITTSBURGH, 1), (COLUMBUS, 1), (CHICAGO, 1), (RENO, 1)]);
    for (value, miles) in values.into_iter().zip([126.3, 1990.7, 307.3, 114.9]) {
        assert_miles(value, miles);
    }
}

#[test]
fn cost_ranks_the_cheapest_parcel_first() {
    // Three tees (0.9 kg) to Cleveland, each node costed for the whole line:
    //   Columbus   DC, z2: 0.35 * 3 + 1.25 + 8.60 + 0.60 * 0.9 = 11.440
    //   Reno       DC, z8: 0.35 * 3 + 1.25 + 14.00 + 1.40 * 0.9 = 17.560
    //   Chicago    store, z4: 1.10 * 3 + 2.50 + 10.10 + 0.85 * 0.9 = 16.665
    //   Pittsburgh store, z2: 1.10 * 3 + 2.50 + 8.60 + 0.60 * 0.9 = 14.940
    let world = one_each(&[COLUMBUS, RENO, CHICAGO, PITTSBURGH]);
    let (chosen, values) = ranking(&world, vec![SortBy::asc(SortKey::Cost)], 3);
    assert_eq!(chosen, [(COLUMBUS, 1), (PITTSBURGH, 1), (CHICAGO, 1)]);
    for (value, cost) in values.into_iter().zip([11.44, 17.56, 16.665, 14.94]) {
        assert_close(value, cost);
    }
}

#[test]
fn atp_descending_drains_the_deepest_stock_first() {
    // Columbus 1, Chicago 2, Pittsburgh 3: deepest first.
    let world = World::new(&[(COLUMBUS, TEE, 1), (CHICAGO, TEE, 2), (PITTSBURGH, TEE, 3)]);
    let (chosen, values) = ranking(&world, vec![SortBy::desc(SortKey::Atp)], 6);
    assert_eq!(chosen, [(PITTSBURGH, 3), (CHICAGO, 2), (COLUMBUS, 1)]);
    assert_eq!(values, [1.0, 2.0, 3.0], "descending keys are shown as their natural value");

    // Columbus and Chicago tie at 2: the lower id goes first.
    let world = World::new(&[(COLUMBUS, TEE, 2), (CHICAGO, TEE, 2), (PITTSBURGH, TEE, 1)]);
    let (chosen, _) = ranking(&world, vec![SortBy::desc(SortKey::Atp)], 5);
    assert_eq!(chosen, [(COLUMBUS, 2), (CHICAGO, 2), (PITTSBURGH, 1)]);
}

#[test]
fn days_of_cover_divides_atp_by_the_local_rate() {
    // Ten tees a day network-wide; shares Columbus 0.5, Chicago 0.1, Pittsburgh 0.4.
    //   Columbus   10 / (10 * 0.5) = 2 days
    //   Chicago     3 / (10 * 0.1) = 3 days
    //   Pittsburgh  4 / (10 * 0.4) = 1 day
    // Most cover first: Chicago, Columbus, Pittsburgh.
    let mut world = World::new(&[(COLUMBUS, TEE, 10), (CHICAGO, TEE, 3), (PITTSBURGH, TEE, 4)]);
    world.rates = Some(DemandRates {
        sku_per_day: vec![10.0, 0.0, 0.0, 0.0],
        node_share: vec![0.5, 0.0, 0.1, 0.4, 0.0],
    });
    let (chosen, values) = ranking(&world, vec![SortBy::desc(SortKey::DaysOfCover)], 17);
    assert_eq!(chosen, [(CHICAGO, 3), (COLUMBUS, 10), (PITTSBURGH, 4)]);
    for (value, days) in values.into_iter().zip([2.0, 3.0, 1.0]) {
        assert_close(value, days);
    }
}

#[test]
fn stock_no_local_demand_draws_on_has_unlimited_cover() {
    // Reno has 2 tees and no local demand (share 0): they would never sell where they are,
    // so they rank above Chicago's 3 days although 2 units are fewer than 3 days.
    let mut world = World::new(&[(RENO, TEE, 2), (CHICAGO, TEE, 3)]);
    world.rates =
        Some(DemandRates { sku_per_day: vec![10.0], node_share: vec![0.5, 0.0, 0.1, 0.4, 0.0] });
    let (chosen, values) = ranking(&world, vec![SortBy::desc(SortKey::DaysOfCover)], 5);
    assert_eq!(chosen, [(RENO, 2), (CHICAGO, 3)]);
    assert!(values[0].is_infinite());
}

#[test]
fn days_of_cover_without_rates_is_the_atp() {
    let world = World::new(&[(COLUMBUS, TEE, 10), (CHICAGO, TEE, 3), (PITTSBURGH, TEE, 4)]);
    let (chosen, values) = ranking(&world, vec![SortBy::desc(SortKey::DaysOfCover)], 17);
    assert_eq!(chosen, [(COLUMBUS, 10), (PITTSBURGH, 4), (CHICAGO, 3)]);
    assert_eq!(values, [10.0, 3.0, 4.0]);
}

#[test]
fn utilization_ranks_the_least_loaded_first() {
    // Columbus 0 of 10,000; Chicago 1 of 10 = 0.1; Pittsburgh 2 of 10 = 0.2.
    let mut world = one_each(&[COLUMBUS, CHICAGO, PITTSBURGH]);
    world.load(CHICAGO, 10, 1);
    world.load(PITTSBURGH, 10, 2);
    let (chosen, values) = ranking(&world, vec![SortBy::asc(SortKey::Utilization)], 3);
    assert_eq!(chosen, [(COLUMBUS, 1), (CHICAGO, 1), (PITTSBURGH, 1)]);
    for (value, load) in values.into_iter().zip([0.0, 0.1, 0.2]) {
        assert_close(value, load);
    }
}

#[test]
fn dc_first_ranks_dcs_before_stores_by_id_then_by_the_next_key() {
    let world = one_each(&[COLUMBUS, RENO, CHICAGO, PITTSBURGH]);
    let (alone, values) = ranking(&world, vec![SortBy::asc(SortKey::DcFirst)], 4);
    assert_eq!(alone, [(COLUMBUS, 1), (RENO, 1), (CHICAGO, 1), (PITTSBURGH, 1)]);
    assert_eq!(values, [0.0, 0.0, 1.0, 1.0]);

    // With distance second: Columbus 126.3 before Reno 1990.7, Pittsburgh 114.9 before
    // Chicago 307.3.
    let keys = vec![SortBy::asc(SortKey::DcFirst), SortBy::asc(SortKey::Distance)];
    let (chosen, _) = ranking(&world, keys, 4);
    assert_eq!(chosen, [(COLUMBUS, 1), (RENO, 1), (PITTSBURGH, 1), (CHICAGO, 1)]);
}
