//! Cost-to-serve arithmetic, as DOMAIN.md defines it: pick and pack at each node used, one
//! outbound parcel per shipment (zone base cost plus cost per kilogram), transfers per unit
//! moved, and return handling.
//!
//! Shared by the routing policies (to rank and price plans) and the simulator (to account
//! what really happened), so a policy is judged on exactly the cost it optimizes.

use crate::ids::{NodeId, Units};
use crate::network::{GeoPoint, Network, great_circle_miles};

/// The parts of cost-to-serve, kept apart for the cost breakdown chart.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CostBreakdown {
    /// Picking (per unit) and packing (per shipment) at the nodes used.
    pub pick_pack: f64,
    /// Outbound parcels.
    pub parcel: f64,
    /// Units moved between nodes for the order.
    pub transfer: f64,
    /// Return labels and processing.
    pub returns: f64,
}

impl CostBreakdown {
    /// The sum of the parts.
    pub fn total(&self) -> f64 {
        self.pick_pack + self.parcel + self.transfer + self.returns
    }

    /// Adds another breakdown part by part.
    pub fn add(&mut self, other: &CostBreakdown) {
        self.pick_pack += other.pick_pack;
        self.parcel += other.parcel;
        self.transfer += other.transfer;
        self.returns += other.returns;
    }
}

/// Cost of one parcel of `units` units weighing `weight_kg` in total, picked and packed at
/// `node` and shipped to `to`.
pub fn shipment_cost(
    network: &Network,
    node: NodeId,
    to: GeoPoint,
    units: Units,
    weight_kg: f64,
) -> CostBreakdown {
    let miles = great_circle_miles(network.node(node).location, to);
    shipment_cost_over(network, node, miles, units, weight_kg)
}

/// [`shipment_cost`] for a customer `miles` away, when the distance is already known.
pub fn shipment_cost_over(
    network: &Network,
    node: NodeId,
    miles: f64,
    units: Units,
    weight_kg: f64,
) -> CostBreakdown {
    let n = network.node(node);
    CostBreakdown {
        pick_pack: n.pick_cost_per_unit * f64::from(units) + n.pack_cost_per_shipment,
        parcel: network.rate_card.parcel_cost(miles, weight_kg),
        ..CostBreakdown::default()
    }
}

/// Cost of picking `units` units at `node` for a customer who collects them (no parcel).
pub fn pickup_cost(network: &Network, node: NodeId, units: Units) -> CostBreakdown {
    let n = network.node(node);
    CostBreakdown {
        pick_pack: n.pick_cost_per_unit * f64::from(units) + n.pack_cost_per_shipment,
        ..CostBreakdown::default()
    }
}
