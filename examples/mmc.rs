//! The Rust side of the SimPy peer run (`benches/peers/run.sh`): the M/M/c model (c = 3
//! pickers, exponential picks of mean 10 minutes, arrivals at 80% of capacity) twice.
//!
//! 1. `omnilab::engine::mmc`: the engine and its multi-server station, the same model as
//!    SimPy's `Resource` (arrivals, a line, `c` servers). Its best rate is printed as
//!    `customers_per_second=<x>`, the line run.sh compares with SimPy.
//! 2. The scenario of `benches/support/mmc.rs` (one DC, unlimited stock) through
//!    `omnilab::sim::run_replication`: every customer is a web order that is routed,
//!    reserved, picked, carried and counted in the KPIs. Its best rate is printed as
//!    `lifecycle_customers_per_second=<x>`.
//!
//! Each run prints customers and events per second of wall time and the mean wait in line
//! beside the Erlang C value.
//!
//! Usage: `cargo run --release --example mmc -- [days] [repeats]`.

#[path = "../benches/support/mmc.rs"]
mod mmc;

use std::time::Instant;

use mmc::{MmcParams, mmc_scenario};
use omnilab::engine::mmc::{Mmc, erlang_c_wait};
use omnilab::sim::{Prepared, RepOutcome, SimOptions, run_replication};

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
    let mean_service = params.mean_minutes * 60.0;
    let theory = erlang_c_wait(params.pickers, mean_service, 86_400.0 / params.per_day()) / 60.0;

    let model = Mmc {
        servers: params.pickers,
        mean_service,
        mean_interarrival: 86_400.0 / params.per_day(),
    };
    let customers = (params.per_day() * f64::from(days)).round() as u64;
    let mut best: f64 = 0.0;
    for rep in 0..repeats {
        let started = Instant::now();
        let run = model.run(customers, u64::from(rep) + 1);
        let seconds = started.elapsed().as_secs_f64();
        let rate =
            report("engine + station", run.customers, run.events, seconds, run.mean_wait / 60.0);
        best = best.max(rate);
    }

    let scenario = mmc_scenario(params);
    let prep = Prepared::new(&scenario).expect("the M/M/c tables build");
    let mut best_lifecycle: f64 = 0.0;
    for rep in 0..repeats {
        let started = Instant::now();
        let outcome = run_replication(&scenario, &prep, 0, rep, &SimOptions::default())
            .expect("the M/M/c scenario runs cleanly");
        let seconds = started.elapsed().as_secs_f64();
        let wait = mean_wait_hours(&outcome) * 60.0;
        let rate = report("full order lifecycle", outcome.arrivals, outcome.events, seconds, wait);
        best_lifecycle = best_lifecycle.max(rate);
    }
    println!("Erlang C mean wait: {theory:.2} min");
    println!("customers_per_second={best:.0}");
    println!("lifecycle_customers_per_second={best_lifecycle:.0}");
}

/// Prints one timed run of a model and returns its customers per second.
fn report(model: &str, customers: u64, events: u64, seconds: f64, mean_wait_minutes: f64) -> f64 {
    let rate = customers as f64 / seconds;
    println!(
        "omnilab {model}: {customers} customers, {events} events in {seconds:.3} s = {rate:.0} customers/s, {:.2} M events/s, mean wait {mean_wait_minutes:.2} min",
        events as f64 / seconds / 1e6
    );
    rate
}
