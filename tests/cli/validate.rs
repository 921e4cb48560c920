//! `omnilab validate`: bundled scenarios are valid; each malformed fixture fails with exit
//! code 2 and a diagnostic naming the file, the line and column, the field path and what is
//! wrong.

use super::{invalid_fixture, omnilab, repository, text};

/// Validates one fixture, expecting exit code 2 and one stderr line starting with
/// `error: <file>:<line>:` that contains every needle.
fn assert_rejected(fixture: &str, line: usize, needles: &[&str]) {
    let path = invalid_fixture(fixture);
    let path = path.to_str().expect("fixture paths are UTF-8");
    let output = omnilab(&["validate", path]);
    let (stdout, stderr) = text(&output);

    assert_eq!(output.status.code(), Some(2), "exit code for {fixture}: {stderr}");
    assert!(stdout.is_empty(), "nothing on stdout for {fixture}, found {stdout}");
    let prefix = format!("error: {path}:{line}:");
    let matching =
        stderr.lines().find(|l| l.starts_with(&prefix) && needles.iter().all(|n| l.contains(n)));
    assert!(matching.is_some(), "no line starting {prefix:?} with {needles:?} in:\n{stderr}");
}

#[test]
fn every_bundled_scenario_is_valid() {
    let entries = std::fs::read_dir(repository().join("scenarios")).expect("scenarios/ exists");
    let mut files: Vec<String> = entries
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| format!("scenarios/{}", path.file_name().expect("a file").to_string_lossy()))
        .collect();
    files.sort();
    assert!(files.contains(&"scenarios/quickstart.toml".to_owned()));

    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let output = omnilab(&args);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    for file in &files {
        assert!(stdout.contains(&format!("ok: {file}")), "{stdout}");
    }
}

#[test]
fn a_wrong_type_names_the_expected_type() {
    assert_rejected(
        "wrong_type.toml",
        4,
        &[":16: horizon_days:", "wrong type", "\"two weeks\"", "expected an integer"],
    );
}

#[test]
fn an_unknown_top_level_key_lists_the_known_ones() {
    assert_rejected(
        "unknown_top_level_key.toml",
        5,
        &["colour:", "unknown key \"colour\"", "expected one of version, name"],
    );
}

#[test]
fn an_unknown_nested_key_suggests_the_closest_one() {
    assert_rejected(
        "unknown_nested_key.toml",
        17,
        &["network.nodes[1].capacity_per_dya:", "unknown key"],
    );
    let output = omnilab(&["validate", "tests/fixtures/invalid/unknown_nested_key.toml"]);
    assert!(text(&output).1.contains("hint: did you mean `capacity_per_day`?"));
}

#[test]
fn a_negative_capacity_says_what_was_found() {
    assert_rejected(
        "negative_capacity.toml",
        17,
        &[":20: network.nodes[1].capacity_per_day: must be >= 0, found -5"],
    );
}

#[test]
fn a_store_without_coordinates_is_missing_its_latitude() {
    assert_rejected(
        "store_without_coordinates.toml",
        19,
        &["network.nodes[2].lat:", "missing, this key is required"],
    );
}

#[test]
fn an_unknown_preset_lists_the_presets() {
    assert_rejected(
        "unknown_preset.toml",
        27,
        &[
            "policies[0].preset:",
            "unknown preset \"fastest\"",
            "dc_first, nearest, min_split, greedy_cost",
        ],
    );
}

#[test]
fn an_unknown_filter_lists_the_filters() {
    assert_rejected(
        "unknown_filter.toml",
        31,
        &[
            "policies[1].filters[1].filter:",
            "unknown filter \"in_stock\"",
            "expected one of capability, has_full_atp",
        ],
    );
}

#[test]
fn a_filter_on_an_unknown_field_points_at_the_field() {
    assert_rejected(
        "filter_unknown_field.toml",
        33,
        &[":33: policies[1].filters[1].max_km:", "unknown key \"max_km\", expected max_miles"],
    );
}

#[test]
fn an_unknown_sort_key_lists_the_sort_keys() {
    assert_rejected(
        "unknown_sort_key.toml",
        32,
        &["policies[1].sort[1].key:", "unknown sort key \"speed\"", "days_of_cover"],
    );
}

#[test]
fn an_empty_network_is_rejected() {
    assert_rejected("empty_network.toml", 6, &["network:", "the network is empty"]);
}

#[test]
fn duplicate_node_names_point_at_the_first_use() {
    assert_rejected(
        "duplicate_node_names.toml",
        13,
        &["network.nodes[1].name:", "duplicate node name \"DC-EAST\"", "network.nodes[0].name"],
    );
}

#[test]
fn a_lane_to_an_unknown_node_names_it() {
    assert_rejected(
        "lane_to_unknown_node.toml",
        21,
        &["transfers.lanes[0].to:", "unknown node \"DC-CENTRAL\""],
    );
}

#[test]
fn a_probability_above_one_is_rejected() {
    assert_rejected(
        "probability_out_of_range.toml",
        18,
        &["network.nodes[1].pick_failure_rate:", "must be in [0, 1], found 1.5"],
    );
}

#[test]
fn nan_is_not_a_number_the_format_accepts() {
    assert_rejected(
        "nan_value.toml",
        15,
        &["network.nodes[1].lat:", "must be a finite number, found NaN"],
    );
}

#[test]
fn infinity_is_rejected_once() {
    assert_rejected(
        "inf_value.toml",
        23,
        &["demand.channels.web.rate_per_day:", "must be a finite number, found inf"],
    );
    let output = omnilab(&["validate", "tests/fixtures/invalid/inf_value.toml"]);
    assert_eq!(text(&output).1.lines().count(), 1);
}

#[test]
fn split_up_to_needs_max_shipments() {
    assert_rejected(
        "up_to_without_max_shipments.toml",
        29,
        &["policies[1].max_shipments:", "split = \"up_to\" needs max_shipments"],
    );
}

#[test]
fn a_baseline_must_name_a_policy() {
    assert_rejected(
        "unknown_baseline.toml",
        5,
        &["baseline:", "unknown policy \"dc_frist\", expected one of dc_first"],
    );
}

#[test]
fn only_version_1_is_supported() {
    assert_rejected("version_2.toml", 2, &[":11: version:", "unsupported version 2, expected 1"]);
}

#[test]
fn a_missing_trace_file_is_named() {
    assert_rejected(
        "missing_trace.toml",
        30,
        &["demand.trace:", "file not found: tests/fixtures/invalid/no_such_orders.csv"],
    );
}

#[test]
fn invalid_toml_syntax_is_located() {
    assert_rejected("invalid_syntax.toml", 19, &["invalid TOML:", "unclosed table"]);
}

#[test]
fn a_file_that_is_not_utf8_is_located_at_the_bad_byte() {
    assert_rejected("not_utf8.toml", 5, &[":19:", "not valid UTF-8"]);
}

#[test]
fn an_empty_file_says_so() {
    assert_rejected("empty.toml", 1, &[":1: the file is empty"]);
}

#[test]
fn every_rule_error_in_a_file_is_reported_in_line_order() {
    let output = omnilab(&["validate", "tests/fixtures/invalid/many_errors.toml"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    let paths: Vec<&str> = stderr.lines().filter_map(|line| line.split(": ").nth(2)).collect();
    assert_eq!(
        paths,
        [
            "replications",
            "network.nodes[1].capacity_per_day",
            "network.nodes[1].pick_failure_rate",
            "catalog.skus"
        ]
    );
}

#[test]
fn valid_and_invalid_files_are_all_reported() {
    let output = omnilab(&[
        "validate",
        "scenarios/quickstart.toml",
        "tests/fixtures/invalid/version_2.toml",
        "no/such/scenario.toml",
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout, "ok: scenarios/quickstart.toml\n");
    assert!(stderr.contains("version_2.toml:2:11: version:"));
    assert!(stderr.contains("error: no/such/scenario.toml: cannot read the file"));
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(omnilab(&["validate"]).status.code(), Some(2));
    assert_eq!(omnilab(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn help_explains_omnilab_and_shows_examples() {
    let output = omnilab(&["--help"]);
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.contains("omnichannel order routing"));
    assert!(stdout.contains("validate"));
    assert!(stdout.contains("omnilab validate scenarios/quickstart.toml"));

    let (stdout, _) = text(&omnilab(&["validate", "--help"]));
    assert!(stdout.contains("Exits with 0 when"));
    assert!(stdout.contains("Examples:"));
}

#[test]
fn a_scenario_copied_elsewhere_resolves_its_trace_next_to_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let quickstart = std::fs::read_to_string(repository().join("scenarios/quickstart.toml"))
        .expect("quickstart readable");
    let with_trace = quickstart
        .replace("lost_sale = \"drop_line\"", "trace = \"orders.csv\"\nlost_sale = \"drop_line\"");
    let scenario = dir.path().join("traced.toml");
    std::fs::write(&scenario, with_trace).expect("write scenario");
    let scenario = scenario.to_str().expect("temp paths are UTF-8");

    let missing = omnilab(&["validate", scenario]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).1.contains("orders.csv"));

    let trace = dir.path().join("orders.csv");
    let header = "order_id,time,channel,customer_lat,customer_lon,sku,units,store\n";
    std::fs::write(&trace, format!("{header}A1,0,web,40.7,-74.0,HERO-JACKET,1,\n"))
        .expect("write trace");
    let found = omnilab(&["validate", scenario]);
    assert_eq!(found.status.code(), Some(0), "{}", text(&found).1);

    // The trace's contents are checked too, not only that it exists.
    std::fs::write(&trace, format!("{header}A1,0,web,40.7,-74.0,NO-SUCH-SKU,1,\n"))
        .expect("write trace");
    let broken = omnilab(&["validate", scenario]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(text(&broken).1.contains("orders.csv:2: sku:"), "{}", text(&broken).1);
}
