//! The fuzzing regression corpus, replayed in every `cargo test`: each file under
//! `tests/fixtures/fuzz/<target>/` goes through the same checks as the fuzz target of that
//! name in `fuzz/fuzz_targets/` (scenario text through parsing, validation, resolution and
//! the resource estimate; trace files read by validation and by the streaming reader, which
//! must agree; city tables read and used). Crashing inputs the fuzzers find are added here
//! once fixed, beside edge cases written by hand; see `tests/fixtures/fuzz/README.md`.
//!
//! Unlike the other modules this one calls the library directly, as the fuzz targets do.

use std::path::{Path, PathBuf};

use omnilab::catalog::{Catalog, Sku};
use omnilab::network::{
    Capability, CityTable, GeoPoint, Lanes, Network, Node, NodeKind, Placement, RateCard,
};
use omnilab::scenario::{parse_str, resolve};
use omnilab::trace::{TraceContext, TraceReader, validate};

use super::repository;

/// The files of the regression corpus of `target`, sorted.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = repository().join("tests/fixtures/fuzz").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus folder exists")
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} has inputs", dir.display());
    files
}

#[test]
fn scenario_inputs_load_or_fail_cleanly() {
    let path = Path::new("/nonexistent/omnilab-fuzz/scenario.toml");
    for file in corpus("scenario") {
        let bytes = std::fs::read(&file).expect("readable");
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        let Ok(parsed) = parse_str(text, path) else { continue };
        let Ok(scenario) = resolve(&parsed, path) else { continue };
        let estimate = omnilab::guard::estimate(&scenario, scenario.replications, 1, 2);
        assert!(estimate.memory_bytes > 0, "{}", file.display());
    }
}

/// The catalog and network the trace fuzz target resolves against: SKUs `tee`, `mug`,
/// `lamp`; nodes `dc-east`, `store-nyc`, `store-nopickup` and the vendor `acme`.
fn trace_world() -> (Catalog, Network, CityTable) {
    let sku = |name: &str| Sku {
        name: name.into(),
        price: 20.0,
        unit_cost: 8.0,
        weight_kg: 0.5,
        category: 0,
        season_end_day: None,
        clearance_price: 5.0,
        popularity: 1.0,
    };
    let catalog = Catalog::new(vec![sku("tee"), sku("mug"), sku("lamp")], vec!["general".into()]);
    let mut no_pickup = Node::new("store-nopickup", NodeKind::Store, GeoPoint::new(40.0, -75.0));
    no_pickup.capabilities.remove(Capability::Pickup);
    let nodes = vec![
        Node::new("dc-east", NodeKind::Dc, GeoPoint::new(40.0, -75.0)),
        Node::new("store-nyc", NodeKind::Store, GeoPoint::new(40.71, -74.0)),
        no_pickup,
        Node::new("acme", NodeKind::Vendor, GeoPoint::new(35.0, -80.0)),
    ];
    let network =
        Network::new(nodes, RateCard::us_default(), Lanes::default()).expect("a valid network");
    (catalog, network, CityTable::bundled())
}

#[test]
fn trace_inputs_validate_and_stream_alike() {
    let (catalog, network, cities) = trace_world();
    for file in corpus("trace") {
        for start in [None, Some(1_767_571_200)] {
            let ctx = TraceContext { catalog: &catalog, network: &network, cities: &cities, start };
            let validated = validate(&file, &ctx);
            let Ok(mut reader) = TraceReader::open(&file, &ctx) else {
                assert!(validated.is_err(), "{} opens if it validates", file.display());
                continue;
            };
            let mut streamed = 0u64;
            let ended = loop {
                match reader.next_order() {
                    Ok(Some(_)) => streamed += 1,
                    Ok(None) => break true,
                    Err(_) => break false,
                }
            };
            match validated {
                Ok(summary) => {
                    assert!(ended, "{} streams to its end", file.display());
                    assert_eq!(summary.orders, streamed, "{}", file.display());
                }
                Err(_) => assert!(!ended, "{} stops where validation fails", file.display()),
            }
        }
    }
}

#[test]
fn city_tables_load_with_valid_cities_or_fail_cleanly() {
    for file in corpus("cities") {
        let bytes = std::fs::read(&file).expect("readable");
        let Ok(table) = CityTable::from_reader(bytes.as_slice(), "fuzz.csv") else { continue };
        for city in &table.cities {
            assert!(city.location.lat.abs() <= 90.0 && city.location.lon.abs() <= 180.0);
            assert!(city.population > 0);
        }
        let placed = table.place(table.len(), Placement::Sampled { seed: 7 }).expect("fits");
        assert_eq!(placed.len(), table.len());
        assert!(table.population_index().total() >= table.len() as u64);
        assert!(table.nearest(GeoPoint::new(40.0, -74.0)) < table.len());
    }
}

#[test]
fn a_population_sum_that_would_overflow_is_refused() {
    let file = repository().join("tests/fixtures/fuzz/cities/population_overflow.csv");
    let bytes = std::fs::read(file).expect("readable");
    let error = CityTable::from_reader(bytes.as_slice(), "t.csv").expect_err("refused");
    assert!(error.to_string().contains("(the limit)"), "{error}");
}
