//! [`Forecast`]: the expected ship-to-home demand by region and SKU, and the store-channel
//! demand each store must keep stock for, which the `lp_dual` policy prices inventory
//! against.
//!
//! Regions aggregate the scenario's demand regions (the cities customers are placed around)
//! by state, at the population-weighted centroid, so a national table of about a thousand
//! cities becomes about fifty demand points. Rates are the channels' base rates (web and
//! marketplace for ship-to-home; BOPIS and walk-in for stores) times mean basket size and
//! units per line, split by SKU popularity; day-of-week, hour and promotion profiles are
//! left out (they average out over a multi-day window). No I/O, no randomness.

use std::collections::HashMap;

use crate::ids::{NodeId, SkuId};
use crate::network::{GeoPoint, NodeKind};
use crate::orders::Channel;
use crate::scenario::Scenario;

/// Expected demand, per day, in units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Forecast {
    /// Demand points (state centroids).
    pub regions: Vec<GeoPoint>,
    /// Ship-to-home units per day drawn from each region, over all SKUs.
    pub region_units_per_day: Vec<f64>,
    /// Each SKU's share of units (popularity), summing to one.
    pub sku_share: Vec<f64>,
    /// Store-channel (BOPIS and walk-in) units per day each node serves, over all SKUs
    /// (zero for DCs and vendors).
    pub store_units_per_day: Vec<f64>,
    /// The region (index into `regions`) of each city of the scenario's city table.
    pub region_of_city: Vec<u32>,
}

impl Forecast {
    /// A forecast with no demand at all: every price it yields is zero.
    pub fn empty() -> Self {
        Forecast::default()
    }

    /// The forecast of `scenario`, with `store_share[node]` the share of store-channel
    /// demand each node serves (the simulator's `Prepared::demand_share`).
    pub fn new(scenario: &Scenario, store_share: &[f64]) -> Self {
        let d = &scenario.demand;
        let units = d.mean_lines() * d.mean_units();
        let ship = (d.rate(Channel::Web) + d.rate(Channel::Marketplace)) * units;
        let store = (d.rate(Channel::Bopis) + d.rate(Channel::WalkIn)) * units;
        let (regions, weights, region_of_city) = states(scenario);
        let popularity: Vec<f64> = scenario.catalog.skus().iter().map(|s| s.popularity).collect();
        let total: f64 = popularity.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let store_total: f64 = scenario
            .network
            .ids()
            .filter(|&n| scenario.network.node(n).kind == NodeKind::Store)
            .map(|n| store_share.get(n.index()).copied().unwrap_or(0.0))
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        let store_units_per_day = scenario
            .network
            .ids()
            .map(|n| match scenario.network.node(n).kind {
                NodeKind::Store => {
                    store * store_share.get(n.index()).copied().unwrap_or(0.0) / store_total
                }
                _ => 0.0,
            })
            .collect();
        Forecast {
            regions,
            region_units_per_day: weights.iter().map(|w| w * ship).collect(),
            sku_share: popularity.iter().map(|p| p / total).collect(),
            store_units_per_day,
            region_of_city,
        }
    }

    /// Ship-to-home units of `sku` expected from region `region` per day.
    pub fn region_rate(&self, region: usize, sku: SkuId) -> f64 {
        self.region_units_per_day[region] * self.sku_share.get(sku.index()).copied().unwrap_or(0.0)
    }

    /// Store-channel units of `sku` expected at `node` per day.
    pub fn store_rate(&self, node: NodeId, sku: SkuId) -> f64 {
        let share = self.sku_share.get(sku.index()).copied().unwrap_or(0.0);
        self.store_units_per_day.get(node.index()).copied().unwrap_or(0.0) * share
    }
}

/// The states of the city table: centroids, population shares, and each city's state.
fn states(scenario: &Scenario) -> (Vec<GeoPoint>, Vec<f64>, Vec<u32>) {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut sums: Vec<(f64, f64, f64)> = Vec::new();
    let mut region_of_city = Vec::with_capacity(scenario.cities.len());
    for city in &scenario.cities.cities {
        let next = sums.len();
        let r = *index.entry(city.state.as_str()).or_insert(next);
        if r == next {
            sums.push((0.0, 0.0, 0.0));
        }
        let pop = city.population as f64;
        sums[r].0 += pop * city.location.lat;
        sums[r].1 += pop * city.location.lon;
        sums[r].2 += pop;
        region_of_city.push(r as u32);
    }
    let total: f64 = sums.iter().map(|s| s.2).sum::<f64>().max(f64::MIN_POSITIVE);
    let centroids = sums
        .iter()
        .map(|&(lat, lon, pop)| GeoPoint { lat: lat / pop.max(1.0), lon: lon / pop.max(1.0) })
        .collect();
    let weights = sums.iter().map(|s| s.2 / total).collect();
    (centroids, weights, region_of_city)
}
