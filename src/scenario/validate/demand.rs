//! Checks of the sections that describe what is sold and how customers and suppliers behave:
//! `[catalog]`, `[inventory]`, `[demand]`, `[execution]`, `[returns]`, `[supply]` and
//! `[support]`.
//!
//! Checks that a demand trace exists but not what it contains; that is for the trace reader.

use std::collections::HashSet;
use std::path::Path;

use super::network::any_node_can;
use super::{Checks, MAX_RATE_PER_DAY, MAX_SKUS, NodeNames, file_exists, one_of, rounded};
use crate::scenario::file::{Capability, Channel, ScenarioFile};
use crate::scenario::locate::join_key;

pub(super) fn check(
    file: &ScenarioFile,
    scenario_path: &Path,
    names: &NodeNames<'_>,
    checks: &mut Checks,
) {
    catalog(file, checks);
    inventory(file, names, checks);
    demand(file, scenario_path, checks);
    channels_have_nodes(file, checks);
    behaviour(file, checks);
    returns(file, checks);
}

fn catalog(file: &ScenarioFile, checks: &mut Checks) {
    let catalog = &file.catalog;
    match catalog.skus {
        None if catalog.items.is_empty() => checks.fail(
            "catalog.skus",
            "missing, expected a number of generated SKUs or [[catalog.items]] entries",
        ),
        None => {}
        Some(skus) => {
            let limit = MAX_SKUS - catalog.items.len() as i64;
            checks.int_within("catalog.skus", skus, 1, limit.max(0));
        }
    }
    if catalog.skus.is_none() && catalog.items.len() as i64 > MAX_SKUS {
        checks.fail("catalog.items", format!("must have <= {MAX_SKUS} entries (the limit)"));
    }

    categories(file, checks);
    generated_catalog(file, checks);
    items(file, checks);
    if catalog.skus.is_none() && items_all_unpopular(file) {
        checks.fail(
            "catalog.items",
            "every item has popularity 0, so no SKU could be ordered; expected at least one \
             positive popularity",
        );
    }
}

/// Whether there are items and none of them can be drawn.
fn items_all_unpopular(file: &ScenarioFile) -> bool {
    let items = &file.catalog.items;
    !items.is_empty() && items.iter().all(|item| item.popularity == Some(0.0))
}

fn categories(file: &ScenarioFile, checks: &mut Checks) {
    let categories = &file.catalog.categories;
    if categories.is_empty() {
        checks.fail("catalog.categories", "must not be empty, expected category names");
    }
    let named = categories.iter().enumerate();
    checks.unique("category", named.map(|(i, c)| (format!("catalog.categories[{i}]"), c.as_str())));
    for (index, category) in categories.iter().enumerate() {
        checks.not_blank(&format!("catalog.categories[{index}]"), category);
    }
}

fn generated_catalog(file: &ScenarioFile, checks: &mut Checks) {
    let catalog = &file.catalog;
    checks.above("catalog.price_min", catalog.price_min, 0.0);
    if catalog.price_min.is_finite() {
        checks.above("catalog.price_max", catalog.price_max, catalog.price_min);
    }
    checks.positive_share("catalog.unit_cost_share", catalog.unit_cost_share);
    checks.above("catalog.weight_kg_min", catalog.weight_kg_min, 0.0);
    if catalog.weight_kg_min.is_finite() {
        checks.at_least("catalog.weight_kg_max", catalog.weight_kg_max, catalog.weight_kg_min);
    }
    checks.probability("catalog.clearance_share", catalog.clearance_share);
    checks.probability("catalog.seasonal_share", catalog.seasonal_share);
    checks.at_least("catalog.zipf_exponent", catalog.zipf_exponent, 0.0);

    match catalog.season_end_day {
        Some(day) => checks.int_at_least("catalog.season_end_day", day, 1),
        None if catalog.seasonal_share > 0.0 && catalog.skus.is_some() => checks.fail(
            "catalog.season_end_day",
            "missing, expected the day seasonal SKUs end when seasonal_share > 0",
        ),
        None => {}
    }
}

fn items(file: &ScenarioFile, checks: &mut Checks) {
    let items = &file.catalog.items;
    checks.unique(
        "SKU id",
        items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("catalog.items[{i}].id"), item.id.as_str())),
    );

    for (index, item) in items.iter().enumerate() {
        let key = |name: &str| format!("catalog.items[{index}].{name}");
        checks.not_blank(&key("id"), &item.id);
        checks.above(&key("price"), item.price, 0.0);
        if let Some(weight) = item.weight_kg {
            checks.above(&key("weight_kg"), weight, 0.0);
        }
        if let Some(popularity) = item.popularity {
            checks.at_least(&key("popularity"), popularity, 0.0);
        }
        if let Some(day) = item.season_end_day {
            checks.int_at_least(&key("season_end_day"), day, 1);
        }
        let price = item.price.is_finite().then_some(item.price);
        for (name, value) in
            [("unit_cost", item.unit_cost), ("clearance_price", item.clearance_price)]
        {
            if let Some(value) = value {
                at_most_price(&key(name), value, price, checks);
            }
        }
        if let Some(category) = &item.category {
            known_category(&key("category"), category, file, checks);
        }
    }
}

/// A value in `[0, price]`.
fn at_most_price(path: &str, value: f64, price: Option<f64>, checks: &mut Checks) {
    checks.at_least(path, value, 0.0);
    if let Some(price) = price {
        if value.is_finite() && value > price {
            checks.fail(path, format!("must be <= price ({price}), found {value}"));
        }
    }
}

fn known_category(path: &str, category: &str, file: &ScenarioFile, checks: &mut Checks) {
    let categories = &file.catalog.categories;
    if !categories.iter().any(|c| c == category) {
        let message = format!(
            "unknown category \"{category}\", {} (from catalog.categories)",
            one_of(categories)
        );
        checks.fail(path, message);
    }
}

fn inventory(file: &ScenarioFile, names: &NodeNames<'_>, checks: &mut Checks) {
    let inventory = &file.inventory;
    let non_negative = [
        ("inventory.visibility_sync_minutes", inventory.visibility_sync_minutes),
        ("inventory.dc_weeks_of_cover", inventory.dc_weeks_of_cover),
        ("inventory.store_weeks_of_cover", inventory.store_weeks_of_cover),
        ("inventory.cycle_count_every_days", inventory.cycle_count_every_days),
    ];
    for (path, value) in non_negative {
        checks.at_least(path, value, 0.0);
    }
    checks.positive_share("inventory.store_assortment_share", inventory.store_assortment_share);
    checks.probability("inventory.record_inaccurate_share", inventory.record_inaccurate_share);
    checks.probability("inventory.shrink_per_unit_per_day", inventory.shrink_per_unit_per_day);
    checks.int_at_least("inventory.store_buffer_units", inventory.store_buffer_units, 0);
    checks.int_at_least("inventory.record_error_max_units", inventory.record_error_max_units, 0);

    let items: HashSet<&str> = file.catalog.items.iter().map(|item| item.id.as_str()).collect();
    for (index, stock) in inventory.stock.iter().enumerate() {
        let path = format!("inventory.stock[{index}]");
        names.check(&format!("{path}.node"), &stock.node, checks);
        if !items.contains(stock.sku.as_str()) {
            checks.fail(
                format!("{path}.sku"),
                format!(
                    "unknown SKU \"{}\", expected the id of a [[catalog.items]] entry",
                    stock.sku
                ),
            );
        }
        checks.int_at_least(&format!("{path}.units"), stock.units, 0);
    }
}

fn demand(file: &ScenarioFile, scenario_path: &Path, checks: &mut Checks) {
    let demand = &file.demand;
    if let Some(trace) = &demand.trace {
        file_exists(file, scenario_path, "demand.trace", trace, checks);
    }
    checks.at_least("demand.customer_spread_miles", demand.customer_spread_miles, 0.0);
    checks.above("demand.pickup_radius_miles", demand.pickup_radius_miles, 0.0);
    checks.distribution("demand.basket_lines", &demand.basket_lines);
    checks.distribution("demand.line_units", &demand.line_units);
    checks.profile("demand.day_of_week", &demand.day_of_week, 7);
    checks.profile("demand.hour_of_day", &demand.hour_of_day, 24);

    for (channel, terms) in demand.channels.iter() {
        let path = format!("demand.channels.{}", channel.as_str());
        checks.at_least(&format!("{path}.rate_per_day"), terms.rate_per_day, 0.0);
        if terms.rate_per_day.is_finite() && terms.rate_per_day > MAX_RATE_PER_DAY {
            let message = format!(
                "must be <= {MAX_RATE_PER_DAY:.0} (the limit), found {}",
                terms.rate_per_day
            );
            checks.fail(format!("{path}.rate_per_day"), message);
        }
        if let Some(days) = terms.promise_days {
            checks.int_within(&format!("{path}.promise_days"), days, 0, 365);
        }
    }
    let has_rate = demand.channels.iter().any(|(_, terms)| terms.rate_per_day > 0.0);
    if demand.trace.is_none() && !has_rate {
        checks.fail(
            "demand",
            "no demand, expected a [demand.channels.<channel>] with rate_per_day > 0 or a trace",
        );
    }
    promotions(file, checks);
}

fn promotions(file: &ScenarioFile, checks: &mut Checks) {
    for (index, promotion) in file.demand.promotions.iter().enumerate() {
        let key = |name: &str| format!("demand.promotions[{index}].{name}");
        checks.not_blank(&key("name"), &promotion.name);
        checks.int_at_least(&key("start_day"), promotion.start_day, 0);
        if promotion.end_day < promotion.start_day {
            let message = format!(
                "must be >= start_day ({}), found {}",
                promotion.start_day, promotion.end_day
            );
            checks.fail(key("end_day"), message);
        }
        checks.above(&key("multiplier"), promotion.multiplier, 0.0);
        if promotion.channels.as_ref().is_some_and(Vec::is_empty) {
            checks.fail(key("channels"), "must not be empty, leave it out for all channels");
        }
    }
}

/// Every channel with demand needs a node that can serve it (an empty network is reported
/// once, by the network checks).
fn channels_have_nodes(file: &ScenarioFile, checks: &mut Checks) {
    if file.network.nodes.is_empty() && file.network.stores.is_none() {
        return;
    }
    for (channel, terms) in file.demand.channels.iter() {
        if terms.rate_per_day <= 0.0 {
            continue;
        }
        let (needed, servable): (&str, bool) = match channel {
            Channel::Web | Channel::Marketplace => (
                "ship_from_dc or ship_from_store",
                any_node_can(file, Capability::ShipFromDc)
                    || any_node_can(file, Capability::ShipFromStore),
            ),
            Channel::Bopis => ("pickup", any_node_can(file, Capability::Pickup)),
            Channel::WalkIn => ("a store", has_store(file)),
        };
        if !servable {
            checks.fail(
                format!("demand.channels.{}", channel.as_str()),
                format!("no node can serve this channel, expected a node with {needed}"),
            );
        }
    }
}

fn has_store(file: &ScenarioFile) -> bool {
    let explicit =
        file.network.nodes.iter().any(|n| n.kind == crate::scenario::file::NodeKind::Store);
    explicit || file.network.stores.is_some()
}

fn behaviour(file: &ScenarioFile, checks: &mut Checks) {
    let execution = &file.execution;
    checks.at_least("execution.pickup_delay_hours_mean", execution.pickup_delay_hours_mean, 0.0);
    checks.probability("execution.no_show_rate", execution.no_show_rate);
    checks.at_least("execution.no_show_hold_days", execution.no_show_hold_days, 0.0);

    let supply = &file.supply;
    checks.at_least("supply.vendor_lead_time_days", supply.vendor_lead_time_days, 0.0);
    checks.at_least("supply.dc_reorder_point_weeks", supply.dc_reorder_point_weeks, 0.0);
    if supply.dc_reorder_point_weeks.is_finite() {
        let (up_to, reorder) = (supply.dc_order_up_to_weeks, supply.dc_reorder_point_weeks);
        if up_to.is_finite() && up_to < reorder {
            let message = format!("must be >= dc_reorder_point_weeks ({reorder}), found {up_to}");
            checks.fail("supply.dc_order_up_to_weeks", message);
        }
    }
    checks.finite("supply.dc_order_up_to_weeks", supply.dc_order_up_to_weeks);
    checks.int_at_least("supply.store_replenish_every_days", supply.store_replenish_every_days, 1);
    checks.at_least("supply.store_order_up_to_weeks", supply.store_order_up_to_weeks, 0.0);

    let support = &file.support;
    checks.probability("support.contact_late", support.contact_late);
    checks.probability("support.contact_cancelled", support.contact_cancelled);
    checks.probability("support.contact_split", support.contact_split);
}

fn returns(file: &ScenarioFile, checks: &mut Checks) {
    let returns = &file.returns;
    for channel in Channel::ALL {
        if let Some(rate) = returns.rate.get(channel) {
            checks.probability(&format!("returns.rate.{}", channel.as_str()), rate);
        }
        if let Some(share) = returns.to_store_share.get(channel) {
            checks.probability(&format!("returns.to_store_share.{}", channel.as_str()), share);
        }
    }
    for (category, multiplier) in &returns.category_multiplier {
        let path = join_key("returns.category_multiplier", category);
        known_category(&path, category, file, checks);
        checks.at_least(&path, *multiplier, 0.0);
    }

    let non_negative = [
        ("returns.lag_days_mean", returns.lag_days_mean),
        ("returns.processing_hours", returns.processing_hours),
        ("returns.refurbish_days", returns.refurbish_days),
        ("returns.refund_days", returns.refund_days),
        ("returns.label_cost", returns.label_cost),
        ("returns.processing_cost", returns.processing_cost),
    ];
    for (path, value) in non_negative {
        checks.at_least(path, value, 0.0);
    }
    checks.probability("returns.salvage_share", returns.salvage_share);

    let shares = [
        ("returns.restock_share", returns.restock_share),
        ("returns.refurbish_share", returns.refurbish_share),
        ("returns.liquidate_share", returns.liquidate_share),
    ];
    for (path, share) in shares {
        checks.probability(path, share);
    }
    if shares.iter().all(|(_, share)| (0.0..=1.0).contains(share)) {
        let sum: f64 = shares.iter().map(|(_, share)| share).sum();
        if (sum - 1.0).abs() > 1e-6 {
            checks.fail(
                "returns.restock_share",
                format!(
                    "restock, refurbish and liquidate shares must sum to 1, found {}",
                    rounded(sum)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::scenario::file::{ChannelFile, ItemFile, PromotionFile};

    fn item(id: &str) -> ItemFile {
        ItemFile {
            id: id.into(),
            price: 10.0,
            unit_cost: None,
            weight_kg: None,
            category: None,
            season_end_day: None,
            clearance_price: None,
            popularity: None,
        }
    }

    #[test]
    fn a_catalog_needs_skus_or_items() {
        let mut file = valid();
        file.catalog.skus = None;
        file.catalog.items.clear();
        file.inventory.stock.clear();
        assert_only_issue(&file, "catalog.skus", "missing, expected a number of generated SKUs");
        let mut file = valid();
        file.catalog.skus = Some(0);
        assert_only_issue(&file, "catalog.skus", "must be >= 1");
        let mut file = valid();
        file.catalog.skus = Some(2_000_000);
        assert_only_issue(&file, "catalog.skus", "(the limit)");
    }

    #[test]
    fn generated_prices_and_weights_are_ordered() {
        let mut file = valid();
        file.catalog.price_max = 5.0;
        assert_only_issue(&file, "catalog.price_max", "must be > 10, found 5");
        let mut file = valid();
        file.catalog.weight_kg_max = 0.1;
        assert_only_issue(&file, "catalog.weight_kg_max", "must be >= 0.2");
        let mut file = valid();
        file.catalog.unit_cost_share = 0.0;
        assert_only_issue(&file, "catalog.unit_cost_share", "must be in (0, 1], found 0");
    }

    #[test]
    fn seasonal_skus_need_a_season_end() {
        let mut file = valid();
        file.catalog.seasonal_share = 0.5;
        assert_only_issue(&file, "catalog.season_end_day", "missing");
        file.catalog.season_end_day = Some(0);
        assert_only_issue(&file, "catalog.season_end_day", "must be >= 1");
        file.catalog.season_end_day = Some(56);
        assert_eq!(issues(&file), Vec::new());
    }

    #[test]
    fn items_are_unique_and_priced_consistently() {
        let mut file = valid();
        file.catalog.items.push(item("SKU-1"));
        assert_only_issue(&file, "catalog.items[1].id", "duplicate SKU id \"SKU-1\"");
        let mut file = valid();
        file.catalog.items.push(ItemFile { unit_cost: Some(12.0), ..item("SKU-2") });
        assert_only_issue(&file, "catalog.items[1].unit_cost", "must be <= price (10), found 12");
        let mut file = valid();
        file.catalog.items.push(ItemFile { clearance_price: Some(-1.0), ..item("SKU-2") });
        assert_only_issue(&file, "catalog.items[1].clearance_price", "must be >= 0");
    }

    #[test]
    fn item_categories_come_from_the_category_list() {
        let mut file = valid();
        file.catalog.items.push(ItemFile { category: Some("toys".into()), ..item("SKU-2") });
        assert_only_issue(
            &file,
            "catalog.items[1].category",
            "unknown category \"toys\", expected one of apparel, footwear",
        );
    }

    #[test]
    fn stock_overrides_name_nodes_and_items() {
        let mut file = valid();
        file.inventory.stock[0].node = "DC-Q".into();
        assert_only_issue(&file, "inventory.stock[0].node", "unknown node \"DC-Q\"");
        let mut file = valid();
        file.inventory.stock[0].sku = "SKU-9".into();
        assert_only_issue(&file, "inventory.stock[0].sku", "unknown SKU \"SKU-9\"");
        let mut file = valid();
        file.inventory.stock[0].units = -3;
        assert_only_issue(&file, "inventory.stock[0].units", "must be >= 0, found -3");
    }

    #[test]
    fn inventory_shares_and_durations_have_ranges() {
        let mut file = valid();
        file.inventory.store_assortment_share = 0.0;
        assert_only_issue(&file, "inventory.store_assortment_share", "(0, 1]");
        let mut file = valid();
        file.inventory.visibility_sync_minutes = -1.0;
        assert_only_issue(&file, "inventory.visibility_sync_minutes", "must be >= 0");
        let mut file = valid();
        file.inventory.shrink_per_unit_per_day = 1.5;
        assert_only_issue(&file, "inventory.shrink_per_unit_per_day", "found 1.5");
    }

    #[test]
    fn basket_distributions_sum_to_one() {
        let mut file = valid();
        file.demand.basket_lines = vec![0.6, 0.3];
        assert_only_issue(&file, "demand.basket_lines", "must sum to 1, found a sum of 0.9");
        let mut file = valid();
        file.demand.line_units = vec![1.5, -0.5];
        let found = issues(&file);
        assert!(found.iter().any(|i| i.path == "demand.line_units[0]"));
        assert!(found.iter().any(|i| i.path == "demand.line_units[1]"));
    }

    #[test]
    fn demand_profiles_have_fixed_lengths() {
        let mut file = valid();
        file.demand.day_of_week = vec![1.0; 5];
        assert_only_issue(&file, "demand.day_of_week", "must have 7 values, found 5");
        let mut file = valid();
        file.demand.hour_of_day = vec![0.0; 24];
        assert_only_issue(&file, "demand.hour_of_day", "must not be all zero");
    }

    #[test]
    fn channel_rates_are_bounded() {
        let mut file = valid();
        file.demand.channels.web = Some(ChannelFile { rate_per_day: -1.0, promise_days: None });
        assert_only_issue(&file, "demand.channels.web.rate_per_day", "must be >= 0, found -1");
        let mut file = valid();
        file.demand.channels.web = Some(ChannelFile { rate_per_day: 1e9, promise_days: None });
        assert_only_issue(
            &file,
            "demand.channels.web.rate_per_day",
            "must be <= 100000000 (the limit)",
        );
        file.demand.channels.web =
            Some(ChannelFile { rate_per_day: f64::INFINITY, promise_days: None });
        assert_eq!(issues(&file).len(), 1, "one message for an infinite rate");
    }

    #[test]
    fn some_demand_is_required() {
        let mut file = valid();
        file.demand.channels = Default::default();
        assert_only_issue(&file, "demand", "no demand");
    }

    #[test]
    fn a_trace_must_exist() {
        let mut file = valid();
        file.demand.trace = Some("missing_orders.csv".into());
        assert_only_issue(&file, "demand.trace", "file not found: missing_orders.csv");
    }

    #[test]
    fn channels_need_a_node_that_serves_them() {
        let mut file = valid();
        file.network.stores = None;
        file.policies.truncate(1);
        assert_only_issue(&file, "demand.channels.bopis", "expected a node with pickup");
    }

    #[test]
    fn promotions_have_ordered_days_and_positive_multipliers() {
        let promotion = PromotionFile {
            name: "sale".into(),
            start_day: 10,
            end_day: 9,
            multiplier: 0.0,
            channels: Some(Vec::new()),
        };
        let mut file = valid();
        file.demand.promotions.push(promotion);
        let paths: Vec<String> = issues(&file).into_iter().map(|i| i.path).collect();
        assert_eq!(
            paths,
            [
                "demand.promotions[0].end_day",
                "demand.promotions[0].multiplier",
                "demand.promotions[0].channels"
            ]
        );
    }

    #[test]
    fn behaviour_probabilities_are_probabilities() {
        let mut file = valid();
        file.execution.no_show_rate = 1.5;
        assert_only_issue(&file, "execution.no_show_rate", "must be in [0, 1], found 1.5");
        let mut file = valid();
        file.support.contact_split = -0.1;
        assert_only_issue(&file, "support.contact_split", "found -0.1");
    }

    #[test]
    fn supply_order_up_to_covers_the_reorder_point() {
        let mut file = valid();
        file.supply.dc_order_up_to_weeks = 1.0;
        assert_only_issue(
            &file,
            "supply.dc_order_up_to_weeks",
            "must be >= dc_reorder_point_weeks (2)",
        );
        let mut file = valid();
        file.supply.store_replenish_every_days = 0;
        assert_only_issue(&file, "supply.store_replenish_every_days", "must be >= 1");
    }

    #[test]
    fn return_dispositions_sum_to_one() {
        let mut file = valid();
        file.returns.liquidate_share = 0.2;
        assert_only_issue(&file, "returns.restock_share", "must sum to 1, found 1.1");
    }

    #[test]
    fn return_rates_and_category_multipliers_are_checked() {
        let mut file = valid();
        file.returns.rate.web = Some(1.5);
        assert_only_issue(&file, "returns.rate.web", "must be in [0, 1]");
        let mut file = valid();
        file.returns.category_multiplier.insert("home goods".into(), 1.2);
        assert_only_issue(&file, "returns.category_multiplier.\"home goods\"", "unknown category");
        let mut file = valid();
        file.returns.category_multiplier.insert("apparel".into(), -1.0);
        assert_only_issue(&file, "returns.category_multiplier.apparel", "must be >= 0");
    }
}
