//! The M/M/c model the speed benches and the SimPy peer run share: one DC with `c` pickers,
//! exponential picks, Poisson single-line web orders and stock that never runs out, built in
//! code as a [`Scenario`] so it runs through the lab's own engine and processes (arrival,
//! routing, reservation, picking queue, carrier, delivery, KPI tally) via
//! `omnilab::sim::run_replication`, not through a separate loop.
//!
//! Owns [`MmcParams`] and [`mmc_scenario`]; reads no files. Shared by `benches/simulate.rs`
//! and `examples/mmc.rs` through `#[path]`.

use omnilab::catalog::{Catalog, Sku};
use omnilab::ids::{NodeId, SkuId};
use omnilab::network::{
    CityTable, GeoPoint, Lanes, Network, Node, NodeKind, OpeningHours, PickTime, RateCard,
    great_circle_miles,
};
use omnilab::orders::Channel;
use omnilab::routing::presets;
use omnilab::scenario::{
    ChannelDemand, DemandConfig, ExecutionConfig, InventoryConfig, PolicyConfig, ReturnsConfig,
    Scenario, SupplyConfig, SupportConfig,
};

/// The parameters of the peer comparison: c = 3, exponential picks of mean 10 minutes,
/// arrivals at 80% of capacity.
#[derive(Clone, Copy, Debug)]
pub struct MmcParams {
    /// Pickers working in parallel.
    pub pickers: u32,
    /// Mean pick time in minutes.
    pub mean_minutes: f64,
    /// Arrival rate as a share of capacity (`c / mean`).
    pub load: f64,
    /// Days of arrivals.
    pub days: u32,
}

impl MmcParams {
    /// The peer comparison's model over `days` days of arrivals.
    pub fn peer(days: u32) -> MmcParams {
        MmcParams { pickers: 3, mean_minutes: 10.0, load: 0.8, days }
    }

    /// Arrivals per day.
    pub fn per_day(&self) -> f64 {
        self.load * f64::from(self.pickers) * 24.0 * 60.0 / self.mean_minutes
    }
}

/// The M/M/c scenario: one always-open DC near Chicago, one SKU with ten million units, web
/// orders of one unit of one line, no returns, no replenishment, no shrink, no failed picks.
pub fn mmc_scenario(params: MmcParams) -> Scenario {
    let location = GeoPoint::new(41.52, -88.08);
    let network =
        Network::new(vec![mmc_node(params, location)], RateCard::us_default(), Lanes::new(1))
            .expect("one node and no lanes is a valid network");
    let sku = Sku {
        name: "SKU".to_string(),
        price: 40.0,
        unit_cost: 18.0,
        weight_kg: 0.5,
        category: 0,
        season_end_day: None,
        clearance_price: 12.0,
        popularity: 1.0,
    };
    let mut demand = DemandConfig::default();
    demand.channels[Channel::Web.index()] =
        ChannelDemand { rate_per_day: params.per_day(), promise_days: None };
    let mut cities = CityTable::bundled();
    cities.cities.retain(|c| great_circle_miles(c.location, location) < 150.0);

    Scenario {
        name: "mmc".to_string(),
        description: "M/M/c: one DC, c pickers, exponential picks, unlimited stock".to_string(),
        seed: 7,
        horizon_days: params.days,
        warmup_days: 0,
        replications: 1,
        start_weekday: 0,
        network,
        catalog: Catalog::new(vec![sku], vec!["general".to_string()]),
        cities,
        demand,
        inventory: InventoryConfig {
            dc_weeks_of_cover: 0.0,
            explicit: vec![(NodeId(0), SkuId(0), 10_000_000)],
            ..InventoryConfig::default()
        },
        execution: ExecutionConfig::default(),
        returns: ReturnsConfig { rate: [0.0; 4], ..ReturnsConfig::default() },
        supply: SupplyConfig { enabled: false, ..SupplyConfig::default() },
        support: SupportConfig::default(),
        policies: vec![PolicyConfig::RuleStack(
            presets::preset("nearest", "nearest").expect("nearest is a preset"),
        )],
        baseline: 0,
        bound: omnilab::scenario::BoundConfig::default(),
        disruptions: Vec::new(),
    }
}

/// The DC: `c` pickers, exponential picks, open around the clock, no cap on orders a day.
fn mmc_node(params: MmcParams, location: GeoPoint) -> Node {
    let mut dc = Node::new("DC", NodeKind::Dc, location);
    dc.hours = OpeningHours::always();
    dc.pickers = params.pickers;
    dc.pick_time = PickTime::Exponential { mean_seconds: params.mean_minutes * 60.0 };
    dc.pick_failure_rate = 0.0;
    dc.capacity_per_day = 1_000_000;
    dc
}
