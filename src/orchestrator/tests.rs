//! Hand-checked tests of the orchestrator on the fixture world of `routing::testkit`:
//! shipments grouped by node, capacity booked per shipment, promises worked out for concrete
//! times, reservations refused by the live record under a stale view and rerouted, and
//! reroutes after a short pick.

use super::*;
use crate::orders::Channel;
use crate::routing::presets;
use crate::routing::testkit::*;

/// Day `day` at `hour`:00.
fn at(day: u32, hour: u64) -> SimTime {
    SimTime::from_days(day).plus(hour * SimTime::HOUR)
}

/// `order` placed at `when`, with the ledger's clock moved there.
fn placed_at(world: &mut World, order: Order, when: SimTime) -> Order {
    world.ledger.advance_to(when);
    Order { placed_at: when, ..order }
}

/// Routes `order` with the `nearest` preset.
fn route(world: &mut World, desk: &mut Orchestrator, order: &Order) -> Routed {
    let mut policy = presets::nearest();
    desk.route(order, &mut policy, &mut world.ledger, &world.network, &world.catalog, None)
}

fn desk(world: &World) -> Orchestrator {
    Orchestrator::new(&world.network, None)
}

/// Each shipment as (node, [(line, units)]).
fn parcels(routed: &Routed) -> Vec<(NodeId, Vec<(usize, Units)>)> {
    let lines = |s: &ShipmentPlan| s.lines.iter().map(|l| (l.line, l.units)).collect();
    routed.shipments.iter().map(|s| (s.node, lines(s))).collect()
}

fn committed(world: &World, node: NodeId, sku: SkuId) -> Units {
    world.ledger.position(node, sku).map_or(0, |p| p.committed())
}

#[test]
fn shipments_group_lines_by_node_and_book_capacity_once_each() {
    // Evanston, nearest: tee and boots from Chicago (11.9 mi), jeans from Columbus (283.7).
    let mut world = World::new(&[
        (CHICAGO, TEE, 5),
        (CHICAGO, BOOTS, 5),
        (COLUMBUS, TEE, 5),
        (COLUMBUS, JEANS, 5),
    ]);
    let mut desk = desk(&world);
    let order = web(EVANSTON, &[(TEE, 1), (JEANS, 2), (BOOTS, 1)]);
    let routed = route(&mut world, &mut desk, &order);

    assert_eq!(parcels(&routed), [(CHICAGO, vec![(0, 1), (2, 1)]), (COLUMBUS, vec![(1, 2)])]);
    assert_eq!(routed.shipments[0].method, Method::ShipFromStore);
    assert_eq!(routed.shipments[1].method, Method::ShipFromDc);
    assert_eq!(routed.shipments[0].lines[1].sku, BOOTS);
    assert!(routed.cancelled.is_empty());
    assert_eq!(routed.reservation_reroutes, 0);

    assert_eq!((desk.capacity().used(CHICAGO), desk.capacity().used(COLUMBUS)), (1, 1));
    assert_eq!(committed(&world, CHICAGO, TEE), 1);
    assert_eq!(committed(&world, CHICAGO, BOOTS), 1);
    assert_eq!(committed(&world, COLUMBUS, JEANS), 2);
    assert_eq!(committed(&world, COLUMBUS, TEE), 0);
    assert!(world.ledger.audit().is_ok());
}

#[test]
fn booked_capacity_steers_later_orders_until_the_day_rolls() {
    // Chicago picks 2 orders a day: the third order of day 0 goes to Columbus; on day 1
    // Chicago has room again.
    let mut world = World::new(&[(CHICAGO, TEE, 10), (COLUMBUS, TEE, 10)]);
    world.network.nodes[CHICAGO.index()].capacity_per_day = 2;
    let mut desk = desk(&world);
    let order = web(EVANSTON, &[(TEE, 1)]);
    let first_nodes: Vec<NodeId> =
        (0..3).map(|_| route(&mut world, &mut desk, &order).shipments[0].node).collect();
    assert_eq!(first_nodes, [CHICAGO, CHICAGO, COLUMBUS]);
    assert_eq!(desk.capacity().used(CHICAGO), 2);

    let next_day = placed_at(&mut world, order, at(1, 10));
    assert_eq!(route(&mut world, &mut desk, &next_day).shipments[0].node, CHICAGO);
    assert_eq!(desk.capacity().used(CHICAGO), 1);
    assert_eq!(desk.capacity().used(COLUMBUS), 0);
}

#[test]
fn parcel_promises_add_pick_sla_cut_off_and_transit_days() {
    // Placed day 2 at 10:00, to Evanston.
    // Chicago (store, open 09-21, SLA 4 h): packed 14:00, before the 17:00 cut-off, leaves
    // day 2; zone 1 is 1 day: the end of day 3 = 3 * 86,400 + 86,399 = 345,599.
    // Columbus (DC, always open, SLA 8 h): packed 18:00, after the cut-off, leaves day 3;
    // zone 3 is 2 days: the end of day 5 = 518,399. The order is quoted the later one.
    let mut world = World::new(&[(CHICAGO, TEE, 5), (COLUMBUS, JEANS, 5)]);
    let mut desk = desk(&world);
    let order = placed_at(&mut world, web(EVANSTON, &[(TEE, 1), (JEANS, 1)]), at(2, 10));
    let routed = route(&mut world, &mut desk, &order);

    let promises: Vec<(NodeId, SimTime)> =
        routed.shipments.iter().map(|s| (s.node, s.promise)).collect();
    assert_eq!(promises, [(CHICAGO, SimTime(345_599)), (COLUMBUS, SimTime(518_399))]);
    assert_eq!(routed.promise, SimTime(518_399));
}

#[test]
fn a_store_order_after_closing_is_packed_the_next_morning() {
    // Placed day 2 at 22:00: Chicago opens day 3 at 09:00, packs by 13:00, leaves day 3 at
    // 17:00, arrives day 4 (zone 1): 4 * 86,400 + 86,399 = 431,999.
    let mut world = World::new(&[(CHICAGO, TEE, 5)]);
    let mut desk = desk(&world);
    let order = placed_at(&mut world, web(EVANSTON, &[(TEE, 1)]), at(2, 22));
    assert_eq!(route(&mut world, &mut desk, &order).promise, SimTime(431_999));
}

#[test]
fn pickup_promises_end_with_the_store_sla() {
    // Placed day 2 at 10:00 for pickup in Pittsburgh (open 09-21, SLA 4 h).
    // On the shelf: ready at 14:00 = 2 * 86,400 + 14 * 3,600 = 223,200.
    let mut world = World::new(&[(PITTSBURGH, TEE, 5)]);
    let mut desk = desk(&world);
    let order = placed_at(&mut world, bopis(PITTSBURGH, &[(TEE, 1)]), at(2, 10));
    let routed = route(&mut world, &mut desk, &order);
    assert_eq!(routed.shipments[0].method, Method::Pickup);
    assert_eq!(routed.promise, SimTime(223_200));
    assert_eq!(desk.capacity().used(PITTSBURGH), 1);
}

#[test]
fn transfer_pickup_promises_add_the_lane_and_the_store_sla() {
    // Pittsburgh has none; Columbus packs by 18:00 day 2 (SLA 8 h), the lane takes a day
    // (18:00 day 3, Pittsburgh open), the store adds its 4 h: 22:00 day 3 =
    // 3 * 86,400 + 22 * 3,600 = 338,400. The shipment is booked at the source.
    let mut world = World::new(&[(COLUMBUS, TEE, 5)]);
    let mut desk = desk(&world);
    let order = placed_at(&mut world, bopis(PITTSBURGH, &[(TEE, 2)]), at(2, 10));
    let routed = route(&mut world, &mut desk, &order);

    let shipment = &routed.shipments[0];
    assert_eq!((shipment.node, shipment.method), (COLUMBUS, Method::TransferThenPickup));
    assert_eq!(shipment.destination, PITTSBURGH);
    assert_eq!(routed.promise, SimTime(338_400));
    assert_eq!(committed(&world, COLUMBUS, TEE), 2);
    assert_eq!(desk.capacity().used(COLUMBUS), 1);
}

#[test]
fn a_marketplace_sla_overrides_the_plan() {
    // Three days after checkout on day 2: the end of day 5 = 518,399, although Chicago's
    // parcel would arrive by the end of day 3.
    let mut world = World::new(&[(CHICAGO, TEE, 5)]);
    let mut desk = desk(&world);
    let order = Order {
        channel: Channel::Marketplace,
        promise_days: Some(3),
        ..placed_at(&mut world, web(EVANSTON, &[(TEE, 1)]), at(2, 10))
    };
    let routed = route(&mut world, &mut desk, &order);
    assert_eq!(routed.shipments[0].promise, SimTime(345_599));
    assert_eq!(routed.promise, SimTime(518_399));
}

#[test]
fn an_order_nothing_ships_for_is_promised_at_checkout() {
    let mut world = World::new(&[]);
    let mut desk = desk(&world);
    let order = placed_at(&mut world, web(EVANSTON, &[(TEE, 2)]), at(1, 8));
    let routed = route(&mut world, &mut desk, &order);
    assert!(routed.shipments.is_empty());
    assert_eq!(routed.cancelled, [Unserved { line: 0, units: 2, reason: CancelReason::NoStock }]);
    assert_eq!(routed.promise, at(1, 8));
}

/// Pittsburgh (114.9 mi from Cleveland) shows 5 tees through an hourly sync but a walk-in
/// shopper has just taken `sold` of them; Columbus (126.3 mi) and Chicago (307.3 mi) hold
/// the given stock.
fn stale_pittsburgh(sold: Units, columbus: Units, chicago: Units) -> World {
    let mut world = World::new(&[(PITTSBURGH, TEE, 5)]);
    for (node, units) in [(COLUMBUS, columbus), (CHICAGO, chicago)] {
        if units > 0 {
            world.ledger.receive(node, TEE, units).expect("known ids");
        }
    }
    world.ledger.set_visibility_sync(SimTime::HOUR);
    world.ledger.walk_in_sale(PITTSBURGH, TEE, sold).expect("known ids");
    world
}

#[test]
fn a_stale_view_is_refused_by_the_live_record_and_rerouted() {
    // The policy sees Pittsburgh's snapshot (5) and plans 3 there; the record has none, so
    // the reservation is refused and the 3 go to the next node, Columbus.
    let mut world = stale_pittsburgh(5, 5, 0);
    assert_eq!(
        (world.ledger.visible_atp(PITTSBURGH, TEE), world.ledger.atp(PITTSBURGH, TEE)),
        (5, 0)
    );
    let mut desk = desk(&world);
    let order = web(CLEVELAND, &[(TEE, 3)]);
    assert_eq!(placed(&world.plan(&mut presets::nearest(), &order)), [(0, PITTSBURGH, 3)]);

    let routed = route(&mut world, &mut desk, &order);
    assert_eq!(parcels(&routed), [(COLUMBUS, vec![(0, 3)])]);
    assert_eq!(routed.reservation_reroutes, 1);
    assert!(routed.cancelled.is_empty());
    assert_eq!(committed(&world, PITTSBURGH, TEE), 0);
    assert_eq!(committed(&world, COLUMBUS, TEE), 3);
    assert_eq!(desk.capacity().used(PITTSBURGH), 0);
}

#[test]
fn a_partly_refused_reservation_keeps_what_the_record_backs() {
    // The shopper took 4: Pittsburgh still backs 1 of the 3, Columbus takes the other 2.
    let mut world = stale_pittsburgh(4, 5, 0);
    let mut desk = desk(&world);
    let routed = route(&mut world, &mut desk, &web(CLEVELAND, &[(TEE, 3)]));
    assert_eq!(parcels(&routed), [(PITTSBURGH, vec![(0, 1)]), (COLUMBUS, vec![(0, 2)])]);
    assert_eq!(routed.reservation_reroutes, 1);
    assert_eq!((committed(&world, PITTSBURGH, TEE), committed(&world, COLUMBUS, TEE)), (1, 2));
}

#[test]
fn a_refused_reservation_nobody_else_can_take_is_cancelled_no_stock() {
    let mut world = stale_pittsburgh(5, 0, 0);
    let mut desk = desk(&world);
    let routed = route(&mut world, &mut desk, &web(CLEVELAND, &[(TEE, 3)]));
    assert!(routed.shipments.is_empty());
    assert_eq!(routed.cancelled, [Unserved { line: 0, units: 3, reason: CancelReason::NoStock }]);
    assert_eq!(routed.promise, SimTime::ZERO);
    assert!(world.ledger.audit().is_ok());
}

#[test]
fn refusals_are_rerouted_again_until_a_record_backs_them() {
    // Columbus is stale too (its 5 tees sold on the shelf, the snapshot still shows 5):
    // Pittsburgh, then Columbus refuse, and Chicago takes the 3.
    let mut world = stale_pittsburgh(5, 5, 5);
    world.ledger.walk_in_sale(COLUMBUS, TEE, 5).expect("known ids");
    let mut desk = desk(&world);
    let routed = route(&mut world, &mut desk, &web(CLEVELAND, &[(TEE, 3)]));
    assert_eq!(parcels(&routed), [(CHICAGO, vec![(0, 3)])]);
    assert_eq!(routed.reservation_reroutes, 2);
}

#[test]
fn a_short_pick_is_rerouted_away_from_the_failing_node() {
    // Pittsburgh is chosen for 2 tees, but shrink has emptied its shelf: the pick comes up
    // 2 short. Columbus takes them, reserved and booked, promised from the pick time
    // (day 1 12:00: packed 20:00, leaves day 2, zone 2 = 2 days: end of day 4 = 431,999).
    let mut world = World::new(&[(PITTSBURGH, TEE, 5), (COLUMBUS, TEE, 5)]);
    let mut desk = desk(&world);
    let order = web(CLEVELAND, &[(TEE, 2)]);
    let routed = route(&mut world, &mut desk, &order);
    assert_eq!(parcels(&routed), [(PITTSBURGH, vec![(0, 2)])]);

    world.ledger.shrink(PITTSBURGH, TEE, 5).expect("known ids");
    world.ledger.advance_to(at(1, 12));
    let outcome = world.ledger.pick(PITTSBURGH, TEE, 2).expect("committed above");
    assert_eq!(outcome.short, 2);

    let mut policy = presets::nearest();
    let (moved, left) = desk.reroute(
        &order,
        0,
        outcome.short,
        PITTSBURGH,
        &mut policy,
        &mut world.ledger,
        &world.network,
        &world.catalog,
    );
    assert_eq!(left, 0);
    assert_eq!(moved.len(), 1);
    assert_eq!((moved[0].node, moved[0].lines[0].units), (COLUMBUS, 2));
    assert_eq!(moved[0].promise, SimTime(431_999));
    assert_eq!(committed(&world, COLUMBUS, TEE), 2);
    assert_eq!(desk.capacity().used(COLUMBUS), 1);
}

#[test]
fn a_short_pick_nobody_else_can_take_is_left_for_cancellation() {
    // Pittsburgh still shows tees, but it is the failing node and is never asked again.
    let mut world = World::new(&[(PITTSBURGH, TEE, 5)]);
    let mut desk = desk(&world);
    let order = web(CLEVELAND, &[(TEE, 2)]);
    let mut policy = presets::nearest();
    let (moved, left) = desk.reroute(
        &order,
        0,
        2,
        PITTSBURGH,
        &mut policy,
        &mut world.ledger,
        &world.network,
        &world.catalog,
    );
    assert!(moved.is_empty());
    assert_eq!(left, 2);
    assert_eq!(committed(&world, PITTSBURGH, TEE), 0);
}

#[test]
fn routing_fills_the_explanation_it_is_given() {
    let mut world = World::new(&[(PITTSBURGH, TEE, 5)]);
    let mut desk = desk(&world);
    let mut explanation = Explanation::default();
    let mut policy = presets::nearest();
    let order = web(CLEVELAND, &[(TEE, 1)]);
    let ledger = &mut world.ledger;
    desk.route(&order, &mut policy, ledger, &world.network, &world.catalog, Some(&mut explanation));
    assert_eq!(explanation.policy, "nearest");
    assert_eq!(explanation.lines[0].chosen, [(PITTSBURGH, 1)]);
}
