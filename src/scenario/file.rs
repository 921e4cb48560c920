//! The serde-facing scenario types: `ScenarioFile` and one struct per TOML section, exactly as
//! the file spells them. `network` holds the types of `[network]`, `[carrier]` and
//! `[transfers]`; `demand` those of the catalog, inventory, demand and behaviour sections;
//! `policy` those of `[[policies]]`; `expect` those of `[[expect]]`; `disruption` those of
//! `[[disruptions]]`.
//!
//! These types only describe what a scenario file may say. Every struct rejects unknown keys
//! (`deny_unknown_fields`), enumerations are typed so a misspelled name fails with the list of
//! valid ones, and numbers whose sign a user may get wrong are read as `i64` or `f64` so that
//! validation can say "must be >= 0, found -5" instead of a type error. Paths inside a
//! scenario are kept as written. This module does no validation (see `validate`), no I/O and
//! no resolution into the engine's types: serde derives stay at this edge.

mod demand;
mod disruption;
mod expect;
mod network;
mod policy;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use demand::*;
pub use disruption::*;
pub use expect::*;
pub use network::*;
pub use policy::*;

/// A whole scenario file (format version 1), parsed but not yet resolved.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The format version; must be 1.
    pub version: i64,
    /// The scenario name, `[A-Za-z0-9_-]+`; results go to `results/<name>/`.
    pub name: String,
    /// Free text shown in reports.
    #[serde(default)]
    pub description: String,
    /// The scenario seed every replication's seed derives from.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Length of a replication in days, warm-up included.
    pub horizon_days: i64,
    /// Days at the start whose orders are left out of the KPIs.
    #[serde(default)]
    pub warmup_days: i64,
    /// Replications per policy.
    #[serde(default = "default_replications")]
    pub replications: i64,
    /// The weekday of day 0.
    #[serde(default)]
    pub start_weekday: Weekday,
    /// The policy others are compared with; `None` means the first `[[policies]]` entry.
    pub baseline: Option<String>,
    /// Nodes, generated stores and the city table.
    #[serde(default)]
    pub network: NetworkFile,
    /// The carrier rate card; keys left out take the US defaults.
    #[serde(default)]
    pub carrier: CarrierFile,
    /// Transfer lanes between nodes.
    #[serde(default)]
    pub transfers: TransfersFile,
    /// The catalog: generated SKUs, explicit items, or both.
    #[serde(default)]
    pub catalog: CatalogFile,
    /// Initial stock, visibility and record accuracy.
    #[serde(default)]
    pub inventory: InventoryFile,
    /// Demand by channel, or a trace to replay.
    #[serde(default)]
    pub demand: DemandFile,
    /// Customer behaviour at pickup.
    #[serde(default)]
    pub execution: ExecutionFile,
    /// Returns and their disposition.
    #[serde(default)]
    pub returns: ReturnsFile,
    /// Replenishment of DCs by vendors and of stores by DCs.
    #[serde(default)]
    pub supply: SupplyFile,
    /// The WISMO contact model.
    #[serde(default)]
    pub support: SupportFile,
    /// The routing policies to compare; at least one.
    #[serde(default)]
    pub policies: Vec<PolicyFile>,
    /// The hindsight bound.
    #[serde(default)]
    pub bound: BoundFile,
    /// Expectations `omnilab check` holds the results to.
    #[serde(default)]
    pub expect: Vec<ExpectFile>,
    /// Faults in the model: outages, carrier delay waves, ATP sync outages, shrink events.
    #[serde(default)]
    pub disruptions: Vec<DisruptionFile>,
}

impl ScenarioFile {
    /// Resolves `relative`, a path written inside the scenario, against the directory of the
    /// scenario file at `scenario_path`. Absolute paths are returned unchanged.
    pub fn resolve_path(&self, scenario_path: &Path, relative: impl AsRef<Path>) -> PathBuf {
        let relative = relative.as_ref();
        match scenario_path.parent() {
            Some(dir) if relative.is_relative() => dir.join(relative),
            _ => relative.to_path_buf(),
        }
    }

    /// The name of the baseline policy: `baseline` when given, else the first policy's.
    pub fn baseline_name(&self) -> Option<&str> {
        self.baseline.as_deref().or_else(|| self.policies.first().map(|p| p.name.as_str()))
    }
}

fn default_seed() -> u64 {
    1
}

fn default_replications() -> i64 {
    10
}

/// A day of the week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday, the default.
    #[default]
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Days since Monday: Monday is 0, Sunday is 6.
    pub fn days_from_monday(self) -> u32 {
        self as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_path_is_relative_to_the_scenario_directory() {
        let file: ScenarioFile = toml::from_str(MINIMAL).expect("minimal scenario parses");
        let scenario = Path::new("scenarios/x.toml");
        assert_eq!(file.resolve_path(scenario, "orders.csv"), Path::new("scenarios/orders.csv"));
        assert_eq!(file.resolve_path(Path::new("x.toml"), "a/b.csv"), Path::new("a/b.csv"));
        assert_eq!(file.resolve_path(scenario, "/abs/b.csv"), Path::new("/abs/b.csv"));
    }

    #[test]
    fn baseline_defaults_to_the_first_policy() {
        let file: ScenarioFile = toml::from_str(MINIMAL).expect("minimal scenario parses");
        assert_eq!(file.baseline_name(), Some("p"));
    }

    #[test]
    fn filters_and_sort_keys_parse_as_typed_enums() {
        let text = format!(
            "{MINIMAL}\n[[policies]]\nname = \"custom\"\n\
             filters = [{{ filter = \"capability\" }}, {{ filter = \"under_capacity\", \
             max_utilization = 1 }}, {{ filter = \"node_kind\", kinds = [\"dc\"] }}]\n\
             sort = [{{ key = \"days_of_cover\", order = \"desc\" }}, {{ key = \"cost\" }}]\n"
        );
        let file: ScenarioFile = toml::from_str(&text).expect("policy parses");
        let policy = &file.policies[1];
        let filters = policy.filters.as_ref().expect("filters given");
        assert_eq!(filters[0], Filter::Capability {});
        assert_eq!(filters[1], Filter::UnderCapacity { max_utilization: 1.0 });
        assert_eq!(filters[2], Filter::NodeKind { kinds: vec![NodeKind::Dc] });
        let sort = policy.sort.as_ref().expect("sort given");
        assert_eq!(sort[0], SortKey { key: SortField::DaysOfCover, order: SortOrder::Desc });
        assert_eq!(sort[1].order, SortOrder::Asc);
    }

    #[test]
    fn unknown_keys_are_rejected_everywhere() {
        for extra in ["[demand]\nfoo = 1", "[returns.rate]\nweb2 = 0.1", "[support]\nx = 1"] {
            let text = format!("{MINIMAL}\n{extra}\n");
            assert!(toml::from_str::<ScenarioFile>(&text).is_err(), "{extra}");
        }
    }

    const MINIMAL: &str = "version = 1\nname = \"m\"\nhorizon_days = 7\n\
                           [[policies]]\nname = \"p\"\npreset = \"nearest\"\n";
}
