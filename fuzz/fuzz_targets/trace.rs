//! Fuzz target: trace files from arbitrary bytes, read both ways. Validation and streaming
//! must agree: a trace that validates streams every order it counted and then ends, and a
//! stream never yields an order out of time order. Neither may panic or hang.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use omnilab::catalog::{Catalog, Sku};
use omnilab::network::{Capability, CityTable, GeoPoint, Lanes, Network, Node, NodeKind, RateCard};
use omnilab::trace::{TraceContext, TraceReader, validate};

/// What the traces are resolved against: SKUs `tee`, `mug`, `lamp`; nodes `dc-east`,
/// `store-nyc`, `store-nopickup` (a store without pickup) and `acme` (a vendor).
struct World {
    catalog: Catalog,
    network: Network,
    cities: CityTable,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
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
        let network = Network::new(nodes, RateCard::us_default(), Lanes::default())
            .expect("a valid fuzz network");
        World { catalog, network, cities: CityTable::bundled() }
    })
}

/// One file per fuzzing process, rewritten for every input.
fn trace_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("omnilab-fuzz-trace-{}.csv", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let world = world();
    let path = trace_path();
    std::fs::write(path, data).expect("the temporary folder is writable");
    let start = if data.first().is_some_and(|b| b % 2 == 0) { Some(1_767_571_200) } else { None };
    let ctx = TraceContext {
        catalog: &world.catalog,
        network: &world.network,
        cities: &world.cities,
        start,
    };

    let validated = validate(path, &ctx);
    let Ok(mut reader) = TraceReader::open(path, &ctx) else {
        assert!(validated.is_err(), "a trace that validates opens");
        return;
    };
    let mut streamed = 0u64;
    let mut last = None;
    let ended = loop {
        match reader.next_order() {
            Ok(Some(order)) => {
                assert!(last.is_none_or(|t| t <= order.time), "orders come in time order");
                assert!(!order.lines.is_empty(), "an order has lines");
                last = Some(order.time);
                streamed += 1;
            }
            Ok(None) => break true,
            Err(_) => break false,
        }
    };
    match validated {
        Ok(summary) => {
            assert!(ended, "a trace that validates streams to its end");
            assert_eq!(summary.orders, streamed, "validation counts the orders the stream yields");
        }
        Err(_) => assert!(!ended, "a stream stops where validation finds an issue"),
    }
});
