//! Network flows: units that entered the ledger from outside and units that left it, by kind.
//!
//! Key types: [`Flows`] (public totals) and the crate-private `Flow` kind the ledger counts
//! with. The simulator reconciles these totals with what carriers delivered and customers
//! received; together with the units still held in positions they prove conservation:
//! `inflow - outflow == units held`. This file only counts; it must not touch positions.

use crate::ids::Units;

/// Unit totals by kind of flow, for one sku or for the whole network.
///
/// `received` and `returns_received` enter the network; `shipped`, `handed_over`,
/// `walk_in_sold`, `shrunk`, `liquidated` and `cleared` leave it. `transferred` counts units
/// moved between nodes, which neither enter nor leave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flows {
    /// External supply: initial stock, replenishment received on the shelf, and vendor
    /// shipments sent in transit (counted when they are sent, as they enter a ledger state).
    pub received: u64,
    /// Returned units received into quarantine.
    pub returns_received: u64,
    /// Staged units that left with the carrier.
    pub shipped: u64,
    /// Staged units picked up by the customer.
    pub handed_over: u64,
    /// Units walk-in shoppers took off the shelf.
    pub walk_in_sold: u64,
    /// Units lost to shrink (theft, damage).
    pub shrunk: u64,
    /// Returned units liquidated from quarantine.
    pub liquidated: u64,
    /// Units cleared at season end.
    pub cleared: u64,
    /// Units moved from one node to another (internal: neither inflow nor outflow).
    pub transferred: u64,
}

/// One kind of flow the ledger counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    Received,
    ReturnReceived,
    Shipped,
    HandedOver,
    WalkInSold,
    Shrunk,
    Liquidated,
    Cleared,
    Transferred,
}

impl Flows {
    /// Units that entered the network.
    pub fn inflow(&self) -> u64 {
        self.received.saturating_add(self.returns_received)
    }

    /// Units that left the network.
    pub fn outflow(&self) -> u64 {
        [self.shipped, self.handed_over, self.walk_in_sold, self.shrunk]
            .into_iter()
            .chain([self.liquidated, self.cleared])
            .fold(0, u64::saturating_add)
    }

    /// Units the network should still hold: inflow minus outflow.
    pub fn expected_held(&self) -> i128 {
        i128::from(self.inflow()) - i128::from(self.outflow())
    }

    /// Counts `units` of `flow` (saturating: `u64` holds four billion maximal operations).
    pub(crate) fn add(&mut self, flow: Flow, units: Units) {
        let counter = match flow {
            Flow::Received => &mut self.received,
            Flow::ReturnReceived => &mut self.returns_received,
            Flow::Shipped => &mut self.shipped,
            Flow::HandedOver => &mut self.handed_over,
            Flow::WalkInSold => &mut self.walk_in_sold,
            Flow::Shrunk => &mut self.shrunk,
            Flow::Liquidated => &mut self.liquidated,
            Flow::Cleared => &mut self.cleared,
            Flow::Transferred => &mut self.transferred,
        };
        *counter = counter.saturating_add(u64::from(units));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflow_and_outflow_sum_their_kinds() {
        let mut flows = Flows::default();
        flows.add(Flow::Received, 10);
        flows.add(Flow::ReturnReceived, 2);
        flows.add(Flow::Shipped, 3);
        flows.add(Flow::Cleared, 1);
        flows.add(Flow::Transferred, 5);

        assert_eq!((flows.inflow(), flows.outflow(), flows.expected_held()), (12, 4, 8));
    }
}
