//! The hindsight bound: the realized ship-to-home orders of a replication assigned offline,
//! with perfect knowledge and in no particular order, to the realized supply by a linear
//! program, whose optimum is a lower bound on the cost any policy paid for them.
//!
//! Key types: [`Hindsight`] (collects orders, solves), [`BoundValue`]. No I/O, no
//! randomness; the simulator feeds it and supplies the supply.
//!
//! The objective every policy is measured on (the simulator's `objective_cost`) is, per
//! measured web or marketplace order: pick and pack + parcel + transfer cost + `p` per unit
//! the retailer cancelled. The bound relaxes it to a transportation problem per SKU `s`:
//!
//! - demand groups `g = (k, b)`: units of `s` in orders whose customer sees the vector `k`
//!   of prices per kilogram from the nodes that ship (one zone per node), and whose cheapest
//!   parcel (over the nodes that ship: pack + the zone's base price to that customer),
//!   divided by the order's units, is `b`;
//! - supply points: the nodes that ship, with `a_ns` = units reserved there for measured
//!   parcels by the policy (reroutes included) + its ATP left at the end of the replication;
//! - cost per unit `c_ngs = pick_n + k_n w_s + b`; a unit not served costs `p`;
//! - `min sum c x + p u` s.t. `sum_g x_ng <= a_n`, `sum_n x_ng + u_g = d_g`, `x, u >= 0`.
//!
//! Why it is a lower bound: a served order pays at least one parcel, which costs at least
//! its cheapest parcel, which is at least `b` per served unit; each unit pays its pick and
//! `k_n w_s` of weight price at the node it ships from; units not served pay `p`
//! in both; every unit a policy ships for a measured order was reserved and counted in
//! `a_n`; capacity, timing and the order of arrival are relaxed. Transfers and returns are
//! not modelled (parcels carry no transfer cost; returns are outside the objective).
//! Grouping is exact (orders in a group have identical cost vectors) and shrinks a national
//! year by orders of magnitude: its millions of orders share 137,525 price vectors over the 505
//! shippers (zones are few), and a parcel's base price over an order's units takes few
//! values, so a SKU has 732 demand groups on average (189,446 at most).
//!
//! Complexity: one transportation problem per SKU over the shippers holding it, solved
//! exactly by repairing the greedy assignment (`transport/repair.rs`): every group at its
//! cheapest node is already the optimum for most SKUs, and where the supply binds the
//! repair moves only what must move. No dense cost table is built: a price pattern is
//! stored as one byte per shipper (a code for the zone's price per kilogram, so a rate card
//! may have at most 256 zones), and per SKU a table of `pick + price per kg x weight` by
//! shipper and code (a few kilobytes) gives a group's cost as one byte read, one look-up and
//! its share. Groups whose patterns agree on the shippers holding the SKU rank those
//! shippers alike (their costs differ by the shares, a constant for every such shipper), so
//! they go to the solver as one class, which it relaxes once; the solver drops the empty
//! shippers before it reads a class, so where their prices differ does not matter.

use std::collections::HashMap;

use rayon::prelude::*;

use super::transport::{Classes, Repaired, TransportError, solve_by_repair};
use crate::catalog::Catalog;
use crate::ids::{NodeId, SkuId};
use crate::network::{GeoPoint, Network, RateCard, Zone, great_circle_miles};
use crate::orders::Order;
use crate::routing::ship_method;

/// Realized demand collected for the bound.
#[derive(Clone, Debug)]
pub struct Hindsight {
    penalty: f64,
    shippers: Vec<NodeId>,
    /// Per zone of the rate card, its price code: the index of the first zone with the same
    /// price per kilogram (so equal prices make one pattern, as equal bits did before).
    price_codes: Vec<u8>,
    /// Distinct vectors of price codes from each shipper (one byte per shipper), and their
    /// index; stored once, as keys (`solve` lists them by index).
    pattern_index: HashMap<Vec<u8>, u32>,
    /// Per demand region, the shippers' distances to one customer of it (see [`Anchor`]).
    anchors: HashMap<u32, Anchor>,
    /// Per SKU, units per (price pattern, fixed cost share bits).
    demand: HashMap<SkuId, HashMap<(u32, u64), f64>>,
    orders: u64,
}

/// The bound's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundValue {
    /// The optimal objective over all SKUs.
    pub total: f64,
    /// Orders it covers.
    pub orders: u64,
    /// Units it could not serve from the supply (paid at the penalty).
    pub unserved: f64,
}

impl Hindsight {
    /// An empty collector for `network`, charging `penalty` per unit not served.
    ///
    /// Errors: `Invalid` when the rate card has more zones than a byte can code
    /// ([`MAX_ZONES`]).
    pub fn new(network: &Network, penalty: f64) -> Result<Self, TransportError> {
        let zones = &network.rate_card.zones;
        if zones.len() > MAX_ZONES {
            let what = "number of rate card zones (the hindsight bound codes at most 256)";
            return Err(TransportError::Invalid { what, value: zones.len() as f64 });
        }
        let price_codes = zones
            .iter()
            .map(|zone| {
                let same = |other: &Zone| other.cost_per_kg.to_bits() == zone.cost_per_kg.to_bits();
                // The zone itself matches, and there are at most 256 zones.
                zones.iter().position(same).map_or(0, |code| code as u8)
            })
            .collect();
        let shippers = network.ids().filter(|&n| ship_method(network, n).is_some()).collect();
        Ok(Hindsight {
            penalty,
            shippers,
            price_codes,
            pattern_index: HashMap::new(),
            anchors: HashMap::new(),
            demand: HashMap::new(),
            orders: 0,
        })
    }

    /// Adds a measured ship-to-home order.
    pub fn add_order(&mut self, network: &Network, order: &Order) {
        let units = f64::from(order.units().max(1));
        let zones = self.shipper_zones(network, order.region, order.customer);
        let mut cheapest = f64::INFINITY;
        let mut key = Vec::with_capacity(self.shippers.len());
        for (&n, zone) in self.shippers.iter().zip(zones) {
            let parcel = network.rate_card.zones[zone].parcel_cost;
            cheapest = cheapest.min(network.node(n).pack_cost_per_shipment + parcel);
            key.push(self.price_codes[zone]);
        }
        let share = if cheapest.is_finite() { cheapest / units } else { 0.0 };
        let next = self.pattern_index.len() as u32;
        let pattern = *self.pattern_index.entry(key).or_insert(next);
        for line in &order.lines {
            let groups = self.demand.entry(line.sku).or_default();
            *groups.entry((pattern, share.to_bits())).or_default() += f64::from(line.units);
        }
        self.orders += 1;
    }

    /// The zone (index into the rate card's zones) from each shipper to `customer`, exactly
    /// as `zone_for(great_circle_miles(node, customer))` would give it. Most come from the
    /// region's [`Anchor`] without trigonometry; the rest are computed.
    fn shipper_zones(&mut self, network: &Network, region: u32, customer: GeoPoint) -> Vec<usize> {
        let card = &network.rate_card;
        let miles = |n: NodeId| great_circle_miles(network.node(n).location, customer);
        let shippers = &self.shippers;
        let anchor = self.anchors.entry(region).or_insert_with(|| Anchor {
            at: customer,
            zones: shippers.iter().map(|&n| zone_and_margin(card, miles(n))).collect(),
        });
        let reach = great_circle_miles(anchor.at, customer) + ANCHOR_SLACK_MILES;
        shippers
            .iter()
            .zip(&anchor.zones)
            .map(
                |(&n, &(zone, margin))| if reach < margin { zone } else { zone_of(card, miles(n)) },
            )
            .collect()
    }

    /// Solves the bound, with `supply(node, sku)` the units each node could have shipped.
    /// `stop` is asked before each SKU; `None` when it asked to stop (Ctrl-C during a long
    /// solve). Logs the solve time (`tracing`, level info) so it can be told apart from the
    /// simulation's.
    ///
    /// SKUs are independent problems, solved in parallel on the current rayon pool (so
    /// `--threads` bounds it) and added up in SKU order: the value does not depend on the
    /// number of threads.
    pub fn solve(
        &self,
        network: &Network,
        catalog: &Catalog,
        supply: impl Fn(NodeId, SkuId) -> f64 + Sync,
        stop: impl Fn() -> bool + Sync,
    ) -> Result<Option<BoundValue>, TransportError> {
        let started = std::time::Instant::now();
        let mut patterns: Vec<&[u8]> = vec![&[]; self.pattern_index.len()];
        for (key, &index) in &self.pattern_index {
            patterns[index as usize] = key;
        }
        let prices = Prices {
            picks: self.shippers.iter().map(|&n| network.node(n).pick_cost_per_unit).collect(),
            per_kg: network.rate_card.zones.iter().map(|zone| zone.cost_per_kg).collect(),
            patterns,
        };
        let mut skus: Vec<SkuId> = self.demand.keys().copied().collect();
        skus.sort_unstable();
        // Each SKU's flows are dropped as soon as it is solved: kept for the 20,000 SKUs
        // of a national year, they would hold every demand group's flow at once.
        let solved: Vec<Option<Result<SkuBound, TransportError>>> = skus
            .par_iter()
            // One SKU per task: a few SKUs (the best sellers, low ids) take seconds and
            // most take milliseconds, and rayon splits a range only when a thread steals
            // from it, so larger tasks left one thread alone with the best sellers.
            .with_max_len(1)
            .map_init(
                || vec![0.0; prices.picks.len() * prices.per_kg.len()],
                |unit_cost, &sku| {
                    if stop() {
                        return None;
                    }
                    let weight = catalog.sku(sku).weight_kg;
                    let supply_row: Vec<f64> =
                        self.shippers.iter().map(|&n| supply(n, sku).max(0.0)).collect();
                    let sku_started = std::time::Instant::now();
                    let groups = &self.demand[&sku];
                    let solved = self.solve_sku(groups, weight, &supply_row, &prices, unit_cost);
                    let seconds = sku_started.elapsed().as_secs_f64();
                    if seconds >= SLOW_SKU_SECONDS {
                        let phases = solved.as_ref().map_or(0, |s| s.phases);
                        let groups = groups.len();
                        tracing::debug!(sku = sku.0, groups, phases, seconds, "slow bound SKU");
                    }
                    Some(solved.map(|s| SkuBound {
                        cost: s.cost,
                        unserved: s.unserved.iter().sum(),
                        repaired: s.phases > 0,
                    }))
                },
            )
            .collect();
        let mut value = BoundValue { total: 0.0, orders: self.orders, unserved: 0.0 };
        let mut repaired = 0usize;
        for solution in solved {
            let Some(solution) = solution else { return Ok(None) };
            let solution = solution?;
            repaired += usize::from(solution.repaired);
            value.total += solution.cost;
            value.unserved += solution.unserved;
        }
        tracing::info!(
            skus = self.demand.len(),
            repaired,
            orders = self.orders,
            seconds = started.elapsed().as_secs_f64(),
            "hindsight bound solved"
        );
        Ok(Some(value))
    }

    /// One SKU's transportation problem: its demand `groups`, its `weight` in kilograms and
    /// each shipper's supply of it; `unit_cost` is a scratch table of shippers x price codes.
    fn solve_sku(
        &self,
        groups: &HashMap<(u32, u64), f64>,
        weight: f64,
        supply_row: &[f64],
        prices: &Prices<'_>,
        unit_cost: &mut [f64],
    ) -> Result<Repaired, TransportError> {
        let mut entries: Vec<((u32, u64), f64)> = groups.iter().map(|(&k, &u)| (k, u)).collect();
        entries.sort_unstable_by_key(|&(key, _)| key);
        let (keys, units): (Vec<(u32, u64)>, Vec<f64>) = entries.into_iter().unzip();
        // Groups whose patterns agree on the shippers that hold the SKU differ by their
        // share alone: one class, offset by the share. The solver prices no arc from a
        // shipper without supply, and most SKUs are held by a few dozen of the 505, so
        // patterns far apart elsewhere fall in one class here.
        let holders: Vec<usize> = (0..supply_row.len()).filter(|&k| supply_row[k] > 0.0).collect();
        let mut class_of: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut classes = Classes::default();
        for (g, &(pattern, share)) in keys.iter().enumerate() {
            // Keys are sorted, so a pattern's groups are consecutive.
            let class = if g > 0 && keys[g - 1].0 == pattern {
                classes.class[g - 1]
            } else {
                let codes = prices.patterns[pattern as usize];
                let held: Vec<u8> = holders.iter().map(|&k| codes[k]).collect();
                let next = class_of.len() as u32;
                *class_of.entry(held).or_insert(next)
            };
            classes.class.push(class);
            classes.offset.push(f64::from_bits(share));
        }
        // Per shipper and price code: pick + price per kg x weight (as many codes as
        // zones, a few kilobytes). A group's cost is then its pattern's byte for the
        // shipper, a look-up, and its share: no dense table, and a pattern row is 505
        // bytes, not 505 prices.
        let codes = prices.per_kg.len();
        for (row, &pick) in unit_cost.chunks_exact_mut(codes).zip(&prices.picks) {
            for (cost, &per_kg) in row.iter_mut().zip(&prices.per_kg) {
                *cost = pick + per_kg * weight;
            }
        }
        let cost = |k: usize, g: usize| {
            let (pattern, share) = keys[g];
            let code = usize::from(prices.patterns[pattern as usize][k]);
            unit_cost[k * codes + code] + f64::from_bits(share)
        };
        solve_by_repair(supply_row, &units, self.penalty, &classes, cost)
    }
}

/// One SKU's share of the bound: its optimal cost, its units unserved, and whether the
/// greedy assignment had to be repaired.
struct SkuBound {
    cost: f64,
    unserved: f64,
    repaired: bool,
}

/// What every SKU's costs are built from: per shipper its pick cost, per zone its price
/// per kilogram, and the price patterns by index (one zone code per shipper).
struct Prices<'a> {
    picks: Vec<f64>,
    per_kg: Vec<f64>,
    patterns: Vec<&'a [u8]>,
}

/// Each shipper's zone to one customer of a demand region (the first one seen), and how far
/// that customer is from the nearest boundary of the zone's distance band.
///
/// Why: the bound needs each order's zone from all ~500 shippers, and a great-circle
/// distance costs five trigonometric calls. By the triangle inequality a customer `r` miles
/// from the anchor is within `r` miles of the anchor's distance to any node, so when `r`
/// (plus [`ANCHOR_SLACK_MILES`]) is under the margin, the zone is the anchor's and no
/// distance is computed. The customers of a region are scattered a few miles around its
/// centre, so most shippers pass: one comparison instead of a distance.
#[derive(Clone, Debug)]
struct Anchor {
    at: GeoPoint,
    /// Per shipper: (zone index, miles to the nearest band boundary).
    zones: Vec<(usize, f64)>,
}

/// A SKU whose solve takes this long is logged (`tracing`, level debug).
const SLOW_SKU_SECONDS: f64 = 1.0;

/// Zones a price code (one byte) can tell apart.
const MAX_ZONES: usize = 256;

/// Slack added to the customer's distance from the anchor, in miles: far above the rounding
/// of the haversine formula (under 1e-4 miles even near antipodes), so a zone read from the
/// anchor is the one the computed distance falls in.
const ANCHOR_SLACK_MILES: f64 = 0.01;

/// The zone index of a distance, as [`RateCard::zone_for`] picks the zone.
fn zone_of(card: &RateCard, miles: f64) -> usize {
    card.zone_index(miles).min(card.zones.len().saturating_sub(1))
}

/// The zone of `miles` and its distance to the nearest boundary of its band (bands are
/// `(previous bound, bound]`); NaN when `miles` is not a number, so no shortcut is taken.
fn zone_and_margin(card: &RateCard, miles: f64) -> (usize, f64) {
    let band = card.zone_index(miles);
    let lower = if band == 0 { f64::NEG_INFINITY } else { card.bands_miles[band - 1] };
    let upper = card.bands_miles.get(band).copied().unwrap_or(f64::INFINITY);
    (zone_of(card, miles), (miles - lower).min(upper - miles))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ids::Units;
    use crate::optimize::transport::{Transport, solve_transport};

    proptest! {
        /// Zones read from a region's anchor are the zones of the computed distances, for
        /// customers near the anchor (where the shortcut applies) and far from it.
        #[test]
        fn anchored_zones_are_the_computed_ones(
            centre in (25.0f64..49.0, -124.0f64..-67.0),
            offsets in prop::collection::vec((-4.0f64..4.0, -4.0f64..4.0, 0u32..3), 1..40),
        ) {
            let net = network();
            let mut h = Hindsight::new(&net, 50.0).expect("eight zones");
            for (dlat, dlon, region) in offsets {
                let spread = [0.05, 1.0, 5.0][region as usize];
                let customer =
                    GeoPoint { lat: centre.0 + dlat * spread, lon: centre.1 + dlon * spread };
                let zones = h.shipper_zones(&net, region, customer);
                for (&n, zone) in h.shippers.iter().zip(zones) {
                    let miles = great_circle_miles(net.node(n).location, customer);
                    let direct = net.rate_card.zone_for(miles);
                    prop_assert!(std::ptr::eq(&net.rate_card.zones[zone], direct));
                }
            }
        }

        /// SKUs solved in parallel add up in SKU order: the value is the same to the bit
        /// on one thread and on three, scarce supply or not.
        #[test]
        fn the_value_does_not_depend_on_the_threads(
            orders in prop::collection::vec(
                (-3.0f64..3.0, -8.0f64..8.0, 0u32..4, prop::collection::vec((0u32..4, 1u32..4), 1..4)),
                1..60,
            ),
            stock in prop::collection::vec(0u32..6, 20),
        ) {
            let net = network();
            let cat = catalog();
            let h = collected(&net, 50.0, orders);
            let supply = |n: NodeId, s: SkuId| f64::from(stock[(n.0 as usize * 4 + s.0 as usize) % 20]);
            let on = |threads| {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
                pool.install(|| h.solve(&net, &cat, supply, || false)).expect("solves").expect("runs")
            };
            let (one, three) = (on(1), on(3));
            prop_assert_eq!(one.total.to_bits(), three.total.to_bits());
            prop_assert_eq!(one.unserved.to_bits(), three.unserved.to_bits());
        }

        /// The bound is, SKU by SKU, the optimum of its transportation problem written out
        /// in full (each demand group a demand point, each shipper a supply point, every
        /// cost priced directly): classes and the repair change how it is found, not what
        /// it is.
        #[test]
        fn the_value_is_the_optimum_of_the_problem_written_out(
            orders in prop::collection::vec(
                (-6.0f64..6.0, -12.0f64..12.0, 0u32..4, prop::collection::vec((0u32..4, 1u32..5), 1..4)),
                1..60,
            ),
            stock in prop::collection::vec(prop::sample::select(vec![0u32, 0, 1, 2, 5]), 20),
        ) {
            let net = network();
            let cat = catalog();
            let h = collected(&net, 30.0, orders);
            let supply = |n: NodeId, s: SkuId| f64::from(stock[(n.0 as usize * 4 + s.0 as usize) % 20]);
            let bound = h.solve(&net, &cat, supply, || false).expect("solves").expect("runs");

            let mut patterns = vec![Vec::new(); h.pattern_index.len()];
            for (key, &index) in &h.pattern_index {
                patterns[index as usize].clone_from(key);
            }
            let mut written_out = 0.0;
            for (&sku, groups) in &h.demand {
                let weight = cat.sku(sku).weight_kg;
                let groups: Vec<(&(u32, u64), &f64)> = groups.iter().collect();
                let mut cost = Vec::new();
                for (k, &n) in h.shippers.iter().enumerate() {
                    for &(&(pattern, share), _) in &groups {
                        let zone = &net.rate_card.zones[usize::from(patterns[pattern as usize][k])];
                        let pick = net.node(n).pick_cost_per_unit;
                        cost.push(pick + zone.cost_per_kg * weight + f64::from_bits(share));
                    }
                }
                let problem = Transport {
                    supply: h.shippers.iter().map(|&n| supply(n, sku)).collect(),
                    demand: groups.iter().map(|&(_, &units)| units).collect(),
                    cost,
                    penalty: h.penalty,
                };
                written_out += solve_transport(&problem).expect("solves").cost;
            }
            let scale = 1.0 + written_out.abs();
            prop_assert!((bound.total - written_out).abs() <= 1e-9 * scale, "{} vs {}", bound.total, written_out);
        }

        /// Every distance closer to `miles` than its margin lies in the same zone.
        #[test]
        fn distances_within_the_margin_share_the_zone(miles in 0.0f64..3000.0, t in -1.0f64..1.0) {
            let card = RateCard::us_default();
            let (zone, margin) = zone_and_margin(&card, miles);
            prop_assert_eq!(zone, zone_of(&card, miles));
            prop_assert!(margin > 0.0 || miles == 0.0 || card.bands_miles.contains(&miles));
            let near = miles + t * (margin - 1e-9).max(0.0);
            prop_assert_eq!(zone_of(&card, near), zone);
            if margin.is_finite() {
                let edge = [miles - margin, miles + margin];
                let on_a_bound = |e: &f64| card.bands_miles.iter().any(|b| (b - e).abs() < 1e-9);
                prop_assert!(edge.iter().any(on_a_bound));
            }
        }
    }

    use crate::routing::testkit::{CLEVELAND, COLUMBUS, JEANS, RENO, TEE, catalog, network, web};

    /// A drawn order: the customer's offset in degrees from (40, -90), its region and its
    /// lines as (SKU, units).
    type Drawn = (f64, f64, u32, Vec<(u32, u32)>);

    /// A bound at `penalty` that has collected `orders`.
    fn collected(net: &Network, penalty: f64, orders: Vec<Drawn>) -> Hindsight {
        let mut h = Hindsight::new(net, penalty).expect("eight zones");
        for (dlat, dlon, region, lines) in orders {
            let customer = GeoPoint { lat: 40.0 + dlat, lon: -90.0 + dlon };
            let lines: Vec<(SkuId, Units)> =
                lines.into_iter().map(|(s, u)| (SkuId(s), u)).collect();
            let mut order = web(customer, &lines);
            order.region = region;
            h.add_order(net, &order);
        }
        h
    }

    #[test]
    fn one_order_costs_its_cheapest_parcel_and_scarcity_moves_the_rest() {
        // Cleveland's cheapest parcel: Columbus (zone 2) pack 1.25 + 8.60 = 9.85 for two
        // units, 4.925 per unit. Units: tee at Columbus 0.35 + 0.6 * 0.3 + 4.925 = 5.455;
        // jeans at Columbus 0.35 + 0.48 + 4.925 = 5.755.
        let net = network();
        let cat = catalog();
        let mut h = Hindsight::new(&net, 50.0).expect("eight zones");
        let mut order = web(CLEVELAND, &[(TEE, 1), (JEANS, 1)]);
        order.region = 7;
        h.add_order(&net, &order);
        let solve = |supply: &(dyn Fn(NodeId, SkuId) -> f64 + Sync)| {
            h.solve(&net, &cat, supply, || false).expect("solves").expect("never stopped")
        };
        let plenty = solve(&|_, _| 10.0);
        assert!((plenty.total - (5.455 + 5.755)).abs() < 1e-6, "{plenty:?}");

        // No jeans at Columbus: Reno (zone 8, 1.40/kg) ships them, 0.35 + 1.12 + 4.925.
        let scarce = solve(&|n, s| if n == COLUMBUS && s == JEANS { 0.0 } else { 5.0 });
        assert!((scarce.total - (5.455 + 0.35 + 1.12 + 4.925)).abs() < 1e-6, "{scarce:?}");
        let none = solve(&|_, _| 0.0);
        assert_eq!(h.solve(&net, &cat, |_, _| 1.0, || true), Ok(None), "stopped at once");
        assert!((none.total - 100.0).abs() < 1e-9);
        assert!((none.unserved - 2.0).abs() < 1e-9);
        let _ = RENO;
    }

    #[test]
    fn a_rate_card_a_byte_cannot_code_is_refused() {
        let mut net = network();
        let last = *net.rate_card.zones.last().expect("zones");
        net.rate_card.zones.resize(MAX_ZONES + 1, last);
        let err = Hindsight::new(&net, 50.0).expect_err("257 zones");
        assert!(err.to_string().contains("codes at most 256"), "{err}");
        net.rate_card.zones.truncate(MAX_ZONES);
        assert!(Hindsight::new(&net, 50.0).is_ok());
    }
}
