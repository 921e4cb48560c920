//! Semantic checks of a parsed `ScenarioFile`: every rule of the format that serde cannot
//! express (signs, ranges, finite floats, probabilities, sums, cross-references between
//! sections, size limits, referenced files that must exist).
//!
//! Upper bounds against absurd values (a lead time of a million days) live together in
//! `limits`.
//!
//! Checks collect every problem as an [`Issue`] (a field path and a message) instead of
//! stopping at the first; `locate` turns paths into lines later. The rules are split by
//! section: `network` (nodes, stores, carrier, transfers), `demand` (catalog, inventory,
//! demand, returns and the other behaviour sections), `policies`, `expect` and `disruptions`. Apart from checking that
//! referenced files exist (and counting the rows of a custom city table), nothing here does
//! I/O, and nothing resolves the file into engine types.

mod demand;
mod disruptions;
mod expect;
mod limits;
mod network;
mod policies;

use std::collections::HashSet;
use std::fmt::Display;
use std::path::Path;

use super::file::ScenarioFile;

/// The longest horizon, in days.
pub const MAX_HORIZON_DAYS: i64 = 3_650;
/// The most replications per policy.
pub const MAX_REPLICATIONS: i64 = 10_000;
/// The most nodes, explicit and generated together.
pub const MAX_NODES: i64 = 100_000;
/// The most SKUs, generated and explicit together.
pub const MAX_SKUS: i64 = 1_000_000;
/// The highest base arrival rate of a channel, in orders per day.
pub const MAX_RATE_PER_DAY: f64 = 1e8;
/// The number of cities in the bundled city table.
///
/// FIXME: this repeats the length of the table that the `network` module embeds; once that
/// module has landed, validation should ask `CityTable::bundled()` instead.
pub const BUNDLED_CITY_COUNT: usize = 971;

/// One broken rule: the field path it is about and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Issue {
    /// The field path, e.g. `network.nodes[1].capacity_per_day`.
    pub path: String,
    /// What is wrong and what is expected.
    pub message: String,
    /// An optional suggestion.
    pub hint: Option<String>,
}

/// Checks every rule of the format; `scenario_path` locates files the scenario refers to.
pub(crate) fn validate(file: &ScenarioFile, scenario_path: &Path) -> Vec<Issue> {
    let mut checks = Checks::default();
    let nodes = NodeNames::of(file);

    top_level(file, &mut checks);
    network::check(file, scenario_path, &nodes, &mut checks);
    demand::check(file, scenario_path, &nodes, &mut checks);
    policies::check(file, &nodes, &mut checks);
    expect::check(file, &mut checks);
    disruptions::check(file, &nodes, &mut checks);
    limits::check(file, &mut checks);

    checks.issues
}

fn top_level(file: &ScenarioFile, checks: &mut Checks) {
    if file.version != 1 {
        checks.fail("version", format!("unsupported version {}, expected 1", file.version));
    }
    checks.identifier("name", &file.name);

    checks.int_within("horizon_days", file.horizon_days, 1, MAX_HORIZON_DAYS);
    checks.int_at_least("warmup_days", file.warmup_days, 0);
    if file.warmup_days >= file.horizon_days && file.horizon_days >= 1 {
        checks.fail(
            "warmup_days",
            format!("must be < horizon_days ({}), found {}", file.horizon_days, file.warmup_days),
        );
    }
    checks.int_within("replications", file.replications, 1, MAX_REPLICATIONS);
}

/// Node names the scenario defines, for checking references to nodes.
pub(crate) struct NodeNames<'a> {
    explicit: HashSet<&'a str>,
    /// Names to suggest from, in file order; empty when there are too many to compare.
    suggestible: Vec<&'a str>,
    stores_generated: bool,
}

/// Up to this many explicit nodes, an unknown name gets a "did you mean" hint; beyond, the
/// comparison with every name would cost more than it helps.
const MAX_SUGGESTIBLE_NODES: usize = 1_000;

/// The most "did you mean" hints per file, so a file with thousands of bad references still
/// validates in well under a second.
const MAX_HINTS: usize = 20;

impl<'a> NodeNames<'a> {
    fn of(file: &'a ScenarioFile) -> Self {
        let names: Vec<&str> = file.network.nodes.iter().map(|node| node.name.as_str()).collect();
        let suggestible =
            if names.len() <= MAX_SUGGESTIBLE_NODES { names.clone() } else { Vec::new() };
        NodeNames {
            explicit: names.into_iter().collect(),
            suggestible,
            stores_generated: file.network.stores.is_some(),
        }
    }

    /// Checks that `name`, written at `path`, names a node.
    ///
    /// FIXME: generated store names are only checked for their shape `S-<City>-<ST>`, since
    /// which cities get a store is decided when the network is resolved; resolution should
    /// report a name that matches no placed store.
    pub(crate) fn check(&self, path: &str, name: &str, checks: &mut Checks) {
        if self.explicit.contains(name) || (self.stores_generated && is_generated_store(name)) {
            return;
        }

        let expected = if self.stores_generated {
            "expected the name of a [[network.nodes]] entry or a generated store \"S-<City>-<ST>\""
        } else {
            "expected the name of a [[network.nodes]] entry"
        };
        let hint = checks.suggestion(name, &self.suggestible);
        checks.fail_with_hint(path, format!("unknown node \"{name}\", {expected}"), hint);
    }
}

/// Whether `name` has the shape of a generated store's name, `S-<City>-<ST>`.
fn is_generated_store(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("S-") else { return false };
    let Some((city, state)) = rest.rsplit_once('-') else { return false };
    !city.is_empty() && state.len() == 2 && state.bytes().all(|b| b.is_ascii_uppercase())
}

/// Collects issues; one method per kind of rule so messages read the same everywhere.
pub(crate) struct Checks {
    issues: Vec<Issue>,
    /// How many more "did you mean" hints may be computed.
    hints_left: usize,
}

impl Default for Checks {
    fn default() -> Self {
        Checks { issues: Vec::new(), hints_left: MAX_HINTS }
    }
}

impl Checks {
    /// A "did you mean" hint for `written` among `names`, while the hint budget lasts.
    pub(crate) fn suggestion(&mut self, written: &str, names: &[&str]) -> Option<String> {
        self.hints_left = self.hints_left.checked_sub(1)?;
        super::error::suggestion(written, names)
    }

    /// Records a broken rule.
    pub(crate) fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.fail_with_hint(path, message, None);
    }

    /// Records a broken rule with a suggestion.
    pub(crate) fn fail_with_hint(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.issues.push(Issue { path: path.into(), message: message.into(), hint });
    }

    /// A float must be finite; returns whether it is.
    pub(crate) fn finite(&mut self, path: &str, value: f64) -> bool {
        if !value.is_finite() {
            self.fail(path, format!("must be a finite number, found {value}"));
        }
        value.is_finite()
    }

    /// A finite float `>= min`.
    pub(crate) fn at_least(&mut self, path: &str, value: f64, min: f64) {
        if self.finite(path, value) && value < min {
            self.fail(path, format!("must be >= {min}, found {value}"));
        }
    }

    /// A finite float `> min`.
    pub(crate) fn above(&mut self, path: &str, value: f64, min: f64) {
        if self.finite(path, value) && value <= min {
            self.fail(path, format!("must be > {min}, found {value}"));
        }
    }

    /// A finite float in `[low, high]`.
    pub(crate) fn within(&mut self, path: &str, value: f64, low: f64, high: f64) {
        if self.finite(path, value) && !(low..=high).contains(&value) {
            self.fail(path, format!("must be in [{low}, {high}], found {value}"));
        }
    }

    /// A probability or share, in `[0, 1]`.
    pub(crate) fn probability(&mut self, path: &str, value: f64) {
        self.within(path, value, 0.0, 1.0);
    }

    /// A share that must be positive, in `(0, 1]`.
    pub(crate) fn positive_share(&mut self, path: &str, value: f64) {
        if self.finite(path, value) && !(value > 0.0 && value <= 1.0) {
            self.fail(path, format!("must be in (0, 1], found {value}"));
        }
    }

    /// An integer `>= min`.
    pub(crate) fn int_at_least(&mut self, path: &str, value: i64, min: i64) {
        if value < min {
            self.fail(path, format!("must be >= {min}, found {value}"));
        }
    }

    /// An integer in `[min, limit]`, where `limit` is a guard against absurd sizes.
    pub(crate) fn int_within(&mut self, path: &str, value: i64, min: i64, limit: i64) {
        if value < min {
            self.fail(path, format!("must be >= {min}, found {value}"));
        } else if value > limit {
            self.fail(path, format!("must be <= {limit} (the limit), found {value}"));
        }
    }

    /// Probabilities of 1, 2, ... that must each be in `[0, 1]` and sum to 1.
    pub(crate) fn distribution(&mut self, path: &str, values: &[f64]) {
        if values.is_empty() {
            self.fail(path, "must not be empty, expected probabilities that sum to 1");
            return;
        }
        for (index, value) in values.iter().enumerate() {
            self.probability(&format!("{path}[{index}]"), *value);
        }
        self.sums_to_one(path, values.iter().copied());
    }

    /// Finite values that must sum to 1 within 1e-6.
    pub(crate) fn sums_to_one(&mut self, path: &str, values: impl Iterator<Item = f64>) {
        let sum: f64 = values.sum();
        if sum.is_finite() && (sum - 1.0).abs() > 1e-6 {
            self.fail(path, format!("must sum to 1, found a sum of {}", rounded(sum)));
        }
    }

    /// Relative weights that must each be finite and `>= 0`, with at least one positive.
    pub(crate) fn profile(&mut self, path: &str, values: &[f64], len: usize) {
        if values.len() != len {
            self.fail(path, format!("must have {len} values, found {}", values.len()));
            return;
        }
        for (index, value) in values.iter().enumerate() {
            self.at_least(&format!("{path}[{index}]"), *value, 0.0);
        }
        if values.iter().all(|v| *v == 0.0) {
            self.fail(path, "must not be all zero, expected at least one positive weight");
        }
    }

    /// A name used as an identifier (scenario, policy): `[A-Za-z0-9_-]+`.
    pub(crate) fn identifier(&mut self, path: &str, name: &str) {
        let valid = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid {
            self.fail(
                path,
                format!("invalid name \"{name}\", expected letters, digits, '_' and '-' only"),
            );
        }
    }

    /// A name that must not be empty or blank.
    pub(crate) fn not_blank(&mut self, path: &str, name: &str) {
        if name.trim().is_empty() {
            self.fail(path, "must not be empty, expected a name");
        }
    }

    /// Records the second and later uses of each name in `names` (given with their paths).
    pub(crate) fn unique<'a>(
        &mut self,
        what: &str,
        names: impl Iterator<Item = (String, &'a str)>,
    ) {
        let mut first_use = std::collections::HashMap::new();
        for (path, name) in names {
            if let Some(first) = first_use.get(name) {
                let message = format!("duplicate {what} \"{name}\", already used at {first}");
                self.fail(path, message);
            } else {
                first_use.insert(name, path);
            }
        }
    }
}

/// `value` rounded to 9 decimals, so sums print as a reader would write them (1.1, not
/// 1.0999999999999999).
pub(crate) fn rounded(value: f64) -> f64 {
    (value * 1e9).round() / 1e9
}

/// Formats a list of names for "expected one of" messages.
pub(crate) fn one_of<T: Display>(names: impl IntoIterator<Item = T>) -> String {
    let names: Vec<String> = names.into_iter().map(|name| name.to_string()).collect();
    format!("expected one of {}", names.join(", "))
}

/// A referenced file must exist; `relative` is written at `path` in the scenario.
fn file_exists(
    file: &ScenarioFile,
    scenario_path: &Path,
    path: &str,
    relative: &str,
    checks: &mut Checks,
) -> bool {
    let resolved = file.resolve_path(scenario_path, relative);
    let exists = resolved.is_file();
    if !exists {
        checks.fail(
            path,
            format!(
                "file not found: {}, expected a path relative to the scenario's directory",
                resolved.display()
            ),
        );
    }
    exists
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A valid scenario to break one rule at a time.

    use super::*;

    /// A small valid scenario: two DCs, a vendor, generated stores, explicit items, two
    /// channels and two policies.
    pub(crate) const VALID: &str = r#"
version = 1
name = "unit"
horizon_days = 28
warmup_days = 7
replications = 4

[network.stores]
count = 5

[[network.nodes]]
name = "DC-A"
kind = "dc"
lat = 40.5
lon = -74.4

[[network.nodes]]
name = "DC-B"
kind = "dc"
lat = 32.9
lon = -97.0
capacity_per_day = 3000

[[network.nodes]]
name = "V-1"
kind = "vendor"
lat = 34.0
lon = -118.0

[[transfers.lanes]]
from = "DC-A"
to = "DC-B"
cost_per_unit = 0.5
lead_time_days = 3.0

[catalog]
skus = 50
categories = ["apparel", "footwear"]

[[catalog.items]]
id = "SKU-1"
price = 40.0
category = "apparel"

[[inventory.stock]]
node = "DC-A"
sku = "SKU-1"
units = 100

[demand.channels.web]
rate_per_day = 500.0

[demand.channels.bopis]
rate_per_day = 50.0

[[policies]]
name = "dc_first"
preset = "dc_first"

[[policies]]
name = "custom"
filters = [{ filter = "capability" }, { filter = "exclude", nodes = ["DC-B"] }]
sort = [{ key = "distance" }]
"#;

    /// The valid scenario, parsed.
    pub(crate) fn valid() -> ScenarioFile {
        toml::from_str(VALID).expect("the test scenario parses")
    }

    /// The issues of `file`, as if it were at `unit.toml` in the current directory.
    pub(crate) fn issues(file: &ScenarioFile) -> Vec<Issue> {
        validate(file, Path::new("unit.toml"))
    }

    /// Asserts that `file` breaks exactly the rules at `path`, with a message containing
    /// `needle`.
    pub(crate) fn assert_only_issue(file: &ScenarioFile, path: &str, needle: &str) {
        let found = issues(file);
        assert!(
            !found.is_empty() && found.iter().all(|i| i.path == path),
            "expected issues at {path} only, found {found:#?}"
        );
        assert!(
            found.iter().any(|i| i.message.contains(needle)),
            "no message with {needle:?} in {found:#?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn the_test_scenario_is_valid() {
        assert_eq!(issues(&valid()), Vec::new());
    }

    #[test]
    fn only_version_1_is_supported() {
        let file = ScenarioFile { version: 2, ..valid() };
        assert_only_issue(&file, "version", "unsupported version 2, expected 1");
    }

    #[test]
    fn the_name_is_an_identifier() {
        let file = ScenarioFile { name: "my scenario".into(), ..valid() };
        assert_only_issue(&file, "name", "invalid name \"my scenario\"");
        let file = ScenarioFile { name: String::new(), ..valid() };
        assert_only_issue(&file, "name", "invalid name");
    }

    #[test]
    fn the_horizon_is_positive_and_bounded() {
        let file = ScenarioFile { horizon_days: 0, warmup_days: 0, ..valid() };
        assert_only_issue(&file, "horizon_days", "must be >= 1, found 0");
        let file = ScenarioFile { horizon_days: 4_000, ..valid() };
        assert_only_issue(&file, "horizon_days", "must be <= 3650 (the limit), found 4000");
    }

    #[test]
    fn the_warmup_ends_before_the_horizon() {
        let file = ScenarioFile { warmup_days: 28, ..valid() };
        assert_only_issue(&file, "warmup_days", "must be < horizon_days (28), found 28");
        let file = ScenarioFile { warmup_days: -1, ..valid() };
        assert_only_issue(&file, "warmup_days", "must be >= 0, found -1");
    }

    #[test]
    fn replications_are_positive_and_bounded() {
        let file = ScenarioFile { replications: 0, ..valid() };
        assert_only_issue(&file, "replications", "must be >= 1");
        let file = ScenarioFile { replications: 10_001, ..valid() };
        assert_only_issue(&file, "replications", "<= 10000 (the limit)");
    }

    #[test]
    fn every_issue_is_collected() {
        let file = ScenarioFile { version: 3, horizon_days: 0, replications: 0, ..valid() };
        let paths: Vec<String> = issues(&file).into_iter().map(|i| i.path).collect();
        assert!(paths.contains(&"version".to_owned()));
        assert!(paths.contains(&"horizon_days".to_owned()));
        assert!(paths.contains(&"replications".to_owned()));
    }

    #[test]
    fn generated_store_names_have_a_shape() {
        assert!(is_generated_store("S-New York City-NY"));
        assert!(is_generated_store("S-Boston-MA"));
        assert!(!is_generated_store("S-Boston"));
        assert!(!is_generated_store("S--MA"));
        assert!(!is_generated_store("Boston-MA"));
        assert!(!is_generated_store("S-Boston-Ma"));
    }

    #[test]
    fn checks_report_non_finite_numbers_once() {
        let mut checks = Checks::default();
        checks.at_least("a", f64::NAN, 0.0);
        checks.probability("b", f64::INFINITY);
        assert_eq!(checks.issues.len(), 2);
        assert_eq!(checks.issues[0].message, "must be a finite number, found NaN");
        assert_eq!(checks.issues[1].message, "must be a finite number, found inf");
    }

    #[test]
    fn distributions_sum_to_one_within_tolerance() {
        let mut checks = Checks::default();
        checks.distribution("ok", &[0.5, 0.25, 0.25 + 1e-9]);
        assert!(checks.issues.is_empty());
        checks.distribution("bad", &[0.5, 0.4]);
        checks.distribution("empty", &[]);
        let paths: Vec<&str> = checks.issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["bad", "empty"]);
    }

    #[test]
    fn profiles_have_a_length_and_a_positive_weight() {
        let mut checks = Checks::default();
        checks.profile("short", &[1.0; 6], 7);
        checks.profile("zero", &[0.0; 7], 7);
        checks.profile("negative", &[1.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 7);
        let paths: Vec<&str> = checks.issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["short", "zero", "negative[1]"]);
    }

    #[test]
    fn hints_stop_when_the_budget_is_spent() {
        let mut checks = Checks::default();
        for _ in 0..MAX_HINTS {
            assert_eq!(
                checks.suggestion("DC-B", &["DC-A"]).as_deref(),
                Some("did you mean `DC-A`?")
            );
        }
        assert_eq!(checks.suggestion("DC-B", &["DC-A"]), None);
    }

    #[test]
    fn duplicates_point_at_the_first_use() {
        let mut checks = Checks::default();
        let names = [("a[0]".to_owned(), "x"), ("a[1]".to_owned(), "y"), ("a[2]".to_owned(), "x")];
        checks.unique("node name", names.into_iter());
        assert_eq!(checks.issues.len(), 1);
        assert_eq!(checks.issues[0].path, "a[2]");
        assert!(checks.issues[0].message.contains("already used at a[0]"));
    }
}
