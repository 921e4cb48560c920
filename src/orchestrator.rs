//! The orchestrator: what an OMS does with an order between checkout and the pick queue.
//!
//! [`Orchestrator::route`] asks the active policy for a plan (made on the ATP the storefront
//! sees), reserves the units on the live record, asks the policy to reroute units whose
//! reservation the record refuses (a stale view oversold them), groups the assignments into
//! shipments, books each node's daily capacity and computes each shipment's promise.
//! [`Orchestrator::route_batch`] does the same for a batch the policy plans together.
//! [`Orchestrator::reroute`] handles a short pick: it asks the policy for another node, or
//! reports the units it could not place so the caller cancels them.
//!
//! Nodes an outage took offline ([`Orchestrator::set_offline`]) are hidden from every policy
//! through the [`NetworkView`], and the orchestrator refuses to reserve there whatever a
//! policy plans, so the units are rerouted like a refused reservation.
//!
//! Key types: [`Orchestrator`], [`Routed`], [`ShipmentPlan`]. The orchestrator draws no
//! random numbers and does no I/O; it changes the ledger only by reserving.

pub mod promise;

use std::collections::HashMap;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::inventory::{Ledger, LedgerError};
use crate::network::Network;
use crate::orders::{Assignment, CancelReason, Method, Order, Plan, Unserved};
use crate::routing::{CapacityBook, DemandRates, Explanation, NetworkView, Policy, RegionWalks};

/// How many times the orchestrator asks the policy for another node for the same units.
const MAX_REROUTES: usize = 3;

/// Units of one line in a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShipmentLine {
    /// Index of the line in the order.
    pub line: usize,
    /// The SKU.
    pub sku: SkuId,
    /// Units reserved at the node.
    pub units: Units,
}

/// One node's part of an order, reserved and promised.
#[derive(Clone, Debug, PartialEq)]
pub struct ShipmentPlan {
    /// The node that picks.
    pub node: NodeId,
    /// How it serves the customer.
    pub method: Method,
    /// The pickup store for pickup methods; the node itself otherwise.
    pub destination: NodeId,
    /// What it picks.
    pub lines: Vec<ShipmentLine>,
    /// The time quoted for this part.
    pub promise: SimTime,
}

/// The outcome of routing one order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Routed {
    /// Reserved shipments, one per node (and method).
    pub shipments: Vec<ShipmentPlan>,
    /// Units nobody could take, with the reason.
    pub cancelled: Vec<Unserved>,
    /// The promise quoted to the customer: the latest part, or the channel's own SLA.
    pub promise: SimTime,
    /// How many times a reservation was refused and the units rerouted.
    pub reservation_reroutes: u32,
}

/// Routes orders and reroutes short picks for one policy run.
#[derive(Clone, Debug)]
pub struct Orchestrator {
    capacity: CapacityBook,
    rates: Option<DemandRates>,
    walks: Option<Arc<RegionWalks>>,
    parcel_log: Option<ParcelLog>,
    /// Offline nodes by index (an outage); all false normally.
    offline: Vec<bool>,
}

/// Units reserved for parcels of orders placed in a window, per (node, sku): what the
/// hindsight bound needs to know each node could supply.
#[derive(Clone, Debug, Default)]
struct ParcelLog {
    from: SimTime,
    to: SimTime,
    units: HashMap<(NodeId, SkuId), u64>,
}

impl Orchestrator {
    /// An orchestrator for `network`, with demand rates for days-of-cover keys if known.
    pub fn new(network: &Network, rates: Option<DemandRates>) -> Self {
        Orchestrator {
            capacity: CapacityBook::new(network),
            rates,
            walks: None,
            parcel_log: None,
            offline: vec![false; network.len()],
        }
    }

    /// Takes `node` offline (an outage) or brings it back: while offline, no policy sees it
    /// and nothing is reserved there.
    pub fn set_offline(&mut self, node: NodeId, offline: bool) {
        if let Some(flag) = self.offline.get_mut(node.index()) {
            *flag = offline;
        }
    }

    /// Whether `node` is offline.
    #[inline]
    pub fn is_offline(&self, node: NodeId) -> bool {
        self.offline.get(node.index()).copied().unwrap_or(false)
    }

    /// Reserves up to `units` at `node` on the live record; nothing at an offline node.
    fn reserve_at(&self, ledger: &mut Ledger, node: NodeId, sku: SkuId, units: Units) -> Units {
        if self.is_offline(node) {
            return 0;
        }
        reserve_up_to(ledger, node, sku, units)
    }

    /// Lets distance-ranked policies walk each region's nodes nearest first (and stop
    /// early) instead of scanning every stocking node; plans are the same either way.
    pub fn with_walks(self, walks: Arc<RegionWalks>) -> Self {
        Orchestrator { walks: Some(walks), ..self }
    }

    /// Starts counting the units reserved for parcels of orders placed in `[from, to)`.
    pub fn log_parcel_units(&mut self, from: SimTime, to: SimTime) {
        self.parcel_log = Some(ParcelLog { from, to, units: HashMap::new() });
    }

    /// Units reserved for parcels of orders placed in the logged window, per (node, sku)
    /// (empty unless [`Orchestrator::log_parcel_units`] was called).
    pub fn parcel_units(&self) -> impl Iterator<Item = ((NodeId, SkuId), u64)> + '_ {
        self.parcel_log.iter().flat_map(|log| log.units.iter().map(|(k, v)| (*k, *v)))
    }

    /// Counts `units` of `sku` reserved at `node` for `order` when it ships a parcel.
    fn note(&mut self, order: &Order, method: Method, node: NodeId, sku: SkuId, units: Units) {
        let Some(log) = self.parcel_log.as_mut() else { return };
        let in_window = order.placed_at >= log.from && order.placed_at < log.to;
        if in_window && !method.is_pickup() && units > 0 {
            *log.units.entry((node, sku)).or_default() += u64::from(units);
        }
    }

    /// Today's orders per node.
    pub fn capacity(&self) -> &CapacityBook {
        &self.capacity
    }

    /// Routes `order` under `policy`, reserving on `ledger`.
    #[allow(clippy::too_many_arguments)]
    pub fn route(
        &mut self,
        order: &Order,
        policy: &mut dyn Policy,
        ledger: &mut Ledger,
        network: &Network,
        catalog: &Catalog,
        explain: Option<&mut Explanation>,
    ) -> Routed {
        self.capacity.roll_to(ledger.now());
        let plan = {
            let view = self.view(network, catalog, ledger);
            policy.plan(order, &view, explain)
        };
        self.execute(order, plan, policy, ledger, network, catalog)
    }

    /// Routes `orders` together: the policy plans the whole batch on one view of the network
    /// ([`Policy::plan_batch`]), then each plan is reserved, rerouted where the record
    /// refuses, booked and promised in batch order, exactly as [`Orchestrator::route`] does
    /// for one order. One [`Routed`] per order, in the same order.
    pub fn route_batch(
        &mut self,
        orders: &[&Order],
        policy: &mut dyn Policy,
        ledger: &mut Ledger,
        network: &Network,
        catalog: &Catalog,
    ) -> Vec<Routed> {
        self.capacity.roll_to(ledger.now());
        let mut plans = {
            let view = self.view(network, catalog, ledger);
            policy.plan_batch(orders, &view)
        }
        .into_iter();
        orders
            .iter()
            .map(|order| {
                // A policy that returns too few plans has the rest planned one by one.
                let plan = match plans.next() {
                    Some(plan) => plan,
                    None => {
                        let view = self.view(network, catalog, ledger);
                        policy.plan(order, &view, None)
                    }
                };
                self.execute(order, plan, policy, ledger, network, catalog)
            })
            .collect()
    }

    /// Reserves `plan` for `order`, reroutes refusals, makes and books the shipments.
    fn execute(
        &mut self,
        order: &Order,
        plan: Plan,
        policy: &mut dyn Policy,
        ledger: &mut Ledger,
        network: &Network,
        catalog: &Catalog,
    ) -> Routed {
        let now = ledger.now();
        let mut routed = Routed { cancelled: plan.unserved.clone(), ..Routed::default() };
        let mut reserved: Vec<Assignment> = Vec::with_capacity(plan.assignments.len());
        for a in plan.assignments {
            let (held, reroutes) =
                self.reserve_or_reroute(order, a, policy, ledger, network, catalog, &mut routed);
            reserved.extend(held);
            routed.reservation_reroutes += reroutes;
        }

        routed.shipments = self.make_shipments(order, &reserved, network, now);
        routed.promise = quoted_promise(order, &routed.shipments);
        routed
    }

    /// Finds a new home for `units` of line `line` that `from` could not pick. Returns the new
    /// shipments (reserved and booked) and the units nobody could take.
    #[allow(clippy::too_many_arguments)]
    pub fn reroute(
        &mut self,
        order: &Order,
        line: usize,
        units: Units,
        from: NodeId,
        policy: &mut dyn Policy,
        ledger: &mut Ledger,
        network: &Network,
        catalog: &Catalog,
    ) -> (Vec<ShipmentPlan>, Units) {
        let now = ledger.now();
        self.capacity.roll_to(now);
        let mut held = Vec::new();
        let mut exclude = vec![from];
        let mut left = units;
        for _ in 0..MAX_REROUTES {
            if left == 0 {
                break;
            }
            let options = {
                let view = self.view(network, catalog, ledger);
                policy.reroute(order, line, left, &exclude, &view)
            };
            if options.is_empty() {
                break;
            }
            for a in options {
                exclude.push(a.node);
                let sku = order.lines[line].sku;
                let got = self.reserve_at(ledger, a.node, sku, a.units.min(left));
                self.note(order, a.method, a.node, sku, got);
                if got > 0 {
                    held.push(Assignment { units: got, ..a });
                    left -= got;
                }
            }
        }
        (self.make_shipments(order, &held, network, now), left)
    }

    fn view<'a>(
        &'a self,
        network: &'a Network,
        catalog: &'a Catalog,
        ledger: &'a Ledger,
    ) -> NetworkView<'a> {
        NetworkView {
            network,
            catalog,
            ledger,
            capacity: &self.capacity,
            rates: self.rates.as_ref(),
            offline: &self.offline,
            walks: self.walks.as_deref(),
        }
    }

    /// Reserves assignment `a`; what the live record refuses is rerouted up to
    /// [`MAX_REROUTES`] times, then cancelled as `no_stock`.
    #[allow(clippy::too_many_arguments)]
    fn reserve_or_reroute(
        &mut self,
        order: &Order,
        a: Assignment,
        policy: &mut dyn Policy,
        ledger: &mut Ledger,
        network: &Network,
        catalog: &Catalog,
        routed: &mut Routed,
    ) -> (Vec<Assignment>, u32) {
        let sku = order.lines[a.line].sku;
        let got = self.reserve_at(ledger, a.node, sku, a.units);
        self.note(order, a.method, a.node, sku, got);
        let mut held = Vec::new();
        if got > 0 {
            held.push(Assignment { units: got, ..a });
        }
        let mut left = a.units - got;
        let mut exclude = vec![a.node];
        let mut reroutes = 0;
        while left > 0 && (reroutes as usize) < MAX_REROUTES {
            reroutes += 1;
            let options = {
                let view = self.view(network, catalog, ledger);
                policy.reroute(order, a.line, left, &exclude, &view)
            };
            if options.is_empty() {
                break;
            }
            for b in options {
                exclude.push(b.node);
                let got = self.reserve_at(ledger, b.node, sku, b.units.min(left));
                self.note(order, b.method, b.node, sku, got);
                if got > 0 {
                    held.push(Assignment { units: got, ..b });
                    left -= got;
                }
            }
        }
        if left > 0 {
            routed.cancelled.push(Unserved {
                line: a.line,
                units: left,
                reason: CancelReason::NoStock,
            });
        }
        (held, reroutes)
    }

    /// Groups reserved assignments into shipments, books capacity and promises each.
    fn make_shipments(
        &mut self,
        order: &Order,
        held: &[Assignment],
        network: &Network,
        now: SimTime,
    ) -> Vec<ShipmentPlan> {
        let mut shipments: Vec<ShipmentPlan> = Vec::new();
        for a in held {
            let line = ShipmentLine { line: a.line, sku: order.lines[a.line].sku, units: a.units };
            let same = |s: &&mut ShipmentPlan| {
                s.node == a.node && s.method == a.method && s.destination == a.destination
            };
            match shipments.iter_mut().find(same) {
                Some(s) => match s.lines.iter_mut().find(|l| l.line == a.line) {
                    Some(l) => l.units += a.units,
                    None => s.lines.push(line),
                },
                None => {
                    let promise = promise::promise(
                        network,
                        a.node,
                        a.method,
                        a.destination,
                        order.customer,
                        now,
                    );
                    shipments.push(ShipmentPlan {
                        node: a.node,
                        method: a.method,
                        destination: a.destination,
                        lines: vec![line],
                        promise,
                    });
                }
            }
        }
        for s in &shipments {
            self.capacity.book(s.node);
        }
        shipments
    }
}

/// Reserves as many of `units` as the live record allows, returning how many it got.
fn reserve_up_to(ledger: &mut Ledger, node: NodeId, sku: SkuId, units: Units) -> Units {
    match ledger.reserve(node, sku, units) {
        Ok(()) => units,
        Err(LedgerError::InsufficientAtp { available, .. }) if available > 0 => {
            match ledger.reserve(node, sku, available) {
                Ok(()) => available,
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    }
}

/// The promise the customer sees for `order`: the channel's SLA if it has one, else the
/// latest shipment's promise (the order's placement time when nothing ships).
fn quoted_promise(order: &Order, shipments: &[ShipmentPlan]) -> SimTime {
    if let Some(days) = order.promise_days {
        return promise::end_of_day(order.placed_at.day() + days);
    }
    shipments.iter().map(|s| s.promise).max().unwrap_or(order.placed_at)
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
