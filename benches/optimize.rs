//! Benchmarks of the optimizers: one `lp_batch` solve of 200 orders x 20 candidate nodes
//! (build the LP, solve the relaxation with microlp, round), where thin stock and capacity
//! tie every order to the others, and one of 60 orders x 5 candidates shaped like a
//! 15-minute batch of `regional` (two well-stocked DCs, thin stores), where the batch falls
//! apart into single orders; each both as `solve` (decomposed) and `solve_whole` (the one
//! LP `solve` used to build). Then one `lp_dual` pricing solve
//! on the bundled `fulfillment_centers` scenario (five FCs, 1,000 SKUs, 51 demand regions,
//! one transportation problem per SKU by successive shortest paths), and one SKU of the
//! hindsight bound on a synthetic instance of `national`'s shape (505 shippers, a few dozen
//! holding the SKU, scarce, zone-priced demand groups) by `solve_by_repair`, beside the
//! successive-shortest-path solver it replaced, and one shaped like the year's largest SKUs
//! (505 x 50,000 groups over 12,500 price patterns, binding supply, costs by zone code).
//! Plots are off; criterion writes its estimates under `target/criterion`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use omnilab::ids::{NodeId, SkuId, Units};
use omnilab::inventory::Ledger;
use omnilab::optimize::batch::{BatchOrder, Candidate};
use omnilab::optimize::{
    BatchInstance, BatchParams, Classes, Forecast, LpDualParams, Transport, dual_prices,
    solve_by_repair, solve_transport,
};
use omnilab::routing::{CapacityBook, NetworkView};
use omnilab::scenario::load_scenario;
use omnilab::sim::Prepared;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const ORDERS: usize = 200;
const CANDIDATES: usize = 20;
const NODES: u32 = 40;
const SKUS: u32 = 300;

/// 200 orders of one to three lines, each with 20 candidate nodes among 40, stock thin
/// enough (0 to 4 units per position) that ATP binds, capacity 12 parcels per node.
fn batch_instance() -> BatchInstance {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut instance = BatchInstance::default();
    let mut index = std::collections::HashMap::new();
    for _ in 0..ORDERS {
        let lines = rng.random_range(1..=3usize);
        let skus: Vec<SkuId> = (0..lines).map(|_| SkuId(rng.random_range(0..SKUS))).collect();
        let units: Vec<Units> = (0..lines).map(|_| rng.random_range(1..=2)).collect();
        let first = rng.random_range(0..NODES);
        let candidates = (0..CANDIDATES as u32)
            .map(|k| {
                let node = NodeId((first + k * 2) % NODES);
                let position = skus
                    .iter()
                    .map(|&sku| {
                        let atp: Units = rng.random_range(0..5);
                        (atp > 0).then(|| {
                            *index.entry((node, sku)).or_insert_with(|| {
                                instance.positions.push((node, sku, atp));
                                instance.positions.len() - 1
                            })
                        })
                    })
                    .collect();
                Candidate {
                    node,
                    fixed: 9.0 + f64::from(k) * 0.3 + rng.random::<f64>(),
                    per_unit: (0..lines).map(|_| 0.5 + rng.random::<f64>() * 2.0).collect(),
                    position,
                }
            })
            .collect();
        instance.orders.push(BatchOrder { units, candidates });
    }
    instance.capacity = (0..NODES).map(|n| (NodeId(n), 12)).collect();
    instance
}

/// 60 orders of one to four lines (60/25/10/5%), each with both DCs (30 to 60 units of
/// every SKU, ample capacity) and three of 60 stores (0 to 3 units, 150 parcels a day, a
/// few nearly full) as candidates; costs as on the US rate card: DC parcels 1.25 + 8 to
/// 12, store parcels 2.50 + 8 to 10, picks 0.35 (DC) and 1.10 (store) plus 0.5 to 1 a
/// unit of weight.
fn regional_batch() -> BatchInstance {
    const STORES: u32 = 60;
    const REGIONAL_SKUS: u32 = 3000;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let mut instance = BatchInstance::default();
    let mut index = std::collections::HashMap::new();
    for _ in 0..60 {
        let lines = match rng.random_range(0..100) {
            0..60 => 1,
            60..85 => 2,
            85..95 => 3,
            _ => 4,
        };
        let skus: Vec<SkuId> =
            (0..lines).map(|_| SkuId(rng.random_range(0..REGIONAL_SKUS))).collect();
        let units: Vec<Units> =
            (0..lines).map(|_| if rng.random_range(0..10) < 9 { 1 } else { 2 }).collect();
        let mut nodes = vec![NodeId(0), NodeId(1)];
        while nodes.len() < 5 {
            let store = NodeId(2 + rng.random_range(0..STORES));
            if !nodes.contains(&store) {
                nodes.push(store);
            }
        }
        let candidates = nodes
            .into_iter()
            .map(|node| {
                let dc = node.0 < 2;
                let position = skus
                    .iter()
                    .map(|&sku| {
                        let atp: Units =
                            if dc { rng.random_range(30..=60) } else { rng.random_range(0..=3) };
                        (atp > 0).then(|| {
                            *index.entry((node, sku)).or_insert_with(|| {
                                instance.positions.push((node, sku, atp));
                                instance.positions.len() - 1
                            })
                        })
                    })
                    .collect();
                let (pack, pick, zone) = if dc {
                    (1.25, 0.35, rng.random_range(8.0..12.0))
                } else {
                    (2.50, 1.10, rng.random_range(8.0..10.0))
                };
                Candidate {
                    node,
                    fixed: pack + zone,
                    per_unit: (0..lines).map(|_| pick + rng.random_range(0.5..1.0)).collect(),
                    position,
                }
            })
            .collect();
        instance.orders.push(BatchOrder { units, candidates });
    }
    instance.capacity = (0..2 + STORES)
        .map(|n| {
            (
                NodeId(n),
                if n < 2 {
                    3000
                } else if n % 20 == 2 {
                    1
                } else {
                    60
                },
            )
        })
        .collect();
    instance
}

fn batch_bench(c: &mut Criterion) {
    let instance = batch_instance();
    let params = BatchParams { candidates: CANDIDATES, ..BatchParams::default() };
    c.bench_function("lp_batch solve+round 200 orders x 20 candidates", |b| {
        b.iter(|| {
            let lp = instance.solve(&params).expect("the bench LP solves");
            black_box(instance.round(&lp, &params))
        })
    });
    c.bench_function("lp_batch solve_whole+round 200 orders x 20 candidates", |b| {
        b.iter(|| {
            let lp = instance.solve_whole(&params).expect("the bench LP solves");
            black_box(instance.round(&lp, &params))
        })
    });

    let instance = regional_batch();
    let params = BatchParams::default();
    c.bench_function("lp_batch solve+round 60 orders x 5 candidates (regional shape)", |b| {
        b.iter(|| {
            let lp = instance.solve(&params).expect("the bench LP solves");
            black_box(instance.round(&lp, &params))
        })
    });
    c.bench_function("lp_batch solve_whole+round 60 orders x 5 candidates (regional shape)", |b| {
        b.iter(|| {
            let lp = instance.solve_whole(&params).expect("the bench LP solves");
            black_box(instance.round(&lp, &params))
        })
    });
}

fn dual_bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/fulfillment_centers.toml");
    let sc = load_scenario(&path).expect("the bundled scenario loads");
    let prep = Prepared::new(&sc).expect("prepared");
    let forecast = Forecast::new(&sc, &prep.demand_share);
    let mut ledger = Ledger::new(sc.network.len(), sc.catalog.len());
    for node in sc.network.ids() {
        for sku in sc.catalog.ids() {
            let units = prep.cover_units(node, sku, 1.0);
            ledger.receive(node, sku, units).expect("ids are in range");
        }
    }
    let capacity = CapacityBook::new(&sc.network);
    let view = NetworkView {
        network: &sc.network,
        catalog: &sc.catalog,
        ledger: &ledger,
        capacity: &capacity,
        rates: None,
        offline: &[],
        walks: None,
    };
    let params = LpDualParams::default();
    c.bench_function("lp_dual prices 5 FCs x 1000 SKUs x 51 regions", |b| {
        b.iter(|| black_box(dual_prices(&forecast, &view, &params).expect("prices")))
    });

    let one = Transport {
        supply: vec![15.0, 25.0, 10.0],
        demand: vec![5.0, 15.0, 15.0, 15.0],
        cost: vec![10.0, 2.0, 20.0, 11.0, 12.0, 7.0, 9.0, 20.0, 4.0, 14.0, 16.0, 18.0],
        penalty: 1_000.0,
    };
    c.bench_function("transport 3x4 (Taha)", |b| {
        b.iter(|| black_box(solve_transport(&one).expect("solves")))
    });
}

/// One SKU of the bound shaped like `national`'s busiest: 505 shippers, of which the five DCs
/// (the first five) hold `dc_units` each and every eighth store one to four units, `groups`
/// demand groups of one to three units, each with its own zone (of eight, by distance band)
/// from every shipper, cost = pick + per-kg zone price x 0.8 kg + the group's parcel share.
fn bound_instance(groups: usize, dc_units: f64) -> Transport {
    const SHIPPERS: usize = 505;
    let kg = [0.50, 0.60, 0.72, 0.85, 1.00, 1.12, 1.25, 1.40];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let supply: Vec<f64> = (0..SHIPPERS)
        .map(|i| match i {
            0..5 => dc_units,
            i if i % 8 == 0 => f64::from(rng.random_range(1..=4u32)),
            _ => 0.0,
        })
        .collect();
    let demand: Vec<f64> = (0..groups).map(|_| f64::from(rng.random_range(1..=3u32))).collect();
    let share: Vec<f64> =
        (0..groups).map(|_| [9.25, 4.625, 3.0833][rng.random_range(0..3)]).collect();
    let mut cost = Vec::with_capacity(SHIPPERS * groups);
    for i in 0..SHIPPERS {
        let pick = if i < 5 { 0.35 } else { 0.9 };
        cost.extend((0..groups).map(|g| pick + kg[rng.random_range(0..8usize)] * 0.8 + share[g]));
    }
    Transport { supply, demand, cost, penalty: 50.0 }
}

/// One SKU shaped like the year's largest (141,000 to 189,000 groups, held everywhere):
/// 505 shippers, the five DCs holding `dc_units` each and every eighth store one to four
/// units, `groups` demand groups over `groups / 4` price patterns (each a zone of eight per
/// shipper), a group's parcel share one of three; supply binds. Costs come from a
/// per-shipper table by zone, as the bound computes them.
struct PatternedSku {
    supply: Vec<f64>,
    demand: Vec<f64>,
    pattern: Vec<u32>,
    zones: Vec<u8>,
    share: Vec<f64>,
    unit_cost: Vec<f64>,
}

impl PatternedSku {
    const SHIPPERS: usize = 505;

    fn new(groups: usize, dc_units: f64) -> Self {
        let kg = [0.50, 0.60, 0.72, 0.85, 1.00, 1.12, 1.25, 1.40];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
        let supply: Vec<f64> = (0..Self::SHIPPERS)
            .map(|i| match i {
                0..5 => dc_units,
                i if i % 8 == 0 => f64::from(rng.random_range(1..=4u32)),
                _ => 0.0,
            })
            .collect();
        let patterns = (groups / 4).max(1);
        let zones: Vec<u8> =
            (0..patterns * Self::SHIPPERS).map(|_| rng.random_range(0..8u8)).collect();
        let mut pattern: Vec<u32> =
            (0..groups).map(|_| rng.random_range(0..patterns as u32)).collect();
        pattern.sort_unstable();
        let demand = (0..groups).map(|_| f64::from(rng.random_range(1..=3u32))).collect();
        let share = (0..groups).map(|_| [9.25, 4.625, 3.0833][rng.random_range(0..3)]).collect();
        let unit_cost = (0..Self::SHIPPERS)
            .flat_map(|i| {
                let pick = if i < 5 { 0.35 } else { 0.9 };
                kg.map(|kg| pick + kg * 0.8)
            })
            .collect();
        PatternedSku { supply, demand, pattern, zones, share, unit_cost }
    }

    /// Groups of one pattern as one class, offset by their share (as the bound gives them).
    fn classes(&self) -> Classes {
        Classes { class: self.pattern.clone(), offset: self.share.clone() }
    }

    /// Cost per unit from shipper `i` to group `j`.
    fn cost(&self, i: usize, j: usize) -> f64 {
        let zone = self.zones[self.pattern[j] as usize * Self::SHIPPERS + i];
        self.unit_cost[i * 8 + usize::from(zone)] + self.share[j]
    }
}

fn bound_bench(c: &mut Criterion) {
    let repair = |p: &Transport| {
        let n = p.demand.len();
        let cost = |i, j| p.cost[i * n + j];
        solve_by_repair(&p.supply, &p.demand, p.penalty, &Classes::none(n), cost)
            .expect("solves")
            .cost
    };
    let small = bound_instance(300, 60.0);
    c.bench_function("bound SKU 505 x 300 groups, repair", |b| {
        b.iter(|| black_box(repair(&small)))
    });
    c.bench_function("bound SKU 505 x 300 groups, successive shortest paths", |b| {
        b.iter(|| black_box(solve_transport(&small).expect("solves").cost))
    });
    let large = bound_instance(5_000, 1_500.0);
    c.bench_function("bound SKU 505 x 5000 groups, repair", |b| {
        b.iter(|| black_box(repair(&large)))
    });
    let largest = PatternedSku::new(50_000, 12_000.0);
    let classes = largest.classes();
    c.bench_function("bound SKU 505 x 50000 groups over 12500 patterns, repair", |b| {
        b.iter(|| {
            let cost = |i, j| largest.cost(i, j);
            let solved = solve_by_repair(&largest.supply, &largest.demand, 50.0, &classes, cost);
            black_box(solved.expect("solves").cost)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots().measurement_time(Duration::from_secs(5)).sample_size(20);
    targets = batch_bench, dual_bench, bound_bench
}
criterion_main!(benches);
