//! The pricing LP and price-aware routing, by hand on the routing test world.

use std::sync::Arc;

use super::*;
use crate::network::GeoPoint;
use crate::routing::testkit::{CLEVELAND, COLUMBUS, RENO, SAN_FRANCISCO, TEE, World, web};

/// Two demand points, Cleveland and San Francisco, each wanting `per_day` tees a day.
fn forecast(per_day: [f64; 2]) -> Forecast {
    Forecast {
        regions: vec![CLEVELAND, SAN_FRANCISCO],
        region_units_per_day: per_day.to_vec(),
        sku_share: vec![1.0, 0.0, 0.0, 0.0],
        store_units_per_day: vec![0.0; 5],
        region_of_city: Vec::new(),
    }
}

fn params() -> LpDualParams {
    LpDualParams { resolve_every: SimTime::DAY, forecast_days: 1.0, cancel_penalty: 50.0 }
}

#[test]
fn a_unit_the_forecast_needs_is_priced_at_its_replacement_cost() {
    // Two tees at Columbus, ten at Reno; Cleveland wants two, San Francisco two (one day).
    // Unit costs (pick 0.35 + pack 1.25 + base + 0.3 kg): Columbus to Cleveland (zone 2)
    // 0.35 + 1.25 + 8.60 + 0.18 = 10.38; Reno to Cleveland (zone 8) 0.35 + 1.25 + 14.00 +
    // 0.42 = 16.02. Columbus's units all go to Cleveland, and each is worth what Reno would
    // charge instead: 16.02 - 10.38 = 5.64. Reno has units to spare: price zero.
    let world = World::new(&[(COLUMBUS, TEE, 2), (RENO, TEE, 10)]);
    let prices = dual_prices(&forecast([2.0, 2.0]), &world.view(), &params()).expect("solves");
    assert!((prices.get(COLUMBUS, TEE) - 5.64).abs() < 1e-6, "{prices:?}");
    assert!(prices.get(RENO, TEE).abs() < 1e-9);
}

#[test]
fn routing_adds_prices_and_saves_scarce_units_for_the_customers_who_need_them() {
    // A customer in Chicago's suburbs is a little cheaper to serve from Columbus (zone 3)
    // than from Reno (zone 7) only before prices: with Columbus's last tees priced for
    // Cleveland, the price-blind choice and the priced one differ when the price exceeds
    // the gap. Evanston: Columbus 0.35 + 1.25 + 9.30 + 0.216 = 11.116; Reno 0.35 + 1.25 +
    // 13.00 + 0.384 = 14.984; gap 3.868 < price 5.64, so lp_dual ships from Reno.
    let world = World::new(&[(COLUMBUS, TEE, 2), (RENO, TEE, 10)]);
    let mut policy = LpDual::new("dual", params(), Arc::new(forecast([2.0, 2.0])));
    let evanston = GeoPoint::new(42.0451, -87.6877);
    let plan = policy.plan(&web(evanston, &[(TEE, 1)]), &world.view(), None);
    assert_eq!(plan.assignments[0].node, RENO);
    let cleveland = policy.plan(&web(CLEVELAND, &[(TEE, 1)]), &world.view(), None);
    assert_eq!(cleveland.assignments[0].node, COLUMBUS);
    assert_eq!(policy.solves(), 1);

    let mut blind = LpDual::new("blind", params(), Arc::new(Forecast::empty()));
    let plan = blind.plan(&web(evanston, &[(TEE, 1)]), &world.view(), None);
    assert_eq!(plan.assignments[0].node, COLUMBUS);
}

#[test]
fn lines_nobody_holds_are_cancelled() {
    let world = World::new(&[(COLUMBUS, TEE, 1)]);
    let mut policy = LpDual::new("dual", params(), Arc::new(forecast([0.0, 0.0])));
    let plan = policy.plan(&web(CLEVELAND, &[(TEE, 3)]), &world.view(), None);
    assert_eq!(plan.placed_units(0), 1);
    assert_eq!(plan.unserved.len(), 1);
    assert_eq!(plan.unserved[0].units, 2);
}
