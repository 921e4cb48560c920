//! Property tests of routing and orchestration: random small networks (DCs and stores at
//! random US locations, random capabilities, capacities and lanes), random stock and buffers,
//! a visibility sync with walk-in sales that make the storefront's view stale, and a stream
//! of web, BOPIS and marketplace orders routed under a random preset.
//!
//! For every order, the plan never places more units of a line than ordered, places or
//! cancels every ordered unit, and (every preset requires full visible ATP) takes from each
//! node at most the visible ATP it stocks; the routed order ships or cancels every ordered
//! unit; every assignment uses a method its node runs; explaining a plan does not change it;
//! and after every order the ledger's reservations equal the units shipped from each
//! position, never exceed what the record backs above the buffer, both audits pass, and no
//! node is booked beyond its daily capacity. Some orders' first picks come up short: the
//! reroute never returns to the failing node and places or gives back every short unit.
//!
//! Test-only; it must not be compiled into the library.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{Orchestrator, Routed};
use crate::catalog::Catalog;
use crate::ids::{NodeId, OrderId, SimTime, SkuId, Units};
use crate::inventory::Ledger;
use crate::network::{Capability, GeoPoint, Lane, Lanes, Network, Node, NodeKind, RateCard};
use crate::orders::{Assignment, Channel, Line, Method, Order, Plan};
use crate::routing::testkit::catalog;
use crate::routing::{Explanation, NetworkView, Policy, RuleStack, presets};

const SKUS: usize = 4;

/// One random node: kind, location, daily capacity, and whether it lost its ship capability.
#[derive(Clone, Debug)]
struct NodeSpec {
    store: bool,
    lat: f64,
    lon: f64,
    capacity: u32,
    cannot_ship: bool,
}

/// One random order: channel choice, customer, store choice (an index into the stores),
/// marketplace days, hours after the previous order, whether its first pick comes up short,
/// and lines (sku, units).
#[derive(Clone, Debug)]
struct OrderSpec {
    channel: u8,
    lat: f64,
    lon: f64,
    store: usize,
    days: u32,
    gap_hours: u64,
    short_pick: bool,
    lines: Vec<(usize, Units)>,
}

/// A whole random case.
#[derive(Clone, Debug)]
struct Case {
    nodes: Vec<NodeSpec>,
    lanes: Vec<bool>,
    stock: Vec<Option<(Units, Units)>>,
    sync: u64,
    walk_ins: Vec<(usize, usize, Units)>,
    preset: usize,
    orders: Vec<OrderSpec>,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (any::<bool>(), 30.0..46.0f64, -122.0..-72.0f64, 1u32..5, prop::bool::weighted(0.15)).prop_map(
        |(store, lat, lon, capacity, cannot_ship)| NodeSpec {
            store,
            lat,
            lon,
            capacity,
            cannot_ship,
        },
    )
}

fn order_spec() -> impl Strategy<Value = OrderSpec> {
    let lines = prop::collection::vec((0..SKUS, 1u32..5), 1..4);
    let place = (0u8..3, 30.0..46.0f64, -122.0..-72.0f64, 0usize..6, 1u32..6);
    (place, 0u64..10, prop::bool::weighted(0.3), lines).prop_map(
        |((channel, lat, lon, store, days), gap_hours, short_pick, lines)| OrderSpec {
            channel,
            lat,
            lon,
            store,
            days,
            gap_hours,
            short_pick,
            lines,
        },
    )
}

fn case() -> impl Strategy<Value = Case> {
    prop::collection::vec(node_spec(), 2..7).prop_flat_map(|nodes| {
        let n = nodes.len();
        let stock = prop::option::weighted(0.7, (0u32..7, 0u32..3));
        (
            Just(nodes),
            prop::collection::vec(prop::bool::weighted(0.3), n * n),
            prop::collection::vec(stock, n * SKUS),
            prop_oneof![Just(0u64), Just(SimTime::HOUR)],
            prop::collection::vec((0..n, 0..SKUS, 1u32..4), 0..4),
            0..presets::NAMES.len(),
            prop::collection::vec(order_spec(), 1..9),
        )
            .prop_map(|(nodes, lanes, stock, sync, walk_ins, preset, orders)| Case {
                nodes,
                lanes,
                stock,
                sync,
                walk_ins,
                preset,
                orders,
            })
    })
}

fn build_network(case: &Case) -> Network {
    let n = case.nodes.len();
    let nodes = case.nodes.iter().enumerate().map(|(i, spec)| {
        let kind = if spec.store { NodeKind::Store } else { NodeKind::Dc };
        let mut node = Node::new(format!("node-{i}"), kind, GeoPoint::new(spec.lat, spec.lon));
        node.capacity_per_day = spec.capacity;
        if spec.cannot_ship {
            node.capabilities.remove(Capability::ShipFromDc);
            node.capabilities.remove(Capability::ShipFromStore);
        }
        node
    });
    let mut lanes = Lanes::new(n);
    for (k, _) in case.lanes.iter().enumerate().filter(|(_, on)| **on) {
        let (from, to) = (NodeId::from_index(k / n), NodeId::from_index(k % n));
        if from != to {
            let lane = Lane { cost_per_unit: 0.25, lead_time: SimTime::DAY };
            lanes.add_lane(from, to, lane).expect("valid lane");
        }
    }
    Network::new(nodes.collect(), RateCard::us_default(), lanes).expect("valid network")
}

/// The stocked ledger, with the sync interval set and the walk-in sales made.
fn build_ledger(case: &Case) -> Ledger {
    let mut ledger = Ledger::new(case.nodes.len(), SKUS);
    for (k, stock) in case.stock.iter().enumerate() {
        let Some((units, buffer)) = *stock else { continue };
        let (node, sku) = (NodeId::from_index(k / SKUS), SkuId::from_index(k % SKUS));
        ledger.receive(node, sku, units).expect("known ids");
        ledger.set_buffer(node, sku, buffer).expect("known ids");
    }
    ledger.set_visibility_sync(case.sync);
    for &(node, sku, units) in &case.walk_ins {
        let (node, sku) = (NodeId::from_index(node), SkuId::from_index(sku));
        if ledger.position(node, sku).is_some() {
            ledger.walk_in_sale(node, sku, units).expect("known ids");
        }
    }
    ledger
}

/// The order `spec` describes, placed at `when`; one line per SKU.
fn build_order(spec: &OrderSpec, id: usize, when: SimTime, network: &Network) -> Order {
    let stores = network.nodes_of_kind(NodeKind::Store);
    let mut lines: Vec<Line> = Vec::new();
    for &(sku, units) in &spec.lines {
        if !lines.iter().any(|l| l.sku.index() == sku) {
            lines.push(Line { sku: SkuId::from_index(sku), units });
        }
    }
    let mut order = Order {
        id: OrderId::from_index(id),
        channel: Channel::Web,
        placed_at: when,
        customer: GeoPoint::new(spec.lat, spec.lon),
        region: 0,
        store: None,
        promise_days: None,
        lines,
    };
    match spec.channel {
        1 if !stores.is_empty() => {
            order.channel = Channel::Bopis;
            order.store = Some(stores[spec.store % stores.len()]);
        }
        2 => {
            order.channel = Channel::Marketplace;
            order.promise_days = Some(spec.days);
        }
        _ => {}
    }
    order
}

/// The plan's checks: no line over-placed, every unit placed or cancelled, and no node asked
/// for more than the visible ATP it stocks.
fn check_plan(order: &Order, plan: &Plan, view: &NetworkView<'_>) -> Result<(), TestCaseError> {
    for (i, line) in order.lines.iter().enumerate() {
        let placed = plan.placed_units(i);
        let unserved: Units = plan.unserved.iter().filter(|u| u.line == i).map(|u| u.units).sum();
        prop_assert!(placed <= line.units, "line {i}: placed {placed} of {}", line.units);
        prop_assert_eq!(placed + unserved, line.units, "line {} not fully accounted", i);
    }
    let mut taken: BTreeMap<(NodeId, SkuId), Units> = BTreeMap::new();
    for a in &plan.assignments {
        prop_assert!(a.units > 0);
        *taken.entry((a.node, order.lines[a.line].sku)).or_default() += a.units;
    }
    for a in &plan.assignments {
        check_method(order, a, view.network)?;
    }
    for (&(node, sku), &units) in &taken {
        prop_assert!(view.ledger.position(node, sku).is_some(), "{node} does not stock {sku}");
        let visible = view.atp(node, sku);
        prop_assert!(units <= visible, "{node} asked for {units} of {sku}, shows {visible}");
    }
    Ok(())
}

/// The assignment uses a method its node runs, towards the right destination.
fn check_method(order: &Order, a: &Assignment, network: &Network) -> Result<(), TestCaseError> {
    let node = network.node(a.node);
    match (a.method, order.store.filter(|_| order.channel == Channel::Bopis)) {
        (Method::Pickup, Some(store)) => {
            prop_assert_eq!(a.node, store);
            prop_assert!(node.can(Capability::Pickup));
        }
        (Method::TransferThenPickup, Some(store)) => {
            prop_assert_eq!(a.destination, store);
            prop_assert!(node.can(Capability::Transfer));
            prop_assert!(network.lanes.transfer(a.node, store).is_some());
        }
        (Method::ShipFromDc, None) => prop_assert!(node.can(Capability::ShipFromDc)),
        (Method::ShipFromStore, None) => prop_assert!(node.can(Capability::ShipFromStore)),
        (method, store) => prop_assert!(false, "{} for pickup store {:?}", method.as_str(), store),
    }
    Ok(())
}

/// Planning with an explanation changes nothing, and the explanation's choices are the plan.
fn check_explained(
    order: &Order,
    plan: &Plan,
    policy: &mut RuleStack,
    view: &NetworkView<'_>,
) -> Result<(), TestCaseError> {
    let mut explanation = Explanation::default();
    let explained = policy.plan(order, view, Some(&mut explanation));
    prop_assert_eq!(&explained, plan);
    for trace in &explanation.lines {
        let chosen: Units = trace.chosen.iter().map(|&(_, units)| units).sum();
        prop_assert_eq!(chosen, plan.placed_units(trace.line));
    }
    Ok(())
}

/// Every ordered unit is shipped or cancelled; returns the units shipped per position.
fn check_routed(
    order: &Order,
    routed: &Routed,
) -> Result<BTreeMap<(NodeId, SkuId), Units>, TestCaseError> {
    let mut shipped: BTreeMap<(NodeId, SkuId), Units> = BTreeMap::new();
    for (i, line) in order.lines.iter().enumerate() {
        let mut units = 0;
        for s in &routed.shipments {
            for l in s.lines.iter().filter(|l| l.line == i) {
                prop_assert!(l.units > 0);
                prop_assert_eq!(l.sku, line.sku);
                units += l.units;
                *shipped.entry((s.node, l.sku)).or_default() += l.units;
            }
        }
        let cancelled: Units =
            routed.cancelled.iter().filter(|u| u.line == i).map(|u| u.units).sum();
        prop_assert_eq!(units + cancelled, line.units, "line {} not fully accounted", i);
    }
    Ok(shipped)
}

/// The ledger backs exactly the reservations made, never beyond its record and buffer.
fn check_ledger(
    ledger: &Ledger,
    reserved: &BTreeMap<(NodeId, SkuId), Units>,
) -> Result<(), TestCaseError> {
    for (node, sku, p) in ledger.positions() {
        let expected = reserved.get(&(node, sku)).copied().unwrap_or(0);
        prop_assert_eq!(p.committed(), expected, "{} {}: commitments", node, sku);
        prop_assert_eq!(p.oversold(), 0);
        prop_assert!(p.reserved() + p.buffer() <= p.on_hand() || p.reserved() == 0);
    }
    prop_assert!(ledger.audit().is_ok());
    prop_assert!(ledger.audit_flows().is_ok());
    Ok(())
}

/// The state one case runs on, and what it has reserved per position so far.
struct Run {
    network: Network,
    catalog: Catalog,
    ledger: Ledger,
    policy: RuleStack,
    desk: Orchestrator,
    reserved: BTreeMap<(NodeId, SkuId), Units>,
}

impl Run {
    fn new(case: &Case) -> Self {
        let network = build_network(case);
        let name = presets::NAMES[case.preset];
        Run {
            desk: Orchestrator::new(&network, None),
            ledger: build_ledger(case),
            policy: presets::preset(name, name).expect("a listed preset"),
            catalog: catalog(),
            network,
            reserved: BTreeMap::new(),
        }
    }

    /// Checks the plan the orchestrator will ask for against the view it is made on.
    fn check_planning(&mut self, order: &Order) -> Result<(), TestCaseError> {
        let mut capacity = self.desk.capacity().clone();
        capacity.roll_to(order.placed_at);
        let view = NetworkView {
            network: &self.network,
            catalog: &self.catalog,
            ledger: &self.ledger,
            capacity: &capacity,
            rates: None,
            offline: &[],
            walks: None,
        };
        let plan = self.policy.plan(order, &view, None);
        check_plan(order, &plan, &view)?;
        check_explained(order, &plan, &mut self.policy, &view)
    }

    /// Routes `order` and checks the outcome, the ledger and the capacity book.
    fn route(&mut self, order: &Order) -> Result<Routed, TestCaseError> {
        let (ledger, network, catalog) = (&mut self.ledger, &self.network, &self.catalog);
        let routed = self.desk.route(order, &mut self.policy, ledger, network, catalog, None);
        for (key, units) in check_routed(order, &routed)? {
            *self.reserved.entry(key).or_default() += units;
        }
        prop_assert!(routed.promise >= order.placed_at);
        self.check_state()?;
        Ok(routed)
    }

    /// The first line of the first shipment comes up short: its commitment is released and
    /// the orchestrator finds the units a new home away from the failing node, or gives up.
    fn short_pick(&mut self, order: &Order, routed: &Routed) -> Result<(), TestCaseError> {
        let Some(failing) = routed.shipments.first() else { return Ok(()) };
        let short = failing.lines[0];
        self.ledger.release(failing.node, short.sku, short.units).expect("reserved by route");
        *self.reserved.entry((failing.node, short.sku)).or_default() -= short.units;

        let (ledger, network, catalog) = (&mut self.ledger, &self.network, &self.catalog);
        let (moved, left) = self.desk.reroute(
            order,
            short.line,
            short.units,
            failing.node,
            &mut self.policy,
            ledger,
            network,
            catalog,
        );
        let mut placed = 0;
        for s in &moved {
            prop_assert_ne!(s.node, failing.node);
            for l in &s.lines {
                prop_assert_eq!((l.line, l.sku), (short.line, short.sku));
                placed += l.units;
                *self.reserved.entry((s.node, l.sku)).or_default() += l.units;
            }
        }
        prop_assert_eq!(placed + left, short.units);
        self.check_state()
    }

    /// The ledger backs exactly what was reserved and no node is booked past its capacity.
    fn check_state(&self) -> Result<(), TestCaseError> {
        check_ledger(&self.ledger, &self.reserved)?;
        for node in self.network.ids() {
            let used = self.desk.capacity().used(node);
            prop_assert!(used <= self.network.node(node).capacity_per_day, "{node} over capacity");
        }
        Ok(())
    }
}

fn run(case: &Case) -> Result<(), TestCaseError> {
    let mut run = Run::new(case);
    let mut now = SimTime::ZERO;
    for (id, spec) in case.orders.iter().enumerate() {
        now = now.plus(spec.gap_hours * SimTime::HOUR);
        run.ledger.advance_to(now);
        let order = build_order(spec, id, now, &run.network);

        run.check_planning(&order)?;
        let routed = run.route(&order)?;
        if spec.short_pick {
            run.short_pick(&order, &routed)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn routing_never_oversteps_stock_orders_or_capacity(case in case()) {
        run(&case)?;
    }
}
