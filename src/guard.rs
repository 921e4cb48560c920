//! Resource guards: how much work and memory a run will take, estimated from the resolved
//! scenario before anything is simulated, and the check that refuses a run the machine
//! cannot hold.
//!
//! Key types: [`Estimate`] (orders, events and bytes, with the largest contributor named so
//! a message can say which knob to turn), [`MemoryLimit`] (what the machine offers, read from
//! `/proc/meminfo` or a fixed fallback) and [`GuardError`]. The estimate is a model, not a
//! measurement: it counts the data structures that grow with the scenario (ledger positions,
//! path trees, orders in flight, result rows) with per-item sizes measured on the quickstart
//! scenario and rounded up, so it errs on the side of too much. It reads `/proc/meminfo` and
//! nothing else, runs nothing and must not touch the simulator's state.

use std::fmt;

use crate::network::NodeKind;
use crate::orders::Channel;
use crate::scenario::{DemandSource, Scenario};
use crate::sim::DRAIN_DAYS;

/// Bytes a ledger position costs in one replication (the 40-byte arena entry, its entries in
/// the sku's and the node's lists, 8 bytes each, and its share of the holding bitmaps).
const POSITION_BYTES: u64 = 64;

/// Bytes a position costs once, shared by every replication (assortments, demand shares).
const SHARED_POSITION_BYTES: u64 = 16;

/// Bytes one order in flight costs (its record, lines, shipments, pending events and a share
/// of returns).
const ORDER_BYTES: u64 = 640;

/// Days an order stays in memory, from checkout to the end of its return window.
const ORDER_LIFETIME_DAYS: u64 = 21;

/// Bytes one entry of a kept lane path tree costs.
const PATH_TREE_ENTRY_BYTES: u64 = 24;

/// Bytes one lane costs in the lane graph.
const LANE_BYTES: u64 = 40;

/// Bytes per node and per day of a replication's KPI tallies and crews.
const NODE_BYTES: u64 = 1_024;
const DAY_BYTES: u64 = 2_048;

/// Bytes one KPI result row costs; every replication's rows are kept until the end.
const RESULT_ROW_BYTES: u64 = 40;

/// KPI rows per node, per day and per replication (an upper bound of what `sim::kpi` writes).
const ROWS_PER_NODE: u64 = 12;
const ROWS_PER_DAY: u64 = 24;
const ROWS_PER_REPLICATION: u64 = 400;

/// Events the simulator handles per order (arrival, release, picks, pack, carrier, delivery,
/// pickup, returns) and per node per day (day start upkeep), rounded up.
const EVENTS_PER_ORDER: u64 = 12;
const EVENTS_PER_NODE_DAY: u64 = 2;

/// Bytes per row of a trace file, for guessing its orders from its size.
const TRACE_BYTES_PER_ROW: u64 = 40;

/// The memory assumed when `/proc/meminfo` cannot be read: 8 GiB.
pub const FALLBACK_MEMORY_BYTES: u64 = 8 << 30;

/// Share of the available memory a run may plan to use; the rest is headroom for the
/// operating system, the allocator's slack and the error of the estimate.
const USABLE_SHARE: f64 = 0.8;

/// The part of a scenario that dominates its memory, to tell the planner what to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    /// Ledger positions: nodes times SKUs.
    Positions,
    /// Kept transfer path trees: nodes squared.
    PathTrees,
    /// Orders in flight: arrival rates.
    Orders,
    /// Result rows of every replication: replications times nodes and days.
    Results,
}

impl Driver {
    /// The scenario keys or options that shrink this part.
    pub fn knobs(self) -> &'static str {
        match self {
            Driver::Positions => {
                "network.stores.count, catalog.skus or inventory.store_assortment_share, or \
                 --threads to run fewer replications at once"
            }
            Driver::PathTrees => {
                "the number of nodes (network.nodes, network.stores.count) or the transfer \
                 lanes ([transfers])"
            }
            Driver::Orders => {
                "demand.channels.<channel>.rate_per_day or demand.promotions multipliers, or \
                 --threads to run fewer replications at once"
            }
            Driver::Results => "--replications, horizon_days or the number of nodes",
        }
    }
}

/// What a run is expected to take.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Orders and walk-in shoppers arriving in one replication.
    pub orders_per_replication: f64,
    /// Events handled in one replication.
    pub events_per_replication: f64,
    /// Ledger positions (node, SKU pairs that hold stock).
    pub positions: u64,
    /// Replications that run at the same time.
    pub parallel: u64,
    /// Replications in all (every policy).
    pub jobs: u64,
    /// Peak bytes: shared tables, the replications in flight and the kept results.
    pub memory_bytes: u64,
    /// The largest contributor to `memory_bytes`.
    pub driver: Driver,
}

impl Estimate {
    /// Events over the whole run.
    pub fn total_events(&self) -> f64 {
        self.events_per_replication * self.jobs as f64
    }
}

/// Estimates a run of `replications` replications of `policies` policies of `scenario`, with
/// `threads` worker threads.
pub fn estimate(
    scenario: &Scenario,
    replications: u32,
    policies: usize,
    threads: usize,
) -> Estimate {
    let jobs = u64::from(replications) * policies as u64;
    let parallel = jobs.min(threads.max(1) as u64).max(1);
    let orders_per_replication = orders_per_replication(scenario);
    let nodes = scenario.network.len() as u64;
    let days = u64::from(scenario.horizon_days);
    let events_per_replication = orders_per_replication * EVENTS_PER_ORDER as f64
        + (nodes * (days + u64::from(DRAIN_DAYS)) * EVENTS_PER_NODE_DAY) as f64;

    let positions = positions(scenario);
    let orders_per_day = orders_per_replication / days.max(1) as f64;
    let in_flight = (orders_per_day * ORDER_LIFETIME_DAYS.min(days + u64::from(DRAIN_DAYS)) as f64)
        .min(orders_per_replication);
    let lanes = scenario.network.lanes.len() as u64;
    let trees = if lanes == 0 { 0 } else { nodes.saturating_mul(nodes) };

    let parts = [
        (
            Driver::Positions,
            positions.saturating_mul(POSITION_BYTES * parallel + SHARED_POSITION_BYTES),
        ),
        (Driver::PathTrees, trees.saturating_mul(PATH_TREE_ENTRY_BYTES)),
        (Driver::Orders, saturating_bytes(in_flight * (ORDER_BYTES * parallel) as f64)),
        (Driver::Results, result_rows(nodes, days).saturating_mul(RESULT_ROW_BYTES * jobs)),
    ];
    let fixed = lanes * LANE_BYTES + parallel * (nodes * NODE_BYTES + days * DAY_BYTES);
    let memory_bytes = parts.iter().fold(fixed, |sum, (_, bytes)| sum.saturating_add(*bytes));
    let driver = parts.iter().max_by_key(|(_, bytes)| *bytes).map_or(Driver::Orders, |p| p.0);

    Estimate {
        orders_per_replication,
        events_per_replication,
        positions,
        parallel,
        jobs,
        memory_bytes,
        driver,
    }
}

/// Expected arrivals in one replication: the rates times the day-of-week profile and the
/// promotions, day by day; for a trace, its rows guessed from the file's size.
fn orders_per_replication(scenario: &Scenario) -> f64 {
    let demand = &scenario.demand;
    if let DemandSource::Trace(path) = &demand.source {
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        return (bytes / TRACE_BYTES_PER_ROW) as f64;
    }
    let mut total = 0.0;
    for day in 0..scenario.horizon_days {
        let weekday = (day + scenario.start_weekday) % 7;
        let profile = demand.day_of_week[weekday as usize];
        for channel in Channel::ALL {
            total += demand.rate(channel) * profile * demand.promotion_factor(channel, day);
        }
    }
    total
}

/// Ledger positions: every DC and vendor carries the catalog, every store its assortment
/// share, plus explicit stock overrides.
fn positions(scenario: &Scenario) -> u64 {
    let skus = scenario.catalog.len() as u64;
    let share = scenario.inventory.store_assortment_share.clamp(0.0, 1.0);
    let per_store = (skus as f64 * share).ceil() as u64;
    let per_node = |kind: NodeKind| if kind == NodeKind::Store { per_store } else { skus };
    let stocked: u64 = scenario.network.nodes.iter().map(|n| per_node(n.kind)).sum();
    stocked + scenario.inventory.explicit.len() as u64
}

fn result_rows(nodes: u64, days: u64) -> u64 {
    nodes * ROWS_PER_NODE + (days + u64::from(DRAIN_DAYS)) * ROWS_PER_DAY + ROWS_PER_REPLICATION
}

/// `bytes` as a whole number, saturating at `u64::MAX` (and 0 for NaN).
fn saturating_bytes(bytes: f64) -> u64 {
    if bytes >= u64::MAX as f64 { u64::MAX } else { bytes.max(0.0) as u64 }
}

/// How much memory a run may use, and where the number came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryLimit {
    /// Bytes.
    pub bytes: u64,
    /// Where the number came from, for messages.
    pub source: String,
}

impl MemoryLimit {
    /// The machine's available memory from `/proc/meminfo` (`MemAvailable`, else
    /// `MemTotal`), or [`FALLBACK_MEMORY_BYTES`] when that cannot be read.
    pub fn of_machine() -> MemoryLimit {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| MemoryLimit::from_meminfo(&text))
            .unwrap_or(MemoryLimit {
                bytes: FALLBACK_MEMORY_BYTES,
                source: "a fixed limit (the machine's memory could not be read)".into(),
            })
    }

    /// The limit from the text of `/proc/meminfo`; `None` if it has neither field.
    pub fn from_meminfo(text: &str) -> Option<MemoryLimit> {
        let field = |name: &str| {
            text.lines().find_map(|line| {
                let rest = line.strip_prefix(name)?.strip_prefix(':')?;
                let kib: u64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
                Some(kib.saturating_mul(1024))
            })
        };
        let (bytes, name) = match field("MemAvailable") {
            Some(bytes) => (bytes, "available"),
            None => (field("MemTotal")?, "total"),
        };
        let source = format!("{} of {} memory", gib(bytes), name);
        Some(MemoryLimit { bytes, source })
    }

    /// Bytes a run may plan to use: a share of the limit, leaving headroom.
    pub fn usable(&self) -> u64 {
        (self.bytes as f64 * USABLE_SHARE) as u64
    }
}

/// Why a run was refused before it started.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GuardError {
    /// The estimated memory exceeds what the machine can give. The run can go on only with
    /// `--force`, at the risk of being killed by the operating system.
    #[error(
        "the run would need about {} of memory ({}), more than the {} usable of {}; \
         to use less, lower {}; or pass --force to run anyway",
        gib(.estimate.memory_bytes),
        .estimate,
        gib(.limit.usable()),
        .limit.source,
        .estimate.driver.knobs()
    )]
    TooMuchMemory {
        /// The estimate.
        estimate: Estimate,
        /// What the machine offers.
        limit: MemoryLimit,
    },
}

/// Refuses `estimate` when it needs more memory than `limit` makes usable.
pub fn check(estimate: &Estimate, limit: &MemoryLimit) -> Result<(), GuardError> {
    if estimate.memory_bytes > limit.usable() {
        return Err(GuardError::TooMuchMemory { estimate: estimate.clone(), limit: limit.clone() });
    }
    Ok(())
}

impl fmt::Display for Estimate {
    /// `1.2e6 orders and 1.4e7 events per replication, 5,000 positions, 8 replications at
    /// once`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} orders and {} events per replication, {} ledger positions, {} of {} \
             replications at once",
            count(self.orders_per_replication),
            count(self.events_per_replication),
            count(self.positions as f64),
            self.parallel,
            self.jobs
        )
    }
}

/// A count for messages: whole below a million, else in scientific notation.
fn count(value: f64) -> String {
    if value < 1e6 { format!("{}", value.round()) } else { format!("{value:.1e}") }
}

/// Bytes in GiB with one decimal, e.g. `12.5 GiB`.
pub fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMINFO: &str = "MemTotal:       24575996 kB\nMemFree:        19999999 kB\n\
                           MemAvailable:   23000000 kB\n";

    fn estimate_of(memory_bytes: u64) -> Estimate {
        Estimate {
            orders_per_replication: 1e7,
            events_per_replication: 1.2e8,
            positions: 5_000,
            parallel: 2,
            jobs: 10,
            memory_bytes,
            driver: Driver::Orders,
        }
    }

    #[test]
    fn meminfo_gives_the_available_memory() {
        let limit = MemoryLimit::from_meminfo(MEMINFO).expect("parses");
        assert_eq!(limit.bytes, 23_000_000 * 1024);
        assert!(limit.source.contains("available"), "{}", limit.source);
        let total = MemoryLimit::from_meminfo("MemTotal: 1024 kB\n").expect("parses");
        assert_eq!(total.bytes, 1024 * 1024);
        assert_eq!(MemoryLimit::from_meminfo("nothing here"), None);
    }

    #[test]
    fn the_machine_always_has_a_limit() {
        assert!(MemoryLimit::of_machine().bytes > 0);
    }

    #[test]
    fn a_run_over_the_limit_is_refused_with_the_estimate_and_the_knob() {
        let limit = MemoryLimit { bytes: 10 << 30, source: "test memory".into() };
        assert_eq!(check(&estimate_of(1 << 30), &limit), Ok(()));
        let error = check(&estimate_of(9 << 30), &limit).expect_err("over 80%");
        let message = error.to_string();
        for needle in ["9.0 GiB", "8.0 GiB usable of test memory", "rate_per_day", "--force"] {
            assert!(message.contains(needle), "{needle} in {message}");
        }
        assert!(message.contains("1.0e7 orders"), "{message}");
    }

    fn resolved(text: &str) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/x.toml");
        let file = crate::scenario::parse_str(text, &path).expect("a valid scenario");
        crate::scenario::resolve(&file, &path).expect("resolves")
    }

    #[test]
    fn the_quickstart_fits_easily_and_counts_its_orders() {
        let sc = resolved(include_str!("../scenarios/quickstart.toml"));
        let estimate = estimate(&sc, 8, 5, 2);
        // Rates sum to 4,200 a day over 28 days (117,600), and a five-day sale lifts web and
        // BOPIS (1,800 a day) by 1.5 more: 13,500.
        assert!(
            (130_000.0..132_000.0).contains(&estimate.orders_per_replication),
            "{}",
            estimate.orders_per_replication
        );
        assert_eq!((estimate.parallel, estimate.jobs), (2, 40));
        // Measured: about 30 MB resident for the whole run; the model errs high but not wildly.
        assert!(estimate.memory_bytes < 1 << 30, "{}", gib(estimate.memory_bytes));
        assert!(estimate.memory_bytes > 30 << 20, "{}", gib(estimate.memory_bytes));
    }

    #[test]
    fn a_million_skus_in_every_store_is_too_big_and_blames_positions() {
        let text = "version = 1\nname = \"big\"\nhorizon_days = 7\n\
                    [[network.nodes]]\nname = \"DC\"\nkind = \"dc\"\nlat = 40.0\nlon = -74.0\n\
                    [network.stores]\ncount = 300\n[catalog]\nskus = 200000\n\
                    [inventory]\nstore_assortment_share = 1.0\n\
                    [demand.channels.web]\nrate_per_day = 100\n\
                    [[policies]]\nname = \"p\"\npreset = \"nearest\"\n";
        let sc = resolved(text);
        let big = estimate(&sc, 10, 1, 8);
        assert_eq!(big.positions, 301 * 200_000);
        assert_eq!(big.driver, Driver::Positions);
        let limit = MemoryLimit { bytes: 24 << 30, source: "test".into() };
        assert!(check(&big, &limit).is_err(), "{}", gib(big.memory_bytes));
        // One replication at a time fits: --threads 1 is the knob that helps.
        assert!(check(&estimate(&sc, 10, 1, 1), &limit).is_ok());
    }

    #[test]
    fn counts_read_plainly() {
        assert_eq!(count(12.4), "12");
        assert_eq!(count(2.5e9), "2.5e9");
        assert_eq!(saturating_bytes(f64::INFINITY), u64::MAX);
        assert_eq!(saturating_bytes(f64::NAN), 0);
    }
}
