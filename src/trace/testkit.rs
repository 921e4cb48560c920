//! Fixtures for the trace tests: a small catalog and network, and trace files written to a
//! temporary directory. Compiled only for tests.

use std::path::PathBuf;

use crate::catalog::{Catalog, Sku};
use crate::network::{Capability, CityTable, GeoPoint, Lanes, Network, Node, NodeKind, RateCard};

use super::TraceContext;

/// The header of a full trace.
pub const HEADER: &str = "order_id,time,channel,customer_lat,customer_lon,sku,units,store\n";

/// 2026-01-05T00:00:00Z in seconds since the Unix epoch.
pub const JAN_5_2026: i64 = 1_767_571_200;

/// SKUs `tee` (0), `mug` (1) and `lamp` (2).
pub fn catalog() -> Catalog {
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
    Catalog::new(vec![sku("tee"), sku("mug"), sku("lamp")], vec!["general".into()])
}

/// `dc-east` (0), `store-nyc` (1), `store-nopickup` (2, a store without pickup), `acme` (3,
/// a vendor).
pub fn network() -> Network {
    let mut no_pickup = Node::new("store-nopickup", NodeKind::Store, GeoPoint::new(40.0, -75.0));
    no_pickup.capabilities.remove(Capability::Pickup);
    let nodes = vec![
        Node::new("dc-east", NodeKind::Dc, GeoPoint::new(40.0, -75.0)),
        Node::new("store-nyc", NodeKind::Store, GeoPoint::new(40.71, -74.0)),
        no_pickup,
        Node::new("acme", NodeKind::Vendor, GeoPoint::new(35.0, -80.0)),
    ];
    Network::new(nodes, RateCard::us_default(), Lanes::default()).expect("a valid test network")
}

/// Owns what a [`TraceContext`] borrows, and the directory the trace files go in.
pub struct World {
    pub catalog: Catalog,
    pub network: Network,
    pub cities: CityTable,
    pub dir: tempfile::TempDir,
}

impl World {
    pub fn new() -> World {
        World {
            catalog: catalog(),
            network: network(),
            cities: CityTable::bundled(),
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// A context anchored at `start`.
    pub fn ctx(&self, start: Option<i64>) -> TraceContext<'_> {
        TraceContext { catalog: &self.catalog, network: &self.network, cities: &self.cities, start }
    }

    /// Writes `bytes` to a file named `name` in the directory.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("the temporary directory is writable");
        path
    }
}
