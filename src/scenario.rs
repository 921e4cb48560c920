//! Scenario files: the TOML format (version 1), parsing, and validation with locations.
//!
//! This module owns stage one of scenario input: [`load`] reads a file, parses it into a
//! [`ScenarioFile`] (plain serde types, exactly as the file spells things) and validates it,
//! reporting every broken rule as a [`Diagnostic`] with the file, line, column and field
//! path. Stage two, resolving a `ScenarioFile` into the engine's network, ledger and
//! policies, lives elsewhere; this module builds no engine types and runs nothing. It reads
//! the scenario file and checks that files the scenario refers to exist, and touches the
//! file system for nothing else.
//!
//! ```text
//! scenario.toml --read--> text --toml + serde--> ScenarioFile --validate--> Ok(ScenarioFile)
//!                           |                         |                        |
//!                           +--toml_edit (spans)------+------- locate -------> Diagnostics
//! ```
//!
//! A diagnostic reads
//! `error: scenarios/x.toml:14:20: network.nodes[1].capacity_per_day: must be >= 0, found -5`.
//! Shape errors (invalid TOML, an unknown key, a wrong type, a missing required key) stop
//! parsing at the first one ([`ScenarioError::Parse`]); rule errors are all collected
//! ([`ScenarioError::Invalid`]).
//!
//! # The format, version 1
//!
//! Every key is optional unless marked **required**; a key the format does not know is an
//! error, in every table. Numbers whose sign matters are read as signed integers or floats
//! and checked, so a negative count gets a clear message. Floats must be finite (TOML's
//! `nan` and `inf` are rejected), probabilities and shares lie in [0, 1], and lists that are
//! distributions sum to 1 within 1e-6. Paths inside a scenario are relative to the
//! scenario file's directory ([`ScenarioFile::resolve_path`]) and must exist.
//!
//! ## Top level
//!
//! | key | meaning | rule, default |
//! |---|---|---|
//! | `version` | format version | **required**, must be 1 |
//! | `name` | results go to `results/<name>/` | **required**, `[A-Za-z0-9_-]+` |
//! | `description` | shown in reports | default empty |
//! | `seed` | every replication's seed derives from it | u64, default 1 |
//! | `horizon_days` | days simulated, warm-up included | **required**, 1 to 3,650 |
//! | `warmup_days` | days left out of the KPIs | 0 to horizon - 1, default 0 |
//! | `replications` | replications per policy | 1 to 10,000, default 10 |
//! | `start_weekday` | weekday of day 0, `monday` ... `sunday` | default `monday` |
//! | `baseline` | the policy others are compared with | a `[[policies]]` name, default the first |
//!
//! ## `[network]`: where inventory sits
//!
//! `cities` names a city table (CSV with the columns of the bundled one: geonameid, name,
//! country, admin1, lat, lon, population, timezone) replacing the bundled table of 971 US
//! places. The network needs at least one explicit node or generated store, and at least one
//! dc or store; at most 100,000 nodes in all.
//!
//! `[[network.nodes]]` declares one node: `name` (**required**, unique across all nodes),
//! `kind` (**required**: `dc`, `store` or `vendor`), `lat` (**required**, [-90, 90]), `lon`
//! (**required**, [-180, 180]), then the per-node settings below.
//!
//! `[network.stores]` generates one store per city of the city table: `count` (**required**,
//! 1 to the number of cities), `placement` (`largest`: the most populous cities, default; or
//! `sampled`: drawn in proportion to population), `placement_seed` (for `sampled`, default the
//! scenario seed), then the per-node settings below, applied to every generated store.
//! Generated stores are named `S-<City>-<ST>`, e.g. `S-Boston-MA`.
//!
//! Per-node settings; a key left out takes the default for the node's kind (dc / store /
//! vendor), see [`NodeSettings::defaults`]:
//!
//! | key | meaning | rule | dc | store | vendor |
//! |---|---|---|---|---|---|
//! | `capabilities` | methods the node may run: `ship_from_dc`, `ship_from_store`, `pickup`, `transfer`, `accept_returns` | vendors may not have the first three | ship_from_dc, transfer, accept_returns | ship_from_store, pickup, transfer, accept_returns | none |
//! | `capacity_per_day` | orders picked per day | >= 0 | 4000 | 150 | 0 |
//! | `pickers` | pickers in parallel | >= 1 when the node fulfills | 30 | 3 | 0 |
//! | `pick_time` | time per line: `{ dist = "fixed", minutes }`, `{ dist = "exponential", mean_minutes }`, `{ dist = "lognormal", mean_minutes, sd_minutes }` | means > 0, others >= 0 | exponential 3 | lognormal 6, sd 3 | fixed 0 |
//! | `hours` | `{ open = "HH:MM", close = "HH:MM" }` | open < close, close up to `24:00` | 00:00-24:00 | 09:00-21:00 | 00:00-24:00 |
//! | `pick_sla_hours` | release to packed | >= 0 | 24 | 24 | 24 |
//! | `pick_cost_per_unit` | | >= 0 | 0.9 | 1.8 | 0 |
//! | `pack_cost_per_shipment` | | >= 0 | 1.6 | 2.2 | 0 |
//! | `pick_failure_rate` | probability a line pick fails | [0, 1] | 0.002 | 0.03 | 0 |
//! | `priority` | rank for rule stacks, lower preferred | >= 0 | 1 | 2 | 9 |
//!
//! ## `[carrier]`: the parcel rate card
//!
//! Keys left out take the US default rate card (bands 50, 150, 300, 600, 1000, 1400, 1800
//! miles, zones 1 to 8). `cutoff` (`HH:MM` before 24:00: parcels packed later leave the next
//! day), `bands_miles` (upper bounds, > 0 and strictly ascending; zones = bands + 1), and one
//! value per zone in `parcel_cost` (>= 0), `cost_per_kg` (>= 0), `transit_days` (whole
//! days, >= 0) and `late_probability` ([0, 1]); `late_days` (>= 0) are added to a late
//! delivery.
//!
//! ## `[transfers]`: lanes between nodes
//!
//! `dc_to_store = { cost_per_unit, lead_time_days }` adds a lane from every dc to every store;
//! `store_to_store = { max_miles, cost_per_unit, lead_time_days }` one between every two
//! stores closer than `max_miles` (> 0); `[[transfers.lanes]]` adds explicit lanes `from`
//! and `to` named nodes (distinct) with `cost_per_unit` and `lead_time_days`, all **required**
//! and >= 0.
//!
//! ## `[catalog]`: what is sold
//!
//! Generated SKUs: `skus` (**required** when there are no `[[catalog.items]]`; at most
//! 1,000,000 SKUs in all), `categories` (default `["general"]`, unique), prices log-uniform
//! between `price_min` (> 0, default 10) and `price_max` (> price_min, default 100),
//! `unit_cost_share` ((0, 1], default 0.45), weights uniform between `weight_kg_min` (> 0,
//! default 0.2) and `weight_kg_max` (default 2), `clearance_share` (clearance price as a share
//! of price, [0, 1], default 0.4), `seasonal_share` (share of SKUs with a season end, [0, 1],
//! default 0), `season_end_day` (>= 1, **required** when `seasonal_share > 0`),
//! `zipf_exponent` (popularity skew, >= 0, default 1).
//!
//! `[[catalog.items]]` adds explicit SKUs: `id` (**required**, unique), `price` (**required**,
//! above 0), `unit_cost` and `clearance_price` (in [0, price]), `weight_kg` (above 0),
//! `category` (from `categories`), `season_end_day` (>= 1), `popularity` (a relative
//! weight, >= 0).
//!
//! ## `[inventory]`: stock, visibility and record accuracy
//!
//! `visibility_sync_minutes` (ATP snapshot interval, 0 = live, default 15),
//! `dc_weeks_of_cover` (default 6) and `store_weeks_of_cover` (default 2) of initial stock,
//! `store_assortment_share` ((0, 1], default 0.3), `store_buffer_units` (default 1),
//! `record_inaccurate_share` ([0, 1], default 0.6), `record_error_max_units` (default 3),
//! `shrink_per_unit_per_day` ([0, 1], default 0.0005), `cycle_count_every_days` (0 = never,
//! default 30); all >= 0. `[[inventory.stock]]` overrides the initial stock of one position:
//! `node` (a node name), `sku` (an explicit item's id), `units` (>= 0), all **required**.
//!
//! ## `[demand]`: orders
//!
//! `trace` replays a CSV of orders instead of generating them (the file must exist).
//! `lost_sale` (`drop_line`, default, or `abandon_order`), `customer_spread_miles` (>= 0,
//! default 15), `pickup_radius_miles` (> 0, default 25), `basket_lines` (P(1 line), P(2
//! lines), ..., default 0.6, 0.25, 0.1, 0.05) and `line_units` (P(1 unit), ..., default 0.9,
//! 0.08, 0.02) sum to 1; `day_of_week` (7 weights, Monday first) and `hour_of_day` (24
//! weights) are >= 0 and not all zero. `[demand.channels.<channel>]` for `web`, `bopis`,
//! `walk_in` and `marketplace`: `rate_per_day` (**required**, 0 to 10^8) and `promise_days`
//! (the channel's delivery SLA, 0 to 365). Without a trace, some channel needs a positive
//! rate, and every channel with demand needs a node that can serve it. `[[demand.promotions]]`:
//! `name`, `start_day` (>= 0), `end_day` (>= start_day), `multiplier` (> 0), all
//! **required**, and `channels` (default all).
//!
//! ## `[execution]`, `[returns]`, `[supply]`, `[support]`: behaviour
//!
//! `[execution]`: `pickup_delay_hours_mean` (default 20), `no_show_rate` ([0, 1], default
//! 0.05), `no_show_hold_days` (default 5).
//!
//! `[returns]`: `rate` and `to_store_share` per channel (`{ web = ..., bopis = ... }`, [0, 1];
//! defaults in [`ReturnsFile::return_rate`] and [`ReturnsFile::to_store_share`]),
//! `category_multiplier` per category of `catalog.categories` (>= 0), `lag_days_mean` (7),
//! `processing_hours` (48), `restock_share` (0.7), `refurbish_share` (0.2) and
//! `liquidate_share` (0.1) summing to 1, `refurbish_days` (5), `refund_days` (2),
//! `label_cost` (6), `processing_cost` (2.5), `salvage_share` ([0, 1], 0.2).
//!
//! `[supply]`: `vendor_lead_time_days` (7), `dc_reorder_point_weeks` (2),
//! `dc_order_up_to_weeks` (>= the reorder point, 6), `store_replenish_every_days` (>= 1, 7),
//! `store_order_up_to_weeks` (2), `rebalancing` (false).
//!
//! `[support]`: WISMO contact probabilities `contact_late` (0.3), `contact_cancelled` (0.5),
//! `contact_split` (0.1).
//!
//! Durations and costs in these sections are >= 0.
//!
//! ## `[[policies]]`: routing policies
//!
//! At least one, with unique `name`s (`[A-Za-z0-9_-]+`). A policy is a `preset`
//! (`dc_first`, `nearest`, `min_split`, `greedy_cost`), a custom rule stack with both
//! `filters` and `sort`, or a preset whose keys are overridden by those given.
//!
//! - `filters`, applied in order: `{ filter = "capability" }`, `{ filter = "has_full_atp" }`,
//!   `{ filter = "under_capacity", max_utilization }` ((0, 1]), `{ filter =
//!   "within_distance", max_miles }` (> 0), `{ filter = "exclude", nodes = [...] }` (node
//!   names), `{ filter = "node_kind", kinds = [...] }`, `{ filter = "min_atp_after", units }`
//!   (>= 0).
//! - `sort`, applied in order: `{ key = "priority" | "distance" | "cost" | "atp" |
//!   "days_of_cover" | "utilization" | "dc_first", order = "asc" | "desc" }` (order default
//!   `asc`; `dc_first` ranks distribution centers before stores).
//! - `split`: `never`, `up_to` (needs `max_shipments`, 2 to 100) or `free`.
//! - `fallback`: `cancel`, or a preset name to route with when no node passes the filters.

mod error;
pub mod file;
mod locate;
mod resolve;
mod resolved;
mod validate;

use std::path::Path;

pub use error::{Diagnostic, ScenarioError};
pub use file::{
    BoundFile, Capability, CarrierFile, CatalogFile, Channel, ChannelFile, ChannelShares,
    ChannelsFile, DEFAULT_ZONE_COUNT, DemandFile, ExecutionFile, Fallback, Filter, Hours,
    InventoryFile, ItemFile, LaneFile, LaneTerms, NetworkFile, NodeFile, NodeKind, NodeSettings,
    PickTime, Placement, PolicyFile, PolicyKind, Preset, ReturnsFile, ScenarioFile, SortField,
    SortKey, SortOrder, Split, StockFile, StoreToStoreTerms, StoresFile, SupplyFile, SupportFile,
    TransfersFile, Weekday, parse_clock,
};
pub use locate::Locator;
pub use resolve::{ResolveIssue, resolve, resolve_all};
pub use resolved::*;
pub use validate::{
    BUNDLED_CITY_COUNT, MAX_HORIZON_DAYS, MAX_NODES, MAX_RATE_PER_DAY, MAX_REPLICATIONS, MAX_SKUS,
};

/// Reads, parses and validates the scenario file at `path`.
///
/// Errors: [`ScenarioError::Io`] when the file cannot be read, [`ScenarioError::Parse`] when
/// it is not UTF-8 TOML of the scenario's shape, [`ScenarioError::Invalid`] listing every
/// broken rule otherwise.
#[expect(
    clippy::result_large_err,
    reason = "errors are rare, one per file, and never on a hot path"
)]
pub fn load(path: &Path) -> Result<ScenarioFile, ScenarioError> {
    parse_str(&read_text(path)?, path)
}

/// Reads, validates and resolves the scenario file at `path` into the engine's [`Scenario`]:
/// what `omnilab run` simulates. Errors as [`load`], plus what only resolution can find (a
/// city table that does not load, a name no generated store has), located like the others.
#[expect(
    clippy::result_large_err,
    reason = "errors are rare, one per file, and never on a hot path"
)]
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    let file = parse_str(&text, path)?;
    resolve_all(&file, path).map_err(|issues| {
        let locator = Locator::new(&text);
        let mut diagnostics: Vec<Diagnostic> = issues
            .into_iter()
            .map(|issue| {
                let position = locator.locate(&issue.path);
                Diagnostic::new(path, issue.path, issue.message).at(position).with_hint(issue.hint)
            })
            .collect();
        diagnostics.sort_by_key(|d| (d.line, d.column));
        ScenarioError::Invalid(diagnostics)
    })
}

/// The file at `path` as UTF-8 text.
#[expect(
    clippy::result_large_err,
    reason = "errors are rare, one per file, and never on a hot path"
)]
fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let bytes = std::fs::read(path)
        .map_err(|source| ScenarioError::Io { path: path.to_path_buf(), source })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let error = e.utf8_error();
            Err(ScenarioError::Parse(error::not_utf8(path, e.as_bytes(), &error)))
        }
    }
}

/// Parses and validates scenario `text`; `file` names it in diagnostics and locates the
/// files it refers to (relative to its directory).
#[expect(
    clippy::result_large_err,
    reason = "errors are rare, one per file, and never on a hot path"
)]
pub fn parse_str(text: &str, file: &Path) -> Result<ScenarioFile, ScenarioError> {
    if text.trim().is_empty() {
        let message = "the file is empty, expected a scenario starting with `version = 1`";
        return Err(ScenarioError::Parse(Diagnostic::new(file, "", message).at(Some((1, 1)))));
    }

    let locator = Locator::new(text);
    let scenario: ScenarioFile = toml::from_str(text)
        .map_err(|error| ScenarioError::Parse(error::from_toml(file, &error, &locator)))?;

    let issues = validate::validate(&scenario, file);
    if issues.is_empty() {
        return Ok(scenario);
    }

    let mut diagnostics: Vec<Diagnostic> = issues
        .into_iter()
        .map(|issue| {
            let position = locator.locate(&issue.path);
            Diagnostic::new(file, issue.path, issue.message).at(position).with_hint(issue.hint)
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Err(ScenarioError::Invalid(diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[expect(clippy::result_large_err, reason = "a test helper")]
    fn parse(text: &str) -> Result<ScenarioFile, ScenarioError> {
        parse_str(text, Path::new("t.toml"))
    }

    const VALID: &str = "version = 1\nname = \"t\"\nhorizon_days = 7\n\
                         [[network.nodes]]\nname = \"DC\"\nkind = \"dc\"\nlat = 40.0\nlon = -74.0\n\
                         [catalog]\nskus = 10\n\
                         [demand.channels.web]\nrate_per_day = 100\n\
                         [[policies]]\nname = \"p\"\npreset = \"nearest\"\n";

    #[test]
    fn a_valid_text_parses() {
        let scenario = parse(VALID).expect("valid");
        assert_eq!(scenario.name, "t");
        assert_eq!(scenario.seed, 1);
        assert_eq!(scenario.replications, 10);
    }

    #[test]
    fn rule_errors_are_located_and_sorted_by_line() {
        let text = VALID
            .replace("horizon_days = 7", "horizon_days = 7\nreplications = 0")
            .replace("lat = 40.0", "lat = 95.0");
        let error = parse(&text).expect_err("invalid");
        let rendered: Vec<String> = error.diagnostics().iter().map(ToString::to_string).collect();
        assert_eq!(
            rendered,
            [
                "error: t.toml:4:16: replications: must be >= 1, found 0",
                "error: t.toml:8:7: network.nodes[0].lat: must be in [-90, 90], found 95",
            ]
        );
    }

    #[test]
    fn shape_errors_name_the_path() {
        let text = VALID.replace("lat = 40.0", "lat = \"north\"");
        let error = parse(&text).expect_err("wrong type");
        assert!(matches!(error, ScenarioError::Parse(_)));
        assert_eq!(
            error.to_string(),
            "error: t.toml:7:7: network.nodes[0].lat: wrong type: found string \"north\", expected a number"
        );
    }

    #[test]
    fn unknown_filter_keys_are_located_at_the_key() {
        let text = VALID.replace(
            "preset = \"nearest\"",
            "preset = \"nearest\"\nfilters = [{ filter = \"within_distance\", max_km = 5 }]",
        );
        let error = parse(&text).expect_err("unknown key");
        let diagnostic = &error.diagnostics()[0];
        assert_eq!(diagnostic.path, "policies[0].filters[0].max_km");
        assert_eq!((diagnostic.line, diagnostic.column), (Some(16), Some(42)));
        assert!(diagnostic.message.starts_with("unknown key \"max_km\", expected max_miles"));
    }

    #[test]
    fn syntax_errors_have_no_path() {
        let error = parse("version = 1\n[network\n").expect_err("syntax");
        let diagnostic = &error.diagnostics()[0];
        assert_eq!(diagnostic.path, "");
        assert_eq!(diagnostic.line, Some(2));
        assert!(diagnostic.message.starts_with("invalid TOML: "));
    }

    #[test]
    fn an_empty_text_says_so() {
        let error = parse(" \n\n").expect_err("empty");
        assert_eq!(
            error.to_string(),
            "error: t.toml:1:1: the file is empty, expected a scenario starting with `version = 1`"
        );
    }

    #[test]
    fn load_reports_unreadable_files() {
        let error = load(Path::new("/nonexistent/omnilab/x.toml")).expect_err("missing");
        assert!(matches!(error, ScenarioError::Io { .. }));
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn edits_of_a_valid_scenario_never_panic(at in 0usize..300, junk in "[\\[\\]{}=\".a-z0-9\\n -]{0,8}") {
            let at = at.min(VALID.len());
            let text = format!("{}{junk}{}", &VALID[..at], &VALID[at..]);
            let _ = parse(&text);
        }
    }
}
