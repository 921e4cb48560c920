//! Checks of `[network]` (explicit nodes, generated stores, their settings, the city table),
//! `[carrier]` and `[transfers]`.
//!
//! Reads the custom city table only to count its rows; what the rows contain is checked when
//! the network is resolved.

use std::path::Path;

use super::{BUNDLED_CITY_COUNT, Checks, MAX_NODES, NodeNames, file_exists};
use crate::scenario::file::{
    Capability, DEFAULT_ZONE_COUNT, NodeKind, NodeSettings, PickTime, ScenarioFile, parse_clock,
};

pub(super) fn check(
    file: &ScenarioFile,
    scenario_path: &Path,
    names: &NodeNames<'_>,
    checks: &mut Checks,
) {
    nodes(file, checks);
    stores(file, scenario_path, checks);
    carrier(file, checks);
    transfers(file, names, checks);
}

fn nodes(file: &ScenarioFile, checks: &mut Checks) {
    let network = &file.network;
    let store_count = network.stores.as_ref().map_or(0, |stores| stores.count.max(0));
    if network.nodes.is_empty() && store_count == 0 {
        checks.fail(
            "network",
            "the network is empty, expected [[network.nodes]] entries or [network.stores]",
        );
    } else if !network.nodes.iter().any(|n| n.kind != NodeKind::Vendor) && store_count == 0 {
        checks.fail("network", "only vendors, expected at least one dc or store to fulfill orders");
    }

    let total = network.nodes.len() as i64 + store_count;
    if total > MAX_NODES {
        checks.fail("network", format!("{total} nodes, must be <= {MAX_NODES} (the limit)"));
    }

    let names = network.nodes.iter().enumerate();
    checks.unique(
        "node name",
        names.map(|(i, n)| (format!("network.nodes[{i}].name"), n.name.as_str())),
    );
    for (index, node) in network.nodes.iter().enumerate() {
        let path = format!("network.nodes[{index}]");
        checks.not_blank(&format!("{path}.name"), &node.name);
        checks.within(&format!("{path}.lat"), node.lat, -90.0, 90.0);
        checks.within(&format!("{path}.lon"), node.lon, -180.0, 180.0);
        settings(&path, node.kind, &node.settings(), checks);
    }
}

fn stores(file: &ScenarioFile, scenario_path: &Path, checks: &mut Checks) {
    let Some(stores) = &file.network.stores else { return };
    settings("network.stores", NodeKind::Store, &stores.settings(), checks);
    if stores.count < 1 {
        checks.fail("network.stores.count", format!("must be >= 1, found {}", stores.count));
        return;
    }

    let Some(cities) = city_count(file, scenario_path, checks) else { return };
    if stores.count as u64 > cities as u64 {
        checks.fail(
            "network.stores.count",
            format!("must be <= {cities} (the cities in the city table), found {}", stores.count),
        );
    }
}

/// The number of cities in the scenario's city table; `None` when it cannot be read.
fn city_count(file: &ScenarioFile, scenario_path: &Path, checks: &mut Checks) -> Option<usize> {
    let Some(relative) = &file.network.cities else { return Some(BUNDLED_CITY_COUNT) };
    if !file_exists(file, scenario_path, "network.cities", relative, checks) {
        return None;
    }

    let resolved = file.resolve_path(scenario_path, relative);
    let rows = csv::Reader::from_path(&resolved).and_then(|mut reader| {
        reader.records().try_fold(0usize, |count, record| record.map(|_| count + 1))
    });
    match rows {
        Ok(0) => {
            let message = format!("the city table {} has no cities", resolved.display());
            checks.fail("network.cities", message);
            None
        }
        Ok(rows) => Some(rows),
        Err(error) => {
            let message = format!("cannot read the city table {}: {error}", resolved.display());
            checks.fail("network.cities", message);
            None
        }
    }
}

/// The per-node settings keys of the table at `path`, for a node of `kind`.
fn settings(path: &str, kind: NodeKind, settings: &NodeSettings, checks: &mut Checks) {
    let key = |name: &str| format!("{path}.{name}");
    capabilities(path, kind, settings, checks);

    if let Some(capacity) = settings.capacity_per_day {
        checks.int_at_least(&key("capacity_per_day"), capacity, 0);
    }
    if let Some(priority) = settings.priority {
        checks.int_at_least(&key("priority"), priority, 0);
    }
    if let Some(pick_time) = &settings.pick_time {
        self::pick_time(&key("pick_time"), pick_time, checks);
    }
    if let Some(hours) = &settings.hours {
        opening_hours(&key("hours"), &hours.open, &hours.close, checks);
    }

    let non_negative = [
        ("pick_sla_hours", settings.pick_sla_hours),
        ("pick_cost_per_unit", settings.pick_cost_per_unit),
        ("pack_cost_per_shipment", settings.pack_cost_per_shipment),
    ];
    for (name, value) in non_negative {
        if let Some(value) = value {
            checks.at_least(&key(name), value, 0.0);
        }
    }
    if let Some(rate) = settings.pick_failure_rate {
        checks.probability(&key("pick_failure_rate"), rate);
    }
}

/// Vendors may not fulfill; nodes that fulfill need pickers.
fn capabilities(path: &str, kind: NodeKind, settings: &NodeSettings, checks: &mut Checks) {
    let filled = settings.clone().with_defaults(kind);
    let capabilities = filled.capabilities.unwrap_or_default();
    let fulfills = capabilities.iter().any(|c| c.is_fulfillment());

    if kind == NodeKind::Vendor {
        for (index, capability) in capabilities.iter().enumerate() {
            if capability.is_fulfillment() {
                checks.fail(
                    format!("{path}.capabilities[{index}]"),
                    format!(
                        "a vendor cannot have \"{}\", expected only transfer or accept_returns",
                        capability.as_str()
                    ),
                );
            }
        }
    }

    let pickers_path = format!("{path}.pickers");
    if fulfills && kind != NodeKind::Vendor {
        checks.int_at_least(&pickers_path, filled.pickers.unwrap_or_default(), 1);
    } else if let Some(pickers) = settings.pickers {
        checks.int_at_least(&pickers_path, pickers, 0);
    }
}

fn pick_time(path: &str, pick_time: &PickTime, checks: &mut Checks) {
    match pick_time {
        PickTime::Fixed { minutes } => checks.at_least(&format!("{path}.minutes"), *minutes, 0.0),
        PickTime::Exponential { mean_minutes } => {
            checks.above(&format!("{path}.mean_minutes"), *mean_minutes, 0.0);
        }
        PickTime::LogNormal { mean_minutes, sd_minutes } => {
            checks.above(&format!("{path}.mean_minutes"), *mean_minutes, 0.0);
            checks.at_least(&format!("{path}.sd_minutes"), *sd_minutes, 0.0);
        }
    }
}

fn opening_hours(path: &str, open: &str, close: &str, checks: &mut Checks) {
    let open_path = format!("{path}.open");
    let close_path = format!("{path}.close");
    let open_at = clock(&open_path, open, checks);
    let close_at = clock(&close_path, close, checks);
    if let (Some(open_at), Some(close_at)) = (open_at, close_at) {
        if open_at >= close_at {
            checks.fail(close_path, format!("must be after open ({open}), found \"{close}\""));
        }
    }
}

/// A time of day `HH:MM` at `path`, in seconds since midnight.
fn clock(path: &str, text: &str, checks: &mut Checks) -> Option<u32> {
    let parsed = parse_clock(text);
    if parsed.is_none() {
        checks.fail(path, format!("invalid time \"{text}\", expected HH:MM from 00:00 to 24:00"));
    }
    parsed
}

fn carrier(file: &ScenarioFile, checks: &mut Checks) {
    let carrier = &file.carrier;
    let cutoff = carrier.cutoff.as_deref().and_then(|text| clock("carrier.cutoff", text, checks));
    if cutoff == Some(86_400) {
        checks.fail("carrier.cutoff", "must be before 24:00, found \"24:00\"");
    }

    let zones = match &carrier.bands_miles {
        Some(bands) => {
            bands_ascending(bands, checks);
            bands.len() + 1
        }
        None => DEFAULT_ZONE_COUNT,
    };
    per_zone(checks, "carrier.parcel_cost", carrier.parcel_cost.as_deref(), zones, |c, p, v| {
        c.at_least(p, v, 0.0)
    });
    per_zone(checks, "carrier.cost_per_kg", carrier.cost_per_kg.as_deref(), zones, |c, p, v| {
        c.at_least(p, v, 0.0)
    });
    per_zone(checks, "carrier.transit_days", carrier.transit_days.as_deref(), zones, |c, p, v| {
        c.int_at_least(p, v, 0)
    });
    let late = carrier.late_probability.as_deref();
    per_zone(checks, "carrier.late_probability", late, zones, Checks::probability);
    if let Some(late_days) = carrier.late_days {
        checks.int_at_least("carrier.late_days", late_days, 0);
    }
}

fn bands_ascending(bands: &[f64], checks: &mut Checks) {
    if bands.is_empty() {
        checks.fail("carrier.bands_miles", "must not be empty, expected ascending miles");
    }
    for (index, band) in bands.iter().enumerate() {
        let path = format!("carrier.bands_miles[{index}]");
        checks.above(&path, *band, 0.0);
        if index > 0 && band.is_finite() && *band <= bands[index - 1] {
            let message =
                format!("must be above the previous band ({}), found {band}", bands[index - 1]);
            checks.fail(path, message);
        }
    }
}

/// A per-zone list must have one value per zone, each passing `check`.
fn per_zone<T: Copy>(
    checks: &mut Checks,
    path: &str,
    values: Option<&[T]>,
    zones: usize,
    check: impl Fn(&mut Checks, &str, T),
) {
    let Some(values) = values else { return };
    if values.len() != zones {
        let message = format!(
            "must have one value per zone ({zones}, bands_miles + 1), found {}",
            values.len()
        );
        checks.fail(path, message);
        return;
    }
    for (index, value) in values.iter().enumerate() {
        check(checks, &format!("{path}[{index}]"), *value);
    }
}

fn transfers(file: &ScenarioFile, names: &NodeNames<'_>, checks: &mut Checks) {
    let transfers = &file.transfers;
    if let Some(terms) = &transfers.dc_to_store {
        checks.at_least("transfers.dc_to_store.cost_per_unit", terms.cost_per_unit, 0.0);
        checks.at_least("transfers.dc_to_store.lead_time_days", terms.lead_time_days, 0.0);
    }
    if let Some(terms) = &transfers.store_to_store {
        checks.above("transfers.store_to_store.max_miles", terms.max_miles, 0.0);
        checks.at_least("transfers.store_to_store.cost_per_unit", terms.cost_per_unit, 0.0);
        checks.at_least("transfers.store_to_store.lead_time_days", terms.lead_time_days, 0.0);
    }

    for (index, lane) in transfers.lanes.iter().enumerate() {
        let path = format!("transfers.lanes[{index}]");
        names.check(&format!("{path}.from"), &lane.from, checks);
        names.check(&format!("{path}.to"), &lane.to, checks);
        if lane.from == lane.to {
            checks.fail(
                format!("{path}.to"),
                format!("a lane from \"{}\" to itself, expected another node", lane.to),
            );
        }
        checks.at_least(&format!("{path}.cost_per_unit"), lane.cost_per_unit, 0.0);
        checks.at_least(&format!("{path}.lead_time_days"), lane.lead_time_days, 0.0);
    }
}

/// Whether any node, explicit or generated, has a capability (after defaults).
pub(super) fn any_node_can(file: &ScenarioFile, capability: Capability) -> bool {
    let has = |kind, settings: NodeSettings| {
        let filled = settings.with_defaults(kind);
        filled.capabilities.is_some_and(|all| all.contains(&capability))
    };
    let explicit = file.network.nodes.iter().any(|node| has(node.kind, node.settings()));
    let stores = file.network.stores.as_ref().is_some_and(|s| has(NodeKind::Store, s.settings()));
    explicit || stores
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::scenario::file::{Hours, LaneTerms, PickTime, StoresFile};

    #[test]
    fn capacity_must_not_be_negative() {
        let mut file = valid();
        file.network.nodes[1].capacity_per_day = Some(-5);
        assert_only_issue(&file, "network.nodes[1].capacity_per_day", "must be >= 0, found -5");
    }

    #[test]
    fn coordinates_are_in_range_and_finite() {
        let mut file = valid();
        file.network.nodes[0].lat = 91.0;
        assert_only_issue(&file, "network.nodes[0].lat", "must be in [-90, 90], found 91");
        let mut file = valid();
        file.network.nodes[0].lon = f64::NAN;
        assert_only_issue(&file, "network.nodes[0].lon", "must be a finite number, found NaN");
    }

    #[test]
    fn node_names_are_unique_and_not_blank() {
        let mut file = valid();
        file.network.nodes[1].name = "DC-A".into();
        file.transfers.lanes.clear();
        file.policies.truncate(1);
        assert_only_issue(&file, "network.nodes[1].name", "duplicate node name \"DC-A\"");
        let mut file = valid();
        file.network.nodes[2].name = " ".into();
        assert_only_issue(&file, "network.nodes[2].name", "must not be empty");
    }

    #[test]
    fn an_empty_network_is_rejected() {
        let mut file = valid();
        file.network.nodes.clear();
        file.network.stores = None;
        file.transfers.lanes.clear();
        file.inventory.stock.clear();
        file.policies.truncate(1);
        assert_only_issue(&file, "network", "the network is empty");
    }

    #[test]
    fn a_network_of_vendors_cannot_fulfill() {
        let mut file = valid();
        file.network.nodes.retain(|node| node.name == "V-1");
        file.network.stores = None;
        file.transfers.lanes.clear();
        file.inventory.stock.clear();
        file.policies.truncate(1);
        file.demand.channels.bopis = None;
        let found = issues(&file);
        assert!(found.iter().any(|i| i.path == "network" && i.message.contains("only vendors")));
    }

    #[test]
    fn vendors_have_no_fulfillment_capabilities() {
        let mut file = valid();
        file.network.nodes[2].capabilities = Some(vec![
            crate::scenario::file::Capability::Transfer,
            crate::scenario::file::Capability::ShipFromDc,
        ]);
        assert_only_issue(
            &file,
            "network.nodes[2].capabilities[1]",
            "a vendor cannot have \"ship_from_dc\"",
        );
    }

    #[test]
    fn fulfilling_nodes_need_pickers() {
        let mut file = valid();
        file.network.nodes[0].pickers = Some(0);
        assert_only_issue(&file, "network.nodes[0].pickers", "must be >= 1, found 0");
    }

    #[test]
    fn pick_times_are_positive() {
        let mut file = valid();
        file.network.nodes[0].pick_time = Some(PickTime::Exponential { mean_minutes: 0.0 });
        assert_only_issue(&file, "network.nodes[0].pick_time.mean_minutes", "must be > 0");
        let mut file = valid();
        file.network.nodes[0].pick_time =
            Some(PickTime::LogNormal { mean_minutes: 3.0, sd_minutes: -1.0 });
        assert_only_issue(&file, "network.nodes[0].pick_time.sd_minutes", "must be >= 0");
    }

    #[test]
    fn opening_hours_are_times_in_order() {
        let mut file = valid();
        file.network.nodes[0].hours = Some(Hours { open: "10:00".into(), close: "09:00".into() });
        assert_only_issue(&file, "network.nodes[0].hours.close", "must be after open (10:00)");
        let mut file = valid();
        file.network.nodes[0].hours = Some(Hours { open: "9am".into(), close: "17:00".into() });
        assert_only_issue(&file, "network.nodes[0].hours.open", "invalid time \"9am\"");
    }

    #[test]
    fn costs_slas_and_failure_rates_have_signs() {
        let mut file = valid();
        file.network.nodes[0].pick_cost_per_unit = Some(-0.1);
        assert_only_issue(&file, "network.nodes[0].pick_cost_per_unit", "must be >= 0");
        let mut file = valid();
        file.network.nodes[0].pick_failure_rate = Some(1.5);
        assert_only_issue(
            &file,
            "network.nodes[0].pick_failure_rate",
            "must be in [0, 1], found 1.5",
        );
        let mut file = valid();
        file.network.nodes[0].priority = Some(-1);
        assert_only_issue(&file, "network.nodes[0].priority", "must be >= 0");
    }

    #[test]
    fn store_count_is_positive_and_fits_the_city_table() {
        let mut file = valid();
        file.network.stores = Some(StoresFile { count: 0, ..stores(&file) });
        assert_only_issue(&file, "network.stores.count", "must be >= 1, found 0");
        let mut file = valid();
        file.network.stores = Some(StoresFile { count: 972, ..stores(&file) });
        assert_only_issue(&file, "network.stores.count", "must be <= 971");
    }

    #[test]
    fn generated_store_settings_are_checked() {
        let mut file = valid();
        file.network.stores = Some(StoresFile { capacity_per_day: Some(-1), ..stores(&file) });
        assert_only_issue(&file, "network.stores.capacity_per_day", "must be >= 0");
    }

    #[test]
    fn a_custom_city_table_must_exist_and_bounds_the_store_count() {
        let dir = tempfile::tempdir().expect("temp dir");
        let scenario = dir.path().join("s.toml");
        let mut file = valid();
        file.network.cities = Some("cities.csv".into());
        let found = super::super::validate(&file, &scenario);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("file not found"));
        assert!(found[0].message.contains("cities.csv"));

        std::fs::write(dir.path().join("cities.csv"), "name,lat\na,1\nb,2\nc,3\n").expect("write");
        let found = super::super::validate(&file, &scenario);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].path, "network.stores.count");
        assert!(found[0].message.contains("must be <= 3"));
    }

    #[test]
    fn carrier_lists_have_one_value_per_zone() {
        let mut file = valid();
        file.carrier.parcel_cost = Some(vec![8.0; 7]);
        assert_only_issue(&file, "carrier.parcel_cost", "one value per zone (8");
        let mut file = valid();
        file.carrier.bands_miles = Some(vec![100.0, 500.0]);
        file.carrier.transit_days = Some(vec![1, 2, -3]);
        assert_only_issue(&file, "carrier.transit_days[2]", "must be >= 0, found -3");
    }

    #[test]
    fn carrier_bands_ascend_and_probabilities_are_probabilities() {
        let mut file = valid();
        file.carrier.bands_miles = Some(vec![100.0, 100.0]);
        assert_only_issue(&file, "carrier.bands_miles[1]", "must be above the previous band");
        let mut file = valid();
        file.carrier.late_probability = Some(vec![0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 2.0]);
        assert_only_issue(&file, "carrier.late_probability[7]", "must be in [0, 1]");
        let mut file = valid();
        file.carrier.cutoff = Some("24:00".into());
        assert_only_issue(&file, "carrier.cutoff", "must be before 24:00");
    }

    #[test]
    fn lanes_join_known_distinct_nodes() {
        let mut file = valid();
        file.transfers.lanes[0].to = "DC-Z".into();
        assert_only_issue(&file, "transfers.lanes[0].to", "unknown node \"DC-Z\"");
        let mut file = valid();
        file.transfers.lanes[0].to = "DC-A".into();
        assert_only_issue(&file, "transfers.lanes[0].to", "to itself");
        let mut file = valid();
        file.transfers.lanes[0].to = "S-Boston-MA".into();
        assert_eq!(issues(&file), Vec::new());
    }

    #[test]
    fn lane_terms_have_signs() {
        let mut file = valid();
        file.transfers.dc_to_store = Some(LaneTerms { cost_per_unit: -1.0, lead_time_days: 1.0 });
        assert_only_issue(&file, "transfers.dc_to_store.cost_per_unit", "must be >= 0");
        let mut file = valid();
        file.transfers.lanes[0].lead_time_days = f64::INFINITY;
        assert_only_issue(&file, "transfers.lanes[0].lead_time_days", "finite");
    }

    fn stores(file: &crate::scenario::file::ScenarioFile) -> StoresFile {
        file.network.stores.clone().expect("the test scenario generates stores")
    }
}
