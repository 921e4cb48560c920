//! The `lp_batch` model: orders collected over a window, assigned together by a linear
//! program over each order's K best candidate nodes, then rounded to plans that respect ATP
//! and capacity.
//!
//! Key types: [`BatchInstance`] (orders, candidates, ATP positions, remaining capacity),
//! [`BatchParams`], [`BatchLp`] (the relaxed solution) and [`RoundedOrder`] (one order's
//! integral decision). [`BatchInstance::build`] reads a [`NetworkView`]; everything else is
//! arithmetic on the instance. No I/O, no randomness; the ledger is never changed.
//!
//! The model (sets: orders `o`, their lines `l` with `q_ol` units of SKU `s_ol`, candidate
//! nodes `n in K(o)`):
//!
//! - variables: `x_oln in [0, min(q_ol, atp_n,s_ol)]` units of line `l` from node `n`;
//!   `y_on in [0, 1]` whether `n` ships a parcel for `o` (binary under the `highs` feature);
//!   `u_ol in [0, q_ol]` units cancelled;
//! - objective: `min sum x_oln (pick_n + kg_rate_on w_s) + sum y_on (pack_n + base_on +
//!   split_penalty) + sum u_ol cancel_penalty`, where `base_on` and `kg_rate_on` are the
//!   parcel zone's price and price per kilogram from `n` to the customer, so a parcel's cost
//!   is exactly the simulator's `shipment_cost` and `split_penalty` is charged once per
//!   shipment (a constant `split_penalty` per order apart from a penalty per extra shipment);
//! - constraints: every line served or cancelled, `sum_n x_oln + u_ol = q_ol`; a node ships
//!   only in a parcel it opens, `x_oln <= min(q_ol, atp) y_on`; ATP per (node, sku),
//!   `sum_{o,l: s_ol = s} x_oln <= atp_ns`; remaining daily capacity (orders released today)
//!   per node, `sum_o y_on <= cap_n - used_n`.
//!
//! Size: with B orders, L lines per order and K candidates, about B K (L + 1) + B L
//! variables and B (L + K L) + P + K rows, P the positions touched. [`BatchInstance::solve`]
//! does not hand that model to the solver whole: ATP and capacity rows that cannot bind are
//! left out, the orders they no longer link are solved as separate LPs, and most single
//! orders in closed form (`batch/parts.rs`), which keeps the optimum value and costs a
//! fraction of one large simplex. [`BatchInstance::solve_whole`] solves the one model.
//!
//! Rounding (the relaxation splits parcels fractionally): orders are taken in batch order;
//! each line goes to the candidate with the largest `x_oln` that still has the line's units
//! of ATP and either already ships for the order or has capacity left, opening it; a line
//! that no single node can take is spread over the candidates in the same order; what is
//! left is cancelled (`capacity` when only capacity stood in the way, else `no_stock`), as
//! is a line the LP cancels more than half of. Then a single-parcel repair: if one candidate
//! can take every placed line with the resources left and costs less than the rounded plan,
//! the order moves there. Remaining ATP and capacity are debited as orders are decided, so
//! every rounded plan respects both (property-tested).
//!
//! References: the fulfillment LP and its rounding follow the spirit of Y. Jasin and A.
//! Sinha, "An LP-based correlated rounding scheme for multi-item ecommerce order
//! fulfillment", Operations Research 63(6), 2015, with a simpler greedy rounding.

use std::collections::HashMap;

use crate::ids::{NodeId, SkuId, Units};
use crate::network::great_circle_miles;
use crate::orders::{CancelReason, Order};
use crate::routing::{NetworkView, ship_method};

use parts::{Layout, Part, Slots, solve_part};

/// The knobs of the batch model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchParams {
    /// Candidate nodes kept per order (the K best by estimated cost).
    pub candidates: usize,
    /// Penalty per shipment, on top of its cost (discourages extra parcels).
    pub split_penalty: f64,
    /// Penalty per unit cancelled.
    pub cancel_penalty: f64,
}

impl Default for BatchParams {
    fn default() -> Self {
        BatchParams { candidates: 5, split_penalty: 3.0, cancel_penalty: 50.0 }
    }
}

/// One candidate node of an order, with its cost terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The node.
    pub node: NodeId,
    /// Cost of opening a parcel there: packing plus the zone's base price.
    pub fixed: f64,
    /// Cost per unit of each line there: picking plus the zone's price per kilogram times
    /// the unit's weight.
    pub per_unit: Vec<f64>,
    /// Index into [`BatchInstance::positions`] of each line's (node, sku), if it has ATP.
    pub position: Vec<Option<usize>>,
}

/// One order of the batch.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchOrder {
    /// Units wanted per line.
    pub units: Vec<Units>,
    /// The K best candidate nodes.
    pub candidates: Vec<Candidate>,
}

/// A batch, ready to solve.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchInstance {
    /// The orders, in batch order.
    pub orders: Vec<BatchOrder>,
    /// Each (node, sku) some candidate draws on, with its ATP.
    pub positions: Vec<(NodeId, SkuId, Units)>,
    /// Shipments each candidate node may still release today.
    pub capacity: Vec<(NodeId, u32)>,
}

/// The relaxed solution: `x[o][c][l]`, `y[o][c]`, `u[o][l]` and the objective.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchLp {
    /// Units of line `l` of order `o` from its candidate `c`.
    pub x: Vec<Vec<Vec<f64>>>,
    /// Parcel opening of candidate `c` for order `o`.
    pub y: Vec<Vec<f64>>,
    /// Units of line `l` of order `o` cancelled.
    pub u: Vec<Vec<f64>>,
    /// The LP objective (a lower bound on the rounded plans' penalized cost).
    pub objective: f64,
}

/// One order's integral decision.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoundedOrder {
    /// (line, node, units) placed.
    pub placed: Vec<(usize, NodeId, Units)>,
    /// (line, units, reason) cancelled.
    pub cancelled: Vec<(usize, Units, CancelReason)>,
}

/// Why the LP gave no solution.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The solver failed (infeasible, unbounded, time limit or an internal error); the
    /// policy falls back to its rule stack for the batch.
    #[error("LP solver failed: {0}")]
    Solver(String),
}

impl BatchInstance {
    /// The instance for `orders` as `view` sees the network: candidates are the nodes that
    /// can ship, have room today and hold visible ATP of at least one line, ranked by the
    /// estimated cost of one parcel of every line they can cover plus `cancel_penalty` per
    /// unit they cannot, the `params.candidates` best kept.
    pub fn build(orders: &[&Order], view: &NetworkView<'_>, params: &BatchParams) -> Self {
        let mut positions: Vec<(NodeId, SkuId, Units)> = Vec::new();
        let mut index: HashMap<(NodeId, SkuId), usize> = HashMap::new();
        let mut capacity: Vec<(NodeId, u32)> = Vec::new();
        let mut batch = Vec::with_capacity(orders.len());
        // Per node, for the whole batch: whether it can ship with room today, and whether
        // it has a capacity row yet; `seen` marks the nodes already offered to one order.
        let usable: Vec<bool> = view
            .network
            .ids()
            .map(|n| ship_method(view.network, n).is_some() && remaining_capacity(view, n) > 0)
            .collect();
        let mut has_row = vec![false; usable.len()];
        let mut seen = vec![false; usable.len()];
        for order in orders {
            let candidates = candidates_of(order, view, params, &usable, &mut seen);
            let candidates = candidates
                .into_iter()
                .map(|r| {
                    if !has_row[r.node.index()] {
                        has_row[r.node.index()] = true;
                        capacity.push((r.node, remaining_capacity(view, r.node)));
                    }
                    candidate(order, &r, view, &mut positions, &mut index)
                })
                .collect();
            batch.push(BatchOrder {
                units: order.lines.iter().map(|l| l.units).collect(),
                candidates,
            });
        }
        BatchInstance { orders: batch, positions, capacity }
    }

    /// Solves the relaxation (the mixed-integer model with the `highs` feature), part by
    /// part: rows that cannot bind are left out and the orders they no longer link are
    /// solved as separate LPs (see `batch/parts.rs`). The optimum value is the whole
    /// model's ([`BatchInstance::solve_whole`]); where the optimum is not unique, the
    /// solution may be another optimal one.
    pub fn solve(&self, params: &BatchParams) -> Result<BatchLp, BatchError> {
        let (layout, parts) = Layout::decomposed(self);
        self.solve_parts(&layout, &parts, params)
    }

    /// Solves the whole batch as one LP with every row: the reference that [`Self::solve`]
    /// is tested against, and what `solve` did before it decomposed batches.
    pub fn solve_whole(&self, params: &BatchParams) -> Result<BatchLp, BatchError> {
        let (layout, parts) = Layout::whole(self);
        self.solve_parts(&layout, &parts, params)
    }

    fn solve_parts(
        &self,
        layout: &Layout,
        parts: &[Part],
        params: &BatchParams,
    ) -> Result<BatchLp, BatchError> {
        let mut lp = BatchLp {
            x: self
                .orders
                .iter()
                .map(|o| vec![vec![0.0; o.units.len()]; o.candidates.len()])
                .collect(),
            y: self.orders.iter().map(|o| vec![0.0; o.candidates.len()]).collect(),
            u: self.orders.iter().map(|o| vec![0.0; o.units.len()]).collect(),
            objective: 0.0,
        };
        let mut slots = Slots::new(self);
        for part in parts {
            lp.objective += solve_part(self, layout, part, params, &mut slots, &mut lp)?;
        }
        Ok(lp)
    }

    fn capacity_index(&self, node: NodeId) -> usize {
        self.capacity.iter().position(|(n, _)| *n == node).expect("every candidate has a row")
    }

    /// Rounds `lp` to one integral decision per order; see the module docs.
    pub fn round(&self, lp: &BatchLp, params: &BatchParams) -> Vec<RoundedOrder> {
        let mut left = Resources {
            atp: self.positions.iter().map(|p| p.2).collect(),
            capacity: self.capacity.iter().map(|c| c.1).collect(),
        };
        (0..self.orders.len()).map(|o| self.round_order(o, lp, params, &mut left)).collect()
    }

    fn round_order(
        &self,
        o: usize,
        lp: &BatchLp,
        params: &BatchParams,
        left: &mut Resources,
    ) -> RoundedOrder {
        let order = &self.orders[o];
        let mut open = vec![false; order.candidates.len()];
        let mut out = RoundedOrder::default();
        for (l, &q) in order.units.iter().enumerate() {
            if lp.u[o][l] > f64::from(q) - 0.5 {
                out.cancelled.push((l, q, CancelReason::NoStock));
                continue;
            }
            let mut rank: Vec<usize> = (0..order.candidates.len()).collect();
            rank.sort_by(|&a, &b| lp.x[o][b][l].total_cmp(&lp.x[o][a][l]).then(a.cmp(&b)));
            let whole = rank.iter().copied().find(|&c| self.can_take(o, c, l, q, &open, left));
            match whole {
                Some(c) => self.take(o, c, l, q, &mut open, left, &mut out),
                None => self.spread(o, l, q, &rank, &mut open, left, &mut out),
            }
        }
        self.consolidate(o, open, params.split_penalty, left, out)
    }

    /// Whether candidate `c` of order `o` can take `q` units of line `l` now.
    fn can_take(
        &self,
        o: usize,
        c: usize,
        l: usize,
        q: Units,
        open: &[bool],
        left: &Resources,
    ) -> bool {
        let cand = &self.orders[o].candidates[c];
        let Some(p) = cand.position[l] else { return false };
        left.atp[p] >= q && (open[c] || left.capacity[self.capacity_index(cand.node)] > 0)
    }

    #[allow(clippy::too_many_arguments)]
    fn take(
        &self,
        o: usize,
        c: usize,
        l: usize,
        q: Units,
        open: &mut [bool],
        left: &mut Resources,
        out: &mut RoundedOrder,
    ) {
        let cand = &self.orders[o].candidates[c];
        let p = cand.position[l].expect("checked by can_take");
        left.atp[p] -= q;
        if !open[c] {
            open[c] = true;
            left.capacity[self.capacity_index(cand.node)] -= 1;
        }
        out.placed.push((l, cand.node, q));
    }

    /// Spreads `q` units of line `l` over the candidates in `rank` order; cancels the rest.
    #[allow(clippy::too_many_arguments)]
    fn spread(
        &self,
        o: usize,
        l: usize,
        q: Units,
        rank: &[usize],
        open: &mut [bool],
        left: &mut Resources,
        out: &mut RoundedOrder,
    ) {
        let mut remaining = q;
        let mut capacity_only = false;
        for &c in rank {
            let cand = &self.orders[o].candidates[c];
            let Some(p) = cand.position[l] else { continue };
            let units = left.atp[p].min(remaining);
            if units == 0 {
                continue;
            }
            if !open[c] && left.capacity[self.capacity_index(cand.node)] == 0 {
                capacity_only = true;
                continue;
            }
            self.take(o, c, l, units, open, left, out);
            remaining -= units;
            if remaining == 0 {
                return;
            }
        }
        let reason = if capacity_only { CancelReason::Capacity } else { CancelReason::NoStock };
        out.cancelled.push((l, remaining, reason));
    }

    /// Moves the order to a single parcel when one candidate can take every placed line and
    /// costs less, the split penalty of the extra parcels included.
    fn consolidate(
        &self,
        o: usize,
        open: Vec<bool>,
        split_penalty: f64,
        left: &mut Resources,
        out: RoundedOrder,
    ) -> RoundedOrder {
        let order = &self.orders[o];
        let parcels = open.iter().filter(|b| **b).count();
        if parcels < 2 {
            return out;
        }
        let mut lines: Vec<(usize, Units)> = Vec::new();
        for &(l, _, q) in &out.placed {
            match lines.iter_mut().find(|(line, _)| *line == l) {
                Some(entry) => entry.1 += q,
                None => lines.push((l, q)),
            }
        }
        let current = self.cost_of(o, &out.placed) + split_penalty * (parcels - 1) as f64;

        // Give back what the rounded plan took, then look for a cheaper single parcel.
        self.release(o, &out.placed, &open, left);
        let single = (0..order.candidates.len())
            .filter(|&c| self.covers(o, c, &lines, left))
            .map(|c| (c, self.single_cost(o, c, &lines)))
            .filter(|&(_, cost)| cost < current - 1e-9)
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let placed = match single {
            Some((c, _)) => {
                let node = order.candidates[c].node;
                lines.iter().map(|&(l, q)| (l, node, q)).collect()
            }
            None => out.placed,
        };
        self.debit(o, &placed, left);
        RoundedOrder { placed, cancelled: out.cancelled }
    }

    fn candidate_of(&self, o: usize, node: NodeId) -> usize {
        self.orders[o]
            .candidates
            .iter()
            .position(|c| c.node == node)
            .expect("placed at a candidate")
    }

    /// Returns the ATP and capacity `placed` took.
    fn release(
        &self,
        o: usize,
        placed: &[(usize, NodeId, Units)],
        open: &[bool],
        left: &mut Resources,
    ) {
        for &(l, node, q) in placed {
            let c = self.candidate_of(o, node);
            let p = self.orders[o].candidates[c].position[l].expect("placed where ATP was");
            left.atp[p] += q;
        }
        for (c, _) in open.iter().enumerate().filter(|(_, b)| **b) {
            left.capacity[self.capacity_index(self.orders[o].candidates[c].node)] += 1;
        }
    }

    /// Takes the ATP and capacity `placed` needs (known to be there).
    fn debit(&self, o: usize, placed: &[(usize, NodeId, Units)], left: &mut Resources) {
        let mut nodes: Vec<NodeId> = Vec::new();
        for &(l, node, q) in placed {
            let c = self.candidate_of(o, node);
            let p = self.orders[o].candidates[c].position[l].expect("placed where ATP was");
            left.atp[p] -= q;
            if !nodes.contains(&node) {
                nodes.push(node);
                left.capacity[self.capacity_index(node)] -= 1;
            }
        }
    }

    fn covers(&self, o: usize, c: usize, lines: &[(usize, Units)], left: &Resources) -> bool {
        let cand = &self.orders[o].candidates[c];
        left.capacity[self.capacity_index(cand.node)] > 0
            && lines.iter().all(|&(l, q)| cand.position[l].is_some_and(|p| left.atp[p] >= q))
    }

    fn single_cost(&self, o: usize, c: usize, lines: &[(usize, Units)]) -> f64 {
        let cand = &self.orders[o].candidates[c];
        cand.fixed + lines.iter().map(|&(l, q)| cand.per_unit[l] * f64::from(q)).sum::<f64>()
    }

    /// Cost (with the split penalty left out) of `placed`.
    pub fn cost_of(&self, o: usize, placed: &[(usize, NodeId, Units)]) -> f64 {
        let mut nodes: Vec<NodeId> = Vec::new();
        let mut cost = 0.0;
        for &(l, node, q) in placed {
            let cand = &self.orders[o].candidates[self.candidate_of(o, node)];
            cost += cand.per_unit[l] * f64::from(q);
            if !nodes.contains(&node) {
                nodes.push(node);
                cost += cand.fixed;
            }
        }
        cost
    }
}

/// ATP and capacity not yet taken by rounded orders.
struct Resources {
    atp: Vec<Units>,
    capacity: Vec<u32>,
}

/// Shipments `node` may still release today.
fn remaining_capacity(view: &NetworkView<'_>, node: NodeId) -> u32 {
    view.network.node(node).capacity_per_day.saturating_sub(view.capacity.used(node))
}

/// A node worth offering an order: its estimated cost and its parcel terms.
struct Ranked {
    estimate: f64,
    node: NodeId,
    fixed: f64,
    per_kg: f64,
}

/// The `params.candidates` best nodes for `order`; see [`BatchInstance::build`]. `usable`
/// says which nodes can ship with room today; `seen` is all false on entry and on return.
fn candidates_of(
    order: &Order,
    view: &NetworkView<'_>,
    params: &BatchParams,
    usable: &[bool],
    seen: &mut [bool],
) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = Vec::new();
    for line in &order.lines {
        for node in view.ledger.stocking_nodes(line.sku) {
            let i = node.index();
            if seen[i] || !usable[i] || view.atp(node, line.sku) == 0 {
                continue;
            }
            seen[i] = true;
            let (fixed, per_kg) = parcel_terms(order, node, view);
            let estimate = estimate(order, node, fixed, per_kg, view, params);
            ranked.push(Ranked { estimate, node, fixed, per_kg });
        }
    }
    for r in &ranked {
        seen[r.node.index()] = false;
    }
    ranked.sort_by(|a, b| a.estimate.total_cmp(&b.estimate).then(a.node.cmp(&b.node)));
    ranked.truncate(params.candidates.max(1));
    ranked
}

/// One parcel from `node` (packing and base price `fixed`, `per_kg` a kilogram) of every
/// line it can cover, plus the cancel penalty of the rest.
fn estimate(
    order: &Order,
    node: NodeId,
    fixed: f64,
    per_kg: f64,
    view: &NetworkView<'_>,
    params: &BatchParams,
) -> f64 {
    let pick = view.network.node(node).pick_cost_per_unit;
    order
        .lines
        .iter()
        .map(|l| {
            let units = f64::from(l.units);
            if view.atp(node, l.sku) >= l.units {
                units * (pick + per_kg * view.catalog.sku(l.sku).weight_kg)
            } else {
                units * params.cancel_penalty
            }
        })
        .sum::<f64>()
        + fixed
}

/// Packing plus the zone's base price, and the zone's price per kilogram, from `node` to
/// the customer of `order`.
pub fn parcel_terms(order: &Order, node: NodeId, view: &NetworkView<'_>) -> (f64, f64) {
    let n = view.network.node(node);
    let zone = view.network.rate_card.zone_for(great_circle_miles(n.location, order.customer));
    (n.pack_cost_per_shipment + zone.parcel_cost, zone.cost_per_kg)
}

fn candidate(
    order: &Order,
    ranked: &Ranked,
    view: &NetworkView<'_>,
    positions: &mut Vec<(NodeId, SkuId, Units)>,
    index: &mut HashMap<(NodeId, SkuId), usize>,
) -> Candidate {
    let Ranked { node, fixed, per_kg, .. } = *ranked;
    let pick = view.network.node(node).pick_cost_per_unit;
    let per_unit =
        order.lines.iter().map(|l| pick + per_kg * view.catalog.sku(l.sku).weight_kg).collect();
    let position = order
        .lines
        .iter()
        .map(|l| {
            let atp = view.atp(node, l.sku);
            (atp > 0).then(|| {
                *index.entry((node, l.sku)).or_insert_with(|| {
                    positions.push((node, l.sku, atp));
                    positions.len() - 1
                })
            })
        })
        .collect();
    Candidate { node, fixed, per_unit, position }
}

mod parts;

#[cfg(test)]
mod tests;
