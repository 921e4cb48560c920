//! Order batching for policies that decide in batches ([`Policy::batch_window`]): web and
//! marketplace orders collect while the window is open, and a `FlushBatch` event routes them
//! together ([`Orchestrator::route_batch`]). BOPIS and walk-in stay immediate.
//!
//! The window opens with the first order held and closes at its end, or earlier: never later
//! than the latest moment at which the best promise any order of the batch could get at
//! checkout is still reachable (waiting past a node's opening or the carrier's cut-off would
//! cost a day). A later order with an earlier deadline pulls the flush forward; a flush event
//! that finds the batch already routed, or not yet due, does nothing.
//!
//! Key types: [`BatchQueue`]. Owns the held orders only; routing and recording go through
//! the world's ordinary paths.
//!
//! [`Policy::batch_window`]: crate::routing::Policy::batch_window
//! [`Orchestrator::route_batch`]: crate::orchestrator::Orchestrator::route_batch

use super::SimError;
use super::world::{Event, World};
use crate::engine::Engine;
use crate::ids::{NodeId, SimTime};
use crate::network::Network;
use crate::orchestrator::promise::{parcel_promise, transit_days};
use crate::orders::{Channel, Order};
use crate::routing::ship_method;

/// An order waiting for its batch.
#[derive(Debug)]
struct Held {
    order: Order,
    counted: bool,
}

/// The orders of the open batch and when it must be routed.
#[derive(Debug, Default)]
pub struct BatchQueue {
    window: Option<u64>,
    held: Vec<Held>,
    due: SimTime,
}

impl BatchQueue {
    /// A queue for a policy whose window is `window` seconds (`None`: no batching).
    pub fn new(window: Option<u64>) -> Self {
        BatchQueue { window: window.filter(|w| *w > 0), held: Vec::new(), due: SimTime::ZERO }
    }

    /// Whether `order` waits for a batch.
    pub fn collects(&self, order: &Order) -> bool {
        self.window.is_some() && matches!(order.channel, Channel::Web | Channel::Marketplace)
    }
}

impl World<'_> {
    /// Holds `order` for the open batch (opening one if none is), scheduling its flush.
    pub(super) fn hold(&mut self, engine: &mut Engine<Event>, order: Order, counted: bool) {
        let now = engine.now();
        let window = self.batch.window.unwrap_or(0);
        let deadline = latest_flush(&self.sc.network, &order, now, window);
        if self.batch.held.is_empty() || deadline < self.batch.due {
            self.batch.due = deadline;
            engine.schedule(deadline, Event::FlushBatch);
        }
        self.batch.held.push(Held { order, counted });
    }

    /// Routes the open batch if it is due.
    pub(super) fn on_flush_batch(&mut self, engine: &mut Engine<Event>) -> Result<(), SimError> {
        if self.batch.held.is_empty() || engine.now() < self.batch.due {
            return Ok(());
        }
        let held = std::mem::take(&mut self.batch.held);
        let orders: Vec<&Order> = held.iter().map(|h| &h.order).collect();
        let routed = self.orch.route_batch(
            &orders,
            self.policy.as_mut(),
            &mut self.ledger,
            &self.sc.network,
            &self.sc.catalog,
        );
        for (h, r) in held.into_iter().zip(routed) {
            self.record_routed(engine, h.order, r, h.counted);
        }
        Ok(())
    }
}

/// The best promise any node that ships could give an order if routed at `t`, from each
/// shipping node's transit days to the order's customer.
fn best_promise(network: &Network, transit: &[(NodeId, u32)], t: SimTime) -> Option<SimTime> {
    transit.iter().map(|&(n, days)| parcel_promise(network, n, days, t)).min()
}

/// The latest time within `window` seconds of `now` at which `order` can still get the best
/// promise it could get now (found by bisection: the best promise never improves by
/// waiting). Distances do not change while the order waits, so each node's transit days
/// are priced once rather than at every step of the bisection.
fn latest_flush(network: &Network, order: &Order, now: SimTime, window: u64) -> SimTime {
    let end = now.plus(window);
    let transit: Vec<(NodeId, u32)> = network
        .ids()
        .filter(|&n| ship_method(network, n).is_some())
        .map(|n| (n, transit_days(network, n, order.customer)))
        .collect();
    let Some(best) = best_promise(network, &transit, now) else { return now };
    let keeps = |t: SimTime| best_promise(network, &transit, t).is_some_and(|p| p <= best);
    if keeps(end) {
        return end;
    }
    let (mut lo, mut hi) = (now.0, end.0);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if keeps(SimTime(mid)) { lo = mid } else { hi = mid }
    }
    SimTime(lo)
}
