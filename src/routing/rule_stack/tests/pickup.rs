//! BOPIS orders: pickup at the chosen store when its visible ATP covers the line (and the
//! store passes the stack's filters, capacity included), a transfer over a lane from another
//! node when it does not, nothing when no lane reaches the store.
//! Miles between nodes: Columbus to Pittsburgh 161.9, to Chicago 275.6; Reno to Sacramento
//! 111.4, to Pittsburgh 2090.9.

use crate::ids::SimTime;
use crate::network::{Capability, Lane};
use crate::orders::{Assignment, CancelReason, Method, Unserved};
use crate::routing::Policy;
use crate::routing::presets::{self, NAMES};
use crate::routing::testkit::*;

fn at_store(line: usize, store: crate::ids::NodeId, units: u32) -> Assignment {
    Assignment { line, node: store, units, method: Method::Pickup, destination: store }
}

fn transferred(line: usize, from: crate::ids::NodeId, units: u32) -> Assignment {
    let destination = PITTSBURGH;
    Assignment { line, node: from, units, method: Method::TransferThenPickup, destination }
}

#[test]
fn every_preset_picks_up_at_the_store_when_its_atp_covers_the_line() {
    let world = World::new(&[(PITTSBURGH, TEE, 3), (COLUMBUS, TEE, 5)]);
    for name in NAMES {
        let mut stack = presets::preset(name, name).expect("a preset");
        let plan = world.plan(&mut stack, &bopis(PITTSBURGH, &[(TEE, 2)]));
        assert_eq!(plan.assignments, [at_store(0, PITTSBURGH, 2)], "{name}");
    }
}

#[test]
fn a_short_store_is_supplied_by_a_transfer_over_a_lane() {
    // Pittsburgh has 1 of 2 tees and is weighed first, on its own. Columbus has a lane to
    // it; Chicago has tees but no lane.
    let world = World::new(&[(PITTSBURGH, TEE, 1), (COLUMBUS, TEE, 5), (CHICAGO, TEE, 5)]);
    let (plan, explanation) =
        world.explain(&mut presets::nearest(), &bopis(PITTSBURGH, &[(TEE, 2)]));
    assert_eq!(plan.assignments, [transferred(0, COLUMBUS, 2)]);

    let line = &explanation.lines[0];
    let removed: Vec<_> = line.candidates.iter().map(|c| (c.node, c.removed_by)).collect();
    let expected =
        [(PITTSBURGH, Some("has_full_atp")), (COLUMBUS, None), (CHICAGO, Some("capability"))];
    assert_eq!(removed, expected);
    // Distance is measured to the pickup store: 0 for the store, 161.9 from Columbus.
    assert_miles(line.candidates[0].sort_values[0], 0.0);
    assert_miles(line.candidates[1].sort_values[0], 161.9);
}

#[test]
fn lines_of_one_order_may_be_picked_up_and_transferred() {
    // The tee is on Pittsburgh's shelf; the jeans come from Columbus. Split control does not
    // apply to pickups: even `min_split` collects at the store from two nodes.
    let world = World::new(&[(PITTSBURGH, TEE, 3), (COLUMBUS, JEANS, 5)]);
    let plan = world.plan(&mut presets::min_split(), &bopis(PITTSBURGH, &[(TEE, 1), (JEANS, 1)]));
    assert_eq!(plan.assignments, [at_store(0, PITTSBURGH, 1), transferred(1, COLUMBUS, 1)]);
}

#[test]
fn no_lane_to_the_store_means_no_transfer() {
    // Sacramento has no tee and no lane from Columbus: cancelled. Reno has a lane to it.
    let order = bopis(SACRAMENTO, &[(TEE, 1)]);
    let world = World::new(&[(COLUMBUS, TEE, 5)]);
    let plan = world.plan(&mut presets::nearest(), &order);
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.unserved, [Unserved { line: 0, units: 1, reason: CancelReason::NoStock }]);

    let world = World::new(&[(COLUMBUS, TEE, 5), (RENO, TEE, 5)]);
    let plan = world.plan(&mut presets::nearest(), &order);
    let expected = Assignment {
        line: 0,
        node: RENO,
        units: 1,
        method: Method::TransferThenPickup,
        destination: SACRAMENTO,
    };
    assert_eq!(plan.assignments, [expected]);
}

#[test]
fn a_source_without_the_transfer_capability_cannot_send() {
    let mut world = World::new(&[(COLUMBUS, TEE, 5)]);
    world.network.nodes[COLUMBUS.index()].capabilities.remove(Capability::Transfer);
    let plan = world.plan(&mut presets::nearest(), &bopis(PITTSBURGH, &[(TEE, 1)]));
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.unserved[0].reason, CancelReason::NoStock);
}

#[test]
fn transfer_cost_is_the_lane_plus_the_pick_and_one_pack() {
    // A cheap slow lane from Reno: 2 tees cost 2 * (0.10 + 0.35) + 1.25 = 2.15 from Reno
    // against 2 * (0.30 + 0.35) + 1.25 = 2.55 from Columbus. `greedy_cost` takes Reno,
    // `nearest` Columbus (161.9 against 2090.9 mi).
    let mut world = World::new(&[(COLUMBUS, TEE, 5), (RENO, TEE, 5)]);
    let slow = Lane { cost_per_unit: 0.10, lead_time: 3 * SimTime::DAY };
    world.network.lanes.add_lane(RENO, PITTSBURGH, slow).expect("valid lane");
    let order = bopis(PITTSBURGH, &[(TEE, 2)]);

    let (plan, explanation) = world.explain(&mut presets::greedy_cost(), &order);
    assert_eq!(plan.assignments, [transferred(0, RENO, 2)]);
    let costs: Vec<f64> =
        explanation.lines[0].candidates.iter().map(|c| c.sort_values[0]).collect();
    assert_close(costs[0], 2.55);
    assert_close(costs[1], 2.15);

    let plan = world.plan(&mut presets::nearest(), &order);
    assert_eq!(plan.assignments, [transferred(0, COLUMBUS, 2)]);
}

#[test]
fn a_pickup_reroute_that_excludes_the_store_transfers_instead() {
    let world = World::new(&[(PITTSBURGH, TEE, 3), (COLUMBUS, TEE, 5)]);
    let order = bopis(PITTSBURGH, &[(TEE, 2)]);
    let moved = presets::nearest().reroute(&order, 0, 2, &[PITTSBURGH], &world.view());
    assert_eq!(moved, [transferred(0, COLUMBUS, 2)]);
}

#[test]
fn a_full_store_hands_its_pickups_to_a_transfer() {
    // Pittsburgh has the tees but its 2 orders of the day are taken: every preset keeps a
    // node under capacity, the pickup store included, so Columbus sends them.
    let mut world = World::new(&[(PITTSBURGH, TEE, 3), (COLUMBUS, TEE, 5)]);
    world.load(PITTSBURGH, 2, 2);
    let (plan, explanation) =
        world.explain(&mut presets::nearest(), &bopis(PITTSBURGH, &[(TEE, 2)]));
    assert_eq!(plan.assignments, [transferred(0, COLUMBUS, 2)]);
    assert_eq!(explanation.lines[0].candidates[0].removed_by, Some("under_capacity"));
}

#[test]
fn a_full_store_nobody_can_supply_cancels_for_capacity() {
    let mut world = World::new(&[(PITTSBURGH, TEE, 3)]);
    world.load(PITTSBURGH, 2, 2);
    let plan = world.plan(&mut presets::nearest(), &bopis(PITTSBURGH, &[(TEE, 2)]));
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.unserved, [Unserved { line: 0, units: 2, reason: CancelReason::Capacity }]);
}

#[test]
fn store_protection_applies_to_pickups_too() {
    // Keep 2 on the shelf: 3 tees less 2 ordered leaves 1, so Columbus sends them.
    let mut stack = presets::nearest();
    stack.filters.push(crate::routing::Filter::MinAtpAfter { units: 2 });
    let world = World::new(&[(PITTSBURGH, TEE, 3), (COLUMBUS, TEE, 5)]);
    let plan = world.plan(&mut stack, &bopis(PITTSBURGH, &[(TEE, 2)]));
    assert_eq!(plan.assignments, [transferred(0, COLUMBUS, 2)]);
}
