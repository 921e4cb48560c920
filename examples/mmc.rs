//! The Rust side of the SimPy peer run (`benches/peers/run.sh`): the M/M/c model of
//! `benches/support/mmc.rs` (c = 3 pickers, exponential picks of mean 10 minutes, arrivals
//! at 80% of capacity, unlimited stock) run through `omnilab::sim::run_replication`, the
//! lab's own engine and processes.
//!
//! Prints each replication's customers per second of wall time, events per second and the
//! mean wait in the picking queue beside the Erlang C value, then the best rate as
//! `customers_per_second=<x>` (the line run.sh reads).
//!
//! Usage: `cargo run --release --example mmc -- [days] [repeats]`.

#[path = "../benches/support/mmc.rs"]
mod mmc;

use std::time::Instant;

use mmc::{MmcParams, mmc_scenario};
use omnilab::sim::{Prepared, RepOutcome, SimOptions, run_replication};

/// The mean wait in queue of an M/M/c queue (Erlang C), in the time unit of the rates.
fn erlang_c_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu;
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    last / (sum + last) / (f64::from(c) * mu - lambda)
}

/// The node's mean wait in the picking queue, in hours.
fn mean_wait_hours(outcome: &RepOutcome) -> f64 {
    outcome
        .kpis
        .nodes
        .iter()
        .find(|(_, metric, _)| *metric == "pick_wait_hours_mean")
        .map_or(f64::NAN, |row| row.2)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let days: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3_000);
    let repeats: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let params = MmcParams::peer(days);
    let scenario = mmc_scenario(params);
    let prep = Prepared::new(&scenario).expect("the M/M/c tables build");

    let mut best: f64 = 0.0;
    for rep in 0..repeats {
        let started = Instant::now();
        let outcome = run_replication(&scenario, &prep, 0, rep, &SimOptions::default())
            .expect("the M/M/c scenario runs cleanly");
        let seconds = started.elapsed().as_secs_f64();
        let rate = outcome.arrivals as f64 / seconds;
        best = best.max(rate);
        println!(
            "omnilab: {} customers, {} events in {seconds:.3} s = {rate:.0} customers/s, {:.2} M events/s, mean wait {:.2} min",
            outcome.arrivals,
            outcome.events,
            outcome.events as f64 / seconds / 1e6,
            mean_wait_hours(&outcome) * 60.0
        );
    }
    let mu = 60.0 / params.mean_minutes;
    let theory = erlang_c_wait(params.pickers, params.per_day() / 24.0, mu) * 60.0;
    println!("Erlang C mean wait: {theory:.2} min");
    println!("customers_per_second={best:.0}");
}
