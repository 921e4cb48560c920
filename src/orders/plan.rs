//! The routing decision for an order: [`Plan`], made of [`Assignment`]s (node, units, method)
//! and the units that could not be placed ([`Unserved`]).

use std::fmt;

use crate::ids::{NodeId, Units};

/// How a node serves its part of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// Picked and shipped from a distribution center.
    ShipFromDc,
    /// Picked and shipped from a store.
    ShipFromStore,
    /// Picked at the store the customer collects from.
    Pickup,
    /// Moved from another node to the pickup store over a transfer lane, then collected.
    TransferThenPickup,
}

impl Method {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::ShipFromDc => "ship_from_dc",
            Method::ShipFromStore => "ship_from_store",
            Method::Pickup => "pickup",
            Method::TransferThenPickup => "transfer_then_pickup",
        }
    }

    /// Whether the customer collects the units at a store rather than receiving a parcel.
    pub fn is_pickup(self) -> bool {
        matches!(self, Method::Pickup | Method::TransferThenPickup)
    }
}

/// Why the retailer (or the customer) cancelled units of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CancelReason {
    /// No node had the units available (including reservations refused by a stale view).
    NoStock,
    /// The node could not find the units and no other node could take the line.
    ShortPick,
    /// Every node that could serve was at its daily capacity.
    Capacity,
    /// The customer never collected a pickup order.
    NoShow,
    /// The customer cancelled.
    Customer,
}

impl CancelReason {
    /// Every reason, in reporting order.
    pub const ALL: [CancelReason; 5] = [
        CancelReason::NoStock,
        CancelReason::ShortPick,
        CancelReason::Capacity,
        CancelReason::NoShow,
        CancelReason::Customer,
    ];

    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::NoStock => "no_stock",
            CancelReason::ShortPick => "short_pick",
            CancelReason::Capacity => "capacity",
            CancelReason::NoShow => "no_show",
            CancelReason::Customer => "customer",
        }
    }

    /// Whether the retailer caused it (counted in the cancellation rate); no-shows and
    /// customer cancellations are reported separately.
    pub fn is_retailer(self) -> bool {
        matches!(self, CancelReason::NoStock | CancelReason::ShortPick | CancelReason::Capacity)
    }
}

impl fmt::Display for CancelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Units of one line placed at one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// Index of the line in the order.
    pub line: usize,
    /// The node that serves the units.
    pub node: NodeId,
    /// How many units.
    pub units: Units,
    /// How the node serves them.
    pub method: Method,
    /// For [`Method::TransferThenPickup`], the store the units travel to; otherwise `node`.
    pub destination: NodeId,
}

/// Units of one line the plan could not place, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unserved {
    /// Index of the line in the order.
    pub line: usize,
    /// How many units.
    pub units: Units,
    /// Why no node took them.
    pub reason: CancelReason,
}

/// A routing decision for one order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Where each placed unit comes from.
    pub assignments: Vec<Assignment>,
    /// What could not be placed.
    pub unserved: Vec<Unserved>,
}

impl Plan {
    /// The distinct nodes used, in first-use order: one shipment (or pickup) each.
    pub fn nodes(&self) -> Vec<NodeId> {
        let mut nodes: Vec<NodeId> = Vec::with_capacity(self.assignments.len());
        for a in &self.assignments {
            if !nodes.contains(&a.node) {
                nodes.push(a.node);
            }
        }
        nodes
    }

    /// How many shipments the plan makes.
    pub fn shipments(&self) -> usize {
        self.nodes().len()
    }

    /// Units placed for line `line`.
    pub fn placed_units(&self, line: usize) -> u32 {
        self.assignments.iter().filter(|a| a.line == line).map(|a| a.units).sum()
    }

    /// Units placed over all lines.
    pub fn total_placed(&self) -> Units {
        self.assignments.iter().map(|a| a.units).sum()
    }

    /// Whether nothing could be placed.
    pub fn is_empty(&self) -> bool {
        self.assignments.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assign(line: usize, node: u32, units: Units) -> Assignment {
        Assignment {
            line,
            node: NodeId(node),
            units,
            method: Method::ShipFromDc,
            destination: NodeId(node),
        }
    }

    #[test]
    fn shipments_count_distinct_nodes() {
        let plan = Plan {
            assignments: vec![assign(0, 3, 1), assign(1, 3, 2), assign(2, 1, 1)],
            unserved: vec![],
        };
        assert_eq!(plan.nodes(), vec![NodeId(3), NodeId(1)]);
        assert_eq!(plan.shipments(), 2);
        assert_eq!(plan.placed_units(1), 2);
        assert_eq!(plan.total_placed(), 4);
    }

    #[test]
    fn only_retailer_reasons_count_as_cancellations() {
        let retailer: Vec<_> =
            CancelReason::ALL.into_iter().filter(|r| r.is_retailer()).map(|r| r.as_str()).collect();
        assert_eq!(retailer, ["no_stock", "short_pick", "capacity"]);
    }
}
