//! Fuzz target: city tables from arbitrary bytes. A table either loads, with every city at
//! valid coordinates and a positive population, or fails with an error; then placing stores
//! and finding the nearest city never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use omnilab::network::{CityTable, GeoPoint, Placement};

fuzz_target!(|data: &[u8]| {
    let Ok(table) = CityTable::from_reader(data, "fuzz.csv") else { return };
    for city in &table.cities {
        assert!(city.location.lat.is_finite() && city.location.lat.abs() <= 90.0);
        assert!(city.location.lon.is_finite() && city.location.lon.abs() <= 180.0);
        assert!(city.population > 0);
    }
    let _ = table.place(table.len(), Placement::Sampled { seed: 7 });
    let _ = table.population_index().total();
    let _ = table.nearest(GeoPoint::new(40.0, -74.0));
});
