//! Malformed input, through `omnilab validate`, `omnilab run` and `omnilab check`: every case
//! exits with code 2, prints a line `error: <file>:<line>:...` with the key words of its
//! message (the field path and what is wrong), prints nothing on stdout, and `run` and
//! `check` write no results (`check` loads every file before it runs any).
//!
//! Cases are one table: the fixture (a scenario under `tests/fixtures/`), the file and line
//! the message must start with (the scenario, or the trace or city table it names), and the
//! needles. The fixtures say in their first line what they break.

use super::{omnilab, text};

/// One malformed input.
struct Case {
    /// The scenario to load, relative to the repository root.
    scenario: &'static str,
    /// `<file>:<line>:` that the message starts with after `error: `.
    at: &'static str,
    /// Words the message must contain.
    needles: &'static [&'static str],
}

const fn case(scenario: &'static str, at: &'static str, needles: &'static [&'static str]) -> Case {
    Case { scenario, at, needles }
}

const INVALID: &str = "tests/fixtures/invalid/";
const MALFORMED: &str = "tests/fixtures/malformed/";

/// Every case; paths are completed with [`INVALID`] or [`MALFORMED`] by their first letter
/// (`i:` or `m:`).
const CASES: &[Case] = &[
    // Files that are not TOML of the scenario's shape.
    case("i:empty.toml", "i:empty.toml:1:1:", &["the file is empty"]),
    case("i:invalid_syntax.toml", "i:invalid_syntax.toml:19:", &["invalid TOML", "unclosed table"]),
    case("i:not_utf8.toml", "i:not_utf8.toml:5:19:", &["not valid UTF-8"]),
    case("m:utf16.toml", "m:utf16.toml:1:1:", &["UTF-16", "expected a TOML file saved as UTF-8"]),
    case("i:wrong_type.toml", "i:wrong_type.toml:4:16:", &["horizon_days:", "expected an integer"]),
    case(
        "i:unknown_top_level_key.toml",
        "i:unknown_top_level_key.toml:5:",
        &["colour:", "unknown key"],
    ),
    case(
        "i:unknown_nested_key.toml",
        "i:unknown_nested_key.toml:17:",
        &["capacity_per_dya:", "unknown key"],
    ),
    case(
        "i:store_without_coordinates.toml",
        "i:store_without_coordinates.toml:19:",
        &["network.nodes[2].lat:", "missing"],
    ),
    case(
        "i:unknown_preset.toml",
        "i:unknown_preset.toml:27:",
        &["policies[0].preset:", "unknown preset \"fastest\""],
    ),
    case(
        "i:unknown_filter.toml",
        "i:unknown_filter.toml:31:",
        &["policies[1].filters[1].filter:", "unknown filter"],
    ),
    case(
        "i:filter_unknown_field.toml",
        "i:filter_unknown_field.toml:33:",
        &["policies[1].filters[1].max_km:"],
    ),
    case(
        "i:unknown_sort_key.toml",
        "i:unknown_sort_key.toml:32:",
        &["policies[1].sort[1].key:", "unknown sort key"],
    ),
    // Values out of range: NaN, infinite, negative, absurd.
    case(
        "i:nan_value.toml",
        "i:nan_value.toml:15:",
        &["network.nodes[1].lat:", "finite number, found NaN"],
    ),
    case(
        "i:inf_value.toml",
        "i:inf_value.toml:23:",
        &["rate_per_day:", "finite number, found inf"],
    ),
    case(
        "i:negative_capacity.toml",
        "i:negative_capacity.toml:17:",
        &["capacity_per_day:", "must be >= 0, found -5"],
    ),
    case(
        "i:probability_out_of_range.toml",
        "i:probability_out_of_range.toml:18:",
        &["pick_failure_rate:", "found 1.5"],
    ),
    case(
        "m:probability_negative.toml",
        "m:probability_negative.toml:26:",
        &["execution.no_show_rate:", "found -0.1"],
    ),
    case(
        "m:negative_lead_time.toml",
        "m:negative_lead_time.toml:22:",
        &["transfers.lanes[0].lead_time_days:", "found -2"],
    ),
    case(
        "m:negative_stock.toml",
        "m:negative_stock.toml:25:",
        &["inventory.stock[0].units:", "found -4"],
    ),
    case(
        "m:absurd_rate.toml",
        "m:absurd_rate.toml:20:",
        &["demand.channels.web.rate_per_day:", "(the limit)"],
    ),
    case(
        "m:capacity_over_limit.toml",
        "m:capacity_over_limit.toml:12:",
        &["capacity_per_day:", "found 5000000000"],
    ),
    case(
        "m:absurd_duration.toml",
        "m:absurd_duration.toml:12:",
        &["pick_sla_hours:", "(the limit), found 1e300"],
    ),
    case(
        "m:promotion_multiplier_absurd.toml",
        "m:promotion_multiplier_absurd.toml:29:",
        &["demand.promotions[0].multiplier:", "(the limit)"],
    ),
    case(
        "m:basket_not_a_distribution.toml",
        "m:basket_not_a_distribution.toml:26:",
        &["demand.basket_lines:", "must sum to 1"],
    ),
    case(
        "m:warmup_not_before_horizon.toml",
        "m:warmup_not_before_horizon.toml:6:",
        &["warmup_days:", "must be < horizon_days"],
    ),
    case("i:version_2.toml", "i:version_2.toml:2:", &["version:", "unsupported version 2"]),
    case(
        "i:up_to_without_max_shipments.toml",
        "i:up_to_without_max_shipments.toml:29:",
        &["policies[1].max_shipments:"],
    ),
    case("i:many_errors.toml", "i:many_errors.toml:5:", &["replications:", "must be >= 1"]),
    // Empty inputs and duplicate identifiers.
    case("i:empty_network.toml", "i:empty_network.toml:6:", &["network:", "the network is empty"]),
    case(
        "m:items_all_unpopular.toml",
        "m:items_all_unpopular.toml:18:",
        &["catalog.items:", "popularity 0"],
    ),
    case(
        "i:duplicate_node_names.toml",
        "i:duplicate_node_names.toml:13:",
        &["network.nodes[1].name:", "duplicate node name"],
    ),
    case(
        "m:duplicate_policy_names.toml",
        "m:duplicate_policy_names.toml:30:",
        &["policies[1].name:", "duplicate policy name"],
    ),
    case(
        "m:duplicate_sku_ids.toml",
        "m:duplicate_sku_ids.toml:23:",
        &["catalog.items[1].id:", "duplicate SKU id \"HERO\""],
    ),
    case(
        "m:node_named_like_generated_store.toml",
        "m:node_named_like_generated_store.toml:14:",
        &["network.nodes[1].name:", "also the name of the store"],
    ),
    // Dangling references.
    case(
        "i:lane_to_unknown_node.toml",
        "i:lane_to_unknown_node.toml:21:",
        &["transfers.lanes[0].to:", "unknown node \"DC-CENTRAL\""],
    ),
    case(
        "i:unknown_baseline.toml",
        "i:unknown_baseline.toml:5:",
        &["baseline:", "unknown policy \"dc_frist\""],
    ),
    case(
        "m:unknown_item_category.toml",
        "m:unknown_item_category.toml:23:",
        &["catalog.items[0].category:", "unknown category \"toys\""],
    ),
    case(
        "m:exclude_unplaced_store.toml",
        "m:exclude_unplaced_store.toml:28:",
        &["policies[0].filters[0].nodes[0]:", "no generated store has that name", "S-Chicago-IL"],
    ),
    case(
        "m:lane_to_unplaced_store.toml",
        "m:lane_to_unplaced_store.toml:20:",
        &["transfers.lanes[0].to:", "no node is named \"S-Chicgo-IL\""],
    ),
    case(
        "m:stock_at_unplaced_store.toml",
        "m:stock_at_unplaced_store.toml:23:",
        &["inventory.stock[0].node:", "\"S-Miami-FL\""],
    ),
    case(
        "m:pickup_out_of_reach.toml",
        "m:pickup_out_of_reach.toml:",
        &["demand.pickup_radius_miles:", "every BOPIS order would be lost"],
    ),
    case(
        "m:more_stores_than_cities.toml",
        "m:more_stores_than_cities.toml:14:",
        &["network.stores.count:", "must be <= 971"],
    ),
    // Expectations of `omnilab check` (`[[expect]]`).
    case(
        "m:expect_unknown_policy.toml",
        "m:expect_unknown_policy.toml:34:",
        &["expect[0].policy:", "unknown policy \"nearst\""],
    ),
    case(
        "m:expect_unknown_versus.toml",
        "m:expect_unknown_versus.toml:35:",
        &["expect[0].versus:", "unknown policy \"greedy_cost\""],
    ),
    case(
        "m:expect_versus_itself.toml",
        "m:expect_versus_itself.toml:35:",
        &["expect[0].versus:", "must differ from policy"],
    ),
    case(
        "m:expect_unknown_metric.toml",
        "m:expect_unknown_metric.toml:35:",
        &["expect[0].metric:", "unknown metric \"on_time_rate\""],
    ),
    case(
        "m:expect_unknown_channel.toml",
        "m:expect_unknown_channel.toml:36:",
        &["expect[0].channel:", "unknown channel \"phone\""],
    ),
    case(
        "m:expect_without_bounds.toml",
        "m:expect_without_bounds.toml:33:",
        &["expect[0]:", "needs min, max or both"],
    ),
    case(
        "m:expect_min_above_max.toml",
        "m:expect_min_above_max.toml:36:",
        &["expect[0].min:", "must be <= max (0.9), found 0.95"],
    ),
    case(
        "m:expect_nan_bound.toml",
        "m:expect_nan_bound.toml:36:",
        &["expect[0].max:", "finite number, found NaN"],
    ),
    case(
        "m:expect_negative_tolerance.toml",
        "m:expect_negative_tolerance.toml:38:",
        &["expect[0].tolerance:", "must be >= 0, found -0.01"],
    ),
    case(
        "m:expect_gap_without_bound.toml",
        "m:expect_gap_without_bound.toml:35:",
        &["expect[0].metric:", "only with the hindsight bound"],
    ),
    case(
        "m:expect_unknown_judgement.toml",
        "m:expect_unknown_judgement.toml:37:",
        &["expect[0].by:", "\"median\", expected one of mean, interval"],
    ),
    // Files the scenario names: missing, or broken inside.
    case(
        "i:missing_trace.toml",
        "i:missing_trace.toml:30:",
        &["demand.trace:", "file not found", "no_such_orders.csv"],
    ),
    case(
        "m:missing_city_table.toml",
        "m:missing_city_table.toml:8:",
        &["network.cities:", "file not found", "no_such_cities.csv"],
    ),
    case(
        "m:city_table_bad_latitude.toml",
        "m:city_table_bad_latitude.toml:8:",
        &["network.cities:", "cities_bad_latitude.csv, line 3: field `lat`"],
    ),
    case(
        "m:city_table_nan.toml",
        "m:city_table_nan.toml:8:",
        &["network.cities:", "cities_nan.csv, line 4: field `lon`", "\"NaN\""],
    ),
    case(
        "m:city_table_not_utf8.toml",
        "m:city_table_not_utf8.toml:8:",
        &["network.cities:", "cities_not_utf8.csv", "line 3", "invalid utf-8"],
    ),
    case(
        "m:city_table_empty.toml",
        "m:city_table_empty.toml:8:",
        &["network.cities:", "has no cities"],
    ),
    case(
        "m:city_table_duplicate_city.toml",
        "m:city_table_duplicate_city.toml:",
        &["network.stores:", "two cities", "\"S-Chicago-IL\""],
    ),
    // Disruptions: unknown kinds and nodes, windows outside the horizon, bad amounts.
    case(
        "m:disruption_unknown_kind.toml",
        "m:disruption_unknown_kind.toml:27:8:",
        &["disruptions[0].kind:", "unknown disruption kind \"flood\"", "node_outage"],
    ),
    case(
        "m:disruption_unknown_node.toml",
        "m:disruption_unknown_node.toml:28:10:",
        &["disruptions[0].nodes[0]:", "unknown node \"DC-WEST\""],
    ),
    case(
        "m:disruption_unplaced_store.toml",
        "m:disruption_unplaced_store.toml:28:10:",
        &["disruptions[0].nodes[0]:", "no generated store has that name"],
    ),
    case(
        "m:disruption_end_before_start.toml",
        "m:disruption_end_before_start.toml:29:11:",
        &["disruptions[0].end_day:", "must be > start_day (4.5), found 4"],
    ),
    case(
        "m:disruption_outside_horizon.toml",
        "m:disruption_outside_horizon.toml:29:11:",
        &["disruptions[0].end_day:", "must be <= horizon_days (7), found 30"],
    ),
    case(
        "m:disruption_share_over_one.toml",
        "m:disruption_share_over_one.toml:30:9:",
        &["disruptions[0].share:", "must be in [0, 1], found 1.5"],
    ),
    case(
        "m:disruption_negative_delay.toml",
        "m:disruption_negative_delay.toml:30:14:",
        &["disruptions[0].extra_days:", "must be in [0, 365], found -2"],
    ),
    case(
        "m:disruption_nan_delay.toml",
        "m:disruption_nan_delay.toml:30:14:",
        &["disruptions[0].extra_days:", "finite number, found NaN"],
    ),
    case(
        "m:disruption_inf_factor.toml",
        "m:disruption_inf_factor.toml:30:10:",
        &["disruptions[0].factor:", "finite number, found inf"],
    ),
    case(
        "m:disruption_missing_nodes.toml",
        "m:disruption_missing_nodes.toml:26:1:",
        &["disruptions[0].nodes:", "missing, required for kind \"node_outage\""],
    ),
    case(
        "m:disruption_foreign_key.toml",
        "m:disruption_foreign_key.toml:31:14:",
        &["disruptions[0].extra_days:", "does not apply to kind \"shrink\""],
    ),
    case(
        "m:disruption_unknown_zone.toml",
        "m:disruption_unknown_zone.toml:31:13:",
        &["disruptions[0].zones[1]:", "1 to 8, found 9"],
    ),
    // Traces: read in full by validate and before any replication by run.
    case("m:trace_empty_file.toml", "m:trace_empty_file.csv:1:", &["header:", "the file is empty"]),
    case("m:trace_header_only.toml", "m:trace_header_only.csv:1:", &["rows:", "no rows"]),
    case(
        "m:trace_unknown_column.toml",
        "m:trace_unknown_column.csv:1:",
        &["header:", "unknown column `coupon`"],
    ),
    case(
        "m:trace_time_backwards.toml",
        "m:trace_time_backwards.csv:3:",
        &["time:", "earlier than the previous order's time"],
    ),
    case("m:trace_unknown_sku.toml", "m:trace_unknown_sku.csv:3:", &["sku:", "\"hat\""]),
    case(
        "m:trace_nan_latitude.toml",
        "m:trace_nan_latitude.csv:3:",
        &["customer_lat:", "NaN is not a finite number"],
    ),
    case(
        "m:trace_negative_units.toml",
        "m:trace_negative_units.csv:3:",
        &["units:", "-3 is negative"],
    ),
    case(
        "m:trace_huge_units.toml",
        "m:trace_huge_units.csv:3:",
        &["units:", "more than the 1000000 units"],
    ),
    case(
        "m:trace_bopis_without_pickup.toml",
        "m:trace_bopis_without_pickup.csv:3:",
        &["store:", "does not offer pickup"],
    ),
    case("m:trace_utf16.toml", "m:trace_utf16.csv:1:", &["header:", "UTF-16"]),
    case("m:trace_not_utf8.toml", "m:trace_not_utf8.csv:3:", &["channel:", "not valid UTF-8"]),
    case(
        "m:trace_repeated_order_id.toml",
        "m:trace_repeated_order_id.csv:4:",
        &["order_id:", "already used by the order on line 2"],
    ),
];

/// `i:name` or `m:name` as a path from the repository root.
fn expand(short: &str) -> String {
    match short.split_once(':') {
        Some(("i", rest)) => format!("{INVALID}{rest}"),
        Some(("m", rest)) => format!("{MALFORMED}{rest}"),
        _ => short.to_string(),
    }
}

/// Checks one command's output against a case; returns a description of what is wrong.
fn check(case: &Case, command: &str, output: &std::process::Output) -> Option<String> {
    let (stdout, stderr) = text(output);
    let prefix = format!("error: {}", expand(case.at));
    let matching = stderr
        .lines()
        .any(|line| line.starts_with(&prefix) && case.needles.iter().all(|n| line.contains(n)));
    let mut problems = Vec::new();
    if output.status.code() != Some(2) {
        problems.push(format!("exit code {:?}", output.status.code()));
    }
    if !stdout.is_empty() {
        problems.push(format!("stdout {stdout:?}"));
    }
    if !matching {
        problems.push(format!("no line starting {prefix:?} with {:?}", case.needles));
    }
    (!problems.is_empty())
        .then(|| format!("{command} {}: {}\n{stderr}", case.scenario, problems.join("; ")))
}

#[test]
fn the_table_has_at_least_forty_cases_and_every_fixture_is_used() {
    assert!(CASES.len() >= 40, "{} cases", CASES.len());
    let used: Vec<String> = CASES.iter().map(|c| expand(c.scenario)).collect();
    for dir in [INVALID, MALFORMED] {
        let entries = std::fs::read_dir(super::repository().join(dir)).expect("fixture folder");
        for entry in entries {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            if name.ends_with(".toml") {
                let path = format!("{dir}{name}");
                assert!(used.contains(&path), "{path} is not in the table");
            }
        }
    }
}

#[test]
fn validate_rejects_every_malformed_input_with_file_line_and_field() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| check(case, "validate", &omnilab(&["validate", &expand(case.scenario)])))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn run_rejects_every_malformed_input_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("results");
    let out_arg = out.to_str().expect("temp paths are UTF-8");
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| {
            let output = omnilab(&["run", &expand(case.scenario), "--out", out_arg, "--quiet"]);
            let mut failure = check(case, "run", &output);
            if out.exists() {
                failure.get_or_insert_with(String::new).push_str("\nresults were written");
            }
            failure
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    let leftovers = std::fs::read_dir(dir.path()).expect("temp dir").count();
    assert_eq!(leftovers, 0, "no staging folder is left behind");
}

#[test]
fn check_loads_every_file_first_and_reports_each_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("results");
    let mut args = vec!["check".to_string(), "--out".into(), out.display().to_string()];
    args.extend(CASES.iter().map(|case| expand(case.scenario)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = omnilab(&args);

    let failures: Vec<String> =
        CASES.iter().filter_map(|case| check(case, "check", &output)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    assert!(!out.exists(), "nothing runs when any file is invalid");
}
