//! Upper bounds that keep a scenario's numbers plausible: a lead time of a million days, a
//! cost of 10^300 or a capacity past what a 32-bit count holds is a typo, and left alone it
//! would overflow a clock or a counter and give a wrong number without a word.
//!
//! Every bound here is far above anything a real network has, so a valid scenario never
//! meets one; the other rules (signs, ranges, finiteness) are checked beside each section and
//! are not repeated here, and a value that breaks them gets no second message from here.
//! Also bounds the lanes that `[transfers]` generates, since each costs memory before any
//! resource estimate can run.

use super::Checks;
use crate::scenario::file::{NodeKind, NodeSettings, PickTime, ScenarioFile};

/// The longest duration, in days, that any setting may have: ten years.
pub const MAX_DAYS: f64 = 3_650.0;
/// The highest cost or price of one unit, parcel or shipment.
pub const MAX_MONEY: f64 = 1e9;
/// The most units any count of stock may hold.
pub const MAX_UNITS: i64 = 1_000_000_000;
/// The most orders a node may pick per day.
pub const MAX_CAPACITY_PER_DAY: i64 = 100_000_000;
/// The most pickers of one node.
pub const MAX_PICKERS: i64 = 1_000_000;
/// The longest a single line pick may take, in minutes (one day).
pub const MAX_PICK_MINUTES: f64 = 1_440.0;
/// The longest distance any setting may have, in miles (four times around the Earth).
pub const MAX_MILES: f64 = 100_000.0;
/// The most weeks of cover a stock target may ask for.
pub const MAX_WEEKS: f64 = 520.0;
/// The heaviest SKU, in kilograms.
pub const MAX_WEIGHT_KG: f64 = 100_000.0;
/// The most entries of `basket_lines` and `line_units`.
pub const MAX_DISTRIBUTION_LEN: usize = 1_000;
/// The highest demand multiplier of a promotion and return-rate multiplier of a category.
pub const MAX_MULTIPLIER: f64 = 1_000.0;
/// The steepest popularity skew.
pub const MAX_ZIPF_EXPONENT: f64 = 100.0;
/// The most lanes `[transfers]` may generate.
pub const MAX_LANES: i64 = 10_000_000;
/// The most stores `store_to_store` may compare pairwise.
pub const MAX_STORE_TO_STORE_STORES: i64 = 20_000;

const HOURS: f64 = 24.0;
const MINUTES: f64 = 24.0 * 60.0;

/// Checks every upper bound of `file`.
pub(super) fn check(file: &ScenarioFile, checks: &mut Checks) {
    for (index, node) in file.network.nodes.iter().enumerate() {
        settings(&format!("network.nodes[{index}]"), &node.settings(), checks);
    }
    if let Some(stores) = &file.network.stores {
        settings("network.stores", &stores.settings(), checks);
    }
    carrier(file, checks);
    transfers(file, checks);
    catalog(file, checks);
    inventory(file, checks);
    demand(file, checks);
    behaviour(file, checks);
}

impl Checks {
    /// A float that, when finite, must be `<= limit`; non-finite values are reported by the
    /// section's own checks.
    pub(crate) fn at_most(&mut self, path: &str, value: f64, limit: f64) {
        if value.is_finite() && value > limit {
            self.fail(path, format!("must be <= {limit} (the limit), found {}", shown(value)));
        }
    }

    /// An integer that must be `<= limit`.
    pub(crate) fn int_at_most(&mut self, path: &str, value: i64, limit: i64) {
        if value > limit {
            self.fail(path, format!("must be <= {limit} (the limit), found {value}"));
        }
    }

    fn each_at_most(&mut self, path: &str, values: Option<&[f64]>, limit: f64) {
        for (index, value) in values.unwrap_or_default().iter().enumerate() {
            self.at_most(&format!("{path}[{index}]"), *value, limit);
        }
    }
}

/// A number as a message shows it: plainly, or in scientific notation when huge.
fn shown(value: f64) -> String {
    if value.abs() >= 1e15 { format!("{value:e}") } else { format!("{value}") }
}

fn settings(path: &str, s: &NodeSettings, checks: &mut Checks) {
    let key = |name: &str| format!("{path}.{name}");
    if let Some(capacity) = s.capacity_per_day {
        checks.int_at_most(&key("capacity_per_day"), capacity, MAX_CAPACITY_PER_DAY);
    }
    if let Some(pickers) = s.pickers {
        checks.int_at_most(&key("pickers"), pickers, MAX_PICKERS);
    }
    if let Some(priority) = s.priority {
        checks.int_at_most(&key("priority"), priority, MAX_UNITS);
    }
    if let Some(pick_time) = &s.pick_time {
        let at = |name: &str| format!("{path}.pick_time.{name}");
        match pick_time {
            PickTime::Fixed { minutes } => {
                checks.at_most(&at("minutes"), *minutes, MAX_PICK_MINUTES)
            }
            PickTime::Exponential { mean_minutes } => {
                checks.at_most(&at("mean_minutes"), *mean_minutes, MAX_PICK_MINUTES);
            }
            PickTime::LogNormal { mean_minutes, sd_minutes } => {
                checks.at_most(&at("mean_minutes"), *mean_minutes, MAX_PICK_MINUTES);
                checks.at_most(&at("sd_minutes"), *sd_minutes, MAX_PICK_MINUTES);
            }
        }
    }
    if let Some(sla) = s.pick_sla_hours {
        checks.at_most(&key("pick_sla_hours"), sla, MAX_DAYS * HOURS);
    }
    for (name, value) in [
        ("pick_cost_per_unit", s.pick_cost_per_unit),
        ("pack_cost_per_shipment", s.pack_cost_per_shipment),
    ] {
        if let Some(value) = value {
            checks.at_most(&key(name), value, MAX_MONEY);
        }
    }
}

fn carrier(file: &ScenarioFile, checks: &mut Checks) {
    let c = &file.carrier;
    checks.each_at_most("carrier.bands_miles", c.bands_miles.as_deref(), MAX_MILES);
    checks.each_at_most("carrier.parcel_cost", c.parcel_cost.as_deref(), MAX_MONEY);
    checks.each_at_most("carrier.cost_per_kg", c.cost_per_kg.as_deref(), MAX_MONEY);
    for (index, days) in c.transit_days.iter().flatten().enumerate() {
        checks.int_at_most(&format!("carrier.transit_days[{index}]"), *days, 365);
    }
    if let Some(days) = c.late_days {
        checks.int_at_most("carrier.late_days", days, 365);
    }
}

fn transfers(file: &ScenarioFile, checks: &mut Checks) {
    let t = &file.transfers;
    let mut terms = Vec::new();
    if let Some(d) = &t.dc_to_store {
        terms.push(("transfers.dc_to_store".to_string(), d.cost_per_unit, d.lead_time_days));
    }
    if let Some(s) = &t.store_to_store {
        terms.push(("transfers.store_to_store".to_string(), s.cost_per_unit, s.lead_time_days));
        checks.at_most("transfers.store_to_store.max_miles", s.max_miles, MAX_MILES);
    }
    for (index, lane) in t.lanes.iter().enumerate() {
        terms.push((format!("transfers.lanes[{index}]"), lane.cost_per_unit, lane.lead_time_days));
    }
    for (path, cost, lead) in terms {
        checks.at_most(&format!("{path}.cost_per_unit"), cost, MAX_MONEY);
        checks.at_most(&format!("{path}.lead_time_days"), lead, MAX_DAYS);
    }
    generated_lanes(file, checks);
}

/// `dc_to_store` adds dcs x stores lanes and `store_to_store` compares every pair of stores:
/// both are bounded before resolution builds them.
fn generated_lanes(file: &ScenarioFile, checks: &mut Checks) {
    let kinds =
        |kind: NodeKind| file.network.nodes.iter().filter(|n| n.kind == kind).count() as i64;
    let generated = file.network.stores.as_ref().map_or(0, |s| s.count.max(0));
    let stores = kinds(NodeKind::Store).saturating_add(generated);
    if file.transfers.dc_to_store.is_some() {
        let lanes = kinds(NodeKind::Dc).saturating_mul(stores);
        if lanes > MAX_LANES {
            checks.fail(
                "transfers.dc_to_store",
                format!(
                    "would add {lanes} lanes (dcs x stores), must be <= {MAX_LANES} (the limit)"
                ),
            );
        }
    }
    if file.transfers.store_to_store.is_some() && stores > MAX_STORE_TO_STORE_STORES {
        checks.fail(
            "transfers.store_to_store",
            format!(
                "compares every pair of {stores} stores, must have <= {MAX_STORE_TO_STORE_STORES} \
                 stores (the limit); list the lanes in [[transfers.lanes]] instead"
            ),
        );
    }
}

fn catalog(file: &ScenarioFile, checks: &mut Checks) {
    let c = &file.catalog;
    checks.at_most("catalog.price_min", c.price_min, MAX_MONEY);
    checks.at_most("catalog.price_max", c.price_max, MAX_MONEY);
    checks.at_most("catalog.weight_kg_min", c.weight_kg_min, MAX_WEIGHT_KG);
    checks.at_most("catalog.weight_kg_max", c.weight_kg_max, MAX_WEIGHT_KG);
    checks.at_most("catalog.zipf_exponent", c.zipf_exponent, MAX_ZIPF_EXPONENT);
    if let Some(day) = c.season_end_day {
        checks.int_at_most("catalog.season_end_day", day, MAX_DAYS as i64);
    }
    for (index, item) in c.items.iter().enumerate() {
        let key = |name: &str| format!("catalog.items[{index}].{name}");
        checks.at_most(&key("price"), item.price, MAX_MONEY);
        if let Some(weight) = item.weight_kg {
            checks.at_most(&key("weight_kg"), weight, MAX_WEIGHT_KG);
        }
        if let Some(popularity) = item.popularity {
            checks.at_most(&key("popularity"), popularity, 1e12);
        }
        if let Some(day) = item.season_end_day {
            checks.int_at_most(&key("season_end_day"), day, MAX_DAYS as i64);
        }
    }
}

fn inventory(file: &ScenarioFile, checks: &mut Checks) {
    let i = &file.inventory;
    checks.at_most(
        "inventory.visibility_sync_minutes",
        i.visibility_sync_minutes,
        MAX_DAYS * MINUTES,
    );
    checks.at_most("inventory.dc_weeks_of_cover", i.dc_weeks_of_cover, MAX_WEEKS);
    checks.at_most("inventory.store_weeks_of_cover", i.store_weeks_of_cover, MAX_WEEKS);
    checks.int_at_most("inventory.store_buffer_units", i.store_buffer_units, MAX_UNITS);
    checks.int_at_most("inventory.record_error_max_units", i.record_error_max_units, MAX_UNITS);
    checks.at_most("inventory.cycle_count_every_days", i.cycle_count_every_days, MAX_DAYS);
    for (index, stock) in i.stock.iter().enumerate() {
        checks.int_at_most(&format!("inventory.stock[{index}].units"), stock.units, MAX_UNITS);
    }
}

fn demand(file: &ScenarioFile, checks: &mut Checks) {
    let d = &file.demand;
    checks.at_most("demand.customer_spread_miles", d.customer_spread_miles, MAX_MILES);
    checks.at_most("demand.pickup_radius_miles", d.pickup_radius_miles, MAX_MILES);
    for (path, values) in
        [("demand.basket_lines", &d.basket_lines), ("demand.line_units", &d.line_units)]
    {
        if values.len() > MAX_DISTRIBUTION_LEN {
            let message = format!(
                "must have <= {MAX_DISTRIBUTION_LEN} values (the limit), found {}",
                values.len()
            );
            checks.fail(path, message);
        }
    }
    for (index, promotion) in d.promotions.iter().enumerate() {
        let key = |name: &str| format!("demand.promotions[{index}].{name}");
        checks.int_at_most(&key("start_day"), promotion.start_day, MAX_DAYS as i64);
        checks.int_at_most(&key("end_day"), promotion.end_day, MAX_DAYS as i64);
        checks.at_most(&key("multiplier"), promotion.multiplier, MAX_MULTIPLIER);
    }
}

fn behaviour(file: &ScenarioFile, checks: &mut Checks) {
    let e = &file.execution;
    checks.at_most(
        "execution.pickup_delay_hours_mean",
        e.pickup_delay_hours_mean,
        MAX_DAYS * HOURS,
    );
    checks.at_most("execution.no_show_hold_days", e.no_show_hold_days, MAX_DAYS);

    let r = &file.returns;
    let days = [
        ("returns.lag_days_mean", r.lag_days_mean),
        ("returns.refurbish_days", r.refurbish_days),
        ("returns.refund_days", r.refund_days),
    ];
    for (path, value) in days {
        checks.at_most(path, value, MAX_DAYS);
    }
    checks.at_most("returns.processing_hours", r.processing_hours, MAX_DAYS * HOURS);
    checks.at_most("returns.label_cost", r.label_cost, MAX_MONEY);
    checks.at_most("returns.processing_cost", r.processing_cost, MAX_MONEY);
    for (category, multiplier) in &r.category_multiplier {
        let path = crate::scenario::locate::join_key("returns.category_multiplier", category);
        checks.at_most(&path, *multiplier, MAX_MULTIPLIER);
    }

    let s = &file.supply;
    checks.at_most("supply.vendor_lead_time_days", s.vendor_lead_time_days, MAX_DAYS);
    checks.at_most("supply.dc_reorder_point_weeks", s.dc_reorder_point_weeks, MAX_WEEKS);
    checks.at_most("supply.dc_order_up_to_weeks", s.dc_order_up_to_weeks, MAX_WEEKS);
    checks.at_most("supply.store_order_up_to_weeks", s.store_order_up_to_weeks, MAX_WEEKS);
    checks.int_at_most(
        "supply.store_replenish_every_days",
        s.store_replenish_every_days,
        MAX_DAYS as i64,
    );

    for (p, policy) in file.policies.iter().enumerate() {
        for (f, filter) in policy.filters.iter().flatten().enumerate() {
            if let crate::scenario::file::Filter::MinAtpAfter { units } = filter {
                checks.int_at_most(&format!("policies[{p}].filters[{f}].units"), *units, MAX_UNITS);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::scenario::file::{LaneTerms, PromotionFile};

    #[test]
    fn absurd_durations_are_rejected() {
        let mut file = valid();
        file.transfers.lanes[0].lead_time_days = 1e300;
        assert_only_issue(
            &file,
            "transfers.lanes[0].lead_time_days",
            "must be <= 3650 (the limit)",
        );
        let mut file = valid();
        file.network.nodes[0].pick_sla_hours = Some(1e9);
        assert_only_issue(
            &file,
            "network.nodes[0].pick_sla_hours",
            "(the limit), found 1000000000",
        );
    }

    #[test]
    fn counts_that_would_not_fit_are_rejected() {
        let mut file = valid();
        file.network.nodes[0].capacity_per_day = Some(5_000_000_000);
        assert_only_issue(&file, "network.nodes[0].capacity_per_day", "must be <= 100000000");
        let mut file = valid();
        file.inventory.stock[0].units = 5_000_000_000;
        assert_only_issue(&file, "inventory.stock[0].units", "must be <= 1000000000");
    }

    #[test]
    fn promotions_are_bounded() {
        let mut file = valid();
        file.demand.promotions.push(PromotionFile {
            name: "forever".into(),
            start_day: 1,
            end_day: 1 << 40,
            multiplier: 1e6,
            channels: None,
        });
        let paths: Vec<String> = issues(&file).into_iter().map(|i| i.path).collect();
        assert_eq!(paths, ["demand.promotions[0].end_day", "demand.promotions[0].multiplier"]);
    }

    #[test]
    fn long_basket_distributions_are_rejected() {
        let mut file = valid();
        file.demand.basket_lines = vec![0.0; 2_000];
        file.demand.basket_lines[0] = 1.0;
        assert_only_issue(&file, "demand.basket_lines", "must have <= 1000 values");
    }

    #[test]
    fn generated_lanes_are_bounded() {
        let mut file = valid();
        file.network.stores.as_mut().expect("stores").count = 900;
        for i in 0..20_000 {
            let mut node = file.network.nodes[0].clone();
            node.name = format!("DC-{i}");
            file.network.nodes.push(node);
        }
        file.transfers.dc_to_store = Some(LaneTerms { cost_per_unit: 1.0, lead_time_days: 1.0 });
        let found = issues(&file);
        assert!(
            found.iter().any(|i| i.path == "transfers.dc_to_store" && i.message.contains("lanes")),
            "{found:#?}"
        );
    }

    #[test]
    fn a_non_finite_value_gets_one_message() {
        let mut file = valid();
        file.returns.label_cost = f64::INFINITY;
        assert_eq!(issues(&file).len(), 1);
    }
}
