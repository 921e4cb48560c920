//! One (node, sku) position: the record, the physical truth and the commitments, with the
//! state transitions that keep them consistent.
//!
//! Key types: [`Position`] (40 bytes, all `u32`), [`PickOutcome`], [`Disposition`], and the
//! crate-private `Rejection`, which the ledger turns into a `LedgerError` naming the node and
//! sku.
//!
//! The split of open commitments into `reserved` and `oversold` is not stored: a position keeps
//! one `committed` count and derives `reserved = min(committed, on_hand)` and
//! `oversold = committed - reserved`. So `reserved <= on_hand` holds by construction, lowering
//! the record moves the excess of reservations to oversold (the oversold rule), and raising the
//! record (a receipt, an arrival, a cycle count that finds more) backs oversold commitments
//! again before it adds to ATP.
//!
//! Every transition checks first and mutates after, so a rejected one leaves the position as it
//! was. This file knows nothing of orders, of the clock (beyond storing a snapshot it is
//! handed) or of the arena the positions live in.

use crate::ids::Units;

/// The ledger's state for one (node, sku).
///
/// Units in the physical states (`physical`, `quarantine`, `staged`, `in_transit`) always add up
/// to `net_inflow`, the units that entered the position minus the units that left it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    on_hand: Units,
    physical: Units,
    committed: Units,
    buffer: Units,
    quarantine: Units,
    staged: Units,
    in_transit: Units,
    net_inflow: Units,
    snapshot_atp: Units,
    snapshot_tag: u32,
}

/// The result of a pick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PickOutcome {
    /// Units found on the shelf and moved to staging.
    pub picked: Units,
    /// Units the picker could not find (the record was written down by that many phantoms).
    pub short: Units,
}

/// What happens to a returned unit leaving quarantine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// Sellable again: back on the shelf and into the record.
    Restock,
    /// Sold off at salvage value: the unit leaves the network.
    Liquidate,
}

/// Why a transition was refused; the ledger adds the node and sku.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rejection {
    InsufficientAtp { requested: Units, available: Units },
    NotCommitted { requested: Units, committed: Units },
    NotStaged { requested: Units, staged: Units },
    NotInTransit { requested: Units, in_transit: Units },
    NotInQuarantine { requested: Units, quarantine: Units },
    Overflow,
}

/// `a + b`, or `Rejection::Overflow`.
fn add(a: Units, b: Units) -> Result<Units, Rejection> {
    a.checked_add(b).ok_or(Rejection::Overflow)
}

impl Position {
    /// Units the system record says are on the shelf.
    pub fn on_hand(&self) -> Units {
        self.on_hand
    }

    /// Units really on the shelf.
    pub fn physical(&self) -> Units {
        self.physical
    }

    /// Open commitments to accepted orders not yet picked: `reserved + oversold`.
    pub fn committed(&self) -> Units {
        self.committed
    }

    /// Commitments the record backs: `min(committed, on_hand)`, so never above `on_hand`.
    pub fn reserved(&self) -> Units {
        self.committed.min(self.on_hand)
    }

    /// Commitments the record no longer backs: `committed - reserved`.
    pub fn oversold(&self) -> Units {
        self.committed - self.reserved()
    }

    /// Units held back from online channels (a setting, not stock).
    pub fn buffer(&self) -> Units {
        self.buffer
    }

    /// Returned units received and not yet dispositioned.
    pub fn quarantine(&self) -> Units {
        self.quarantine
    }

    /// Units picked for orders, waiting for the carrier or the customer.
    pub fn staged(&self) -> Units {
        self.staged
    }

    /// Units on their way to this position, all batches together.
    pub fn in_transit(&self) -> Units {
        self.in_transit
    }

    /// Units that entered the position's physical states minus units that left them.
    pub fn net_inflow(&self) -> Units {
        self.net_inflow
    }

    /// Available to promise: `max(0, on_hand - reserved - buffer)`.
    pub fn atp(&self) -> Units {
        (self.on_hand - self.reserved()).saturating_sub(self.buffer)
    }

    /// Units the physical states hold, as the audit counts them.
    pub(crate) fn held(&self) -> u64 {
        u64::from(self.physical)
            + u64::from(self.quarantine)
            + u64::from(self.staged)
            + u64::from(self.in_transit)
    }

    /// Records the current ATP as the snapshot of epoch `tag`, unless one is already there.
    pub(crate) fn capture(&mut self, tag: u32) {
        if self.snapshot_tag != tag {
            self.snapshot_atp = self.atp();
            self.snapshot_tag = tag;
        }
    }

    /// The ATP captured in epoch `tag`, if this position captured one then.
    pub(crate) fn snapshot(&self, tag: u32) -> Option<Units> {
        (self.snapshot_tag == tag).then_some(self.snapshot_atp)
    }

    /// Forgets the snapshot (the ledger's epoch tags are being renumbered).
    pub(crate) fn forget_snapshot(&mut self) {
        self.snapshot_tag = 0;
    }

    /// Breaks the audit identity: one shelf unit appears (or, on a full shelf, vanishes)
    /// without an operation accounting for it. For tests of the audit only.
    pub(crate) fn corrupt(&mut self) {
        self.physical = self.physical.checked_add(1).unwrap_or(self.physical - 1);
    }

    /// External supply onto the shelf, record and truth alike.
    pub(crate) fn receive(&mut self, units: Units) -> Result<(), Rejection> {
        self.receive_with_record(units, units)
    }

    /// External supply whose record (`record`) differs from what really arrived (`physical`).
    pub(crate) fn receive_with_record(
        &mut self,
        record: Units,
        physical: Units,
    ) -> Result<(), Rejection> {
        let net_inflow = add(self.net_inflow, physical)?;
        let on_hand = add(self.on_hand, record)?;

        self.net_inflow = net_inflow;
        self.physical += physical;
        self.on_hand = on_hand;
        Ok(())
    }

    /// Sets the units held back from online channels.
    pub(crate) fn set_buffer(&mut self, units: Units) {
        self.buffer = units;
    }

    /// Commits `units` of live ATP to accepted orders.
    pub(crate) fn reserve(&mut self, units: Units) -> Result<(), Rejection> {
        let available = self.atp();
        if units > available {
            return Err(Rejection::InsufficientAtp { requested: units, available });
        }
        self.committed = add(self.committed, units)?;
        Ok(())
    }

    /// Checks that `units` of commitments exist.
    fn check_committed(&self, units: Units) -> Result<(), Rejection> {
        if units > self.committed {
            return Err(Rejection::NotCommitted { requested: units, committed: self.committed });
        }
        Ok(())
    }

    /// Gives back `units` of open commitments (oversold ones first, as the split is derived).
    pub(crate) fn release(&mut self, units: Units) -> Result<(), Rejection> {
        self.check_committed(units)?;
        self.committed -= units;
        Ok(())
    }

    /// Consumes `units` of commitments and moves what the shelf holds to staging; a short pick
    /// writes the record down to the (now empty) shelf.
    pub(crate) fn pick(&mut self, units: Units) -> Result<PickOutcome, Rejection> {
        self.check_committed(units)?;
        let picked = units.min(self.physical);
        let short = units - picked;

        self.committed -= units;
        self.physical -= picked;
        self.staged += picked;
        self.on_hand = self.on_hand.saturating_sub(picked);

        // The picker found the shelf empty: the record learns the truth.
        if short > 0 {
            self.on_hand = self.physical;
        }
        Ok(PickOutcome { picked, short })
    }

    /// Checks that `units` are staged.
    fn check_staged(&self, units: Units) -> Result<(), Rejection> {
        if units > self.staged {
            return Err(Rejection::NotStaged { requested: units, staged: self.staged });
        }
        Ok(())
    }

    /// Staged units leave the position (with the carrier or the customer).
    pub(crate) fn release_staged(&mut self, units: Units) -> Result<(), Rejection> {
        self.check_staged(units)?;
        self.staged -= units;
        self.net_inflow -= units;
        Ok(())
    }

    /// Staged units go back to the shelf and into the record.
    pub(crate) fn restock_staged(&mut self, units: Units) -> Result<(), Rejection> {
        self.check_staged(units)?;
        let on_hand = add(self.on_hand, units)?;

        self.staged -= units;
        self.physical += units;
        self.on_hand = on_hand;
        Ok(())
    }

    /// Takes up to `units` of ATP off the shelf for a transfer and returns how many were there;
    /// if the shelf was short the record is written down to it, as after a short pick.
    pub(crate) fn take_for_transfer(&mut self, units: Units) -> Result<Units, Rejection> {
        let available = self.atp();
        if units > available {
            return Err(Rejection::InsufficientAtp { requested: units, available });
        }
        let moved = units.min(self.physical);

        self.physical -= moved;
        self.net_inflow -= moved;
        self.on_hand -= moved;
        if moved < units {
            self.on_hand = self.physical;
        }
        Ok(moved)
    }

    /// Units start their way to this position.
    pub(crate) fn add_in_transit(&mut self, units: Units) -> Result<(), Rejection> {
        self.net_inflow = add(self.net_inflow, units)?;
        self.in_transit += units;
        Ok(())
    }

    /// In-transit units land on the shelf and in the record.
    pub(crate) fn arrive(&mut self, units: Units) -> Result<(), Rejection> {
        if units > self.in_transit {
            return Err(Rejection::NotInTransit { requested: units, in_transit: self.in_transit });
        }
        let on_hand = add(self.on_hand, units)?;

        self.in_transit -= units;
        self.physical += units;
        self.on_hand = on_hand;
        Ok(())
    }

    /// A shopper takes up to `units` off the shelf; the record follows. Returns units sold.
    pub(crate) fn walk_in_sale(&mut self, units: Units) -> Units {
        let sold = units.min(self.physical);

        self.physical -= sold;
        self.net_inflow -= sold;
        self.on_hand = self.on_hand.saturating_sub(sold);
        sold
    }

    /// Up to `units` vanish from the shelf without the record noticing. Returns units lost.
    pub(crate) fn shrink(&mut self, units: Units) -> Units {
        let lost = units.min(self.physical);

        self.physical -= lost;
        self.net_inflow -= lost;
        lost
    }

    /// The record moves by `delta` without the truth, saturating at zero.
    pub(crate) fn misscan(&mut self, delta: i64) -> Result<(), Rejection> {
        let moved = i64::from(self.on_hand).saturating_add(delta).max(0);
        self.on_hand = Units::try_from(moved).map_err(|_| Rejection::Overflow)?;
        Ok(())
    }

    /// Sets the record to the truth; returns `physical - old on_hand`.
    pub(crate) fn cycle_count(&mut self) -> i64 {
        let correction = i64::from(self.physical) - i64::from(self.on_hand);
        self.on_hand = self.physical;
        correction
    }

    /// A returned unit arrives into quarantine.
    pub(crate) fn receive_return(&mut self, units: Units) -> Result<(), Rejection> {
        self.net_inflow = add(self.net_inflow, units)?;
        self.quarantine += units;
        Ok(())
    }

    /// Units leave quarantine: back to the shelf, or out of the network.
    pub(crate) fn disposition(
        &mut self,
        units: Units,
        disposition: Disposition,
    ) -> Result<(), Rejection> {
        if units > self.quarantine {
            return Err(Rejection::NotInQuarantine {
                requested: units,
                quarantine: self.quarantine,
            });
        }
        match disposition {
            Disposition::Restock => {
                let on_hand = add(self.on_hand, units)?;
                self.physical += units;
                self.on_hand = on_hand;
            }
            Disposition::Liquidate => self.net_inflow -= units,
        }
        self.quarantine -= units;
        Ok(())
    }

    /// Season end: clears shelf units beyond the commitments (record lowered by as many) and all
    /// of quarantine. Returns the units cleared.
    pub(crate) fn clear(&mut self) -> Units {
        let shelf = self.physical.saturating_sub(self.committed);
        self.physical -= shelf;
        self.on_hand = self.on_hand.saturating_sub(shelf);
        self.net_inflow -= shelf;
        shelf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stocked(units: Units) -> Position {
        let mut p = Position::default();
        p.receive(units).unwrap();
        p
    }

    #[test]
    fn position_is_compact() {
        assert_eq!(std::mem::size_of::<Position>(), 40);
    }

    #[test]
    fn atp_subtracts_reserved_and_buffer() {
        let mut p = stocked(10);
        p.set_buffer(3);
        p.reserve(4).unwrap();
        assert_eq!((p.reserved(), p.oversold(), p.atp()), (4, 0, 3));

        p.set_buffer(8);
        assert_eq!(p.atp(), 0);
    }

    #[test]
    fn reserve_beyond_atp_is_refused_without_change() {
        let mut p = stocked(5);
        p.set_buffer(2);
        let before = p;
        assert_eq!(p.reserve(4), Err(Rejection::InsufficientAtp { requested: 4, available: 3 }));
        assert_eq!(p, before);
    }

    #[test]
    fn lowering_the_record_moves_reservations_to_oversold() {
        let mut p = stocked(5);
        p.reserve(4).unwrap();

        assert_eq!(p.walk_in_sale(3), 3);
        assert_eq!((p.on_hand(), p.physical()), (2, 2));
        assert_eq!((p.reserved(), p.oversold(), p.atp()), (2, 2, 0));
    }

    #[test]
    fn raising_the_record_backs_oversold_first() {
        let mut p = stocked(5);
        p.reserve(4).unwrap();
        p.walk_in_sale(3);

        p.receive(3).unwrap();
        assert_eq!((p.on_hand(), p.reserved(), p.oversold(), p.atp()), (5, 4, 0, 1));
    }

    #[test]
    fn release_takes_oversold_first() {
        let mut p = stocked(5);
        p.reserve(5).unwrap();
        p.misscan(-3).unwrap();
        assert_eq!((p.reserved(), p.oversold()), (2, 3));

        p.release(2).unwrap();
        assert_eq!((p.reserved(), p.oversold()), (2, 1));
        assert_eq!(p.release(4), Err(Rejection::NotCommitted { requested: 4, committed: 3 }));
    }

    #[test]
    fn full_pick_moves_shelf_to_staging() {
        let mut p = stocked(6);
        p.reserve(4).unwrap();

        assert_eq!(p.pick(4).unwrap(), PickOutcome { picked: 4, short: 0 });
        assert_eq!((p.on_hand(), p.physical(), p.staged(), p.committed()), (2, 2, 4, 0));
    }

    #[test]
    fn short_pick_writes_the_record_down() {
        let mut p = stocked(6);
        p.shrink(4);
        p.reserve(5).unwrap();

        assert_eq!(p.pick(3).unwrap(), PickOutcome { picked: 2, short: 1 });
        assert_eq!((p.on_hand(), p.physical(), p.staged()), (0, 0, 2));
        assert_eq!((p.reserved(), p.oversold(), p.atp()), (0, 2, 0));
    }

    #[test]
    fn staged_units_leave_or_return() {
        let mut p = stocked(4);
        p.reserve(4).unwrap();
        p.pick(4).unwrap();

        p.release_staged(1).unwrap();
        p.restock_staged(2).unwrap();
        assert_eq!((p.staged(), p.physical(), p.on_hand(), p.net_inflow()), (1, 2, 2, 3));
        assert_eq!(p.release_staged(2), Err(Rejection::NotStaged { requested: 2, staged: 1 }));
    }

    #[test]
    fn transfer_takes_only_what_is_there() {
        let mut p = stocked(5);
        p.shrink(3);

        assert_eq!(p.take_for_transfer(4).unwrap(), 2);
        assert_eq!((p.on_hand(), p.physical(), p.net_inflow()), (0, 0, 0));
    }

    #[test]
    fn arrival_moves_transit_to_shelf() {
        let mut p = Position::default();
        p.add_in_transit(7).unwrap();
        p.arrive(5).unwrap();
        assert_eq!((p.in_transit(), p.physical(), p.on_hand(), p.net_inflow()), (2, 5, 5, 7));
        assert_eq!(p.arrive(3), Err(Rejection::NotInTransit { requested: 3, in_transit: 2 }));
    }

    #[test]
    fn misscan_saturates_and_cycle_count_corrects() {
        let mut p = stocked(4);
        p.misscan(-10).unwrap();
        assert_eq!(p.on_hand(), 0);

        p.misscan(6).unwrap();
        assert_eq!(p.cycle_count(), -2);
        assert_eq!(p.on_hand(), 4);
        assert_eq!(p.misscan(i64::from(u32::MAX)), Err(Rejection::Overflow));
    }

    #[test]
    fn dispositions_restock_or_liquidate() {
        let mut p = Position::default();
        p.receive_return(5).unwrap();
        p.disposition(2, Disposition::Restock).unwrap();
        p.disposition(1, Disposition::Liquidate).unwrap();

        assert_eq!((p.quarantine(), p.physical(), p.on_hand(), p.net_inflow()), (2, 2, 2, 4));
        let refused = p.disposition(3, Disposition::Restock);
        assert_eq!(refused, Err(Rejection::NotInQuarantine { requested: 3, quarantine: 2 }));
    }

    #[test]
    fn clear_keeps_committed_shelf_units() {
        let mut p = stocked(10);
        p.reserve(3).unwrap();
        p.receive_return(2).unwrap();

        // Returned units wait in quarantine: the simulator clears them when dispositioned.
        assert_eq!(p.clear(), 7);
        assert_eq!((p.physical(), p.on_hand(), p.quarantine(), p.reserved()), (3, 3, 2, 3));
    }

    #[test]
    fn overflow_is_refused_without_change() {
        let mut p = stocked(u32::MAX - 1);
        let before = p;
        assert_eq!(p.receive(2), Err(Rejection::Overflow));
        assert_eq!(p.add_in_transit(2), Err(Rejection::Overflow));
        assert_eq!(p.receive_with_record(0, 2), Err(Rejection::Overflow));
        assert_eq!(p, before);
    }

    #[test]
    fn snapshot_is_taken_once_per_tag() {
        let mut p = stocked(5);
        p.capture(1);
        p.receive(5).unwrap();
        p.capture(1);
        assert_eq!(p.snapshot(1), Some(5));
        assert_eq!(p.snapshot(2), None);
    }
}
