//! Execution: pick queues, picks (with failures and short picks), carriers, pickups and
//! no-shows.
//!
//! Each node is a multi-server queue: its pickers take released shipments first come first
//! served while the node is open, each pick lasting a draw from the node's pick-time
//! distribution (keyed by order and node, so the same order at the same node takes as long
//! under every policy). A line fails outright with the node's pick failure rate (the units
//! stay on the shelf and the reservation is released); otherwise the ledger picks what is
//! physically there and reports the rest short. Short units go back to the policy for
//! another node, or are cancelled. Parcels leave at the carrier cut-off and arrive after the
//! zone's transit days, plus the zone's late days when the carrier is late.

use super::SimError;
use super::luck::Purpose;
use super::world::{Event, ShipKey, World};
use crate::cost::{CostBreakdown, pickup_cost, shipment_cost};
use crate::engine::Engine;
use crate::ids::{NodeId, SimTime, Units};
use crate::network::{PickTime, great_circle_miles};
use crate::orchestrator::promise::{departure, packed_by};
use crate::orders::{CancelReason, Method, Status};

/// Hour of the day carriers deliver at.
const DELIVERY_HOUR: u64 = 14;

impl World<'_> {
    pub(super) fn on_release(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let now = engine.now();
        if self.orch.is_offline(self.ships[s as usize].node) {
            return self.reroute_from_offline(engine, s);
        }
        let ship = &mut self.ships[s as usize];
        ship.status.advance(Status::Released)?;
        let node = ship.node;
        self.crews[node.index()].join(now, s);
        self.start_picks(engine, node)
    }

    /// Starts picks at `node` while it is open and has idle pickers and waiting shipments.
    pub(super) fn start_picks(
        &mut self,
        engine: &mut Engine<Event>,
        node: NodeId,
    ) -> Result<(), SimError> {
        let now = engine.now();
        let n = self.sc.network.node(node);
        if !n.hours.is_open(now.second_of_day()) || self.orch.is_offline(node) {
            return Ok(());
        }
        while let Some((s, waited)) = self.crews[node.index()].start_next(now) {
            let ship = &mut self.ships[s as usize];
            ship.status.advance(Status::Picking)?;
            let luck_key = ship.luck_key;
            let seconds = pick_seconds(self, luck_key, node);
            self.tally.pick_started(node, waited, self.measured(now));
            engine.schedule_in(seconds, Event::PickDone(s));
        }
        Ok(())
    }

    pub(super) fn on_pick_done(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let now = engine.now();
        let node = self.ships[s as usize].node;
        self.crews[node.index()].finish();
        self.tally.pick_done(node, self.measured(now));
        let cutoff = self.sc.network.rate_card.cutoff;
        let ship = &mut self.ships[s as usize];
        ship.mark.picked(now, ship.method, cutoff);

        let shorts = self.pick_lines(s)?;
        let picked: Units = self.ships[s as usize].picked.iter().sum();
        if !shorts.is_empty() {
            self.ships[s as usize].status.advance(Status::ShortPicked)?;
            self.reroute_shorts(engine, s, &shorts)?;
        }
        if picked == 0 {
            self.close_unpicked(s)?;
        } else {
            self.count_full_price(s);
            self.after_pick(engine, s)?;
        }
        self.start_picks(engine, node)
    }

    /// Picks every line of shipment `s`; returns the (line, units) found short.
    fn pick_lines(&mut self, s: ShipKey) -> Result<Vec<(usize, Units)>, SimError> {
        let ship = &mut self.ships[s as usize];
        let rate = self.sc.network.node(ship.node).pick_failure_rate;
        let mut shorts = Vec::new();
        for (i, line) in ship.lines.iter().enumerate() {
            let detail = (u64::from(ship.node.0) << 20) | line.line as u64;
            let failed = self.luck.chance(ship.luck_key, Purpose::PickFailure, detail, rate);
            let (picked, short) = if failed {
                self.ledger.release(ship.node, line.sku, line.units)?;
                (0, line.units)
            } else {
                let outcome = self.ledger.pick(ship.node, line.sku, line.units)?;
                (outcome.picked, outcome.short)
            };
            ship.picked[i] = picked;
            if short > 0 {
                shorts.push((line.line, short));
            }
        }
        Ok(shorts)
    }

    /// Asks the policy to place short units elsewhere; cancels what it cannot.
    fn reroute_shorts(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
        shorts: &[(usize, Units)],
    ) -> Result<(), SimError> {
        let (key, node, counted) = {
            let ship = &self.ships[s as usize];
            (ship.order, ship.node, ship.counted)
        };
        for &(line, units) in shorts {
            let order = &self.orders[key as usize].order;
            let (plans, left) = self.orch.reroute(
                order,
                line,
                units,
                node,
                self.policy.as_mut(),
                &mut self.ledger,
                &self.sc.network,
                &self.sc.catalog,
            );
            self.tally.short_pick(node, units, counted);
            self.launch_from(engine, key, plans, Some(node));
            if left > 0 {
                self.cancel_units(key, left, CancelReason::ShortPick, node);
            }
        }
        Ok(())
    }

    /// A shipment whose every unit was short: closed, its units rerouted or cancelled.
    fn close_unpicked(&mut self, s: ShipKey) -> Result<(), SimError> {
        let mut ship = self.ships.remove(s as usize);
        ship.status.advance(Status::Rerouted)?;
        self.part_done(ship.order, None);
        Ok(())
    }

    /// Seasonal units sold at full price, for sell-through.
    fn count_full_price(&mut self, s: ShipKey) {
        let ship = &self.ships[s as usize];
        let units: Units = ship
            .lines
            .iter()
            .zip(&ship.picked)
            .filter(|(l, _)| self.sc.catalog.sku(l.sku).season_end_day.is_some())
            .map(|(_, &p)| p)
            .sum();
        self.tally.full_price_sold(units);
    }

    /// Packs picked units: parcels wait for the carrier, pickups are ready, transfers leave.
    fn after_pick(&mut self, engine: &mut Engine<Event>, s: ShipKey) -> Result<(), SimError> {
        let now = engine.now();
        let ship = &self.ships[s as usize];
        match ship.method {
            Method::ShipFromDc | Method::ShipFromStore => {
                let leaves = departure(now, self.sc.network.rate_card.cutoff);
                engine.schedule(leaves, Event::Depart(s));
            }
            Method::Pickup => {
                let cost = pickup_cost(&self.sc.network, ship.node, picked_units(ship));
                self.add_cost(s, &cost);
                engine.schedule(now, Event::PickupReady(s));
            }
            Method::TransferThenPickup => {
                let (lane_cost, lead) =
                    self.sc.network.lanes.transfer(ship.node, ship.destination).unwrap_or((0.0, 0));
                let units = picked_units(ship);
                let mut cost = pickup_cost(&self.sc.network, ship.node, units);
                cost.transfer = lane_cost * f64::from(units);
                self.ship_out(s)?;
                self.add_cost(s, &cost);
                self.audit_flows.transfer_sent(&self.ships[s as usize]);
                engine.schedule_in(lead, Event::TransferArrive(s));
            }
        }
        Ok(())
    }

    /// Takes the picked units of `s` out of the ledger (they leave the node).
    fn ship_out(&mut self, s: ShipKey) -> Result<(), SimError> {
        let ship = &self.ships[s as usize];
        for (line, &picked) in ship.lines.iter().zip(&ship.picked) {
            if picked > 0 {
                self.ledger.ship(ship.node, line.sku, picked)?;
            }
        }
        Ok(())
    }

    /// Adds cost to the order of shipment `s`.
    fn add_cost(&mut self, s: ShipKey, cost: &CostBreakdown) {
        let key = self.ships[s as usize].order;
        self.orders[key as usize].cost.add(cost);
    }

    pub(super) fn on_depart(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let now = engine.now();
        self.ship_out(s)?;
        let ship = &mut self.ships[s as usize];
        ship.status.advance(Status::Shipped)?;
        let units = picked_units(ship);
        let weight: f64 = ship
            .lines
            .iter()
            .zip(&ship.picked)
            .map(|(l, &p)| f64::from(p) * self.sc.catalog.sku(l.sku).weight_kg)
            .sum();
        let cost = shipment_cost(&self.sc.network, ship.node, ship.customer, units, weight);
        let miles = great_circle_miles(self.sc.network.node(ship.node).location, ship.customer);
        let zone_index = self.sc.network.rate_card.zone_index(miles);
        let zone = *self.sc.network.rate_card.zone_for(miles);
        let late = self.luck.chance(
            ship.luck_key,
            Purpose::CarrierLate,
            u64::from(ship.node.0),
            zone.late_probability,
        );
        let days = zone.transit_days + if late { zone.late_days } else { 0 };
        let counted = ship.counted;
        let delay = self.carrier_delay(zone_index, days, counted);
        let arrives = SimTime::from_days(now.day() + days)
            .plus(DELIVERY_HOUR * SimTime::HOUR)
            .max(now.plus(SimTime::HOUR))
            .plus(delay);
        self.audit_flows.parcel_sent(&self.ships[s as usize]);
        self.add_cost(s, &cost);
        self.served(s);
        engine.schedule(arrives, Event::Deliver(s));
        Ok(())
    }

    /// Counts one more part of the order that left its node.
    fn served(&mut self, s: ShipKey) {
        let key = self.ships[s as usize].order;
        self.orders[key as usize].parts_served += 1;
        let ship = &self.ships[s as usize];
        self.tally.node_shipment(ship.node, ship.counted);
    }

    pub(super) fn on_deliver(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let now = engine.now();
        let mut ship = self.ships.remove(s as usize);
        ship.status.advance(Status::Delivered)?;
        self.audit_flows.parcel_delivered(&ship);
        self.part_finished(ship.order, &ship.mark, ship.node, now);
        self.part_done(ship.order, Some(now));
        self.start_returns(engine, &ship);
        Ok(())
    }

    pub(super) fn on_transfer_arrive(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let ship = &self.ships[s as usize];
        let ready = packed_by(&self.sc.network, ship.destination, engine.now());
        engine.schedule(ready, Event::PickupReady(s));
        Ok(())
    }

    pub(super) fn on_pickup_ready(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let now = engine.now();
        self.ships[s as usize].status.advance(Status::ReadyForPickup)?;
        self.served(s);
        let ship = &self.ships[s as usize];
        self.tally.pickup_ready(ship.channel, ship.counted);
        let ship = &self.ships[s as usize];
        let (key, luck_key, mark, node) = (ship.order, ship.luck_key, ship.mark, ship.node);
        self.part_finished(key, &mark, node, now);
        self.part_done(key, Some(now));

        let exec = &self.sc.execution;
        let hold = exec.no_show_hold;
        let no_show = self.luck.chance(luck_key, Purpose::NoShow, 0, exec.no_show_rate);
        let delay_hours =
            self.luck.exponential(luck_key, Purpose::PickupDelay, 0, exec.pickup_delay_hours_mean);
        let delay = (delay_hours * SimTime::HOUR as f64) as u64;
        if no_show || delay >= hold {
            engine.schedule_in(hold, Event::NoShow(s));
        } else {
            engine.schedule_in(delay, Event::Collect(s));
        }
        Ok(())
    }

    pub(super) fn on_collect(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let mut ship = self.ships.remove(s as usize);
        ship.status.advance(Status::PickedUp)?;
        if ship.method == Method::Pickup {
            for (line, &picked) in ship.lines.iter().zip(&ship.picked) {
                if picked > 0 {
                    self.ledger.hand_over(ship.node, line.sku, picked)?;
                }
            }
        } else {
            self.audit_flows.transfer_collected(&ship);
        }
        self.start_returns(engine, &ship);
        Ok(())
    }

    pub(super) fn on_no_show(
        &mut self,
        _engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let mut ship = self.ships.remove(s as usize);
        ship.status.advance(Status::Cancelled(CancelReason::NoShow))?;
        for (line, &picked) in ship.lines.iter().zip(&ship.picked) {
            if picked == 0 {
                continue;
            }
            if ship.method == Method::Pickup {
                self.ledger.restock_staged(ship.node, line.sku, picked)?;
            } else {
                self.ledger.receive(ship.destination, line.sku, picked)?;
            }
        }
        if ship.method != Method::Pickup {
            self.audit_flows.transfer_restocked(&ship);
        }
        self.tally.no_show(ship.channel, ship.counted);
        Ok(())
    }
}

/// Units picked over all lines of a shipment.
fn picked_units(ship: &super::world::Shipment) -> Units {
    ship.picked.iter().sum()
}

/// How long a pick at `node` takes for the order with `luck_key`, in seconds.
fn pick_seconds(world: &World<'_>, luck_key: u64, node: NodeId) -> u64 {
    let detail = u64::from(node.0);
    let luck = &world.luck;
    let seconds = match world.sc.network.node(node).pick_time {
        PickTime::Fixed { seconds } => seconds,
        PickTime::Exponential { mean_seconds } => {
            luck.exponential(luck_key, Purpose::PickTime, detail, mean_seconds)
        }
        PickTime::LogNormal { mean_seconds, sd_seconds } => {
            let s2 = (1.0 + (sd_seconds / mean_seconds).powi(2)).ln();
            let mu = mean_seconds.ln() - s2 / 2.0;
            (mu + s2.sqrt() * luck.normal(luck_key, Purpose::PickTime, detail)).exp()
        }
    };
    seconds.round().max(1.0) as u64
}
