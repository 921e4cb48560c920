//! Routing policies: the logic that turns an order plus the network state into a
//! fulfillment [`Plan`].
//!
//! A [`Policy`] sees the network through a [`NetworkView`]: the nodes and rate card, the
//! catalog, the ATP the storefront sees (the ledger's snapshot, which may be stale), today's
//! picking load per node ([`CapacityBook`]) and, when known, demand rates for days of cover.
//! Policies only decide; the orchestrator reserves, promises and reroutes. A node taken
//! offline by an outage shows no ATP in the view and fails every rule stack before its first
//! filter (`offline` in explanations).
//!
//! The rule stack ([`RuleStack`], in `rule_stack.rs`) is how OMS products express routing and
//! how a planner writes production rules into a scenario: ordered [`Filter`]s, [`SortBy`]
//! keys, a [`Split`] control and a [`Fallback`]. The presets `dc_first`, `nearest`,
//! `min_split` and `greedy_cost` are rule stacks ([`presets`]). Any decision can be explained
//! ([`Explanation`]): the candidates, the filter that removed each, the sort values and the
//! choice.
//!
//! Policies draw no random numbers and do no I/O; they read the ledger and never change it.

mod capacity;
mod explain;
pub mod presets;
mod rule_stack;
mod rules;
#[cfg(test)]
pub(crate) mod testkit;
mod walk;

pub use capacity::CapacityBook;
pub use explain::{CandidateTrace, Explanation, LineTrace};
pub use rule_stack::RuleStack;
pub use rules::{Fallback, Filter, SortBy, SortKey, Split};
pub use walk::RegionWalks;

use crate::catalog::Catalog;
use crate::ids::{NodeId, SkuId, Units};
use crate::inventory::Ledger;
use crate::network::{Capability, Network, NodeKind};
use crate::orders::{Assignment, Method, Order, Plan};

/// Expected demand, for days-of-cover sort keys.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemandRates {
    /// Expected units per day of each SKU over the whole network.
    pub sku_per_day: Vec<f64>,
    /// Share of demand that falls near each node (sums to about one over fulfilling nodes).
    pub node_share: Vec<f64>,
}

impl DemandRates {
    /// Expected daily units of `sku` drawn on `node`.
    pub fn local_rate(&self, node: NodeId, sku: SkuId) -> f64 {
        let sku_rate = self.sku_per_day.get(sku.index()).copied().unwrap_or(0.0);
        let share = self.node_share.get(node.index()).copied().unwrap_or(0.0);
        sku_rate * share
    }
}

/// What a policy may look at when it decides.
#[derive(Clone, Copy)]
pub struct NetworkView<'a> {
    /// Nodes, rate card and lanes.
    pub network: &'a Network,
    /// SKU weights and prices.
    pub catalog: &'a Catalog,
    /// Stock; policies read [`Ledger::visible_atp`], what the storefront sees.
    pub ledger: &'a Ledger,
    /// Orders already released to each node today.
    pub capacity: &'a CapacityBook,
    /// Demand rates for days of cover, when the simulator provides them.
    pub rates: Option<&'a DemandRates>,
    /// Nodes that are offline (an outage), by node index; empty or short means online. The
    /// orchestrator routes nothing to an offline node, whatever the policy.
    pub offline: &'a [bool],
    /// Nodes per demand region in the order distance-ranked stacks visit them, when the
    /// simulator provides them; without them every stocking node is scanned (same plans).
    pub walks: Option<&'a RegionWalks>,
}

impl NetworkView<'_> {
    /// The ATP of `sku` at `node` as the storefront sees it (through the sync interval); zero
    /// at an offline node, which can serve nothing.
    #[inline]
    pub fn atp(&self, node: NodeId, sku: SkuId) -> Units {
        if self.is_offline(node) {
            return 0;
        }
        self.ledger.visible_atp(node, sku)
    }

    /// Whether `node` is offline (an outage): no policy may route to it.
    #[inline]
    pub fn is_offline(&self, node: NodeId) -> bool {
        self.offline.get(node.index()).copied().unwrap_or(false)
    }

    /// Days the visible ATP lasts at the local demand rate: infinite for stock that no local
    /// demand draws on (rates known, local rate zero), and the ATP itself when the simulator
    /// provides no rates.
    pub fn days_of_cover(&self, node: NodeId, sku: SkuId) -> f64 {
        let atp = f64::from(self.atp(node, sku));
        match self.rates.map(|r| r.local_rate(node, sku)) {
            None => atp,
            Some(rate) if rate > 0.0 => atp / rate,
            Some(_) if atp > 0.0 => f64::INFINITY,
            Some(_) => 0.0,
        }
    }
}

/// How `node` ships a parcel to a customer, if it can.
pub fn ship_method(network: &Network, node: NodeId) -> Option<Method> {
    let n = network.node(node);
    match n.kind {
        NodeKind::Dc if n.capabilities.contains(Capability::ShipFromDc) => Some(Method::ShipFromDc),
        NodeKind::Store if n.capabilities.contains(Capability::ShipFromStore) => {
            Some(Method::ShipFromStore)
        }
        _ => None,
    }
}

/// A routing policy.
pub trait Policy: Send {
    /// The name the scenario gave it, used in every report.
    fn name(&self) -> &str;

    /// Decides where each unit of `order` comes from. When `explain` is given, records why.
    fn plan(
        &mut self,
        order: &Order,
        view: &NetworkView<'_>,
        explain: Option<&mut Explanation>,
    ) -> Plan;

    /// How long this policy wants orders collected before it decides, in seconds (a batch
    /// policy); `None`, the default, decides each order as it arrives.
    fn batch_window(&self) -> Option<u64> {
        None
    }

    /// Decides a batch of orders together, one plan per order in the same order. The default
    /// plans them one by one; batch policies optimize them jointly.
    fn plan_batch(&mut self, orders: &[&Order], view: &NetworkView<'_>) -> Vec<Plan> {
        orders.iter().map(|o| self.plan(o, view, None)).collect()
    }

    /// Policy-specific counters the simulator adds to the KPI rows of every replication
    /// (scope `all`), e.g. `lp_fallbacks`; none by default.
    fn counters(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Finds new homes for `units` units of line `line` of `order` after the node first chosen
    /// could not serve them (a reservation refused by the live record, or a short pick), never
    /// using a node in `exclude`. Returns no assignment when nothing can take them.
    fn reroute(
        &mut self,
        order: &Order,
        line: usize,
        units: Units,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
    ) -> Vec<Assignment>;
}
