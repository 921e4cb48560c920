//! Property tests of whole replications: random small scenarios, written as scenario files
//! and taken through parsing, validation and resolution like a planner's, then simulated for
//! a few days under a random policy. Whatever the scenario, a replication finishes without
//! error or panic, the conservation audit (run inside every replication) holds, and every
//! KPI is finite and in its range: shares in [0, 1], costs, counts and durations >= 0.

use std::fmt::Write;
use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::scenario::{parse_str, resolve};

/// Coordinates of real cities, so explicit nodes sit where customers live.
const PLACES: [(f64, f64); 6] = [
    (40.71, -74.01),
    (41.85, -87.65),
    (34.05, -118.24),
    (29.76, -95.36),
    (33.45, -112.07),
    (39.95, -75.16),
];

/// The random parts of a scenario.
#[derive(Clone, Debug)]
struct Spec {
    horizon: u32,
    warmup: u32,
    dcs: Vec<usize>,
    explicit_stores: Vec<usize>,
    generated_stores: u32,
    skus: u32,
    seasonal: Option<(f64, u32)>,
    rates: [f64; 4],
    weeks_of_cover: (f64, f64),
    visibility_minutes: f64,
    record_inaccurate: f64,
    shrink: f64,
    assortment: f64,
    pick_failure: f64,
    no_show: f64,
    return_rate: f64,
    dc_to_store: bool,
    store_to_store: bool,
    abandon: bool,
    policy: usize,
    seed: u64,
}

fn spec() -> impl Strategy<Value = Spec> {
    let network = (
        prop::collection::vec(0..PLACES.len(), 0..3),
        prop::collection::vec(0..PLACES.len(), 0..3),
        0u32..6,
    )
        .prop_filter("the network needs a dc or a store", |(dcs, stores, generated)| {
            !dcs.is_empty() || !stores.is_empty() || *generated > 0
        });
    let stock = ((0.0..4.0f64), (0.0..3.0f64), (0.0..120.0f64), (0.0..1.0f64), (0.0..0.01f64));
    let behaviour = ((0.05..1.0f64), (0.0..0.3f64), (0.0..0.5f64), (0.0..0.5f64));
    let switches = (any::<bool>(), any::<bool>(), any::<bool>(), 0usize..6, any::<u64>());
    (
        (2u32..7, 0u32..3),
        network,
        (1u32..30, prop::option::of((0.0..1.0f64, 1u32..8))),
        [0.0..150.0f64, 0.0..40.0f64, 0.0..80.0f64, 0.0..40.0f64],
        stock,
        behaviour,
        switches,
    )
        .prop_map(|(days, network, catalog, rates, stock, behaviour, switches)| Spec {
            horizon: days.0,
            warmup: days.1.min(days.0 - 1),
            dcs: network.0,
            explicit_stores: network.1,
            generated_stores: network.2,
            skus: catalog.0,
            seasonal: catalog.1,
            rates,
            weeks_of_cover: (stock.0, stock.1),
            visibility_minutes: stock.2,
            record_inaccurate: stock.3,
            shrink: stock.4,
            assortment: behaviour.0,
            pick_failure: behaviour.1,
            no_show: behaviour.2,
            return_rate: behaviour.3,
            dc_to_store: switches.0,
            store_to_store: switches.1,
            abandon: switches.2,
            policy: switches.3,
            seed: switches.4,
        })
}

/// The scenario file for `spec`.
fn scenario_text(s: &Spec) -> String {
    let mut t = String::new();
    let w = &mut t;
    let _ = writeln!(w, "version = 1\nname = \"prop\"\nseed = {}", s.seed);
    let _ =
        writeln!(w, "horizon_days = {}\nwarmup_days = {}\nreplications = 1", s.horizon, s.warmup);
    let has_store = !s.explicit_stores.is_empty() || s.generated_stores > 0;
    let node = |w: &mut String, name: String, kind: &str, place: usize| {
        let (lat, lon) = PLACES[place];
        let _ = writeln!(w, "[[network.nodes]]\nname = \"{name}\"\nkind = \"{kind}\"");
        let _ = writeln!(w, "lat = {lat}\nlon = {lon}\npick_failure_rate = {}", s.pick_failure);
    };
    for (i, place) in s.dcs.iter().enumerate() {
        node(w, format!("DC-{i}"), "dc", *place);
    }
    for (i, place) in s.explicit_stores.iter().enumerate() {
        node(w, format!("ST-{i}"), "store", *place);
    }
    if s.generated_stores > 0 {
        let _ = writeln!(w, "[network.stores]\ncount = {}", s.generated_stores);
    }
    if s.dc_to_store {
        let _ = writeln!(
            w,
            "[transfers]\ndc_to_store = {{ cost_per_unit = 0.3, lead_time_days = 1.5 }}"
        );
    }
    if s.store_to_store {
        let _ = writeln!(
            w,
            "[transfers.store_to_store]\nmax_miles = 900.0\ncost_per_unit = 0.5\nlead_time_days = 1.0"
        );
    }
    let _ = writeln!(w, "[catalog]\nskus = {}", s.skus);
    if let Some((share, end)) = s.seasonal {
        let _ = writeln!(w, "seasonal_share = {share}\nseason_end_day = {end}");
    }
    let _ = writeln!(
        w,
        "[inventory]\ndc_weeks_of_cover = {}\nstore_weeks_of_cover = {}\nvisibility_sync_minutes = {}",
        s.weeks_of_cover.0, s.weeks_of_cover.1, s.visibility_minutes
    );
    let _ = writeln!(
        w,
        "record_inaccurate_share = {}\nshrink_per_unit_per_day = {}\nstore_assortment_share = {}",
        s.record_inaccurate, s.shrink, s.assortment
    );
    let lost_sale = if s.abandon { "abandon_order" } else { "drop_line" };
    let _ = writeln!(w, "[demand]\nlost_sale = \"{lost_sale}\"\npickup_radius_miles = 60.0");
    let channels = ["web", "bopis", "walk_in", "marketplace"];
    for (channel, rate) in channels.iter().zip(s.rates) {
        let needs_store = matches!(*channel, "bopis" | "walk_in");
        if rate > 0.0 && (has_store || !needs_store) {
            let _ = writeln!(w, "[demand.channels.{channel}]\nrate_per_day = {rate}");
        }
    }
    if !has_store && s.rates[0] == 0.0 && s.rates[3] == 0.0 {
        let _ = writeln!(w, "[demand.channels.web]\nrate_per_day = 5.0");
    }
    let _ = writeln!(w, "[execution]\nno_show_rate = {}", s.no_show);
    let r = s.return_rate;
    let _ = writeln!(w, "[returns]\nrate = {{ web = {r}, bopis = {r}, marketplace = {r} }}");
    let _ = writeln!(w, "[[policies]]\nname = \"p\"\n{}", policy(s.policy));
    t
}

/// A preset, or a custom rule stack with a split rule and a fallback.
fn policy(index: usize) -> &'static str {
    match index {
        0 => "preset = \"dc_first\"",
        1 => "preset = \"nearest\"",
        2 => "preset = \"min_split\"",
        3 => "preset = \"greedy_cost\"",
        4 => {
            "filters = [{ filter = \"capability\" }, { filter = \"has_full_atp\" }]\n\
             sort = [{ key = \"distance\" }, { key = \"atp\", order = \"desc\" }]\n\
             split = \"up_to\"\nmax_shipments = 2\nfallback = \"nearest\""
        }
        _ => {
            "filters = [{ filter = \"under_capacity\", max_utilization = 0.8 }]\n\
             sort = [{ key = \"cost\" }]\nsplit = \"never\"\nfallback = \"cancel\""
        }
    }
}

/// KPIs that are shares of something.
fn is_share(metric: &str) -> bool {
    matches!(
        metric,
        "otif"
            | "cancellation_rate"
            | "cancelled_units_rate"
            | "split_rate"
            | "promise_accuracy"
            | "no_show_rate"
            | "return_rate"
            | "restock_rate"
            | "full_price_sell_through"
    )
}

/// Checks one KPI value; returns what is wrong with it.
fn out_of_range(metric: &str, value: f64) -> Option<String> {
    if !value.is_finite() {
        return Some(format!("{metric} = {value} is not finite"));
    }
    if value < -1e-9 {
        return Some(format!("{metric} = {value} is negative"));
    }
    (is_share(metric) && value > 1.0 + 1e-9).then(|| format!("{metric} = {value} is above 1"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_scenarios_simulate_with_units_conserved_and_kpis_in_range(spec in spec()) {
        let text = scenario_text(&spec);
        let path = Path::new("prop.toml");
        let file = parse_str(&text, path).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let scenario = resolve(&file, path)
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let prep = Prepared::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;

        let outcome = run_replication(&scenario, &prep, 0, 0, &SimOptions::default())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;

        let kpis = outcome.kpis.kpis.iter().map(|(_, m, v)| (*m, *v));
        let nodes = outcome.kpis.nodes.iter().map(|(_, m, v)| (*m, *v));
        let daily = outcome.kpis.daily.iter().map(|(_, m, v)| (*m, *v));
        let problems: Vec<String> =
            kpis.chain(nodes).chain(daily).filter_map(|(m, v)| out_of_range(m, v)).collect();
        prop_assert!(problems.is_empty(), "{problems:?}\n{text}");
    }
}

#[test]
fn kpi_ranges_are_checked() {
    assert_eq!(out_of_range("otif", 0.5), None);
    assert!(out_of_range("otif", 1.5).is_some());
    assert!(out_of_range("cost_to_serve_total", -2.0).is_some());
    assert!(out_of_range("orders", f64::NAN).is_some());
    assert_eq!(out_of_range("orders", 1e6), None);
}
