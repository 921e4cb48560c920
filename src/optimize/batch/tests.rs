//! Hand-solved batches on the routing test world, and the property that rounded plans
//! always respect ATP and capacity.

use proptest::prelude::*;

use super::*;
use crate::routing::testkit::{
    CHICAGO, CLEVELAND, COLUMBUS, EVANSTON, JEANS, RENO, SAN_FRANCISCO, TEE, World, web,
};

const PARAMS: BatchParams = BatchParams { candidates: 5, split_penalty: 3.0, cancel_penalty: 50.0 };

fn solve(world: &World, orders: &[Order], params: &BatchParams) -> (BatchLp, Vec<RoundedOrder>) {
    let refs: Vec<&Order> = orders.iter().collect();
    let instance = BatchInstance::build(&refs, &world.view(), params);
    let lp = instance.solve(params).expect("the LP solves");
    let rounded = instance.round(&lp, params);
    (lp, rounded)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn one_order_ships_in_one_parcel_from_the_dc_that_has_both_lines() {
    // Columbus to Cleveland is zone 2 (8.60 + 0.60/kg): pack 1.25 + 8.60 = 9.85 per parcel,
    // tee 0.35 + 0.6 * 0.3 = 0.53, jeans 0.35 + 0.6 * 0.8 = 0.83; plus the split penalty 3.
    let world = World::new(&[(COLUMBUS, TEE, 5), (COLUMBUS, JEANS, 5), (RENO, TEE, 5)]);
    let order = web(CLEVELAND, &[(TEE, 1), (JEANS, 1)]);
    let (lp, rounded) = solve(&world, &[order], &PARAMS);
    assert!(close(lp.objective, 9.85 + 0.53 + 0.83 + 3.0), "{}", lp.objective);
    assert_eq!(rounded[0].placed, vec![(0, COLUMBUS, 1), (1, COLUMBUS, 1)]);
    assert!(rounded[0].cancelled.is_empty());
}

#[test]
fn the_batch_gives_each_customer_the_unit_that_suits_it_where_greedy_would_not() {
    // One tee at Columbus, one at the Chicago store; customers in Evanston and Cleveland.
    // Evanston: Columbus (zone 3) 0.35 + 1.25 + 9.30 + 0.72 * 0.3 = 11.116, Chicago (zone 1)
    // 1.10 + 2.50 + 8.00 + 0.5 * 0.3 = 11.75. Cleveland: Columbus (zone 2) 0.35 + 1.25 +
    // 8.60 + 0.18 = 10.38, Chicago (zone 4) 1.10 + 2.50 + 10.10 + 0.255 = 13.955. Greedy in
    // arrival order gives Evanston Columbus (25.071 in all); the optimum is 22.13.
    let world = World::new(&[(COLUMBUS, TEE, 1), (CHICAGO, TEE, 1)]);
    let orders = [web(EVANSTON, &[(TEE, 1)]), web(CLEVELAND, &[(TEE, 1)])];
    let (lp, rounded) = solve(&world, &orders, &PARAMS);
    assert!(close(lp.objective, 22.13 + 2.0 * 3.0), "{}", lp.objective);
    assert_eq!(rounded[0].placed, vec![(0, CHICAGO, 1)]);
    assert_eq!(rounded[1].placed, vec![(0, COLUMBUS, 1)]);
}

#[test]
fn capacity_sends_the_second_order_elsewhere_and_shortage_cancels() {
    let mut world = World::new(&[(COLUMBUS, TEE, 5), (RENO, TEE, 5)]);
    world.load(COLUMBUS, 10, 9);
    let orders = [web(CLEVELAND, &[(TEE, 1)]), web(CLEVELAND, &[(TEE, 1)])];
    let (_, rounded) = solve(&world, &orders, &PARAMS);
    let nodes: Vec<NodeId> = rounded.iter().map(|r| r.placed[0].1).collect();
    assert!(nodes.contains(&COLUMBUS) && nodes.contains(&RENO), "{nodes:?}");

    let world = World::new(&[(RENO, TEE, 1)]);
    let orders = [web(SAN_FRANCISCO, &[(TEE, 2)])];
    let (lp, rounded) = solve(&world, &orders, &PARAMS);
    assert!(close(lp.u[0][0], 1.0));
    assert_eq!(rounded[0].placed, vec![(0, RENO, 1)]);
    assert_eq!(rounded[0].cancelled, vec![(0, 1, CancelReason::NoStock)]);
}

/// Stock (node, sku, units), capacity (per day, used) per node, order lines (sku, units)
/// and each order's customer.
type Case = (Vec<(u32, u32, u32)>, Vec<(u32, u32)>, Vec<Vec<(u32, u32)>>, Vec<u8>);

/// Random stock, capacities and orders on the test world.
fn batch_case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((0u32..5, 0u32..4, 0u32..4), 0..14),
        prop::collection::vec((1u32..6, 0u32..6), 5),
        prop::collection::vec(prop::collection::vec((0u32..4, 1u32..4), 1..4), 1..12),
        prop::collection::vec(0u8..3, 12),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn rounded_plans_respect_atp_and_capacity((stock, caps, lines, places) in batch_case()) {
        let stock: Vec<(NodeId, SkuId, Units)> =
            stock.into_iter().map(|(n, s, u)| (NodeId(n), SkuId(s), u)).collect();
        let mut world = World::new(&stock);
        for (i, (per_day, used)) in caps.iter().enumerate() {
            world.load(NodeId(i as u32), *per_day, (*used).min(*per_day));
        }
        let customers = [CLEVELAND, EVANSTON, SAN_FRANCISCO];
        let orders: Vec<Order> = lines
            .iter()
            .zip(&places)
            .map(|(ls, p)| {
                let mut seen = Vec::new();
                let ls: Vec<(SkuId, Units)> = ls
                    .iter()
                    .filter(|(s, _)| { let fresh = !seen.contains(s); seen.push(*s); fresh })
                    .map(|&(s, u)| (SkuId(s), u))
                    .collect();
                web(customers[*p as usize], &ls)
            })
            .collect();
        let params = BatchParams { candidates: 3, ..PARAMS };
        let (_, rounded) = solve(&world, &orders, &params);

        let view = world.view();
        let mut taken: HashMap<(NodeId, SkuId), Units> = HashMap::new();
        let mut parcels: HashMap<NodeId, u32> = HashMap::new();
        for (order, r) in orders.iter().zip(&rounded) {
            for (l, line) in order.lines.iter().enumerate() {
                let placed: Units = r.placed.iter().filter(|p| p.0 == l).map(|p| p.2).sum();
                let cancelled: Units = r.cancelled.iter().filter(|c| c.0 == l).map(|c| c.1).sum();
                prop_assert_eq!(placed + cancelled, line.units);
            }
            let mut nodes: Vec<NodeId> = r.placed.iter().map(|p| p.1).collect();
            nodes.sort();
            nodes.dedup();
            for n in nodes {
                *parcels.entry(n).or_default() += 1;
            }
            for &(l, n, q) in &r.placed {
                *taken.entry((n, order.lines[l].sku)).or_default() += q;
            }
        }
        for ((n, s), q) in taken {
            prop_assert!(q <= view.atp(n, s), "{q} of {s:?} at {n:?}");
        }
        for (n, p) in parcels {
            let room = view.network.node(n).capacity_per_day - view.capacity.used(n);
            prop_assert!(p <= room, "{p} parcels at {n:?}, room {room}");
        }
    }
}
