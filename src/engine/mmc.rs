//! The textbook M/M/c queue built from the engine's own parts: an [`Engine`] with two events
//! (an arrival, a service completion) and a [`Station`] of `c` servers. It is the same model as
//! SimPy's `Resource` examples, so the speed benches run it beside SimPy (`benches/peers/`), and
//! its mean wait checks the engine and the station against Erlang C.
//!
//! The full simulator runs its own M/M/c scenario through the whole order lifecycle (routing,
//! reservation, picking, carrier, KPIs; `benches/support/mmc.rs`); this model measures what
//! the engine itself costs per event.
//!
//! Times are whole seconds, as everywhere in the lab: service and inter-arrival draws are
//! rounded to the nearest second, which moves the mean wait by far less than its sampling
//! error for service times of minutes.

use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{Engine, Handler, Station};
use crate::ids::SimTime;

/// The model's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mmc {
    /// Servers working in parallel (`c`).
    pub servers: u32,
    /// Mean service time, seconds.
    pub mean_service: f64,
    /// Mean time between arrivals, seconds.
    pub mean_interarrival: f64,
}

/// What one run measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmcRun {
    /// Customers who arrived (and, the run ending when the station is empty, were served).
    pub customers: u64,
    /// Events the engine handled.
    pub events: u64,
    /// Mean wait in line before service, seconds.
    pub mean_wait: f64,
    /// Time-average number waiting in line over the run.
    pub mean_line: f64,
}

#[derive(Clone, Copy, Debug)]
enum MmcEvent {
    Arrival,
    Served,
}

struct MmcState {
    station: Station<()>,
    rng: Xoshiro256PlusPlus,
    arrival: Exp<f64>,
    service: Exp<f64>,
    arrivals_left: u64,
    waited: u64,
}

impl MmcState {
    fn draw(&mut self, service: bool) -> u64 {
        let dist = if service { self.service } else { self.arrival };
        // Nearest second; `+ 0.5` then truncation, as `f64::round` is a libm call here.
        (dist.sample(&mut self.rng) + 0.5) as u64
    }
}

impl Handler<MmcEvent> for MmcState {
    fn handle(&mut self, engine: &mut Engine<MmcEvent>, event: MmcEvent) {
        let now = engine.now();
        match event {
            MmcEvent::Arrival => {
                self.station.join(now, ());
                if self.arrivals_left > 0 {
                    self.arrivals_left -= 1;
                    let gap = self.draw(false);
                    engine.schedule_in(gap, MmcEvent::Arrival);
                }
            }
            MmcEvent::Served => self.station.finish(),
        }
        while let Some(((), waited)) = self.station.start_next(now) {
            self.waited += waited;
            let service = self.draw(true);
            engine.schedule_in(service, MmcEvent::Served);
        }
    }
}

impl Mmc {
    /// Utilization `rho = lambda / (c mu)`.
    pub fn load(&self) -> f64 {
        self.mean_service / (self.mean_interarrival * f64::from(self.servers.max(1)))
    }

    /// Runs `customers` arrivals (the first at time zero) until the station empties, with the
    /// random stream of `seed`.
    ///
    /// # Panics
    /// If a mean is not positive and finite.
    pub fn run(&self, customers: u64, seed: u64) -> MmcRun {
        let exp = |mean: f64| Exp::new(1.0 / mean).expect("a positive, finite mean");
        let mut state = MmcState {
            station: Station::new(self.servers, (SimTime::ZERO, SimTime(u64::MAX))),
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            arrival: exp(self.mean_interarrival),
            service: exp(self.mean_service),
            arrivals_left: customers.saturating_sub(1),
            waited: 0,
        };
        let mut engine = Engine::with_capacity(64);
        if customers > 0 {
            engine.schedule(SimTime::ZERO, MmcEvent::Arrival);
        }
        // Not `run_until`, which would move the clock to the horizon: the run ends at its
        // last event.
        while let Some(event) = engine.pop_until(SimTime(u64::MAX)) {
            state.handle(&mut engine, event);
        }
        let end = engine.now().0;
        state.station.close_books(SimTime(end));
        let per_customer = |total: f64| total / customers.max(1) as f64;
        MmcRun {
            customers,
            events: engine.handled(),
            mean_wait: per_customer(state.waited as f64),
            mean_line: state.station.line_area() / (end.max(1) as f64),
        }
    }
}

/// The mean wait in line of an M/M/c queue (Erlang C), in the unit of the means; infinite
/// when the load is 1 or more.
pub fn erlang_c_wait(servers: u32, mean_service: f64, mean_interarrival: f64) -> f64 {
    let c = f64::from(servers.max(1));
    let a = mean_service / mean_interarrival;
    if a >= c {
        return f64::INFINITY;
    }
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..servers.max(1) {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / c * c / (c - a);
    let waiting = last / (sum + last);
    waiting * mean_service / (c - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_textbook_values() {
        // M/M/1 at 80%: Wq = rho / (mu - lambda) = 0.8 / 0.2 = 4 service times.
        assert!((erlang_c_wait(1, 1.0, 1.25) - 4.0).abs() < 1e-12);
        // M/M/2 with a = 1 (rho = 0.5): P(wait) = 1/3, Wq = (1/3) / (2 - 1) = 1/3.
        assert!((erlang_c_wait(2, 1.0, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(erlang_c_wait(2, 3.0, 1.0), f64::INFINITY);
    }

    #[test]
    fn the_engine_and_station_reproduce_erlang_c_and_littles_law() {
        // c = 3, 10-minute service, 80% load: Wq = 10.79 minutes.
        let model = Mmc { servers: 3, mean_service: 600.0, mean_interarrival: 250.0 };
        assert!((model.load() - 0.8).abs() < 1e-12);
        let run = model.run(400_000, 11);
        let theory = erlang_c_wait(3, 600.0, 250.0);
        assert!((run.mean_wait / theory - 1.0).abs() < 0.05, "{} vs {theory}", run.mean_wait);
        // Little's law on the line: Lq = lambda Wq over the run.
        let little = run.mean_wait / model.mean_interarrival;
        assert!((run.mean_line / little - 1.0).abs() < 0.02, "{} vs {little}", run.mean_line);
        assert_eq!(run.events, 2 * run.customers);
    }

    #[test]
    fn runs_are_reproducible_and_seeds_differ() {
        let model = Mmc { servers: 2, mean_service: 300.0, mean_interarrival: 200.0 };
        assert_eq!(model.run(5_000, 1), model.run(5_000, 1));
        assert_ne!(model.run(5_000, 1), model.run(5_000, 2));
        assert_eq!(model.run(0, 1).events, 0);
    }
}
