//! Hand-checked decisions of the four presets on the fixture world of `routing::testkit`
//! (distances and prices are tabulated there). Each test states the expected choice and the
//! arithmetic behind it.

use super::*;
use crate::orders::{CancelReason, Method, Order, Unserved};
use crate::routing::testkit::*;
use crate::routing::{Explanation, Policy};

/// The preset named `name`, under its own name.
fn stack(name: &str) -> RuleStack {
    preset(name, name).expect("a known preset")
}

#[test]
fn preset_names_resolve_and_take_the_policy_name() {
    for name in NAMES {
        let stack = preset(name, "production").expect("every listed name is a preset");
        assert_eq!(stack.name, "production");
        assert_eq!(stack.filters, base_filters());
    }
    assert_eq!(preset("cheapest", "x"), None);
    assert_eq!(stack("min_split").split, Split::UpTo(u32::MAX));
}

#[test]
fn dc_first_prefers_a_far_dc_over_a_near_store() {
    // Cleveland: Pittsburgh store 114.9 mi, Columbus DC 126.3, Reno DC 1990.7. DCs rank
    // first (dc_first key 0 against 1), then by distance: Columbus.
    let world = World::new(&[(COLUMBUS, TEE, 5), (RENO, TEE, 5), (PITTSBURGH, TEE, 5)]);
    let plan = world.plan(&mut stack("dc_first"), &web(CLEVELAND, &[(TEE, 1)]));
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1)]);
    assert_eq!(plan.assignments[0].method, Method::ShipFromDc);
}

#[test]
fn dc_first_falls_to_the_nearest_store_when_no_dc_has_the_line() {
    // Only stores stock the tee: Pittsburgh (114.9 mi) beats Chicago (307.3 mi).
    let world = World::new(&[(CHICAGO, TEE, 5), (PITTSBURGH, TEE, 5)]);
    let plan = world.plan(&mut stack("dc_first"), &web(CLEVELAND, &[(TEE, 1)]));
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
    assert_eq!(plan.assignments[0].method, Method::ShipFromStore);
}

#[test]
fn dc_first_sends_each_line_to_a_dc_even_when_a_store_has_both() {
    // Pittsburgh has both lines and is the nearest node, but each line goes to a DC: the tee
    // to Columbus (126.3 mi), the jeans to Reno (1990.7 mi, the only DC with them).
    let world = World::new(&[
        (COLUMBUS, TEE, 5),
        (PITTSBURGH, TEE, 5),
        (RENO, JEANS, 5),
        (PITTSBURGH, JEANS, 5),
    ]);
    let plan = world.plan(&mut stack("dc_first"), &web(CLEVELAND, &[(TEE, 1), (JEANS, 2)]));
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1), (1, RENO, 2)]);
    assert_eq!(plan.shipments(), 2);
    assert!(plan.unserved.is_empty());
}

#[test]
fn on_the_west_coast_dc_first_takes_reno_and_nearest_sacramento() {
    // San Francisco: Sacramento store 75.0 mi, Reno DC 185.6, Columbus DC 2108.8.
    let world = World::new(&[(COLUMBUS, TEE, 5), (RENO, TEE, 5), (SACRAMENTO, TEE, 5)]);
    let order = web(SAN_FRANCISCO, &[(TEE, 1)]);
    assert_eq!(placed(&world.plan(&mut stack("dc_first"), &order)), [(0, RENO, 1)]);
    assert_eq!(placed(&world.plan(&mut stack("nearest"), &order)), [(0, SACRAMENTO, 1)]);
}

#[test]
fn nearest_takes_the_closest_node_whatever_its_kind() {
    // Cleveland: Pittsburgh 114.9 mi < Columbus 126.3 < Reno 1990.7.
    let world = World::new(&[(COLUMBUS, TEE, 5), (RENO, TEE, 5), (PITTSBURGH, TEE, 5)]);
    let plan = world.plan(&mut stack("nearest"), &web(CLEVELAND, &[(TEE, 1)]));
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
}

/// Evanston orders a tee (Chicago 11.9 mi, Columbus 283.7 mi) and jeans (Columbus only).
fn tee_and_jeans_near_chicago() -> (World, Order) {
    let world = World::new(&[(CHICAGO, TEE, 5), (COLUMBUS, TEE, 5), (COLUMBUS, JEANS, 5)]);
    (world, web(EVANSTON, &[(TEE, 1), (JEANS, 1)]))
}

#[test]
fn nearest_splits_line_by_line() {
    // The tee goes to Chicago (11.9 mi), the jeans to Columbus: two parcels.
    let (world, order) = tee_and_jeans_near_chicago();
    let plan = world.plan(&mut stack("nearest"), &order);
    assert_eq!(placed(&plan), [(0, CHICAGO, 1), (1, COLUMBUS, 1)]);
    assert_eq!(plan.shipments(), 2);
}

#[test]
fn min_split_consolidates_where_nearest_splits() {
    // Columbus covers both lines, Chicago only the tee: one parcel from Columbus.
    let (world, order) = tee_and_jeans_near_chicago();
    let plan = world.plan(&mut stack("min_split"), &order);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1), (1, COLUMBUS, 1)]);
    assert_eq!(plan.shipments(), 1);
}

#[test]
fn min_split_on_one_line_takes_the_nearest_node() {
    // Both cover the one line with one unit; distance decides: Pittsburgh 114.9 mi.
    let world = World::new(&[(COLUMBUS, TEE, 5), (PITTSBURGH, TEE, 5)]);
    let plan = world.plan(&mut stack("min_split"), &web(CLEVELAND, &[(TEE, 1)]));
    assert_eq!(placed(&plan), [(0, PITTSBURGH, 1)]);
}

#[test]
fn min_split_covers_most_lines_then_most_units_first() {
    // Lines: tee 1, jeans 3, boots 1. Columbus covers {tee, jeans} (4 units), Chicago covers
    // {tee, boots} (2 units): both two lines, Columbus has more units so it goes first
    // although Chicago is nearer (11.9 against 283.7 mi). Chicago then takes the boots.
    let world = World::new(&[
        (COLUMBUS, TEE, 5),
        (COLUMBUS, JEANS, 5),
        (CHICAGO, TEE, 5),
        (CHICAGO, BOOTS, 5),
    ]);
    let order = web(EVANSTON, &[(TEE, 1), (JEANS, 3), (BOOTS, 1)]);
    let plan = world.plan(&mut stack("min_split"), &order);
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1), (1, COLUMBUS, 3), (2, CHICAGO, 1)]);
    assert_eq!(plan.shipments(), 2);
}

#[test]
fn greedy_cost_picks_the_cheapest_parcel_not_the_nearest_node() {
    // One tee (0.3 kg) to Evanston:
    //   Columbus (DC, z3): 0.35 + 1.25 + 9.30 + 0.72 * 0.3 = 11.116
    //   Chicago (store, z1): 1.10 + 2.50 + 8.00 + 0.50 * 0.3 = 11.750
    let world = World::new(&[(CHICAGO, TEE, 5), (COLUMBUS, TEE, 5)]);
    let mut explanation = Explanation::default();
    let order = web(EVANSTON, &[(TEE, 1)]);
    let plan = stack("greedy_cost").plan(&order, &world.view(), Some(&mut explanation));
    assert_eq!(placed(&plan), [(0, COLUMBUS, 1)]);

    let values: Vec<f64> =
        explanation.lines[0].candidates.iter().map(|c| c.sort_values[0]).collect();
    assert_close(values[0], 11.116);
    assert_close(values[1], 11.75);
}

#[test]
fn greedy_cost_consolidates_when_one_parcel_is_cheaper() {
    // Jeans only at Reno: 0.35 + 1.25 + 13.00 + 1.28 * 0.8 = 15.624 (z7, 1679.7 mi).
    // The tee alone would go to Chicago (11.75 against Reno's 14.984), but added to the
    // Reno parcel it costs 0.35 + 1.28 * 0.3 = 0.734: one parcel.
    let world = World::new(&[(RENO, JEANS, 5), (RENO, TEE, 5), (CHICAGO, TEE, 5)]);
    let plan = world.plan(&mut stack("greedy_cost"), &web(EVANSTON, &[(JEANS, 1), (TEE, 1)]));
    assert_eq!(placed(&plan), [(0, RENO, 1), (1, RENO, 1)]);
    assert_eq!(plan.shipments(), 1);
}

#[test]
fn greedy_cost_splits_when_two_parcels_are_cheaper() {
    // Jeans only at Reno as above. Two desks (24 kg): added to the Reno parcel they cost
    // 0.35 * 2 + 1.28 * 24 = 31.42; a parcel of their own from Chicago costs
    // 1.10 * 2 + 2.50 + 8.00 + 0.50 * 24 = 24.70: two parcels.
    let world = World::new(&[(RENO, JEANS, 5), (RENO, DESK, 5), (CHICAGO, DESK, 5)]);
    let plan = world.plan(&mut stack("greedy_cost"), &web(EVANSTON, &[(JEANS, 1), (DESK, 2)]));
    assert_eq!(placed(&plan), [(0, RENO, 1), (1, CHICAGO, 2)]);
    assert_eq!(plan.shipments(), 2);
}

#[test]
fn every_preset_cancels_a_line_nobody_stocks() {
    let world = World::new(&[(COLUMBUS, TEE, 5)]);
    for name in NAMES {
        let plan = world.plan(&mut stack(name), &web(CLEVELAND, &[(TEE, 1), (BOOTS, 2)]));
        assert_eq!(placed(&plan), [(0, COLUMBUS, 1)], "{name}");
        let unserved = Unserved { line: 1, units: 2, reason: CancelReason::NoStock };
        assert_eq!(plan.unserved, [unserved], "{name}");
    }
}
