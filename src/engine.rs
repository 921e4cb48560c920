//! The discrete-event engine: simulation time, a future-event queue ordered by time and,
//! within a time, by insertion (a radix heap, `engine/queue.rs`), the run loop, and one
//! reusable process: a multi-server first-come-first-served [`Station`]. It knows nothing
//! about retail.
//!
//! Events are small `Copy` values of one closed type chosen by the caller (the simulator uses
//! an `enum` of ids), so the hot path neither allocates per event nor dispatches through trait
//! objects. Ties in time break by insertion order, which makes every run deterministic.
//!
//! ```
//! use omnilab::engine::{Engine, Handler};
//! use omnilab::ids::SimTime;
//!
//! // A clock that ticks every hour and counts its ticks.
//! struct Ticker(u32);
//! impl Handler<()> for Ticker {
//!     fn handle(&mut self, engine: &mut Engine<()>, _event: ()) {
//!         self.0 += 1;
//!         engine.schedule_in(SimTime::HOUR, ());
//!     }
//! }
//!
//! let mut engine = Engine::new();
//! engine.schedule(SimTime::ZERO, ());
//! let mut ticker = Ticker(0);
//! engine.run_until(SimTime(SimTime::DAY - 1), &mut ticker);
//! assert_eq!(ticker.0, 24);
//! ```

pub mod mmc;
mod queue;
mod station;

use crate::ids::SimTime;
use queue::RadixQueue;
pub use station::Station;

/// Reacts to events; the simulator's processes implement it.
pub trait Handler<E> {
    /// Handles `event` at `engine.now()`, scheduling follow-up events on `engine`.
    fn handle(&mut self, engine: &mut Engine<E>, event: E);
}

/// The clock and the future-event queue.
#[derive(Debug)]
pub struct Engine<E> {
    queue: RadixQueue<E>,
    now: SimTime,
    handled: u64,
}

impl<E: Copy> Default for Engine<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Engine<E> {
    /// An engine at time zero with no pending events.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An engine whose queue is preallocated for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Engine { queue: RadixQueue::with_capacity(capacity), now: SimTime::ZERO, handled: 0 }
    }

    /// The current simulation time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// How many events are pending.
    #[inline]
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// How many events have been handled so far.
    #[inline]
    pub fn handled(&self) -> u64 {
        self.handled
    }

    /// Schedules `event` at `time`. A time in the past is moved to now: the engine never runs
    /// backwards.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        self.queue.push(time.max(self.now).0, event);
    }

    /// Schedules `event` `delay` seconds from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: u64, event: E) {
        self.schedule(self.now.plus(delay), event);
    }

    /// Removes the earliest pending event if it is due no later than `horizon`, advancing the
    /// clock to its time.
    #[inline]
    pub fn pop_until(&mut self, horizon: SimTime) -> Option<E> {
        let (time, event) = self.queue.pop_due(horizon.0)?;
        self.now = SimTime(time);
        self.handled += 1;
        Some(event)
    }

    /// Handles events in order until none is due at or before `horizon`, then sets the clock to
    /// `horizon`. Events after the horizon stay pending.
    pub fn run_until<H: Handler<E>>(&mut self, horizon: SimTime, handler: &mut H) {
        while let Some(event) = self.pop_until(horizon) {
            handler.handle(self, event);
        }
        self.now = self.now.max(horizon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder(Vec<(u64, u32)>);

    impl Handler<u32> for Recorder {
        fn handle(&mut self, engine: &mut Engine<u32>, event: u32) {
            self.0.push((engine.now().0, event));
        }
    }

    #[test]
    fn events_pop_in_time_then_insertion_order() {
        let mut engine = Engine::new();
        engine.schedule(SimTime(50), 1);
        engine.schedule(SimTime(10), 2);
        engine.schedule(SimTime(50), 3);
        engine.schedule(SimTime(10), 4);
        let mut rec = Recorder(Vec::new());
        engine.run_until(SimTime(100), &mut rec);
        assert_eq!(rec.0, vec![(10, 2), (10, 4), (50, 1), (50, 3)]);
        assert_eq!(engine.now(), SimTime(100));
        assert_eq!(engine.handled(), 4);
    }

    #[test]
    fn events_after_the_horizon_stay_pending() {
        let mut engine = Engine::new();
        engine.schedule(SimTime(5), 1);
        engine.schedule(SimTime(500), 2);
        let mut rec = Recorder(Vec::new());
        engine.run_until(SimTime(100), &mut rec);
        assert_eq!(rec.0, vec![(5, 1)]);
        assert_eq!(engine.pending(), 1);
    }

    #[test]
    fn past_times_are_clamped_to_now() {
        let mut engine: Engine<u32> = Engine::new();
        engine.schedule(SimTime(100), 1);
        assert_eq!(engine.pop_until(SimTime(1000)), Some(1));
        engine.schedule(SimTime(20), 2);
        assert_eq!(engine.pop_until(SimTime(1000)), Some(2));
        assert_eq!(engine.now(), SimTime(100));
    }
}
