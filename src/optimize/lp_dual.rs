//! The `lp_dual` policy (after Acimovic and Graves, 2015): route each order to minimize its
//! immediate cost plus the shadow prices of the units it takes, the prices coming from a
//! transportation LP of forecast demand against the network's inventory, re-solved
//! periodically.
//!
//! Key types: [`LpDual`] (the policy), [`LpDualParams`], [`DualPrices`] and
//! [`dual_prices`] (one solve). Draws no random numbers, does no I/O, reads the ledger only.
//!
//! The pricing LP, one transportation problem per SKU `s` (SKUs share nothing, so the
//! problem separates):
//!
//! - supply points: the nodes that can ship and stock `s`, with `a_ns` = visible ATP plus
//!   units in transit arriving within the window, less (for stores) the store-channel demand
//!   forecast over the window;
//! - demand points: the forecast regions (state centroids), `d_rs` = ship-to-home rate of
//!   `s` from region `r` times the window `W` (the `forecast_days` parameter, default the
//!   vendor lead time: the rest of the replenishment cycle, cut at the SKU's season end);
//! - cost per unit `c_nrs` = pick + pack at `n` + the parcel of one unit from `n` to the
//!   centroid of `r`; a unit of demand not served costs `cancel_penalty`;
//! - `min sum c x + p u` s.t. `sum_r x_nr <= a_n` (dual `lambda_n >= 0`),
//!   `sum_n x_nr + u_r = d_r`, `x, u >= 0`.
//!
//! `lambda_ns`, the opportunity cost of a unit of `s` at `n`, comes from the exact min-cost
//! flow solution (`transport.rs`): microlp returns no duals. Successive shortest paths is
//! exact and costs O((m + n) (m + n + 2)^2) per SKU with m nodes and n regions; an interior
//! point solver (Clarabel) would give approximate duals of a degenerate LP, which are not
//! unique and need a crossover to be usable as prices.
//!
//! Routing: among the capable nodes with room today, the cheaper of (a) the best single node
//! holding every line, at `pack + base + sum units (pick + kg price + lambda)`, and (b) a
//! line-by-line greedy that adds each line where its marginal cost plus `lambda` is least;
//! lines no node can take whole go to the `greedy_cost` rule stack (free split), then to
//! cancellation. Pickup orders are routed by `greedy_cost` (the model prices parcels only).
//!
//! Reference: J. Acimovic and S. C. Graves, "Making better fulfillment decisions on the fly
//! in an online retail environment", Manufacturing & Service Operations Management 17(1),
//! 2015, pp. 34-51.

use std::collections::HashMap;
use std::sync::Arc;

use super::forecast::Forecast;
use super::transport::{Transport, TransportError, solve_transport};
use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::network::great_circle_miles;
use crate::orders::{Assignment, CancelReason, Channel, Order, Plan, Unserved};
use crate::routing::{Explanation, NetworkView, Policy, RuleStack, presets, ship_method};

/// The knobs of `lp_dual`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LpDualParams {
    /// Seconds between two solves of the pricing LP.
    pub resolve_every: u64,
    /// Days of forecast demand the inventory is priced against.
    pub forecast_days: f64,
    /// Penalty per unit of forecast demand left unserved.
    pub cancel_penalty: f64,
}

impl Default for LpDualParams {
    fn default() -> Self {
        LpDualParams { resolve_every: SimTime::DAY, forecast_days: 7.0, cancel_penalty: 50.0 }
    }
}

/// The opportunity cost of a unit at each (node, sku); zero where not priced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DualPrices {
    prices: HashMap<(NodeId, SkuId), f64>,
}

impl DualPrices {
    /// The price of one unit of `sku` at `node`.
    pub fn get(&self, node: NodeId, sku: SkuId) -> f64 {
        self.prices.get(&(node, sku)).copied().unwrap_or(0.0)
    }

    /// How many (node, sku) have a positive price.
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Whether no unit has a positive price.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }
}

/// Solves the pricing LP of every SKU with forecast demand, as `view` sees the network now.
pub fn dual_prices(
    forecast: &Forecast,
    view: &NetworkView<'_>,
    params: &LpDualParams,
) -> Result<DualPrices, TransportError> {
    let now = view.ledger.now();
    let shippers: Vec<NodeId> =
        view.network.ids().filter(|&n| ship_method(view.network, n).is_some()).collect();
    let lanes = parcel_table(forecast, view, &shippers);
    let mut prices = DualPrices::default();
    for sku in view.catalog.ids() {
        let days = window_days(view, sku, now, params.forecast_days);
        if days <= 0.0 {
            continue;
        }
        let Some((nodes, problem)) =
            sku_problem(forecast, view, &shippers, &lanes, sku, days, params)
        else {
            continue;
        };
        let solution = solve_transport(&problem)?;
        for (node, price) in nodes.into_iter().zip(solution.supply_price) {
            if price > 1e-9 {
                prices.prices.insert((node, sku), price);
            }
        }
    }
    Ok(prices)
}

/// Days of demand to price `sku` against: the window, cut at the SKU's season end.
fn window_days(view: &NetworkView<'_>, sku: SkuId, now: SimTime, days: f64) -> f64 {
    match view.catalog.sku(sku).season_end_day {
        Some(end) => days.min(SimTime::from_days(end).0.saturating_sub(now.0) as f64 / 86_400.0),
        None => days,
    }
}

/// Per shipper and region: fixed cost of a one-unit parcel (pick, pack, base) and the price
/// per kilogram.
fn parcel_table(
    forecast: &Forecast,
    view: &NetworkView<'_>,
    shippers: &[NodeId],
) -> Vec<Vec<(f64, f64)>> {
    shippers
        .iter()
        .map(|&n| {
            let node = view.network.node(n);
            forecast
                .regions
                .iter()
                .map(|&r| {
                    let zone =
                        view.network.rate_card.zone_for(great_circle_miles(node.location, r));
                    let fixed =
                        node.pick_cost_per_unit + node.pack_cost_per_shipment + zone.parcel_cost;
                    (fixed, zone.cost_per_kg)
                })
                .collect()
        })
        .collect()
}

/// The transportation problem of `sku`, with the node of each supply point; `None` when
/// nothing is forecast or nothing is stocked.
fn sku_problem(
    forecast: &Forecast,
    view: &NetworkView<'_>,
    shippers: &[NodeId],
    lanes: &[Vec<(f64, f64)>],
    sku: SkuId,
    days: f64,
    params: &LpDualParams,
) -> Option<(Vec<NodeId>, Transport)> {
    let demand: Vec<f64> =
        (0..forecast.regions.len()).map(|r| forecast.region_rate(r, sku) * days).collect();
    if demand.iter().sum::<f64>() <= 1e-9 {
        return None;
    }
    let horizon = view.ledger.now().plus((days * 86_400.0) as u64);
    let weight = view.catalog.sku(sku).weight_kg;
    let mut nodes = Vec::new();
    let mut supply = Vec::new();
    let mut cost = Vec::new();
    for (k, &n) in shippers.iter().enumerate() {
        let incoming: Units = view
            .ledger
            .in_transit_batches(n, sku)
            .iter()
            .filter(|b| b.0 <= horizon)
            .map(|b| b.1)
            .sum();
        let held = f64::from(view.atp(n, sku)) + f64::from(incoming);
        let units = (held - forecast.store_rate(n, sku) * days).max(0.0);
        if held <= 0.0 {
            continue;
        }
        nodes.push(n);
        supply.push(units);
        cost.extend(lanes[k].iter().map(|&(fixed, per_kg)| fixed + per_kg * weight));
    }
    if nodes.is_empty() {
        return None;
    }
    Some((nodes, Transport { supply, demand, cost, penalty: params.cancel_penalty }))
}

/// The `lp_dual` policy.
#[derive(Clone, Debug)]
pub struct LpDual {
    name: String,
    params: LpDualParams,
    forecast: Arc<Forecast>,
    prices: DualPrices,
    next_solve: SimTime,
    solves: u64,
    failures: u64,
    fallback: RuleStack,
}

impl LpDual {
    /// A policy named `name` pricing against `forecast`.
    pub fn new(name: impl Into<String>, params: LpDualParams, forecast: Arc<Forecast>) -> Self {
        LpDual {
            name: name.into(),
            params,
            forecast,
            prices: DualPrices::default(),
            next_solve: SimTime::ZERO,
            solves: 0,
            failures: 0,
            fallback: presets::greedy_cost(),
        }
    }

    /// The prices in force.
    pub fn prices(&self) -> &DualPrices {
        &self.prices
    }

    /// Solves the pricing LP again when it is due.
    fn refresh(&mut self, view: &NetworkView<'_>) {
        let now = view.ledger.now();
        if now < self.next_solve {
            return;
        }
        self.next_solve = now.plus(self.params.resolve_every.max(1));
        match dual_prices(&self.forecast, view, &self.params) {
            Ok(prices) => {
                self.prices = prices;
                self.solves += 1;
            }
            Err(cause) => {
                // Keep yesterday's prices; a failure is counted and logged, never fatal.
                self.failures += 1;
                tracing::warn!(policy = %self.name, day = now.day(), %cause, "pricing LP failed");
            }
        }
    }

    /// The price-aware plan of a ship-to-home order.
    fn plan_parcels(&self, order: &Order, view: &NetworkView<'_>) -> Plan {
        let shippers: Vec<NodeId> = candidates(order, view);
        let single = self.best_single(order, view, &shippers);
        let greedy = self.line_greedy(order, view, &shippers);
        let mut plan = match single {
            Some((cost, plan)) if cost <= greedy.0 + 1e-9 => plan,
            _ => greedy.1,
        };
        self.place_leftovers(order, view, &shippers, &mut plan);
        plan
    }

    /// Unit cost of line `l` at `node`: pick, parcel weight price and the unit's shadow price.
    fn unit_cost(
        &self,
        order: &Order,
        l: usize,
        node: NodeId,
        per_kg: f64,
        view: &NetworkView<'_>,
    ) -> f64 {
        let sku = order.lines[l].sku;
        view.network.node(node).pick_cost_per_unit
            + per_kg * view.catalog.sku(sku).weight_kg
            + self.prices.get(node, sku)
    }

    /// The cheapest node that holds every line, with its priced cost.
    fn best_single(
        &self,
        order: &Order,
        view: &NetworkView<'_>,
        shippers: &[NodeId],
    ) -> Option<(f64, Plan)> {
        shippers
            .iter()
            .filter(|&&n| order.lines.iter().all(|l| view.atp(n, l.sku) >= l.units))
            .map(|&n| {
                let (fixed, per_kg) = super::batch::parcel_terms(order, n, view);
                let lines: f64 = (0..order.lines.len())
                    .map(|l| {
                        f64::from(order.lines[l].units) * self.unit_cost(order, l, n, per_kg, view)
                    })
                    .sum();
                (fixed + lines, n)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(cost, n)| {
                let placed = (0..order.lines.len()).map(|l| (l, n, order.lines[l].units)).collect();
                (cost, to_plan(view, placed))
            })
    }

    /// Each line where its marginal priced cost is least, given the parcels already opened.
    fn line_greedy(
        &self,
        order: &Order,
        view: &NetworkView<'_>,
        shippers: &[NodeId],
    ) -> (f64, Plan) {
        let mut opened: Vec<NodeId> = Vec::new();
        let mut placed = Vec::new();
        let mut total = 0.0;
        for (l, line) in order.lines.iter().enumerate() {
            let best = shippers
                .iter()
                .filter(|&&n| view.atp(n, line.sku) >= line.units)
                .map(|&n| {
                    let (fixed, per_kg) = super::batch::parcel_terms(order, n, view);
                    let open = if opened.contains(&n) { 0.0 } else { fixed };
                    (open + f64::from(line.units) * self.unit_cost(order, l, n, per_kg, view), n)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            if let Some((cost, n)) = best {
                total += cost;
                if !opened.contains(&n) {
                    opened.push(n);
                }
                placed.push((l, n, line.units));
            }
        }
        (total, to_plan(view, placed))
    }

    /// Lines no single node could take whole: spread over the nodes by priced cost (parcels
    /// already opened first), the rest cancelled.
    fn place_leftovers(
        &self,
        order: &Order,
        view: &NetworkView<'_>,
        shippers: &[NodeId],
        plan: &mut Plan,
    ) {
        for (l, line) in order.lines.iter().enumerate() {
            let mut left = line.units - plan.placed_units(l).min(line.units);
            if left == 0 {
                continue;
            }
            let opened = plan.nodes();
            let mut ranked: Vec<(f64, NodeId)> = shippers
                .iter()
                .filter(|&&n| view.atp(n, line.sku) > 0)
                .map(|&n| {
                    let (fixed, per_kg) = super::batch::parcel_terms(order, n, view);
                    let open = if opened.contains(&n) { 0.0 } else { fixed };
                    (open + self.unit_cost(order, l, n, per_kg, view), n)
                })
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut placed = Vec::new();
            for (_, n) in ranked {
                let take = view.atp(n, line.sku).min(left);
                placed.push((l, n, take));
                left -= take;
                if left == 0 {
                    break;
                }
            }
            plan.assignments.extend(to_plan(view, placed).assignments);
            if left > 0 {
                let stocked =
                    view.ledger.stocking_nodes(line.sku).any(|n| view.atp(n, line.sku) > 0);
                let reason = if stocked && shippers.is_empty() {
                    CancelReason::Capacity
                } else {
                    CancelReason::NoStock
                };
                plan.unserved.push(Unserved { line: l, units: left, reason });
            }
        }
    }

    /// Pricing LPs solved so far.
    pub fn solves(&self) -> u64 {
        self.solves
    }
}

/// The nodes that can ship, have room today and hold some line.
fn candidates(order: &Order, view: &NetworkView<'_>) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> = Vec::new();
    for line in &order.lines {
        for n in view.ledger.stocking_nodes(line.sku) {
            let usable = !nodes.contains(&n)
                && view.atp(n, line.sku) > 0
                && ship_method(view.network, n).is_some()
                && view.capacity.has_room(n, 1.0);
            if usable {
                nodes.push(n);
            }
        }
    }
    nodes
}

/// A plan of parcels from (line, node, units).
pub(crate) fn to_plan(view: &NetworkView<'_>, placed: Vec<(usize, NodeId, Units)>) -> Plan {
    let assignments = placed
        .into_iter()
        .filter_map(|(line, node, units)| {
            let method = ship_method(view.network, node)?;
            Some(Assignment { line, node, units, method, destination: node })
        })
        .collect();
    Plan { assignments, unserved: Vec::new() }
}

/// Whether the order ships parcels to the customer (the orders the LP models price).
pub(crate) fn ships_to_home(order: &Order) -> bool {
    matches!(order.channel, Channel::Web | Channel::Marketplace) && order.store.is_none()
}

impl Policy for LpDual {
    fn name(&self) -> &str {
        &self.name
    }

    fn plan(
        &mut self,
        order: &Order,
        view: &NetworkView<'_>,
        explain: Option<&mut Explanation>,
    ) -> Plan {
        if !ships_to_home(order) {
            return self.fallback.plan(order, view, explain);
        }
        self.refresh(view);
        let plan = self.plan_parcels(order, view);
        if let Some(e) = explain {
            record(e, &self.name, &plan);
        }
        plan
    }

    fn reroute(
        &mut self,
        order: &Order,
        line: usize,
        units: Units,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
    ) -> Vec<Assignment> {
        self.fallback.reroute(order, line, units, exclude, view)
    }

    fn counters(&self) -> Vec<(&'static str, f64)> {
        vec![("lp_dual_solves", self.solves as f64), ("lp_fallbacks", self.failures as f64)]
    }
}

/// Records an optimizer's choice in an explanation (the LP has no per-rule trace).
pub(crate) fn record(e: &mut Explanation, policy: &str, plan: &Plan) {
    e.policy = policy.to_string();
    for a in &plan.assignments {
        e.line_mut(a.line).chosen.push((a.node, a.units));
    }
    for u in &plan.unserved {
        e.line_mut(u.line).fallback = Some(format!("cancel ({})", u.reason));
    }
}

#[cfg(test)]
mod tests;
