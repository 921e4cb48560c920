//! Split control: `never` (one node or the fallback), `up_to N` (greedy cover, leftovers to
//! the fallback) and `free` (a line's units spread over nodes when no filter asks for full
//! ATP). Customers are in Evanston: Chicago 11.9 mi, Columbus 283.7, Pittsburgh 414.5,
//! Reno 1679.7, Sacramento 1785.4.

use super::*;
use crate::orders::{CancelReason, Unserved};
use crate::routing::Policy;
use crate::routing::presets;
use crate::routing::testkit::*;

fn never() -> RuleStack {
    stack(vec![Filter::HasFullAtp], vec![SortBy::asc(SortKey::Distance)], Split::Never)
}

fn up_to(max: u32) -> RuleStack {
    stack(vec![Filter::HasFullAtp], vec![SortBy::asc(SortKey::Distance)], Split::UpTo(max))
}

fn no_stock(line: usize, units: u32) -> Unserved {
    Unserved { line, units, reason: CancelReason::NoStock }
}

#[test]
fn never_takes_the_best_node_that_has_every_line() {
    // Chicago and Columbus both have tee and jeans: the nearer, Chicago, takes both.
    let world = World::new(&[
        (CHICAGO, TEE, 5),
        (CHICAGO, JEANS, 5),
        (COLUMBUS, TEE, 5),
        (COLUMBUS, JEANS, 5),
    ]);
    let plan = world.plan(&mut never(), &web(EVANSTON, &[(TEE, 1), (JEANS, 1)]));
    assert_eq!(placed(&plan), [(0, CHICAGO, 1), (1, CHICAGO, 1)]);
}

#[test]
fn never_skips_a_nearer_node_that_lacks_a_line() {
    // Chicago has only the tee; Columbus has both and serves the whole order.
    let world = World::new(&[(CHICAGO, TEE, 5), (COLUMBUS, TEE, 5), (COLUMBUS, JEANS, 5)]);
    let plan = world.plan(&mut never(), &web(EVANSTON, &[(TEE, 1), (JEANS, 1)]));
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1), (1, COLUMBUS, 1)]);
}

#[test]
fn never_falls_back_when_no_node_has_every_line() {
    // The tee is only in Chicago and the jeans only in Columbus: no single node.
    let world = World::new(&[(CHICAGO, TEE, 5), (COLUMBUS, JEANS, 5)]);
    let order = web(EVANSTON, &[(TEE, 1), (JEANS, 2)]);
    let plan = world.plan(&mut never(), &order);
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.unserved, [no_stock(0, 1), no_stock(1, 2)]);

    // With `nearest` as the fallback, the lines are placed apart.
    let mut stack =
        RuleStack { fallback: Fallback::Stack(Box::new(presets::nearest())), ..never() };
    let plan = world.plan(&mut stack, &order);
    assert_eq!(placed(&plan), [(0, CHICAGO, 1), (1, COLUMBUS, 2)]);
    assert!(plan.unserved.is_empty());
}

/// Four lines with single sources: tee in Chicago, jeans and desk in Columbus, boots in
/// Reno.
fn four_sources() -> (World, crate::orders::Order) {
    let world = World::new(&[
        (CHICAGO, TEE, 5),
        (COLUMBUS, JEANS, 5),
        (COLUMBUS, DESK, 5),
        (RENO, BOOTS, 5),
    ]);
    (world, web(EVANSTON, &[(TEE, 1), (JEANS, 1), (BOOTS, 1), (DESK, 1)]))
}

#[test]
fn up_to_two_covers_greedily_and_cancels_the_rest() {
    // Columbus covers two lines (jeans, desk) and goes first. Chicago (tee) and Reno (boots)
    // then cover one line of one unit each; Chicago is nearer (11.9 against 1679.7 mi). The
    // boots are left over and cancelled.
    let (world, order) = four_sources();
    let plan = world.plan(&mut up_to(2), &order);
    assert_eq!(placed(&plan), [(1, COLUMBUS, 1), (3, COLUMBUS, 1), (0, CHICAGO, 1)]);
    assert_eq!(plan.shipments(), 2);
    assert_eq!(plan.unserved, [no_stock(2, 1)]);
}

#[test]
fn up_to_two_hands_the_leftover_to_the_fallback_stack() {
    let (world, order) = four_sources();
    let fallback = Fallback::Stack(Box::new(presets::nearest()));
    let mut stack = RuleStack { fallback, ..up_to(2) };
    let plan = world.plan(&mut stack, &order);
    let expected = [(1, COLUMBUS, 1), (3, COLUMBUS, 1), (0, CHICAGO, 1), (2, RENO, 1)];
    assert_eq!(placed(&plan), expected);
    assert!(plan.unserved.is_empty());
}

#[test]
fn up_to_three_needs_no_fallback() {
    let (world, order) = four_sources();
    let plan = world.plan(&mut up_to(3), &order);
    assert_eq!(plan.shipments(), 3);
    assert_eq!(plan.total_placed(), 4);
    assert!(plan.unserved.is_empty());
}

#[test]
fn free_spreads_a_line_over_nodes_without_has_full_atp() {
    // Five tees: Chicago 2 (11.9 mi), Columbus 2 (283.7), Pittsburgh 4 (414.5).
    let world = World::new(&[(CHICAGO, TEE, 2), (COLUMBUS, TEE, 2), (PITTSBURGH, TEE, 4)]);
    let order = web(EVANSTON, &[(TEE, 5)]);
    let plan = world.plan(&mut nearest_with(vec![]), &order);
    assert_eq!(placed(&plan), [(0, CHICAGO, 2), (0, COLUMBUS, 2), (0, PITTSBURGH, 1)]);

    // With has_full_atp no node has five: the whole line is cancelled.
    let plan = world.plan(&mut nearest_with(vec![Filter::HasFullAtp]), &order);
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.unserved, [no_stock(0, 5)]);
}

#[test]
fn free_cancels_only_what_the_network_lacks() {
    // Ten tees, eight in stock: eight placed, two cancelled.
    let world = World::new(&[(CHICAGO, TEE, 2), (COLUMBUS, TEE, 2), (PITTSBURGH, TEE, 4)]);
    let plan = world.plan(&mut nearest_with(vec![]), &web(EVANSTON, &[(TEE, 10)]));
    assert_eq!(plan.placed_units(0), 8);
    assert_eq!(plan.unserved, [no_stock(0, 2)]);
}

#[test]
fn reroute_ignores_split_control_and_the_excluded_nodes() {
    // min_split would cover; a repair places the one line wherever it fits. With Chicago
    // excluded, Columbus (283.7 mi) is next; with both excluded, Pittsburgh.
    let world = World::new(&[(CHICAGO, TEE, 5), (COLUMBUS, TEE, 5), (PITTSBURGH, TEE, 5)]);
    let order = web(EVANSTON, &[(TEE, 3)]);
    let mut stack = presets::min_split();
    let moved = stack.reroute(&order, 0, 2, &[CHICAGO], &world.view());
    assert_eq!(moved.iter().map(|a| (a.node, a.units)).collect::<Vec<_>>(), [(COLUMBUS, 2)]);
    let moved = stack.reroute(&order, 0, 2, &[CHICAGO, COLUMBUS], &world.view());
    assert_eq!(moved.iter().map(|a| (a.node, a.units)).collect::<Vec<_>>(), [(PITTSBURGH, 2)]);
    assert!(
        stack.reroute(&order, 0, 2, &[CHICAGO, COLUMBUS, PITTSBURGH], &world.view()).is_empty()
    );
}
