//! The `lp_batch` policy: ship-to-home orders collected over a window are assigned together
//! by the batch LP (`batch.rs`) and rounded to feasible plans; a solver failure routes that
//! batch with the `greedy_cost` rule stack instead, and is counted (`lp_fallbacks`) and
//! logged with the batch, day and cause.
//!
//! Key types: [`LpBatch`]. A single order (`plan`) is a batch of one. Pickup orders, and
//! reroutes after a refused reservation or a short pick, go to the `greedy_cost` stack: the
//! model prices parcels only, and a repair is one line at a time. Draws no random numbers,
//! does no I/O, reads the ledger only.

use super::batch::{BatchInstance, BatchParams, RoundedOrder};
use super::lp_dual::{record, ships_to_home, to_plan};
use crate::ids::{NodeId, Units};
use crate::orders::{Assignment, Order, Plan, Unserved};
use crate::routing::{Explanation, NetworkView, Policy, RuleStack, presets};

/// The `lp_batch` policy.
#[derive(Clone, Debug)]
pub struct LpBatch {
    name: String,
    window: u64,
    params: BatchParams,
    fallback: RuleStack,
    batches: u64,
    batched_orders: u64,
    fallbacks: u64,
}

impl LpBatch {
    /// A policy named `name` that collects orders for `window` seconds.
    pub fn new(name: impl Into<String>, window: u64, params: BatchParams) -> Self {
        LpBatch {
            name: name.into(),
            window,
            params,
            fallback: presets::greedy_cost(),
            batches: 0,
            batched_orders: 0,
            fallbacks: 0,
        }
    }

    /// Batches the solver failed on (routed by the rule stack instead).
    pub fn fallbacks(&self) -> u64 {
        self.fallbacks
    }

    /// Batches solved or attempted.
    pub fn batches(&self) -> u64 {
        self.batches
    }

    /// Solves the batch of ship-to-home `orders`; falls back to the rule stack on failure.
    fn solve(&mut self, orders: &[&Order], view: &NetworkView<'_>) -> Vec<Plan> {
        self.batches += 1;
        self.batched_orders += orders.len() as u64;
        let instance = BatchInstance::build(orders, view, &self.params);
        match instance.solve(&self.params) {
            Ok(lp) => {
                instance.round(&lp, &self.params).into_iter().map(|r| plan_of(view, r)).collect()
            }
            Err(cause) => {
                self.fallbacks += 1;
                tracing::warn!(
                    policy = %self.name,
                    batch = self.batches,
                    day = view.ledger.now().day(),
                    orders = orders.len(),
                    %cause,
                    "batch LP failed; routing the batch with greedy_cost"
                );
                orders.iter().map(|o| self.fallback.plan(o, view, None)).collect()
            }
        }
    }
}

fn plan_of(view: &NetworkView<'_>, r: RoundedOrder) -> Plan {
    let mut plan = to_plan(view, r.placed);
    plan.unserved = r
        .cancelled
        .into_iter()
        .map(|(line, units, reason)| Unserved { line, units, reason })
        .collect();
    plan
}

impl Policy for LpBatch {
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
        let plan = self.solve(&[order], view).pop().unwrap_or_default();
        if let Some(e) = explain {
            record(e, &self.name, &plan);
        }
        plan
    }

    fn batch_window(&self) -> Option<u64> {
        Some(self.window)
    }

    fn plan_batch(&mut self, orders: &[&Order], view: &NetworkView<'_>) -> Vec<Plan> {
        let ship: Vec<&Order> = orders.iter().copied().filter(|o| ships_to_home(o)).collect();
        let mut solved =
            if ship.is_empty() { Vec::new() } else { self.solve(&ship, view) }.into_iter();
        orders
            .iter()
            .map(|o| {
                if ships_to_home(o) {
                    solved.next().unwrap_or_default()
                } else {
                    self.fallback.plan(o, view, None)
                }
            })
            .collect()
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
        let mean =
            if self.batches > 0 { self.batched_orders as f64 / self.batches as f64 } else { 0.0 };
        vec![
            ("lp_fallbacks", self.fallbacks as f64),
            ("lp_batches", self.batches as f64),
            ("lp_batch_orders_mean", mean),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testkit::{CHICAGO, CLEVELAND, COLUMBUS, EVANSTON, TEE, World, bopis, web};

    #[test]
    fn a_batch_beats_arrival_order_and_pickups_go_to_the_rule_stack() {
        let world = World::new(&[(COLUMBUS, TEE, 1), (CHICAGO, TEE, 2)]);
        let mut policy = LpBatch::new("lp", 900, BatchParams::default());
        assert_eq!(policy.batch_window(), Some(900));
        let a = web(EVANSTON, &[(TEE, 1)]);
        let b = web(CLEVELAND, &[(TEE, 1)]);
        let c = bopis(CHICAGO, &[(TEE, 1)]);
        let plans = policy.plan_batch(&[&a, &c, &b], &world.view());
        assert_eq!(plans[0].assignments[0].node, CHICAGO);
        assert_eq!(plans[1].assignments[0].method, crate::orders::Method::Pickup);
        assert_eq!(plans[2].assignments[0].node, COLUMBUS);
        assert_eq!(policy.fallbacks(), 0);
        assert_eq!(policy.batches(), 1);
        let single = policy.plan(&a, &world.view(), None);
        assert_eq!(single.shipments(), 1);
        assert!(policy.counters().iter().any(|(k, v)| *k == "lp_fallbacks" && *v == 0.0));
    }
}
