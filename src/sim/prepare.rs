//! What a scenario needs before any replication runs, computed once and shared read-only by
//! every replication and policy: sampling tables for demand, the pickup store and return
//! points of each demand region, each node's share of demand, store assortments, initial
//! stock targets and replenishment sources.
//!
//! Everything here is a property of the scenario (derived from its seed, never from a
//! replication's), so every policy and replication starts from the same network.

use std::sync::Arc;

use rand::RngExt;
use rand_distr::weighted::WeightedAliasIndex;

use super::luck::{Purpose, stream};
use crate::ids::{NodeId, SkuId, Units};
use crate::network::{Capability, GeoPoint, NodeKind, nearest_node};
use crate::optimize::Forecast;
use crate::orders::Channel;
use crate::routing::{DemandRates, RegionWalks, RuleStack};
use crate::scenario::{PolicyConfig, Scenario};

/// Why a scenario cannot be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// A weight table had no positive weight (no population, no popular SKU, no stores).
    #[error("cannot sample {what}: {detail}")]
    Weights {
        /// What was being sampled.
        what: &'static str,
        /// The sampler's complaint.
        detail: String,
    },
}

/// Stores and a sampler over them.
pub type StoreTable = (Vec<NodeId>, WeightedAliasIndex<f64>);

/// Scenario-level tables shared by all replications.
#[derive(Debug)]
pub struct Prepared {
    /// Demand regions (cities) by population.
    pub cities: WeightedAliasIndex<f64>,
    /// SKUs by popularity.
    pub skus: WeightedAliasIndex<f64>,
    /// Lines per basket (index k = k+1 lines).
    pub basket_lines: WeightedAliasIndex<f64>,
    /// Units per line (index k = k+1 units).
    pub line_units: WeightedAliasIndex<f64>,
    /// Stores walk-in shoppers visit, by the population around them (`None` without stores).
    pub walk_in_stores: Option<StoreTable>,
    /// The pickup store of each region, if one is within the pickup radius.
    pub pickup_store: Vec<Option<NodeId>>,
    /// The nearest store accepting returns, per region.
    pub return_store: Vec<Option<NodeId>>,
    /// The nearest DC accepting returns, per region.
    pub return_dc: Vec<Option<NodeId>>,
    /// The DC (with a lane to it) that replenishes each store, per node (`None` for others).
    pub source_dc: Vec<Option<NodeId>>,
    /// SKUs each node carries, sorted (DCs carry the whole catalog).
    pub assortment: Vec<Vec<SkuId>>,
    /// The same assortments as one bit per (node, SKU), for the membership test of every
    /// walk-in draw: one load instead of a binary search over thousands of SKUs, which was
    /// most of the demand draw's time on `national` (cache misses in 6 MB of lists).
    carried: Vec<u64>,
    /// 64-bit words per node in `carried`.
    carried_words: usize,
    /// Expected units per day of each SKU at each node, per stocking position, as
    /// `demand_share[node] * sku_units_per_day[sku]`.
    pub demand_share: Vec<f64>,
    /// Expected units per day of each SKU over all channels.
    pub sku_units_per_day: Vec<f64>,
    /// Share of demand each DC must replenish for: its own plus the stores it supplies.
    pub replenish_share: Vec<f64>,
    /// Demand rates for days-of-cover sort keys.
    pub rates: DemandRates,
    /// Demand by region and SKU, which `lp_dual` prices inventory against.
    pub forecast: Arc<Forecast>,
    /// Each region's nodes in the order the scenario's distance-ranked stacks visit them.
    pub walks: Arc<RegionWalks>,
}

impl Prepared {
    /// Builds the tables for `scenario`.
    pub fn new(scenario: &Scenario) -> Result<Prepared, PrepareError> {
        let d = &scenario.demand;
        let cities = alias("demand regions", scenario.cities.weights())?;
        let popularity: Vec<f64> = scenario.catalog.skus().iter().map(|s| s.popularity).collect();
        let skus = alias("SKUs", popularity.clone())?;
        let basket_lines = alias("basket sizes", d.basket_lines.clone())?;
        let line_units = alias("units per line", d.line_units.clone())?;

        let regions: Vec<GeoPoint> = scenario.cities.cities.iter().map(|c| c.location).collect();
        let pickup_store =
            nearest_per_region(scenario, &regions, Capability::Pickup, NodeKind::Store)
                .into_iter()
                .map(|n| n.filter(|(_, miles)| *miles <= d.pickup_radius_miles).map(|(id, _)| id))
                .collect();
        let return_store =
            nearest_per_region(scenario, &regions, Capability::AcceptReturns, NodeKind::Store)
                .into_iter()
                .map(|n| n.map(|(id, _)| id))
                .collect();
        let return_dc =
            nearest_per_region(scenario, &regions, Capability::AcceptReturns, NodeKind::Dc)
                .into_iter()
                .map(|n| n.map(|(id, _)| id))
                .collect();

        let demand_share = demand_shares(scenario, &regions);
        let walk_in_stores = walk_in_table(scenario, &demand_share)?;
        let total_popularity: f64 = popularity.iter().sum();
        let units_per_order = d.mean_lines() * d.mean_units();
        let orders_per_day: f64 = Channel::ALL.iter().map(|&c| d.rate(c)).sum();
        let sku_units_per_day: Vec<f64> = popularity
            .iter()
            .map(|p| orders_per_day * units_per_order * p / total_popularity)
            .collect();

        let assortment = assortments(scenario, &popularity);
        let carried_words = scenario.catalog.len().div_ceil(64);
        let mut carried = vec![0u64; carried_words * assortment.len()];
        for (node, skus) in assortment.iter().enumerate() {
            for sku in skus {
                carried[node * carried_words + sku.index() / 64] |= 1 << (sku.index() % 64);
            }
        }
        let source_dc = source_dcs(scenario);
        let mut replenish_share = demand_share.clone();
        for (store, dc) in source_dc.iter().enumerate() {
            if let Some(dc) = dc {
                replenish_share[dc.index()] += demand_share[store];
            }
        }
        let rates = DemandRates {
            sku_per_day: sku_units_per_day.clone(),
            node_share: demand_share.clone(),
        };
        let forecast = Arc::new(Forecast::new(scenario, &demand_share));
        let walks = Arc::new(region_walks(scenario, &regions));
        Ok(Prepared {
            walks,
            forecast,
            cities,
            skus,
            basket_lines,
            line_units,
            walk_in_stores,
            pickup_store,
            return_store,
            return_dc,
            source_dc,
            assortment,
            carried,
            carried_words,
            demand_share,
            sku_units_per_day,
            replenish_share,
            rates,
        })
    }

    /// Whether `node` carries `sku` (is `sku` in its assortment).
    #[inline]
    pub fn carries(&self, node: NodeId, sku: SkuId) -> bool {
        let word = self.carried[node.index() * self.carried_words + sku.index() / 64];
        word & (1 << (sku.index() % 64)) != 0
    }

    /// Expected units per day of `sku` drawn on `node`.
    pub fn daily_units(&self, node: NodeId, sku: SkuId) -> f64 {
        self.demand_share[node.index()] * self.sku_units_per_day[sku.index()]
    }

    /// Expected units per day of `sku` that `node` must be replenished for (for a DC, its
    /// stores' demand too).
    pub fn replenish_units(&self, node: NodeId, sku: SkuId) -> f64 {
        self.replenish_share[node.index()] * self.sku_units_per_day[sku.index()]
    }

    /// The stock of `sku` at `node` for `weeks` of the demand it is replenished for (at
    /// least one unit where the node carries the SKU at all, none for zero weeks).
    pub fn cover_units(&self, node: NodeId, sku: SkuId, weeks: f64) -> Units {
        if weeks <= 0.0 {
            return 0;
        }
        let units = (self.replenish_units(node, sku) * 7.0 * weeks).round();
        units.clamp(1.0, f64::from(u32::MAX / 4)) as Units
    }
}

/// The walks every rule stack of the scenario (fallbacks included) can use.
fn region_walks(scenario: &Scenario, regions: &[GeoPoint]) -> RegionWalks {
    let sorts = scenario
        .policies
        .iter()
        .filter_map(|p| match p {
            PolicyConfig::RuleStack(stack) => Some(stack),
            _ => None,
        })
        .flat_map(RuleStack::chain)
        .map(|stack| stack.sort.as_slice());
    RegionWalks::new(&scenario.network, regions, sorts)
}

fn alias(what: &'static str, weights: Vec<f64>) -> Result<WeightedAliasIndex<f64>, PrepareError> {
    WeightedAliasIndex::new(weights)
        .map_err(|e| PrepareError::Weights { what, detail: e.to_string() })
}

/// For each region, the nearest node of `kind` that runs `capability`, with its distance.
fn nearest_per_region(
    scenario: &Scenario,
    regions: &[GeoPoint],
    capability: Capability,
    kind: NodeKind,
) -> Vec<Option<(NodeId, f64)>> {
    regions
        .iter()
        .map(|&p| nearest_node(&scenario.network, p, |n| n.kind == kind && n.can(capability)))
        .collect()
}

/// Each fulfilling node's share of demand: every region's population goes to its nearest
/// store (when one is within the pickup radius) for the store-bound channels, and to its
/// nearest DC for the ship-to-home channels, weighted by the channels' rates.
fn demand_shares(scenario: &Scenario, regions: &[GeoPoint]) -> Vec<f64> {
    let d = &scenario.demand;
    let net = &scenario.network;
    let store_rate = d.rate(Channel::Bopis) + d.rate(Channel::WalkIn);
    let ship_rate = d.rate(Channel::Web) + d.rate(Channel::Marketplace);
    let total_rate = (store_rate + ship_rate).max(f64::MIN_POSITIVE);
    let total_pop = scenario.cities.total_population().max(1) as f64;

    let mut share = vec![0.0; net.len()];
    for (city, &p) in scenario.cities.cities.iter().zip(regions) {
        let pop = city.population as f64 / total_pop;
        let store = nearest_node(net, p, |n| n.kind == NodeKind::Store)
            .filter(|(_, miles)| *miles <= d.pickup_radius_miles.max(d.customer_spread_miles));
        let dc = nearest_node(net, p, |n| n.kind == NodeKind::Dc && n.can(Capability::ShipFromDc));
        let ship_home = match dc {
            Some((dc, _)) => {
                share[dc.index()] += pop * ship_rate / total_rate;
                0.0
            }
            None => ship_rate,
        };
        if let Some((store, _)) = store {
            share[store.index()] += pop * (store_rate + ship_home) / total_rate;
        }
    }
    share
}

/// Walk-in shoppers go to stores in proportion to their demand share.
fn walk_in_table(scenario: &Scenario, share: &[f64]) -> Result<Option<StoreTable>, PrepareError> {
    let stores: Vec<NodeId> = scenario
        .network
        .ids()
        .filter(|&id| scenario.network.node(id).kind == NodeKind::Store)
        .collect();
    if stores.is_empty() {
        return Ok(None);
    }
    // A store no region is nearest to still sees a trickle of shoppers.
    let weights: Vec<f64> = stores.iter().map(|s| share[s.index()] + 1e-6).collect();
    Ok(Some((stores, alias("walk-in stores", weights)?)))
}

/// The SKUs each node carries: DCs carry everything; each store carries
/// `store_assortment_share` of the catalog, half of it the most popular SKUs and half drawn
/// at random (by popularity) from the rest, so stores differ as real assortments do.
fn assortments(scenario: &Scenario, popularity: &[f64]) -> Vec<Vec<SkuId>> {
    let n_skus = scenario.catalog.len();
    let mut by_popularity: Vec<usize> = (0..n_skus).collect();
    by_popularity.sort_by(|&a, &b| popularity[b].total_cmp(&popularity[a]).then(a.cmp(&b)));
    let carried = ((scenario.inventory.store_assortment_share * n_skus as f64).ceil() as usize)
        .clamp(1, n_skus.max(1));
    let core = carried.div_ceil(2);

    scenario
        .network
        .ids()
        .map(|id| match scenario.network.node(id).kind {
            NodeKind::Dc => scenario.catalog.ids().collect(),
            NodeKind::Vendor => Vec::new(),
            NodeKind::Store => {
                let mut rng = stream(scenario.seed, Purpose::Stock, u64::from(id.0));
                let mut pick: Vec<usize> = by_popularity[..core.min(n_skus)].to_vec();
                let rest = &by_popularity[core.min(n_skus)..];
                let mut keys: Vec<(f64, usize)> = rest
                    .iter()
                    .map(|&s| {
                        // Efraimidis-Spirakis keys: weighted sampling without replacement.
                        let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
                        (u.ln() / popularity[s].max(1e-12), s)
                    })
                    .collect();
                keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                pick.extend(keys.iter().take(carried - core.min(carried)).map(|&(_, s)| s));
                let mut skus: Vec<SkuId> = pick.into_iter().map(SkuId::from_index).collect();
                skus.sort();
                skus
            }
        })
        .collect()
}

/// The DC that replenishes each store: the one with the cheapest lane path to it.
fn source_dcs(scenario: &Scenario) -> Vec<Option<NodeId>> {
    let net = &scenario.network;
    let dcs: Vec<NodeId> = net.ids().filter(|&id| net.node(id).kind == NodeKind::Dc).collect();
    net.ids()
        .map(|id| {
            if net.node(id).kind != NodeKind::Store {
                return None;
            }
            dcs.iter()
                .filter_map(|&dc| net.lanes.transfer(dc, id).map(|(cost, _)| (dc, cost)))
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .map(|(dc, _)| dc)
        })
        .collect()
}

/// A customer's home: a point drawn uniformly in a disc of `radius` miles around `center`.
pub fn scatter(center: GeoPoint, radius: f64, u1: f64, u2: f64) -> GeoPoint {
    let r = radius * u1.sqrt();
    let theta = std::f64::consts::TAU * u2;
    let miles_per_degree = 69.0;
    let lat = (center.lat + r * theta.cos() / miles_per_degree).clamp(-89.9, 89.9);
    let cos_lat = center.lat.to_radians().cos().max(0.01);
    let lon = center.lon + r * theta.sin() / (miles_per_degree * cos_lat);
    GeoPoint { lat, lon: ((lon + 540.0) % 360.0) - 180.0 }
}

/// Distance check used in tests: a scattered point stays within the radius (plus rounding).
#[cfg(test)]
fn within(center: GeoPoint, p: GeoPoint, radius: f64) -> bool {
    crate::network::great_circle_miles(center, p) <= radius * 1.02 + 0.01
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scattered_customers_stay_near_their_city() {
        let c = GeoPoint { lat: 41.85, lon: -87.65 };
        for i in 0..100 {
            let p = scatter(c, 15.0, i as f64 / 100.0, (i * 37 % 100) as f64 / 100.0);
            assert!(within(c, p, 15.0), "{p:?}");
        }
    }
}
