//! Faults in the model: the `[[disruptions]]` of a scenario, played out in one replication.
//!
//! Each disruption is two events scheduled before the run starts, `DisruptionStarts(i)` and
//! `DisruptionEnds(i)` (a shrink event only starts). What they do:
//!
//! - **node outage**: the nodes go offline in the orchestrator, so no policy sees them and
//!   nothing is reserved there. Shipments waiting in their pick queues are taken back (the
//!   reservations released) and rerouted through the policy's reroute, which follows its
//!   fallback (another stack, or cancellation as `no_stock`); shipments routed there earlier
//!   and released during the outage go the same way. Pickers stop starting picks (a pick in
//!   progress finishes). Parcels waiting for the carrier, pickups made ready or collected at
//!   a closed store, replenishment and returns arriving there wait until the node reopens
//!   (a parcel then leaves at the next carrier cut-off); no replenishment leaves it.
//!   Walk-in shoppers find the store closed: a lost sale. The storefront keeps showing the node's ATP (the feed does not
//!   know about the outage), so orders it alone could serve are accepted, then cancelled.
//! - **carrier delay**: parcels departing in the window (in the zones named) arrive later;
//!   promises quoted in the window are computed as usual, so they do not know.
//! - **ATP sync outage**: the ledger's visibility feed freezes at its last sync and resyncs
//!   at the end, so the storefront and the policies decide on stale ATP.
//! - **shrink**: each position at the nodes loses a binomial share of its physical units at
//!   once, unknown to the record, found later by short picks or cycle counts.
//!
//! Key type: [`Faults`], the per-replication state: outage depth per node (overlapping
//! outages nest), the events waiting for each node, the carrier waves running, and the
//! counters behind the fault KPIs. The hot path pays one comparison per event while no node
//! is offline and one per parcel while no wave runs. Units are only moved through the ledger
//! and the same books as everywhere else, so the conservation audit covers every fault.

use rand_distr::{Binomial, Distribution};

use super::SimError;
use super::luck::{Purpose, Stream, stream};
use super::world::{Event, ShipKey, World};
use crate::engine::Engine;
use crate::ids::{NodeId, SkuId, Units};
use crate::orchestrator::promise::departure;
use crate::orders::{CancelReason, Status};
use crate::scenario::{Disruption, Fault};

/// The state of the scenario's faults in one replication.
#[derive(Debug)]
pub struct Faults {
    /// Outages covering each node now.
    depth: Vec<u16>,
    /// Nodes offline now.
    offline: u32,
    /// Events that came due at each node while it was offline, in arrival order.
    waiting: Vec<Vec<Event>>,
    /// Carrier delay waves running now (indices into the scenario's disruptions).
    waves: Vec<u32>,
    /// ATP sync outages running now.
    sync_outages: u32,
    /// Which units shrink events take.
    rng: Stream,
    counts: Counts,
}

/// What the faults did, for the KPI rows.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    released_shipments: u64,
    rerouted_units: u64,
    cancelled_units: u64,
    waits: u64,
    delayed_parcels: u64,
    shrink_units: u64,
}

impl Faults {
    /// No fault running, for a network of `nodes` nodes and the replication seeded
    /// `rep_seed`.
    pub fn new(nodes: usize, rep_seed: u64) -> Self {
        Faults {
            depth: vec![0; nodes],
            offline: 0,
            waiting: vec![Vec::new(); nodes],
            waves: Vec::new(),
            sync_outages: 0,
            rng: stream(rep_seed, Purpose::Shrink, u64::MAX - 1),
            counts: Counts::default(),
        }
    }

    /// Whether any node is offline now.
    #[inline]
    pub fn any_offline(&self) -> bool {
        self.offline > 0
    }

    /// The seconds carrier waves running now add to a parcel in zone `zone` (0-based)
    /// whose transit takes `days` days.
    pub fn carrier_extra(&self, disruptions: &[Disruption], zone: usize, days: u32) -> u64 {
        let mut extra = 0;
        for &i in &self.waves {
            if let Fault::CarrierDelay { slowdown, zones } = &disruptions[i as usize].fault {
                if zones.as_ref().is_none_or(|z| z.contains(&zone)) {
                    extra += slowdown.extra_seconds(days);
                }
            }
        }
        extra
    }

    /// The KPI rows of the faults (scope `all`).
    pub fn rows(&self) -> Vec<(&'static str, f64)> {
        let c = &self.counts;
        vec![
            ("outage_released_shipments", c.released_shipments as f64),
            ("outage_rerouted_units", c.rerouted_units as f64),
            ("outage_cancelled_units", c.cancelled_units as f64),
            ("outage_waits", c.waits as f64),
            ("carrier_delayed_parcels", c.delayed_parcels as f64),
            ("shrink_event_units", c.shrink_units as f64),
        ]
    }
}

impl World<'_> {
    /// Schedules the start and end of every disruption.
    pub(super) fn schedule_disruptions(&self, engine: &mut Engine<Event>) {
        for (i, d) in self.sc.disruptions.iter().enumerate() {
            engine.schedule(d.start, Event::DisruptionStarts(i as u32));
            if !matches!(d.fault, Fault::Shrink { .. }) {
                engine.schedule(d.end, Event::DisruptionEnds(i as u32));
            }
        }
    }

    pub(super) fn on_disruption_starts(
        &mut self,
        engine: &mut Engine<Event>,
        i: u32,
    ) -> Result<(), SimError> {
        let sc = self.sc;
        match &sc.disruptions[i as usize].fault {
            Fault::NodeOutage { nodes, reason } => {
                tracing::debug!(at = engine.now().0, ?nodes, reason, "outage starts");
                for &node in nodes {
                    self.take_offline(engine, node)?;
                }
            }
            Fault::CarrierDelay { .. } => self.faults.waves.push(i),
            Fault::AtpSyncOutage => {
                self.faults.sync_outages += 1;
                self.ledger.freeze_visibility();
            }
            Fault::Shrink { nodes, share } => self.shrink_event(nodes, *share)?,
        }
        Ok(())
    }

    pub(super) fn on_disruption_ends(
        &mut self,
        engine: &mut Engine<Event>,
        i: u32,
    ) -> Result<(), SimError> {
        let sc = self.sc;
        match &sc.disruptions[i as usize].fault {
            Fault::NodeOutage { nodes, .. } => {
                for &node in nodes {
                    self.bring_online(engine, node)?;
                }
            }
            Fault::CarrierDelay { .. } => self.faults.waves.retain(|&w| w != i),
            Fault::AtpSyncOutage => {
                self.faults.sync_outages = self.faults.sync_outages.saturating_sub(1);
                if self.faults.sync_outages == 0 {
                    self.ledger.thaw_visibility();
                }
            }
            Fault::Shrink { .. } => {}
        }
        Ok(())
    }

    /// Takes `node` offline and its pick queue back.
    fn take_offline(&mut self, engine: &mut Engine<Event>, node: NodeId) -> Result<(), SimError> {
        let depth = &mut self.faults.depth[node.index()];
        *depth += 1;
        if *depth > 1 {
            return Ok(());
        }
        self.faults.offline += 1;
        self.orch.set_offline(node, true);

        let queued = self.crews[node.index()].take_line(engine.now());
        for s in queued {
            self.reroute_from_offline(engine, s)?;
        }
        Ok(())
    }

    /// Brings `node` back online once no outage covers it: what waited for it goes on now,
    /// and its pickers start.
    fn bring_online(&mut self, engine: &mut Engine<Event>, node: NodeId) -> Result<(), SimError> {
        let depth = &mut self.faults.depth[node.index()];
        *depth = depth.saturating_sub(1);
        if *depth > 0 {
            return Ok(());
        }
        self.faults.offline = self.faults.offline.saturating_sub(1);
        self.orch.set_offline(node, false);

        let now = engine.now();
        for event in std::mem::take(&mut self.faults.waiting[node.index()]) {
            let when = match event {
                Event::Depart(_) => departure(now, self.sc.network.rate_card.cutoff),
                _ => now,
            };
            engine.schedule(when, event);
        }
        self.start_picks(engine, node)
    }

    /// Holds `event` back when it needs a node that is offline; returns whether it did.
    pub(super) fn wait_for_node(&mut self, event: Event) -> bool {
        let node = match event {
            Event::SupplyArrive { node, .. } => node,
            Event::Depart(s) => self.ships[s as usize].node,
            Event::PickupReady(s) | Event::Collect(s) => self.ships[s as usize].destination,
            Event::ReturnArrive(r) => self.returns[r as usize].node,
            _ => return false,
        };
        if !self.orch.is_offline(node) {
            return false;
        }
        self.faults.waiting[node.index()].push(event);
        if self.measured(self.ledger.now()) {
            self.faults.counts.waits += 1;
        }
        true
    }

    /// Takes shipment `s` back from its offline node: releases its reservations and asks
    /// the policy to place its units elsewhere, cancelling what it cannot place.
    pub(super) fn reroute_from_offline(
        &mut self,
        engine: &mut Engine<Event>,
        s: ShipKey,
    ) -> Result<(), SimError> {
        let mut ship = self.ships.remove(s as usize);
        ship.status.advance(Status::Rerouted)?;
        for line in &ship.lines {
            self.ledger.release(ship.node, line.sku, line.units)?;
        }

        let (mut placed, mut cancelled): (Units, Units) = (0, 0);
        for line in &ship.lines {
            let order = &self.orders[ship.order as usize].order;
            let (plans, left) = self.orch.reroute(
                order,
                line.line,
                line.units,
                ship.node,
                self.policy.as_mut(),
                &mut self.ledger,
                &self.sc.network,
                &self.sc.catalog,
            );
            self.launch(engine, ship.order, plans);
            if left > 0 {
                self.cancel_units(ship.order, left, CancelReason::NoStock, ship.node);
            }
            placed += line.units - left;
            cancelled += left;
        }
        if ship.counted {
            let c = &mut self.faults.counts;
            c.released_shipments += 1;
            c.rerouted_units += u64::from(placed);
            c.cancelled_units += u64::from(cancelled);
        }
        self.part_done(ship.order, None);
        Ok(())
    }

    /// The carrier delay a parcel leaving now in zone `zone` with a transit of `days` days
    /// meets, in seconds, counted when it is not zero.
    pub(super) fn carrier_delay(&mut self, zone: usize, days: u32, counted: bool) -> u64 {
        if self.faults.waves.is_empty() {
            return 0;
        }
        let extra = self.faults.carrier_extra(&self.sc.disruptions, zone, days);
        if extra > 0 && counted {
            self.faults.counts.delayed_parcels += 1;
        }
        extra
    }

    /// A share of the physical units at `nodes` vanishes, position by position.
    fn shrink_event(&mut self, nodes: &[NodeId], share: f64) -> Result<(), SimError> {
        let mut hit = vec![false; self.sc.network.len()];
        for &n in nodes {
            hit[n.index()] = true;
        }
        let targets: Vec<(NodeId, SkuId, Units)> = self
            .ledger
            .positions()
            .filter(|(node, _, p)| hit[node.index()] && p.physical() > 0)
            .map(|(node, sku, p)| (node, sku, p.physical()))
            .collect();
        for (node, sku, physical) in targets {
            let lost = match Binomial::new(u64::from(physical), share.clamp(0.0, 1.0)) {
                Ok(b) => b.sample(&mut self.faults.rng) as Units,
                Err(_) => 0,
            };
            if lost > 0 {
                let gone = self.ledger.shrink(node, sku, lost)?;
                self.faults.counts.shrink_units += u64::from(gone);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
