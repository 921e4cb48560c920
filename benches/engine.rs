//! Benchmarks of the discrete-event engine alone: the classic "hold" operation (pop the
//! earliest event, push one a random delay later) on a queue kept at 10^3, 10^5 and 10^6
//! pending events, the operation every simulated event costs.
//!
//! Delays are exponential with a mean of one hour, drawn ahead into a table so the timing is
//! the queue's, not the generator's. Headline figures (nanoseconds per hold and holds per
//! second at each size) go to `target/bench-figures/engine.txt`; plots are off (the machine
//! has no system fonts).

#[path = "support/figures.rs"]
mod figures;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use figures::{Figures, Tally};
use omnilab::engine::Engine;
use omnilab::ids::SimTime;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Queue sizes held steady during a run.
const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];

/// Delays drawn ahead (a power of two, so the index wraps with a mask).
const DELAYS: usize = 1 << 16;

/// Exponential delays in whole seconds, mean one hour, at least one second.
fn delay_table() -> Vec<u64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let exp = Exp::new(1.0 / 3_600.0).expect("a positive rate");
    (0..DELAYS).map(|_| (exp.sample(&mut rng) as u64).max(1)).collect()
}

/// An engine with `size` pending events spread over the first `size` delays.
fn filled_engine(size: usize, delays: &[u64]) -> Engine<u32> {
    let mut engine = Engine::with_capacity(size + 1);
    for i in 0..size {
        engine.schedule(SimTime(delays[i % DELAYS] * (1 + (i / DELAYS) as u64)), i as u32);
    }
    engine
}

/// `iterations` holds: pop the earliest event, schedule it again a table delay later.
fn hold(engine: &mut Engine<u32>, delays: &[u64], next: &mut usize, iterations: u64) {
    for _ in 0..iterations {
        let event = engine.pop_until(SimTime(u64::MAX)).expect("the queue never empties");
        *next = (*next + 1) & (DELAYS - 1);
        engine.schedule_in(delays[*next], black_box(event));
    }
}

fn engine_benches(c: &mut Criterion) {
    let delays = delay_table();
    let mut group = c.benchmark_group("engine hold (pop + push)");
    let mut tallies: Vec<(usize, Tally)> = Vec::new();

    for size in SIZES {
        let mut engine = filled_engine(size, &delays);
        let mut next = 0;
        let mut tally = Tally::default();
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter_custom(|iterations| {
                let started = Instant::now();
                hold(&mut engine, &delays, &mut next, iterations);
                let elapsed = started.elapsed();
                tally.add(iterations, iterations, elapsed);
                elapsed
            })
        });
        assert_eq!(engine.pending(), size, "a hold keeps the queue size");
        tallies.push((size, tally));
    }
    group.finish();
    write_figures(&tallies);
}

fn write_figures(tallies: &[(usize, Tally)]) {
    let mut figures = Figures::new("engine");
    figures.line("engine hold (pop the earliest event + push one an exponential delay later)");
    for (size, tally) in tallies {
        let best = tally.best_per_iteration.map_or(f64::NAN, |s| s * 1e9);
        figures.line(format!(
            "{size:>9} pending: mean {:.1} ns per hold, best batch {best:.1} ns, {:.2} M holds/s",
            tally.mean_ns(),
            tally.work_per_second() / 1e6
        ));
    }
    figures.peak_rss();
    figures.write();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots().measurement_time(Duration::from_secs(3));
    targets = engine_benches
}
criterion_main!(benches);
