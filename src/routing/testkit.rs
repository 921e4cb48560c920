//! A small hand-checkable world for the routing and orchestrator tests: two DCs and three
//! stores at real coordinates, four SKUs, transfer lanes from the DCs, and helpers to stock a
//! ledger and write orders. Test-only; it must not be used by library code.
//!
//! Great-circle miles (haversine, radius 3958.8 mi), worked out once so every test can quote
//! them, with the US default zone each distance falls in:
//!
//! | from \ to | Cleveland | Evanston | San Francisco |
//! |---|---|---|---|
//! | 0 dc-columbus | 126.3 (z2) | 283.7 (z3) | 2108.8 (z8) |
//! | 1 dc-reno | 1990.7 (z8) | 1679.7 (z7) | 185.6 (z3) |
//! | 2 store-chicago | 307.3 (z4) | 11.9 (z1) | 1854.8 (z8) |
//! | 3 store-pittsburgh | 114.9 (z2) | 414.5 (z4) | 2260.1 (z8) |
//! | 4 store-sacramento | 2096.4 (z8) | 1785.4 (z7) | 75.0 (z2) |
//!
//! Node defaults (from `Node::new`): DCs pick at 0.35 per unit and pack at 1.25 per parcel,
//! are open around the clock with an 8 h pick SLA and priority 0; stores pick at 1.10 and
//! pack at 2.50, are open 09:00 to 21:00 with a 4 h SLA and priority 10. Zone prices (base +
//! per kg): z1 8.00 + 0.50, z2 8.60 + 0.60, z3 9.30 + 0.72, z4 10.10 + 0.85, z7 13.00 + 1.28,
//! z8 14.00 + 1.40; transit days z1 1, z2 2, z3 2, z4 3, z7 5, z8 5; cut-off 17:00.
//!
//! Lanes: Columbus to Chicago (0.40 per unit) and to Pittsburgh (0.30), Reno to Sacramento
//! (0.35), each one day; no lane reaches Sacramento from Columbus.

use crate::catalog::{Catalog, Sku};
use crate::ids::{NodeId, OrderId, SimTime, SkuId, Units};
use crate::inventory::Ledger;
use crate::network::{GeoPoint, Lane, Lanes, Network, Node, NodeKind, RateCard};
use crate::orders::{Channel, Line, Order, Plan};

use super::{CapacityBook, DemandRates, Explanation, NetworkView, Policy, RegionWalks};

/// Distribution center in Columbus, Ohio.
pub(crate) const COLUMBUS: NodeId = NodeId(0);
/// Distribution center in Reno, Nevada.
pub(crate) const RENO: NodeId = NodeId(1);
/// Store in Chicago, Illinois.
pub(crate) const CHICAGO: NodeId = NodeId(2);
/// Store in Pittsburgh, Pennsylvania.
pub(crate) const PITTSBURGH: NodeId = NodeId(3);
/// Store in Sacramento, California.
pub(crate) const SACRAMENTO: NodeId = NodeId(4);

/// A T-shirt, 0.3 kg.
pub(crate) const TEE: SkuId = SkuId(0);
/// Jeans, 0.8 kg.
pub(crate) const JEANS: SkuId = SkuId(1);
/// Boots, 1.5 kg.
pub(crate) const BOOTS: SkuId = SkuId(2);
/// A desk, 12 kg.
pub(crate) const DESK: SkuId = SkuId(3);

/// A customer in Cleveland, Ohio.
pub(crate) const CLEVELAND: GeoPoint = GeoPoint::new(41.4993, -81.6944);
/// A customer in Evanston, Illinois, just north of Chicago.
pub(crate) const EVANSTON: GeoPoint = GeoPoint::new(42.0451, -87.6877);
/// A customer in San Francisco, California.
pub(crate) const SAN_FRANCISCO: GeoPoint = GeoPoint::new(37.7749, -122.4194);

/// One transfer lane of a day.
fn lane(cost_per_unit: f64) -> Lane {
    Lane { cost_per_unit, lead_time: SimTime::DAY }
}

/// The five-node network described in the module docs.
pub(crate) fn network() -> Network {
    let nodes = vec![
        Node::new("dc-columbus", NodeKind::Dc, GeoPoint::new(39.9612, -82.9988)),
        Node::new("dc-reno", NodeKind::Dc, GeoPoint::new(39.5296, -119.8138)),
        Node::new("store-chicago", NodeKind::Store, GeoPoint::new(41.8781, -87.6298)),
        Node::new("store-pittsburgh", NodeKind::Store, GeoPoint::new(40.4406, -79.9959)),
        Node::new("store-sacramento", NodeKind::Store, GeoPoint::new(38.5816, -121.4944)),
    ];
    let mut lanes = Lanes::new(nodes.len());
    lanes.add_lane(COLUMBUS, CHICAGO, lane(0.40)).expect("valid lane");
    lanes.add_lane(COLUMBUS, PITTSBURGH, lane(0.30)).expect("valid lane");
    lanes.add_lane(RENO, SACRAMENTO, lane(0.35)).expect("valid lane");
    Network::new(nodes, RateCard::us_default(), lanes).expect("valid network")
}

fn sku(name: &str, weight_kg: f64, price: f64) -> Sku {
    Sku {
        name: name.to_string(),
        price,
        unit_cost: price * 0.4,
        weight_kg,
        category: 0,
        season_end_day: None,
        clearance_price: price * 0.3,
        popularity: 1.0,
    }
}

/// The four SKUs: tee 0.3 kg, jeans 0.8 kg, boots 1.5 kg, desk 12 kg.
pub(crate) fn catalog() -> Catalog {
    let skus = vec![
        sku("tee", 0.3, 20.0),
        sku("jeans", 0.8, 60.0),
        sku("boots", 1.5, 120.0),
        sku("desk", 12.0, 250.0),
    ];
    Catalog::new(skus, vec!["apparel".to_string()])
}

/// A live ledger for the five nodes and four SKUs holding exactly `stock`.
pub(crate) fn ledger(stock: &[(NodeId, SkuId, Units)]) -> Ledger {
    let mut ledger = Ledger::new(5, 4);
    for &(node, sku, units) in stock {
        ledger.receive(node, sku, units).expect("ids are in range");
    }
    ledger
}

/// An order placed at time zero with `lines` (sku, units).
fn order(channel: Channel, customer: GeoPoint, lines: &[(SkuId, Units)]) -> Order {
    Order {
        id: OrderId(0),
        channel,
        placed_at: SimTime::ZERO,
        customer,
        region: 0,
        store: None,
        promise_days: None,
        lines: lines.iter().map(|&(sku, units)| Line { sku, units }).collect(),
    }
}

/// A web order shipped to `customer`.
pub(crate) fn web(customer: GeoPoint, lines: &[(SkuId, Units)]) -> Order {
    order(Channel::Web, customer, lines)
}

/// A BOPIS order collected at `store` by a customer living next to it.
pub(crate) fn bopis(store: NodeId, lines: &[(SkuId, Units)]) -> Order {
    let home = network().node(store).location;
    Order { store: Some(store), ..order(Channel::Bopis, home, lines) }
}

/// Everything a policy looks at, owned, so a test can change one part and plan.
pub(crate) struct World {
    pub(crate) network: Network,
    pub(crate) catalog: Catalog,
    pub(crate) ledger: Ledger,
    pub(crate) capacity: CapacityBook,
    pub(crate) rates: Option<DemandRates>,
    pub(crate) walks: Option<RegionWalks>,
}

impl World {
    /// The fixture network and catalog, a ledger holding `stock`, nothing booked yet.
    pub(crate) fn new(stock: &[(NodeId, SkuId, Units)]) -> Self {
        let network = network();
        let capacity = CapacityBook::new(&network);
        World {
            network,
            catalog: catalog(),
            ledger: ledger(stock),
            capacity,
            rates: None,
            walks: None,
        }
    }

    /// Gives `node` a daily capacity of `per_day` orders and books `used` of them today.
    pub(crate) fn load(&mut self, node: NodeId, per_day: u32, used: u32) {
        self.network.nodes[node.index()].capacity_per_day = per_day;
        let mut book = CapacityBook::new(&self.network);
        for id in self.network.ids() {
            let already = if id == node { used } else { self.capacity.used(id) };
            (0..already).for_each(|_| book.book(id));
        }
        self.capacity = book;
    }

    /// What a policy sees of this world.
    pub(crate) fn view(&self) -> NetworkView<'_> {
        NetworkView {
            network: &self.network,
            catalog: &self.catalog,
            ledger: &self.ledger,
            capacity: &self.capacity,
            rates: self.rates.as_ref(),
            offline: &[],
            walks: self.walks.as_ref(),
        }
    }

    /// The plan `policy` makes for `order`.
    pub(crate) fn plan(&self, policy: &mut dyn Policy, order: &Order) -> Plan {
        policy.plan(order, &self.view(), None)
    }

    /// The plan `policy` makes for `order`, with its explanation.
    pub(crate) fn explain(&self, policy: &mut dyn Policy, order: &Order) -> (Plan, Explanation) {
        let mut explanation = Explanation::default();
        let plan = policy.plan(order, &self.view(), Some(&mut explanation));
        (plan, explanation)
    }
}

/// The plan's assignments as (line, node, units), in the order they were made.
pub(crate) fn placed(plan: &Plan) -> Vec<(usize, NodeId, Units)> {
    plan.assignments.iter().map(|a| (a.line, a.node, a.units)).collect()
}

/// Asserts `actual` is within `1e-6` of `expected`.
pub(crate) fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-6, "expected {expected}, got {actual}");
}

/// Asserts `actual` is within `0.1` of `expected` (distances quoted to one decimal).
pub(crate) fn assert_miles(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 0.1, "expected {expected} miles, got {actual}");
}
