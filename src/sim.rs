//! The simulator: one replication of a scenario under one policy, event by event, through the
//! real inventory and orchestration core.
//!
//! ```text
//! demand (generated or trace) --order--> storefront (visible ATP) --> orchestrator <-> policy
//!      ^ streams per (replication, channel)          | reserve             |
//!      |                                             v                     v
//! engine: time-ordered queue --events--> picking queues --> carriers / pickups --> returns
//!      day start: replenishment, shrink, cycle counts, season-end clearance
//!                              | observations
//!                              v
//!                 Tally (KPIs by channel, node, day; OTIF misses by cause) --> RepKpis
//! ```
//!
//! [`run_replication`] builds the world (initial stock, streams), schedules the first
//! arrivals and day starts, runs to the horizon, lets orders already placed finish (arrivals
//! stop at the horizon; fulfillment, returns and supply arrivals run on for a drain period),
//! then runs the conservation audit and returns the KPI rows. Everything random is keyed by
//! the replication seed, so the same scenario, seed and policy give the same rows every time.

mod audit;
mod batch;
mod bound;
mod causes;
mod demand;
mod faults;
mod fulfil;
mod kpi;
mod luck;
mod prepare;
mod returns;
mod supply;
mod world;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

pub use audit::Imbalance;
pub use causes::{MissCause, MissCount};
pub use kpi::{RepKpis, Scope};
pub use luck::{Luck, Purpose, replication_seed};
pub use prepare::{PrepareError, Prepared};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::{Engine, Station};
use crate::ids::SimTime;
use crate::inventory::{Ledger, LedgerError};
use crate::network::NodeKind;
use crate::orchestrator::Orchestrator;
use crate::orders::{Channel, IllegalTransition};
use crate::routing::Explanation;
use crate::scenario::{DemandSource, Scenario};
use crate::trace::{TraceContext, TraceError, TraceReader};
use demand::{DemandGen, Drawn};
use slab::Slab;
use world::{Event, World};

/// Days the simulation runs past the horizon so orders placed before it can finish.
pub const DRAIN_DAYS: u32 = 21;

/// Why a replication failed. Each is a bug or bad input, never a silent number.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The ledger refused an operation a process made: a process broke an invariant.
    #[error("inventory: {0}")]
    Ledger(#[from] LedgerError),
    /// A process made an illegal lifecycle step.
    #[error("order lifecycle: {0}")]
    Lifecycle(#[from] IllegalTransition),
    /// Units were not conserved at the end of the replication.
    #[error("conservation audit failed: {0}")]
    Conservation(#[from] Imbalance),
    /// The demand trace could not be read.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// The scenario's sampling tables could not be built.
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    /// The run was cancelled (Ctrl-C) before the replication finished; it has no result.
    #[error("cancelled")]
    Cancelled,
    /// The replication panicked: a bug. The message is the panic's.
    #[error("a bug stopped the replication: {0}")]
    Panicked(String),
    /// The hindsight bound's LP could not be solved (bad costs or amounts).
    #[error("hindsight bound: {0}")]
    Bound(#[from] crate::optimize::TransportError),
}

/// A flag shared by everything running for one comparison: raise it (from a signal handler,
/// say) and every replication stops at its next simulated day, returning
/// [`SimError::Cancelled`]. Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A lowered flag.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Raises the flag; every holder sees it.
    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag was raised.
    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a replication should record beyond the KPIs.
#[derive(Clone, Debug, Default)]
pub struct SimOptions {
    /// Explain at most this many routing decisions (0 = none).
    pub explain_limit: usize,
    /// Explain one order in this many (by arrival number).
    pub explain_every: u64,
    /// Where the trace's ISO times start, in seconds since the Unix epoch.
    pub trace_start: Option<i64>,
    /// Test hook: remove one unit from a ledger position mid-run, to prove the audit finds it.
    #[doc(hidden)]
    pub plant_leak: bool,
    /// Test hook: panic mid-run, to prove a panic leaves earlier results alone.
    #[doc(hidden)]
    pub plant_panic: bool,
    /// Stops the replication at the next simulated day when raised.
    pub cancel: Option<Cancel>,
}

/// The outcome of one replication under one policy.
#[derive(Debug)]
pub struct RepOutcome {
    /// KPI rows.
    pub kpis: RepKpis,
    /// Explained decisions, by order arrival number.
    pub explanations: Vec<(u64, Explanation)>,
    /// Events handled.
    pub events: u64,
    /// Orders (and walk-in shoppers) that arrived.
    pub arrivals: u64,
}

/// Runs replication `rep` of `scenario` under policy `policy` (an index into
/// `scenario.policies`).
pub fn run_replication(
    scenario: &Scenario,
    prep: &Prepared,
    policy: usize,
    rep: u32,
    options: &SimOptions,
) -> Result<RepOutcome, SimError> {
    let rep_seed = replication_seed(scenario.seed, rep);
    let mut world = World::new(scenario, prep, policy, rep_seed, options)?;
    let mut engine: Engine<Event> = Engine::with_capacity(1 << 12);
    world.schedule_start(&mut engine)?;

    let drain_end = SimTime::from_days(scenario.horizon_days + DRAIN_DAYS);
    if options.plant_leak {
        let half = SimTime::from_days(scenario.horizon_days / 2);
        run_by_day(&mut engine, &mut world, half, options.cancel.as_ref())?;
        world.plant_leak();
    }
    if options.plant_panic {
        panic!("planted by the test hook SimOptions::plant_panic");
    }
    run_by_day(&mut engine, &mut world, drain_end, options.cancel.as_ref())?;
    if let Some(e) = world.error.take() {
        return Err(e);
    }
    world.audit_flows.check(&world.ledger, &scenario.catalog)?;

    let measured_days =
        f64::from(scenario.horizon_days - scenario.warmup_days.min(scenario.horizon_days));
    world.close_queue_books(drain_end);
    let areas = world.crews.iter().map(|c| c.line_area());
    world.tally.queue_lengths(areas, measured_days * SimTime::DAY as f64);
    let capacities: Vec<u32> = scenario.network.nodes.iter().map(|n| n.capacity_per_day).collect();
    let fulfilling: Vec<bool> =
        scenario.network.nodes.iter().map(|n| n.kind != NodeKind::Vendor).collect();
    let mut kpis = world.tally.finish(&capacities, &fulfilling, measured_days);
    kpis.kpis.extend(world.policy.counters().into_iter().map(|(k, v)| (Scope::All, k, v)));
    if !scenario.disruptions.is_empty() {
        kpis.kpis.extend(world.faults.rows().into_iter().map(|(k, v)| (Scope::All, k, v)));
    }
    if let Some(bound) = &world.bound {
        let sc = scenario;
        let cancel = options.cancel.as_ref();
        let rows = bound.rows(&sc.network, &sc.catalog, &world.ledger, &world.orch, cancel)?;
        kpis.kpis.extend(rows.ok_or(SimError::Cancelled)?);
    }
    Ok(RepOutcome {
        kpis,
        explanations: std::mem::take(&mut world.explanations),
        events: engine.handled(),
        arrivals: world.next_order,
    })
}

/// Runs `engine` to `end` one simulated day at a time, checking `cancel` between days (the
/// same events in the same order as one run to `end`, since only handlers schedule events).
fn run_by_day(
    engine: &mut Engine<Event>,
    world: &mut World<'_>,
    end: SimTime,
    cancel: Option<&Cancel>,
) -> Result<(), SimError> {
    loop {
        if cancel.is_some_and(Cancel::is_raised) {
            return Err(SimError::Cancelled);
        }
        let next_day = SimTime::from_days(engine.now().day() + 1);
        engine.run_until(next_day.min(end), world);
        if engine.now() >= end {
            return Ok(());
        }
    }
}

impl<'s> World<'s> {
    fn new(
        sc: &'s Scenario,
        prep: &'s Prepared,
        policy: usize,
        rep_seed: u64,
        options: &'s SimOptions,
    ) -> Result<World<'s>, SimError> {
        let mut ledger = Ledger::new(sc.network.len(), sc.catalog.len());
        ledger.set_visibility_sync(sc.inventory.visibility_sync);
        let trace = match &sc.demand.source {
            DemandSource::Generated => None,
            DemandSource::Trace(path) => Some(open_trace(sc, path, options)?),
        };
        let (warmup_end, arrivals_end) =
            (SimTime::from_days(sc.warmup_days), SimTime::from_days(sc.horizon_days));
        let mut world = World {
            sc,
            prep,
            options,
            policy: sc.policies[policy].build_with(&prep.forecast),
            orch: Orchestrator::new(&sc.network, Some(prep.rates.clone()))
                .with_walks(Arc::clone(&prep.walks)),
            ledger,
            luck: Luck::new(rep_seed),
            demand: DemandGen::new(rep_seed),
            trace,
            orders: Slab::new(),
            ships: Slab::new(),
            returns: Slab::new(),
            crews: sc
                .network
                .nodes
                .iter()
                .map(|n| Station::new(n.pickers, (warmup_end, arrivals_end)))
                .collect(),
            tally: kpi::Tally::new(sc.network.len(), sc.horizon_days),
            arrivals_end,
            warmup_end,
            next_order: 0,
            error: None,
            explanations: Vec::new(),
            audit_flows: audit::SimFlows::new(sc.catalog.len()),
            upkeep: supply::Upkeep::new(rep_seed, sc.network.len()),
            batch: batch::BatchQueue::default(),
            bound: sc
                .bound
                .enabled
                .then(|| bound::BoundLog::new(&sc.network, sc.bound.cancel_penalty))
                .transpose()?,
            faults: faults::Faults::new(sc.network.len(), rep_seed),
        };
        if sc.bound.enabled {
            world.orch.log_parcel_units(world.warmup_end, world.arrivals_end);
        }
        world.batch = batch::BatchQueue::new(world.policy.batch_window());
        world.stock_network(rep_seed)?;
        Ok(world)
    }

    /// The first arrival of every channel (or of the trace) and the first day start.
    fn schedule_start(&mut self, engine: &mut Engine<Event>) -> Result<(), SimError> {
        engine.schedule(SimTime::ZERO, Event::DayStart);
        self.schedule_disruptions(engine);
        match self.trace.as_mut() {
            Some(trace) => {
                if let Some(first) = trace.peek_time()? {
                    engine.schedule(first, Event::TraceArrival);
                }
            }
            None => {
                for channel in Channel::ALL {
                    let end = self.arrivals_end;
                    if let Some(t) = self.demand.next_arrival(self.sc, channel, SimTime::ZERO, end)
                    {
                        engine.schedule(t, Event::Arrival(channel));
                    }
                }
            }
        }
        Ok(())
    }

    /// Brings every node's queue area up to the end of the measured window.
    fn close_queue_books(&mut self, end: SimTime) {
        for crew in &mut self.crews {
            crew.close_books(end);
        }
    }

    /// Test hook: breaks one position's books so the audit has something to find.
    fn plant_leak(&mut self) {
        let found = self
            .sc
            .catalog
            .ids()
            .find_map(|sku| self.ledger.stocking_nodes(sku).next().map(|n| (n, sku)));
        if let Some((node, sku)) = found {
            // The position exists (it was just found), so the hook cannot fail.
            let _ = self.ledger.corrupt_for_test(node, sku);
        }
    }
}

fn open_trace<'s>(
    sc: &'s Scenario,
    path: &std::path::Path,
    options: &SimOptions,
) -> Result<TraceReader<'s>, SimError> {
    let ctx = TraceContext {
        catalog: &sc.catalog,
        network: &sc.network,
        cities: &sc.cities,
        start: options.trace_start,
    };
    Ok(TraceReader::open(path, &ctx)?)
}

impl From<crate::trace::TraceOrder> for Drawn {
    fn from(o: crate::trace::TraceOrder) -> Self {
        Drawn {
            channel: o.channel,
            customer: o.customer,
            region: o.region,
            store: o.store,
            lines: o.lines,
        }
    }
}
