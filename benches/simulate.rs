//! Benchmarks of whole replications: the M/M/c model (c = 3 pickers, exponential picks of
//! mean 10 minutes, 80% load) on the engine and its multi-server station alone
//! (`omnilab::engine::mmc`, the engine's speed per event), the same M/M/c as a scenario
//! through the simulator's full order lifecycle (`benches/support/mmc.rs`: one DC, unlimited
//! stock), and one replication of `scenarios/regional.toml` under the `nearest` rule stack.
//!
//! Headline figures go to `target/bench-figures/simulate.txt`: events per second, orders
//! (customers) per second and peak memory for each. Sample sizes are small and measurement
//! times bounded, since one regional replication takes seconds. Plots are off (the machine
//! has no system fonts).

#[path = "support/figures.rs"]
mod figures;
#[path = "support/mmc.rs"]
mod mmc;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use figures::{Figures, Tally};
use mmc::{MmcParams, mmc_scenario};
use omnilab::engine::mmc::Mmc;
use omnilab::scenario::{Scenario, load_scenario};
use omnilab::sim::{Prepared, SimOptions, run_replication};

/// Days of arrivals in one M/M/c replication: about 120,000 customers.
const MMC_DAYS: u32 = 350;

/// Events and arrivals of one replication, with its wall time.
struct Run {
    events: u64,
    arrivals: u64,
    elapsed: Duration,
}

/// Runs replication `rep` of `scenario` under the policy named `policy`.
fn replicate(scenario: &Scenario, prep: &Prepared, policy: usize, rep: u32) -> Run {
    let started = Instant::now();
    let outcome = run_replication(scenario, prep, policy, rep, &SimOptions::default())
        .expect("the bench scenarios run cleanly");
    Run { events: outcome.events, arrivals: outcome.arrivals, elapsed: started.elapsed() }
}

/// Times `iterations` replications, cycling over replication numbers, into two tallies:
/// events and arrivals.
fn timed(
    scenario: &Scenario,
    prep: &Prepared,
    policy: usize,
    iterations: u64,
    tallies: &mut (Tally, Tally),
) -> Duration {
    let mut total = Duration::ZERO;
    for i in 0..iterations {
        let run = replicate(scenario, prep, policy, (i % 4) as u32);
        tallies.0.add(1, run.events, run.elapsed);
        tallies.1.add(1, run.arrivals, run.elapsed);
        total += run.elapsed;
    }
    total
}

fn regional_policy(scenario: &Scenario) -> usize {
    scenario
        .policies
        .iter()
        .position(|p| p.name() == "nearest")
        .expect("regional.toml defines the nearest policy")
}

fn simulate_benches(c: &mut Criterion) {
    let mut figures = Figures::new("simulate");

    let params = MmcParams::peer(MMC_DAYS);
    let model = Mmc {
        servers: params.pickers,
        mean_service: params.mean_minutes * 60.0,
        mean_interarrival: 86_400.0 / params.per_day(),
    };
    let customers = (params.per_day() * f64::from(MMC_DAYS)).round() as u64;
    let mut engine_tallies = (Tally::default(), Tally::default());
    let mut group = c.benchmark_group("simulate");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    group.bench_function("mmc engine + station, c=3, 10 min, 80% load, 350 days", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for i in 0..iterations {
                let started = Instant::now();
                let run = model.run(customers, i % 4 + 1);
                let elapsed = started.elapsed();
                engine_tallies.0.add(1, run.events, elapsed);
                engine_tallies.1.add(1, run.customers, elapsed);
                total += elapsed;
            }
            total
        })
    });
    report(
        &mut figures,
        "M/M/c on the engine and its station alone (c = 3, mean 10 min, 80% load, 350 days)",
        &engine_tallies,
    );

    let mmc = mmc_scenario(params);
    let mmc_prep = Prepared::new(&mmc).expect("the M/M/c tables build");
    let mut mmc_tallies = (Tally::default(), Tally::default());
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("mmc c=3, 10 min picks, 80% load, 350 days", |b| {
        b.iter_custom(|iterations| timed(&mmc, &mmc_prep, 0, iterations, &mut mmc_tallies))
    });
    report(
        &mut figures,
        "M/M/c through the full order lifecycle (c = 3, mean pick 10 min, 80% load, 350 days)",
        &mmc_tallies,
    );
    figures.peak_rss();

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/regional.toml");
    let regional = load_scenario(&path).expect("scenarios/regional.toml loads");
    let prep = Prepared::new(&regional).expect("the regional tables build");
    let policy = regional_policy(&regional);
    let mut regional_tallies = (Tally::default(), Tally::default());
    group.bench_function("regional replication, nearest", |b| {
        b.iter_custom(|iterations| {
            timed(&regional, &prep, policy, iterations, &mut regional_tallies)
        })
    });
    group.finish();
    report(&mut figures, "regional.toml, one replication under nearest", &regional_tallies);
    if regional_tallies.0.iterations > 0 {
        // Again: the regional world is far larger than the M/M/c models measured above.
        figures.peak_rss();
    }
    figures.write();
}

/// Adds the lines of one benchmark: time per replication, events and orders per second.
/// Nothing when the benchmark did not run (filtered out on the command line).
fn report(figures: &mut Figures, what: &str, (events, arrivals): &(Tally, Tally)) {
    if events.iterations == 0 {
        return;
    }
    let best = events.best_per_iteration.unwrap_or(f64::NAN);
    figures.line(what.to_string());
    figures.line(format!(
        "  {} replications timed: mean {:.3} s, best {best:.3} s per replication",
        events.iterations,
        events.mean_ns() / 1e9
    ));
    figures.line(format!(
        "  {:.0} events per replication, {:.2} M events/s",
        events.work as f64 / events.iterations.max(1) as f64,
        events.work_per_second() / 1e6
    ));
    figures.line(format!(
        "  {:.0} customers (orders and walk-in shoppers) per replication, {:.0} customers/s",
        arrivals.work as f64 / arrivals.iterations.max(1) as f64,
        arrivals.work_per_second()
    ));
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = simulate_benches
}
criterion_main!(benches);
