//! The operations that change stock: supply, commitments, picking and staging, transfers and
//! arrivals, the shelf's own life (walk-ins, shrink, mis-scans, counts), returns and season-end
//! clearance.
//!
//! Each operation validates the ids, runs one position transition through `apply` (which keeps
//! the state unchanged on error and captures the ATP snapshot), then counts its network flow.
//! Operations that bring stock to a node (`ensure`, `receive`, `receive_with_record`,
//! `set_buffer`, `send_in_transit`, the destination of `transfer_out`, `receive_return`) create
//! the position; all others need it to exist and otherwise fail with `NoPosition`.
//!
//! This file must not know about orders, policies or the simulator.

use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::inventory::error::LedgerError;
use crate::inventory::flows::Flow;
use crate::inventory::position::{Disposition, PickOutcome};

use super::Ledger;

impl Ledger {
    /// Creates an empty position, so `node` carries `sku`; does nothing if it exists.
    pub fn ensure(&mut self, node: NodeId, sku: SkuId) -> Result<(), LedgerError> {
        self.apply_or_create(node, sku, |_| Ok(()))?;
        Ok(())
    }

    /// External supply (initial stock, replenishment) onto the shelf and into the record.
    pub fn receive(&mut self, node: NodeId, sku: SkuId, units: Units) -> Result<(), LedgerError> {
        self.apply_or_create(node, sku, |p| p.receive(units))?;
        self.count(sku, Flow::Received, units);
        Ok(())
    }

    /// External supply whose record differs from the truth: `record` units enter `on_hand`,
    /// `physical` units really arrive (inventory-accuracy scenarios).
    pub fn receive_with_record(
        &mut self,
        node: NodeId,
        sku: SkuId,
        record: Units,
        physical: Units,
    ) -> Result<(), LedgerError> {
        self.apply_or_create(node, sku, |p| p.receive_with_record(record, physical))?;
        self.count(sku, Flow::Received, physical);
        Ok(())
    }

    /// Sets the units held back from online channels.
    pub fn set_buffer(
        &mut self,
        node: NodeId,
        sku: SkuId,
        units: Units,
    ) -> Result<(), LedgerError> {
        self.apply_or_create(node, sku, |p| {
            p.set_buffer(units);
            Ok(())
        })?;
        Ok(())
    }

    /// Commits `units` to accepted orders; fails with `InsufficientAtp` above the live ATP.
    pub fn reserve(&mut self, node: NodeId, sku: SkuId, units: Units) -> Result<(), LedgerError> {
        self.apply(node, sku, |p| p.reserve(units))?;
        Ok(())
    }

    /// Gives back `units` of open commitments (an order cancelled before pick), oversold ones
    /// first; fails with `NotCommitted` above the commitments.
    pub fn release(&mut self, node: NodeId, sku: SkuId, units: Units) -> Result<(), LedgerError> {
        self.apply(node, sku, |p| p.release(units))?;
        Ok(())
    }

    /// Picks `units` of commitments: what the shelf holds moves to staging, and if the shelf
    /// comes up short the record is written down to the empty shelf. Fails with `NotCommitted`
    /// above the commitments.
    pub fn pick(
        &mut self,
        node: NodeId,
        sku: SkuId,
        units: Units,
    ) -> Result<PickOutcome, LedgerError> {
        let (_, outcome) = self.apply(node, sku, |p| p.pick(units))?;
        Ok(outcome)
    }

    /// Staged units leave with the carrier; fails with `NotStaged` above the staged units.
    pub fn ship(&mut self, node: NodeId, sku: SkuId, units: Units) -> Result<(), LedgerError> {
        self.apply(node, sku, |p| p.release_staged(units))?;
        self.count(sku, Flow::Shipped, units);
        Ok(())
    }

    /// Staged units are picked up by the customer (BOPIS); fails with `NotStaged` above the
    /// staged units.
    pub fn hand_over(&mut self, node: NodeId, sku: SkuId, units: Units) -> Result<(), LedgerError> {
        self.apply(node, sku, |p| p.release_staged(units))?;
        self.count(sku, Flow::HandedOver, units);
        Ok(())
    }

    /// Staged units go back to the shelf and the record (a pickup no-show).
    pub fn restock_staged(
        &mut self,
        node: NodeId,
        sku: SkuId,
        units: Units,
    ) -> Result<(), LedgerError> {
        self.apply(node, sku, |p| p.restock_staged(units))?;
        Ok(())
    }

    /// Moves `units` of `from`'s ATP into transit to `to`, arriving at `arrival`. Fails with
    /// `InsufficientAtp` above `from`'s live ATP. If the shelf holds fewer units than the record
    /// says, only those move and `from`'s record is written down to the empty shelf, as after a
    /// short pick. Returns the units moved.
    pub fn transfer_out(
        &mut self,
        from: NodeId,
        to: NodeId,
        sku: SkuId,
        units: Units,
        arrival: SimTime,
    ) -> Result<Units, LedgerError> {
        let source = self.existing(from, sku)?;
        let target = self.find(to, sku)?;
        if target.is_none() {
            self.check_room(to, sku)?;
        }

        let mut outgoing = self.draft(Some(source));
        let moved = outgoing.take_for_transfer(units).map_err(|r| r.at(from, sku))?;
        let mut incoming = if target == Some(source) { outgoing } else { self.draft(target) };
        incoming.add_in_transit(moved).map_err(|r| r.at(to, sku))?;

        // Both sides accepted the move: store them.
        self.positions[source as usize] = outgoing;
        let target = match target {
            Some(target) => {
                self.positions[target as usize] = incoming;
                target
            }
            None => self.insert(to, sku, incoming),
        };
        self.transit.add(target, arrival, moved);
        self.count(sku, Flow::Transferred, moved);
        Ok(moved)
    }

    /// Inbound units from outside the network (a vendor) start their way to `to`, arriving at
    /// `arrival`. They count as received now.
    pub fn send_in_transit(
        &mut self,
        to: NodeId,
        sku: SkuId,
        units: Units,
        arrival: SimTime,
    ) -> Result<(), LedgerError> {
        let (index, ()) = self.apply_or_create(to, sku, |p| p.add_in_transit(units))?;
        self.transit.add(index, arrival, units);
        self.count(sku, Flow::Received, units);
        Ok(())
    }

    /// In-transit units land on the shelf and in the record, taken from the earliest batches
    /// (the simulator calls this at the arrival time). Fails with `NotInTransit` above the units
    /// in transit.
    pub fn arrive(&mut self, to: NodeId, sku: SkuId, units: Units) -> Result<(), LedgerError> {
        let (index, ()) = self.apply(to, sku, |p| p.arrive(units))?;
        self.transit.take_earliest(index, units);
        Ok(())
    }

    /// A walk-in shopper takes up to `units` off the shelf, reserved units included; the record
    /// follows at the point of sale. Returns the units sold.
    pub fn walk_in_sale(
        &mut self,
        node: NodeId,
        sku: SkuId,
        units: Units,
    ) -> Result<Units, LedgerError> {
        let (_, sold) = self.apply(node, sku, |p| Ok(p.walk_in_sale(units)))?;
        self.count(sku, Flow::WalkInSold, sold);
        Ok(sold)
    }

    /// Up to `units` vanish from the shelf (theft, damage) while the record stays. Returns the
    /// units lost.
    pub fn shrink(&mut self, node: NodeId, sku: SkuId, units: Units) -> Result<Units, LedgerError> {
        let (_, lost) = self.apply(node, sku, |p| Ok(p.shrink(units)))?;
        self.count(sku, Flow::Shrunk, lost);
        Ok(lost)
    }

    /// The record moves by `delta` without the truth, saturating at zero (record drift).
    /// Fails with `Overflow` past `u32::MAX`.
    pub fn misscan(&mut self, node: NodeId, sku: SkuId, delta: i64) -> Result<(), LedgerError> {
        self.apply(node, sku, |p| p.misscan(delta))?;
        Ok(())
    }

    /// A cycle count sets the record to the truth. Returns the correction,
    /// `physical - old on_hand`.
    pub fn cycle_count(&mut self, node: NodeId, sku: SkuId) -> Result<i64, LedgerError> {
        let (_, correction) = self.apply(node, sku, |p| Ok(p.cycle_count()))?;
        Ok(correction)
    }

    /// Returned units arrive into quarantine.
    pub fn receive_return(
        &mut self,
        node: NodeId,
        sku: SkuId,
        units: Units,
    ) -> Result<(), LedgerError> {
        self.apply_or_create(node, sku, |p| p.receive_return(units))?;
        self.count(sku, Flow::ReturnReceived, units);
        Ok(())
    }

    /// Units leave quarantine: restocked onto the shelf and into the record, or liquidated out
    /// of the network. Fails with `NotInQuarantine` above the units in quarantine.
    pub fn disposition(
        &mut self,
        node: NodeId,
        sku: SkuId,
        units: Units,
        disposition: Disposition,
    ) -> Result<(), LedgerError> {
        self.apply(node, sku, |p| p.disposition(units, disposition))?;
        if disposition == Disposition::Liquidate {
            self.count(sku, Flow::Liquidated, units);
        }
        Ok(())
    }

    /// Season end: clears every shelf unit at the position not committed to an open order,
    /// that is beyond `reserved + oversold` (the record lowered by as many, saturating).
    /// Returned units in quarantine belong to returns still being processed and are left for
    /// the simulator to clear once dispositioned; units in transit are cleared by the
    /// simulator when they arrive. Returns the units cleared.
    pub fn clear(&mut self, node: NodeId, sku: SkuId) -> Result<Units, LedgerError> {
        let (_, cleared) = self.apply(node, sku, |p| Ok(p.clear()))?;
        self.count(sku, Flow::Cleared, cleared);
        Ok(cleared)
    }

    /// Breaks one position's conservation identity (a shelf unit appears from nowhere) so a
    /// test can check that `audit` names it. Not for simulation use.
    #[doc(hidden)]
    pub fn corrupt_for_test(&mut self, node: NodeId, sku: SkuId) -> Result<(), LedgerError> {
        let index = self.existing(node, sku)?;
        self.positions[index as usize].corrupt();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Flows;

    const N0: NodeId = NodeId(0);
    const N1: NodeId = NodeId(1);
    const S0: SkuId = SkuId(0);

    fn ledger_with(units: Units) -> Ledger {
        let mut ledger = Ledger::new(2, 1);
        ledger.receive(N0, S0, units).unwrap();
        ledger
    }

    /// (on_hand, physical, reserved, oversold, atp) at (N0, S0).
    fn state(ledger: &Ledger) -> (Units, Units, Units, Units, Units) {
        let p = ledger.position(N0, S0).unwrap();
        (p.on_hand(), p.physical(), p.reserved(), p.oversold(), p.atp())
    }

    #[test]
    fn operations_on_a_missing_position_fail() {
        let mut ledger = Ledger::new(2, 1);
        let missing = LedgerError::NoPosition { node: N1, sku: S0 };
        assert_eq!(ledger.reserve(N1, S0, 1), Err(missing));
        assert_eq!(ledger.pick(N1, S0, 1), Err(missing));
        assert_eq!(ledger.clear(N1, S0), Err(missing));
        assert_eq!(ledger.walk_in_sale(N1, S0, 1), Err(missing));
        assert_eq!(ledger.num_positions(), 0);
    }

    #[test]
    fn receive_with_record_keeps_record_and_truth_apart() {
        let mut ledger = Ledger::new(2, 1);
        ledger.receive_with_record(N0, S0, 10, 7).unwrap();
        assert_eq!(state(&ledger), (10, 7, 0, 0, 10));
        assert_eq!(ledger.flows().received, 7);
    }

    #[test]
    fn reserve_respects_buffer_and_reports_availability() {
        let mut ledger = ledger_with(10);
        ledger.set_buffer(N0, S0, 4).unwrap();
        ledger.reserve(N0, S0, 5).unwrap();

        let refused = ledger.reserve(N0, S0, 2).unwrap_err();
        assert_eq!(
            refused,
            LedgerError::InsufficientAtp { node: N0, sku: S0, requested: 2, available: 1 }
        );
        assert_eq!(state(&ledger), (10, 10, 5, 0, 1));
    }

    #[test]
    fn walk_in_takes_reserved_units_and_oversells() {
        let mut ledger = ledger_with(5);
        ledger.reserve(N0, S0, 4).unwrap();

        assert_eq!(ledger.walk_in_sale(N0, S0, 3).unwrap(), 3);
        assert_eq!(state(&ledger), (2, 2, 2, 2, 0));
        assert_eq!(ledger.walk_in_sale(N0, S0, 9).unwrap(), 2);
        assert_eq!(state(&ledger), (0, 0, 0, 4, 0));
        assert_eq!(ledger.flows().walk_in_sold, 5);
    }

    #[test]
    fn short_pick_writes_down_phantom_units() {
        let mut ledger = ledger_with(8);
        ledger.reserve(N0, S0, 6).unwrap();
        assert_eq!(ledger.shrink(N0, S0, 5).unwrap(), 5);

        let outcome = ledger.pick(N0, S0, 4).unwrap();
        assert_eq!(outcome, PickOutcome { picked: 3, short: 1 });
        assert_eq!(state(&ledger), (0, 0, 0, 2, 0));
        assert_eq!(ledger.position(N0, S0).unwrap().staged(), 3);
    }

    #[test]
    fn pick_then_ship_or_hand_over_or_restock() {
        let mut ledger = ledger_with(6);
        ledger.reserve(N0, S0, 6).unwrap();
        ledger.pick(N0, S0, 6).unwrap();

        ledger.ship(N0, S0, 2).unwrap();
        ledger.hand_over(N0, S0, 1).unwrap();
        ledger.restock_staged(N0, S0, 2).unwrap();
        assert_eq!(state(&ledger), (2, 2, 0, 0, 2));

        let refused = ledger.ship(N0, S0, 2).unwrap_err();
        assert_eq!(refused, LedgerError::NotStaged { node: N0, sku: S0, requested: 2, staged: 1 });
        let flows = ledger.flows();
        assert_eq!((flows.shipped, flows.handed_over), (2, 1));
    }

    #[test]
    fn release_more_than_committed_fails() {
        let mut ledger = ledger_with(3);
        ledger.reserve(N0, S0, 2).unwrap();
        let refused = ledger.release(N0, S0, 3).unwrap_err();
        assert_eq!(
            refused,
            LedgerError::NotCommitted { node: N0, sku: S0, requested: 3, committed: 2 }
        );
        ledger.release(N0, S0, 2).unwrap();
        assert_eq!(state(&ledger), (3, 3, 0, 0, 3));
    }

    #[test]
    fn transfer_moves_stock_into_transit_and_arrives_earliest_first() {
        let mut ledger = ledger_with(10);
        assert_eq!(ledger.transfer_out(N0, N1, S0, 4, SimTime(200)).unwrap(), 4);
        ledger.send_in_transit(N1, S0, 3, SimTime(100)).unwrap();
        assert_eq!(ledger.in_transit_batches(N1, S0), &[(SimTime(100), 3), (SimTime(200), 4)]);

        ledger.arrive(N1, S0, 5).unwrap();
        assert_eq!(ledger.in_transit_batches(N1, S0), &[(SimTime(200), 2)]);
        let p = ledger.position(N1, S0).unwrap();
        assert_eq!((p.on_hand(), p.physical(), p.in_transit()), (5, 5, 2));
        assert_eq!(state(&ledger), (6, 6, 0, 0, 6));
        assert_eq!((ledger.flows().received, ledger.flows().transferred), (13, 4));

        let refused = ledger.arrive(N1, S0, 3).unwrap_err();
        assert!(matches!(refused, LedgerError::NotInTransit { in_transit: 2, .. }));
    }

    #[test]
    fn transfer_from_a_short_shelf_moves_what_is_there() {
        let mut ledger = ledger_with(10);
        ledger.shrink(N0, S0, 7).unwrap();
        assert!(ledger.transfer_out(N0, N1, S0, 11, SimTime(5)).is_err());

        assert_eq!(ledger.transfer_out(N0, N1, S0, 5, SimTime(5)).unwrap(), 3);
        assert_eq!(state(&ledger), (0, 0, 0, 0, 0));
        assert_eq!(ledger.position(N1, S0).unwrap().in_transit(), 3);
        assert_eq!(ledger.audit(), Ok(()));
    }

    #[test]
    fn transfer_to_itself_keeps_the_books() {
        let mut ledger = ledger_with(4);
        assert_eq!(ledger.transfer_out(N0, N0, S0, 3, SimTime(9)).unwrap(), 3);
        let p = ledger.position(N0, S0).unwrap();
        assert_eq!((p.on_hand(), p.physical(), p.in_transit(), p.net_inflow()), (1, 1, 3, 4));
        assert_eq!(ledger.audit(), Ok(()));
    }

    #[test]
    fn misscan_and_cycle_count() {
        let mut ledger = ledger_with(5);
        ledger.reserve(N0, S0, 4).unwrap();

        ledger.misscan(N0, S0, -3).unwrap();
        assert_eq!(state(&ledger), (2, 5, 2, 2, 0));
        assert_eq!(ledger.cycle_count(N0, S0).unwrap(), 3);
        assert_eq!(state(&ledger), (5, 5, 4, 0, 1));

        ledger.misscan(N0, S0, 4).unwrap();
        assert_eq!(ledger.cycle_count(N0, S0).unwrap(), -4);
    }

    #[test]
    fn returns_go_through_quarantine() {
        let mut ledger = Ledger::new(2, 1);
        ledger.receive_return(N0, S0, 4).unwrap();
        ledger.disposition(N0, S0, 3, Disposition::Restock).unwrap();
        ledger.disposition(N0, S0, 1, Disposition::Liquidate).unwrap();

        assert_eq!(state(&ledger), (3, 3, 0, 0, 3));
        assert!(ledger.disposition(N0, S0, 1, Disposition::Restock).is_err());
        let flows = ledger.flows();
        assert_eq!((flows.returns_received, flows.liquidated), (4, 1));
    }

    #[test]
    fn clear_leaves_committed_units() {
        let mut ledger = ledger_with(10);
        ledger.reserve(N0, S0, 3).unwrap();
        ledger.receive_return(N0, S0, 2).unwrap();
        ledger.send_in_transit(N0, S0, 5, SimTime(50)).unwrap();

        // Shelf units beyond the 3 committed are cleared; returns in quarantine wait.
        assert_eq!(ledger.clear(N0, S0).unwrap(), 7);
        assert_eq!(state(&ledger), (3, 3, 3, 0, 0));
        assert_eq!(ledger.position(N0, S0).unwrap().in_transit(), 5);
        assert_eq!(ledger.position(N0, S0).unwrap().quarantine(), 2);
        assert_eq!(ledger.flows().cleared, 7);
    }

    #[test]
    fn overflow_is_reported_and_changes_nothing() {
        let mut ledger = ledger_with(u32::MAX);
        let before = ledger.clone();
        let overflow = LedgerError::Overflow { node: N0, sku: S0 };
        assert_eq!(ledger.receive(N0, S0, 1), Err(overflow));
        assert_eq!(ledger.receive_return(N0, S0, 1), Err(overflow));
        assert_eq!(ledger.send_in_transit(N0, S0, 1, SimTime(1)), Err(overflow));

        assert_eq!(ledger.position(N0, S0), before.position(N0, S0));
        assert_eq!(ledger.flows(), before.flows());
        assert!(ledger.in_transit_batches(N0, S0).is_empty());
    }

    #[test]
    fn sku_flows_sum_to_network_flows() {
        let mut ledger = Ledger::new(1, 2);
        ledger.receive(N0, SkuId(0), 3).unwrap();
        ledger.receive(N0, SkuId(1), 4).unwrap();
        ledger.shrink(N0, SkuId(1), 1).unwrap();

        let per_sku: Vec<Flows> = (0..2).map(|s| *ledger.sku_flows(SkuId(s)).unwrap()).collect();
        assert_eq!(per_sku[0].received + per_sku[1].received, ledger.flows().received);
        assert_eq!(per_sku[1].shrunk, 1);
        assert!(ledger.sku_flows(SkuId(2)).is_none());
        assert_eq!(ledger.units_held(), 6);
    }
}
