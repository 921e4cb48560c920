//! Benchmarks of routing at national scale, on `scenarios/national.toml` (5 DCs, 500 stores,
//! 20,000 SKUs): an ATP query and a reservation on the national ledger, and one routing
//! decision per preset (`dc_first`, `nearest`, `min_split`, `greedy_cost`), walking each
//! region's nodes nearest first as the simulator does and, for comparison, scanning every
//! stocking node.
//!
//! The network comes from the scenario file through `omnilab::scenario::load_scenario`; the
//! ledger is stocked as a replication starts (each node's assortment from
//! `omnilab::sim::Prepared`, at its weeks of cover), with live visibility. Orders are web
//! orders drawn like the simulator draws them: a city by population, a basket size, SKUs by
//! popularity. Policies read the ledger and never change it, so every decision sees the
//! same stock. Headline figures (ns per query, per reservation round trip and per decision,
//! decisions per second, the ledger's size and peak memory) go to
//! `target/bench-figures/routing.txt`; plots are off (the machine has no system fonts).

#[path = "support/figures.rs"]
mod figures;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use figures::{Figures, Tally, mib};
use omnilab::ids::{NodeId, OrderId, SimTime, SkuId};
use omnilab::inventory::Ledger;
use omnilab::network::{GeoPoint, NodeKind};
use omnilab::orders::{Channel, Line, Order};
use omnilab::routing::{CapacityBook, NetworkView, Policy, RegionWalks, RuleStack, presets};
use omnilab::scenario::{Scenario, load_scenario};
use omnilab::sim::Prepared;
use rand::{RngExt, SeedableRng};
use rand_distr::Distribution;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Orders and (node, sku) probes drawn ahead; a power of two, so indices wrap with a mask.
const POOL: usize = 4_096;

/// The national scenario, its tables and its stocked ledger.
struct National {
    scenario: Scenario,
    prep: Prepared,
    ledger: Ledger,
    capacity: CapacityBook,
}

fn load_national(figures: &mut Figures) -> National {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/national.toml");
    let started = Instant::now();
    let scenario = load_scenario(&path).expect("scenarios/national.toml loads");
    let prep = Prepared::new(&scenario).expect("the national tables build");
    let loaded = started.elapsed();
    let ledger = stocked_ledger(&scenario, &prep);
    figures.line(format!(
        "national.toml: {} nodes, {} SKUs, {} ledger positions ({:.1} MiB); load + prepare {:.2} s, stock {:.2} s",
        scenario.network.len(),
        scenario.catalog.len(),
        ledger.num_positions(),
        mib(ledger.memory_bytes() as u64),
        loaded.as_secs_f64(),
        (started.elapsed() - loaded).as_secs_f64()
    ));
    let capacity = CapacityBook::new(&scenario.network);
    National { scenario, prep, ledger, capacity }
}

/// Every node's assortment at its initial weeks of cover, records exact, live visibility.
fn stocked_ledger(scenario: &Scenario, prep: &Prepared) -> Ledger {
    let mut ledger = Ledger::new(scenario.network.len(), scenario.catalog.len());
    let inv = &scenario.inventory;
    for node in scenario.network.ids() {
        let weeks = match scenario.network.node(node).kind {
            NodeKind::Dc => inv.dc_weeks_of_cover,
            NodeKind::Store => inv.store_weeks_of_cover,
            NodeKind::Vendor => continue,
        };
        for &sku in &prep.assortment[node.index()] {
            let units = prep.cover_units(node, sku, weeks);
            ledger.receive(node, sku, units).expect("ids come from the scenario");
        }
    }
    ledger
}

/// Web orders drawn as the simulator draws them, without the customer spread.
fn order_pool(n: &National, rng: &mut Xoshiro256PlusPlus) -> Vec<Order> {
    (0..POOL)
        .map(|i| {
            let region = n.prep.cities.sample(rng);
            let lines = 1 + n.prep.basket_lines.sample(rng);
            let mut skus: Vec<SkuId> =
                (0..lines).map(|_| SkuId::from_index(n.prep.skus.sample(rng))).collect();
            skus.sort_unstable();
            skus.dedup();
            Order {
                id: OrderId(i as u32),
                channel: Channel::Web,
                placed_at: SimTime(12 * SimTime::HOUR),
                customer: n.scenario.cities.cities[region].location,
                region: region as u32,
                store: None,
                promise_days: None,
                lines: skus.into_iter().map(|sku| Line { sku, units: 1 }).collect(),
            }
        })
        .collect()
}

/// Stocked (node, sku) pairs: a SKU by popularity, then one of the nodes that carry it.
fn stocked_pairs(n: &National, rng: &mut Xoshiro256PlusPlus) -> Vec<(NodeId, SkuId)> {
    (0..POOL)
        .map(|_| {
            let sku = SkuId::from_index(n.prep.skus.sample(rng));
            let nodes: Vec<NodeId> = n.ledger.stocking_nodes(sku).collect();
            (nodes[rng.random_range(0..nodes.len())], sku)
        })
        .collect()
}

/// Times `iterations` calls of `step` on consecutive pool indices.
fn timed(
    iterations: u64,
    next: &mut usize,
    tally: &mut Tally,
    mut step: impl FnMut(usize),
) -> Duration {
    let started = Instant::now();
    for _ in 0..iterations {
        *next = (*next + 1) & (POOL - 1);
        step(*next);
    }
    let elapsed = started.elapsed();
    tally.add(iterations, iterations, elapsed);
    elapsed
}

fn ledger_benches(c: &mut Criterion, n: &mut National, figures: &mut Figures) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
    let pairs = stocked_pairs(n, &mut rng);
    let mut next = 0;
    let (mut query, mut reserve) = (Tally::default(), Tally::default());
    let mut group = c.benchmark_group("national ledger");

    group.bench_function("visible ATP query", |b| {
        b.iter_custom(|iterations| {
            timed(iterations, &mut next, &mut query, |i| {
                let (node, sku) = pairs[i];
                black_box(n.ledger.visible_atp(node, sku));
            })
        })
    });
    group.bench_function("reserve + release one unit", |b| {
        b.iter_custom(|iterations| {
            timed(iterations, &mut next, &mut reserve, |i| {
                let (node, sku) = pairs[i];
                if n.ledger.reserve(node, sku, 1).is_ok() {
                    n.ledger.release(node, sku, 1).expect("reserved just above");
                }
            })
        })
    });
    group.finish();
    figures.line(format!("visible ATP query: {:.1} ns", query.mean_ns()));
    figures.line(format!("reservation (reserve + release one unit): {:.1} ns", reserve.mean_ns()));
}

fn decision_benches(c: &mut Criterion, n: &National, figures: &mut Figures) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(29);
    let orders = order_pool(n, &mut rng);
    let mean_lines = orders.iter().map(|o| o.lines.len()).sum::<usize>() as f64 / POOL as f64;
    figures.line(format!("routing decisions: web orders, {mean_lines:.2} lines on average"));
    let stacks: Vec<RuleStack> =
        presets::NAMES.iter().filter_map(|name| presets::preset(name, name)).collect();
    let centers: Vec<GeoPoint> = n.scenario.cities.cities.iter().map(|c| c.location).collect();
    let walks =
        RegionWalks::new(&n.scenario.network, &centers, stacks.iter().map(|s| s.sort.as_slice()));
    let scanned = NetworkView {
        network: &n.scenario.network,
        catalog: &n.scenario.catalog,
        ledger: &n.ledger,
        capacity: &n.capacity,
        rates: Some(&n.prep.rates),
        offline: &[],
        walks: None,
    };
    let walked = NetworkView { walks: Some(&walks), ..scanned };
    figures.line(format!(
        "region walks: {} regions, {:.1} MiB",
        centers.len(),
        mib(walks.memory_bytes() as u64)
    ));
    let mut group = c.benchmark_group("routing decision, national");
    for (view, how) in [(&walked, "walk"), (&scanned, "full scan")] {
        for name in presets::NAMES {
            let mut policy = presets::preset(name, name).expect("a preset name");
            let mut next = 0;
            let mut tally = Tally::default();
            group.bench_function(BenchmarkId::new(name, how), |b| {
                b.iter_custom(|iterations| {
                    timed(iterations, &mut next, &mut tally, |i| {
                        black_box(policy.plan(&orders[i], view, None));
                    })
                })
            });
            figures.line(format!(
                "  {name} ({how}): {:.0} ns per decision, {:.0} decisions/s",
                tally.mean_ns(),
                tally.work_per_second()
            ));
        }
    }
    group.finish();
}

fn routing_benches(c: &mut Criterion) {
    let mut figures = Figures::new("routing");
    let mut national = load_national(&mut figures);
    ledger_benches(c, &mut national, &mut figures);
    decision_benches(c, &national, &mut figures);
    figures.peak_rss();
    figures.write();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots().measurement_time(Duration::from_secs(3));
    targets = routing_benches
}
criterion_main!(benches);
