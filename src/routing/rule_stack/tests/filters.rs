//! Each filter kind removes exactly the node it should, and the explanation names it.
//!
//! The common setting: a Cleveland customer orders tees that Columbus (DC, 126.3 mi) and
//! Pittsburgh (store, 114.9 mi) both stock, and the stack ranks by distance, so Pittsburgh
//! wins unless a filter removes it.

use super::*;
use crate::ids::{NodeId, Units};
use crate::network::{Capability, NodeKind};
use crate::orders::Plan;
use crate::routing::testkit::*;
use crate::routing::{CandidateTrace, Explanation};

/// Plans `units` tees to Cleveland under `stack` with Columbus holding 5 and Pittsburgh
/// `at_pittsburgh`.
fn tees(world: &World, stack: RuleStack, units: Units) -> (Plan, Explanation) {
    let mut stack = stack;
    world.explain(&mut stack, &web(CLEVELAND, &[(TEE, units)]))
}

fn world(at_pittsburgh: Units) -> World {
    World::new(&[(COLUMBUS, TEE, 5), (PITTSBURGH, TEE, at_pittsburgh)])
}

/// Each candidate's node and the filter that removed it.
fn removals(explanation: &Explanation) -> Vec<(NodeId, Option<&'static str>)> {
    let line = &explanation.lines[0];
    line.candidates.iter().map(|c: &CandidateTrace| (c.node, c.removed_by)).collect()
}

#[test]
fn without_filters_the_nearest_node_wins() {
    let (plan, explanation) = tees(&world(5), nearest_with(vec![]), 1);
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, None), (PITTSBURGH, None)]);
}

#[test]
fn capability_removes_a_store_that_does_not_ship() {
    let mut world = world(5);
    world.network.nodes[PITTSBURGH.index()].capabilities.remove(Capability::ShipFromStore);
    let (plan, explanation) = tees(&world, nearest_with(vec![Filter::Capability]), 1);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, None), (PITTSBURGH, Some("capability"))]);
}

#[test]
fn capability_is_enforced_even_when_not_listed() {
    // Listed or not, a plan cannot use a method the node does not run; unlisted, the
    // capability check comes before every listed filter.
    let mut world = world(5);
    world.network.nodes[PITTSBURGH.index()].capabilities.remove(Capability::ShipFromStore);
    let stack = nearest_with(vec![Filter::MinAtpAfter { units: 100 }]);
    let (plan, explanation) = tees(&world, stack, 1);
    assert!(plan.assignments.is_empty());
    assert_eq!(
        removals(&explanation),
        [(COLUMBUS, Some("min_atp_after")), (PITTSBURGH, Some("capability"))]
    );
}

#[test]
fn has_full_atp_removes_a_node_that_can_serve_only_part_of_the_line() {
    // Three tees: Pittsburgh has 2, Columbus 5.
    let (plan, explanation) = tees(&world(2), nearest_with(vec![Filter::HasFullAtp]), 3);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 3)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, None), (PITTSBURGH, Some("has_full_atp"))]);
}

#[test]
fn under_capacity_removes_a_node_whose_day_is_full() {
    // Pittsburgh may pick 2 orders a day and has been given 2.
    let mut world = world(5);
    world.load(PITTSBURGH, 2, 2);
    let stack = nearest_with(vec![Filter::UnderCapacity { max_utilization: 1.0 }]);
    let (plan, explanation) = tees(&world, stack, 1);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, None), (PITTSBURGH, Some("under_capacity"))]);
}

#[test]
fn under_capacity_honours_a_utilization_ceiling() {
    // Half of 4 orders a day: with 1 booked, one more makes 2 <= 2 and passes; with 2
    // booked, one more makes 3 > 2 and fails.
    let ceiling = || nearest_with(vec![Filter::UnderCapacity { max_utilization: 0.5 }]);
    let mut world = world(5);
    world.load(PITTSBURGH, 4, 1);
    assert_eq!(placed(&tees(&world, ceiling(), 1).0), [(0, PITTSBURGH, 1)]);
    world.load(PITTSBURGH, 4, 2);
    assert_eq!(placed(&tees(&world, ceiling(), 1).0), [(0, COLUMBUS, 1)]);
}

#[test]
fn within_distance_removes_the_node_beyond_the_radius() {
    // 120 miles keeps Pittsburgh (114.9) and removes Columbus (126.3), so even a DC-first
    // ranking must take the store.
    let filters = vec![Filter::WithinDistance { max_miles: 120.0 }];
    let stack = stack(filters, vec![SortBy::asc(SortKey::DcFirst)], Split::Free);
    let (plan, explanation) = tees(&world(5), stack, 1);
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, Some("within_distance")), (PITTSBURGH, None)]);
}

#[test]
fn exclude_removes_the_listed_node() {
    let stack = nearest_with(vec![Filter::Exclude { nodes: vec![PITTSBURGH] }]);
    let (plan, explanation) = tees(&world(5), stack, 1);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, None), (PITTSBURGH, Some("exclude"))]);
}

#[test]
fn node_kind_keeps_only_the_listed_kinds() {
    let dcs = nearest_with(vec![Filter::NodeKind { kinds: vec![NodeKind::Dc] }]);
    let (plan, explanation) = tees(&world(5), dcs, 1);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, None), (PITTSBURGH, Some("node_kind"))]);

    let filters = vec![Filter::NodeKind { kinds: vec![NodeKind::Store] }];
    let stores = stack(filters, vec![SortBy::asc(SortKey::DcFirst)], Split::Free);
    let (plan, explanation) = tees(&world(5), stores, 1);
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, Some("node_kind")), (PITTSBURGH, None)]);
}

#[test]
fn min_atp_after_protects_the_last_units() {
    // One tee, keep 2: Pittsburgh with 2 would keep 1 and is removed; with 3 it keeps 2.
    let protect = || nearest_with(vec![Filter::MinAtpAfter { units: 2 }]);
    let (plan, explanation) = tees(&world(2), protect(), 1);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1)]);
    assert_eq!(removals(&explanation), [(COLUMBUS, None), (PITTSBURGH, Some("min_atp_after"))]);

    let (plan, _) = tees(&world(3), protect(), 1);
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
}

#[test]
fn the_first_failing_filter_is_the_one_named() {
    // Six tees: Columbus (5 units, 126.3 mi) fails both has_full_atp and a 100-mile radius;
    // the explanation names whichever is written first.
    let full_then_near =
        nearest_with(vec![Filter::HasFullAtp, Filter::WithinDistance { max_miles: 100.0 }]);
    let (_, explanation) = tees(&world(0), full_then_near, 6);
    assert_eq!(removals(&explanation)[0], (COLUMBUS, Some("has_full_atp")));

    let near_then_full =
        nearest_with(vec![Filter::WithinDistance { max_miles: 100.0 }, Filter::HasFullAtp]);
    let (_, explanation) = tees(&world(0), near_then_full, 6);
    assert_eq!(removals(&explanation)[0], (COLUMBUS, Some("within_distance")));
}
