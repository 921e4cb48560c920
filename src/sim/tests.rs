//! Process tests of the simulator on small scenarios built in code: hand-checkable queueing
//! behaviour (Erlang C, Little's law), promotions, returns, season end, determinism and the
//! conservation audit.

use super::*;
use crate::catalog::{Catalog, Sku};
use crate::network::{
    CityTable, GeoPoint, Lane, Lanes, Network, Node, NodeKind, OpeningHours, PickTime, RateCard,
};
use crate::routing::presets;
use crate::scenario::{
    ChannelDemand, DemandConfig, ExecutionConfig, InventoryConfig, PolicyConfig, ReturnsConfig,
    Scenario, SupplyConfig, SupportConfig,
};

pub(super) fn sku(name: &str, popularity: f64, season_end_day: Option<u32>) -> Sku {
    Sku {
        name: name.to_string(),
        price: 40.0,
        unit_cost: 18.0,
        weight_kg: 0.5,
        category: 0,
        season_end_day,
        clearance_price: 12.0,
        popularity,
    }
}

/// One DC near Chicago and stores in Chicago, Milwaukee and Indianapolis, with lanes from
/// the DC to every store; web, BOPIS and walk-in demand; 20 SKUs.
pub(super) fn small_scenario() -> Scenario {
    let mut dc = Node::new("DC-Joliet", NodeKind::Dc, GeoPoint::new(41.52, -88.08));
    dc.hours = OpeningHours::always();
    let stores = [
        ("S-Chicago", 41.88, -87.63),
        ("S-Milwaukee", 43.04, -87.91),
        ("S-Indianapolis", 39.77, -86.16),
    ];
    let mut nodes = vec![dc];
    for (name, lat, lon) in stores {
        nodes.push(Node::new(name, NodeKind::Store, GeoPoint::new(lat, lon)));
    }
    let mut lanes = Lanes::new(nodes.len());
    for s in 1..nodes.len() {
        let lane = Lane { cost_per_unit: 0.4, lead_time: 2 * SimTime::DAY };
        lanes
            .add_lane(crate::ids::NodeId(0), crate::ids::NodeId(s as u32), lane)
            .expect("valid lane");
    }
    let network = Network::new(nodes, RateCard::us_default(), lanes).expect("valid network");
    let skus = (0..20).map(|i| sku(&format!("SKU-{i:02}"), 1.0 / f64::from(i + 1), None)).collect();
    let catalog = Catalog::new(skus, vec!["apparel".to_string()]);
    let cities = CityTable::bundled();
    let mut demand = DemandConfig::default();
    demand.channels[Channel::Web.index()] =
        ChannelDemand { rate_per_day: 300.0, promise_days: None };
    demand.channels[Channel::Bopis.index()] =
        ChannelDemand { rate_per_day: 40.0, promise_days: None };
    demand.channels[Channel::WalkIn.index()] =
        ChannelDemand { rate_per_day: 200.0, promise_days: None };
    demand.basket_lines = vec![0.6, 0.3, 0.1];
    demand.pickup_radius_miles = 60.0;
    Scenario {
        name: "small".to_string(),
        description: String::new(),
        seed: 11,
        horizon_days: 21,
        warmup_days: 3,
        replications: 2,
        start_weekday: 0,
        network,
        catalog,
        cities: restrict_cities(cities),
        demand,
        inventory: InventoryConfig { store_assortment_share: 0.5, ..InventoryConfig::default() },
        execution: ExecutionConfig { no_show_rate: 0.05, ..ExecutionConfig::default() },
        returns: ReturnsConfig {
            rate: [0.2, 0.1, 0.0, 0.1],
            to_store_share: [0.3, 0.9, 0.0, 0.0],
            restock_share: 0.6,
            refurbish_share: 0.2,
            liquidate_share: 0.2,
            label_cost: 6.0,
            processing_cost: 2.0,
            ..ReturnsConfig::default()
        },
        supply: SupplyConfig::default(),
        support: SupportConfig::default(),
        policies: presets::NAMES
            .iter()
            .map(|n| PolicyConfig::RuleStack(presets::preset(n, n).expect("preset")))
            .collect(),
        baseline: 0,
        bound: crate::scenario::BoundConfig::default(),
        disruptions: Vec::new(),
    }
}

/// The cities within 150 miles of Chicago, so every customer is near the small network.
fn restrict_cities(mut table: CityTable) -> CityTable {
    let chicago = GeoPoint::new(41.88, -87.63);
    table.cities.retain(|c| crate::network::great_circle_miles(c.location, chicago) < 150.0);
    table
}

pub(super) fn kpi(out: &RepOutcome, scope: Scope, metric: &str) -> f64 {
    out.kpis
        .kpis
        .iter()
        .find(|(s, m, _)| *s == scope && *m == metric)
        .map(|r| r.2)
        .unwrap_or_else(|| panic!("no {metric} for {scope:?}"))
}

#[test]
fn every_preset_runs_and_conserves_units() {
    let sc = small_scenario();
    let prep = Prepared::new(&sc).expect("prepared");
    for p in 0..sc.policies.len() {
        let out = run_replication(&sc, &prep, p, 0, &SimOptions::default()).expect("runs");
        let orders = kpi(&out, Scope::All, "orders");
        let otif = kpi(&out, Scope::All, "otif");
        assert!(orders > 3_000.0, "{orders}");
        assert!((0.0..=1.0).contains(&otif));
        assert!(kpi(&out, Scope::All, "cost_to_serve_per_order") > 0.0);
    }
}

#[test]
fn same_seed_same_rows_and_different_seed_different_rows() {
    let sc = small_scenario();
    let prep = Prepared::new(&sc).expect("prepared");
    let a = run_replication(&sc, &prep, 1, 0, &SimOptions::default()).expect("runs");
    let b = run_replication(&sc, &prep, 1, 0, &SimOptions::default()).expect("runs");
    let c = run_replication(&sc, &prep, 1, 1, &SimOptions::default()).expect("runs");
    assert_eq!(a.kpis, b.kpis);
    assert_ne!(a.kpis, c.kpis);
}

#[test]
fn a_planted_leak_is_caught_and_named() {
    let sc = small_scenario();
    let prep = Prepared::new(&sc).expect("prepared");
    let options = SimOptions { plant_leak: true, ..SimOptions::default() };
    let err = run_replication(&sc, &prep, 0, 0, &options).expect_err("the audit must fail");
    let text = err.to_string();
    assert!(text.contains("conservation"), "{text}");
    assert!(text.contains("node#") && text.contains("sku#"), "{text}");
}

/// One DC with `pickers` pickers, exponential picks of mean `mean_minutes`, unlimited stock
/// and Poisson web arrivals of `per_day`: an M/M/c queue.
pub(super) fn mmc_scenario(pickers: u32, mean_minutes: f64, per_day: f64) -> Scenario {
    let mut sc = small_scenario();
    let mut dc = Node::new("DC", NodeKind::Dc, GeoPoint::new(41.52, -88.08));
    dc.pickers = pickers;
    dc.pick_time = PickTime::Exponential { mean_seconds: mean_minutes * 60.0 };
    dc.pick_failure_rate = 0.0;
    dc.capacity_per_day = 1_000_000;
    sc.network = Network::new(vec![dc], RateCard::us_default(), Lanes::new(1)).expect("valid");
    sc.catalog = Catalog::new(vec![sku("SKU", 1.0, None)], vec!["apparel".to_string()]);
    sc.demand = DemandConfig::default();
    sc.demand.channels[Channel::Web.index()] =
        ChannelDemand { rate_per_day: per_day, promise_days: None };
    sc.inventory.explicit = vec![(crate::ids::NodeId(0), crate::ids::SkuId(0), 10_000_000)];
    sc.returns = ReturnsConfig::default();
    sc.supply.enabled = false;
    sc.horizon_days = 60;
    sc.warmup_days = 5;
    sc
}

/// Erlang C: the mean wait in queue of an M/M/c queue, in the time unit of the rates.
fn erlang_c_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu;
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    let wait_probability = last / (sum + last);
    wait_probability / (f64::from(c) * mu - lambda)
}

fn node_metric(out: &RepOutcome, metric: &str) -> f64 {
    out.kpis.nodes.iter().find(|(_, m, _)| *m == metric).map(|r| r.2).expect("node metric")
}

#[test]
fn erlang_c_formula_matches_a_hand_computation() {
    // c = 3, a = 2.4: C = 11.52 / (6.28 + 11.52) = 0.64719; Wq = C / (18 - 14.4) per hour.
    let wq = erlang_c_wait(3, 14.4, 6.0);
    assert!((wq - 0.64719 / 3.6).abs() < 1e-4, "{wq}");
}

#[test]
fn a_single_node_with_exponential_picks_is_an_mmc_queue() {
    // Three pickers, 10-minute picks (6 an hour each), 80% busy: 14.4 orders an hour.
    let sc = mmc_scenario(3, 10.0, 14.4 * 24.0);
    let prep = Prepared::new(&sc).expect("prepared");
    let waits: Vec<f64> = (0..20)
        .map(|r| {
            let out = run_replication(&sc, &prep, 0, r, &SimOptions::default()).expect("runs");
            node_metric(&out, "pick_wait_hours_mean")
        })
        .collect();
    let i = crate::stats::mean_interval(&waits);
    let theory = erlang_c_wait(3, 14.4, 6.0);
    assert!(
        i.low <= theory && theory <= i.high,
        "Erlang C {theory:.4} h outside [{:.4}, {:.4}]",
        i.low,
        i.high
    );
}

#[test]
fn littles_law_links_queue_length_wait_and_throughput() {
    let sc = mmc_scenario(2, 12.0, 8.0 * 24.0);
    let prep = Prepared::new(&sc).expect("prepared");
    let out = run_replication(&sc, &prep, 0, 0, &SimOptions::default()).expect("runs");
    let measured_hours = f64::from(sc.horizon_days - sc.warmup_days) * 24.0;
    let throughput = node_metric(&out, "picks") / measured_hours;
    let wait = node_metric(&out, "pick_wait_hours_mean");
    let length = node_metric(&out, "pick_queue_length_mean");
    // L = lambda W, up to the orders straddling the ends of the measured window.
    assert!(
        (length - throughput * wait).abs() / length < 0.02,
        "L {length}, lambda W {}",
        throughput * wait
    );
}

/// One DC holding 100 units of one SKU, a trickle of single-unit web orders, nothing else.
fn one_sku_scenario(per_day: f64, season_end_day: Option<u32>) -> Scenario {
    let mut sc = mmc_scenario(4, 2.0, per_day);
    sc.catalog = Catalog::new(vec![sku("SKU", 1.0, season_end_day)], vec!["apparel".to_string()]);
    sc.inventory.explicit = vec![(crate::ids::NodeId(0), crate::ids::SkuId(0), 100)];
    sc.inventory.dc_weeks_of_cover = 0.0;
    sc.horizon_days = 10;
    sc.warmup_days = 0;
    sc
}

/// Runs one replication and hands back the world at the end, for looking at the ledger.
pub(super) fn run_world<'s>(
    sc: &'s Scenario,
    prep: &'s Prepared,
    options: &'s SimOptions,
) -> World<'s> {
    let mut world = World::new(sc, prep, 0, replication_seed(sc.seed, 0), options).expect("world");
    let mut engine: Engine<Event> = Engine::new();
    world.schedule_start(&mut engine).expect("start");
    engine.run_until(SimTime::from_days(sc.horizon_days + DRAIN_DAYS), &mut world);
    assert!(world.error.is_none(), "{:?}", world.error);
    world.audit_flows.check(&world.ledger, &sc.catalog).expect("conserved");
    world
}

#[test]
fn returned_units_are_restocked_and_sellable_again() {
    let mut sc = one_sku_scenario(4.0, None);
    sc.returns = ReturnsConfig {
        rate: [1.0; 4],
        lag_days_mean: 0.5,
        processing: SimTime::HOUR,
        restock_share: 1.0,
        ..ReturnsConfig::default()
    };
    let prep = Prepared::new(&sc).expect("prepared");
    let options = SimOptions::default();
    let world = run_world(&sc, &prep, &options);
    let (dc, sku) = (crate::ids::NodeId(0), crate::ids::SkuId(0));
    let shipped = world.ledger.sku_flows(sku).expect("flows").shipped;
    assert!(shipped > 20, "{shipped} units sold");
    // Every unit sold came back and was restocked: the DC can sell all 100 again.
    assert_eq!(world.ledger.atp(dc, sku), 100);
    assert_eq!(world.ledger.flows().returns_received, shipped);
}

#[test]
fn season_end_clears_exactly_the_units_left() {
    let sc = one_sku_scenario(6.0, Some(5));
    let prep = Prepared::new(&sc).expect("prepared");
    let options = SimOptions::default();
    let world = run_world(&sc, &prep, &options);
    let (dc, sku) = (crate::ids::NodeId(0), crate::ids::SkuId(0));
    let flows = *world.ledger.sku_flows(sku).expect("flows");
    assert!(flows.shipped > 10, "{} units sold", flows.shipped);
    // Nothing is sold after the season ends, and every unit left was cleared.
    assert_eq!(flows.shipped + flows.cleared, 100);
    assert_eq!(world.ledger.position(dc, sku).expect("position").physical(), 0);
    let markdown = sc.catalog.sku(sku).markdown() * flows.cleared as f64;
    assert!((world.tally.markdown_cost() - markdown).abs() < 1e-9);
}

#[test]
fn a_promotion_multiplies_arrivals_by_its_factor() {
    let mut sc = small_scenario();
    sc.demand.promotions = vec![crate::scenario::Promotion {
        name: "sale".to_string(),
        start_day: 10,
        end_day: 19,
        multiplier: 2.5,
        channels: [true, false, false, false],
    }];
    let mut demand = super::demand::DemandGen::new(99);
    let mut per_day = [0u32; 30];
    let end = SimTime::from_days(30);
    let mut t = SimTime::ZERO;
    while let Some(next) = demand.next_arrival(&sc, Channel::Web, t, end) {
        per_day[next.day() as usize] += 1;
        t = next.plus(1);
    }
    let normal: u32 = per_day[..10].iter().chain(&per_day[20..]).sum();
    let promo: u32 = per_day[10..20].iter().sum();
    // 300 a day: 6,000 normal arrivals over 20 days, 7,500 expected over the 10 sale days.
    let ratio = (f64::from(promo) / 10.0) / (f64::from(normal) / 20.0);
    assert!((ratio - 2.5).abs() < 0.1, "ratio {ratio}");
}

/// The small scenario with `lp_batch` and `lp_dual` beside two presets.
fn optimizer_scenario() -> Scenario {
    use crate::optimize::{BatchParams, LpDualParams};
    let mut sc = small_scenario();
    sc.policies = vec![
        PolicyConfig::RuleStack(presets::preset("greedy_cost", "greedy_cost").expect("preset")),
        PolicyConfig::RuleStack(presets::preset("nearest", "nearest").expect("preset")),
        PolicyConfig::LpBatch {
            name: "lp_batch".into(),
            window: 15 * SimTime::MINUTE,
            params: BatchParams::default(),
        },
        PolicyConfig::LpDual { name: "lp_dual".into(), params: LpDualParams::default() },
    ];
    sc.horizon_days = 10;
    sc
}

#[test]
fn optimizers_run_batch_and_conserve_units() {
    let sc = optimizer_scenario();
    let prep = Prepared::new(&sc).expect("prepared");
    for p in 0..sc.policies.len() {
        let out = run_replication(&sc, &prep, p, 0, &SimOptions::default()).expect("runs");
        assert!(kpi(&out, Scope::All, "orders") > 1_000.0);
        assert!(kpi(&out, Scope::All, "otif") > 0.5, "{}", kpi(&out, Scope::All, "otif"));
    }
    let lp = run_replication(&sc, &prep, 2, 0, &SimOptions::default()).expect("runs");
    assert_eq!(kpi(&lp, Scope::All, "lp_fallbacks"), 0.0);
    let per_batch = kpi(&lp, Scope::All, "lp_batch_orders_mean");
    assert!(per_batch > 1.5, "web orders should share batches, found {per_batch} per batch");
    let dual = run_replication(&sc, &prep, 3, 0, &SimOptions::default()).expect("runs");
    assert!(kpi(&dual, Scope::All, "lp_dual_solves") >= 9.0);
}

#[test]
fn the_hindsight_bound_is_below_every_policy_in_every_replication() {
    let mut sc = optimizer_scenario();
    sc.bound.enabled = true;
    let prep = Prepared::new(&sc).expect("prepared");
    for rep in 0..2 {
        for p in 0..sc.policies.len() {
            let out = run_replication(&sc, &prep, p, rep, &SimOptions::default()).expect("runs");
            let cost = kpi(&out, Scope::All, "objective_cost_per_order");
            let bound = kpi(&out, Scope::All, "hindsight_bound_per_order");
            let gap = kpi(&out, Scope::All, "hindsight_gap");
            assert!(bound > 0.0 && bound <= cost + 1e-9, "policy {p} rep {rep}: {bound} > {cost}");
            assert!((0.0..1.0).contains(&gap), "policy {p} rep {rep}: gap {gap}");
        }
    }
}

#[test]
fn the_carried_bits_agree_with_the_assortment_lists() {
    let mut sc = small_scenario();
    sc.inventory.store_assortment_share = 0.3;
    let prep = Prepared::new(&sc).expect("small scenario prepares");
    let mut carried = 0;
    for node in sc.network.ids() {
        for sku in sc.catalog.ids() {
            let listed = prep.assortment[node.index()].binary_search(&sku).is_ok();
            assert_eq!(prep.carries(node, sku), listed, "{node:?} {sku:?}");
            carried += usize::from(listed);
        }
    }
    assert!(carried > 0 && carried < sc.network.len() * sc.catalog.len(), "{carried}");
}
