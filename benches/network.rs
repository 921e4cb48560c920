//! Benchmarks of the network module at the scale the lab targets: about a thousand nodes.
//!
//! Measures great-circle distance, the nearest-node scan, cheapest lane paths on a sparse
//! random lane graph, parsing the bundled city table and sampled store placement. Reads no
//! files and writes only criterion's own reports.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use omnilab::ids::NodeId;
use omnilab::network::{
    CityTable, GeoPoint, Lane, Lanes, Network, Node, NodeKind, Placement, RateCard,
    great_circle_miles, nodes_by_distance,
};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A store in each of the 971 bundled cities plus 29 DCs at the largest ones: 1,000 nodes.
fn thousand_nodes() -> Vec<Node> {
    let cities = CityTable::bundled();
    let dcs =
        (0..29).map(|i| Node::new(format!("dc-{i}"), NodeKind::Dc, cities.cities[i].location));
    let stores = cities
        .cities
        .iter()
        .enumerate()
        .map(|(i, city)| Node::new(format!("store-{i}"), NodeKind::Store, city.location));
    dcs.chain(stores).collect()
}

/// Five random outbound lanes per node, priced by distance.
fn random_lanes(nodes: &[Node]) -> Lanes {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    let mut lanes = Lanes::new(nodes.len());
    for from in 0..nodes.len() {
        for _ in 0..5 {
            let to = rng.random_range(0..nodes.len());
            if to == from {
                continue;
            }
            let miles = great_circle_miles(nodes[from].location, nodes[to].location);
            let lane = Lane { cost_per_unit: 0.2 + miles / 1000.0, lead_time: 86_400 };
            lanes.add_lane(NodeId::from_index(from), NodeId::from_index(to), lane).unwrap();
        }
    }
    lanes
}

fn bench_network(c: &mut Criterion) {
    let nodes = thousand_nodes();
    let lanes = random_lanes(&nodes);
    let network = Network::new(nodes, RateCard::us_default(), lanes).unwrap();
    let customer = GeoPoint::new(39.74, -104.99);

    c.bench_function("great_circle_miles", |b| {
        b.iter(|| great_circle_miles(black_box(customer), black_box(GeoPoint::new(40.7, -74.0))))
    });
    c.bench_function("nodes_by_distance/1000_nodes", |b| {
        b.iter(|| nodes_by_distance(&network, black_box(customer), |n| n.kind == NodeKind::Store))
    });
    c.bench_function("cheapest_path/1000_nodes_5000_lanes", |b| {
        b.iter(|| network.lanes.cheapest_path(black_box(NodeId(0)), black_box(NodeId(999))))
    });
    c.bench_function("paths_from/1000_nodes_5000_lanes", |b| {
        b.iter(|| network.lanes.paths_from(black_box(NodeId(3))))
    });
}

fn bench_cities(c: &mut Criterion) {
    c.bench_function("city_table/bundled_parse", |b| b.iter(CityTable::bundled));

    let cities = CityTable::bundled();
    c.bench_function("city_table/place_100_sampled", |b| {
        b.iter(|| cities.place(100, Placement::Sampled { seed: black_box(7) }))
    });
}

// Plots need system fonts, which build machines often lack; the numbers are what matter.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_network, bench_cities
}
criterion_main!(benches);
