//! Benchmarks of the inventory ledger at national scale: 1,000 nodes x 50,000 skus, where 5
//! DCs stock every sku and each of 995 stores stocks about 10% of them (about 5.2 million
//! positions).
//!
//! Builds the ledger once, prints the build time and the memory it holds (bytes per position
//! and in total, from the ledger's own capacity count and from the process's resident set) and
//! writes the same lines to `ledger-bench.txt` in the target directory. Then times `atp` lookups
//! (on stocked and on random pairs), a `reserve` + `release` round trip, and the walk over the
//! nodes that stock a sku. Plots are off (they need system fonts); criterion still writes its
//! estimates under `target/criterion`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use omnilab::ids::{NodeId, SkuId};
use omnilab::inventory::{Ledger, Position};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const NODES: usize = 1_000;
const SKUS: usize = 50_000;
const DCS: usize = 5;
const STORE_SHARE: f64 = 0.1;
const PROBES: usize = 4_096;

/// The resident set size of this process in bytes, where the OS reports it.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The national ledger: DCs stock everything, stores a random tenth, each with 1 to 40 units.
fn build_national() -> Ledger {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let expected = DCS * SKUS + ((NODES - DCS) as f64 * SKUS as f64 * STORE_SHARE) as usize;
    let mut ledger = Ledger::with_capacity(NODES, SKUS, expected + expected / 50);

    for node in 0..NODES {
        let share = if node < DCS { 1.0 } else { STORE_SHARE };
        for sku in 0..SKUS {
            if rng.random_bool(share) {
                let units = rng.random_range(1..=40);
                ledger
                    .receive(NodeId::from_index(node), SkuId::from_index(sku), units)
                    .expect("ids are within the ledger's dimensions");
            }
        }
    }
    ledger.shrink_to_fit();
    ledger
}

/// Builds the national ledger and reports its build time and memory.
fn build_and_report() -> Ledger {
    let rss_before = resident_bytes();
    let started = Instant::now();
    let ledger = build_national();
    let elapsed = started.elapsed();
    let rss_after = resident_bytes();

    let positions = ledger.num_positions();
    let bytes = ledger.memory_bytes();
    let mut lines = vec![
        format!("national ledger: {NODES} nodes x {SKUS} skus, {positions} positions"),
        format!("build time: {:.3} s", elapsed.as_secs_f64()),
        format!("size_of::<Position>() = {} bytes", size_of::<Position>()),
        format!(
            "memory (capacities): {bytes} bytes = {:.1} MiB, {:.1} bytes per position",
            bytes as f64 / 1_048_576.0,
            bytes as f64 / positions as f64
        ),
    ];
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        let grown = after.saturating_sub(before);
        lines.push(format!(
            "memory (RSS growth): {grown} bytes = {:.1} MiB, {:.1} bytes per position",
            grown as f64 / 1_048_576.0,
            grown as f64 / positions as f64
        ));
    }

    let report = lines.join("\n");
    println!("{report}");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    if let Err(error) = std::fs::write(target.join("ledger-bench.txt"), report + "\n") {
        eprintln!("could not write ledger-bench.txt: {error}");
    }
    ledger
}

/// Random (node, sku) pairs that have a position.
fn stocked_pairs(ledger: &Ledger, rng: &mut Xoshiro256PlusPlus) -> Vec<(NodeId, SkuId)> {
    (0..PROBES)
        .map(|_| {
            let sku = SkuId::from_index(rng.random_range(0..SKUS));
            let nodes: Vec<NodeId> = ledger.stocking_nodes(sku).collect();
            (nodes[rng.random_range(0..nodes.len())], sku)
        })
        .collect()
}

/// Random (node, sku) pairs, most of them without a position.
fn random_pairs(rng: &mut Xoshiro256PlusPlus) -> Vec<(NodeId, SkuId)> {
    (0..PROBES)
        .map(|_| {
            let node = NodeId::from_index(rng.random_range(0..NODES));
            (node, SkuId::from_index(rng.random_range(0..SKUS)))
        })
        .collect()
}

fn ledger_benches(c: &mut Criterion) {
    let mut ledger = build_and_report();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let stocked = stocked_pairs(&ledger, &mut rng);
    let random = random_pairs(&mut rng);

    let mut next = 0;
    c.bench_function("atp lookup, stocked pair", |b| {
        b.iter(|| {
            next = (next + 1) % PROBES;
            let (node, sku) = stocked[next];
            black_box(ledger.atp(node, sku))
        })
    });

    c.bench_function("atp lookup, random pair", |b| {
        b.iter(|| {
            next = (next + 1) % PROBES;
            let (node, sku) = random[next];
            black_box(ledger.atp(node, sku))
        })
    });

    c.bench_function("reserve + release", |b| {
        b.iter(|| {
            next = (next + 1) % PROBES;
            let (node, sku) = stocked[next];
            if ledger.reserve(node, sku, 1).is_ok() {
                ledger.release(node, sku, 1).expect("reserved just above");
            }
        })
    });

    c.bench_function("stocking_positions walk, sum of atp", |b| {
        b.iter(|| {
            next = (next + 1) % PROBES;
            let sku = stocked[next].1;
            let total: u64 = ledger.stocking_positions(sku).map(|(_, p)| u64::from(p.atp())).sum();
            black_box(total)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots().measurement_time(Duration::from_secs(3));
    targets = ledger_benches
}
criterion_main!(benches);
