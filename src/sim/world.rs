//! The state of one replication under one policy, the closed [`Event`] enum, and the
//! dispatch from events to the processes (order intake here; picking and delivery in
//! `fulfil.rs`, returns in `returns.rs`, supply and daily routines in `supply.rs`, faults in
//! `faults.rs`).
//!
//! Orders, shipments and returns live in slabs indexed by small ids carried in events, so an
//! event is a few bytes and `Copy`; finished records are removed so memory follows the work in
//! flight, not the length of the horizon.

use slab::Slab;

use super::causes::{OrderMark, PartMark};
use super::demand::{DemandGen, Drawn};
use super::kpi::Tally;
use super::luck::Luck;
use super::prepare::Prepared;
use super::{SimError, SimOptions};
use crate::cost::CostBreakdown;
use crate::engine::{Engine, Handler, Station};
use crate::ids::{NodeId, OrderId, SimTime, SkuId, Units};
use crate::inventory::Ledger;
use crate::orchestrator::{Orchestrator, ShipmentLine, ShipmentPlan};
use crate::orders::{CancelReason, Channel, Method, Order, Status};
use crate::routing::{Explanation, Policy};
use crate::scenario::Scenario;
use crate::trace::TraceReader;

/// Index of an in-flight order record.
pub type OrderKey = u32;
/// Index of an in-flight shipment.
pub type ShipKey = u32;
/// Index of an in-flight return.
pub type ReturnKey = u32;

/// Everything that can happen, as small `Copy` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next generated customer of a channel arrives.
    Arrival(Channel),
    /// The next order of the trace is due.
    TraceArrival,
    /// A new day starts: replenishment, shrink, cycle counts, season ends.
    DayStart,
    /// A node opens: its pickers start on the queue.
    NodeOpens(NodeId),
    /// A shipment joins its node's pick queue.
    Release(ShipKey),
    /// A picker finished a shipment.
    PickDone(ShipKey),
    /// The carrier collects a packed parcel at the cut-off.
    Depart(ShipKey),
    /// The carrier delivers a parcel.
    Deliver(ShipKey),
    /// Units moved for a pickup order reach the pickup store.
    TransferArrive(ShipKey),
    /// A pickup order is ready at the store.
    PickupReady(ShipKey),
    /// The customer collects a pickup order.
    Collect(ShipKey),
    /// The store gives up on a pickup order the customer never collected.
    NoShow(ShipKey),
    /// A customer starts a return.
    ReturnStart(ReturnKey),
    /// A return reaches the node that takes it back.
    ReturnArrive(ReturnKey),
    /// A received return is inspected and dispositioned.
    ReturnDispose(ReturnKey),
    /// A refurbished unit becomes sellable again.
    RefurbishDone(ReturnKey),
    /// The open order batch is due for routing (`batch.rs`).
    FlushBatch,
    /// Disruption `i` of the scenario starts (`faults.rs`).
    DisruptionStarts(u32),
    /// Disruption `i` of the scenario ends.
    DisruptionEnds(u32),
    /// Replenishment units land at a node.
    SupplyArrive {
        /// Receiving node.
        node: NodeId,
        /// The SKU.
        sku: SkuId,
        /// How many units.
        units: Units,
    },
}

/// An accepted order while any part of it is in flight.
#[derive(Debug)]
pub struct OrderRec {
    /// The order as routed (lines the customer dropped are gone).
    pub order: Order,
    /// The promise quoted at checkout.
    pub promise: SimTime,
    /// Parts (shipments) not yet delivered, ready for pickup or cancelled.
    pub open_parts: u32,
    /// Shipments that left a node (parcels or pickups), for the split rate.
    pub parts_served: u32,
    /// Units the retailer cancelled, by reason index.
    pub cancelled: [Units; 5],
    /// When the last part was delivered or made ready.
    pub last_done: Option<SimTime>,
    /// Cost-to-serve accumulated so far.
    pub cost: CostBreakdown,
    /// Whether it counts in the KPIs (placed after warm-up and before the horizon).
    pub counted: bool,
    /// Evidence for the root cause should it miss OTIF (`causes.rs`).
    pub mark: OrderMark,
}

/// One node's part of an order, from routing until it is delivered, collected or closed.
#[derive(Debug)]
pub struct Shipment {
    /// The order it belongs to.
    pub order: OrderKey,
    /// The node that picks.
    pub node: NodeId,
    /// How it serves the customer.
    pub method: Method,
    /// The pickup store for pickup methods.
    pub destination: NodeId,
    /// Units reserved per line.
    pub lines: Vec<ShipmentLine>,
    /// Units actually picked per line (filled at pick time).
    pub picked: Vec<Units>,
    /// Lifecycle state.
    pub status: Status,
    /// The order's luck key (its arrival number), which outlives the order record.
    pub luck_key: u64,
    /// The order's channel.
    pub channel: Channel,
    /// Whether the order counts in the KPIs.
    pub counted: bool,
    /// Where the customer lives.
    pub customer: crate::network::GeoPoint,
    /// The customer's demand region.
    pub region: u32,
    /// What it was planned to do, to judge it should it finish late (`causes.rs`).
    pub mark: PartMark,
}

/// A unit on its way back.
#[derive(Debug)]
pub struct ReturnRec {
    /// The SKU.
    pub sku: SkuId,
    /// Units returned.
    pub units: Units,
    /// The original order's channel.
    pub channel: Channel,
    /// The original order's luck key.
    pub luck_key: u64,
    /// The node taking it back.
    pub node: NodeId,
    /// Whether it came by mail (a DC) rather than to a store.
    pub by_mail: bool,
    /// When the customer started it.
    pub initiated: SimTime,
    /// Whether it counts in the KPIs.
    pub counted: bool,
    /// Where the customer lives.
    pub customer: crate::network::GeoPoint,
}

/// The state of one replication under one policy.
pub struct World<'s> {
    pub(super) sc: &'s Scenario,
    pub(super) prep: &'s Prepared,
    pub(super) options: &'s SimOptions,
    pub(super) policy: Box<dyn Policy>,
    pub(super) orch: Orchestrator,
    pub(super) ledger: Ledger,
    pub(super) luck: Luck,
    pub(super) demand: DemandGen,
    pub(super) trace: Option<TraceReader<'s>>,
    pub(super) orders: Slab<OrderRec>,
    pub(super) ships: Slab<Shipment>,
    pub(super) returns: Slab<ReturnRec>,
    /// Each node's pickers and pick queue.
    pub(super) crews: Vec<Station<ShipKey>>,
    pub(super) tally: Tally,
    pub(super) arrivals_end: SimTime,
    pub(super) warmup_end: SimTime,
    pub(super) next_order: u64,
    pub(super) error: Option<SimError>,
    pub(super) explanations: Vec<(u64, Explanation)>,
    pub(super) audit_flows: super::audit::SimFlows,
    pub(super) upkeep: super::supply::Upkeep,
    pub(super) batch: super::batch::BatchQueue,
    pub(super) bound: Option<super::bound::BoundLog>,
    pub(super) faults: super::faults::Faults,
}

impl Handler<Event> for World<'_> {
    fn handle(&mut self, engine: &mut Engine<Event>, event: Event) {
        if self.error.is_some() {
            return;
        }
        self.ledger.advance_to(engine.now());
        if self.faults.any_offline() && self.wait_for_node(event) {
            return;
        }
        let result = match event {
            Event::Arrival(channel) => self.on_arrival(engine, channel),
            Event::TraceArrival => self.on_trace_arrival(engine),
            Event::DayStart => self.on_day_start(engine),
            Event::NodeOpens(node) => self.start_picks(engine, node),
            Event::Release(s) => self.on_release(engine, s),
            Event::PickDone(s) => self.on_pick_done(engine, s),
            Event::Depart(s) => self.on_depart(engine, s),
            Event::Deliver(s) => self.on_deliver(engine, s),
            Event::TransferArrive(s) => self.on_transfer_arrive(engine, s),
            Event::PickupReady(s) => self.on_pickup_ready(engine, s),
            Event::Collect(s) => self.on_collect(engine, s),
            Event::NoShow(s) => self.on_no_show(engine, s),
            Event::ReturnStart(r) => self.on_return_start(engine, r),
            Event::ReturnArrive(r) => self.on_return_arrive(engine, r),
            Event::ReturnDispose(r) => self.on_return_dispose(engine, r),
            Event::RefurbishDone(r) => self.on_refurbish_done(engine, r),
            Event::SupplyArrive { node, sku, units } => self.on_supply_arrive(node, sku, units),
            Event::FlushBatch => self.on_flush_batch(engine),
            Event::DisruptionStarts(i) => self.on_disruption_starts(engine, i),
            Event::DisruptionEnds(i) => self.on_disruption_ends(engine, i),
        };
        if let Err(e) = result {
            self.error = Some(e);
        }
    }
}

impl World<'_> {
    /// Whether something happening at `t` falls in the measured window.
    pub(super) fn measured(&self, t: SimTime) -> bool {
        t >= self.warmup_end && t < self.arrivals_end
    }

    fn on_arrival(&mut self, engine: &mut Engine<Event>, channel: Channel) -> Result<(), SimError> {
        let now = engine.now();
        let drawn = self.demand.draw(self.sc, self.prep, channel, now);
        if let Some(next) =
            self.demand.next_arrival(self.sc, channel, now.plus(1), self.arrivals_end)
        {
            engine.schedule(next, Event::Arrival(channel));
        }
        self.intake(engine, drawn)
    }

    fn on_trace_arrival(&mut self, engine: &mut Engine<Event>) -> Result<(), SimError> {
        let Some(trace) = self.trace.as_mut() else { return Ok(()) };
        let now = engine.now();
        let mut due: Vec<Drawn> = Vec::new();
        while let Some(order) = trace.next_due(now)? {
            due.push(order.into());
        }
        if let Some(next) = trace.peek_time()? {
            if next < self.arrivals_end {
                engine.schedule(next, Event::TraceArrival);
            }
        }
        for drawn in due {
            self.intake(engine, drawn)?;
        }
        Ok(())
    }

    /// A customer arrives: a walk-in takes units off the shelf; an online customer checks
    /// availability, then the order is routed.
    fn intake(&mut self, engine: &mut Engine<Event>, drawn: Drawn) -> Result<(), SimError> {
        let now = engine.now();
        let key = self.next_order;
        self.next_order += 1;
        let counted = self.measured(now);
        if drawn.lines.is_empty() {
            return Ok(());
        }
        if drawn.channel == Channel::WalkIn {
            self.walk_in(now, &drawn, counted);
            return Ok(());
        }

        let (kept, lost) = self.storefront(&drawn);
        self.tally.demanded(drawn.channel, &drawn.lines, counted);
        for l in &lost {
            let margin = self.sc.catalog.sku(l.sku).margin();
            self.tally.lost_sale(drawn.channel, l.units, margin, now, counted);
        }
        if kept.is_empty() {
            self.tally.abandoned(drawn.channel, counted);
            return Ok(());
        }

        let order = Order {
            id: OrderId(key as u32),
            channel: drawn.channel,
            placed_at: now,
            customer: drawn.customer,
            region: drawn.region,
            store: drawn.store,
            promise_days: self.sc.demand.channels[drawn.channel.index()].promise_days,
            lines: kept,
        };
        if self.batch.collects(&order) {
            self.hold(engine, order, counted);
            return Ok(());
        }
        self.route(engine, order, key, counted)
    }

    /// Splits the drawn lines into those the storefront shows as available and those it does
    /// not (lost sales), applying the scenario's drop-line or abandon-order choice.
    fn storefront(&self, drawn: &Drawn) -> (Vec<crate::orders::Line>, Vec<crate::orders::Line>) {
        let (mut kept, mut lost) = (Vec::new(), Vec::new());
        for &line in &drawn.lines {
            if self.shows_available(drawn, line.sku, line.units) {
                kept.push(line);
            } else {
                lost.push(line);
            }
        }
        if !lost.is_empty() && self.sc.demand.lost_sale == crate::scenario::LostSale::AbandonOrder {
            lost.append(&mut kept);
        }
        (kept, lost)
    }

    /// Whether the storefront shows `units` of `sku` as available to this customer: at the
    /// pickup store or any node that can move units there (BOPIS), or summed over the nodes
    /// that can ship (ship to home).
    fn shows_available(&self, drawn: &Drawn, sku: SkuId, units: Units) -> bool {
        let net = &self.sc.network;
        let mut seen: Units = 0;
        for (node, position) in self.ledger.stocking_positions(sku) {
            let usable = match (drawn.channel, drawn.store) {
                (Channel::Bopis, Some(store)) => {
                    node == store || net.lanes.transfer(node, store).is_some()
                }
                _ => crate::routing::ship_method(net, node).is_some(),
            };
            if usable {
                seen = seen.saturating_add(self.ledger.visible_atp_of(position));
                if seen >= units {
                    return true;
                }
            }
        }
        false
    }

    fn walk_in(&mut self, now: SimTime, drawn: &Drawn, counted: bool) {
        let Some(store) = drawn.store else { return };
        // A store closed by an outage sells nothing.
        let open = !self.orch.is_offline(store);
        for line in &drawn.lines {
            let sold = match open {
                true => self.ledger.walk_in_sale(store, line.sku, line.units).unwrap_or(0),
                false => 0,
            };
            let sku = self.sc.catalog.sku(line.sku);
            self.tally.walk_in(line.units, sold, sku.margin(), counted);
            if sku.season_end_day.is_some() {
                self.tally.full_price_sold(sold);
            }
            let _ = now;
        }
    }

    /// Routes an accepted order and creates its shipments.
    fn route(
        &mut self,
        engine: &mut Engine<Event>,
        order: Order,
        luck_key: u64,
        counted: bool,
    ) -> Result<(), SimError> {
        let mut explanation = self.wants_explanation(luck_key).then(Explanation::default);
        let routed = self.orch.route(
            &order,
            self.policy.as_mut(),
            &mut self.ledger,
            &self.sc.network,
            &self.sc.catalog,
            explanation.as_mut(),
        );
        if let Some(e) = explanation {
            self.explanations.push((luck_key, e));
        }
        self.record_routed(engine, order, routed, counted);
        Ok(())
    }

    /// Books a routed order: its KPIs, its record and its shipments.
    pub(super) fn record_routed(
        &mut self,
        engine: &mut Engine<Event>,
        order: Order,
        routed: crate::orchestrator::Routed,
        counted: bool,
    ) {
        let now = engine.now();
        self.tally.accepted(order.channel, now, counted);

        let mut rec = OrderRec {
            order,
            promise: routed.promise,
            open_parts: 0,
            parts_served: 0,
            cancelled: [0; 5],
            last_done: None,
            cost: CostBreakdown::default(),
            counted,
            mark: OrderMark::routed(&routed),
        };
        for c in &routed.cancelled {
            rec.cancelled[c.reason as usize] += c.units;
        }
        let key = self.orders.insert(rec) as OrderKey;
        self.launch(engine, key, routed.shipments);
        self.close_if_done(key, now);
    }

    /// Whether the decision for the order with `luck_key` should be explained.
    fn wants_explanation(&self, luck_key: u64) -> bool {
        self.options.explain_limit > 0
            && self.explanations.len() < self.options.explain_limit
            && luck_key % self.options.explain_every.max(1) == 0
    }

    /// Creates shipments for `plans` of order `key` and releases them to their nodes.
    pub(super) fn launch(
        &mut self,
        engine: &mut Engine<Event>,
        key: OrderKey,
        plans: Vec<ShipmentPlan>,
    ) {
        self.launch_from(engine, key, plans, None);
    }

    /// [`World::launch`], for parts that reroute units `rerouted_from` picked short.
    pub(super) fn launch_from(
        &mut self,
        engine: &mut Engine<Event>,
        key: OrderKey,
        plans: Vec<ShipmentPlan>,
        rerouted_from: Option<NodeId>,
    ) {
        let rec = &self.orders[key as usize];
        let (luck_key, channel, counted) =
            (u64::from(rec.order.id.0), rec.order.channel, rec.counted);
        let (customer, region) = (rec.order.customer, rec.order.region);
        for plan in plans {
            let node = self.sc.network.node(plan.node);
            let release = node.hours.next_open(engine.now());
            let mark = PartMark::new(plan.promise, release.plus(node.pick_sla), rerouted_from);
            let n = plan.lines.len();
            let s = self.ships.insert(Shipment {
                order: key,
                node: plan.node,
                method: plan.method,
                destination: plan.destination,
                lines: plan.lines,
                picked: vec![0; n],
                status: Status::Routed,
                luck_key,
                channel,
                counted,
                customer,
                region,
                mark,
            }) as ShipKey;
            self.orders[key as usize].open_parts += 1;
            engine.schedule(release, Event::Release(s));
        }
    }

    /// Records units of order `key` the retailer cancels after `node` could not pick them.
    pub(super) fn cancel_units(
        &mut self,
        key: OrderKey,
        units: Units,
        reason: CancelReason,
        node: NodeId,
    ) {
        let rec = &mut self.orders[key as usize];
        rec.cancelled[reason as usize] += units;
        rec.mark.cancelled(reason, units, node);
    }

    /// A part of order `key` from `node` was delivered or made ready at `at`; if after the
    /// promise, it is evidence for the order's miss.
    pub(super) fn part_finished(
        &mut self,
        key: OrderKey,
        part: &PartMark,
        node: NodeId,
        at: SimTime,
    ) {
        let rec = &mut self.orders[key as usize];
        let promise = rec.promise;
        rec.mark.part_finished(part, node, at, promise);
    }

    /// Marks one part of order `key` finished at `at` (delivered, ready, or closed).
    pub(super) fn part_done(&mut self, key: OrderKey, at: Option<SimTime>) {
        let rec = &mut self.orders[key as usize];
        rec.open_parts = rec.open_parts.saturating_sub(1);
        if let Some(t) = at {
            rec.last_done = Some(rec.last_done.map_or(t, |d| d.max(t)));
        }
        let now = at.unwrap_or(self.ledger.now());
        self.close_if_done(key, now);
    }

    /// Once no part is open, the order's KPIs are final: tally them and drop the record.
    fn close_if_done(&mut self, key: OrderKey, now: SimTime) {
        if self.orders[key as usize].open_parts > 0 {
            return;
        }
        let rec = self.orders.remove(key as usize);
        if let Some(bound) = self.bound.as_mut() {
            bound.order_closed(&self.sc.network, &rec);
        }
        self.tally.order_closed(&rec, &self.sc.support, now);
    }
}
