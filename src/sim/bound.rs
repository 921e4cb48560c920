//! The simulator's side of the hindsight bound: every measured ship-to-home order's cost on
//! the common objective, the realized demand for `optimize::Hindsight`, and the KPI rows
//! `objective_cost_per_order`, `hindsight_bound_per_order`, `hindsight_gap` and
//! `hindsight_unserved_units`.
//!
//! The objective (DOMAIN.md's cost-to-serve terms that the routing models optimize): pick
//! and pack + parcel + transfer cost, plus the scenario's `bound.cancel_penalty` per unit
//! the retailer cancelled (no stock, short pick, capacity), over measured web and
//! marketplace orders. Returns are left out: no routing model prices them.
//!
//! Key types: [`BoundLog`]. Touches nothing but its own sums.

use super::Cancel;
use super::kpi::Scope;
use super::world::OrderRec;
use crate::catalog::Catalog;
use crate::inventory::Ledger;
use crate::network::Network;
use crate::optimize::Hindsight;
use crate::optimize::transport::TransportError;
use crate::orchestrator::Orchestrator;
use crate::orders::{CancelReason, Channel};

/// KPI rows of the bound: (scope, metric, value).
type BoundRows = Vec<(Scope, &'static str, f64)>;

/// The objective of the policy run so far, and the demand the bound will be solved on.
#[derive(Clone, Debug)]
pub struct BoundLog {
    penalty: f64,
    objective: f64,
    orders: u64,
    hindsight: Hindsight,
}

impl BoundLog {
    /// An empty log for `network`, charging `penalty` per unit cancelled.
    ///
    /// Errors: as [`Hindsight::new`] (a rate card the bound cannot code).
    pub fn new(network: &Network, penalty: f64) -> Result<Self, TransportError> {
        let hindsight = Hindsight::new(network, penalty)?;
        Ok(BoundLog { penalty, objective: 0.0, orders: 0, hindsight })
    }

    /// Adds a closed order, if it is a measured ship-to-home order.
    pub fn order_closed(&mut self, network: &Network, rec: &OrderRec) {
        let ships = matches!(rec.order.channel, Channel::Web | Channel::Marketplace);
        if !rec.counted || !ships || rec.order.store.is_some() {
            return;
        }
        let cancelled: u32 = CancelReason::ALL
            .iter()
            .filter(|r| r.is_retailer())
            .map(|&r| rec.cancelled[r as usize])
            .sum();
        let c = &rec.cost;
        self.objective += c.pick_pack + c.parcel + c.transfer + self.penalty * f64::from(cancelled);
        self.orders += 1;
        self.hindsight.add_order(network, &rec.order);
    }

    /// Solves the bound on the realized supply (units reserved for measured parcels plus the
    /// ATP left at the end) and returns the KPI rows; `None` when `cancel` was raised.
    pub fn rows(
        &self,
        network: &Network,
        catalog: &Catalog,
        ledger: &Ledger,
        orch: &Orchestrator,
        cancel: Option<&Cancel>,
    ) -> Result<Option<BoundRows>, TransportError> {
        let reserved: std::collections::HashMap<_, _> = orch.parcel_units().collect();
        let supply = |n, s| {
            let used = reserved.get(&(n, s)).copied().unwrap_or(0) as f64;
            used + f64::from(ledger.atp(n, s))
        };
        let stop = || cancel.is_some_and(Cancel::is_raised);
        let Some(bound) = self.hindsight.solve(network, catalog, supply, stop)? else {
            return Ok(None);
        };
        let orders = self.orders.max(1) as f64;
        let mut rows = vec![
            (Scope::All, "objective_cost_per_order", self.objective / orders),
            (Scope::All, "hindsight_bound_per_order", bound.total / orders),
            (Scope::All, "hindsight_unserved_units", bound.unserved),
        ];
        if bound.total > 0.0 {
            rows.push((Scope::All, "hindsight_gap", (self.objective - bound.total) / bound.total));
        }
        Ok(Some(rows))
    }
}
