//! Returns: the decision to return a delivered line, the trip back (by mail to a DC, or to a
//! store), receipt into quarantine, inspection and disposition (restock, refurbish then
//! restock, or liquidate), and the refund.
//!
//! Return probability is the channel's rate times the SKU category's multiplier; the lag,
//! destination and disposition are per-order luck. Units returned after their season ended
//! are cleared at the clearance price like every other unit of that SKU.

use super::SimError;
use super::luck::Purpose;
use super::world::{Event, ReturnKey, ReturnRec, Shipment, World};
use crate::engine::Engine;
use crate::ids::{NodeId, SimTime};
use crate::inventory::Disposition;
use crate::network::great_circle_miles;

impl World<'_> {
    /// Decides, line by line, whether the customer of a delivered or collected shipment
    /// returns it, and schedules the returns.
    pub(super) fn start_returns(&mut self, engine: &mut Engine<Event>, ship: &Shipment) {
        let cfg = &self.sc.returns;
        let base = cfg.rate[ship.channel.index()];
        if base <= 0.0 {
            return;
        }
        for (line, &picked) in ship.lines.iter().zip(&ship.picked) {
            if picked == 0 {
                continue;
            }
            let sku = self.sc.catalog.sku(line.sku);
            let multiplier =
                cfg.category_multiplier.get(usize::from(sku.category)).copied().unwrap_or(1.0);
            let detail = u64::from(line.sku.0);
            if !self.luck.chance(
                ship.luck_key,
                Purpose::Return,
                detail,
                (base * multiplier).min(1.0),
            ) {
                continue;
            }
            let Some((node, by_mail)) = self.return_point(ship, detail) else { continue };
            let lag_days =
                self.luck.exponential(ship.luck_key, Purpose::ReturnLag, detail, cfg.lag_days_mean);
            let r = self.returns.insert(ReturnRec {
                sku: line.sku,
                units: picked,
                channel: ship.channel,
                luck_key: ship.luck_key,
                node,
                by_mail,
                initiated: SimTime::ZERO,
                counted: ship.counted,
                customer: ship.customer,
            }) as ReturnKey;
            engine.schedule_in((lag_days * SimTime::DAY as f64) as u64, Event::ReturnStart(r));
        }
    }

    /// Where the return goes: the nearest store that takes returns, or a DC by mail.
    fn return_point(&self, ship: &Shipment, detail: u64) -> Option<(NodeId, bool)> {
        let region = ship.region as usize;
        let share = self.sc.returns.to_store_share[ship.channel.index()];
        let to_store = self.luck.chance(ship.luck_key, Purpose::ReturnToStore, detail, share);
        let store = self.prep.return_store.get(region).copied().flatten();
        let dc = self.prep.return_dc.get(region).copied().flatten();
        match (to_store, store, dc) {
            (true, Some(s), _) => Some((s, false)),
            (_, _, Some(d)) => Some((d, true)),
            (_, Some(s), None) => Some((s, false)),
            _ => None,
        }
    }

    pub(super) fn on_return_start(
        &mut self,
        engine: &mut Engine<Event>,
        r: ReturnKey,
    ) -> Result<(), SimError> {
        let now = engine.now();
        let rec = &mut self.returns[r as usize];
        rec.initiated = now;
        let cost = self.sc.returns.processing_cost * f64::from(rec.units)
            + if rec.by_mail { self.sc.returns.label_cost } else { 0.0 };
        self.tally.return_started(rec.channel, rec.units, cost, rec.counted);
        let travel = if rec.by_mail {
            let node = self.sc.network.node(rec.node);
            // A mail return travels the carrier's zone from the customer to the DC, plus a
            // day for the customer to drop it off.
            let miles = great_circle_miles(node.location, rec.customer);
            let days = self.sc.network.rate_card.zone_for(miles).transit_days.max(1) + 1;
            u64::from(days) * SimTime::DAY
        } else {
            SimTime::DAY / 2
        };
        engine.schedule_in(travel, Event::ReturnArrive(r));
        Ok(())
    }

    pub(super) fn on_return_arrive(
        &mut self,
        engine: &mut Engine<Event>,
        r: ReturnKey,
    ) -> Result<(), SimError> {
        let now = engine.now();
        let rec = &self.returns[r as usize];
        self.ledger.receive_return(rec.node, rec.sku, rec.units)?;
        let refund_days =
            now.plus(self.sc.returns.refund).since(rec.initiated) as f64 / SimTime::DAY as f64;
        self.tally.refunded(rec.channel, refund_days, rec.counted);
        engine.schedule_in(self.sc.returns.processing, Event::ReturnDispose(r));
        Ok(())
    }

    pub(super) fn on_return_dispose(
        &mut self,
        engine: &mut Engine<Event>,
        r: ReturnKey,
    ) -> Result<(), SimError> {
        let cfg = &self.sc.returns;
        let rec = &self.returns[r as usize];
        let u = self.luck.uniform(rec.luck_key, Purpose::Disposition, u64::from(rec.sku.0));
        if u < cfg.restock_share {
            self.restock(engine.now(), r)
        } else if u < cfg.restock_share + cfg.refurbish_share {
            engine.schedule_in(cfg.refurbish, Event::RefurbishDone(r));
            Ok(())
        } else {
            let rec = self.returns.remove(r as usize);
            self.ledger.disposition(rec.node, rec.sku, rec.units, Disposition::Liquidate)?;
            let salvage = self.sc.catalog.sku(rec.sku).unit_cost * cfg.salvage_share;
            self.tally.liquidated(rec.channel, rec.units, salvage, rec.counted);
            Ok(())
        }
    }

    pub(super) fn on_refurbish_done(
        &mut self,
        engine: &mut Engine<Event>,
        r: ReturnKey,
    ) -> Result<(), SimError> {
        self.restock(engine.now(), r)
    }

    /// Puts returned units back on the shelf (and clears them if their season is over).
    fn restock(&mut self, now: SimTime, r: ReturnKey) -> Result<(), SimError> {
        let rec = self.returns.remove(r as usize);
        self.ledger.disposition(rec.node, rec.sku, rec.units, Disposition::Restock)?;
        let days = now.since(rec.initiated) as f64 / SimTime::DAY as f64;
        self.tally.restocked(rec.channel, rec.units, days, rec.counted);
        self.clear_if_season_over(now, rec.node, rec.sku)
    }
}
