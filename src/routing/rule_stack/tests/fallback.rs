//! Fallbacks: cancellation with the right reason (`capacity` only when capacity alone stood
//! in the way, else `no_stock`), and fallback stacks placing what the first stack could not
//! without counting the same stock twice.

use super::*;
use crate::network::NodeKind;
use crate::orders::{CancelReason, Unserved};
use crate::routing::presets;
use crate::routing::testkit::*;

fn cancelled(line: usize, units: u32, reason: CancelReason) -> Unserved {
    Unserved { line, units, reason }
}

#[test]
fn a_full_node_with_the_stock_cancels_for_capacity() {
    // Pittsburgh has the tees but its 2 orders for the day are taken; nobody else has any.
    let mut world = World::new(&[(PITTSBURGH, TEE, 5)]);
    world.load(PITTSBURGH, 2, 2);
    let plan = world.plan(&mut presets::nearest(), &web(CLEVELAND, &[(TEE, 1)]));
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.unserved, [cancelled(0, 1, CancelReason::Capacity)]);
}

#[test]
fn a_full_node_without_enough_stock_cancels_for_no_stock() {
    // Pittsburgh is full and has only 2 of the 3 tees: capacity was not the only obstacle.
    let mut world = World::new(&[(PITTSBURGH, TEE, 2)]);
    world.load(PITTSBURGH, 2, 2);
    let plan = world.plan(&mut presets::nearest(), &web(CLEVELAND, &[(TEE, 3)]));
    assert_eq!(plan.unserved, [cancelled(0, 3, CancelReason::NoStock)]);

    // The same when under_capacity is written before has_full_atp.
    let filters = vec![Filter::UnderCapacity { max_utilization: 1.0 }, Filter::HasFullAtp];
    let plan = world.plan(&mut nearest_with(filters), &web(CLEVELAND, &[(TEE, 3)]));
    assert_eq!(plan.unserved, [cancelled(0, 3, CancelReason::NoStock)]);
}

#[test]
fn a_full_node_another_filter_also_removes_cancels_for_no_stock() {
    // Pittsburgh (114.9 mi) is full and also outside a 100-mile radius: even with room it
    // could not serve, so capacity did not stand alone in the way.
    let mut world = World::new(&[(PITTSBURGH, TEE, 5)]);
    world.load(PITTSBURGH, 2, 2);
    let filters = vec![
        Filter::UnderCapacity { max_utilization: 1.0 },
        Filter::WithinDistance { max_miles: 100.0 },
    ];
    let plan = world.plan(&mut nearest_with(filters), &web(CLEVELAND, &[(TEE, 1)]));
    assert_eq!(plan.unserved, [cancelled(0, 1, CancelReason::NoStock)]);
}

#[test]
fn capacity_wins_when_one_full_node_could_have_served() {
    // Columbus has tees but a stores-only rule removes it; Pittsburgh has tees and is full.
    let mut world = World::new(&[(COLUMBUS, TEE, 5), (PITTSBURGH, TEE, 5)]);
    world.load(PITTSBURGH, 2, 2);
    let filters = vec![
        Filter::NodeKind { kinds: vec![NodeKind::Store] },
        Filter::UnderCapacity { max_utilization: 1.0 },
    ];
    let plan = world.plan(&mut nearest_with(filters), &web(CLEVELAND, &[(TEE, 1)]));
    assert_eq!(plan.unserved, [cancelled(0, 1, CancelReason::Capacity)]);
}

#[test]
fn a_partly_served_line_cancels_its_rest_for_capacity_when_only_capacity_blocked() {
    // Free split, no has_full_atp: Columbus gives its 2 tees; Pittsburgh has the other 2
    // but is full, so the 2 left over could have come from it but for capacity.
    let mut world = World::new(&[(COLUMBUS, TEE, 2), (PITTSBURGH, TEE, 2)]);
    world.load(PITTSBURGH, 2, 2);
    let filters = vec![Filter::UnderCapacity { max_utilization: 1.0 }];
    let plan = world.plan(&mut nearest_with(filters), &web(CLEVELAND, &[(TEE, 4)]));
    assert_eq!(placed(&plan), [(0, COLUMBUS, 2)]);
    assert_eq!(plan.unserved, [cancelled(0, 2, CancelReason::Capacity)]);
}

/// Ship-from-store by distance, falling back to `dc_first`.
fn stores_then_dcs() -> RuleStack {
    let filters = vec![Filter::HasFullAtp, Filter::NodeKind { kinds: vec![NodeKind::Store] }];
    let first = nearest_with(filters);
    RuleStack { fallback: Fallback::Stack(Box::new(presets::dc_first())), ..first }
}

#[test]
fn a_fallback_stack_places_what_the_first_could_not() {
    // Cleveland: the tee is in Pittsburgh (a store: the first stack takes it); the jeans are
    // only in DCs, so `dc_first` takes them from Columbus (126.3 mi, before Reno).
    let world = World::new(&[(PITTSBURGH, TEE, 5), (COLUMBUS, JEANS, 5), (RENO, JEANS, 5)]);
    let (plan, explanation) =
        world.explain(&mut stores_then_dcs(), &web(CLEVELAND, &[(TEE, 1), (JEANS, 1)]));
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1), (1, COLUMBUS, 1)]);
    assert!(plan.unserved.is_empty());
    assert_eq!(explanation.lines[0].fallback, None);
    assert_eq!(explanation.lines[1].fallback.as_deref(), Some("dc_first"));
}

#[test]
fn a_fallback_stack_cancels_what_nobody_can_place() {
    let world = World::new(&[(PITTSBURGH, TEE, 5)]);
    let (plan, explanation) =
        world.explain(&mut stores_then_dcs(), &web(CLEVELAND, &[(TEE, 1), (JEANS, 1)]));
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
    assert_eq!(plan.unserved, [cancelled(1, 1, CancelReason::NoStock)]);
    assert_eq!(explanation.lines[1].fallback.as_deref(), Some("cancel (no_stock)"));
}

#[test]
fn a_fallback_stack_does_not_reuse_units_already_planned() {
    // Five tees to Evanston. The first stack (within 300 mi: Chicago 11.9, Columbus 283.7)
    // takes Chicago's 2 and Columbus's 2. The fallback (no radius) must not take Chicago's
    // 2 again: the last tee comes from Pittsburgh (414.5 mi).
    let world = World::new(&[(CHICAGO, TEE, 2), (COLUMBUS, TEE, 2), (PITTSBURGH, TEE, 4)]);
    let near = nearest_with(vec![Filter::WithinDistance { max_miles: 300.0 }]);
    let mut stack = RuleStack { fallback: Fallback::Stack(Box::new(nearest_with(vec![]))), ..near };
    let plan = world.plan(&mut stack, &web(EVANSTON, &[(TEE, 5)]));
    assert_eq!(placed(&plan), [(0, CHICAGO, 2), (0, COLUMBUS, 2), (0, PITTSBURGH, 1)]);
}
