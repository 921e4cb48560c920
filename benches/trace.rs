//! Benchmarks of demand replay: streaming a 1,000,000-row trace through `TraceReader` (rows
//! per second, with times in seconds and in ISO 8601) and validating it, plus the
//! nearest-city lookup every order makes, against a linear scan.
//!
//! The trace is generated once into a temporary file: about 400,000 orders of one to four
//! lines over 10,000 SKUs, customers scattered around the bundled cities, a tenth of the
//! orders for pickup or walk-in at 1,000 stores. Writes nothing else but criterion's reports.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use omnilab::catalog::{Catalog, Sku};
use omnilab::network::{
    CityTable, GeoPoint, Lanes, Network, Node, NodeKind, RateCard, great_circle_miles,
};
use omnilab::trace::{TraceContext, TraceReader, validate};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const ROWS: usize = 1_000_000;
const SKUS: usize = 10_000;
const STORES: usize = 1_000;

fn catalog() -> Catalog {
    let skus = (0..SKUS)
        .map(|i| Sku {
            name: format!("SKU-{i:05}"),
            price: 20.0,
            unit_cost: 8.0,
            weight_kg: 0.5,
            category: 0,
            season_end_day: None,
            clearance_price: 5.0,
            popularity: 1.0,
        })
        .collect();
    Catalog::new(skus, vec!["general".into()])
}

/// A store at each bundled city (wrapping around the table) and two DCs.
fn network(cities: &CityTable) -> Network {
    let mut nodes = vec![
        Node::new("dc-east", NodeKind::Dc, GeoPoint::new(40.0, -75.0)),
        Node::new("dc-west", NodeKind::Dc, GeoPoint::new(36.0, -115.0)),
    ];
    for i in 0..STORES {
        let city = &cities.cities[i % cities.len()];
        nodes.push(Node::new(format!("store-{i:04}"), NodeKind::Store, city.location));
    }
    Network::new(nodes, RateCard::us_default(), Lanes::default()).expect("a valid network")
}

/// Writes a trace of at least `ROWS` rows; `iso` writes times as ISO 8601 date-times.
fn write_trace(path: &Path, cities: &CityTable, iso: bool) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut text = String::with_capacity(ROWS * 64);
    text.push_str("order_id,time,channel,customer_lat,customer_lon,sku,units,store\n");

    let (mut rows, mut order, mut time) = (0, 0u64, 0u64);
    while rows < ROWS {
        order += 1;
        time += rng.random_range(0..8);
        let city = &cities.cities[rng.random_range(0..cities.len())];
        let lat = city.location.lat + rng.random_range(-0.3..0.3);
        let lon = city.location.lon + rng.random_range(-0.3..0.3);
        let (channel, store) = match rng.random_range(0..20) {
            0 | 1 => ("bopis", format!("store-{:04}", rng.random_range(0..STORES))),
            2 => ("walk_in", format!("store-{:04}", rng.random_range(0..STORES))),
            3 | 4 => ("marketplace", String::new()),
            _ => ("web", String::new()),
        };
        let stamp = if iso { iso_time(time) } else { time.to_string() };
        for _ in 0..rng.random_range(1..=4) {
            let sku = rng.random_range(0..SKUS);
            let units = rng.random_range(1..=3);
            writeln!(
                text,
                "O{order},{stamp},{channel},{lat:.5},{lon:.5},SKU-{sku:05},{units},{store}"
            )
            .expect("writing to a String cannot fail");
            rows += 1;
        }
    }
    std::fs::write(path, text).expect("the temporary directory is writable");
}

/// `seconds` after 2026-01-05T00:00:00Z, in ISO 8601 (valid for up to 26 days).
fn iso_time(seconds: u64) -> String {
    let (day, s) = (5 + seconds / 86_400, seconds % 86_400);
    format!("2026-01-{day:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

fn bench_replay(c: &mut Criterion) {
    let cities = CityTable::bundled();
    let catalog = catalog();
    let network = network(&cities);
    let ctx = TraceContext { catalog: &catalog, network: &network, cities: &cities, start: None };
    let dir = tempfile::tempdir().expect("a temporary directory");

    let mut group = c.benchmark_group("trace");
    group.sample_size(10).measurement_time(std::time::Duration::from_secs(10));
    group.throughput(Throughput::Elements(ROWS as u64));
    for (name, iso) in [("seconds", false), ("iso8601", true)] {
        let path = dir.path().join(format!("{name}.csv"));
        write_trace(&path, &cities, iso);

        group.bench_function(format!("reader/1M_rows/{name}"), |b| {
            b.iter(|| {
                let mut reader = TraceReader::open(&path, &ctx).expect("the trace opens");
                let mut lines = 0usize;
                while let Some(order) = reader.next_order().expect("the trace is valid") {
                    lines += order.lines.len();
                }
                black_box(lines)
            })
        });
    }
    let path = dir.path().join("seconds.csv");
    group.bench_function("validate/1M_rows/seconds", |b| {
        b.iter(|| black_box(validate(&path, &ctx).expect("the trace is valid")))
    });
    group.finish();
}

fn bench_nearest_city(c: &mut Criterion) {
    let cities = CityTable::bundled();
    cities.nearest(GeoPoint::new(0.0, 0.0));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let us: Vec<GeoPoint> = (0..1024)
        .map(|_| GeoPoint::new(rng.random_range(25.0..49.0), rng.random_range(-124.0..-67.0)))
        .collect();
    let world: Vec<GeoPoint> = (0..1024)
        .map(|_| GeoPoint::new(rng.random_range(-90.0..90.0), rng.random_range(-180.0..180.0)))
        .collect();

    let mut group = c.benchmark_group("nearest_city");
    group.throughput(Throughput::Elements(1024));
    group.bench_function("grid/us_points", |b| {
        b.iter(|| us.iter().map(|&p| cities.nearest(p)).sum::<usize>())
    });
    group.bench_function("grid/world_points", |b| {
        b.iter(|| world.iter().map(|&p| cities.nearest(p)).sum::<usize>())
    });
    group.bench_function("linear_scan/us_points", |b| {
        b.iter(|| {
            us.iter()
                .map(|&p| {
                    let distances = cities
                        .cities
                        .iter()
                        .enumerate()
                        .map(|(i, city)| (great_circle_miles(p, city.location), i));
                    distances.min_by(|x, y| x.0.total_cmp(&y.0)).map_or(0, |(_, i)| i)
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

// Plots need system fonts, which build machines often lack; the numbers are what matter.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_replay, bench_nearest_city
}
criterion_main!(benches);
