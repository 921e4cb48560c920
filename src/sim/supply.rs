//! Stock coming in and going stale: initial stock (with record errors), vendor replenishment
//! of DCs (reorder point / order-up-to with a lead time), scheduled store replenishment from
//! each store's DC over its lane, rebalancing between stores, shrink, cycle counts, and the
//! season-end clearance that turns every unit still in the network into markdown cost.
//!
//! All of it runs from the daily `DayStart` event, except arrivals, which are their own
//! events. Choices that use randomness (record errors, which units shrink, which store
//! positions are counted) come from replication streams independent of the policy.

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::SimError;
use super::luck::{Purpose, Stream, stream};
use super::world::{Event, World};
use crate::engine::Engine;
use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::inventory::Position;
use crate::network::NodeKind;

/// Daily routines' own random stream and cursors.
pub struct Upkeep {
    /// Which units shrink, which record is off.
    pub rng: Stream,
    /// Next assortment index to cycle-count, per node.
    pub count_cursor: Vec<usize>,
    /// Units each store held at the start, the scale of its daily shrink.
    pub store_units: Vec<f64>,
}

impl Upkeep {
    /// Streams for the replication whose seed is `rep_seed`.
    pub fn new(rep_seed: u64, nodes: usize) -> Self {
        Upkeep {
            rng: stream(rep_seed, Purpose::Shrink, 0),
            count_cursor: vec![0; nodes],
            store_units: vec![0.0; nodes],
        }
    }
}

impl World<'_> {
    /// Puts the initial stock on every node's shelves; store records are off by up to the
    /// scenario's error for its share of positions.
    pub(super) fn stock_network(&mut self, rep_seed: u64) -> Result<(), SimError> {
        let inv = &self.sc.inventory;
        let mut rng = stream(rep_seed, Purpose::Stock, u64::MAX);
        for node in self.sc.network.ids() {
            let kind = self.sc.network.node(node).kind;
            let weeks = match kind {
                NodeKind::Dc => inv.dc_weeks_of_cover,
                NodeKind::Store => inv.store_weeks_of_cover,
                NodeKind::Vendor => continue,
            };
            for &sku in &self.prep.assortment[node.index()] {
                let physical = self.prep.cover_units(node, sku, weeks);
                let record = match kind {
                    NodeKind::Store => record_with_error(
                        &mut rng,
                        physical,
                        inv.record_inaccurate_share,
                        inv.record_error_max_units,
                    ),
                    _ => physical,
                };
                self.ledger.receive_with_record(node, sku, record, physical)?;
                self.audit_flows.initial(sku, physical);
                if kind == NodeKind::Store {
                    self.ledger.set_buffer(node, sku, inv.store_buffer_units)?;
                    self.upkeep.store_units[node.index()] += f64::from(physical);
                }
            }
        }
        for &(node, sku, units) in &inv.explicit {
            self.ledger.receive(node, sku, units)?;
            self.audit_flows.initial(sku, units);
        }
        Ok(())
    }

    pub(super) fn on_day_start(&mut self, engine: &mut Engine<Event>) -> Result<(), SimError> {
        let now = engine.now();
        let day = now.day();
        engine.schedule(SimTime::from_days(day + 1), Event::DayStart);
        for node in self.sc.network.ids() {
            let hours = self.sc.network.node(node).hours;
            if !hours.is_always() {
                engine.schedule(now.plus(u64::from(hours.open)), Event::NodeOpens(node));
            }
        }
        self.season_end(day)?;
        self.shrink_and_count()?;
        if now < self.arrivals_end && self.sc.supply.enabled {
            self.replenish_dcs(engine, day)?;
            let every = self.sc.supply.store_replenish_every_days;
            if every > 0 && day % every == 0 {
                self.replenish_stores(engine, day)?;
            }
        }
        self.tally.day_started(day);
        Ok(())
    }

    /// Clears every unit of the SKUs whose season ends on `day`.
    fn season_end(&mut self, day: u32) -> Result<(), SimError> {
        let ending: Vec<SkuId> = self
            .sc
            .catalog
            .ids()
            .filter(|&s| self.sc.catalog.sku(s).season_end_day == Some(day))
            .collect();
        for sku in ending {
            let nodes: Vec<NodeId> = self.ledger.stocking_nodes(sku).collect();
            for node in nodes {
                self.clear(node, sku)?;
            }
        }
        Ok(())
    }

    /// Clears `sku` at `node` at the clearance price if its season is over.
    pub(super) fn clear_if_season_over(
        &mut self,
        now: SimTime,
        node: NodeId,
        sku: SkuId,
    ) -> Result<(), SimError> {
        match self.sc.catalog.sku(sku).season_end_day {
            Some(end) if now.day() >= end => self.clear(node, sku),
            _ => Ok(()),
        }
    }

    fn clear(&mut self, node: NodeId, sku: SkuId) -> Result<(), SimError> {
        let units = self.ledger.clear(node, sku)?;
        let markdown = self.sc.catalog.sku(sku).markdown();
        self.tally.cleared(units, markdown);
        Ok(())
    }

    /// Shrink takes units off store shelves at the scenario's daily rate; cycle counts
    /// correct a rolling slice of every store's records.
    fn shrink_and_count(&mut self) -> Result<(), SimError> {
        let inv = &self.sc.inventory;
        for node in self.sc.network.ids() {
            if self.sc.network.node(node).kind != NodeKind::Store {
                continue;
            }
            let carried = &self.prep.assortment[node.index()];
            if carried.is_empty() {
                continue;
            }
            let mean = self.upkeep.store_units[node.index()] * inv.shrink_per_unit_per_day;
            let losses = poisson(&mut self.upkeep.rng, mean);
            for _ in 0..losses {
                let sku = carried[self.upkeep.rng.random_range(0..carried.len())];
                self.ledger.shrink(node, sku, 1)?;
            }
            if inv.cycle_count_every_days > 0.0 {
                let per_day = (carried.len() as f64 / inv.cycle_count_every_days).ceil() as usize;
                for _ in 0..per_day.min(carried.len()) {
                    let cursor = &mut self.upkeep.count_cursor[node.index()];
                    let sku = carried[*cursor % carried.len()];
                    *cursor += 1;
                    self.ledger.cycle_count(node, sku)?;
                }
            }
        }
        Ok(())
    }

    /// Vendors replenish DCs: when a DC's inventory position (on hand plus in transit less
    /// commitments) is at or below the reorder point, it orders up to the order-up-to level.
    /// Seasonal SKUs stop being ordered once an order could no longer sell before season end.
    fn replenish_dcs(&mut self, engine: &mut Engine<Event>, day: u32) -> Result<(), SimError> {
        let sup = &self.sc.supply;
        let lead_days = sup.vendor_lead_time.div_ceil(SimTime::DAY) as u32;
        let arrival = engine.now().plus(sup.vendor_lead_time);
        for node in self.sc.network.ids() {
            if self.sc.network.node(node).kind != NodeKind::Dc {
                continue;
            }
            for sku in self.sc.catalog.ids() {
                if self.too_late_to_order(sku, day + lead_days + 7) {
                    continue;
                }
                let daily = self.prep.replenish_units(node, sku);
                let reorder = daily * 7.0 * sup.dc_reorder_point_weeks;
                let position = self.inventory_position(node, sku);
                if position > reorder {
                    continue;
                }
                let target = (daily * 7.0 * sup.dc_order_up_to_weeks).ceil();
                let qty = (target - position).max(0.0).min(f64::from(u32::MAX / 4)) as Units;
                if qty == 0 {
                    continue;
                }
                self.ledger.send_in_transit(node, sku, qty, arrival)?;
                self.audit_flows.vendor(sku, qty);
                engine.schedule(arrival, Event::SupplyArrive { node, sku, units: qty });
            }
        }
        Ok(())
    }

    /// Stores are topped up to their order-up-to level from their DC over its lane; with
    /// rebalancing on, a store whose DC has none takes units from the nearest store with
    /// more than it needs.
    fn replenish_stores(&mut self, engine: &mut Engine<Event>, day: u32) -> Result<(), SimError> {
        let weeks = self.sc.supply.store_order_up_to_weeks;
        let mut orders = Vec::new();
        for store in self.sc.network.ids() {
            let Some(dc) = self.prep.source_dc[store.index()] else { continue };
            let Some((_, lead)) = self.sc.network.lanes.transfer(dc, store) else { continue };
            let lead_days = lead.div_ceil(SimTime::DAY) as u32;
            self.store_shortfalls(store, day + lead_days + 7, weeks, &mut orders);
            for &(sku, want) in &orders {
                let moved = self.move_units(engine, dc, store, sku, want)?;
                if moved < want && self.sc.supply.rebalancing {
                    self.rebalance(engine, store, sku, want - moved, weeks)?;
                }
            }
        }
        Ok(())
    }

    /// Fills `orders` with the SKUs `store` is short of at least one unit against `weeks` of
    /// cover, with the units short, leaving out SKUs that would arrive on `arrival_day` too
    /// late to sell.
    ///
    /// One ordered pass over the store's positions (the assortment and the ledger's list are
    /// both sorted by SKU) instead of a lookup per SKU: this runs over every shelf of every
    /// store each replenishment day. A move of one SKU changes no other SKU's position, so
    /// reading them all before moving any gives the orders a read before each move would.
    fn store_shortfalls(
        &self,
        store: NodeId,
        arrival_day: u32,
        weeks: f64,
        orders: &mut Vec<(SkuId, Units)>,
    ) {
        orders.clear();
        let mut held = self.ledger.node_positions(store).peekable();
        for &sku in &self.prep.assortment[store.index()] {
            let mut position = 0.0;
            while let Some((at, p)) = held.next_if(|&(at, _)| at <= sku) {
                if at == sku {
                    position = inventory_position_of(p);
                }
            }
            if self.too_late_to_order(sku, arrival_day) {
                continue;
            }
            let short = f64::from(self.prep.cover_units(store, sku, weeks)) - position;
            if short >= 1.0 {
                orders.push((sku, short as Units));
            }
        }
    }

    /// Takes up to `units` of `sku` from stores near `store` that hold more than twice their
    /// own target.
    fn rebalance(
        &mut self,
        engine: &mut Engine<Event>,
        store: NodeId,
        sku: SkuId,
        units: Units,
        weeks: f64,
    ) -> Result<(), SimError> {
        let donors: Vec<NodeId> = self
            .ledger
            .stocking_nodes(sku)
            .filter(|&n| n != store && self.sc.network.node(n).kind == NodeKind::Store)
            .filter(|&n| self.sc.network.lanes.lane(n, store).is_some())
            .collect();
        let mut left = units;
        for donor in donors {
            let keep = 2.0 * f64::from(self.prep.cover_units(donor, sku, weeks));
            let spare = (self.inventory_position(donor, sku) - keep).max(0.0) as Units;
            if spare == 0 {
                continue;
            }
            left -= self.move_units(engine, donor, store, sku, spare.min(left))?;
            if left == 0 {
                break;
            }
        }
        Ok(())
    }

    /// Moves up to `units` of `sku` (what `from` has available) over the lane to `to`;
    /// nothing leaves a node an outage took offline.
    fn move_units(
        &mut self,
        engine: &mut Engine<Event>,
        from: NodeId,
        to: NodeId,
        sku: SkuId,
        units: Units,
    ) -> Result<Units, SimError> {
        if self.orch.is_offline(from) {
            return Ok(0);
        }
        let Some((_, lead)) = self.sc.network.lanes.transfer(from, to) else { return Ok(0) };
        let qty = units.min(self.ledger.atp(from, sku));
        if qty == 0 {
            return Ok(0);
        }
        let arrival = engine.now().plus(lead);
        let moved = self.ledger.transfer_out(from, to, sku, qty, arrival)?;
        if moved > 0 {
            engine.schedule(arrival, Event::SupplyArrive { node: to, sku, units: moved });
        }
        Ok(moved)
    }

    /// On hand plus in transit less open commitments (0 where `node` has no position).
    fn inventory_position(&self, node: NodeId, sku: SkuId) -> f64 {
        self.ledger.position(node, sku).map_or(0.0, inventory_position_of)
    }

    /// Whether units of `sku` arriving on `day` could no longer sell at full price.
    fn too_late_to_order(&self, sku: SkuId, day: u32) -> bool {
        self.sc.catalog.sku(sku).season_end_day.is_some_and(|end| day >= end)
    }

    pub(super) fn on_supply_arrive(
        &mut self,
        node: NodeId,
        sku: SkuId,
        units: Units,
    ) -> Result<(), SimError> {
        self.ledger.arrive(node, sku, units)?;
        self.clear_if_season_over(self.ledger.now(), node, sku)
    }
}

/// On hand plus in transit less open commitments of one position.
fn inventory_position_of(p: &Position) -> f64 {
    f64::from(p.on_hand()) + f64::from(p.in_transit()) - f64::from(p.committed())
}

/// A record that is off by 1 to `max_error` units (either way, never below zero) with
/// probability `share`.
fn record_with_error(rng: &mut Stream, physical: Units, share: f64, max_error: Units) -> Units {
    if max_error == 0 || rng.random::<f64>() >= share {
        return physical;
    }
    let error = rng.random_range(1..=max_error);
    if rng.random::<bool>() {
        physical.saturating_add(error)
    } else {
        physical.saturating_sub(error)
    }
}

/// A Poisson count with mean `mean` (zero for a non-positive mean).
fn poisson(rng: &mut Stream, mean: f64) -> u64 {
    if mean <= 0.0 || !mean.is_finite() {
        return 0;
    }
    Poisson::new(mean).map_or(0, |p| p.sample(rng) as u64)
}
